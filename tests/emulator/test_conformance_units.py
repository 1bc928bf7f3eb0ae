"""``targetUnits`` on instance reads: values of a property whose container property has a ``unit`` come back
converted (byids, list, search, query ``select``).

Conversions between well-known units are CDF behaviour. The emulator knows only a small catalog subset and maps
``unitSystemName`` per quantity (see the choices table in the top-level README); those tests, and the exact error
cases, are marked ``unconfirmed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from _conformance import Api, container_ref, node_id, node_write, props, view_ref

PSI_PER_BAR = 1e5 / 6894.757293168361
F = {"externalId": "temperature:deg_f"}


@pytest.fixture
def sensor_space(api: Api, make_space: Callable[..., str]) -> str:
    """A space with a Sensor container/view (``temp`` in °C, ``temps`` list in °C, ``pressure`` in bar) and node s1."""
    space = make_space()
    api.post(
        "/models/containers",
        {
            "items": [
                {
                    "space": space,
                    "externalId": "Sensor",
                    "properties": {
                        "temp": {
                            "type": {"type": "float64", "unit": {"externalId": "temperature:deg_c", "sourceUnit": "°C"}}
                        },
                        "temps": {
                            "type": {"type": "float64", "list": True, "unit": {"externalId": "temperature:deg_c"}}
                        },
                        "pressure": {"type": {"type": "float64", "unit": {"externalId": "pressure:bar"}}},
                        "plain": {"type": {"type": "float64"}},
                    },
                }
            ]
        },
    )
    container = container_ref(space, "Sensor")
    api.post(
        "/models/views",
        {
            "items": [
                {
                    "space": space,
                    "externalId": "Sensor",
                    "version": "v1",
                    "properties": {
                        p: {"container": container, "containerPropertyIdentifier": p}
                        for p in ("temp", "temps", "pressure", "plain")
                    },
                }
            ]
        },
    )
    values = {"temp": 100.0, "temps": [0.0, -40.0], "pressure": 2.0, "plain": 1.5}
    api.post("/models/instances", {"items": [node_write(space, "s1", view_ref(space, "Sensor"), values)]})
    return space


def _source(space: str, *target_units: dict[str, Any]) -> dict[str, Any]:
    return {"source": view_ref(space, "Sensor"), "targetUnits": list(target_units)}


def _byids(api: Api, space: str, *target_units: dict[str, Any]) -> dict[str, Any]:
    body = {"items": [node_id(space, "s1")], "sources": [_source(space, *target_units)]}
    return props(api.post("/models/instances/byids", body)["items"][0], view_ref(space, "Sensor"))


def test_byids_converts_scalars_and_lists_with_offsets(api: Api, sensor_space: str) -> None:
    got = _byids(
        api,
        sensor_space,
        {"property": "temp", "unit": F},
        {"property": "temps", "unit": F},
        {"property": "pressure", "unit": {"externalId": "pressure:psi"}},
    )
    assert got["temp"] == pytest.approx(212.0)
    assert got["temps"] == pytest.approx([32.0, -40.0])
    assert got["pressure"] == pytest.approx(2 * PSI_PER_BAR)
    assert got["plain"] == 1.5


def test_list_search_and_query_convert(api: Api, sensor_space: str) -> None:
    space = sensor_space
    target = {"property": "temp", "unit": {"externalId": "temperature:k"}}
    view = view_ref(space, "Sensor")
    listed = api.post("/models/instances/list", {"sources": [_source(space, target)], "filter": _in_space(space)})
    assert props(listed["items"][0], view)["temp"] == pytest.approx(373.15)
    found = api.post("/models/instances/search", {"view": view, "filter": _in_space(space), "targetUnits": [target]})
    assert props(found["items"][0], view)["temp"] == pytest.approx(373.15)
    query = {
        "with": {"s": {"nodes": {"filter": _in_space(space)}}},
        "select": {"s": {"sources": [_source(space, target) | {"properties": ["temp"]}]}},
    }
    assert props(api.post("/models/instances/query", query)["items"]["s"][0], view)["temp"] == pytest.approx(373.15)


def test_a_converted_read_does_not_change_the_stored_value(api: Api, sensor_space: str) -> None:
    _byids(api, sensor_space, {"property": "temp", "unit": F})
    body = {"items": [node_id(sensor_space, "s1")], "sources": [{"source": view_ref(sensor_space, "Sensor")}]}
    assert props(api.post("/models/instances/byids", body)["items"][0], view_ref(sensor_space, "Sensor"))["temp"] == 100


@pytest.mark.unconfirmed
def test_unit_system_name_picks_the_systems_unit_per_quantity(api: Api, sensor_space: str) -> None:
    imperial = {"unitSystemName": "Imperial"}
    got = _byids(api, sensor_space, {"property": "temp", "unit": imperial}, {"property": "pressure", "unit": imperial})
    assert got["temp"] == pytest.approx(212.0)
    assert got["pressure"] == pytest.approx(2 * PSI_PER_BAR)
    si = {"unitSystemName": "SI"}
    got = _byids(api, sensor_space, {"property": "temp", "unit": si}, {"property": "pressure", "unit": si})
    assert got["temp"] == pytest.approx(373.15)
    assert got["pressure"] == pytest.approx(2e5)


@pytest.mark.unconfirmed
@pytest.mark.parametrize(
    "target_unit, mentions, wording",
    [
        (
            {"property": "temp", "unit": {"externalId": "temperature:no_such_unit"}},
            ["temp", "temperature:no_such_unit"],
            "unknown unit",
        ),
        ({"property": "plain", "unit": F}, ["plain"], "no unit"),
        ({"property": "temp", "unit": {"externalId": "pressure:bar"}}, ["temp", "pressure:bar"], "cannot convert"),
    ],
    ids=["unknown-unit", "property-without-unit", "other-quantity"],
)
def test_bad_target_units_are_400(
    api: Api, sensor_space: str, target_unit: dict[str, Any], mentions: list[str], wording: str
) -> None:
    body = {"items": [node_id(sensor_space, "s1")], "sources": [_source(sensor_space, target_unit)]}
    api.post_error("/models/instances/byids", body, mentions=mentions, emulator_wording=[wording])


@pytest.mark.unconfirmed
def test_target_units_has_1_to_10_entries(api: Api, sensor_space: str) -> None:
    many = [{"property": "temp", "unit": F}] * 11
    for target_units in ([], many):
        body = {"items": [node_id(sensor_space, "s1")], "sources": [_source(sensor_space, *target_units)]}
        api.post_error("/models/instances/byids", body, mentions=["targetUnits"], emulator_wording=["1 to 10"])


def _in_space(space: str) -> dict[str, Any]:
    return {"equals": {"property": ["node", "space"], "value": space}}
