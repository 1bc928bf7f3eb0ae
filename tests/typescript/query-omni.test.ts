/**
 * Graph queries over edge connections of a generated Omni SDK against its own `pygen emulator` (or the CDF target
 * of the run: helpers.ts `modelService`): edges with an edge view (the edges come back with the nodes, as
 * `{ edge, node }` pairs) and edges without one (the nodes). Answers are compared with plain `list` calls and the
 * existing edge methods.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, edgeFields, OmniClient, type ApplyItem, type FetchLike, type NodeId } from "./generated/omni/index.js";
import { freshSpace, modelService, modelSpace, type ModelService } from "./helpers.js";

let service: ModelService;

beforeAll(async () => {
  service = await modelService("Omni");
});
afterAll(async () => {
  await service?.stop();
});

type Body = Record<string, any>;
/** The space of the Omni views and edge types here (`sp_pygen_models` on the emulator). */
const MODELS = modelSpace("sp_pygen_models");

async function fresh(): Promise<{ client: OmniClient; space: string; queries: Body[] }> {
  const space = freshSpace("gq");
  const queries: Body[] = [];
  const fetch: FetchLike = (url, init) => {
    if (url.endsWith("/models/instances/query") && init.body !== undefined) queries.push(JSON.parse(init.body) as Body);
    return globalThis.fetch(url, init);
  };
  const client = new OmniClient({ project: service.project, baseUrl: service.baseUrl, credentials: service.credentials, fetch }, { instanceSpace: space });
  await client.instances.http.post("/models/spaces", { items: [{ space }] });
  return { client, space, queries };
}

function ids(items: readonly { externalId: string }[] | undefined): string[] {
  return (items ?? []).map((item) => item.externalId).sort();
}

/** F nodes with ConnectionEdgeA edges (edge properties) to G nodes; A -> B and B -> B edges without an edge view. */
async function edgesGraph(client: OmniClient, space: string): Promise<void> {
  const id = (externalId: string): NodeId => ({ space, externalId });
  await client.connectionItemG.upsert([0, 1, 2, 3].map((i) => ({ externalId: `g${i}`, properties: { name: `g${i}` } })));
  await client.connectionItemF.upsert([0, 1, 2].map((i) => ({ externalId: `f${i}`, properties: { name: `f${i}` } })));
  const edges = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 4; j++) {
      if ((i + j) % 3 === 0) continue;
      const name = `${j % 2 === 0 ? "keep" : "drop"} ${i}${j}`;
      edges.push({ externalId: `f${i}-g${j}`, type: { space: MODELS, externalId: "multiProperty" }, startNode: id(`f${i}`), endNode: id(`g${j}`), properties: { name } });
    }
  }
  await client.connectionEdgeA.upsert(edges);
  await client.connectionItemB.upsert([0, 1, 2, 3].map((i) => ({ externalId: `b${i}`, properties: { name: `b${i}` } })));
  await client.connectionItemA.upsert(["a0", "a1"].map((a) => ({ externalId: a, properties: { name: a } })));
  const edge = (type: string, start: string, end: string): ApplyItem => ({
    instanceType: "edge",
    space,
    externalId: `${start}-${end}`,
    type: { space: MODELS, externalId: type },
    startNode: { space, externalId: start },
    endNode: { space, externalId: end },
  });
  await client.instances.upsert([
    ...["b0", "b1", "b2"].map((b) => edge("bidirectional", "a0", b)),
    ...["b2", "b3"].map((b) => edge("bidirectional", "a1", b)),
    edge("reflexive", "b0", "b1"),
    edge("reflexive", "b0", "b2"),
    edge("reflexive", "b1", "b3"),
  ]);
}

describe("graph queries over edges (Omni)", () => {
  it("returns edges with properties and their far-end nodes, four expressions in one request", async () => {
    const { client, space, queries } = await fresh();
    await edgesGraph(client, space);
    const query = client.connectionItemF
      .query({ filter: client.connectionItemF.fields.name.prefix("f"), limit: "all", space })
      .follow("outwardsMulti", { edgeFilter: (e) => e.name.prefix("keep"), filter: (g) => g.name.in(["g0", "g2"]) }, (g) =>
        g.follow("inwardsMultiProperty", { properties: ["name"] }),
      );
    const result = await query.execute();
    expect(result.requests).toBe(1);
    const multiProperty = client.connectionEdgeA.list({ filter: edgeFields().type.equals({ space: MODELS, externalId: "multiProperty" }), limit: "all", space });
    const every = await multiProperty;
    expect(result.roots).toHaveLength(3);
    for (const f of result.roots) {
      const kept = every.filter((e) => e.startNode.externalId === f.externalId && e.properties.name?.startsWith("keep"));
      expect(f.connections.outwardsMulti.map((pair) => pair.edge.externalId).sort()).toEqual(ids(kept));
      for (const { edge, node } of f.connections.outwardsMulti) {
        expect(edge.properties.name?.startsWith("keep")).toBe(true);
        expect(edge.endNode.externalId).toBe(node.externalId);
        expect(["g0", "g2"]).toContain(node.externalId);
        expect(node.properties.name).toBe(node.externalId);
        // every F edge into that G, each with its start node (read with a subset)
        const into = node.connections.inwardsMultiProperty.map((pair) => pair.node.externalId).sort();
        const pointing = [...new Set(every.filter((e) => e.endNode.externalId === node.externalId).map((e) => e.startNode.externalId))].sort();
        expect(into).toEqual(pointing);
        for (const pair of node.connections.inwardsMultiProperty) expect(Object.keys(pair.node.properties)).toEqual(["name"]);
      }
    }
    expect(ids(result.hop("outwardsMulti"))).toEqual(["g0", "g2"]);
    const body = queries[0]?.["with"];
    expect(body.s1.edges).toMatchObject({ from: "s0", direction: "outwards", maxDistance: 1 });
    expect(body.s1.edges.filter.and[0]).toEqual({ equals: { property: ["edge", "type"], value: { space: MODELS, externalId: "multiProperty" } } });
    expect(body.s2.nodes).toMatchObject({ from: "s1", chainTo: "destination" });
    expect(body.s3.edges).toMatchObject({ from: "s2", direction: "inwards" });
    expect(body.s4.nodes).toMatchObject({ from: "s3", chainTo: "destination" });
    expect(queries[0]?.["select"]["s1"].sources[0].source.externalId).toBe("ConnectionEdgeA");
  });

  it("leaves out the edges whose far end the hop does not read", async () => {
    const { client, space, queries } = await fresh();
    await edgesGraph(client, space);
    const [f1] = await client.connectionItemF
      .query({ filter: client.connectionItemF.fields.name.equals("f1"), space })
      .follow("outwardsMulti", { filter: (g) => g.name.equals("g0"), edgeProperties: [] })
      .list();
    // f1 has edges to g0, g1 and g3: only the one to g0 passes the node filter
    expect(f1?.connections.outwardsMulti.map((pair) => [pair.edge.externalId, pair.node.externalId])).toEqual([["f1-g0", "g0"]]);
    expect(f1?.connections.outwardsMulti[0]?.edge.properties).toEqual({});
    expect(queries[0]?.["select"]["s1"]).toEqual({});
    expect(queries[0]?.["with"]["s1"].edges.nodeFilter.and).toContainEqual({ hasData: [{ type: "view", space: MODELS, externalId: "ConnectionItemG", version: "1" }] });
  });

  it("follows edges without an edge view three hops deep, as the edge methods find them", async () => {
    const { client, space } = await fresh();
    await edgesGraph(client, space);
    const query = client.connectionItemA
      .query({ filter: client.connectionItemA.fields.name.prefix("a"), limit: "all", space })
      .follow("outwards", {}, (b) => b.follow("selfEdge", {}, (b2) => b2.follow("selfEdge")));
    const byId = new Map((await query.list()).map((a) => [a.externalId, a]));
    expect(ids(byId.get("a0")?.connections.outwards)).toEqual(["b0", "b1", "b2"]);
    expect(ids(byId.get("a1")?.connections.outwards)).toEqual(["b2", "b3"]);
    const b0 = byId.get("a0")?.connections.outwards.find((b) => b.externalId === "b0");
    expect(ids(b0?.connections.selfEdge)).toEqual(["b1", "b2"]);
    expect(ids(b0?.connections.selfEdge)).toEqual(ids(await client.connectionItemB.selfEdge("b0")));
    const b1 = b0?.connections.selfEdge.find((b) => b.externalId === "b1");
    expect(ids(b1?.connections.selfEdge)).toEqual(["b3"]);
    const sameA = await client.connectionItemA.outwards("a1");
    expect(ids(byId.get("a1")?.connections.outwards)).toEqual(ids(sameA));
  });

  it("follows a single edge connection with an edge view: one pair or undefined", async () => {
    const { client, space } = await fresh();
    const id = (externalId: string): NodeId => ({ space, externalId });
    await client.connectionItemE.upsert([{ externalId: "e9", properties: { name: "e9" } }]);
    await client.connectionItemF.upsert([
      { externalId: "f9", properties: { name: "f9" } },
      { externalId: "f8", properties: { name: "f8" } },
    ]);
    const type = { space: MODELS, externalId: "singleProperty" };
    await client.connectionEdgeA.upsert({ externalId: "f9-e9", type, startNode: id("f9"), endNode: id("e9"), properties: { name: "single" } });
    const roots = await client.connectionItemF
      .query({ filter: and(client.connectionItemF.fields.name.prefix("f"), client.connectionItemF.fields.name.in(["f8", "f9"])), space })
      .follow("outwardsSingle")
      .list();
    const byId = new Map(roots.map((f) => [f.externalId, f]));
    const pair = byId.get("f9")?.connections.outwardsSingle;
    expect(pair?.edge.properties.name).toBe("single");
    expect(pair?.node.externalId).toBe("e9");
    expect(byId.get("f8")?.connections.outwardsSingle).toBeUndefined();
    expect("outwardsSingle" in (byId.get("f8")?.connections ?? {})).toBe(true);
  });
});
