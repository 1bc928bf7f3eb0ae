import { describe, expect, it } from "vitest";
import { AuthenticationError, OAuthClientCredentials, OAuthError, Token } from "../../pygen/ts_runtime/index.js";
import { cdfError, deferred, fakeFetch, json, testClient, type Call } from "./helpers.js";

const TOKEN_URL = "https://idp.test/oauth2/token";

/** An IdP issuing tok-1, tok-2, ... and an API accepting only the `valid` tokens. */
function idpAndApi(options: { expiresIn?: unknown; valid?: (token: string) => boolean; tokenDelay?: Promise<void> } = {}) {
  let issued = 0;
  const apiCalls: string[] = [];
  const fetch = fakeFetch(async (call: Call) => {
    if (call.url === TOKEN_URL) {
      await options.tokenDelay;
      issued++;
      return json(200, { access_token: `tok-${issued}`, token_type: "Bearer", ...("expiresIn" in options ? { expires_in: options.expiresIn } : { expires_in: 100 }) });
    }
    const header = call.init.headers["authorization"] ?? "";
    apiCalls.push(header);
    const valid = options.valid ?? (() => true);
    return valid(header.replace(/^Bearer /, "")) ? json(200, { items: [] }) : cdfError(401, "Unauthorized");
  });
  return {
    fetch,
    apiCalls,
    get issued() {
      return issued;
    },
    tokenCalls: () => fetch.calls.filter((c) => c.url === TOKEN_URL),
  };
}

describe("Token", () => {
  it("sends the static token and does not retry a 401", async () => {
    const fetch = fakeFetch(() => cdfError(401, "Unauthorized"));
    const error = await testClient(fetch, { credentials: new Token("static") })
      .get("/models/spaces")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/token was rejected/);
    expect(fetch.calls).toHaveLength(1);
    expect(fetch.calls[0]?.init.headers["authorization"]).toBe("Bearer static");
  });

  it.each(["", "  ", "a b", "Bearer x", "a\nb"])("rejects %j", (token) => {
    expect(() => new Token(token)).toThrow(TypeError);
  });

  it("does not show the token", () => {
    expect(String(new Token("secret-value"))).not.toContain("secret");
  });
});

describe("OAuthClientCredentials", () => {
  it("requests a token with the client credentials grant and the default scope of the base URL", async () => {
    const server = idpAndApi();
    const credentials = new OAuthClientCredentials({ clientId: "id", clientSecret: "s3cret", tokenUrl: TOKEN_URL, audience: "aud" });
    await testClient(server.fetch, { credentials, baseUrl: "https://westeurope-1.cognitedata.com" }).get("/models/spaces");
    const [tokenCall] = server.tokenCalls();
    expect(tokenCall?.init.method).toBe("POST");
    expect(tokenCall?.init.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(tokenCall?.init.body))).toEqual({
      grant_type: "client_credentials",
      client_id: "id",
      client_secret: "s3cret",
      scope: "https://westeurope-1.cognitedata.com/.default",
      audience: "aud",
    });
    expect(server.apiCalls).toEqual(["Bearer tok-1"]);
    expect(String(credentials)).not.toContain("s3cret");
  });

  it("uses the Entra ID token URL of a tenant and explicit scopes", async () => {
    const credentials = new OAuthClientCredentials({ clientId: "id", clientSecret: "s", tenantId: "contoso.onmicrosoft.com", scopes: ["a/.default", "b"] });
    expect(credentials.tokenUrl).toBe("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
    const fetch = fakeFetch(() => json(200, { access_token: "x", expires_in: 60 }));
    await credentials.authorize({ baseUrl: "https://api.cognitedata.com", fetch, sleep: async () => {}, random: () => 0, retry: { maxRetries: 0, backoffBaseMs: 0, backoffMaxMs: 0, retryAfterMaxMs: 0, statuses: new Set() }, timeoutMs: 1000 });
    expect(new URLSearchParams(fetch.calls[0]?.init.body).get("scope")).toBe("a/.default b");
  });

  it.each([
    [{ clientId: "", clientSecret: "s", tokenUrl: TOKEN_URL }, /clientId/],
    [{ clientId: "i", clientSecret: "", tokenUrl: TOKEN_URL }, /clientSecret/],
    [{ clientId: "i", clientSecret: "s" }, /exactly one of tokenUrl and tenantId/],
    [{ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL, tenantId: "t" }, /exactly one/],
    [{ clientId: "i", clientSecret: "s", tenantId: "../evil" }, /invalid tenantId/],
    [{ clientId: "i", clientSecret: "s", tokenUrl: "file:///etc/passwd" }, /not an http\(s\) URL/],
    [{ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL, scopes: [] }, /scopes/],
    [{ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL, refreshMarginMs: -1 }, /refreshMarginMs/],
  ])("rejects bad options %j", (options, message) => {
    expect(() => new OAuthClientCredentials(options)).toThrow(message);
  });

  it("caches the token and refreshes it before expiry (fake clock)", async () => {
    let now = 0;
    const server = idpAndApi({ expiresIn: 100 });
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL, refreshMarginMs: 30_000, now: () => now });
    const http = testClient(server.fetch, { credentials });
    await http.get("/models/spaces");
    now = 69_999; // 100 s lifetime - 30 s margin: still fresh
    await http.get("/models/spaces");
    expect(server.issued).toBe(1);
    now = 70_000;
    await http.get("/models/spaces");
    expect(server.issued).toBe(2);
    expect(server.apiCalls).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
  });

  it("refreshes at half the lifetime when the margin is longer than that", async () => {
    let now = 0;
    const server = idpAndApi({ expiresIn: "40" }); // a numeric string, as some IdPs send
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL, refreshMarginMs: 30_000, now: () => now });
    const http = testClient(server.fetch, { credentials });
    await http.get("/models/spaces");
    now = 19_999;
    await http.get("/models/spaces");
    now = 20_000;
    await http.get("/models/spaces");
    expect(server.issued).toBe(2);
  });

  it("assumes an hour when expires_in is missing or unusable", async () => {
    let now = 0;
    const server = idpAndApi({ expiresIn: "soon" });
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL, now: () => now });
    const http = testClient(server.fetch, { credentials });
    await http.get("/models/spaces");
    now = 3_500_000;
    await http.get("/models/spaces");
    expect(server.issued).toBe(1);
    now = 3_570_000;
    await http.get("/models/spaces");
    expect(server.issued).toBe(2);
  });

  it("refreshes once on a 401 and retries the request", async () => {
    const server = idpAndApi({ valid: (token) => token !== "tok-1" });
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL });
    const response = await testClient(server.fetch, { credentials }).get("/models/spaces");
    expect(response.status).toBe(200);
    expect(server.issued).toBe(2);
    expect(server.apiCalls).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("a second 401 is an AuthenticationError (no loop)", async () => {
    const server = idpAndApi({ valid: () => false });
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL });
    const error = await testClient(server.fetch, { credentials })
      .get("/models/spaces")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(server.issued).toBe(2);
    expect(server.apiCalls).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("concurrent callers share one token request", async () => {
    const gate = deferred();
    const server = idpAndApi({ tokenDelay: gate.promise });
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL });
    const http = testClient(server.fetch, { credentials });
    const requests = Array.from({ length: 20 }, () => http.get("/models/spaces"));
    await new Promise((r) => setTimeout(r, 5));
    gate.resolve();
    await Promise.all(requests);
    expect(server.tokenCalls()).toHaveLength(1);
    expect(new Set(server.apiCalls)).toEqual(new Set(["Bearer tok-1"]));
  });

  it("concurrent 401s with the same stale token cause one refresh", async () => {
    const server = idpAndApi({ valid: (token) => token !== "tok-1" });
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL });
    const http = testClient(server.fetch, { credentials });
    await Promise.all(Array.from({ length: 10 }, () => http.get("/models/spaces")));
    expect(server.issued).toBe(2);
  });

  it("an IdP refusal is an OAuthError with the RFC 6749 fields", async () => {
    const fetch = fakeFetch(() => json(401, { error: "invalid_client", error_description: "bad secret" }));
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL });
    const error = await testClient(fetch, { credentials })
      .get("/models/spaces")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ status: 401, error: "invalid_client", errorDescription: "bad secret", tokenUrl: TOKEN_URL });
    expect(fetch.calls).toHaveLength(1); // the API was never called
  });

  it("a token response without access_token is an OAuthError", async () => {
    const fetch = fakeFetch(() => json(200, { token_type: "Bearer" }));
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL });
    await expect(testClient(fetch, { credentials }).get("/models/spaces")).rejects.toThrow(/no access_token/);
  });

  it("retries token requests on network errors and 5xx, then gives up with an OAuthError", async () => {
    let calls = 0;
    const flaky = fakeFetch((call) => {
      if (call.url !== TOKEN_URL) return json(200, {});
      calls++;
      if (calls === 1) throw new TypeError("fetch failed");
      if (calls === 2) return json(503, {});
      return json(200, { access_token: "ok", expires_in: 60 });
    });
    const credentials = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL });
    await testClient(flaky, { credentials }).get("/models/spaces");
    expect(calls).toBe(3);

    const down = fakeFetch(() => {
      throw new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") });
    });
    const other = new OAuthClientCredentials({ clientId: "i", clientSecret: "s", tokenUrl: TOKEN_URL });
    const error = await testClient(down, { credentials: other })
      .get("/models/spaces")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(down.calls).toHaveLength(4);
  });
});
