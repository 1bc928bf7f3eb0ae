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
export const DEFAULT_RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** The default {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 10,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  retryAfterMaxMs: 60_000,
  statuses: DEFAULT_RETRY_STATUSES,
});

/** A policy from the defaults and some overrides; rejects negative or non-finite numbers. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(overrides) };
  if (!Number.isInteger(policy.maxRetries) || policy.maxRetries < 0) {
    throw new RangeError(`RetryPolicy.maxRetries must be an integer >= 0, got ${String(policy.maxRetries)}`);
  }
  for (const key of ["backoffBaseMs", "backoffMaxMs", "retryAfterMaxMs"] as const) {
    const value = policy[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`RetryPolicy.${key} must be a finite number of milliseconds >= 0, got ${String(value)}`);
    }
  }
  return Object.freeze({ ...policy, statuses: new Set(policy.statuses) });
}

/** Whether an HTTP status is worth retrying under `policy`. */
export function shouldRetryStatus(status: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): boolean {
  return policy.statuses.has(status);
}

// delay-seconds as Python's float() reads them (what pygen's Python runtime accepts): "2", "1.5", ".5", "1e3",
// "+2", "1_000"; a negative value is refused below.
const DELAY_SECONDS = /^\s*([+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)\s*$/;
const DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAYS = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTHS = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
// The three HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate, obsolete RFC 850, asctime.
const HTTP_DATE = new RegExp(
  `^\\s*(?:${DAYS}, \\d{2} ${MONTHS} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT` +
    `|${LONG_DAYS}, \\d{2}-${MONTHS}-\\d{2} \\d{2}:\\d{2}:\\d{2} GMT` +
    `|${DAYS} ${MONTHS} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4})\\s*$`,
);

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds (a decimal number, also with a fraction or an
 * exponent: `"1.5"`, `"1e3"`) or an HTTP date (relative to `nowMs`; a date in the past means 0). Anything else
 * (negative, infinite, garbage, empty) gives `undefined`: ignored. Not capped here (see {@link retryDelay}).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const seconds = DELAY_SECONDS.exec(value);
  if (seconds !== null) {
    const ms = Number((seconds[1] ?? "").replaceAll("_", "")) * 1000;
    if (!Number.isFinite(ms) || ms < 0) return undefined;
    return ms === 0 ? 0 : ms; // not -0
  }
  if (HTTP_DATE.test(value)) {
    // Date.parse understands all three forms; the regex keeps it from accepting anything else.
    let text = value.trim();
    const rfc850 = /^\w+, (\d{2})-(\w{3})-(\d{2}) (.*)$/.exec(text);
    if (rfc850 !== null) {
      // Two-digit years: RFC 9110 says a year more than 50 years in the future is in the past century.
      const yy = Number(rfc850[3]);
      const thisYear = new Date(nowMs).getUTCFullYear();
      let year = 2000 + yy;
      if (year > thisYear + 50) year -= 100;
      text = `${rfc850[1]} ${rfc850[2]} ${year} ${rfc850[4]}`;
    } else if (!text.includes("GMT")) {
      text = `${text} GMT`; // asctime is always UTC
    }
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    return Math.max(0, at - nowMs);
  }
  return undefined;
}

/**
 * How long to wait before retry number `attempt` (0-based).
 *
 * A usable `Retry-After` (already parsed, in ms) wins, capped at `retryAfterMaxMs`. Otherwise "full
 * jitter": a random wait in `[0, min(backoffMaxMs, backoffBaseMs * 2^attempt)]`, so many clients
 * throttled at once do not retry in lockstep. `random` returns a number in [0, 1).
 */
export function retryDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.retryAfterMaxMs);
  // Cap the exponent: 2 ** 1100 is Infinity, and min() handles that, but keep the numbers tame.
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.min(attempt, 60));
  return random() * ceiling;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
