/**
 * The generic instance API: an {@link InstanceClient} for writes and deletes of any view, and one
 * {@link NodeApi}/{@link EdgeApi} per view (generated SDKs extend them with typed properties).
 *
 * @example
 * interface Pump { name?: string; pressure?: number }
 * const client = new InstanceClient({ project, baseUrl, credentials: new Token(t) }, { instanceSpace: "my_space" });
 * const pumps = new NodeApi<Pump>(client, { space: "s", externalId: "Pump", version: "v1" });
 * await pumps.upsert([{ externalId: "p1", properties: { name: "P-1", pressure: 3 } }]);
 * for await (const pump of pumps.iterate({ filter: pumps.textProperty("name").prefix("P-") })) console.log(pump.properties.name);
 * // Generated APIs have typed `fields`, and take where objects over them too:
 * await client.cogniteAsset.list({ where: { name: { prefix: "P-" } } });
 */
import { DeleteError, DeadlinePassedError, PygenError, UpsertError, ApiError, failureReason, type FailedItem } from "./errors.js";
import {
  BooleanProperty,
  DateProperty,
  DirectRelationListProperty,
  DirectRelationProperty,
  EnumProperty,
  Equals,
  Filter,
  In,
  JsonProperty,
  ListProperty,
  MAX_SORT,
  NumberProperty,
  PropertyBase,
  Sort,
  TextProperty,
  TimestampProperty,
  viewPropertyRef,
  whereFilter,
  type FilterValue,
  type SortJson,
  type Where,
} from "./filters.js";
import { stringifyJson, type JsonObject, type JsonValue } from "./json.js";
import type { Deadline } from "./retry.js";
import { HttpClient, type ClientOptions, type HttpResponse } from "./transport.js";
import type { Edge, EdgeWrite, InstanceId, Node, NodeId, NodeIdLike, NodeWrite, Properties, ViewId } from "./types.js";

/** Most items per apply, delete and byids request (docs/dms.md, Limits). */
export const MAX_WRITE_ITEMS = 1000;
/** Most items per list/search page. */
export const MAX_PAGE = 1000;
// Client errors about the items of a batch: split it to isolate them. 401/403/429 are not about items.
const SPLITTABLE = new Set([400, 409, 422]);

// ------------------------------------------------------------------------------------------ results

/**
 * What a write did to one instance.
 *
 * `uncertain`: the answer to an earlier attempt of its batch was lost after sending (a timeout, a dropped
 * connection, a gateway error), and the retry found the instance already as sent ("not modified") or, with
 * `skipOnVersionConflict`, conflicting: this call wrote it, or found it written, and which of the two is unknown.
 * Such an instance is never reported `unchanged` or `skipped`, which might be false.
 */
export interface InstanceResult {
  readonly instanceType: "node" | "edge";
  readonly space: string;
  readonly externalId: string;
  /** `skipped`: left out on a version conflict (`skipOnVersionConflict`). */
  readonly status: "created" | "updated" | "unchanged" | "skipped" | "uncertain";
  readonly version: number | undefined;
}

/** The outcome of every item of an upsert, in write order (nodes first, then edges). */
export class UpsertResult {
  readonly items: readonly InstanceResult[];
  constructor(items: readonly InstanceResult[] = []) {
    this.items = items;
  }
  get created(): InstanceResult[] {
    return this.items.filter((i) => i.status === "created");
  }
  get updated(): InstanceResult[] {
    return this.items.filter((i) => i.status === "updated");
  }
  get unchanged(): InstanceResult[] {
    return this.items.filter((i) => i.status === "unchanged");
  }
  get skipped(): InstanceResult[] {
    return this.items.filter((i) => i.status === "skipped");
  }
  /** Written by this call or found written, which one is unknown: an earlier answer was lost (see {@link InstanceResult}). */
  get uncertain(): InstanceResult[] {
    return this.items.filter((i) => i.status === "uncertain");
  }
}

/**
 * What a delete did: missing instances are not errors, they are listed in `notFound`. `uncertain` holds ids a
 * retried request (after a lost answer) did not find: gone, but whether this call deleted them or they were
 * missing before is unknown.
 */
export interface DeleteResult {
  readonly deleted: InstanceId[];
  readonly notFound: InstanceId[];
  readonly uncertain: InstanceId[];
}

/** Options of a delete. */
export interface DeleteOptions {
  signal?: AbortSignal;
  /**
   * The most the whole call may take, in ms, over all its batches (overrides `RetryPolicy.deadlineMs`; `null`: no
   * total limit). Batches not started by then are reported failed as not sent.
   */
  deadlineMs?: number | null;
}

/** Options of an upsert (the request-level flags of `POST /models/instances`). */
export interface UpsertOptions {
  /** `true`: reset every property of each touched container not given. Default false (patch). */
  replace?: boolean;
  skipOnVersionConflict?: boolean;
  /** Default true. */
  autoCreateDirectRelations?: boolean;
  autoCreateStartNodes?: boolean;
  autoCreateEndNodes?: boolean;
  signal?: AbortSignal;
  /** As in {@link DeleteOptions.deadlineMs}. */
  deadlineMs?: number | null;
}

/** An apply item as sent (`space` resolved). */
export type ApplyItem = JsonObject & { instanceType: "node" | "edge"; space: string; externalId: string };

// ------------------------------------------------------------------------------------------ ids

function isId(value: unknown): value is { space: string; externalId: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { space?: unknown }).space === "string" &&
    typeof (value as { externalId?: unknown }).externalId === "string"
  );
}

/** `{space, externalId}` of an id-like: a bare external id takes `defaultSpace` (an error without one). */
export function toNodeId(value: NodeIdLike, defaultSpace: string | undefined): NodeId {
  if (typeof value === "string") {
    if (value === "") throw new TypeError("an external id must not be empty");
    if (defaultSpace === undefined) {
      throw new TypeError(`${JSON.stringify(value)} is an external id without a space, and the client has no instanceSpace; pass {space, externalId}`);
    }
    return { space: defaultSpace, externalId: value };
  }
  if (!isId(value)) throw new TypeError(`an id is {space, externalId} or an external id string, got ${safeString(value)}`);
  return { space: value.space, externalId: value.externalId };
}

function key(id: { instanceType: string; space: string; externalId: string }): string {
  return `${id.instanceType}\u0000${id.space}\u0000${id.externalId}`;
}

function safeString(value: unknown): string {
  try {
    return stringifyJson(value);
  } catch {
    return String(value);
  }
}

// ------------------------------------------------------------------------------------------ client

/** Options of an {@link InstanceClient}. */
export interface InstanceClientOptions {
  /** The default space of instances given by external id alone. */
  instanceSpace?: string;
}

/**
 * Writes and deletes instances of any view; the per-view APIs share one client (and so one transport
 * with its concurrency limits).
 */
export class InstanceClient {
  readonly http: HttpClient;
  readonly instanceSpace: string | undefined;

  constructor(http: HttpClient | ClientOptions, options: InstanceClientOptions = {}) {
    this.http = http instanceof HttpClient ? http : new HttpClient(http);
    if (options.instanceSpace !== undefined && (typeof options.instanceSpace !== "string" || options.instanceSpace === "")) {
      throw new TypeError("instanceSpace must be a non-empty string");
    }
    this.instanceSpace = options.instanceSpace;
  }

  /**
   * Applies nodes and edges in batches of 1000 (nodes first, so edges find their ends), as many batches at a time
   * as the transport's write limit. A batch refused for its items (400/409/422) is split until each failing item
   * is isolated; then an {@link UpsertError} names every failed item and holds what succeeded.
   *
   * One deadline spans all batches (`RetryPolicy.progressDeadlineMs`, and `deadlineMs` of the policy or of
   * `options`): once it passed, no batch is retried or started; those not started fail as "not sent".
   */
  async upsert(items: readonly ApplyItem[], options: UpsertOptions = {}): Promise<UpsertResult> {
    const flags = {
      replace: options.replace ?? false,
      skipOnVersionConflict: options.skipOnVersionConflict ?? false,
      autoCreateDirectRelations: options.autoCreateDirectRelations ?? true,
      autoCreateStartNodes: options.autoCreateStartNodes ?? false,
      autoCreateEndNodes: options.autoCreateEndNodes ?? false,
    };
    const unique = dedupe(items);
    const call: Call = { flags, signal: options.signal, deadline: this.http.newDeadline(options.deadlineMs) };
    const results: InstanceResult[] = [];
    const failed: FailedItem[] = [];
    for (const phase of ["node", "edge"] as const) {
      const batches = chunk(
        unique.filter((i) => i.instanceType === phase),
        MAX_WRITE_ITEMS,
      );
      const outcomes = await inPool(batches, this.http.config.limits.write, (batch) => this.#apply(batch, call));
      for (const outcome of outcomes) {
        results.push(...outcome.ok);
        failed.push(...outcome.failed);
      }
    }
    const result = new UpsertResult(results);
    if (failed.length > 0) throw new UpsertError(result, failed, results.length);
    return result;
  }

  async #apply(batch: ApplyItem[], call: Call): Promise<Settled> {
    const outcome = await this.#send(batch, call);
    return outcome instanceof PygenError ? this.#isolate(batch, call, outcome, false) : { ok: outcome, failed: [] };
  }

  /**
   * One apply request: the results, or the error. `appliedBefore`: the batch this one was split from may have been
   * applied by an attempt whose answer was lost, so "not modified" and "skipped" may describe that attempt's write.
   */
  async #send(batch: ApplyItem[], call: Call, appliedBefore = false): Promise<InstanceResult[] | PygenError> {
    try {
      const response = await this.http.post("/models/instances", { items: batch, ...call.flags }, requestOptions("write", call));
      return applyResults(batch, response.json(), appliedBefore || response.maybeApplied);
    } catch (error) {
      if (!(error instanceof PygenError)) throw error;
      return error;
    }
  }

  /**
   * Splits a refused batch until each failing item is isolated. When both halves are refused with exactly the
   * batch's own status and message, the error is about the request (an unknown view, say), not an item (an
   * item-level message names its item, which sits in one half only): every item fails with it, after 3 requests
   * instead of 2n-1.
   */
  async #isolate(batch: ApplyItem[], call: Call, error: PygenError, appliedBefore: boolean): Promise<Settled> {
    if (error instanceof DeadlinePassedError) return { ok: [], failed: notSentItems(batch, call.deadline) };
    if (batch.length <= 1 || !(error instanceof ApiError) || !SPLITTABLE.has(error.status)) {
      return { ok: [], failed: failedItems(batch, error, appliedBefore) };
    }
    // A refused batch may still follow a lost attempt that was applied: its halves inherit that.
    const applied = appliedBefore || error.maybeApplied;
    const middle = Math.floor(batch.length / 2);
    const parts = [batch.slice(0, middle), batch.slice(middle)];
    const outcomes = await Promise.all(parts.map((part) => this.#send(part, call, applied)));
    const sameError = (o: InstanceResult[] | PygenError): boolean =>
      o instanceof ApiError && o.status === error.status && o.serverMessage === error.serverMessage;
    if (outcomes.every(sameError)) return { ok: [], failed: failedItems(batch, error, applied) };
    const settled = await Promise.all(
      outcomes.map((o, i) => (o instanceof PygenError ? this.#isolate(parts[i] as ApplyItem[], call, o, applied) : { ok: o, failed: [] })),
    );
    return { ok: settled.flatMap((r) => r.ok), failed: settled.flatMap((r) => r.failed) };
  }

  /**
   * Deletes instances (bare ids and `{space, externalId}` are nodes; pass `{instanceType: "edge", ...}`
   * for edges), as many batches at a time as the transport's delete limit. Missing instances are listed in
   * `notFound` (`uncertain` after a lost answer); failed batches raise a {@link DeleteError}. Deadlines as in
   * {@link upsert}.
   */
  async delete(ids: readonly (InstanceId | NodeIdLike)[], options: DeleteOptions = {}): Promise<DeleteResult> {
    const unique = new Map<string, InstanceId>();
    for (const id of ids) {
      const instanceType = typeof id === "object" && id !== null && "instanceType" in id ? id.instanceType : "node";
      if (instanceType !== "node" && instanceType !== "edge") throw new TypeError(`instanceType must be "node" or "edge", got ${safeString(instanceType)}`);
      const { space, externalId } = toNodeId(id, this.instanceSpace);
      const item: InstanceId = { instanceType, space, externalId };
      unique.set(key(item), item);
    }
    const call: Call = { flags: {}, signal: options.signal, deadline: this.http.newDeadline(options.deadlineMs) };
    const result: DeleteResult = { deleted: [], notFound: [], uncertain: [] };
    const failed: FailedItem[] = [];
    const batches = chunk([...unique.values()], MAX_WRITE_ITEMS);
    const outcomes = await inPool(batches, this.http.config.limits.delete, async (batch): Promise<HttpResponse | PygenError> => {
      try {
        return await this.http.post("/models/instances/delete", { items: batch }, requestOptions("delete", call));
      } catch (error) {
        if (!(error instanceof PygenError)) throw error;
        return error;
      }
    });
    outcomes.forEach((outcome, i) => {
      const batch = batches[i] as InstanceId[];
      if (outcome instanceof DeadlinePassedError) {
        failed.push(...notSentItems(batch, call.deadline));
        return;
      }
      if (outcome instanceof PygenError) {
        failed.push(...failedItems(batch, outcome));
        return;
      }
      const rows = itemsOf(outcome.json()).filter(isId);
      const deleted = new Set(rows.map((row) => key({ instanceType: String((row as { instanceType?: unknown }).instanceType ?? "node"), ...row })));
      // After a lost answer, an id the retry did not find may be one the lost attempt deleted.
      const absent = outcome.maybeApplied ? result.uncertain : result.notFound;
      for (const item of batch) (deleted.has(key(item)) ? result.deleted : absent).push(item);
    });
    if (failed.length > 0) throw new DeleteError(result, failed);
    return result;
  }
}

/** What the requests of one bulk call share. */
interface Call {
  readonly flags: object;
  readonly signal: AbortSignal | undefined;
  readonly deadline: Deadline;
}

/** What became of the items of one batch. */
interface Settled {
  ok: InstanceResult[];
  failed: FailedItem[];
}

function requestOptions(kind: "write" | "delete", call: Call): { kind: "write" | "delete"; deadline: Deadline; signal?: AbortSignal } {
  return { kind, deadline: call.deadline, ...(call.signal ? { signal: call.signal } : {}) };
}

/**
 * `run` over every item, at most `workers` at a time, each started when one finishes (so a batch runs with its
 * retries to the end before another starts, and batches not started when a deadline passes are never sent).
 */
async function inPool<T, R>(items: readonly T[], workers: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, workers), items.length) }, worker));
  return results;
}

function dedupe(items: readonly ApplyItem[]): ApplyItem[] {
  const seen = new Map<string, ApplyItem>();
  for (const item of items) {
    if (item.instanceType !== "node" && item.instanceType !== "edge") {
      throw new TypeError(`apply items need instanceType "node" or "edge", got ${safeString(item.instanceType)}`);
    }
    const k = key(item);
    const previous = seen.get(k);
    if (previous === undefined) seen.set(k, item);
    // Serialized only for repeated ids: equal copies are written once, different ones are an error.
    else if (previous !== item && stringifyJson(previous) !== stringifyJson(item)) {
      throw new TypeError(`the ${item.instanceType} ${item.space}:${item.externalId} is given twice with different content; write it once`);
    }
  }
  return [...seen.values()];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function itemsOf(body: JsonValue): JsonObject[] {
  if (typeof body === "object" && body !== null && !Array.isArray(body) && Array.isArray(body["items"])) {
    return body["items"].filter((x): x is JsonObject => typeof x === "object" && x !== null && !Array.isArray(x));
  }
  return [];
}

/**
 * One result per item of `batch`; items missing from the response were skipped (version conflict). With
 * `maybeAppliedBefore` (an earlier attempt may have been applied), "not modified" and "skipped" are `uncertain`.
 */
function applyResults(batch: readonly ApplyItem[], body: JsonValue, maybeAppliedBefore: boolean): InstanceResult[] {
  const rows = new Map<string, JsonObject>();
  for (const row of itemsOf(body)) {
    const { space, externalId, instanceType } = row;
    if (typeof space === "string" && typeof externalId === "string") {
      rows.set(key({ instanceType: typeof instanceType === "string" ? instanceType : "node", space, externalId }), row);
    }
  }
  return batch.map((item) => {
    const row = rows.get(key(item));
    const base = { instanceType: item.instanceType, space: item.space, externalId: item.externalId };
    if (row === undefined) return { ...base, status: maybeAppliedBefore ? "uncertain" : "skipped", version: undefined };
    const version = typeof row["version"] === "number" ? row["version"] : undefined;
    let status: InstanceResult["status"];
    if (row["wasModified"] === false) status = maybeAppliedBefore ? "uncertain" : "unchanged";
    else if (row["createdTime"] !== undefined && row["createdTime"] === row["lastUpdatedTime"]) status = "created";
    else status = "updated";
    return { ...base, status, version };
  });
}

/** Every item of `batch` as failed with `error`; `appliedBefore`: the batch it was split from may have been applied. */
function failedItems(batch: readonly InstanceId[], error: unknown, appliedBefore = false): FailedItem[] {
  let { reason, status } = failureReason(error);
  const maybeApplied = appliedBefore || (error instanceof PygenError && error.maybeApplied);
  if (maybeApplied) reason += " (the answer to an attempt was lost after sending: the batch may or may not have been applied)";
  else if (status === undefined) reason += " (no attempt reached the server: nothing was applied)";
  return batch.map((item) => ({ instanceType: item.instanceType, space: item.space, externalId: item.externalId, reason, status, error, maybeApplied }));
}

/** Every item of a batch not sent because the call's deadline passed first (certainly not applied). */
function notSentItems(batch: readonly InstanceId[], deadline: Deadline): FailedItem[] {
  const reason = `not sent: ${deadline.describe()} passed before this batch started`;
  return batch.map((item) => ({
    instanceType: item.instanceType,
    space: item.space,
    externalId: item.externalId,
    reason,
    status: undefined,
    error: undefined,
    maybeApplied: false,
  }));
}

// ------------------------------------------------------------------------------------------ per view

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

function propertyName(value: PropertyName): string {
  return value instanceof PropertyBase ? value.name : value;
}

/** Internal (query.ts): `value` when it is an integer from 1 to `max`, else a RangeError naming `what`. */
export function checkLimit(what: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`${what} must be an integer from 1 to ${max}, got ${String(value)}`);
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
  if (entries.length < 1 || entries.length > 10) throw new RangeError(`targetUnits takes 1 to 10 properties, got ${entries.length}`);
  return entries.map(([property, unit]) => ({ property, unit: { externalId: unit } }));
}

/** Drops `undefined` values so bodies stay exact (`exactOptionalPropertyTypes` in JSON). */
function compact(body: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The API of one view: retrieve, list, iterate page by page, search, aggregate, histogram, upsert, delete.
 *
 * `R` is the read shape, `W` the write shape. Override {@link parse} (read JSON -> `R`) and {@link toApply}
 * (`W` -> apply JSON) to convert property values (generated SDKs do).
 */
export abstract class ViewApi<R, W> {
  readonly client: InstanceClient;
  readonly view: ViewId;
  readonly instanceType: "node" | "edge";

  constructor(client: InstanceClient, view: ViewId, instanceType: "node" | "edge") {
    if (!(client instanceof InstanceClient)) throw new TypeError("the first argument must be an InstanceClient");
    for (const field of ["space", "externalId", "version"] as const) {
      if (typeof view?.[field] !== "string" || view[field] === "") throw new TypeError(`view.${field} must be a non-empty string`);
    }
    this.client = client;
    this.view = Object.freeze({ space: view.space, externalId: view.externalId, version: view.version });
    this.instanceType = instanceType;
  }

  /** Builds the typed object from one read item. */
  protected abstract parse(raw: JsonObject): R;

  /** The typed object of one read item of this view (API JSON, as `list` and `/models/instances/query` return it). */
  fromJson(raw: JsonObject): R {
    return this.parse(raw);
  }

  /** Builds the apply item of one write object. */
  protected abstract toApply(item: W): ApplyItem;

  /** The flattened properties of this view in a read item (`{}` when it has none). */
  protected viewProperties(raw: JsonObject): Record<string, JsonValue> {
    const bySpace = raw["properties"];
    if (typeof bySpace !== "object" || bySpace === null || Array.isArray(bySpace)) return {};
    const byView = bySpace[this.view.space];
    if (typeof byView !== "object" || byView === null || Array.isArray(byView)) return {};
    const props = byView[`${this.view.externalId}/${this.view.version}`];
    return typeof props === "object" && props !== null && !Array.isArray(props) ? { ...props } : {};
  }

  /**
   * The typed properties from the flattened view properties of a read item. The default passes the JSON
   * values through; generated SDKs override it to convert (e.g. timestamps to `Date`).
   */
  protected parseProperties(properties: Record<string, JsonValue>): unknown {
    return properties;
  }

  /** The `sources` entry of this view. */
  protected source(units?: Readonly<Record<string, string>>): JsonObject {
    return compact({ source: { type: "view", ...this.view }, targetUnits: targetUnits(units) });
  }

  /** The write `sources` of some properties: none given -> the source alone (the instance still gets data in the view). */
  protected writeSources(properties: object | undefined): JsonValue[] {
    const props: JsonObject = {};
    if (properties !== undefined && properties !== null) {
      // defineProperty, not assignment: a property called "__proto__" must stay data, not set the prototype.
      for (const [k, v] of Object.entries(properties)) {
        if (v !== undefined) Object.defineProperty(props, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
    }
    const source = { type: "view", ...this.view };
    return [Object.keys(props).length > 0 ? { source, properties: props } : { source }];
  }

  // -- typed property builders (generated SDKs declare fields with these) --

  /** The reference `[space, "View/version", name]` of a property of this view. */
  ref(name: string): readonly string[] {
    return viewPropertyRef(this.view, name);
  }
  textProperty(name: string): TextProperty {
    return new TextProperty(this.ref(name));
  }
  numberProperty<N extends number | bigint = number>(name: string): NumberProperty<N> {
    return new NumberProperty<N>(this.ref(name));
  }
  timestampProperty(name: string): TimestampProperty {
    return new TimestampProperty(this.ref(name));
  }
  dateProperty(name: string): DateProperty {
    return new DateProperty(this.ref(name));
  }
  booleanProperty(name: string): BooleanProperty {
    return new BooleanProperty(this.ref(name));
  }
  enumProperty<V extends string>(name: string): EnumProperty<V> {
    return new EnumProperty<V>(this.ref(name));
  }
  jsonProperty(name: string): JsonProperty {
    return new JsonProperty(this.ref(name));
  }
  directRelationProperty(name: string): DirectRelationProperty {
    return new DirectRelationProperty(this.ref(name));
  }
  listProperty<V extends FilterValue = string | number | bigint | boolean>(name: string): ListProperty<V> {
    return new ListProperty<V>(this.ref(name));
  }
  directRelationListProperty(name: string): DirectRelationListProperty {
    return new DirectRelationListProperty(this.ref(name));
  }

  // -- reads --

  #filter(options: { space?: string | readonly string[] | undefined; filter?: Filter | undefined; where?: object | undefined }): JsonObject | undefined {
    const parts: Filter[] = [];
    if (options.space !== undefined) {
      const spaces = typeof options.space === "string" ? [options.space] : [...options.space];
      const ref = [this.instanceType, "space"];
      parts.push(spaces.length === 1 ? new Equals(ref, spaces[0] as string) : new In(ref, spaces));
    }
    if (options.filter !== undefined) {
      if (!(options.filter instanceof Filter)) throw new TypeError("filter must be a Filter (use the property builders or RawFilter)");
      parts.push(options.filter);
    }
    if (options.where !== undefined) {
      const fields = (this as { readonly fields?: unknown }).fields;
      const where = whereFilter(typeof fields === "object" && fields !== null ? fields : {}, options.where, this.view.externalId);
      if (where !== undefined) parts.push(where);
    }
    if (parts.length === 0) return undefined;
    const combined = parts.length === 1 ? (parts[0] as Filter) : (parts[0] as Filter).and(...parts.slice(1));
    return combined.dump(this.client.instanceSpace);
  }

  #signal(options: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
    return options.signal === undefined ? {} : { signal: options.signal };
  }

  #parseItems(body: JsonValue): R[] {
    return itemsOf(body).map((raw) => this.parse(raw));
  }

  /** One id -> the instance or `undefined`; a list -> `{items, missing}` (found ones in request order). */
  retrieve(id: NodeIdLike, options?: Pick<ReadOptions, "targetUnits" | "signal">): Promise<R | undefined>;
  retrieve(ids: readonly NodeIdLike[], options?: Pick<ReadOptions, "targetUnits" | "signal">): Promise<RetrieveResult<R>>;
  async retrieve(
    ids: NodeIdLike | readonly NodeIdLike[],
    options: Pick<ReadOptions, "targetUnits" | "signal"> = {},
  ): Promise<R | undefined | RetrieveResult<R>> {
    const single = !Array.isArray(ids);
    const list = (single ? [ids] : ids) as readonly NodeIdLike[];
    const wanted = list.map((id) => ({ instanceType: this.instanceType, ...toNodeId(id, this.client.instanceSpace) }));
    const found = new Map<string, R>();
    const sources = [this.source(options.targetUnits)];
    // Batches run concurrently, within the transport's read limit.
    const bodies = await Promise.all(
      chunk(wanted, MAX_WRITE_ITEMS).map(async (batch) =>
        (await this.client.http.post("/models/instances/byids", { items: batch, sources }, { kind: "read", ...this.#signal(options) })).json(),
      ),
    );
    for (const body of bodies) {
      for (const raw of itemsOf(body)) {
        if (isId(raw)) found.set(key({ instanceType: this.instanceType, space: raw.space, externalId: raw.externalId }), this.parse(raw));
      }
    }
    if (single) return found.get(key(wanted[0] as InstanceId));
    const items: R[] = [];
    const missing: InstanceId[] = [];
    const done = new Set<string>();
    for (const id of wanted) {
      const k = key(id);
      const item = found.get(k);
      if (item === undefined) missing.push(id);
      else if (!done.has(k)) {
        done.add(k);
        items.push(item);
      }
    }
    return { items, missing };
  }

  /** One page (up to `pageSize`, default 1000) and the cursor of the next. */
  async page(options: Omit<ListOptions<FieldsOf<this>>, "limit"> = {}): Promise<Page<R>> {
    const body = compact({
      instanceType: this.instanceType,
      sources: [this.source(options.targetUnits)],
      filter: this.#filter(options),
      sort: sorts(options.sort) as JsonValue | undefined,
      limit: checkLimit("pageSize", options.pageSize ?? MAX_PAGE, MAX_PAGE),
      cursor: options.cursor,
    });
    const response = await this.client.http.post("/models/instances/list", body, { kind: "read", ...this.#signal(options) });
    const json = response.json();
    const next = typeof json === "object" && json !== null && !Array.isArray(json) ? json["nextCursor"] : undefined;
    return { items: this.#parseItems(json), cursor: typeof next === "string" && next !== "" ? next : undefined };
  }

  /** Every matching instance (or the first `limit`) page by page: `for await (const page of api.pages())`. */
  async *pages(options: ListOptions<FieldsOf<this>> = {}): AsyncGenerator<Page<R>, void, undefined> {
    const limit = options.limit ?? "all";
    if (limit !== "all") checkLimit("limit", limit, Number.MAX_SAFE_INTEGER);
    const pageSize = checkLimit("pageSize", options.pageSize ?? MAX_PAGE, MAX_PAGE);
    let remaining = limit === "all" ? Infinity : limit;
    let cursor = options.cursor;
    while (remaining > 0) {
      const { limit: _unused, ...rest } = options;
      const page = await this.page({ ...rest, pageSize: Math.min(pageSize, remaining), ...(cursor === undefined ? {} : { cursor }) });
      remaining -= page.items.length;
      yield page;
      cursor = page.cursor;
      if (cursor === undefined || page.items.length === 0) return;
    }
  }

  /** Every matching instance (or the first `limit`), fetched page by page: `for await (const x of api.iterate())`. */
  async *iterate(options: ListOptions<FieldsOf<this>> = {}): AsyncGenerator<R, void, undefined> {
    for await (const page of this.pages(options)) yield* page.items;
  }

  /** `for await (const item of api)`: every instance of the view. */
  [Symbol.asyncIterator](): AsyncGenerator<R, void, undefined> {
    return this.iterate();
  }

  /** Up to `limit` instances (default 25; `"all"` for every one). */
  async list(options: ListOptions<FieldsOf<this>> = {}): Promise<R[]> {
    const out: R[] = [];
    for await (const page of this.pages({ ...options, limit: options.limit ?? 25 })) out.push(...page.items);
    return out;
  }

  /** Free-text search in `properties` (default: all text properties), most relevant first. */
  async search(options: SearchOptions<FieldsOf<this>> = {}): Promise<R[]> {
    const body = compact({
      view: { type: "view", ...this.view },
      instanceType: this.instanceType,
      query: options.query,
      properties: options.properties?.map(propertyName),
      filter: this.#filter(options),
      operator: options.operator ?? "AND",
      sort: sorts(options.sort) as JsonValue | undefined,
      targetUnits: targetUnits(options.targetUnits),
      limit: checkLimit("limit", options.limit ?? 25, MAX_PAGE),
    });
    const response = await this.client.http.post("/models/instances/search", body, { kind: "read", ...this.#signal(options) });
    return this.#parseItems(response.json());
  }

  /** Aggregations (at most 5), optionally grouped by up to 5 properties. */
  async aggregate(aggregations: readonly Aggregation[], options: AggregateOptions<FieldsOf<this>> = {}): Promise<AggregateGroup[]> {
    if (aggregations.length > 5) throw new RangeError(`at most 5 aggregations per request, got ${aggregations.length}`);
    if (options.groupBy !== undefined && (options.groupBy.length < 1 || options.groupBy.length > 5)) {
      throw new RangeError(`groupBy takes 1 to 5 properties, got ${options.groupBy.length}`);
    }
    const aggregates = aggregations.map((agg): JsonValue => {
      if (agg.aggregate === "histogram") {
        if (!(agg.interval > 0) || !Number.isFinite(agg.interval)) throw new RangeError(`histogram interval must be a positive number, got ${String(agg.interval)}`);
        return { histogram: { property: propertyName(agg.property), interval: agg.interval } };
      }
      if (!["count", "sum", "avg", "min", "max"].includes(agg.aggregate)) throw new TypeError(`unknown aggregate ${safeString(agg.aggregate)}`);
      if (agg.property === undefined) {
        if (agg.aggregate !== "count") throw new TypeError(`${agg.aggregate} needs a property`);
        return { count: {} };
      }
      return { [agg.aggregate]: { property: propertyName(agg.property) } };
    });
    const body = compact({
      view: { type: "view", ...this.view },
      instanceType: this.instanceType,
      aggregates: aggregates.length > 0 ? aggregates : undefined,
      groupBy: options.groupBy?.map(propertyName),
      filter: this.#filter({ filter: options.filter, where: options.where }),
      query: options.query,
      properties: options.properties?.map(propertyName),
      limit: options.limit === undefined ? undefined : checkLimit("limit", options.limit, 1000),
    });
    const response = await this.client.http.post("/models/instances/aggregate", body, { kind: "read", ...this.#signal(options) });
    return itemsOf(response.json()).map(parseGroup);
  }

  async #one(aggregation: Aggregation, options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy">): Promise<AggregateValue | undefined> {
    const groups = await this.aggregate([aggregation], options);
    return groups[0]?.aggregates[0];
  }

  /** How many instances match (with `property`: how many have a value for it). */
  async count(options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> & { property?: PropertyName } = {}): Promise<number> {
    const { property, ...rest } = options;
    const value = (await this.#one({ aggregate: "count", property: property ?? "externalId" }, rest))?.value;
    return value === undefined ? 0 : Number(value);
  }
  /** The sum of a numeric property (0 without values). */
  async sum(property: PropertyName, options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {}): Promise<number> {
    const value = (await this.#one({ aggregate: "sum", property }, options))?.value;
    return value === undefined ? 0 : Number(value);
  }
  /** The average of a numeric property (undefined without values). */
  async avg(property: PropertyName, options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {}): Promise<number | undefined> {
    const value = (await this.#one({ aggregate: "avg", property }, options))?.value;
    return value === undefined ? undefined : Number(value);
  }
  /** The smallest value of a numeric property (undefined without values; `bigint` beyond 2^53). */
  async min(property: PropertyName, options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {}): Promise<number | bigint | undefined> {
    return (await this.#one({ aggregate: "min", property }, options))?.value;
  }
  /** The largest value of a numeric property (undefined without values; `bigint` beyond 2^53). */
  async max(property: PropertyName, options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {}): Promise<number | bigint | undefined> {
    return (await this.#one({ aggregate: "max", property }, options))?.value;
  }
  /** Buckets of width `interval` over a numeric property. */
  async histogram(property: PropertyName, interval: number, options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {}): Promise<Bucket[]> {
    return (await this.#one({ aggregate: "histogram", property, interval }, options))?.buckets ?? [];
  }

  // -- writes --

  /** Creates or updates instances through this view (see {@link InstanceClient.upsert}). */
  async upsert(items: W | readonly W[], options: UpsertOptions = {}): Promise<UpsertResult> {
    const list = (Array.isArray(items) ? items : [items]) as readonly W[];
    return this.client.upsert(
      list.map((item) => this.toApply(item)),
      options,
    );
  }

  /** Deletes instances of this type by id (bare external ids in the client's instance space). */
  async delete(ids: NodeIdLike | readonly NodeIdLike[], options: DeleteOptions = {}): Promise<DeleteResult> {
    const list = (Array.isArray(ids) ? ids : [ids]) as readonly NodeIdLike[];
    return this.client.delete(
      list.map((id) => ({ instanceType: this.instanceType, ...toNodeId(id, this.client.instanceSpace) })),
      options,
    );
  }
}

function parseGroup(raw: JsonObject): AggregateGroup {
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

function nodeIdOf(value: JsonValue | undefined): NodeId | undefined {
  return isId(value) ? { space: value.space, externalId: value.externalId } : undefined;
}

function instanceBase(raw: JsonObject): {
  space: string;
  externalId: string;
  version: number;
  createdTime: number;
  lastUpdatedTime: number;
  deletedTime?: number;
} {
  const out = {
    space: String(raw["space"]),
    externalId: String(raw["externalId"]),
    version: Number(raw["version"]),
    createdTime: Number(raw["createdTime"]),
    lastUpdatedTime: Number(raw["lastUpdatedTime"]),
  };
  return raw["deletedTime"] === undefined || raw["deletedTime"] === null ? out : { ...out, deletedTime: Number(raw["deletedTime"]) };
}

/**
 * The API of nodes through one view. `P` is the read properties type, `W` the write properties type.
 *
 * @example
 * const pumps = new NodeApi<{ name?: string }>(client, { space: "s", externalId: "Pump", version: "v1" });
 * const { items, missing } = await pumps.retrieve(["p1", "p2"]);
 */
export class NodeApi<P extends object = Properties, W extends object = Partial<P>> extends ViewApi<Node<P>, NodeWrite<W>> {
  constructor(client: InstanceClient, view: ViewId) {
    super(client, view, "node");
  }

  protected parse(raw: JsonObject): Node<P> {
    const type = nodeIdOf(raw["type"]);
    return {
      instanceType: "node",
      ...instanceBase(raw),
      ...(type === undefined ? {} : { type }),
      properties: this.parseProperties(this.viewProperties(raw)) as P,
    };
  }

  protected toApply(item: NodeWrite<W>): ApplyItem {
    if (typeof item !== "object" || item === null || typeof item.externalId !== "string" || item.externalId === "") {
      throw new TypeError(`a node to write needs an externalId, got ${safeString(item)}`);
    }
    const space = item.space ?? this.client.instanceSpace;
    if (space === undefined) throw new TypeError(`node ${JSON.stringify(item.externalId)} has no space and the client has no instanceSpace`);
    const out: ApplyItem = { instanceType: "node", space, externalId: item.externalId, sources: this.writeSources(item.properties) };
    if (item.type !== undefined) out["type"] = { ...toNodeId(item.type, this.client.instanceSpace) };
    if (item.existingVersion !== undefined) out["existingVersion"] = item.existingVersion;
    return out;
  }
}

/**
 * The API of edges through one view. `P` is the read properties type, `W` the write properties type.
 */
export class EdgeApi<P extends object = Properties, W extends object = Partial<P>> extends ViewApi<Edge<P>, EdgeWrite<W>> {
  constructor(client: InstanceClient, view: ViewId) {
    super(client, view, "edge");
  }

  protected parse(raw: JsonObject): Edge<P> {
    const missing = { space: "", externalId: "" };
    return {
      instanceType: "edge",
      ...instanceBase(raw),
      type: nodeIdOf(raw["type"]) ?? missing,
      startNode: nodeIdOf(raw["startNode"]) ?? missing,
      endNode: nodeIdOf(raw["endNode"]) ?? missing,
      properties: this.parseProperties(this.viewProperties(raw)) as P,
    };
  }

  protected toApply(item: EdgeWrite<W>): ApplyItem {
    if (typeof item !== "object" || item === null || typeof item.externalId !== "string" || item.externalId === "") {
      throw new TypeError(`an edge to write needs an externalId, got ${safeString(item)}`);
    }
    const space = item.space ?? this.client.instanceSpace;
    if (space === undefined) throw new TypeError(`edge ${JSON.stringify(item.externalId)} has no space and the client has no instanceSpace`);
    for (const field of ["type", "startNode", "endNode"] as const) {
      if (item[field] === undefined) throw new TypeError(`edge ${JSON.stringify(item.externalId)} needs ${field}`);
    }
    const ds = this.client.instanceSpace ?? space;
    const out: ApplyItem = {
      instanceType: "edge",
      space,
      externalId: item.externalId,
      type: { ...toNodeId(item.type, ds) },
      startNode: { ...toNodeId(item.startNode, ds) },
      endNode: { ...toNodeId(item.endNode, ds) },
      sources: this.writeSources(item.properties),
    };
    if (item.existingVersion !== undefined) out["existingVersion"] = item.existingVersion;
    return out;
  }
}
