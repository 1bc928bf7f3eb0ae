/**
 * The generated SDK in a browser: browser/list-assets.ts and the generated CogniteCore SDK (with its runtime) are
 * bundled by esbuild with `platform: "browser"` (an import of a Node built-in fails the build), and the bundle runs
 * as a page script in happy-dom, a DOM environment with its own `fetch` (the requests below are its), from which the
 * few Node globals happy-dom leaves in a page are removed first. The page sits on the emulator's origin (the
 * emulator answers no CORS preflight). It lists assets from a `pygen emulator` with the CogniteCore model; the answer
 * must be what the Node client lists.
 *
 * Emulator only: the page needs a token it can hold and an origin CDF would accept, which a CDF target run does
 * not provide.
 */
import { build } from "esbuild";
import { Browser } from "happy-dom";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./emulator.js";
import { CogniteCoreClient, Token, type CogniteAssetWrite } from "./generated/cognite_core/index.js";
import { onCdf } from "./helpers.js";
import { modelFile } from "./sdks.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ENTRY = resolve(HERE, "browser/list-assets.ts");
const PROJECT = "browser";
const SPACE = "browser_space";
/** Node's globals a bundle could lean on without importing anything (browser/list-assets.ts reports any it sees). */
const NODE_GLOBALS = ["process", "Buffer", "require", "module", "global", "setImmediate"];

let emulator: RunningEmulator | undefined;

describe.skipIf(onCdf())("the generated SDK bundled for a browser", () => {
  beforeAll(async () => {
    emulator = await startEmulator(["--model-file", modelFile("CogniteCore")]);
    const client = new CogniteCoreClient({ project: PROJECT, baseUrl: emulator.baseUrl, credentials: new Token(emulator.token) }, { instanceSpace: SPACE });
    await client.instances.http.post("/models/spaces", { items: [{ space: SPACE }] });
    const assets: CogniteAssetWrite[] = [{ externalId: "plant", properties: { name: "Plant" } }];
    for (let i = 0; i < 12; i++) {
      const day = String(i + 1).padStart(2, "0");
      assets.push({ externalId: `pump-${i}`, properties: { name: `Pump ${String(i).padStart(2, "0")}`, parent: { space: SPACE, externalId: "plant" }, sourceCreatedTime: `2024-01-${day}T00:00:00.000Z` } });
    }
    await client.cogniteAsset.upsert(assets);
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("builds without Node built-ins and lists what the Node client lists, through the page's fetch", async () => {
    const running = emulator!;
    const bundle = await build({
      entryPoints: [ENTRY],
      bundle: true,
      platform: "browser",
      format: "iife",
      target: ["chrome120", "firefox121", "safari17"],
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(bundle.metafile.inputs).map((path) => relative(HERE, resolve(process.cwd(), path)));
    expect(inputs.filter((path) => !path.startsWith("browser/") && !path.startsWith("generated/cognite_core/"))).toEqual([]);
    expect(inputs).toContain("generated/cognite_core/runtime/transport.ts");
    const code = bundle.outputFiles[0]!.text;

    const requests: string[] = [];
    const browser = new Browser({
      settings: {
        enableJavaScriptEvaluation: true,
        suppressInsecureJavaScriptEnvironmentWarning: true,
        fetch: {
          interceptor: {
            beforeAsyncRequest: async ({ request }) => {
              requests.push(`${request.method} ${new URL(request.url).pathname}`);
            },
          },
        },
      },
    });
    try {
      const page = browser.newPage();
      page.url = `${running.baseUrl}/app/`;
      const config = { baseUrl: running.baseUrl, project: PROJECT, token: running.token, space: SPACE, prefix: "Pump" };
      page.content = `<!doctype html><html><head><script type="application/json" id="config">${JSON.stringify(config)}</script></head><body><pre id="result"></pre></body></html>`;
      // happy-dom's page also carries a few Node globals (Buffer, global = undefined); a browser has none of them.
      page.evaluate(`for (const name of ${JSON.stringify(NODE_GLOBALS)}) delete globalThis[name];`);
      const { document } = page.mainFrame.window;
      const script = document.createElement("script");
      script.textContent = code;
      document.body.appendChild(script);
      await page.waitUntilComplete();
      const text = document.getElementById("result")?.textContent ?? "";
      expect(text, "the page wrote no result").not.toBe("");
      const result = JSON.parse(text) as Record<string, unknown>;
      expect(result["error"]).toBeUndefined();

      const client = new CogniteCoreClient({ project: PROJECT, baseUrl: running.baseUrl, credentials: new Token(running.token) }, { instanceSpace: SPACE });
      const f = client.cogniteAsset.fields;
      const expected = (await client.cogniteAsset.list({ filter: f.name.prefix("Pump"), sort: f.name.asc(), limit: "all" })).map((item) => ({
        externalId: item.externalId,
        name: item.properties.name ?? null,
        parent: item.properties.parent?.externalId ?? null,
        sourceCreatedTime: item.properties.sourceCreatedTime?.toISOString() ?? null,
      }));
      expect(expected).toHaveLength(12);
      expect(expected[0]).toEqual({ externalId: "pump-0", name: "Pump 00", parent: "plant", sourceCreatedTime: "2024-01-01T00:00:00.000Z" });
      expect(result).toEqual({ nodeGlobals: [], count: 12, items: expected });
      const project = `/api/v1/projects/${PROJECT}/models/instances`;
      expect(requests).toEqual([`POST ${project}/list`, `POST ${project}/aggregate`]);
    } finally {
      await browser.close();
    }
  });
});
