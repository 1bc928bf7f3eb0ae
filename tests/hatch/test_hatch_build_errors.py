"""A bad project built by a real frontend (`python -m build`, the backend in its own process): the error is one
plain message from the hook, a non-zero exit, and no wheel.

`--no-isolation` runs the backend with this environment's hatchling and hook (the same process boundary and
error handling as an isolated build, without a wheelhouse): about a second per build.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from _hatch_support import load_model, make_project

PYGEN = '[tool.pygen]\nmodels = ["sp_pygen_models:OmniSub/1"]\n'


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(root / "dist"), str(root)]
    return subprocess.run(command, capture_output=True, text=True, cwd=root, timeout=300)


@pytest.mark.parametrize(
    ("package", "reason"),
    [
        ("pydantic_core", "it is the import package of 'pydantic-core', which the runtime (cognite-pygen-runtime)"),
        ("pip", "it is the import package of the build tool 'pip'"),
        ("__init__", "it is a dunder name"),
    ],
)
def test_a_package_named_like_another_distributions_is_refused_by_a_real_build(
    tmp_path: Path, package: str, reason: str
) -> None:
    root = make_project(
        tmp_path / "p",
        PYGEN + f'package = "{package}"\n',
        own_code=False,
        snapshots={"pygen-snapshots": load_model("OmniSub")},
    )
    result = _build(root)
    assert result.returncode != 0
    expected = (
        'pyproject.toml: [tool.pygen] `package` must be a Python package name (an identifier such as "my_sdk"), '
        f'got "{package}" ({reason}'
    )
    assert expected in result.stdout + result.stderr
    assert not any((root / "dist").glob("*.whl"))
