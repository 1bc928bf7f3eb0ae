/**
 * Where objects (`{ name: { prefix: "P" } }`) against the builders: the same JSON for every operator of every property
 * type, and/or/not, what an empty where means, the errors, and every read method sending them (a fake fetch). The
 * end-to-end counterpart is where-e2e.test.ts; what must not compile is in tests/typing/typescript/bad.ts.
 */
import { describe, expect, it } from "vitest";
import {
  and,
  BooleanProperty,
  DateProperty,
  DirectRelationListProperty,
  DirectRelationProperty,
  EnumProperty,
  InstanceClient,
  JsonProperty,
  ListProperty,
  MatchAll,
  NodeApi,
  not,
  NumberProperty,
  or,
  TextProperty,
  TimestampProperty,
  viewPropertyRef,
  whereFilter,
  type Filter,
  type Where,
} from "../../pygen/ts_runtime/index.js";
import { fakeFetch, json, testClient } from "./helpers.js";

const view = { space: "s", externalId: "Pump", version: "v1" };
const ref = (p: string) => viewPropertyRef(view, p);
const fields = {
  name: new TextProperty(ref("name")),
  serial: new NumberProperty<number | bigint>(ref("serial")),
  seen: new TimestampProperty(ref("seen")),
  day: new DateProperty(ref("day")),
  on: new BooleanProperty(ref("on")),
  kind: new EnumProperty<"a" | "b">(ref("kind")),
  data: new JsonProperty(ref("data")),
  site: new DirectRelationProperty(ref("site")),
  tags: new ListProperty<string>(ref("tags")),
  sites: new DirectRelationListProperty(ref("sites")),
};
type W = Where<typeof fields>;
const f = fields;
const when = new Date(Date.UTC(2024, 0, 2, 3));

/** The JSON of a where object, as the instance API sends it (bare ids in space "inst"). */
const whereJson = (where: W) => whereFilter(fields, where)?.dump("inst");

describe("a where object gives the builders' JSON", () => {
  const cases: [string, W, Filter][] = [
    ["text eq", { name: { eq: "P-1" } }, f.name.equals("P-1")],
    ["text in", { name: { in: ["a", "b"] } }, f.name.in(["a", "b"])],
    ["text prefix", { name: { prefix: "P" } }, f.name.prefix("P")],
    ["exists", { name: { exists: true } }, f.name.exists()],
    ["exists false", { name: { exists: false } }, not(f.name.exists())],
    ["number eq", { serial: { eq: 3 } }, f.serial.equals(3)],
    ["number in", { serial: { in: [1, 2n ** 60n] } }, f.serial.in([1, 2n ** 60n])],
    ["number range", { serial: { gt: 1, lte: 2n ** 60n } }, f.serial.range({ gt: 1, lte: 2n ** 60n })],
    ["timestamp eq", { seen: { eq: when } }, f.seen.equals(when)],
    ["timestamp in", { seen: { in: [when, "2024-01-01T00:00:00Z"] } }, f.seen.in([when, "2024-01-01T00:00:00Z"])],
    ["timestamp range", { seen: { gte: when, lt: "2025-01-01T00:00:00Z" } }, f.seen.range({ gte: when, lt: "2025-01-01T00:00:00Z" })],
    ["date eq (a Date's UTC day)", { day: { eq: when } }, f.day.equals("2024-01-02")],
    ["date in", { day: { in: [when, "2024-05-06"] } }, f.day.in(["2024-01-02", "2024-05-06"])],
    ["date range", { day: { gt: "2024-01-01", lte: when } }, f.day.range({ gt: "2024-01-01", lte: "2024-01-02" })],
    ["boolean", { on: { eq: false } }, f.on.equals(false)],
    ["enum", { kind: { eq: "a" } }, f.kind.equals("a")],
    ["enum in", { kind: { in: ["a", "b"] } }, f.kind.in(["a", "b"])],
    ["json exists", { data: { exists: true } }, f.data.exists()],
    ["direct relation eq (bare id)", { site: { eq: "oslo" } }, f.site.equals({ space: "inst", externalId: "oslo" })],
    ["direct relation in", { site: { in: ["a", { space: "x", externalId: "b" }] } }, f.site.in(["a", { space: "x", externalId: "b" }])],
    ["list containsAny", { tags: { containsAny: ["x", "y"] } }, f.tags.containsAny(["x", "y"])],
    ["list containsAll", { tags: { containsAll: ["x"] } }, f.tags.containsAll(["x"])],
    ["direct relation list", { sites: { containsAny: ["a"], containsAll: ["a", "b"] } }, and(f.sites.containsAny(["a"]), f.sites.containsAll(["a", "b"]))],
    ["several operators: an and, in the order given", { name: { prefix: "P", exists: true } }, and(f.name.prefix("P"), f.name.exists())],
    ["bounds make one range where the first one is", { serial: { exists: true, lt: 9, eq: 3, gte: 1 } }, and(f.serial.exists(), f.serial.range({ lt: 9, gte: 1 }), f.serial.equals(3))],
    ["several properties: an and", { name: { eq: "a" }, on: { eq: true } }, and(f.name.equals("a"), f.on.equals(true))],
    ["and", { and: [{ name: { prefix: "P" } }, { serial: { gt: 1 } }] }, and(f.name.prefix("P"), f.serial.range({ gt: 1 }))],
    ["or", { or: [{ name: { prefix: "P" } }, { tags: { containsAny: ["x"] } }] }, or(f.name.prefix("P"), f.tags.containsAny(["x"]))],
    ["not", { not: { kind: { in: ["a"] } } }, not(f.kind.in(["a"]))],
    [
      "nested",
      { name: { prefix: "P" }, or: [{ not: { on: { eq: true } } }, { and: [{ serial: { lt: 0 } }, { seen: { exists: false } }] }] },
      and(f.name.prefix("P"), or(not(f.on.equals(true)), and(f.serial.range({ lt: 0 }), not(f.seen.exists())))),
    ],
    ["in lists longer than 1000 split as the builder's do", { name: { in: Array.from({ length: 1001 }, (_, i) => `n${i}`) } }, f.name.in(Array.from({ length: 1001 }, (_, i) => `n${i}`))],
  ];
  it.each(cases)("%s", (_, where, builder) => {
    expect(whereJson(where)).toEqual(builder.dump("inst"));
  });

  it("each builder's where method is its operators' filter", () => {
    expect(f.name.where({ prefix: "P", in: ["P1"] }).dump()).toEqual(and(f.name.prefix("P"), f.name.in(["P1"])).dump());
    expect(f.data.where({ exists: false }).dump()).toEqual(not(f.data.exists()).dump());
  });
});

describe("a where object without conditions holds for everything", () => {
  it("{}, empty operator objects and undefined values set nothing", () => {
    expect(whereJson({})).toBeUndefined();
    expect(whereJson({ name: {}, serial: { eq: undefined } } as unknown as W)).toBeUndefined();
    expect(whereJson({ name: { eq: "a", prefix: undefined }, on: {} } as unknown as W)).toEqual(f.name.equals("a").dump());
  });
  it("it leaves an and, makes an or hold, and its not holds for nothing", () => {
    expect(whereJson({ and: [{}, { name: { eq: "a" } }] })).toEqual(f.name.equals("a").dump());
    expect(whereJson({ and: [{}] })).toBeUndefined();
    expect(whereJson({ or: [{}, { name: { eq: "a" } }] })).toBeUndefined();
    expect(whereJson({ not: {} })).toEqual(not(new MatchAll()).dump());
  });
});

describe("bad where objects are named", () => {
  const bad = (where: unknown) => () => whereFilter(fields, where as W, "Pump");
  it.each([
    ["an unknown property", { nmae: { eq: "a" } }, /where: Pump has no property "nmae"; its properties: name, serial, seen/],
    ["an inherited key", { constructor: { eq: "a" } }, /has no property "constructor"/],
    ["an operator of another type", { name: { gt: "a" } }, /where\.name has no operator "gt"; its operators: exists, eq, in, prefix/],
    ["a value instead of operators", { name: "a" }, /where\.name takes an object of operators \(exists, eq, in, prefix\), got "a"/],
    ["a builder filter as a value", { name: f.name.prefix("a") }, /got a Filter \(pass builders as `filter`, beside `where`\)/],
    ["exists not a boolean", { name: { exists: 1 } }, /where\.name\.exists takes true or false, got 1/],
    ["an empty in", { name: { in: [] } }, /in needs at least one value/],
    ["a value instead of a list", { site: { in: "a" } }, /where\.site\.in takes a list, got "a"/],
    ["an empty or", { or: [] }, /where\.or needs at least one where object/],
    ["and not a list", { and: { name: { eq: "a" } } }, /where\.and takes a list of where objects/],
    ["a nested mistake, with its path", { or: [{ name: { eq: "a" } }, "x"] }, /where\.or\[1\] must be an object/],
    ["a nested operator, with its path", { not: { and: [{ on: { prefix: "x" } }] } }, /where\.not\.and\[0\]\.on has no operator "prefix"; its operators: exists, eq$/],
    ["a where that is not an object", "name", /where must be an object/],
  ])("%s", (_, where, message) => {
    expect(bad(where)).toThrow(message);
  });
  it("a builder's where method needs an operator", () => {
    expect(() => f.name.where({})).toThrow(/where\.name: give at least one operator/);
  });
});

describe("every read method takes where beside filter and space", () => {
  class PumpApi extends NodeApi<{ name?: string; serial?: number }> {
    readonly fields = { name: this.textProperty("name"), serial: this.numberProperty("serial") };
    constructor(client: InstanceClient) {
      super(client, view);
    }
  }
  const P = (p: string) => ["s", "Pump/v1", p];
  const combined = {
    and: [
      { equals: { property: ["node", "space"], value: "s" } },
      { prefix: { property: P("name"), value: "P" } },
      { range: { property: P("serial"), gte: 2 } },
    ],
  };

  it("list, page, pages, iterate, search, aggregate, count, sum, avg, min, max, histogram", async () => {
    const fetch = fakeFetch(() => json(200, { items: [] }));
    const api = new PumpApi(new InstanceClient(testClient(fetch), { instanceSpace: "s" }));
    const options = { space: "s", filter: api.fields.name.prefix("P"), where: { serial: { gte: 2 } } } as const;
    await api.list(options);
    await api.page(options);
    for await (const page of api.pages(options)) void page;
    for await (const item of api.iterate(options)) void item;
    await api.search({ ...options, query: "x" });
    const { filter, where } = options;
    await api.aggregate([{ aggregate: "count" }], { filter, where });
    await api.count({ filter, where });
    await api.sum("serial", { filter, where });
    await api.avg("serial", { filter, where });
    await api.min("serial", { filter, where });
    await api.max("serial", { filter, where });
    await api.histogram("serial", 10, { filter, where });
    const filters = fetch.calls.map((call) => (call.body as { filter?: unknown }).filter);
    expect(filters.slice(0, 5)).toEqual(Array(5).fill(combined));
    expect(filters.slice(5)).toEqual(Array(7).fill({ and: combined.and.slice(1) }));
  });

  it("a where alone is the whole filter; an empty one sends none", async () => {
    const fetch = fakeFetch(() => json(200, { items: [] }));
    const api = new PumpApi(new InstanceClient(testClient(fetch), { instanceSpace: "s" }));
    await api.list({ where: { name: { eq: "a" } } });
    await api.list({ where: {} });
    expect(fetch.calls.map((call) => (call.body as { filter?: unknown }).filter)).toEqual([{ equals: { property: P("name"), value: "a" } }, undefined]);
  });

  it("an API without fields knows no properties", async () => {
    const api = new NodeApi(new InstanceClient(testClient(fakeFetch(() => json(200, { items: [] })))), view);
    await expect(api.list({ where: { name: { eq: "a" } } as never })).rejects.toThrow(/Pump has no property "name"; its properties: none/);
  });
});
