#!/usr/bin/env bash
# Type-checks and tests pygen's TypeScript side:
#   1. the runtime (pygen/ts_runtime): tsc, unit tests and end-to-end tests against `pygen emulator`
#      (the graph query tests on SDKs generated here from CogniteCore and Omni, into generated/), and a tour of
#      the data-modeling API through Cognite's official SDK, @cognite/sdk, against the emulator (official-sdk.test.ts);
#   2. example_project/typescript: npm ci, npm run build (pygen generate + tsc), npm test (vitest + emulator).
# The generated golden SDKs get their tsc run in pytest (tests/emit_typescript/test_ts_golden.py), which needs
# the TypeScript this script installs; tests/emit_typescript/tsc_goldens.py runs the same check by hand.
#   tests/typescript/run.sh                 # everything
#   tests/typescript/run.sh filters         # extra arguments go to the runtime's `vitest run` (here: a file filter)
#   tests/typescript/run.sh install         # only the npm installs (tests/run: pytest needs tsc and pyright)
#   tests/typescript/run.sh check           # only the checks and tests, on what is installed
# Needs node >= 20 and npm; Python (generator, emulator) is ${PYGEN_PYTHON:-<repo>/.venv/bin/python}.
# With the PYGEN_TEST_CDF_* variables (tests/cdf_target.py; target.ts here) the vitest end-to-end tests run
# against that CDF project instead of the emulator, in spaces of their own that the run deletes at the end (the
# fault-injection tests are skipped there); the example package's tests always use the emulator.
#   PYGEN_TEST_CDF_BASE_URL=https://<cluster>.cognitedata.com PYGEN_TEST_CDF_PROJECT=<project> \
#   PYGEN_TEST_CDF_TOKEN=<token> npx vitest run official-sdk e2e query-core query-omni
set -euo pipefail
cd "$(dirname "$0")"

if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
    echo "tests/typescript/run.sh: needs node >= 20 (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
fi

repo=$(cd ../.. && pwd)
export PYGEN_PYTHON="${PYGEN_PYTHON:-$repo/.venv/bin/python}"
phase=all
if [ "${1:-}" = install ] || [ "${1:-}" = check ]; then
    phase=$1
    shift
fi

# Install only when node_modules is missing or the lockfile changed (a stamp holds its hash).
install() {
    local folder=$1 want
    want=$(sha256sum "$folder/package-lock.json" | cut -d' ' -f1)
    if [ ! -d "$folder/node_modules" ] || [ "$(cat "$folder/node_modules/.pygen-lock-stamp" 2>/dev/null)" != "$want" ]; then
        echo "==> npm ci ($folder)"
        (cd "$folder" && npm ci --no-audit --no-fund)
        echo "$want" > "$folder/node_modules/.pygen-lock-stamp"
    fi
}

if [ "$phase" != check ]; then
    install "$repo/tests/typescript"
    install "$repo/example_project/typescript"
fi
[ "$phase" = install ] && exit 0

echo "==> pygen generate: the CogniteCore and Omni SDKs of the graph query tests (generated/, see sdks.ts)"
pids=()
for model in CogniteCore Omni; do
    "$PYGEN_PYTHON" -m pygen generate --model-file "$repo/tests/data/models/$model.json" --language typescript --output generated &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
echo "==> tsc --noEmit (runtime + tests, and query.types.ts: what graph queries must refuse to compile)"
npx tsc --noEmit -p .
echo "==> tsc --noEmit (official-sdk.test.ts: @cognite/sdk's types need Bundler resolution, see tsconfig.official-sdk.json)"
npx tsc --noEmit -p tsconfig.official-sdk.json
echo "==> tsc (runtime alone: no Node types, declarations emitted to node_modules/.declaration-check)"
npx tsc -p tsconfig.runtime.json
echo "==> vitest run"
npx vitest run "$@"

echo "==> example_project/typescript: npm run build, npm test"
cd "$repo/example_project/typescript"
npm run build
npm test
