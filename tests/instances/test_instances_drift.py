"""Schema drift: unknown properties, unknown enum values, validation off, and errors that name the instance."""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal

import httpx
import pytest
from _instances_support import TEST_SPACE, config
from omni_sdk import OmniClient, PrimitiveNullable

from pygen.instances import (
    EnumProperty,
    InstanceAPI,
    InstanceClient,
    InstanceValidationError,
    Node,
    NodeFields,
    NodeId,
    NodeWrite,
    ViewId,
)
from pygen.transport import HTTPClient

VIEW = ViewId("s", "Pump", "v1")


class PumpWrite(NodeWrite):
    _view_id = VIEW
    status: Literal["running", "stopped"] | None = None


class Pump(Node):
    _view_id = VIEW
    _write_class = PumpWrite
    _property_ids: ClassVar[dict[str, str]] = {"max_pressure": "maxPressure"}
    name: str | None = None
    # An enum: known values are typed, a value added to the model later is kept as a plain string.
    status: Literal["running", "stopped"] | str | None = None
    max_pressure: float | None = None


class PumpFields(NodeFields):
    status = EnumProperty[Literal["running", "stopped"]].of(VIEW, "status")


class PumpAPI(InstanceAPI[Pump, PumpWrite]):
    _read_class = Pump
    _write_class = PumpWrite
    fields = PumpFields


def _node(xid: str, **props: Any) -> dict[str, Any]:
    return {
        "instanceType": "node",
        "space": "s",
        "externalId": xid,
        "version": 1,
        "createdTime": 1,
        "lastUpdatedTime": 2,
        "properties": {"s": {"Pump/v1": props, "Other/v9": {"x": 1}}},
    }


def _client(items: list[dict[str, Any]], *, validate: bool = True) -> PumpAPI:
    body = json.dumps({"items": items}).encode()
    http = HTTPClient(config(), transport=httpx.MockTransport(lambda request: httpx.Response(200, content=body)))
    return PumpAPI(InstanceClient(http, instance_space="s", validate=validate))


def test_unknown_properties_and_views_are_ignored() -> None:
    (pump,) = _client([_node("p1", name="P", brandNewProperty=[1, 2], maxPressure=2.5)]).list()
    assert (pump.name, pump.max_pressure) == ("P", 2.5)
    assert not hasattr(pump, "brandNewProperty")


def test_unknown_enum_value_is_kept_as_a_string() -> None:
    pumps = _client([_node("p1", status="running"), _node("p2", status="maintenance")]).list()
    assert [p.status for p in pumps] == ["running", "maintenance"]
    assert PumpFields.status.in_(["running"]).dump()["in"]["values"] == ["running"]


def test_validation_error_names_instance_and_property() -> None:
    api = _client([_node("ok"), _node("bad-one", maxPressure="very high")])
    with pytest.raises(InstanceValidationError) as info:
        api.list()
    message = str(info.value)
    assert "node s:bad-one" in message and "maxPressure" in message and "Pump/v1" in message
    assert info.value.errors[0]["input"] == "very high"


def test_validation_off_builds_objects_from_what_cdf_sent() -> None:
    api = _client([_node("bad-one", maxPressure="very high", name="still here")], validate=False)
    (pump,) = api.list()
    assert pump.max_pressure == "very high"  # type: ignore[comparison-overlap]
    assert pump.name == "still here"
    assert pump.created_time.year == 1970 and pump.id == NodeId("s", "bad-one")
    assert pump.as_write().dump()["externalId"] == "bad-one"
    assert pump.model_fields_set == {
        "space", "external_id", "version", "created_time", "last_updated_time", "max_pressure", "name"
    }  # fmt: skip
    assert pump.status is None and "very high" in repr(pump)
    assert pump.dump()["properties"]["s"]["Pump/v1"] == {"name": "still here", "maxPressure": "very high"}


def test_missing_required_base_field_is_named() -> None:
    item = _node("p1")
    del item["version"]
    with pytest.raises(InstanceValidationError, match=r"node s:p1 property 'version'"):
        _client([item]).list()


def test_validation_off_per_client_against_the_emulator(omni: OmniClient) -> None:
    raw = OmniClient(omni.http, instance_space=TEST_SPACE, validate=False)
    items = raw.primitive_nullable.list(limit=-1)
    assert len(items) == 5 and all(isinstance(i, PrimitiveNullable) for i in items)
    assert {type(i.type) for i in items} == {type(None)}


def test_class_definition_errors() -> None:
    with pytest.raises(TypeError, match="must set _view_id"):

        class NoView(Node):
            name: str | None = None

    with pytest.raises(TypeError, match="not properties"):

        class BadIds(Node):
            _view_id = VIEW
            _property_ids: ClassVar[dict[str, str]] = {"nope": "x"}
            name: str | None = None


def test_write_objects_refuse_naive_timestamps_and_bad_ids() -> None:
    from datetime import datetime

    from omni_sdk import PrimitiveNullableWrite
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="timezone"):
        PrimitiveNullableWrite(external_id="x", timestamp=datetime(2024, 1, 1))
    with pytest.raises(ValidationError, match="external_id|externalId"):
        PrimitiveNullableWrite(external_id="")
