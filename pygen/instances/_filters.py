"""The DMS filter language as small immutable objects, and typed builders per property type.

Every filter has ``dump(space=None)`` (the API JSON; ``space`` resolves plain external ids given to
direct-relation filters) and composes with ``&``, ``|`` and ``~``. Generated SDKs expose one typed
property object per view property, so the type checker only offers what fits the data type::

    f = PumpFields
    flt = f.name.prefix("P-") & f.pressure.range(gte=2.5) & ~f.site.equals(("s", "site1"))

``in``/``containsAny``/``containsAll`` with more values than the API takes in one filter
(:data:`MAX_FILTER_VALUES`) are split into an ``or`` (``and`` for containsAll) of filters of at most
that many values each: one request, same meaning, so paging and sorting keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pygen.instances._ids import EdgeId, NodeId, NodeIdLike, ViewId, as_node_id
from pygen.instances._record import record
from pygen.instances._types import dump_timestamp

__all__ = [
    "MAX_FILTER_VALUES",
    "And",
    "BooleanProperty",
    "ContainsAll",
    "ContainsAny",
    "DateProperty",
    "DirectRelationListProperty",
    "DirectRelationProperty",
    "EdgeFields",
    "EnumProperty",
    "Equals",
    "Exists",
    "Filter",
    "FloatProperty",
    "HasData",
    "In",
    "InstanceReferences",
    "IntProperty",
    "JsonProperty",
    "ListProperty",
    "MatchAll",
    "Nested",
    "NodeFields",
    "Not",
    "Or",
    "Overlaps",
    "Prefix",
    "PropertyRef",
    "Range",
    "Sort",
    "TextProperty",
    "TimestampProperty",
]

#: Most values one ``in``/``containsAny``/``containsAll`` filter takes (docs/dms.md, Filters; unconfirmed: 1000).
MAX_FILTER_VALUES = 1000

PropertyRef = tuple[str, ...]


@record
class _ExternalIdInDefaultSpace:
    """A direct-relation filter value given as a bare external id: the space is known only at dump time."""

    external_id: str


def _dump_value(value: object, space: str | None) -> object:
    if isinstance(value, (NodeId, EdgeId)):
        return value.dump()
    if isinstance(value, _ExternalIdInDefaultSpace):
        return as_node_id(value.external_id, space).dump()
    if isinstance(value, datetime):
        return dump_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_dump_value(item, space) for item in value]
    return value


def _node_value(value: object) -> object:
    """A direct-relation filter value: ids now when they are complete, bare external ids later."""
    if isinstance(value, str):
        return _ExternalIdInDefaultSpace(value)
    return as_node_id(value)


class Filter:
    """Base of all filters: ``dump()``, and ``&`` (and), ``|`` (or), ``~`` (not)."""

    __slots__ = ()

    def dump(self, space: str | None = None) -> dict[str, Any]:
        """The API JSON of this filter; ``space`` resolves bare external ids in direct-relation filters."""
        raise NotImplementedError

    def __and__(self, other: Filter) -> Filter:
        if not isinstance(other, Filter):
            return NotImplemented
        left = self.filters if isinstance(self, And) else (self,)
        right = other.filters if isinstance(other, And) else (other,)
        return And(*left, *right)

    def __or__(self, other: Filter) -> Filter:
        if not isinstance(other, Filter):
            return NotImplemented
        left = self.filters if isinstance(self, Or) else (self,)
        right = other.filters if isinstance(other, Or) else (other,)
        return Or(*left, *right)

    def __invert__(self) -> Filter:
        if isinstance(self, Not):
            return self.filter
        return Not(self)


@record
class Equals(Filter):
    """``{"equals": {"property": P, "value": V}}``."""

    property: PropertyRef
    value: object

    def dump(self, space: str | None = None) -> dict[str, Any]:
        return {"equals": {"property": list(self.property), "value": _dump_value(self.value, space)}}


def _chunks(values: tuple[object, ...]) -> list[tuple[object, ...]]:
    return [values[i : i + MAX_FILTER_VALUES] for i in range(0, len(values), MAX_FILTER_VALUES)]


@record
class _ValuesFilter(Filter):
    _name: ClassVar[str] = ""
    _join: ClassVar[str] = "or"

    property: PropertyRef
    values: tuple[object, ...]

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError(f"{self._name} needs at least one value (property {list(self.property)})")

    def dump(self, space: str | None = None) -> dict[str, Any]:
        parts = [
            {self._name: {"property": list(self.property), "values": _dump_value(chunk, space)}}
            for chunk in _chunks(self.values)
        ]
        return parts[0] if len(parts) == 1 else {self._join: parts}


class In(_ValuesFilter):
    """``{"in": {"property": P, "values": [...]}}``; more than 1000 values become an ``or`` of ``in``s."""

    _name = "in"


class ContainsAny(_ValuesFilter):
    """``{"containsAny": ...}`` on a list property; split like :class:`In`."""

    _name = "containsAny"


class ContainsAll(_ValuesFilter):
    """``{"containsAll": ...}`` on a list property; more than 1000 values become an ``and``."""

    _name = "containsAll"
    _join = "and"


def _bounds(gt: object, gte: object, lt: object, lte: object, space: str | None) -> dict[str, Any]:
    if gt is not None and gte is not None:
        raise ValueError("range: give gt or gte, not both")
    if lt is not None and lte is not None:
        raise ValueError("range: give lt or lte, not both")
    out = {key: _dump_value(value, space) for key, value in (("gt", gt), ("gte", gte), ("lt", lt), ("lte", lte))}
    out = {key: value for key, value in out.items() if value is not None}
    if not out:
        raise ValueError("range: give at least one of gt, gte, lt, lte")
    return out


@record
class Range(Filter):
    """``{"range": {"property": P, "gt"|"gte": V, "lt"|"lte": V}}``."""

    property: PropertyRef
    gt: object = None
    gte: object = None
    lt: object = None
    lte: object = None

    def __post_init__(self) -> None:
        _bounds(self.gt, self.gte, self.lt, self.lte, "_")

    def dump(self, space: str | None = None) -> dict[str, Any]:
        bounds = _bounds(self.gt, self.gte, self.lt, self.lte, space)
        return {"range": {"property": list(self.property), **bounds}}


@record
class Prefix(Filter):
    """``{"prefix": {"property": P, "value": "abc"}}`` (text)."""

    property: PropertyRef
    value: str

    def dump(self, space: str | None = None) -> dict[str, Any]:
        return {"prefix": {"property": list(self.property), "value": self.value}}


@record
class Exists(Filter):
    """``{"exists": {"property": P}}``: the property has a value."""

    property: PropertyRef

    def dump(self, space: str | None = None) -> dict[str, Any]:
        return {"exists": {"property": list(self.property)}}


@record
class Nested(Filter):
    """``{"nested": {"scope": P, "filter": F}}``: ``filter`` holds for the node direct relation ``scope`` points at."""

    scope: PropertyRef
    filter: Filter

    def dump(self, space: str | None = None) -> dict[str, Any]:
        return {"nested": {"scope": list(self.scope), "filter": self.filter.dump(space)}}


@record
class Overlaps(Filter):
    """``{"overlaps": {"startProperty", "endProperty", bounds}}``: the [start, end] range overlaps the bounds."""

    start_property: PropertyRef
    end_property: PropertyRef
    gt: object = None
    gte: object = None
    lt: object = None
    lte: object = None

    def dump(self, space: str | None = None) -> dict[str, Any]:
        bounds = _bounds(self.gt, self.gte, self.lt, self.lte, space)
        return {
            "overlaps": {"startProperty": list(self.start_property), "endProperty": list(self.end_property), **bounds}
        }


@record
class HasData(Filter):
    """``{"hasData": [...]}``: the instance has data in all the views (and containers ``(space, external_id)``)."""

    views: tuple[ViewId, ...] = ()
    containers: tuple[tuple[str, str], ...] = ()

    def dump(self, space: str | None = None) -> dict[str, Any]:
        refs: list[dict[str, str]] = [view.dump() for view in self.views]
        refs += [{"type": "container", "space": s, "externalId": x} for s, x in self.containers]
        return {"hasData": refs}


@record
class InstanceReferences(Filter):
    """``{"instanceReferences": [{"space", "externalId"}, ...]}``: one of these instances."""

    ids: tuple[NodeId | EdgeId, ...]

    def dump(self, space: str | None = None) -> dict[str, Any]:
        return {"instanceReferences": [item.dump() for item in self.ids]}


@record
class MatchAll(Filter):
    """``{"matchAll": {}}``: every instance."""

    def dump(self, space: str | None = None) -> dict[str, Any]:
        return {"matchAll": {}}


@record
class And(Filter):
    """``{"and": [...]}``; ``a & b`` builds it (flattening nested ands)."""

    filters: tuple[Filter, ...]

    def __init__(self, *filters: Filter) -> None:
        if not filters:
            raise ValueError("and needs at least one filter")
        object.__setattr__(self, "filters", filters)

    def dump(self, space: str | None = None) -> dict[str, Any]:
        return {"and": [item.dump(space) for item in self.filters]}


@record
class Or(Filter):
    """``{"or": [...]}``; ``a | b`` builds it (flattening nested ors)."""

    filters: tuple[Filter, ...]

    def __init__(self, *filters: Filter) -> None:
        if not filters:
            raise ValueError("or needs at least one filter")
        object.__setattr__(self, "filters", filters)

    def dump(self, space: str | None = None) -> dict[str, Any]:
        return {"or": [item.dump(space) for item in self.filters]}


@record
class Not(Filter):
    """``{"not": F}``; ``~f`` builds it."""

    filter: Filter

    def dump(self, space: str | None = None) -> dict[str, Any]:
        return {"not": self.filter.dump(space)}


# ---------------------------------------------------------------------------------------------- sort


@record
class Sort:
    """One sort key: ``{"property": P, "direction": ..., "nullsFirst": ...}``."""

    property: PropertyRef
    direction: Literal["ascending", "descending"] = "ascending"
    nulls_first: bool | None = None

    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {"property": list(self.property), "direction": self.direction}
        if self.nulls_first is not None:
            out["nullsFirst"] = self.nulls_first
        return out


# ---------------------------------------------------------------------------------------------- typed builders

_V = TypeVar("_V")
_N = TypeVar("_N", int, float)


@record
class Property:
    """A property reference with what every data type offers: ``exists``, sorting and its name."""

    ref: PropertyRef

    @classmethod
    def of(cls, view: ViewId, prop: str) -> Any:
        """The builder for property ``prop`` of ``view``."""
        return cls(view.property_ref(prop))

    @property
    def name(self) -> str:
        """The property id (last element of the reference)."""
        return self.ref[-1]

    def exists(self) -> Filter:
        """The property has a value."""
        return Exists(self.ref)

    def asc(self, *, nulls_first: bool | None = None) -> Sort:
        """Sort ascending on this property."""
        return Sort(self.ref, "ascending", nulls_first)

    def desc(self, *, nulls_first: bool | None = None) -> Sort:
        """Sort descending on this property."""
        return Sort(self.ref, "descending", nulls_first)


class TextProperty(Property):
    """A text property: equals, in, prefix, exists."""

    def equals(self, value: str) -> Filter:
        """The property equals ``value``."""
        return Equals(self.ref, value)

    def in_(self, values: Sequence[str]) -> Filter:
        """The property is one of ``values`` (any number: long lists are split)."""
        return In(self.ref, tuple(values))

    def prefix(self, value: str) -> Filter:
        """The property starts with ``value``."""
        return Prefix(self.ref, value)


class _NumberProperty(Property, Generic[_N]):
    def equals(self, value: _N) -> Filter:
        """The property equals ``value``."""
        return Equals(self.ref, value)

    def in_(self, values: Sequence[_N]) -> Filter:
        """The property is one of ``values``."""
        return In(self.ref, tuple(values))

    def range(
        self, *, gt: _N | None = None, gte: _N | None = None, lt: _N | None = None, lte: _N | None = None
    ) -> Filter:
        """The property is within the bounds (give at least one)."""
        return Range(self.ref, gt, gte, lt, lte)


class IntProperty(_NumberProperty[int]):
    """An int32/int64 property: equals, in, range."""


class FloatProperty(_NumberProperty[float]):
    """A float32/float64 property: equals, in, range."""


@record
class TimestampProperty(Property):
    """A timestamp property (timezone-aware datetimes): equals, in, range.

    ``epoch_ms=True`` is for the instance's own ``createdTime``/``lastUpdatedTime``, compared as ms integers.
    """

    epoch_ms: bool = False

    def _value(self, value: datetime | None) -> object:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"{self.name}: filter values must be timezone-aware datetimes, got {value!r}")
        return int(value.timestamp() * 1000) if self.epoch_ms else value

    def equals(self, value: datetime) -> Filter:
        """The property equals ``value``."""
        return Equals(self.ref, self._value(value))

    def in_(self, values: Sequence[datetime]) -> Filter:
        """The property is one of ``values``."""
        return In(self.ref, tuple(self._value(value) for value in values))

    def range(
        self,
        *,
        gt: datetime | None = None,
        gte: datetime | None = None,
        lt: datetime | None = None,
        lte: datetime | None = None,
    ) -> Filter:
        """The property is within the bounds."""
        return Range(self.ref, self._value(gt), self._value(gte), self._value(lt), self._value(lte))


class DateProperty(Property):
    """A date property: equals, in, range."""

    def equals(self, value: date) -> Filter:
        """The property equals ``value``."""
        return Equals(self.ref, value)

    def in_(self, values: Sequence[date]) -> Filter:
        """The property is one of ``values``."""
        return In(self.ref, tuple(values))

    def range(
        self, *, gt: date | None = None, gte: date | None = None, lt: date | None = None, lte: date | None = None
    ) -> Filter:
        """The property is within the bounds."""
        return Range(self.ref, gt, gte, lt, lte)


class BooleanProperty(Property):
    """A boolean property: equals."""

    def equals(self, value: bool) -> Filter:
        """The property equals ``value``."""
        return Equals(self.ref, value)


class EnumProperty(Property, Generic[_V]):
    """An enum property (``EnumProperty[Literal["a", "b"]]``): equals, in."""

    def equals(self, value: _V) -> Filter:
        """The property equals ``value``."""
        return Equals(self.ref, value)

    def in_(self, values: Sequence[_V]) -> Filter:
        """The property is one of ``values``."""
        return In(self.ref, tuple(values))


class JsonProperty(Property):
    """A json property: exists only (DMS does not filter inside JSON)."""


class DirectRelationProperty(Property):
    """A single direct relation: equals, in (ids as NodeId, ``(space, xid)`` or a bare external id)."""

    def equals(self, value: NodeIdLike) -> Filter:
        """The relation points at ``value``."""
        return Equals(self.ref, _node_value(value))

    def in_(self, values: Sequence[NodeIdLike]) -> Filter:
        """The relation points at one of ``values``."""
        return In(self.ref, tuple(_node_value(value) for value in values))

    def nested(self, filter: Filter) -> Filter:
        """``filter`` holds for the node this relation points at."""
        return Nested(self.ref, filter)


class ListProperty(Property, Generic[_V]):
    """A list property (``ListProperty[str]``, ``ListProperty[int]``...): containsAny, containsAll."""

    def contains_any(self, values: Sequence[_V]) -> Filter:
        """The list holds at least one of ``values``."""
        return ContainsAny(self.ref, tuple(values))

    def contains_all(self, values: Sequence[_V]) -> Filter:
        """The list holds all of ``values``."""
        return ContainsAll(self.ref, tuple(values))


class DirectRelationListProperty(Property):
    """A list of direct relations: containsAny, containsAll on node ids."""

    def contains_any(self, values: Sequence[NodeIdLike]) -> Filter:
        """The list points at one of ``values``."""
        return ContainsAny(self.ref, tuple(_node_value(value) for value in values))

    def contains_all(self, values: Sequence[NodeIdLike]) -> Filter:
        """The list points at all of ``values``."""
        return ContainsAll(self.ref, tuple(_node_value(value) for value in values))


class NodeFields:
    """Filter/sort builders of every node's own fields; generated ``<View>Fields`` classes extend it."""

    space = TextProperty(("node", "space"))
    external_id = TextProperty(("node", "externalId"))
    version = IntProperty(("node", "version"))
    type = DirectRelationProperty(("node", "type"))
    created_time = TimestampProperty(("node", "createdTime"), epoch_ms=True)
    last_updated_time = TimestampProperty(("node", "lastUpdatedTime"), epoch_ms=True)


class EdgeFields:
    """Filter/sort builders of every edge's own fields."""

    space = TextProperty(("edge", "space"))
    external_id = TextProperty(("edge", "externalId"))
    version = IntProperty(("edge", "version"))
    type = DirectRelationProperty(("edge", "type"))
    start_node = DirectRelationProperty(("edge", "startNode"))
    end_node = DirectRelationProperty(("edge", "endNode"))
    created_time = TimestampProperty(("edge", "createdTime"), epoch_ms=True)
    last_updated_time = TimestampProperty(("edge", "lastUpdatedTime"), epoch_ms=True)
