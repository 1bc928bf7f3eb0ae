/**
 * Credentials: a static token and OAuth 2.0 client credentials.
 *
 * The transport asks its credentials for an `Authorization` header before every attempt and tells them
 * when CDF rejected one (401); refreshable credentials then drop that token, and the transport retries
 * the request once with a fresh one.
 */
import { OAuthError } from "./errors.js";
import { parseJson } from "./json.js";
import { retryDelay, type RetryPolicy } from "./retry.js";
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
export class Token implements Credentials {
  readonly #header: string;
  constructor(token: string) {
    if (typeof token !== "string" || token.trim() === "") {
      throw new TypeError("Token(token): the token must be a non-empty string");
    }
    if (/[\s\x00-\x1f]/.test(token.trim())) {
      throw new TypeError(
        "Token(token): the token contains whitespace or control characters (pass the token alone, without 'Bearer ')",
      );
    }
    this.#header = `Bearer ${token.trim()}`;
  }
  authorize(): Promise<string> {
    return Promise.resolve(this.#header);
  }
  invalidate(): boolean {
    return false;
  }
  toString(): string {
    return "Token(***)";
  }
}

/** Options of {@link OAuthClientCredentials}. */
export interface OAuthClientCredentialsOptions {
  clientId: string;
  clientSecret: string;
  /** The IdP's token endpoint. Give this or `tenantId`. */
  tokenUrl?: string;
  /**
   * Entra ID tenant (GUID or domain): the token URL is
   * `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`.
   */
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

interface CachedToken {
  header: string;
  refreshAt: number;
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;
/** Lifetime assumed when the IdP omits a usable `expires_in` (optional in RFC 6749); a 401 still refreshes. */
const DEFAULT_LIFETIME_MS = 3_600_000;
/** Token requests are retried at most this often (network errors, 429, 5xx), whatever the API policy says. */
const TOKEN_RETRIES = 3;

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
export class OAuthClientCredentials implements Credentials {
  readonly clientId: string;
  readonly tokenUrl: string;
  readonly scopes: readonly string[] | undefined;
  readonly audience: string | undefined;
  readonly #secret: string;
  readonly #margin: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, CachedToken>();
  readonly #inFlight = new Map<string, Promise<string>>();
  #tokenRequests = 0;

  constructor(options: OAuthClientCredentialsOptions) {
    const { clientId, clientSecret, tokenUrl, tenantId, scopes, audience } = options;
    if (typeof clientId !== "string" || clientId === "") {
      throw new TypeError("OAuthClientCredentials: clientId must be a non-empty string");
    }
    if (typeof clientSecret !== "string" || clientSecret === "") {
      throw new TypeError("OAuthClientCredentials: clientSecret must be a non-empty string");
    }
    if ((tokenUrl === undefined) === (tenantId === undefined)) {
      throw new TypeError("OAuthClientCredentials: give exactly one of tokenUrl and tenantId");
    }
    if (tenantId !== undefined) {
      if (!TENANT.test(tenantId)) {
        throw new TypeError(`OAuthClientCredentials: invalid tenantId ${JSON.stringify(tenantId)}`);
      }
      this.tokenUrl = `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`;
    } else {
      try {
        const url = new URL(tokenUrl as string);
        if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError("not http(s)");
      } catch {
        throw new TypeError(`OAuthClientCredentials: tokenUrl is not an http(s) URL: ${JSON.stringify(tokenUrl)}`);
      }
      this.tokenUrl = tokenUrl as string;
    }
    if (scopes !== undefined && (scopes.length === 0 || scopes.some((s) => typeof s !== "string" || s === ""))) {
      throw new TypeError("OAuthClientCredentials: scopes must be a non-empty list of non-empty strings");
    }
    const margin = options.refreshMarginMs ?? 30_000;
    if (!(margin >= 0) || !Number.isFinite(margin)) {
      throw new RangeError(`OAuthClientCredentials: refreshMarginMs must be >= 0, got ${String(margin)}`);
    }
    this.clientId = clientId;
    this.scopes = scopes === undefined ? undefined : [...scopes];
    this.audience = audience;
    this.#secret = clientSecret;
    this.#margin = margin;
    this.#now = options.now ?? Date.now;
  }

  /** How many token requests were sent (for diagnostics and tests). */
  get tokenRequests(): number {
    return this.#tokenRequests;
  }

  authorize(ctx: AuthContext): Promise<string> {
    const scope = (this.scopes ?? [`${new URL(ctx.baseUrl).origin}/.default`]).join(" ");
    const cached = this.#cache.get(scope);
    if (cached !== undefined && this.#now() < cached.refreshAt) return Promise.resolve(cached.header);
    let pending = this.#inFlight.get(scope);
    if (pending === undefined) {
      // The request is shared by every caller waiting for this scope, so one caller's abort signal must
      // not cancel it for the others (it has its own timeout).
      pending = this.#fetchToken(scope, { ...ctx, signal: undefined }).finally(() => this.#inFlight.delete(scope));
      this.#inFlight.set(scope, pending);
    }
    return pending;
  }

  invalidate(rejected: string): boolean {
    for (const [scope, cached] of this.#cache) {
      if (cached.header === rejected) this.#cache.delete(scope);
    }
    return true;
  }

  toString(): string {
    return `OAuthClientCredentials(clientId=${this.clientId}, tokenUrl=${this.tokenUrl})`;
  }

  async #fetchToken(scope: string, ctx: AuthContext): Promise<string> {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: this.clientId,
      client_secret: this.#secret,
      scope,
    });
    if (this.audience !== undefined) form.set("audience", this.audience);
    const retries = Math.min(TOKEN_RETRIES, ctx.retry.maxRetries);
    for (let attempt = 0; ; attempt++) {
      this.#tokenRequests++;
      let status: number;
      let text: string;
      try {
        ({ status, text } = await this.#post(form, ctx));
      } catch (error) {
        if (ctx.signal?.aborted) throw error;
        if (attempt < retries) {
          await ctx.sleep(retryDelay(attempt, ctx.retry, undefined, ctx.random), ctx.signal);
          continue;
        }
        throw new OAuthError(`token request to ${this.tokenUrl} failed: ${describe(error)}`, {
          tokenUrl: this.tokenUrl,
          cause: error,
        });
      }
      if ((status === 429 || status >= 500) && attempt < retries) {
        await ctx.sleep(retryDelay(attempt, ctx.retry, undefined, ctx.random), ctx.signal);
        continue;
      }
      return this.#accept(scope, status, text);
    }
  }

  async #post(form: URLSearchParams, ctx: AuthContext): Promise<{ status: number; text: string }> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(ctx.signal?.reason);
    ctx.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${ctx.timeoutMs} ms`)), ctx.timeoutMs);
    try {
      const response = await ctx.fetch(this.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        signal: controller.signal,
      });
      return { status: response.status, text: await response.text() };
    } finally {
      clearTimeout(timer);
      ctx.signal?.removeEventListener("abort", onAbort);
    }
  }

  #accept(scope: string, status: number, text: string): string {
    let body: unknown;
    try {
      body = parseJson(text);
    } catch {
      body = undefined;
    }
    const record =
      typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    if (status < 200 || status > 299) {
      const error = typeof record["error"] === "string" ? record["error"] : undefined;
      const description = typeof record["error_description"] === "string" ? record["error_description"] : undefined;
      const detail =
        [error, description].filter((x) => x !== undefined).join(": ") || text.slice(0, 200) || "no details";
      throw new OAuthError(`the identity provider refused a token (${status} from ${this.tokenUrl}): ${detail}`, {
        status,
        ...(error === undefined ? {} : { error }),
        ...(description === undefined ? {} : { errorDescription: description }),
        tokenUrl: this.tokenUrl,
      });
    }
    const token = record["access_token"];
    if (typeof token !== "string" || token === "") {
      throw new OAuthError(`the token response from ${this.tokenUrl} has no access_token`, {
        status,
        tokenUrl: this.tokenUrl,
      });
    }
    const lifetime = lifetimeMs(record["expires_in"]);
    const header = `Bearer ${token}`;
    this.#cache.set(scope, { header, refreshAt: this.#now() + lifetime - Math.min(this.#margin, lifetime / 2) });
    return header;
  }
}

/** Milliseconds a token lives: `expires_in` (seconds) as a number or numeric string, else a default. */
function lifetimeMs(expiresIn: unknown): number {
  const seconds = typeof expiresIn === "number" ? expiresIn : typeof expiresIn === "string" ? Number(expiresIn) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_LIFETIME_MS;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
