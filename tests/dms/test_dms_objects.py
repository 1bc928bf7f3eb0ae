"""References, spaces and data models; the dump rules shared by every object; the doctests."""

from __future__ import annotations

import doctest
import importlib
from typing import Any

import pytest
from pydantic import ValidationError

from pygen.dms import (
    ContainerReference,
    DataModel,
    DataModelApply,
    DataModelReference,
    NodeReference,
    PropertyReference,
    Space,
    SpaceApply,
    SpaceReference,
    View,
    ViewApply,
    ViewReference,
)


def test_references_positional_keyword_and_alias() -> None:
    assert ViewReference("s", "V", "1") == ViewReference(space="s", external_id="V", version="1")
    assert ViewReference.load({"space": "s", "externalId": "V", "version": "1"}) == ViewReference("s", "V", "1")
    assert ContainerReference("s", "C") == ContainerReference(space="s", externalId="C")
    assert str(ViewReference("s", "V", "1")) == "s:V/1"
    assert str(ContainerReference("s", "C")) == "s:C"
    with pytest.raises(TypeError, match="at most 2 positional"):
        ContainerReference("s", "C", "x")  # type: ignore[call-overload]


def test_references_are_hashable_and_frozen() -> None:
    refs = {ViewReference("s", "V", "1"), ViewReference.load({"space": "s", "externalId": "V", "version": "1"})}
    assert len(refs) == 1
    with pytest.raises(ValidationError):
        ViewReference("s", "V", "1").space = "t"  # type: ignore[misc]


def test_reference_dumps() -> None:
    assert ViewReference("s", "V", "1").dump() == {"type": "view", "space": "s", "externalId": "V", "version": "1"}
    assert ContainerReference("s", "C").dump() == {"type": "container", "space": "s", "externalId": "C"}
    assert NodeReference("s", "n").dump() == {"space": "s", "externalId": "n"}
    assert DataModelReference("s", "M", "1").dump() == {"space": "s", "externalId": "M", "version": "1"}
    assert SpaceReference("s").dump() == {"space": "s"}
    assert ViewReference("s", "V", "1").as_id() == {"space": "s", "externalId": "V", "version": "1"}
    assert ContainerReference("s", "C").as_id() == {"space": "s", "externalId": "C"}


def test_reference_equality_ignores_unknown_keys_but_dump_keeps_them() -> None:
    raw = {"type": "view", "space": "s", "externalId": "V", "version": "1", "future": True}
    ref = ViewReference.load(raw)
    assert ref == ViewReference("s", "V", "1")
    assert hash(ref) == hash(ViewReference("s", "V", "1"))
    assert ref.dump() == raw
    assert ref != ContainerReference("s", "V")


def test_wrong_discriminator_is_an_error() -> None:
    with pytest.raises(ValidationError, match="type"):
        ContainerReference.load({"type": "view", "space": "s", "externalId": "C"})


def test_property_reference_source_is_view_or_container() -> None:
    by_view = PropertyReference.load({"source": {"space": "s", "externalId": "V", "version": "1"}, "identifier": "p"})
    assert by_view.source == ViewReference("s", "V", "1")
    by_container = PropertyReference.load({"source": {"space": "s", "externalId": "C"}, "identifier": "p"})
    assert by_container.source == ContainerReference("s", "C")
    assert by_container.dump() == {"source": {"type": "container", "space": "s", "externalId": "C"}, "identifier": "p"}


def test_space_read_and_apply() -> None:
    raw = {"space": "s", "name": "S", "description": "d", "createdTime": 1, "lastUpdatedTime": 2, "isGlobal": False}
    space = Space.load(raw)
    assert space.dump() == raw
    assert space.as_write() == SpaceApply(space="s", name="S", description="d")
    assert space.as_write().dump() == {"space": "s", "name": "S", "description": "d"}
    assert space.as_reference() == SpaceReference("s")
    with pytest.raises(ValidationError, match="space 'dms' is reserved"):
        SpaceApply(space="dms")
    assert Space.load({"space": "dms"}).space == "dms"


READ_MODEL: dict[str, Any] = {
    "space": "s",
    "externalId": "PumpModel",
    "version": "1",
    "name": "Pumps",
    "description": "d",
    "views": [{"type": "view", "space": "s", "externalId": "Pump", "version": "v1"}],
    "createdTime": 1,
    "lastUpdatedTime": 2,
    "isGlobal": False,
}


def test_data_model_with_references() -> None:
    model = DataModel.load(READ_MODEL)
    assert model.dump() == READ_MODEL
    assert model.view_references() == [ViewReference("s", "Pump", "v1")]
    assert model.inline_views() == []
    assert model.as_reference() == DataModelReference("s", "PumpModel", "1")
    assert model.as_write().dump() == {
        "space": "s",
        "externalId": "PumpModel",
        "version": "1",
        "name": "Pumps",
        "description": "d",
        "views": READ_MODEL["views"],
    }


def test_data_model_view_entries_without_type_are_references() -> None:
    raw = {**READ_MODEL, "views": [{"space": "s", "externalId": "Pump", "version": "v1"}]}
    model = DataModel.load(raw)
    assert model.views == [ViewReference("s", "Pump", "v1")]


def test_data_model_mixing_references_and_inline_views() -> None:
    inline = {"space": "s", "externalId": "Valve", "version": "v1", "properties": {}, "isGlobal": False}
    raw = {**READ_MODEL, "views": [*READ_MODEL["views"], inline]}
    model = DataModel.load(raw)
    assert [type(view) for view in model.views or []] == [ViewReference, View]
    assert model.dump() == raw
    assert model.view_references() == [ViewReference("s", "Pump", "v1"), ViewReference("s", "Valve", "v1")]
    applied = model.as_write(inline_views=True)
    assert [type(view) for view in applied.views or []] == [ViewReference, ViewApply]


def test_data_model_apply_with_inline_view() -> None:
    raw: dict[str, Any] = {
        "space": "s",
        "externalId": "PumpModel",
        "version": "1",
        "views": [
            {"type": "view", "space": "s", "externalId": "Pump", "version": "v1"},
            {"space": "s", "externalId": "Valve", "version": "v1", "properties": {}},
        ],
    }
    model = DataModelApply.load(raw)
    assert isinstance(model.views and model.views[1], ViewApply)
    assert model.dump() == raw
    with pytest.raises(ValidationError, match="views.1.view.externalId"):
        DataModelApply.load({**raw, "views": [raw["views"][0], {**raw["views"][1], "externalId": "Int"}]})


@pytest.mark.parametrize(
    "module", ["_identifiers", "_refs", "_containers", "_views", "_data_models", "_spaces", "_base"]
)
def test_doctests(module: str) -> None:
    mod = importlib.import_module(f"pygen.dms.{module}")
    globs = {**vars(importlib.import_module("pygen.dms")), **vars(mod)}
    failed, _ = doctest.testmod(mod, globs=globs, optionflags=doctest.ELLIPSIS)
    assert failed == 0
