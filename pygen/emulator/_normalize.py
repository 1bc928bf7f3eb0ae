"""Request pieces several resources read alike, checked and put in their stored shape: view, container and
source references, optional names and descriptions, container property types (and the connection kinds
of view properties), and the structural check of a filter (its names and nesting; ``_filters`` resolves
its property references when the filter is used)."""

from __future__ import annotations

import re
from typing import Any

from pygen.emulator._errors import ApiError, bad_request, show
from pygen.emulator._ids import as_dict, check_schema_xid, check_space, check_version

ENUM_KEY_RE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,127}$")
PRIMITIVES = {"boolean", "int32", "int64", "float32", "float64", "timestamp", "date", "json"}
CDF_REFS = {"timeseries", "file", "sequence"}
ALL_TYPES = PRIMITIVES | CDF_REFS | {"text", "direct", "enum"}
EDGE_CONNECTIONS = {"single_edge_connection", "multi_edge_connection"}
REVERSE_CONNECTIONS = {"single_reverse_direct_relation", "multi_reverse_direct_relation"}


def opt_text(item: dict[str, Any], key: str, limit: int, path: str) -> str | None:
    """An optional ``name``/``description``; ``path`` is where ``item`` sits in the request (``items[0]``,
    ``items[0].properties.pressure``), named the way CDF names it: ``[items[0].name size must be ...]``."""
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{path}.{key} must be a string, got {show(value)}")
    if len(value) > limit:
        raise bad_request(
            f"Request had 1 constraint violations. Please fix the request and try again. "
            f"[{path}.{key} size must be between 0 and {limit}]"
        )
    return value


def normalize_view_reference(ref: object, where: str) -> dict[str, Any]:
    obj = as_dict(ref, where)
    return {
        "type": "view",
        "space": check_space(obj.get("space"), where),
        "externalId": check_schema_xid(obj.get("externalId"), where),
        "version": check_version(obj.get("version"), where),
    }


def normalize_container_reference(ref: object, where: str) -> dict[str, Any]:
    obj = as_dict(ref, where)
    return {
        "type": "container",
        "space": check_space(obj.get("space"), where),
        "externalId": check_schema_xid(obj.get("externalId"), where),
    }


def normalize_source_reference(ref: object, where: str) -> dict[str, Any]:
    """A view or container reference; the discriminator may be missing (then ``version`` decides)."""
    obj = as_dict(ref, where)
    kind = obj.get("type")
    if kind == "container" or (kind is None and "version" not in obj):
        return normalize_container_reference(obj, where)
    if kind in ("view", None):
        return normalize_view_reference(obj, where)
    raise bad_request(f"{where}: type must be 'view' or 'container', got {show(kind)}")


FILTER_NAMES = {
    "equals", "in", "range", "prefix", "exists", "containsAny", "containsAll", "overlaps",
    "and", "or", "not", "matchAll", "nested", "hasData", "instanceReferences",
}  # fmt: skip


#: How deeply filters may nest (``and``/``or``/``not``/``nested`` inside each other). README, "Filter depth".
MAX_FILTER_DEPTH = 100


def filter_too_deep(where: str) -> ApiError:
    return bad_request(f"{where}: filters are nested more than {MAX_FILTER_DEPTH} levels deep")


def check_filter_shape(spec: object, where: str, depth: int = 1) -> None:
    """Structural check of a filter (names and nesting); property references are resolved when it is used."""
    if depth > MAX_FILTER_DEPTH:
        raise filter_too_deep(where)
    if not isinstance(spec, dict) or len(spec) != 1:
        raise bad_request(f"{where}: a filter is an object with exactly one key, got {show(spec)}")
    ((name, body),) = spec.items()
    if name not in FILTER_NAMES:
        raise bad_request(f"{where}: unknown filter {show(name)}")
    if name in ("and", "or"):
        if not isinstance(body, list) or not body:
            raise bad_request(f"{where}.{name}: needs a non-empty list of filters")
        for index, inner in enumerate(body):
            check_filter_shape(inner, f"{where}.{name}[{index}]", depth + 1)
    elif name == "not":
        check_filter_shape(body, f"{where}.not", depth + 1)
    elif name == "nested":
        check_filter_shape(as_dict(body, f"{where}.nested").get("filter"), f"{where}.nested.filter", depth + 1)


def normalize_property_type(type_: object, where: str) -> dict[str, Any]:
    """A container property ``type`` with defaults filled in (read shape)."""
    obj = as_dict(type_, f"{where}.type")
    kind = obj.get("type")
    if kind not in ALL_TYPES:
        raise bad_request(f"{where}: unknown property type {show(kind)}")
    out: dict[str, Any] = {"type": kind}
    if kind != "enum":
        out["list"] = bool(obj.get("list", False))
    if kind == "text":
        out["collation"] = obj.get("collation") or "ucs_basic"
        if obj.get("maxTextSize") is not None:
            out["maxTextSize"] = obj["maxTextSize"]
    if kind == "direct" and obj.get("container") is not None:
        out["container"] = normalize_container_reference(obj["container"], f"{where}.type.container")
    if kind == "enum":
        values = as_dict(obj.get("values"), f"{where}.type.values")
        if not 1 <= len(values) <= 32:
            raise bad_request(f"{where}: an enum needs 1 to 32 values, got {len(values)}")
        for key in values:
            if not ENUM_KEY_RE.fullmatch(key) or key in ("true", "false", "null"):
                raise bad_request(f"{where}: invalid enum value {show(key)}: must match {ENUM_KEY_RE.pattern}")
        out["values"] = {key: as_dict(val or {}, f"{where}.type.values.{key}") for key, val in values.items()}
        unknown = obj.get("unknownValue")
        if unknown is not None:
            if unknown not in values:
                raise bad_request(f"{where}: unknownValue {show(unknown)} is not one of the enum values")
            out["unknownValue"] = unknown
    if obj.get("maxListSize") is not None:
        size = obj["maxListSize"]
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 2000:
            raise bad_request(f"{where}: maxListSize must be an integer between 1 and 2000, got {show(size)}")
        out["maxListSize"] = size
    if obj.get("unit") is not None:
        out["unit"] = obj["unit"]
    return out
