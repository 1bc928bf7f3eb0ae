"""Identifier rules of the DMS API (docs/dms.md, Identifiers and formats) as pure functions.

Each ``validate_*`` function returns ``None`` for a valid value, else a sentence saying what is
wrong. The standard library only: the generator checks a model's identifiers without importing
pydantic, and ``pygen.dms`` (which re-exports these) builds its validators on them.
"""

from __future__ import annotations

import re
from typing import TypeVar

__all__ = [
    "RESERVED_EXTERNAL_IDS",
    "RESERVED_PROPERTY_IDS",
    "RESERVED_SPACES",
    "ensure_valid",
    "validate_container_property_identifier",
    "validate_description",
    "validate_enum_value",
    "validate_external_id",
    "validate_index_or_constraint_id",
    "validate_name",
    "validate_property_id",
    "validate_space",
    "validate_version",
]

_T = TypeVar("_T")

_SPACE = re.compile(r"[a-zA-Z][a-zA-Z0-9_-]{0,41}[a-zA-Z0-9]?")
_EXTERNAL_ID = re.compile(r"[a-zA-Z]([a-zA-Z0-9_]{0,253}[a-zA-Z0-9])?")
_VERSION = re.compile(r"[a-zA-Z0-9]([.a-zA-Z0-9_-]{0,41}[a-zA-Z0-9])?")
_PROPERTY_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]{0,253}[a-zA-Z0-9]?")
_CONTAINER_PROPERTY_IDENTIFIER = re.compile(r"[a-zA-Z]([a-zA-Z0-9_]{0,253}[a-zA-Z0-9])?")
_ENUM_VALUE = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,127}")

#: Space ids the API refuses (docs/dms.md, "Identifiers and formats").
RESERVED_SPACES = frozenset(
    {
        "space", "cdf", "dms", "pg3", "shared", "system", "node", "edge",
        "mapping", "constraint", "edge_source", "history", "identifier_by_space", "index", "node_source",
        "project", "property_group_constraint", "property_group_index", "property_group", "property",
        "version_info",
    }
)  # fmt: skip
#: External ids of containers, views and data models the API refuses.
RESERVED_EXTERNAL_IDS = frozenset(
    {
        "Query", "Mutation", "Subscription", "String", "Int32", "Int64", "Int", "Float32", "Float64", "Float",
        "Timestamp", "JSONObject", "Date", "Numeric", "Boolean", "PageInfo", "File", "Sequence", "TimeSeries",
    }
)  # fmt: skip
#: Property ids the API refuses. The limits page also lists ``version``, but CDF's own core model
#: (``cdf_cdm:CogniteSourceSystem``) has a ``version`` property, so we follow the OpenAPI list.
RESERVED_PROPERTY_IDS = frozenset(
    {
        "space", "externalId", "createdTime", "lastUpdatedTime", "deletedTime", "edge_id", "node_id",
        "project_id", "property_group", "seq", "tg_table_name", "extensions",
    }
)  # fmt: skip


def _check(
    kind: str, value: object, pattern: re.Pattern[str], rule: str, reserved: frozenset[str] = frozenset()
) -> str | None:
    if not isinstance(value, str):
        return f"{kind} must be a string, got {type(value).__name__}"
    if not pattern.fullmatch(value):
        return f"{kind} {value!r} is invalid: {rule}"
    if value in reserved:
        return f"{kind} {value!r} is reserved by CDF"
    return None


def validate_space(value: str) -> str | None:
    """Why ``value`` is not a valid space id, or None.

    Example:
        >>> validate_space("my_space") is None
        True
        >>> validate_space("cdf")
        "space 'cdf' is reserved by CDF"
    """
    rule = "1-43 characters, letters, digits, '_' and '-', starting with a letter"
    return _check("space", value, _SPACE, rule, RESERVED_SPACES)


def validate_external_id(value: str, kind: str = "externalId") -> str | None:
    """Why ``value`` is not a valid container/view/data model external id, or None."""
    rule = "1-255 characters, letters, digits and '_', starting with a letter and not ending with '_'"
    return _check(kind, value, _EXTERNAL_ID, rule, RESERVED_EXTERNAL_IDS)


def validate_version(value: str) -> str | None:
    """Why ``value`` is not a valid view/data model version, or None."""
    rule = "1-43 characters, letters, digits, '.', '_' and '-', starting and ending with a letter or digit"
    return _check("version", value, _VERSION, rule)


def validate_property_id(value: str) -> str | None:
    """Why ``value`` is not a valid container or view property id, or None."""
    rule = "1-255 characters, letters, digits, '_' and '-', starting with a letter or digit"
    return _check("property id", value, _PROPERTY_ID, rule, RESERVED_PROPERTY_IDS)


def validate_container_property_identifier(value: str) -> str | None:
    """Why ``value`` is not a valid ``containerPropertyIdentifier`` (a view property's mapped id), or None."""
    rule = "1-255 characters, letters, digits and '_', starting with a letter and not ending with '_'"
    return _check("containerPropertyIdentifier", value, _CONTAINER_PROPERTY_IDENTIFIER, rule)


def validate_enum_value(value: str) -> str | None:
    """Why ``value`` is not a valid enum value key, or None."""
    rule = "1-128 characters, letters, digits and '_', not starting with a digit"
    problem = _check("enum value", value, _ENUM_VALUE, rule, frozenset({"true", "false", "null"}))
    return problem


def validate_index_or_constraint_id(value: str) -> str | None:
    """Why ``value`` is not a valid index or constraint id (1-43 characters), or None."""
    if not isinstance(value, str):
        return f"index/constraint id must be a string, got {type(value).__name__}"
    if not 1 <= len(value) <= 43:
        return f"index/constraint id {value!r} must be 1-43 characters, got {len(value)}"
    return None


def validate_name(value: str | None) -> str | None:
    """Why ``value`` is not a valid ``name`` (at most 255 characters), or None."""
    if value is not None and len(value) > 255:
        return f"name must be at most 255 characters, got {len(value)}"
    return None


def validate_description(value: str | None) -> str | None:
    """Why ``value`` is not a valid ``description`` (at most 1024 characters), or None."""
    if value is not None and len(value) > 1024:
        return f"description must be at most 1024 characters, got {len(value)}"
    return None


def ensure_valid(value: _T, problem: str | None) -> _T:
    """Return ``value`` if ``problem`` is None, else raise ``ValueError(problem)`` (for pydantic validators)."""
    if problem is not None:
        raise ValueError(problem)
    return value
