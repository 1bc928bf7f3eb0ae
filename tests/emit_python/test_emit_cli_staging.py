"""``pygen generate`` killed with SIGKILL mid-write leaves nothing in the user's tree, and the next run removes
what it left in the staging area."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from _emit_support import MODELS_DIR

from pygen.cli import _generate as _generate_cli
from pygen.cli._generate import STAGING_PREFIX, remove_stale_staging, write_tree

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process ids as POSIX has them")

# Runs `pygen generate`, stopping for good at the first rename into place (the tree is fully staged by then).
_KILLED_RUN = """
import os, sys, time
from pygen.cli import _generate as _generate_cli

if {beside_output}:
    _generate_cli._same_file_system = lambda a, b: False  # as if the temporary directory were another disk

def stop(source, target):
    print("staged", flush=True)
    time.sleep(600)

os.replace = stop
sys.exit(_generate_cli.main(sys.argv[1:]))
"""


def _generate_and_kill(project: Path, temp: Path, *, beside_output: bool) -> int:
    env = {**os.environ, "TMPDIR": str(temp)}
    code = textwrap.dedent(_KILLED_RUN).format(beside_output=beside_output)
    args = ["--model-file", str(MODELS_DIR / "OmniSub.json"), "--output", str(project / "src")]
    command = [sys.executable, "-c", code, *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as process:
        try:
            assert process.stdout is not None and process.stderr is not None
            line = process.stdout.readline()
            assert line == "staged\n", line + process.stderr.read()
            process.send_signal(signal.SIGKILL)
            assert process.wait(timeout=30) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
    return process.pid


def _generate(project: Path, temp: Path) -> subprocess.CompletedProcess[str]:
    args = ["--model-file", str(MODELS_DIR / "OmniSub.json"), "--output", str(project / "src")]
    command = [sys.executable, "-m", "pygen", "generate", *args]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, "TMPDIR": str(temp)})


def _tree(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))


@pytest.mark.once  # a process killed mid-write, then the next run: the same on every Python
def test_a_killed_run_leaves_nothing_in_the_project(tmp_path: Path) -> None:
    project, temp = tmp_path / "project", tmp_path / "tmp"
    (project / "src" / "own_code").mkdir(parents=True)
    temp.mkdir()
    before = _tree(project)
    pid = _generate_and_kill(project, temp, beside_output=False)
    # Staged in the temporary directory (same file system): the project is as it was.
    assert _tree(project) == before
    (left,) = temp.iterdir()
    assert left.name.startswith(f"{STAGING_PREFIX}{pid}-")
    # The next run removes the dead run's folder and writes the package.
    result = _generate(project, temp)
    assert result.returncode == 0, result.stderr
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in (project / "src").iterdir()) == ["omni_sub", "own_code"]
    assert not [p for p in project.rglob("*") if p.name.startswith(".pygen")]


@pytest.mark.once  # a process killed mid-write, then the next run: the same on every Python
def test_staged_beside_output_a_killed_runs_folder_is_removed_by_the_next_run(tmp_path: Path) -> None:
    project, temp = tmp_path / "project", tmp_path / "tmp"
    (project / "src").mkdir(parents=True)
    temp.mkdir()
    pid = _generate_and_kill(project, temp, beside_output=True)
    (left,) = [p for p in project.iterdir() if p.name != "src"]
    assert left.name.startswith(f"{STAGING_PREFIX}{pid}-")
    assert list((project / "src").iterdir()) == []  # nothing half-written into the output
    result = _generate(project, temp)  # this one stages in the temporary directory, and cleans beside output
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in project.iterdir()) == ["src"]
    assert [p.name for p in (project / "src").iterdir()] == ["omni_sub"]


def test_stale_staging_rules(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-abc"
    gone = tmp_path / f"{STAGING_PREFIX}{dead.pid}-abc"
    legacy_new = tmp_path / f"{STAGING_PREFIX}k2j3h4"  # an earlier pygen's name: no process id
    legacy_old = tmp_path / f"{STAGING_PREFIX}x8y7z6"
    other = tmp_path / "my-folder"
    for folder in (live, gone, legacy_new, legacy_old, other):
        (folder / "pkg").mkdir(parents=True)
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(legacy_old, (day_ago, day_ago))
    assert sorted(remove_stale_staging(tmp_path)) == sorted([gone, legacy_old])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (live, legacy_new, other))


def test_renames_across_mounts_fall_back_to_staging_beside_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp, output = tmp_path / "tmp", tmp_path / "project" / "src"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr("tempfile.tempdir", None)
    real_replace = os.replace
    staged_in: list[Path] = []

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        staged_in.append(Path(source).parents[2])
        if Path(source).is_relative_to(temp):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(source, target)

    monkeypatch.setattr(_generate_cli.os, "replace", replace)
    written = write_tree({"pkg/__init__.py": "X = 1\n", "pkg/data.json": json.dumps([1])}, output)
    assert written == [output / "pkg"]
    assert staged_in[0] == temp and staged_in[-1] == output.parent
    assert (output / "pkg" / "__init__.py").read_text() == "X = 1\n"
    assert list(temp.iterdir()) == [] and sorted(p.name for p in output.parent.iterdir()) == ["src"]
