/**
 * Retry policy: which answers to retry and how long to wait, as small pure functions.
 *
 * CDF asks clients to back off exponentially on 429 and 503 (the official SDKs also retry 502 and 504);
 * pygen adds 408, which DMS returns for graph queries that timed out under load. Every DMS call is safe
 * to repeat (applies are upserts, deletes of missing ids are no-ops, reads are reads), so POSTs are
 * retried too. 500 is not retried: CDF uses it for bugs a retry does not fix.
 *
 * Times are milliseconds.
 */
/** How often and how patiently to retry throttled, timed-out and failed requests. */
export interface RetryPolicy {
    /** Retries after the first attempt (0 disables retrying). Default 10. */
    readonly maxRetries: number;
    /** Backoff of the first retry; doubles per retry. Default 500 ms. */
    readonly backoffBaseMs: number;
    /** Most backoff before jitter. Default 30 s. */
    readonly backoffMaxMs: number;
    /** Most time a `Retry-After` header may make the client wait. Default 60 s. */
    readonly retryAfterMaxMs: number;
    /** Statuses worth retrying. Default 408, 429, 502, 503, 504. */
    readonly statuses: ReadonlySet<number>;
}
/** The statuses retried by default. */
export declare const DEFAULT_RETRY_STATUSES: ReadonlySet<number>;
/** The default {@link RetryPolicy}. */
export declare const DEFAULT_RETRY_POLICY: RetryPolicy;
/** A policy from the defaults and some overrides; rejects negative or non-finite numbers. */
export declare function retryPolicy(overrides?: Partial<RetryPolicy>): RetryPolicy;
/** Whether an HTTP status is worth retrying under `policy`. */
export declare function shouldRetryStatus(status: number, policy?: RetryPolicy): boolean;
/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds or an HTTP date (relative to `nowMs`;
 * a date in the past means 0). Anything else (negative, garbage, empty) gives `undefined`: ignored.
 */
export declare function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined;
/**
 * How long to wait before retry number `attempt` (0-based).
 *
 * A usable `Retry-After` (already parsed, in ms) wins, capped at `retryAfterMaxMs`. Otherwise "full
 * jitter": a random wait in `[0, min(backoffMaxMs, backoffBaseMs * 2^attempt)]`, so many clients
 * throttled at once do not retry in lockstep. `random` returns a number in [0, 1).
 */
export declare function retryDelay(attempt: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number): number;
