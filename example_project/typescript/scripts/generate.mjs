/**
 * `npm run generate`: runs pygen's generator on ../pyproject.toml [tool.pygen] and its committed snapshot
 * (exactly what the Python wheel build uses) and writes the TypeScript SDK to src/generated/<package>/.
 *
 * Needs pygen installed in a Python environment: $PYGEN_PYTHON if set, else the repository's .venv
 * (../../.venv/bin/python, created by the repository README's setup) when it exists, else `python3`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const venv = resolve(here, "../../.venv/bin/python");
const python = process.env.PYGEN_PYTHON || (existsSync(venv) ? venv : "python3");
const args = ["-m", "pygen", "generate", "--project", "..", "--language", "typescript", "--output", "src/generated"];

const result = spawnSync(python, args, { cwd: here, stdio: "inherit" });
if (result.error) {
  console.error(`npm run generate: cannot run ${python} (${result.error.message}). Install pygen (pip install "cognite-pygen-runtime[generator]") or set PYGEN_PYTHON to a Python that has it.`);
  process.exit(1);
}
process.exit(result.status ?? 1);
