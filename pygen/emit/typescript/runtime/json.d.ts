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
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | {
    [key: string]: JsonValue;
};
/** A JSON object as parsed by {@link parseJson}. */
export type JsonObject = {
    [key: string]: JsonValue;
};
/** Thrown by {@link parseJson} for text that is not JSON: names the offset. */
export declare class JsonSyntaxError extends SyntaxError {
    name: string;
    /** Offset of the offending character in the text. */
    readonly offset: number;
    constructor(message: string, offset: number);
}
/**
 * Parses JSON text; integers outside ±(2^53 - 1) become `bigint` (exact), all other numbers `number`.
 *
 * @example
 * parseJson('{"big": 9007199254740993, "small": 1}') // { big: 9007199254740993n, small: 1 }
 */
export declare function parseJson(text: string): JsonValue;
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
export declare function stringifyJson(value: unknown): string;
