/**
 * Typed graph queries: a view's nodes and the connections below them, read with `/models/instances/query`.
 *
 * A query starts at one view (`api.query({...})`, generated per node view) and follows connections with
 * `follow(name, options?, sub?)`: `name` is a connection of the current hop's view (its `XLinks`
 * interface), `options` filter, sort, limit and pick properties of that hop, and `sub` follows
 * connections below it. The result objects carry what was followed under `connections`, typed:
 *
 * @example
 * const q = client.cogniteAsset
 *   .query({ filter: assets.fields.name.prefix("P"), limit: "all" })
 *   .follow("children", { limit: 500, filter: (c) => c.name.prefix("Pump") }, (c) =>
 *     c.follow("timeSeries", { properties: ["name"] }),
 *   );
 * for (const plant of await q.list()) {
 *   for (const pump of plant.connections.children) {
 *     console.log(pump.connections.timeSeries.map((ts) => ts.properties.name));
 *   }
 * }
 *
 * How it runs (the engine is a port of pygen's Python one, `pygen/instances/_graph.py`):
 *
 * - One request holds every hop CDF can chain: one result-set expression per hop (`s0` the root, `s1`,
 *   ... depth-first in the order hops were added), chained with `from`; a direct relation `through`
 *   the parent's property (outwards), a reverse direct relation `through` the other view's property
 *   (inwards), an edge connection as an `edges` expression (`maxDistance` 1, the edge type,
 *   `nodeFilter` on the far end) plus a `nodes` expression `chainTo` its destination. Node expressions
 *   have `hasData` on their view.
 * - CDF cannot follow a reverse direct relation through a *list* property inwards: such a hop starts a
 *   stage of its own, run after the page above it is complete, whose root is the target view filtered
 *   with `containsAny` on the list property (1000 parent ids per request), with the hops below it.
 * - Roots are read a page at a time (`nextCursor` of the root expression). An expression that returned
 *   its full limit is continued with its cursor while the expressions above it are held on their page
 *   (their cursors and limits); so every row is read once, and memory holds one page of roots with what
 *   is below them (`iterate`).
 * - A hop's `limit` counts its objects over the whole query; a hop that has all it asked for leaves the
 *   later requests. Rows are deduplicated per hop, and the same node reached by two hops of the same view
 *   with the same property selection is one object.
 */
import { and, ContainsAny, Equals, Filter, HasData, In, whereFilter } from "./filters.js";
import type { FilterJson, SortJson, Where } from "./filters.js";
import type { JsonObject, JsonValue } from "./json.js";
import { checkLimit, sorts, targetUnits, type SortArg } from "./reads.js";
import type { RequestOptions } from "./transport.js";
import type { Edge, Node, NodeId, ViewId } from "./types.js";
import type { InstanceClient } from "./writes.js";

/** Most rows one result-set expression returns per request. */
export const MAX_QUERY_LIMIT = 10_000;
/** Parent ids per request when a reverse relation through a list property is followed. */
const PARENTS_PER_REQUEST = 1000;
/** Roots per request of `iterate` by default. */
const ITERATE_PAGE = 1000;

// ------------------------------------------------------------------------------------------ metadata

/** What the query engine needs of a view's API (generated APIs and `NodeApi`/`EdgeApi` fit). */
export interface QueryableApi {
  readonly client: InstanceClient;
  readonly view: ViewId;
  readonly instanceType: "node" | "edge";
  /** Typed filter builders keyed by property id (generated APIs have them). */
  readonly fields?: object;
  fromJson(raw: JsonObject): unknown;
}

/** An API class: constructed with the client; node views list their connections in `CONNECTIONS`. */
export interface QueryableApiClass {
  new (client: InstanceClient): QueryableApi;
  readonly CONNECTIONS?: Connections;
}

/**
 * How to follow one connection (generated as `XApi.CONNECTIONS`): `target` is the API class of the nodes
 * at the other end (a function, so that modules that import each other can name each other's classes).
 */
export type ConnectionSpec =
  | {
      /** A direct relation: `property` of this view holds the target's id (a list when `many`). */
      readonly kind: "direct";
      readonly many: boolean;
      readonly property: string;
      readonly target: () => QueryableApiClass;
    }
  | {
      /** A reverse direct relation: nodes of `through` whose `property` points at this node. */
      readonly kind: "reverse";
      readonly many: boolean;
      readonly through: ViewId;
      readonly property: string;
      /** The pointer is a list of direct relations (CDF's query cannot follow it: a `containsAny` stage). */
      readonly throughList: boolean;
      readonly target: () => QueryableApiClass;
    }
  | {
      /** An edge connection: edges of `edgeType` leaving (`outwards`) or arriving at (`inwards`) this node. */
      readonly kind: "edge";
      readonly many: boolean;
      readonly edgeType: NodeId;
      readonly direction: "outwards" | "inwards";
      readonly target: () => QueryableApiClass;
      /** The edge view with the edge properties, when the connection has one (the edges are returned too). */
      readonly edgeView?: () => QueryableApiClass;
    };

/** The connections of a view, by name (the property id). */
export type Connections = Readonly<Record<string, ConnectionSpec>>;

// ------------------------------------------------------------------------------------------ types

/**
 * The type of one connection, as a generated `XLinks` interface declares it: the target's read type
 * `R`, its links `L` and filter builders `F`, whether it holds many targets, and for edge connections
 * with an edge view the edge's read type `E` and builders `EF`.
 */
export interface QueryLink<R, L, F, Many extends boolean, E = never, EF = never> {
  readonly read: R;
  readonly links: L;
  readonly fields: F;
  readonly many: Many;
  readonly edge: E;
  readonly edgeFields: EF;
}

/** A read object with the connections a query followed from it: `node.connections.children`. */
export type Linked<R, S> = R & { readonly connections: S };

/** One target of an edge connection with an edge view: the edge (with its properties) and the node it leads to. */
export interface EdgePair<E, N> {
  readonly edge: E;
  readonly node: N;
}

/** `R` read with the properties `K` only (`R` itself when `K` is every property). */
export type Subset<R, K extends PropertyKey> =
  R extends Node<infer P>
    ? [keyof P] extends [K]
      ? R
      : Node<Pick<P, K & keyof P>>
    : R extends Edge<infer P>
      ? [keyof P] extends [K]
        ? R
        : Edge<Pick<P, K & keyof P>>
      : R;

/** The target read type of a link. */
export type LinkRead<Lk> = Lk extends { readonly read: infer R } ? R : never;
/** The target links of a link. */
export type LinkLinks<Lk> = Lk extends { readonly links: infer L } ? L : never;
/** The target filter builders of a link. */
export type LinkFields<Lk> = Lk extends { readonly fields: infer F } ? F : never;
/** The edge read type of a link (never without an edge view). */
export type LinkEdge<Lk> = Lk extends { readonly edge: infer E } ? E : never;
/** The edge filter builders of a link (never without an edge view). */
export type LinkEdgeFields<Lk> = Lk extends { readonly edgeFields: infer F } ? F : never;
/** The properties type of a read type. */
export type PropertiesOf<R> = R extends { readonly properties: infer P } ? P : never;

/** One entry of a followed connection: the linked target node, or an {@link EdgePair} for edges with an edge view. */
export type FollowedEntry<Lk, K extends PropertyKey, EK extends PropertyKey, S> = [LinkEdge<Lk>] extends [never]
  ? Linked<Subset<LinkRead<Lk>, K>, S>
  : EdgePair<Subset<LinkEdge<Lk>, EK>, Linked<Subset<LinkRead<Lk>, K>, S>>;

/** The value of a followed connection: an array for many-connections, the target or `undefined` for single ones. */
export type Followed<Lk, K extends PropertyKey, EK extends PropertyKey, S> = Lk extends { readonly many: true }
  ? FollowedEntry<Lk, K, EK, S>[]
  : FollowedEntry<Lk, K, EK, S> | undefined;

/** `S` with connection `N` added. */
export type WithConnection<S, N extends PropertyKey, V> = {
  readonly [P in keyof S | N]: P extends N ? V : P extends keyof S ? S[P] : never;
};

type EntryOf<V> = V extends readonly (infer E)[] ? E : Exclude<V, undefined>;
type NodeOfEntry<E> = E extends { readonly node: infer N } ? N : E;
type ShapeOf<N> = N extends { readonly connections: infer C } ? C : never;

/** Every path of connection names through the followed connections `S`: `["children"] | ["children", "timeSeries"]`. */
export type HopPath<S> = [S] extends [never]
  ? never
  : { [K in keyof S & string]: [K] | [K, ...HopPath<ShapeOf<NodeOfEntry<EntryOf<S[K]>>>>] }[keyof S & string];

/** The objects at the end of `path` through `S`. */
export type HopAt<S, P> = P extends readonly [infer K extends keyof S, ...infer Rest]
  ? Rest extends readonly []
    ? NodeOfEntry<EntryOf<S[K]>>
    : HopAt<ShapeOf<NodeOfEntry<EntryOf<S[K]>>>, Rest>
  : never;

/** Options of one hop (`follow`): `F` are the target's filter builders, `P` its properties. */
export interface HopOptions<F, P, K extends keyof P = keyof P, EF = never, EP = never, EK extends keyof EP = keyof EP> {
  /** A filter on the target nodes (any view's properties may be used); a function gets the target's builders. */
  filter?: Filter | ((fields: F) => Filter);
  /** A where object over the target's properties (with `filter`: both must hold). */
  where?: Where<F>;
  /** The order of this hop's rows (at most 5 properties). */
  sort?: SortArg | ((fields: F) => SortArg);
  /** This hop's objects over the whole query (not per parent); default `"all"`. */
  limit?: number | "all";
  /** The target properties to read (`[]`: identifiers only); the result type has only these. Default: all. */
  properties?: readonly K[];
  /** Edge connections with an edge view: a filter on the edges (the far-end nodes take `filter`). */
  edgeFilter?: [EF] extends [never] ? never : Filter | ((fields: EF) => Filter);
  /**
   * Edge connections with an edge view: a where object over the edge view's properties (with `edgeFilter`: both
   * hold).
   */
  edgeWhere?: [EF] extends [never] ? never : Where<EF>;
  /** Edge connections with an edge view: the edge properties to read (`[]`: identifiers only). */
  edgeProperties?: [EP] extends [never] ? never : readonly EK[];
}

/** Options of `api.query()` (the root hop). */
export interface QueryOptions<F, P, K extends keyof P = keyof P> {
  filter?: Filter | ((fields: F) => Filter);
  /** A where object over the view's properties (with `filter`: both must hold). */
  where?: Where<F>;
  sort?: SortArg | ((fields: F) => SortArg);
  /** Most roots; default 25, `"all"` for every one. */
  limit?: number | "all";
  /** The root properties to read (`[]`: identifiers only); the result type has only these. Default: all. */
  properties?: readonly K[];
  /** Only roots in these spaces. */
  space?: string | readonly string[];
  /** `{property: unitExternalId}`: convert the roots' values of these properties (at most 10). */
  targetUnits?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** Options of `iterate`. */
export interface IterateOptions {
  /** Roots per request (1-10000); a page of roots and what is below them is in memory at a time. Default 1000. */
  pageSize?: number;
}

// ------------------------------------------------------------------------------------------ the builder

/** The description of one hop (immutable; `follow` makes new ones). */
interface HopNode {
  readonly name: string;
  readonly path: string;
  readonly api: QueryableApi;
  readonly connections: Connections;
  readonly spec: ConnectionSpec | undefined;
  readonly edgeApi: QueryableApi | undefined;
  readonly filter: Filter | undefined;
  readonly sort: readonly SortJson[];
  readonly limit: number | undefined;
  readonly properties: readonly string[] | undefined;
  readonly edgeFilter: Filter | undefined;
  readonly edgeProperties: readonly string[] | undefined;
  readonly children: readonly HopNode[];
}

/** What the root of a query adds. */
interface RootOptions {
  readonly space: string | readonly string[] | undefined;
  readonly targetUnits: Readonly<Record<string, string>> | undefined;
  readonly signal: AbortSignal | undefined;
}

function viewName(api: QueryableApi): string {
  return api.view.externalId;
}

function knownProperties(api: QueryableApi): string[] | undefined {
  return api.fields === undefined ? undefined : Object.keys(api.fields);
}

function fieldsOf(api: QueryableApi): object {
  return api.fields ?? {};
}

function filterOf(value: unknown, api: QueryableApi, where: string, what = "filter"): Filter | undefined {
  if (value === undefined) return undefined;
  const filter = typeof value === "function" ? (value as (fields: object) => unknown)(fieldsOf(api)) : value;
  if (!(filter instanceof Filter)) {
    throw new TypeError(
      `${where}: ${what} must be a Filter (e.g. fields.name.prefix("P")), or a function of the fields returning one`,
    );
  }
  return filter;
}

function whereOf(value: unknown, api: QueryableApi, where: string, what = "where"): Filter | undefined {
  if (value === undefined) return undefined;
  return whereFilter(fieldsOf(api), value as Where<object>, viewName(api), `${where}: ${what}`);
}

function sortOf(value: unknown, api: QueryableApi): readonly SortJson[] {
  if (value === undefined) return [];
  const sort = typeof value === "function" ? (value as (fields: object) => SortArg)(fieldsOf(api)) : (value as SortArg);
  return sorts(sort) ?? [];
}

function limitOf(value: unknown, where: string): number | undefined {
  if (value === undefined || value === "all") return undefined;
  if (typeof value !== "number") {
    throw new RangeError(`${where}: limit must be a positive integer or "all", got ${String(value)}`);
  }
  return checkLimit(`${where}: limit`, value, Number.MAX_SAFE_INTEGER);
}

function propertiesOf(
  value: unknown,
  api: QueryableApi,
  where: string,
  what = "properties",
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new TypeError(`${where}: ${what} takes a list of property ids (${what}: ["name"]), got ${String(value)}`);
  }
  const known = knownProperties(api);
  const out: string[] = [];
  for (const item of value as readonly unknown[]) {
    if (typeof item !== "string") {
      throw new TypeError(`${where}: ${what} are property ids (strings), got ${String(item)}`);
    }
    if (known !== undefined && !known.includes(item)) {
      throw new RangeError(
        `${where}: ${viewName(api)} has no property ${JSON.stringify(item)}; ` +
          `its properties: ${known.join(", ") || "none"}`,
      );
    }
    if (!out.includes(item)) out.push(item);
  }
  return out;
}

function rootNode(api: QueryableApi, connections: Connections, options: QueryOptions<unknown, unknown>): HopNode {
  const where = `${viewName(api)}.query`;
  return {
    name: "",
    path: viewName(api),
    api,
    connections,
    spec: undefined,
    edgeApi: undefined,
    filter: all(filterOf(options.filter, api, where), whereOf(options.where, api, where)),
    sort: sortOf(options.sort, api),
    limit: limitOf(options.limit ?? 25, where),
    properties: propertiesOf(options.properties, api, where),
    edgeFilter: undefined,
    edgeProperties: undefined,
    children: [],
  };
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function followed(
  parent: HopNode,
  name: unknown,
  options: HopOptions<unknown, unknown> | undefined,
  sub: unknown,
): HopNode {
  const where = `${parent.path} -> ${String(name)}`;
  if (typeof name !== "string" || !hasOwn(parent.connections, name)) {
    const known = Object.keys(parent.connections).sort().join(", ") || "none";
    throw new RangeError(
      `${where}: ${viewName(parent.api)} has no connection ${JSON.stringify(name)}; its connections: ${known}`,
    );
  }
  if (parent.children.some((child) => child.name === name)) {
    throw new RangeError(`${where}: ${name} is followed already at ${parent.path}`);
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`${where}: options must be an object`);
  }
  if (sub !== undefined && typeof sub !== "function") {
    throw new TypeError(`${where}: the third argument follows connections below the hop: (hop) => hop.follow(...)`);
  }
  const spec = parent.connections[name] as ConnectionSpec;
  const targetClass = spec.target();
  const api = new targetClass(parent.api.client);
  const edgeClass = spec.kind === "edge" && spec.edgeView !== undefined ? spec.edgeView() : undefined;
  const edgeApi = edgeClass === undefined ? undefined : new edgeClass(parent.api.client);
  const opts = options ?? {};
  if (
    edgeApi === undefined &&
    (opts.edgeFilter !== undefined || opts.edgeWhere !== undefined || opts.edgeProperties !== undefined)
  ) {
    throw new TypeError(
      `${where}: edgeFilter, edgeWhere and edgeProperties are for edge connections with an edge view`,
    );
  }
  const node: HopNode = {
    name,
    path: where,
    api,
    connections: targetClass.CONNECTIONS ?? {},
    spec,
    edgeApi,
    filter: all(filterOf(opts.filter, api, where), whereOf(opts.where, api, where)),
    sort: sortOf(opts.sort, api),
    limit: limitOf(opts.limit, where),
    properties: propertiesOf(opts.properties, api, where),
    edgeFilter:
      edgeApi === undefined
        ? undefined
        : all(
            filterOf(opts.edgeFilter, edgeApi, where, "edgeFilter"),
            whereOf(opts.edgeWhere, edgeApi, where, "edgeWhere"),
          ),
    edgeProperties:
      edgeApi === undefined ? undefined : propertiesOf(opts.edgeProperties, edgeApi, where, "edgeProperties"),
    children: [],
  };
  if (sub === undefined) return node;
  const start = new GraphHop<unknown, unknown>(node);
  const result: unknown = (sub as (hop: GraphHop<unknown, unknown>) => unknown)(start);
  if (!(result instanceof GraphHop) || hopNode(result).api !== api || !startsWith(hopNode(result), node)) {
    throw new TypeError(
      `${where}: the third argument must return the hop it was given, with follow calls: (hop) => hop.follow(...)`,
    );
  }
  return hopNode(result);
}

/** True when `hop` is `start` with hops added below it (follow only appends children). */
function startsWith(hop: HopNode, start: HopNode): boolean {
  return hop.path === start.path && start.children.every((child, i) => hop.children[i] === child);
}

const NODES = new WeakMap<GraphHop<unknown, unknown>, HopNode>();

function hopNode(hop: GraphHop<unknown, unknown>): HopNode {
  const node = NODES.get(hop);
  if (node === undefined) throw new TypeError("not a hop of a query");
  return node;
}

/**
 * One hop of a query inside `follow(name, options, (hop) => ...)`: follow connections below it.
 * `R` is the read type of its objects, `L` the links of its view, `S` what was followed below it.
 */
export class GraphHop<R, L, S = {}> {
  declare readonly "~types"?: { readonly read: R; readonly links: L; readonly shape: S };

  /** Internal: queries are made by `api.query()`. */
  constructor(node: unknown) {
    NODES.set(this as GraphHop<unknown, unknown>, node as HopNode);
  }

  /**
   * Follows connection `name` of this hop's view: `options` filter, sort, limit (this hop's objects over
   * the whole query) and pick properties of the targets; `sub` follows connections below them. Each
   * connection is followed once per hop.
   */
  follow<
    N extends Exclude<keyof L, keyof S> & string,
    const K extends keyof PropertiesOf<LinkRead<L[N]>> = keyof PropertiesOf<LinkRead<L[N]>>,
    const EK extends keyof PropertiesOf<LinkEdge<L[N]>> = keyof PropertiesOf<LinkEdge<L[N]>>,
    S2 = {},
  >(
    name: N,
    options?: HopOptions<
      LinkFields<L[N]>,
      PropertiesOf<LinkRead<L[N]>>,
      K,
      LinkEdgeFields<L[N]>,
      PropertiesOf<LinkEdge<L[N]>>,
      EK
    >,
    sub?: (
      hop: GraphHop<Subset<LinkRead<L[N]>, K>, LinkLinks<L[N]>>,
    ) => GraphHop<Subset<LinkRead<L[N]>, K>, LinkLinks<L[N]>, S2>,
  ): GraphHop<R, L, WithConnection<S, N, Followed<L[N], K, EK, S2>>> {
    const node = hopNode(this as GraphHop<unknown, unknown>);
    const child = followed(node, name, options as HopOptions<unknown, unknown> | undefined, sub);
    return new GraphHop({ ...node, children: [...node.children, child] });
  }
}

/**
 * A graph query: `follow` connections, then `list`, `execute` or `iterate`. Queries are immutable:
 * `follow` returns a new one, so one query can start several.
 */
export class GraphQuery<R, L, S = {}> extends GraphHop<R, L, S> {
  #root: RootOptions;

  /** Internal: made by the generated `api.query(options)`. */
  constructor(api: QueryableApi, connections: Connections, options: QueryOptions<never, never, PropertyKey>);
  constructor(api: unknown, connections: unknown, options: unknown, node?: unknown);
  constructor(api: unknown, connections: unknown, options: unknown, node?: unknown) {
    const opts = (options ?? {}) as QueryOptions<unknown, unknown>;
    super(node ?? rootNode(api as QueryableApi, connections as Connections, opts));
    this.#root = { space: opts.space, targetUnits: opts.targetUnits, signal: opts.signal };
    if (opts.targetUnits !== undefined) targetUnits(opts.targetUnits); // checks it now
  }

  override follow<
    N extends Exclude<keyof L, keyof S> & string,
    const K extends keyof PropertiesOf<LinkRead<L[N]>> = keyof PropertiesOf<LinkRead<L[N]>>,
    const EK extends keyof PropertiesOf<LinkEdge<L[N]>> = keyof PropertiesOf<LinkEdge<L[N]>>,
    S2 = {},
  >(
    name: N,
    options?: HopOptions<
      LinkFields<L[N]>,
      PropertiesOf<LinkRead<L[N]>>,
      K,
      LinkEdgeFields<L[N]>,
      PropertiesOf<LinkEdge<L[N]>>,
      EK
    >,
    sub?: (
      hop: GraphHop<Subset<LinkRead<L[N]>, K>, LinkLinks<L[N]>>,
    ) => GraphHop<Subset<LinkRead<L[N]>, K>, LinkLinks<L[N]>, S2>,
  ): GraphQuery<R, L, WithConnection<S, N, Followed<L[N], K, EK, S2>>> {
    const node = hopNode(this as GraphHop<unknown, unknown>);
    const child = followed(node, name, options as HopOptions<unknown, unknown> | undefined, sub);
    const query = new GraphQuery<R, L, WithConnection<S, N, Followed<L[N], K, EK, S2>>>(
      undefined,
      undefined,
      {},
      { ...node, children: [...node.children, child] },
    );
    query.#root = this.#root;
    return query;
  }

  #run(keep: boolean, pageSize: number): Run {
    return new Run(hopNode(this as GraphHop<unknown, unknown>), this.#root, keep, pageSize);
  }

  /** Reads the whole query: the roots (connections filled in), each hop's objects, the number of requests. */
  async execute(): Promise<GraphResult<R, S>> {
    const run = this.#run(true, MAX_QUERY_LIMIT);
    for await (const _page of run.pages()) {
      // every page is kept in run.rows
    }
    return new GraphResult<R, S>(run.result());
  }

  /** The roots, with the followed connections under `connections` (the same node reached twice is one object). */
  async list(): Promise<Linked<R, S>[]> {
    return (await this.execute()).roots;
  }

  /** The roots with their connections, one page of roots (and what is below them) in memory at a time. */
  async *iterate(options: IterateOptions = {}): AsyncGenerator<Linked<R, S>, void, undefined> {
    const pageSize = checkLimit("iterate: pageSize", options.pageSize ?? ITERATE_PAGE, MAX_QUERY_LIMIT);
    for await (const roots of this.#run(false, pageSize).pages()) yield* roots as unknown[] as Linked<R, S>[];
  }
}

/** What `execute` read: the roots, each hop's objects (`hop(...path)`), and how many requests it took. */
export class GraphResult<R, S> {
  /** The roots, with the followed connections under `connections`. */
  readonly roots: Linked<R, S>[];
  /** How many `/models/instances/query` requests the query made. */
  readonly requests: number;
  readonly #hops: ReadonlyMap<string, readonly unknown[]>;

  /** Internal: made by `execute`. */
  constructor(read: { roots: unknown[]; hops: ReadonlyMap<string, readonly unknown[]>; requests: number }) {
    this.roots = read.roots as Linked<R, S>[];
    this.#hops = read.hops;
    this.requests = read.requests;
  }

  /**
   * The objects one hop reached, each once: `result.hop("children", "timeSeries")` (the nodes, for edge
   * connections too).
   */
  hop<const P extends HopPath<S>>(...path: P): HopAt<S, P>[] {
    const rows = this.#hops.get(pathKey(path as readonly string[]));
    if (rows === undefined) {
      throw new RangeError(`${(path as readonly string[]).join(" -> ") || "(no path)"} is not a hop of this query`);
    }
    return [...rows] as HopAt<S, P>[];
  }
}

function pathKey(path: readonly string[]): string {
  return path.join("\u0000");
}

// ------------------------------------------------------------------------------------------ steps

type StepKind = "root" | "direct" | "reverse" | "reverseList" | "edge" | "end";

/** One expression of the query: a hop, or the edges of an edge hop. */
interface Step {
  readonly kind: StepKind;
  readonly parent: Step | undefined;
  readonly hop: HopNode;
  /** Node steps: the target view's API; edge steps: the edge view's API, or undefined. */
  readonly api: QueryableApi | undefined;
  readonly filter: Filter | undefined;
  readonly sort: readonly SortJson[];
  readonly limit: number | undefined;
  readonly properties: readonly string[] | undefined;
  /** The connection's path of names from the root (node steps). */
  readonly key: string;
}

/** An instance as the engine handles it. */
interface Row {
  readonly instanceType: string;
  readonly space: string;
  readonly externalId: string;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly startNode?: NodeId;
  readonly endNode?: NodeId;
  connections?: Record<string, unknown>;
}

function idKey(id: { space: string; externalId: string }): string {
  return `${id.space}\u0000${id.externalId}`;
}

function rowKey(row: Row): string {
  return `${row.instanceType}\u0000${row.space}\u0000${row.externalId}`;
}

function asId(value: unknown): NodeId | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { space, externalId } = value as { space?: unknown; externalId?: unknown };
  return typeof space === "string" && typeof externalId === "string" ? { space, externalId } : undefined;
}

function viewRef(view: ViewId): JsonObject {
  return { type: "view", space: view.space, externalId: view.externalId, version: view.version };
}

function all(...filters: (Filter | undefined)[]): Filter | undefined {
  const given = filters.filter((f): f is Filter => f !== undefined);
  return given.length === 0 ? undefined : and(...given);
}

/** An edge read without an edge view: the ids the engine needs. */
function plainEdge(raw: JsonObject): Row {
  const out: Row = { instanceType: "edge", space: String(raw["space"]), externalId: String(raw["externalId"]) };
  const startNode = asId(raw["startNode"]);
  const endNode = asId(raw["endNode"]);
  return { ...out, ...(startNode ? { startNode } : {}), ...(endNode ? { endNode } : {}) };
}

// ------------------------------------------------------------------------------------------ running

interface Answer {
  sets: Map<Step, Row[]>;
  cursors: Map<Step, string>;
  limits: Map<Step, number>;
}

/** One execution of a query (a port of `Run` in pygen/instances/_graph.py). */
class Run {
  readonly #root: Step;
  readonly #order: Step[] = [];
  readonly #children = new Map<Step, Step[]>();
  readonly #names = new Map<Step, string>();
  readonly #remaining = new Map<Step, number | undefined>();
  readonly #rows = new Map<Step, Map<string, Row>>();
  #page = new Map<Step, Map<string, Row>>();
  #objects = new Map<string, Row>();
  readonly #options: RootOptions;
  readonly #keep: boolean;
  readonly #pageSize: number;
  readonly #client: InstanceClient;
  #cursor: string | undefined;
  #requests = 0;

  constructor(root: HopNode, options: RootOptions, keep: boolean, pageSize: number) {
    this.#options = options;
    this.#keep = keep;
    this.#pageSize = pageSize;
    this.#client = root.api.client;
    const rootStep: Step = {
      kind: "root",
      parent: undefined,
      hop: root,
      api: root.api,
      filter: all(root.filter, spaceFilter(root.api, options.space)),
      sort: root.sort,
      limit: root.limit,
      properties: root.properties,
      key: "",
    };
    this.#root = rootStep;
    this.#add(rootStep);
    this.#build(root, rootStep, []);
    this.#order.forEach((step, i) => {
      this.#names.set(step, `s${i}`);
      this.#remaining.set(step, step.limit);
      this.#rows.set(step, new Map());
      this.#page.set(step, new Map());
    });
  }

  #add(step: Step): void {
    this.#order.push(step);
    if (step.parent !== undefined) {
      const kids = this.#children.get(step.parent) ?? [];
      kids.push(step);
      this.#children.set(step.parent, kids);
    }
  }

  /** The steps of `hop`'s children below `step`, depth-first in the order they were added. */
  #build(hop: HopNode, step: Step, path: readonly string[]): void {
    for (const child of hop.children) {
      const spec = child.spec as ConnectionSpec;
      const childPath = [...path, child.name];
      const node = {
        hop: child,
        api: child.api,
        filter: child.filter,
        sort: child.sort,
        limit: child.limit,
        properties: child.properties,
        key: pathKey(childPath),
      };
      let below: Step;
      if (spec.kind === "edge") {
        const edges: Step = {
          kind: "edge",
          parent: step,
          hop: child,
          api: child.edgeApi,
          filter: child.edgeFilter,
          sort: [],
          limit: undefined,
          properties: child.edgeProperties,
          key: "",
        };
        this.#add(edges);
        below = { ...node, kind: "end", parent: edges };
      } else if (spec.kind === "direct") {
        below = { ...node, kind: "direct", parent: step };
      } else {
        below = { ...node, kind: spec.throughList ? "reverseList" : "reverse", parent: step };
      }
      this.#add(below);
      this.#build(child, below, childPath);
    }
  }

  #kids(step: Step): Step[] {
    return this.#children.get(step) ?? [];
  }

  /** `top` and the steps below it that one request can hold (not past a reverse-through-list step). */
  #stage(top: Step): Step[] {
    const out = [top];
    for (let i = 0; i < out.length; i++) {
      out.push(...this.#kids(out[i] as Step).filter((kid) => kid.kind !== "reverseList"));
    }
    return out;
  }

  #below(step: Step, stage: readonly Step[]): Step[] {
    const out = [step];
    for (let i = 0; i < out.length; i++) out.push(...this.#kids(out[i] as Step).filter((kid) => stage.includes(kid)));
    return out;
  }

  #stageStarts(stage: readonly Step[]): Step[] {
    return stage.flatMap((step) => this.#kids(step).filter((kid) => kid.kind === "reverseList"));
  }

  #limitOf(step: Step, page?: number): number {
    // The edges of an edge hop are done when its nodes are: only edges to nodes still wanted are worth reading.
    if (step.kind === "edge") return this.#kids(step).every((end) => this.#limitOf(end) === 0) ? 0 : MAX_QUERY_LIMIT;
    const remaining = this.#remaining.get(step);
    const limit = page ?? MAX_QUERY_LIMIT;
    return remaining === undefined ? limit : Math.max(0, Math.min(limit, remaining));
  }

  // ---- what a request says about a step ----

  /** The property a reverse step's objects point back with (when the target view has it). */
  #pointer(step: Step): string | undefined {
    const spec = step.hop.spec;
    if (spec?.kind !== "reverse" || step.api === undefined) return undefined;
    const fields = step.api.fields;
    return fields === undefined || hasOwn(fields, spec.property) ? spec.property : undefined;
  }

  /** Properties `step` must read to stitch itself and its children together. */
  #needed(step: Step): Set<string> {
    const needed = new Set<string>();
    const pointer = this.#pointer(step);
    if (pointer !== undefined) needed.add(pointer);
    for (const kid of this.#kids(step)) {
      if (kid.kind === "direct" && kid.hop.spec?.kind === "direct") needed.add(kid.hop.spec.property);
    }
    return needed;
  }

  #select(step: Step): JsonObject {
    const api = step.api;
    if (api === undefined) return {};
    let properties: string[];
    if (step.properties === undefined) properties = ["*"];
    else {
      const extra = [...this.#needed(step)].filter((name) => !step.properties?.includes(name)).sort();
      properties = [...step.properties, ...extra];
      if (properties.length === 0) return {};
    }
    const source: JsonObject = { source: viewRef(api.view), properties };
    const units = step === this.#root ? targetUnits(this.#options.targetUnits) : undefined;
    if (units !== undefined) source["targetUnits"] = units;
    return { sources: [source] };
  }

  /** A key of what `step`'s objects hold: the same node read the same way by two steps is one object. */
  #identity(step: Step): string {
    const view =
      step.api === undefined ? "edge" : `${step.api.view.space}:${step.api.view.externalId}/${step.api.view.version}`;
    const read =
      step.properties === undefined ? "*" : [...new Set([...step.properties, ...this.#needed(step)])].sort().join(",");
    return `${view}\u0000${read}`;
  }

  #expression(step: Step, names: ReadonlyMap<Step, string>, limit: number, extra: Filter | undefined): JsonObject {
    const space = this.#client.instanceSpace;
    const dump = (filter: Filter | undefined): { filter?: FilterJson } =>
      filter === undefined ? {} : { filter: filter.dump(space) };
    const own = (): Filter | undefined =>
      all(step.api === undefined ? undefined : new HasData([step.api.view]), step.filter, extra);
    const parent = step.parent;
    const from = parent === undefined ? undefined : names.get(parent);
    const spec = step.hop.spec;
    let body: JsonObject;
    if (step.kind === "root" || (step.kind === "reverseList" && from === undefined)) {
      body = { nodes: { ...dump(own()) } };
    } else if (step.kind === "direct" && spec?.kind === "direct" && parent?.api !== undefined && from !== undefined) {
      body = {
        nodes: {
          from,
          through: { source: viewRef(parent.api.view), identifier: spec.property },
          direction: "outwards",
          ...dump(own()),
        },
      };
    } else if (step.kind === "reverse" && spec?.kind === "reverse" && from !== undefined) {
      body = {
        nodes: {
          from,
          through: { source: viewRef(spec.through), identifier: spec.property },
          direction: "inwards",
          ...dump(own()),
        },
      };
    } else if (step.kind === "edge" && spec?.kind === "edge" && from !== undefined) {
      // Only edges to nodes that will be read are read: the far end has data in the target view and passes the
      // hop's filter.
      const ends = this.#kids(step);
      const far = all(
        ...ends.map((end) => (end.api === undefined ? undefined : new HasData([end.api.view]))),
        ...ends.map((end) => end.filter),
      );
      const edgeFilter = all(
        new Equals(["edge", "type"], { space: spec.edgeType.space, externalId: spec.edgeType.externalId }),
        step.filter,
      ) as Filter;
      body = {
        edges: {
          from,
          direction: spec.direction,
          maxDistance: 1,
          filter: edgeFilter.dump(space),
          ...(far === undefined ? {} : { nodeFilter: far.dump(space) }),
        },
      };
    } else if (step.kind === "end" && from !== undefined) {
      body = { nodes: { from, chainTo: "destination", ...dump(own()) } };
    } else {
      throw new Error(`${step.hop.path}: a ${step.kind} step cannot be chained here`); // never: stages are built so
    }
    if (step.sort.length > 0) body["sort"] = step.sort.map((s) => ({ ...s }) as unknown as JsonObject);
    body["limit"] = limit;
    return body;
  }

  /**
   * The request body of `stage`. Without `continued`: every step (those done left out). With it: the
   * continued step and the steps below it (fresh limits), and the steps above it, held on the page they
   * are on with the limits that page was read with (a held expression must return the same rows again,
   * or the cursors of the expressions below it would continue another set).
   */
  #body(
    stage: readonly Step[],
    cursors: ReadonlyMap<Step, string>,
    rootLimit: number,
    extra: Filter | undefined,
    continued?: { step: Step; limits: ReadonlyMap<Step, number> },
  ): { body: JsonObject; limits: Map<Step, number> } {
    const top = stage[0] as Step;
    const names = new Map<Step, string>();
    const limits = new Map<Step, number>();
    const with_: JsonObject = {};
    const select: JsonObject = {};
    let steps: readonly Step[] = stage;
    const held = new Set<Step>();
    if (continued !== undefined) {
      for (let above = continued.step.parent; above !== undefined && stage.includes(above); above = above.parent) {
        held.add(above);
      }
      const below = this.#below(continued.step, stage);
      steps = stage.filter((step) => held.has(step) || below.includes(step));
    }
    for (const step of steps) {
      let limit: number;
      if (held.has(step)) {
        const was = continued?.limits.get(step);
        // Never: the continued step had a page.
        if (was === undefined) throw new Error(`${step.hop.path}: held without a page`);
        limit = was;
      } else if (step === top) {
        limit = rootLimit;
      } else {
        // Done: all its rows read (or its parent's are).
        if (step.parent === undefined || !names.has(step.parent) || this.#limitOf(step) === 0) continue;
        limit = this.#limitOf(step);
      }
      const name = this.#names.get(step) as string;
      names.set(step, name);
      limits.set(step, limit);
      with_[name] = this.#expression(step, names, limit, step === top ? extra : undefined);
      // A held expression only places the continued one: its rows came already, so it is not read again.
      if (!held.has(step)) select[name] = this.#select(step);
    }
    const body: JsonObject = { with: with_, select };
    const given: JsonObject = {};
    for (const [step, cursor] of cursors) if (names.has(step)) given[names.get(step) as string] = cursor;
    if (Object.keys(given).length > 0) body["cursors"] = given;
    return { body, limits };
  }

  #parse(
    raw: JsonValue,
    body: JsonObject,
    stage: readonly Step[],
  ): { sets: Map<Step, Row[]>; cursors: Map<Step, string> } {
    const answer = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? raw : {};
    const items = answer["items"];
    const itemsByName = typeof items === "object" && items !== null && !Array.isArray(items) ? items : {};
    const next = answer["nextCursor"];
    const nextByName = typeof next === "object" && next !== null && !Array.isArray(next) ? next : {};
    const selected = body["select"] as JsonObject;
    const sets = new Map<Step, Row[]>();
    const cursors = new Map<Step, string>();
    for (const step of stage) {
      const name = this.#names.get(step) as string;
      if (hasOwn(selected, name)) {
        const rows = itemsByName[name];
        const list = Array.isArray(rows)
          ? rows.filter((r): r is JsonObject => typeof r === "object" && r !== null && !Array.isArray(r))
          : [];
        const api = step.api;
        sets.set(step, list.map((r) => (api === undefined ? plainEdge(r) : (api.fromJson(r) as Row))));
      }
      const cursor = nextByName[name];
      if (typeof cursor === "string" && cursor !== "") cursors.set(step, cursor);
    }
    return { sets, cursors };
  }

  /** Adds `rows` to `step` (up to its limit); returns how many rows came. */
  #take(step: Step, rows: readonly Row[]): number {
    let remaining = this.#remaining.get(step);
    const page = this.#page.get(step) as Map<string, Row>;
    const kept = this.#rows.get(step) as Map<string, Row>;
    const identity = step.kind === "edge" ? undefined : this.#identity(step);
    for (const row of rows) {
      if (remaining !== undefined && remaining <= 0) break;
      const key = rowKey(row);
      if (page.has(key)) continue;
      let same = row;
      if (identity !== undefined) {
        const ident = `${identity}\u0000${key}`;
        const known = this.#objects.get(ident);
        if (known === undefined) {
          Object.defineProperty(row, "connections", {
            value: {},
            enumerable: true,
            writable: false,
            configurable: false,
          });
          this.#objects.set(ident, row);
        } else same = known;
      }
      page.set(key, same);
      if (this.#keep && !kept.has(key)) kept.set(key, same);
      if (remaining !== undefined) remaining -= 1;
    }
    this.#remaining.set(step, remaining);
    return rows.length;
  }

  async #exchange(
    stage: readonly Step[],
    cursors: ReadonlyMap<Step, string>,
    rootLimit: number,
    extra: Filter | undefined,
    continued?: { step: Step; limits: ReadonlyMap<Step, number> },
  ): Promise<Answer> {
    const { body, limits } = this.#body(stage, cursors, rootLimit, extra, continued);
    this.#requests += 1;
    const signal = this.#options.signal;
    const options: RequestOptions = signal === undefined ? { kind: "read" } : { kind: "read", signal };
    const response = await this.#client.http.post("/models/instances/query", body, options);
    const { sets, cursors: next } = this.#parse(response.json(), body, stage);
    return { sets, cursors: next, limits };
  }

  /** Reads the rest of every expression in `fresh` that filled its limit in `answer`. */
  async #continue(
    stage: readonly Step[],
    held: ReadonlyMap<Step, string>,
    fresh: readonly Step[],
    answer: Answer,
    rootLimit: number,
    extra: Filter | undefined,
  ): Promise<void> {
    const full = (step: Step, a: Answer): boolean => {
      const limit = a.limits.get(step);
      return limit !== undefined && limit > 0 && (a.sets.get(step)?.length ?? 0) >= limit;
    };
    for (const step of fresh) {
      let cursor = answer.cursors.get(step);
      let current = answer;
      let isFull = full(step, current);
      while (cursor !== undefined && isFull && this.#limitOf(step) > 0) {
        const pinned = new Map(held);
        pinned.set(step, cursor);
        const more = await this.#exchange(stage, pinned, rootLimit, extra, { step, limits: current.limits });
        const below = this.#below(step, stage);
        for (const item of below) if (more.limits.has(item)) this.#take(item, more.sets.get(item) ?? []);
        await this.#continue(stage, pinned, below.slice(1), more, rootLimit, extra);
        cursor = more.cursors.get(step);
        isFull = full(step, more);
        current = more;
      }
    }
  }

  /** One page of `top` and everything below it in its stage; returns the rows of `top` and its next cursor. */
  async #runStage(
    top: Step,
    extra: Filter | undefined,
    rootCursor: string | undefined,
    rootLimit: number,
  ): Promise<[number, string | undefined]> {
    const stage = this.#stage(top);
    const held = new Map<Step, string>(rootCursor === undefined ? [] : [[top, rootCursor]]);
    const answer = await this.#exchange(stage, held, rootLimit, extra);
    const count = this.#take(top, answer.sets.get(top) ?? []);
    for (const step of stage.slice(1)) if (answer.limits.has(step)) this.#take(step, answer.sets.get(step) ?? []);
    await this.#continue(stage, held, stage.slice(1), answer, rootLimit, extra);
    const more = count >= rootLimit && answer.limits.has(top) ? answer.cursors.get(top) : undefined;
    return [count, more];
  }

  /** The stages that start below `stage` (reverse relations through lists), for this page's parents. */
  async #runStarts(stage: readonly Step[]): Promise<void> {
    for (const start of this.#stageStarts(stage)) {
      const spec = start.hop.spec;
      if (spec?.kind !== "reverse" || start.parent === undefined) continue; // never
      const parents = [...(this.#page.get(start.parent) as Map<string, Row>).values()]
        .filter((row) => row.instanceType === "node")
        .map((row) => ({ space: row.space, externalId: row.externalId }));
      const ref = [spec.through.space, `${spec.through.externalId}/${spec.through.version}`, spec.property];
      for (let i = 0; i < parents.length; i += PARENTS_PER_REQUEST) {
        const chunk = parents.slice(i, i + PARENTS_PER_REQUEST);
        let cursor: string | undefined;
        while (this.#limitOf(start) > 0) {
          [, cursor] = await this.#runStage(start, new ContainsAny(ref, chunk), cursor, this.#limitOf(start));
          if (cursor === undefined) break;
        }
      }
      await this.#runStarts(this.#stage(start));
    }
  }

  /** Reads the query a page of roots at a time; yields the roots of each page, connections stitched on. */
  async *pages(): AsyncGenerator<Row[], void, undefined> {
    const root = this.#root;
    for (;;) {
      const size = this.#limitOf(root, this.#pageSize);
      if (size === 0) return;
      this.#page = new Map(this.#order.map((step) => [step, new Map<string, Row>()]));
      if (!this.#keep) this.#objects = new Map(); // one page of objects in memory
      const [count, cursor] = await this.#runStage(root, undefined, this.#cursor, size);
      this.#cursor = cursor;
      await this.#runStarts(this.#stage(root));
      this.#stitch();
      yield [...(this.#page.get(root) as Map<string, Row>).values()];
      if (cursor === undefined || count === 0) return;
    }
  }

  /** What `execute` returns: the roots, each hop's objects (by path) and the request count. */
  result(): { roots: unknown[]; hops: Map<string, unknown[]>; requests: number } {
    const hops = new Map<string, unknown[]>();
    for (const step of this.#order) {
      if (step.kind !== "edge" && step !== this.#root) {
        hops.set(step.key, [...(this.#rows.get(step) as Map<string, Row>).values()]);
      }
    }
    return { roots: [...(this.#rows.get(this.#root) as Map<string, Row>).values()], hops, requests: this.#requests };
  }

  // ---- stitching ----

  #stitch(): void {
    const page = this.#page;
    for (const step of this.#order.slice(1)) {
      if (step.kind === "edge") continue;
      const spec = step.hop.spec as ConnectionSpec;
      const parent = step.parent as Step;
      const owner = parent.kind === "edge" ? (parent.parent as Step) : parent;
      const owners = [...(page.get(owner) as Map<string, Row>).values()];
      const rows = [...(page.get(step) as Map<string, Row>).values()];
      const name = step.hop.name;
      if (spec.kind === "direct") {
        const byId = new Map(rows.map((row) => [idKey(row), row]));
        for (const obj of owners) {
          const value = obj.properties?.[spec.property];
          const targets = (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value])
            .map((v) => {
              const id = asId(v);
              return id === undefined ? undefined : byId.get(idKey(id));
            })
            .filter((row): row is Row => row !== undefined);
          setConnection(obj, name, spec.many ? targets : targets[0]);
        }
      } else if (spec.kind === "reverse") {
        const pointer = this.#pointer(step);
        const grouped = new Map<string, Row[]>();
        for (const obj of rows) {
          const value = pointer === undefined ? undefined : obj.properties?.[pointer];
          for (const target of Array.isArray(value) ? value : [value]) {
            const id = asId(target);
            if (id !== undefined) push(grouped, idKey(id), obj);
          }
        }
        assign(owners, name, spec.many, grouped);
      } else {
        const edges = [...(page.get(parent) as Map<string, Row>).values()];
        const byId = new Map(rows.map((row) => [idKey(row), row]));
        const [nearEnd, farEnd] =
          spec.direction === "outwards" ? (["startNode", "endNode"] as const) : (["endNode", "startNode"] as const);
        const pairs = parent.api !== undefined;
        const grouped = new Map<string, unknown[]>();
        for (const edge of edges) {
          const far = edge[farEnd];
          const near = edge[nearEnd];
          const target = far === undefined ? undefined : byId.get(idKey(far));
          if (target !== undefined && near !== undefined) {
            push(grouped, idKey(near), pairs ? Object.freeze({ edge, node: target }) : target);
          }
        }
        assign(owners, name, spec.many, grouped);
      }
    }
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function setConnection(obj: Row, name: string, value: unknown): void {
  // defineProperty, not assignment: a connection named "__proto__" stays a property.
  Object.defineProperty(obj.connections as object, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function assign(
  owners: readonly Row[],
  name: string,
  many: boolean,
  grouped: ReadonlyMap<string, readonly unknown[]>,
): void {
  for (const obj of owners) {
    const found = grouped.get(idKey(obj)) ?? [];
    setConnection(obj, name, many ? [...found] : found[0]);
  }
}

function spaceFilter(api: QueryableApi, space: string | readonly string[] | undefined): Filter | undefined {
  if (space === undefined) return undefined;
  const spaces = typeof space === "string" ? [space] : [...space];
  const ref = [api.instanceType, "space"];
  return spaces.length === 1 ? new Equals(ref, spaces[0] as string) : new In(ref, spaces);
}
