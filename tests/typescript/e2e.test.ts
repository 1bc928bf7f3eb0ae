/**
 * End-to-end: the runtime against the target of the run (global-setup.ts: `pygen emulator`, or the CDF project the
 * `PYGEN_TEST_CDF_*` variables name); each test in fresh spaces of the run.
 */
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  EdgeApi,
  edgeFields,
  HasData,
  HttpClient,
  InstanceClient,
  InstanceReferences,
  MatchAll,
  NodeApi,
  nodeFields,
  OAuthClientCredentials,
  OAuthError,
  Overlaps,
  RawFilter,
  Token,
  UpsertError,
  type NodeWrite,
} from "../../pygen/ts_runtime/index.js";
import { createTestSchema, eventually, freshSpace, target, targetHttp } from "./helpers.js";

interface Pump {
  name?: string;
  description?: string;
  pressure?: number;
  serial?: number | bigint;
  running?: boolean;
  tags?: string[];
  site?: { space: string; externalId: string };
  installed?: string;
  lastSeen?: string;
  status?: "running" | "stopped";
  meta?: Record<string, unknown>;
}
interface Flow {
  rate?: number;
  label?: string;
}

/** A fresh space with the test schema, and the APIs on it. */
async function setup() {
  const http = targetHttp();
  const space = freshSpace();
  const views = await createTestSchema(http, space);
  const client = new InstanceClient(http, { instanceSpace: space });
  return { http, space, client, pumps: new NodeApi<Pump>(client, views.pump), flows: new EdgeApi<Flow>(client, views.flow) };
}

const BIG = 9007199254740993n;
const MIN = -9223372036854775808n;

function pumpsData(n: number): NodeWrite<Pump>[] {
  return Array.from({ length: n }, (_, i) => ({
    externalId: `pump${String(i).padStart(4, "0")}`,
    properties: {
      name: `P-${i}`,
      description: i % 2 === 0 ? "centrifugal water pump" : "piston oil pump",
      pressure: i * 1.5,
      serial: i,
      running: i % 3 === 0,
      tags: i % 2 === 0 ? ["water", "even"] : ["oil"],
      installed: `2021-01-${String((i % 28) + 1).padStart(2, "0")}`,
      lastSeen: `2024-01-01T${String(i % 24).padStart(2, "0")}:00:00.000+00:00`,
      status: i % 4 === 0 ? "stopped" : "running",
    },
  }));
}

describe("nodes: create, read, update, delete", () => {
  it("round-trips every property type, int64 beyond 2^53 exactly", async () => {
    const { pumps, space } = await setup();
    const created = await pumps.upsert([
      {
        externalId: "p1",
        type: { space, externalId: "PumpType" },
        properties: {
          name: "P-1",
          pressure: 2.5,
          serial: BIG,
          running: true,
          tags: ["a", "b"],
          site: { space, externalId: "site1" },
          installed: "2021-05-04",
          lastSeen: "2024-01-01T12:00:00Z",
          status: "running",
          meta: { nested: { list: [1, 2] } },
        },
      },
      { externalId: "p2", properties: { name: "P-2", serial: MIN } },
    ]);
    expect(created.created.map((r) => r.externalId)).toEqual(["p1", "p2"]);

    const p1 = await pumps.retrieve("p1");
    expect(p1).toMatchObject({
      instanceType: "node",
      space,
      externalId: "p1",
      type: { space, externalId: "PumpType" },
      properties: {
        name: "P-1",
        pressure: 2.5,
        serial: BIG,
        running: true,
        tags: ["a", "b"],
        site: { space, externalId: "site1" },
        installed: "2021-05-04",
        lastSeen: "2024-01-01T12:00:00.000+00:00",
        status: "running",
        meta: { nested: { list: [1, 2] } },
      },
    });
    expect(typeof p1?.version).toBe("number");
    expect((await pumps.retrieve("p2"))?.properties.serial).toBe(MIN);
  });

  it("reports created / updated / unchanged, retrieves with missing ids, deletes", async () => {
    const { pumps, space } = await setup();
    await pumps.upsert([
      { externalId: "a", properties: { name: "A" } },
      { externalId: "b", properties: { name: "B" } },
    ]);
    const second = await pumps.upsert([
      { externalId: "a", properties: { name: "A" } },
      { externalId: "b", properties: { name: "B2" } },
      { externalId: "c", properties: { name: "C" } },
    ]);
    expect(second.items.map((r) => [r.externalId, r.status])).toEqual([
      ["a", "unchanged"],
      ["b", "updated"],
      ["c", "created"],
    ]);
    const { items, missing } = await pumps.retrieve(["c", "nope", "b", { space, externalId: "a" }]);
    expect(items.map((p) => [p.externalId, p.properties.name])).toEqual([
      ["c", "C"],
      ["b", "B2"],
      ["a", "A"],
    ]);
    expect(missing).toEqual([{ instanceType: "node", space, externalId: "nope" }]);

    // A patch leaves other properties alone; null clears one.
    await pumps.upsert({ externalId: "b", properties: { pressure: 4 } });
    expect((await pumps.retrieve("b"))?.properties).toEqual({ name: "B2", pressure: 4 });
    await pumps.upsert({ externalId: "b", properties: { name: null } as unknown as Pump });
    expect((await pumps.retrieve("b"))?.properties).toEqual({ pressure: 4 });

    const deleted = await pumps.delete(["a", "b", "ghost"]);
    expect(deleted.deleted.map((d) => d.externalId)).toEqual(["a", "b"]);
    expect(deleted.notFound.map((d) => d.externalId)).toEqual(["ghost"]);
    expect(await pumps.retrieve("a")).toBeUndefined();
  });

  it("a version conflict fails only that item, with a ConflictError", async () => {
    const { pumps } = await setup();
    await pumps.upsert([{ externalId: "v", properties: { name: "x" } }]);
    const error = await pumps
      .upsert([
        { externalId: "ok1", properties: { name: "1" } },
        { externalId: "v", existingVersion: 0, properties: { name: "y" } },
        { externalId: "ok2", properties: { name: "2" } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpsertError);
    const failed = (error as UpsertError).failed;
    expect(failed.map((f) => f.externalId)).toEqual(["v"]);
    expect(failed[0]?.error).toBeInstanceOf(ConflictError);
    expect((await pumps.retrieve(["ok1", "ok2"])).items).toHaveLength(2);
    const skipped = await pumps.upsert({ externalId: "v", existingVersion: 0, properties: { name: "z" } }, { skipOnVersionConflict: true });
    expect(skipped.skipped.map((r) => r.externalId)).toEqual(["v"]);
  });
});

describe("edges", () => {
  it("create, read, list by end node, delete", async () => {
    const { pumps, flows, space } = await setup();
    await pumps.upsert([{ externalId: "a" }, { externalId: "b" }, { externalId: "c" }]);
    const result = await flows.upsert([
      { externalId: "a->b", type: "flows-to", startNode: "a", endNode: "b", properties: { rate: 1.5, label: "main" } },
      { externalId: "a->c", type: "flows-to", startNode: "a", endNode: { space, externalId: "c" }, properties: { rate: 3 } },
    ]);
    expect(result.created).toHaveLength(2);
    const edge = await flows.retrieve("a->b");
    expect(edge).toMatchObject({
      instanceType: "edge",
      space,
      externalId: "a->b",
      type: { space, externalId: "flows-to" },
      startNode: { space, externalId: "a" },
      endNode: { space, externalId: "b" },
      properties: { rate: 1.5, label: "main" },
    });
    const fields = edgeFields();
    const fromA = await flows.list({ filter: fields.startNode.equals("a"), sort: flows.numberProperty("rate").desc(), limit: "all" });
    expect(fromA.map((e) => e.externalId)).toEqual(["a->c", "a->b"]);
    expect((await flows.list({ filter: fields.endNode.equals("c") })).map((e) => e.externalId)).toEqual(["a->c"]);
    await eventually(async () => {
      expect(await flows.count()).toBe(2);
      expect(await flows.sum("rate")).toBe(4.5);
    });

    const deleted = await flows.delete("a->b");
    expect(deleted.deleted).toEqual([{ instanceType: "edge", space, externalId: "a->b" }]);
    // Deleting a node deletes its edges.
    await pumps.delete("a");
    expect(await flows.list({ limit: "all" })).toEqual([]);
  });

  it("an edge to a missing node is refused unless autoCreateEndNodes", async () => {
    const { pumps, flows } = await setup();
    await pumps.upsert({ externalId: "a" });
    const error = await flows.upsert({ externalId: "e", type: "t", startNode: "a", endNode: "missing" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpsertError);
    expect((error as UpsertError).failed[0]?.status).toBe(409);
    const ok = await flows.upsert({ externalId: "e", type: "t", startNode: "a", endNode: "missing" }, { autoCreateEndNodes: true });
    expect(ok.created).toHaveLength(1);
  });
});

describe("filters against the target", () => {
  it("every filter kind selects what it should", async () => {
    const { pumps, space } = await setup();
    await pumps.upsert(pumpsData(40));
    await pumps.upsert([
      { externalId: "site1", properties: { name: "Oslo" } },
      { externalId: "withSite", properties: { name: "S", site: { space, externalId: "site1" }, serial: BIG } },
    ]);
    const name = pumps.textProperty("name");
    const pressure = pumps.numberProperty("pressure");
    const serial = pumps.numberProperty<number | bigint>("serial");
    const tags = pumps.listProperty<string>("tags");
    const installed = pumps.dateProperty("installed");
    const lastSeen = pumps.timestampProperty("lastSeen");
    const running = pumps.booleanProperty("running");
    const status = pumps.enumProperty<"running" | "stopped">("status");
    const site = pumps.directRelationProperty("site");
    const ids = async (filter: Parameters<typeof pumps.list>[0] extends infer O ? (O extends { filter?: infer F } ? F : never) : never) =>
      (await pumps.list({ filter, limit: "all" })).map((p) => p.externalId).sort();

    expect(await ids(name.equals("P-3"))).toEqual(["pump0003"]);
    expect(await ids(name.in(["P-1", "P-2", "nope"]))).toEqual(["pump0001", "pump0002"]);
    expect(await ids(name.prefix("P-3"))).toEqual(["pump0003", "pump0030", "pump0031", "pump0032", "pump0033", "pump0034", "pump0035", "pump0036", "pump0037", "pump0038", "pump0039"]);
    expect(await ids(pressure.range({ gte: 3, lt: 7.5 }))).toEqual(["pump0002", "pump0003", "pump0004"]);
    expect(await ids(serial.range({ gt: 9007199254740992n }))).toEqual(["withSite"]);
    expect(await ids(serial.equals(BIG))).toEqual(["withSite"]);
    expect(await ids(installed.range({ gt: "2021-01-27" }))).toEqual(["pump0027", "pump0055"].filter((x) => x < "pump0040"));
    expect(await ids(lastSeen.range({ gte: new Date(Date.UTC(2024, 0, 1, 22)) }))).toEqual(["pump0022", "pump0023"]);
    expect((await ids(running.equals(true))).length).toBe(14);
    expect((await ids(status.equals("stopped"))).length).toBe(10);
    expect(await ids(site.equals("site1"))).toEqual(["withSite"]);
    expect(await ids(site.nested(name.equals("Oslo")))).toEqual(["withSite"]);
    expect(await ids(site.exists())).toEqual(["withSite"]);
    expect((await ids(tags.containsAny(["oil"]))).length).toBe(20);
    expect((await ids(tags.containsAll(["water", "even"]))).length).toBe(20);
    expect((await ids(tags.containsAll(["water", "oil"]))).length).toBe(0);
    expect(await ids(new InstanceReferences(["pump0001", { space, externalId: "pump0002" }]))).toEqual(["pump0001", "pump0002"]);
    expect((await ids(new HasData([pumps.view]))).length).toBe(42);
    expect(await ids(nodeFields().externalId.prefix("pump000").and(pressure.range({ gt: 10 })))).toEqual(["pump0007", "pump0008", "pump0009"]);
    expect(await ids(name.equals("P-1").or(name.equals("Oslo")))).toEqual(["pump0001", "site1"]);
    expect((await ids(nodeFields().externalId.prefix("pump").and(name.prefix("P-1").not()))).length).toBe(29);
    // overlaps treats a missing start/end as unbounded, so the two nodes without pressure match too.
    expect(await ids(new Overlaps(pressure.path, pressure.path, { gte: 3, lt: 7.5 }))).toEqual(["pump0002", "pump0003", "pump0004", "site1", "withSite"]);
    expect((await ids(new MatchAll())).length).toBe(42);
  });

  it("an in filter with more than 1000 values is split and still matches", async () => {
    const { pumps } = await setup();
    await pumps.upsert(pumpsData(30));
    const values = Array.from({ length: 2500 }, (_, i) => `P-${i}`);
    const found = await pumps.list({ filter: pumps.textProperty("name").in(values), limit: "all" });
    expect(found).toHaveLength(30);
    // Unsplit, the same filter is refused: the split is what makes it work.
    const raw = new RawFilter({ in: { property: [...pumps.ref("name")], values } });
    await expect(pumps.list({ filter: raw })).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe("paging", () => {
  it("lists everything page by page, resumes from a cursor, and honours limits", async () => {
    const { pumps } = await setup();
    await pumps.upsert(pumpsData(2300));
    await eventually(async () => expect(await pumps.count()).toBe(2300));

    const sizes: number[] = [];
    for await (const page of pumps.pages()) sizes.push(page.items.length);
    expect(sizes).toEqual([1000, 1000, 300]);

    const all = await pumps.list({ limit: "all", pageSize: 700 });
    expect(new Set(all.map((p) => p.externalId)).size).toBe(2300);
    expect(await pumps.list()).toHaveLength(25);

    let count = 0;
    for await (const pump of pumps.iterate({ limit: 1234, pageSize: 500 })) {
      expect(pump.instanceType).toBe("node");
      count++;
    }
    expect(count).toBe(1234);

    const first = await pumps.page({ pageSize: 100, sort: pumps.textProperty("name").asc() });
    expect(first.cursor).toBeDefined();
    const rest = await pumps.list({ limit: "all", sort: pumps.textProperty("name").asc(), ...(first.cursor ? { cursor: first.cursor } : {}) });
    expect(first.items.length + rest.length).toBe(2300);
    expect(new Set([...first.items, ...rest].map((p) => p.externalId)).size).toBe(2300);
  });
});

describe("search, aggregation, histogram", () => {
  it("searches text properties", async () => {
    const { pumps } = await setup();
    await pumps.upsert(pumpsData(10));
    await eventually(async () => {
      const oil = await pumps.search({ query: "oil", limit: 100 });
      expect(oil.map((p) => p.externalId).sort()).toEqual(["pump0001", "pump0003", "pump0005", "pump0007", "pump0009"]);
      const both = await pumps.search({ query: "piston water", properties: ["description"], operator: "OR", limit: 100 });
      expect(both).toHaveLength(10);
      const filtered = await pumps.search({ query: "pump", filter: pumps.numberProperty("pressure").range({ lt: 3 }), limit: 100 });
      expect(filtered.map((p) => p.externalId).sort()).toEqual(["pump0000", "pump0001"]);
    });
  });

  it("aggregates count/sum/avg/min/max, grouped, and histograms", async () => {
    const { pumps } = await setup();
    await pumps.upsert(pumpsData(20));
    await eventually(async () => expect(await pumps.count()).toBe(20));
    expect(await pumps.count({ filter: pumps.booleanProperty("running").equals(true) })).toBe(7);
    expect(await pumps.sum("pressure")).toBe(285);
    expect(await pumps.avg("pressure")).toBe(14.25);
    expect(await pumps.min("serial")).toBe(0);
    expect(await pumps.max(pumps.numberProperty("serial"))).toBe(19);
    expect(await pumps.avg("pressure", { filter: pumps.textProperty("name").equals("nobody") })).toBeUndefined();

    const groups = await pumps.aggregate([{ aggregate: "count" }, { aggregate: "max", property: "pressure" }], { groupBy: ["status"] });
    const byStatus = Object.fromEntries(groups.map((g) => [String(g.group?.["status"]), g.aggregates.map((a) => a.value)]));
    expect(byStatus).toEqual({ stopped: [5, 24], running: [15, 28.5] });

    // targetUnits: pressure is stored in bar; 1 bar = 14.5037738 psi.
    expect(await pumps.list({ targetUnits: { pressure: "pressure:bar" }, limit: 5 })).toHaveLength(5);
    const [inPsi] = (await pumps.retrieve(["pump0001"], { targetUnits: { pressure: "pressure:psi" } })).items;
    expect(inPsi?.properties.pressure).toBeCloseTo(1.5 * 14.5037738, 4);

    const buckets = await pumps.histogram("pressure", 10);
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(20);
    expect(buckets[0]).toEqual({ start: 0, count: 7 });
  });
});

describe("errors and auth against the target", () => {
  it("an unknown view is a BadRequestError naming it", async () => {
    const { client, space } = await setup();
    const ghost = new NodeApi(client, { space, externalId: "Ghost", version: "v1" });
    const error = await ghost.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).status).toBe(400);
    expect((error as Error).message).toMatch(/Ghost/);
    expect((error as BadRequestError).requestId).toBeDefined();
  });

  it("a wrong token is an AuthenticationError", async () => {
    const http = targetHttp({ credentials: new Token("wrong") });
    await expect(http.get("/models/spaces")).rejects.toBeInstanceOf(AuthenticationError);
  });

  // The emulator's own token endpoint, or the target's identity provider when client credentials are configured.
  it.skipIf(target().oauth === undefined)("OAuth client credentials get a token; a wrong secret is an OAuthError", async () => {
    const { baseUrl, project, oauth } = target();
    if (oauth === undefined) return;
    const credentials = new OAuthClientCredentials(oauth);
    const http = new HttpClient({ project, baseUrl, credentials });
    await Promise.all([http.get("/models/spaces"), http.get("/models/spaces"), http.get("/models/spaces")]);
    expect(credentials.tokenRequests).toBe(1);

    const bad = new OAuthClientCredentials({ ...oauth, clientSecret: "wrong" });
    const error = await new HttpClient({ project, baseUrl, credentials: bad }).get("/models/spaces").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe("invalid_client");
  });
});
