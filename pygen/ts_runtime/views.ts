/**
 * The API of one view: {@link ViewApi} (reads, and writes through the {@link InstanceClient} of writes.ts) and its
 * {@link NodeApi}/{@link EdgeApi} (generated SDKs extend them with typed properties).
 *
 * @example
 * interface Pump { name?: string; pressure?: number }
 * const client = new InstanceClient({ project, baseUrl, credentials: new Token(t) }, { instanceSpace: "my_space" });
 * const pumps = new NodeApi<Pump>(client, { space: "s", externalId: "Pump", version: "v1" });
 * await pumps.upsert([{ externalId: "p1", properties: { name: "P-1", pressure: 3 } }]);
 * for await (const pump of pumps.iterate({ filter: pumps.textProperty("name").prefix("P-") })) {
 *   console.log(pump.properties.name);
 * }
 * // Generated APIs have typed `fields`, and take where objects over them too:
 * await client.cogniteAsset.list({ where: { name: { prefix: "P-" } } });
 */
import {
  BooleanProperty,
  DateProperty,
  DirectRelationListProperty,
  DirectRelationProperty,
  EnumProperty,
  Equals,
  Filter,
  In,
  JsonProperty,
  ListProperty,
  NumberProperty,
  TextProperty,
  TimestampProperty,
  viewPropertyRef,
  whereFilter,
  type FilterValue,
} from "./filters.js";
import { chunk, instanceKey, isId, itemsOf, safeString, toNodeId } from "./items.js";
import type { JsonObject, JsonValue } from "./json.js";
import {
  checkLimit,
  compact,
  MAX_PAGE,
  parseGroup,
  propertyName,
  sorts,
  targetUnits,
  type AggregateGroup,
  type AggregateOptions,
  type AggregateValue,
  type Aggregation,
  type Bucket,
  type FieldsOf,
  type ListOptions,
  type Page,
  type PropertyName,
  type ReadOptions,
  type RetrieveResult,
  type SearchOptions,
} from "./reads.js";
import type { Edge, EdgeWrite, InstanceId, Node, NodeId, NodeIdLike, NodeWrite, Properties, ViewId } from "./types.js";
import {
  InstanceClient,
  MAX_WRITE_ITEMS,
  type ApplyItem,
  type DeleteOptions,
  type DeleteResult,
  type UpsertOptions,
  type UpsertResult,
} from "./writes.js";

/**
 * The API of one view: retrieve, list, iterate page by page, search, aggregate, histogram, upsert, delete.
 *
 * `R` is the read shape, `W` the write shape. Override {@link parse} (read JSON -> `R`) and {@link toApply}
 * (`W` -> apply JSON) to convert property values (generated SDKs do).
 */
export abstract class ViewApi<R, W> {
  readonly client: InstanceClient;
  readonly view: ViewId;
  readonly instanceType: "node" | "edge";

  constructor(client: InstanceClient, view: ViewId, instanceType: "node" | "edge") {
    if (!(client instanceof InstanceClient)) throw new TypeError("the first argument must be an InstanceClient");
    for (const field of ["space", "externalId", "version"] as const) {
      if (typeof view?.[field] !== "string" || view[field] === "") {
        throw new TypeError(`view.${field} must be a non-empty string`);
      }
    }
    this.client = client;
    this.view = Object.freeze({ space: view.space, externalId: view.externalId, version: view.version });
    this.instanceType = instanceType;
  }

  /** Builds the typed object from one read item. */
  protected abstract parse(raw: JsonObject): R;

  /** The typed object of one read item of this view (API JSON, as `list` and `/models/instances/query` return it). */
  fromJson(raw: JsonObject): R {
    return this.parse(raw);
  }

  /** Builds the apply item of one write object. */
  protected abstract toApply(item: W): ApplyItem;

  /** The flattened properties of this view in a read item (`{}` when it has none). */
  protected viewProperties(raw: JsonObject): Record<string, JsonValue> {
    const bySpace = raw["properties"];
    if (typeof bySpace !== "object" || bySpace === null || Array.isArray(bySpace)) return {};
    const byView = bySpace[this.view.space];
    if (typeof byView !== "object" || byView === null || Array.isArray(byView)) return {};
    const props = byView[`${this.view.externalId}/${this.view.version}`];
    return typeof props === "object" && props !== null && !Array.isArray(props) ? { ...props } : {};
  }

  /**
   * The typed properties from the flattened view properties of a read item. The default passes the JSON
   * values through; generated SDKs override it to convert (e.g. timestamps to `Date`).
   */
  protected parseProperties(properties: Record<string, JsonValue>): unknown {
    return properties;
  }

  /** The `sources` entry of this view. */
  protected source(units?: Readonly<Record<string, string>>): JsonObject {
    return compact({ source: { type: "view", ...this.view }, targetUnits: targetUnits(units) });
  }

  /**
   * The write `sources` of some properties: none given -> the source alone (the instance still gets data in the
   * view).
   */
  protected writeSources(properties: object | undefined): JsonValue[] {
    const props: JsonObject = {};
    if (properties !== undefined && properties !== null) {
      // defineProperty, not assignment: a property called "__proto__" must stay data, not set the prototype.
      for (const [k, v] of Object.entries(properties)) {
        if (v !== undefined) {
          Object.defineProperty(props, k, { value: v, enumerable: true, writable: true, configurable: true });
        }
      }
    }
    const source = { type: "view", ...this.view };
    return [Object.keys(props).length > 0 ? { source, properties: props } : { source }];
  }

  // -- typed property builders (generated SDKs declare fields with these) --

  /** The reference `[space, "View/version", name]` of a property of this view. */
  ref(name: string): readonly string[] {
    return viewPropertyRef(this.view, name);
  }
  textProperty(name: string): TextProperty {
    return new TextProperty(this.ref(name));
  }
  numberProperty<N extends number | bigint = number>(name: string): NumberProperty<N> {
    return new NumberProperty<N>(this.ref(name));
  }
  timestampProperty(name: string): TimestampProperty {
    return new TimestampProperty(this.ref(name));
  }
  dateProperty(name: string): DateProperty {
    return new DateProperty(this.ref(name));
  }
  booleanProperty(name: string): BooleanProperty {
    return new BooleanProperty(this.ref(name));
  }
  enumProperty<V extends string>(name: string): EnumProperty<V> {
    return new EnumProperty<V>(this.ref(name));
  }
  jsonProperty(name: string): JsonProperty {
    return new JsonProperty(this.ref(name));
  }
  directRelationProperty(name: string): DirectRelationProperty {
    return new DirectRelationProperty(this.ref(name));
  }
  listProperty<V extends FilterValue = string | number | bigint | boolean>(name: string): ListProperty<V> {
    return new ListProperty<V>(this.ref(name));
  }
  directRelationListProperty(name: string): DirectRelationListProperty {
    return new DirectRelationListProperty(this.ref(name));
  }

  // -- reads --

  #filter(options: {
    space?: string | readonly string[] | undefined;
    filter?: Filter | undefined;
    where?: object | undefined;
  }): JsonObject | undefined {
    const parts: Filter[] = [];
    if (options.space !== undefined) {
      const spaces = typeof options.space === "string" ? [options.space] : [...options.space];
      const ref = [this.instanceType, "space"];
      parts.push(spaces.length === 1 ? new Equals(ref, spaces[0] as string) : new In(ref, spaces));
    }
    if (options.filter !== undefined) {
      if (!(options.filter instanceof Filter)) {
        throw new TypeError("filter must be a Filter (use the property builders or RawFilter)");
      }
      parts.push(options.filter);
    }
    if (options.where !== undefined) {
      const fields = (this as { readonly fields?: unknown }).fields;
      const where = whereFilter(
        typeof fields === "object" && fields !== null ? fields : {},
        options.where,
        this.view.externalId,
      );
      if (where !== undefined) parts.push(where);
    }
    if (parts.length === 0) return undefined;
    const combined = parts.length === 1 ? (parts[0] as Filter) : (parts[0] as Filter).and(...parts.slice(1));
    return combined.dump(this.client.instanceSpace);
  }

  #signal(options: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
    return options.signal === undefined ? {} : { signal: options.signal };
  }

  #parseItems(body: JsonValue): R[] {
    return itemsOf(body).map((raw) => this.parse(raw));
  }

  /** One id -> the instance or `undefined`; a list -> `{items, missing}` (found ones in request order). */
  retrieve(id: NodeIdLike, options?: Pick<ReadOptions, "targetUnits" | "signal">): Promise<R | undefined>;
  retrieve(
    ids: readonly NodeIdLike[],
    options?: Pick<ReadOptions, "targetUnits" | "signal">,
  ): Promise<RetrieveResult<R>>;
  async retrieve(
    ids: NodeIdLike | readonly NodeIdLike[],
    options: Pick<ReadOptions, "targetUnits" | "signal"> = {},
  ): Promise<R | undefined | RetrieveResult<R>> {
    const single = !Array.isArray(ids);
    const list = (single ? [ids] : ids) as readonly NodeIdLike[];
    const wanted = list.map((id) => ({ instanceType: this.instanceType, ...toNodeId(id, this.client.instanceSpace) }));
    const found = new Map<string, R>();
    const sources = [this.source(options.targetUnits)];
    // Batches run concurrently, within the transport's read limit.
    const bodies = await Promise.all(
      chunk(wanted, MAX_WRITE_ITEMS).map(async (batch) =>
        (
          await this.client.http.post(
            "/models/instances/byids",
            { items: batch, sources },
            { kind: "read", ...this.#signal(options) },
          )
        ).json(),
      ),
    );
    for (const body of bodies) {
      for (const raw of itemsOf(body)) {
        if (isId(raw)) {
          found.set(
            instanceKey({ instanceType: this.instanceType, space: raw.space, externalId: raw.externalId }),
            this.parse(raw),
          );
        }
      }
    }
    if (single) return found.get(instanceKey(wanted[0] as InstanceId));
    const items: R[] = [];
    const missing: InstanceId[] = [];
    const done = new Set<string>();
    for (const id of wanted) {
      const k = instanceKey(id);
      const item = found.get(k);
      if (item === undefined) missing.push(id);
      else if (!done.has(k)) {
        done.add(k);
        items.push(item);
      }
    }
    return { items, missing };
  }

  /** One page (up to `pageSize`, default 1000) and the cursor of the next. */
  async page(options: Omit<ListOptions<FieldsOf<this>>, "limit"> = {}): Promise<Page<R>> {
    const body = compact({
      instanceType: this.instanceType,
      sources: [this.source(options.targetUnits)],
      filter: this.#filter(options),
      sort: sorts(options.sort) as JsonValue | undefined,
      limit: checkLimit("pageSize", options.pageSize ?? MAX_PAGE, MAX_PAGE),
      cursor: options.cursor,
    });
    const response = await this.client.http.post("/models/instances/list", body, {
      kind: "read",
      ...this.#signal(options),
    });
    const json = response.json();
    const next = typeof json === "object" && json !== null && !Array.isArray(json) ? json["nextCursor"] : undefined;
    return { items: this.#parseItems(json), cursor: typeof next === "string" && next !== "" ? next : undefined };
  }

  /** Every matching instance (or the first `limit`) page by page: `for await (const page of api.pages())`. */
  async *pages(options: ListOptions<FieldsOf<this>> = {}): AsyncGenerator<Page<R>, void, undefined> {
    const limit = options.limit ?? "all";
    if (limit !== "all") checkLimit("limit", limit, Number.MAX_SAFE_INTEGER);
    const pageSize = checkLimit("pageSize", options.pageSize ?? MAX_PAGE, MAX_PAGE);
    let remaining = limit === "all" ? Infinity : limit;
    let cursor = options.cursor;
    while (remaining > 0) {
      const { limit: _unused, ...rest } = options;
      const page = await this.page({
        ...rest,
        pageSize: Math.min(pageSize, remaining),
        ...(cursor === undefined ? {} : { cursor }),
      });
      remaining -= page.items.length;
      yield page;
      cursor = page.cursor;
      if (cursor === undefined || page.items.length === 0) return;
    }
  }

  /** Every matching instance (or the first `limit`), fetched page by page: `for await (const x of api.iterate())`. */
  async *iterate(options: ListOptions<FieldsOf<this>> = {}): AsyncGenerator<R, void, undefined> {
    for await (const page of this.pages(options)) yield* page.items;
  }

  /** `for await (const item of api)`: every instance of the view. */
  [Symbol.asyncIterator](): AsyncGenerator<R, void, undefined> {
    return this.iterate();
  }

  /** Up to `limit` instances (default 25; `"all"` for every one). */
  async list(options: ListOptions<FieldsOf<this>> = {}): Promise<R[]> {
    const out: R[] = [];
    for await (const page of this.pages({ ...options, limit: options.limit ?? 25 })) out.push(...page.items);
    return out;
  }

  /** Free-text search in `properties` (default: all text properties), most relevant first. */
  async search(options: SearchOptions<FieldsOf<this>> = {}): Promise<R[]> {
    const body = compact({
      view: { type: "view", ...this.view },
      instanceType: this.instanceType,
      query: options.query,
      properties: options.properties?.map(propertyName),
      filter: this.#filter(options),
      operator: options.operator ?? "AND",
      sort: sorts(options.sort) as JsonValue | undefined,
      targetUnits: targetUnits(options.targetUnits),
      limit: checkLimit("limit", options.limit ?? 25, MAX_PAGE),
    });
    const response = await this.client.http.post("/models/instances/search", body, {
      kind: "read",
      ...this.#signal(options),
    });
    return this.#parseItems(response.json());
  }

  /** Aggregations (at most 5), optionally grouped by up to 5 properties. */
  async aggregate(
    aggregations: readonly Aggregation[],
    options: AggregateOptions<FieldsOf<this>> = {},
  ): Promise<AggregateGroup[]> {
    if (aggregations.length > 5) throw new RangeError(`at most 5 aggregations per request, got ${aggregations.length}`);
    if (options.groupBy !== undefined && (options.groupBy.length < 1 || options.groupBy.length > 5)) {
      throw new RangeError(`groupBy takes 1 to 5 properties, got ${options.groupBy.length}`);
    }
    const aggregates = aggregations.map((agg): JsonValue => {
      if (agg.aggregate === "histogram") {
        if (!(agg.interval > 0) || !Number.isFinite(agg.interval)) {
          throw new RangeError(`histogram interval must be a positive number, got ${String(agg.interval)}`);
        }
        return { histogram: { property: propertyName(agg.property), interval: agg.interval } };
      }
      if (!["count", "sum", "avg", "min", "max"].includes(agg.aggregate)) {
        throw new TypeError(`unknown aggregate ${safeString(agg.aggregate)}`);
      }
      if (agg.property === undefined) {
        if (agg.aggregate !== "count") throw new TypeError(`${agg.aggregate} needs a property`);
        return { count: {} };
      }
      return { [agg.aggregate]: { property: propertyName(agg.property) } };
    });
    const body = compact({
      view: { type: "view", ...this.view },
      instanceType: this.instanceType,
      aggregates: aggregates.length > 0 ? aggregates : undefined,
      groupBy: options.groupBy?.map(propertyName),
      filter: this.#filter({ filter: options.filter, where: options.where }),
      query: options.query,
      properties: options.properties?.map(propertyName),
      limit: options.limit === undefined ? undefined : checkLimit("limit", options.limit, 1000),
    });
    const response = await this.client.http.post("/models/instances/aggregate", body, {
      kind: "read",
      ...this.#signal(options),
    });
    return itemsOf(response.json()).map(parseGroup);
  }

  async #one(
    aggregation: Aggregation,
    options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy">,
  ): Promise<AggregateValue | undefined> {
    const groups = await this.aggregate([aggregation], options);
    return groups[0]?.aggregates[0];
  }

  /** How many instances match (with `property`: how many have a value for it). */
  async count(
    options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> & { property?: PropertyName } = {},
  ): Promise<number> {
    const { property, ...rest } = options;
    const value = (await this.#one({ aggregate: "count", property: property ?? "externalId" }, rest))?.value;
    return value === undefined ? 0 : Number(value);
  }
  /** The sum of a numeric property (0 without values). */
  async sum(property: PropertyName, options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {}): Promise<number> {
    const value = (await this.#one({ aggregate: "sum", property }, options))?.value;
    return value === undefined ? 0 : Number(value);
  }
  /** The average of a numeric property (undefined without values). */
  async avg(
    property: PropertyName,
    options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {},
  ): Promise<number | undefined> {
    const value = (await this.#one({ aggregate: "avg", property }, options))?.value;
    return value === undefined ? undefined : Number(value);
  }
  /** The smallest value of a numeric property (undefined without values; `bigint` beyond 2^53). */
  async min(
    property: PropertyName,
    options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {},
  ): Promise<number | bigint | undefined> {
    return (await this.#one({ aggregate: "min", property }, options))?.value;
  }
  /** The largest value of a numeric property (undefined without values; `bigint` beyond 2^53). */
  async max(
    property: PropertyName,
    options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {},
  ): Promise<number | bigint | undefined> {
    return (await this.#one({ aggregate: "max", property }, options))?.value;
  }
  /** Buckets of width `interval` over a numeric property. */
  async histogram(
    property: PropertyName,
    interval: number,
    options: Omit<AggregateOptions<FieldsOf<this>>, "groupBy"> = {},
  ): Promise<Bucket[]> {
    return (await this.#one({ aggregate: "histogram", property, interval }, options))?.buckets ?? [];
  }

  // -- writes --

  /** Creates or updates instances through this view (see {@link InstanceClient.upsert}). */
  async upsert(items: W | readonly W[], options: UpsertOptions = {}): Promise<UpsertResult> {
    const list = (Array.isArray(items) ? items : [items]) as readonly W[];
    return this.client.upsert(
      list.map((item) => this.toApply(item)),
      options,
    );
  }

  /** Deletes instances of this type by id (bare external ids in the client's instance space). */
  async delete(ids: NodeIdLike | readonly NodeIdLike[], options: DeleteOptions = {}): Promise<DeleteResult> {
    const list = (Array.isArray(ids) ? ids : [ids]) as readonly NodeIdLike[];
    return this.client.delete(
      list.map((id) => ({ instanceType: this.instanceType, ...toNodeId(id, this.client.instanceSpace) })),
      options,
    );
  }
}

function nodeIdOf(value: JsonValue | undefined): NodeId | undefined {
  return isId(value) ? { space: value.space, externalId: value.externalId } : undefined;
}

function instanceBase(raw: JsonObject): {
  space: string;
  externalId: string;
  version: number;
  createdTime: number;
  lastUpdatedTime: number;
  deletedTime?: number;
} {
  const out = {
    space: String(raw["space"]),
    externalId: String(raw["externalId"]),
    version: Number(raw["version"]),
    createdTime: Number(raw["createdTime"]),
    lastUpdatedTime: Number(raw["lastUpdatedTime"]),
  };
  return raw["deletedTime"] === undefined || raw["deletedTime"] === null
    ? out
    : { ...out, deletedTime: Number(raw["deletedTime"]) };
}

/**
 * The API of nodes through one view. `P` is the read properties type, `W` the write properties type.
 *
 * @example
 * const pumps = new NodeApi<{ name?: string }>(client, { space: "s", externalId: "Pump", version: "v1" });
 * const { items, missing } = await pumps.retrieve(["p1", "p2"]);
 */
export class NodeApi<P extends object = Properties, W extends object = Partial<P>> extends ViewApi<
  Node<P>,
  NodeWrite<W>
> {
  constructor(client: InstanceClient, view: ViewId) {
    super(client, view, "node");
  }

  protected parse(raw: JsonObject): Node<P> {
    const type = nodeIdOf(raw["type"]);
    return {
      instanceType: "node",
      ...instanceBase(raw),
      ...(type === undefined ? {} : { type }),
      properties: this.parseProperties(this.viewProperties(raw)) as P,
    };
  }

  protected toApply(item: NodeWrite<W>): ApplyItem {
    if (typeof item !== "object" || item === null || typeof item.externalId !== "string" || item.externalId === "") {
      throw new TypeError(`a node to write needs an externalId, got ${safeString(item)}`);
    }
    const space = item.space ?? this.client.instanceSpace;
    if (space === undefined) {
      throw new TypeError(`node ${JSON.stringify(item.externalId)} has no space and the client has no instanceSpace`);
    }
    const out: ApplyItem = {
      instanceType: "node",
      space,
      externalId: item.externalId,
      sources: this.writeSources(item.properties),
    };
    if (item.type !== undefined) out["type"] = { ...toNodeId(item.type, this.client.instanceSpace) };
    if (item.existingVersion !== undefined) out["existingVersion"] = item.existingVersion;
    return out;
  }
}

/**
 * The API of edges through one view. `P` is the read properties type, `W` the write properties type.
 */
export class EdgeApi<P extends object = Properties, W extends object = Partial<P>> extends ViewApi<
  Edge<P>,
  EdgeWrite<W>
> {
  constructor(client: InstanceClient, view: ViewId) {
    super(client, view, "edge");
  }

  protected parse(raw: JsonObject): Edge<P> {
    const missing = { space: "", externalId: "" };
    return {
      instanceType: "edge",
      ...instanceBase(raw),
      type: nodeIdOf(raw["type"]) ?? missing,
      startNode: nodeIdOf(raw["startNode"]) ?? missing,
      endNode: nodeIdOf(raw["endNode"]) ?? missing,
      properties: this.parseProperties(this.viewProperties(raw)) as P,
    };
  }

  protected toApply(item: EdgeWrite<W>): ApplyItem {
    if (typeof item !== "object" || item === null || typeof item.externalId !== "string" || item.externalId === "") {
      throw new TypeError(`an edge to write needs an externalId, got ${safeString(item)}`);
    }
    const space = item.space ?? this.client.instanceSpace;
    if (space === undefined) {
      throw new TypeError(`edge ${JSON.stringify(item.externalId)} has no space and the client has no instanceSpace`);
    }
    for (const field of ["type", "startNode", "endNode"] as const) {
      if (item[field] === undefined) throw new TypeError(`edge ${JSON.stringify(item.externalId)} needs ${field}`);
    }
    const ds = this.client.instanceSpace ?? space;
    const out: ApplyItem = {
      instanceType: "edge",
      space,
      externalId: item.externalId,
      type: { ...toNodeId(item.type, ds) },
      startNode: { ...toNodeId(item.startNode, ds) },
      endNode: { ...toNodeId(item.endNode, ds) },
      sources: this.writeSources(item.properties),
    };
    if (item.existingVersion !== undefined) out["existingVersion"] = item.existingVersion;
    return out;
  }
}
