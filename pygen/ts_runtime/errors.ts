/**
 * The error tree of the runtime. Everything it throws on purpose is a {@link PygenError}:
 *
 * - {@link ApiError}: CDF answered with a non-2xx status (after retries), one subclass per status;
 * - {@link ConnectionFailedError}: no usable answer at all (network error, timeout) after retries;
 * - {@link DeadlinePassedError}: a request of a call was not sent because the call's deadline had passed;
 * - {@link OAuthError}: the identity provider did not issue a token;
 * - {@link UpsertError} / {@link DeleteError}: some items of a bulk write failed (the others succeeded).
 */
import { parseJson, type JsonValue } from "./json.js";

/** What every {@link PygenError} may carry besides its message. */
export interface PygenErrorOptions {
  cause?: unknown;
  /** See {@link PygenError.maybeApplied}. */
  maybeApplied?: boolean | undefined;
  /** See {@link PygenError.gaveUp}. */
  gaveUp?: string | undefined;
}

/** The root of every error the runtime throws on purpose. */
export class PygenError extends Error {
  override name = "PygenError";
  /**
   * For the error of a request: whether some attempt of it may have been carried out by the server although no
   * success came back (its answer was lost after sending, or a gateway timed out: 408, 502, 504). A write that
   * failed with this set may have been applied. False when every attempt was refused before being carried out
   * (429, 503, a failed connection) or answered with an error about the request itself.
   */
  readonly maybeApplied: boolean;
  /**
   * For a request that stopped retrying because a deadline passed: which one, in words ("... passed"); or why else it
   * was not retried (a file transfer whose body is a stream, which can be sent only once).
   */
  readonly gaveUp: string | undefined;

  constructor(message?: string, options: PygenErrorOptions = {}) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.maybeApplied = options.maybeApplied ?? false;
    this.gaveUp = options.gaveUp;
  }
}

/** An identifier object from a `missing`/`duplicated` list of a CDF error. */
export type ErrorIdentifier = Readonly<Record<string, JsonValue>>;

/** Details of an {@link ApiError}. */
export interface ApiErrorInit {
  status: number;
  missing?: readonly ErrorIdentifier[];
  duplicated?: readonly ErrorIdentifier[];
  requestId?: string | undefined;
  body?: unknown;
  method?: string | undefined;
  url?: string | undefined;
  /** See {@link PygenError.maybeApplied}. */
  maybeApplied?: boolean | undefined;
  /** See {@link PygenError.gaveUp}. */
  gaveUp?: string | undefined;
}

/**
 * CDF answered with a non-2xx status (after any retries).
 *
 * Mirrors CDF's error body: `status`, `message` (the server's text; `error.message` adds the request),
 * `missing` and `duplicated` identifiers, and the `x-request-id` header as `requestId` (quote it to
 * Cognite support).
 *
 * @example
 * try { await api.retrieve("x") } catch (e) { if (e instanceof ApiError) console.log(e.status, e.requestId) }
 */
export class ApiError extends PygenError {
  override name = "ApiError";
  readonly status: number;
  /** The server's message, without the request and status prefix of `.message`. */
  readonly serverMessage: string;
  readonly missing: readonly ErrorIdentifier[];
  readonly duplicated: readonly ErrorIdentifier[];
  readonly requestId: string | undefined;
  /** The parsed response body (or its text when it was not JSON). */
  readonly body: unknown;
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(message: string, init: ApiErrorInit) {
    const where = init.method !== undefined && init.url !== undefined ? `${init.method} ${init.url}: ` : "";
    let text = `${where}${init.status}: ${message}`;
    const missing = init.missing ?? [];
    const duplicated = init.duplicated ?? [];
    if (missing.length > 0) text += ` (missing: ${shortList(missing)})`;
    if (duplicated.length > 0) text += ` (duplicated: ${shortList(duplicated)})`;
    if (init.requestId !== undefined) text += ` [request id ${init.requestId}]`;
    if (init.gaveUp !== undefined) text += ` (not retried: ${init.gaveUp})`;
    super(text, { maybeApplied: init.maybeApplied, gaveUp: init.gaveUp });
    this.status = init.status;
    this.serverMessage = message;
    this.missing = missing;
    this.duplicated = duplicated;
    this.requestId = init.requestId;
    this.body = init.body;
    this.method = init.method;
    this.url = init.url;
  }
}

/** 400: the request is invalid (unknown view or property, bad value, too many items...). */
export class BadRequestError extends ApiError {
  override name = "BadRequestError";
}
/** 401: the token was rejected (refreshable credentials were refreshed once first). */
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
}
/** 403: the credentials lack a capability. */
export class PermissionDeniedError extends ApiError {
  override name = "PermissionDeniedError";
}
/** 404. */
export class NotFoundError extends ApiError {
  override name = "NotFoundError";
}
/** 408: CDF timed out (e.g. a graph query under load); retried first. */
export class RequestTimeoutError extends ApiError {
  override name = "RequestTimeoutError";
}
/** 409: a write conflict (version conflict, edge to a missing node...). */
export class ConflictError extends ApiError {
  override name = "ConflictError";
}
/** 422. */
export class UnprocessableEntityError extends ApiError {
  override name = "UnprocessableEntityError";
}
/** 429: throttled, even after the retries. */
export class RateLimitError extends ApiError {
  override name = "RateLimitError";
}
/** 5xx: CDF (or a proxy) failed; retryable ones were retried first. */
export class ServerError extends ApiError {
  override name = "ServerError";
}

type ApiErrorClass = new (message: string, init: ApiErrorInit) => ApiError;

const BY_STATUS: ReadonlyMap<number, ApiErrorClass> = new Map<number, ApiErrorClass>([
  [400, BadRequestError],
  [401, AuthenticationError],
  [403, PermissionDeniedError],
  [404, NotFoundError],
  [408, RequestTimeoutError],
  [409, ConflictError],
  [422, UnprocessableEntityError],
  [429, RateLimitError],
]);

/** The {@link ApiError} subclass for a status: 404 -> NotFoundError, 5xx -> ServerError, others ApiError. */
export function errorClassForStatus(status: number): ApiErrorClass {
  return BY_STATUS.get(status) ?? (status >= 500 && status <= 599 ? ServerError : ApiError);
}

const AUTH_HINT =
  " (the access token was rejected; refreshable credentials were refreshed once and the request retried. " +
  "Check that the credentials belong to this project's identity provider and that the token's " +
  "scope/audience matches the cluster URL)";

/** Builds the typed error of a non-2xx answer from its status, headers and body text; never throws. */
export function apiErrorFromResponse(
  status: number,
  bodyText: string,
  init: {
    requestId?: string | undefined;
    method?: string;
    url?: string;
    statusText?: string;
    maybeApplied?: boolean | undefined;
    gaveUp?: string | undefined;
  } = {},
): ApiError {
  let body: unknown = bodyText;
  try {
    body = bodyText === "" ? undefined : parseJson(bodyText);
  } catch {
    // Not JSON (an HTML page from a proxy): keep the text.
  }
  let message = "";
  let missing: ErrorIdentifier[] = [];
  let duplicated: ErrorIdentifier[] = [];
  if (isRecord(body)) {
    const error = body["error"];
    if (isRecord(error)) {
      const raw = error["message"];
      message = typeof raw === "string" ? raw : raw === undefined || raw === null ? "" : String(raw);
      missing = identifiers(error["missing"]);
      duplicated = identifiers(error["duplicated"]);
    } else if (typeof error === "string") {
      message = error;
    } else if (typeof body["message"] === "string") {
      message = body["message"];
    }
  } else if (typeof body === "string") {
    message = firstChars(body);
  }
  if (message === "") message = init.statusText || "no error message in the response";
  if (status === 401) message += AUTH_HINT;
  const Class = errorClassForStatus(status);
  return new Class(message, {
    status,
    missing,
    duplicated,
    requestId: init.requestId,
    body,
    method: init.method,
    url: init.url,
    maybeApplied: init.maybeApplied,
    gaveUp: init.gaveUp,
  });
}

/** The request got no usable HTTP answer (network error, timeout), after `attempts` tries. */
export class ConnectionFailedError extends PygenError {
  override name = "ConnectionFailedError";
  readonly attempts: number;
  /** Whether the last attempt timed out (as opposed to a network error). */
  readonly timedOut: boolean;
  constructor(
    message: string,
    options: { attempts: number; timedOut?: boolean; cause?: unknown } & Omit<PygenErrorOptions, "cause">,
  ) {
    super(message, { cause: options.cause, maybeApplied: options.maybeApplied, gaveUp: options.gaveUp });
    this.attempts = options.attempts;
    this.timedOut = options.timedOut ?? false;
  }
}

/**
 * A request was not sent because its call's deadline (shared by all requests of a bulk call, see
 * `RetryPolicy.progressDeadlineMs` and `deadlineMs`) had passed before it started: certainly not applied.
 * `gaveUp` names the deadline.
 */
export class DeadlinePassedError extends PygenError {
  override name = "DeadlinePassedError";
}

/**
 * The identity provider refused to issue a token, or answered something that is not a token.
 *
 * `error` and `errorDescription` are the IdP's RFC 6749 fields (e.g. `"invalid_client"`) when sent;
 * `status` is the HTTP status of the token response (undefined when there was no answer).
 */
export class OAuthError extends PygenError {
  override name = "OAuthError";
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  readonly tokenUrl: string | undefined;
  constructor(
    message: string,
    init: {
      status?: number;
      error?: string;
      errorDescription?: string;
      tokenUrl?: string;
      cause?: unknown;
    } & Omit<PygenErrorOptions, "cause"> = {},
  ) {
    super(message, { cause: init.cause, maybeApplied: init.maybeApplied, gaveUp: init.gaveUp });
    this.status = init.status;
    this.error = init.error;
    this.errorDescription = init.errorDescription;
    this.tokenUrl = init.tokenUrl;
  }
}

/** An instance that was not written or deleted, and why. */
export interface FailedItem {
  instanceType: "node" | "edge";
  space: string;
  externalId: string;
  /** A one-line reason (the server's message, and what is known of whether it was applied). */
  reason: string;
  /** The HTTP status, when the server answered. */
  status: number | undefined;
  error: unknown;
  /**
   * True when the server may have carried the write (or delete) out although no success came back (an answer
   * lost after sending); false when it certainly did not (refused, never reached the server, or not sent).
   */
  maybeApplied: boolean;
}

function describeFailures(failed: readonly FailedItem[], shown = 5): string {
  const lines = failed.slice(0, shown).map((f) => `${f.instanceType} ${f.space}:${f.externalId}: ${f.reason}`);
  if (failed.length > shown) lines.push(`... and ${failed.length - shown} more (see .failed)`);
  return lines.join("\n  ");
}

/** Some items of an upsert failed: `failed` names each with its reason; `result` holds what succeeded. */
export class UpsertError<R = unknown> extends PygenError {
  override name = "UpsertError";
  readonly result: R;
  readonly failed: readonly FailedItem[];
  constructor(result: R, failed: readonly FailedItem[], succeeded: number) {
    super(
      `${failed.length} of ${failed.length + succeeded} instances were not written (${succeeded} succeeded):\n  ` +
        describeFailures(failed),
    );
    this.result = result;
    this.failed = failed;
  }
}

/** Some deletes failed: `failed` names them; `result` holds what was deleted. */
export class DeleteError<R = unknown> extends PygenError {
  override name = "DeleteError";
  readonly result: R;
  readonly failed: readonly FailedItem[];
  constructor(result: R, failed: readonly FailedItem[]) {
    super(`${failed.length} instances were not deleted:\n  ${describeFailures(failed)}`);
    this.result = result;
    this.failed = failed;
  }
}

/** A one-line reason and the HTTP status (if any) of a failed request. */
export function failureReason(error: unknown): { reason: string; status: number | undefined } {
  if (error instanceof ApiError) {
    const gaveUp = error.gaveUp === undefined ? "" : ` (not retried: ${error.gaveUp})`;
    return { reason: error.serverMessage + gaveUp, status: error.status };
  }
  if (error instanceof Error) return { reason: `${error.name}: ${error.message}`, status: undefined };
  return { reason: String(error), status: undefined };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function identifiers(value: unknown): ErrorIdentifier[] {
  return Array.isArray(value) ? (value.filter(isRecord) as ErrorIdentifier[]) : [];
}

function firstChars(text: string, max = 300): string {
  const flat = text.split(/\s+/).filter(Boolean).join(" ");
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

function shortList(items: readonly ErrorIdentifier[], shown = 5): string {
  const head = items
    .slice(0, shown)
    .map((item) => JSON.stringify(item, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
  const more = items.length - shown;
  return `[${head.join(", ")}]${more > 0 ? ` and ${more} more` : ""}`;
}
