"""Every shared data model dump loads, dumps back without losing anything, and reloads equal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _dms_support import missing_from
from testdata import MODELS_DIR

from pygen.dms import (
    DataModel,
    DataModelApply,
    MappedProperty,
    UnknownPropertyType,
    UnknownViewProperty,
    View,
    ViewApply,
    ViewReference,
)

MODEL_FILES = sorted(MODELS_DIR.glob("*.json"))


def test_the_shared_models_are_there() -> None:
    assert {path.stem for path in MODEL_FILES} >= {"CogniteCore", "Omni", "OmniSub", "WindTurbine"}


@pytest.fixture(params=MODEL_FILES, ids=lambda path: path.stem)
def raw_model(request: pytest.FixtureRequest) -> dict[str, object]:
    path: Path = request.param
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_loads_with_inline_views_and_nothing_unknown(raw_model: dict[str, object]) -> None:
    model = DataModel.load(raw_model)
    raw_views = raw_model["views"]
    assert isinstance(raw_views, list)
    views = model.inline_views()
    assert len(views) == len(raw_views) > 0
    for view in views:
        for prop_id, prop in view.properties.items():
            assert not isinstance(prop, UnknownViewProperty), f"{view.external_id}.{prop_id}"
            if isinstance(prop, MappedProperty):
                assert not isinstance(prop.type, UnknownPropertyType), f"{view.external_id}.{prop_id}"


def test_dump_keeps_every_key_and_value(raw_model: dict[str, object]) -> None:
    dumped = DataModel.load(raw_model).dump()
    assert missing_from(raw_model, dumped) == []


def test_dump_then_load_is_equal(raw_model: dict[str, object]) -> None:
    model = DataModel.load(raw_model)
    again = DataModel.load(json.loads(json.dumps(model.dump())))
    assert again == model
    assert again.dump() == model.dump()


def test_dump_adds_discriminators_to_view_and_container_references(raw_model: dict[str, object]) -> None:
    dumped = DataModel.load(raw_model).dump()
    for view in dumped["views"]:
        for ref in view["implements"]:
            assert ref["type"] == "view"
        for prop in view["properties"].values():
            if "container" in prop:
                assert prop["container"]["type"] == "container"
                source = prop["type"].get("source")
                if source is not None:
                    assert source["type"] == "view"
            else:
                assert prop["source"]["type"] == "view"
                assert "connectionType" in prop


def test_as_write_round_trips_in_apply_shape(raw_model: dict[str, object]) -> None:
    model = DataModel.load(raw_model)
    by_reference = model.as_write()
    assert by_reference.views == model.view_references()
    assert all(isinstance(view, ViewReference) for view in by_reference.views or [])

    inline = model.as_write(inline_views=True)
    assert all(isinstance(view, ViewApply) for view in inline.views or [])
    assert DataModelApply.load(inline.dump()) == inline
    # Nothing read-only leaks into the apply shape.
    for view in inline.dump()["views"]:
        assert not {"writable", "queryable", "usedFor", "isGlobal", "createdTime", "lastUpdatedTime"} & set(view)
        for prop in view["properties"].values():
            assert not {"type", "nullable", "immutable", "autoIncrement", "defaultValue"} & set(prop) or (
                prop.get("connectionType", "").endswith("edge_connection")  # an edge's ``type`` is its edge type
            )
            assert "targetsList" not in prop


def test_direct_relation_hints_survive_as_write(raw_model: dict[str, object]) -> None:
    model = DataModel.load(raw_model)
    for view in model.inline_views():
        written = view.as_write()
        for prop_id, prop in view.properties.items():
            if isinstance(prop, MappedProperty) and prop.source is not None:
                assert written.properties is not None
                assert getattr(written.properties[prop_id], "source", None) == prop.source


def test_views_load_on_their_own(raw_model: dict[str, object]) -> None:
    raw_views = raw_model["views"]
    assert isinstance(raw_views, list)
    for raw in raw_views:
        view = View.load(raw)
        assert missing_from(raw, view.dump()) == []
