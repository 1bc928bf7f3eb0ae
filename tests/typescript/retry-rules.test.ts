/**
 * The retry rules of tests/data/retry_rules.json, which the Python transport is tested against too
 * (tests/transport/test_retry_rules.py): statuses and transport errors (retried? maybe applied?), Retry-After values,
 * delays, waits, policies, deadlines and retries against a deadline. The pure functions case by case, and what the
 * HttpClient does with them on a scripted fetch. The file's times are seconds; the runtime's are milliseconds.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ApiError, ConnectionFailedError, DEFAULT_RETRY_POLICY, type FetchLike, type RetryPolicy } from "../../pygen/ts_runtime/index.js";
import { Deadline, mayHaveBeenApplied, neverReachedServer, parseRetryAfter, retryDelay, retryPolicy, shouldRetryStatus } from "../../pygen/ts_runtime/retry.js";
import { cdfError, json, recordingSleep, scripted, testClient } from "./helpers.js";

interface Cases<C> {
  about: string;
  cases: C[];
}
type Overrides = Record<string, unknown>;
type FetchFailure = "timeout" | { message: string; cause?: { code?: string; syscall?: string; errors?: { code: string }[] } };
interface Rules {
  now_epoch_seconds: number;
  defaults: Record<string, unknown>;
  statuses: Cases<{ status: number; retried: boolean; maybe_applied: boolean }>;
  transport_errors: Cases<{ case: string; python: string | null; typescript: FetchFailure | null; retried: boolean; maybe_applied: boolean }>;
  retry_after: Cases<{ header: string; seconds: number | null }>;
  delays: Cases<{ attempt: number; random: number; retry_after: number | null; policy?: Overrides; delay: number }>;
  waits: Cases<{ header: string | null; wait: number }>;
  policies: Cases<{ policy: Overrides; valid: boolean }>;
  deadlines: Cases<{ case: string; policy: Overrides; total?: number; steps: Record<string, unknown>[] }>;
  deadline_retries: Cases<{ policy: Overrides; retry_after: string; retried: boolean }>;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const RULES = JSON.parse(readFileSync(resolve(HERE, "../data/retry_rules.json"), "utf8")) as Rules;
const NOW_MS = RULES.now_epoch_seconds * 1000;

/** The file's policy keys (Python's, seconds) -> the runtime's (milliseconds). */
const KEYS: Record<string, [keyof RetryPolicy, number]> = {
  max_retries: ["maxRetries", 1],
  backoff_base: ["backoffBaseMs", 1000],
  backoff_max: ["backoffMaxMs", 1000],
  retry_after_max: ["retryAfterMaxMs", 1000],
  progress_deadline: ["progressDeadlineMs", 1000],
  deadline: ["deadlineMs", 1000],
};

/** A value of the file: `{"number": "NaN"}` and `{"number": "Infinity"}` are those numbers. */
function value(raw: unknown): unknown {
  if (typeof raw === "object" && raw !== null && Object.keys(raw).length === 1 && "number" in raw) return Number((raw as { number: string }).number);
  return raw;
}

function overrides(policy: Overrides = {}): Partial<RetryPolicy> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(policy)) {
    const mapped = KEYS[key];
    if (mapped === undefined) throw new Error(`retry_rules.json: unknown policy key ${key}`);
    const v = value(raw);
    out[mapped[0]] = typeof v === "number" ? v * mapped[1] : v;
  }
  return out as Partial<RetryPolicy>;
}

/** The error fetch rejects with for a failure of the file (`"timeout"`: the fetch hangs until aborted). */
function failingFetch(failure: FetchFailure, then: Response): FetchLike & { calls: number } {
  const state = { calls: 0 };
  const fetch: FetchLike = async (_url, init) => {
    state.calls += 1;
    if (state.calls > 1) return then.clone();
    if (failure === "timeout") return new Promise<never>((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
    throw fetchError(failure);
  };
  return Object.defineProperty(fetch, "calls", { get: () => state.calls }) as FetchLike & { calls: number };
}

function fetchError(failure: Exclude<FetchFailure, "timeout">): Error {
  const systemError = (fields: { code?: string; syscall?: string }): Error => Object.assign(new Error(fields.code ?? "error"), fields);
  const { cause } = failure;
  if (cause === undefined) return new TypeError(failure.message);
  const reason = cause.errors === undefined ? systemError(cause) : new AggregateError(cause.errors.map(systemError), "several addresses");
  return new TypeError(failure.message, { cause: reason });
}

describe("retry_rules.json", () => {
  it("has the default policy", () => {
    const d = DEFAULT_RETRY_POLICY;
    expect({
      max_retries: d.maxRetries,
      backoff_base: d.backoffBaseMs / 1000,
      backoff_max: d.backoffMaxMs / 1000,
      retry_after_max: d.retryAfterMaxMs / 1000,
      statuses: [...d.statuses].sort((a, b) => a - b),
      progress_deadline: d.progressDeadlineMs === null ? null : d.progressDeadlineMs / 1000,
      deadline: d.deadlineMs === null ? null : d.deadlineMs / 1000,
    }).toEqual(RULES.defaults);
  });

  describe("statuses", () => {
    it.each(RULES.statuses.cases)("$status: retried $retried, maybe applied $maybe_applied", async ({ status, retried, maybe_applied }) => {
      expect(shouldRetryStatus(status)).toBe(retried);
      expect(mayHaveBeenApplied(status)).toBe(maybe_applied);
      const fetch = scripted(status === 200 ? json(200) : cdfError(status), json(200));
      const client = testClient(fetch, { retry: { maxRetries: 1 } });
      if (retried || status === 200) {
        const response = await client.post("/models/instances/byids", {});
        expect(response.status).toBe(200);
        expect(response.maybeApplied).toBe(maybe_applied);
        expect(fetch.calls).toHaveLength(retried ? 2 : 1);
      } else {
        const error = await client.post("/models/instances/byids", {}).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).status).toBe(status);
        expect((error as ApiError).maybeApplied).toBe(maybe_applied);
        expect(fetch.calls).toHaveLength(1);
      }
    });
  });

  describe("transport errors", () => {
    const ours = RULES.transport_errors.cases.filter((c): c is typeof c & { typescript: FetchFailure } => c.typescript !== null);
    it.each(ours)("$case: retried $retried, maybe applied $maybe_applied", async ({ typescript, retried, maybe_applied }) => {
      if (typescript !== "timeout") expect(neverReachedServer(fetchError(typescript))).toBe(!maybe_applied);
      const fetch = failingFetch(typescript, json(200));
      const client = testClient(fetch, { timeoutMs: 20, retry: { maxRetries: 1 } });
      if (retried) {
        const response = await client.post("/models/instances/byids", {});
        expect(response.maybeApplied).toBe(maybe_applied);
        expect(fetch.calls).toBe(2);
      } else {
        const error = await client.post("/models/instances/byids", {}).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConnectionFailedError);
        expect((error as ConnectionFailedError).maybeApplied).toBe(maybe_applied);
        expect(fetch.calls).toBe(1);
      }
    });
  });

  describe("Retry-After", () => {
    it.each(RULES.retry_after.cases)("%j", ({ header, seconds }) => {
      const got = parseRetryAfter(header, NOW_MS);
      if (seconds === null) expect(got).toBeUndefined();
      else expect(got).toBeCloseTo(seconds * 1000, 6);
    });
  });

  describe("delays", () => {
    it.each(RULES.delays.cases)("attempt $attempt, random $random, Retry-After $retry_after -> $delay s", ({ attempt, random, retry_after, policy, delay }) => {
      const got = retryDelay(attempt, retryPolicy(overrides(policy)), retry_after === null ? undefined : retry_after * 1000, () => random);
      expect(got / 1000).toBeCloseTo(delay, 9);
      expect(Math.abs(got / 1000 - delay)).toBeLessThanOrEqual(Math.abs(delay) * 1e-12 + 1e-12);
    });
  });

  describe("waits (through the client)", () => {
    it.each(RULES.waits.cases)("429 with Retry-After %j", async ({ header, wait }) => {
      const fetch = scripted(cdfError(429, "slow down", header === null ? {} : { "retry-after": header }), json(200));
      const sleep = recordingSleep();
      await testClient(fetch, { sleep, random: () => 0.5, now: () => NOW_MS }).get("/models/spaces");
      expect(sleep.waits).toHaveLength(1);
      expect((sleep.waits[0] ?? NaN) / 1000).toBeCloseTo(wait, 9);
    });
  });

  describe("policies", () => {
    it.each(RULES.policies.cases)("%j", ({ policy, valid }) => {
      const make = () => retryPolicy(overrides(policy));
      if (valid) expect(make).not.toThrow();
      else {
        const name = KEYS[Object.keys(policy)[0] ?? ""]?.[0] ?? "?";
        expect(make).toThrow(RangeError);
        expect(make).toThrow(new RegExp(`RetryPolicy\\.${name} must be`));
      }
    });
  });

  describe("deadlines", () => {
    it.each(RULES.deadlines.cases)("$case", ({ policy, total, steps }) => {
      let now = 0;
      const deadline = new Deadline(retryPolicy(overrides(policy)), total === undefined ? undefined : total * 1000, () => now);
      for (const step of steps) {
        const where = `at ${now / 1000} s, ${JSON.stringify(step)}`;
        if ("advance" in step) now += (step["advance"] as number) * 1000;
        else if ("progress" in step) deadline.progress();
        else if ("give_up" in step) deadline.giveUp();
        else if ("remaining" in step) {
          const expected = step["remaining"] === "inf" ? Infinity : (step["remaining"] as number) * 1000;
          if (expected === Infinity) expect(deadline.remaining(), where).toBe(Infinity);
          else expect(deadline.remaining(), where).toBeCloseTo(expected, 6);
        } else if ("passed" in step) expect(deadline.passed, where).toBe(step["passed"]);
        else if ("binds" in step) expect(deadline.describe(), where).toMatch(step["binds"] === "total" ? /^the call's deadline of/ : /without a successful request/);
        else throw new Error(`unknown step ${JSON.stringify(step)}`);
      }
    });
  });

  describe("retries against a deadline (through the client)", () => {
    it.each(RULES.deadline_retries.cases)("%j", async ({ policy, retry_after, retried }) => {
      const fetch = scripted(cdfError(503, "later", { "retry-after": retry_after }), json(200));
      // A clock that stands still: the time left is the whole deadline when the wait is checked against it.
      const client = testClient(fetch, { clock: () => 0, retry: { ...overrides(policy), maxRetries: 3 } });
      if (retried) {
        expect((await client.get("/models/spaces")).status).toBe(200);
        expect(fetch.calls).toHaveLength(2);
      } else {
        const error = await client.get("/models/spaces").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).status).toBe(503);
        expect((error as ApiError).gaveUp).toMatch(/passed/);
        expect(fetch.calls).toHaveLength(1);
      }
    });
  });
});
