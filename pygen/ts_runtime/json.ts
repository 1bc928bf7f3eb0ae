/**
 * JSON with int64 safety.
 *
 * DMS int64 properties (and any integer in a response) may exceed 2^53, where a JavaScript `number`
 * silently rounds: `JSON.parse("9007199254740993")` is 9007199254740992. {@link parseJson} keeps every
 * integer literal outside the safe range (`Number.isSafeInteger`) exact as a `bigint`; every other number
 * (safe integers, fractions, exponents) stays a `number`. {@link stringifyJson} writes a `bigint` back as
 * a plain JSON number, so a value read and written again is unchanged.
 *
 * Node 20's `JSON.parse` has no access to the source text of a number, hence the small parser below.
 * It only runs when the text contains a run of 16 or more digits (the shortest unsafe integer,
 * 2^53 + 1 = 9007199254740993, has 16); everything else goes through the native parser.
 */

/** A parsed JSON value: integers beyond 2^53 are `bigint`. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object as parsed by {@link parseJson}. */
export type JsonObject = { [key: string]: JsonValue };

/** Thrown by {@link parseJson} for text that is not JSON: names the offset. */
export class JsonSyntaxError extends SyntaxError {
  override name = "JsonSyntaxError";
  /** Offset of the offending character in the text. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.offset = offset;
  }
}

const LONG_DIGIT_RUN = /\d{16}/;

/**
 * Parses JSON text; integers outside ±(2^53 - 1) become `bigint` (exact), all other numbers `number`.
 *
 * @example
 * parseJson('{"big": 9007199254740993, "small": 1}') // { big: 9007199254740993n, small: 1 }
 */
export function parseJson(text: string): JsonValue {
  if (!LONG_DIGIT_RUN.test(text)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // Fall through: the parser below reports where the text went wrong.
    }
  }
  return new Parser(text).parseDocument();
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class Parser {
  private pos = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  parseDocument(): JsonValue {
    const value = this.value();
    this.skipWs();
    if (this.pos < this.text.length) this.fail("Unexpected trailing content");
    return value;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos);
  }

  private skipWs(): void {
    const text = this.text;
    while (this.pos < text.length && WS.has(text.charCodeAt(this.pos))) this.pos++;
  }

  private value(): JsonValue {
    this.skipWs();
    const ch = this.text[this.pos];
    switch (ch) {
      case "{":
        return this.object();
      case "[":
        return this.array();
      case '"':
        return this.string();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      case undefined:
        return this.fail("Unexpected end of JSON");
      default:
        if (ch === "-" || (ch >= "0" && ch <= "9")) return this.number();
        return this.fail(`Unexpected character ${JSON.stringify(ch)}`);
    }
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`Expected ${word}`);
    this.pos += word.length;
    return value;
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) return this.fail("Invalid number");
    const literal = match[0];
    this.pos += literal.length;
    if (match[1] === undefined && match[2] === undefined) {
      const value = Number(literal);
      // Safe integers stay numbers; beyond 2^53 the digits are kept exactly.
      return Number.isSafeInteger(value) ? value : BigInt(literal);
    }
    return Number(literal);
  }

  private string(): string {
    const text = this.text;
    let start = ++this.pos; // skip the opening quote
    let out = "";
    for (;;) {
      const code = text.charCodeAt(this.pos);
      if (Number.isNaN(code)) this.fail("Unterminated string");
      if (code === 0x22) {
        out += text.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (code < 0x20) this.fail("Control character in string");
      if (code === 0x5c) {
        out += text.slice(start, this.pos);
        const esc = text[this.pos + 1];
        if (esc === "u") {
          const hex = text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("Invalid \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else {
          const replacement = esc === undefined ? undefined : ESCAPES[esc];
          if (replacement === undefined) this.fail("Invalid escape");
          out += replacement;
          this.pos += 2;
        }
        start = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private array(): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.skipWs();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipWs();
      const ch = this.text[this.pos++];
      if (ch === "]") return out;
      if (ch !== ",") {
        this.pos--;
        this.fail("Expected ',' or ']'");
      }
    }
  }

  private object(): JsonObject {
    this.pos++;
    const out: JsonObject = {};
    this.skipWs();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail("Expected a property name");
      const key = this.string();
      this.skipWs();
      if (this.text[this.pos] !== ":") this.fail("Expected ':'");
      this.pos++;
      const value = this.value();
      // defineProperty, not assignment: a "__proto__" key must become an own property (as with JSON.parse).
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipWs();
      const ch = this.text[this.pos++];
      if (ch === "}") return out;
      if (ch !== ",") {
        this.pos--;
        this.fail("Expected ',' or '}'");
      }
    }
  }
}

/**
 * Serializes like `JSON.stringify`, except that a `bigint` is written as a JSON number (exactly) and
 * non-finite numbers (`NaN`, `Infinity`) are an error instead of a silent `null`.
 *
 * As with `JSON.stringify`: `toJSON()` is honoured (so a `Date` becomes its ISO string), object
 * properties that are `undefined`, functions or symbols are left out, and such array entries become
 * `null`. Circular structures are an error.
 *
 * @example
 * stringifyJson({ big: 9007199254740993n }) // '{"big":9007199254740993}'
 */
export function stringifyJson(value: unknown): string {
  const out = write(value, "$", new Set());
  if (out === undefined) throw new TypeError("stringifyJson: the value has no JSON representation");
  return out;
}

function write(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(path);
  }
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`stringifyJson: ${value} at ${path} is not a JSON number`);
      return JSON.stringify(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError(`stringifyJson: circular structure at ${path}`);
  seen.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = `[${obj.map((item, i) => write(item, `${path}[${i}]`, seen) ?? "null").join(",")}]`;
  } else {
    const parts: string[] = [];
    for (const key of Object.keys(obj)) {
      const item = write((obj as Record<string, unknown>)[key], `${path}.${key}`, seen);
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
    }
    out = `{${parts.join(",")}}`;
  }
  seen.delete(obj);
  return out;
}
