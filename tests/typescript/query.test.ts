/**
 * The graph query engine against a scripted fake `fetch`: request sequences that need more than 10,000 rows
 * per expression (cheap to script, slow to build in the emulator). The end-to-end scenarios are in
 * query-core.test.ts and query-omni.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  GraphQuery,
  InstanceClient,
  NodeApi,
  type Connections,
  type Node,
  type NodeId,
  type QueryLink,
  type QueryOptions,
  type Subset,
} from "../../pygen/ts_runtime/index.js";
import { fakeFetch, json, testClient, type Call } from "./helpers.js";

const VIEW = { space: "s", externalId: "Thing", version: "v1" };

interface ThingProperties {
  readonly name?: string;
  readonly parent?: NodeId;
  readonly owners?: NodeId[];
}
type Thing = Node<ThingProperties>;
interface ThingLinks {
  readonly children: QueryLink<Thing, ThingLinks, ThingApi["fields"], true>;
  readonly owned: QueryLink<Thing, ThingLinks, ThingApi["fields"], true>;
}

/** What the emitter generates for a view, by hand. */
class ThingApi extends NodeApi<ThingProperties> {
  static readonly CONNECTIONS: Connections = {
    children: { kind: "reverse", many: true, through: VIEW, property: "parent", throughList: false, target: () => ThingApi },
    owned: { kind: "reverse", many: true, through: VIEW, property: "owners", throughList: true, target: () => ThingApi },
  };
  readonly fields = { name: this.textProperty("name"), parent: this.directRelationProperty("parent"), owners: this.directRelationListProperty("owners") };
  constructor(client: InstanceClient) {
    super(client, VIEW);
  }
  query<const K extends keyof ThingProperties = keyof ThingProperties>(options: QueryOptions<ThingApi["fields"], ThingProperties, K> = {}): GraphQuery<Subset<Thing, K>, ThingLinks> {
    return new GraphQuery(this, ThingApi.CONNECTIONS, options);
  }
}

type Body = { with: Record<string, { limit: number; nodes?: { filter?: unknown } }>; cursors?: Record<string, string>; select?: Record<string, unknown> };

function row(externalId: string, properties: Record<string, unknown> = {}) {
  return { instanceType: "node", space: "s", externalId, version: 1, createdTime: 0, lastUpdatedTime: 0, properties: { s: { "Thing/v1": properties } } };
}

function rows(prefix: string, n: number, properties: (i: number) => Record<string, unknown> = () => ({})) {
  return Array.from({ length: n }, (_, i) => row(`${prefix}${i}`, properties(i)));
}

/** A client whose query requests get the answers `answer(body, index)` gives. */
function client(answer: (body: Body, index: number) => { items: Record<string, unknown[]>; nextCursor?: Record<string, string> }) {
  const fetch = fakeFetch((call: Call, index) => json(200, answer(call.body as Body, index)));
  return { api: new ThingApi(new InstanceClient(testClient(fetch), { instanceSpace: "s" })), calls: fetch.calls };
}

describe("graph query engine", () => {
  it("holds the expressions above a continued one with the limits of their page", async () => {
    // root -> children (limit 15,000) -> grandchildren: the first answer fills both the children (10,000) and
    // the grandchildren (10,000). Continuing the grandchildren must hold the children on the page the
    // grandchildren's cursor belongs to: the same cursor (none: the first page) and the same limit (10,000),
    // although only 5,000 more children are wanted by then.
    const parent = (i: number) => ({ parent: { space: "s", externalId: `c${i % 10}` } });
    const { api, calls } = client((body, index) => {
      if (index === 0) {
        return { items: { s0: [row("r")], s1: rows("c", 10_000, () => ({ parent: { space: "s", externalId: "r" } })), s2: rows("g", 10_000, parent) }, nextCursor: { s1: "c1-after-0", s2: "c2-after-0" } };
      }
      if (body.cursors?.["s1"] !== undefined) return { items: { s0: [row("r")], s1: rows("d", 5_000, () => ({ parent: { space: "s", externalId: "r" } })), s2: [] } };
      return { items: { s0: [row("r")], s1: rows("c", 10_000), s2: rows("h", 3, parent) } };
    });
    const result = await api.query().follow("children", { limit: 15_000 }, (c) => c.follow("children")).execute();
    const bodies = calls.map((c) => c.body as Body);
    expect(bodies).toHaveLength(3);
    expect(bodies[1]?.cursors).toEqual({ s1: "c1-after-0" });
    expect(bodies[1]?.with["s1"]?.limit).toBe(5_000);
    expect(bodies[2]?.cursors).toEqual({ s2: "c2-after-0" });
    expect(Object.keys(bodies[2]?.with ?? {})).toEqual(["s0", "s1", "s2"]);
    expect(bodies[2]?.with["s1"]?.limit).toBe(10_000);
    expect(Object.keys(bodies[2]?.select ?? {})).toEqual(["s2"]); // the held ones place s2; not read again
    expect(result.hop("children")).toHaveLength(15_000);
    expect(result.hop("children", "children")).toHaveLength(10_003);
    expect(result.roots[0]?.connections.children[0]?.connections.children).toHaveLength(1_001);
  });

  it("leaves a hop that has all it asked for out of later requests", async () => {
    const { api, calls } = client((_body, index) =>
      index === 0
        ? { items: { s0: rows("r", 10_000), s1: rows("c", 2, () => ({ parent: { space: "s", externalId: "r0" } })) }, nextCursor: { s0: "next-roots" } }
        : { items: { s0: rows("q", 5) } },
    );
    const roots = await api.query({ limit: "all" }).follow("children", { limit: 2 }).list();
    expect(roots).toHaveLength(10_005);
    const second = calls[1]?.body as Body;
    expect(second.cursors).toEqual({ s0: "next-roots" });
    expect(Object.keys(second.with)).toEqual(["s0"]); // the children hop is done
    expect(roots.at(-1)?.connections.children).toEqual([]);
  });

  it("filters a reverse-through-list hop with containsAny, 1000 parents a request", async () => {
    const { api, calls } = client((_body, index) =>
      index === 0 ? { items: { s0: rows("r", 2_500) } } : { items: { s1: index === 3 ? [row("t", { owners: [{ space: "s", externalId: "r2400" }, { space: "s", externalId: "r7" }] })] : [] } },
    );
    const roots = await api.query({ limit: "all" }).follow("owned").list();
    expect(calls).toHaveLength(4);
    const sizes = calls.slice(1).map((c) => {
      const filter = (c.body as Body).with["s1"]?.nodes?.filter as { and: { containsAny?: { values: unknown[] } }[] };
      return filter.and.find((part) => part.containsAny !== undefined)?.containsAny?.values.length;
    });
    expect(sizes).toEqual([1000, 1000, 500]);
    const owned = (id: string) => roots.find((r) => r.externalId === id)?.connections.owned.map((t) => t.externalId);
    expect(owned("r2400")).toEqual(["t"]);
    expect(owned("r7")).toEqual(["t"]); // outside the chunk that found it: stitched by the pointer values
    expect(owned("r8")).toEqual([]);
  });
});
