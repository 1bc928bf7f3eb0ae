"""What the build-frontend tests share (tests/hatch/test_hatch_frontends.py and
tests/setuptools_plugin/test_setuptools_frontends.py): the local wheelhouse, example_project/build-wheel,
fresh virtualenvs.

The two modules run on different pytest-xdist workers (one ``xdist_group`` each), so the wheelhouse is
filled under a file lock: the first worker of a run rebuilds our wheels from the checkout (and downloads
third-party wheels when a pyproject.toml changed); the other waits, then uses them as they are.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from filelock import FileLock
from testdata import REPO_ROOT

EXAMPLE_PROJECT = REPO_ROOT / "example_project"
BUILD_WHEEL = EXAMPLE_PROJECT / "build-wheel"
WHEELHOUSE = REPO_ROOT / "build" / "test-wheelhouse"
UV = Path(sys.executable).parent / "uv"
# The examples' tests also need pytest and the emulator in the fresh virtualenv.
WHEELHOUSE_ARGS = ["--wheelhouse", str(WHEELHOUSE), "--runtime-extra", "emulator", "--extra", "pytest"]


def build_wheel(*args: str) -> subprocess.CompletedProcess[str]:
    """example_project/build-wheel with the test wheelhouse (and the tool environment this pytest runs in)."""
    command = [sys.executable, str(BUILD_WHEEL), *WHEELHOUSE_ARGS, *args]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYGEN_VENV": sys.prefix})
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def fill_wheelhouse(run_id: str) -> Path:
    """The wheelhouse with this checkout's wheels, filled once per test run (``run_id``) whichever worker asks first."""
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    marker = WHEELHOUSE / ".pygen-test-run"
    with FileLock(str(WHEELHOUSE / ".pygen-test-lock")):
        if not marker.is_file() or marker.read_text(encoding="utf-8") != run_id:
            build_wheel("--wheelhouse-only")  # downloads third-party wheels only when a pyproject.toml changed
            marker.write_text(run_id, encoding="utf-8")
    return WHEELHOUSE


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return {**env, **extra}


def fresh_venv(path: Path) -> Path:
    """A new, empty virtualenv. uv (a dev dependency) makes it and installs into it in seconds; the pip path
    is what the build fixtures exercise (pip's isolated build environments, `pip wheel`)."""
    assert UV.is_file(), f"{UV} is missing: uv is a dev dependency of this repository (./tests/run installs it)"
    subprocess.run([UV, "venv", "--quiet", "--python", sys.executable, path], check=True, env=clean_env())
    return path / "bin" / "python"


def install(python: Path, wheelhouse: Path, *requirements: str) -> None:
    """Install from the wheelhouse alone (no index), as the README tells users to until the runtime is on PyPI."""
    # --refresh: uv caches wheels by name and version, and ours are rebuilt from the checkout with the same version.
    command = [
        UV,
        "pip",
        "install",
        "--quiet",
        "--refresh",
        "--python",
        python,
        "--no-index",
        "--find-links",
        wheelhouse,
    ]
    subprocess.run([*command, *requirements], check=True, env=clean_env())
