/**
 * Instance ids and the items of requests and answers, shared by the instance modules (writes.ts, reads.ts,
 * views.ts): `toNodeId` (public), the identity of an instance, batches, the items of an answer, and values as
 * error messages show them.
 */
import { stringifyJson, type JsonObject, type JsonValue } from "./json.js";
import type { NodeId, NodeIdLike } from "./types.js";

/** Whether `value` has a string `space` and `externalId`. */
export function isId(value: unknown): value is { space: string; externalId: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { space?: unknown }).space === "string" &&
    typeof (value as { externalId?: unknown }).externalId === "string"
  );
}

/** `{space, externalId}` of an id-like: a bare external id takes `defaultSpace` (an error without one). */
export function toNodeId(value: NodeIdLike, defaultSpace: string | undefined): NodeId {
  if (typeof value === "string") {
    if (value === "") throw new TypeError("an external id must not be empty");
    if (defaultSpace === undefined) {
      throw new TypeError(
        `${JSON.stringify(value)} is an external id without a space, ` +
          "and the client has no instanceSpace; pass {space, externalId}",
      );
    }
    return { space: defaultSpace, externalId: value };
  }
  if (!isId(value)) {
    throw new TypeError(`an id is {space, externalId} or an external id string, got ${safeString(value)}`);
  }
  return { space: value.space, externalId: value.externalId };
}

/** One string per instance (`instanceType`, `space`, `externalId`): the key of maps and sets of instances. */
export function instanceKey(id: { instanceType: string; space: string; externalId: string }): string {
  return `${id.instanceType}\u0000${id.space}\u0000${id.externalId}`;
}

/** `value` as JSON for an error message (`String(value)` when it is no JSON). */
export function safeString(value: unknown): string {
  try {
    return stringifyJson(value);
  } catch {
    return String(value);
  }
}

/** `items` in batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The object items of an answer's `items` (none when it has no such list). */
export function itemsOf(body: JsonValue): JsonObject[] {
  if (typeof body === "object" && body !== null && !Array.isArray(body) && Array.isArray(body["items"])) {
    return body["items"].filter((x): x is JsonObject => typeof x === "object" && x !== null && !Array.isArray(x));
  }
  return [];
}
