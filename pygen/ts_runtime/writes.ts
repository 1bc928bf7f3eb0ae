/**
 * Writes and deletes of instances of any view: {@link InstanceClient} (the per-view APIs of views.ts write
 * through it), the results and options of its calls, and the batching behind them (batches of 1000, run within
 * the transport's write and delete limits; refused batches split to isolate failing items; one deadline per call).
 */
import {
  DeleteError,
  DeadlinePassedError,
  PygenError,
  UpsertError,
  ApiError,
  failureReason,
  type FailedItem,
} from "./errors.js";
import { chunk, instanceKey, isId, itemsOf, safeString, toNodeId } from "./items.js";
import { stringifyJson, type JsonObject, type JsonValue } from "./json.js";
import type { Deadline } from "./retry.js";
import { HttpClient, type ClientOptions, type HttpResponse } from "./transport.js";
import type { InstanceId, NodeIdLike } from "./types.js";

/** Most items per apply, delete and byids request (docs/dms.md, Limits). */
export const MAX_WRITE_ITEMS = 1000;
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
  /**
   * Written by this call or found written, which one is unknown: an earlier answer was lost (see
   * {@link InstanceResult}).
   */
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
    if (
      options.instanceSpace !== undefined &&
      (typeof options.instanceSpace !== "string" || options.instanceSpace === "")
    ) {
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
      const response = await this.http.post(
        "/models/instances",
        { items: batch, ...call.flags },
        requestOptions("write", call),
      );
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
      outcomes.map((o, i) =>
        o instanceof PygenError ? this.#isolate(parts[i] as ApplyItem[], call, o, applied) : { ok: o, failed: [] },
      ),
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
      if (instanceType !== "node" && instanceType !== "edge") {
        throw new TypeError(`instanceType must be "node" or "edge", got ${safeString(instanceType)}`);
      }
      const { space, externalId } = toNodeId(id, this.instanceSpace);
      const item: InstanceId = { instanceType, space, externalId };
      unique.set(instanceKey(item), item);
    }
    const call: Call = { flags: {}, signal: options.signal, deadline: this.http.newDeadline(options.deadlineMs) };
    const result: DeleteResult = { deleted: [], notFound: [], uncertain: [] };
    const failed: FailedItem[] = [];
    const batches = chunk([...unique.values()], MAX_WRITE_ITEMS);
    const outcomes = await inPool(
      batches,
      this.http.config.limits.delete,
      async (batch): Promise<HttpResponse | PygenError> => {
        try {
          return await this.http.post("/models/instances/delete", { items: batch }, requestOptions("delete", call));
        } catch (error) {
          if (!(error instanceof PygenError)) throw error;
          return error;
        }
      },
    );
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
      const deleted = new Set(
        rows.map((row) =>
          instanceKey({ instanceType: String((row as { instanceType?: unknown }).instanceType ?? "node"), ...row }),
        ),
      );
      // After a lost answer, an id the retry did not find may be one the lost attempt deleted.
      const absent = outcome.maybeApplied ? result.uncertain : result.notFound;
      for (const item of batch) (deleted.has(instanceKey(item)) ? result.deleted : absent).push(item);
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

function requestOptions(
  kind: "write" | "delete",
  call: Call,
): { kind: "write" | "delete"; deadline: Deadline; signal?: AbortSignal } {
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
    const k = instanceKey(item);
    const previous = seen.get(k);
    if (previous === undefined) seen.set(k, item);
    // Serialized only for repeated ids: equal copies are written once, different ones are an error.
    else if (previous !== item && stringifyJson(previous) !== stringifyJson(item)) {
      throw new TypeError(
        `the ${item.instanceType} ${item.space}:${item.externalId} is given twice with different content; ` +
          "write it once",
      );
    }
  }
  return [...seen.values()];
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
      rows.set(
        instanceKey({ instanceType: typeof instanceType === "string" ? instanceType : "node", space, externalId }),
        row,
      );
    }
  }
  return batch.map((item) => {
    const row = rows.get(instanceKey(item));
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
  if (maybeApplied) {
    reason += " (the answer to an attempt was lost after sending: the batch may or may not have been applied)";
  } else if (status === undefined) {
    reason += " (no attempt reached the server: nothing was applied)";
  }
  return batch.map((item) => ({
    instanceType: item.instanceType,
    space: item.space,
    externalId: item.externalId,
    reason,
    status,
    error,
    maybeApplied,
  }));
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
