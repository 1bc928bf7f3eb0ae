"""Generated write classes at run time: unknown keywords, required properties, partial updates, JSON objects,
auto-increment properties, and views without properties (the typing side is tests/typing).

The tests that write use an emulator, or the run's copies of the models on a CDF target (tests/sdk_target.py)."""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from _emit_support import load_model, mapped, model, view
from pydantic import ValidationError
from sdk_target import Deployment, on_target, sdk_http, space
from testdata import OMNI_MODEL

from pygen.emulator import EmulatorSettings
from pygen.generator import load_sdk
from pygen.instances import NodeId
from pygen.transport import ClientConfig, Token

DATA = space("sp_writes")


@pytest.fixture(scope="module")
def omni() -> types.ModuleType:
    return load_sdk([on_target(load_model("Omni"))], package="omni_writes")


def test_an_unknown_keyword_is_a_type_error_naming_the_nearest_field(omni: types.ModuleType) -> None:
    with pytest.raises(TypeError) as info:
        omni.PrimitiveNullableWrite(external_id="x", txet="typo")
    assert (
        str(info.value) == "PrimitiveNullableWrite() got an unexpected keyword argument 'txet' (did you mean 'text'?)"
    )
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'externalId' \(did you mean 'external_id'\?\)"):
        omni.PrimitiveNullableWrite(externalId="x")


def test_required_properties_are_required_and_partial_updates_are_not(omni: types.ModuleType) -> None:
    with pytest.raises(TypeError) as info:
        omni.PrimitiveRequiredWrite(external_id="r", text="t", boolean=True)
    assert str(info.value) == (
        "PrimitiveRequiredWrite() is missing the required properties 'date_', 'float32', 'float64', 'int32', "
        "'int64', 'json_', 'timestamp' (not nullable, no default). To change some properties of an existing "
        "instance, use PrimitiveRequiredWrite.partial(...)."
    )
    update = omni.PrimitiveRequiredWrite.partial(external_id="r", text="only this")
    assert update.dump("s")["sources"][0]["properties"] == {"text": "only this"}
    with pytest.raises(TypeError, match="unexpected keyword argument 'txet'"):
        omni.PrimitiveRequiredWrite.partial(external_id="r", txet="typo")
    with pytest.raises(ValidationError):
        omni.PrimitiveRequiredWrite.partial(external_id="r", int32="not a number")


def test_json_properties_take_objects_only(omni: types.ModuleType) -> None:
    assert omni.PrimitiveNullableWrite(external_id="x", json_={"a": [1, None]}).json_ == {"a": [1, None]}
    for value in ([1, 2], "text", 3):
        with pytest.raises(ValidationError, match="json_"):
            omni.PrimitiveNullableWrite(external_id="x", json_=value)


def test_enum_values_are_checked_on_write() -> None:
    sdk = load_sdk([model("Enums", [view("Job", {"status": mapped("enum", values={"done": {}, "failed": {}})})])])
    assert sdk.JobWrite(external_id="j", status="done").status == "done"
    with pytest.raises(ValidationError, match="status"):
        sdk.JobWrite(external_id="j", status="unknown")


@pytest.fixture
def client(omni: types.ModuleType, cdf_run: Deployment | None) -> Iterator[Any]:
    settings = EmulatorSettings(token="t", model_files=[OMNI_MODEL])
    with sdk_http(cdf_run, ClientConfig("p", Token("t"), base_url="http://emulator"), settings, [DATA]) as http:
        yield omni.OmniClient(http, instance_space=DATA)


def test_auto_increment_properties_are_optional_and_writable(omni: types.ModuleType, client: Any) -> None:
    client.upsert(
        [
            omni.PrimitiveWithDefaultsWrite(external_id="given", auto_increment_int32=42),
            omni.PrimitiveWithDefaultsWrite(external_id="counted"),
        ]
    )
    read = {item.external_id: item for item in client.primitive_with_defaults.list(limit=-1)}
    assert read["given"].auto_increment_int32 == 42
    assert isinstance(read["counted"].auto_increment_int32, int)


def test_a_view_without_properties_gets_a_write_class(tmp_path: Path, cdf_run: Deployment | None) -> None:
    tagged = view("Tagged", {})
    tagged["filter"] = {"equals": {"property": ["node", "type"], "value": {"space": DATA, "externalId": "tag"}}}
    raw = on_target(model("Tags", [tagged, view("Named", {"name": mapped("text")})]))
    sdk = load_sdk([raw])
    write = sdk.TaggedWrite(external_id="t1")
    assert write.type == NodeId(DATA, "tag")
    assert write.dump(DATA) == {
        "instanceType": "node",
        "space": DATA,
        "externalId": "t1",
        "type": {"space": DATA, "externalId": "tag"},
    }  # no source: the view maps no container to write through
    path = tmp_path / "tags.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    settings = EmulatorSettings(token="t", model_files=[path])
    with sdk_http(cdf_run, ClientConfig("p", Token("t"), base_url="http://emulator"), settings, [DATA]) as http:
        tags = sdk.TagsClient(http, instance_space=DATA)
        tags.upsert([write, sdk.NamedWrite(external_id="n1", name="not tagged")])
        assert [item.external_id for item in tags.tagged.list(limit=-1)] == ["t1"]


def test_load_reads_timestamps_without_offset_as_utc_and_naive_datetimes_stay_refused(omni: types.ModuleType) -> None:
    view_ref = {"type": "view", "space": space("sp_pygen_models"), "externalId": "PrimitiveNullable", "version": "1"}
    item = {
        "instanceType": "node",
        "space": DATA,
        "externalId": "p",
        "sources": [{"source": view_ref, "properties": {"timestamp": "2024-01-02T03:04:05.678", "text": "t"}}],
    }
    loaded = omni.PrimitiveNullableWrite.load(item)
    assert loaded.timestamp == datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    listed = dict(
        item,
        sources=[
            {
                "source": dict(view_ref, externalId="PrimitiveNullableListed"),
                "properties": {"timestamp": ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00"]},
            }
        ],
    )
    assert omni.PrimitiveNullableListedWrite.load(listed).timestamp == [
        datetime(2024, 1, 1, tzinfo=timezone.utc),
        datetime(2024, 1, 1, 1, tzinfo=timezone.utc),
    ]
    with pytest.raises(ValidationError, match="timezone"):
        omni.PrimitiveNullableWrite(external_id="p", timestamp=datetime(2024, 1, 1))  # naive: refused
