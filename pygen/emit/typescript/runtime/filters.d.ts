/**
 * Typed builders for every DMS instance filter, composable with `and`/`or`/`not`.
 *
 * Each filter dumps exactly the API JSON (dms-api §4). Generated SDKs expose one typed property builder
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
 */
import type { JsonValue } from "./json.js";
import type { ContainerId, NodeId, NodeIdLike, ViewId } from "./types.js";
/** Most values in one `in`/`containsAny`/`containsAll` filter (dms-api §4, unconfirmed: 1000); more are split. */
export declare const MAX_FILTER_VALUES = 1000;
/** Most sort properties of a list or search. */
export declare const MAX_SORT = 5;
/** A property reference: `["node", "externalId"]`, `[space, "View/version", prop]` or `[space, container, prop]`. */
export type PropertyRef = readonly string[];
/** The JSON of a filter. */
export type FilterJson = {
    [key: string]: JsonValue;
};
/** The reference to a property of a view: `[space, "externalId/version", property]`. */
export declare function viewPropertyRef(view: ViewId, property: string): PropertyRef;
/** Internal: a node given by external id alone; its space is known only when the filter is dumped. */
export declare class InDefaultSpace {
    readonly externalId: string;
    constructor(externalId: string);
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
export type FilterValue = string | number | bigint | boolean | Date | NodeId | PropertyValueRef | ParameterRef | {
    readonly [key: string]: JsonValue;
} | readonly FilterValue[];
/** Internal: a filter value as stored in a filter. */
export type Value = FilterValue | InDefaultSpace;
/** The base of all filters: `dump()`, and composition with `and`, `or`, `not`. */
export declare abstract class Filter {
    /** The API JSON; `space` resolves bare external ids in direct relation values. */
    abstract dump(space?: string): FilterJson;
    /** This filter and all `others` (nested `and`s are flattened). */
    and(...others: Filter[]): Filter;
    /** This filter or any of `others` (nested `or`s are flattened). */
    or(...others: Filter[]): Filter;
    /** The negation (`not(not(f))` is `f`). */
    not(): Filter;
}
/** `{"equals": {"property": P, "value": V}}`. */
export declare class Equals extends Filter {
    readonly property: PropertyRef;
    readonly value: Value;
    constructor(property: PropertyRef, value: Value);
    dump(space?: string): FilterJson;
}
declare abstract class ValuesFilter extends Filter {
    /** The operator, and how chunks of more than {@link MAX_FILTER_VALUES} values combine. */
    private readonly op;
    private readonly join;
    readonly property: PropertyRef;
    readonly values: readonly Value[];
    constructor(
    /** The operator, and how chunks of more than {@link MAX_FILTER_VALUES} values combine. */
    op: "in" | "containsAny" | "containsAll", join: "and" | "or", property: PropertyRef, values: readonly Value[]);
    dump(space?: string): FilterJson;
}
/** `{"in": {"property": P, "values": [...]}}`; more than 1000 values become an `or` of `in`s. */
export declare class In extends ValuesFilter {
    constructor(property: PropertyRef, values: readonly Value[]);
}
/** `{"containsAny": ...}` (list properties); more than 1000 values become an `or`. */
export declare class ContainsAny extends ValuesFilter {
    constructor(property: PropertyRef, values: readonly Value[]);
}
/** `{"containsAll": ...}` (list properties); more than 1000 values become an `and`. */
export declare class ContainsAll extends ValuesFilter {
    constructor(property: PropertyRef, values: readonly Value[]);
}
/** Range bounds; give at most one of `gt`/`gte` and one of `lt`/`lte`. */
export interface RangeBounds<V> {
    gt?: V;
    gte?: V;
    lt?: V;
    lte?: V;
}
/** `{"range": {"property": P, "gt"|"gte": V, "lt"|"lte": V}}`. */
export declare class Range extends Filter {
    readonly property: PropertyRef;
    readonly bounds: RangeBounds<Value>;
    constructor(property: PropertyRef, bounds: RangeBounds<Value>);
    dump(space?: string): FilterJson;
}
/** `{"prefix": {"property": P, "value": "abc"}}` (text, or a parameter in queries). */
export declare class Prefix extends Filter {
    readonly property: PropertyRef;
    readonly value: string | ParameterRef;
    constructor(property: PropertyRef, value: string | ParameterRef);
    dump(space?: string): FilterJson;
}
/** `{"exists": {"property": P}}`. */
export declare class Exists extends Filter {
    readonly property: PropertyRef;
    constructor(property: PropertyRef);
    dump(): FilterJson;
}
/** `{"nested": {"scope": P, "filter": F}}`: `filter` applies to the node the direct relation `scope` points to. */
export declare class Nested extends Filter {
    readonly scope: PropertyRef;
    readonly filter: Filter;
    constructor(scope: PropertyRef, filter: Filter);
    dump(space?: string): FilterJson;
}
/** `{"overlaps": {"startProperty": P1, "endProperty": P2, bounds}}`: the interval [start, end] meets the range. */
export declare class Overlaps extends Filter {
    readonly startProperty: PropertyRef;
    readonly endProperty: PropertyRef;
    readonly bounds: RangeBounds<Value>;
    constructor(startProperty: PropertyRef, endProperty: PropertyRef, bounds: RangeBounds<Value>);
    dump(space?: string): FilterJson;
}
/** `{"hasData": [refs]}`: instances with data in all the views (with `version`) and containers (without). */
export declare class HasData extends Filter {
    readonly sources: readonly (ViewId | ContainerId)[];
    constructor(sources: readonly (ViewId | ContainerId)[]);
    dump(): FilterJson;
}
/** `{"instanceReferences": [{space, externalId}, ...]}`. */
export declare class InstanceReferences extends Filter {
    readonly ids: readonly (NodeId | InDefaultSpace)[];
    constructor(ids: readonly NodeIdLike[]);
    dump(space?: string): FilterJson;
}
/** `{"matchAll": {}}`. */
export declare class MatchAll extends Filter {
    dump(): FilterJson;
}
/** `{"and": [...]}`. */
export declare class And extends Filter {
    readonly filters: readonly Filter[];
    constructor(filters: readonly Filter[]);
    dump(space?: string): FilterJson;
}
/** `{"or": [...]}`. */
export declare class Or extends Filter {
    readonly filters: readonly Filter[];
    constructor(filters: readonly Filter[]);
    dump(space?: string): FilterJson;
}
/** `{"not": F}`. */
export declare class Not extends Filter {
    readonly filter: Filter;
    constructor(filter: Filter);
    dump(space?: string): FilterJson;
}
/** A filter given as API JSON (an escape hatch for filters the builders do not express). */
export declare class RawFilter extends Filter {
    readonly json: FilterJson;
    constructor(json: FilterJson);
    dump(): FilterJson;
}
/** All of `filters` (nested `and`s are flattened; one filter is returned as is). */
export declare function and(...filters: Filter[]): Filter;
/** Any of `filters` (nested `or`s are flattened; one filter is returned as is). */
export declare function or(...filters: Filter[]): Filter;
/** The negation of `filter` (`not(not(f))` is `f`). */
export declare function not(filter: Filter): Filter;
/** The JSON of one sort. */
export interface SortJson {
    property: string[];
    direction: "ascending" | "descending";
    nullsFirst?: boolean;
}
/** Sort by one property. */
export declare class Sort {
    readonly property: PropertyRef;
    readonly direction: "ascending" | "descending";
    readonly nullsFirst?: boolean | undefined;
    constructor(property: PropertyRef, direction?: "ascending" | "descending", nullsFirst?: boolean | undefined);
    dump(): SortJson;
}
/** A property of a view (or a base property such as `["node", "externalId"]`) with the filters of its type. */
export declare class PropertyBase {
    readonly path: PropertyRef;
    constructor(path: PropertyRef);
    /** The property's identifier (the last part of the path). */
    get name(): string;
    /** Instances with a value for this property. */
    exists(): Filter;
    /** Sort ascending. */
    asc(nullsFirst?: boolean): Sort;
    /** Sort descending. */
    desc(nullsFirst?: boolean): Sort;
}
/** A text property: equals, in, prefix, exists. */
export declare class TextProperty extends PropertyBase {
    equals(value: string): Filter;
    in(values: readonly string[]): Filter;
    prefix(value: string): Filter;
}
/** A numeric property (`bigint` for int64 beyond 2^53): equals, in, range, exists. */
export declare class NumberProperty<N extends number | bigint = number> extends PropertyBase {
    equals(value: N): Filter;
    in(values: readonly N[]): Filter;
    range(bounds: RangeBounds<N>): Filter;
}
/** A timestamp property (`Date` or ISO 8601 string): equals, range, exists. */
export declare class TimestampProperty extends PropertyBase {
    equals(value: Date | string): Filter;
    range(bounds: RangeBounds<Date | string>): Filter;
}
/** A date property (`YYYY-MM-DD`, or a `Date` whose UTC day is taken): equals, range, exists. */
export declare class DateProperty extends PropertyBase {
    equals(value: Date | string): Filter;
    range(bounds: RangeBounds<Date | string>): Filter;
}
/** A boolean property: equals, exists. */
export declare class BooleanProperty extends PropertyBase {
    equals(value: boolean): Filter;
}
/** An enum property: equals, in, exists. */
export declare class EnumProperty<V extends string = string> extends PropertyBase {
    equals(value: V): Filter;
    in(values: readonly V[]): Filter;
}
/** A JSON property: exists only. */
export declare class JsonProperty extends PropertyBase {
}
/** A direct relation: equals/in on node ids (bare external ids use the default space), nested filters. */
export declare class DirectRelationProperty extends PropertyBase {
    equals(value: NodeIdLike): Filter;
    in(values: readonly NodeIdLike[]): Filter;
    /** `filter` applied to the node this relation points to. */
    nested(filter: Filter): Filter;
}
/** A list property: containsAny, containsAll, exists. */
export declare class ListProperty<V extends FilterValue = string | number | bigint | boolean> extends PropertyBase {
    containsAny(values: readonly V[]): Filter;
    containsAll(values: readonly V[]): Filter;
}
/** A list of direct relations: containsAny, containsAll on node ids, exists. */
export declare class DirectRelationListProperty extends PropertyBase {
    containsAny(values: readonly NodeIdLike[]): Filter;
    containsAll(values: readonly NodeIdLike[]): Filter;
}
/** The base properties of nodes (`["node", ...]`). */
export declare function nodeFields(): {
    space: TextProperty;
    externalId: TextProperty;
    type: DirectRelationProperty;
    version: NumberProperty;
    createdTime: NumberProperty;
    lastUpdatedTime: NumberProperty;
};
/** The base properties of edges (`["edge", ...]`). */
export declare function edgeFields(): {
    space: TextProperty;
    externalId: TextProperty;
    type: DirectRelationProperty;
    startNode: DirectRelationProperty;
    endNode: DirectRelationProperty;
    version: NumberProperty;
    createdTime: NumberProperty;
    lastUpdatedTime: NumberProperty;
};
export {};
