import { describe, expect, it } from "vitest";
import { JsonSyntaxError, parseJson, stringifyJson } from "../../pygen/ts_runtime/index.js";

describe("parseJson keeps int64 exact", () => {
  it.each([
    ["9007199254740993", 9007199254740993n],
    ["9007199254740992", 9007199254740992n],
    ["-9007199254740993", -9007199254740993n],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
    ["123456789012345678901234567890", 123456789012345678901234567890n],
  ])("%s -> bigint", (text, expected) => {
    expect(parseJson(text)).toBe(expected);
  });

  it.each([
    ["9007199254740991", 9007199254740991],
    ["-9007199254740991", -9007199254740991],
    ["0", 0],
    ["1.5", 1.5],
    ["1e3", 1000],
    ["12345678901234567890.5", 12345678901234567890.5],
    ["1.0", 1],
    ["-0", -0],
  ])("%s stays a number", (text, expected) => {
    const value = parseJson(text);
    expect(typeof value).toBe("number");
    expect(value).toBe(expected);
  });

  it("parses nested documents with big integers anywhere", () => {
    const text =
      '{"items":[{"serial":9007199254740993,"min":-9223372036854775808,"ok":12,"f":0.1,"s":"9007199254740993 in a string","n":null,"t":true,"l":[1,9223372036854775807]}]}';
    expect(parseJson(text)).toEqual({
      items: [
        {
          serial: 9007199254740993n,
          min: -9223372036854775808n,
          ok: 12,
          f: 0.1,
          s: "9007199254740993 in a string",
          n: null,
          t: true,
          l: [1, 9223372036854775807n],
        },
      ],
    });
  });

  it("round-trips int64 values through stringifyJson without precision loss", () => {
    const text = '{"a":9007199254740993,"b":-9223372036854775808,"c":[9223372036854775807,1,2.5],"d":"x"}';
    expect(stringifyJson(parseJson(text))).toBe(text);
  });

  it("matches JSON.parse on documents without big integers (fast and slow path)", () => {
    const docs = [
      '{"a":"\\u00e9\\ud83d\\ude00 \\"quoted\\" \\\\ \\/ \\b\\f\\n\\r\\t","b":[],"c":{},"d":[{}],"e":-1.25e-7}',
      ' [ 1 , 2 , { "x" : [ true , false , null ] } ] ',
      '"just a string"',
      '{"__proto__":{"polluted":1}}',
      '{"ünïcödé":"日本語","emoji":"😀"}',
    ];
    for (const doc of docs) {
      expect(parseJson(doc)).toEqual(JSON.parse(doc));
      // Force the hand-written parser with a long digit run that is not a number.
      const slow = `[${doc}, "1234567890123456"]`;
      expect(parseJson(slow)).toEqual(JSON.parse(slow));
    }
    const proto = parseJson('{"__proto__":{"polluted":1}, "n": 12345678901234567}') as Record<string, unknown>;
    expect(Object.keys(proto)).toEqual(["__proto__", "n"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it.each([
    ["", 0],
    ["{", 1],
    ['{"a" 1}', 5],
    ["[1,]", 3],
    ["01", 1],
    ['"abc', 4],
    ["tru", 0],
    ["1 2", 2],
    ['"\\x"', 1],
    ["[1 2]", 3],
  ])("rejects %j with the offset", (text, offset) => {
    // Long digit runs force the hand-written parser; the native one is tried first otherwise.
    for (const doc of [text]) {
      let error: unknown;
      try {
        parseJson(doc);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(JsonSyntaxError);
      expect((error as JsonSyntaxError).offset).toBe(offset);
    }
  });
});

describe("stringifyJson", () => {
  it("writes bigint as a JSON number", () => {
    expect(stringifyJson({ big: 9007199254740993n, neg: -9223372036854775808n })).toBe('{"big":9007199254740993,"neg":-9223372036854775808}');
  });

  it("behaves like JSON.stringify otherwise", () => {
    const value = { a: 1, b: undefined, c: [undefined, () => 1, null], d: new Date(Date.UTC(2024, 0, 2)), e: "é\"\n", f: { toJSON: () => "custom" } };
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
  });

  it("refuses non-finite numbers and cycles, naming where", () => {
    expect(() => stringifyJson({ items: [{ x: NaN }] })).toThrow(/\$\.items\[0\]\.x/);
    expect(() => stringifyJson(Infinity)).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(() => stringifyJson(cyclic)).toThrow(/circular/);
    expect(() => stringifyJson(undefined)).toThrow(TypeError);
  });

  it("allows the same object twice (not a cycle)", () => {
    const shared = { x: 1 };
    expect(stringifyJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});
