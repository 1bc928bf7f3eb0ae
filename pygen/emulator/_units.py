"""A small built-in unit catalog and the ``targetUnits`` conversion applied on instance reads.

CDF converts a property whose container property carries ``type.unit`` into the requested unit. The
emulator knows a handful of quantities from CDF's unit catalog (same external ids, ``quantity:unit``);
each unit is ``multiplier`` and ``offset`` to its quantity's base unit: ``base = value * multiplier + offset``.
``unitSystemName`` picks CDF's default unit of the property's quantity in that system (see ``UNIT_SYSTEMS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pygen.emulator._errors import bad_request, show
from pygen.emulator._ids import as_dict, as_list

MAX_TARGET_UNITS = 10


@dataclass(frozen=True)
class Unit:
    """One catalog unit: ``base = value * multiplier + offset``."""

    external_id: str
    multiplier: float
    offset: float = 0.0

    @property
    def quantity(self) -> str:
        return self.external_id.split(":", 1)[0]


_F_MULT = 5.0 / 9.0
UNITS: dict[str, Unit] = {
    unit.external_id: unit
    for unit in (
        # temperature, base kelvin; the offsets are why a conversion is not a plain ratio
        Unit("temperature:k", 1.0),
        Unit("temperature:deg_c", 1.0, 273.15),
        Unit("temperature:deg_f", _F_MULT, 459.67 * _F_MULT),
        # pressure, base pascal
        Unit("pressure:pa", 1.0),
        Unit("pressure:bar", 1e5),
        Unit("pressure:psi", 6894.757293168361),
        # length, base metre
        Unit("length:m", 1.0),
        Unit("length:km", 1000.0),
        Unit("length:ft", 0.3048),
        # mass, base kilogram
        Unit("mass:kilogm", 1.0),
        Unit("mass:lb", 0.45359237),
        # energy, base joule
        Unit("energy:j", 1.0),
        Unit("energy:btu_it", 1055.05585262),
        # power, base watt
        Unit("power:w", 1.0),
        Unit("power:hp", 745.6998715822702),
    )
}

# CDF's unit systems, restricted to the quantities above.
UNIT_SYSTEMS: dict[str, dict[str, str]] = {
    "Default": {
        "temperature": "temperature:deg_c",
        "pressure": "pressure:bar",
        "length": "length:m",
        "mass": "mass:kilogm",
        "energy": "energy:j",
        "power": "power:w",
    },
    "SI": {
        "temperature": "temperature:k",
        "pressure": "pressure:pa",
        "length": "length:m",
        "mass": "mass:kilogm",
        "energy": "energy:j",
        "power": "power:w",
    },
    "Imperial": {
        "temperature": "temperature:deg_f",
        "pressure": "pressure:psi",
        "length": "length:ft",
        "mass": "mass:lb",
        "energy": "energy:btu_it",
        "power": "power:hp",
    },
}

Converter = Callable[[Any], Any]


def convert(value: float, source: str, target: str) -> float:
    """``value`` in unit ``source`` expressed in unit ``target`` (both catalog external ids)."""
    src, dst = UNITS[source], UNITS[target]
    return (value * src.multiplier + src.offset - dst.offset) / dst.multiplier


def converter(source: str, target: str) -> Converter:
    """A function converting a stored value (a number or a list of numbers) from ``source`` to ``target``."""

    def one(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        return convert(float(value), source, target)

    def apply(value: Any) -> Any:
        if isinstance(value, list):
            return [one(item) for item in value]
        return one(value)

    return apply


def parse_target_units(
    raw: object, where: str, units_of: Callable[[str], tuple[bool, object]], label: str
) -> dict[str, Converter]:
    """Validate a ``targetUnits`` list and return a converter per property.

    ``units_of(prop)`` answers ``(exists, unit)``: whether ``label`` has the property, and its container
    property's ``unit`` object (``None`` when it has none).
    """
    entries = as_list(raw, where)
    if not 1 <= len(entries) <= MAX_TARGET_UNITS:
        raise bad_request(f"{where}: targetUnits must have 1 to {MAX_TARGET_UNITS} entries, got {len(entries)}")
    out: dict[str, Converter] = {}
    for index, entry in enumerate(entries):
        ewhere = f"{where}[{index}]"
        obj = as_dict(entry, ewhere)
        prop = obj.get("property")
        if not isinstance(prop, str) or not prop:
            raise bad_request(f"{ewhere}.property: must be a property identifier string, got {show(prop)}")
        if prop in out:
            raise bad_request(f"{ewhere}: property '{prop}' appears more than once in targetUnits")
        unit_ref = as_dict(obj.get("unit"), f"{ewhere}.unit")
        exists, stored = units_of(prop)
        if not exists:
            raise bad_request(f"{ewhere}: property '{prop}' does not exist in {label}")
        stored_id = stored.get("externalId") if isinstance(stored, dict) else None
        if not isinstance(stored_id, str):
            raise bad_request(f"{ewhere}: property '{prop}' of {label} has no unit, so it cannot be converted")
        if stored_id not in UNITS:
            raise bad_request(
                f"{ewhere}: property '{prop}' has unit {show(stored_id)}, which the emulator does not know"
            )
        source_unit = UNITS[stored_id]
        if "externalId" in unit_ref:
            target_id = unit_ref["externalId"]
            if not isinstance(target_id, str) or target_id not in UNITS:
                raise bad_request(f"{ewhere}.unit: unknown unit {show(target_id)} for property '{prop}'")
        elif "unitSystemName" in unit_ref:
            system = unit_ref["unitSystemName"]
            if not isinstance(system, str) or system not in UNIT_SYSTEMS:
                known = ", ".join(UNIT_SYSTEMS)
                raise bad_request(f"{ewhere}.unit: unknown unit system {show(system)} for property '{prop}' ({known})")
            mapped = UNIT_SYSTEMS[system].get(source_unit.quantity)
            if mapped is None:
                raise bad_request(
                    f"{ewhere}.unit: unit system {show(system)} has no unit for quantity {show(source_unit.quantity)} "
                    f"of property '{prop}'"
                )
            target_id = mapped
        else:
            raise bad_request(f"{ewhere}.unit: needs externalId or unitSystemName (property '{prop}')")
        target = UNITS[target_id]
        if target.quantity != source_unit.quantity:
            raise bad_request(
                f"{ewhere}.unit: cannot convert property '{prop}' from {show(stored_id)} to {show(target_id)}: "
                f"different quantities ({source_unit.quantity} vs {target.quantity})"
            )
        out[prop] = converter(stored_id, target_id)
    return out
