/**
 * The generated SDKs the graph query tests use: CogniteCore and Omni from tests/data/models, written to
 * generated/<package>/ (build output, gitignored). `run.sh` regenerates them before `tsc`; the vitest global
 * setup generates the ones that are missing (so `npx vitest run` works on a fresh checkout too).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "../..");
/** Where the SDKs are written. */
export const GENERATED = resolve(HERE, "generated");
/** The model snapshot of each SDK package. */
export const SDK_MODELS = { cognite_core: "CogniteCore", omni: "Omni" } as const;

/** The snapshot file of `model`. */
export function modelFile(model: string): string {
  return resolve(REPO, "tests/data/models", `${model}.json`);
}

/** Generates each SDK whose `index.ts` is missing (all of them with `force`). */
export function ensureSdks(force = false): void {
  const python = process.env["PYGEN_PYTHON"] || resolve(REPO, ".venv/bin/python");
  for (const [pkg, model] of Object.entries(SDK_MODELS)) {
    if (!force && existsSync(resolve(GENERATED, pkg, "index.ts"))) continue;
    const args = ["-m", "pygen", "generate", "--model-file", modelFile(model), "--language", "typescript", "--output", GENERATED];
    const result = spawnSync(python, args, { cwd: REPO, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${python} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`);
  }
}
