/**
 * What graph queries must and must not compile: type-checked by `tsc --noEmit -p .` (run.sh), never run.
 *
 * Each `@ts-expect-error` line is a mistake the types refuse (tsc fails on such a line that compiles: "Unused
 * '@ts-expect-error' directive"); the line before it is the same code done right, which must compile, so a
 * refused line fails for the reason named and not for a typo.
 */
import type { CogniteAsset, CogniteCoreClient, CogniteTimeSeries, CogniteTimeSeriesApi, Linked, Node } from "./generated/cognite_core/index.js";
import type { ConnectionEdgeA, ConnectionItemG, OmniClient } from "./generated/omni/index.js";

export async function coreQueries(client: CogniteCoreClient): Promise<void> {
  const f = client.cogniteAsset.fields;
  const q = client.cogniteAsset
    .query({ filter: f.name.prefix("P"), limit: "all" })
    .follow("children", { limit: 500, filter: (c) => c.name.prefix("Pump") }, (c) => c.follow("timeSeries", { properties: ["name"] }));
  const roots = await q.list();

  // The result type follows the path.
  const name: string | undefined = roots[0]?.connections.children[0]?.connections.timeSeries[0]?.properties.name;
  const asset: CogniteAsset | undefined = roots[0]?.connections.children[0];
  // Only the properties read are in the type.
  // @ts-expect-error description was not read (properties: ["name"])
  void roots[0]?.connections.children[0]?.connections.timeSeries[0]?.properties.description;
  void roots[0]?.connections.children[0]?.properties.description; // children were read whole
  void [name, asset];

  // A connection that was not followed is not there.
  void roots[0]?.connections.children;
  // @ts-expect-error parent was not followed
  void roots[0]?.connections.parent;
  // @ts-expect-error timeSeries was followed from the children, not from the roots
  void roots[0]?.connections.timeSeries;

  // A wrong connection name.
  client.cogniteAsset.query().follow("children");
  // @ts-expect-error CogniteAsset has no connection "childs"
  client.cogniteAsset.query().follow("childs");
  // @ts-expect-error name is a property, not a connection
  client.cogniteAsset.query().follow("name");
  client.cogniteAsset.query().follow("children", {}, (c) => c.follow("equipment"));
  // @ts-expect-error CogniteAsset's children have no connection "assets" (that is CogniteTimeSeries')
  client.cogniteAsset.query().follow("children", {}, (c) => c.follow("assets"));

  // A filter of the wrong type on a hop.
  client.cogniteAsset.query().follow("timeSeries", { filter: (ts) => ts.isStep.equals(true) });
  // @ts-expect-error children are assets: their fields have no isStep
  client.cogniteAsset.query().follow("children", { filter: (ts: CogniteTimeSeriesApi["fields"]) => ts.isStep.equals(true) });
  // @ts-expect-error a filter is a Filter (or a function of the fields returning one), not text
  client.cogniteAsset.query().follow("children", { filter: "name = 'x'" });
  // @ts-expect-error a sort is not a filter
  client.cogniteAsset.query().follow("children", { filter: f.name.desc() });
  // @ts-expect-error the filter function must return a Filter
  client.cogniteAsset.query().follow("children", { filter: (c) => c.name.desc() });
  client.cogniteAsset.query().follow("children", { sort: (c) => c.name.desc() });
  // @ts-expect-error CogniteAsset has no property isStep to sort by
  client.cogniteAsset.query().follow("children", { sort: (c) => c.isStep.desc() });

  // Properties are the target view's.
  client.cogniteAsset.query({ properties: ["name"] }).follow("timeSeries", { properties: ["isStep"] });
  // @ts-expect-error CogniteAsset has no property isStep
  client.cogniteAsset.query({ properties: ["isStep"] });
  // @ts-expect-error CogniteTimeSeries has no property nmae
  client.cogniteAsset.query().follow("timeSeries", { properties: ["nmae"] });

  // Edge options only on edge connections with an edge view; each connection once per hop.
  // @ts-expect-error children is not an edge connection
  client.cogniteAsset.query().follow("children", { edgeFilter: f.name.prefix("x") });
  client.cogniteAsset.query().follow("children").follow("parent");
  // @ts-expect-error children is followed already
  client.cogniteAsset.query().follow("children").follow("children");

  // Single connections are one object or undefined; lists are arrays.
  const [child] = await client.cogniteAsset.query().follow("parent").follow("path").list();
  const parent: Linked<CogniteAsset, {}> | undefined = child?.connections.parent;
  const path: Linked<CogniteAsset, {}>[] | undefined = child?.connections.path;
  void [parent, path];
  // @ts-expect-error a single connection is not an array
  void child?.connections.parent?.length;

  // Flat access per hop, typed by the path.
  const result = await q.execute();
  const series: CogniteTimeSeries[] = result.hop("children", "timeSeries");
  const children: CogniteAsset[] = result.hop("children");
  void [series, children, result.requests];
  // @ts-expect-error the series were read with name only: not a Node with isStep
  const steps: Node<{ isStep: boolean }>[] = result.hop("children", "timeSeries");
  // @ts-expect-error no such hop
  result.hop("children", "parent");
  // @ts-expect-error the hop of the roots' time series does not exist (timeSeries is below children)
  result.hop("timeSeries");
  void steps;

  // Only the query runs: a hop inside follow cannot.
  client.cogniteAsset.query().follow("children", {}, (c) => {
    // @ts-expect-error list is the query's
    void c.list();
    return c;
  });
  for await (const root of q.iterate({ pageSize: 100 })) void root.connections.children;
}

export async function edgeQueries(client: OmniClient): Promise<void> {
  const q = client.connectionItemF
    .query()
    .follow("outwardsMulti", { edgeFilter: (e) => e.name.prefix("keep"), edgeProperties: ["name"], filter: (g) => g.name.prefix("g") }, (g) => g.follow("inwardsMultiProperty"));
  const [f] = await q.list();
  const pair = f?.connections.outwardsMulti[0];
  const edge: ConnectionEdgeA | undefined = pair?.edge;
  const node: ConnectionItemG | undefined = pair?.node;
  const back: string | undefined = pair?.node.connections.inwardsMultiProperty[0]?.node.properties.name;
  void [edge, node, back, pair?.edge.properties.name];
  // @ts-expect-error the edges were read with name only
  void pair?.edge.properties.startTime;
  // @ts-expect-error the edge's builders have no isStep
  client.connectionItemF.query().follow("outwardsMulti", { edgeFilter: (e) => e.isStep.equals(true) });
  // @ts-expect-error ConnectionEdgeA has no property nmae
  client.connectionItemF.query().follow("outwardsMulti", { edgeProperties: ["nmae"] });
  // Without an edge view the connection holds the nodes.
  const [a] = await client.connectionItemA.query().follow("outwards").list();
  void a?.connections.outwards[0]?.properties.name;
  // @ts-expect-error no edge view: nodes, not pairs
  void a?.connections.outwards[0]?.edge;
  // @ts-expect-error no edge view: no edge options
  client.connectionItemA.query().follow("outwards", { edgeProperties: [] });
}

/** The examples of pygen/generator/emit/typescript/README.md ("Graph queries"), as written there. */
export async function readmeExamples(client: CogniteCoreClient, omni: OmniClient): Promise<void> {
  const assets = client.cogniteAsset;
  const q = assets
    .query({ filter: assets.fields.name.prefix("P"), limit: "all" })
    .follow("children", { limit: 500, filter: (c) => c.name.prefix("Pump") }, (child) =>
      child.follow("timeSeries", { properties: ["name"] }).follow("equipment", { properties: [] }),
    );

  for (const plant of await q.list()) {
    for (const pump of plant.connections.children) {
      console.log(pump.properties.name, pump.connections.timeSeries.map((ts) => ts.properties.name));
    }
  }
  const result = await q.execute();
  void result.roots;
  void result.hop("children", "timeSeries");
  void result.requests;
  for await (const plant of q.iterate({ pageSize: 100 })) console.log(plant.connections.children.length);

  const [f] = await omni.connectionItemF
    .query({ filter: omni.connectionItemF.fields.name.equals("f1") })
    .follow("outwardsMulti", { edgeFilter: (e) => e.name.prefix("keep"), filter: (g) => g.name.in(["g0", "g2"]) })
    .list();
  for (const { edge, node } of f?.connections.outwardsMulti ?? []) console.log(edge.properties.name, node.externalId);
}
