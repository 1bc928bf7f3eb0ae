"""The emulator's unit catalog and ``targetUnits`` conversion on reads."""

from __future__ import annotations

from typing import Any

import pytest

from pygen.emulator._errors import ApiError
from pygen.emulator._instances import InstanceService
from pygen.emulator._query import QueryService
from pygen.emulator._schema import SchemaService
from pygen.emulator._store import Store
from pygen.emulator._units import UNIT_SYSTEMS, UNITS, convert

SPACE = "u"
VIEW = {"type": "view", "space": SPACE, "externalId": "Sensor", "version": "v1"}
CONTAINER = {"type": "container", "space": SPACE, "externalId": "Sensor"}
PROPS: dict[str, Any] = {
    "name": {"type": {"type": "text"}},
    "temp": {"type": {"type": "float64", "unit": {"externalId": "temperature:deg_c", "sourceUnit": "°C"}}},
    "temps": {"type": {"type": "float32", "list": True, "unit": {"externalId": "temperature:deg_c"}}},
    "pressure": {"type": {"type": "float64", "unit": {"externalId": "pressure:bar"}}},
    "plain": {"type": {"type": "float64"}},
    "odd": {"type": {"type": "float64", "unit": {"externalId": "luminosity:candle"}}},
}


@pytest.fixture
def instances() -> InstanceService:
    store = Store()
    schema = SchemaService(store)
    schema.apply_spaces({"items": [{"space": SPACE}]})
    schema.apply_containers({"items": [{"space": SPACE, "externalId": "Sensor", "properties": PROPS}]})
    schema.apply_views(
        {
            "items": [
                {
                    "space": SPACE,
                    "externalId": "Sensor",
                    "version": "v1",
                    "properties": {
                        # the view renames temp: targetUnits name the view property
                        ("celsius" if p == "temp" else p): {"container": CONTAINER, "containerPropertyIdentifier": p}
                        for p in PROPS
                    },
                }
            ]
        }
    )
    service = InstanceService(store, schema)
    values = {"name": "a", "temp": 100.0, "temps": [0.0, -40.0], "pressure": 2.0, "plain": 1.5, "odd": 3.0}
    service.apply(
        {
            "items": [
                {
                    "instanceType": "node",
                    "space": SPACE,
                    "externalId": "a",
                    "sources": [
                        {
                            "source": VIEW,
                            "properties": {("celsius" if k == "temp" else k): v for k, v in values.items()},
                        }
                    ],
                }
            ]
        }
    )
    return service


def _read(
    service: InstanceService, target_units: list[dict[str, Any]], source: dict[str, Any] = VIEW
) -> dict[str, Any]:
    body = {
        "items": [{"instanceType": "node", "space": SPACE, "externalId": "a"}],
        "sources": [{"source": source, "targetUnits": target_units}],
    }
    item = service.byids(body)["items"][0]
    props: dict[str, Any] = item["properties"][SPACE]["Sensor/v1" if source is VIEW else "Sensor"]
    return props


@pytest.mark.parametrize(
    "value, source, target, expected",
    [
        (100.0, "temperature:deg_c", "temperature:deg_f", 212.0),
        (-40.0, "temperature:deg_c", "temperature:deg_f", -40.0),
        (32.0, "temperature:deg_f", "temperature:deg_c", 0.0),
        (0.0, "temperature:deg_c", "temperature:k", 273.15),
        (0.0, "temperature:k", "temperature:deg_f", -459.67),
        (1.0, "pressure:bar", "pressure:pa", 100000.0),
        (1.0, "pressure:psi", "pressure:pa", 6894.757293168361),
        (1.0, "length:km", "length:ft", 1000 / 0.3048),
        (1.0, "mass:lb", "mass:kilogm", 0.45359237),
        (1.0, "energy:btu_it", "energy:j", 1055.05585262),
        (1.0, "power:hp", "power:w", 745.6998715822702),
    ],
)
def test_conversion_math(value: float, source: str, target: str, expected: float) -> None:
    assert convert(value, source, target) == pytest.approx(expected)
    assert convert(convert(value, source, target), target, source) == pytest.approx(value)


def test_unit_systems_only_name_catalog_units_of_the_right_quantity() -> None:
    for system in UNIT_SYSTEMS.values():
        for quantity, unit in system.items():
            assert UNITS[unit].quantity == quantity


def test_view_read_converts_scalar_and_list(instances: InstanceService) -> None:
    props = _read(
        instances,
        [
            {"property": "celsius", "unit": {"externalId": "temperature:deg_f"}},
            {"property": "temps", "unit": {"externalId": "temperature:k"}},
        ],
    )
    assert props["celsius"] == pytest.approx(212.0)
    assert props["temps"] == pytest.approx([273.15, 233.15])
    assert props["pressure"] == 2.0  # not asked for: unchanged
    assert props["plain"] == 1.5


def test_container_read_converts_by_container_property(instances: InstanceService) -> None:
    props = _read(instances, [{"property": "pressure", "unit": {"externalId": "pressure:psi"}}], CONTAINER)
    assert props["pressure"] == pytest.approx(2e5 / 6894.757293168361)
    assert props["temp"] == 100.0


@pytest.mark.parametrize(
    "system, expected_temp, expected_pressure",
    [("Imperial", 212.0, 2e5 / 6894.757293168361), ("SI", 373.15, 2e5), ("Default", 100.0, 2.0)],
)
def test_unit_system_name_maps_per_quantity(
    instances: InstanceService, system: str, expected_temp: float, expected_pressure: float
) -> None:
    props = _read(
        instances,
        [
            {"property": "celsius", "unit": {"unitSystemName": system}},
            {"property": "pressure", "unit": {"unitSystemName": system}},
        ],
    )
    assert props["celsius"] == pytest.approx(expected_temp)
    assert props["pressure"] == pytest.approx(expected_pressure)


def test_stored_data_is_not_changed_by_a_converted_read(instances: InstanceService) -> None:
    _read(instances, [{"property": "celsius", "unit": {"externalId": "temperature:deg_f"}}])
    assert _read(instances, [{"property": "pressure", "unit": {"externalId": "pressure:bar"}}])["celsius"] == 100.0


@pytest.mark.parametrize(
    "target_units, message",
    [
        ([], "1 to 10 entries, got 0"),
        ([{"property": "celsius", "unit": {"externalId": "temperature:deg_f"}}] * 11, "1 to 10 entries, got 11"),
        ("celsius", "targetUnits"),
        (
            [{"property": "celsius", "unit": {"externalId": "temperature:rankine"}}],
            'unknown unit "temperature:rankine"',
        ),
        (
            [{"property": "plain", "unit": {"externalId": "temperature:deg_f"}}],
            "property 'plain' of view u:Sensor/v1 has no unit",
        ),
        ([{"property": "nope", "unit": {"externalId": "temperature:deg_f"}}], "property 'nope' does not exist"),
        ([{"property": "celsius", "unit": {"externalId": "pressure:bar"}}], "different quantities"),
        ([{"property": "celsius", "unit": {"unitSystemName": "Metric"}}], 'unknown unit system "Metric"'),
        ([{"property": "celsius", "unit": {}}], "needs externalId or unitSystemName"),
        ([{"property": "celsius"}], r"targetUnits\[0\]\.unit"),
        ([{"unit": {"externalId": "temperature:deg_f"}}], r"targetUnits\[0\]\.property"),
        ([{"property": "odd", "unit": {"externalId": "temperature:deg_f"}}], '"luminosity:candle"'),
        (
            [{"property": "celsius", "unit": {"externalId": "temperature:k"}}] * 2,
            "appears more than once",
        ),
    ],
)
def test_bad_target_units_are_400_naming_property_and_unit(
    instances: InstanceService, target_units: Any, message: str
) -> None:
    with pytest.raises(ApiError, match=message) as info:
        _read(instances, target_units)
    assert info.value.status == 400
    assert info.value.message.startswith("sources[0].targetUnits")


def test_list_search_and_query_convert(instances: InstanceService) -> None:
    tu = [{"property": "celsius", "unit": {"externalId": "temperature:deg_f"}}]
    listed = instances.list_instances({"sources": [{"source": VIEW, "targetUnits": tu}]})
    assert listed["items"][0]["properties"][SPACE]["Sensor/v1"]["celsius"] == pytest.approx(212.0)
    queries = QueryService(instances)
    found = queries.search({"view": VIEW, "targetUnits": tu})
    assert found["items"][0]["properties"][SPACE]["Sensor/v1"]["celsius"] == pytest.approx(212.0)
    with pytest.raises(ApiError, match=r"^targetUnits\[0\].*'plain'"):
        queries.search({"view": VIEW, "targetUnits": [{"property": "plain", "unit": {"externalId": "length:m"}}]})
    result = queries.query(
        {
            "with": {"s": {"nodes": {}}},
            "select": {"s": {"sources": [{"source": VIEW, "properties": ["*"], "targetUnits": tu}]}},
        }
    )
    assert result["items"]["s"][0]["properties"][SPACE]["Sensor/v1"]["celsius"] == pytest.approx(212.0)
