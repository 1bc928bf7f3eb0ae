"""The example project's hatch environment declares `pygen:validate` and `pygen:migrate` (`hatch run pygen:...`).

hatch itself is not a test dependency: the scripts are run as hatch would run them, with ``{root}`` the
project folder and ``{args}`` the extra arguments.
"""

from __future__ import annotations

import shlex
import subprocess
import sys

from testdata import REPO_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

EXAMPLE = REPO_ROOT / "example_project"


def _script(name: str, *args: str) -> list[str]:
    with open(EXAMPLE / "pyproject.toml", "rb") as handle:
        scripts = tomllib.load(handle)["tool"]["hatch"]["envs"]["pygen"]["scripts"]
    command = shlex.split(scripts[name].replace("{root}", shlex.quote(str(EXAMPLE))).replace("{args}", " ".join(args)))
    assert command[0] == "pygen"
    return [sys.executable, "-m", "pygen", *command[1:]]


def test_hatch_run_pygen_validate_checks_the_example() -> None:
    done = subprocess.run(_script("validate"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("pygen validate: cdf_cdm:CogniteCore/v1 -> package cognite_core, client ")


def test_hatch_run_pygen_migrate_finds_the_example_already_migrated() -> None:
    before = (EXAMPLE / "pyproject.toml").read_bytes()
    done = subprocess.run(_script("migrate", "--dry-run"), capture_output=True, text=True)
    assert done.returncode == 2 and "is already in pygen's format: nothing to migrate" in done.stderr
    assert (EXAMPLE / "pyproject.toml").read_bytes() == before
