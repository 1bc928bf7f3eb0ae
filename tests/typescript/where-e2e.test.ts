/**
 * Where objects end to end, on generated Omni and CogniteCore SDKs against one `pygen emulator` holding both models
 * (or the CDF target of the run: helpers.ts `modelService`). Each case lists with a where object, with the same
 * filter built from `fields`, and works the answer out from the data it wrote: the three must agree (and `count`
 * with it). Also: reverse-relation methods, search, graph query roots, `follow` hops and edge hops (`edgeWhere`).
 * The JSON of every operator against its builder is in where.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Each SDK has its own runtime copy: filters are combined with the and/or/not of the SDK whose builders made them.
import {
  and as coreAnd,
  CogniteCoreClient,
  not as coreNot,
  type Cognite3DRevisionApi,
  type CogniteAssetApi,
  type CogniteAssetWrite,
  type Filter,
  type Where,
} from "./generated/cognite_core/index.js";
import {
  and,
  nodeFields,
  not,
  OmniClient,
  or,
  type ConnectionItemDApi,
  type NodeId,
  type PrimitiveNullableApi,
  type PrimitiveNullableListedApi,
  type PrimitiveNullableListedWrite,
  type PrimitiveNullableWrite,
} from "./generated/omni/index.js";
import { eventually, freshSpace, modelService, modelSpace, type ModelService } from "./helpers.js";

let service: ModelService;
let space: string;
let omni: OmniClient;
let core: CogniteCoreClient;

const BIG = 2n ** 60n;
const N = 10;
const hour = (i: number): Date => new Date(Date.UTC(2024, 0, 1, i));
const id = (externalId: string): NodeId => ({ space, externalId });

/** The primitives written: some values left out, int64 beyond 2^53 for odd i. */
const primitives: PrimitiveNullableWrite[] = Array.from({ length: N }, (_, i) => ({
  externalId: `p${i}`,
  properties: {
    ...(i % 4 === 3 ? {} : { text: i % 2 === 1 ? `alpha-${i}` : `beta-${i}` }),
    ...(i === 5 ? {} : { int32: i * 10 - 30 }),
    int64: i % 2 === 1 ? BIG + BigInt(i) : i,
    float64: i / 4,
    ...(i === 7 ? {} : { boolean: i % 3 === 0 }),
    ...(i === 2 ? {} : { date: `2024-01-${String(10 + i).padStart(2, "0")}` }),
    ...(i === 8 ? {} : { timestamp: hour(i) }),
    ...(i % 2 === 1 ? { json: { i } } : {}),
  },
}));
const listed: PrimitiveNullableListedWrite[] = Array.from({ length: 6 }, (_, i) => ({
  externalId: `l${i}`,
  properties: { text: [`a${i % 3}`, `b${i % 2}`], int32: [i, i + 1], boolean: [i % 2 === 0], ...(i === 4 ? {} : { timestamp: [hour(i)] }) },
}));
/** A plant and six assets, four of them its children. */
const assetsIn = (space: string): CogniteAssetWrite[] => [
  { externalId: "plant", properties: { name: "Plant", tags: ["site"] } },
  ...Array.from({ length: 6 }, (_, i): CogniteAssetWrite => ({
    externalId: `a${i}`,
    properties: {
      name: `${i % 2 === 0 ? "Pump" : "Valve"} ${i}`,
      tags: i % 3 === 0 ? ["critical", "rotating"] : ["rotating"],
      ...(i < 4 ? { parent: { space, externalId: "plant" } } : {}),
    },
  })),
];
let assets: CogniteAssetWrite[];

beforeAll(async () => {
  service = await modelService("Omni", "CogniteCore");
  space = freshSpace("where");
  const options = { project: service.project, baseUrl: service.baseUrl, credentials: service.credentials };
  omni = new OmniClient(options, { instanceSpace: space });
  core = new CogniteCoreClient(options, { instanceSpace: space });
  await omni.instances.http.post("/models/spaces", { items: [{ space }] });
  assets = assetsIn(space);
  await omni.primitiveNullable.upsert(primitives);
  await omni.primitiveNullableListed.upsert(listed);
  await core.cogniteAsset.upsert(assets);
  await omni.connectionItemD.upsert([
    { externalId: "d0", properties: { name: "d0", directSingle: id("d1"), directMulti: [id("d1"), id("d2")] } },
    { externalId: "d1", properties: { name: "d1", directSingle: id("d2"), directMulti: [id("d2")] } },
    { externalId: "d2", properties: { name: "d2" } },
  ]);
  await core.cognite3DRevision.upsert(
    (["Done", "Failed", "Processing", "Done"] as const).map((status, i) => ({ externalId: `c${i}`, properties: { status } })),
  );
}, 120_000);
afterAll(async () => {
  await service?.stop();
});

/** Only instances of the run's space (aggregates take no `space`). */
const inSpace = (): Filter => nodeFields().space.equals(space);
const sorted = (items: readonly { externalId: string }[]): string[] => items.map((item) => item.externalId).sort();
const written = <T extends { externalId: string; properties?: object | undefined }, P>(items: readonly T[], test: (p: P) => boolean): string[] =>
  items.filter((item) => test((item.properties ?? {}) as P)).map((item) => item.externalId).sort();

/** A case: a where object, the builder filter that means the same, and the written items that match. */
type Case<F, P> = [string, Where<F>, (f: F) => Filter, (p: P) => boolean];
type Prim = NonNullable<PrimitiveNullableWrite["properties"]>;
type Listed = NonNullable<PrimitiveNullableListedWrite["properties"]>;
type Asset = NonNullable<CogniteAssetWrite["properties"]>;
const day = (p: Prim): string | undefined => p.date ?? undefined;
const ms = (value: Date | string | null | undefined): number | undefined => (value === undefined || value === null ? undefined : new Date(value).getTime());
const big = (value: number | bigint | null | undefined): bigint | undefined => (value === undefined || value === null ? undefined : BigInt(value));

const primitiveCases: Case<PrimitiveNullableApi["fields"], Prim>[] = [
  ["text prefix", { text: { prefix: "alpha" } }, (f) => f.text.prefix("alpha"), (p) => p.text?.startsWith("alpha") ?? false],
  ["text eq", { text: { eq: "beta-2" } }, (f) => f.text.equals("beta-2"), (p) => p.text === "beta-2"],
  ["text in", { text: { in: ["alpha-1", "beta-4", "nope"] } }, (f) => f.text.in(["alpha-1", "beta-4", "nope"]), (p) => ["alpha-1", "beta-4"].includes(p.text ?? "")],
  ["text exists: false", { text: { exists: false } }, (f) => not(f.text.exists()), (p) => p.text === undefined],
  ["int32 range", { int32: { gt: 0, lte: 50 } }, (f) => f.int32.range({ gt: 0, lte: 50 }), (p) => p.int32 != null && p.int32 > 0 && p.int32 <= 50],
  ["int32 in", { int32: { in: [0, 20, 999] } }, (f) => f.int32.in([0, 20, 999]), (p) => p.int32 === 0 || p.int32 === 20],
  ["int32 eq (negative)", { int32: { eq: -30 } }, (f) => f.int32.equals(-30), (p) => p.int32 === -30],
  ["int64 beyond 2^53", { int64: { gte: BIG + 3n } }, (f) => f.int64.range({ gte: BIG + 3n }), (p) => (big(p.int64) ?? -1n) >= BIG + 3n],
  ["int64 in", { int64: { in: [2, BIG + 1n] } }, (f) => f.int64.in([2, BIG + 1n]), (p) => big(p.int64) === 2n || big(p.int64) === BIG + 1n],
  ["float64 lt", { float64: { lt: 1 } }, (f) => f.float64.range({ lt: 1 }), (p) => p.float64 != null && p.float64 < 1],
  ["boolean eq", { boolean: { eq: true } }, (f) => f.boolean.equals(true), (p) => p.boolean === true],
  ["boolean exists: false", { boolean: { exists: false } }, (f) => not(f.boolean.exists()), (p) => p.boolean === undefined],
  ["date range (a Date's day)", { date: { gte: "2024-01-13", lt: new Date(Date.UTC(2024, 0, 17, 12)) } }, (f) => f.date.range({ gte: "2024-01-13", lt: "2024-01-17" }), (p) => (day(p) ?? "") >= "2024-01-13" && (day(p) ?? "9") < "2024-01-17"],
  ["date in", { date: { in: ["2024-01-10", "2024-01-19"] } }, (f) => f.date.in(["2024-01-10", "2024-01-19"]), (p) => ["2024-01-10", "2024-01-19"].includes(day(p) ?? "")],
  ["timestamp gt", { timestamp: { gt: hour(3) } }, (f) => f.timestamp.range({ gt: hour(3) }), (p) => (ms(p.timestamp) ?? 0) > hour(3).getTime()],
  ["timestamp eq (ISO text)", { timestamp: { eq: "2024-01-01T04:00:00Z" } }, (f) => f.timestamp.equals(hour(4)), (p) => ms(p.timestamp) === hour(4).getTime()],
  ["timestamp in", { timestamp: { in: [hour(1), hour(6)] } }, (f) => f.timestamp.in([hour(1), hour(6)]), (p) => [1, 6].some((h) => ms(p.timestamp) === hour(h).getTime())],
  ["json exists", { json: { exists: true } }, (f) => f.json.exists(), (p) => p.json !== undefined],
  ["several properties and operators", { text: { prefix: "beta", exists: true }, int32: { gte: -10 } }, (f) => and(f.text.prefix("beta"), f.text.exists(), f.int32.range({ gte: -10 })), (p) => (p.text?.startsWith("beta") ?? false) && p.int32 != null && p.int32 >= -10],
  [
    "or, and, not",
    { or: [{ text: { prefix: "alpha" } }, { and: [{ int32: { lt: 0 } }, { float64: { gte: 0.25 } }] }], not: { boolean: { eq: true } } },
    (f) => and(or(f.text.prefix("alpha"), and(f.int32.range({ lt: 0 }), f.float64.range({ gte: 0.25 }))), not(f.boolean.equals(true))),
    (p) => ((p.text?.startsWith("alpha") ?? false) || (p.int32 != null && p.int32 < 0 && (p.float64 ?? 0) >= 0.25)) && p.boolean !== true,
  ],
];

const listedCases: Case<PrimitiveNullableListedApi["fields"], Listed>[] = [
  ["text containsAny", { text: { containsAny: ["a1", "zz"] } }, (f) => f.text.containsAny(["a1", "zz"]), (p) => p.text?.includes("a1") ?? false],
  ["text containsAll", { text: { containsAll: ["a0", "b0"] } }, (f) => f.text.containsAll(["a0", "b0"]), (p) => (p.text?.includes("a0") && p.text.includes("b0")) ?? false],
  ["int32 containsAny", { int32: { containsAny: [3] } }, (f) => f.int32.containsAny([3]), (p) => p.int32?.includes(3) ?? false],
  ["boolean containsAll", { boolean: { containsAll: [false] } }, (f) => f.boolean.containsAll([false]), (p) => p.boolean?.includes(false) ?? false],
  ["list exists: false", { timestamp: { exists: false } }, (f) => not(f.timestamp.exists()), (p) => p.timestamp === undefined],
];

const assetCases: Case<CogniteAssetApi["fields"], Asset>[] = [
  ["direct relation eq (bare id)", { parent: { eq: "plant" } }, (f) => f.parent.equals("plant"), (p) => p.parent?.externalId === "plant"],
  ["direct relation in (bare ids)", { parent: { in: ["plant", "nope"] } }, (f) => f.parent.in([id("plant"), id("nope")]), (p) => p.parent?.externalId === "plant"],
  ["direct relation exists: false", { parent: { exists: false } }, (f) => coreNot(f.parent.exists()), (p) => p.parent === undefined],
  ["list of text", { tags: { containsAll: ["critical", "rotating"] }, name: { prefix: "Pump" } }, (f) => coreAnd(f.tags.containsAll(["critical", "rotating"]), f.name.prefix("Pump")), (p) => (p.tags?.includes("critical") ?? false) && (p.name?.startsWith("Pump") ?? false)],
];

describe("where objects list what the builders list, and what was written", () => {
  it.each(primitiveCases)("PrimitiveNullable: %s", async (_, where, builder, test) => {
    const api = omni.primitiveNullable;
    const expected = written<PrimitiveNullableWrite, Prim>(primitives, test);
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(await api.list({ where, space, limit: "all" }))).toEqual(expected);
    expect(sorted(await api.list({ filter: builder(api.fields), space, limit: "all" }))).toEqual(expected);
    await eventually(async () => expect(await api.count({ where, filter: inSpace() })).toBe(expected.length));
  });

  it.each(listedCases)("PrimitiveNullableListed: %s", async (_, where, builder, test) => {
    const api = omni.primitiveNullableListed;
    const expected = written<PrimitiveNullableListedWrite, Listed>(listed, test);
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(await api.list({ where, space, limit: "all" }))).toEqual(expected);
    expect(sorted(await api.list({ filter: builder(api.fields), space, limit: "all" }))).toEqual(expected);
  });

  it.each(assetCases)("CogniteAsset: %s", async (_, where, builder, test) => {
    const api = core.cogniteAsset;
    const expected = written<CogniteAssetWrite, Asset>(assets, test);
    expect(sorted(await api.list({ where, space, limit: "all" }))).toEqual(expected);
    expect(sorted(await api.list({ filter: builder(api.fields), space, limit: "all" }))).toEqual(expected);
  });

  it("direct relation lists (ConnectionItemD) and enums (Cognite3DRevision)", async () => {
    const d = omni.connectionItemD;
    const cases: [Where<ConnectionItemDApi["fields"]>, Filter, string[]][] = [
      [{ directSingle: { eq: "d1" } }, d.fields.directSingle.equals("d1"), ["d0"]],
      [{ directMulti: { containsAny: ["d2"] } }, d.fields.directMulti.containsAny(["d2"]), ["d0", "d1"]],
      [{ directMulti: { containsAll: [id("d1"), id("d2")] } }, d.fields.directMulti.containsAll(["d1", "d2"]), ["d0"]],
      [{ directSingle: { exists: false } }, not(d.fields.directSingle.exists()), ["d2"]],
    ];
    for (const [where, filter, expected] of cases) {
      expect(sorted(await d.list({ where, space }))).toEqual(expected);
      expect(sorted(await d.list({ filter, space }))).toEqual(expected);
    }
    const c = core.cognite3DRevision;
    const enums: [Where<Cognite3DRevisionApi["fields"]>, Filter, string[]][] = [
      [{ status: { eq: "Done" } }, c.fields.status.equals("Done"), ["c0", "c3"]],
      [{ status: { in: ["Failed", "Processing"] } }, c.fields.status.in(["Failed", "Processing"]), ["c1", "c2"]],
    ];
    for (const [where, filter, expected] of enums) {
      expect(sorted(await c.list({ where, space }))).toEqual(expected);
      expect(sorted(await c.list({ filter, space }))).toEqual(expected);
    }
  });
});

describe("every kind of read takes them", () => {
  it("count, aggregates, pages, iterate and search agree with list", async () => {
    const api = omni.primitiveNullable;
    const where: Where<PrimitiveNullableApi["fields"]> = { text: { prefix: "beta" } };
    const expected = written<PrimitiveNullableWrite, Prim>(primitives, (p) => p.text?.startsWith("beta") ?? false);
    const filter = inSpace();
    expect(await eventually(async () => api.count({ where, filter }))).toBe(expected.length);
    expect(await api.count({ filter: and(filter, api.fields.text.prefix("beta")) })).toBe(expected.length);
    const int32s = primitives.filter((p) => p.properties?.text?.startsWith("beta")).map((p) => p.properties?.int32 ?? undefined);
    const values = int32s.filter((v): v is number => typeof v === "number");
    expect(await api.sum("int32", { where, filter })).toBe(values.reduce((a, b) => a + b, 0));
    expect(Number(await api.max("int32", { where, filter }))).toBe(Math.max(...values));
    const buckets = await api.histogram("int32", 100, { where, filter });
    expect(buckets.reduce((total, bucket) => total + bucket.count, 0)).toBe(values.length);
    const paged: string[] = [];
    for await (const page of api.pages({ where, space, pageSize: 2 })) paged.push(...page.items.map((item) => item.externalId));
    expect(paged.sort()).toEqual(expected);
    const iterated: string[] = [];
    for await (const item of api.iterate({ where, space, pageSize: 2 })) iterated.push(item.externalId);
    expect(iterated.sort()).toEqual(expected);
    expect(sorted((await api.page({ where, space })).items)).toEqual(expected);
    const found = await eventually(async () => {
      const items = await api.search({ where, space, limit: 100 });
      expect(sorted(items)).toEqual(expected);
      return items;
    });
    expect(sorted(await api.search({ filter: api.fields.text.prefix("beta"), space, limit: 100 }))).toEqual(sorted(found));
  });

  it("reverse-relation methods and graph queries: roots, follow and edge hops", async () => {
    const assetsApi = core.cogniteAsset;
    expect(sorted(await assetsApi.children("plant", { where: { name: { prefix: "Pump" } } }))).toEqual(["a0", "a2"]);
    expect(sorted(await assetsApi.children("plant", { filter: assetsApi.fields.name.prefix("Pump") }))).toEqual(["a0", "a2"]);

    const byWhere = await assetsApi
      .query({ where: { name: { eq: "Plant" } }, space, limit: "all" })
      .follow("children", { where: { tags: { containsAny: ["critical"] } } })
      .list();
    const byBuilder = await assetsApi
      .query({ filter: assetsApi.fields.name.equals("Plant"), space, limit: "all" })
      .follow("children", { filter: (c) => c.tags.containsAny(["critical"]) })
      .list();
    expect(byWhere.map((root) => [root.externalId, sorted(root.connections.children)])).toEqual([["plant", ["a0", "a3"]]]);
    expect(byBuilder.map((root) => [root.externalId, sorted(root.connections.children)])).toEqual([["plant", ["a0", "a3"]]]);
    // where and filter together: both hold.
    const both = await assetsApi.query({ where: { name: { prefix: "Pump" } }, filter: assetsApi.fields.tags.containsAny(["critical"]), space, limit: "all" }).list();
    expect(sorted(both)).toEqual(["a0"]);

    // Edges with an edge view: edgeWhere on the edges, where on the far-end nodes.
    const type = { space: modelSpace("sp_pygen_models"), externalId: "multiProperty" };
    await omni.connectionItemG.upsert([0, 1, 2].map((i) => ({ externalId: `g${i}`, properties: { name: `g${i}` } })));
    await omni.connectionItemF.upsert([{ externalId: "f0", properties: { name: "f0" } }]);
    await omni.connectionEdgeA.upsert(
      [0, 1, 2].map((i) => ({ externalId: `f0-g${i}`, type, startNode: "f0", endNode: `g${i}`, properties: { name: i === 1 ? "drop" : `keep ${i}`, startTime: hour(i) } })),
    );
    const root = () => omni.connectionItemF.query({ where: { name: { eq: "f0" } }, space });
    const names = (roots: { connections: { outwardsMulti: readonly { edge: { externalId: string }; node: { externalId: string } }[] } }[]) =>
      roots.flatMap((r) => r.connections.outwardsMulti.map(({ edge, node }) => `${edge.externalId}>${node.externalId}`)).sort();
    const byEdgeWhere = await root()
      .follow("outwardsMulti", { edgeWhere: { name: { prefix: "keep" }, startTime: { gte: hour(1) } } })
      .list();
    const byEdgeFilter = await root()
      .follow("outwardsMulti", { edgeFilter: (e) => and(e.name.prefix("keep"), e.startTime.range({ gte: hour(1) })) })
      .list();
    expect(names(byEdgeWhere)).toEqual(["f0-g2>g2"]);
    expect(names(byEdgeFilter)).toEqual(["f0-g2>g2"]);
    const bothEnds = await root()
      .follow("outwardsMulti", { edgeWhere: { name: { prefix: "keep" } }, where: { name: { in: ["g0"] } } })
      .list();
    expect(names(bothEnds)).toEqual(["f0-g0>g0"]);
  });
});
