/**
 * `npm run generate`: runs pygen's generator on ../pyproject.toml [tool.pygen] and its committed snapshot
 * (exactly what the Python wheel build uses) and writes the TypeScript SDK to src/generated/<package>/.
 *
 * Needs pygen installed in a Python environment: $PYGEN_PYTHON if set, else the repository's .venv
 * (../../.venv/bin/python, set up by ./example_project/build-wheel) when it exists, else `python3`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const venv = resolve(here, "../../.venv/bin/python");
const python = process.env.PYGEN_PYTHON || (existsSync(venv) ? venv : "python3");
const args = ["-m", "pygen", "generate", "--project", "..", "--language", "typescript", "--output", "src/generated"];
const hint =
  'Set up the repository\'s .venv with ./example_project/build-wheel (from the repository root), install pygen ' +
  '(pip install "cognite-pygen-runtime[generator]"), or set PYGEN_PYTHON to a Python that has it.';

const probe = spawnSync(python, ["-c", "import pygen"], { cwd: here, encoding: "utf8" });
if (probe.error) {
  console.error(`npm run generate: cannot run ${python} (${probe.error.message}). ${hint}`);
  process.exit(1);
}
if (probe.status !== 0) {
  console.error(`npm run generate: ${python} has no pygen (import pygen failed). ${hint}`);
  process.exit(1);
}
const result = spawnSync(python, args, { cwd: here, stdio: "inherit" });
process.exit(result.status ?? 1);
