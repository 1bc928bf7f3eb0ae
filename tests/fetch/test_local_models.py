"""Data models from the project's files: DMS JSON, and Cognite Toolkit YAML (tests/data/toolkit/plant)."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from testdata import DATA_DIR, MODELS_DIR

from pygen.generator import generate
from pygen.generator.config import load_config, parse_config
from pygen.generator.fetch import LocalModelError, ModelRef, SnapshotError, load_model_files, obtain_models, refresh

TOOLKIT = DATA_DIR / "toolkit" / "plant"
COLLIDE = MODELS_DIR / "collide"


def _views(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {view["externalId"]: view for view in model["views"]}


def test_a_toolkit_folder_gives_the_api_read_shape() -> None:
    (local,) = load_model_files(TOOLKIT, shown="toolkit/plant")
    assert local.ref == ModelRef("tk_plant", "Plant", "1")  # `version: "1"`
    assert [path.name for path in local.files] == [
        "Plant.DataModel.yaml",
        "Equipment.Container.yaml",
        "Pump.Container.yaml",
        "Equipment.View.yaml",
        "Pump.View.yaml",
        "Site.View.yaml",
    ]  # the space file is skipped
    views = _views(local.model)
    assert sorted(views) == ["Equipment", "Flow", "Pump", "Site"]
    pump = views["Pump"]["properties"]
    # Inherited from Equipment (its mapping and the container's type and nullability), then its own.
    assert list(pump) == ["name", "installedAt", "site", "ratedPower", "status", "labels", "feeds"]
    assert pump["name"]["type"] == {"type": "text", "list": False, "collation": "ucs_basic"}
    assert (pump["name"]["nullable"], pump["name"]["name"]) == (False, "Name")  # from the container
    assert pump["installedAt"]["description"] == "When it was installed."  # the view's wins
    assert pump["site"]["type"]["source"]["externalId"] == "Site"  # direct relation target from the view
    assert pump["labels"]["type"] == {"type": "text", "list": True} and pump["labels"]["name"] == "Labels"
    assert pump["feeds"]["connectionType"] == "multi_edge_connection"  # the write shape may leave it out
    assert views["Site"]["properties"]["equipment"]["connectionType"] == "multi_reverse_direct_relation"
    assert views["Flow"]["usedFor"] == "edge" and views["Pump"]["usedFor"] == "node"
    assert views["Pump"]["implements"] == [
        {"type": "view", "space": "tk_plant", "externalId": "Equipment", "version": "v1"}
    ]


def test_a_toolkit_model_generates_a_typed_sdk() -> None:
    (local,) = load_model_files(TOOLKIT)
    result = generate([local.model], package="plant_sdk")
    assert result.diagnostics == []
    pump = result.files["plant_sdk/pump.py"]
    assert "    name: str,\n" in pump  # a required property (not nullable in the container)
    assert "    site: SiteWrite | NodeIdLike | None = None\n" in pump
    assert "    feeds: list[FlowToPumpWrite] | None = None\n" in pump  # an edge with properties (Flow)
    assert "equipment: list[Equipment] | None = None" in result.files["plant_sdk/site.py"]
    typescript = generate([local.model], language="typescript", package="plant_ts")
    assert any(path.endswith("views/Pump.ts") for path in typescript.files)


def test_json_files_hold_one_model_or_a_list(tmp_path: Path) -> None:
    (single,) = load_model_files(COLLIDE / "PlantModel.json")
    assert single.ref == ModelRef("collide_a", "PlantModel", "1")
    both = tmp_path / "both.json"
    models = [json.loads((COLLIDE / f"{name}.json").read_text()) for name in ("PlantModel", "OtherModel")]
    both.write_text(json.dumps(models))
    assert [str(local.ref) for local in load_model_files(both)] == ["collide_a:PlantModel/1", "collide_b:OtherModel/1"]


def _toolkit(tmp_path: Path, **files: str) -> Path:
    """A copy of the plant module with ``files`` (relative name -> YAML text, "" deletes) changed."""
    root = tmp_path / "plant"
    shutil.copytree(TOOLKIT, root)
    for name, text in files.items():
        path = root / "data_modeling" / name.replace("__", "/")
        if text:
            path.write_text(textwrap.dedent(text))
        else:
            path.unlink()
    return root


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"views__Site.View.yaml": "space: '{{ space }}'\nexternalId: Site\nversion: v1\n"},
            "plant/data_modeling/views/Site.View.yaml: space holds the Toolkit variable '{{ space }}' that only "
            "`cdf build` resolves: point pygen at the folder `cdf build` writes",
        ),
        (
            {"containers__Pump.Container.yaml": ""},
            "plant/data_modeling/views/Pump.View.yaml: properties.ratedPower maps the container tk_plant:Pump, "
            "which no *.Container.yaml file in the model files defines",
        ),
        (
            {"views__Equipment.View.yaml": ""},
            "plant/data_modeling/Plant.DataModel.yaml: views[0] names the view tk_plant:Equipment/v1, which no "
            "*.View.yaml file in the model files defines",
        ),
        (
            {"Plant.DataModel.yaml": ""},
            "plant: no *.DataModel.yaml file: nothing says which views make the data model",
        ),
        (
            {"views__Pump.View.yaml": "space: tk_plant\nexternalId: Pump\nversion: v1\nproperties: [oops\n"},
            "plant/data_modeling/views/Pump.View.yaml: not valid YAML: expected ',' or ']', but got '<stream end>'",
        ),
        (
            {"views__Extra.View.yaml": "space: tk_plant\nexternalId: Pump\nversion: v1\n"},
            "plant/data_modeling/views/Pump.View.yaml: view tk_plant:Pump/v1 is defined twice (also in "
            "plant/data_modeling/views/Extra.View.yaml)",
        ),
        (
            {"views__Site.View.yaml": "- 42\n"},
            "plant/data_modeling/views/Site.View.yaml: expected a view (a mapping), got int",
        ),
        (
            {
                "views__Equipment.View.yaml": """\
                    space: tk_plant
                    externalId: Equipment
                    version: v1
                    implements: [{space: tk_plant, externalId: Pump, version: v1, type: view}]
                    """
            },
            "plant/data_modeling/views/Equipment.View.yaml: views implement each other (tk_plant:Equipment/v1 -> "
            "tk_plant:Pump/v1 -> tk_plant:Equipment/v1)",
        ),
        (
            {
                "views__Site.View.yaml": """\
                    space: tk_plant
                    externalId: Site
                    version: v1
                    properties:
                      code: {container: {space: tk_plant, externalId: Site}, containerPropertyIdentifier: nope}
                    """
            },
            "plant/data_modeling/views/Site.View.yaml: properties.code maps tk_plant:Site.nope, which "
            "plant/data_modeling/containers/Pump.Container.yaml [1] does not define",
        ),
    ],
)
def test_toolkit_files_that_cannot_give_a_model_are_errors_naming_file_and_item(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    root = _toolkit(tmp_path, **files)
    with pytest.raises(LocalModelError) as info:
        load_model_files(root, shown="plant")
    assert str(info.value).startswith(message), str(info.value)


def test_paths_that_are_not_model_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.yaml").write_text("a: 1\n")
    (tmp_path / "model.txt").write_text("x")
    cases = {
        "missing": "missing: no such file or folder",
        "empty": "empty: no *.DataModel.yaml, *.View.yaml or *.Container.yaml file in the folder",
        "notes.yaml": "notes.yaml: not a Toolkit data model, view or container file (name it *.DataModel.yaml",
        "model.txt": "model.txt: expected a .json data model, Toolkit .yaml files, or a folder of them",
    }
    for name, message in cases.items():
        with pytest.raises(LocalModelError) as info:
            load_model_files(tmp_path / name, shown=name)
        assert str(info.value).startswith(message), str(info.value)


def _project(root: Path, table: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(TOOLKIT, root / "toolkit" / "plant")
    (root / "models").mkdir()
    shutil.copy(COLLIDE / "OtherModel.json", root / "models" / "other.json")
    (root / "pyproject.toml").write_text(table)
    return root


def test_the_project_takes_models_from_its_files_without_credentials(tmp_path: Path) -> None:
    table = '[tool.pygen]\nmodel-files = ["toolkit/plant", "models/other.json"]\npackage = "plant"\n'
    root = _project(tmp_path / "p", table)
    lines: list[str] = []
    obtained = obtain_models(load_config(root), root, report=lines.append)
    assert [(str(item.ref), item.source) for item in obtained] == [
        ("tk_plant:Plant/1", "file"),
        ("collide_b:OtherModel/1", "file"),
    ]
    assert lines == [
        "pygen: tk_plant:Plant/1 from the model files toolkit/plant",
        "pygen: collide_b:OtherModel/1 from the model files models/other.json",
    ]
    assert obtained[1].files == (root / "models" / "other.json",)
    # `pygen refresh` leaves model files alone.
    assert refresh(parse_config({"model-files": ["toolkit/plant"]}), root, report=lines.append) == []
    assert lines[-1].endswith("nothing to do")


def test_one_model_from_two_places_is_an_error(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", "")
    shutil.copy(COLLIDE / "OtherModel.json", root / "models" / "again.json")
    config = parse_config({"model-files": ["models/other.json", "models/again.json"]})
    with pytest.raises(SnapshotError) as info:
        obtain_models(config, root)
    assert str(info.value) == (
        "models/again.json: defines data model collide_b:OtherModel/1, which [tool.pygen] already takes from "
        "another model file; give each data model once"
    )
