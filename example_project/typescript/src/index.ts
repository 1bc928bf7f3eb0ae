/**
 * A little hand-written code on top of the generated CogniteCore SDK (src/generated/cognite_core, made by
 * `npm run build`), the TypeScript twin of the Python wheel's `core_tools`.
 */
import { CogniteCoreClient, type CogniteAsset, type CogniteAssetWrite, type NodeId } from "./generated/cognite_core/index.js";

export { CogniteCoreClient };
export type { CogniteAsset, CogniteAssetWrite };

function spaceOf(client: CogniteCoreClient): string {
  const space = client.instances.instanceSpace;
  if (space === undefined) throw new TypeError("the client needs an instanceSpace (the second constructor argument)");
  return space;
}

/** Creates a root asset and its children (parent set by direct relation); returns their external ids. */
export async function createAssetTree(client: CogniteCoreClient, root: string, children: readonly string[]): Promise<string[]> {
  const parent: NodeId = { space: spaceOf(client), externalId: root };
  const items: CogniteAssetWrite[] = [
    { externalId: root, properties: { name: root } },
    ...children.map((child) => ({ externalId: child, properties: { name: child, parent } })),
  ];
  await client.cogniteAsset.upsert(items);
  return items.map((item) => item.externalId);
}

/** The names of up to `limit` assets in the client's instance space, sorted. */
export async function assetNames(client: CogniteCoreClient, limit = 100): Promise<string[]> {
  const assets = await client.cogniteAsset.list({ limit, space: spaceOf(client) });
  return assets.map((asset) => asset.properties.name ?? "").sort();
}

/** Every asset whose `parent` is the given asset (a bare external id is in the client's instance space), by name. */
export async function childrenOf(client: CogniteCoreClient, parent: NodeId | string): Promise<CogniteAsset[]> {
  const api = client.cogniteAsset;
  return api.list({ filter: api.fields.parent.equals(parent), sort: api.fields.name.asc(), limit: "all" });
}
