/**
 * A user's code on two generated SDKs, type-checked by test_ts_compile_matrix.py beside them (`./cognite_core/` and
 * `./omni/`, generated into the same folder) under every compiler configuration and TypeScript version of the
 * matrix. Correct usage only: it must compile with 0 errors everywhere. Nothing here runs.
 */
import {
  ApiError,
  and,
  CogniteCoreClient,
  OAuthClientCredentials,
  or,
  Token,
  type CogniteAsset,
  type CogniteAssetWrite,
  type NodeId,
} from "./cognite_core/index.js";
import { edgeFields, OmniClient, parseJson, stringifyJson, type ConnectionEdgeAWrite, type JsonValue, type PrimitiveNullableWrite } from "./omni/index.js";

export async function assets(token: string): Promise<string[]> {
  const client = new CogniteCoreClient({ project: "my-project", cluster: "westeurope-1", credentials: new Token(token) }, { instanceSpace: "my_space" });
  const api = client.cogniteAsset;
  const f = api.fields;
  const plant: NodeId = { space: "my_space", externalId: "plant" };
  const items: CogniteAssetWrite[] = [
    { externalId: "plant", properties: { name: "Plant", tags: ["site"] } },
    { externalId: "pump-1", properties: { name: "Pump 1", parent: plant, sourceCreatedTime: new Date(0), description: null } },
  ];
  await api.upsert(items);

  const pumps: CogniteAsset[] = await api.list({ filter: and(f.name.prefix("Pump"), or(f.parent.equals("plant"), f.tags.containsAny(["critical"]))), sort: f.name.desc(), limit: "all" });
  const one = await api.retrieve("pump-1");
  const when: Date | undefined = one?.properties.sourceCreatedTime;
  for await (const page of api.pages({ pageSize: 500 })) console.log(page.items.length);
  for await (const asset of api.iterate({ filter: f.name.exists() })) console.log(asset.externalId);
  const count: number = await api.count({ filter: f.tags.containsAll(["critical", "pump"]) });
  // The same filters as where objects, alone or beside builders.
  const wherePumps: CogniteAsset[] = await api.list({ where: { name: { prefix: "Pump" }, or: [{ parent: { eq: "plant" } }, { tags: { containsAny: ["critical"] } }] }, filter: f.name.exists() });

  const tree = await api
    .query({ filter: f.name.prefix("P"), limit: "all" })
    .follow("children", { limit: 500, filter: (c) => c.name.prefix("Pump"), where: { not: { tags: { containsAll: ["retired"] } } } }, (child) => child.follow("equipment", { properties: ["name"] }))
    .list();
  const names = tree.flatMap((root) => root.connections.children.map((child) => child.properties.name ?? child.externalId));

  try {
    await client.cogniteEquipment.delete(["gone"]);
  } catch (error) {
    if (error instanceof ApiError) console.log(error.status, error.message);
  }
  return [...pumps.map((p) => p.externalId), ...wherePumps.map((p) => p.externalId), ...names, String(when?.getTime()), String(count)];
}

export async function omni(clientId: string, clientSecret: string): Promise<JsonValue> {
  const credentials = new OAuthClientCredentials({ clientId, clientSecret, tenantId: "my-tenant" });
  const client = new OmniClient({ project: "my-project", baseUrl: "https://westeurope-1.cognitedata.com", credentials }, { instanceSpace: "my_space" });
  const write: PrimitiveNullableWrite = {
    externalId: "p1",
    properties: { int64: 9007199254740993n, int32: 1, float64: 0.5, timestamp: "2024-01-01T00:00:00Z", json: { a: [1, "b", null] }, text: null },
  };
  await client.primitiveNullable.upsert(write);
  const [read] = await client.primitiveNullable.list({ filter: client.primitiveNullable.fields.int64.range({ gt: 2n ** 60n }), where: { timestamp: { lt: new Date() }, date: { in: ["2024-01-01"] } }, limit: 1 });
  const big: number | bigint | undefined = read?.properties.int64;

  const edge: ConnectionEdgeAWrite = {
    externalId: "f1-g1",
    type: { space: "sp_pygen_models", externalId: "multiProperty" },
    startNode: { space: "my_space", externalId: "f1" },
    endNode: { space: "my_space", externalId: "g1" },
    properties: { name: "keep", startTime: new Date() },
  };
  await client.connectionEdgeA.upsert([edge]);
  const far = await client.connectionItemF.outwardsMulti("f1", { limit: 10 });
  const edges = await client.connectionEdgeA.list({ filter: edgeFields().startNode.equals({ space: "my_space", externalId: "f1" }), limit: 10 });
  const pairs = await client.connectionItemF
    .query({ limit: 10 })
    .follow("outwardsMulti", { edgeFilter: (e) => e.name.prefix("keep"), edgeWhere: { startTime: { gte: new Date(0) } }, where: { name: { in: ["g1"] } } })
    .list();
  const edgeNames = pairs.flatMap((f) => f.connections.outwardsMulti.map((pair) => pair.edge.properties.name ?? ""));

  const parsed = parseJson(stringifyJson({ big: big ?? null, far: far.length, edges: edges.length, edgeNames }));
  return parsed;
}
