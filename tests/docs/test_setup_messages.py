"""The README's commands on a machine that lacks something: one clear line and a non-zero exit, no traceback.

``tests/run`` checks Python, node and npm before anything slow starts, and ``tools/devenv.py`` (which
both README commands use to set up ``.venv``) names an interpreter it cannot use. These tests give
the scripts a PATH with only what each case needs, so they run in milliseconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import REPO_ROOT

pytestmark = pytest.mark.once  # shell scripts checking the machine, not the Python running pytest

TESTS_RUN = REPO_ROOT / "tests" / "run"


def _bin(tmp_path: Path, **scripts: str) -> Path:
    """A folder for PATH: ``dirname`` (tests/run uses it) plus fake tools given as shell script bodies."""
    folder = tmp_path / "bin"
    folder.mkdir()
    dirname = shutil.which("dirname")
    assert dirname, "dirname is missing from this machine"
    (folder / "dirname").symlink_to(dirname)
    for name, body in scripts.items():
        path = folder / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return folder


def _run_tests_run(path: Path) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash, "bash is missing from this machine"
    env = {key: value for key, value in os.environ.items() if key != "PYTHON"}
    env["PATH"] = str(path)
    return subprocess.run([bash, str(TESTS_RUN)], capture_output=True, text=True, env=env, timeout=60)


PYTHON_OK = f'exec "{sys.executable}" "$@"'
NODE_20 = 'case "$1" in --version) echo v20.0.0 ;; *) exit 0 ;; esac'


@pytest.mark.parametrize(
    ("tools", "message"),
    [
        ({}, "tests/run: no 'python3' found: install Python 3.10 or newer, or point PYTHON at one"),
        (
            {"python3": 'case "$1" in --version) echo "Python 3.9.18" ;; *) exit 1 ;; esac'},
            "tests/run: python3 is Python 3.9.18: the suite needs Python 3.10 or newer (point PYTHON at one)",
        ),
        (
            {"python3": PYTHON_OK},
            "tests/run: node is not installed: the TypeScript checks and tests need Node.js 20 or newer, with npm",
        ),
        (
            {"python3": PYTHON_OK, "node": 'case "$1" in --version) echo v18.19.0 ;; *) exit 1 ;; esac'},
            "tests/run: node v18.19.0 is too old: the TypeScript checks and tests need Node.js 20 or newer",
        ),
        (
            {"python3": PYTHON_OK, "node": NODE_20},
            "tests/run: npm is not installed (it comes with Node.js): the TypeScript tests need it",
        ),
    ],
    ids=["no-python", "old-python", "no-node", "old-node", "no-npm"],
)
def test_tests_run_names_what_the_machine_lacks(tmp_path: Path, tools: dict[str, str], message: str) -> None:
    result = _run_tests_run(_bin(tmp_path, **tools))
    assert result.returncode == 1
    assert result.stderr == message + "\n"
    assert result.stdout == ""  # stopped before setting anything up


def test_devenv_names_an_interpreter_it_cannot_find(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-python3.12"
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "devenv.py"), "--python", str(missing), str(tmp_path / "env")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr == f"tools/devenv.py: no such interpreter: {missing}\n"
    assert not (tmp_path / "env").exists()
