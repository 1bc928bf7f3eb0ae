/**
 * The vocabulary of the per-view reads (views.ts): their options (`ReadOptions`, `ListOptions`, `SearchOptions`,
 * `AggregateOptions`), what they return (`Page`, `RetrieveResult`, `AggregateGroup`), and the request and answer
 * pieces they share with graph queries (query.ts): limits, sorts, `targetUnits`, aggregate groups.
 */
import { Filter, MAX_SORT, PropertyBase, Sort, type SortJson, type Where } from "./filters.js";
import { safeString } from "./items.js";
import type { JsonObject, JsonValue } from "./json.js";
import type { InstanceId } from "./types.js";

/** Most items per list/search page. */
export const MAX_PAGE = 1000;

/** One page of a list and the cursor of the next (undefined on the last page). */
export interface Page<R> {
  readonly items: R[];
  readonly cursor: string | undefined;
}

/** The result of retrieving several ids: what was found (in request order) and what was not. */
export interface RetrieveResult<R> {
  readonly items: R[];
  readonly missing: InstanceId[];
}

/** A property given by name or by its typed builder. */
export type PropertyName = string | PropertyBase;
/** A sort: a `Sort`, or a property (ascending). */
export type SortArg = Sort | PropertyBase | readonly (Sort | PropertyBase)[];

/** The property builders of an API type (its `fields`; `{}` without them): what its where objects are typed by. */
export type FieldsOf<A> = A extends { readonly fields: infer F } ? F : {};

/**
 * Options shared by list-like reads. `F` are the API's property builders: `where` is a {@link Where} object over
 * them. `filter`, `where` and `space` may be given together: all must hold.
 */
export interface ReadOptions<F = {}> {
  filter?: Filter;
  /** A where object: one key per property with the operators of its type, and `and`/`or`/`not`. */
  where?: Where<F>;
  /** Only instances in these spaces. */
  space?: string | readonly string[];
  /** `{property: unitExternalId}`: convert values of these properties (at most 10). */
  targetUnits?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** Options of `list`/`iterate`/`pages`. */
export interface ListOptions<F = {}> extends ReadOptions<F> {
  sort?: SortArg;
  /** Most instances in all; `"all"` for no limit. Default: `list` 25, `iterate`/`pages` all. */
  limit?: number | "all";
  /** Instances per request (1-1000). Default 1000. */
  pageSize?: number;
  /** Resume from a cursor. */
  cursor?: string;
}

/** Options of `search`. */
export interface SearchOptions<F = {}> extends ReadOptions<F> {
  query?: string;
  /** Properties to search (default: all text properties). */
  properties?: readonly PropertyName[];
  /** How query words combine. Default "AND". */
  operator?: "AND" | "OR";
  sort?: SortArg;
  /** 1-1000, default 25. */
  limit?: number;
}

/** One aggregation. */
export type Aggregation =
  | { readonly aggregate: "count"; readonly property?: PropertyName }
  | { readonly aggregate: "sum" | "avg" | "min" | "max"; readonly property: PropertyName }
  | { readonly aggregate: "histogram"; readonly property: PropertyName; readonly interval: number };

/** Options of `aggregate`. */
export interface AggregateOptions<F = {}> {
  groupBy?: readonly PropertyName[];
  filter?: Filter;
  /** A where object, as in {@link ReadOptions.where}. */
  where?: Where<F>;
  /** Free-text query narrowing what is aggregated. */
  query?: string;
  /** Properties the query searches. */
  properties?: readonly PropertyName[];
  /** Most groups (1-1000). */
  limit?: number;
  signal?: AbortSignal;
}

/** One histogram bucket. */
export interface Bucket {
  readonly start: number;
  readonly count: number;
}

/** One aggregated value as CDF returns it. */
export interface AggregateValue {
  readonly aggregate: string;
  readonly property: string | undefined;
  /** For count/sum/avg/min/max (undefined when there were no values). */
  readonly value: number | bigint | undefined;
  readonly interval?: number;
  readonly buckets?: Bucket[];
}

/** One group of an aggregation (`group` is undefined without `groupBy`). */
export interface AggregateGroup {
  readonly group: Readonly<Record<string, JsonValue>> | undefined;
  readonly aggregates: AggregateValue[];
}

/** The property id of a name or builder. */
export function propertyName(value: PropertyName): string {
  return value instanceof PropertyBase ? value.name : value;
}

/** Internal (query.ts): `value` when it is an integer from 1 to `max`, else a RangeError naming `what`. */
export function checkLimit(what: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${what} must be an integer from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Internal (query.ts): the JSON of a sort argument (at most 5). */
export function sorts(sort: SortArg | undefined): SortJson[] | undefined {
  if (sort === undefined) return undefined;
  const items = Array.isArray(sort) ? (sort as readonly (Sort | PropertyBase)[]) : [sort as Sort | PropertyBase];
  if (items.length > MAX_SORT) throw new RangeError(`sort takes at most ${MAX_SORT} properties, got ${items.length}`);
  return items.map((item) => {
    if (item instanceof PropertyBase) return item.asc().dump();
    if (item instanceof Sort) return item.dump();
    throw new TypeError(`sort items are Sort or property objects (e.g. fields.name.desc()), got ${safeString(item)}`);
  });
}

/** Internal (query.ts): the `targetUnits` JSON of `{property: unit}`. */
export function targetUnits(units: Readonly<Record<string, string>> | undefined): JsonValue[] | undefined {
  if (units === undefined) return undefined;
  const entries = Object.entries(units);
  if (entries.length < 1 || entries.length > 10) {
    throw new RangeError(`targetUnits takes 1 to 10 properties, got ${entries.length}`);
  }
  return entries.map(([property, unit]) => ({ property, unit: { externalId: unit } }));
}


/** Drops `undefined` values so bodies stay exact (`exactOptionalPropertyTypes` in JSON). */
export function compact(body: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined) out[k] = v;
  return out;
}

/** One group of an `aggregate` answer. */
export function parseGroup(raw: JsonObject): AggregateGroup {
  const group = raw["group"];
  const aggregates = Array.isArray(raw["aggregates"]) ? raw["aggregates"] : [];
  return {
    group: typeof group === "object" && group !== null && !Array.isArray(group) ? group : undefined,
    aggregates: aggregates
      .filter((a): a is JsonObject => typeof a === "object" && a !== null && !Array.isArray(a))
      .map((a) => {
        const value = a["value"];
        const out: { -readonly [K in keyof AggregateValue]: AggregateValue[K] } = {
          aggregate: String(a["aggregate"]),
          property: typeof a["property"] === "string" ? a["property"] : undefined,
          value: typeof value === "number" || typeof value === "bigint" ? value : undefined,
        };
        if (typeof a["interval"] === "number") out.interval = a["interval"];
        if (Array.isArray(a["buckets"])) {
          out.buckets = a["buckets"]
            .filter((b): b is JsonObject => typeof b === "object" && b !== null && !Array.isArray(b))
            .map((b) => ({ start: Number(b["start"]), count: Number(b["count"]) }));
        }
        return out;
      }),
  };
}
