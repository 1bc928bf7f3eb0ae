import { describe, expect, it } from "vitest";
import { HttpClient, Token, VERSION, type FetchInit } from "../../pygen/ts_runtime/index.js";
import { inferKind, resolveBaseUrl, Semaphore } from "../../pygen/ts_runtime/transport.js";
import { deferred, fakeFetch, json, testClient } from "./helpers.js";

describe("URLs and headers", () => {
  it("builds the project URL from a cluster name and sends the standard headers", async () => {
    const fetch = fakeFetch(() => json(200, { items: [] }));
    const http = new HttpClient({ project: "my project", cluster: "westeurope-1", credentials: new Token("abc"), clientName: "my-app", fetch });
    expect(http.config.projectUrl).toBe("https://westeurope-1.cognitedata.com/api/v1/projects/my%20project");
    await http.post("/models/instances/list", { limit: 9007199254740993n });
    const [call] = fetch.calls;
    expect(call?.url).toBe("https://westeurope-1.cognitedata.com/api/v1/projects/my%20project/models/instances/list");
    expect(call?.init.method).toBe("POST");
    expect(call?.init.headers).toMatchObject({
      authorization: "Bearer abc",
      "x-cdp-app": "my-app",
      "x-cdp-sdk": `pygen-ts:${VERSION}`,
      "content-type": "application/json",
      accept: "application/json",
    });
    expect(call?.init.body).toBe('{"limit":9007199254740993}');
  });

  it("sends query parameters (arrays repeated) and no content-type without a body", async () => {
    const fetch = fakeFetch(() => json(200, { items: [] }));
    await testClient(fetch).get("/models/containers", { params: { usedFor: ["node", "edge"], limit: 10, cursor: undefined } });
    expect(fetch.calls[0]?.url).toBe("https://example.test/api/v1/projects/p/models/containers?usedFor=node&usedFor=edge&limit=10");
    expect(fetch.calls[0]?.init.headers["content-type"]).toBeUndefined();
  });

  it.each([
    [{}, "https://api.cognitedata.com"],
    [{ baseUrl: "http://127.0.0.1:8000/" }, "http://127.0.0.1:8000"],
    [{ cluster: "az-eastus-1" }, "https://az-eastus-1.cognitedata.com"],
  ])("resolves the base URL of %j", (options, expected) => {
    expect(resolveBaseUrl(options)).toBe(expected);
  });

  it.each([
    [{ cluster: "a", baseUrl: "https://x" }, /not both/],
    [{ cluster: "evil.com/x" }, /invalid cluster/],
    [{ baseUrl: "not a url" }, /not a URL/],
    [{ baseUrl: "ftp://x" }, /http\(s\)/],
    [{ baseUrl: "https://x/?q=1" }, /query/],
  ])("rejects %j", (options, message) => {
    expect(() => resolveBaseUrl(options)).toThrow(message);
  });

  it("validates its options", async () => {
    const credentials = new Token("t");
    expect(() => new HttpClient({ project: "", credentials })).toThrow(/project/);
    expect(() => new HttpClient({ project: "p", credentials, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new HttpClient({ project: "p", credentials, limits: { read: 0 } })).toThrow(/limits.read/);
    expect(() => new HttpClient({ project: "p", credentials: {} as Token })).toThrow(/credentials/);
    await expect(testClient(fakeFetch(() => json(200))).get("models/spaces")).rejects.toThrow(/must start with/);
  });

  it("parses responses int64-safe and exposes the request id", async () => {
    const fetch = fakeFetch(() => new Response('{"items":[{"serial":9223372036854775807}]}', { status: 200, headers: { "x-request-id": "r1" } }));
    const response = await testClient(fetch).post("/models/instances/list", {});
    expect(response.json()).toEqual({ items: [{ serial: 9223372036854775807n }] });
    expect(response.requestId).toBe("r1");
  });

  it("reports non-JSON error bodies readably", async () => {
    const fetch = fakeFetch(() => new Response("<html><body>Bad\n gateway</body></html>", { status: 400, statusText: "Bad Request" }));
    await expect(testClient(fetch).get("/models/spaces")).rejects.toThrow("400: <html><body>Bad gateway</body></html>");
    const empty = fakeFetch(() => new Response("", { status: 404, statusText: "Not Found" }));
    await expect(testClient(empty).get("/models/spaces")).rejects.toThrow(/404: Not Found/);
    const missing = fakeFetch(() => json(400, { error: { code: 400, message: "gone", missing: [{ space: "s", externalId: "x" }], duplicated: [{ space: "s", externalId: "y" }] } }));
    const error = await testClient(missing).get("/models/spaces").catch((e: unknown) => e);
    expect(error).toMatchObject({ missing: [{ space: "s", externalId: "x" }], duplicated: [{ space: "s", externalId: "y" }] });
    expect((error as Error).message).toMatch(/missing: \[\{"space":"s","externalId":"x"\}\]/);
  });
});

describe("request kinds", () => {
  it.each([
    ["POST", "/models/instances", "write"],
    ["POST", "/models/spaces", "write"],
    ["POST", "/models/instances/delete", "delete"],
    ["POST", "/models/spaces/delete", "delete"],
    ["POST", "/models/instances/list", "read"],
    ["POST", "/models/instances/byids", "read"],
    ["GET", "/models/instances", "read"],
    ["GET", "/models/spaces", "read"],
  ])("%s %s is a %s", (method, path, kind) => {
    expect(inferKind(method, path)).toBe(kind);
  });
});

/** A fetch that holds every request until released, counting how many are in flight. */
function gatedFetch() {
  let inFlight = 0;
  const peak: Record<string, number> = {};
  const current: Record<string, number> = {};
  const gates: (() => void)[] = [];
  const fetch = fakeFetch(async (call) => {
    const kind = call.url.endsWith("/delete") ? "delete" : call.url.endsWith("/models/instances") ? "write" : "read";
    inFlight++;
    current[kind] = (current[kind] ?? 0) + 1;
    peak[kind] = Math.max(peak[kind] ?? 0, current[kind] ?? 0);
    const gate = deferred();
    gates.push(gate.resolve);
    await gate.promise;
    inFlight--;
    current[kind] = (current[kind] ?? 0) - 1;
    return json(200, { items: [] });
  });
  return {
    fetch,
    peak,
    get inFlight() {
      return inFlight;
    },
    /** Releases what is waiting, until nothing is left. */
    async drain(): Promise<void> {
      for (let i = 0; i < 1000; i++) {
        await new Promise((r) => setTimeout(r, 0));
        const open = gates.splice(0);
        if (open.length === 0 && inFlight === 0) return;
        open.forEach((release) => release());
      }
    },
  };
}

describe("concurrency limits", () => {
  it("never has more requests of a kind in flight than allowed", async () => {
    const gate = gatedFetch();
    const http = testClient(gate.fetch, { limits: { read: 3, write: 2, delete: 1 } });
    const requests = [
      ...Array.from({ length: 12 }, () => http.post("/models/instances/list", {})),
      ...Array.from({ length: 7 }, () => http.post("/models/instances", { items: [] })),
      ...Array.from({ length: 5 }, () => http.post("/models/instances/delete", { items: [] })),
    ];
    await new Promise((r) => setTimeout(r, 10));
    // Budgets are separate: a full read budget does not block writes or deletes.
    expect(gate.inFlight).toBe(3 + 2 + 1);
    await gate.drain();
    await Promise.all(requests);
    expect(gate.peak).toEqual({ read: 3, write: 2, delete: 1 });
    expect(gate.fetch.calls).toHaveLength(24);
  });

  it("frees the slot while waiting to retry", async () => {
    let first = true;
    const seen: string[] = [];
    const fetch = fakeFetch((call) => {
      seen.push(call.init.body ?? "");
      if (first) {
        first = false;
        return json(503, {});
      }
      return json(200, {});
    });
    const wait = deferred();
    const sleep = () => wait.promise;
    const http = testClient(fetch, { limits: { read: 1 }, sleep });
    const a = http.post("/models/instances/list", { n: 1 });
    await new Promise((r) => setTimeout(r, 5));
    const b = http.post("/models/instances/list", { n: 2 });
    await b; // went through while `a` waits for its retry
    wait.resolve();
    await a;
    expect(seen).toEqual(['{"n":1}', '{"n":2}', '{"n":1}']);
  });

  it("a caller aborting while queued gives up its place", async () => {
    const gate = gatedFetch();
    const http = testClient(gate.fetch, { limits: { read: 1 } });
    const first = http.get("/models/spaces");
    const controller = new AbortController();
    const queued = http.get("/models/spaces", { signal: controller.signal });
    const third = http.get("/models/spaces");
    await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error("not needed any more"));
    await expect(queued).rejects.toThrow("not needed any more");
    await gate.drain();
    await Promise.all([first, third]);
    expect(gate.fetch.calls).toHaveLength(2);
  });

  it("Semaphore is FIFO and release is idempotent", async () => {
    const semaphore = new Semaphore(1);
    const order: number[] = [];
    const release = await semaphore.acquire();
    const waiting = [1, 2, 3].map(async (n) => {
      const done = await semaphore.acquire();
      order.push(n);
      done();
    });
    release();
    release(); // a second call must not free a second slot
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });
});

describe("a FetchInit carries an AbortSignal", () => {
  it("passes a signal to fetch for each attempt", async () => {
    const signals: AbortSignal[] = [];
    const fetch = fakeFetch((call) => {
      signals.push((call.init as FetchInit).signal);
      return json(200);
    });
    await testClient(fetch).get("/models/spaces");
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]?.aborted).toBe(false);
  });
});
