import { describe, expect, it } from "vitest";
import {
  and,
  BooleanProperty,
  ContainsAll,
  ContainsAny,
  DateProperty,
  DirectRelationListProperty,
  DirectRelationProperty,
  edgeFields,
  EnumProperty,
  Equals,
  Exists,
  HasData,
  In,
  InstanceReferences,
  JsonProperty,
  ListProperty,
  MatchAll,
  Nested,
  nodeFields,
  not,
  NumberProperty,
  or,
  Overlaps,
  Prefix,
  Range,
  RawFilter,
  stringifyJson,
  TextProperty,
  TimestampProperty,
  viewPropertyRef,
} from "../../pygen/ts_runtime/index.js";

const view = { space: "s", externalId: "Pump", version: "v1" };
const ref = (p: string) => viewPropertyRef(view, p);
const P = (p: string) => ["s", "Pump/v1", p];

describe("every DMS filter dumps exactly the API JSON", () => {
  it.each([
    ["equals", new Equals(ref("name"), "P-1"), { equals: { property: P("name"), value: "P-1" } }],
    ["in", new In(ref("n"), [1, 2]), { in: { property: P("n"), values: [1, 2] } }],
    ["range", new Range(ref("n"), { gt: 1, lte: 5 }), { range: { property: P("n"), gt: 1, lte: 5 } }],
    ["range (one bound)", new Range(ref("n"), { gte: 0 }), { range: { property: P("n"), gte: 0 } }],
    ["prefix", new Prefix(ref("name"), "P-"), { prefix: { property: P("name"), value: "P-" } }],
    ["prefix (parameter)", new Prefix(ref("name"), { parameter: "p" }), { prefix: { property: P("name"), value: { parameter: "p" } } }],
    ["exists", new Exists(ref("name")), { exists: { property: P("name") } }],
    ["containsAny", new ContainsAny(ref("tags"), ["a", "b"]), { containsAny: { property: P("tags"), values: ["a", "b"] } }],
    ["containsAll", new ContainsAll(ref("tags"), ["a"]), { containsAll: { property: P("tags"), values: ["a"] } }],
    [
      "nested",
      new Nested(ref("site"), new Equals(["s", "Site/v1", "name"], "Oslo")),
      { nested: { scope: P("site"), filter: { equals: { property: ["s", "Site/v1", "name"], value: "Oslo" } } } },
    ],
    [
      "overlaps",
      new Overlaps(ref("start"), ref("end"), { gte: "2024-01-01T00:00:00Z", lt: new Date(Date.UTC(2024, 1, 1)) }),
      { overlaps: { startProperty: P("start"), endProperty: P("end"), gte: "2024-01-01T00:00:00Z", lt: "2024-02-01T00:00:00.000Z" } },
    ],
    [
      "hasData",
      new HasData([view, { space: "s", externalId: "PumpContainer" }]),
      {
        hasData: [
          { type: "view", space: "s", externalId: "Pump", version: "v1" },
          { type: "container", space: "s", externalId: "PumpContainer" },
        ],
      },
    ],
    ["instanceReferences", new InstanceReferences([{ space: "s", externalId: "a" }]), { instanceReferences: [{ space: "s", externalId: "a" }] }],
    ["matchAll", new MatchAll(), { matchAll: {} }],
    [
      "and",
      and(new Exists(ref("a")), new Exists(ref("b"))),
      { and: [{ exists: { property: P("a") } }, { exists: { property: P("b") } }] },
    ],
    ["or", or(new Exists(ref("a")), new MatchAll()), { or: [{ exists: { property: P("a") } }, { matchAll: {} }] }],
    ["not", not(new Exists(ref("a"))), { not: { exists: { property: P("a") } } }],
    ["raw", new RawFilter({ equals: { property: ["node", "space"], value: "x" } }), { equals: { property: ["node", "space"], value: "x" } }],
    [
      "property reference value",
      new Equals(ref("a"), { property: P("b") }),
      { equals: { property: P("a"), value: { property: P("b") } } },
    ],
  ])("%s", (_name, filter, expected) => {
    expect(filter.dump()).toEqual(expected);
  });
});

describe("typed property builders", () => {
  it("text: equals, in, prefix, exists", () => {
    const name = new TextProperty(ref("name"));
    expect(name.equals("a").dump()).toEqual({ equals: { property: P("name"), value: "a" } });
    expect(name.in(["a", "b"]).dump()).toEqual({ in: { property: P("name"), values: ["a", "b"] } });
    expect(name.prefix("P").dump()).toEqual({ prefix: { property: P("name"), value: "P" } });
    expect(name.exists().dump()).toEqual({ exists: { property: P("name") } });
    expect(name.name).toBe("name");
  });

  it("number: range with int64 beyond 2^53 stays exact on the wire", () => {
    const serial = new NumberProperty<bigint>(ref("serial"));
    const filter = serial.range({ gt: 9007199254740993n, lt: 9223372036854775807n });
    expect(filter.dump()).toEqual({ range: { property: P("serial"), gt: 9007199254740993n, lt: 9223372036854775807n } });
    expect(stringifyJson(filter.dump())).toBe('{"range":{"property":["s","Pump/v1","serial"],"gt":9007199254740993,"lt":9223372036854775807}}');
    expect(new NumberProperty(ref("p")).equals(1.5).dump()).toEqual({ equals: { property: P("p"), value: 1.5 } });
    expect(new NumberProperty(ref("p")).in([1, 2]).dump()).toEqual({ in: { property: P("p"), values: [1, 2] } });
  });

  it("timestamp: Date values become ISO strings", () => {
    const seen = new TimestampProperty(ref("lastSeen"));
    expect(seen.range({ gte: new Date(Date.UTC(2024, 0, 1)), lt: "2024-02-01T00:00:00+01:00" }).dump()).toEqual({
      range: { property: P("lastSeen"), gte: "2024-01-01T00:00:00.000Z", lt: "2024-02-01T00:00:00+01:00" },
    });
    expect(seen.equals(new Date(0)).dump()).toEqual({ equals: { property: P("lastSeen"), value: "1970-01-01T00:00:00.000Z" } });
  });

  it("date: YYYY-MM-DD, a Date gives its UTC day", () => {
    const installed = new DateProperty(ref("installed"));
    expect(installed.range({ gte: "2021-01-01", lt: new Date(Date.UTC(2022, 5, 30, 23, 0)) }).dump()).toEqual({
      range: { property: P("installed"), gte: "2021-01-01", lt: "2022-06-30" },
    });
    expect(installed.equals("2021-05-04").dump()).toEqual({ equals: { property: P("installed"), value: "2021-05-04" } });
  });

  it("boolean, enum, json", () => {
    expect(new BooleanProperty(ref("running")).equals(false).dump()).toEqual({ equals: { property: P("running"), value: false } });
    const status = new EnumProperty<"running" | "stopped">(ref("status"));
    expect(status.in(["running"]).dump()).toEqual({ in: { property: P("status"), values: ["running"] } });
    expect(new JsonProperty(ref("meta")).exists().dump()).toEqual({ exists: { property: P("meta") } });
  });

  it("direct relations: ids, bare external ids in the default space, nested", () => {
    const site = new DirectRelationProperty(ref("site"));
    expect(site.equals({ space: "x", externalId: "a" }).dump()).toEqual({ equals: { property: P("site"), value: { space: "x", externalId: "a" } } });
    expect(site.in(["a", { space: "y", externalId: "b" }]).dump("dflt")).toEqual({
      in: { property: P("site"), values: [{ space: "dflt", externalId: "a" }, { space: "y", externalId: "b" }] },
    });
    expect(() => site.equals("a").dump()).toThrow(/no default instance space/);
    expect(site.nested(new TextProperty(["s", "Site/v1", "name"]).equals("Oslo")).dump()).toEqual({
      nested: { scope: P("site"), filter: { equals: { property: ["s", "Site/v1", "name"], value: "Oslo" } } },
    });
    const refs = new InstanceReferences(["a"]);
    expect(refs.dump("sp")).toEqual({ instanceReferences: [{ space: "sp", externalId: "a" }] });
  });

  it("lists: containsAny / containsAll", () => {
    const tags = new ListProperty<string>(ref("tags"));
    expect(tags.containsAny(["a"]).dump()).toEqual({ containsAny: { property: P("tags"), values: ["a"] } });
    expect(tags.containsAll(["a", "b"]).dump()).toEqual({ containsAll: { property: P("tags"), values: ["a", "b"] } });
    const parts = new DirectRelationListProperty(ref("parts"));
    expect(parts.containsAny(["x"]).dump("s")).toEqual({ containsAny: { property: P("parts"), values: [{ space: "s", externalId: "x" }] } });
  });

  it("base properties of nodes and edges", () => {
    expect(nodeFields().externalId.prefix("a").dump()).toEqual({ prefix: { property: ["node", "externalId"], value: "a" } });
    expect(nodeFields().type.equals({ space: "t", externalId: "Pump" }).dump()).toEqual({
      equals: { property: ["node", "type"], value: { space: "t", externalId: "Pump" } },
    });
    expect(edgeFields().startNode.equals("n1").dump("s")).toEqual({ equals: { property: ["edge", "startNode"], value: { space: "s", externalId: "n1" } } });
  });

  it("sorts", () => {
    const name = new TextProperty(ref("name"));
    expect(name.asc().dump()).toEqual({ property: P("name"), direction: "ascending" });
    expect(name.desc(true).dump()).toEqual({ property: P("name"), direction: "descending", nullsFirst: true });
  });
});

describe("composition", () => {
  const a = new Exists(ref("a"));
  const b = new Exists(ref("b"));
  const c = new Exists(ref("c"));

  it("flattens nested and/or and cancels double negation", () => {
    expect(a.and(b).and(c).dump()).toEqual({ and: [a.dump(), b.dump(), c.dump()] });
    expect(a.or(b.or(c)).dump()).toEqual({ or: [a.dump(), b.dump(), c.dump()] });
    expect(a.and(b).or(c).dump()).toEqual({ or: [{ and: [a.dump(), b.dump()] }, c.dump()] });
    expect(a.not().not()).toBe(a);
    expect(and(a)).toBe(a);
    expect(or(a)).toBe(a);
  });

  it("rejects empty and non-filter operands", () => {
    expect(() => and()).toThrow(/at least one filter/);
    expect(() => or()).toThrow(/at least one filter/);
    expect(() => and(a, {} as never)).toThrow(/item 1 is not a Filter/);
  });
});

describe("in lists longer than 1000 split transparently", () => {
  const values = Array.from({ length: 2500 }, (_, i) => `v${i}`);

  it("in -> or of ins", () => {
    const dumped = new TextProperty(ref("name")).in(values).dump();
    expect(dumped).toEqual({
      or: [
        { in: { property: P("name"), values: values.slice(0, 1000) } },
        { in: { property: P("name"), values: values.slice(1000, 2000) } },
        { in: { property: P("name"), values: values.slice(2000) } },
      ],
    });
  });

  it("containsAny -> or, containsAll -> and", () => {
    const tags = new ListProperty<string>(ref("tags"));
    expect(Object.keys(tags.containsAny(values).dump())).toEqual(["or"]);
    const all = tags.containsAll(values.slice(0, 1001)).dump();
    expect(all).toEqual({
      and: [
        { containsAll: { property: P("tags"), values: values.slice(0, 1000) } },
        { containsAll: { property: P("tags"), values: values.slice(1000, 1001) } },
      ],
    });
  });

  it("exactly 1000 values stay one filter", () => {
    expect(Object.keys(new In(ref("n"), values.slice(0, 1000)).dump())).toEqual(["in"]);
  });
});

describe("bad input is named", () => {
  it.each([
    [() => new In(ref("n"), []), /in needs at least one value/],
    [() => new ContainsAny(ref("n"), []), /containsAny needs at least one value/],
    [() => new Range(ref("n"), {}), /at least one bound/],
    [() => new Range(ref("n"), { gt: 1, gte: 2 }), /gt or gte/],
    [() => new Range(ref("n"), { lt: 1, lte: 2 }), /lt or lte/],
    [() => new Overlaps(ref("a"), ref("b"), { lt: 1, lte: 1 }), /lt or lte/],
    [() => new HasData([]), /at least one view/],
    [() => new InstanceReferences([]), /at least one id/],
    [() => new TextProperty(["x"]), /2 or 3 parts/],
    [() => new DirectRelationProperty(ref("s")).equals(42 as never), /node id/],
  ])("%#", (make, message) => {
    expect(make).toThrow(message);
  });
});
