/**
 * pygen's TypeScript runtime: the public surface generated SDKs (and their users) import.
 *
 * Self-contained (no npm dependencies): it needs only `fetch`, `AbortController` and `setTimeout`, so it
 * runs on Node 20+ and in browsers. See README.md for the contract.
 */
export { Token, OAuthClientCredentials, type AuthContext, type Credentials, type OAuthClientCredentialsOptions } from "./auth.js";
export { ApiError, AuthenticationError, BadRequestError, ConflictError, ConnectionFailedError, DeleteError, errorClassForStatus, NotFoundError, OAuthError, PermissionDeniedError, PygenError, RateLimitError, RequestTimeoutError, ServerError, UnprocessableEntityError, UpsertError, type ApiErrorInit, type ErrorIdentifier, type FailedItem, } from "./errors.js";
export { and, And, BooleanProperty, ContainsAll, ContainsAny, DateProperty, DirectRelationListProperty, DirectRelationProperty, edgeFields, EnumProperty, Equals, Exists, Filter, HasData, In, InstanceReferences, JsonProperty, ListProperty, MatchAll, MAX_FILTER_VALUES, MAX_SORT, Nested, nodeFields, not, Not, NumberProperty, or, Or, Overlaps, Prefix, PropertyBase, Range, RawFilter, Sort, TextProperty, TimestampProperty, viewPropertyRef, type FilterJson, type FilterValue, type ParameterRef, type PropertyRef, type PropertyValueRef, type RangeBounds, type SortJson, } from "./filters.js";
export { EdgeApi, InstanceClient, MAX_PAGE, MAX_WRITE_ITEMS, NodeApi, toNodeId, UpsertResult, ViewApi, type AggregateGroup, type AggregateOptions, type AggregateValue, type Aggregation, type ApplyItem, type Bucket, type DeleteResult, type InstanceClientOptions, type InstanceResult, type ListOptions, type Page, type PropertyName, type ReadOptions, type RetrieveResult, type SearchOptions, type SortArg, type UpsertOptions, } from "./instances.js";
export { JsonSyntaxError, parseJson, stringifyJson, type JsonObject, type JsonValue } from "./json.js";
export { DEFAULT_RETRY_POLICY, DEFAULT_RETRY_STATUSES, type RetryPolicy } from "./retry.js";
export { DEFAULT_LIMITS, HttpClient, VERSION, type ClientOptions, type ConcurrencyLimits, type HttpResponse, type QueryParams, type RequestOptions, } from "./transport.js";
export { formatId, type ContainerId, type Edge, type EdgeId, type EdgeWrite, type FetchInit, type FetchLike, type InstanceId, type Node, type NodeId, type NodeIdLike, type NodeWrite, type Properties, type PropertyValue, type ResponseLike, type Sleep, type ViewId, } from "./types.js";
