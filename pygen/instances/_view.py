"""Request building and response parsing of one view's API, shared by the sync and async APIs (no I/O)."""

from __future__ import annotations

import builtins
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeAlias, TypeVar, cast

from pygen.instances._client import _ClientCore
from pygen.instances._filters import And, Filter, InstanceReferences, NodeFields, Property, Sort
from pygen.instances._ids import EdgeId, NodeId, as_edge_id, as_node_id
from pygen.instances._instances import EdgeWrite, InstanceList, NodeWrite, _ReadInstance
from pygen.instances._keywords import SortArg, keyword_filter, split_keywords
from pygen.instances._parse import parse_items
from pygen.instances._record import record

if TYPE_CHECKING:
    # The graph query engine is imported by the reads that run on it (``properties=``, ``connections=``,
    # ``query()``), not when an SDK is imported.
    from pygen.instances._graph import Run, Step

__all__ = ["AggregateGroup", "Bucket", "Page", "RetrieveList"]

TRead = TypeVar("TRead", bound=_ReadInstance)
TWrite = TypeVar("TWrite", bound="NodeWrite | EdgeWrite")


_Method = TypeVar("_Method", bound=Callable[..., Any])


def takes_filter_keywords(method: _Method) -> _Method:
    """Let a read method of a view API take the view's filter keywords at run time.

    The keywords (``name_prefix="P"``, ``min_pressure=2``, ...) are folded into ``filter=`` before
    ``method`` runs. Type checkers see ``method``'s own signature here; a generated view API declares
    the same method with its view's keywords (``**kwargs: Unpack[...]``) for type checkers only, so the
    keywords are typed once per view and no generated code runs for them.
    """

    @functools.wraps(method)
    def with_filter_keywords(self: _ViewCore[Any, Any], *args: Any, **kwargs: Any) -> Any:
        return method(self, *args, **self._where(kwargs, method.__name__))

    return cast(_Method, with_filter_keywords)


#: Most items of one list/search page and of one byids request.
MAX_PAGE = 1000
MAX_SORT = 5

AggregateName = Literal["count", "sum", "avg", "min", "max"]
#: One aggregate of ``aggregate()``: ``("count", None)``, ``("avg", fields.pressure)``, ``("max", "pressure")``.
AggregateSpec: TypeAlias = "tuple[AggregateName, str | Property | None]"


class RetrieveList(InstanceList[TRead]):
    """The instances found by a retrieve of many ids, in request order, plus the ids not found."""

    missing: builtins.list[NodeId | EdgeId]

    def __init__(self, items: Iterable[TRead] = (), missing: Iterable[NodeId | EdgeId] = ()) -> None:
        super().__init__(items)
        self.missing = builtins.list(missing)


@dataclass
class Page(Generic[TRead]):
    """One page of a list: its items and the cursor of the next page (None on the last page)."""

    items: InstanceList[TRead]
    cursor: str | None


@record
class AggregateGroup:
    """One group of an aggregate: the ``group`` values (empty without group_by) and aggregate values.

    ``values`` is keyed ``"count"``, ``"avg:pressure"``... (function, and property when there is one).
    """

    group: dict[str, Any]
    values: dict[str, Any]


@record
class Bucket:
    """One histogram bucket: values in ``[start, start + interval)`` and how many there are."""

    start: float
    count: int


#: What ``aggregate()`` returns: one group per combination of ``group_by`` values (one without).
AggregateGroups: TypeAlias = "list[AggregateGroup]"
#: What ``histogram()`` returns: the buckets in order.
Histogram: TypeAlias = "list[Bucket]"


@record
class _Aggregation:
    name: str
    property: str | None
    interval: float | None = None

    def dump(self) -> dict[str, Any]:
        args: dict[str, Any] = {}
        if self.property is not None:
            args["property"] = self.property
        if self.interval is not None:
            args["interval"] = self.interval
        return {self.name: args}


def _prop_name(value: str | Property) -> str:
    return value.name if isinstance(value, Property) else value


class _ViewCore(Generic[TRead, TWrite]):
    """Request building and response parsing of one view's API (no I/O)."""

    _read_class: ClassVar[type[Any]]
    #: The typed filter/sort builders of the view (a ``NodeFields`` subclass).
    fields: ClassVar[type[Any]] = NodeFields

    _client: _ClientCore

    @property
    def _cls(self) -> type[TRead]:
        cls: type[TRead] = self._read_class
        return cls

    @property
    def _view(self) -> Any:
        view = self._read_class._view_id
        if view is None:
            raise TypeError(f"{type(self).__name__}: {self._read_class.__name__} has no _view_id")
        return view

    @property
    def _space(self) -> str | None:
        return self._client.instance_space

    def _instance_type(self) -> str:
        instance_type: str = self._read_class._instance_type
        return instance_type

    def _source(self, target_units: Mapping[str, str] | None) -> dict[str, Any]:
        source: dict[str, Any] = {"source": self._view.dump()}
        if target_units:
            source["targetUnits"] = _target_units(target_units)
        return source

    def _where(self, kwargs: Mapping[str, object], method: str = "") -> dict[str, Any]:
        """The method parameters in ``kwargs``, with its filter keywords folded into ``filter``.

        Every read method passes its keyword arguments through it (see :func:`takes_filter_keywords`),
        so that ``list(name_prefix="P", limit=5)`` is ``list(filter=fields.name.prefix("P"), limit=5)``.
        """
        params, keywords = split_keywords(kwargs)
        if not keywords:
            return params
        owner = f"{type(self).__name__}.{method}" if method else type(self).__name__
        found = keyword_filter(self.fields, keywords, owner=owner)
        if found is not None:
            given = params.get("filter")
            params["filter"] = found if given is None else And(given, found)
        return params

    #: A filter every read of this API adds (set on the edge API of one edge connection: its edge type).
    _scope: Filter | None = None

    def _filter(self, filter: Filter | None) -> dict[str, Any] | None:
        check_filter(filter)
        scope = self._scope
        if scope is not None:
            filter = scope if filter is None else And(scope, filter)
        if filter is None:
            return None
        return filter.dump(self._space)

    def _list_body(
        self,
        filter: Filter | None,
        sort: SortArg,
        limit: int,
        cursor: str | None,
        target_units: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "instanceType": self._instance_type(),
            "sources": [self._source(target_units)],
            "limit": limit,
        }
        dumped = self._filter(filter)
        if dumped is not None:
            body["filter"] = dumped
        sorts = _sorts(sort)
        if sorts:
            body["sort"] = sorts
        if cursor is not None:
            body["cursor"] = cursor
        return body

    def _parse(self, raw: bytes) -> tuple[list[TRead], str | None]:
        return parse_items(self._cls, raw, self._client.validate)

    def _byids_chunks(self, ids: Sequence[object]) -> tuple[list[NodeId | EdgeId], list[list[dict[str, Any]]]]:
        keys: list[NodeId | EdgeId]
        if self._instance_type() == "edge":
            keys = [as_edge_id(value, self._space) for value in ids]
        else:
            keys = [as_node_id(value, self._space) for value in ids]
        items = [key.dump_instance() for key in dict.fromkeys(keys)]
        return keys, [items[i : i + MAX_PAGE] for i in range(0, len(items), MAX_PAGE)]

    def _byids_body(self, chunk: list[dict[str, Any]], target_units: Mapping[str, str] | None) -> dict[str, Any]:
        return {"items": chunk, "sources": [self._source(target_units)]}

    @staticmethod
    def _ordered(keys: list[NodeId | EdgeId], found: list[Any]) -> RetrieveList[Any]:
        by_key: dict[tuple[str, str], Any] = {(item.space, item.external_id): item for item in found}
        items = [by_key[(key.space, key.external_id)] for key in keys if (key.space, key.external_id) in by_key]
        missing = [key for key in dict.fromkeys(keys) if (key.space, key.external_id) not in by_key]
        return RetrieveList(items, missing)

    def _search_body(
        self,
        query: str | None,
        properties: Sequence[str | Property] | None,
        operator: Literal["AND", "OR"],
        filter: Filter | None,
        sort: SortArg,
        limit: int,
        target_units: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        if operator not in ("AND", "OR"):
            raise ValueError(f"operator must be 'AND' or 'OR', got {operator!r}")
        _check_limit(limit, MAX_PAGE)
        body: dict[str, Any] = {"view": self._view.dump(), "instanceType": self._instance_type(), "limit": limit}
        if query is not None:
            body["query"] = query
            body["operator"] = operator
        if properties:
            body["properties"] = [_prop_name(p) for p in properties]
        dumped = self._filter(filter)
        if dumped is not None:
            body["filter"] = dumped
        sorts = _sorts(sort)
        if sorts:
            body["sort"] = sorts
        if target_units:
            body["targetUnits"] = _target_units(target_units)
        return body

    def _aggregate_body(
        self,
        aggregations: Sequence[_Aggregation],
        group_by: Sequence[str | Property] | None,
        filter: Filter | None,
        query: str | None,
        properties: Sequence[str | Property] | None,
        limit: int | None,
    ) -> dict[str, Any]:
        if len(aggregations) > 5:
            raise ValueError(f"at most 5 aggregations per request, got {len(aggregations)}")
        body: dict[str, Any] = {"view": self._view.dump(), "instanceType": self._instance_type()}
        if aggregations:
            body["aggregates"] = [agg.dump() for agg in aggregations]
        if group_by:
            if len(group_by) > 5:
                raise ValueError(f"group_by takes at most 5 properties, got {len(group_by)}")
            body["groupBy"] = [_prop_name(p) for p in group_by]
        dumped = self._filter(filter)
        if dumped is not None:
            body["filter"] = dumped
        if query is not None:
            body["query"] = query
        if properties:
            body["properties"] = [_prop_name(p) for p in properties]
        if limit is not None:
            _check_limit(limit, 1000)
            body["limit"] = limit
        return body

    @staticmethod
    def _aggregate_groups(raw: bytes) -> list[AggregateGroup]:
        groups: list[AggregateGroup] = []
        for item in json.loads(raw).get("items") or []:
            values: dict[str, Any] = {}
            for agg in item.get("aggregates") or []:
                key = agg["aggregate"] + (f":{agg['property']}" if agg.get("property") else "")
                if agg["aggregate"] == "histogram":
                    values[key] = [Bucket(b["start"], b["count"]) for b in agg.get("buckets") or []]
                else:
                    values[key] = agg.get("value")
            groups.append(AggregateGroup(dict(item.get("group") or {}), values))
        return groups

    @staticmethod
    def _single_value(groups: list[AggregateGroup]) -> Any:
        if not groups:
            return None
        return next(iter(groups[0].values.values()), None)

    # ---- graph reads (pygen.instances._graph) ----

    def _root_step(
        self,
        filter: Filter | None,
        sort: SortArg,
        limit: int | None,
        properties: Sequence[str | Property] | None,
        where: str,
    ) -> Step:
        """The root of a query over this view."""
        from pygen.instances._graph import Step, field_names

        check_filter(filter)
        if self._scope is not None:
            filter = self._scope if filter is None else And(self._scope, filter)
        cls = self._cls
        fields = field_names(cls, properties, f"{type(self).__name__}.{where}") if properties is not None else None
        return Step("root", cls, filter=filter, sort=sorts_of(sort), limit=limit, properties=fields)

    def _query_root(
        self,
        filter: Filter | None,
        sort: SortArg,
        limit: int | None,
        connections: bool | Sequence[str],
        properties: Sequence[str | Property] | None,
    ) -> tuple[Step, tuple[Step, ...]]:
        """The root of ``query()`` and the connection hops it resolves (``connections=``)."""
        root = self._root_step(filter, sort, limit_or_all(limit, f"{type(self).__name__}.query"), properties, "query")
        return root, tuple(self._connection_steps(root, connections))

    def _run(self, root: Step, leaves: Sequence[Step], **options: Any) -> Run:
        from pygen.instances._graph import Run

        client = self._client
        return Run(root, leaves, space=client.instance_space, validate=client.validate, **options)

    def _connection_steps(self, root: Step, connections: bool | Sequence[str]) -> builtins.list[Step]:
        if connections is False:
            return []
        if isinstance(connections, str):
            raise TypeError(f"connections must be True/False or a list of field names, got {connections!r}")
        from pygen.instances._graph import connection_steps

        return connection_steps(root, None if connections is True else builtins.list(connections))

    def _resolve_runs(self, connections: bool | Sequence[str], roots: builtins.list[Any]) -> Iterator[Run]:
        """Runs that fill in one hop of the connections of ``roots`` (already read), 1000 roots each."""
        if connections is False or not roots:
            return
        from pygen.instances._graph import Step

        root = Step("root", self._cls)  # steps describe the query; each run keeps its own rows
        leaves = self._connection_steps(root, connections)
        if not leaves:
            return
        for index in range(0, len(roots), MAX_PAGE):
            chunk = roots[index : index + MAX_PAGE]
            yield self._run(root, leaves, page_size=len(chunk), limit=None, given=chunk)

    def _page_run(
        self,
        filter: Filter | None,
        sort: SortArg,
        page_size: int,
        cursor: str | None,
        connections: bool | Sequence[str],
        properties: Sequence[str | Property],
        target_units: Mapping[str, str] | None,
    ) -> Run:
        """One page read through ``/models/instances/query`` (how reads with ``properties`` go)."""
        root = self._root_step(filter, sort, page_size, properties, "page")
        leaves = [root, *self._connection_steps(root, connections)]
        return self._run(
            root, leaves, page_size=page_size, limit=page_size, cursor=cursor, target_units=target_units, pages=1
        )

    def _retrieve_runs(
        self,
        keys: Sequence[NodeId | EdgeId],
        connections: bool | Sequence[str],
        properties: Sequence[str | Property],
        target_units: Mapping[str, str] | None,
    ) -> Iterator[Run]:
        """Runs that read ``keys`` with a subset of properties (1000 ids each)."""
        unique = builtins.list(dict.fromkeys(keys))
        for index in range(0, len(unique), MAX_PAGE):
            chunk = tuple(unique[index : index + MAX_PAGE])
            root = self._root_step(InstanceReferences(chunk), None, len(chunk), properties, "retrieve")
            leaves = [root, *self._connection_steps(root, connections)]
            yield self._run(root, leaves, page_size=len(chunk), limit=len(chunk), target_units=target_units)


def _check_limit(limit: int, maximum: int) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise ValueError(f"limit must be an integer from 1 to {maximum}, got {limit!r}")


def _check_page_size(page_size: int) -> None:
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE:
        raise ValueError(f"page_size must be an integer from 1 to {MAX_PAGE}, got {page_size!r}")


def _target_units(target_units: Mapping[str, str]) -> list[dict[str, Any]]:
    if len(target_units) > 10:
        raise ValueError(f"at most 10 target units, got {len(target_units)}")
    return [{"property": prop, "unit": {"externalId": unit}} for prop, unit in target_units.items()]


def _sorts(sort: SortArg) -> list[dict[str, Any]]:
    if sort is None:
        return []
    items = [sort] if isinstance(sort, (Sort, Property)) else builtins.list(sort)
    if len(items) > MAX_SORT:
        raise ValueError(f"sort takes at most {MAX_SORT} properties, got {len(items)}")
    out = []
    for item in items:
        if isinstance(item, Property):
            item = item.asc()
        if not isinstance(item, Sort):
            raise TypeError(f"sort items must be Sort or property objects (fields.name.desc()), got {item!r}")
        out.append(item.dump())
    return out


def sorts_of(sort: SortArg) -> tuple[Sort, ...]:
    """``sort`` as checked :class:`Sort` keys (builders sort ascending)."""
    _sorts(sort)
    items = [sort] if isinstance(sort, (Sort, Property)) else builtins.list(sort or ())
    return tuple(item.asc() if isinstance(item, Property) else item for item in items)


def limit_or_all(limit: int | None, where: str = "") -> int | None:
    """``limit`` checked: a positive integer, or None for all (``-1`` and None both mean all)."""
    if limit is None or limit == -1:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        prefix = f"{where}: " if where else ""
        raise ValueError(f"{prefix}limit must be a positive integer, or -1/None for all, got {limit!r}")
    return limit


def check_filter(filter: object, where: str = "") -> None:
    """``filter`` is None or a :class:`Filter`."""
    if filter is not None and not isinstance(filter, Filter):
        prefix = f"{where}: " if where else ""
        raise TypeError(f"{prefix}filter must be a Filter (e.g. fields.name.equals('x')), got {type(filter).__name__}")


def _page_sizes(limit: int | None, page: int) -> Iterator[int]:
    """Page sizes for ``limit`` items (None or -1: unbounded)."""
    _check_page_size(page)
    checked = limit_or_all(limit)
    if checked is None:
        while True:
            yield page
    remaining = checked
    while remaining > 0:
        size = min(page, remaining)
        yield size
        remaining -= size


def _aggregation(name: str, prop: str | Property | None, interval: float | None = None) -> _Aggregation:
    return _Aggregation(name, _prop_name(prop) if prop is not None else None, interval)
