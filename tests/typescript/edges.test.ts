/**
 * Edge properties on reads, end to end: a generated Omni SDK against its own `pygen emulator` (or the CDF target of
 * the run). Nodes and edges with properties (the edge view ConnectionEdgeA: `name`, `startTime`, `endTime`) are
 * written through the generated APIs and read back typed, as `{ edge, node }` pairs, by the connection methods
 * (`outwardsMulti(id)`, `inwardsMultiProperty(id)`, single ones) and by graph queries (`query().follow(...)`), which
 * must agree. Connections without an edge view still return the nodes. Type-level checks: edges.types.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OmniClient, type ConnectionEdgeA, type ConnectionEdgeAWrite, type EdgePair, type FetchLike, type NodeId } from "./generated/omni/index.js";
import { freshSpace, modelService, modelSpace, type ModelService } from "./helpers.js";

let service: ModelService;

beforeAll(async () => {
  service = await modelService("Omni");
});
afterAll(async () => {
  await service?.stop();
});

/** The space of the Omni views and edge types (`sp_pygen_models` on the emulator). */
const MODELS = modelSpace("sp_pygen_models");
const T0 = new Date("2024-05-01T08:00:00.000Z");
const T1 = new Date("2024-05-01T09:30:00.000Z");

async function fresh(): Promise<{ client: OmniClient; space: string; paths: string[] }> {
  const space = freshSpace("edges");
  const paths: string[] = [];
  const fetch: FetchLike = (url, init) => {
    paths.push(new URL(url).pathname.replace(/^.*\/models\//, "/models/"));
    return globalThis.fetch(url, init);
  };
  const client = new OmniClient({ project: service.project, baseUrl: service.baseUrl, credentials: service.credentials, fetch }, { instanceSpace: space });
  await client.instances.http.post("/models/spaces", { items: [{ space }] });
  return { client, space, paths };
}

/**
 * f1 -multiProperty-> g0 (name, startTime, endTime), g1 (name only), g2 (no data in the edge view), x (a node without
 * data in ConnectionItemG); f2 -multiProperty-> g1, e1 (not a ConnectionItemG); f1 -singleProperty-> e1 (name,
 * startTime).
 */
async function graph(client: OmniClient, space: string): Promise<void> {
  const id = (externalId: string): NodeId => ({ space, externalId });
  await client.connectionItemG.upsert(["g0", "g1", "g2"].map((g) => ({ externalId: g, properties: { name: `G ${g}` } })));
  await client.connectionItemF.upsert(["f1", "f2"].map((f) => ({ externalId: f, properties: { name: `F ${f}` } })));
  await client.connectionItemE.upsert({ externalId: "e1", properties: { name: "E e1" } });
  const multi = { space: MODELS, externalId: "multiProperty" };
  const edges: ConnectionEdgeAWrite[] = [
    { externalId: "f1-g0", type: multi, startNode: "f1", endNode: "g0", properties: { name: "first", startTime: T0, endTime: T1.toISOString() } },
    { externalId: "f1-g1", type: multi, startNode: id("f1"), endNode: id("g1"), properties: { name: "second" } },
    { externalId: "f1-x", type: multi, startNode: "f1", endNode: "x", properties: { name: "to a node of no view" } },
    { externalId: "f2-g1", type: multi, startNode: "f2", endNode: "g1", properties: { name: "other" } },
    // ConnectionItemE.inwardsSingleProperty follows multiProperty edges (as the Omni model declares it)
    { externalId: "f2-e1", type: multi, startNode: "f2", endNode: "e1", properties: { name: "into e" } },
    { externalId: "f1-e1", type: { space: MODELS, externalId: "singleProperty" }, startNode: "f1", endNode: "e1", properties: { name: "single", startTime: T0 } },
  ];
  await client.connectionEdgeA.upsert(edges, { autoCreateEndNodes: true });
  // An edge of the connection's type with no data in the edge view (written without a source).
  await client.instances.upsert([
    { instanceType: "edge", space, externalId: "f1-g2", type: multi, startNode: { space, externalId: "f1" }, endNode: { space, externalId: "g2" } },
  ]);
}

function pairIds(pairs: readonly EdgePair<{ externalId: string }, { externalId: string }>[]): string[][] {
  return pairs.map((pair) => [pair.edge.externalId, pair.node.externalId]).sort((a, b) => String(a).localeCompare(String(b)));
}

describe("edge properties on reads (Omni)", () => {
  it("a connection method returns each edge, typed through the edge view, with its far-end node", async () => {
    const { client, space, paths } = await fresh();
    await graph(client, space);
    paths.length = 0;
    const pairs = await client.connectionItemF.outwardsMulti("f1");
    // f1-x leads to a node without data in ConnectionItemG: left out, with its edge
    expect(pairIds(pairs)).toEqual([
      ["f1-g0", "g0"],
      ["f1-g1", "g1"],
      ["f1-g2", "g2"],
    ]);
    const byEdge = new Map(pairs.map((pair) => [pair.edge.externalId, pair]));
    const g0 = byEdge.get("f1-g0");
    // Typed edge properties: timestamps are Dates, whichever way they were written
    expect(g0?.edge.properties).toEqual({ name: "first", startTime: T0, endTime: T1 });
    expect(g0?.edge.properties.startTime).toBeInstanceOf(Date);
    expect(g0?.edge).toMatchObject({ instanceType: "edge", space, type: { space: MODELS, externalId: "multiProperty" }, startNode: { space, externalId: "f1" }, endNode: { space, externalId: "g0" } });
    expect(g0?.node).toMatchObject({ instanceType: "node", space, externalId: "g0", properties: { name: "G g0" } });
    expect(byEdge.get("f1-g1")?.edge.properties).toEqual({ name: "second" });
    // No data in the edge view: the edge is still the connection's, without properties
    expect(byEdge.get("f1-g2")?.edge.properties).toEqual({});
    // One list of the edges, then the edges through the edge view and the far ends through the target view
    expect(paths).toEqual(["/models/instances/list", "/models/instances/byids", "/models/instances/byids"]);
    // The edge is the one the edge view's own API reads
    expect(g0?.edge).toEqual(await client.connectionEdgeA.retrieve("f1-g0"));
    // Pairs are read-only, as a graph query's
    expect(Object.isFrozen(g0)).toBe(true);
  });

  it("reads inwards connections, single connections and limits the same way", async () => {
    const { client, space } = await fresh();
    await graph(client, space);
    const into = await client.connectionItemG.inwardsMultiProperty("g1");
    expect(pairIds(into)).toEqual([
      ["f1-g1", "f1"],
      ["f2-g1", "f2"],
    ]);
    for (const { edge, node } of into) {
      expect(edge.endNode).toEqual({ space, externalId: "g1" });
      expect(edge.startNode).toEqual({ space, externalId: node.externalId });
      expect(node.properties.name).toBe(`F ${node.externalId}`);
    }
    const single = await client.connectionItemF.outwardsSingle("f1");
    expect(single?.edge.externalId).toBe("f1-e1");
    expect(single?.edge.properties).toEqual({ name: "single", startTime: T0 });
    expect(single?.node.properties.name).toBe("E e1");
    const back = await client.connectionItemE.inwardsSingleProperty("e1");
    expect([back?.edge.externalId, back?.edge.properties.name, back?.node.externalId]).toEqual(["f2-e1", "into e", "f2"]);
    expect(await client.connectionItemF.outwardsSingle("f2")).toBeUndefined();
    expect(await client.connectionItemF.outwardsMulti("g0")).toEqual([]);
    expect(await client.connectionItemF.outwardsMulti("f1", { limit: 1 })).toHaveLength(1);
    expect(await client.connectionItemF.outwardsMulti({ space, externalId: "f2" }, { limit: "all" })).toHaveLength(1);
  });

  it("agrees with a graph query's follow: the same edges, properties and nodes", async () => {
    const { client, space } = await fresh();
    await graph(client, space);
    const roots = await client.connectionItemF
      .query({ filter: client.connectionItemF.fields.name.prefix("F "), limit: "all", space })
      .follow("outwardsMulti")
      .follow("outwardsSingle")
      .list();
    expect(roots).toHaveLength(2);
    // A followed node carries `connections`; the method's node is the plain read object.
    const plain = (value: object): unknown => {
      const { connections: _ignored, ...rest } = value as { connections?: unknown };
      return rest;
    };
    for (const root of roots) {
      const followed = root.connections.outwardsMulti;
      const method = await client.connectionItemF.outwardsMulti(root.externalId);
      expect(pairIds(followed)).toEqual(pairIds(method));
      const byEdge = new Map(method.map((pair) => [pair.edge.externalId, pair]));
      for (const pair of followed) {
        const same = byEdge.get(pair.edge.externalId);
        expect(pair.edge).toEqual(same?.edge);
        expect(plain(pair.node)).toEqual(same?.node);
      }
      const single = await client.connectionItemF.outwardsSingle(root.externalId);
      expect(root.connections.outwardsSingle?.edge).toEqual(single?.edge);
    }
  });

  it("edge connections without an edge view still return the nodes", async () => {
    const { client, space } = await fresh();
    await client.connectionItemA.upsert({ externalId: "a", properties: { name: "a" } });
    await client.connectionItemB.upsert([{ externalId: "b", properties: { name: "b" } }]);
    await client.instances.upsert([
      {
        instanceType: "edge",
        space,
        externalId: "a-b",
        type: { space: MODELS, externalId: "bidirectional" },
        startNode: { space, externalId: "a" },
        endNode: { space, externalId: "b" },
      },
    ]);
    const nodes = await client.connectionItemA.outwards("a");
    expect(nodes.map((node) => node.externalId)).toEqual(["b"]);
    expect(nodes[0]?.instanceType).toBe("node");
  });

  it("writes typed edge properties and refuses wrong ones before sending", async () => {
    const { client } = await fresh();
    const edge: ConnectionEdgeAWrite = { externalId: "e", type: { space: MODELS, externalId: "multiProperty" }, startNode: "f", endNode: "g", properties: { name: "n", startTime: T0 } };
    const result = await client.connectionEdgeA.upsert(edge, { autoCreateStartNodes: true, autoCreateEndNodes: true });
    expect(result.created.map((item) => [item.instanceType, item.externalId])).toEqual([["edge", "e"]]);
    const read: ConnectionEdgeA | undefined = await client.connectionEdgeA.retrieve("e");
    expect(read?.properties).toEqual({ name: "n", startTime: T0 });
    await expect(client.connectionEdgeA.upsert({ ...edge, externalId: "" })).rejects.toThrow(/needs an externalId/);
  });
});
