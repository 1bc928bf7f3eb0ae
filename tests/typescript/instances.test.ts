/** Instance API against a fake fetch: request bodies, batching, splitting, paging, parsing. */
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  DeleteError,
  EdgeApi,
  InstanceClient,
  NodeApi,
  UpsertError,
  type ApplyItem,
  type JsonValue,
} from "../../pygen/ts_runtime/index.js";
import { cdfError, fakeFetch, json, testClient, type Call } from "./helpers.js";

const view = { space: "s", externalId: "Pump", version: "v1" };
interface Pump {
  name?: string;
  serial?: number | bigint;
}

type Body = Record<string, unknown> & { items: ApplyItem[] };

function echoApply(call: Call) {
  const body = call.body as Body;
  return json(200, {
    items: body.items.map((item) => ({
      instanceType: item.instanceType,
      space: item.space,
      externalId: item.externalId,
      version: 1,
      wasModified: !item.externalId.startsWith("same"),
      createdTime: 5,
      lastUpdatedTime: item.externalId.startsWith("old") ? 6 : 5,
    })),
    deleted: [],
  });
}

describe("upsert", () => {
  it("writes through the view in batches of 1000, nodes before edges, and reports each item", async () => {
    const fetch = fakeFetch(echoApply);
    const client = new InstanceClient(testClient(fetch), { instanceSpace: "inst" });
    const pumps = new NodeApi<Pump>(client, view);
    const items = Array.from({ length: 2500 }, (_, i) => ({ externalId: `p${i}`, properties: { name: `P-${i}` } }));
    const result = await pumps.upsert([...items, { externalId: "old1" }, { externalId: "same1", space: "other", properties: { name: undefined } as never }]);
    expect(fetch.calls.map((c) => (c.body as Body).items.length)).toEqual([1000, 1000, 502]);
    const first = fetch.calls[0]?.body as Body;
    expect(first).toMatchObject({ replace: false, skipOnVersionConflict: false, autoCreateDirectRelations: true, autoCreateStartNodes: false, autoCreateEndNodes: false });
    expect(first.items[0]).toEqual({
      instanceType: "node",
      space: "inst",
      externalId: "p0",
      sources: [{ source: { type: "view", space: "s", externalId: "Pump", version: "v1" }, properties: { name: "P-0" } }],
    });
    // Without properties the source is still written (the instance gets data in the view).
    expect((fetch.calls[2]?.body as Body).items.slice(-2)).toEqual([
      { instanceType: "node", space: "inst", externalId: "old1", sources: [{ source: { type: "view", ...view } }] },
      { instanceType: "node", space: "other", externalId: "same1", sources: [{ source: { type: "view", ...view } }] },
    ]);
    expect(result.created).toHaveLength(2500);
    expect(result.updated.map((r) => r.externalId)).toEqual(["old1"]);
    expect(result.unchanged.map((r) => r.externalId)).toEqual(["same1"]);
  });

  it("writes a property named __proto__ as data (no prototype assignment, nothing dropped)", async () => {
    const fetch = fakeFetch(echoApply);
    const client = new InstanceClient(testClient(fetch), { instanceSpace: "inst" });
    const pumps = new NodeApi<Record<string, unknown>>(client, view);
    const properties = JSON.parse('{"__proto__": "kept", "name": "P"}') as Record<string, unknown>;
    await pumps.upsert([{ externalId: "p", properties }]);
    const sent = (fetch.calls[0]?.body as Body).items[0] as unknown as { sources: { properties: object }[] };
    const props = sent.sources[0]?.properties ?? {};
    expect(Object.keys(props)).toEqual(["__proto__", "name"]);
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
  });

  it("writes edges after all nodes, resolving bare ids in the instance space", async () => {
    const fetch = fakeFetch(echoApply);
    const client = new InstanceClient(testClient(fetch), { instanceSpace: "inst" });
    const flows = new EdgeApi<{ rate?: number }>(client, { space: "s", externalId: "Flow", version: "v1" });
    const pumps = new NodeApi<Pump>(client, view);
    const edgeItems = [{ externalId: "e1", type: "flows", startNode: "a", endNode: { space: "x", externalId: "b" }, properties: { rate: 2 } }].map(
      (e) => (flows as unknown as { toApply(x: unknown): ApplyItem }).toApply(e),
    );
    const nodeItems = [{ externalId: "a" }].map((n) => (pumps as unknown as { toApply(x: unknown): ApplyItem }).toApply(n));
    await client.upsert([...edgeItems, ...nodeItems]);
    expect(fetch.calls.map((c) => (c.body as Body).items.map((i) => i.instanceType))).toEqual([["node"], ["edge"]]);
    expect((fetch.calls[1]?.body as Body).items[0]).toEqual({
      instanceType: "edge",
      space: "inst",
      externalId: "e1",
      type: { space: "inst", externalId: "flows" },
      startNode: { space: "inst", externalId: "a" },
      endNode: { space: "x", externalId: "b" },
      sources: [{ source: { type: "view", space: "s", externalId: "Flow", version: "v1" }, properties: { rate: 2 } }],
    });
  });

  it("splits a refused batch to name exactly the failing items; the rest is written", async () => {
    const fetch = fakeFetch((call) => {
      const body = call.body as Body;
      if (body.items.some((i) => i.externalId === "bad7")) return cdfError(409, "version conflict on bad7");
      return echoApply(call);
    });
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    const items = Array.from({ length: 16 }, (_, i) => ({ externalId: i === 7 ? "bad7" : `p${i}` }));
    const error = await pumps.upsert(items).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpsertError);
    const upsertError = error as UpsertError<{ items: unknown[] }>;
    expect(upsertError.failed).toEqual([
      expect.objectContaining({ instanceType: "node", space: "s", externalId: "bad7", status: 409, reason: "version conflict on bad7" }),
    ]);
    expect(upsertError.failed[0]?.error).toBeInstanceOf(ConflictError);
    expect(upsertError.result.items).toHaveLength(15);
    expect(upsertError.message).toMatch(/1 of 16 instances were not written \(15 succeeded\):\n {2}node s:bad7: version conflict/);
  });

  it("stops splitting when the error is about the request, not an item (3 requests, not 2n-1)", async () => {
    const fetch = fakeFetch(() => cdfError(400, "One or more views do not exist: x"));
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    const items = Array.from({ length: 1000 }, (_, i) => ({ externalId: `p${i}` }));
    const error = (await pumps.upsert(items).catch((e: unknown) => e)) as UpsertError;
    expect(fetch.calls.map((c) => (c.body as Body).items.length)).toEqual([1000, 500, 500]);
    expect(error.failed).toHaveLength(1000);
    expect(new Set(error.failed.map((f) => f.reason))).toEqual(new Set(["One or more views do not exist: x"]));
  });

  it("does not split on errors that are not about the items", async () => {
    const fetch = fakeFetch(() => cdfError(403, "forbidden"));
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    const error = (await pumps.upsert([{ externalId: "a" }, { externalId: "b" }]).catch((e: unknown) => e)) as UpsertError;
    expect(error.failed.map((f) => f.externalId)).toEqual(["a", "b"]);
    expect(fetch.calls).toHaveLength(1);
  });

  it("a batch without an answer is reported as maybe applied", async () => {
    const fetch = fakeFetch(() => {
      throw new TypeError("fetch failed");
    });
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch, { retry: { maxRetries: 0 } }), { instanceSpace: "s" }), view);
    const error = (await pumps.upsert({ externalId: "a" }).catch((e: unknown) => e)) as UpsertError;
    expect(error.failed[0]?.reason).toMatch(/may or may not have been applied/);
    expect(error.failed[0]?.status).toBeUndefined();
  });

  it("runs batches with the write concurrency limit", async () => {
    let inFlight = 0;
    let peak = 0;
    const fetch = fakeFetch(async (call) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return echoApply(call);
    });
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch, { limits: { write: 2 } }), { instanceSpace: "s" }), view);
    await pumps.upsert(Array.from({ length: 6000 }, (_, i) => ({ externalId: `p${i}` })));
    expect(fetch.calls).toHaveLength(6);
    expect(peak).toBe(2);
  });

  it("names bad write input", async () => {
    const fetch = fakeFetch(echoApply);
    const noSpace = new NodeApi<Pump>(new InstanceClient(testClient(fetch)), view);
    await expect(noSpace.upsert({ externalId: "a" })).rejects.toThrow(/node "a" has no space/);
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    await expect(pumps.upsert({ externalId: "" })).rejects.toThrow(/needs an externalId/);
    await expect(pumps.upsert([{ externalId: "a", properties: { name: "x" } }, { externalId: "a", properties: { name: "y" } }])).rejects.toThrow(
      /node s:a is given twice with different content/,
    );
    const flows = new EdgeApi(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    await expect(flows.upsert({ externalId: "e", startNode: "a", endNode: "b" } as never)).rejects.toThrow(/edge "e" needs type/);
    expect(() => new NodeApi(new InstanceClient(testClient(fetch)), { space: "s", externalId: "", version: "v1" })).toThrow(/view.externalId/);
    expect(fetch.calls).toHaveLength(0);
  });

  it("sends bigint property values exactly", async () => {
    const fetch = fakeFetch(echoApply);
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    await pumps.upsert({ externalId: "a", properties: { serial: 9223372036854775807n } });
    expect(fetch.calls[0]?.init.body).toContain('"properties":{"serial":9223372036854775807}');
  });
});

describe("delete", () => {
  it("deletes in batches and lists what was not found", async () => {
    const fetch = fakeFetch((call) => {
      const items = (call.body as Body).items;
      return json(200, { items: items.filter((i) => !i.externalId.startsWith("gone")) });
    });
    const client = new InstanceClient(testClient(fetch), { instanceSpace: "s" });
    const ids = [...Array.from({ length: 1500 }, (_, i) => `n${i}`), "gone1", "n0", { instanceType: "edge" as const, space: "x", externalId: "e" }];
    const result = await client.delete(ids);
    expect(fetch.calls.map((c) => (c.body as Body).items.length)).toEqual([1000, 502]);
    expect(result.deleted).toHaveLength(1501);
    expect(result.notFound).toEqual([{ instanceType: "node", space: "s", externalId: "gone1" }]);
    expect(result.deleted).toContainEqual({ instanceType: "edge", space: "x", externalId: "e" });
  });

  it("raises DeleteError naming the failed ids", async () => {
    const fetch = fakeFetch(() => cdfError(400, "space does not exist"));
    const client = new InstanceClient(testClient(fetch), { instanceSpace: "s" });
    const error = (await client.delete(["a"]).catch((e: unknown) => e)) as DeleteError;
    expect(error).toBeInstanceOf(DeleteError);
    expect(error.message).toMatch(/node s:a: space does not exist/);
  });
});

describe("reads", () => {
  const raw = (externalId: string, props: Record<string, unknown> = { name: externalId }) => ({
    instanceType: "node",
    space: "s",
    externalId,
    version: 2,
    createdTime: 1,
    lastUpdatedTime: 2,
    type: { space: "t", externalId: "Pump" },
    properties: { s: { "Pump/v1": props, "Other/v1": { ignored: true } } },
  });

  it("retrieve flattens the view's properties, keeps request order and reports missing ids", async () => {
    const fetch = fakeFetch(() => json(200, { items: [raw("b"), raw("a", { name: "A", serial: 1 })] }));
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    const { items, missing } = await pumps.retrieve(["a", "zzz", { space: "s", externalId: "b" }], { targetUnits: { pressure: "pressure:bar" } });
    expect(fetch.calls[0]?.body).toEqual({
      items: [
        { instanceType: "node", space: "s", externalId: "a" },
        { instanceType: "node", space: "s", externalId: "zzz" },
        { instanceType: "node", space: "s", externalId: "b" },
      ],
      sources: [{ source: { type: "view", ...view }, targetUnits: [{ property: "pressure", unit: { externalId: "pressure:bar" } }] }],
    });
    expect(items.map((i) => i.externalId)).toEqual(["a", "b"]);
    expect(items[0]).toEqual({
      instanceType: "node",
      space: "s",
      externalId: "a",
      version: 2,
      createdTime: 1,
      lastUpdatedTime: 2,
      type: { space: "t", externalId: "Pump" },
      properties: { name: "A", serial: 1 },
    });
    expect(missing).toEqual([{ instanceType: "node", space: "s", externalId: "zzz" }]);
  });

  it("retrieve of one id gives the instance or undefined", async () => {
    const fetch = fakeFetch((call) => json(200, { items: (call.body as Body).items[0]?.externalId === "a" ? [raw("a")] : [] }));
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    expect((await pumps.retrieve("a"))?.properties.name).toBe("a");
    expect(await pumps.retrieve("nope")).toBeUndefined();
  });

  it("pages with the cursor until the limit, sending filter, sort and space", async () => {
    const fetch = fakeFetch((call) => {
      const body = call.body as { limit: number; cursor?: string };
      const start = body.cursor === undefined ? 0 : Number(body.cursor);
      const items = Array.from({ length: body.limit }, (_, i) => raw(`n${start + i}`));
      return json(200, { items, nextCursor: String(start + body.limit) });
    });
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch), { instanceSpace: "s" }), view);
    const name = pumps.textProperty("name");
    const got = await pumps.list({ limit: 25, pageSize: 10, filter: name.prefix("n"), sort: [name.desc()], space: ["s", "t"] });
    expect(got).toHaveLength(25);
    expect(fetch.calls.map((c) => (c.body as { limit: number }).limit)).toEqual([10, 10, 5]);
    expect(fetch.calls[1]?.body).toEqual({
      instanceType: "node",
      sources: [{ source: { type: "view", ...view } }],
      filter: {
        and: [
          { in: { property: ["node", "space"], values: ["s", "t"] } },
          { prefix: { property: ["s", "Pump/v1", "name"], value: "n" } },
        ],
      },
      sort: [{ property: ["s", "Pump/v1", "name"], direction: "descending" }],
      limit: 10,
      cursor: "10",
    });
  });

  it("iterates page by page until there is no cursor", async () => {
    const pages = [
      { items: [raw("a"), raw("b")], nextCursor: "c1" },
      { items: [raw("c")], nextCursor: "c2" },
      { items: [raw("d")] },
    ];
    const fetch = fakeFetch((_call, index) => json(200, pages[index % pages.length]));
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch)), view);
    const seen: string[][] = [];
    for await (const page of pumps.pages()) seen.push(page.items.map((i) => i.externalId));
    expect(seen).toEqual([["a", "b"], ["c"], ["d"]]);
    const all: string[] = [];
    for await (const pump of pumps) all.push(pump.externalId);
    expect(all).toEqual(["a", "b", "c", "d"]);
  });

  it("validates read options", async () => {
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fakeFetch(() => json(200, { items: [] })))), view);
    await expect(pumps.list({ pageSize: 1001 })).rejects.toThrow(/pageSize must be an integer from 1 to 1000/);
    await expect(pumps.list({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(pumps.search({ limit: 5000 })).rejects.toThrow(/limit/);
    const n = pumps.textProperty("name");
    await expect(pumps.list({ sort: [n.asc(), n.asc(), n.asc(), n.asc(), n.asc(), n.asc()] })).rejects.toThrow(/at most 5/);
    await expect(pumps.list({ targetUnits: {} })).rejects.toThrow(/targetUnits takes 1 to 10/);
    await expect(pumps.aggregate([{ aggregate: "histogram", property: "p", interval: 0 }])).rejects.toThrow(/interval/);
    await expect(pumps.retrieve("bare")).rejects.toThrow(/no instanceSpace/);
  });

  it("search and aggregate send the documented bodies", async () => {
    // The int64 goes in as text: a JS number literal would already have lost it.
    const big = (response: Response) => response.text().then((t) => new Response(t.replace('"BIG"', "9007199254740993"), { status: 200 }));
    const fetch = fakeFetch((call) =>
      call.url.endsWith("/aggregate")
        ? big(json(200, {
            items: [
              {
                instanceType: "node",
                group: { status: "running" },
                aggregates: [
                  { aggregate: "count", property: "externalId", value: 4 },
                  { aggregate: "max", property: "serial", value: "BIG" },
                  { aggregate: "histogram", property: "pressure", interval: 10, buckets: [{ start: 0, count: 3 }] },
                ],
              },
            ],
          }))
        : json(200, { items: [raw("a")] }),
    );
    const pumps = new NodeApi<Pump>(new InstanceClient(testClient(fetch)), view);
    const found = await pumps.search({ query: "pump", properties: ["name", pumps.textProperty("description")], operator: "OR", limit: 5 });
    expect(found).toHaveLength(1);
    expect(fetch.calls[0]?.body).toEqual({
      view: { type: "view", ...view },
      instanceType: "node",
      query: "pump",
      properties: ["name", "description"],
      operator: "OR",
      limit: 5,
    });
    const groups = await pumps.aggregate(
      [
        { aggregate: "count" },
        { aggregate: "max", property: "serial" },
        { aggregate: "histogram", property: "pressure", interval: 10 },
      ],
      { groupBy: ["status"] },
    );
    expect(fetch.calls[1]?.body).toEqual({
      view: { type: "view", ...view },
      instanceType: "node",
      aggregates: [{ count: {} }, { max: { property: "serial" } }, { histogram: { property: "pressure", interval: 10 } }],
      groupBy: ["status"],
    });
    expect(groups).toEqual([
      {
        group: { status: "running" },
        aggregates: [
          { aggregate: "count", property: "externalId", value: 4 },
          { aggregate: "max", property: "serial", value: 9007199254740993n },
          { aggregate: "histogram", property: "pressure", value: undefined, interval: 10, buckets: [{ start: 0, count: 3 }] },
        ],
      },
    ]);
  });
});

describe("generated SDKs extend the per-view API", () => {
  // The shape the TypeScript emitter is expected to produce: typed fields, a converting parse.
  interface PumpRead {
    name?: string;
    lastSeen?: Date;
  }
  interface PumpWrite {
    name?: string | null;
    lastSeen?: Date | string;
  }
  class PumpApi extends NodeApi<PumpRead, PumpWrite> {
    readonly fields = { name: this.textProperty("name"), lastSeen: this.timestampProperty("lastSeen") };
    constructor(client: InstanceClient) {
      super(client, view);
    }
    protected override parseProperties(raw: Record<string, JsonValue>): PumpRead {
      const out: PumpRead = {};
      if (typeof raw["name"] === "string") out.name = raw["name"];
      if (typeof raw["lastSeen"] === "string") out.lastSeen = new Date(raw["lastSeen"]);
      return out;
    }
  }

  it("typed fields, converted reads, and writes with Date values", async () => {
    const fetch = fakeFetch((call) =>
      call.url.endsWith("/list")
        ? json(200, {
            items: [
              {
                instanceType: "node",
                space: "s",
                externalId: "a",
                version: 1,
                createdTime: 1,
                lastUpdatedTime: 1,
                properties: { s: { "Pump/v1": { name: "A", lastSeen: "2024-01-01T12:00:00.000+00:00" } } },
              },
            ],
          })
        : echoApply(call),
    );
    const pumps = new PumpApi(new InstanceClient(testClient(fetch), { instanceSpace: "s" }));
    const [pump] = await pumps.list({ filter: pumps.fields.lastSeen.range({ gte: new Date(Date.UTC(2024, 0, 1)) }) });
    expect(pump?.properties.lastSeen).toEqual(new Date(Date.UTC(2024, 0, 1, 12)));
    expect((fetch.calls[0]?.body as { filter: unknown }).filter).toEqual({
      range: { property: ["s", "Pump/v1", "lastSeen"], gte: "2024-01-01T00:00:00.000Z" },
    });
    await pumps.upsert({ externalId: "b", properties: { name: null, lastSeen: new Date(Date.UTC(2024, 0, 2)) } });
    expect(fetch.calls[1]?.init.body).toContain('"properties":{"name":null,"lastSeen":"2024-01-02T00:00:00.000Z"}');
  });
});
