/**
 * Retry policy: which answers to retry and how long to wait, as small pure functions.
 *
 * CDF asks clients to back off exponentially on 429 and 503 (the official SDKs also retry 502 and 504);
 * pygen adds 408, which DMS returns for graph queries that timed out under load. Every DMS call is safe
 * to repeat (applies are upserts, deletes of missing ids are no-ops, reads are reads), so POSTs are
 * retried too. 500 is not retried: CDF uses it for bugs a retry does not fix.
 *
 * Also here: the {@link Deadline} of a call (when it stops retrying and sending), and which failed attempts
 * may still have been carried out by the server ({@link mayHaveBeenApplied}, {@link neverReachedServer}).
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
  /**
   * A call gives up once this long passed without any of its requests succeeding. Default 90 s; `null`: never.
   * A call is one request, or one bulk `upsert`/`delete` with all its batches: a healthy call of hours never
   * meets it, while one to a server that went away stops after about 90 s (plus the attempt in flight, at most
   * `timeoutMs`) whatever its size. 90 s outlasts the longest wait a server can ask for (`retryAfterMaxMs`)
   * plus a timed-out attempt. (Optional, so a policy object written before deadlines existed still fits;
   * `retryPolicy()` and the client always fill it in.)
   */
  readonly progressDeadlineMs?: number | null;
  /** The most a call may take in total. Default `null`: no limit. `upsert`/`delete` take `deadlineMs` per call. */
  readonly deadlineMs?: number | null;
}

/** The statuses retried by default. */
export const DEFAULT_RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** The default {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = Object.freeze({
  maxRetries: 10,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  retryAfterMaxMs: 60_000,
  statuses: DEFAULT_RETRY_STATUSES,
  progressDeadlineMs: 90_000,
  deadlineMs: null,
});

/**
 * A policy from the defaults and some overrides (`undefined` keeps a default); rejects negative or non-finite
 * numbers, and deadlines that are not positive, finite or `null`.
 */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): Required<RetryPolicy> {
  const policy: Required<RetryPolicy> = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(overrides) };
  if (!Number.isInteger(policy.maxRetries) || policy.maxRetries < 0) {
    throw new RangeError(`RetryPolicy.maxRetries must be an integer >= 0, got ${String(policy.maxRetries)}`);
  }
  for (const key of ["backoffBaseMs", "backoffMaxMs", "retryAfterMaxMs"] as const) {
    const value = policy[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`RetryPolicy.${key} must be a finite number of milliseconds >= 0, got ${String(value)}`);
    }
  }
  checkDeadline("RetryPolicy.progressDeadlineMs", policy.progressDeadlineMs);
  checkDeadline("RetryPolicy.deadlineMs", policy.deadlineMs);
  return Object.freeze({ ...policy, statuses: new Set(policy.statuses) });
}

/** Whether an HTTP status is worth retrying under `policy`. */
export function shouldRetryStatus(status: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): boolean {
  return policy.statuses.has(status);
}

// delay-seconds as Python's float() reads ASCII text (what pygen's Python runtime accepts): "2", "1.5", ".5", "5.",
// "1e3", "+2", "1_000"; a negative value is refused below. The rules of both runtimes: tests/data/retry_rules.json.
const DELAY_SECONDS = /^\s*([+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)\s*$/;
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
// The three HTTP-date forms of RFC 9110 §5.6.7, case-sensitive as the RFC writes them; the groups are
// [day, month, year, hour, minute, second] in each (the RFC 850 year has two digits).
const HTTP_DATES: readonly { pattern: RegExp; order: readonly number[] }[] = [
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  { pattern: new RegExp(`^\\s*${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT\\s*$`), order: [1, 2, 3, 4, 5, 6] },
  // obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  { pattern: new RegExp(`^\\s*${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT\\s*$`), order: [1, 2, 3, 4, 5, 6] },
  // asctime: "Sun Nov  6 08:49:37 1994"
  { pattern: new RegExp(`^\\s*${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})\\s*$`), order: [2, 1, 6, 3, 4, 5] },
];

/** The time (ms since the epoch) of an HTTP date, or `undefined` when `value` is not one or names no real moment. */
function httpDate(value: string, nowMs: number): number | undefined {
  for (const { pattern, order } of HTTP_DATES) {
    const match = pattern.exec(value);
    if (match === null) continue;
    const [day, month, year, hour, minute, second] = order.map((index) => match[index] ?? "");
    let fullYear = Number(year);
    if (year?.length === 2) {
      // Two-digit years (RFC 850): a year more than 50 years in the future is in the past century.
      fullYear += 2000;
      if (fullYear > new Date(nowMs).getUTCFullYear() + 50) fullYear -= 100;
    }
    const parts = [
      fullYear,
      MONTHS.indexOf(month as (typeof MONTHS)[number]),
      Number(day),
      Number(hour),
      Number(minute),
      Number(second),
    ] as const;
    // setUTCFullYear, not Date.UTC: years 0-99 stay themselves. An impossible date (31 Feb, 25:00, a leap second
    // :60) rolls over into another one, which the comparison below refuses, as Python's datetime does.
    const date = new Date(0);
    date.setUTCFullYear(parts[0], parts[1], parts[2]);
    date.setUTCHours(parts[3], parts[4], parts[5], 0);
    const back = [
      date.getUTCFullYear(),
      date.getUTCMonth(),
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
    ];
    if (parts[0] < 1 || back.some((v, i) => v !== parts[i])) return undefined;
    return date.getTime();
  }
  return undefined;
}

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds (a decimal number, also with a fraction or an
 * exponent: `"1.5"`, `"1e3"`; ASCII digits) or one of the three HTTP-date forms of RFC 9110 (relative to `nowMs`;
 * a date in the past means 0). Anything else gives `undefined`, ignored: negative, infinite, garbage, empty, other
 * date formats (numeric zones, no weekday, lowercase), impossible dates (31 Feb, 25:00, a leap second). Not
 * capped here (see {@link retryDelay}). Python's `parse_retry_after` reads every value the same way
 * (tests/data/retry_rules.json).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const seconds = DELAY_SECONDS.exec(value);
  if (seconds !== null) {
    const ms = Number((seconds[1] ?? "").replaceAll("_", "")) * 1000;
    if (!Number.isFinite(ms) || ms < 0) return undefined;
    return ms === 0 ? 0 : ms; // not -0
  }
  const at = httpDate(value, nowMs);
  return at === undefined ? undefined : Math.max(0, at - nowMs);
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
  // A usable wait only (parseRetryAfter gives no other): a negative or non-finite one falls back to the backoff.
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(retryAfterMs, policy.retryAfterMaxMs);
  }
  // Cap the exponent (at 64, as the Python runtime does): the ceiling is reached long before.
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.min(attempt, 64));
  return random() * ceiling;
}

/** Throws a RangeError naming `name` unless `value` is `null` or a positive, finite number of milliseconds. */
export function checkDeadline(name: string, value: unknown): void {
  if (value === null) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
    throw new RangeError(`${name} must be a positive, finite number of milliseconds or null, got ${shown}`);
  }
}

/** A monotonic clock in ms: `performance.now()` where the platform has it, else `Date.now()`. */
export function monotonicNow(): number {
  return typeof performance !== "undefined" && typeof performance.now === "function" ? performance.now() : Date.now();
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}

/**
 * When one call (a request, or a bulk operation of many requests) stops retrying and sending.
 *
 * Made from a {@link RetryPolicy}; `totalMs` overrides its `deadlineMs` for one call (`undefined`: the policy's,
 * `null`: none). Every successful request of the call calls {@link progress}, which restarts the progress
 * deadline. Once a deadline passes, or a request gives up because its next retry would come after it
 * ({@link giveUp}), the deadline stays passed: the call starts no further request, even if one still in flight
 * succeeds afterwards.
 */
export class Deadline {
  /** The total deadline of the call (ms), or `null`. */
  readonly totalMs: number | null;
  /** The progress deadline (ms without a successful request), or `null`. */
  readonly progressMs: number | null;
  readonly #clock: () => number;
  readonly #start: number;
  #last: number;
  /** Which deadline passed, in words; set once. */
  #passed: string | undefined;

  constructor(policy: RetryPolicy, totalMs?: number | null, clock: () => number = monotonicNow) {
    if (totalMs !== undefined) checkDeadline("deadlineMs", totalMs);
    this.totalMs = totalMs === undefined ? (policy.deadlineMs ?? DEFAULT_RETRY_POLICY.deadlineMs) : totalMs;
    this.progressMs =
      policy.progressDeadlineMs === undefined ? DEFAULT_RETRY_POLICY.progressDeadlineMs : policy.progressDeadlineMs;
    this.#clock = clock;
    this.#start = this.#last = clock();
  }

  /** A request of the call succeeded: the progress deadline starts again (unless a deadline already passed). */
  progress(): void {
    this.#last = this.#clock();
  }

  /** A request stopped retrying because of the deadline: from now on it counts as passed. */
  giveUp(): void {
    this.#passed ??= this.#binding();
  }

  /** Milliseconds before a deadline passes: `Infinity` without deadlines, 0 once one passed. */
  remaining(): number {
    if (this.#passed !== undefined) return 0;
    const now = this.#clock();
    let left = Infinity;
    if (this.totalMs !== null) left = this.#start + this.totalMs - now;
    if (this.progressMs !== null) left = Math.min(left, this.#last + this.progressMs - now);
    if (left > 0) return left;
    this.#passed = this.#binding();
    return 0;
  }

  /** Whether a deadline has passed. */
  get passed(): boolean {
    return this.remaining() <= 0;
  }

  /** The deadline that passed (or binds now), in words, e.g. "90 s without a successful request (...)". */
  describe(): string {
    return this.#passed ?? this.#binding();
  }

  #binding(): string {
    const total = this.totalMs;
    const idle = this.progressMs;
    if (total !== null && (idle === null || this.#start + total <= this.#last + idle)) {
      return `the call's deadline of ${duration(total)}`;
    }
    return `${duration(idle ?? 0)} without a successful request (RetryPolicy.progressDeadlineMs)`;
  }
}

/**
 * Statuses whose request may have been carried out although the answer is an error: a gateway that timed out
 * or lost its backend (502, 504), or a request timeout (408), may come after the server applied the request.
 * A 429 or 503 is CDF refusing before doing anything.
 */
export const MAYBE_APPLIED_STATUSES: ReadonlySet<number> = new Set([408, 502, 504]);

/** Whether an attempt answered with `status` may have been carried out by the server. */
export function mayHaveBeenApplied(status: number): boolean {
  return MAYBE_APPLIED_STATUSES.has(status);
}

// Error codes (Node's, and undici's, under `fetch`'s "fetch failed" TypeError) of a request that never left:
// the connection or its TLS handshake failed, so no byte of the request reached the server.
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  // Certificate checks fail during the handshake, before the request is written.
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
// System calls that fail before anything is sent.
const NOT_SENT_SYSCALLS: ReadonlySet<string> = new Set(["connect", "getaddrinfo"]);

/**
 * Whether a failed attempt (the error `fetch` threw) certainly never reached the server: a refused or
 * unreachable connection, a failed name lookup, a failed certificate check. Node's `fetch` throws a `TypeError`
 * ("fetch failed") whose `cause` (or a cause of it, or every error of an `AggregateError` when several addresses
 * were tried) carries the system error `code`/`syscall`. Anything else, including a timeout, a reset or closed
 * connection and a browser's bare "Failed to fetch", may have come after the request was sent: false.
 */
export function neverReachedServer(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 8) return false;
  const { code, syscall, errors, cause } = error as {
    code?: unknown;
    syscall?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
  if (typeof syscall === "string" && NOT_SENT_SYSCALLS.has(syscall)) return true;
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => neverReachedServer(e, depth + 1))) return true;
  return cause !== error && neverReachedServer(cause, depth + 1);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
