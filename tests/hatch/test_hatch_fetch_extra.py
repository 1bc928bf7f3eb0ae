"""The fetch extra (keyring, platformdirs, filelock) is only for builds that must fetch (issue 18, item 4).

A build from committed snapshots neither imports nor needs it; a build that must fetch names it to hatchling
(``PygenBuildHook.dependencies``: the frontend installs it into the isolated build environment first); where
nothing installs it (a build without isolation), the build stops with one plain message that names what to add,
or to refresh and commit the snapshot instead. The isolated builds themselves are in test_hatch_frontends.py.

The real-frontend tests here run ``python -m build --no-isolation`` with a ``sitecustomize`` that makes the three
modules unimportable, in the frontend and the backend process alike: what an environment without them looks like.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _hatch_support import RecordingApp, cdf_table, load_model, make_project, run_hook

from pygen._extras import FETCH_MODULES, FETCH_REQUIREMENTS, MissingExtraError
from pygen.emulator.testing import EmulatorProcess

PYGEN = '[tool.pygen]\nmodels = ["sp_pygen_models:OmniSub/1"]\n'
CDF = '[tool.pygen.cdf]\ncluster = "westeurope-1"\nproject = "p"\nclient-id = "c"\ntenant-id = "t"\n'
SNAPSHOTS = {"pygen-snapshots": load_model("OmniSub")}
HINT = (
    '  - add it to the build requirements: [build-system] requires = [..., "hatch-cognite-pygen[fetch]"] in '
    'pyproject.toml (for a build without isolation, install "hatch-cognite-pygen[fetch]" into the Python that builds)\n'
    "  - or run pygen refresh (or `hatch run pygen:refresh`) where credentials are available and commit the "
    "snapshot; builds then need neither credentials nor the extra."
)


def _without_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in FETCH_MODULES:
        monkeypatch.setitem(sys.modules, module, None)  # what an environment without the extra looks like


def _dependencies(root: Path, target: str = "wheel") -> list[str]:
    from hatchling.metadata.core import ProjectMetadata
    from pygen_hatch.plugin import PygenBuildHook

    metadata = ProjectMetadata(str(root), None)
    hook = PygenBuildHook(str(root), {}, None, metadata, "", target, RecordingApp())
    return hook.dependencies()


@pytest.mark.parametrize(
    ("pygen", "snapshots", "expected"),
    [
        (PYGEN + CDF, SNAPSHOTS, []),  # every snapshot is there
        (PYGEN + CDF, None, list(FETCH_REQUIREMENTS)),  # must fetch
        (PYGEN + 'snapshots = "snaps"\n' + CDF, {"snaps": load_model("OmniSub")}, []),
        (PYGEN + 'snapshots = "snaps"\n' + CDF, SNAPSHOTS, list(FETCH_REQUIREMENTS)),  # not in its folder
        (PYGEN, None, []),  # cannot fetch at all (no [tool.pygen.cdf]): the build says so
        ("[tool.pygen]\nmodels = 42\n" + CDF, None, []),  # a configuration error: the build reports it
        ('[tool.pygen]\nmodels = ["nope"]\n' + CDF, None, []),
    ],
    ids=["snapshot", "must-fetch", "own-folder", "own-folder-missing", "no-cdf-table", "bad-models", "bad-ref"],
)
def test_the_hook_asks_for_the_fetch_extra_only_when_the_build_must_fetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pygen: str, snapshots: Any, expected: list[str]
) -> None:
    root = make_project(tmp_path / "p", pygen, own_code=False, snapshots=snapshots)
    _without_fetch(monkeypatch)
    assert _dependencies(root) == expected
    assert _dependencies(root, target="sdist") == expected
    assert _dependencies(root, target="custom") == []


def test_the_hook_asks_for_nothing_when_the_extra_is_installed(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", PYGEN + CDF, own_code=False)
    assert _dependencies(root) == []


def test_hatchling_passes_the_fetch_extra_on_to_the_frontend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What PEP 517's get_requires_for_build_wheel answers: hatchling's builder config with the hook's dependencies."""
    from hatchling.builders.wheel import WheelBuilder

    root = make_project(tmp_path / "p", PYGEN + CDF, own_code=False)
    _without_fetch(monkeypatch)
    assert WheelBuilder(str(root)).config.dependencies == list(FETCH_REQUIREMENTS)
    with_snapshot = make_project(tmp_path / "q", PYGEN + CDF, own_code=False, snapshots=SNAPSHOTS)
    assert WheelBuilder(str(with_snapshot)).config.dependencies == []


def test_asking_costs_no_pydantic_and_no_http_client(tmp_path: Path) -> None:
    """get_requires_for_build_wheel runs in a process of its own in every build: it stays light."""
    root = make_project(tmp_path / "p", PYGEN + CDF, own_code=False)
    code = (
        BLOCKER
        + f"from hatchling.builders.wheel import WheelBuilder\nprint(WheelBuilder({str(root)!r}).config.dependencies)\n"
        + "print(sorted(name for name in ('pydantic', 'httpx', 'pygen.generator.config', 'jinja2')"
        + " if name in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [repr(list(FETCH_REQUIREMENTS)), "[]"]


def test_the_default_snapshots_folder_is_the_configurations() -> None:
    from pygen.generator.config import DEFAULT_SNAPSHOTS
    from pygen_hatch import plugin

    assert plugin.DEFAULT_SNAPSHOTS == DEFAULT_SNAPSHOTS


def test_a_build_that_must_fetch_without_the_extra_says_what_to_add(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "p", PYGEN + CDF, own_code=False)
    _without_fetch(monkeypatch)
    with pytest.raises(MissingExtraError) as info:
        run_hook(root)
    assert str(info.value) == (
        "pygen-snapshots/sp_pygen_models.OmniSub.1.json: no snapshot of sp_pygen_models:OmniSub/1, so pygen must "
        "fetch it (from the user cache or CDF), which needs the 'fetch' extra (keyring is not installed).\n" + HINT
    )
    assert info.value.extra == "fetch"


# ---------------------------------------------------------------------------------------------- real frontend

BLOCKER = "import sys\n" + "".join(f"sys.modules[{module!r}] = None\n" for module in FETCH_MODULES)


def _build_without_fetch_modules(root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "no-fetch-extra"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    command = [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(root / "dist"), str(root)]
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(command, capture_output=True, text=True, cwd=root, env=env, timeout=300)


def test_a_build_from_snapshots_needs_no_fetch_extra(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", PYGEN + CDF, own_code=False, snapshots=SNAPSHOTS)
    result = _build_without_fetch_modules(root, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [wheel.name for wheel in (root / "dist").glob("*.whl")] == ["demo_sdk-1.0.0-py3-none-any.whl"]


def test_a_build_that_must_fetch_without_the_extra_stops_with_one_plain_message(
    tmp_path: Path, emulator: EmulatorProcess
) -> None:
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator), own_code=False)
    result = _build_without_fetch_modules(root, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "pygen: pygen-snapshots/sp_pygen_models.OmniSub.1.json: no snapshot of sp_pygen_models:OmniSub/1" in output
    assert "which needs the 'fetch' extra (keyring is not installed).\n" + HINT in output, output
    assert "Traceback" not in output and 'File "' not in output, output
    assert not any((root / "dist").glob("*.whl"))
    assert not (root / "pygen-snapshots").exists()


def test_the_snapshot_path_imports_neither_the_fetch_extra_nor_the_http_transport() -> None:
    """obtain_models' module (and what it imports) leaves keyring, the cache's packages and httpx to the fetch path."""
    modules = ("keyring", "platformdirs", "filelock", "httpx", "pygen.transport")
    code = "import sys, pygen.generator.fetch._refresh, pygen_hatch.plugin\n"
    code += f"print([m for m in {modules} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_hatch_build_learns_the_fetch_extra_the_way_hatch_asks(tmp_path: Path) -> None:
    """`hatch build` asks hatchling for dynamic build dependencies with `hatchling build --show-dynamic-deps`."""
    site = tmp_path / "no-fetch-extra"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site)}
    command = [Path(sys.executable).parent / "hatchling", "build", "--target", "wheel", "--show-dynamic-deps"]
    must_fetch = make_project(tmp_path / "p", PYGEN + CDF, own_code=False)
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=must_fetch, env=env).stdout
    assert out.strip() == repr(list(FETCH_REQUIREMENTS))
    offline = make_project(tmp_path / "q", PYGEN + CDF, own_code=False, snapshots=SNAPSHOTS)
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=offline, env=env).stdout
    assert out.strip() == "[]"
