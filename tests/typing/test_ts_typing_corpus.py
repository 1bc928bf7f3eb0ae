"""Generated TypeScript SDKs type-check for real: right code compiles, every mistake is a compile error, by line.

``typescript/good.ts`` (correct use: where objects of every property type, builders, reads, writes, edges as
``{ edge, node }`` pairs, graph queries with ``follow``) must give 0 errors; in ``typescript/bad.ts`` every line
marked ``// error`` (at least 40) must be an error, and no other line. Both files sit beside the CogniteCore and
Omni SDKs (generated from ``tests/data/models`` with their runtime copies, as the golden trees are, see
``tests/emit_typescript/_ts_support.py``) in one ES module package, checked by the ``tsc`` of tests/typescript
(TypeScript 7, installed by ``tests/typescript/run.sh install``) under two configurations of the compile matrix:
plain ``strict`` (what most projects set) and the project's full flag set (``exactOptionalPropertyTypes`` and more).
One ``tsc -b`` process checks both.

By hand: ``.venv/bin/python tests/typing/test_ts_typing_corpus.py`` prints the lines tsc reports per configuration.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# The compile matrix's modules (tests/emit_typescript), and testdata (tests/) when run as a script.
sys.path[:0] = [path for path in (str(HERE.parent), str(HERE.parent / "emit_typescript")) if path not in sys.path]

from _ts_support import generate_case, write_files  # noqa: E402
from compile_matrix import CASES, CONFIGS, compilers  # noqa: E402

pytestmark = pytest.mark.once  # node and tsc over committed files: the outcome cannot depend on the Python

CORPUS = HERE / "typescript"
FILES = ("good.ts", "bad.ts")
MARK = re.compile(r" // error$")
MIN_MISTAKES = 40
#: The compile matrix's configurations the corpus is checked under.
CHECKED = ("strict", "full")
_BUILDING = re.compile(r"Building project '(?:[^']*[/\\])?tsconfig\.([\w-]+)\.json'")
_ERROR = re.compile(r"(?:^|[/\\])(good|bad)\.ts\((\d+),\d+\): error (TS\d+: .*)$")


def marked() -> list[int]:
    lines = (CORPUS / "bad.ts").read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, 1) if MARK.search(line)]


def check(root: Path) -> tuple[int, str, dict[str, dict[str, dict[int, list[str]]]]]:
    """Writes the SDKs and the corpus under ``root`` and runs tsc: exit code, output, errors per config/file/line."""
    for case in CASES:  # cognite_core and omni, each with its runtime copy
        write_files(generate_case(case), root / "src")
    (root / "package.json").write_text('{"private": true, "type": "module"}\n', encoding="utf-8")
    for name in FILES:
        (root / "src" / name).write_text((CORPUS / name).read_text(encoding="utf-8"), encoding="utf-8")
    compiler = compilers()[0]  # the newest major: the typescript package itself
    configs = []
    for name in CHECKED:
        path = root / f"tsconfig.{name}.json"
        options = {**CONFIGS[name][1], "noEmit": True, "skipDefaultLibCheck": True}
        path.write_text(json.dumps({"compilerOptions": options, "include": ["src/**/*.ts"]}), encoding="utf-8")
        configs.append(str(path))
    command = ["node", str(compiler.tsc), "-b", *configs, "--verbose", "--pretty", "false"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    found: dict[str, dict[str, dict[int, list[str]]]] = {name: {file: {} for file in FILES} for name in CHECKED}
    current = None
    for line in output.splitlines():
        building = _BUILDING.search(line)
        if building:
            current = building.group(1)
            continue
        error = _ERROR.search(line.strip())
        if error and current in found:
            found[current][f"{error.group(1)}.ts"].setdefault(int(error.group(2)), []).append(error.group(3))
    return result.returncode, output, found


@pytest.mark.slow
def test_right_code_compiles_and_every_mistake_is_an_error(tmp_path: Path) -> None:
    """One tsc process over both configurations: good.ts clean, bad.ts exactly as marked, in each."""
    found_compilers = compilers()
    assert found_compilers and found_compilers[0].tsc.is_file(), "run tests/typescript/run.sh install first"
    lines = marked()
    assert len(lines) >= MIN_MISTAKES
    code, output, found = check(tmp_path)
    assert code != 0, output[-3000:]
    assert set(re.findall(_BUILDING, output)) >= set(CHECKED), output[-3000:]
    problems = []
    for name in CHECKED:
        good = found[name]["good.ts"]
        problems += [f"{name}: good.ts:{line}: {errors[0]}" for line, errors in sorted(good.items())]
        bad = found[name]["bad.ts"]
        problems += [f"{name}: bad.ts:{line} is marked but compiles" for line in lines if line not in bad]
        problems += [
            f"{name}: bad.ts:{line} is not marked: {errors[0]}"
            for line, errors in sorted(bad.items())
            if line not in lines
        ]
    other = [line for line in output.splitlines() if "error TS" in line and not _ERROR.search(line.strip())]
    problems += [f"an error outside the corpus: {line}" for line in other[:10]]
    assert not problems, "\n".join(problems)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="pygen-ts-corpus-") as tmp:
        code, output, found = check(Path(tmp))
    for name, files in found.items():
        for file, errors in files.items():
            for line, messages in sorted(errors.items()):
                print(f"{name:<7} {file}:{line}: {messages[0]}")
    print(f"marked lines of bad.ts: {len(marked())}; tsc exit {code}")
