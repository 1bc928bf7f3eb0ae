"""Type-check the generated TypeScript of every golden case (and the hostile fuzz) with one ``tsc`` run.

Run by hand after tests/typescript/run.sh has installed TypeScript; pytest runs the same check in
``test_ts_golden.py::test_tsc_accepts_every_golden_and_fuzz_tree``. Usage (repo root):
``.venv/bin/python tests/emit_typescript/tsc_goldens.py`` (``--inputs-only``: generate every case, no tsc).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # the support module, and testdata

from _ts_support import GOLDEN_CASES, TSC, generate_case, run_tsc, write_files  # noqa: E402


def main(argv: list[str]) -> int:
    if argv == ["--inputs-only"]:
        # Generate every case (reading its model) without tsc: proves the inputs are where this script looks.
        count = sum(len(generate_case(case)) for case in GOLDEN_CASES)
        print(f"tsc_goldens: {len(GOLDEN_CASES)} golden cases generate {count} files")
        return 0
    if not TSC.is_file():
        print(f"tsc_goldens: {TSC} is missing: run npm ci in tests/typescript first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="pygen-ts-goldens-") as tmp:
        root = Path(tmp)
        for case in GOLDEN_CASES:
            write_files(generate_case(case), root / case)
        start = time.monotonic()
        result = run_tsc(root)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    status = "ok" if result.returncode == 0 else "FAILED"
    print(f"tsc over {len(GOLDEN_CASES)} golden SDKs: {status} ({time.monotonic() - start:.1f} s)")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
