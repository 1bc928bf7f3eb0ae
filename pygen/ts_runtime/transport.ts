/**
 * The HTTP transport on `fetch`: project URLs, standard headers, per-attempt timeouts, retries with
 * exponential backoff and full jitter (honouring `Retry-After`), one token refresh on 401, and
 * concurrency limits per kind of request (read/write/delete), as CDF enforces them per project.
 *
 * `fetch`, `sleep`, `random` and the clocks are injectable, so every rule is testable without a network.
 *
 * Every request runs under a {@link Deadline} (its own, or one shared by the requests of a bulk call): it is not
 * retried once the next retry would start after the deadline, and not sent at all once the deadline passed. And
 * every request remembers whether an attempt may have been carried out although its answer was lost
 * (`maybeApplied` on the response and on the error), so a caller can tell "not modified" from "applied by the
 * lost attempt".
 */
import { type AuthContext, type Credentials } from "./auth.js";
import { ApiError, apiErrorFromResponse, ConnectionFailedError, DeadlinePassedError, OAuthError } from "./errors.js";
import { parseJson, stringifyJson, type JsonValue } from "./json.js";
import {
  Deadline,
  mayHaveBeenApplied,
  monotonicNow,
  neverReachedServer,
  parseRetryAfter,
  retryDelay,
  retryPolicy,
  shouldRetryStatus,
  type RetryPolicy,
} from "./retry.js";
import {
  defaultSleep,
  type FetchLike,
  type RequestKind,
  type ResponseLike,
  type Sleep,
  type TransferBody,
  type TransferFetchLike,
  type TransferInit,
  type TransferResponseLike,
} from "./types.js";

/** The runtime's version, sent as `x-cdp-sdk: pygen-ts:<version>`. */
export const VERSION = "0.1.0";

/** The most requests of each kind one client has in flight at a time (CDF's per-project defaults). */
export interface ConcurrencyLimits {
  readonly read: number;
  readonly write: number;
  readonly delete: number;
}

/** The default {@link ConcurrencyLimits}: read 8, write 4, delete 2. */
export const DEFAULT_LIMITS: ConcurrencyLimits = Object.freeze({ read: 8, write: 4, delete: 2 });

/** Options of an {@link HttpClient}. */
export interface ClientOptions {
  /** The CDF project. */
  project: string;
  credentials: Credentials;
  /** A CDF cluster name (`"westeurope-1"` -> `https://westeurope-1.cognitedata.com`). Or give `baseUrl`. */
  cluster?: string;
  /** The base URL (default `https://api.cognitedata.com`); e.g. the emulator's `http://127.0.0.1:PORT`. */
  baseUrl?: string;
  /** Sent as `x-cdp-app`. Default `"pygen"`. */
  clientName?: string;
  /** Per attempt (including reading the body), in ms. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  limits?: Partial<ConcurrencyLimits>;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /**
   * The `fetch` of file transfers ({@link HttpClient.transfer}/{@link HttpClient.stream}: upload and download URLs),
   * which sends binary bodies. Default: `fetch` when given (a real `fetch` sends them), else the global `fetch`.
   */
  transferFetch?: TransferFetchLike;
  /** Default: `setTimeout`. */
  sleep?: Sleep;
  /** Default: `Math.random` (the jitter). */
  random?: () => number;
  /** Default: `Date.now` (to read `Retry-After` dates). */
  now?: () => number;
  /** A monotonic clock in ms, for deadlines. Default: `performance.now`. */
  clock?: () => number;
}

/** Query parameters: arrays are sent as repeated keys, `undefined` is left out. */
export type QueryParams = Record<
  string,
  string | number | boolean | readonly (string | number | boolean)[] | undefined
>;

/** Options of one request. */
export interface RequestOptions {
  /** A JSON body (serialized int64-safe: `bigint` stays exact). */
  body?: unknown;
  /** A body already written as JSON text, sent as is (instead of `body`: for large bodies without `bigint`s). */
  jsonText?: string;
  params?: QueryParams;
  /** Which concurrency budget; default inferred from the method and path (see {@link inferKind}). */
  kind?: RequestKind;
  /** Cancels the request, including waits between retries. */
  signal?: AbortSignal;
  /**
   * The deadline of the call this request belongs to ({@link HttpClient.newDeadline}), shared by all requests of
   * a bulk call. Default: one of its own, from the client's retry policy.
   */
  deadline?: Deadline;
}

/** Options of a file transfer ({@link HttpClient.transfer}, {@link HttpClient.stream}). */
export interface TransferOptions {
  /**
   * What to send. A `ReadableStream` can be read once, so a request with one is not retried (nor sent again with a
   * refreshed token); the other bodies are sent again on each attempt.
   */
  body?: TransferBody;
  /** Headers of the request (the client's own headers go only to its own origin, see {@link HttpClient.transfer}). */
  headers?: Record<string, string>;
  /** Which concurrency budget; default `"read"`. */
  kind?: RequestKind;
  signal?: AbortSignal;
  /** As in {@link RequestOptions.deadline}. */
  deadline?: Deadline;
  /**
   * The most one attempt may wait for the answer's headers, in ms (its body may then take any time, as long as no
   * more than the client's `timeoutMs` passes between two of its chunks). Default: the client's `timeoutMs`;
   * `null`: no limit (an upload of unknown size, say).
   */
  timeoutMs?: number | null;
}

/** What an answer to a file transfer carries besides its body. */
export interface TransferHead {
  readonly status: number;
  readonly headers: ResponseLike["headers"];
  /** The `x-request-id` header. */
  readonly requestId: string | undefined;
  /** As in {@link HttpResponse.maybeApplied}. */
  readonly maybeApplied: boolean;
}

/** A successful (2xx) answer to {@link HttpClient.transfer}, its body read. */
export interface TransferResponse extends TransferHead {
  readonly bytes: Uint8Array;
}

/** A successful (2xx) answer to {@link HttpClient.stream}, its body to read. */
export interface StreamResponse extends TransferHead {
  /** The body; read it (or cancel it) to let the connection go. */
  readonly body: ReadableStream<Uint8Array>;
}

/** A successful (2xx) answer. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: ResponseLike["headers"];
  /** The `x-request-id` header. */
  readonly requestId: string | undefined;
  readonly text: string;
  /**
   * Whether an earlier attempt of this request may have been carried out too (its answer was lost after sending,
   * or a gateway timed out). Then this answer describes the last attempt only: a write reads "not modified" and a
   * delete finds nothing where the lost attempt did the work.
   */
  readonly maybeApplied: boolean;
  /** The body parsed int64-safe (see `json.ts`). */
  json(): JsonValue;
}

const APPLY_PATHS = new Set([
  "/models/spaces",
  "/models/containers",
  "/models/views",
  "/models/datamodels",
  "/models/instances",
]);

/**
 * The concurrency budget of a request: paths ending in `/delete` are deletes, POSTs to an apply endpoint
 * (`/models/spaces|containers|views|datamodels|instances`) are writes, everything else reads.
 */
export function inferKind(method: string, path: string): RequestKind {
  const bare = path.split("?")[0]?.replace(/\/+$/, "") ?? "";
  if (bare.endsWith("/delete")) return "delete";
  if (method.toUpperCase() === "POST" && APPLY_PATHS.has(bare)) return "write";
  return "read";
}

/** A FIFO counting semaphore. */
export class Semaphore {
  readonly capacity: number;
  #free: number;
  readonly #waiters: (() => void)[] = [];
  constructor(capacity: number) {
    this.capacity = capacity;
    this.#free = capacity;
  }

  /**
   * Waits for a slot; returns the function that gives it back (call it once; later calls do nothing).
   * Rejects with the signal's reason if `signal` aborts first (the place in the queue is given up).
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#free > 0) {
      this.#free--;
    } else {
      await new Promise<void>((resolve, reject) => {
        const waiter = (): void => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          reject(signal?.reason);
        };
        this.#waiters.push(waiter);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next !== undefined) next();
      else this.#free++;
    };
  }
}

/** The resolved settings of an {@link HttpClient}. */
export interface ResolvedConfig {
  readonly project: string;
  readonly baseUrl: string;
  /** `{baseUrl}/api/v1/projects/{project}`. */
  readonly projectUrl: string;
  readonly clientName: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly limits: ConcurrencyLimits;
}

const CLUSTER = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** The base URL of a cluster name, or of an explicit URL (validated, without trailing slash). */
export function resolveBaseUrl(options: { cluster?: string | undefined; baseUrl?: string | undefined }): string {
  if (options.cluster !== undefined && options.baseUrl !== undefined) {
    throw new TypeError("give either cluster or baseUrl, not both");
  }
  if (options.cluster !== undefined) {
    if (!CLUSTER.test(options.cluster)) {
      throw new TypeError(`invalid cluster name ${JSON.stringify(options.cluster)} (e.g. "westeurope-1")`);
    }
    return `https://${options.cluster}.cognitedata.com`;
  }
  const raw = options.baseUrl ?? "https://api.cognitedata.com";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`baseUrl is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`baseUrl must be http(s): ${JSON.stringify(raw)}`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new TypeError(`baseUrl must not have a query or fragment: ${JSON.stringify(raw)}`);
  }
  return raw.replace(/\/+$/, "");
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}

/**
 * An HTTP client for one CDF project: retries, timeouts, auth and concurrency limits.
 *
 * @example
 * const http = new HttpClient({ project: "my-project", cluster: "westeurope-1", credentials: new Token(token) });
 * const spaces = (await http.get("/models/spaces")).json();
 */
export class HttpClient {
  readonly config: ResolvedConfig;
  readonly #credentials: Credentials;
  readonly #headers: Record<string, string>;
  readonly #fetch: FetchLike;
  readonly #transferFetch: TransferFetchLike;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #clock: () => number;
  readonly #semaphores: Record<RequestKind, Semaphore>;

  constructor(options: ClientOptions) {
    if (typeof options.project !== "string" || options.project === "") {
      throw new TypeError("project must be a non-empty string");
    }
    if (options.credentials === undefined || typeof options.credentials.authorize !== "function") {
      throw new TypeError(
        "credentials must be a Credentials object (new Token(...) or new OAuthClientCredentials(...))",
      );
    }
    const baseUrl = resolveBaseUrl(options);
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      throw new RangeError(`timeoutMs must be > 0, got ${String(timeoutMs)}`);
    }
    const limits: ConcurrencyLimits = Object.freeze({
      read: positiveInt("limits.read", options.limits?.read ?? DEFAULT_LIMITS.read),
      write: positiveInt("limits.write", options.limits?.write ?? DEFAULT_LIMITS.write),
      delete: positiveInt("limits.delete", options.limits?.delete ?? DEFAULT_LIMITS.delete),
    });
    this.config = Object.freeze({
      project: options.project,
      baseUrl,
      projectUrl: `${baseUrl}/api/v1/projects/${encodeURIComponent(options.project)}`,
      clientName: options.clientName ?? "pygen",
      timeoutMs,
      retry: retryPolicy(options.retry),
      limits,
    });
    this.#credentials = options.credentials;
    this.#headers = {
      accept: "application/json",
      "x-cdp-app": this.config.clientName,
      "x-cdp-sdk": `pygen-ts:${VERSION}`,
      ...options.headers,
    };
    const globalFetch: FetchLike | undefined =
      typeof fetch === "function" ? (url, init) => fetch(url, init) : undefined;
    const chosen = options.fetch ?? globalFetch;
    if (chosen === undefined) throw new TypeError("no global fetch on this platform: pass options.fetch");
    this.#fetch = chosen;
    // A FetchLike given for JSON requests is a fetch: it is called with the binary bodies of transfers too.
    const transferFetch: TransferFetchLike | undefined =
      options.transferFetch ??
      (options.fetch as TransferFetchLike | undefined) ??
      (typeof fetch === "function" ? (url, init) => fetch(url, init) : undefined);
    if (transferFetch === undefined) throw new TypeError("no global fetch on this platform: pass options.fetch");
    this.#transferFetch = transferFetch;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#clock = options.clock ?? monotonicNow;
    this.#semaphores = {
      read: new Semaphore(limits.read),
      write: new Semaphore(limits.write),
      delete: new Semaphore(limits.delete),
    };
  }

  /** `GET {projectUrl}{path}`. */
  get(path: string, options: Omit<RequestOptions, "body"> = {}): Promise<HttpResponse> {
    return this.request("GET", path, options);
  }

  /** `POST {projectUrl}{path}` with a JSON body. */
  post(path: string, body: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<HttpResponse> {
    return this.request("POST", path, { ...options, body });
  }

  /**
   * A deadline for one call of several requests, from this client's retry policy and clock: pass it to each of
   * them (`RequestOptions.deadline`). `totalMs` overrides the policy's `deadlineMs` (`null`: no total limit).
   */
  newDeadline(totalMs?: number | null): Deadline {
    return new Deadline(this.config.retry, totalMs, this.#clock);
  }

  /** A request relative to the project URL (`path` starts with `/`); throws the typed errors of `errors.ts`. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    if (!path.startsWith("/")) throw new TypeError(`path must start with "/", got ${JSON.stringify(path)}`);
    const headers: Record<string, string> = { ...this.#headers };
    let body: string | undefined;
    if (options.jsonText !== undefined) {
      body = options.jsonText;
      headers["content-type"] = "application/json";
    } else if (options.body !== undefined) {
      body = stringifyJson(options.body);
      headers["content-type"] = "application/json";
    }
    const done = await this.#attempts(method, this.#url(path, options.params), {
      kind: options.kind ?? inferKind(method, path),
      headers,
      body,
      authorize: true,
      reading: "text",
      timeoutMs: this.config.timeoutMs,
      signal: options.signal,
      deadline: options.deadline,
    });
    return makeResponse(done.response, done.text, done.applied);
  }

  /**
   * A file transfer: `method` to `url` (a full URL, such as a file's upload or download link, or a path on the
   * cluster starting with `/`) with a binary body, the answer's body read into bytes. Retried as {@link request}
   * is, except with a `ReadableStream` body (it can be sent once). The credentials and the client's own headers
   * (`x-cdp-*`, `accept`) go only to the cluster's own origin (the base URL's): a storage service's pre-signed URL
   * gets nothing but `options.headers`, so a token never leaves for another host.
   *
   * One attempt waits at most `options.timeoutMs` for the answer's headers; the body then may take any time, as long
   * as no more than the client's `timeoutMs` passes between two chunks of it.
   */
  async transfer(method: string, url: string, options: TransferOptions = {}): Promise<TransferResponse> {
    const done = await this.#attempts(method, this.#transferUrl(url), this.#transferSpec(url, options, "bytes"));
    const bytes = done.data instanceof Uint8Array ? done.data : new Uint8Array(0);
    return { ...transferHead(done.response, done.applied), bytes };
  }

  /**
   * {@link transfer} with the answer's body as a stream, to read at the caller's pace (no more than the client's
   * `timeoutMs` may pass between two of its chunks while the caller waits; `options.signal` cancels it). An answer
   * whose body breaks off is not retried. The concurrency slot is given back when the headers arrive.
   */
  async stream(method: string, url: string, options: TransferOptions = {}): Promise<StreamResponse> {
    const done = await this.#attempts(method, this.#transferUrl(url), this.#transferSpec(url, options, "stream"));
    const body = done.data instanceof ReadableStream ? done.data : bytesStream(done.data ?? new Uint8Array(0));
    return { ...transferHead(done.response, done.applied), body };
  }

  /** The absolute URL of a transfer (a path is the cluster's). */
  #transferUrl(url: string): string {
    if (typeof url !== "string" || url === "") throw new TypeError(`expected a URL, got ${JSON.stringify(url)}`);
    const absolute = url.startsWith("/") ? this.config.baseUrl + url : url;
    let parsed: URL;
    try {
      parsed = new URL(absolute);
    } catch {
      throw new TypeError(`not a URL: ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new TypeError(`not an http(s) URL: ${JSON.stringify(url)}`);
    }
    return absolute;
  }

  #transferSpec(url: string, options: TransferOptions, reading: "bytes" | "stream"): AttemptSpec {
    const own = new URL(this.#transferUrl(url)).origin === new URL(this.config.baseUrl).origin;
    const timeoutMs = options.timeoutMs === undefined ? this.config.timeoutMs : options.timeoutMs;
    if (timeoutMs !== null && (!(timeoutMs > 0) || !Number.isFinite(timeoutMs))) {
      throw new RangeError(`timeoutMs must be > 0 or null, got ${String(timeoutMs)}`);
    }
    return {
      kind: options.kind ?? "read",
      headers: own ? { ...this.#headers, ...options.headers } : { ...options.headers },
      body: options.body,
      authorize: own,
      reading,
      timeoutMs,
      signal: options.signal,
      deadline: options.deadline,
    };
  }

  /** The attempts of one request, retried by the policy; the successful answer, or the typed error. */
  async #attempts(method: string, url: string, spec: AttemptSpec): Promise<Done> {
    const { signal } = spec;
    const ctx: AuthContext = {
      baseUrl: this.config.baseUrl,
      fetch: this.#fetch,
      sleep: this.#sleep,
      random: this.#random,
      retry: this.config.retry,
      timeoutMs: this.config.timeoutMs,
      signal,
    };
    const policy = this.config.retry;
    const deadline = spec.deadline ?? this.newDeadline();
    const where = { method, url, timeoutMs: spec.timeoutMs };
    // A stream body can be read once: no second attempt.
    const once = isStream(spec.body) ? "its body is a stream, which can be sent only once" : undefined;
    let refreshed = false;
    // Whether an attempt so far may have been carried out although its answer was lost.
    let applied = false;
    // The last attempt's outcome: what the request fails with if the deadline passes before the next attempt.
    let last: Outcome | undefined;
    for (let attempt = 0; ; ) {
      signal?.throwIfAborted();
      const release = await this.#semaphores[spec.kind].acquire(signal);
      let outcome: Outcome;
      let authorization: string | undefined;
      try {
        // Checked after queueing for a slot: a request that waited past the deadline is not sent.
        if (deadline.passed) {
          const gaveUp = `${deadline.describe()} passed`;
          if (last === undefined) {
            throw new DeadlinePassedError(`${method} ${url} not sent: ${gaveUp} before it started`, { gaveUp });
          }
          throw this.#failure(last, where, attempt, applied, gaveUp);
        }
        if (spec.authorize) {
          // After queueing for a slot, so a token does not expire while the request waits.
          try {
            authorization = await this.#credentials.authorize(ctx);
          } catch (error) {
            // The token request failed: this attempt was not sent, an earlier one may have been carried out.
            if (applied && error instanceof OAuthError) throw withMaybeApplied(error);
            throw error;
          }
        }
        const headers = authorization === undefined ? spec.headers : { ...spec.headers, authorization };
        outcome = await this.#send(method, url, headers, spec);
      } finally {
        release();
      }
      last = outcome;
      if (outcome.ok) {
        const { response } = outcome;
        if (response.status >= 200 && response.status <= 299) {
          deadline.progress();
          return { response, text: outcome.text, data: outcome.data, applied };
        }
        if (
          response.status === 401 &&
          once === undefined &&
          authorization !== undefined &&
          !refreshed &&
          this.#credentials.invalidate(authorization)
        ) {
          refreshed = true; // one retry with a fresh token, not counted as a retry
          continue;
        }
        if (shouldRetryStatus(response.status, policy) && attempt < policy.maxRetries) {
          const retryAfter = parseRetryAfter(response.headers.get("retry-after"), this.#now());
          const delay = retryDelay(attempt, policy, retryAfter, this.#random);
          applied ||= mayHaveBeenApplied(response.status);
          if (once !== undefined) throw this.#failure(outcome, where, attempt + 1, applied, once);
          if (delay >= deadline.remaining()) {
            deadline.giveUp();
            throw this.#failure(outcome, where, attempt + 1, applied, `${deadline.describe()} passed`);
          }
          await this.#sleep(delay, signal);
          attempt++;
          continue;
        }
        throw this.#failure(outcome, where, attempt + 1, applied, undefined);
      }
      if (signal?.aborted) throw signal.reason;
      applied ||= outcome.timedOut !== false || !neverReachedServer(outcome.error);
      if (attempt < policy.maxRetries) {
        if (once !== undefined) throw this.#failure(outcome, where, attempt + 1, applied, once);
        const delay = retryDelay(attempt, policy, undefined, this.#random);
        if (delay >= deadline.remaining()) {
          deadline.giveUp();
          throw this.#failure(outcome, where, attempt + 1, applied, `${deadline.describe()} passed`);
        }
        await this.#sleep(delay, signal);
        attempt++;
        continue;
      }
      throw this.#failure(outcome, where, attempt + 1, applied, undefined);
    }
  }

  /**
   * The error a request fails with after `attempts` attempts, the last of which had `outcome`; `applied`: whether
   * an attempt may have been carried out; `gaveUp`: why it was not retried (a deadline that passed), if not by the
   * policy.
   */
  #failure(
    outcome: Outcome,
    where: { method: string; url: string; timeoutMs: number | null },
    attempts: number,
    applied: boolean,
    gaveUp: string | undefined,
  ): ApiError | ConnectionFailedError {
    const { method, url } = where;
    if (outcome.ok) {
      const { response, text } = outcome;
      return apiErrorFromResponse(response.status, text, {
        requestId: response.headers.get("x-request-id") ?? undefined,
        method,
        url,
        ...(response.statusText === undefined ? {} : { statusText: response.statusText }),
        maybeApplied: applied || mayHaveBeenApplied(response.status),
        gaveUp,
      });
    }
    const what = outcome.timedOut === false ? `failed: ${describe(outcome.error)}` : `timed out ${outcome.timedOut}`;
    const tail = gaveUp === undefined ? "" : `; gave up: ${gaveUp}`;
    return new ConnectionFailedError(
      `${method} ${url} ${what} (${attempts} attempt${attempts === 1 ? "" : "s"})${tail}`,
      {
        attempts,
        timedOut: outcome.timedOut !== false,
        cause: outcome.error,
        maybeApplied: applied,
        gaveUp,
      },
    );
  }

  #url(path: string, params: QueryParams | undefined): string {
    let url = this.config.projectUrl + path;
    if (params !== undefined) {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) {
        if (value === undefined) continue;
        for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
      }
      const query = search.toString();
      if (query !== "") url += (url.includes("?") ? "&" : "?") + query;
    }
    return url;
  }

  /**
   * One attempt: the answer and its body (text; for transfers the bytes or the stream of a 2xx answer), or the error
   * (network failure or timeout). The timeout of a JSON request covers its whole body; a transfer's covers the
   * headers, and then each wait for a chunk of the body is limited to the client's `timeoutMs`.
   */
  async #send(method: string, url: string, headers: Record<string, string>, spec: AttemptSpec): Promise<Outcome> {
    const { signal, body, reading } = spec;
    const controller = new AbortController();
    let timedOut: string | false = false;
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timeout = (what: string): void => {
      timedOut = what;
      controller.abort(new Error(`timed out ${what}`));
    };
    let timer = spec.timeoutMs === null ? undefined : setTimeout(timeout, spec.timeoutMs, `after ${spec.timeoutMs} ms`);
    let handedOver = false;
    try {
      let response: TransferResponseLike;
      if (reading === "text") {
        const init = { method, headers, signal: controller.signal, ...(typeof body === "string" ? { body } : {}) };
        response = await this.#fetch(url, init);
      } else {
        const init: TransferInit = { method, headers, signal: controller.signal };
        if (body !== undefined) init.body = body;
        if (isStream(body)) init.duplex = "half";
        response = await this.#transferFetch(url, init);
      }
      const ok = response.status >= 200 && response.status <= 299;
      if (reading === "text" || !ok) {
        // The body is read under the same timeout: a server may stall after the headers.
        const text = await response.text();
        return { ok: true, response, text, data: undefined };
      }
      clearTimeout(timer);
      timer = undefined;
      const idle = { ms: this.config.timeoutMs, timeout };
      const stream = response.body ?? undefined;
      if (reading === "bytes") {
        const data = stream ? await readAll(idleTimed(stream, idle)) : await bytesOf(response);
        return { ok: true, response, text: "", data };
      }
      handedOver = true;
      const done = (): void => signal?.removeEventListener("abort", onAbort);
      const data = stream ? idleTimed(stream, idle, done) : bytesStream(await bytesOf(response));
      if (!stream) done();
      return { ok: true, response, text: "", data };
    } catch (error) {
      return { ok: false, error, timedOut };
    } finally {
      clearTimeout(timer);
      if (!handedOver) signal?.removeEventListener("abort", onAbort);
    }
  }
}

/** What one request sends, and how its answer is read. */
interface AttemptSpec {
  readonly kind: RequestKind;
  readonly headers: Record<string, string>;
  readonly body: TransferBody | undefined;
  /** Whether the credentials go along (to the cluster's own origin only). */
  readonly authorize: boolean;
  /** `text`: JSON requests; `bytes`/`stream`: transfers. */
  readonly reading: "text" | "bytes" | "stream";
  /** The per-attempt timeout, in ms (`null`: none). */
  readonly timeoutMs: number | null;
  readonly signal: AbortSignal | undefined;
  readonly deadline: Deadline | undefined;
}

/** The successful answer of a request: text (JSON requests) or data (transfers). */
interface Done {
  readonly response: ResponseLike;
  readonly text: string;
  readonly data: Uint8Array | ReadableStream<Uint8Array> | undefined;
  readonly applied: boolean;
}

/** `timedOut`: what timed out, in words, or `false`. */
type Outcome =
  | { ok: true; response: ResponseLike; text: string; data: Uint8Array | ReadableStream<Uint8Array> | undefined }
  | { ok: false; error: unknown; timedOut: string | false };

function transferHead(response: ResponseLike, maybeApplied: boolean): TransferHead {
  return {
    status: response.status,
    headers: response.headers,
    requestId: response.headers.get("x-request-id") ?? undefined,
    maybeApplied,
  };
}

function isStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== "undefined" && body instanceof ReadableStream;
}

/** The whole body of an answer without a body stream: `arrayBuffer()`, else its text as UTF-8. */
async function bytesOf(response: TransferResponseLike): Promise<Uint8Array> {
  if (typeof response.arrayBuffer === "function") return new Uint8Array(await response.arrayBuffer());
  return new TextEncoder().encode(await response.text());
}

/** A stream of `bytes`. */
function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(out) {
      if (bytes.byteLength > 0) out.enqueue(bytes);
      out.close();
    },
  });
}

/**
 * `stream`, with each wait for a chunk limited to `idle.ms` (then `idle.timeout` aborts the request, and the stream
 * fails with its reason); `done` runs when the stream ends, fails or is cancelled.
 */
function idleTimed(
  stream: ReadableStream<Uint8Array>,
  idle: { ms: number; timeout: (what: string) => void },
  done: () => void = () => undefined,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  const what = `waiting more than ${idle.ms} ms for the next chunk of the body`;
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      // Not every body fails when its request is aborted (a fake fetch's): the wait itself gives up.
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          idle.timeout(what);
          reject(new Error(`timed out ${what}`));
        }, idle.ms);
      });
      try {
        const chunk = await Promise.race([reader.read(), stalled]);
        if (chunk.done) {
          out.close();
          done();
        } else {
          out.enqueue(chunk.value);
        }
      } catch (error) {
        out.error(error);
        reader.cancel(error).catch(() => undefined);
        done();
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
}

/** Every chunk of `stream`, joined. */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function makeResponse(response: ResponseLike, text: string, maybeApplied: boolean): HttpResponse {
  let parsed: { value: JsonValue } | undefined;
  return {
    status: response.status,
    headers: response.headers,
    requestId: response.headers.get("x-request-id") ?? undefined,
    text,
    maybeApplied,
    json(): JsonValue {
      parsed ??= { value: parseJson(text) };
      return parsed.value;
    },
  };
}

/** A copy of a token error for a request one of whose earlier attempts may have been carried out. */
function withMaybeApplied(error: OAuthError): OAuthError {
  const init = {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.error === undefined ? {} : { error: error.error }),
    ...(error.errorDescription === undefined ? {} : { errorDescription: error.errorDescription }),
    ...(error.tokenUrl === undefined ? {} : { tokenUrl: error.tokenUrl }),
  };
  return new OAuthError(error.message, { ...init, cause: error, maybeApplied: true });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    // Node's fetch says "fetch failed" and keeps the reason (ECONNREFUSED...) in `cause`.
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
