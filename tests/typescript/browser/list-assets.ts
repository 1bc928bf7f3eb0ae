/**
 * The page script of browser-bundle.test.ts: bundled by esbuild for the browser (no Node built-ins can be
 * imported), it runs in a happy-dom page. It reads its settings from the page (`<script type="application/json"
 * id="config">`), lists assets through the generated CogniteCore SDK with the page's own `fetch`, and writes what it
 * got to `#result` as JSON (or `{ error }`).
 */
import { CogniteCoreClient, Token } from "../generated/cognite_core/index.js";

interface Config {
  baseUrl: string;
  project: string;
  token: string;
  space: string;
  prefix: string;
}

async function run(config: Config): Promise<unknown> {
  const client = new CogniteCoreClient({ project: config.project, baseUrl: config.baseUrl, credentials: new Token(config.token) }, { instanceSpace: config.space });
  const assets = client.cogniteAsset;
  const f = assets.fields;
  const items = await assets.list({ filter: f.name.prefix(config.prefix), sort: f.name.asc(), limit: "all" });
  return {
    // Node's globals a bundle could lean on without importing anything: a browser has none of them.
    nodeGlobals: ["process", "Buffer", "require", "module", "global", "setImmediate"].filter((name) => name in globalThis),
    count: await assets.count({ filter: f.name.prefix(config.prefix) }),
    items: items.map((item) => ({
      externalId: item.externalId,
      name: item.properties.name ?? null,
      parent: item.properties.parent?.externalId ?? null,
      sourceCreatedTime: item.properties.sourceCreatedTime instanceof Date ? item.properties.sourceCreatedTime.toISOString() : null,
    })),
  };
}

const output = document.getElementById("result");
const settings = document.getElementById("config")?.textContent;
if (output === null || settings == null) throw new Error("the page lacks #config or #result");
run(JSON.parse(settings) as Config).then(
  (result) => (output.textContent = JSON.stringify(result)),
  (error: unknown) => (output.textContent = JSON.stringify({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })),
);
