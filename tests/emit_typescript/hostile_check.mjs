// Run by test_ts_hostile_runtime.py next to the compiled hostile SDK (./out/hostile).
import * as sdk from "./out/hostile/index.js";

const before = globalThis.PWNED_SENTINEL;
const bodies = [];
const item = {
  instanceType: "node", space: "s", externalId: "x", version: 1, createdTime: 0, lastUpdatedTime: 0,
  properties: { sp_hostile: { "Node/1": JSON.parse('{"__proto__": "p", "constructor": 3, "class": "2024-01-01T00:00:00Z", "hasOwnProperty": true, "big": 9007199254740993, "tags": null}') } },
};
const fetch = async (url, init) => {
  bodies.push(init.body);
  return { status: 200, headers: { get: () => null }, text: async () => '{"items": [' + JSON.stringify(item).replace('"big":9007199254740992', '"big":9007199254740993') + ']}' };
};
const client = new sdk.HostileClient({ project: "p", baseUrl: "http://127.0.0.1:9", credentials: new sdk.Token("t"), fetch }, { instanceSpace: "s" });
const fields = client.node.fields;
const [read] = await client.node.list({ filter: sdk.and(fields["__proto__"].equals("v"), fields.constructor.range({ gt: 1 })) });
const props = read.properties;
console.log(JSON.stringify({
  before: before === undefined,
  after: globalThis.PWNED_SENTINEL === undefined,
  fieldKeys: Object.keys(fields),
  fieldsProtoIsObject: Object.getPrototypeOf(fields) === Object.prototype,
  ownProto: Object.prototype.hasOwnProperty.call(props, "__proto__"),
  protoValue: Object.getOwnPropertyDescriptor(props, "__proto__")?.value,
  propsProtoIsObject: Object.getPrototypeOf(props) === Object.prototype,
  constructorValue: props.constructor,
  classIsDate: props.class instanceof Date,
  bigIsBigint: typeof props.big === "bigint",
  tagsAbsent: !("tags" in props),
  filter: JSON.parse(bodies[0]).filter,
  members: Object.keys(client).sort(),
}));
