"""A bad project built by a real frontend (`python -m build`, the backend in its own process): the error is one
plain message from the hook (hatchling's app.abort: no Python traceback in front of it), a non-zero exit, and
no wheel or sdist.

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


def _build(root: Path, target: str = "--wheel") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "build", "--no-isolation", target, "--outdir", str(root / "dist"), str(root)]
    return subprocess.run(command, capture_output=True, text=True, cwd=root, timeout=300)


def _assert_plain_failure(result: subprocess.CompletedProcess[str], message: str, root: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in output, output
    assert "Traceback" not in output and 'File "' not in output, output
    assert not any((root / "dist").glob("*.whl")) and not any((root / "dist").glob("*.tar.gz"))


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
    expected = (
        'pygen: pyproject.toml: [tool.pygen] `package` must be a Python package name (an identifier such as "my_sdk"), '
        f'got "{package}" ({reason}'
    )
    _assert_plain_failure(_build(root), expected, root)


BAD_PROJECTS = [
    (
        "models-type",
        "[tool.pygen]\nmodels = 42\n",
        "",
        'pygen: pyproject.toml: [tool.pygen] `models` must be a list of "space:externalId/version" strings',
    ),
    (
        "unknown-key",
        PYGEN + 'modle = "x"\n',
        "",
        "pygen: pyproject.toml: [tool.pygen] `modle` is not a known key (did you mean `models`?)",
    ),
    ("no-table", "", "", "pygen: pyproject.toml: [tool.pygen] is missing; add it"),
    (
        "hook-option",
        PYGEN,
        'models = ["a:b/1"]\n',
        "pygen: pyproject.toml: [tool.hatch.build.targets.wheel.hooks.pygen] `models` is not an option of the pygen "
        "hook",
    ),
    (
        "no-snapshot",
        PYGEN,
        "",
        "pygen: pygen-snapshots/sp_pygen_models.OmniSub.1.json: no snapshot of sp_pygen_models:OmniSub/1, and "
        "pyproject.toml has no [tool.pygen.cdf] table",
    ),
    (
        "secret",
        PYGEN + '[tool.pygen.cdf]\ncluster = "westeurope-1"\nproject = "p"\nclient-secret = "hunter2"\n',
        "",
        "pygen: pyproject.toml: [tool.pygen.cdf] `client-secret` must not be in pyproject.toml",
    ),
]


@pytest.mark.parametrize(("case", "pygen", "hook", "message"), BAD_PROJECTS, ids=[case[0] for case in BAD_PROJECTS])
def test_config_errors_in_a_real_build_are_one_plain_message(
    tmp_path: Path, case: str, pygen: str, hook: str, message: str
) -> None:
    # `hook` goes into [tool.hatch.build.targets.wheel.hooks.pygen] (make_project ends that table's header).
    root = make_project(tmp_path / "p", pygen, own_code=False, extra=hook)
    result = _build(root)
    _assert_plain_failure(result, message, root)
    assert "hunter2" not in result.stdout + result.stderr


def test_an_sdist_build_with_the_hook_stops_with_a_plain_message(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "[tool.pygen]\nmodels = 42\n", own_code=False)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    hooks = "[tool.hatch.build.hooks.pygen]"  # the hook runs for the sdist too
    (root / "pyproject.toml").write_text(text.replace("[tool.hatch.build.targets.wheel.hooks.pygen]", hooks))
    _assert_plain_failure(_build(root, "--sdist"), "pygen: pyproject.toml: [tool.pygen] `models` must be", root)
