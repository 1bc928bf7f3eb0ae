/**
 * The generated CogniteCore SDK (src/generated/cognite_core) and the hand-written helpers, against
 * `pygen emulator` serving the same snapshot the SDK was generated from. Every test works in a fresh space.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { and, CogniteCoreClient, nodeFields, not, NotFoundError, or, Token, UpsertError, type CogniteAssetWrite } from "../src/generated/cognite_core/index.js";
import { assetNames, childrenOf, createAssetTree } from "../src/index.js";

/** A client on a fresh instance space (created first: CDF, and so the emulator, needs the space). */
async function freshClient(): Promise<CogniteCoreClient> {
  const { baseUrl, token } = inject("emulator");
  const space = `example_${randomBytes(6).toString("hex")}`;
  const client = new CogniteCoreClient({ project: "example", baseUrl, credentials: new Token(token) }, { instanceSpace: space });
  await client.instances.http.post("/models/spaces", { items: [{ space }] });
  return client;
}

/** Reads only the test's own space: the emulator is shared by every test of the run. */
function own(client: CogniteCoreClient): { space: string } {
  return { space: client.instances.instanceSpace ?? "" };
}

function ids(items: readonly { externalId: string }[]): string[] {
  return items.map((item) => item.externalId).sort();
}

describe("CRUD", () => {
  it("creates, reads, updates and deletes assets", async () => {
    const client = await freshClient();
    expect(await createAssetTree(client, "root", ["pump-a", "pump-b"])).toEqual(["root", "pump-a", "pump-b"]);
    expect(await assetNames(client)).toEqual(["pump-a", "pump-b", "root"]);

    const root = await client.cogniteAsset.retrieve("root");
    expect(root?.properties.name).toBe("root");
    expect(root?.instanceType).toBe("node");
    const many = await client.cogniteAsset.retrieve(["pump-a", "nope"]);
    expect(ids(many.items)).toEqual(["pump-a"]);
    expect(many.missing.map((id) => id.externalId)).toEqual(["nope"]);

    const when = new Date("2024-05-01T12:00:00.000Z");
    const updated = await client.cogniteAsset.upsert({ externalId: "root", properties: { description: "top", sourceCreatedTime: when } });
    expect(updated.updated.map((item) => item.externalId)).toEqual(["root"]);
    const again = await client.cogniteAsset.retrieve("root");
    expect(again?.properties.name).toBe("root"); // a patch: untouched properties stay
    expect(again?.properties.description).toBe("top");
    expect(again?.properties.sourceCreatedTime).toBeInstanceOf(Date); // timestamps are read as Date
    expect(again?.properties.sourceCreatedTime?.toISOString()).toBe(when.toISOString());

    await client.cogniteAsset.upsert({ externalId: "root", properties: { description: null } }); // null clears
    expect((await client.cogniteAsset.retrieve("root"))?.properties.description).toBeUndefined();

    const deleted = await client.cogniteAsset.delete(["pump-a", "pump-b", "root", "gone"]);
    expect(ids(deleted.deleted)).toEqual(["pump-a", "pump-b", "root"]);
    expect(ids(deleted.notFound)).toEqual(["gone"]);
    expect(await client.cogniteAsset.retrieve("root")).toBeUndefined();
  });

  it("names every item a write refused", async () => {
    const client = await freshClient();
    const bad = { externalId: "bad", properties: { name: 42 } } as unknown as CogniteAssetWrite;
    const error = await client.cogniteAsset.upsert([{ externalId: "good", properties: { name: "ok" } }, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpsertError);
    expect((error as UpsertError).failed.map((item) => item.externalId)).toEqual(["bad"]);
    expect(await assetNames(client)).toEqual(["ok"]);
  });

  it("reports typed API errors", async () => {
    const { baseUrl, token } = inject("emulator");
    const client = new CogniteCoreClient({ project: "example", baseUrl, credentials: new Token(token), retry: { maxRetries: 0 } }, { instanceSpace: "no_such_space_here" });
    const error = await client.cogniteAsset.upsert({ externalId: "x", properties: { name: "x" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpsertError);
    expect(error).not.toBeInstanceOf(NotFoundError);
  });
});

describe("filters", () => {
  it("filters with the typed fields of every kind", async () => {
    const client = await freshClient();
    const assets = client.cogniteAsset;
    const space = client.instances.instanceSpace ?? "";
    await createAssetTree(client, "plant", ["pump-1", "pump-2", "valve-1"]);
    await assets.upsert([
      { externalId: "pump-1", properties: { tags: ["pump", "critical"], sourceCreatedTime: new Date("2024-01-01T00:00:00Z") } },
      { externalId: "pump-2", properties: { tags: ["pump"], sourceCreatedTime: "2024-06-01T00:00:00.000Z" } },
    ]);
    const f = assets.fields;
    expect(ids(await assets.list({ ...own(client), filter: f.name.prefix("pump") }))).toEqual(["pump-1", "pump-2"]);
    expect(ids(await assets.list({ ...own(client), filter: f.name.equals("valve-1") }))).toEqual(["valve-1"]);
    expect(ids(await assets.list({ ...own(client), filter: f.name.in(["plant", "valve-1"]) }))).toEqual(["plant", "valve-1"]);
    expect(ids(await assets.list({ ...own(client), filter: f.tags.containsAny(["critical"]) }))).toEqual(["pump-1"]);
    expect(ids(await assets.list({ ...own(client), filter: f.tags.containsAll(["pump", "critical"]) }))).toEqual(["pump-1"]);
    expect(ids(await assets.list({ ...own(client), filter: f.sourceCreatedTime.range({ gte: new Date("2024-03-01T00:00:00Z") }) }))).toEqual(["pump-2"]);
    expect(ids(await assets.list({ ...own(client), filter: f.sourceCreatedTime.exists() }))).toEqual(["pump-1", "pump-2"]);
    expect(ids(await assets.list({ ...own(client), filter: f.parent.equals("plant") }))).toEqual(["pump-1", "pump-2", "valve-1"]);
    expect(ids(await assets.list({ ...own(client), filter: f.parent.equals({ space, externalId: "plant" }) }))).toHaveLength(3);
    expect(ids(await assets.list({ ...own(client), filter: and(f.name.prefix("pump"), not(f.tags.containsAny(["critical"]))) }))).toEqual(["pump-2"]);
    expect(ids(await assets.list({ ...own(client), filter: or(f.name.equals("plant"), f.name.equals("pump-2")) }))).toEqual(["plant", "pump-2"]);
    const sorted = await assets.list({ ...own(client), sort: f.name.desc(), limit: 2 });
    expect(sorted.map((a) => a.properties.name)).toEqual(["valve-1", "pump-2"]);
  });

  it("filters enums and booleans (time series)", async () => {
    const client = await freshClient();
    const series = client.cogniteTimeSeries;
    await series.upsert([
      { externalId: "ts1", properties: { type: "numeric", isStep: false, name: "flow" } },
      { externalId: "ts2", properties: { type: "string", isStep: true, name: "state" } },
    ]);
    expect(ids(await series.list({ ...own(client), filter: series.fields.type.equals("numeric") }))).toEqual(["ts1"]);
    expect(ids(await series.list({ ...own(client), filter: series.fields.type.in(["numeric", "string"]) }))).toEqual(["ts1", "ts2"]);
    expect(ids(await series.list({ ...own(client), filter: series.fields.isStep.equals(true) }))).toEqual(["ts2"]);
    expect((await series.retrieve("ts1"))?.properties.type).toBe("numeric");
  });
});

describe("paging", () => {
  it("reads page by page with cursors", async () => {
    const client = await freshClient();
    const items: CogniteAssetWrite[] = Array.from({ length: 7 }, (_, i) => ({ externalId: `a${i}`, properties: { name: `A ${i}` } }));
    await client.cogniteAsset.upsert(items);
    const sizes: number[] = [];
    for await (const page of client.cogniteAsset.pages({ ...own(client), pageSize: 3 })) sizes.push(page.items.length);
    expect(sizes).toEqual([3, 3, 1]);
    const first = await client.cogniteAsset.page({ ...own(client), pageSize: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.cursor).toBeTypeOf("string");
    const rest = await client.cogniteAsset.page({ ...own(client), pageSize: 5, ...(first.cursor === undefined ? {} : { cursor: first.cursor }) });
    expect(ids([...first.items, ...rest.items])).toEqual(ids(items));
    expect(rest.cursor).toBeUndefined();
    const seen: string[] = [];
    for await (const asset of client.cogniteAsset.iterate({ ...own(client), pageSize: 2, limit: 5 })) seen.push(asset.externalId);
    expect(seen).toHaveLength(5);
    expect(await client.cogniteAsset.list({ ...own(client), limit: "all", pageSize: 2 })).toHaveLength(7);
  });
});

describe("search and aggregation", () => {
  it("searches text and aggregates", async () => {
    const client = await freshClient();
    const assets = client.cogniteAsset;
    await createAssetTree(client, "plant", ["feed pump", "export pump", "valve"]);
    await assets.upsert([
      { externalId: "feed pump", properties: { tags: ["pump"], sourceId: "pumps" } },
      { externalId: "export pump", properties: { tags: ["pump"], sourceId: "pumps" } },
      { externalId: "valve", properties: { sourceId: "valves" } },
    ]);
    expect(ids(await assets.search({ ...own(client), query: "pump" }))).toEqual(["export pump", "feed pump"]);
    expect(ids(await assets.search({ ...own(client), query: "pump", filter: assets.fields.name.prefix("feed") }))).toEqual(["feed pump"]);
    // Aggregates take no `space` option: the space is a filter on the node's base property.
    const inSpace = nodeFields().space.equals(own(client).space);
    expect(await assets.count({ filter: inSpace })).toBe(4);
    expect(await assets.count({ filter: and(inSpace, assets.fields.parent.equals("plant")) })).toBe(3);
    const groups = await assets.aggregate([{ aggregate: "count" }], { groupBy: [assets.fields.sourceId], filter: inSpace });
    const counts = groups.map((g) => `${String(g.group?.["sourceId"])}=${String(g.aggregates[0]?.value)}`).sort();
    expect(counts).toEqual(["pumps=2", "valves=1"]);
  });
});

describe("connections", () => {
  it("follows direct relations and reverse direct relations", async () => {
    const client = await freshClient();
    await createAssetTree(client, "root", ["child-b", "child-a"]);
    const children = await childrenOf(client, "root");
    expect(children.map((c) => c.externalId)).toEqual(["child-a", "child-b"]);
    const parentId = children[0]?.properties.parent;
    expect(parentId?.externalId).toBe("root");
    const parent = parentId === undefined ? undefined : await client.cogniteAsset.retrieve(parentId);
    expect(parent?.properties.name).toBe("root");
    // Reverse direct relations are generated methods: children = the assets whose parent is this one.
    expect(ids(await client.cogniteAsset.children("root"))).toEqual(["child-a", "child-b"]);
    expect(ids(await client.cogniteAsset.children("root", { filter: client.cogniteAsset.fields.name.equals("child-b") }))).toEqual(["child-b"]);
    expect(await client.cogniteAsset.children("child-a")).toEqual([]);
    await client.cogniteTimeSeries.upsert({ externalId: "ts1", properties: { type: "numeric", isStep: false, assets: [{ space: own(client).space, externalId: "child-a" }] } });
    expect(ids(await client.cogniteAsset.timeSeries("child-a"))).toEqual(["ts1"]); // through a list of direct relations
    const nested = await client.cogniteAsset.list({ ...own(client), filter: client.cogniteAsset.fields.parent.nested(client.cogniteAsset.fields.name.equals("root")) });
    expect(ids(nested)).toEqual(["child-a", "child-b"]);
  });

  it("follows edges to the nodes at their other end, each with its edge properties", async () => {
    const client = await freshClient();
    const { space } = own(client);
    await client.cognite3DObject.upsert({ externalId: "obj", properties: { name: "object" } });
    await client.cognite360Image.upsert([
      { externalId: "img-1", properties: { takenAt: new Date("2024-01-01T00:00:00Z") } },
      { externalId: "img-2", properties: {} },
    ]);
    const type = { space: "cdf_cdm", externalId: "image-360-annotation" };
    const edge = (externalId: string, end: string) => ({
      instanceType: "edge" as const,
      space,
      externalId,
      type,
      startNode: { space, externalId: "obj" },
      endNode: { space, externalId: end },
    });
    // e1 through the edge view (with properties), e2 as a bare edge (no data in the edge view).
    await client.cognite360ImageAnnotation.upsert({ ...edge("e1", "img-1"), properties: { status: "Approved", confidence: 0.5 } });
    await client.instances.upsert([edge("e2", "img-2")]);
    // The connection has an edge view (Cognite360ImageAnnotation): each image comes with its edge, { edge, node }.
    const pairs = await client.cognite3DObject.images360("obj");
    expect(ids(pairs.map((pair) => pair.node))).toEqual(["img-1", "img-2"]);
    const first = pairs.find((pair) => pair.node.externalId === "img-1");
    expect(first?.node.properties.takenAt).toBeInstanceOf(Date);
    expect(first?.edge.externalId).toBe("e1");
    expect(first?.edge.properties).toEqual({ status: "Approved", confidence: 0.5 });
    expect(pairs.find((pair) => pair.node.externalId === "img-2")?.edge.properties).toEqual({});
    expect(await client.cognite3DObject.images360("obj", { limit: 1 })).toHaveLength(1);
    expect(await client.cognite3DObject.images360("img-1")).toEqual([]);
  });
});
