/**
 * Deliberate misuse of generated TypeScript SDKs: every line marked `// error` must be a compile error, and no other
 * line may be. tests/typing/test_ts_typing_corpus.py type-checks it with good.ts (under plain `strict` and the
 * project's full flag set) and compares the lines tsc reports with the marked lines. Never run.
 */
import { CogniteCoreClient, Token, type CogniteAsset, type CogniteAssetApi, type CogniteAssetWrite, type Where } from "./cognite_core/index.js";
import { OmniClient, type ConnectionEdgeAWrite, type PrimitiveNullableWrite } from "./omni/index.js";

const credentials = new Token("token");
const core = new CogniteCoreClient({ project: "my-project", cluster: "westeurope-1", credentials }, { instanceSpace: "my_space" });
const omni = new OmniClient({ project: "my-project", cluster: "westeurope-1", credentials }, { instanceSpace: "my_space" });
const assets = core.cogniteAsset;
const api = omni.primitiveNullable;
const f = assets.fields;

export async function whereObjects(): Promise<void> {
  // Keys are the view's properties.
  await assets.list({ where: { nmae: { prefix: "P" } } }); // error
  await assets.list({ where: { externalId: { prefix: "P" } } }); // error
  // Operators follow the property's type.
  await assets.list({ where: { name: { gt: "P" } } }); // error
  await assets.list({ where: { name: { eq: 5 } } }); // error
  await assets.list({ where: { name: { in: "P" } } }); // error
  await assets.list({ where: { name: "Pump" } }); // error
  await assets.list({ where: { name: f.name.prefix("P") } }); // error
  await assets.list({ where: f.name.prefix("P") }); // error
  await api.list({ where: { int32: { prefix: "1" } } }); // error
  await api.list({ where: { int32: { eq: "1" } } }); // error
  await api.list({ where: { int64: { gt: "2" } } }); // error
  await api.list({ where: { float64: { containsAny: [1] } } }); // error
  await api.list({ where: { boolean: { in: [true] } } }); // error
  await api.list({ where: { boolean: { eq: "true" } } }); // error
  await api.list({ where: { timestamp: { gt: 1700000000000 } } }); // error
  await api.list({ where: { date: { eq: 20240101 } } }); // error
  await api.list({ where: { json: { eq: { a: 1 } } } }); // error
  await api.list({ where: { text: { exists: "yes" } } }); // error
  await core.cognite3DRevision.list({ where: { status: { eq: "Finished" } } }); // error
  await core.cognite3DRevision.list({ where: { status: { in: ["Done", "Unknown"] } } }); // error
  await assets.list({ where: { parent: { eq: 42 } } }); // error
  await assets.list({ where: { parent: { prefix: "plant" } } }); // error
  await assets.list({ where: { tags: { eq: "critical" } } }); // error
  await omni.primitiveNullableListed.list({ where: { int32: { containsAny: ["1"] } } }); // error
  await omni.connectionItemD.list({ where: { directMulti: { containsAll: [3] } } }); // error
  // and / or / not hold where objects of the same view.
  await assets.list({ where: { and: { name: { eq: "P" } } } }); // error
  await assets.list({ where: { or: [{ name: { eq: "P" } }, { nmae: { eq: "Q" } }] } }); // error
  await assets.list({ where: { not: [{ name: { eq: "P" } }] } }); // error
  const typed: Where<CogniteAssetApi["fields"]> = { isStep: { eq: true } }; // error
  void typed;
  // Every read method checks them.
  await assets.search({ query: "x", where: { nmae: { eq: "P" } } }); // error
  await assets.count({ where: { name: { gte: 1 } } }); // error
  await api.histogram("int32", 10, { where: { int32: { prefix: "1" } } }); // error
  for await (const page of assets.pages({ where: { tags: { containsAny: [1] } } })) void page; // error
  await assets.children("plant", { where: { isStep: { eq: true } } }); // error
}

export async function buildersReadsWrites(): Promise<void> {
  await assets.list({ filter: f.name.range({ gt: "a" }) }); // error
  await api.list({ filter: api.fields.int32.prefix("1") }); // error
  await assets.list({ filter: f.tags.equals("critical") }); // error
  await assets.list({ limit: null }); // error
  await assets.list({ page_size: 100 }); // error
  await assets.retrieve(42); // error
  const one = await api.retrieve("p1");
  const text: number | undefined = one?.properties.text; // error
  const stamp: string | undefined = one?.properties.timestamp; // error
  void one?.properties.nmae; // error
  void [text, stamp];
  const many: CogniteAsset[] = await assets.retrieve(["a", "b"]); // error
  void many;
  const write: PrimitiveNullableWrite = { externalId: "p1", properties: { int32: "one" } }; // error
  void write;
  await api.upsert({ externalId: "p1", properties: { nmae: "x" } }); // error
  await api.upsert({ properties: { text: "no external id" } }); // error
  const asset: CogniteAssetWrite = { externalId: "a", properties: { parent: "plant" } }; // error
  void asset;
  const edge: ConnectionEdgeAWrite = { externalId: "e", startNode: "f1", endNode: "g1", properties: {} }; // error
  void edge;
}

export async function edgesAndQueries(): Promise<void> {
  const pairs = await omni.connectionItemF.outwardsMulti("f1");
  void pairs[0]?.externalId; // error
  void pairs[0]?.node.properties.startTime; // error
  void pairs[0]?.edge.startNode.properties; // error
  await assets.query({ where: { nmae: { eq: "P" } } }).list(); // error
  await assets.query().follow("childrn").list(); // error
  await assets.query().follow("children", { where: { isStep: { eq: true } } }).list(); // error
  await assets.query().follow("timeSeries", { where: { parent: { eq: "plant" } } }).list(); // error
  await assets.query().follow("children", { edgeWhere: { name: { eq: "x" } } }).list(); // error
  await omni.connectionItemF.query().follow("outwardsMulti", { edgeWhere: { nmae: { prefix: "k" } } }).list(); // error
  await omni.connectionItemF.query().follow("outwardsMulti", { edgeWhere: { startTime: { prefix: "2024" } } }).list(); // error
  const roots = await assets.query().follow("children", { properties: ["name"] }).list();
  void roots[0]?.connections.children[0]?.properties.description; // error
  void roots[0]?.connections.parent; // error
  const result = await assets.query().follow("children").execute();
  result.hop("parent"); // error
}
