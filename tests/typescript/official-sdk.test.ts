/**
 * A scripted tour of the data-modeling API through Cognite's official TypeScript SDK (`@cognite/sdk`), with its
 * default settings, against the target of the run (global-setup.ts: `pygen emulator`, or the CDF project the
 * `PYGEN_TEST_CDF_*` variables name): schema (spaces, containers, views, data models), instances (apply, retrieve,
 * list with every filter kind, sort, cursors, search, aggregate, query, sync, delete) and error answers. Every
 * result is checked against values computed from the data written here. Everything happens in one space of the
 * run, deleted at the end; the emulator's own wording of error messages is checked on the emulator only.
 *
 * Type-checked by tsconfig.official-sdk.json (moduleResolution Bundler): the SDK's declaration files use
 * extensionless relative imports, which NodeNext (the main tsconfig.json) cannot resolve.
 */
import { CogniteClient, CogniteError, HttpError } from "@cognite/sdk";
import type {
  AggregatedHistogramValue,
  AggregatedNumberValue,
  AggregatedValueItem,
  FilterDefinition,
  NodeOrEdge,
  NodeOrEdgeCreate,
  QueryRequest,
  QueryResponse,
  SyncRequest,
  ViewReference,
} from "@cognite/sdk";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually, onCdf } from "./helpers.js";
import { bearer, checkOwnSpace } from "./target.js";

// ------------------------------------------------------------------------------------------ the data

const SPACE = `${inject("target").run}_sdk_tour`;
const ref = (externalId: string) => ({ space: SPACE, externalId });
const view = (externalId: string): ViewReference => ({ type: "view", space: SPACE, externalId, version: "v1" });
const container = (externalId: string) => ({ type: "container" as const, space: SPACE, externalId });
const SITE_VIEW = view("Site");
const PUMP_VIEW = view("Pump");
const FLOW_VIEW = view("Flow");
/** A property of a view of this space, as filters and sorts name it. */
const prop = (viewId: string, property: string): string[] => [SPACE, `${viewId}/v1`, property];
const FLOWS_TO = ref("flowsTo");

/** Midnight UTC of 1 January 2024 + `days`, as the ISO 8601 timestamp written. */
const day = (days: number): string => new Date(Date.UTC(2024, 0, 1 + days)).toISOString();

interface Pump {
  id: string;
  name: string;
  description: string;
  serial: number;
  pressure: number | null;
  tags: string[];
  site: "site_a" | "site_b";
  running: boolean;
  start: string;
  end: string;
}

const SITES = [
  { id: "site_a", name: "Alpha" },
  { id: "site_b", name: "Beta" },
];
const PUMPS: Pump[] = Array.from({ length: 10 }, (_, i) => ({
  id: `pump_${i}`,
  name: `Pump ${i}`,
  description: i % 2 === 0 ? "centrifugal water pump" : "piston oil pump",
  serial: i * 10,
  pressure: i === 7 ? null : 1.25 * i + 0.5,
  tags: [["hot", "wet", "big", "old"][i % 4] ?? "", i % 3 === 0 ? "critical" : "normal"],
  site: i % 2 === 0 ? "site_a" : "site_b",
  running: i % 3 === 0,
  start: day(i),
  end: day(i + 2),
}));
/** Edges pump_i -> pump_{i+1} for i = 0..4. */
const FLOWS = Array.from({ length: 5 }, (_, i) => ({ id: `flow_${i}`, from: `pump_${i}`, to: `pump_${i + 1}`, rate: i + 0.5 }));

const ids = (items: readonly { externalId: string }[]): string[] => items.map((item) => item.externalId);
const sorted = (values: readonly string[]): string[] => [...values].sort();
const pumpIds = (keep: (pump: Pump) => boolean): string[] => sorted(PUMPS.filter(keep).map((p) => p.id));
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const pressures = PUMPS.flatMap((p) => (p.pressure === null ? [] : [p.pressure]));

/** The properties an instance carries from `source` (a view of this space). */
function props(instance: NodeOrEdge | undefined, source: ViewReference): Record<string, unknown> {
  return (instance?.properties?.[source.space]?.[`${source.externalId}/${source.version}`] ?? {}) as Record<string, unknown>;
}

function pumpWrite(pump: Pump): NodeOrEdgeCreate {
  const { id, site, pressure, ...rest } = pump;
  return {
    instanceType: "node",
    space: SPACE,
    externalId: id,
    sources: [{ source: PUMP_VIEW, properties: { ...rest, site: ref(site), ...(pressure === null ? {} : { pressure }) } }],
  };
}

/** The error of type `kind` a call fails with; fails the test when it succeeds or fails with something else. */
async function failure<E extends Error>(call: Promise<unknown>, kind: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await call;
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`the call succeeded; a ${kind.name} was expected`);
}

// ------------------------------------------------------------------------------------------ the tour

let client: CogniteClient;
let tokenRequests = 0;

beforeAll(() => {
  const target = inject("target");
  // The SDK's defaults; only where to go and how to get a token (the target's token, or one from its client credentials).
  client = new CogniteClient({
    appId: "pygen-official-sdk-tour",
    project: target.project,
    baseUrl: target.baseUrl,
    oidcTokenProvider: async () => {
      tokenRequests += 1;
      return bearer(target);
    },
  });
});

afterAll(async () => {
  // Leave nothing behind, also when a step failed half-way (the last step deletes everything when all went well).
  checkOwnSpace(SPACE, inject("target").run);
  if ((await client.spaces.retrieve([SPACE])).items.length === 0) return;
  const nodes = await client.instances.list({ instanceType: "node", filter: { equals: { property: ["node", "space"], value: SPACE } }, limit: 1000 });
  const edges = await client.instances.list({ instanceType: "edge", filter: { equals: { property: ["edge", "space"], value: SPACE } }, limit: 1000 });
  const instances = [...edges.items, ...nodes.items].map(({ instanceType, space, externalId }) => ({ instanceType, space, externalId }));
  if (instances.length > 0) await client.instances.delete(instances);
  await client.dataModels.delete([{ space: SPACE, externalId: "Plant", version: "v1" }]);
  await client.views.delete([SITE_VIEW, PUMP_VIEW, FLOW_VIEW].map(({ space, externalId, version }) => ({ space, externalId, version })));
  await client.containers.delete(["Site", "Pump", "Flow"].map(ref));
  await client.spaces.delete([SPACE]);
});

describe("@cognite/sdk against the target", () => {
  it("authenticates on the first 401 with the token provider", async () => {
    // The SDK sends its first request without a token, takes the 401, asks the provider, and repeats the call.
    const { items } = await client.spaces.upsert([{ space: SPACE, name: "SDK tour", description: "official SDK tour" }]);
    expect(tokenRequests).toBe(1);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ space: SPACE, name: "SDK tour", description: "official SDK tour", isGlobal: false });

    // A wrong token: after the retried 401 the provider is asked again, gives the same token, and the SDK gives up
    // with the 401 as its HttpError (sdk-core rejects a failed 401 retry with the raw HttpError, not a CogniteError).
    let wrongTokens = 0;
    const wrong = new CogniteClient({
      appId: "pygen-official-sdk-tour",
      project: inject("target").project,
      baseUrl: inject("target").baseUrl,
      oidcTokenProvider: async () => {
        wrongTokens += 1;
        return "wrong-token";
      },
    });
    const error = await failure(wrong.spaces.retrieve([SPACE]), HttpError);
    expect(error.status).toBe(401);
    expect(error.data).toMatchObject({ error: { code: 401 } });
    expect(wrongTokens).toBe(2);
  });

  it("spaces: list (all pages) and retrieve", async () => {
    const all = await client.spaces.list({ limit: 1000 }).autoPagingToArray({ limit: Infinity });
    expect(all.filter((s) => s.space === SPACE)).toHaveLength(1);
    const { items } = await client.spaces.retrieve([SPACE, `${SPACE}_absent`]);
    expect(items.map((s) => s.space)).toEqual([SPACE]);
    expect(items[0]?.createdTime).toBeTypeOf("number");
  });

  it("containers: upsert, list by space, retrieve", async () => {
    const { items } = await client.containers.upsert([
      { space: SPACE, externalId: "Site", usedFor: "node", properties: { name: { type: { type: "text" }, nullable: false } } },
      {
        space: SPACE,
        externalId: "Pump",
        usedFor: "node",
        properties: {
          name: { type: { type: "text" } },
          description: { type: { type: "text" } },
          serial: { type: { type: "int64" } },
          pressure: { type: { type: "float64" } },
          tags: { type: { type: "text", list: true } },
          site: { type: { type: "direct" } },
          running: { type: { type: "boolean" } },
          start: { type: { type: "timestamp" } },
          end: { type: { type: "timestamp" } },
        },
        // Paging through a sort needs a cursorable index (docs/dms.md, Schema resources).
        indexes: { serialIdx: { indexType: "btree", properties: ["serial"], cursorable: true } },
      },
      { space: SPACE, externalId: "Flow", usedFor: "edge", properties: { rate: { type: { type: "float64" } } } },
    ]);
    expect(sorted(ids(items))).toEqual(["Flow", "Pump", "Site"]);
    const pump = items.find((c) => c.externalId === "Pump");
    expect(Object.keys(pump?.properties ?? {}).sort()).toEqual(["description", "end", "name", "pressure", "running", "serial", "site", "start", "tags"]);
    expect(pump?.properties["tags"]?.type).toMatchObject({ type: "text", list: true });
    expect(pump?.indexes?.["serialIdx"]).toMatchObject({ properties: ["serial"], cursorable: true });

    const listed = await client.containers.list({ space: SPACE, limit: 1000 });
    expect(sorted(ids(listed.items))).toEqual(["Flow", "Pump", "Site"]);
    expect(listed.items.find((c) => c.externalId === "Flow")?.usedFor).toBe("edge");

    const retrieved = await client.containers.retrieve([ref("Site"), ref("Absent")]);
    expect(ids(retrieved.items)).toEqual(["Site"]);
    expect(retrieved.items[0]?.properties["name"]).toMatchObject({ nullable: false, type: { type: "text" } });
  });

  it("views: upsert, list page by page, retrieve", async () => {
    const mapped = (containerId: string, names: string[]) =>
      Object.fromEntries(names.map((name) => [name, { container: container(containerId), containerPropertyIdentifier: name }]));
    const { items } = await client.views.upsert([
      { space: SPACE, externalId: "Site", version: "v1", properties: mapped("Site", ["name"]) },
      {
        space: SPACE,
        externalId: "Pump",
        version: "v1",
        name: "Pump",
        properties: {
          ...mapped("Pump", ["name", "description", "serial", "pressure", "tags", "running", "start", "end"]),
          site: { container: container("Pump"), containerPropertyIdentifier: "site", source: SITE_VIEW },
          flowsTo: { connectionType: "multi_edge_connection", type: FLOWS_TO, source: PUMP_VIEW, edgeSource: FLOW_VIEW, direction: "outwards" },
        },
      },
      { space: SPACE, externalId: "Flow", version: "v1", properties: mapped("Flow", ["rate"]) },
    ]);
    expect(sorted(ids(items))).toEqual(["Flow", "Pump", "Site"]);
    const pump = items.find((v) => v.externalId === "Pump");
    expect(pump).toMatchObject({ version: "v1", name: "Pump", writable: true, usedFor: "node", mappedContainers: [container("Pump")] });
    expect(Object.keys(pump?.properties ?? {}).sort()).toEqual(["description", "end", "flowsTo", "name", "pressure", "running", "serial", "site", "start", "tags"]);
    // On read a direct relation carries its view inside `type`; a mapped property carries the container's type.
    expect(pump?.properties["site"]).toMatchObject({ type: { type: "direct", source: SITE_VIEW } });
    expect(pump?.properties["serial"]).toMatchObject({ type: { type: "int64" }, container: container("Pump") });
    expect(pump?.properties["flowsTo"]).toMatchObject({ connectionType: "multi_edge_connection", type: FLOWS_TO, edgeSource: FLOW_VIEW });
    expect(items.find((v) => v.externalId === "Flow")?.usedFor).toBe("edge");

    // One view a page: the SDK follows the cursors.
    const paged = await client.views.list({ space: SPACE, limit: 1 }).autoPagingToArray({ limit: 100 });
    expect(sorted(ids(paged))).toEqual(["Flow", "Pump", "Site"]);

    const retrieved = await client.views.retrieve([{ space: SPACE, externalId: "Site", version: "v1" }, { space: SPACE, externalId: "Absent", version: "v1" }]);
    expect(ids(retrieved.items)).toEqual(["Site"]);
    expect(Object.keys(retrieved.items[0]?.properties ?? {})).toEqual(["name"]);
  });

  it("data models: upsert, list, retrieve with inline views", async () => {
    const { items } = await client.dataModels.upsert([{ space: SPACE, externalId: "Plant", version: "v1", name: "Plant", views: [SITE_VIEW, PUMP_VIEW, FLOW_VIEW] }]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ space: SPACE, externalId: "Plant", version: "v1", name: "Plant", isGlobal: false });
    expect(items[0]?.views).toEqual([SITE_VIEW, PUMP_VIEW, FLOW_VIEW]);

    const listed = await client.dataModels.list({ space: SPACE });
    expect(ids(listed.items)).toEqual(["Plant"]);

    const retrieved = await client.dataModels.retrieve([{ space: SPACE, externalId: "Plant", version: "v1" }], { inlineViews: true });
    const views = retrieved.items[0]?.views ?? [];
    expect(views.map((v) => v.externalId)).toEqual(["Site", "Pump", "Flow"]);
    const inlinePump = views[1];
    expect(inlinePump !== undefined && "properties" in inlinePump ? Object.keys(inlinePump.properties).length : 0).toBe(10);
  });

  it("instances: upsert nodes and edges through views, and an unchanged write", async () => {
    const nodes: NodeOrEdgeCreate[] = [
      { instanceType: "node", space: SPACE, externalId: FLOWS_TO.externalId },
      ...SITES.map((site): NodeOrEdgeCreate => ({ instanceType: "node", space: SPACE, externalId: site.id, sources: [{ source: SITE_VIEW, properties: { name: site.name } }] })),
      ...PUMPS.map(pumpWrite),
    ];
    const written = await client.instances.upsert({ items: nodes });
    expect(written.items.map((i) => [i.instanceType, i.externalId, i.version, i.wasModified])).toEqual(
      nodes.map((n) => ["node", n.externalId, 1, true]),
    );

    const edges = FLOWS.map(
      (flow): NodeOrEdgeCreate => ({
        instanceType: "edge",
        space: SPACE,
        externalId: flow.id,
        type: FLOWS_TO,
        startNode: ref(flow.from),
        endNode: ref(flow.to),
        sources: [{ source: FLOW_VIEW, properties: { rate: flow.rate } }],
      }),
    );
    const writtenEdges = await client.instances.upsert({ items: edges });
    expect(writtenEdges.items.map((i) => [i.instanceType, i.externalId, i.version])).toEqual(FLOWS.map((f) => ["edge", f.id, 1]));

    const again = await client.instances.upsert({ items: [pumpWrite(PUMPS[2] as Pump)] });
    expect(again.items.map((i) => [i.externalId, i.version, i.wasModified])).toEqual([["pump_2", 1, false]]);
  });

  it("instances: retrieve by ids with sources and typing", async () => {
    const result = await client.instances.retrieve({
      items: [
        { instanceType: "node", space: SPACE, externalId: "pump_3" },
        { instanceType: "node", space: SPACE, externalId: "pump_7" },
        { instanceType: "node", space: SPACE, externalId: "site_a" }, // no data in Pump: left out
        { instanceType: "node", space: SPACE, externalId: "absent" },
      ],
      sources: [{ source: PUMP_VIEW }],
      includeTyping: true,
    });
    expect(sorted(ids(result.items))).toEqual(["pump_3", "pump_7"]);
    for (const item of result.items) {
      const pump = PUMPS.find((p) => p.id === item.externalId) as Pump;
      const got = props(item, PUMP_VIEW);
      expect(got).toMatchObject({ name: pump.name, description: pump.description, serial: pump.serial, tags: pump.tags, running: pump.running, site: ref(pump.site) });
      expect(got["pressure"]).toBe(pump.pressure ?? undefined);
      expect(Date.parse(String(got["start"]))).toBe(Date.parse(pump.start));
      expect(item).toMatchObject({ instanceType: "node", space: SPACE, version: 1 });
    }
    expect(result.typing?.[SPACE]?.["Pump/v1"]?.["serial"]?.type).toMatchObject({ type: "int64" });

    const edges = await client.instances.retrieve({ items: [{ instanceType: "edge", space: SPACE, externalId: "flow_2" }], sources: [{ source: FLOW_VIEW }] });
    expect(edges.items).toHaveLength(1);
    expect(edges.items[0]).toMatchObject({ instanceType: "edge", type: FLOWS_TO, startNode: ref("pump_2"), endNode: ref("pump_3") });
    expect(props(edges.items[0], FLOW_VIEW)).toEqual({ rate: 2.5 });
  });

  describe("instances: list with every filter kind", () => {
    const inSpace: FilterDefinition = { equals: { property: ["node", "space"], value: SPACE } };
    const isPump: FilterDefinition = { hasData: [PUMP_VIEW] };
    const list = async (filter: FilterDefinition): Promise<string[]> => {
      const { items, nextCursor } = await client.instances.list({ instanceType: "node", filter, limit: 1000 });
      expect(nextCursor ?? null).toBeNull();
      return sorted(ids(items));
    };
    const allNodes = sorted(["flowsTo", ...SITES.map((s) => s.id), ...PUMPS.map((p) => p.id)]);

    it.each<[string, FilterDefinition, string[]]>([
      ["equals", { and: [isPump, { equals: { property: prop("Pump", "name"), value: "Pump 3" } }] }, ["pump_3"]],
      ["equals on a direct relation", { equals: { property: prop("Pump", "site"), value: ref("site_b") } }, pumpIds((p) => p.site === "site_b")],
      ["in", { in: { property: prop("Pump", "serial"), values: [10, 40, 70, 999] } }, pumpIds((p) => [10, 40, 70].includes(p.serial))],
      ["range", { range: { property: prop("Pump", "pressure"), gte: 3, lt: 8 } }, pumpIds((p) => p.pressure !== null && p.pressure >= 3 && p.pressure < 8)],
      ["prefix on a base property", { and: [inSpace, { prefix: { property: ["node", "externalId"], value: "site_" } }] }, ["site_a", "site_b"]],
      ["prefix on a view property", { prefix: { property: prop("Pump", "description"), value: "pist" } }, pumpIds((p) => p.description.startsWith("pist"))],
      ["exists", { exists: { property: prop("Pump", "pressure") } }, pumpIds((p) => p.pressure !== null)],
      ["not exists", { and: [isPump, { not: { exists: { property: prop("Pump", "pressure") } } }] }, pumpIds((p) => p.pressure === null)],
      ["containsAny", { containsAny: { property: prop("Pump", "tags"), values: ["hot", "old"] } }, pumpIds((p) => p.tags.some((t) => ["hot", "old"].includes(t)))],
      ["containsAll", { containsAll: { property: prop("Pump", "tags"), values: ["hot", "critical"] } }, pumpIds((p) => ["hot", "critical"].every((t) => p.tags.includes(t)))],
      [
        "nested",
        { nested: { scope: prop("Pump", "site"), filter: { equals: { property: prop("Site", "name"), value: "Beta" } } } },
        pumpIds((p) => SITES.find((s) => s.id === p.site)?.name === "Beta"),
      ],
      [
        // Scoped to the pumps: how CDF treats instances without the start and end properties is unconfirmed (the
        // emulator takes a missing value as an open end, so nodes without pump data match too).
        "overlaps",
        {
          and: [
            isPump,
            { overlaps: { startProperty: prop("Pump", "start"), endProperty: prop("Pump", "end"), gte: "2024-01-05T12:00:00.000Z", lte: "2024-01-06T12:00:00.000Z" } },
          ],
        },
        pumpIds((p) => Date.parse(p.start) <= Date.parse("2024-01-06T12:00:00Z") && Date.parse(p.end) >= Date.parse("2024-01-05T12:00:00Z")),
      ],
      ["hasData (view)", { hasData: [SITE_VIEW] }, ["site_a", "site_b"]],
      ["hasData (container)", { hasData: [container("Pump")] }, pumpIds(() => true)],
      ["instanceReferences", { instanceReferences: [ref("pump_2"), ref("site_a"), ref("absent")] }, ["pump_2", "site_a"]],
      [
        "or",
        { or: [{ equals: { property: prop("Pump", "name"), value: "Pump 1" } }, { range: { property: prop("Pump", "serial"), gte: 80 } }] },
        pumpIds((p) => p.name === "Pump 1" || p.serial >= 80),
      ],
      [
        "and + not",
        { and: [{ equals: { property: prop("Pump", "running"), value: true } }, { not: { equals: { property: prop("Pump", "site"), value: ref("site_a") } } }] },
        pumpIds((p) => p.running && p.site !== "site_a"),
      ],
      ["matchAll", { and: [{ matchAll: {} }, inSpace] }, allNodes],
    ])("%s", async (_name, filter, expected) => {
      expect(await list(filter)).toEqual(expected);
    });

    it("edges, filtered on base and view properties", async () => {
      const { items } = await client.instances.list({
        instanceType: "edge",
        sources: [{ source: FLOW_VIEW }],
        filter: { and: [{ equals: { property: ["edge", "space"], value: SPACE } }, { range: { property: prop("Flow", "rate"), gt: 1, lte: 3.5 } }] },
      });
      const expected = FLOWS.filter((f) => f.rate > 1 && f.rate <= 3.5);
      expect(sorted(ids(items))).toEqual(expected.map((f) => f.id));
      for (const item of items) expect(props(item, FLOW_VIEW)["rate"]).toBe(FLOWS.find((f) => f.id === item.externalId)?.rate);

      const fromPump0 = await client.instances.list({
        instanceType: "edge",
        filter: { and: [{ equals: { property: ["edge", "startNode"], value: ref("pump_0") } }, { equals: { property: ["edge", "type"], value: FLOWS_TO } }] },
      });
      expect(ids(fromPump0.items)).toEqual(["flow_0"]);
    });
  });

  it("instances: sort and cursor paging", async () => {
    const byPressure = await client.instances.list({
      instanceType: "node",
      sources: [{ source: PUMP_VIEW }],
      filter: { hasData: [PUMP_VIEW] },
      sort: [{ property: prop("Pump", "pressure"), direction: "descending", nullsFirst: false }],
      limit: 1000,
    });
    const expected = [...PUMPS].sort((a, b) => (b.pressure ?? -Infinity) - (a.pressure ?? -Infinity)).map((p) => p.id);
    expect(ids(byPressure.items)).toEqual(expected);
    expect(byPressure.items.map((i) => props(i, PUMP_VIEW)["pressure"] ?? null)).toEqual(expected.map((id) => PUMPS.find((p) => p.id === id)?.pressure));

    const twoKeys = await client.instances.list({
      instanceType: "node",
      filter: { hasData: [PUMP_VIEW] },
      sort: [{ property: prop("Pump", "running"), direction: "ascending" }, { property: prop("Pump", "serial"), direction: "descending" }],
    });
    const byRunningThenSerial = [...PUMPS].sort((a, b) => Number(a.running) - Number(b.running) || b.serial - a.serial).map((p) => p.id);
    expect(ids(twoKeys.items)).toEqual(byRunningThenSerial);

    // Pages of 3 in serial order (a cursorable index), then pages of 4 in the default order.
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await client.instances.list({
        instanceType: "node",
        filter: { hasData: [PUMP_VIEW] },
        sort: [{ property: prop("Pump", "serial"), direction: "ascending" }],
        limit: 3,
        ...(cursor === undefined ? {} : { cursor }),
      });
      pages.push(ids(page.items));
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 10);
    expect(pages.flat()).toEqual([...PUMPS].sort((a, b) => a.serial - b.serial).map((p) => p.id));
    expect(pages.map((p) => p.length).slice(0, 4)).toEqual([3, 3, 3, 1]);

    const unsorted: string[] = [];
    cursor = undefined;
    let calls = 0;
    do {
      const page = await client.instances.list({ instanceType: "node", filter: { hasData: [PUMP_VIEW] }, limit: 4, ...(cursor === undefined ? {} : { cursor }) });
      unsorted.push(...ids(page.items));
      cursor = page.nextCursor;
      calls += 1;
    } while (cursor !== undefined && calls < 10);
    expect(unsorted).toHaveLength(10);
    expect(sorted(unsorted)).toEqual(pumpIds(() => true));
  });

  it("instances: search", async () => {
    // Search and aggregates see writes after a moment on CDF (eventually: retried there, run once on the emulator).
    await eventually(async () => {
      const piston = await client.instances.search({ view: PUMP_VIEW, query: "piston", properties: ["description"], limit: 1000 });
      expect(sorted(ids(piston.items))).toEqual(pumpIds((p) => p.description.includes("piston")));
      // Search answers carry the view's properties.
      for (const item of piston.items) expect(props(item, PUMP_VIEW)["name"]).toBe(PUMPS.find((p) => p.id === item.externalId)?.name);

      const filtered = await client.instances.search({ view: PUMP_VIEW, query: "piston", filter: { range: { property: prop("Pump", "serial"), lt: 50 } } });
      expect(sorted(ids(filtered.items))).toEqual(pumpIds((p) => p.description.includes("piston") && p.serial < 50));

      const top = await client.instances.search({ view: PUMP_VIEW, sort: [{ property: prop("Pump", "serial"), direction: "descending" }], limit: 3 });
      expect(ids(top.items)).toEqual(["pump_9", "pump_8", "pump_7"]);
    });
  });

  it("instances: aggregate", async () => {
    const value = (aggregates: AggregatedValueItem[] | undefined, kind: AggregatedNumberValue["aggregate"]): number | undefined =>
      (aggregates?.find((a) => a.aggregate === kind) as AggregatedNumberValue | undefined)?.value;

    const stats = await eventually(async () => {
      const answer = await client.instances.aggregate({
        view: PUMP_VIEW,
        aggregates: [{ count: { property: "externalId" } }, { avg: { property: "pressure" } }, { min: { property: "pressure" } }, { max: { property: "pressure" } }, { sum: { property: "pressure" } }],
      });
      expect(value(answer.items[0]?.aggregates, "count")).toBe(PUMPS.length);
      return answer;
    });
    expect(stats.items).toHaveLength(1);
    const aggregates = stats.items[0]?.aggregates;
    expect(value(aggregates, "avg")).toBeCloseTo(sum(pressures) / pressures.length, 9);
    expect(value(aggregates, "min")).toBe(Math.min(...pressures));
    expect(value(aggregates, "max")).toBe(Math.max(...pressures));
    expect(value(aggregates, "sum")).toBeCloseTo(sum(pressures), 9);

    const grouped = await client.instances.aggregate({
      view: PUMP_VIEW,
      groupBy: ["running"],
      aggregates: [{ count: { property: "externalId" } }, { sum: { property: "serial" } }],
    });
    const groups = grouped.items.map((item) => [item.group?.["running"], value(item.aggregates, "count"), value(item.aggregates, "sum")]);
    const expectedGroups = [false, true].map((running) => {
      const members = PUMPS.filter((p) => p.running === running);
      return [running, members.length, sum(members.map((p) => p.serial))];
    });
    expect(groups.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(expectedGroups);

    const histogram = await client.instances.aggregate({ view: PUMP_VIEW, aggregates: [{ histogram: { property: "serial", interval: 30 } }] });
    const buckets = (histogram.items[0]?.aggregates[0] as AggregatedHistogramValue | undefined)?.buckets;
    const expectedBuckets = new Map<number, number>();
    for (const p of PUMPS) expectedBuckets.set(Math.floor(p.serial / 30) * 30, (expectedBuckets.get(Math.floor(p.serial / 30) * 30) ?? 0) + 1);
    expect(buckets).toEqual([...expectedBuckets].map(([start, count]) => ({ start, count })));

    const filtered = await client.instances.aggregate({
      view: PUMP_VIEW,
      filter: { prefix: { property: prop("Pump", "description"), value: "piston" } },
      aggregates: [{ count: { property: "externalId" } }, { max: { property: "serial" } }],
    });
    const pistons = PUMPS.filter((p) => p.description.startsWith("piston"));
    expect(value(filtered.items[0]?.aggregates, "count")).toBe(pistons.length);
    expect(value(filtered.items[0]?.aggregates, "max")).toBe(Math.max(...pistons.map((p) => p.serial)));
  });

  it("instances: query across a direct relation (in and out) and edges (from, chainTo)", async () => {
    const request: QueryRequest = {
      with: {
        beta: { nodes: { filter: { and: [{ hasData: [SITE_VIEW] }, { equals: { property: prop("Site", "name"), value: "Beta" } }] } } },
        betaPumps: { nodes: { from: "beta", through: { view: PUMP_VIEW, identifier: "site" }, direction: "inwards" } },
        flowsOut: { edges: { from: "betaPumps", direction: "outwards", maxDistance: 1, filter: { equals: { property: ["edge", "type"], value: FLOWS_TO } } } },
        downstream: { nodes: { from: "flowsOut", chainTo: "destination" } },
        upstream: { nodes: { from: "flowsOut", chainTo: "source" } },
        downstreamSites: { nodes: { from: "downstream", through: { view: PUMP_VIEW, identifier: "site" }, direction: "outwards" } },
      },
      select: {
        beta: {},
        betaPumps: { sources: [{ source: PUMP_VIEW, properties: ["name", "serial"] }] },
        flowsOut: { sources: [{ source: FLOW_VIEW, properties: ["rate"] }] },
        downstream: { sources: [{ source: PUMP_VIEW, properties: ["name"] }] },
        upstream: {},
        downstreamSites: { sources: [{ source: SITE_VIEW, properties: ["name"] }] },
      },
    };
    const result = await client.instances.query(request);
    const betaPumps = PUMPS.filter((p) => p.site === "site_b");
    const flowsOut = FLOWS.filter((f) => betaPumps.some((p) => p.id === f.from));
    const downstream = PUMPS.filter((p) => flowsOut.some((f) => f.to === p.id));
    expect(ids(result.items["beta"] ?? [])).toEqual(["site_b"]);
    expect(sorted(ids(result.items["betaPumps"] ?? []))).toEqual(sorted(betaPumps.map((p) => p.id)));
    for (const item of result.items["betaPumps"] ?? []) {
      const pump = PUMPS.find((p) => p.id === item.externalId) as Pump;
      expect(props(item, PUMP_VIEW)).toEqual({ name: pump.name, serial: pump.serial });
    }
    expect(sorted(ids(result.items["flowsOut"] ?? []))).toEqual(flowsOut.map((f) => f.id));
    for (const item of result.items["flowsOut"] ?? []) expect(props(item, FLOW_VIEW)).toEqual({ rate: FLOWS.find((f) => f.id === item.externalId)?.rate });
    expect(sorted(ids(result.items["downstream"] ?? []))).toEqual(sorted(downstream.map((p) => p.id)));
    expect(sorted(ids(result.items["upstream"] ?? []))).toEqual(sorted(flowsOut.map((f) => f.from)));
    const sitesOfDownstream = [...new Set(downstream.map((p) => p.site))].sort();
    expect(sorted(ids(result.items["downstreamSites"] ?? []))).toEqual(sitesOfDownstream);
    for (const item of result.items["downstreamSites"] ?? []) expect(props(item, SITE_VIEW)).toEqual({ name: SITES.find((s) => s.id === item.externalId)?.name });
  });

  it("instances: query with per-expression cursors", async () => {
    const request = (cursors: Record<string, string>): QueryRequest => ({
      with: {
        sites: { nodes: { filter: { hasData: [SITE_VIEW] } }, limit: 10 },
        pumpsOfSites: { nodes: { from: "sites", through: { view: PUMP_VIEW, identifier: "site" }, direction: "inwards" }, limit: 4 },
      },
      select: { sites: {}, pumpsOfSites: { sources: [{ source: PUMP_VIEW, properties: ["serial"] }] } },
      cursors,
    });
    const seen: string[] = [];
    const serials: number[] = [];
    let result: QueryResponse = await client.instances.query(request({}));
    expect(sorted(ids(result.items["sites"] ?? []))).toEqual(["site_a", "site_b"]);
    for (let pages = 1; ; pages += 1) {
      const page = result.items["pumpsOfSites"] ?? [];
      seen.push(...ids(page));
      serials.push(...page.map((i) => Number(props(i, PUMP_VIEW)["serial"])));
      const cursor = result.nextCursor?.["pumpsOfSites"];
      if (cursor === undefined || pages >= 10) break;
      expect(page).toHaveLength(4);
      result = await client.instances.query(request({ pumpsOfSites: cursor }));
    }
    expect(seen).toHaveLength(PUMPS.length);
    expect(sorted(seen)).toEqual(pumpIds(() => true));
    expect(sum(serials)).toBe(sum(PUMPS.map((p) => p.serial)));
  });

  it("instances: sync pages, then a follow-up sync sees an update and a deletion", async () => {
    const request = (cursor?: string): SyncRequest => ({
      with: { pumps: { nodes: { filter: { hasData: [PUMP_VIEW] } }, limit: 4 } },
      select: { pumps: { sources: [{ source: PUMP_VIEW, properties: ["name"] }] } },
      ...(cursor === undefined ? {} : { cursors: { pumps: cursor } }),
    });
    const synced = new Map<string, unknown>();
    let cursor: string | undefined;
    const sizes: number[] = [];
    for (;;) {
      const page = await client.instances.sync(request(cursor));
      const items = page.items["pumps"] ?? [];
      for (const item of items) synced.set(item.externalId, props(item, PUMP_VIEW)["name"]);
      sizes.push(items.length);
      cursor = page.nextCursor["pumps"];
      expect(cursor).toBeTypeOf("string"); // sync always answers a cursor per expression
      if (items.length < 4 || sizes.length >= 10) break;
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect(new Map([...synced].sort())).toEqual(new Map(PUMPS.map((p) => [p.id, p.name] as const).sort()));

    const renamed = await client.instances.upsert({ items: [{ instanceType: "node", space: SPACE, externalId: "pump_0", sources: [{ source: PUMP_VIEW, properties: { name: "Pump zero" } }] }] });
    expect(renamed.items[0]).toMatchObject({ externalId: "pump_0", version: 2, wasModified: true });
    await client.instances.delete([{ instanceType: "node", space: SPACE, externalId: "pump_9" }]);

    const followUp = await client.instances.sync(request(cursor));
    const changes = followUp.items["pumps"] ?? [];
    expect(sorted(ids(changes))).toEqual(["pump_0", "pump_9"]);
    const updated = changes.find((i) => i.externalId === "pump_0");
    expect(updated?.version).toBe(2);
    expect(updated?.deletedTime).toBeUndefined();
    expect(props(updated, PUMP_VIEW)).toEqual({ name: "Pump zero" });
    expect(changes.find((i) => i.externalId === "pump_9")?.deletedTime).toBeTypeOf("number");

    // Caught up: nothing more.
    const after = await client.instances.sync(request(followUp.nextCursor["pumps"]));
    expect(after.items["pumps"]).toEqual([]);
    // The deleted pump is gone for reads.
    const gone = await client.instances.retrieve({ items: [{ instanceType: "node", space: SPACE, externalId: "pump_9" }] });
    expect(gone.items).toEqual([]);
  });

  describe("errors: the SDK's CogniteError with the status and a message naming the culprit", () => {
    it("a filter on a property the view does not have", async () => {
      const error = await failure(client.instances.list({ instanceType: "node", filter: { equals: { property: prop("Pump", "nosuchproperty"), value: 1 } } }), CogniteError);
      expect(error.status).toBe(400);
      expect(error.errorMessage).toContain("nosuchproperty");
      expect(error.errorMessage).toContain("Pump");
      if (!onCdf()) expect(error.errorMessage).toContain("Pump/v1"); // the emulator's wording
    });

    it("the same external id twice in one apply", async () => {
      const twice: NodeOrEdgeCreate = { instanceType: "node", space: SPACE, externalId: "dup_node", sources: [{ source: SITE_VIEW, properties: { name: "x" } }] };
      const error = await failure(client.instances.upsert({ items: [twice, twice] }), CogniteError);
      expect(error.status).toBe(400);
      // The server's message may be generic; `duplicated` names the item, and the SDK puts it into its message.
      expect(error.duplicated).toEqual([expect.objectContaining({ space: SPACE, externalId: "dup_node" })]);
      expect(error.message).toContain("dup_node");
      const gone = await client.instances.retrieve({ items: [{ instanceType: "node", space: SPACE, externalId: "dup_node" }] });
      expect(gone.items).toEqual([]);
    });

    it("a view that does not exist", async () => {
      const ghost = view("Ghost");
      const write = await failure(
        client.instances.upsert({ items: [{ instanceType: "node", space: SPACE, externalId: "ghost_node", sources: [{ source: ghost, properties: { name: "x" } }] }] }),
        CogniteError,
      );
      expect(write.status).toBe(400);
      expect(write.errorMessage).toContain("Ghost");
      if (!onCdf()) expect(write.errorMessage).toContain("ghost_node"); // the emulator's wording

      const read = await failure(client.instances.list({ instanceType: "node", sources: [{ source: ghost }] }), CogniteError);
      expect(read.status).toBe(400);
      expect(read.errorMessage).toContain("Ghost");
    });
  });

  it("instances: delete, then nothing is left", async () => {
    checkOwnSpace(SPACE, inject("target").run);
    const nodes = [FLOWS_TO.externalId, ...SITES.map((s) => s.id), ...PUMPS.map((p) => p.id).filter((id) => id !== "pump_9")];
    await client.instances.delete([
      ...FLOWS.map((f) => ({ instanceType: "edge" as const, space: SPACE, externalId: f.id })),
      ...nodes.map((externalId) => ({ instanceType: "node" as const, space: SPACE, externalId })),
    ]);
    const leftNodes = await client.instances.list({ instanceType: "node", filter: { equals: { property: ["node", "space"], value: SPACE } } });
    const leftEdges = await client.instances.list({ instanceType: "edge", filter: { equals: { property: ["edge", "space"], value: SPACE } } });
    expect([...leftNodes.items, ...leftEdges.items]).toEqual([]);
  });

  it("schema: delete the data model, views, containers and the space", async () => {
    checkOwnSpace(SPACE, inject("target").run);
    const model = await client.dataModels.delete([{ space: SPACE, externalId: "Plant", version: "v1" }]);
    expect(model.items).toEqual([{ space: SPACE, externalId: "Plant", version: "v1" }]);
    const views = await client.views.delete([SITE_VIEW, PUMP_VIEW, FLOW_VIEW].map(({ space, externalId, version }) => ({ space, externalId, version })));
    expect(sorted(ids(views.items))).toEqual(["Flow", "Pump", "Site"]);
    const containers = await client.containers.delete(["Site", "Pump", "Flow"].map(ref));
    expect(sorted(ids(containers.items))).toEqual(["Flow", "Pump", "Site"]);
    const spaces = await client.spaces.delete([SPACE]);
    expect(spaces.items).toEqual([{ space: SPACE }]);

    expect((await client.spaces.retrieve([SPACE])).items).toEqual([]);
    expect((await client.containers.list({ space: SPACE })).items).toEqual([]);
    expect((await client.dataModels.list({ space: SPACE })).items).toEqual([]);
  });
});
