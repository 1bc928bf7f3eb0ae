from __future__ import annotations

from typing import Any

import pytest
from _emulator_unit import SPACE, pump

from pygen.emulator._errors import ApiError
from pygen.emulator._instances import InstanceService
from pygen.emulator._values import normalize, normalize_timestamp


@pytest.mark.parametrize(
    "value, type_, message",
    [
        ("1", {"type": "int32"}, "expected int32, got string"),
        (2**31, {"type": "int32"}, "out of range"),
        (True, {"type": "float64"}, "expected float64, got boolean"),
        ("2024-13-01", {"type": "date"}, "expected a date"),
        ("yesterday", {"type": "timestamp"}, "expected a timestamp"),
        ([1], {"type": "json"}, "json values must be objects"),
        ("s:x", {"type": "direct"}, "direct relation must be"),
        ("x" * 11, {"type": "text", "maxTextSize": 10}, "longer than the maximum of 10"),
        (["a"] * 4, {"type": "text", "list": True, "maxListSize": 3}, "more than the maximum of 3"),
        ([{"space": "s", "externalId": "x"}] * 101, {"type": "direct", "list": True}, "maximum of 100"),
        ("z", {"type": "enum", "values": {"a": {}}}, "not one of the enum values"),
    ],
)
def test_bad_values_name_where(value: Any, type_: dict[str, Any], message: str) -> None:
    with pytest.raises(ApiError, match=message) as info:
        normalize(value, type_, "items[3] property 'p'")
    assert info.value.message.startswith("items[3] property 'p'")


def test_timestamps_are_normalised_to_utc_millis() -> None:
    assert normalize_timestamp("2024-06-01T12:00:00+02:00") == "2024-06-01T10:00:00.000+00:00"
    assert normalize_timestamp("2024-06-01T12:00:00.5Z") == "2024-06-01T12:00:00.500+00:00"
    assert normalize_timestamp("2024-06-01") is None


@pytest.mark.parametrize(
    "item, message",
    [
        (pump("a", name=None), "property 'name'.*null is not allowed"),
        (pump("a", count=1), "missing required property 'name'"),
        (pump("a", name="x", unknown=1), "property 'unknown'.*Unknown property"),
        (pump("a", name="x", count="many"), r"items\[1\] \(node s:a\) property 'count'.*expected int32"),
        ({"instanceType": "node", "space": "Bad Space!", "externalId": "a"}, "invalid space"),
        ({"instanceType": "node", "space": SPACE, "externalId": ""}, "invalid externalId"),
        ({"instanceType": "thing", "space": SPACE, "externalId": "a"}, "instanceType must be"),
    ],
)
def test_rejected_apply_names_the_item_and_changes_nothing(
    services: tuple[object, InstanceService], item: dict[str, Any], message: str
) -> None:
    service = services[1]
    body = {"items": [pump("ok", name="fine"), item]}
    with pytest.raises(ApiError, match=message) as info:
        service.apply(body)
    assert info.value.status == 400
    assert service.store.count() == 0


def test_too_many_items_is_400(services: tuple[object, InstanceService]) -> None:
    with pytest.raises(ApiError, match="at most 1000"):
        services[1].apply({"items": [pump(f"a{i}", name="x") for i in range(1001)]})


def test_duplicates_are_reported(services: tuple[object, InstanceService]) -> None:
    with pytest.raises(ApiError) as info:
        services[1].apply({"items": [pump("a", name="x"), pump("a", name="y")]})
    assert info.value.duplicated == [{"space": SPACE, "externalId": "a"}]


def test_noop_write_keeps_version(services: tuple[object, InstanceService]) -> None:
    service = services[1]
    [first] = service.apply({"items": [pump("a", name="x")]})["items"]
    [again] = service.apply({"items": [pump("a", name="x")]})["items"]
    [changed] = service.apply({"items": [pump("a", name="y")]})["items"]
    assert (first["version"], first["wasModified"]) == (1, True)
    assert (again["version"], again["wasModified"]) == (1, False)
    assert (changed["version"], changed["wasModified"]) == (2, True)


def test_deleting_a_node_deletes_its_edges(services: tuple[object, InstanceService]) -> None:
    service = services[1]
    edge = {
        "instanceType": "edge",
        "space": SPACE,
        "externalId": "e",
        "type": {"space": SPACE, "externalId": "t"},
        "startNode": {"space": SPACE, "externalId": "a"},
        "endNode": {"space": SPACE, "externalId": "b"},
    }
    service.apply({"items": [edge], "autoCreateStartNodes": True, "autoCreateEndNodes": True})
    assert service.store.count("edge") == 1
    deleted = service.delete({"items": [{"instanceType": "node", "space": SPACE, "externalId": "a"}]})
    assert deleted["items"] == [{"instanceType": "node", "space": SPACE, "externalId": "a"}]
    assert service.store.count("edge") == 0


def test_rejected_request_does_not_advance_auto_increment(services: tuple[object, InstanceService]) -> None:
    service = services[1]
    service.schema.apply_containers(
        {
            "items": [
                {
                    "space": SPACE,
                    "externalId": "Counter",
                    "properties": {"n": {"type": {"type": "int64"}, "autoIncrement": True, "nullable": False}},
                }
            ]
        }
    )
    source = {"type": "container", "space": SPACE, "externalId": "Counter"}
    good = {"instanceType": "node", "space": SPACE, "externalId": "c1", "sources": [{"source": source}]}
    bad = pump("x", name=None)
    with pytest.raises(ApiError):
        service.apply({"items": [good, bad]})
    service.apply({"items": [good]})
    node = service.byids({"items": [{"space": SPACE, "externalId": "c1"}], "sources": [{"source": source}]})
    assert node["items"][0]["properties"][SPACE]["Counter"] == {"n": 1}


@pytest.mark.parametrize(
    "value, message",
    [
        ({f"k{i}": i for i in range(257)}, "more than 256"),
        ({"k" * 129: 1}, "longer than 128 characters"),
        ({"k": "x" * 10_300}, "larger than 10240 bytes"),
    ],
)
def test_json_limits(value: dict[str, Any], message: str) -> None:
    with pytest.raises(ApiError, match=message):
        normalize(value, {"type": "json"}, "p")


@pytest.mark.parametrize(
    "type_, message",
    [
        ({"type": "enum", "values": {"true": {}}}, 'invalid enum value "true"'),
        ({"type": "enum", "values": {"9lives": {}}}, "invalid enum value"),
        ({"type": "text", "list": True, "maxListSize": 2001}, "between 1 and 2000"),
        ({"type": "vector"}, 'unknown property type "vector"'),
    ],
)
def test_bad_container_property_types(
    services: tuple[Any, InstanceService], type_: dict[str, Any], message: str
) -> None:
    schema = services[0]
    body = {"items": [{"space": SPACE, "externalId": "Bad", "properties": {"p": {"type": type_}}}]}
    with pytest.raises(ApiError, match=message) as info:
        schema.apply_containers(body)
    assert "items[0] (s:Bad) property 'p'" in info.value.message
