/**
 * Exact per-item results when answers are lost, and deadlines that stop a bulk call (issue 16, items 1 and 2).
 *
 * When the server applies a write and its answer is lost (a timeout, a dropped connection, a gateway error), the
 * retry's answer describes a second application: "not modified". Those items are `uncertain`, never `unchanged`.
 * The emulator's `rate_lost` fault stores a write and then drops the connection without answering.
 *
 * Deadline tests run on a fake fetch and a fake clock that the (instant) sleeps advance, so they assert reasons and
 * request counts, never elapsed times.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY_POLICY,
  HttpClient,
  InstanceClient,
  NodeApi,
  OAuthError,
  ServerError,
  Token,
  UpsertError,
  ConnectionFailedError,
  DeleteError,
  type ClientOptions,
  type Credentials,
  type FetchLike,
  type UpsertResult,
} from "../../pygen/ts_runtime/index.js";
import { DeadlinePassedError } from "../../pygen/ts_runtime/errors.js";
import { Deadline, mayHaveBeenApplied, neverReachedServer, parseRetryAfter, retryPolicy } from "../../pygen/ts_runtime/retry.js";
import { startEmulator, type RunningEmulator } from "./emulator.js";
import { cdfError, createTestSchema, fakeFetch, freshSpace, json, onCdf, recordingSleep, scripted, testClient, type Call } from "./helpers.js";

const view = { space: "s", externalId: "Pump", version: "v1" };
type Body = { items: { instanceType: "node" | "edge"; space: string; externalId: string }[] };

/** An error like Node's fetch throws when the connection was refused: the request never left. */
function refused(): TypeError {
  return new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED", syscall: "connect" }) });
}

/** An error like Node's fetch throws when the server closed the connection after reading the request. */
function dropped(): TypeError {
  return new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
}

/** Answers an apply or delete as the server would for new instances (every item created / deleted). */
function echo(call: Call): Response {
  const items = (call.body as Body).items;
  return json(200, { items: items.map((i) => ({ ...i, version: 1, wasModified: true, createdTime: 5, lastUpdatedTime: 5 })) });
}

/** A fake monotonic clock that the client's sleeps advance (time passes only while retries wait). */
function fakeTime(): { clock: () => number; sleep: (ms: number) => Promise<void>; waits: number[] } {
  let now = 1_000;
  const waits: number[] = [];
  return {
    clock: () => now,
    sleep: (ms: number) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
    waits,
  };
}

const DEAD_POLICY = { maxRetries: 1000, backoffBaseMs: 10, backoffMaxMs: 20, progressDeadlineMs: 300 };
const PROGRESS = "300 ms without a successful request (RetryPolicy.progressDeadlineMs) passed";

function nodes(n: number): { externalId: string; properties: { name: string } }[] {
  return Array.from({ length: n }, (_, i) => ({ externalId: `n${String(i).padStart(5, "0")}`, properties: { name: `N-${i}` } }));
}

async function upsertError(promise: Promise<UpsertResult>): Promise<UpsertError<UpsertResult>> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UpsertError);
  return error as UpsertError<UpsertResult>;
}

// ------------------------------------------------------------------------------------------ classification

describe("which failed attempts may have been applied", () => {
  it("statuses: 408, 502 and 504 may come after the server applied the request; 429 and 503 not", () => {
    expect([408, 429, 500, 502, 503, 504].filter(mayHaveBeenApplied)).toEqual([408, 502, 504]);
  });

  it("Node's fetch errors: a refused connection or failed lookup never reached the server; a dropped one may have", async () => {
    const probe = createServer().listen(0, "127.0.0.1");
    await new Promise((done) => probe.once("listening", done));
    const closedPort = (probe.address() as { port: number }).port;
    await new Promise((done) => probe.close(done));
    // Reads the request, then closes the connection without answering (what the emulator's rate_lost does).
    const sockets = new Set<Socket>();
    const dropper: Server = createServer((socket) => {
      sockets.add(socket);
      socket.once("data", () => setTimeout(() => socket.destroy(), 5));
    }).listen(0, "127.0.0.1");
    await new Promise((done) => dropper.once("listening", done));
    const dropperPort = (dropper.address() as { port: number }).port;
    const attempt = (url: string): Promise<unknown> => fetch(url, { method: "POST", body: "{}" }).then(() => undefined, (e: unknown) => e);
    try {
      const refusal = await attempt(`http://127.0.0.1:${closedPort}/x`);
      const lookup = await attempt("http://pygen-test.invalid/x");
      const drop = await attempt(`http://127.0.0.1:${dropperPort}/x`);
      expect(refusal).toBeInstanceOf(TypeError);
      expect(neverReachedServer(refusal)).toBe(true);
      expect(neverReachedServer(lookup)).toBe(true);
      expect(drop).toBeInstanceOf(TypeError);
      expect(neverReachedServer(drop)).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => dropper.close(done));
    }
    // Unknown errors (a browser's bare "Failed to fetch", a timeout) count as maybe applied.
    expect(neverReachedServer(new TypeError("Failed to fetch"))).toBe(false);
    expect(neverReachedServer(new Error("timed out after 30000 ms"))).toBe(false);
    expect(neverReachedServer(refused())).toBe(true);
    expect(neverReachedServer(dropped())).toBe(false);
    // Several addresses tried (happy eyeballs): only when every one was refused.
    const code = (c: string): Error => Object.assign(new Error(c), { code: c });
    expect(neverReachedServer(new TypeError("fetch failed", { cause: new AggregateError([code("ECONNREFUSED"), code("ENETUNREACH")]) }))).toBe(true);
    expect(neverReachedServer(new TypeError("fetch failed", { cause: new AggregateError([code("ECONNREFUSED"), code("ECONNRESET")]) }))).toBe(false);
  });

  it("a successful answer says whether an earlier attempt may have been applied", async () => {
    const cases: [string, (Response | Error)[], boolean][] = [
      ["dropped, then 200", [dropped(), json(200, { items: [] })], true],
      ["refused, then 200", [refused(), json(200, { items: [] })], false],
      ["504, then 200", [cdfError(504), json(200, { items: [] })], true],
      ["502, then 200", [cdfError(502), json(200, { items: [] })], true],
      ["408, then 200", [cdfError(408), json(200, { items: [] })], true],
      ["503 and 429, then 200", [cdfError(503), cdfError(429), json(200, { items: [] })], false],
      ["200", [json(200, { items: [] })], false],
    ];
    for (const [name, answers, applied] of cases) {
      const response = await testClient(scripted(...answers)).post("/models/instances", { items: [] });
      expect([name, response.maybeApplied]).toEqual([name, applied]);
    }
  });

  it("a final error says whether an attempt may have been applied", async () => {
    const once = { retry: { maxRetries: 0 } };
    const final = (fetch: FetchLike, options: Partial<ClientOptions> = once): Promise<unknown> =>
      testClient(fetch, options)
        .post("/models/instances", { items: [] })
        .catch((e: unknown) => e);
    const gateway = (await final(scripted(cdfError(504, "Gateway timeout")))) as ServerError;
    expect(gateway).toBeInstanceOf(ServerError);
    expect(gateway.maybeApplied).toBe(true);
    expect(((await final(scripted(cdfError(503)))) as ServerError).maybeApplied).toBe(false);
    // A conflict after a lost attempt: the conflict may be with that attempt's own write.
    const conflict = (await final(scripted(dropped(), cdfError(409, "version conflict")), {})) as ServerError;
    expect(conflict.status).toBe(409);
    expect(conflict.maybeApplied).toBe(true);
    const refusedOnly = (await final(scripted(refused()), { retry: { maxRetries: 2 } })) as ConnectionFailedError;
    expect(refusedOnly).toBeInstanceOf(ConnectionFailedError);
    expect(refusedOnly.maybeApplied).toBe(false);
    const droppedOnce = (await final(scripted(refused(), dropped(), refused()), { retry: { maxRetries: 2 } })) as ConnectionFailedError;
    expect(droppedOnce.maybeApplied).toBe(true);
  });

  it("a token failure after a lost attempt still says the request may have been applied", async () => {
    let calls = 0;
    const credentials: Credentials = {
      authorize: () => (calls++ === 0 ? Promise.resolve("Bearer t") : Promise.reject(new OAuthError("the identity provider is down"))),
      invalidate: () => false,
    };
    const error = (await testClient(scripted(dropped()), { credentials })
      .post("/models/instances", { items: [] })
      .catch((e: unknown) => e)) as OAuthError;
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.message).toBe("the identity provider is down");
    expect(error.maybeApplied).toBe(true);
  });

  it("upsert and delete report failed items with maybeApplied and the reason", async () => {
    const pumps = (fetch: FetchLike) => new NodeApi(new InstanceClient(testClient(fetch, { retry: { maxRetries: 2 } }), { instanceSpace: "s" }), view);
    const never = await upsertError(pumps(scripted(refused())).upsert({ externalId: "a" }));
    expect(never.failed.map((f) => [f.maybeApplied, f.status])).toEqual([[false, undefined]]);
    expect(never.failed[0]?.reason).toMatch(/ECONNREFUSED.*\(no attempt reached the server: nothing was applied\)$/);
    const maybe = await upsertError(pumps(scripted(dropped(), refused())).upsert({ externalId: "a" }));
    expect(maybe.failed[0]?.maybeApplied).toBe(true);
    expect(maybe.failed[0]?.reason).toMatch(/may or may not have been applied/);
    const deleteFailure = (await pumps(scripted(cdfError(504, "Gateway timeout")))
      .delete(["a", "b"])
      .catch((e: unknown) => e)) as DeleteError;
    expect(deleteFailure.failed.map((f) => [f.externalId, f.status, f.maybeApplied])).toEqual([
      ["a", 504, true],
      ["b", 504, true],
    ]);
    const refusedDelete = (await pumps(scripted(cdfError(400, "bad")))
      .delete(["a"])
      .catch((e: unknown) => e)) as DeleteError;
    expect(refusedDelete.failed.map((f) => [f.reason, f.maybeApplied])).toEqual([["bad", false]]);
  });

  it("the halves of a split batch inherit a lost attempt: their 'not modified' is uncertain", async () => {
    // Attempt 1 of the batch is applied but its answer lost; the retry conflicts (409) on b, whose version the lost
    // attempt raised; the split sends [a] (not modified: the lost attempt wrote it) and [b] (409 again).
    const fetch = fakeFetch((call, index) => {
      if (index === 0) throw dropped();
      const items = (call.body as Body).items;
      if (items.some((i) => i.externalId === "b")) return cdfError(409, "version conflict on b");
      return json(200, { items: items.map((i) => ({ ...i, version: 2, wasModified: false, createdTime: 5, lastUpdatedTime: 6 })) });
    });
    const pumps = new NodeApi(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    const error = await upsertError(pumps.upsert([{ externalId: "a" }, { externalId: "b", existingVersion: 1 }]));
    expect(error.result.items.map((i) => [i.externalId, i.status])).toEqual([["a", "uncertain"]]);
    expect(error.failed.map((f) => [f.externalId, f.status, f.maybeApplied])).toEqual([["b", 409, true]]);
  });
});

// ------------------------------------------------------------------------------------------ Retry-After

describe("Retry-After as Python reads it", () => {
  it.each([
    ["1e3", 1_000_000],
    ["1E1", 10_000],
    [".5", 500],
    ["5.", 5000],
    ["+2", 2000],
    ["1_000", 1_000_000],
    ["-0", 0],
    [" 2.5e-1 ", 250],
  ])("%j -> %d ms", (value, ms) => {
    expect(parseRetryAfter(value, 0)).toBe(ms);
  });

  it.each(["1e400", "-1e3", "1__0", "_1", "1_", "inf", "1e", "0x10", "NaN", "Infinity"])("ignores %j", (value) => {
    expect(parseRetryAfter(value, 0)).toBeUndefined();
  });

  it("the transport waits what Retry-After: 1e1 asks (capped as always)", async () => {
    const sleep = recordingSleep();
    const fetch = scripted(cdfError(429, "slow down", { "retry-after": "1e1" }), cdfError(429, "slow down", { "retry-after": "1e3" }), json(200, {}));
    await testClient(fetch, { sleep }).get("/models/spaces");
    expect(sleep.waits).toEqual([10_000, 60_000]);
  });
});

// ------------------------------------------------------------------------------------------ deadlines

describe("Deadline", () => {
  it("keeps time from the last success and from the start, and latches once passed", () => {
    let now = 0;
    const clock = () => now;
    const deadline = new Deadline(retryPolicy({ progressDeadlineMs: 10_000, deadlineMs: 25_000 }), undefined, clock);
    now = 9_000;
    expect(deadline.remaining()).toBe(1_000);
    deadline.progress();
    now = 18_000;
    expect(deadline.remaining()).toBe(1_000);
    expect(deadline.describe()).toBe("10 s without a successful request (RetryPolicy.progressDeadlineMs)");
    deadline.progress();
    now = 24_000;
    expect(deadline.remaining()).toBe(1_000);
    expect(deadline.describe()).toBe("the call's deadline of 25 s");
    now = 25_000;
    expect(deadline.passed).toBe(true);
    // A success of a request still in flight does not reopen it.
    deadline.progress();
    expect(deadline.passed).toBe(true);
    expect(deadline.describe()).toBe("the call's deadline of 25 s");

    const unlimited = new Deadline(retryPolicy({ progressDeadlineMs: null }), undefined, clock);
    expect(unlimited.remaining()).toBe(Infinity);
    unlimited.giveUp();
    expect([unlimited.passed, unlimited.remaining()]).toEqual([true, 0]);
    // Per call: a number overrides the policy's total, null removes it.
    expect(new Deadline(retryPolicy({ deadlineMs: 5 }), 500, clock).totalMs).toBe(500);
    expect(new Deadline(retryPolicy({ deadlineMs: 5 }), null, clock).totalMs).toBeNull();
    expect(new Deadline(retryPolicy({ deadlineMs: 5 }), undefined, clock).totalMs).toBe(5);
    expect([DEFAULT_RETRY_POLICY.progressDeadlineMs, DEFAULT_RETRY_POLICY.deadlineMs]).toEqual([90_000, null]);
    // A policy object without the deadline fields (written before they existed) takes the defaults.
    const bare = { maxRetries: 1, backoffBaseMs: 1, backoffMaxMs: 1, retryAfterMaxMs: 1, statuses: new Set<number>() };
    expect(new Deadline(bare, undefined, clock).progressMs).toBe(90_000);
  });

  it.each([0, -1, NaN, Infinity, "60", true])("refuses %j as a deadline", (value) => {
    const shown = typeof value === "string" ? `"${value}"` : String(value);
    for (const key of ["progressDeadlineMs", "deadlineMs"] as const) {
      const message = `RetryPolicy.${key} must be a positive, finite number of milliseconds or null, got ${shown}`;
      expect(() => retryPolicy({ [key]: value as never })).toThrow(message);
      expect(() => testClient(scripted(json(200)), { retry: { [key]: value as never } })).toThrow(message);
    }
  });

  it("refuses a bad per-call deadline before sending anything", async () => {
    const fetch = fakeFetch(echo);
    const client = new InstanceClient(testClient(fetch), { instanceSpace: "s" });
    await expect(client.upsert([{ instanceType: "node", space: "s", externalId: "a" }], { deadlineMs: -1 })).rejects.toThrow(
      "deadlineMs must be a positive, finite number of milliseconds or null, got -1",
    );
    await expect(client.delete(["a"], { deadlineMs: Number.NaN })).rejects.toThrow(/deadlineMs must be a positive/);
    expect(fetch.calls).toHaveLength(0);
    // null is no limit; undefined the policy's.
    expect((await client.delete(["a"], { deadlineMs: null })).deleted).toHaveLength(1);
  });

  it("a request whose call's deadline already passed is not sent", async () => {
    const fetch = fakeFetch(echo);
    const http = testClient(fetch);
    const deadline = http.newDeadline();
    deadline.giveUp();
    const error = await http.post("/models/instances", { items: [] }, { deadline }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlinePassedError);
    expect((error as DeadlinePassedError).message).toMatch(/^POST \S+ not sent: 90 s without a successful request \(RetryPolicy.progressDeadlineMs\) passed before it started$/);
    expect(fetch.calls).toHaveLength(0);
  });
});

describe("a bulk call shares one deadline over all its batches", () => {
  it("a server gone for good: the batches in flight give up at the progress deadline, the rest is not sent", async () => {
    const time = fakeTime();
    const fetch = fakeFetch(() => {
      throw refused();
    });
    const http = testClient(fetch, { retry: DEAD_POLICY, limits: { write: 2 }, clock: time.clock, sleep: time.sleep });
    const pumps = new NodeApi(new InstanceClient(http, { instanceSpace: "s" }), view);
    const error = await upsertError(pumps.upsert(nodes(10_000)));
    expect(error.failed).toHaveLength(10_000);
    expect(error.result.items).toHaveLength(0);
    expect(error.message).toMatch(/^10000 of 10000 instances were not written \(0 succeeded\)/);
    const tried = error.failed.filter((f) => f.reason.includes(`; gave up: ${PROGRESS}`));
    const notSent = error.failed.filter((f) => f.reason === `not sent: ${PROGRESS} before this batch started`);
    expect([tried.length, notSent.length]).toEqual([2000, 8000]);
    expect(tried.every((f) => f.reason.endsWith("(no attempt reached the server: nothing was applied)"))).toBe(true);
    expect(error.failed.some((f) => f.maybeApplied)).toBe(false);
    // Two batches (the write limit) retried for 300 ms of backoff between them, instead of 1000 retries each.
    expect(fetch.calls.length).toBeGreaterThan(2);
    expect(fetch.calls.length).toBeLessThan(80);
    expect(new Set(fetch.calls.map((c) => (c.body as Body).items[0]?.externalId))).toEqual(new Set(["n00000", "n01000"]));
  });

  it("what was written before the deadline is reported, and the rest names the deadline", async () => {
    const time = fakeTime();
    // Batch 1 is written; then the service answers 503 for good.
    const fetch = fakeFetch((call, index) => (index === 0 ? echo(call) : cdfError(503, "Service unavailable")));
    const http = testClient(fetch, { retry: DEAD_POLICY, limits: { write: 1, delete: 1 }, clock: time.clock, sleep: time.sleep });
    const pumps = new NodeApi(new InstanceClient(http, { instanceSpace: "s" }), view);
    const error = await upsertError(pumps.upsert(nodes(3000)));
    expect(error.result.created.map((r) => r.externalId)).toEqual(nodes(1000).map((n) => n.externalId));
    expect(error.failed).toHaveLength(2000);
    expect(new Set(error.failed.map((f) => f.reason))).toEqual(
      new Set([`Service unavailable (not retried: ${PROGRESS})`, `not sent: ${PROGRESS} before this batch started`]),
    );
    expect(error.failed.filter((f) => f.status === 503).map((f) => f.externalId)).toEqual(nodes(2000).slice(1000).map((n) => n.externalId));
    expect(error.failed.some((f) => f.maybeApplied)).toBe(false);
    // The third batch was never sent: every request after the first is batch 2's.
    expect(fetch.calls.slice(1).every((c) => (c.body as Body).items[0]?.externalId === "n01000")).toBe(true);

    // deadlineMs bounds one call in total, whatever its progress.
    const deletes = (await pumps.delete(["n00000", "n00001"], { deadlineMs: 200 }).catch((e: unknown) => e)) as DeleteError;
    expect(deletes).toBeInstanceOf(DeleteError);
    expect(deletes.failed.map((f) => [f.externalId, f.reason, f.maybeApplied])).toEqual([
      ["n00000", "Service unavailable (not retried: the call's deadline of 200 ms passed)", false],
      ["n00001", "Service unavailable (not retried: the call's deadline of 200 ms passed)", false],
    ]);
  });

  it("a gateway timing out until the deadline: the batch may have been applied", async () => {
    const time = fakeTime();
    const fetch = fakeFetch(() => cdfError(504, "Gateway timeout"));
    const http = testClient(fetch, { retry: DEAD_POLICY, clock: time.clock, sleep: time.sleep });
    const error = await upsertError(new NodeApi(new InstanceClient(http, { instanceSpace: "s" }), view).upsert(nodes(2)));
    expect(error.failed.map((f) => f.maybeApplied)).toEqual([true, true]);
    expect(error.failed[0]?.reason).toBe(
      `Gateway timeout (not retried: ${PROGRESS}) (the answer to an attempt was lost after sending: the batch may or may not have been applied)`,
    );
  });

  it("a single request gives up at its own deadline with the reason (real clock)", async () => {
    const policy = { maxRetries: 100_000, backoffBaseMs: 1, backoffMaxMs: 2, progressDeadlineMs: 100 };
    const down = fakeFetch(() => {
      throw refused();
    });
    const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
    const connection = (await testClient(down, { retry: policy, sleep })
      .get("/models/spaces")
      .catch((e: unknown) => e)) as ConnectionFailedError;
    expect(connection).toBeInstanceOf(ConnectionFailedError);
    expect(connection.message).toMatch(/; gave up: 100 ms without a successful request \(RetryPolicy.progressDeadlineMs\) passed$/);
    expect(connection.gaveUp).toBe("100 ms without a successful request (RetryPolicy.progressDeadlineMs) passed");
    const busy = fakeFetch(() => cdfError(503, "Service unavailable"));
    const server = (await testClient(busy, { retry: policy, sleep })
      .get("/models/spaces")
      .catch((e: unknown) => e)) as ServerError;
    expect(server).toBeInstanceOf(ServerError);
    expect(server.message).toMatch(/503: Service unavailable \(not retried: 100 ms without a successful request/);
    expect(down.calls.length + busy.calls.length).toBeLessThan(400);
  });

  it("the default progress deadline outlasts the longest wait a server can ask for", async () => {
    const time = fakeTime();
    // Every answer asks for an hour; the wait is capped at retryAfterMaxMs (60 s) and retried.
    const fetch = scripted(cdfError(429, "slow", { "retry-after": "3600" }), json(200, {}));
    await testClient(fetch, { clock: time.clock, sleep: time.sleep }).get("/models/spaces");
    expect(time.waits).toEqual([60_000]);
  });
});

// ------------------------------------------------------------------------------------------ the emulator

async function setFaults(emulator: RunningEmulator, settings: Record<string, number>): Promise<void> {
  const response = await fetch(`${emulator.baseUrl}/_emulator/faults`, {
    method: "POST",
    headers: { authorization: `Bearer ${emulator.token}`, "content-type": "application/json" },
    body: JSON.stringify(settings),
  });
  expect(response.status).toBe(200);
}

/** The global fetch, recording per batch (by its first id) whether its first attempt got no answer. */
function recordingFetch(): FetchLike & { firstLost: Map<string, boolean>; state: { lost: number } } {
  const firstLost = new Map<string, boolean>();
  const state = { lost: 0 };
  const wrapped: FetchLike = async (url, init) => {
    const first = init.body === undefined ? undefined : (JSON.parse(init.body) as Partial<Body>).items?.[0]?.externalId;
    const fresh = first !== undefined && !firstLost.has(first);
    try {
      const response = await fetch(url, init);
      if (fresh) firstLost.set(first, false);
      return response;
    } catch (error) {
      state.lost++;
      if (fresh) firstLost.set(first, true);
      throw error;
    }
  };
  return Object.assign(wrapped, { firstLost, state });
}

// Emulator-only (fault injection): skipped when the run talks to a CDF target.
describe.skipIf(onCdf())("lost answers against the emulator", () => {
  let emulator: RunningEmulator;
  const quick = { maxRetries: 20, backoffBaseMs: 1, backoffMaxMs: 2 };

  beforeAll(async () => {
    // Its own process: faults are global to an emulator, and the other tests share theirs.
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("rate_lost stores the write and drops the answer: the retry's items are uncertain, never unchanged", async () => {
    const recorder = recordingFetch();
    const http = new HttpClient({ project: "p", baseUrl: emulator.baseUrl, credentials: new Token(emulator.token), retry: quick, fetch: recorder });
    const space = freshSpace("lost");
    const views = await createTestSchema(http, space);
    const pumps = new NodeApi<{ name?: string }>(new InstanceClient(http, { instanceSpace: space }), views.pump);
    const items = Array.from({ length: 3000 }, (_, i) => ({ externalId: `p${String(i).padStart(4, "0")}`, properties: { name: `P-${i}` } }));
    const firstOf = (externalId: string): string => `p${String(Math.floor(Number(externalId.slice(1)) / 1000) * 1000).padStart(4, "0")}`;

    // Seed 0: of the first three rolls one is below 0.5, so one batch loses its first answer and two do not.
    await setFaults(emulator, { rate_lost: 0.5, seed: 0 });
    const result = await pumps.upsert(items);
    expect(result.items).toHaveLength(3000);
    // Exact per batch: a batch whose first answer was lost was stored by that attempt, so its retry reads "not
    // modified": uncertain. The others were created.
    for (const item of result.items) {
      expect([item.externalId, item.status]).toEqual([item.externalId, recorder.firstLost.get(firstOf(item.externalId)) ? "uncertain" : "created"]);
    }
    expect(result.uncertain.length).toBeGreaterThan(0);
    expect(result.created.length).toBeGreaterThan(0);
    expect(result.unchanged).toHaveLength(0);

    // Without faults, writing the same again is "unchanged", item by item: the status still means it.
    await setFaults(emulator, {});
    expect(await pumps.count()).toBe(3000);
    expect(new Set((await pumps.upsert(items)).items.map((i) => i.status))).toEqual(new Set(["unchanged"]));

    // Deletes: an instance a retried delete no longer finds was deleted by the lost attempt (or was missing before).
    recorder.firstLost.clear();
    await setFaults(emulator, { rate_lost: 0.5, seed: 0 });
    const deleted = await pumps.delete(items.map((i) => i.externalId));
    expect(deleted.deleted.length + deleted.uncertain.length).toBe(3000);
    expect(deleted.notFound).toHaveLength(0);
    expect(deleted.uncertain.length).toBeGreaterThan(0);
    for (const id of deleted.uncertain) expect(recorder.firstLost.get(firstOf(id.externalId))).toBe(true);
    for (const id of deleted.deleted) expect(recorder.firstLost.get(firstOf(id.externalId))).toBe(false);
    await setFaults(emulator, {});
    expect(await pumps.count()).toBe(0);
    expect((await pumps.delete(["p0000"])).notFound.map((i) => i.externalId)).toEqual(["p0000"]);
    expect(recorder.state.lost).toBeGreaterThan(0);
  });

  it("a lost answer to an update and to a version-guarded write is uncertain", async () => {
    const plain = new HttpClient({ project: "p", baseUrl: emulator.baseUrl, credentials: new Token(emulator.token) });
    const space = freshSpace("lost");
    const views = await createTestSchema(plain, space);
    const plainPumps = new NodeApi<{ name?: string }>(new InstanceClient(plain, { instanceSpace: space }), views.pump);
    await plainPumps.upsert(["a", "b", "c"].map((id) => ({ externalId: id, properties: { name: `${id}-1` } })));

    // The server carries out the first attempt of every apply, and its answer is lost; retries get theirs.
    const seen = new Set<string>();
    const lossy: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      const body = init.body ?? "";
      if (url.endsWith("/models/instances") && !seen.has(body)) {
        seen.add(body);
        await response.text();
        throw dropped();
      }
      return response;
    };
    const http = new HttpClient({ project: "p", baseUrl: emulator.baseUrl, credentials: new Token(emulator.token), retry: quick, fetch: lossy });
    const pumps = new NodeApi<{ name?: string }>(new InstanceClient(http, { instanceSpace: space }), views.pump);
    // An update: the lost attempt changed the node, the retry finds nothing to change.
    expect((await pumps.upsert({ externalId: "a", properties: { name: "a-2" } })).items.map((i) => i.status)).toEqual(["uncertain"]);
    // A guarded write: the lost attempt wrote version 2, the retry conflicts with it and is skipped. Neither
    // "skipped" nor "unchanged" would be true.
    const guarded = await pumps.upsert({ externalId: "b", existingVersion: 1, properties: { name: "b-2" } }, { skipOnVersionConflict: true });
    expect(guarded.items.map((i) => i.status)).toEqual(["uncertain"]);
    // Without skipOnVersionConflict the retry's 409 is a failure that may have been applied (and it was).
    const error = await upsertError(pumps.upsert({ externalId: "c", existingVersion: 1, properties: { name: "c-2" } }));
    expect(error.failed.map((f) => [f.externalId, f.status, f.maybeApplied])).toEqual([["c", 409, true]]);
    expect(error.failed[0]?.reason).toMatch(/may or may not have been applied/);
    const stored = await plainPumps.retrieve(["a", "b", "c"]);
    expect(stored.items.map((p) => p.properties.name)).toEqual(["a-2", "b-2", "c-2"]);
  });
});
