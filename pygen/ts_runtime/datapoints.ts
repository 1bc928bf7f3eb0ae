/**
 * Datapoints of time series: {@link DatapointsApi} (retrieve raw or aggregates, page by page, latest, insert,
 * delete ranges), the typed results, and {@link TimeSeriesNodeApi}, the base of generated view APIs whose nodes are
 * time series.
 *
 * In CDF's core data model a `CogniteTimeSeries` node *is* a time series: its datapoints live behind the time series
 * API, addressed by the node's instance id (`{"instanceId": {space, externalId}}`). A classic time series (the value
 * of an older model's `timeseries` property) is addressed by external id: {@link timeSeriesRef}. CDF's limits
 * (docs/datapoints.md): a retrieve asks for up to 100 series and 100,000 raw datapoints (10,000 aggregates) in all;
 * an insert sends up to 100,000 datapoints and 10,000 series; a delete up to 10,000 ranges; a latest up to 100 series.
 */
import { PygenError } from "./errors.js";
import { isId, safeString, toNodeId } from "./items.js";
import type { HttpClient } from "./transport.js";
import type { NodeId, NodeIdLike, Properties } from "./types.js";
import { NodeApi } from "./views.js";

/** Series per retrieve request. */
const MAX_RETRIEVE_SERIES = 100;
/** Raw datapoints per retrieve request (over all its series; also the most one series may ask for). */
const MAX_RAW = 100_000;
/** Aggregates per retrieve request (as {@link MAX_RAW}). */
const MAX_AGGREGATES = 10_000;
/** Datapoints per insert request, over all its series. */
const MAX_INSERT_DATAPOINTS = 100_000;
/** Series per insert request. */
const MAX_INSERT_SERIES = 10_000;
/** Ranges per delete request. */
const MAX_DELETE_RANGES = 10_000;
/** Series per latest request. */
const MAX_LATEST_SERIES = 100;
/** The range of datapoint timestamps: 1900-01-01 to 2099-12-31T23:59:59.999Z. */
const MIN_TIMESTAMP = -2_208_988_800_000;
const MAX_TIMESTAMP = 4_102_444_799_999;
/** The largest numeric datapoint value CDF stores (and its negative the smallest). */
const MAX_VALUE = 1e100;

// ------------------------------------------------------------------------------------------ identifiers

/** A classic time series by external id: the value of an older data model's `timeseries` property. */
export interface TimeSeriesRef {
  readonly resource: "timeseries";
  readonly externalId: string;
}

/** A classic file by external id: the value of an older data model's `file` property. */
export interface FileRef {
  readonly resource: "file";
  readonly externalId: string;
}

/**
 * A classic time series by external id (addressed as `{"externalId": ...}`), where a {@link NodeIdLike} names a
 * `CogniteTimeSeries` node (addressed by its instance id).
 *
 * @example
 * await client.datapoints.retrieve(timeSeriesRef("classic-flow"), { start: "2d-ago" });
 */
export function timeSeriesRef(externalId: string): TimeSeriesRef {
  return Object.freeze({ resource: "timeseries", externalId: checkExternalId(externalId, "timeSeriesRef") });
}

/** A classic file by external id (addressed as `{"externalId": ...}`); see {@link timeSeriesRef}. */
export function fileRef(externalId: string): FileRef {
  return Object.freeze({ resource: "file", externalId: checkExternalId(externalId, "fileRef") });
}

function checkExternalId(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`${where}() takes a non-empty external id, got ${safeString(value)}`);
  }
  return value;
}

/**
 * A time series: a `CogniteTimeSeries` node (`{space, externalId}`, a node read through any view, or a bare external
 * id in the client's `instanceSpace`) or a classic one ({@link timeSeriesRef}).
 */
export type TimeSeriesIdLike = NodeIdLike | TimeSeriesRef;

/** A time series as asked for: the node's id, or the classic reference. */
export type TimeSeriesId = NodeId | TimeSeriesRef;

/** A time series or file resolved: as asked for, its identifier in requests, and a key to match answers by. */
export interface Resolved<R extends TimeSeriesRef | FileRef> {
  readonly asked: NodeId | R;
  readonly identifier: { instanceId: { space: string; externalId: string } } | { externalId: string };
  readonly key: string;
}

const KINDS = { timeseries: "time series", file: "file" } as const;

/**
 * `value` as a node id (by the ids rule) or the classic reference of `resource`; another resource's reference or
 * anything else is a `TypeError` naming `name`.
 */
export function resolveResource<R extends TimeSeriesRef | FileRef>(
  value: unknown,
  resource: R["resource"],
  defaultSpace: string | undefined,
  name: string,
): Resolved<R> {
  if (typeof value === "object" && value !== null && "resource" in value && !isId(value)) {
    const ref = value as { resource?: unknown; externalId?: unknown };
    if (ref.resource !== resource) {
      const kind = KINDS[ref.resource as keyof typeof KINDS] ?? String(ref.resource);
      throw new TypeError(`${name}: ${safeString(value)} names a ${kind}, not a ${KINDS[resource]}`);
    }
    const externalId = checkExternalId(ref.externalId, resource === "file" ? "fileRef" : "timeSeriesRef");
    const asked = Object.freeze({ resource, externalId }) as R;
    return { asked, identifier: { externalId }, key: `x\u0000${externalId}` };
  }
  if (typeof value !== "string" && !isId(value)) {
    const helper = resource === "file" ? "fileRef" : "timeSeriesRef";
    throw new TypeError(
      `${name} must be {space, externalId}, an external id string or ${helper}("..."), got ${safeString(value)}`,
    );
  }
  let node: NodeId;
  try {
    node = toNodeId(value, defaultSpace);
  } catch (error) {
    throw new TypeError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    asked: node,
    identifier: { instanceId: { space: node.space, externalId: node.externalId } },
    key: `i\u0000${node.space}\u0000${node.externalId}`,
  };
}

/** The keys an answer item may be matched by: its instance id and its external id (a series may have both). */
function itemKeys(item: Record<string, unknown>): string[] {
  const keys: string[] = [];
  const instance = item["instanceId"];
  if (isId(instance)) keys.push(`i\u0000${instance.space}\u0000${instance.externalId}`);
  const externalId = item["externalId"];
  if (typeof externalId === "string") keys.push(`x\u0000${externalId}`);
  return keys;
}

/** An id for messages: `space:externalId` of a node, `externalId "x"` of a classic resource. */
export function describeResource(id: NodeId | TimeSeriesRef | FileRef): string {
  return "resource" in id ? `externalId ${JSON.stringify(id.externalId)}` : `${id.space}:${id.externalId}`;
}

// ------------------------------------------------------------------------------------------ times

/**
 * A point in time: a `Date`, epoch milliseconds (a whole number), or CDF's `"now"`, `"<n><unit>-ago"` and
 * `"<n><unit>-ahead"` with the unit `s`, `m`, `h`, `d` or `w` (`"2d-ago"`), resolved once per call against the local
 * clock.
 */
export type TimeLike = Date | number | string;

const RELATIVE = /^(\d+)(s|m|h|d|w)-(ago|ahead)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Epoch milliseconds of a {@link TimeLike}; `now` is the instant relative strings count from. */
export function toEpochMs(value: unknown, name: string, now: number = Date.now()): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid Date`);
    return ms;
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${name} must be whole epoch milliseconds, got ${String(value)}`);
    }
    return value;
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "now") return now;
    const match = RELATIVE.exec(text);
    if (match !== null) {
      const shift = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
      return match[3] === "ago" ? now - shift : now + shift;
    }
    throw new RangeError(
      `${name} ${JSON.stringify(value)} is not a time CDF understands: use "now", "<n><unit>-ago" or ` +
        `"<n><unit>-ahead" with unit s, m, h, d or w (e.g. "2d-ago"), epoch milliseconds, or a Date`,
    );
  }
  throw new TypeError(
    `${name} must be a Date, epoch milliseconds or a string such as "2d-ago", got ${safeString(value)}`,
  );
}

// ------------------------------------------------------------------------------------------ aggregates

/** CDF's aggregate functions (their API names). */
export const AGGREGATES = Object.freeze([
  "average",
  "max",
  "min",
  "count",
  "sum",
  "interpolation",
  "stepInterpolation",
  "totalVariation",
  "continuousVariance",
  "discreteVariance",
  "countGood",
  "countUncertain",
  "countBad",
  "durationGood",
  "durationUncertain",
  "durationBad",
] as const);

/** One of CDF's aggregate functions. */
export type Aggregate = (typeof AGGREGATES)[number];

const AGGREGATE_NAMES: ReadonlySet<string> = new Set(AGGREGATES);
const GRANULARITY_UNITS = [
  ["s", "sec", "second", "seconds", "t", "m", "min", "minute", "minutes", "h", "hour", "hours"],
  ["d", "day", "days", "w", "week", "weeks", "mo", "month", "months", "q", "quarter", "quarters", "y", "year", "years"],
].flat();
/** A count (none: 1) and a unit. */
const GRANULARITY = new RegExp(`^(?:[1-9]\\d*)?(?:${GRANULARITY_UNITS.join("|")})$`);

function checkAggregates(value: unknown): Aggregate[] {
  const names: unknown[] = typeof value === "string" ? [value] : Array.isArray(value) ? [...value] : [value];
  const unknown = names.filter((name) => typeof name !== "string" || !AGGREGATE_NAMES.has(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new RangeError(
      `aggregates: unknown ${safeString(unknown.length > 0 ? unknown : names)}; CDF's are ${AGGREGATES.join(", ")}`,
    );
  }
  return [...new Set(names as Aggregate[])];
}

function checkGranularity(value: unknown): string {
  if (typeof value !== "string" || !GRANULARITY.test(value)) {
    throw new RangeError(
      `granularity ${safeString(value)} is not one CDF reads: a count and a unit, such as "1h", "30s", "15m", "1d", ` +
        `"1w", "1mo", "1q" or "1y" (units s/second, m/t/minute, h/hour, d/day, w/week, mo/month, q/quarter, y/year)`,
    );
  }
  return value;
}

// ------------------------------------------------------------------------------------------ results

/** One datapoint: `timestamp` in epoch milliseconds and its `value` (a number, or a string of a string series). */
export interface Datapoint<V extends number | string = number | string> {
  readonly timestamp: number;
  readonly value: V;
}

/** What a read says about its series besides the datapoints. */
export interface DatapointsInit {
  readonly id: TimeSeriesId;
  readonly timestamps: Float64Array;
  readonly isStep?: boolean | undefined;
  readonly unit?: string | undefined;
  readonly unitExternalId?: string | undefined;
  readonly cursor?: string | undefined;
}

/**
 * The datapoints of one time series over a range: `timestamps` (epoch ms, in time order) and, in the subclasses, the
 * values ({@link NumericDatapoints}, {@link StringDatapoints}) or aggregates ({@link AggregateDatapoints}).
 */
export abstract class Datapoints {
  /** The series, as asked for. */
  readonly id: TimeSeriesId;
  readonly timestamps: Float64Array;
  readonly isStep: boolean;
  readonly unit: string | undefined;
  readonly unitExternalId: string | undefined;
  /** Where a read of this series continues (`pages(id, { cursor })`); `undefined` when it reached the end. */
  readonly cursor: string | undefined;

  constructor(init: DatapointsInit) {
    this.id = init.id;
    this.timestamps = init.timestamps;
    this.isStep = init.isStep ?? false;
    this.unit = init.unit;
    this.unitExternalId = init.unitExternalId;
    this.cursor = init.cursor;
  }

  /** How many datapoints (or aggregate intervals). */
  get length(): number {
    return this.timestamps.length;
  }

  /** The timestamps as `Date`s. */
  dates(): Date[] {
    return Array.from(this.timestamps, (ms) => new Date(ms));
  }
}

/** The raw datapoints of a numeric series: `values` is a `Float64Array` beside `timestamps`. */
export class NumericDatapoints extends Datapoints {
  readonly isString = false;
  readonly values: Float64Array;

  constructor(init: DatapointsInit & { readonly values: Float64Array }) {
    super(init);
    if (init.values.length !== init.timestamps.length) throw new RangeError("timestamps and values differ in length");
    this.values = init.values;
  }

  /** `{timestamp, value}` pairs. */
  *[Symbol.iterator](): IterableIterator<Datapoint<number>> {
    for (let i = 0; i < this.timestamps.length; i++) {
      yield { timestamp: this.timestamps[i] as number, value: this.values[i] as number };
    }
  }
}

/** The raw datapoints of a string series: `values` is a `string[]` beside `timestamps`. */
export class StringDatapoints extends Datapoints {
  readonly isString = true;
  readonly values: string[];

  constructor(init: DatapointsInit & { readonly values: string[] }) {
    super(init);
    if (init.values.length !== init.timestamps.length) throw new RangeError("timestamps and values differ in length");
    this.values = init.values;
  }

  /** `{timestamp, value}` pairs. */
  *[Symbol.iterator](): IterableIterator<Datapoint<string>> {
    for (let i = 0; i < this.timestamps.length; i++) {
      yield { timestamp: this.timestamps[i] as number, value: this.values[i] as string };
    }
  }
}

/** Raw datapoints: numeric or string (tell them apart by `isString`). */
export type RawDatapoints = NumericDatapoints | StringDatapoints;

/**
 * Aggregates of a numeric series per `granularity`: one `Float64Array` per function asked for, beside `timestamps`
 * (each the start of its interval); `NaN` where CDF gave no value (as `interpolation` before the first datapoint).
 */
export class AggregateDatapoints<A extends Aggregate = Aggregate> extends Datapoints {
  readonly isString = false;
  readonly granularity: string;
  readonly aggregates: Readonly<Record<A, Float64Array>>;

  constructor(
    init: DatapointsInit & { readonly granularity: string; readonly aggregates: Readonly<Record<A, Float64Array>> },
  ) {
    super(init);
    for (const [name, column] of Object.entries<Float64Array>(init.aggregates)) {
      if (column.length !== init.timestamps.length) throw new RangeError(`timestamps and ${name} differ in length`);
    }
    this.granularity = init.granularity;
    this.aggregates = init.aggregates;
  }
}

/**
 * The datapoints of several series, in the order asked (each series once); `missing` lists the series CDF does not
 * know (only with `ignoreUnknownIds`: otherwise an unknown series is an error).
 */
export class DatapointsList<T extends Datapoints = RawDatapoints> {
  readonly items: readonly T[];
  readonly missing: readonly TimeSeriesId[];
  readonly #defaultSpace: string | undefined;

  constructor(items: readonly T[], missing: readonly TimeSeriesId[] = [], defaultSpace?: string) {
    this.items = items;
    this.missing = missing;
    this.#defaultSpace = defaultSpace;
  }

  get length(): number {
    return this.items.length;
  }

  /** The datapoints of one series (by the ids rule), or `undefined`. */
  get(id: TimeSeriesIdLike): T | undefined {
    const key = resolveResource<TimeSeriesRef>(id, "timeseries", this.#defaultSpace, "id").key;
    return this.items.find(
      (item) => resolveResource<TimeSeriesRef>(item.id, "timeseries", undefined, "id").key === key,
    );
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.items[Symbol.iterator]();
  }
}

// ------------------------------------------------------------------------------------------ options

/** What every datapoints read takes. */
export interface DatapointsOptions {
  /** Included; default CDF's: the epoch (data before 1970 needs an explicit, negative start). */
  start?: TimeLike;
  /** Excluded; default CDF's: `"now"`. */
  end?: TimeLike;
  /** Datapoints (or intervals) per series at most; default `"all"`. */
  limit?: number | "all";
  /** Convert the values to this unit (`"pressure:bar"`); or give `targetUnitSystem`. */
  targetUnit?: string;
  /** Convert the values to this unit system (`"SI"`, `"Imperial"`). */
  targetUnitSystem?: string;
  /** Leave out the series CDF does not know (one series: `undefined`) instead of failing. */
  ignoreUnknownIds?: boolean;
  signal?: AbortSignal;
}

/** A read of raw datapoints. */
export interface RawDatapointsOptions extends DatapointsOptions {
  aggregates?: undefined;
  granularity?: undefined;
}

/** A read of aggregates: the functions, and the length of the intervals (`"1h"`, `"15m"`, `"1d"`, `"1mo"`...). */
export interface AggregateDatapointsOptions<A extends Aggregate = Aggregate> extends DatapointsOptions {
  aggregates: A | readonly A[];
  granularity: string;
}

/** What {@link DatapointsApi.pages} takes besides a read's options. */
export interface DatapointsPageOptions {
  /** The most datapoints of one page (default and most: 100,000 raw, 10,000 aggregates). */
  pageSize?: number;
  /** Resume one series where a page ended (its `cursor`). */
  cursor?: string;
}

/** Options of {@link DatapointsApi.latest}. */
export interface LatestDatapointOptions {
  /** The latest datapoint strictly before this time; default: the latest of all. */
  before?: TimeLike;
  targetUnit?: string;
  targetUnitSystem?: string;
  ignoreUnknownIds?: boolean;
  signal?: AbortSignal;
}

/** A datapoint to insert: `{timestamp, value}` or `[timestamp, value]`, the timestamp in epoch ms or a `Date`. */
export type DatapointInput =
  { readonly timestamp: number | Date; readonly value: number | string } | readonly [number | Date, number | string];

/**
 * Datapoints to insert into one series: columns (`{ timestamps, values }`, such as a read {@link RawDatapoints}:
 * the fastest for many) or a list of datapoints ({@link DatapointInput}). Values are all numbers (finite, within
 * ±1e100) or all strings; a timestamp that already has a datapoint gets the new value.
 */
export type DatapointsInput =
  | { readonly timestamps: ArrayLike<number | Date>; readonly values: ArrayLike<number> | ArrayLike<string> }
  | Iterable<DatapointInput>;

/** What {@link DatapointsApi.insertMany} takes: `[series, datapoints]` pairs (a `Map` too) or `{ externalId: ... }`. */
export type DatapointsInsertItems =
  Iterable<readonly [TimeSeriesIdLike, DatapointsInput]> | Readonly<Record<string, DatapointsInput>>;

/** Options of the writes ({@link DatapointsApi.insert}, `insertMany`, `deleteRange`). */
export interface DatapointsWriteOptions {
  signal?: AbortSignal;
  /** The most the whole call may take, in ms (as `UpsertOptions.deadlineMs`; `null`: no total limit). */
  deadlineMs?: number | null;
}

/** A range of one series to delete: `[start, end)`. */
export interface DatapointsRange {
  readonly id: TimeSeriesIdLike;
  readonly start: TimeLike;
  readonly end: TimeLike;
}

// ------------------------------------------------------------------------------------------ errors

/**
 * The datapoints of one refused insert request: which series, how many datapoints, and why. `maybeApplied`: whether
 * CDF may have stored them anyway (an answer lost after sending); inserting them again is harmless.
 */
export interface FailedDatapoints {
  readonly ids: readonly TimeSeriesId[];
  readonly count: number;
  readonly error: Error;
  readonly maybeApplied: boolean;
}

/** Some requests of an insert failed (the others were sent): `failed` names each, `written` counts what was stored. */
export class DatapointsError extends PygenError {
  override name = "DatapointsError";
  readonly failed: readonly FailedDatapoints[];
  readonly written: number;

  constructor(failed: readonly FailedDatapoints[], written: number) {
    const reasons = failed
      .slice(0, 3)
      .map((item) => {
        const ids = item.ids.slice(0, 3).map(describeResource).join(", ") + (item.ids.length > 3 ? " and more" : "");
        const maybe = item.maybeApplied ? " (may have been applied)" : "";
        return `${item.count} datapoint(s) of ${ids}: ${item.error.message}${maybe}`;
      })
      .join("; ");
    const more = failed.length > 3 ? ` (and ${failed.length - 3} more requests)` : "";
    super(`${failed.length} request(s) failed, ${written} datapoint(s) written: ${reasons}${more}`, {
      cause: failed[0]?.error,
      maybeApplied: failed.some((item) => item.maybeApplied),
    });
    this.failed = failed;
    this.written = written;
  }
}

// ------------------------------------------------------------------------------------------ reads

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The read state of one series. */
interface SeriesState {
  readonly resolved: Resolved<TimeSeriesRef>;
  remaining: number;
  cursor: string | undefined;
  done: boolean;
}

/** Split `budget` over items each needing at most `needs[i]`: the small ones get what they need, the rest share. */
function share(needs: readonly number[], budget: number): number[] {
  const out = needs.map(() => 0);
  let left = budget;
  const order = needs.map((_, i) => i).sort((a, b) => (needs[a] as number) - (needs[b] as number));
  order.forEach((index, rank) => {
    const give = Math.max(1, Math.min(needs[index] as number, Math.floor(left / (needs.length - rank))));
    out[index] = give;
    left -= give;
  });
  return out;
}

/**
 * The plan of one read: which series the next request asks for, with how many datapoints each, and what the answers
 * leave to read. Series go 100 to a request and share its budget (100,000 raw, 10,000 aggregates): a series that
 * needs less than its share leaves the rest to the others. A series is read until CDF gives no `nextCursor` or its
 * `limit` is reached.
 */
class ReadPlan {
  readonly series: SeriesState[] = [];
  readonly missing: TimeSeriesId[] = [];
  readonly aggregates: Aggregate[] | undefined;
  readonly granularity: string | undefined;
  readonly #defaults: Json;
  readonly #budget: number;
  readonly #pageSize: number;
  readonly #ignoreUnknownIds: boolean;
  #sent: SeriesState[] = [];

  constructor(ids: readonly unknown[], defaultSpace: string | undefined, options: Json, pageOptions: Json = {}) {
    const now = Date.now();
    const defaults: Json = {};
    const start = options["start"] === undefined ? undefined : toEpochMs(options["start"], "start", now);
    const end = options["end"] === undefined ? undefined : toEpochMs(options["end"], "end", now);
    if (start !== undefined) defaults["start"] = start;
    if (end !== undefined) defaults["end"] = end;
    if (end !== undefined && end <= (start ?? 0)) {
      throw new RangeError(
        `end (${safeString(options["end"])}) must be after start (${safeString(options["start"] ?? 0)})`,
      );
    }
    if (options["aggregates"] !== undefined || options["granularity"] !== undefined) {
      if (options["aggregates"] === undefined || options["granularity"] === undefined) {
        throw new TypeError('aggregates and granularity go together: give both (e.g. ["average"], "1h"), or neither');
      }
      this.aggregates = checkAggregates(options["aggregates"]);
      this.granularity = checkGranularity(options["granularity"]);
      defaults["aggregates"] = this.aggregates;
      defaults["granularity"] = this.granularity;
    }
    Object.assign(defaults, units(options));
    this.#defaults = defaults;
    this.#budget = this.aggregates === undefined ? MAX_RAW : MAX_AGGREGATES;
    const pageSize = pageOptions["pageSize"] ?? this.#budget;
    if (typeof pageSize !== "number" || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > this.#budget) {
      throw new RangeError(`pageSize must be an integer from 1 to ${this.#budget}, got ${safeString(pageSize)}`);
    }
    this.#pageSize = pageSize;
    const limit = options["limit"] ?? "all";
    if (limit !== "all" && (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 0)) {
      throw new RangeError(`limit must be a non-negative integer or "all", got ${safeString(limit)}`);
    }
    const cursor = pageOptions["cursor"];
    if (cursor !== undefined && (typeof cursor !== "string" || ids.length !== 1)) {
      throw new TypeError("cursor resumes the read of one series: give one id and the cursor string of its page");
    }
    this.#ignoreUnknownIds = options["ignoreUnknownIds"] === true;
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      const resolved = resolveResource<TimeSeriesRef>(
        id,
        "timeseries",
        defaultSpace,
        ids.length === 1 ? "id" : `ids[${index}]`,
      );
      if (seen.has(resolved.key)) return; // the same series twice is read once
      seen.add(resolved.key);
      const remaining = limit === "all" ? Infinity : limit;
      this.series.push({ resolved, remaining, cursor, done: remaining === 0 });
    });
  }

  /** The body of the next `/timeseries/data/list` request, or `undefined` when every series is read. */
  nextRequest(): Json | undefined {
    const batch = this.series.filter((s) => !s.done).slice(0, MAX_RETRIEVE_SERIES);
    if (batch.length === 0) return undefined;
    const limits = share(
      batch.map((s) => Math.min(this.#pageSize, s.remaining)),
      this.#budget,
    );
    const items = batch.map((s, i) => ({
      ...s.resolved.identifier,
      limit: limits[i],
      ...(s.cursor === undefined ? {} : { cursor: s.cursor }),
    }));
    this.#sent = batch;
    return { items, ...this.#defaults, ...(this.#ignoreUnknownIds ? { ignoreUnknownIds: true } : {}) };
  }

  /** The datapoints of one answer, one piece per series answered, in request order. */
  take(body: unknown): Datapoints[] {
    const items = isObject(body) && Array.isArray(body["items"]) ? body["items"].filter(isObject) : [];
    const sent = this.#sent;
    this.#sent = [];
    const pieces: Datapoints[] = [];
    let position = 0;
    for (const item of items) {
      const keys = itemKeys(item);
      while (position < sent.length && !keys.includes((sent[position] as SeriesState).resolved.key)) {
        this.#lost(sent[position] as SeriesState); // left out: CDF does not know it (ignoreUnknownIds)
        position++;
      }
      const series = sent[position];
      if (series === undefined) break;
      position++;
      const piece = this.#parse(series, item);
      pieces.push(piece);
      series.remaining -= piece.length;
      series.cursor = piece.cursor;
      series.done = piece.cursor === undefined || piece.length === 0 || series.remaining <= 0;
    }
    for (const series of sent.slice(position)) this.#lost(series);
    return pieces;
  }

  #lost(series: SeriesState): void {
    series.done = true;
    this.missing.push(series.resolved.asked);
  }

  #parse(series: SeriesState, item: Json): Datapoints {
    const points = Array.isArray(item["datapoints"]) ? (item["datapoints"] as Json[]) : [];
    const timestamps = new Float64Array(points.length);
    for (let i = 0; i < points.length; i++) timestamps[i] = Number((points[i] as Json)["timestamp"]);
    const next = item["nextCursor"];
    const init: DatapointsInit = {
      id: series.resolved.asked,
      timestamps,
      isStep: item["isStep"] === true,
      unit: typeof item["unit"] === "string" ? item["unit"] : undefined,
      unitExternalId: typeof item["unitExternalId"] === "string" ? item["unitExternalId"] : undefined,
      cursor: typeof next === "string" && next !== "" ? next : undefined,
    };
    if (this.aggregates !== undefined) {
      const aggregates: Record<string, Float64Array> = {};
      for (const name of this.aggregates) aggregates[name] = floats(points, name);
      return new AggregateDatapoints({
        ...init,
        granularity: this.granularity as string,
        aggregates: asColumns(aggregates),
      });
    }
    if (item["isString"] === true || item["type"] === "string") {
      return new StringDatapoints({ ...init, values: points.map((point) => String(point["value"])) });
    }
    return new NumericDatapoints({ ...init, values: floats(points, "value") });
  }
}

function floats(points: readonly Json[], name: string): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const value = (points[i] as Json)[name];
    out[i] = typeof value === "number" ? value : NaN; // left out (an interval without data) or not a number
  }
  return out;
}

function units(options: Json): Json {
  const out: Json = {};
  if (options["targetUnit"] !== undefined && options["targetUnitSystem"] !== undefined) {
    throw new TypeError("give targetUnit or targetUnitSystem, not both");
  }
  for (const name of ["targetUnit", "targetUnitSystem"]) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") throw new TypeError(`${name} must be a non-empty string`);
    out[name] = value;
  }
  return out;
}

/** Aggregate columns by name (the names asked for: a read fills each). */
function asColumns(columns: Record<string, Float64Array>): Record<Aggregate, Float64Array> {
  return columns as Record<Aggregate, Float64Array>;
}

function concat(arrays: readonly Float64Array[]): Float64Array {
  if (arrays.length === 1) return arrays[0] as Float64Array;
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const array of arrays) {
    out.set(array, at);
    at += array.length;
  }
  return out;
}

/** The pieces of one series (in time order) as one. */
function join(pieces: readonly Datapoints[]): Datapoints {
  const first = pieces[0] as Datapoints;
  if (pieces.length === 1) return first;
  const last = pieces[pieces.length - 1] as Datapoints;
  const init: DatapointsInit = {
    id: first.id,
    timestamps: concat(pieces.map((p) => p.timestamps)),
    isStep: first.isStep,
    unit: first.unit,
    unitExternalId: first.unitExternalId,
    cursor: last.cursor,
  };
  if (first instanceof AggregateDatapoints) {
    const aggregates: Record<string, Float64Array> = {};
    for (const name of Object.keys(first.aggregates) as Aggregate[]) {
      aggregates[name] = concat(pieces.map((p) => (p as AggregateDatapoints).aggregates[name]));
    }
    return new AggregateDatapoints({ ...init, granularity: first.granularity, aggregates: asColumns(aggregates) });
  }
  // A series is numeric or string in every answer; a piece without datapoints may not say which.
  if (pieces.some((p) => p instanceof StringDatapoints)) {
    return new StringDatapoints({
      ...init,
      values: pieces.flatMap((p) => (p instanceof StringDatapoints ? p.values : [])),
    });
  }
  return new NumericDatapoints({ ...init, values: concat(pieces.map((p) => (p as NumericDatapoints).values)) });
}

// ------------------------------------------------------------------------------------------ inserts

/** The checked datapoints of one series to insert. */
interface InsertSeries {
  readonly resolved: Resolved<TimeSeriesRef>;
  readonly timestamps: Float64Array;
  readonly values: Float64Array | readonly string[];
}

/** Checks and converts the datapoints of one series (times to epoch ms; numbers finite; one value type). */
function insertSeries(id: unknown, input: unknown, defaultSpace: string | undefined, name: string): InsertSeries {
  const resolved = resolveResource<TimeSeriesRef>(id, "timeseries", defaultSpace, name);
  const label = describeResource(resolved.asked);
  let times: ArrayLike<unknown>;
  let raw: ArrayLike<unknown>;
  if (input instanceof AggregateDatapoints) throw new TypeError(`${label}: aggregates cannot be inserted`);
  if (isObject(input) && "timestamps" in input && "values" in input) {
    const columns = [input["timestamps"], input["values"]];
    if (!columns.every((column) => typeof (column as { length?: unknown } | null)?.length === "number")) {
      throw new TypeError(`${label}: timestamps and values must be arrays`);
    }
    times = columns[0] as ArrayLike<unknown>;
    raw = columns[1] as ArrayLike<unknown>;
  } else if (
    typeof input === "object" &&
    input !== null &&
    typeof (input as Iterable<unknown>)[Symbol.iterator] === "function"
  ) {
    const pairs: unknown[] = [];
    const values: unknown[] = [];
    for (const point of input as Iterable<unknown>) {
      if (Array.isArray(point) && point.length === 2) {
        pairs.push(point[0]);
        values.push(point[1]);
      } else if (isObject(point) && "timestamp" in point && "value" in point) {
        pairs.push(point["timestamp"]);
        values.push(point["value"]);
      } else {
        throw new TypeError(
          `${label}: datapoint ${pairs.length} must be {timestamp, value} or [timestamp, value], ` +
            `got ${safeString(point)}`,
        );
      }
    }
    times = pairs;
    raw = values;
  } else {
    throw new TypeError(
      `${label}: datapoints must be {timestamps, values} or a list of datapoints, got ${safeString(input)}`,
    );
  }
  if (times.length !== raw.length) {
    throw new RangeError(`${label}: ${times.length} timestamps but ${raw.length} values`);
  }
  const timestamps = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const time = times[i];
    const ms = time instanceof Date ? time.getTime() : time;
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < MIN_TIMESTAMP || ms > MAX_TIMESTAMP) {
      throw new RangeError(
        `${label}: the timestamp at index ${i} (${safeString(time)}) is not whole epoch milliseconds from ` +
          "1900-01-01 to 2099-12-31 (a number or a Date)",
      );
    }
    timestamps[i] = ms;
  }
  if (raw.length > 0 && typeof raw[0] === "string") {
    const strings = Array.from(raw, (value, i) => {
      if (typeof value !== "string") {
        throw new TypeError(`${label}: values must be all numbers or all strings (index ${i})`);
      }
      return value;
    });
    return { resolved, timestamps, values: strings };
  }
  const values = raw instanceof Float64Array ? raw : new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const value = raw[i];
    if (typeof value !== "number") {
      throw new TypeError(`${label}: values must be all numbers or all strings (index ${i})`);
    }
    if (!Number.isFinite(value) || Math.abs(value) > MAX_VALUE) {
      throw new RangeError(
        `${label}: the value at ${timestamps[i]} (${value}) is not a finite number within ±1e100 ` +
          "(CDF stores no NaN or infinity)",
      );
    }
    values[i] = value;
  }
  return { resolved, timestamps, values };
}

/** Slices `[series, from, to)` of one insert request. */
type InsertChunk = readonly (readonly [InsertSeries, number, number])[];

/** Requests of at most 100,000 datapoints and 10,000 series: a long series cut over several, short ones packed. */
function* insertChunks(series: readonly InsertSeries[]): Generator<InsertChunk, void, undefined> {
  let chunk: (readonly [InsertSeries, number, number])[] = [];
  let count = 0;
  for (const one of series) {
    let at = 0;
    while (at < one.timestamps.length) {
      const take = Math.min(one.timestamps.length - at, MAX_INSERT_DATAPOINTS - count);
      chunk.push([one, at, at + take]);
      count += take;
      at += take;
      if (count === MAX_INSERT_DATAPOINTS || chunk.length === MAX_INSERT_SERIES) {
        yield chunk;
        chunk = [];
        count = 0;
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** The JSON text of one `/timeseries/data` request (checked values only: plain `JSON.stringify` is exact). */
function insertBody(chunk: InsertChunk): string {
  const items = chunk.map(([series, from, to]) => {
    const datapoints = new Array<{ timestamp: number; value: number | string }>(to - from);
    for (let i = from; i < to; i++) {
      datapoints[i - from] = { timestamp: series.timestamps[i] as number, value: series.values[i] as number | string };
    }
    return { ...series.resolved.identifier, datapoints };
  });
  return JSON.stringify({ items });
}

function chunkCount(chunk: InsertChunk): number {
  return chunk.reduce((n, [, from, to]) => n + to - from, 0);
}

function chunkIds(chunk: InsertChunk): TimeSeriesId[] {
  return [...new Map(chunk.map(([series]) => [series.resolved.key, series.resolved.asked])).values()];
}

// ------------------------------------------------------------------------------------------ the API

function parseBody(text: string): unknown {
  // Datapoints need no int64 care (timestamps are safe integers, values doubles): the native parser is the fastest.
  return JSON.parse(text);
}

function signalOf(options: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}

/**
 * Datapoints of time series: retrieve (raw or aggregates, all at once or page by page), latest, insert, delete
 * ranges. A series is a `CogniteTimeSeries` node ({@link NodeIdLike}: a bare external id is in `instanceSpace`) or a
 * classic one ({@link timeSeriesRef}). Times are {@link TimeLike}s: `Date`s, epoch ms or `"2d-ago"`.
 *
 * @example
 * const dps = await client.datapoints.retrieve("pump42.pressure", { start: "30d-ago" });
 * dps.timestamps; // Float64Array of epoch ms
 * if (!dps.isString) dps.values; // Float64Array
 * const hourly = await client.datapoints.retrieve(["ts1", timeSeriesRef("classic")], {
 *   start: new Date("2024-01-01T00:00:00Z"),
 *   aggregates: ["average", "max"],
 *   granularity: "1h",
 * });
 * hourly.items[0]?.aggregates.average; // Float64Array
 */
export class DatapointsApi {
  readonly http: HttpClient;
  readonly instanceSpace: string | undefined;

  /** Over `http`; `instanceSpace` is the space of bare external ids. */
  constructor(http: HttpClient, options: { instanceSpace?: string | undefined } = {}) {
    this.http = http;
    this.instanceSpace = options.instanceSpace;
  }

  /**
   * The datapoints of one series, or of many (a {@link DatapointsList}), in `[start, end)`: raw, or `aggregates` per
   * `granularity`. Many series are read in as few requests as CDF allows (100 series and 100,000 datapoints a
   * request, 10,000 for aggregates), each followed through its cursor. For long ranges {@link pages} holds one answer
   * in memory instead of everything. With `ignoreUnknownIds` a series CDF does not know is left out (one series:
   * `undefined`; many: in `missing`); otherwise it is CDF's error, which names it.
   */
  retrieve<A extends Aggregate>(
    id: TimeSeriesIdLike,
    options: AggregateDatapointsOptions<A> & { ignoreUnknownIds?: false },
  ): Promise<AggregateDatapoints<A>>;
  retrieve<A extends Aggregate>(
    id: TimeSeriesIdLike,
    options: AggregateDatapointsOptions<A>,
  ): Promise<AggregateDatapoints<A> | undefined>;
  retrieve(id: TimeSeriesIdLike, options?: RawDatapointsOptions & { ignoreUnknownIds?: false }): Promise<RawDatapoints>;
  retrieve(id: TimeSeriesIdLike, options: RawDatapointsOptions): Promise<RawDatapoints | undefined>;
  retrieve<A extends Aggregate>(
    ids: readonly TimeSeriesIdLike[],
    options: AggregateDatapointsOptions<A>,
  ): Promise<DatapointsList<AggregateDatapoints<A>>>;
  retrieve(ids: readonly TimeSeriesIdLike[], options?: RawDatapointsOptions): Promise<DatapointsList<RawDatapoints>>;
  async retrieve(
    ids: TimeSeriesIdLike | readonly TimeSeriesIdLike[],
    options: DatapointsOptions & { aggregates?: unknown; granularity?: unknown } = {},
  ): Promise<Datapoints | DatapointsList<Datapoints> | undefined> {
    const many = Array.isArray(ids);
    const plan = new ReadPlan(many ? ids : [ids], this.instanceSpace, options as Json);
    const bySeries = new Map<string, Datapoints[]>();
    for await (const piece of this.#read(plan, options)) {
      const key = resolveResource<TimeSeriesRef>(piece.id, "timeseries", undefined, "id").key;
      const pieces = bySeries.get(key);
      if (pieces === undefined) bySeries.set(key, [piece]);
      else pieces.push(piece);
    }
    const joined: Datapoints[] = [];
    for (const series of plan.series) {
      const pieces = bySeries.get(series.resolved.key);
      if (pieces !== undefined) joined.push(join(pieces));
    }
    if (many) return new DatapointsList(joined, plan.missing, this.instanceSpace);
    if (joined.length > 0) return joined[0];
    if (plan.missing.length > 0) return undefined;
    // Nothing was asked for (limit 0): an empty series.
    const empty = { id: (plan.series[0] as SeriesState).resolved.asked, timestamps: new Float64Array(0) };
    return plan.aggregates === undefined
      ? new NumericDatapoints({ ...empty, values: new Float64Array(0) })
      : new AggregateDatapoints({
          ...empty,
          granularity: plan.granularity as string,
          aggregates: asColumns(Object.fromEntries(plan.aggregates.map((name) => [name, new Float64Array(0)]))),
        });
  }

  /**
   * The datapoints of {@link retrieve} as they arrive: each page is one series' next piece (at most `pageSize`
   * datapoints, in time order within the series), and one answer is in memory at a time. `page.cursor` resumes
   * that series where the page ended (`pages(id, { cursor: page.cursor })`). The options are checked at the call.
   *
   * @example
   * for await (const page of client.datapoints.pages("pump42.pressure", { start: 0 })) total += page.length;
   */
  pages<A extends Aggregate>(
    ids: TimeSeriesIdLike | readonly TimeSeriesIdLike[],
    options: AggregateDatapointsOptions<A> & DatapointsPageOptions,
  ): AsyncGenerator<AggregateDatapoints<A>, void, undefined>;
  pages(
    ids: TimeSeriesIdLike | readonly TimeSeriesIdLike[],
    options?: RawDatapointsOptions & DatapointsPageOptions,
  ): AsyncGenerator<RawDatapoints, void, undefined>;
  pages(
    ids: TimeSeriesIdLike | readonly TimeSeriesIdLike[],
    options: DatapointsOptions & DatapointsPageOptions & { aggregates?: unknown; granularity?: unknown } = {},
  ): AsyncGenerator<Datapoints, void, undefined> {
    const list: readonly unknown[] = Array.isArray(ids) ? ids : [ids];
    const plan = new ReadPlan(list, this.instanceSpace, options as Json, options as Json);
    return this.#pages(plan, options);
  }

  async *#pages(
    plan: ReadPlan,
    options: { signal?: AbortSignal | undefined },
  ): AsyncGenerator<Datapoints, void, undefined> {
    for await (const piece of this.#read(plan, options)) if (piece.length > 0) yield piece;
  }

  async *#read(
    plan: ReadPlan,
    options: { signal?: AbortSignal | undefined },
  ): AsyncGenerator<Datapoints, void, undefined> {
    for (let body = plan.nextRequest(); body !== undefined; body = plan.nextRequest()) {
      const response = await this.http.post("/timeseries/data/list", body, { kind: "read", ...signalOf(options) });
      yield* plan.take(parseBody(response.text));
    }
  }

  /**
   * The latest datapoint of one series (strictly `before` a time; default: the latest of all), or `undefined` when it
   * has none; many series: one entry each, in the order asked (100 series a request).
   */
  latest(id: TimeSeriesIdLike, options?: LatestDatapointOptions): Promise<Datapoint | undefined>;
  latest(ids: readonly TimeSeriesIdLike[], options?: LatestDatapointOptions): Promise<(Datapoint | undefined)[]>;
  async latest(
    ids: TimeSeriesIdLike | readonly TimeSeriesIdLike[],
    options: LatestDatapointOptions = {},
  ): Promise<Datapoint | undefined | (Datapoint | undefined)[]> {
    const many = Array.isArray(ids);
    const list: readonly unknown[] = many ? ids : [ids];
    const common: Json = units(options as Json);
    if (options.before !== undefined) common["before"] = toEpochMs(options.before, "before");
    const asked = list.map((id, i) =>
      resolveResource<TimeSeriesRef>(id, "timeseries", this.instanceSpace, many ? `ids[${i}]` : "id"),
    );
    const found = new Map<string, Datapoint | undefined>();
    for (let at = 0; at < asked.length; at += MAX_LATEST_SERIES) {
      const items = asked.slice(at, at + MAX_LATEST_SERIES).map((series) => ({ ...series.identifier, ...common }));
      const body = { items, ...(options.ignoreUnknownIds === true ? { ignoreUnknownIds: true } : {}) };
      const response = await this.http.post("/timeseries/data/latest", body, { kind: "read", ...signalOf(options) });
      const answer = parseBody(response.text);
      for (const item of isObject(answer) && Array.isArray(answer["items"]) ? answer["items"].filter(isObject) : []) {
        const points = Array.isArray(item["datapoints"]) ? item["datapoints"].filter(isObject) : [];
        const first = points[0];
        const point =
          first === undefined
            ? undefined
            : { timestamp: Number(first["timestamp"]), value: first["value"] as number | string };
        for (const key of itemKeys(item)) if (!found.has(key)) found.set(key, point);
      }
    }
    const values = asked.map((series) => found.get(series.key));
    return many ? values : values[0];
  }

  /**
   * Inserts datapoints into one series; returns how many were written. A timestamp holds one value: an existing
   * one is overwritten. See {@link insertMany}.
   */
  insert(id: TimeSeriesIdLike, datapoints: DatapointsInput, options: DatapointsWriteOptions = {}): Promise<number> {
    return this.insertMany([[id, datapoints]], options);
  }

  /**
   * Inserts datapoints into many series: `[series, datapoints]` pairs, a `Map`, or `{ externalId: datapoints }` (bare
   * external ids). Everything is checked before anything is sent (whole epoch ms or `Date`s from 1900 to 2099,
   * finite numbers, one value type per series); then requests of at most 100,000 datapoints and 10,000 series (a
   * long series cut over several) go in parallel within the transport's write limit, at most that many bodies
   * built at a time. If any fails the others still go, and a {@link DatapointsError} names each failed request and
   * counts what was `written`.
   */
  async insertMany(items: DatapointsInsertItems, options: DatapointsWriteOptions = {}): Promise<number> {
    const pairs: (readonly [unknown, unknown])[] =
      typeof (items as Iterable<unknown>)[Symbol.iterator] === "function"
        ? [...(items as Iterable<readonly [unknown, unknown]>)]
        : Object.entries(items as Record<string, unknown>);
    const series = pairs.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(`items[${i}] must be a [series, datapoints] pair, got ${safeString(pair)}`);
      }
      return insertSeries(pair[0], pair[1], this.instanceSpace, pairs.length === 1 ? "id" : `items[${i}]`);
    });
    const deadline = this.http.newDeadline(options.deadlineMs);
    const chunks = insertChunks(series);
    const failed: FailedDatapoints[] = [];
    let written = 0;
    const send = async (chunk: InsertChunk): Promise<void> => {
      const count = chunkCount(chunk);
      if (deadline.passed) {
        const error = new PygenError(`not sent: ${deadline.describe()} passed before this request started`);
        failed.push({ ids: chunkIds(chunk), count, error, maybeApplied: false });
        return;
      }
      try {
        await this.http.post("/timeseries/data", undefined, {
          jsonText: insertBody(chunk),
          kind: "write",
          deadline,
          ...signalOf(options),
        });
        written += count;
      } catch (error) {
        if (!(error instanceof PygenError)) throw error;
        failed.push({ ids: chunkIds(chunk), count, error, maybeApplied: error.maybeApplied });
      }
    };
    // Workers take the next request when free: at most `write` bodies exist at a time.
    const worker = async (): Promise<void> => {
      for (let next = chunks.next(); !next.done; next = chunks.next()) await send(next.value);
    };
    await Promise.all(Array.from({ length: Math.max(1, this.http.config.limits.write) }, worker));
    if (failed.length > 0) throw new DatapointsError(failed, written);
    return written;
  }

  /** Deletes the datapoints in `[start, end)` of one series or many. */
  deleteRange(
    ids: TimeSeriesIdLike | readonly TimeSeriesIdLike[],
    start: TimeLike,
    end: TimeLike,
    options: DatapointsWriteOptions = {},
  ): Promise<void> {
    const list: readonly TimeSeriesIdLike[] = Array.isArray(ids) ? ids : [ids as TimeSeriesIdLike];
    return this.deleteRanges(
      list.map((id) => ({ id, start, end })),
      options,
    );
  }

  /** Deletes `[start, end)` of each range (10,000 ranges a request). */
  async deleteRanges(ranges: Iterable<DatapointsRange>, options: DatapointsWriteOptions = {}): Promise<void> {
    const now = Date.now();
    const items = [...ranges].map((range, i) => {
      if (!isObject(range)) throw new TypeError(`ranges[${i}] must be {id, start, end}, got ${safeString(range)}`);
      const { identifier } = resolveResource<TimeSeriesRef>(
        range.id,
        "timeseries",
        this.instanceSpace,
        `ranges[${i}].id`,
      );
      const begin = toEpochMs(range.start, "start", now);
      const stop = toEpochMs(range.end, "end", now);
      if (stop <= begin) {
        throw new RangeError(`end (${safeString(range.end)}) must be after start (${safeString(range.start)})`);
      }
      return { ...identifier, inclusiveBegin: begin, exclusiveEnd: stop };
    });
    const deadline = this.http.newDeadline(options.deadlineMs);
    for (let at = 0; at < items.length; at += MAX_DELETE_RANGES) {
      const body = { items: items.slice(at, at + MAX_DELETE_RANGES) };
      await this.http.post("/timeseries/data/delete", body, { kind: "delete", deadline, ...signalOf(options) });
    }
  }
}

// ------------------------------------------------------------------------------------------ view APIs

/**
 * The API of a view whose nodes are time series (CDF's `CogniteTimeSeries`, or a view implementing it): the
 * {@link NodeApi} plus the datapoints of its nodes, through a {@link DatapointsApi} on the same client. Generated SDKs
 * extend it for such views.
 *
 * @example
 * const series = await client.cogniteTimeSeries.list({ where: { name: { prefix: "pump" } } });
 * const hourly = await client.cogniteTimeSeries.datapoints(series, { aggregates: "average", granularity: "1h" });
 */
export class TimeSeriesNodeApi<P extends object = Properties, W extends object = Partial<P>> extends NodeApi<P, W> {
  #datapoints: DatapointsApi | undefined;

  /** The datapoints API of this API's client (its transport and instance space). */
  get datapointsApi(): DatapointsApi {
    this.#datapoints ??= new DatapointsApi(this.client.http, { instanceSpace: this.client.instanceSpace });
    return this.#datapoints;
  }

  /**
   * The datapoints of nodes of this view: one (by id, or a node read through it) or many at once, in as few requests
   * as CDF allows ({@link DatapointsApi.retrieve}).
   */
  datapoints<A extends Aggregate>(
    id: NodeIdLike,
    options: AggregateDatapointsOptions<A> & { ignoreUnknownIds?: false },
  ): Promise<AggregateDatapoints<A>>;
  datapoints<A extends Aggregate>(
    id: NodeIdLike,
    options: AggregateDatapointsOptions<A>,
  ): Promise<AggregateDatapoints<A> | undefined>;
  datapoints(id: NodeIdLike, options?: RawDatapointsOptions & { ignoreUnknownIds?: false }): Promise<RawDatapoints>;
  datapoints(id: NodeIdLike, options: RawDatapointsOptions): Promise<RawDatapoints | undefined>;
  datapoints<A extends Aggregate>(
    ids: readonly NodeIdLike[],
    options: AggregateDatapointsOptions<A>,
  ): Promise<DatapointsList<AggregateDatapoints<A>>>;
  datapoints(ids: readonly NodeIdLike[], options?: RawDatapointsOptions): Promise<DatapointsList<RawDatapoints>>;
  async datapoints(
    ids: NodeIdLike | readonly NodeIdLike[],
    options: DatapointsOptions & { aggregates?: unknown; granularity?: unknown } = {},
  ): Promise<Datapoints | DatapointsList<Datapoints> | undefined> {
    return (this.datapointsApi.retrieve as (ids: unknown, options: unknown) => Promise<Datapoints | undefined>)(
      nodeIds(ids),
      options,
    );
  }

  /** The latest datapoint of one node (or of each of many) of this view ({@link DatapointsApi.latest}). */
  latestDatapoint(id: NodeIdLike, options?: LatestDatapointOptions): Promise<Datapoint | undefined>;
  latestDatapoint(ids: readonly NodeIdLike[], options?: LatestDatapointOptions): Promise<(Datapoint | undefined)[]>;
  async latestDatapoint(
    ids: NodeIdLike | readonly NodeIdLike[],
    options: LatestDatapointOptions = {},
  ): Promise<Datapoint | undefined | (Datapoint | undefined)[]> {
    return (this.datapointsApi.latest as (ids: unknown, options: unknown) => Promise<Datapoint | undefined>)(
      nodeIds(ids),
      options,
    );
  }

  /** Inserts datapoints into one node of this view; returns how many were written ({@link DatapointsApi.insert}). */
  async insertDatapoints(
    id: NodeIdLike,
    datapoints: DatapointsInput,
    options: DatapointsWriteOptions = {},
  ): Promise<number> {
    return this.datapointsApi.insert(nodeIds(id) as NodeIdLike, datapoints, options);
  }

  /** Deletes the datapoints in `[start, end)` of one node or many ({@link DatapointsApi.deleteRange}). */
  async deleteDatapoints(
    ids: NodeIdLike | readonly NodeIdLike[],
    start: TimeLike,
    end: TimeLike,
    options: DatapointsWriteOptions = {},
  ): Promise<void> {
    return this.datapointsApi.deleteRange(nodeIds(ids) as NodeIdLike, start, end, options);
  }
}

/** Node ids of a view API's helpers: only nodes (a classic reference is no node of the view). */
export function nodeIds(ids: unknown): unknown {
  const check = (id: unknown, name: string): unknown => {
    if (typeof id === "object" && id !== null && "resource" in id && !isId(id)) {
      throw new TypeError(`${name}: ${safeString(id)} is a classic resource, not a node of this view`);
    }
    return id;
  };
  return Array.isArray(ids) ? ids.map((id, i) => check(id, `ids[${i}]`)) : check(ids, "id");
}
