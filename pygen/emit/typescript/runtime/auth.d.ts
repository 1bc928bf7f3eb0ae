import { type RetryPolicy } from "./retry.js";
import type { FetchLike, Sleep } from "./types.js";
/** What the transport hands to credentials: where the request goes, and the injected platform pieces. */
export interface AuthContext {
    /** The base URL of the cluster (e.g. `https://api.cognitedata.com`). */
    readonly baseUrl: string;
    readonly fetch: FetchLike;
    readonly sleep: Sleep;
    readonly random: () => number;
    readonly retry: RetryPolicy;
    /** Per-attempt timeout of a token request, in ms. */
    readonly timeoutMs: number;
    readonly signal?: AbortSignal | undefined;
}
/** Anything that authenticates requests; implement it to plug in another token source. */
export interface Credentials {
    /** The `Authorization` header value for a request (e.g. `"Bearer eyJ..."`). */
    authorize(ctx: AuthContext): Promise<string>;
    /**
     * CDF answered 401 to a request sent with `rejected`: forget it. Returns whether a retry with fresh
     * credentials may succeed (false for a static token).
     */
    invalidate(rejected: string): boolean;
}
/**
 * A fixed bearer token, e.g. one your application already obtained, or the emulator's `--token`.
 *
 * @example
 * const client = new HttpClient({ project: "my-project", credentials: new Token("eyJ0eXAi...") });
 */
export declare class Token implements Credentials {
    #private;
    constructor(token: string);
    authorize(): Promise<string>;
    invalidate(): boolean;
    toString(): string;
}
/** Options of {@link OAuthClientCredentials}. */
export interface OAuthClientCredentialsOptions {
    clientId: string;
    clientSecret: string;
    /** The IdP's token endpoint. Give this or `tenantId`. */
    tokenUrl?: string;
    /** Entra ID tenant (GUID or domain): the token URL is `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`. */
    tenantId?: string;
    /** Scopes; default `["<base URL>/.default"]` of the cluster called. */
    scopes?: readonly string[];
    /** Sent as `audience` for IdPs that need it (e.g. Auth0). */
    audience?: string;
    /** Refresh this long before expiry (at most half the lifetime). Default 30 s. */
    refreshMarginMs?: number;
    /** The clock (ms); injectable for tests. Default `Date.now`. */
    now?: () => number;
}
/**
 * OAuth 2.0 client credentials grant, with caching and refresh before expiry.
 *
 * Tokens are cached per scope and refreshed `refreshMarginMs` before they expire; concurrent callers
 * with an expired token share one token request. After a 401 the token is dropped and fetched again.
 *
 * @example
 * const credentials = new OAuthClientCredentials({ clientId, clientSecret, tenantId: "contoso.onmicrosoft.com" });
 * const client = new HttpClient({ cluster: "westeurope-1", project: "my-project", credentials });
 */
export declare class OAuthClientCredentials implements Credentials {
    #private;
    readonly clientId: string;
    readonly tokenUrl: string;
    readonly scopes: readonly string[] | undefined;
    readonly audience: string | undefined;
    /** How many token requests were sent (for diagnostics and tests). */
    tokenRequests: number;
    constructor(options: OAuthClientCredentialsOptions);
    authorize(ctx: AuthContext): Promise<string>;
    invalidate(rejected: string): boolean;
    toString(): string;
}
