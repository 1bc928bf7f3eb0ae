/**
 * The error tree of the runtime. Everything it throws on purpose is a {@link PygenError}:
 *
 * - {@link ApiError}: CDF answered with a non-2xx status (after retries), one subclass per status;
 * - {@link ConnectionFailedError}: no usable answer at all (network error, timeout) after retries;
 * - {@link OAuthError}: the identity provider did not issue a token;
 * - {@link UpsertError} / {@link DeleteError}: some items of a bulk write failed (the others succeeded).
 */
import { type JsonValue } from "./json.js";
/** The root of every error the runtime throws on purpose. */
export declare class PygenError extends Error {
    name: string;
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
export declare class ApiError extends PygenError {
    name: string;
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
    constructor(message: string, init: ApiErrorInit);
}
/** 400: the request is invalid (unknown view or property, bad value, too many items...). */
export declare class BadRequestError extends ApiError {
    name: string;
}
/** 401: the token was rejected (refreshable credentials were refreshed once first). */
export declare class AuthenticationError extends ApiError {
    name: string;
}
/** 403: the credentials lack a capability. */
export declare class PermissionDeniedError extends ApiError {
    name: string;
}
/** 404. */
export declare class NotFoundError extends ApiError {
    name: string;
}
/** 408: CDF timed out (e.g. a graph query under load); retried first. */
export declare class RequestTimeoutError extends ApiError {
    name: string;
}
/** 409: a write conflict (version conflict, edge to a missing node...). */
export declare class ConflictError extends ApiError {
    name: string;
}
/** 422. */
export declare class UnprocessableEntityError extends ApiError {
    name: string;
}
/** 429: throttled, even after the retries. */
export declare class RateLimitError extends ApiError {
    name: string;
}
/** 5xx: CDF (or a proxy) failed; retryable ones were retried first. */
export declare class ServerError extends ApiError {
    name: string;
}
type ApiErrorClass = new (message: string, init: ApiErrorInit) => ApiError;
/** The {@link ApiError} subclass for a status: 404 -> NotFoundError, 5xx -> ServerError, others ApiError. */
export declare function errorClassForStatus(status: number): ApiErrorClass;
/** Builds the typed error of a non-2xx answer from its status, headers and body text; never throws. */
export declare function apiErrorFromResponse(status: number, bodyText: string, init?: {
    requestId?: string | undefined;
    method?: string;
    url?: string;
    statusText?: string;
}): ApiError;
/** The request got no usable HTTP answer (network error, timeout), after `attempts` tries. */
export declare class ConnectionFailedError extends PygenError {
    name: string;
    readonly attempts: number;
    /** Whether the last attempt timed out (as opposed to a network error). */
    readonly timedOut: boolean;
    constructor(message: string, options: {
        attempts: number;
        timedOut?: boolean;
        cause?: unknown;
    });
}
/**
 * The identity provider refused to issue a token, or answered something that is not a token.
 *
 * `error` and `errorDescription` are the IdP's RFC 6749 fields (e.g. `"invalid_client"`) when sent;
 * `status` is the HTTP status of the token response (undefined when there was no answer).
 */
export declare class OAuthError extends PygenError {
    name: string;
    readonly status: number | undefined;
    readonly error: string | undefined;
    readonly errorDescription: string | undefined;
    readonly tokenUrl: string | undefined;
    constructor(message: string, init?: {
        status?: number;
        error?: string;
        errorDescription?: string;
        tokenUrl?: string;
        cause?: unknown;
    });
}
/** An instance that was not written or deleted, and why. */
export interface FailedItem {
    instanceType: "node" | "edge";
    space: string;
    externalId: string;
    /** A one-line reason (the server's message). */
    reason: string;
    /** The HTTP status, when the server answered. */
    status: number | undefined;
    error: unknown;
}
/** Some items of an upsert failed: `failed` names each with its reason; `result` holds what succeeded. */
export declare class UpsertError<R = unknown> extends PygenError {
    name: string;
    readonly result: R;
    readonly failed: readonly FailedItem[];
    constructor(result: R, failed: readonly FailedItem[], succeeded: number);
}
/** Some deletes failed: `failed` names them; `result` holds what was deleted. */
export declare class DeleteError<R = unknown> extends PygenError {
    name: string;
    readonly result: R;
    readonly failed: readonly FailedItem[];
    constructor(result: R, failed: readonly FailedItem[]);
}
/** A one-line reason and the HTTP status (if any) of a failed request. */
export declare function failureReason(error: unknown): {
    reason: string;
    status: number | undefined;
};
export {};
