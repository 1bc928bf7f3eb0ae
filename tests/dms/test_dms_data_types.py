"""Every property type loads into its class and dumps back unchanged; unknown types are kept raw."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from pygen.dms import (
    BooleanType,
    ContainerProperty,
    ContainerReference,
    DateType,
    DirectRelationType,
    EnumType,
    FileReferenceType,
    Float32Type,
    Float64Type,
    Int32Type,
    Int64Type,
    JsonType,
    PropertyType,
    PropertyTypeBase,
    SequenceReferenceType,
    TextType,
    TimeSeriesReferenceType,
    TimestampType,
    UnknownPropertyType,
    ViewReference,
)

PROPERTY_TYPE: TypeAdapter[Any] = TypeAdapter(PropertyType)

CASES: list[tuple[dict[str, Any], type[PropertyTypeBase]]] = [
    ({"type": "text", "list": False, "collation": "ucs_basic", "maxTextSize": 200}, TextType),
    ({"type": "text", "list": True, "maxListSize": 50}, TextType),
    ({"type": "boolean"}, BooleanType),
    ({"type": "int32", "list": True, "maxListSize": 600}, Int32Type),
    ({"type": "int64", "unit": {"externalId": "count:unit"}}, Int64Type),
    ({"type": "float32"}, Float32Type),
    ({"type": "float64", "unit": {"externalId": "pressure:bar", "sourceUnit": "bar"}}, Float64Type),
    ({"type": "timestamp", "list": False}, TimestampType),
    ({"type": "date"}, DateType),
    ({"type": "json", "list": True}, JsonType),
    (
        {
            "type": "enum",
            "values": {"running": {"name": "Running", "description": None}, "stopped": {}, "unknown": {}},
            "unknownValue": "unknown",
        },
        EnumType,
    ),
    ({"type": "direct"}, DirectRelationType),
    (
        {
            "type": "direct",
            "list": True,
            "maxListSize": 100,
            "container": {"type": "container", "space": "s", "externalId": "Site"},
            "source": {"type": "view", "space": "s", "externalId": "Site", "version": "v1"},
        },
        DirectRelationType,
    ),
    ({"type": "timeseries"}, TimeSeriesReferenceType),
    ({"type": "file", "list": True}, FileReferenceType),
    ({"type": "sequence", "list": True, "maxListSize": 10}, SequenceReferenceType),
]


@pytest.mark.parametrize(("raw", "cls"), CASES, ids=lambda value: value["type"] if isinstance(value, dict) else "")
def test_property_type_round_trip(raw: dict[str, Any], cls: type[PropertyTypeBase]) -> None:
    loaded: Any = PROPERTY_TYPE.validate_python(raw)
    assert type(loaded) is cls
    assert not loaded.is_unknown
    assert loaded.dump() == raw
    assert PROPERTY_TYPE.validate_python(loaded.dump()) == loaded


def test_property_type_attributes_are_snake_case() -> None:
    text = PROPERTY_TYPE.validate_python({"type": "text", "list": True, "maxTextSize": 10, "maxListSize": 5})
    assert (text.is_list, text.max_text_size, text.max_list_size) == (True, 10, 5)
    number = PROPERTY_TYPE.validate_python({"type": "float64", "unit": {"externalId": "length:m", "sourceUnit": "m"}})
    assert (number.unit.external_id, number.unit.source_unit) == ("length:m", "m")
    enum = PROPERTY_TYPE.validate_python({"type": "enum", "values": {"a": {"name": "A"}}, "unknownValue": "a"})
    assert (enum.values["a"].name, enum.unknown_value) == ("A", "a")


def test_defaults_are_the_api_defaults_and_are_not_dumped() -> None:
    text = TextType()
    assert text.is_list is False and text.collation is None
    assert text.dump() == {"type": "text"}
    assert TextType(is_list=True).dump() == {"type": "text", "list": True}
    assert TextType.model_validate({"list": True}).is_list is True


def test_direct_relation_references_get_their_discriminators() -> None:
    loaded = PROPERTY_TYPE.validate_python(
        {
            "type": "direct",
            "container": {"space": "s", "externalId": "Site"},
            "source": {"space": "s", "externalId": "Site", "version": "v1"},
        }
    )
    assert loaded.container == ContainerReference("s", "Site")
    assert loaded.source == ViewReference("s", "Site", "v1")
    assert loaded.dump()["container"]["type"] == "container"
    assert loaded.dump()["source"]["type"] == "view"


def test_unknown_property_type_keeps_everything() -> None:
    raw = {"type": "vector", "dimensions": 512, "metric": {"name": "cosine"}, "list": False}
    loaded = PROPERTY_TYPE.validate_python(raw)
    assert isinstance(loaded, UnknownPropertyType)
    assert loaded.is_unknown
    assert loaded.type == "vector"
    assert loaded.model_extra == {"dimensions": 512, "metric": {"name": "cosine"}}
    assert loaded.dump() == raw


def test_unknown_keys_on_a_known_type_are_kept() -> None:
    raw = {"type": "float64", "unit": {"externalId": "length:m", "quantity": "Length"}, "precision": 3}
    loaded = PROPERTY_TYPE.validate_python(raw)
    assert isinstance(loaded, Float64Type)
    assert loaded.dump() == raw


def test_property_type_without_type_is_an_error_naming_the_key() -> None:
    with pytest.raises(ValidationError) as info:
        ContainerProperty.load({"type": {"list": False}})
    assert "type" in str(info.value)


def test_bad_value_names_the_location() -> None:
    with pytest.raises(ValidationError) as info:
        ContainerProperty.load({"type": {"type": "text", "maxTextSize": "big"}})
    assert "type.text.maxTextSize" in str(info.value)
