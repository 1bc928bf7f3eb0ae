"""Regenerate every golden tree: ``.venv/bin/python tests/golden/regen.py`` (from the repository root).

Cases (see ``GOLDEN_CASES`` in ``tests/emit_python/_emit_support.py``): ``cognite_core``, ``omni``,
``omni_sub``, ``wind_turbine`` from ``tests/data/models/*.json``, and ``hostile`` from the model
built in that module (also written to ``tests/golden/hostile/model.json`` for review). Each tree lands
in ``tests/golden/<case>/python/<package>/`` and is replaced whole. Review the diff, then commit.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS / "emit_python"), str(TESTS)]  # the support module, and testdata

from _emit_support import GOLDEN_CASES, GOLDEN_DIR, golden_models, golden_tree  # noqa: E402

from pygen.cli._generate import write_tree  # noqa: E402
from pygen.generator import generate  # noqa: E402


def main() -> int:
    for case in GOLDEN_CASES:
        models = golden_models(case)
        result = generate(models)
        tree = golden_tree(case)
        shutil.rmtree(tree, ignore_errors=True)
        write_tree(result.files, tree)
        if case == "hostile":
            text = json.dumps(models[0], indent=2, ensure_ascii=True, sort_keys=True) + "\n"
            (GOLDEN_DIR / case / "model.json").write_text(text, encoding="utf-8")
        where = tree.relative_to(GOLDEN_DIR)
        print(f"{case}: {len(result.files)} files, {len(result.diagnostics)} diagnostics -> {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
