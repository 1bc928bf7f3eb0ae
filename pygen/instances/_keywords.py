"""Filter keywords: ``client.pumps.list(name_prefix="P", min_pressure=2)`` turned into one ``Filter``.

A generated SDK states each view's keywords once, as a ``TypedDict`` (``PumpFilters``) that every
read method takes with ``**kwargs: Unpack[...]``; this module gives them their meaning at run time
from the view's ``Fields`` class, by one naming rule:

==========================  =============================================  ==============================
keyword                      meaning                                        for properties of type
==========================  =============================================  ==============================
``<field>``                  equals one value, or is one of a list          text, enum, number, timestamp,
                             (a boolean takes one value)                    date, direct relation, boolean
``<field>``                  contains any of the values                     lists (and lists of relations)
``<field>_prefix``           starts with                                    text
``min_<field>``              greater than or equal to                       number, timestamp, date
``max_<field>``              less than or equal to                          number, timestamp, date
``exists``                   every named field has a value                  any
==========================  =============================================  ==============================

``<field>`` is the attribute of the ``Fields`` class (so the instance's own ``space`` and
``external_id`` work too: ``space="s"``, ``external_id_prefix="pump-"``); a field named like a
method parameter takes a ``_`` (``limit_=`` filters the property ``limit``). An exact attribute name
wins over the patterns; the generator leaves out a pattern keyword that would clash. ``None`` values
are ignored, so keywords can be passed through unconditionally. An unknown keyword is a
``TypeError`` naming the known ones.

The method parameters of the view APIs (``filter``, ``limit``, ...) are listed in
:data:`API_PARAMETERS`; the generator never makes a filter keyword of those names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict

from pygen.instances._filters import (
    And,
    DateProperty,
    DirectRelationListProperty,
    DirectRelationProperty,
    EdgeFields,
    EnumProperty,
    Filter,
    FloatProperty,
    IntProperty,
    JsonProperty,
    ListProperty,
    NodeFields,
    Property,
    Sort,
    TextProperty,
    TimestampProperty,
)
from pygen.instances._ids import NodeId

__all__ = [
    "API_PARAMETERS",
    "RESERVED_KEYWORDS",
    "SortArg",
    "AggregateArgs",
    "CountArgs",
    "IterateArgs",
    "ListArgs",
    "PageArgs",
    "PagesArgs",
    "SearchArgs",
    "StatArgs",
    "keyword_filter",
    "split_keywords",
]

SortArg = Sort | Property | Sequence[Sort | Property] | None

_RANGED = (IntProperty, FloatProperty, TimestampProperty, DateProperty)
#: The builders with ``in_``: a keyword of theirs given a list is "one of" the values.
_IN = (TextProperty, EnumProperty, DirectRelationProperty, *_RANGED)
_LISTS = (ListProperty, DirectRelationListProperty)


# The keyword parameters of the read methods besides the filter keywords, one TypedDict per method
# kind; a generated view combines each with its filter keywords (``class _List(ListArgs, PumpFilters)``).
# The types are exactly those of the base methods' parameters (InstanceAPI), so the generated
# signatures are compatible overrides.


class ListArgs(TypedDict, total=False):
    """Keywords of ``list``."""

    filter: Filter | None
    sort: SortArg
    limit: int | None
    connections: bool | Sequence[str]
    properties: Sequence[str | Property] | None
    target_units: Mapping[str, str] | None


class PageArgs(TypedDict, total=False):
    """Keywords of ``page`` (one request)."""

    filter: Filter | None
    sort: SortArg
    page_size: int
    cursor: str | None
    connections: bool | Sequence[str]
    properties: Sequence[str | Property] | None
    target_units: Mapping[str, str] | None


class PagesArgs(TypedDict, total=False):
    """Keywords of ``pages``."""

    filter: Filter | None
    sort: SortArg
    limit: int | None
    page_size: int
    cursor: str | None
    connections: bool | Sequence[str]
    properties: Sequence[str | Property] | None
    target_units: Mapping[str, str] | None


class IterateArgs(TypedDict, total=False):
    """Keywords of ``iterate``."""

    filter: Filter | None
    sort: SortArg
    limit: int | None
    page_size: int
    connections: bool | Sequence[str]
    properties: Sequence[str | Property] | None
    target_units: Mapping[str, str] | None


class SearchArgs(TypedDict, total=False):
    """Keywords of ``search`` (besides the query)."""

    properties: Sequence[str | Property] | None
    operator: Literal["AND", "OR"]
    filter: Filter | None
    sort: SortArg
    limit: int
    target_units: Mapping[str, str] | None


class AggregateArgs(TypedDict, total=False):
    """Keywords of ``aggregate``."""

    group_by: Sequence[str | Property] | None
    filter: Filter | None
    query: str | None
    properties: Sequence[str | Property] | None
    limit: int | None


class CountArgs(TypedDict, total=False):
    """Keywords of ``count``."""

    property: str | Property | None
    filter: Filter | None
    query: str | None


class StatArgs(TypedDict, total=False):
    """Keywords of ``sum``, ``avg``, ``min``, ``max`` and ``histogram`` (besides the property)."""

    filter: Filter | None
    query: str | None


_ARGS = (ListArgs, IterateArgs, PagesArgs, PageArgs, SearchArgs, AggregateArgs, CountArgs, StatArgs)
#: Every parameter name of the view APIs' methods: never a filter keyword.
API_PARAMETERS: frozenset[str] = frozenset(
    {name for args in _ARGS for name in args.__annotations__}
    | {"self", "cls", "query", "aggregations", "property", "interval", "ids", "items", "replace"}
)
#: Filter keywords with a meaning of their own (not a property's).
RESERVED_KEYWORDS: frozenset[str] = frozenset({"exists"})


def split_keywords(kwargs: Mapping[str, object]) -> tuple[dict[str, Any], dict[str, object]]:
    """``(method parameters, filter keywords)`` of the keyword arguments a view API method got."""
    params: dict[str, Any] = {}
    keywords: dict[str, object] = {}
    for name, value in kwargs.items():
        (params if name in API_PARAMETERS else keywords)[name] = value
    return params, keywords


def keyword_filter(fields: type[Any], keywords: Mapping[str, object], *, owner: str) -> Filter | None:
    """The filter that every given keyword (``None`` values left out) asks for; None without any.

    ``fields`` is the view's ``Fields`` class; ``owner`` names the API in errors (``PumpAPI.list``).
    """
    found: list[Filter] = []
    for name, value in keywords.items():
        if value is None:
            continue
        found.append(_one(fields, name, value, owner))
    if not found:
        return None
    return found[0] if len(found) == 1 else And(*found)


def _one(fields: type[Any], name: str, value: object, owner: str) -> Filter:
    prop = _property(fields, name)
    if prop is not None:
        return _equals(prop, value, name, owner)
    if name == "exists":
        return _exists(fields, value, owner)
    for bound, op in (("min_", "gte"), ("max_", "lte")):
        if name.startswith(bound):
            ranged = _property(fields, name[len(bound) :])
            if isinstance(ranged, _RANGED):
                return ranged.range(**{op: value})  # type: ignore[arg-type]
    if name.endswith("_prefix"):
        text = _property(fields, name[: -len("_prefix")])
        if isinstance(text, TextProperty):
            return text.prefix(_text(value, name, owner))
    raise TypeError(f"{owner}() got an unknown filter keyword {name!r}; it takes: {', '.join(known(fields))}")


def known(fields: type[Any]) -> list[str]:
    """The filter keywords the naming rule gives the view's own properties, plus the instance's (for errors)."""
    names: list[str] = ["external_id_prefix", "space"]
    base = set(dir(NodeFields)) | set(dir(EdgeFields))
    for attr in [name for name in _attributes(fields) if name not in base]:
        prop = getattr(fields, attr)
        if isinstance(prop, JsonProperty):
            continue
        names.append(attr)
        if isinstance(prop, _RANGED):
            names += [f"min_{attr}", f"max_{attr}"]
        if isinstance(prop, TextProperty):
            names.append(f"{attr}_prefix")
    return sorted({*names, "exists"})


def _attributes(fields: type[Any]) -> list[str]:
    return [name for name in dir(fields) if not name.startswith("_") and isinstance(getattr(fields, name), Property)]


def _property(fields: type[Any], name: str) -> Property | None:
    if name.startswith("_"):
        return None
    prop = getattr(fields, name, None)
    if prop is None and name.endswith("_") and name[:-1] in API_PARAMETERS:
        prop = getattr(fields, name[:-1], None)  # `limit_=` for a property named like a method parameter
    return prop if isinstance(prop, Property) else None


def _equals(prop: Property, value: object, name: str, owner: str) -> Filter:
    if isinstance(prop, _LISTS):
        return prop.contains_any(_many(value, name, owner))
    if isinstance(prop, JsonProperty):
        raise TypeError(f"{owner}(): {name!r} is a json property, which DMS cannot filter by value; use exists")
    single = isinstance(value, (str, NodeId, bool, int, float)) or hasattr(value, "isoformat")
    single = single or (isinstance(prop, DirectRelationProperty) and isinstance(value, tuple))
    if not single and isinstance(prop, _IN):
        return prop.in_(_many(value, name, owner))
    if not single:
        raise TypeError(f"{owner}(): {name!r} takes one value, got {type(value).__name__}")
    return prop.equals(value)  # type: ignore[attr-defined, no-any-return]


def _exists(fields: type[Any], value: object, owner: str) -> Filter:
    names = _many(value, "exists", owner)
    found: list[Filter] = []
    for attr in names:
        prop = _property(fields, attr) if isinstance(attr, str) else None
        if prop is None:
            raise TypeError(f"{owner}(): exists names {attr!r}, which is not a property of the view")
        found.append(prop.exists())
    if not found:
        raise TypeError(f"{owner}(): exists needs at least one property name")
    return found[0] if len(found) == 1 else And(*found)


def _many(value: object, name: str, owner: str) -> list[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence | set | frozenset):
        raise TypeError(f"{owner}(): {name!r} takes a list of values, got {type(value).__name__}")
    return list(value)


def _text(value: object, name: str, owner: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{owner}(): {name!r} takes a string, got {type(value).__name__}")
    return value
