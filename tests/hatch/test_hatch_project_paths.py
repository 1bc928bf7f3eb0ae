"""The paths pygen reads: snapshots and model files reached through a symbolic link out of the project are
refused (they would be read here and shipped in the sdist), and a folder where a file belongs (or a file where a
folder belongs) is named as such, each message naming the path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _hatch_support import load_model, make_project, run_hook
from testdata import DATA_DIR

from pygen.generator.config import load_config
from pygen.generator.fetch import SnapshotError
from pygen.generator.fetch._refresh import obtain_models, refresh

_links = pytest.mark.skipif(os.name != "posix", reason="symbolic links without privileges")

OMNISUB = "sp_pygen_models:OmniSub/1"
PYGEN = f'[tool.pygen]\nmodels = ["{OMNISUB}"]\npackage = "omni_sdk"\n'
SNAPSHOT = "sp_pygen_models.OmniSub.1.json"


def _outside_snapshots(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / SNAPSHOT).write_text(json.dumps(load_model("OmniSub")), encoding="utf-8")
    return outside


@_links
def test_a_snapshots_folder_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = _outside_snapshots(tmp_path)
    root = make_project(tmp_path / "p", PYGEN + 'snapshots = "snaps"\n', own_code=False)
    (root / "snaps").symlink_to(outside, target_is_directory=True)
    for target in ("wheel", "sdist"):
        with pytest.raises(SnapshotError) as info:
            run_hook(root, target=target)
        assert str(info.value).startswith(
            f"snaps: the snapshots folder is outside the project: it leads to {outside.resolve()} through a "
            "symbolic link. pygen reads only files inside the project"
        )
    result = subprocess.run(
        [sys.executable, "-m", "pygen", "generate", "--project", str(root), "--output", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("pygen generate: error: snaps: the snapshots folder is outside the project")
    assert not (tmp_path / "out").exists()


@_links
def test_a_snapshot_file_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = _outside_snapshots(tmp_path)
    root = make_project(tmp_path / "p", PYGEN, own_code=False)
    (root / "pygen-snapshots").mkdir()
    (root / "pygen-snapshots" / SNAPSHOT).symlink_to(outside / SNAPSHOT)
    with pytest.raises(SnapshotError) as info:
        obtain_models(load_config(root), root)
    assert str(info.value).startswith(
        f"pygen-snapshots/{SNAPSHOT}: the snapshot of {OMNISUB} is outside the project: it leads to "
        f"{(outside / SNAPSHOT).resolve()} through a symbolic link"
    )
    # pygen refresh would write through the link: refused before connecting.
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(text + '[tool.pygen.cdf]\ncluster = "westeurope-1"\nproject = "p"\n')
    with pytest.raises(SnapshotError, match="the snapshot of .* is outside the project"):
        refresh(load_config(root), root, connect=_never)


@_links
def test_model_files_linked_out_of_the_project_are_refused(tmp_path: Path) -> None:
    plant = DATA_DIR / "toolkit" / "plant"
    copy = tmp_path / "outside" / "plant"
    shutil.copytree(plant, copy)
    root = make_project(tmp_path / "p", '[tool.pygen]\nmodel-files = ["models"]\npackage = "plant"\n', own_code=False)
    (root / "models").symlink_to(copy, target_is_directory=True)
    with pytest.raises(SnapshotError) as info:
        obtain_models(load_config(root), root)
    assert str(info.value).startswith("models: this `model-files` entry is outside the project: it leads to ")
    # A real folder with one file linked out of the project: that file is named.
    (root / "models").unlink()
    shutil.copytree(plant, root / "models")
    linked = next(path for path in sorted((root / "models").rglob("*.yaml")) if path.is_file())
    linked.unlink()
    linked.symlink_to(copy / linked.relative_to(root / "models"))
    with pytest.raises(SnapshotError) as info:
        obtain_models(load_config(root), root)
    shown = linked.relative_to(root).as_posix()
    assert str(info.value).startswith(
        f"{shown}: a file of the `model-files` entry models is outside the project: it leads to"
    )


@_links
def test_links_that_stay_inside_the_project_are_fine(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p", PYGEN + 'snapshots = "snaps"\n', own_code=False, snapshots={"real": load_model("OmniSub")}
    )
    (root / "snaps").symlink_to(root / "real", target_is_directory=True)
    assert [item.source for item in obtain_models(load_config(root), root)] == ["snapshot"]


@_links
def test_a_real_sdist_build_refuses_a_linked_snapshots_folder(tmp_path: Path) -> None:
    outside = _outside_snapshots(tmp_path)
    root = make_project(tmp_path / "p", PYGEN + 'snapshots = "snaps"\n', own_code=False)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    hooks = "[tool.hatch.build.hooks.pygen]"  # the hook runs for the sdist too
    (root / "pyproject.toml").write_text(text.replace("[tool.hatch.build.targets.wheel.hooks.pygen]", hooks))
    (root / "snaps").symlink_to(outside, target_is_directory=True)
    command = [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--outdir", str(root / "dist"), str(root)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "snaps: the snapshots folder is outside the project" in result.stdout + result.stderr
    assert not any((root / "dist").glob("*.tar.gz"))


def test_a_folder_where_the_snapshot_belongs_is_named_as_such(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", PYGEN, own_code=False)
    (root / "pygen-snapshots" / SNAPSHOT).mkdir(parents=True)
    with pytest.raises(SnapshotError) as info:
        run_hook(root)
    assert str(info.value).startswith(
        f"pygen-snapshots/{SNAPSHOT}: is a folder, but the snapshot of {OMNISUB} must be a JSON file of that name; "
        "remove the folder and put the snapshot file there"
    )
    assert "update the pin" not in str(info.value)  # not "another version is there"
    # The same with [tool.pygen.cdf]: not a fetch that then fails to write the snapshot.
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(text + '[tool.pygen.cdf]\ncluster = "westeurope-1"\nproject = "p"\n')
    with pytest.raises(SnapshotError, match=f"pygen-snapshots/{SNAPSHOT}: is a folder"):
        obtain_models(load_config(root), root, connect=_never)


def test_a_file_where_the_snapshots_folder_belongs_is_named_as_such(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", PYGEN + 'snapshots = "snaps"\n', own_code=False)
    (root / "snaps").write_text("not a folder\n", encoding="utf-8")
    with pytest.raises(SnapshotError) as info:
        run_hook(root)
    assert str(info.value).startswith(
        "snaps: is a file, but [tool.pygen] `snapshots` must name the folder that holds the snapshots"
    )


def test_a_folder_of_json_models_given_to_generate_says_to_give_the_files(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / SNAPSHOT).write_text(json.dumps(load_model("OmniSub")), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pygen", "generate", "--model-file", str(folder), "--output", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"pygen generate: error: {folder}: no *.DataModel.yaml, *.View.yaml or *.Container.yaml file in the folder; "
        f"it holds JSON files ({SNAPSHOT}), but a folder is read as Cognite Toolkit YAML: give each JSON data model "
        "file itself\n"
    )


def _never(*args: object, **kwargs: object) -> object:
    raise AssertionError("refresh must not connect")
