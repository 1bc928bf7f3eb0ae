"""Identifier rules (docs/dms.md, Identifiers and formats) and small helpers for references."""

from __future__ import annotations

import re
from typing import Any

from pygen.emulator._errors import bad_request, show

ViewKey = tuple[str, str, str]
ContainerKey = tuple[str, str]

# Patterns are applied with fullmatch: "$" alone would also accept a trailing newline ("space\n").
SPACE_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_-]{0,41}[a-zA-Z0-9]?$")
SCHEMA_XID_RE = re.compile(r"^[a-zA-Z]([a-zA-Z0-9_]{0,253}[a-zA-Z0-9])?$")
VERSION_RE = re.compile(r"^[a-zA-Z0-9]([.a-zA-Z0-9_-]{0,41}[a-zA-Z0-9])?$")
PROPERTY_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]{0,253}[a-zA-Z0-9]?$")
INSTANCE_XID_RE = re.compile(r"^[^\x00]{1,256}$")
#: The longest externalId of a classic resource (time series, file).
MAX_RESOURCE_XID = 255

RESERVED_SPACES = frozenset(
    "space cdf dms pg3 shared system node edge mapping constraint edge_source history identifier_by_space index "
    "node_source project property_group_constraint property_group_index property_group property version_info".split()
)
RESERVED_SCHEMA_XIDS = frozenset(
    "Query Mutation Subscription String Int32 Int64 Int Float32 Float64 Float Timestamp JSONObject Date Numeric "
    "Boolean PageInfo File Sequence TimeSeries".split()
)
RESERVED_PROPERTIES = frozenset(
    "space externalId createdTime lastUpdatedTime deletedTime edge_id node_id project_id property_group seq "
    "tg_table_name extensions".split()
)


def _text(value: object, what: str, where: str) -> str:
    if not isinstance(value, str):
        raise bad_request(f"{where}: {what} must be a string, got {show(value)}")
    return value


def check_space(value: object, where: str) -> str:
    """Validate a space identifier, naming ``where`` in the error."""
    text = _text(value, "space", where)
    if not SPACE_RE.fullmatch(text):
        raise bad_request(f"{where}: invalid space {show(text)}: must match {SPACE_RE.pattern}")
    return text


def check_new_space(value: object, where: str) -> str:
    """Validate a space identifier that is about to be created (reserved names are refused)."""
    text = check_space(value, where)
    if text in RESERVED_SPACES:
        raise bad_request(f"{where}: space {show(text)} is reserved")
    return text


def check_schema_xid(value: object, where: str, *, new: bool = False) -> str:
    """Validate a container/view/data model externalId."""
    text = _text(value, "externalId", where)
    if not SCHEMA_XID_RE.fullmatch(text):
        raise bad_request(f"{where}: invalid externalId {show(text)}: must match {SCHEMA_XID_RE.pattern}")
    if new and text in RESERVED_SCHEMA_XIDS:
        raise bad_request(f"{where}: externalId {show(text)} is reserved")
    return text


def check_version(value: object, where: str) -> str:
    """Validate a view/data model version."""
    text = _text(value, "version", where)
    if not VERSION_RE.fullmatch(text):
        raise bad_request(f"{where}: invalid version {show(text)}: must match {VERSION_RE.pattern}")
    return text


def check_property_id(value: str, where: str) -> str:
    """Validate a container/view property identifier."""
    if not PROPERTY_RE.fullmatch(value):
        raise bad_request(f"{where}: invalid property identifier {show(value)}: must match {PROPERTY_RE.pattern}")
    if value in RESERVED_PROPERTIES:
        raise bad_request(f"{where}: property identifier {show(value)} is reserved")
    return value


def check_instance_xid(value: object, where: str) -> str:
    """Validate an instance externalId (1-256 characters, no NUL)."""
    text = _text(value, "externalId", where)
    if not INSTANCE_XID_RE.fullmatch(text):
        raise bad_request(f"{where}: invalid externalId {show(text)}: must be 1-256 characters without NUL")
    return text


def as_dict(value: object, where: str) -> dict[str, Any]:
    """Return ``value`` if it is a JSON object, else a 400 naming ``where``."""
    if not isinstance(value, dict):
        raise bad_request(f"{where} must be a JSON object")
    return value


def as_list(value: object, where: str) -> list[Any]:
    """Return ``value`` if it is a JSON array, else a 400 naming ``where``."""
    if not isinstance(value, list):
        raise bad_request(f"{where} must be a JSON array")
    return value


def items_of(body: dict[str, Any], max_items: int, key: str = "items", *, min_items: int = 1) -> list[Any]:
    """The ``items`` list of a request body, checking its size."""
    items = as_list(body.get(key), key)
    if len(items) < min_items:
        raise bad_request(f"{key} must contain at least {min_items} item(s)")
    if len(items) > max_items:
        raise bad_request(
            f"Request had 1 constraint violations. Please fix the request and try again. "
            f"[{key} size must be between {min_items} and {max_items}]"
        )
    return items


def node_ref(value: object, where: str) -> tuple[str, str]:
    """Parse ``{"space", "externalId"}`` into a tuple."""
    ref = as_dict(value, where)
    return check_space(ref.get("space"), where), check_instance_xid(ref.get("externalId"), where)


def view_key(ref: dict[str, Any]) -> tuple[str, str, str]:
    """``(space, externalId, version)`` of a view reference."""
    return str(ref.get("space")), str(ref.get("externalId")), str(ref.get("version"))


def view_ref(key: tuple[str, str, str]) -> dict[str, Any]:
    """A view reference with its discriminator."""
    return {"type": "view", "space": key[0], "externalId": key[1], "version": key[2]}


def container_ref(key: tuple[str, str]) -> dict[str, Any]:
    """A container reference with its discriminator."""
    return {"type": "container", "space": key[0], "externalId": key[1]}


def fmt_view(key: tuple[str, str, str]) -> str:
    return f"{key[0]}:{key[1]}/{key[2]}"


def fmt_container(key: tuple[str, str]) -> str:
    return f"{key[0]}:{key[1]}"


def resource_ref(raw: object, where: str, what: str = "time series") -> dict[str, Any]:
    """Exactly one of ``id``, ``externalId`` or ``instanceId`` (``{space, externalId}``), returned in that shape."""
    item = as_dict(raw, where)
    given = [name for name in ("id", "externalId", "instanceId") if item.get(name) is not None]
    if len(given) != 1:
        raise bad_request(
            f"{where}: identify the {what} with exactly one of id, externalId or instanceId"
            + (f" (got {', '.join(given)})" if given else "")
        )
    name = given[0]
    value = item[name]
    if name == "id":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 2**53 - 1:
            raise bad_request(f"{where}.id must be an integer between 1 and 2^53 - 1, got {show(value)}")
    elif name == "externalId":
        if not isinstance(value, str) or not 1 <= len(value) <= MAX_RESOURCE_XID:
            raise bad_request(f"{where}.externalId must be a string of 1-{MAX_RESOURCE_XID} characters")
    else:
        ref = as_dict(value, f"{where}.instanceId")
        space, xid = ref.get("space"), ref.get("externalId")
        if not isinstance(space, str) or not isinstance(xid, str):
            raise bad_request(f'{where}.instanceId must be {{"space": ..., "externalId": ...}} with two strings')
        value = {"space": space, "externalId": xid}
    return {name: value}


def resource_identity(resource_id: int, external_id: str | None, instance: tuple[str, str] | None) -> dict[str, Any]:
    """How a time series or file names itself in an answer: ``id``, and ``externalId``/``instanceId`` if any."""
    out: dict[str, Any] = {"id": resource_id}
    if external_id is not None:
        out["externalId"] = external_id
    if instance is not None:
        out["instanceId"] = {"space": instance[0], "externalId": instance[1]}
    return out
