"""The repository stands on its own: a copy with nothing beside it finds everything its tests read.

A clone holds the tracked files; this test copies exactly those (plus new files not yet committed,
so it checks work in progress too) into a temporary folder that holds nothing else, then runs the
suite's collection step and the TypeScript goldens' input step there. A test, golden or helper that
reads a file outside the repository fails in the copy. A text check catches what no step runs (the
benchmarks, comments): no tracked file may point at a folder or document beside the repository.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import REPO_ROOT

#: Ways of reaching out of the repository that earlier versions used: the sibling `shared/` folder
#: (test data, goldens' inputs, benchmarks) and citations of a document that lives there.
pytestmark = pytest.mark.once  # about the repository's files, not the Python that reads them

OUTSIDE = re.compile(r"\.\./shared|\"shared\" / \"data\"|dms-api\.md|parents\[\d\]\.parent")


def tracked_files() -> list[str]:
    git = shutil.which("git")
    assert git, "git is not installed: this test lists the repository's files with `git ls-files`"
    result = subprocess.run(
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"git ls-files failed in {REPO_ROOT}: {result.stderr}"
    return [name for name in result.stdout.split("\0") if name and (REPO_ROOT / name).is_file()]


@pytest.mark.slow
def test_a_copy_with_nothing_beside_it_collects_every_test_and_finds_the_goldens_inputs(tmp_path: Path) -> None:
    copy = tmp_path / "fresh"
    for name in tracked_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fresh"]

    collect = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    output = collect.stdout + collect.stderr
    assert collect.returncode == 0, output
    assert re.search(r"^\d+ tests collected in", output, re.MULTILINE), output  # "..., 1 error in" otherwise
    items = [line for line in collect.stdout.splitlines() if "::" in line]
    assert items and all(line.startswith("tests/") for line in items)

    goldens = subprocess.run(
        [sys.executable, "tests/emit_typescript/tsc_goldens.py", "--inputs-only"],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert goldens.returncode == 0, goldens.stdout + goldens.stderr
    assert re.fullmatch(r"tsc_goldens: \d+ golden cases generate \d+ files\n", goldens.stdout)


def test_no_tracked_file_points_outside_the_repository() -> None:
    offenders = []
    for name in tracked_files():
        if name == "tests/docs/test_standalone.py" or name.startswith("tests/golden/"):
            continue
        try:
            text = (REPO_ROOT / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [
            f"{name}:{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)
        ]
    assert offenders == []
