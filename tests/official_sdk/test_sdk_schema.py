"""cognite-sdk tour, part 1: spaces, containers, views (inherited properties) and data models."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from _official_sdk_support import ASSET_PROPERTIES, Schema
from cognite.client import CogniteClient
from cognite.client.data_classes.data_modeling import (
    ContainerApply,
    ContainerId,
    ContainerPropertyApply,
    DataModelApply,
    DataModelId,
    Float64,
    Int64,
    MappedProperty,
    MappedPropertyApply,
    MultiEdgeConnection,
    SpaceApply,
    Text,
    ViewApply,
    ViewId,
)
from cognite.client.exceptions import CogniteAPIError

pytestmark = pytest.mark.xdist_group("official_sdk")


def test_spaces_apply_list_retrieve_delete(client: CogniteClient) -> None:
    spaces = client.data_modeling.spaces
    names = sorted(f"sdk_sp{i}_{secrets.token_hex(4)}" for i in range(3))
    applied = spaces.apply([SpaceApply(name, name=f"Space {i}", description=f"#{i}") for i, name in enumerate(names)])
    assert sorted(s.space for s in applied) == names
    assert all(not s.is_global and s.created_time > 0 for s in applied)

    listed = {s.space: s for s in spaces.list(limit=-1)}
    assert set(names) <= set(listed)
    assert [listed[name].name for name in names] == ["Space 0", "Space 1", "Space 2"]

    one = spaces.retrieve(names[1])
    assert one is not None and one.space == names[1] and one.description == "#1"
    several = spaces.retrieve([names[0], "sdk_no_such_space", names[2]])
    assert sorted(s.space for s in several) == [names[0], names[2]]  # a missing id is left out
    assert spaces.retrieve("sdk_no_such_space") is None

    # re-applying changes the name, keeps the creation time
    renamed = spaces.apply(SpaceApply(names[0], name="Renamed"))
    assert renamed.name == "Renamed" and renamed.created_time == listed[names[0]].created_time

    assert sorted(spaces.delete(names)) == names
    assert not set(names) & {s.space for s in spaces.list(limit=-1)}
    assert len(spaces.retrieve(names)) == 0


def test_containers_views_and_data_models(client: CogniteClient, fresh_space: Callable[[str], str]) -> None:
    schema = Schema(fresh_space("sdk_schema"), fresh_space("sdk_schema_types"))
    dm = client.data_modeling

    containers = dm.containers.apply(schema.containers())
    assert sorted(c.external_id for c in containers) == ["TourAsset", "TourFlow", "TourPump"]
    listed_containers = dm.containers.list(space=schema.space, limit=-1)
    assert sorted(c.external_id for c in listed_containers) == ["TourAsset", "TourFlow", "TourPump"]
    asset_container = dm.containers.retrieve(schema.asset_container)
    assert asset_container is not None
    assert set(asset_container.properties) == set(ASSET_PROPERTIES)
    assert asset_container.properties["name"].nullable is False
    assert isinstance(asset_container.properties["value"].type, Float64)
    assert isinstance(asset_container.properties["count"].type, Int64)
    tags_type = asset_container.properties["tags"].type
    assert isinstance(tags_type, Text) and tags_type.is_list
    assert asset_container.used_for == "node"
    assert [c.used_for for c in dm.containers.list(space=schema.space, used_for="edge", limit=-1)] == ["edge"]

    views = dm.views.apply(schema.views())
    assert sorted(v.external_id for v in views) == ["Asset", "Flow", "Pump"]
    assert sorted(v.external_id for v in dm.views.list(space=schema.space, limit=-1)) == ["Asset", "Flow", "Pump"]

    # the Pump view with the properties it inherits from Asset, and without them
    [pump] = dm.views.retrieve(schema.pump)
    assert set(pump.properties) == {*ASSET_PROPERTIES, "outlets", "power"}
    assert pump.implements == [schema.asset]
    power = pump.properties["power"]
    assert isinstance(power, MappedProperty) and power.container == schema.pump_container
    name = pump.properties["name"]
    assert isinstance(name, MappedProperty) and name.container == schema.asset_container
    assert isinstance(name.type, Text) and name.nullable is False
    parent = pump.properties["parent"]
    assert isinstance(parent, MappedProperty) and parent.source == schema.asset
    outlets = pump.properties["outlets"]
    assert isinstance(outlets, MultiEdgeConnection)
    assert (outlets.type, outlets.source, outlets.edge_source) == (schema.flows, schema.asset, schema.flow)
    assert outlets.direction == "outwards"
    assert pump.referenced_containers() == {schema.asset_container, schema.pump_container}
    [own] = dm.views.retrieve(schema.pump, include_inherited_properties=False)
    assert set(own.properties) == {"power"}
    # a retrieve of views that do not exist answers nothing (no error)
    assert len(dm.views.retrieve(ViewId(schema.space, "NoSuchView", "v1"))) == 0
    assert len(dm.views.retrieve([schema.flow, ViewId(schema.space, "NoSuchView", "v1")])) == 1

    model = dm.data_models.apply(schema.data_model())
    assert model.views == [schema.asset, schema.pump, schema.flow]
    [listed_model] = dm.data_models.list(space=schema.space, limit=-1)
    assert listed_model.as_id() == DataModelId(*schema.model)
    [inline] = dm.data_models.retrieve(schema.model, inline_views=True)
    assert [v.as_id() for v in inline.views] == [schema.asset, schema.pump, schema.flow]
    assert set(inline.views[1].properties) == {*ASSET_PROPERTIES, "outlets", "power"}
    [by_id] = dm.data_models.retrieve(schema.model)
    assert by_id.views == [schema.asset, schema.pump, schema.flow]
    assert len(dm.data_models.retrieve((schema.space, "NoSuchModel", "v1"))) == 0

    # a second version of the model: list shows the newest unless asked for all versions
    dm.data_models.apply(DataModelApply(schema.space, "Tour", "v2", views=[schema.asset]))
    assert [m.version for m in dm.data_models.list(space=schema.space, limit=-1)] == ["v2"]
    all_versions = dm.data_models.list(space=schema.space, all_versions=True, limit=-1)
    assert sorted(m.version for m in all_versions) == ["v1", "v2"]

    # delete in dependency order and check each is gone
    assert sorted(m.version for m in dm.data_models.delete(all_versions.as_ids())) == ["v1", "v2"]
    assert len(dm.data_models.list(space=schema.space, all_versions=True, limit=-1)) == 0
    deleted_views = dm.views.delete([schema.asset, schema.pump, schema.flow])
    assert sorted(v.external_id for v in deleted_views) == ["Asset", "Flow", "Pump"]
    assert len(dm.views.list(space=schema.space, limit=-1)) == 0
    deleted_containers = dm.containers.delete([schema.asset_container, schema.pump_container, schema.flow_container])
    assert sorted(c.external_id for c in deleted_containers) == ["TourAsset", "TourFlow", "TourPump"]
    assert dm.containers.retrieve(schema.asset_container) is None


def test_schema_errors_name_the_offending_item(client: CogniteClient, fresh_space: Callable[[str], str]) -> None:
    space = fresh_space("sdk_schema_err")
    dm = client.data_modeling

    # a view mapping a container that does not exist
    ghost = ContainerId(space, "GhostContainer")
    view = ViewApply(space, "Broken", "v1", properties={"x": MappedPropertyApply(ghost, "x")})
    with pytest.raises(CogniteAPIError) as caught:
        dm.views.apply(view)
    assert caught.value.code == 400
    assert "GhostContainer" in caught.value.message or {"space": space, "externalId": "GhostContainer"} in [
        {k: v for k, v in item.items() if k in ("space", "externalId")} for item in caught.value.missing or []
    ], str(caught.value)

    # a data model naming a view that does not exist
    with pytest.raises(CogniteAPIError) as caught:
        dm.data_models.apply(DataModelApply(space, "Broken", "v1", views=[ViewId(space, "GhostView", "v1")]))
    assert caught.value.code == 400
    assert "GhostView" in caught.value.message or any(
        item.get("externalId") == "GhostView" for item in caught.value.missing or []
    ), str(caught.value)

    # a container, a view and a data model in a space that does not exist: CDF's message starts like this
    # (cognite-sdk-python's integration tests, run against CDF: test_containers.py, test_views.py and
    # test_data_models.py in tests/tests_integration/test_api/test_data_modeling, test_apply_invalid_*)
    nowhere = "sdkNoSuchSpace"
    for apply, item in [
        (dm.containers.apply, ContainerApply(nowhere, "C", properties={"x": ContainerPropertyApply(Text())})),
        (dm.views.apply, ViewApply(nowhere, "V", "v1", properties={"x": MappedPropertyApply(ghost, "x")})),
        (dm.data_models.apply, DataModelApply(nowhere, "M", "v1")),
    ]:
        with pytest.raises(CogniteAPIError) as caught:
            apply(item)  # type: ignore[operator]
        assert caught.value.code == 400
        assert "One or more spaces do not exist" in caught.value.message, caught.value.message
        assert nowhere in caught.value.message or {"space": nowhere} in (caught.value.missing or []), str(caught.value)

    # a space name over 255 characters (the same source: test_spaces.py, test_apply_invalid_space, where CDF's
    # whole message is "Request had 1 constraint violations. Please fix the request and try again.
    # [name size must be between 0 and 255]")
    with pytest.raises(CogniteAPIError) as caught:
        dm.spaces.apply(SpaceApply(f"{space}x", name="wayTooLong" * 255))
    assert caught.value.code == 400
    message = caught.value.message
    assert message.startswith("Request had 1 constraint violations. Please fix the request and try again. ["), message
    assert message.endswith("name size must be between 0 and 255]"), message
    assert dm.spaces.retrieve(f"{space}x") is None
    # deleting a space that does not exist deletes nothing, without an error (the same source:
    # test_delete_non_existing_space)
    assert dm.spaces.delete("notExistingSpace") == []

    # nothing of the failed applies was stored
    assert len(dm.views.list(space=space, limit=-1)) == 0
    assert len(dm.data_models.list(space=space, limit=-1)) == 0
