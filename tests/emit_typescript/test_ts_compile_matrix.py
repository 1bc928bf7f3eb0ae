"""Generated TypeScript compiles with 0 errors under every configuration of the compile matrix, on both TypeScripts.

See ``compile_matrix.py``: the CogniteCore and Omni SDKs plus ``matrix/consumer.ts`` (a user's code on both), under
``strict`` alone, the project's full flag set, bundler resolution (module esnext and preserve), node16, nodenext
and a Node 20 project without the DOM library, with the two TypeScript majors tests/typescript installs (the
``typescript`` package and an npm alias of the other major).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from compile_matrix import CONFIGS, TS_TESTS, compilers, run_matrix, table, write_tree


@pytest.mark.once  # node and tsc over generated files: the outcome cannot depend on the Python
@pytest.mark.slow
def test_generated_sdks_compile_under_every_configuration(tmp_path: Path) -> None:
    found = compilers()
    if shutil.which("node") is None or not found or not all(compiler.tsc.is_file() for compiler in found):
        pytest.fail("tests/typescript/node_modules is not installed: run tests/typescript/run.sh install first")
    majors = sorted({compiler.major for compiler in found}, reverse=True)
    assert len(majors) == 2, f"expected two TypeScript majors in tests/typescript/package.json, found {found}"
    write_tree(tmp_path)
    outcomes = run_matrix(tmp_path, found)
    report = table(outcomes)
    problems = []
    for outcome in outcomes:
        if outcome.built() != set(CONFIGS):
            problems.append(
                f"TypeScript {outcome.compiler.version} built {sorted(outcome.built())}, not every configuration"
            )
        for name, errors in outcome.errors().items():
            problems += [f"TypeScript {outcome.compiler.version}, {name}: {line}" for line in errors[:20]]
        if outcome.returncode != 0 and not problems:
            problems.append(
                f"TypeScript {outcome.compiler.version} exit {outcome.returncode}:\n{outcome.output[-4000:]}"
            )
    assert not problems, report + "\n" + "\n".join(problems)


@pytest.mark.once  # reads tests/typescript's install
def test_bin_tsc_is_the_typescript_package() -> None:
    """``npx tsc`` (run.sh) and ``_ts_support.TSC`` are the ``typescript`` package, not the other major's alias."""
    tsc = TS_TESTS / "node_modules" / ".bin" / "tsc"
    if not tsc.exists():
        pytest.fail("tests/typescript/node_modules is not installed: run tests/typescript/run.sh install first")
    target = tsc.resolve()
    assert target == (TS_TESTS / "node_modules" / "typescript" / "bin" / "tsc").resolve(), (
        f"node_modules/.bin/tsc is {target}: run npm ci in tests/typescript (it links typescript's tsc first)"
    )
