/**
 * Graph queries (`api.query(...).follow(...)`) of a generated CogniteCore SDK against its own `pygen emulator` (or
 * the CDF target of the run: helpers.ts `modelService`): direct relations, reverse relations through single and
 * list properties. Every answer is compared with the same answer worked out from plain `list` calls; request
 * bodies are recorded (expression names: `s0` the root, `s1`, ... depth-first in the order hops were added). The
 * scenarios of tests/emit_python/test_graph_query.py.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  and,
  CogniteCoreClient,
  nodeFields,
  or,
  type CogniteAssetWrite,
  type CogniteEquipmentWrite,
  type CogniteTimeSeriesWrite,
  type FetchLike,
  type NodeId,
} from "./generated/cognite_core/index.js";
import { freshSpace, modelService, modelSpace, type ModelService } from "./helpers.js";

let service: ModelService;

beforeAll(async () => {
  // Its own emulator with the CogniteCore model the SDK was generated from (on a CDF target: the target, where the
  // global setup deployed the model into the run's spaces).
  service = await modelService("CogniteCore");
});
afterAll(async () => {
  await service?.stop();
});

type Body = Record<string, any>;

/** A client on a fresh space, recording the bodies of its query requests. */
async function fresh(): Promise<{ client: CogniteCoreClient; space: string; queries: Body[] }> {
  const space = freshSpace("gq");
  const queries: Body[] = [];
  const fetch: FetchLike = (url, init) => {
    if (url.endsWith("/models/instances/query") && init.body !== undefined) queries.push(JSON.parse(init.body) as Body);
    return globalThis.fetch(url, init);
  };
  const client = new CogniteCoreClient({ project: service.project, baseUrl: service.baseUrl, credentials: service.credentials, fetch }, { instanceSpace: space });
  await client.instances.http.post("/models/spaces", { items: [{ space }] });
  return { client, space, queries };
}

function ids(items: readonly { externalId: string }[] | undefined): string[] {
  return (items ?? []).map((item) => item.externalId).sort();
}

/**
 * Three roots (P-1, P-2, Q-1), four children each (pumps and valves), two grandchildren per child; one
 * equipment per child; two time series per child, pointing at the child and its root (a list) and at the
 * child's equipment (a list).
 */
async function plant(client: CogniteCoreClient, space: string): Promise<void> {
  const id = (externalId: string): NodeId => ({ space, externalId });
  const assets: CogniteAssetWrite[] = [];
  const equipment: CogniteEquipmentWrite[] = [];
  const series: CogniteTimeSeriesWrite[] = [];
  for (const root of ["P-1", "P-2", "Q-1"]) {
    assets.push({ externalId: root, properties: { name: `root ${root}`, description: `root ${root}` } });
    for (let i = 0; i < 4; i++) {
      const child = `${root}.${i % 2 === 0 ? "pump" : "valve"}${i}`;
      assets.push({ externalId: child, properties: { name: child, parent: id(root), description: "child" } });
      equipment.push({ externalId: `eq:${child}`, properties: { name: `eq ${child}`, asset: id(child) } });
      for (let g = 0; g < 2; g++) assets.push({ externalId: `${child}.g${g}`, properties: { name: `g ${child} ${g}`, parent: id(child) } });
      for (let t = 0; t < 2; t++) {
        series.push({
          externalId: `ts:${child}:${t}`,
          properties: { name: `${t === 0 ? "flow" : "temp"} ${child}`, type: "numeric", assets: [id(child), id(root)], equipment: [id(`eq:${child}`)] },
        });
      }
    }
  }
  await client.cogniteAsset.upsert(assets);
  await client.cogniteEquipment.upsert(equipment);
  await client.cogniteTimeSeries.upsert(series);
}

/** The space of the CogniteCore views here (`cdf_cdm` on the emulator). */
const CDM = modelSpace("cdf_cdm");
const ASSET_VIEW = { type: "view", space: CDM, externalId: "CogniteAsset", version: "v1" };

describe("graph queries over CogniteCore", () => {
  it("follows a reverse relation with a filter in one request, as list calls find it", async () => {
    const { client, space, queries } = await fresh();
    await plant(client, space);
    const assets = client.cogniteAsset;
    const f = assets.fields;
    const query = assets.query({ filter: f.name.prefix("root P"), limit: "all", space }).follow("children", {
      filter: (c) => or(c.name.prefix("P-1.pump"), c.name.prefix("P-2.valve")),
    });
    const roots = await query.list();
    expect(ids(roots)).toEqual(ids(await assets.list({ filter: f.name.prefix("root P"), limit: "all", space })));
    expect(ids(roots)).toEqual(["P-1", "P-2"]);
    for (const root of roots) {
      const under = (prefix: string) => assets.list({ filter: and(f.parent.equals(root.externalId), f.name.prefix(prefix)), limit: "all" });
      const wanted = [...ids(await under("P-1.pump")), ...ids(await under("P-2.valve"))].sort();
      expect(wanted.length).toBeGreaterThan(0);
      expect(ids(root.connections.children)).toEqual(wanted);
      for (const child of root.connections.children) expect(child.properties.parent).toEqual({ space, externalId: root.externalId });
    }
    expect(queries).toHaveLength(1); // both hops in one request
    const s1 = queries[0]?.["with"]["s1"];
    expect(s1.nodes.through).toEqual({ source: ASSET_VIEW, identifier: "parent" });
    expect(s1.nodes.direction).toBe("inwards");
    expect(s1.nodes.from).toBe("s0");
    expect(s1.nodes.filter.and).toContainEqual({ hasData: [ASSET_VIEW] });
    const result = await query.execute();
    expect(ids(result.hop("children"))).toEqual(["P-1.pump0", "P-1.pump2", "P-2.valve1", "P-2.valve3"]);
    expect(result.requests).toBe(1);
  });

  it("follows a reverse relation through a list property as a containsAny stage", async () => {
    const { client, space, queries } = await fresh();
    await plant(client, space);
    const query = client.cogniteAsset
      .query({ filter: nodeFields().externalId.in(["P-1", "Q-1"]), space })
      .follow("children", { filter: (c) => c.name.prefix("P-1.p") }, (child) => child.follow("timeSeries", { filter: (ts) => ts.name.prefix("flow") }));
    const result = await query.execute();
    const byId = new Map(result.roots.map((root) => [root.externalId, root]));
    expect([...byId.keys()].sort()).toEqual(["P-1", "Q-1"]);
    expect(byId.get("Q-1")?.connections.children).toEqual([]); // Q-1's children do not match the hop's filter
    const tsFields = client.cogniteTimeSeries.fields;
    for (const child of byId.get("P-1")?.connections.children ?? []) {
      const expected = await client.cogniteTimeSeries.list({ filter: and(tsFields.assets.containsAny([child.externalId]), tsFields.name.prefix("flow")), limit: "all" });
      expect(ids(child.connections.timeSeries)).toEqual(ids(expected));
      expect(ids(child.connections.timeSeries)).toEqual([`ts:${child.externalId}:0`]);
    }
    expect(ids(result.hop("children", "timeSeries"))).toEqual(["ts:P-1.pump0:0", "ts:P-1.pump2:0"]);
    // CDF's query cannot chain the reverse of CogniteTimeSeries.assets (a list): a second request finds the
    // time series with containsAny on the children's ids.
    expect(queries).toHaveLength(2);
    expect(result.requests).toBe(2);
    const stage = queries[1]?.["with"]["s2"].nodes.filter.and as Body[];
    const contains = stage.find((part) => "containsAny" in part)?.["containsAny"];
    expect(contains.property).toEqual([CDM, "CogniteTimeSeries/v1", "assets"]);
    expect(contains.values.map((v: NodeId) => v.externalId).sort()).toEqual(["P-1.pump0", "P-1.pump2"]);
    expect(queries[1]?.["with"]["s2"].nodes.from).toBeUndefined();
  });

  it("follows direct, reverse and list relations three hops deep; one object per node", async () => {
    const { client, space } = await fresh();
    await plant(client, space);
    const assets = client.cogniteAsset;
    const eqFields = client.cogniteEquipment.fields;
    // grandchild -> parent (direct) -> equipment (reverse, single property) -> timeSeries (reverse, list)
    const query = assets.query({ filter: assets.fields.name.prefix("g P-2"), limit: "all", space }).follow("parent", {}, (parent) =>
      parent.follow("equipment", { filter: eqFields.name.prefix("eq P-2.pump") }, (eq) => eq.follow("timeSeries", { limit: 3 })),
    );
    const result = await query.execute();
    const grandchildren = result.roots;
    expect(grandchildren).toHaveLength(8);
    expect(ids(grandchildren)).toEqual(ids(await assets.list({ filter: assets.fields.name.prefix("g P-2"), limit: "all", space })));
    expect(result.hop("parent", "equipment", "timeSeries")).toHaveLength(3); // the hop's limit counts over the whole query
    const parents = new Map<string, object>();
    for (const g of grandchildren) {
      const parent = g.connections.parent;
      expect(parent?.externalId).toBe((await assets.retrieve(g.externalId))?.properties.parent?.externalId);
      if (parent === undefined) continue;
      const expectedEq = await client.cogniteEquipment.list({ filter: and(eqFields.asset.equals(parent.externalId), eqFields.name.prefix("eq P-2.pump")), limit: "all" });
      expect(ids(parent.connections.equipment)).toEqual(ids(expectedEq));
      for (const eq of parent.connections.equipment) {
        const pointing = await client.cogniteTimeSeries.list({ filter: client.cogniteTimeSeries.fields.equipment.containsAny([eq.externalId]), limit: "all" });
        for (const ts of eq.connections.timeSeries) {
          expect(ids(pointing)).toContain(ts.externalId);
          expect(ts.properties.equipment?.map((e) => e.externalId)).toContain(eq.externalId);
        }
      }
      // the same node reached twice is one object: both grandchildren of a child hold the same parent
      if (!parents.has(parent.externalId)) parents.set(parent.externalId, parent);
      expect(parents.get(parent.externalId)).toBe(parent);
    }
    expect(parents.size).toBe(4);
  });

  it("applies a limit and a sort at each hop", async () => {
    const { client, space, queries } = await fresh();
    await plant(client, space);
    const f = client.cogniteAsset.fields;
    const query = client.cogniteAsset
      .query({ filter: f.name.prefix("root P"), sort: f.name.desc(), limit: 1, space })
      .follow("children", { sort: (c) => c.name.desc(), limit: 3 }, (c) => c.follow("children", { limit: 2 }));
    const roots = await query.list();
    expect(ids(roots)).toEqual(["P-2"]);
    const children = roots[0]?.connections.children ?? [];
    expect(children.map((c) => c.externalId)).toEqual(["P-2.valve3", "P-2.valve1", "P-2.pump2"]);
    expect(children.reduce((sum, c) => sum + c.connections.children.length, 0)).toBe(2);
    const body = queries[0]?.["with"];
    expect([body.s0.limit, body.s1.limit, body.s2.limit]).toEqual([1, 3, 2]);
    expect(body.s1.sort).toEqual([{ property: [CDM, "CogniteAsset/v1", "name"], direction: "descending" }]);
  });

  it("reads property subsets, and the properties a hop needs to connect", async () => {
    const { client, space, queries } = await fresh();
    await plant(client, space);
    const query = client.cogniteAsset.query({ filter: nodeFields().externalId.equals("P-1"), properties: ["name"], space }).follow("children", { properties: ["name"] });
    const [root] = await query.list();
    expect(queries[0]?.["select"]["s0"].sources[0].properties).toEqual(["name"]);
    expect(root?.properties).toEqual({ name: "root P-1" }); // description was not read (its type has name only)
    // the reverse hop reads the pointer it needs besides the subset
    expect(queries[0]?.["select"]["s1"].sources[0].properties).toEqual(["name", "parent"]);
    expect(ids(root?.connections.children)).toEqual(ids(await client.cogniteAsset.children("P-1")));
    for (const child of root?.connections.children ?? []) expect(child.properties.name?.startsWith("P-1.")).toBe(true);
  });

  it("reads identifiers only with properties: []", async () => {
    const { client, space, queries } = await fresh();
    await plant(client, space);
    const [root] = await client.cogniteAsset.query({ filter: nodeFields().externalId.equals("P-1"), space }).follow("children", { properties: [] }).list();
    expect(queries[0]?.["select"]["s1"]).toEqual({ sources: [{ source: ASSET_VIEW, properties: ["parent"] }] });
    expect(ids(root?.connections.children)).toEqual(ids(await client.cogniteAsset.children("P-1")));
    expect(root?.connections.children[0]?.properties).toEqual({ parent: { space, externalId: "P-1" } });
    // a direct relation read with no properties: a query of ids, and the relation itself
    const [child] = await client.cogniteAsset.query({ filter: nodeFields().externalId.equals("P-1.pump0"), space }).follow("parent", { properties: [] }).list();
    expect(child?.connections.parent?.externalId).toBe("P-1");
    expect(child?.connections.parent?.properties).toEqual({});
    expect(queries.at(-1)?.["select"]["s1"]).toEqual({});
  });

  it("reads branches of one hop together", async () => {
    const { client, space, queries } = await fresh();
    await plant(client, space);
    const result = await client.cogniteAsset
      .query({ filter: nodeFields().externalId.equals("P-2"), space })
      .follow("children", {}, (c) => c.follow("equipment").follow("children"))
      .execute();
    const [p2] = result.roots;
    expect(ids(result.hop("children"))).toEqual(ids(await client.cogniteAsset.children("P-2")));
    expect(result.hop("children", "equipment")).toHaveLength(4);
    expect(result.hop("children", "children")).toHaveLength(8);
    for (const child of p2?.connections.children ?? []) {
      expect(child.connections.equipment).toHaveLength(1);
      expect(child.connections.children).toHaveLength(2);
    }
    expect(queries).toHaveLength(1);
    expect(Object.keys(queries[0]?.["with"])).toEqual(["s0", "s1", "s2", "s3"]);
    expect(queries[0]?.["with"]["s2"].nodes.through.identifier).toBe("asset"); // depth-first, in the order added
  });

  it("reads a node reached by two hops of the same view and properties as one object", async () => {
    const { client, space } = await fresh();
    await plant(client, space);
    const byName = (properties?: readonly "name"[]) =>
      client.cogniteAsset
        .query({ filter: nodeFields().externalId.equals("P-1"), space, ...(properties ? { properties } : {}) })
        .follow("children", {}, (c) => c.follow("parent"))
        .list();
    const [root] = await byName();
    const children = root?.connections.children ?? [];
    expect(children).toHaveLength(4);
    for (const child of children) expect(child.connections.parent).toBe(root); // the root, reached again
    expect(Object.keys(root?.connections ?? {})).toEqual(["children"]);
    const [subset] = await byName(["name"]); // the root read with a subset: another object than the parents
    for (const child of subset?.connections.children ?? []) {
      expect(child.connections.parent).not.toBe(subset);
      expect(child.connections.parent?.externalId).toBe("P-1");
    }
  });

  it("names the hop in its errors", async () => {
    const { client } = await fresh();
    const query = client.cogniteAsset.query();
    // Casts: these are compile errors (query.types.ts); plain JavaScript gets them at run time.
    const loose = query as unknown as { follow(name: string, options?: object, sub?: unknown): unknown };
    expect(() => loose.follow("nmae")).toThrow(/^CogniteAsset -> nmae: CogniteAsset has no connection "nmae"; its connections: activities, assetClass, children,/);
    expect(() => loose.follow("toString")).toThrow(/has no connection "toString"/);
    expect(() => loose.follow("children", { limit: 0 })).toThrow(/CogniteAsset -> children: limit must be an integer from 1/);
    expect(() => loose.follow("children", { properties: ["nope"] })).toThrow(/CogniteAsset -> children: CogniteAsset has no property "nope"; its properties: aliases,/);
    expect(() => loose.follow("children", { filter: "name = 'x'" })).toThrow(/CogniteAsset -> children: filter must be a Filter/);
    expect(() => loose.follow("children", { edgeFilter: client.cogniteAsset.fields.name.exists() })).toThrow(/edgeFilter, edgeWhere and edgeProperties are for edge connections/);
    expect(() => loose.follow("children", { where: { nmae: { eq: "x" } } })).toThrow(/^CogniteAsset -> children: where: CogniteAsset has no property "nmae"; its properties: aliases,/);
    expect(() => loose.follow("children", { where: { or: [{ name: { gt: "x" } }] } })).toThrow(/^CogniteAsset -> children: where\.or\[0\]\.name has no operator "gt"/);
    expect(() => loose.follow("children", {}, (hop: unknown) => hop && 3)).toThrow(/must return the hop it was given/);
    const twice = query.follow("children") as unknown as { follow(name: string): unknown };
    expect(() => twice.follow("children")).toThrow(/children is followed already at CogniteAsset/);
    expect(() => client.cogniteAsset.query({ limit: 0 })).toThrow(/CogniteAsset.query: limit must be an integer from 1/);
    const result = await query.follow("children").execute();
    expect(() => (result.hop as (...path: string[]) => unknown)("children", "parent")).toThrow(/children -> parent is not a hop of this query/);
  });

  // Last: its 10,000 nodes stay in this file's emulator (on a CDF target, the global teardown deletes them).
  it("pages across hops: more than one query answer at the first hop, continued with cursors", async () => {
    const { client, space, queries } = await fresh();
    const id = (externalId: string): NodeId => ({ space, externalId });
    const name = (i: number): string => String(i).padStart(5, "0");
    const items: CogniteAssetWrite[] = [
      { externalId: "big", properties: { name: "big" } },
      { externalId: "small", properties: { name: "small" } },
      { externalId: "c-small", properties: { name: "c-small", parent: id("small") } },
    ];
    for (let i = 0; i < 10_050; i++) items.push({ externalId: `c${name(i)}`, properties: { name: `c${name(i)}`, parent: id("big") } });
    for (let i = 0; i < 10_050; i += 50) items.push({ externalId: `g${name(i)}`, properties: { name: "g", parent: id(`c${name(i)}`) } });
    await client.cogniteAsset.upsert(items);
    const query = client.cogniteAsset
      .query({ filter: nodeFields().externalId.in(["big", "small"]), space })
      .follow("children", { properties: ["name"] }, (c) => c.follow("children", { properties: ["name"] }));
    const result = await query.execute();
    const byId = new Map(result.roots.map((root) => [root.externalId, root]));
    expect(byId.get("big")?.connections.children).toHaveLength(10_050);
    expect(ids(byId.get("small")?.connections.children)).toEqual(["c-small"]);
    expect(result.hop("children", "children")).toHaveLength(201);
    const withGrandchild = (byId.get("big")?.connections.children ?? []).filter((c) => c.connections.children.length > 0);
    expect(withGrandchild).toHaveLength(201);
    for (const c of withGrandchild) expect(c.connections.children.map((g) => g.externalId)).toEqual([`g${c.externalId.slice(1)}`]);
    // the children expression was continued with its cursor, the root held on its page
    const continued = queries.filter((q) => "cursors" in q);
    expect(continued.length).toBeGreaterThan(0);
    for (const q of continued) expect(Object.keys(q["cursors"])).toEqual(["s1"]);
    expect(result.requests).toBe(queries.length);
    // iterate: a page of roots at a time (c00050 to c00059, three a page; c00050 has a child)
    const roots = [];
    const before = queries.length;
    for await (const root of client.cogniteAsset.query({ filter: client.cogniteAsset.fields.name.prefix("c0005"), limit: "all", space }).follow("children").iterate({ pageSize: 3 })) {
      roots.push(root);
    }
    expect(roots).toHaveLength(10);
    expect(queries.length - before).toBe(4);
    expect(roots.flatMap((root) => root.connections.children.map((c) => c.externalId))).toEqual(["g00050"]);
  });
});
