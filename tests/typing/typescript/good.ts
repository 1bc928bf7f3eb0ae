/**
 * Correct use of generated TypeScript SDKs: must compile with 0 errors. tests/typing/test_ts_typing_corpus.py
 * type-checks it beside bad.ts and the CogniteCore and Omni SDKs (generated into `./cognite_core/` and `./omni/`,
 * each with its runtime copy), under plain `strict` and under the project's full flag set. Never run.
 *
 * Covers: where objects of every property type (and/or/not, beside builders), builders, reads (retrieve, list,
 * page/pages/iterate, search, aggregates), writes, edges as `{ edge, node }` pairs, graph queries with `follow`.
 */
import { and, CogniteCoreClient, not, or, Token, whereFilter, type CogniteAsset, type CogniteAssetApi, type CogniteAssetWrite, type Filter, type NodeId, type Where } from "./cognite_core/index.js";
import {
  OmniClient,
  type ConnectionEdgeA,
  type ConnectionEdgeAWrite,
  type ConnectionItemG,
  type EdgePair,
  type PrimitiveNullable,
  type PrimitiveNullableWrite,
} from "./omni/index.js";

const credentials = new Token("token");
const core = new CogniteCoreClient({ project: "my-project", cluster: "westeurope-1", credentials }, { instanceSpace: "my_space" });
const omni = new OmniClient({ project: "my-project", cluster: "westeurope-1", credentials }, { instanceSpace: "my_space" });
const plant: NodeId = { space: "my_space", externalId: "plant" };

export async function whereObjects(): Promise<number> {
  const assets = core.cogniteAsset;
  const api = omni.primitiveNullable;
  // One key per property, the operators of its type.
  const typed: PrimitiveNullable[] = await api.list({
    where: {
      text: { prefix: "P", in: ["P1", "P2"], exists: true },
      int32: { gt: 0, lte: 10 },
      int64: { gte: 2n ** 60n, in: [1, 2n] },
      float64: { eq: 0.5 },
      boolean: { eq: true },
      date: { gte: "2024-01-01", lt: new Date() },
      timestamp: { in: [new Date(), "2024-01-01T00:00:00Z"], gt: new Date(0) },
      json: { exists: false },
    },
    limit: "all",
  });
  const listed = await omni.primitiveNullableListed.list({ where: { text: { containsAny: ["a"], containsAll: ["a", "b"] }, int32: { containsAny: [1, 2] } } });
  const ds = await omni.connectionItemD.list({ where: { directSingle: { eq: "d1" }, directMulti: { containsAny: ["e1", plant] } } });
  const revisions = await core.cognite3DRevision.list({ where: { status: { in: ["Done", "Failed"] }, type: { eq: "CAD" } } });
  // and / or / not, nested.
  const where: Where<CogniteAssetApi["fields"]> = {
    name: { prefix: "Pump" },
    or: [{ parent: { eq: plant } }, { parent: { in: ["plant", "site"] } }, { tags: { containsAny: ["critical"] } }],
    not: { and: [{ tags: { containsAll: ["old", "retired"] } }, { description: { exists: true } }] },
  };
  // Beside the builders: both given must hold; whereFilter turns a where object into a Filter.
  const f = assets.fields;
  const both: CogniteAsset[] = await assets.list({ where, filter: and(f.name.exists(), or(f.tags.containsAny(["a"]), not(f.aliases.exists()))), sort: f.name.desc() });
  const asFilter: Filter | undefined = whereFilter(f, { name: { eq: "Pump 1" } });
  const builderWhere: Filter = f.name.where({ prefix: "P" });
  // Every read method takes them.
  await assets.page({ where, pageSize: 100 });
  for await (const page of assets.pages({ where, pageSize: 500 })) void page.items.length;
  for await (const asset of assets.iterate({ where: { name: { exists: true } } })) void asset.externalId;
  await assets.search({ query: "pump", where: { tags: { containsAny: ["x"] } }, limit: 10 });
  const count: number = await assets.count({ where });
  const total: number = await api.sum("int32", { where: { boolean: { eq: true } } });
  const buckets = await api.histogram("int32", 10, { where: { text: { prefix: "a" } } });
  await api.aggregate([{ aggregate: "avg", property: "float64" }], { groupBy: ["text"], where: { int32: { gt: 0 } } });
  const children: CogniteAsset[] = await assets.children("plant", { where: { name: { prefix: "Pump" } }, limit: 10 });
  void [typed, listed, ds, revisions, both, asFilter, builderWhere, buckets, children];
  return count + total;
}

export async function readsAndWrites(): Promise<void> {
  const api = omni.primitiveNullable;
  const write: PrimitiveNullableWrite = {
    externalId: "p1",
    properties: { int64: 9007199254740993n, int32: 1, float64: 0.5, timestamp: "2024-01-01T00:00:00Z", date: "2024-01-01", json: { a: [1, "b", null] }, text: null },
  };
  const result = await api.upsert(write);
  const created: number = result.created.length;
  const one: PrimitiveNullable | undefined = await api.retrieve("p1");
  const when: Date | undefined = one?.properties.timestamp;
  const { items, missing } = await api.retrieve(["p1", { space: "other", externalId: "p2" }]);
  const assets: CogniteAssetWrite[] = [{ externalId: "pump-1", properties: { name: "Pump 1", parent: plant, tags: ["critical"], description: null } }];
  await core.cogniteAsset.upsert(assets);
  await core.cogniteAsset.delete(["pump-1"]);
  void [created, when, items, missing];
}

export async function edgesAndQueries(): Promise<string[]> {
  const edge: ConnectionEdgeAWrite = {
    externalId: "f1-g1",
    type: { space: "sp_pygen_models", externalId: "multiProperty" },
    startNode: "f1",
    endNode: "g1",
    properties: { name: "keep", startTime: new Date() },
  };
  await omni.connectionEdgeA.upsert([edge]);
  const pairs: EdgePair<ConnectionEdgeA, ConnectionItemG>[] = await omni.connectionItemF.outwardsMulti("f1", { limit: 10 });
  const names = pairs.map(({ edge, node }) => `${edge.properties.name ?? ""} -> ${node.properties.name ?? ""}`);

  const tree = await core.cogniteAsset
    .query({ where: { name: { prefix: "P" } }, limit: "all" })
    .follow("children", { where: { tags: { containsAny: ["pump"] } }, filter: (c) => c.name.exists(), limit: 500 }, (child) =>
      child.follow("timeSeries", { where: { isStep: { eq: false } }, properties: ["name"] }),
    )
    .list();
  for (const root of tree) {
    for (const child of root.connections.children) names.push(...child.connections.timeSeries.map((ts) => ts.properties.name ?? ts.externalId));
  }
  const followed = await omni.connectionItemF
    .query({ where: { name: { eq: "f1" } } })
    .follow("outwardsMulti", { edgeWhere: { name: { prefix: "keep" }, startTime: { gte: new Date(0) } }, where: { name: { in: ["g1"] } }, edgeProperties: ["name"] })
    .execute();
  for (const root of followed.roots) for (const { edge, node } of root.connections.outwardsMulti) names.push(`${edge.properties.name ?? ""}:${node.externalId}`);
  const reached: ConnectionItemG[] = followed.hop("outwardsMulti");
  names.push(String(reached.length), String(followed.requests));
  return names;
}
