"""Generated SDKs type-check for real: right code passes every checker, wrong code fails every checker.

``good.py`` (correct use: writes with connections, filter keywords of every property type, retrieve
overloads, connections with narrowing, async) must give 0 errors; in ``bad.py`` every line marked
``# error`` (at least 30) must be an error, and nothing else. Checkers: ``mypy --strict`` with the
project's pydantic plugin, ``mypy --strict`` without it (as a user without the plugin runs it), and
``pyright --strict`` (pinned in tests/typescript/package.json, installed by tests/typescript/run.sh).
The SDKs are the committed golden trees ``omni`` and ``cognite_core``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import REPO_ROOT

pytestmark = pytest.mark.once  # committed files under checkers with a fixed target version

HERE = Path(__file__).resolve().parent
GOLDEN = REPO_ROOT / "tests" / "golden"
SDK_PATHS = [GOLDEN / "omni" / "python", GOLDEN / "cognite_core" / "python"]
PYRIGHT = REPO_ROOT / "tests" / "typescript" / "node_modules" / ".bin" / "pyright"
MARK = re.compile(r"  # error$")
MIN_MISTAKES = 30


def _marked() -> list[int]:
    lines = (HERE / "bad.py").read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, 1) if MARK.search(line)]


def _mypy(tmp_path: Path, *, plugin: bool) -> tuple[int, str]:
    if plugin:
        config = REPO_ROOT / "pyproject.toml"
    else:
        config = tmp_path / "mypy.toml"
        config.write_text('[tool.mypy]\nstrict = true\npython_version = "3.10"\n', encoding="utf-8")
    env = {**os.environ, "MYPYPATH": os.pathsep.join(map(str, SDK_PATHS))}
    mypy = Path(sys.executable).parent / "mypy"
    command = [str(mypy), "--config-file", str(config), "--strict", "--cache-dir", str(tmp_path / "cache")]
    result = subprocess.run([*command, *map(str, FILES)], capture_output=True, text=True, env=env, cwd=HERE)
    return result.returncode, result.stdout + result.stderr


def _pyright(tmp_path: Path) -> tuple[int, str]:
    assert PYRIGHT.is_file(), f"{PYRIGHT} is missing: run tests/typescript/run.sh (npm ci) to install pyright"
    config = {"typeCheckingMode": "strict", "pythonVersion": "3.10", "extraPaths": [str(p) for p in SDK_PATHS]}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [str(PYRIGHT), "--outputjson", "--project", str(tmp_path), "--pythonpath", sys.executable, *map(str, FILES)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stdout)
    assert report["summary"]["filesAnalyzed"] == len(FILES), result.stdout[-2000:]
    lines = [
        f"{Path(d['file']).name}:{d['range']['start']['line'] + 1}: {d['severity']}: {d['message']}"
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]
    return result.returncode, "\n".join(lines)


def _lines(output: str, name: str) -> list[int]:
    return sorted({int(number) for number in re.findall(rf"{re.escape(name)}:(\d+)", output)})


CHECKERS = ["mypy-plugin", "mypy-no-plugin", "pyright"]
FILES = [HERE / "good.py", HERE / "bad.py"]


@pytest.mark.slow
@pytest.mark.parametrize("checker", CHECKERS)
def test_right_code_passes_and_every_mistake_fails(checker: str, tmp_path: Path) -> None:
    """One run of the checker over both files (each run costs seconds): good.py clean, bad.py exactly as marked."""
    marked = _marked()
    assert len(marked) >= MIN_MISTAKES
    code, output = _pyright(tmp_path) if checker == "pyright" else _mypy(tmp_path, plugin=checker == "mypy-plugin")
    assert code != 0
    assert _lines(output, "good.py") == [], output
    found = _lines(output, "bad.py")
    missed = sorted(set(marked) - set(found))
    extra = sorted(set(found) - set(marked))
    assert (missed, extra) == ([], []), f"not flagged: lines {missed}; flagged but not marked: {extra}\n{output}"
