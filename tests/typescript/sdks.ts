/**
 * The generated SDKs the graph query tests use: CogniteCore and Omni from tests/data/models, written to
 * generated/<package>/ (build output, gitignored). `run.sh` regenerates them before `tsc`; the vitest global
 * setup generates the ones that are missing (so `npx vitest run` works on a fresh checkout too).
 *
 * Against a CDF target (target.ts) the models live in the run's own spaces, so the SDKs are generated again from
 * the snapshots with their spaces rewritten ({@link generateSdks}), into a folder of the run ({@link runSdkFolder});
 * vitest.config.ts points the tests' `./generated/<package>/index.js` imports there.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { modelSpaces, rewriteSpaces } from "./target.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "../..");
/** Where the SDKs are written. */
export const GENERATED = resolve(HERE, "generated");
/** The model snapshot of each SDK package. */
export const SDK_MODELS = { cognite_core: "CogniteCore", omni: "Omni" } as const;

const python = (): string => process.env["PYGEN_PYTHON"] || resolve(REPO, ".venv/bin/python");

/** The snapshot file of `model`. */
export function modelFile(model: string): string {
  return resolve(REPO, "tests/data/models", `${model}.json`);
}

/** Generates each SDK whose `index.ts` is missing (all of them with `force`). */
export function ensureSdks(force = false): void {
  for (const [pkg, model] of Object.entries(SDK_MODELS)) {
    if (!force && existsSync(resolve(GENERATED, pkg, "index.ts"))) continue;
    const args = ["-m", "pygen", "generate", "--model-file", modelFile(model), "--language", "typescript", "--output", GENERATED];
    const result = spawnSync(python(), args, { cwd: REPO, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${python()} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`);
  }
}

/** The folder of a target run's SDKs (`<folder>/<package>/index.ts`) and rewritten snapshots (`<folder>/models/`). */
export function runSdkFolder(run: string): string {
  return resolve(tmpdir(), `pygen-ts-${run}`);
}

/**
 * Writes each snapshot with its spaces renamed (`rename(space)`) to `<folder>/models/` and generates its SDK into
 * `folder` (in parallel). Returns the rewritten snapshots by model name and the renames (old space -> new).
 */
export async function generateSdks(
  folder: string,
  rename: (space: string) => string,
): Promise<{ models: Record<string, Record<string, unknown>>; spaces: Record<string, string> }> {
  mkdirSync(resolve(folder, "models"), { recursive: true });
  const originals = Object.values(SDK_MODELS).map((model) => [model, JSON.parse(readFileSync(modelFile(model), "utf8")) as Record<string, unknown>] as const);
  const spaces = Object.fromEntries(originals.flatMap(([, snapshot]) => modelSpaces(snapshot)).map((space) => [space, rename(space)]));
  const models = Object.fromEntries(originals.map(([model, snapshot]) => [model, rewriteSpaces(snapshot, spaces)]));
  await Promise.all(
    Object.entries(models).map(([model, snapshot]) => {
      const file = resolve(folder, "models", `${model}.json`);
      writeFileSync(file, JSON.stringify(snapshot));
      const args = ["-m", "pygen", "generate", "--model-file", file, "--language", "typescript", "--output", folder];
      return new Promise<void>((done, fail) => {
        const child = spawn(python(), args, { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", fail);
        child.on("exit", (code) => (code === 0 ? done() : fail(new Error(`${python()} ${args.join(" ")} failed (exit ${code}):\n${stderr}`))));
      });
    }),
  );
  return { models, spaces };
}
