/**
 * Which service the TypeScript end-to-end tests talk to: `pygen emulator` (the default) or the CDF project named
 * by the `PYGEN_TEST_CDF_*` variables, the same ones tests/cdf_target.py reads for the Python suites:
 *
 * - `PYGEN_TEST_CDF_BASE_URL` (`https://<cluster>.cognitedata.com`) and `PYGEN_TEST_CDF_PROJECT`;
 * - `PYGEN_TEST_CDF_TOKEN` (a bearer token), or the client-credentials flow with `PYGEN_TEST_CDF_CLIENT_ID`,
 *   `_CLIENT_SECRET`, `_TOKEN_URL` and `_SCOPES` (space-separated).
 *
 * Against a target, a run keeps everything in spaces whose names start with its random `run` prefix: the copies
 * of the models the generated SDKs are built from (see {@link rewriteSpaces}, {@link deployModel}) and every
 * space a test creates. The global teardown deletes them all ({@link deleteRunSpaces}), and
 * {@link checkOwnSpace} refuses a destructive step anywhere else.
 *
 * Plain Node and the runtime only (no vitest): vitest.config.ts and global-setup.ts use it in the main process.
 */
import { randomBytes } from "node:crypto";
import { HttpClient, OAuthClientCredentials, Token, type Credentials, type JsonValue } from "../../pygen/ts_runtime/index.js";

export const PREFIX = "PYGEN_TEST_CDF_";

/** A CDF project (or a `pygen emulator` reached over HTTP) named by the environment. */
export interface CdfTarget {
  baseUrl: string;
  project: string;
  token?: string;
  oauth?: OAuthSettings;
}

/** Client-credentials settings: the target's, or the emulator's own token endpoint. */
export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  scopes?: string[];
}

/**
 * What global-setup.ts provides to the tests (`inject("target")`, see helpers.ts).
 *
 * `kind` is `"emulator"` for the default run (the global emulator; graph query files start their own ones with
 * the models loaded) and `"cdf"` when the variables name a target. `spaces` maps each space of the model
 * snapshots (`cdf_cdm`, `sp_pygen_models`, ...) to the space it lives in here: itself on the emulator, a space
 * of the run on a target.
 */
export interface TargetInfo {
  kind: "emulator" | "cdf";
  baseUrl: string;
  project: string;
  /** The bearer token to send; undefined when only client credentials are given. */
  token?: string;
  /** Client credentials that work here (the emulator's, or the target's when configured). */
  oauth?: OAuthSettings;
  /** Every space of this run starts with `${run}_`. */
  run: string;
  spaces: Record<string, string>;
}

/**
 * The target the environment names, or undefined (then the tests use the emulator). A partial configuration
 * is an error, not a silent fallback to the emulator (as in tests/cdf_target.py).
 */
export function cdfTarget(env: Record<string, string | undefined> = process.env): CdfTarget | undefined {
  const get = (name: string): string | undefined => env[PREFIX + name] || undefined;
  const given = Object.keys(env)
    .filter((key) => key.startsWith(PREFIX) && env[key])
    .sort();
  if (given.length === 0) return undefined;
  const [baseUrl, project, token] = [get("BASE_URL"), get("PROJECT"), get("TOKEN")];
  const [clientId, clientSecret, tokenUrl, scopes] = ["CLIENT_ID", "CLIENT_SECRET", "TOKEN_URL", "SCOPES"].map(get);
  const flow = clientId !== undefined && clientSecret !== undefined && tokenUrl !== undefined && scopes !== undefined;
  if (baseUrl === undefined || project === undefined || (token === undefined && !flow)) {
    throw new Error(
      `${given.join(", ")} set, but a CDF target needs ${PREFIX}BASE_URL, ${PREFIX}PROJECT and either ` +
        `${PREFIX}TOKEN or ${PREFIX}CLIENT_ID, _CLIENT_SECRET, _TOKEN_URL and _SCOPES`,
    );
  }
  return {
    baseUrl: baseUrl.replace(/\/+$/, ""),
    project,
    ...(token === undefined ? {} : { token }),
    ...(flow ? { oauth: { clientId, clientSecret, tokenUrl, scopes: scopes.split(/[\s,]+/).filter((s) => s !== "") } } : {}),
  };
}

/** The runtime credentials for `info`: its token, else its client credentials. */
export function credentialsOf(info: Pick<TargetInfo, "token" | "oauth">): Credentials {
  if (info.token !== undefined) return new Token(info.token);
  if (info.oauth !== undefined) return new OAuthClientCredentials(info.oauth);
  throw new Error("the target has neither a token nor client credentials");
}

/** A bearer token for `info` (for clients that take a token provider, like @cognite/sdk). */
export async function bearer(info: Pick<TargetInfo, "token" | "oauth">): Promise<string> {
  if (info.token !== undefined) return info.token;
  const oauth = info.oauth;
  if (oauth === undefined) throw new Error("the target has neither a token nor client credentials");
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: oauth.clientId, client_secret: oauth.clientSecret });
  if (oauth.scopes !== undefined) form.set("scope", oauth.scopes.join(" "));
  const response = await fetch(oauth.tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
  const text = await response.text();
  if (!response.ok) throw new Error(`token request to ${oauth.tokenUrl} failed with ${response.status}: ${text.slice(0, 300)}`);
  return String((JSON.parse(text) as { access_token: unknown }).access_token);
}

/** A runtime HttpClient on `info` (generous retries: schema set-up and cleanup must not fail on a hiccup). */
export function targetClient(info: Pick<TargetInfo, "baseUrl" | "project" | "token" | "oauth">): HttpClient {
  return new HttpClient({ project: info.project, baseUrl: info.baseUrl, credentials: credentialsOf(info), clientName: "pygen-ts-tests", timeoutMs: 120_000 });
}

/** A fresh run prefix: `pgts` and 8 hex digits (a space id must start with a letter; `cdf`... names are reserved). */
export function newRun(): string {
  return `pgts${randomBytes(4).toString("hex")}`;
}

/** Refuse a destructive step (deleting instances, schema or the space) in a space this run did not create. */
export function checkOwnSpace(space: string, run: string): void {
  if (!space.startsWith(`${run}_`)) {
    throw new Error(`refusing to delete in space ${JSON.stringify(space)}: this test run did not create it (its spaces start with ${run}_)`);
  }
}

// ------------------------------------------------------------------------------------------ models

type Json = Record<string, any>;

/** Every string value equal to a key of `spaces` replaced by its value (space ids, and the first part of property paths). */
export function rewriteSpaces<T>(value: T, spaces: Record<string, string>): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return Object.hasOwn(spaces, node) ? spaces[node] : node;
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === "object" && node !== null) return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, walk(inner)]));
    return node;
  };
  return walk(value) as T;
}

/** The spaces a model snapshot uses (its own, its views', their containers'). */
export function modelSpaces(model: Json): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === "object" && node !== null) {
      for (const [key, inner] of Object.entries(node)) {
        if (key === "space" && typeof inner === "string") found.add(inner);
        else walk(inner);
      }
    }
  };
  walk(model);
  return [...found].sort();
}

const viewKey = (view: Json): string => `${view["space"]}:${view["externalId"]}/${view["version"]}`;
const pick = (object: Json, keys: string[]): Json => Object.fromEntries(keys.filter((key) => object[key] !== undefined && object[key] !== null).map((key) => [key, object[key]]));

/** Whether a snapshot property is just the one it inherits (snapshots carry inherited properties inline). */
function sameProperty(parent: Json, prop: Json): boolean {
  if ("container" in prop || "container" in parent) {
    const hint = (p: Json): string => JSON.stringify(p["source"] ?? p["type"]?.["source"] ?? null);
    return (
      JSON.stringify(prop["container"]) === JSON.stringify(parent["container"]) &&
      prop["containerPropertyIdentifier"] === parent["containerPropertyIdentifier"] &&
      hint(prop) === hint(parent) &&
      prop["name"] === parent["name"] &&
      prop["description"] === parent["description"]
    );
  }
  return prop["connectionType"] === parent["connectionType"] && JSON.stringify(prop["source"]) === JSON.stringify(parent["source"]);
}

/**
 * The create requests of a model snapshot (DMS read JSON, views inline), as `pygen emulator --model-file` loads
 * it: its spaces, the containers derived from the mapped properties, the views (own properties only, in write
 * shape) and the data model.
 */
export function modelRequests(model: Json): { spaces: Json[]; containers: Json[]; views: Json[]; dataModel: Json } {
  const views: Json[] = (model["views"] as Json[]).filter((view) => typeof view === "object" && "properties" in view);
  const containers = new Map<string, Json>();
  for (const view of views) {
    const usedFor = view["usedFor"] ?? "node";
    for (const prop of Object.values(view["properties"] as Record<string, Json>)) {
      if (prop["container"] === undefined) continue;
      const { space, externalId } = prop["container"];
      const key = `${space}:${externalId}`;
      const container = containers.get(key) ?? { space, externalId, usedFor, properties: {} };
      containers.set(key, container);
      if (container["usedFor"] !== usedFor) container["usedFor"] = "all";
      const { source: _source, ...type } = prop["type"] as Json;
      container["properties"][prop["containerPropertyIdentifier"]] ??= {
        type,
        nullable: prop["nullable"] ?? true,
        immutable: prop["immutable"] ?? false,
        autoIncrement: prop["autoIncrement"] ?? false,
        ...(prop["defaultValue"] === undefined || prop["defaultValue"] === null ? {} : { defaultValue: prop["defaultValue"] }),
      };
    }
  }
  const byKey = new Map(views.map((view) => [viewKey(view), view]));
  const writeViews = views.map((view) => {
    const inherited: Record<string, Json> = {};
    for (const parent of (view["implements"] ?? []) as Json[]) Object.assign(inherited, byKey.get(viewKey(parent))?.["properties"] ?? {});
    const properties: Json = {};
    for (const [id, prop] of Object.entries(view["properties"] as Record<string, Json>)) {
      const parent = inherited[id];
      if (parent !== undefined && sameProperty(parent, prop)) continue;
      if (prop["container"] !== undefined) {
        const source = prop["source"] ?? prop["type"]?.["source"];
        properties[id] = { ...pick(prop, ["container", "containerPropertyIdentifier", "name", "description"]), ...(source ? { source } : {}) };
      } else {
        properties[id] = pick(prop, ["connectionType", "type", "source", "edgeSource", "direction", "through", "name", "description"]);
      }
    }
    const parents = ((view["implements"] ?? []) as Json[]).map((ref) => ({ type: "view", space: ref["space"], externalId: ref["externalId"], version: ref["version"] }));
    return { ...pick(view, ["space", "externalId", "version", "name", "description", "filter"]), implements: parents, properties };
  });
  const refs = (model["views"] as Json[]).map((view) => ({ type: "view", space: view["space"], externalId: view["externalId"], version: view["version"] }));
  return {
    spaces: modelSpaces(model).map((space) => ({ space, name: `pygen TypeScript tests: ${model["externalId"]}` })),
    containers: [...containers.values()],
    views: writeViews,
    dataModel: { ...pick(model, ["space", "externalId", "version", "name", "description"]), views: refs },
  };
}

/** Creates a model snapshot's spaces, containers, views and data model on the target. */
export async function deployModel(http: HttpClient, model: Json): Promise<void> {
  const { spaces, containers, views, dataModel } = modelRequests(model);
  await http.post("/models/spaces", { items: spaces });
  for (let i = 0; i < containers.length; i += 100) await http.post("/models/containers", { items: containers.slice(i, i + 100) });
  // One request: views may implement, or point at, views later in the list.
  await http.post("/models/views", { items: views });
  await http.post("/models/datamodels", { items: [dataModel] });
}

// ------------------------------------------------------------------------------------------ cleanup

async function getAll(http: HttpClient, path: string, params: Record<string, string | number | boolean> = {}): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | undefined;
  do {
    const page = (await http.get(path, { params: { limit: 1000, ...params, ...(cursor === undefined ? {} : { cursor }) } })).json() as Json;
    items.push(...(page["items"] as Json[]));
    cursor = page["nextCursor"] ?? undefined;
  } while (cursor !== undefined);
  return items;
}

async function instancesOf(http: HttpClient, space: string, instanceType: "node" | "edge"): Promise<Json[]> {
  const ids: Json[] = [];
  let cursor: JsonValue | undefined;
  do {
    const body = { instanceType, filter: { equals: { property: [instanceType, "space"], value: space } }, limit: 1000, ...(cursor ? { cursor } : {}) };
    const page = (await http.post("/models/instances/list", body)).json() as Json;
    for (const item of page["items"] as Json[]) ids.push({ instanceType, space, externalId: item["externalId"] });
    cursor = page["nextCursor"] ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

const schemaId = (item: Json): Json => pick(item, ["space", "externalId", "version"]);

async function deleteAll(http: HttpClient, path: string, items: Json[], batch: number): Promise<void> {
  for (let i = 0; i < items.length; i += batch) await http.post(`${path}/delete`, { items: items.slice(i, i + batch) });
}

/**
 * Deletes every space of the run (names starting with `${run}_`) with all it holds: first the instances of all
 * of them (an instance may use a view of another run space), then data models, views, containers, the spaces.
 * Returns the spaces deleted.
 */
export async function deleteRunSpaces(http: HttpClient, run: string): Promise<string[]> {
  const spaces = (await getAll(http, "/models/spaces")).map((item) => String(item["space"])).filter((space) => space.startsWith(`${run}_`));
  for (const space of spaces) checkOwnSpace(space, run);
  for (const space of spaces) {
    await deleteAll(http, "/models/instances", await instancesOf(http, space, "edge"), 1000);
    await deleteAll(http, "/models/instances", await instancesOf(http, space, "node"), 1000);
  }
  for (const space of spaces) await deleteAll(http, "/models/datamodels", (await getAll(http, "/models/datamodels", { space, allVersions: true })).map(schemaId), 100);
  for (const space of spaces) await deleteAll(http, "/models/views", (await getAll(http, "/models/views", { space, allVersions: true })).map(schemaId), 100);
  for (const space of spaces) await deleteAll(http, "/models/containers", (await getAll(http, "/models/containers", { space })).map(schemaId), 100);
  await deleteAll(http, "/models/spaces", spaces.map((space) => ({ space })), 100);
  return spaces;
}
