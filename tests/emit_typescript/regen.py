"""Regenerate the TypeScript golden trees: ``.venv/bin/python tests/emit_typescript/regen.py`` (from the repo root).

Each case lands in ``tests/golden/<case>/typescript/<package>/`` (replaced whole, ``runtime/`` left out:
see ``_ts_support``); the hostile model is also written to ``tests/golden/hostile/typescript.model.json``
for review. Review the diff, then commit.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # the support module, and testdata

from _ts_support import GOLDEN_CASES, GOLDEN_DIR, generate_case, golden_models, golden_tree, is_runtime  # noqa: E402

from pygen.cli._generate import write_tree  # noqa: E402


def main() -> int:
    for case in GOLDEN_CASES:
        files = {path: text for path, text in generate_case(case).items() if not is_runtime(path)}
        tree = golden_tree(case)
        shutil.rmtree(tree, ignore_errors=True)
        write_tree(files, tree)
        if case == "hostile":
            text = json.dumps(golden_models(case)[0], indent=2, ensure_ascii=True, sort_keys=True) + "\n"
            (GOLDEN_DIR / case / "typescript.model.json").write_text(text, encoding="utf-8")
        print(f"{case}: {len(files)} files -> {tree.relative_to(GOLDEN_DIR)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
