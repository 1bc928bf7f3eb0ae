/**
 * Typed builders for every DMS instance filter, composable with `and`/`or`/`not`.
 *
 * Each filter dumps exactly the API JSON (docs/dms.md, Filters). Generated SDKs expose one typed property builder
 * per view property ({@link TextProperty}, {@link NumberProperty}, ...), so only the operators valid
 * for the data type are offered:
 *
 * @example
 * const name = new TextProperty(viewPropertyRef(pumpView, "name"));
 * const pressure = new NumberProperty(viewPropertyRef(pumpView, "pressure"));
 * const filter = name.prefix("P-").and(pressure.range({ gt: 2 })).or(name.exists().not());
 * filter.dump(); // {"or": [{"and": [{"prefix": ...}, {"range": ...}]}, {"not": {"exists": ...}}]}
 *
 * Direct relation values may be bare external ids: they resolve to the default instance space when the
 * filter is dumped (`dump(space)`), which the instance API does with its client's space.
 *
 * The same filters as plain objects: a {@link Where} object has one key per property, holding the operators of
 * its builder (`{ name: { prefix: "P-" }, pressure: { gt: 2 } }`), and `and`/`or`/`not` keys. {@link whereFilter}
 * turns it into a `Filter` by calling the builders' methods, so both forms give the same JSON.
 */
import type { JsonValue } from "./json.js";
import type { ContainerId, NodeId, NodeIdLike, ViewId } from "./types.js";

/**
 * Most values in one `in`/`containsAny`/`containsAll` filter (docs/dms.md, Filters; unconfirmed: 1000); more are
 * split.
 */
export const MAX_FILTER_VALUES = 1000;
/** Most sort properties of a list or search. */
export const MAX_SORT = 5;

/** A property reference: `["node", "externalId"]`, `[space, "View/version", prop]` or `[space, container, prop]`. */
export type PropertyRef = readonly string[];

/** The JSON of a filter. */
export type FilterJson = { [key: string]: JsonValue };

/** The reference to a property of a view: `[space, "externalId/version", property]`. */
export function viewPropertyRef(view: ViewId, property: string): PropertyRef {
  return [view.space, `${view.externalId}/${view.version}`, property];
}

/** Internal: a node given by external id alone; its space is known only when the filter is dumped. */
export class InDefaultSpace {
  readonly externalId: string;
  constructor(externalId: string) {
    this.externalId = externalId;
  }
}

/** A value reference `{property: [...]}` (compare with another property). */
export interface PropertyValueRef {
  readonly property: PropertyRef;
}
/** A query/sync parameter reference `{parameter: "name"}`. */
export interface ParameterRef {
  readonly parameter: string;
}

/** Anything a filter accepts as a value. */
export type FilterValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | NodeId
  | PropertyValueRef
  | ParameterRef
  | { readonly [key: string]: JsonValue }
  | readonly FilterValue[];

/** Internal: a filter value as stored in a filter. */
export type Value = FilterValue | InDefaultSpace;

function dumpValue(value: Value, space: string | undefined): JsonValue {
  if (value instanceof InDefaultSpace) {
    if (space === undefined) {
      throw new TypeError(
        `the filter value ${JSON.stringify(value.externalId)} is an external id without a space, ` +
          "and there is no default instance space; pass {space, externalId}",
      );
    }
    return { space, externalId: value.externalId };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return (value as readonly Value[]).map((item) => dumpValue(item, space));
  if (typeof value === "object" && value !== null) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = dumpValue(v as Value, space);
    return out;
  }
  return value;
}

function nodeValue(value: NodeIdLike): NodeId | InDefaultSpace {
  if (typeof value === "string") return new InDefaultSpace(value);
  if (
    typeof value === "object" &&
    value !== null &&
    typeof value.space === "string" &&
    typeof value.externalId === "string"
  ) {
    return { space: value.space, externalId: value.externalId };
  }
  throw new TypeError(`a node id is {space, externalId} or an external id string, got ${String(value)}`);
}

/** The base of all filters: `dump()`, and composition with `and`, `or`, `not`. */
export abstract class Filter {
  /** The API JSON; `space` resolves bare external ids in direct relation values. */
  abstract dump(space?: string): FilterJson;

  /** This filter and all `others` (nested `and`s are flattened). */
  and(...others: Filter[]): Filter {
    return and(this, ...others);
  }
  /** This filter or any of `others` (nested `or`s are flattened). */
  or(...others: Filter[]): Filter {
    return or(this, ...others);
  }
  /** The negation (`not(not(f))` is `f`). */
  not(): Filter {
    return not(this);
  }
}

/** `{"equals": {"property": P, "value": V}}`. */
export class Equals extends Filter {
  readonly property: PropertyRef;
  readonly value: Value;
  constructor(property: PropertyRef, value: Value) {
    super();
    this.property = property;
    this.value = value;
  }
  dump(space?: string): FilterJson {
    return { equals: { property: [...this.property], value: dumpValue(this.value, space) } };
  }
}

abstract class ValuesFilter extends Filter {
  readonly property: PropertyRef;
  readonly values: readonly Value[];
  /** The operator, and how chunks of more than {@link MAX_FILTER_VALUES} values combine. */
  readonly #op: "in" | "containsAny" | "containsAll";
  readonly #join: "and" | "or";
  constructor(
    op: "in" | "containsAny" | "containsAll",
    join: "and" | "or",
    property: PropertyRef,
    values: readonly Value[],
  ) {
    super();
    this.#op = op;
    this.#join = join;
    this.property = property;
    if (!Array.isArray(values) || values.length === 0) {
      throw new RangeError(`${op} needs at least one value (property ${JSON.stringify(property)})`);
    }
    this.values = [...values];
  }
  dump(space?: string): FilterJson {
    const parts: FilterJson[] = [];
    for (let i = 0; i < this.values.length; i += MAX_FILTER_VALUES) {
      const chunk = this.values.slice(i, i + MAX_FILTER_VALUES);
      parts.push({ [this.#op]: { property: [...this.property], values: chunk.map((v) => dumpValue(v, space)) } });
    }
    return parts.length === 1 ? (parts[0] as FilterJson) : { [this.#join]: parts };
  }
}

/** `{"in": {"property": P, "values": [...]}}`; more than 1000 values become an `or` of `in`s. */
export class In extends ValuesFilter {
  constructor(property: PropertyRef, values: readonly Value[]) {
    super("in", "or", property, values);
  }
}
/** `{"containsAny": ...}` (list properties); more than 1000 values become an `or`. */
export class ContainsAny extends ValuesFilter {
  constructor(property: PropertyRef, values: readonly Value[]) {
    super("containsAny", "or", property, values);
  }
}
/** `{"containsAll": ...}` (list properties); more than 1000 values become an `and`. */
export class ContainsAll extends ValuesFilter {
  constructor(property: PropertyRef, values: readonly Value[]) {
    super("containsAll", "and", property, values);
  }
}

/** Range bounds; give at most one of `gt`/`gte` and one of `lt`/`lte`. */
export interface RangeBounds<V> {
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
}

function dumpBounds(bounds: RangeBounds<Value>, space: string | undefined): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const key of ["gt", "gte", "lt", "lte"] as const) {
    const value = bounds[key];
    if (value !== undefined) out[key] = dumpValue(value, space);
  }
  return out;
}

function checkBounds(what: string, bounds: RangeBounds<unknown>): void {
  if (bounds.gt !== undefined && bounds.gte !== undefined) throw new RangeError(`${what}: give gt or gte, not both`);
  if (bounds.lt !== undefined && bounds.lte !== undefined) throw new RangeError(`${what}: give lt or lte, not both`);
  if (bounds.gt === undefined && bounds.gte === undefined && bounds.lt === undefined && bounds.lte === undefined) {
    throw new RangeError(`${what}: give at least one bound (gt, gte, lt, lte)`);
  }
}

/** `{"range": {"property": P, "gt"|"gte": V, "lt"|"lte": V}}`. */
export class Range extends Filter {
  readonly property: PropertyRef;
  readonly bounds: RangeBounds<Value>;
  constructor(property: PropertyRef, bounds: RangeBounds<Value>) {
    super();
    this.property = property;
    checkBounds(`range on ${JSON.stringify(property)}`, bounds);
    this.bounds = { ...bounds };
  }
  dump(space?: string): FilterJson {
    return { range: { property: [...this.property], ...dumpBounds(this.bounds, space) } };
  }
}

/** `{"prefix": {"property": P, "value": "abc"}}` (text, or a parameter in queries). */
export class Prefix extends Filter {
  readonly property: PropertyRef;
  readonly value: string | ParameterRef;
  constructor(property: PropertyRef, value: string | ParameterRef) {
    super();
    this.property = property;
    this.value = value;
  }
  dump(space?: string): FilterJson {
    return { prefix: { property: [...this.property], value: dumpValue(this.value, space) } };
  }
}

/** `{"exists": {"property": P}}`. */
export class Exists extends Filter {
  readonly property: PropertyRef;
  constructor(property: PropertyRef) {
    super();
    this.property = property;
  }
  dump(): FilterJson {
    return { exists: { property: [...this.property] } };
  }
}

/** `{"nested": {"scope": P, "filter": F}}`: `filter` applies to the node the direct relation `scope` points to. */
export class Nested extends Filter {
  readonly scope: PropertyRef;
  readonly filter: Filter;
  constructor(scope: PropertyRef, filter: Filter) {
    super();
    this.scope = scope;
    this.filter = filter;
  }
  dump(space?: string): FilterJson {
    return { nested: { scope: [...this.scope], filter: this.filter.dump(space) } };
  }
}

/** `{"overlaps": {"startProperty": P1, "endProperty": P2, bounds}}`: the interval [start, end] meets the range. */
export class Overlaps extends Filter {
  readonly startProperty: PropertyRef;
  readonly endProperty: PropertyRef;
  readonly bounds: RangeBounds<Value>;
  constructor(startProperty: PropertyRef, endProperty: PropertyRef, bounds: RangeBounds<Value>) {
    super();
    this.startProperty = startProperty;
    this.endProperty = endProperty;
    checkBounds(`overlaps on ${JSON.stringify(startProperty)}..${JSON.stringify(endProperty)}`, bounds);
    this.bounds = { ...bounds };
  }
  dump(space?: string): FilterJson {
    return {
      overlaps: {
        startProperty: [...this.startProperty],
        endProperty: [...this.endProperty],
        ...dumpBounds(this.bounds, space),
      },
    };
  }
}

/** `{"hasData": [refs]}`: instances with data in all the views (with `version`) and containers (without). */
export class HasData extends Filter {
  readonly sources: readonly (ViewId | ContainerId)[];
  constructor(sources: readonly (ViewId | ContainerId)[]) {
    super();
    if (sources.length === 0) throw new RangeError("hasData needs at least one view or container");
    this.sources = [...sources];
  }
  dump(): FilterJson {
    return {
      // Each entry typed as FilterJson on its own: a bare union of the two object literals would be widened to
      // `{ version?: undefined, ... }`, which is not JSON without exactOptionalPropertyTypes.
      hasData: this.sources.map((s): FilterJson =>
        "version" in s && typeof s.version === "string"
          ? { type: "view", space: s.space, externalId: s.externalId, version: s.version }
          : { type: "container", space: s.space, externalId: s.externalId },
      ),
    };
  }
}

/** `{"instanceReferences": [{space, externalId}, ...]}`. */
export class InstanceReferences extends Filter {
  readonly ids: readonly (NodeId | InDefaultSpace)[];
  constructor(ids: readonly NodeIdLike[]) {
    super();
    if (ids.length === 0) throw new RangeError("instanceReferences needs at least one id");
    this.ids = ids.map(nodeValue);
  }
  dump(space?: string): FilterJson {
    return { instanceReferences: this.ids.map((id) => dumpValue(id, space)) };
  }
}

/** `{"matchAll": {}}`. */
export class MatchAll extends Filter {
  dump(): FilterJson {
    return { matchAll: {} };
  }
}

/** `{"and": [...]}`. */
export class And extends Filter {
  readonly filters: readonly Filter[];
  constructor(filters: readonly Filter[]) {
    super();
    this.filters = checkFilters("and", filters);
  }
  dump(space?: string): FilterJson {
    return { and: this.filters.map((f) => f.dump(space)) };
  }
}

/** `{"or": [...]}`. */
export class Or extends Filter {
  readonly filters: readonly Filter[];
  constructor(filters: readonly Filter[]) {
    super();
    this.filters = checkFilters("or", filters);
  }
  dump(space?: string): FilterJson {
    return { or: this.filters.map((f) => f.dump(space)) };
  }
}

/** `{"not": F}`. */
export class Not extends Filter {
  readonly filter: Filter;
  constructor(filter: Filter) {
    super();
    checkFilters("not", [filter]);
    this.filter = filter;
  }
  dump(space?: string): FilterJson {
    return { not: this.filter.dump(space) };
  }
}

/** A filter given as API JSON (an escape hatch for filters the builders do not express). */
export class RawFilter extends Filter {
  readonly json: FilterJson;
  constructor(json: FilterJson) {
    super();
    this.json = json;
  }
  dump(): FilterJson {
    return this.json;
  }
}

function checkFilters(op: string, filters: readonly Filter[]): readonly Filter[] {
  if (filters.length === 0) throw new RangeError(`${op} needs at least one filter`);
  filters.forEach((f, i) => {
    if (!(f instanceof Filter)) throw new TypeError(`${op}: item ${i} is not a Filter`);
  });
  return [...filters];
}

/** All of `filters` (nested `and`s are flattened; one filter is returned as is). */
export function and(...filters: Filter[]): Filter {
  const flat = checkFilters("and", filters).flatMap((f) => (f instanceof And ? f.filters : [f]));
  return flat.length === 1 ? (flat[0] as Filter) : new And(flat);
}

/** Any of `filters` (nested `or`s are flattened; one filter is returned as is). */
export function or(...filters: Filter[]): Filter {
  const flat = checkFilters("or", filters).flatMap((f) => (f instanceof Or ? f.filters : [f]));
  return flat.length === 1 ? (flat[0] as Filter) : new Or(flat);
}

/** The negation of `filter` (`not(not(f))` is `f`). */
export function not(filter: Filter): Filter {
  return filter instanceof Not ? filter.filter : new Not(filter);
}

// ------------------------------------------------------------------------------------------ sorting

/** The JSON of one sort. */
export interface SortJson {
  property: string[];
  direction: "ascending" | "descending";
  nullsFirst?: boolean;
}

/** Sort by one property. */
export class Sort {
  readonly property: PropertyRef;
  readonly direction: "ascending" | "descending";
  readonly nullsFirst: boolean | undefined;
  constructor(property: PropertyRef, direction: "ascending" | "descending" = "ascending", nullsFirst?: boolean) {
    this.property = [...property];
    this.direction = direction;
    this.nullsFirst = nullsFirst;
  }
  dump(): SortJson {
    const out: SortJson = { property: [...this.property], direction: this.direction };
    if (this.nullsFirst !== undefined) out.nullsFirst = this.nullsFirst;
    return out;
  }
}

// ------------------------------------------------------------------------------------------ typed properties

/** A property of a view (or a base property such as `["node", "externalId"]`) with the filters of its type. */
export class PropertyBase {
  readonly path: PropertyRef;
  constructor(path: PropertyRef) {
    if (path.length < 2 || path.length > 3) {
      throw new RangeError(`a property reference has 2 or 3 parts, got ${JSON.stringify(path)}`);
    }
    this.path = [...path];
  }
  /** The property's identifier (the last part of the path). */
  get name(): string {
    return this.path[this.path.length - 1] as string;
  }
  /** Instances with a value for this property. */
  exists(): Filter {
    return new Exists(this.path);
  }
  /** Sort ascending. */
  asc(nullsFirst?: boolean): Sort {
    return new Sort(this.path, "ascending", nullsFirst);
  }
  /** Sort descending. */
  desc(nullsFirst?: boolean): Sort {
    return new Sort(this.path, "descending", nullsFirst);
  }
  /**
   * The filter of a where object's operators for this property (all given must hold): `exists: true` has a value,
   * `exists: false` has none. Subclasses add the operators of their type; each calls the builder method of its name.
   * `label` is how errors name the operators (default `where.<property>`).
   */
  where(ops: ExistsWhere, label?: string): Filter {
    return opsFilter(this, ops, {}, undefined, label);
  }
}

/** A text property: equals, in, prefix, exists. */
export class TextProperty extends PropertyBase {
  equals(value: string): Filter {
    return new Equals(this.path, value);
  }
  in(values: readonly string[]): Filter {
    return new In(this.path, values);
  }
  prefix(value: string): Filter {
    return new Prefix(this.path, value);
  }
  override where(ops: TextWhere, label?: string): Filter {
    return opsFilter(
      this,
      ops,
      {
        eq: (v: string) => this.equals(v),
        in: (v: readonly string[]) => this.in(v),
        prefix: (v: string) => this.prefix(v),
      },
      undefined,
      label,
    );
  }
}

/** A numeric property (`bigint` for int64 beyond 2^53): equals, in, range, exists. */
export class NumberProperty<N extends number | bigint = number> extends PropertyBase {
  equals(value: N): Filter {
    return new Equals(this.path, value);
  }
  in(values: readonly N[]): Filter {
    return new In(this.path, values);
  }
  range(bounds: RangeBounds<N>): Filter {
    return new Range(this.path, bounds);
  }
  override where(ops: NumberWhere<N>, label?: string): Filter {
    return opsFilter(
      this,
      ops,
      { eq: (v: N) => this.equals(v), in: (v: readonly N[]) => this.in(v) },
      (b: RangeBounds<N>) => this.range(b),
      label,
    );
  }
}

/** A timestamp property (`Date` or ISO 8601 string): equals, in, range, exists. */
export class TimestampProperty extends PropertyBase {
  equals(value: Date | string): Filter {
    return new Equals(this.path, value);
  }
  in(values: readonly (Date | string)[]): Filter {
    return new In(this.path, values);
  }
  range(bounds: RangeBounds<Date | string>): Filter {
    return new Range(this.path, bounds);
  }
  override where(ops: TimestampWhere, label?: string): Filter {
    return opsFilter(this, ops, timeOps(this), (b: RangeBounds<Date | string>) => this.range(b), label);
  }
}

function isoDate(value: Date | string): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value;
}

/** A date property (`YYYY-MM-DD`, or a `Date` whose UTC day is taken): equals, in, range, exists. */
export class DateProperty extends PropertyBase {
  equals(value: Date | string): Filter {
    return new Equals(this.path, isoDate(value));
  }
  in(values: readonly (Date | string)[]): Filter {
    return new In(this.path, Array.isArray(values) ? values.map(isoDate) : values);
  }
  override where(ops: DateWhere, label?: string): Filter {
    return opsFilter(this, ops, timeOps(this), (b: RangeBounds<Date | string>) => this.range(b), label);
  }
  range(bounds: RangeBounds<Date | string>): Filter {
    const out: RangeBounds<string> = {};
    for (const key of ["gt", "gte", "lt", "lte"] as const) {
      const value = bounds[key];
      if (value !== undefined) out[key] = isoDate(value);
    }
    return new Range(this.path, out);
  }
}

/** A boolean property: equals, exists. */
export class BooleanProperty extends PropertyBase {
  equals(value: boolean): Filter {
    return new Equals(this.path, value);
  }
  override where(ops: BooleanWhere, label?: string): Filter {
    return opsFilter(this, ops, { eq: (v: boolean) => this.equals(v) }, undefined, label);
  }
}

/** An enum property: equals, in, exists. */
export class EnumProperty<V extends string = string> extends PropertyBase {
  equals(value: V): Filter {
    return new Equals(this.path, value);
  }
  in(values: readonly V[]): Filter {
    return new In(this.path, values);
  }
  override where(ops: EnumWhere<V>, label?: string): Filter {
    return opsFilter(
      this,
      ops,
      { eq: (v: V) => this.equals(v), in: (v: readonly V[]) => this.in(v) },
      undefined,
      label,
    );
  }
}

/** A JSON property: exists only. */
export class JsonProperty extends PropertyBase {}

/** A direct relation: equals/in on node ids (bare external ids use the default space), nested filters. */
export class DirectRelationProperty extends PropertyBase {
  equals(value: NodeIdLike): Filter {
    return new Equals(this.path, nodeValue(value));
  }
  in(values: readonly NodeIdLike[]): Filter {
    return new In(this.path, values.map(nodeValue));
  }
  /** `filter` applied to the node this relation points to. */
  nested(filter: Filter): Filter {
    return new Nested(this.path, filter);
  }
  override where(ops: DirectRelationWhere, label?: string): Filter {
    return opsFilter(
      this,
      ops,
      { eq: (v: NodeIdLike) => this.equals(v), in: (v: readonly NodeIdLike[]) => this.in(v) },
      undefined,
      label,
    );
  }
}

/** A list property: containsAny, containsAll, exists. */
export class ListProperty<V extends FilterValue = string | number | bigint | boolean> extends PropertyBase {
  containsAny(values: readonly V[]): Filter {
    return new ContainsAny(this.path, values);
  }
  containsAll(values: readonly V[]): Filter {
    return new ContainsAll(this.path, values);
  }
  override where(ops: ListWhere<V>, label?: string): Filter {
    return opsFilter(
      this,
      ops,
      { containsAny: (v: readonly V[]) => this.containsAny(v), containsAll: (v: readonly V[]) => this.containsAll(v) },
      undefined,
      label,
    );
  }
}

/** A list of direct relations: containsAny, containsAll on node ids, exists. */
export class DirectRelationListProperty extends PropertyBase {
  containsAny(values: readonly NodeIdLike[]): Filter {
    return new ContainsAny(this.path, values.map(nodeValue));
  }
  containsAll(values: readonly NodeIdLike[]): Filter {
    return new ContainsAll(this.path, values.map(nodeValue));
  }
  override where(ops: DirectRelationListWhere, label?: string): Filter {
    return opsFilter(this, ops, {
      containsAny: (v: readonly NodeIdLike[]) => this.containsAny(v),
      containsAll: (v: readonly NodeIdLike[]) => this.containsAll(v),
    }, undefined, label);
  }
}

/** The base properties of nodes (`["node", ...]`). */
export function nodeFields(): {
  space: TextProperty;
  externalId: TextProperty;
  type: DirectRelationProperty;
  version: NumberProperty;
  createdTime: NumberProperty;
  lastUpdatedTime: NumberProperty;
} {
  return {
    space: new TextProperty(["node", "space"]),
    externalId: new TextProperty(["node", "externalId"]),
    type: new DirectRelationProperty(["node", "type"]),
    version: new NumberProperty(["node", "version"]),
    createdTime: new NumberProperty(["node", "createdTime"]),
    lastUpdatedTime: new NumberProperty(["node", "lastUpdatedTime"]),
  };
}

/** The base properties of edges (`["edge", ...]`). */
export function edgeFields(): {
  space: TextProperty;
  externalId: TextProperty;
  type: DirectRelationProperty;
  startNode: DirectRelationProperty;
  endNode: DirectRelationProperty;
  version: NumberProperty;
  createdTime: NumberProperty;
  lastUpdatedTime: NumberProperty;
} {
  return {
    space: new TextProperty(["edge", "space"]),
    externalId: new TextProperty(["edge", "externalId"]),
    type: new DirectRelationProperty(["edge", "type"]),
    startNode: new DirectRelationProperty(["edge", "startNode"]),
    endNode: new DirectRelationProperty(["edge", "endNode"]),
    version: new NumberProperty(["edge", "version"]),
    createdTime: new NumberProperty(["edge", "createdTime"]),
    lastUpdatedTime: new NumberProperty(["edge", "lastUpdatedTime"]),
  };
}

// ------------------------------------------------------------------------------------------ where objects

/** The operator every property takes in a where object: `exists: true` (has a value) or `false` (has none). */
export interface ExistsWhere {
  readonly exists?: boolean;
}
/** The where operators of a text property. */
export interface TextWhere extends ExistsWhere {
  readonly eq?: string;
  readonly in?: readonly string[];
  readonly prefix?: string;
}
/** The where operators of a number (`bigint` too for int64): `gt`/`gte`/`lt`/`lte` make one range filter. */
export interface NumberWhere<N extends number | bigint = number> extends ExistsWhere {
  readonly eq?: N;
  readonly in?: readonly N[];
  readonly gt?: N;
  readonly gte?: N;
  readonly lt?: N;
  readonly lte?: N;
}
/** The where operators of a timestamp (`Date` or ISO 8601 string). */
export interface TimestampWhere extends ExistsWhere {
  readonly eq?: Date | string;
  readonly in?: readonly (Date | string)[];
  readonly gt?: Date | string;
  readonly gte?: Date | string;
  readonly lt?: Date | string;
  readonly lte?: Date | string;
}
/** The where operators of a date (`YYYY-MM-DD`, or a `Date` whose UTC day is taken). */
export type DateWhere = TimestampWhere;
/** The where operators of a boolean. */
export interface BooleanWhere extends ExistsWhere {
  readonly eq?: boolean;
}
/** The where operators of an enum. */
export interface EnumWhere<V extends string = string> extends ExistsWhere {
  readonly eq?: V;
  readonly in?: readonly V[];
}
/** The where operators of a direct relation: node ids (a bare external id is in the client's instance space). */
export interface DirectRelationWhere extends ExistsWhere {
  readonly eq?: NodeIdLike;
  readonly in?: readonly NodeIdLike[];
}
/** The where operators of a list. */
export interface ListWhere<V> extends ExistsWhere {
  readonly containsAny?: readonly V[];
  readonly containsAll?: readonly V[];
}
/** The where operators of a list of direct relations. */
export interface DirectRelationListWhere extends ExistsWhere {
  readonly containsAny?: readonly NodeIdLike[];
  readonly containsAll?: readonly NodeIdLike[];
}

/** The where operators a property builder takes (the argument of its `where` method). */
export type WhereOps<B> = B extends { where(ops: infer O): Filter } ? O : never;

/** The keys of a where object that combine conditions (a property with one of these ids is filtered by its builder). */
export type WhereLogic = "and" | "or" | "not";

/**
 * A where object over the property builders `F` (a view API's `fields`): one optional key per property with the
 * operators of its type, and `and`/`or`/`not` of where objects. Everything given must hold.
 *
 * @example
 * const where: Where<CogniteAssetApi["fields"]> = {
 *   name: { prefix: "Pump" },
 *   or: [{ parent: { eq: "plant" } }, { tags: { containsAny: ["critical"] } }],
 * };
 */
export type Where<F> = {
  readonly [K in keyof F as K extends WhereLogic ? never : F[K] extends PropertyBase ? K : never]?: WhereOps<F[K]>;
} & {
  /** Every one of these holds. */
  readonly and?: readonly Where<F>[];
  /** At least one of these holds. */
  readonly or?: readonly Where<F>[];
  /** This does not hold. */
  readonly not?: Where<F>;
};

const RANGE_OPS: readonly string[] = ["gt", "gte", "lt", "lte"];
const LIST_OPS: readonly string[] = ["in", "containsAny", "containsAll"];
const LOGIC: readonly string[] = ["and", "or", "not"];

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function shown(value: unknown): string {
  if (value instanceof Filter) return "a Filter (pass builders as `filter`, beside `where`)";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function timeOps(property: { equals(v: Date | string): Filter; in(v: readonly (Date | string)[]): Filter }): OpTable {
  return { eq: (v: Date | string) => property.equals(v), in: (v: readonly (Date | string)[]) => property.in(v) };
}

// The builder method each operator calls, by operator name (`never`: the where types check the values).
type OpTable = { readonly [op: string]: (value: never) => Filter };

/**
 * The filter of one property's operators: each calls the builder method of its name (`gt`/`gte`/`lt`/`lte` one
 * `range`, where the first bound is), in the order given, all combined with `and`. `undefined` values are left out.
 */
function opsFilter(
  property: PropertyBase,
  ops: unknown,
  table: OpTable,
  range?: (bounds: never) => Filter,
  label = `where.${property.name}`,
): Filter {
  const names = ["exists", ...Object.keys(table), ...(range === undefined ? [] : RANGE_OPS)];
  if (!isPlainObject(ops)) {
    throw new TypeError(`${label} takes an object of operators (${names.join(", ")}), got ${shown(ops)}`);
  }
  const parts: (() => Filter)[] = [];
  let bounds: Record<string, unknown> | undefined;
  for (const [op, value] of Object.entries(ops)) {
    if (value === undefined) continue;
    if (op === "exists") {
      if (typeof value !== "boolean") throw new TypeError(`${label}.exists takes true or false, got ${shown(value)}`);
      parts.push(value ? () => property.exists() : () => property.exists().not());
    } else if (range !== undefined && RANGE_OPS.includes(op)) {
      if (bounds === undefined) {
        const all: Record<string, unknown> = {};
        bounds = all;
        parts.push(() => range(all as never));
      }
      bounds[op] = value;
    } else if (hasOwn(table, op)) {
      if (LIST_OPS.includes(op) && !Array.isArray(value)) {
        throw new TypeError(`${label}.${op} takes a list, got ${shown(value)}`);
      }
      const build = table[op] as (value: never) => Filter;
      parts.push(() => build(value as never));
    } else {
      throw new RangeError(`${label} has no operator ${JSON.stringify(op)}; its operators: ${names.join(", ")}`);
    }
  }
  if (parts.length === 0) throw new RangeError(`${label}: give at least one operator (${names.join(", ")})`);
  return and(...parts.map((part) => part()));
}

/** Whether an operator object sets anything (`{}` and all-undefined ones do not: no condition). */
function setsSomething(ops: unknown): boolean {
  return !isPlainObject(ops) || Object.values(ops).some((value) => value !== undefined);
}

function whereAt(fields: object, where: unknown, label: string, view: string): Filter | undefined {
  if (!isPlainObject(where)) {
    throw new TypeError(`${label} must be an object (property ids and and/or/not), got ${shown(where)}`);
  }
  const parts: Filter[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    const at = `${label}.${key}`;
    if (key === "and" || key === "or") {
      if (!Array.isArray(value)) throw new TypeError(`${at} takes a list of where objects, got ${shown(value)}`);
      if (value.length === 0) throw new RangeError(`${at} needs at least one where object`);
      const items = (value as readonly unknown[]).map((item, i) => whereAt(fields, item, `${at}[${i}]`, view));
      const given = items.filter((item): item is Filter => item !== undefined);
      // A where object without conditions holds for everything: it leaves an `and` and makes an `or` hold.
      if (key === "and" && given.length > 0) parts.push(and(...given));
      if (key === "or" && given.length === items.length) parts.push(or(...given));
    } else if (key === "not") {
      parts.push(not(whereAt(fields, value, at, view) ?? new MatchAll()));
    } else {
      const builder: unknown = hasOwn(fields, key) ? (fields as Record<string, unknown>)[key] : undefined;
      if (!(builder instanceof PropertyBase)) {
        const known = Object.keys(fields).filter((name) => !LOGIC.includes(name));
        throw new RangeError(
          `${label}: ${view} has no property ${JSON.stringify(key)}; its properties: ${known.join(", ") || "none"}`,
        );
      }
      if (!setsSomething(value)) continue;
      parts.push(builder.where(value as never, at));
    }
  }
  return parts.length === 0 ? undefined : and(...parts);
}

/**
 * The `Filter` of a where object over the property builders `fields` (a view API's `fields`), or `undefined` when
 * it sets no condition (`{}`, or operators all `undefined`). Each operator calls the builder method of its name, so
 * `{ name: { prefix: "P" } }` is `fields.name.prefix("P")`, JSON for JSON; several keys, or operators, are an
 * `and` in the order given. Unknown properties or operators are errors (compile errors when typed).
 *
 * @example
 * whereFilter(api.fields, { name: { prefix: "P" }, not: { tags: { containsAny: ["old"] } } });
 * // and(api.fields.name.prefix("P"), not(api.fields.tags.containsAny(["old"])))
 */
export function whereFilter<F extends object>(
  fields: F,
  where: Where<F>,
  view = "the view",
  label = "where",
): Filter | undefined {
  return whereAt(fields, where, label, view);
}
