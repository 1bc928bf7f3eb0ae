"""End to end: the runtime's ``target_units=`` against the in-process emulator, which converts units.

The Omni model has no units, so each test re-applies the ``PrimitiveNullable`` container through the HTTP API
with ``float64`` in °C and ``float32`` in bar, then reads through the typed SDK.
"""

from __future__ import annotations

from typing import Any

import pytest
from _instances_support import MODEL_SPACE, TEST_SPACE
from omni_sdk import AsyncOmniClient, OmniClient, PrimitiveNullable, PrimitiveNullableWrite

from pygen.transport import AsyncHTTPClient, BadRequestError, HTTPClient

CONTAINER = {"space": MODEL_SPACE, "externalId": "PrimitiveNullable"}
PSI_PER_BAR = 1e5 / 6894.757293168361
F = "temperature:deg_f"


def _with_units(container: dict[str, Any]) -> dict[str, Any]:
    write = {key: container[key] for key in ("space", "externalId", "properties", "indexes") if key in container}
    write["properties"]["float64"]["type"]["unit"] = {"externalId": "temperature:deg_c", "sourceUnit": "°C"}
    write["properties"]["float32"]["type"]["unit"] = {"externalId": "pressure:bar"}
    return write


def add_units(http: HTTPClient) -> None:
    """Give PrimitiveNullable.float64 the unit °C and float32 the unit bar."""
    container = http.post("/models/containers/byids", json={"items": [CONTAINER]}).json()["items"][0]
    http.post("/models/containers", json={"items": [_with_units(container)]})


async def aadd_units(http: AsyncHTTPClient) -> None:
    container = (await http.post("/models/containers/byids", json={"items": [CONTAINER]})).json()["items"][0]
    await http.post("/models/containers", json={"items": [_with_units(container)]})


@pytest.fixture
def sensors(http: HTTPClient, omni: OmniClient) -> OmniClient:
    add_units(http)
    omni.upsert(
        [
            PrimitiveNullableWrite(external_id="hot", float64=100.0, float32=2.0, text="boiling"),
            PrimitiveNullableWrite(external_id="cold", float64=-40.0, float32=1.0, text="freezing"),
        ]
    )
    return omni


def test_retrieve_converts_into_the_target_units(sensors: OmniClient) -> None:
    hot = sensors.primitive_nullable.retrieve("hot", target_units={"float64": F, "float32": "pressure:psi"})
    assert isinstance(hot, PrimitiveNullable)
    assert hot.float64 == pytest.approx(212.0)
    assert hot.float32 == pytest.approx(2 * PSI_PER_BAR)
    plain = sensors.primitive_nullable.retrieve("hot")
    assert plain is not None and plain.float64 == 100.0  # a converted read leaves the data alone
    many = sensors.primitive_nullable.retrieve(["hot", "cold"], target_units={"float64": "temperature:k"})
    assert [item.float64 for item in many] == pytest.approx([373.15, 233.15])


def test_list_iterate_and_search_convert(sensors: OmniClient) -> None:
    api = sensors.primitive_nullable
    listed = api.list(target_units={"float64": F}, limit=None)
    by_id = {item.external_id: item.float64 for item in listed if item.space == TEST_SPACE}
    assert by_id == pytest.approx({"hot": 212.0, "cold": -40.0})
    page = api.page(target_units={"float64": F})
    assert {item.external_id: item.float64 for item in page.items if item.space == TEST_SPACE} == pytest.approx(by_id)
    found = api.search("boiling", target_units={"float64": F})
    assert [(item.external_id, item.float64) for item in found] == [("hot", pytest.approx(212.0))]


def test_bad_target_units_raise_a_clear_bad_request(sensors: OmniClient) -> None:
    with pytest.raises(BadRequestError, match="temperature:nope"):
        sensors.primitive_nullable.retrieve("hot", target_units={"float64": "temperature:nope"})
    with pytest.raises(BadRequestError, match="'int32'.*no unit"):
        sensors.primitive_nullable.retrieve("hot", target_units={"int32": F})
    with pytest.raises(BadRequestError, match="different quantities"):
        sensors.primitive_nullable.list(target_units={"float64": "pressure:bar"})


@pytest.mark.anyio
async def test_async_retrieve_converts(aomni: AsyncOmniClient) -> None:
    await aadd_units(aomni.http)
    await aomni.upsert(PrimitiveNullableWrite(external_id="hot", float64=100.0))
    hot = await aomni.primitive_nullable.retrieve("hot", target_units={"float64": F})
    assert hot is not None and hot.float64 == pytest.approx(212.0)
