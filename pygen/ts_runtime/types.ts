/**
 * Shared types: identifiers, instance read/write shapes, and the platform pieces the runtime lets
 * callers inject (`fetch`, `sleep`).
 */
import type { JsonValue } from "./json.js";

// ------------------------------------------------------------------------------------------ platform

/** The subset of `RequestInit` the runtime sends. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** The subset of `Response` the runtime reads; a real `Response` fits. */
export interface ResponseLike {
  readonly status: number;
  readonly statusText?: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** A `fetch` (the global one fits); inject a fake in tests. */
export type FetchLike = (url: string, init: FetchInit) => Promise<ResponseLike>;

/** The body of a file transfer: what the platform's `fetch` can send. */
export type TransferBody = string | ArrayBuffer | Blob | ReadableStream<Uint8Array>;

/**
 * The subset of `RequestInit` a file transfer sends (`HttpClient.transfer`/`stream`): a binary body, and
 * `duplex: "half"` when that body is a stream (Node's `fetch` requires it).
 */
export interface TransferInit {
  method: string;
  headers: Record<string, string>;
  body?: TransferBody;
  signal: AbortSignal;
  duplex?: "half";
}

/** The subset of `Response` a file transfer reads; a real `Response` fits. */
export interface TransferResponseLike extends ResponseLike {
  arrayBuffer?(): Promise<ArrayBuffer>;
  readonly body?: ReadableStream<Uint8Array> | null;
}

/** The `fetch` of file transfers (the global one fits). */
export type TransferFetchLike = (url: string, init: TransferInit) => Promise<TransferResponseLike>;

/** Waits `ms` milliseconds; rejects with the signal's reason when it aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The default {@link Sleep}: `setTimeout`, abortable. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** What a request does; picks the concurrency budget it counts against. */
export type RequestKind = "read" | "write" | "delete";

// ------------------------------------------------------------------------------------------ identifiers

/** A node: `{space, externalId}`. */
export interface NodeId {
  readonly space: string;
  readonly externalId: string;
}

/** An edge: `{space, externalId}`. */
export interface EdgeId {
  readonly space: string;
  readonly externalId: string;
}

/** A node or edge with its type, as in apply/delete/byids items. */
export interface InstanceId {
  readonly instanceType: "node" | "edge";
  readonly space: string;
  readonly externalId: string;
}

/** A node given by id, or by external id alone (in the client's default instance space). */
export type NodeIdLike = NodeId | string;

/** A view version: `{space, externalId, version}`. */
export interface ViewId {
  readonly space: string;
  readonly externalId: string;
  readonly version: string;
}

/** A container: `{space, externalId}`. */
export interface ContainerId {
  readonly space: string;
  readonly externalId: string;
}

// ------------------------------------------------------------------------------------------ instances

/** A property value as it travels (int64 beyond 2^53 as `bigint`, see `json.ts`). */
export type PropertyValue = JsonValue;

/** The flattened properties of one view. */
export type Properties = Record<string, unknown>;

interface InstanceBase<P> {
  readonly space: string;
  readonly externalId: string;
  readonly version: number;
  readonly createdTime: number;
  readonly lastUpdatedTime: number;
  readonly deletedTime?: number;
  /** The view's properties, flattened from `properties[space]["View/version"]`; unset ones are absent. */
  readonly properties: P;
}

/** A node as read through a view. */
export interface Node<P = Properties> extends InstanceBase<P> {
  readonly instanceType: "node";
  readonly type?: NodeId;
}

/** An edge as read through a view. */
export interface Edge<P = Properties> extends InstanceBase<P> {
  readonly instanceType: "edge";
  readonly type: NodeId;
  readonly startNode: NodeId;
  readonly endNode: NodeId;
}

/** A node to write through a view; `space` defaults to the client's instance space. */
export interface NodeWrite<P = Properties> {
  space?: string;
  externalId: string;
  type?: NodeIdLike;
  /** Fail (409) when the stored version is newer; 0 = create only. */
  existingVersion?: number;
  /** Properties to write; a property left out is untouched, `null` clears it. */
  properties?: P;
}

/** An edge to write through a view; `space` defaults to the client's instance space. */
export interface EdgeWrite<P = Properties> {
  space?: string;
  externalId: string;
  type: NodeIdLike;
  startNode: NodeIdLike;
  endNode: NodeIdLike;
  existingVersion?: number;
  properties?: P;
}

/** An id string for messages: `space:externalId`. */
export function formatId(id: { space: string; externalId: string }): string {
  return `${id.space}:${id.externalId}`;
}
