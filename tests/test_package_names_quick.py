"""``package_name_problem`` answers without importlib.metadata when nothing installed can give the name.

The quick check (``_may_be_installed``) may say "look" too often, never too rarely: every name the full
walk (``runtime_imports``) finds beyond the static list must make it say "look".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pygen.generator._package_names import RUNTIME_IMPORTS, _may_be_installed, package_name_problem, runtime_imports


def test_every_name_the_metadata_walk_finds_is_caught_by_the_quick_check() -> None:
    static = {name.lower() for name in RUNTIME_IMPORTS}
    found = [name for name in runtime_imports() if name not in static]
    assert found, "the environment has distributions beyond the static list"
    assert [name for name in found if not _may_be_installed(name)] == []


@pytest.mark.parametrize("name", ["cognite_core", "my_sdk", "wind_turbine"])
def test_a_free_name_is_free_without_reading_metadata(name: str) -> None:
    assert not _may_be_installed(name)
    assert package_name_problem(name) is None


def test_a_name_on_sys_path_or_installed_takes_the_full_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shadow_pkg").mkdir()
    (tmp_path / "other_dist-1.0.dist-info").mkdir()
    (tmp_path / "other_dist-1.0.dist-info" / "METADATA").write_text("Name: other-dist\nVersion: 1.0\n\nbody\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert _may_be_installed("shadow_pkg")
    assert _may_be_installed("other_dist")
    (tmp_path / "old_egg-1.0-py3.11.egg" / "EGG-INFO").mkdir(parents=True)
    assert _may_be_installed("old_egg")  # an egg folder: a distribution of that name
    assert not _may_be_installed("zipped_egg")
    (tmp_path / "zipped_egg-1.0-py3.11.egg").write_bytes(b"PK")
    assert _may_be_installed("unrelated_name")  # a zipped egg on the path cannot be read quickly: look


def test_generation_reads_no_distribution_metadata(tmp_path: Path) -> None:
    """``pygen generate`` with a free package name never imports importlib.metadata."""
    model = Path(__file__).resolve().parent / "data" / "models" / "OmniSub.json"
    code = (
        "import json, sys\n"
        "from pygen.cli._generate import main\n"
        f"assert main(['--model-file', {str(model)!r}, '--output', {str(tmp_path)!r}]) == 0\n"
        "print(json.dumps('importlib.metadata' in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path)
    assert json.loads(out.stdout.strip().splitlines()[-1]) is False
