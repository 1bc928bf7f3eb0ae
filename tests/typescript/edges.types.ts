/**
 * What reads of edge connections must and must not compile: type-checked by `tsc --noEmit -p .` (run.sh), never
 * run. The end-to-end counterpart is edges.test.ts.
 *
 * Each `@ts-expect-error` line is a mistake the types refuse (tsc fails on such a line that compiles: "Unused
 * '@ts-expect-error' directive"); the line before it is the same code done right, which must compile, so a refused
 * line fails for the reason named and not for a typo.
 */
import type {
  ConnectionEdgeA,
  ConnectionItemB,
  ConnectionItemE,
  ConnectionItemF,
  ConnectionItemFLinks,
  ConnectionItemG,
  EdgePair,
  LinkEdge,
  LinkRead,
  OmniClient,
} from "./generated/omni/index.js";

/** `true` when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertTrue<T extends true>(): T | undefined {
  return undefined;
}

export async function connectionMethods(client: OmniClient): Promise<void> {
  // A connection with an edge view (ConnectionEdgeA): { edge, node } pairs, the edge typed by the edge view.
  const pairs = await client.connectionItemF.outwardsMulti("f1");
  const pair = pairs[0];
  const edge: ConnectionEdgeA | undefined = pair?.edge;
  const node: ConnectionItemG | undefined = pair?.node;
  const start: Date | undefined = pair?.edge.properties.startTime;
  const name: string | undefined = pair?.edge.properties.name;
  const nodeName: string | undefined = pair?.node.properties.name;
  void [edge, node, start, name, nodeName];
  // @ts-expect-error an edge timestamp is read as a Date, not a string
  const startText: string | undefined = pair?.edge.properties.startTime;
  void startText;
  // @ts-expect-error ConnectionEdgeA has no property "nmae"
  void pair?.edge.properties.nmae;
  void pair?.edge.properties.startTime;
  // @ts-expect-error startTime is the edge's property, not the node's (a ConnectionItemG)
  void pair?.node.properties.startTime;
  void pairs[0]?.node.externalId;
  // @ts-expect-error the entries are pairs: the node's id is under .node
  void pairs[0]?.externalId;
  void pair?.edge.startNode.externalId;
  // @ts-expect-error the edge's ends are ids, not nodes
  void pair?.edge.startNode.properties;

  // Read objects are read-only.
  // @ts-expect-error a pair's edge cannot be replaced
  if (pair !== undefined) pair.edge = pair.edge;
  // @ts-expect-error nor an edge property
  if (pair !== undefined) pair.edge.properties.name = "x";

  // Inwards: the far end is the start node (a ConnectionItemF); the edge is the same edge type.
  const into = await client.connectionItemG.inwardsMultiProperty("g1");
  const from: ConnectionItemF | undefined = into[0]?.node;
  void [from, into[0]?.node.properties.directList];
  // @ts-expect-error directList is a property of ConnectionItemF (the far end inwards), not of ConnectionItemG
  void pair?.node.properties.directList;

  // A single connection: one pair or undefined.
  const single = await client.connectionItemF.outwardsSingle("f1");
  const singleNode: ConnectionItemE | undefined = single?.node;
  void [singleNode, single?.edge.properties.endTime];
  // @ts-expect-error a single connection may have no edge
  void single.edge;
  // @ts-expect-error a single connection is not a list
  void single?.[0];

  // Without an edge view (ConnectionItemA.outwards): the nodes, as before.
  const nodes = await client.connectionItemA.outwards("a");
  const b: ConnectionItemB | undefined = nodes[0];
  void b?.properties.name;
  // @ts-expect-error no edge view: the entries are nodes, not pairs
  void nodes[0]?.edge;

  // Options: a limit or "all", a signal.
  await client.connectionItemF.outwardsMulti({ space: "s", externalId: "f1" }, { limit: 10, signal: new AbortController().signal });
  await client.connectionItemF.outwardsMulti("f1", { limit: "all" });
  // @ts-expect-error "all" is the only word a limit takes
  await client.connectionItemF.outwardsMulti("f1", { limit: "everything" });
  // @ts-expect-error edge filters are graph query options (query().follow(name, { edgeFilter }))
  await client.connectionItemF.outwardsMulti("f1", { edgeFilter: null });
}

export async function sameTypesAsGraphQueries(client: OmniClient): Promise<void> {
  // A method's entry is the graph query's entry without `connections`: EdgePair<edge of the link, target of the link>.
  type Link = ConnectionItemFLinks["outwardsMulti"];
  type Entry = Awaited<ReturnType<OmniClient["connectionItemF"]["outwardsMulti"]>>[number];
  assertTrue<Equal<Entry, EdgePair<LinkEdge<Link>, LinkRead<Link>>>>();
  assertTrue<Equal<Entry, EdgePair<ConnectionEdgeA, ConnectionItemG>>>();
  type Single = Awaited<ReturnType<OmniClient["connectionItemF"]["outwardsSingle"]>>;
  assertTrue<Equal<Single, EdgePair<LinkEdge<ConnectionItemFLinks["outwardsSingle"]>, LinkRead<ConnectionItemFLinks["outwardsSingle"]>> | undefined>>();
  // @ts-expect-error the single connection's far end is a ConnectionItemE, not a ConnectionItemG
  assertTrue<Equal<Single, EdgePair<ConnectionEdgeA, ConnectionItemG> | undefined>>();

  // So a followed pair fits where a method's pair is expected.
  const [f] = await client.connectionItemF.query().follow("outwardsMulti").list();
  const followed: EdgePair<ConnectionEdgeA, ConnectionItemG> | undefined = f?.connections.outwardsMulti[0];
  const fromMethod: Entry | undefined = followed;
  void fromMethod;
}

export async function writeEdges(client: OmniClient): Promise<void> {
  const type = { space: "sp_pygen_models", externalId: "multiProperty" };
  await client.connectionEdgeA.upsert({ externalId: "e", type, startNode: "f1", endNode: "g1", properties: { name: "n", startTime: new Date(), endTime: "2024-01-01T00:00:00Z" } });
  // @ts-expect-error an edge needs its type
  await client.connectionEdgeA.upsert({ externalId: "e", startNode: "f1", endNode: "g1" });
  await client.connectionEdgeA.upsert({ externalId: "e", type, startNode: "f1", endNode: "g1", properties: { startTime: new Date() } });
  // @ts-expect-error a timestamp is written as a Date or an ISO 8601 string, not a number
  await client.connectionEdgeA.upsert({ externalId: "e", type, startNode: "f1", endNode: "g1", properties: { startTime: 5 } });
}
