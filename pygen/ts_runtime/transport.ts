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
import { defaultSleep, type FetchLike, type RequestKind, type ResponseLike, type Sleep } from "./types.js";

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
    const { signal } = options;
    const kind = options.kind ?? inferKind(method, path);
    const url = this.#url(path, options.params);
    const headers: Record<string, string> = { ...this.#headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = stringifyJson(options.body);
      headers["content-type"] = "application/json";
    }
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
    const deadline = options.deadline ?? this.newDeadline();
    const where = { method, url };
    let refreshed = false;
    // Whether an attempt so far may have been carried out although its answer was lost.
    let applied = false;
    // The last attempt's outcome: what the request fails with if the deadline passes before the next attempt.
    let last: Outcome | undefined;
    for (let attempt = 0; ; ) {
      signal?.throwIfAborted();
      const release = await this.#semaphores[kind].acquire(signal);
      let outcome: Outcome;
      let authorization: string;
      try {
        // Checked after queueing for a slot: a request that waited past the deadline is not sent.
        if (deadline.passed) {
          const gaveUp = `${deadline.describe()} passed`;
          if (last === undefined) {
            throw new DeadlinePassedError(`${method} ${url} not sent: ${gaveUp} before it started`, { gaveUp });
          }
          throw this.#failure(last, where, attempt, applied, gaveUp);
        }
        // After queueing for a slot, so a token does not expire while the request waits.
        try {
          authorization = await this.#credentials.authorize(ctx);
        } catch (error) {
          // The token request failed: this attempt was not sent, an earlier one may have been carried out.
          if (applied && error instanceof OAuthError) throw withMaybeApplied(error);
          throw error;
        }
        outcome = await this.#send(
          url,
          { method, headers: { ...headers, authorization }, ...(body === undefined ? {} : { body }) },
          signal,
        );
      } finally {
        release();
      }
      last = outcome;
      if (outcome.ok) {
        const { response, text } = outcome;
        if (response.status >= 200 && response.status <= 299) {
          deadline.progress();
          return makeResponse(response, text, applied);
        }
        if (response.status === 401 && !refreshed && this.#credentials.invalidate(authorization)) {
          refreshed = true; // one retry with a fresh token, not counted as a retry
          continue;
        }
        if (shouldRetryStatus(response.status, policy) && attempt < policy.maxRetries) {
          const retryAfter = parseRetryAfter(response.headers.get("retry-after"), this.#now());
          const delay = retryDelay(attempt, policy, retryAfter, this.#random);
          applied ||= mayHaveBeenApplied(response.status);
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
      applied ||= outcome.timedOut || !neverReachedServer(outcome.error);
      if (attempt < policy.maxRetries) {
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
   * an attempt may have been carried out; `gaveUp`: the deadline that stopped it, if one did.
   */
  #failure(
    outcome: Outcome,
    where: { method: string; url: string },
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
    const what = outcome.timedOut
      ? `timed out after ${this.config.timeoutMs} ms`
      : `failed: ${describe(outcome.error)}`;
    const tail = gaveUp === undefined ? "" : `; gave up: ${gaveUp}`;
    return new ConnectionFailedError(
      `${method} ${url} ${what} (${attempts} attempt${attempts === 1 ? "" : "s"})${tail}`,
      {
        attempts,
        timedOut: outcome.timedOut,
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

  /** One attempt: the answer and its body, or the error (network failure or timeout). */
  async #send(
    url: string,
    init: Omit<Parameters<FetchLike>[1], "signal">,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${this.config.timeoutMs} ms`));
    }, this.config.timeoutMs);
    try {
      const response = await this.#fetch(url, { ...init, signal: controller.signal });
      // The body is read under the same timeout: a server may stall after the headers.
      const text = await response.text();
      return { ok: true, response, text };
    } catch (error) {
      return { ok: false, error, timedOut };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

type Outcome = { ok: true; response: ResponseLike; text: string } | { ok: false; error: unknown; timedOut: boolean };

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
