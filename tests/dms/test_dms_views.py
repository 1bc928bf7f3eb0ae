"""View properties of every kind, the tolerance rules for older/newer shapes, and read -> apply conversion."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from _dms_support import missing_from
from pydantic import ValidationError

from pygen.dms import (
    ContainerReference,
    DirectRelationType,
    EdgeConnection,
    MappedProperty,
    MappedPropertyApply,
    MultiEdgeConnection,
    MultiEdgeConnectionApply,
    MultiReverseDirectRelation,
    MultiReverseDirectRelationApply,
    NodeReference,
    PropertyReference,
    ReverseDirectRelation,
    SingleEdgeConnection,
    SingleEdgeConnectionApply,
    SingleReverseDirectRelation,
    SingleReverseDirectRelationApply,
    TextType,
    UnknownPropertyType,
    UnknownViewProperty,
    View,
    ViewApply,
    ViewReference,
)

PUMP = {"type": "container", "space": "s", "externalId": "Pump"}
SITE_VIEW = {"type": "view", "space": "s", "externalId": "Site", "version": "v1"}
VALVE_VIEW = {"type": "view", "space": "s", "externalId": "Valve", "version": "v1"}
FLOW_VIEW = {"type": "view", "space": "s", "externalId": "FlowEdge", "version": "v1"}
ORDER_VIEW = {"type": "view", "space": "s", "externalId": "WorkOrder", "version": "v1"}

MAPPED_TEXT: dict[str, Any] = {
    "container": PUMP,
    "containerPropertyIdentifier": "name",
    "type": {"type": "text", "list": False, "collation": "ucs_basic"},
    "nullable": False,
    "immutable": False,
    "autoIncrement": False,
    "defaultValue": "unnamed",
    "name": "Name",
    "description": "The pump's name",
    "constraintState": {"nullability": "current"},
}
MAPPED_DIRECT = {
    "container": PUMP,
    "containerPropertyIdentifier": "site",
    "type": {"type": "direct", "list": False, "source": SITE_VIEW},
    "nullable": True,
    "immutable": False,
    "autoIncrement": False,
    "name": "site",
    "constraintState": {},
}
SINGLE_EDGE = {
    "connectionType": "single_edge_connection",
    "type": {"space": "s", "externalId": "main-valve"},
    "source": VALVE_VIEW,
    "edgeSource": None,
    "direction": "outwards",
    "name": "mainValve",
    "description": None,
}
MULTI_EDGE = {
    "connectionType": "multi_edge_connection",
    "type": {"space": "s", "externalId": "flows-to"},
    "source": VALVE_VIEW,
    "edgeSource": FLOW_VIEW,
    "direction": "inwards",
}
SINGLE_REVERSE = {
    "connectionType": "single_reverse_direct_relation",
    "source": ORDER_VIEW,
    "through": {"source": ORDER_VIEW, "identifier": "pump"},
    "targetsList": False,
}
MULTI_REVERSE: dict[str, Any] = {
    "connectionType": "multi_reverse_direct_relation",
    "source": ORDER_VIEW,
    "through": {"source": PUMP, "identifier": "orders"},
    "targetsList": True,
    "name": "orders",
}

KINDS: list[tuple[dict[str, Any], type, type]] = [
    (MAPPED_TEXT, MappedProperty, MappedPropertyApply),
    (MAPPED_DIRECT, MappedProperty, MappedPropertyApply),
    (SINGLE_EDGE, SingleEdgeConnection, SingleEdgeConnectionApply),
    (MULTI_EDGE, MultiEdgeConnection, MultiEdgeConnectionApply),
    (SINGLE_REVERSE, SingleReverseDirectRelation, SingleReverseDirectRelationApply),
    (MULTI_REVERSE, MultiReverseDirectRelation, MultiReverseDirectRelationApply),
]
KIND_IDS = ["mapped-text", "mapped-direct", "single-edge", "multi-edge", "single-reverse", "multi-reverse"]


def _view(**properties: Any) -> dict[str, Any]:
    return {
        "space": "s",
        "externalId": "Pump",
        "version": "v1",
        "name": "Pump",
        "implements": [{"type": "view", "space": "s", "externalId": "Asset", "version": "v1"}],
        "filter": {"hasData": [PUMP]},
        "properties": properties,
        "writable": True,
        "queryable": True,
        "usedFor": "node",
        "mappedContainers": [PUMP],
        "isGlobal": False,
        "createdTime": 1,
        "lastUpdatedTime": 2,
    }


@pytest.mark.parametrize(("raw", "read_cls", "write_cls"), KINDS, ids=KIND_IDS)
def test_every_property_kind_round_trips_exactly(raw: dict[str, Any], read_cls: type, write_cls: type) -> None:
    view = View.load(_view(prop=raw))
    prop = view.properties["prop"]
    assert type(prop) is read_cls
    assert view.dump()["properties"]["prop"] == raw
    written = view.as_write()
    assert written.properties is not None
    assert type(written.properties["prop"]) is write_cls
    assert ViewApply.load(written.dump()) == written


def test_read_view_fields() -> None:
    view = View.load(_view(name=MAPPED_TEXT))
    assert view.as_reference() == ViewReference("s", "Pump", "v1")
    assert view.implements == [ViewReference("s", "Asset", "v1")]
    assert view.filter == {"hasData": [PUMP]}
    assert (view.writable, view.queryable, view.used_for, view.is_global) == (True, True, "node", False)
    assert view.mapped_containers == [ContainerReference("s", "Pump")]
    assert (view.created_time, view.last_updated_time) == (1, 2)
    assert view.referenced_containers() == [ContainerReference("s", "Pump")]
    prop = view.properties["name"]
    assert isinstance(prop, MappedProperty)
    assert isinstance(prop.type, TextType)
    assert (prop.nullable, prop.default_value, prop.name, prop.description) == (
        False,
        "unnamed",
        "Name",
        "The pump's name",
    )
    assert prop.constraint_state is not None and prop.constraint_state.nullability == "current"
    assert prop.source is None


def test_connection_attributes() -> None:
    view = View.load(_view(edge=MULTI_EDGE, reverse=MULTI_REVERSE, single=SINGLE_EDGE))
    edge = view.properties["edge"]
    assert isinstance(edge, EdgeConnection)
    assert edge.type == NodeReference("s", "flows-to")
    assert (edge.source, edge.edge_source, edge.direction) == (
        ViewReference("s", "Valve", "v1"),
        ViewReference("s", "FlowEdge", "v1"),
        "inwards",
    )
    reverse = view.properties["reverse"]
    assert isinstance(reverse, ReverseDirectRelation)
    assert reverse.through == PropertyReference(ContainerReference("s", "Pump"), "orders")
    assert reverse.targets_list is True
    single = view.properties["single"]
    assert isinstance(single, SingleEdgeConnection) and single.edge_source is None


def test_direction_defaults_to_outwards() -> None:
    raw = {k: v for k, v in MULTI_EDGE.items() if k != "direction"}
    edge = View.load(_view(edge=raw)).properties["edge"]
    assert isinstance(edge, MultiEdgeConnection) and edge.direction == "outwards"


def test_as_write_shapes() -> None:
    view = View.load(_view(name=MAPPED_TEXT, site=MAPPED_DIRECT, reverse=MULTI_REVERSE))
    written = view.as_write().dump()
    assert set(written) == {"space", "externalId", "version", "name", "implements", "filter", "properties"}
    assert written["properties"]["name"] == {
        "container": PUMP,
        "containerPropertyIdentifier": "name",
        "name": "Name",
        "description": "The pump's name",
    }
    assert written["properties"]["site"] == {
        "container": PUMP,
        "containerPropertyIdentifier": "site",
        "name": "site",
        "source": SITE_VIEW,
    }
    assert "targetsList" not in written["properties"]["reverse"]


# ---- tolerance -------------------------------------------------------------------------------------


def test_old_reverse_relation_without_connection_type_is_multi() -> None:
    raw = {"source": ORDER_VIEW, "through": {"source": ORDER_VIEW, "identifier": "pump"}, "targetsList": False}
    view = View.load(_view(orders=raw))
    prop = view.properties["orders"]
    assert isinstance(prop, MultiReverseDirectRelation)
    dumped = view.dump()["properties"]["orders"]
    assert dumped == {**raw, "connectionType": "multi_reverse_direct_relation"}


def test_old_edge_without_connection_type_is_multi() -> None:
    raw = {k: v for k, v in MULTI_EDGE.items() if k != "connectionType"}
    prop = View.load(_view(edge=raw)).properties["edge"]
    assert isinstance(prop, MultiEdgeConnection)


def test_references_without_type_discriminator_load_and_dump_with_it() -> None:
    def strip(ref: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in ref.items() if k != "type"}

    raw = _view(
        name={**MAPPED_TEXT, "container": strip(PUMP)},
        reverse={
            "connectionType": "multi_reverse_direct_relation",
            "source": strip(ORDER_VIEW),
            "through": {"source": strip(ORDER_VIEW), "identifier": "pump"},
        },
        via_container={
            "connectionType": "multi_reverse_direct_relation",
            "source": strip(ORDER_VIEW),
            "through": {"source": strip(PUMP), "identifier": "orders"},
        },
    )
    raw["implements"] = [strip(ref) for ref in raw["implements"]]
    raw["mappedContainers"] = [strip(PUMP)]
    view = View.load(raw)
    dumped = view.dump()
    assert missing_from(raw, dumped) == []
    assert dumped["implements"][0]["type"] == "view"
    assert dumped["mappedContainers"][0]["type"] == "container"
    assert dumped["properties"]["name"]["container"] == PUMP
    assert dumped["properties"]["reverse"]["through"]["source"] == ORDER_VIEW
    assert dumped["properties"]["via_container"]["through"]["source"] == PUMP


def test_direct_source_outside_type_moves_inside() -> None:
    raw = {**MAPPED_DIRECT, "type": {"type": "direct", "list": False}, "source": SITE_VIEW}
    prop = View.load(_view(site=raw)).properties["site"]
    assert isinstance(prop, MappedProperty)
    assert isinstance(prop.type, DirectRelationType)
    assert prop.type.source == ViewReference("s", "Site", "v1")
    assert prop.source == prop.type.source
    dumped = prop.dump()
    assert "source" not in dumped
    assert dumped["type"]["source"] == SITE_VIEW


def test_direct_source_in_both_places_agreeing_is_kept_once() -> None:
    raw = {**MAPPED_DIRECT, "source": {k: v for k, v in SITE_VIEW.items() if k != "type"}}
    prop = View.load(_view(site=raw)).properties["site"]
    assert isinstance(prop, MappedProperty) and "source" not in prop.dump()
    assert prop.source == ViewReference("s", "Site", "v1")


def test_direct_sources_that_disagree_are_both_kept() -> None:
    other = {"type": "view", "space": "s", "externalId": "Other", "version": "v1"}
    raw = {**MAPPED_DIRECT, "source": other}
    prop = View.load(_view(site=raw)).properties["site"]
    assert prop.dump() == raw


def test_top_level_null_source_is_kept() -> None:
    raw = {**MAPPED_TEXT, "source": None}
    prop = View.load(_view(name=raw)).properties["name"]
    assert isinstance(prop, MappedProperty) and prop.source is None
    assert prop.dump() == raw


def test_missing_optional_fields_load() -> None:
    raw = {
        "space": "s",
        "externalId": "Pump",
        "version": "v1",
        "properties": {
            "name": {"container": {"space": "s", "externalId": "Pump"}, "containerPropertyIdentifier": "name",
                     "type": {"type": "text"}},
        },
    }  # fmt: skip
    view = View.load(raw)
    prop = view.properties["name"]
    assert isinstance(prop, MappedProperty)
    assert (prop.nullable, prop.immutable, prop.auto_increment, prop.default_value) == (True, False, False, None)
    assert (prop.name, prop.description, prop.constraint_state) == (None, None, None)
    assert (view.queryable, view.mapped_containers, view.name, view.filter, view.implements) == (None,) * 5
    assert missing_from(raw, view.dump()) == []
    assert set(view.dump()) == set(raw)  # unset defaults are not invented


def test_explicit_nulls_are_kept() -> None:
    raw = _view(name={**MAPPED_TEXT, "name": None, "description": None, "defaultValue": None})
    raw.update(name=None, description=None, filter=None)
    view = View.load(raw)
    assert view.dump() == raw


def test_nulls_in_fields_with_defaults_load_as_defaults_and_dump_back() -> None:
    raw = _view(
        name={**MAPPED_TEXT, "nullable": None, "autoIncrement": None, "type": {"type": "text", "list": None}},
        edge={**MULTI_EDGE, "direction": None},
    )
    raw.update(isGlobal=None, properties={**raw["properties"]})
    view = View.load(raw)
    prop = view.properties["name"]
    assert isinstance(prop, MappedProperty) and isinstance(prop.type, TextType)
    assert (prop.nullable, prop.auto_increment, prop.type.is_list) == (True, False, False)
    edge = view.properties["edge"]
    assert isinstance(edge, MultiEdgeConnection) and edge.direction == "outwards"
    assert view.is_global is False
    assert view.dump() == raw
    assert View.load(view.dump()) == view
    assert "direction" not in view.as_write().dump()["properties"]["edge"]


def test_null_discriminators_are_written_with_their_value() -> None:
    raw = _view(edge={**MULTI_EDGE, "connectionType": None})
    raw["implements"] = [{**raw["implements"][0], "type": None}]
    view = View.load(raw)
    assert view.implements == [ViewReference("s", "Asset", "v1")]
    assert isinstance(view.properties["edge"], MultiEdgeConnection)
    dumped = view.dump()
    assert dumped["implements"][0]["type"] == "view"
    assert dumped["properties"]["edge"]["connectionType"] == "multi_edge_connection"


def test_null_in_a_required_field_is_an_error() -> None:
    with pytest.raises(ValidationError, match="properties.name.mapped.containerPropertyIdentifier"):
        View.load(_view(name={**MAPPED_TEXT, "containerPropertyIdentifier": None}))


def test_unknown_fields_are_kept_everywhere() -> None:
    raw = _view(
        name={**MAPPED_TEXT, "searchable": True, "type": {**MAPPED_TEXT["type"], "normalizer": "lowercase"}},
        edge={**MULTI_EDGE, "maxEdges": 10},
        reverse={**MULTI_REVERSE, "through": {**MULTI_REVERSE["through"], "hint": "x"}},
    )
    raw["implements"][0]["extra"] = 1
    raw["newReadOnlyField"] = {"nested": [1, 2]}
    view = View.load(raw)
    assert view.model_extra == {"newReadOnlyField": {"nested": [1, 2]}}
    assert view.dump() == raw
    # Unknown keys are not sent back in the apply shape: they may be read-only.
    written = view.as_write().dump()
    assert "newReadOnlyField" not in written
    assert "searchable" not in written["properties"]["name"]


def test_unknown_property_type_in_a_view_is_kept() -> None:
    raw = _view(embedding={**MAPPED_TEXT, "type": {"type": "vector", "dimensions": 3}})
    view = View.load(raw)
    prop = view.properties["embedding"]
    assert isinstance(prop, MappedProperty) and isinstance(prop.type, UnknownPropertyType)
    assert view.dump() == raw


def test_unknown_connection_type_is_kept_raw() -> None:
    raw = {"connectionType": "multi_hop_connection", "hops": [{"type": {"space": "s", "externalId": "x"}}]}
    view = View.load(_view(hops=raw))
    prop = view.properties["hops"]
    assert isinstance(prop, UnknownViewProperty)
    assert prop.is_unknown and prop.connection_type == "multi_hop_connection"
    assert view.dump()["properties"]["hops"] == raw
    assert view.as_write().dump()["properties"]["hops"] == raw


def test_load_does_not_mutate_its_input() -> None:
    raw = _view(site={**MAPPED_DIRECT, "type": {"type": "direct"}, "source": SITE_VIEW})
    before = copy.deepcopy(raw)
    View.load(raw)
    assert raw == before


def test_reads_are_not_validated_against_identifier_rules() -> None:
    raw = _view(space={**MAPPED_TEXT, "containerPropertyIdentifier": "bad-id"})
    raw["space"] = "cdf"  # reserved, but CDF returned it: reading must work
    view = View.load(raw)
    with pytest.raises(ValidationError) as info:
        view.as_write()
    message = str(info.value)
    assert "space 'cdf' is reserved" in message
    assert "property id 'space' is reserved" in message


def test_mapped_property_without_container_is_an_error_not_unknown() -> None:
    raw = {k: v for k, v in MAPPED_TEXT.items() if k != "container"}
    with pytest.raises(ValidationError, match="properties.name.mapped.container"):
        View.load(_view(name=raw))


def test_bad_property_names_its_location() -> None:
    raw = _view(name={**MAPPED_TEXT, "container": {"space": "s"}})
    with pytest.raises(ValidationError) as info:
        View.load(raw)
    assert "properties.name.mapped.container.externalId" in str(info.value)


# ---- apply shapes ----------------------------------------------------------------------------------


def test_view_apply_validates_identifiers() -> None:
    good = {"space": "s", "external_id": "Pump", "version": "v1"}
    ViewApply(**good)
    for key, value, fragment in [
        ("space", "1abc", "space '1abc' is invalid"),
        ("external_id", "Float", "externalId 'Float' is reserved"),
        ("version", "v1_", "version 'v1_' is invalid"),
        ("name", "x" * 256, "name must be at most 255 characters"),
        ("description", "x" * 1025, "description must be at most 1024 characters"),
    ]:
        with pytest.raises(ValidationError, match=fragment):
            ViewApply(**{**good, key: value})


def test_view_apply_validates_property_ids_and_container_identifiers() -> None:
    mapped = MappedPropertyApply(container=ContainerReference("s", "Pump"), container_property_identifier="name")
    with pytest.raises(ValidationError, match="property id 'externalId' is reserved"):
        ViewApply(space="s", external_id="Pump", version="v1", properties={"externalId": mapped})
    with pytest.raises(ValidationError, match="containerPropertyIdentifier 'my-name' is invalid"):
        MappedPropertyApply(container=ContainerReference("s", "Pump"), container_property_identifier="my-name")


def test_view_apply_built_in_code_dumps_only_what_was_given() -> None:
    view = ViewApply(
        space="s",
        external_id="Pump",
        version="v1",
        implements=[ViewReference("s", "Asset", "v1")],
        properties={
            "name": MappedPropertyApply(
                container=ContainerReference("s", "Pump"), container_property_identifier="name"
            ),
            "valves": MultiEdgeConnectionApply(
                type=NodeReference("s", "flows-to"), source=ViewReference("s", "Valve", "v1")
            ),
            "orders": SingleReverseDirectRelationApply(
                source=ViewReference("s", "WorkOrder", "v1"),
                through=PropertyReference(ViewReference("s", "WorkOrder", "v1"), "pump"),
            ),
        },
    )
    assert view.dump() == {
        "space": "s",
        "externalId": "Pump",
        "version": "v1",
        "implements": [{"type": "view", "space": "s", "externalId": "Asset", "version": "v1"}],
        "properties": {
            "name": {"container": PUMP, "containerPropertyIdentifier": "name"},
            "valves": {
                "type": {"space": "s", "externalId": "flows-to"},
                "source": VALVE_VIEW,
                "connectionType": "multi_edge_connection",
            },
            "orders": {
                "source": ORDER_VIEW,
                "through": {"source": ORDER_VIEW, "identifier": "pump"},
                "connectionType": "single_reverse_direct_relation",
            },
        },
    }
    assert ViewApply.load(view.dump()) == view


def test_populate_by_alias_or_name() -> None:
    assert ViewApply(space="s", externalId="Pump", version="v1") == ViewApply(
        space="s", external_id="Pump", version="v1"
    )
