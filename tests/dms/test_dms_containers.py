"""Containers: the documented apply example, read shape, constraints, indexes, unknown kinds, validation."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pygen.dms import (
    BTreeIndex,
    Container,
    ContainerApply,
    ContainerProperty,
    ContainerPropertyApply,
    ContainerReference,
    DirectRelationType,
    EnumType,
    Float64Type,
    InvertedIndex,
    RequiresConstraint,
    TextType,
    UniquenessConstraint,
    UnknownConstraint,
    UnknownIndex,
)

# A container apply using every property type, constraint and index kind (docs/dms.md, Schema resources).
APPLY: dict[str, Any] = {
    "space": "s",
    "externalId": "Pump",
    "name": "Pump",
    "description": "…",
    "usedFor": "node",
    "properties": {
        "name": {
            "type": {"type": "text", "list": False, "collation": "ucs_basic", "maxTextSize": 200},
            "nullable": False,
            "immutable": False,
            "autoIncrement": False,
            "defaultValue": None,
            "name": "name",
            "description": "…",
        },
        "tags": {"type": {"type": "text", "list": True, "maxListSize": 50}},
        "pressure": {"type": {"type": "float64", "unit": {"externalId": "pressure:bar", "sourceUnit": "bar"}}},
        "serial": {"type": {"type": "int64"}, "autoIncrement": True, "nullable": False},
        "site": {"type": {"type": "direct", "container": {"type": "container", "space": "s", "externalId": "Site"}}},
        "status": {
            "type": {
                "type": "enum",
                "values": {"running": {"name": "Running"}, "stopped": {}, "unknown": {}},
                "unknownValue": "unknown",
            }
        },
        "ts": {"type": {"type": "timeseries"}},
        "doc": {"type": {"type": "file"}},
        # Not "seq": that is a reserved property id (docs/dms.md, Identifiers and formats).
        "sequenceRef": {"type": {"type": "sequence", "list": True}},
    },
    "constraints": {
        "nameUnique": {"constraintType": "uniqueness", "properties": ["name"], "bySpace": False},
        "needsAsset": {
            "constraintType": "requires",
            "require": {"type": "container", "space": "s", "externalId": "Asset"},
        },
    },
    "indexes": {
        "byName": {"indexType": "btree", "properties": ["name"], "cursorable": True, "bySpace": False},
        "byTags": {"indexType": "inverted", "properties": ["tags"]},
    },
}

# A container as the API returns it, with an index and constraint state (docs/dms.md, Schema resources).
READ: dict[str, Any] = {
    "space": "s",
    "externalId": "Pump",
    "usedFor": "node",
    "isGlobal": False,
    "createdTime": 1,
    "lastUpdatedTime": 2,
    "properties": {
        "name": {
            "type": {"type": "text", "list": False, "collation": "ucs_basic"},
            "nullable": False,
            "immutable": False,
            "autoIncrement": False,
            "constraintState": {"nullability": "current"},
        }
    },
    "constraints": {
        "nameUnique": {"constraintType": "uniqueness", "properties": ["name"], "bySpace": False, "state": "current"}
    },
    "indexes": {
        "byName": {
            "indexType": "btree",
            "properties": ["name"],
            "cursorable": True,
            "bySpace": False,
            "state": "current",
        }
    },
}


def test_apply_example_round_trips() -> None:
    container = ContainerApply.load(APPLY)
    assert container.dump() == APPLY
    assert isinstance(container.properties["pressure"].type, Float64Type)
    assert isinstance(container.properties["status"].type, EnumType)
    site = container.properties["site"].type
    assert isinstance(site, DirectRelationType) and site.container == ContainerReference("s", "Site")
    assert isinstance(container.constraints and container.constraints["nameUnique"], UniquenessConstraint)
    assert isinstance(container.constraints and container.constraints["needsAsset"], RequiresConstraint)
    assert isinstance(container.indexes and container.indexes["byName"], BTreeIndex)
    assert isinstance(container.indexes and container.indexes["byTags"], InvertedIndex)


def test_read_example_and_as_write() -> None:
    container = Container.load(READ)
    assert container.dump() == READ
    assert container.as_reference() == ContainerReference("s", "Pump")
    prop = container.properties["name"]
    assert isinstance(prop, ContainerProperty) and isinstance(prop.type, TextType)
    assert prop.constraint_state is not None and prop.constraint_state.nullability == "current"
    written = container.as_write().dump()
    assert written == {
        "space": "s",
        "externalId": "Pump",
        "usedFor": "node",
        "properties": {
            "name": {
                "type": {"type": "text", "list": False, "collation": "ucs_basic"},
                "nullable": False,
                "immutable": False,
                "autoIncrement": False,
            }
        },
        "constraints": {"nameUnique": {"constraintType": "uniqueness", "properties": ["name"], "bySpace": False}},
        "indexes": {"byName": {"indexType": "btree", "properties": ["name"], "cursorable": True, "bySpace": False}},
    }


def test_unknown_constraint_and_index_kinds_are_kept() -> None:
    raw = {
        **READ,
        "constraints": {"geo": {"constraintType": "spatial", "area": [1, 2], "state": "pending"}},
        "indexes": {"vec": {"indexType": "hnsw", "properties": ["embedding"], "m": 16, "state": "failed"}},
        "futureField": True,
    }
    container = Container.load(raw)
    assert container.constraints is not None and container.indexes is not None
    assert isinstance(container.constraints["geo"], UnknownConstraint)
    assert isinstance(container.indexes["vec"], UnknownIndex)
    assert container.dump() == raw
    written = container.as_write().dump()
    assert written["constraints"] == {"geo": {"constraintType": "spatial", "area": [1, 2]}}
    assert written["indexes"] == {"vec": {"indexType": "hnsw", "properties": ["embedding"], "m": 16}}
    assert "futureField" not in written


def test_container_built_in_code() -> None:
    container = ContainerApply(
        space="s",
        external_id="Pump",
        properties={"name": ContainerPropertyApply(type=TextType(max_text_size=10), nullable=False)},
        constraints={"unique": UniquenessConstraint(properties=["name"])},
        indexes={"byName": BTreeIndex(properties=["name"], cursorable=True)},
    )
    assert container.dump() == {
        "space": "s",
        "externalId": "Pump",
        "properties": {"name": {"type": {"type": "text", "maxTextSize": 10}, "nullable": False}},
        "constraints": {"unique": {"constraintType": "uniqueness", "properties": ["name"]}},
        "indexes": {"byName": {"indexType": "btree", "properties": ["name"], "cursorable": True}},
    }


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"space": "system"}, "space 'system' is reserved"),
        ({"externalId": "Query"}, "externalId 'Query' is reserved"),
        ({"externalId": "has space"}, "externalId 'has space' is invalid"),
        ({"usedFor": "everything"}, "usedFor"),
        ({"properties": {"createdTime": {"type": {"type": "timestamp"}}}}, "property id 'createdTime' is reserved"),
        ({"properties": {"-x": {"type": {"type": "text"}}}}, "property id '-x' is invalid"),
        ({"properties": {"x": {"type": {"type": "text"}, "name": "n" * 256}}}, "properties.x.name"),
        ({"properties": {"x": {"type": {"type": "enum", "values": {"true": {}}}}}}, "enum value 'true' is reserved"),
        ({"indexes": {"i" * 44: {"indexType": "inverted", "properties": ["x"]}}}, "must be 1-43 characters"),
    ],
)
def test_apply_validation_messages(change: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        ContainerApply.load({**APPLY, **change})


def test_reads_accept_what_apply_refuses() -> None:
    raw = {
        **READ,
        "space": "system",
        "usedFor": "everything",
        "properties": {"createdTime": READ["properties"]["name"]},
    }
    assert Container.load(raw).dump() == raw


def test_missing_required_key_names_it() -> None:
    with pytest.raises(ValidationError, match="properties.name.type"):
        Container.load({**READ, "properties": {"name": {"nullable": True}}})
