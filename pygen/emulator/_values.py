"""Validation and normalisation of property values against a container property type."""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pygen.emulator._errors import bad_request, show
from pygen.emulator._ids import INSTANCE_XID_RE, SPACE_RE

MAX_TEXT_BYTES = 128_000
MAX_JSON_BYTES = 40_960
DEFAULT_MAX_LIST = 1000
DEFAULT_MAX_DIRECT_LIST = 100
#: How deeply a json property value may nest (the emulator's own limit, so that every value it stores can be
#: written back out; README, "JSON depth").
MAX_JSON_DEPTH = 200
INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}

# ASCII digits only (``\d`` alone also takes other scripts' digits); applied with fullmatch (no trailing newline).
_TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}(?::?\d{2})?)?$", re.ASCII
)
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)


def parse_timestamp(text: str) -> datetime | None:
    """Parse the timestamp forms CDF accepts; ``None`` if ``text`` is not one."""
    match = _TIMESTAMP_RE.fullmatch(text)
    if not match:
        return None
    year, month, day, hour, minute, second, frac, zone = match.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    tz = timezone.utc
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or "0")
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        if int(year) < 1:
            return None
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)
    except ValueError:
        return None


def format_timestamp(moment: datetime) -> str:
    """The form the emulator answers with: UTC, milliseconds, ``+00:00``."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+00:00"


def normalize_timestamp(text: str) -> str | None:
    """A timestamp string in the emulator's canonical (sortable) form, or ``None`` if invalid."""
    parsed = parse_timestamp(text)
    return None if parsed is None else format_timestamp(parsed)


def valid_date(text: str) -> bool:
    match = _DATE_RE.fullmatch(text)
    if not match:
        return False
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


def json_depth(value: object, limit: int) -> int:
    """The nesting depth of a JSON value (an object or array holding scalars is 1), counted up to ``limit + 1``."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((child, depth) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def normalize(value: Any, prop_type: dict[str, Any], where: str) -> Any:
    """Check ``value`` against a container property ``type`` and return its stored form.

    ``where`` names the item and the property, e.g. ``"items[0] (s:x) property 'name'"``; it starts every message.
    ``None`` is returned unchanged (nullability is the caller's business).
    """
    if value is None:
        return None
    kind = prop_type.get("type")
    if prop_type.get("list"):
        if not isinstance(value, list):
            raise bad_request(f"{where}: expected a list of {kind}, got {type_name(value)}")
        default_max = DEFAULT_MAX_DIRECT_LIST if kind == "direct" else DEFAULT_MAX_LIST
        max_size = int(prop_type.get("maxListSize") or default_max)
        if len(value) > max_size:
            raise bad_request(f"{where}: list has {len(value)} items, more than the maximum of {max_size}")
        if kind == "json":
            size = len(json.dumps(value).encode())
            if size > MAX_JSON_BYTES:
                raise bad_request(f"{where}: json list is {size} bytes, more than {MAX_JSON_BYTES}")
        out = []
        for index, element in enumerate(value):
            ewhere = f"{where}: list element [{index}]"
            if element is None:
                raise bad_request(f"{ewhere}: null is not allowed in a list")
            out.append(_scalar(element, kind, prop_type, ewhere, in_list=True))
        return out
    return _scalar(value, kind, prop_type, where, in_list=False)


def _scalar(value: Any, kind: Any, prop_type: dict[str, Any], where: str, *, in_list: bool) -> Any:
    if isinstance(value, list):
        if kind == "json":
            raise bad_request(f"{where}: json values must be objects, got a list (wrap arrays in an object)")
        raise bad_request(f"{where}: expected a single {kind}, got a list")
    if kind == "text":
        if not isinstance(value, str):
            raise bad_request(f"{where}: expected text, got {type_name(value)}")
        if "\x00" in value:
            raise bad_request(f"{where}: text must not contain NUL")
        limit = int(prop_type.get("maxTextSize") or MAX_TEXT_BYTES)
        size = len(value.encode())
        if size > limit:
            raise bad_request(f"{where}: text is {size} bytes, longer than the maximum of {limit}")
        return value
    if kind in ("timeseries", "file", "sequence"):
        if not isinstance(value, str) or not value:
            raise bad_request(f"{where}: expected an external id string for {kind}, got {type_name(value)}")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise bad_request(f"{where}: expected boolean, got {type_name(value)}")
        return value
    if kind in INT_RANGES:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise bad_request(f"{where}: expected {kind}, got {type_name(value)} {show(value)}")
        low, high = INT_RANGES[kind]
        if not low <= value <= high:
            raise bad_request(f"{where}: {value} is out of range for {kind}")
        return value
    if kind in ("float32", "float64"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad_request(f"{where}: expected {kind}, got {type_name(value)} {show(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise bad_request(f"{where}: {value} is not a finite number")
        return value
    if kind == "timestamp":
        normalized = normalize_timestamp(value) if isinstance(value, str) else None
        if normalized is None:
            raise bad_request(f"{where}: expected a timestamp like 2024-01-01T12:00:00.000+00:00, got {show(value)}")
        return normalized
    if kind == "date":
        if not isinstance(value, str) or not valid_date(value):
            raise bad_request(f"{where}: expected a date like 2024-01-31, got {show(value)}")
        return value
    if kind == "json":
        if not isinstance(value, dict):
            raise bad_request(f"{where}: json values must be objects, got {type_name(value)}")
        if json_depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise bad_request(f"{where}: the json value is nested more than {MAX_JSON_DEPTH} levels deep")
        if not in_list:
            size = len(json.dumps(value).encode())
            if size > MAX_JSON_BYTES:
                raise bad_request(f"{where}: json object is {size} bytes, more than {MAX_JSON_BYTES}")
        if len(value) > 256:
            raise bad_request(f"{where}: json object has {len(value)} keys, more than 256")
        for key, item in value.items():
            if len(key) > 128:
                raise bad_request(f"{where}: json key {show(key[:20])}... is longer than 128 characters")
            if len(json.dumps(item).encode()) > 10_240:
                raise bad_request(f"{where}: the json value of {show(key)} is larger than 10240 bytes")
        return value
    if kind == "direct":
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("space"), str)
            or not isinstance(value.get("externalId"), str)
            or set(value) - {"space", "externalId"}
        ):
            raise bad_request(f'{where}: a direct relation must be {{"space", "externalId"}}, got {show(value)}')
        if not SPACE_RE.fullmatch(value["space"]) or not INSTANCE_XID_RE.fullmatch(value["externalId"]):
            raise bad_request(f"{where}: invalid direct relation target {show(value)}")
        return {"space": value["space"], "externalId": value["externalId"]}
    if kind == "enum":
        values = prop_type.get("values") or {}
        if not isinstance(value, str) or value not in values:
            raise bad_request(f"{where}: {show(value)} is not one of the enum values {show(sorted(values))}")
        if value == prop_type.get("unknownValue"):
            raise bad_request(f"{where}: the unknownValue {show(value)} cannot be ingested")
        return value
    raise bad_request(f"{where}: unsupported property type {show(kind)}")
