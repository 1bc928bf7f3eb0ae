/** The runtime's packaging contract: self-contained sources, a curated public surface, the version. */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as runtime from "../../pygen/ts_runtime/index.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RUNTIME = join(REPO, "pygen/ts_runtime");
const sources = readdirSync(RUNTIME).filter((f) => f.endsWith(".ts"));

describe("runtime sources", () => {
  it("are the expected small modules", () => {
    expect(sources.sort()).toEqual([
      "auth.ts",
      "datapoints.ts",
      "errors.ts",
      "files.ts",
      "filters.ts",
      "index.ts",
      "items.ts",
      "json.ts",
      "query.ts",
      "reads.ts",
      "retry.ts",
      "transport.ts",
      "types.ts",
      "views.ts",
      "writes.ts",
    ]);
  });

  it.each(sources)("%s imports only sibling modules, with .js specifiers (no npm or node: dependencies)", (file) => {
    const text = readFileSync(join(RUNTIME, file), "utf8");
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]);
    expect(specifiers.length > 0 || file === "json.ts" || file === "retry.ts").toBe(true);
    for (const specifier of specifiers) expect(specifier).toMatch(/^\.\/[a-z]+\.js$/);
    expect(text).not.toMatch(/\brequire\(|\bimport\(|\bprocess\.|\bBuffer\b/);
  });

  it("has no build output next to it", () => {
    expect(readdirSync(RUNTIME).filter((f) => /\.(js|mjs|cjs|d\.ts|map)$/.test(f))).toEqual([]);
  });

  it("sends the pygen version (pygen/_version.py) in x-cdp-sdk", () => {
    const python = readFileSync(join(REPO, "pygen/_version.py"), "utf8");
    const version = /__version__\s*=\s*"([^"]+)"/.exec(python)?.[1];
    expect(runtime.VERSION).toBe(version);
  });
});

describe("public surface (index.ts)", () => {
  it("exports the documented names", () => {
    expect(Object.keys(runtime).sort()).toEqual(
      [
        "AGGREGATES",
        "AggregateDatapoints",
        "And",
        "ApiError",
        "AuthenticationError",
        "BadRequestError",
        "BooleanProperty",
        "ConflictError",
        "ConnectionFailedError",
        "ContainsAll",
        "ContainsAny",
        "Datapoints",
        "DatapointsApi",
        "DatapointsError",
        "DatapointsList",
        "DEFAULT_LIMITS",
        "DEFAULT_RETRY_POLICY",
        "DEFAULT_RETRY_STATUSES",
        "DateProperty",
        "DeleteError",
        "DirectRelationListProperty",
        "DirectRelationProperty",
        "EdgeApi",
        "EnumProperty",
        "Equals",
        "Exists",
        "FileNodeApi",
        "FilesApi",
        "Filter",
        "GraphHop",
        "GraphQuery",
        "GraphResult",
        "HasData",
        "HttpClient",
        "In",
        "InstanceClient",
        "InstanceReferences",
        "JsonProperty",
        "JsonSyntaxError",
        "ListProperty",
        "MAX_FILTER_VALUES",
        "MAX_PAGE",
        "MAX_QUERY_LIMIT",
        "MAX_SORT",
        "MAX_WRITE_ITEMS",
        "MatchAll",
        "Nested",
        "NodeApi",
        "Not",
        "NotFoundError",
        "NumberProperty",
        "NumericDatapoints",
        "OAuthClientCredentials",
        "OAuthError",
        "Or",
        "Overlaps",
        "PermissionDeniedError",
        "Prefix",
        "PropertyBase",
        "PygenError",
        "Range",
        "RateLimitError",
        "RawFilter",
        "RequestTimeoutError",
        "ServerError",
        "Sort",
        "StringDatapoints",
        "TextProperty",
        "TimeSeriesNodeApi",
        "TimestampProperty",
        "Token",
        "UnprocessableEntityError",
        "UpsertError",
        "UpsertResult",
        "VERSION",
        "ViewApi",
        "and",
        "edgeFields",
        "errorClassForStatus",
        "fileRef",
        "formatId",
        "nodeFields",
        "not",
        "or",
        "parseJson",
        "stringifyJson",
        "timeSeriesRef",
        "toEpochMs",
        "toNodeId",
        "viewPropertyRef",
        "whereFilter",
      ].sort(),
    );
  });

  it("every error is a PygenError with its own name", () => {
    const errors = [
      new runtime.BadRequestError("m", { status: 400 }),
      new runtime.ServerError("m", { status: 503 }),
      new runtime.ConnectionFailedError("m", { attempts: 1 }),
      new runtime.OAuthError("m"),
      new runtime.UpsertError({}, [], 0),
      new runtime.DeleteError({}, []),
      new runtime.DatapointsError([], 0),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(runtime.PygenError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(error.constructor.name);
    }
    expect(runtime.errorClassForStatus(599)).toBe(runtime.ServerError);
    expect(runtime.errorClassForStatus(418)).toBe(runtime.ApiError);
  });
});
