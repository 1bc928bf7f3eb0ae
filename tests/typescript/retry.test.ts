import { describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionFailedError,
  DEFAULT_RETRY_POLICY,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
  UnprocessableEntityError,
} from "../../pygen/ts_runtime/index.js";
import { parseRetryAfter, retryDelay, retryPolicy } from "../../pygen/ts_runtime/retry.js";
import { cdfError, json, recordingSleep, scripted, testClient } from "./helpers.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("parseRetryAfter", () => {
  it.each([
    ["0", 0],
    ["2", 2000],
    [" 3 ", 3000],
    ["1.5", 1500],
    ["120", 120_000],
    ["Thu, 01 Jan 2026 12:00:05 GMT", 5000],
    ["Thursday, 01-Jan-26 12:00:07 GMT", 7000],
    ["Thu Jan  1 12:00:09 2026", 9000],
    ["Thu, 01 Jan 2026 11:00:00 GMT", 0], // in the past
  ])("%j -> %d ms", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([null, undefined, "", "soon", "-1", "5s", "Thu, 01 Jan 2026", "2026-01-01T12:00:05Z", "0x10", "NaN"])("ignores %j", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe("retryDelay", () => {
  const policy = retryPolicy({ backoffBaseMs: 100, backoffMaxMs: 1000, retryAfterMaxMs: 5000 });

  it("uses full jitter over an exponential ceiling, capped", () => {
    expect([0, 1, 2, 3, 4, 5, 100].map((n) => retryDelay(n, policy, undefined, () => 0.999))).toEqual(
      [100, 200, 400, 800, 1000, 1000, 1000].map((c) => c * 0.999),
    );
    expect(retryDelay(3, policy, undefined, () => 0)).toBe(0);
  });

  it("prefers Retry-After, capped at retryAfterMaxMs", () => {
    expect(retryDelay(0, policy, 2000, () => 0.5)).toBe(2000);
    expect(retryDelay(0, policy, 999_999, () => 0.5)).toBe(5000);
    expect(retryDelay(7, policy, 0, () => 0.5)).toBe(0);
  });

  it("rejects bad policies", () => {
    expect(() => retryPolicy({ maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => retryPolicy({ maxRetries: 1.5 })).toThrow(/maxRetries/);
    expect(() => retryPolicy({ backoffBaseMs: NaN })).toThrow(/backoffBaseMs/);
    expect(() => retryPolicy({ retryAfterMaxMs: -5 })).toThrow(/retryAfterMaxMs/);
    expect(DEFAULT_RETRY_POLICY.statuses).toEqual(new Set([408, 429, 502, 503, 504]));
  });
});

describe("retry table (transport)", () => {
  it.each([408, 429, 502, 503, 504])("retries %d, then succeeds", async (status) => {
    const fetch = scripted(cdfError(status), cdfError(status), json(200, { items: [] }));
    const sleep = recordingSleep();
    const response = await testClient(fetch, { sleep }).post("/models/instances/list", {});
    expect(response.status).toBe(200);
    expect(fetch.calls).toHaveLength(3);
    expect(sleep.waits).toEqual([250, 500]); // random 0.5 x 500, 1000
  });

  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [418, ApiError],
    [500, ServerError],
    [501, ServerError],
  ])("does not retry %d (%s)", async (status, cls) => {
    const fetch = scripted(cdfError(status, "nope", { "x-request-id": "req-1" }), json(200));
    const error = await testClient(fetch).post("/models/instances/list", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(status);
    expect((error as ApiError).requestId).toBe("req-1");
    expect((error as ApiError).serverMessage).toMatch(/^nope/);
    expect(fetch.calls).toHaveLength(1);
  });

  it.each([
    [429, RateLimitError],
    [503, ServerError],
    [408, RequestTimeoutError],
  ])("gives up on %d after maxRetries with the typed error", async (status, cls) => {
    const fetch = scripted(cdfError(status, "busy"));
    const error = await testClient(fetch, { retry: { maxRetries: 3 } })
      .get("/models/spaces")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect(fetch.calls).toHaveLength(4);
  });

  it.each([
    ["2", 2000],
    ["0", 0],
    ["Thu, 01 Jan 2026 12:00:03 GMT", 3000],
    ["garbage", 250],
    ["-4", 250],
    ["86400", 60_000],
  ])("honours Retry-After %j on 429 (wait %d ms)", async (header, wait) => {
    const fetch = scripted(cdfError(429, "slow down", { "retry-after": header }), json(200));
    const sleep = recordingSleep();
    await testClient(fetch, { sleep, now: () => NOW }).get("/models/spaces");
    expect(sleep.waits).toEqual([wait]);
  });

  it("honours Retry-After on 503 and a custom cap", async () => {
    const fetch = scripted(cdfError(503, "later", { "retry-after": "30" }), json(200));
    const sleep = recordingSleep();
    await testClient(fetch, { sleep, retry: { retryAfterMaxMs: 1234 } }).get("/models/spaces");
    expect(sleep.waits).toEqual([1234]);
  });

  it("caps the backoff at backoffMaxMs", async () => {
    const fetch = scripted(cdfError(502), cdfError(502), cdfError(502), cdfError(502), cdfError(502), json(200));
    const sleep = recordingSleep();
    await testClient(fetch, { sleep, random: () => 1, retry: { backoffBaseMs: 100, backoffMaxMs: 300 } }).get("/models/spaces");
    expect(sleep.waits).toEqual([100, 200, 300, 300, 300]);
  });

  it("maxRetries 0 disables retrying", async () => {
    const fetch = scripted(cdfError(503), json(200));
    await expect(testClient(fetch, { retry: { maxRetries: 0 } }).get("/models/spaces")).rejects.toBeInstanceOf(ServerError);
    expect(fetch.calls).toHaveLength(1);
  });

  it("retries network errors (fetch rejections), then succeeds", async () => {
    const fetch = scripted(new TypeError("fetch failed", { cause: new Error("ECONNRESET") }), json(200, { ok: 1 }));
    const response = await testClient(fetch).get("/models/spaces");
    expect(response.json()).toEqual({ ok: 1 });
    expect(fetch.calls).toHaveLength(2);
  });

  it("gives up on network errors with ConnectionFailedError naming the cause and attempts", async () => {
    const fetch = scripted(new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") }));
    const error = await testClient(fetch, { retry: { maxRetries: 2 } })
      .get("/models/spaces")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect((error as ConnectionFailedError).attempts).toBe(3);
    expect((error as ConnectionFailedError).timedOut).toBe(false);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).toMatch(/https:\/\/example\.test\/api\/v1\/projects\/p\/models\/spaces/);
    expect(fetch.calls).toHaveLength(3);
  });

  it("times out an attempt that hangs (also while reading the body) and retries it", async () => {
    let calls = 0;
    const fetch = async (_url: string, init: { signal: AbortSignal }) => {
      calls++;
      if (calls === 1) {
        // Headers arrive, the body never does.
        return {
          status: 200,
          headers: new Headers(),
          text: () => new Promise<string>((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason))),
        };
      }
      if (calls === 2) return new Promise<never>((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
      return json(200, { late: true });
    };
    const response = await testClient(fetch, { timeoutMs: 20 }).get("/models/spaces");
    expect(response.json()).toEqual({ late: true });
    expect(calls).toBe(3);

    const hang = async (_url: string, init: { signal: AbortSignal }) =>
      new Promise<never>((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
    const error = await testClient(hang, { timeoutMs: 10, retry: { maxRetries: 1 } })
      .get("/models/spaces")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect((error as ConnectionFailedError).timedOut).toBe(true);
    expect((error as Error).message).toMatch(/timed out after 10 ms \(2 attempts\)/);
  });

  it("stops at once when the caller aborts (no retry)", async () => {
    const controller = new AbortController();
    const fetch = scripted(cdfError(503));
    const sleep = (_ms: number, signal?: AbortSignal) => {
      controller.abort(new Error("user gave up"));
      return Promise.reject(signal?.reason);
    };
    await expect(testClient(fetch, { sleep }).get("/models/spaces", { signal: controller.signal })).rejects.toThrow("user gave up");
    expect(fetch.calls).toHaveLength(1);
    await expect(testClient(fetch).get("/models/spaces", { signal: controller.signal })).rejects.toThrow("user gave up");
    expect(fetch.calls).toHaveLength(1);
  });
});
