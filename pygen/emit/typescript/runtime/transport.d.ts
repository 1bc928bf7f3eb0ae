/**
 * The HTTP transport on `fetch`: project URLs, standard headers, per-attempt timeouts, retries with
 * exponential backoff and full jitter (honouring `Retry-After`), one token refresh on 401, and
 * concurrency limits per kind of request (read/write/delete), as CDF enforces them per project.
 *
 * `fetch`, `sleep`, `random` and the clock are injectable, so every rule is testable without a network.
 */
import { type Credentials } from "./auth.js";
import { type JsonValue } from "./json.js";
import { type RetryPolicy } from "./retry.js";
import { type FetchLike, type RequestKind, type ResponseLike, type Sleep } from "./types.js";
/** The runtime's version, sent as `x-cdp-sdk: pygen-ts:<version>`. */
export declare const VERSION = "0.1.0";
/** The most requests of each kind one client has in flight at a time (CDF's per-project defaults). */
export interface ConcurrencyLimits {
    readonly read: number;
    readonly write: number;
    readonly delete: number;
}
/** The default {@link ConcurrencyLimits}: read 8, write 4, delete 2. */
export declare const DEFAULT_LIMITS: ConcurrencyLimits;
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
}
/** Query parameters: arrays are sent as repeated keys, `undefined` is left out. */
export type QueryParams = Record<string, string | number | boolean | readonly (string | number | boolean)[] | undefined>;
/** Options of one request. */
export interface RequestOptions {
    /** A JSON body (serialized int64-safe: `bigint` stays exact). */
    body?: unknown;
    params?: QueryParams;
    /** Which concurrency budget; default inferred from the method and path (see {@link inferKind}). */
    kind?: RequestKind;
    /** Cancels the request, including waits between retries. */
    signal?: AbortSignal;
}
/** A successful (2xx) answer. */
export interface HttpResponse {
    readonly status: number;
    readonly headers: ResponseLike["headers"];
    /** The `x-request-id` header. */
    readonly requestId: string | undefined;
    readonly text: string;
    /** The body parsed int64-safe (see `json.ts`). */
    json(): JsonValue;
}
/**
 * The concurrency budget of a request: paths ending in `/delete` are deletes, POSTs to an apply endpoint
 * (`/models/spaces|containers|views|datamodels|instances`) are writes, everything else reads.
 */
export declare function inferKind(method: string, path: string): RequestKind;
/** A FIFO counting semaphore. */
export declare class Semaphore {
    #private;
    readonly capacity: number;
    constructor(capacity: number);
    /** Waits for a slot; returns the function that gives it back (call it exactly once). */
    acquire(): Promise<() => void>;
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
/** The base URL of a cluster name, or of an explicit URL (validated, without trailing slash). */
export declare function resolveBaseUrl(options: {
    cluster?: string | undefined;
    baseUrl?: string | undefined;
}): string;
/**
 * An HTTP client for one CDF project: retries, timeouts, auth and concurrency limits.
 *
 * @example
 * const http = new HttpClient({ project: "my-project", cluster: "westeurope-1", credentials: new Token(token) });
 * const spaces = (await http.get("/models/spaces")).json();
 */
export declare class HttpClient {
    #private;
    readonly config: ResolvedConfig;
    constructor(options: ClientOptions);
    /** `GET {projectUrl}{path}`. */
    get(path: string, options?: Omit<RequestOptions, "body">): Promise<HttpResponse>;
    /** `POST {projectUrl}{path}` with a JSON body. */
    post(path: string, body: unknown, options?: Omit<RequestOptions, "body">): Promise<HttpResponse>;
    /** A request relative to the project URL (`path` starts with `/`); throws the typed errors of `errors.ts`. */
    request(method: string, path: string, options?: RequestOptions): Promise<HttpResponse>;
}
