#!/usr/bin/env bash
# Type-checks and tests pygen's TypeScript runtime (pygen/emit/typescript/runtime).
#   tests/typescript/run.sh                 # everything (unit + end-to-end against `pygen emulator`)
#   tests/typescript/run.sh filters         # extra arguments go to `vitest run` (here: a file filter)
# Needs node >= 20 and npm; the emulator runs with ${PYGEN_PYTHON:-<repo>/.venv/bin/python}.
set -euo pipefail
cd "$(dirname "$0")"

if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
    echo "tests/typescript/run.sh: needs node >= 20 (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
fi

# Install only when node_modules is missing or the lockfile changed (a stamp holds its hash).
stamp=node_modules/.pygen-lock-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> npm ci (tests/typescript)"
    npm ci --no-audit --no-fund
    echo "$want" > "$stamp"
fi

echo "==> tsc --noEmit (runtime + tests)"
npx tsc --noEmit -p .
echo "==> tsc (runtime alone: no Node types, declarations emitted to node_modules/.declaration-check)"
npx tsc -p tsconfig.runtime.json
echo "==> vitest run"
npx vitest run "$@"
