import { BooleanProperty, DateProperty, DirectRelationListProperty, DirectRelationProperty, EnumProperty, Filter, JsonProperty, ListProperty, NumberProperty, PropertyBase, Sort, TextProperty, TimestampProperty, type FilterValue } from "./filters.js";
import { type JsonObject, type JsonValue } from "./json.js";
import { HttpClient, type ClientOptions } from "./transport.js";
import type { Edge, EdgeWrite, InstanceId, Node, NodeId, NodeIdLike, NodeWrite, Properties, ViewId } from "./types.js";
/** Most items per apply, delete and byids request (dms-api §5). */
export declare const MAX_WRITE_ITEMS = 1000;
/** Most items per list/search page. */
export declare const MAX_PAGE = 1000;
/** What a write did to one instance. */
export interface InstanceResult {
    readonly instanceType: "node" | "edge";
    readonly space: string;
    readonly externalId: string;
    /** `skipped`: left out on a version conflict (`skipOnVersionConflict`). */
    readonly status: "created" | "updated" | "unchanged" | "skipped";
    readonly version: number | undefined;
}
/** The outcome of every item of an upsert, in write order (nodes first, then edges). */
export declare class UpsertResult {
    readonly items: readonly InstanceResult[];
    constructor(items?: readonly InstanceResult[]);
    get created(): InstanceResult[];
    get updated(): InstanceResult[];
    get unchanged(): InstanceResult[];
    get skipped(): InstanceResult[];
}
/** What a delete did: missing instances are not errors, they are listed in `notFound`. */
export interface DeleteResult {
    readonly deleted: InstanceId[];
    readonly notFound: InstanceId[];
}
/** Options of an upsert (the request-level flags of `POST /models/instances`). */
export interface UpsertOptions {
    /** `true`: reset every property of each touched container not given. Default false (patch). */
    replace?: boolean;
    skipOnVersionConflict?: boolean;
    /** Default true. */
    autoCreateDirectRelations?: boolean;
    autoCreateStartNodes?: boolean;
    autoCreateEndNodes?: boolean;
    signal?: AbortSignal;
}
/** An apply item as sent (`space` resolved). */
export type ApplyItem = JsonObject & {
    instanceType: "node" | "edge";
    space: string;
    externalId: string;
};
/** `{space, externalId}` of an id-like: a bare external id takes `defaultSpace` (an error without one). */
export declare function toNodeId(value: NodeIdLike, defaultSpace: string | undefined): NodeId;
/** Options of an {@link InstanceClient}. */
export interface InstanceClientOptions {
    /** The default space of instances given by external id alone. */
    instanceSpace?: string;
}
/**
 * Writes and deletes instances of any view; the per-view APIs share one client (and so one transport
 * with its concurrency limits).
 */
export declare class InstanceClient {
    #private;
    readonly http: HttpClient;
    readonly instanceSpace: string | undefined;
    constructor(http: HttpClient | ClientOptions, options?: InstanceClientOptions);
    /**
     * Applies nodes and edges in batches of 1000 (nodes first, so edges find their ends), with the
     * transport's write concurrency. A batch refused for its items (400/409/422) is split until each failing
     * item is isolated; then an {@link UpsertError} names every failed item and holds what succeeded.
     */
    upsert(items: readonly ApplyItem[], options?: UpsertOptions): Promise<UpsertResult>;
    /**
     * Deletes instances (bare ids and `{space, externalId}` are nodes; pass `{instanceType: "edge", ...}`
     * for edges). Missing instances are listed in `notFound`; failed batches raise a {@link DeleteError}.
     */
    delete(ids: readonly (InstanceId | NodeIdLike)[], options?: {
        signal?: AbortSignal;
    }): Promise<DeleteResult>;
}
/** One page of a list and the cursor of the next (undefined on the last page). */
export interface Page<R> {
    readonly items: R[];
    readonly cursor: string | undefined;
}
/** The result of retrieving several ids: what was found (in request order) and what was not. */
export interface RetrieveResult<R> {
    readonly items: R[];
    readonly missing: InstanceId[];
}
/** A property given by name or by its typed builder. */
export type PropertyName = string | PropertyBase;
/** A sort: a `Sort`, or a property (ascending). */
export type SortArg = Sort | PropertyBase | readonly (Sort | PropertyBase)[];
/** Options shared by list-like reads. */
export interface ReadOptions {
    filter?: Filter;
    /** Only instances in these spaces. */
    space?: string | readonly string[];
    /** `{property: unitExternalId}`: convert values of these properties (at most 10). */
    targetUnits?: Readonly<Record<string, string>>;
    signal?: AbortSignal;
}
/** Options of `list`/`iterate`/`pages`. */
export interface ListOptions extends ReadOptions {
    sort?: SortArg;
    /** Most instances in all; `"all"` for no limit. Default: `list` 25, `iterate`/`pages` all. */
    limit?: number | "all";
    /** Instances per request (1-1000). Default 1000. */
    pageSize?: number;
    /** Resume from a cursor. */
    cursor?: string;
}
/** Options of `search`. */
export interface SearchOptions extends ReadOptions {
    query?: string;
    /** Properties to search (default: all text properties). */
    properties?: readonly PropertyName[];
    /** How query words combine. Default "AND". */
    operator?: "AND" | "OR";
    sort?: SortArg;
    /** 1-1000, default 25. */
    limit?: number;
}
/** One aggregation. */
export type Aggregation = {
    readonly aggregate: "count";
    readonly property?: PropertyName;
} | {
    readonly aggregate: "sum" | "avg" | "min" | "max";
    readonly property: PropertyName;
} | {
    readonly aggregate: "histogram";
    readonly property: PropertyName;
    readonly interval: number;
};
/** Options of `aggregate`. */
export interface AggregateOptions {
    groupBy?: readonly PropertyName[];
    filter?: Filter;
    /** Free-text query narrowing what is aggregated. */
    query?: string;
    /** Properties the query searches. */
    properties?: readonly PropertyName[];
    /** Most groups (1-1000). */
    limit?: number;
    signal?: AbortSignal;
}
/** One histogram bucket. */
export interface Bucket {
    readonly start: number;
    readonly count: number;
}
/** One aggregated value as CDF returns it. */
export interface AggregateValue {
    readonly aggregate: string;
    readonly property: string | undefined;
    /** For count/sum/avg/min/max (undefined when there were no values). */
    readonly value: number | bigint | undefined;
    readonly interval?: number;
    readonly buckets?: Bucket[];
}
/** One group of an aggregation (`group` is undefined without `groupBy`). */
export interface AggregateGroup {
    readonly group: Readonly<Record<string, JsonValue>> | undefined;
    readonly aggregates: AggregateValue[];
}
/**
 * The API of one view: retrieve, list, iterate page by page, search, aggregate, histogram, upsert, delete.
 *
 * `R` is the read shape, `W` the write shape. Override {@link parse} (read JSON -> `R`) and {@link toApply}
 * (`W` -> apply JSON) to convert property values (generated SDKs do).
 */
export declare abstract class ViewApi<R, W> {
    #private;
    readonly client: InstanceClient;
    readonly view: ViewId;
    readonly instanceType: "node" | "edge";
    constructor(client: InstanceClient, view: ViewId, instanceType: "node" | "edge");
    /** Builds the typed object from one read item. */
    protected abstract parse(raw: JsonObject): R;
    /** Builds the apply item of one write object. */
    protected abstract toApply(item: W): ApplyItem;
    /** The flattened properties of this view in a read item (`{}` when it has none). */
    protected viewProperties(raw: JsonObject): Record<string, JsonValue>;
    /** The `sources` entry of this view. */
    protected source(units?: Readonly<Record<string, string>>): JsonObject;
    /** The write `sources` of some properties: none given -> the source alone (the instance still gets data in the view). */
    protected writeSources(properties: object | undefined): JsonValue[];
    /** The reference `[space, "View/version", name]` of a property of this view. */
    ref(name: string): readonly string[];
    textProperty(name: string): TextProperty;
    numberProperty<N extends number | bigint = number>(name: string): NumberProperty<N>;
    timestampProperty(name: string): TimestampProperty;
    dateProperty(name: string): DateProperty;
    booleanProperty(name: string): BooleanProperty;
    enumProperty<V extends string>(name: string): EnumProperty<V>;
    jsonProperty(name: string): JsonProperty;
    directRelationProperty(name: string): DirectRelationProperty;
    listProperty<V extends FilterValue = string | number | bigint | boolean>(name: string): ListProperty<V>;
    directRelationListProperty(name: string): DirectRelationListProperty;
    /** One id -> the instance or `undefined`; a list -> `{items, missing}` (found ones in request order). */
    retrieve(id: NodeIdLike, options?: Pick<ReadOptions, "targetUnits" | "signal">): Promise<R | undefined>;
    retrieve(ids: readonly NodeIdLike[], options?: Pick<ReadOptions, "targetUnits" | "signal">): Promise<RetrieveResult<R>>;
    /** One page (up to `pageSize`, default 1000) and the cursor of the next. */
    page(options?: Omit<ListOptions, "limit">): Promise<Page<R>>;
    /** Every matching instance (or the first `limit`) page by page: `for await (const page of api.pages())`. */
    pages(options?: ListOptions): AsyncGenerator<Page<R>, void, undefined>;
    /** Every matching instance (or the first `limit`), fetched page by page: `for await (const x of api.iterate())`. */
    iterate(options?: ListOptions): AsyncGenerator<R, void, undefined>;
    /** `for await (const item of api)`: every instance of the view. */
    [Symbol.asyncIterator](): AsyncGenerator<R, void, undefined>;
    /** Up to `limit` instances (default 25; `"all"` for every one). */
    list(options?: ListOptions): Promise<R[]>;
    /** Free-text search in `properties` (default: all text properties), most relevant first. */
    search(options?: SearchOptions): Promise<R[]>;
    /** Aggregations (at most 5), optionally grouped by up to 5 properties. */
    aggregate(aggregations: readonly Aggregation[], options?: AggregateOptions): Promise<AggregateGroup[]>;
    /** How many instances match (with `property`: how many have a value for it). */
    count(options?: Omit<AggregateOptions, "groupBy"> & {
        property?: PropertyName;
    }): Promise<number>;
    /** The sum of a numeric property (0 without values). */
    sum(property: PropertyName, options?: Omit<AggregateOptions, "groupBy">): Promise<number>;
    /** The average of a numeric property (undefined without values). */
    avg(property: PropertyName, options?: Omit<AggregateOptions, "groupBy">): Promise<number | undefined>;
    /** The smallest value of a numeric property (undefined without values; `bigint` beyond 2^53). */
    min(property: PropertyName, options?: Omit<AggregateOptions, "groupBy">): Promise<number | bigint | undefined>;
    /** The largest value of a numeric property (undefined without values; `bigint` beyond 2^53). */
    max(property: PropertyName, options?: Omit<AggregateOptions, "groupBy">): Promise<number | bigint | undefined>;
    /** Buckets of width `interval` over a numeric property. */
    histogram(property: PropertyName, interval: number, options?: Omit<AggregateOptions, "groupBy">): Promise<Bucket[]>;
    /** Creates or updates instances through this view (see {@link InstanceClient.upsert}). */
    upsert(items: W | readonly W[], options?: UpsertOptions): Promise<UpsertResult>;
    /** Deletes instances of this type by id (bare external ids in the client's instance space). */
    delete(ids: NodeIdLike | readonly NodeIdLike[], options?: {
        signal?: AbortSignal;
    }): Promise<DeleteResult>;
}
/**
 * The API of nodes through one view. `P` is the read properties type, `W` the write properties type.
 *
 * @example
 * const pumps = new NodeApi<{ name?: string }>(client, { space: "s", externalId: "Pump", version: "v1" });
 * const { items, missing } = await pumps.retrieve(["p1", "p2"]);
 */
export declare class NodeApi<P extends object = Properties, W extends object = Partial<P>> extends ViewApi<Node<P>, NodeWrite<W>> {
    constructor(client: InstanceClient, view: ViewId);
    protected parse(raw: JsonObject): Node<P>;
    protected toApply(item: NodeWrite<W>): ApplyItem;
}
/**
 * The API of edges through one view. `P` is the read properties type, `W` the write properties type.
 */
export declare class EdgeApi<P extends object = Properties, W extends object = Partial<P>> extends ViewApi<Edge<P>, EdgeWrite<W>> {
    constructor(client: InstanceClient, view: ViewId);
    protected parse(raw: JsonObject): Edge<P>;
    protected toApply(item: EdgeWrite<W>): ApplyItem;
}
