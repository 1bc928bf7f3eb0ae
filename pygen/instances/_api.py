"""The instance clients and the per-view API base, sync and async.

``_ViewCore`` builds every request body and parses every response; :class:`InstanceAPI` and
:class:`AsyncInstanceAPI` only send them. A generated SDK declares one thin subclass per view::

    class PumpAPI(InstanceAPI[Pump, PumpWrite]):
        _read_class = Pump
        _write_class = PumpWrite
        fields = PumpFields

and one client with a property per view (see ``pygen/instances/README.md``).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, overload

from pygen.instances._connections import MAX_QUERY_LIMIT, ConnectionPlan, plan_connections
from pygen.instances._filters import Filter, NodeFields, Sort, _Property
from pygen.instances._ids import EdgeId, NodeId, as_edge_id, as_node_id
from pygen.instances._instances import EdgeWrite, InstanceList, NodeWrite, _ReadInstance, _WriteInstance
from pygen.instances._parse import construct, parse_items, parse_model
from pygen.instances._results import DeleteError, DeleteResult, FailedItem, UpsertError, UpsertResult
from pygen.instances._writes import (
    WriteFlags,
    apply_body,
    apply_results,
    batches,
    delete_items,
    failed_items,
    flatten,
    halves,
    should_split,
)
from pygen.transport import AsyncHTTPClient, ClientConfig, HTTPClient, PygenError

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "AggregateGroup",
    "AsyncInstanceAPI",
    "AsyncInstanceClient",
    "Bucket",
    "InstanceAPI",
    "InstanceClient",
    "Page",
    "RetrieveList",
]

TRead = TypeVar("TRead", bound=_ReadInstance)
TWrite = TypeVar("TWrite", bound="NodeWrite | EdgeWrite")

#: Most items of one list/search page and of one byids request.
MAX_PAGE = 1000
MAX_SORT = 5

SortArg = Sort | _Property | Sequence[Sort | _Property] | None
AggregateName = Literal["count", "sum", "avg", "min", "max"]


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


@dataclass(frozen=True)
class AggregateGroup:
    """One group of an aggregate: the ``group`` values (empty without group_by) and aggregate values.

    ``values`` is keyed ``"count"``, ``"avg:pressure"``... (function, and property when there is one).
    """

    group: dict[str, Any]
    values: dict[str, Any]


@dataclass(frozen=True)
class Bucket:
    """One histogram bucket: values in ``[start, start + interval)`` and how many there are."""

    start: float
    count: int


@dataclass
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


def _prop_name(value: str | _Property) -> str:
    return value.name if isinstance(value, _Property) else value


# ---------------------------------------------------------------------------------------------- client core


class _ClientCore:
    """Settings shared by the sync and async instance clients."""

    def __init__(self, instance_space: str | None, validate: bool) -> None:
        if instance_space is not None and not isinstance(instance_space, str):
            raise TypeError(f"instance_space must be a string, got {type(instance_space).__name__}")
        self.instance_space = instance_space
        self.validate = validate


def _check_write_options(existing: object) -> None:
    if existing is not None:
        raise TypeError("existing_version is set per object (obj.existing_version), not per upsert call")


class InstanceClient(_ClientCore):
    """Sync client for instances: writes and deletes of any view; generated SDKs add one API per view.

    ``instance_space`` is the default space of instances given by external id alone (the ids rule:
    ``NodeId`` or ``(space, xid)`` or a bare ``xid`` in this space). ``validate=False`` builds objects
    from CDF's data without validation (for data that drifted from the SDK's schema).

    Example:
        ```python
        client = InstanceClient(ClientConfig("my-project", Token(token)), instance_space="my_space")
        result = client.upsert([PumpWrite(external_id="p1", name="P-1")])
        client.delete(["p1"])
        ```
    """

    def __init__(
        self,
        http: HTTPClient | ClientConfig,
        *,
        instance_space: str | None = None,
        validate: bool = True,
    ) -> None:
        super().__init__(instance_space, validate)
        self.http = http if isinstance(http, HTTPClient) else HTTPClient(http)

    def upsert(
        self,
        items: NodeWrite | EdgeWrite | Iterable[NodeWrite | EdgeWrite],
        *,
        replace: bool = False,
        skip_on_version_conflict: bool = False,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
    ) -> UpsertResult:
        """Create or update nodes and edges, and every object they hold (see ``_writes`` for the order).

        ``replace=False`` patches: only the properties given are written. Each object's ``existing_version``
        guards against concurrent changes; with ``skip_on_version_conflict`` conflicting items are skipped.
        Raises :class:`UpsertError` (with what succeeded and why each failure failed) if anything failed.
        """
        flags = WriteFlags(
            replace,
            skip_on_version_conflict,
            auto_create_direct_relations,
            auto_create_start_nodes,
            auto_create_end_nodes,
        )
        objs = [items] if isinstance(items, _WriteInstance) else builtins.list(items)
        nodes, edges = flatten(objs, self.instance_space)
        result, failed = UpsertResult(), builtins.list[FailedItem]()
        workers = max(1, self.http.config.limits.write)
        for phase in (nodes, edges):
            chunks = batches(phase)
            if not chunks:
                continue
            with ThreadPoolExecutor(max_workers=min(workers, len(chunks))) as pool:
                for ok, bad in pool.map(lambda chunk: self._apply(chunk, flags), chunks):
                    result.items.extend(ok)
                    failed.extend(bad)
        if failed:
            raise UpsertError(result, failed)
        return result

    def _apply(self, batch: list[dict[str, Any]], flags: WriteFlags) -> tuple[list[Any], list[FailedItem]]:
        try:
            response = self.http.post("/models/instances", json=apply_body(batch, flags))
        except PygenError as exc:
            if should_split(exc, batch):
                first, second = halves(batch)
                ok1, bad1 = self._apply(first, flags)
                ok2, bad2 = self._apply(second, flags)
                return ok1 + ok2, bad1 + bad2
            return [], failed_items(batch, exc)
        return apply_results(batch, response.json()), []

    def delete(self, ids: object | Iterable[object]) -> DeleteResult:
        """Delete instances by id (ids rule; bare ids are nodes), by ``EdgeId`` or by object.

        Missing instances are not errors: they are listed in ``result.not_found``.
        """
        items = delete_items(_as_iterable(ids), self.instance_space)
        result, failed = DeleteResult(), builtins.list[FailedItem]()
        chunks = batches(items)
        if chunks:
            workers = min(max(1, self.http.config.limits.delete), len(chunks))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for chunk, outcome in zip(chunks, pool.map(self._delete, chunks), strict=True):
                    _collect_delete(chunk, outcome, result, failed)
        if failed:
            raise DeleteError(result, failed)
        return result

    def _delete(self, batch: list[dict[str, Any]]) -> bytes | BaseException:
        try:
            return self.http.post("/models/instances/delete", json={"items": batch}).content
        except PygenError as exc:
            return exc

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncInstanceClient(_ClientCore):
    """Async twin of :class:`InstanceClient` (batches run as tasks within the write concurrency limit).

    Example:
        ```python
        async with AsyncInstanceClient(config, instance_space="my_space") as client:
            await client.upsert(pumps)
        ```
    """

    def __init__(
        self,
        http: AsyncHTTPClient | ClientConfig,
        *,
        instance_space: str | None = None,
        validate: bool = True,
    ) -> None:
        super().__init__(instance_space, validate)
        self.http = http if isinstance(http, AsyncHTTPClient) else AsyncHTTPClient(http)

    async def upsert(
        self,
        items: NodeWrite | EdgeWrite | Iterable[NodeWrite | EdgeWrite],
        *,
        replace: bool = False,
        skip_on_version_conflict: bool = False,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
    ) -> UpsertResult:
        """Async :meth:`InstanceClient.upsert`."""
        import asyncio

        flags = WriteFlags(
            replace,
            skip_on_version_conflict,
            auto_create_direct_relations,
            auto_create_start_nodes,
            auto_create_end_nodes,
        )
        objs = [items] if isinstance(items, _WriteInstance) else builtins.list(items)
        nodes, edges = flatten(objs, self.instance_space)
        result, failed = UpsertResult(), builtins.list[FailedItem]()
        for phase in (nodes, edges):
            # The transport's write limiter bounds how many of these tasks are in flight.
            outcomes = await asyncio.gather(*(self._apply(chunk, flags) for chunk in batches(phase)))
            for ok, bad in outcomes:
                result.items.extend(ok)
                failed.extend(bad)
        if failed:
            raise UpsertError(result, failed)
        return result

    async def _apply(self, batch: list[dict[str, Any]], flags: WriteFlags) -> tuple[list[Any], list[FailedItem]]:
        try:
            response = await self.http.post("/models/instances", json=apply_body(batch, flags))
        except PygenError as exc:
            if should_split(exc, batch):
                first, second = halves(batch)
                ok1, bad1 = await self._apply(first, flags)
                ok2, bad2 = await self._apply(second, flags)
                return ok1 + ok2, bad1 + bad2
            return [], failed_items(batch, exc)
        return apply_results(batch, response.json()), []

    async def delete(self, ids: object | Iterable[object]) -> DeleteResult:
        """Async :meth:`InstanceClient.delete`."""
        import asyncio

        items = delete_items(_as_iterable(ids), self.instance_space)
        result, failed = DeleteResult(), builtins.list[FailedItem]()
        chunks = batches(items)
        outcomes = await asyncio.gather(*(self._delete(chunk) for chunk in chunks))
        for chunk, outcome in zip(chunks, outcomes, strict=True):
            _collect_delete(chunk, outcome, result, failed)
        if failed:
            raise DeleteError(result, failed)
        return result

    async def _delete(self, batch: list[dict[str, Any]]) -> bytes | BaseException:
        try:
            return (await self.http.post("/models/instances/delete", json={"items": batch})).content
        except PygenError as exc:
            return exc

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def _as_iterable(ids: object) -> Iterable[object]:
    if isinstance(ids, (str, tuple, NodeId, EdgeId)) or not isinstance(ids, Iterable):
        return [ids]
    return ids


def _instance_key(item: Mapping[str, Any]) -> NodeId | EdgeId:
    if item.get("instanceType") == "edge":
        return EdgeId(item["space"], item["externalId"])
    return NodeId(item["space"], item["externalId"])


def _collect_delete(
    chunk: list[dict[str, Any]], outcome: bytes | BaseException, result: DeleteResult, failed: list[FailedItem]
) -> None:
    if isinstance(outcome, BaseException):
        failed.extend(failed_items(chunk, outcome))
        return
    deleted = {_instance_key(item) for item in json.loads(outcome).get("items") or []}
    for item in chunk:
        key = _instance_key(item)
        (result.deleted if key in deleted else result.not_found).append(key)


# ---------------------------------------------------------------------------------------------- view core


class _ViewCore(Generic[TRead, TWrite]):
    """Request building and response parsing of one view's API (no I/O)."""

    _read_class: ClassVar[type[Any]]
    _write_class: ClassVar[type[Any] | None] = None
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

    def _filter(self, filter: Filter | None) -> dict[str, Any] | None:
        if filter is None:
            return None
        if not isinstance(filter, Filter):
            raise TypeError(f"filter must be a Filter (e.g. fields.name.equals('x')), got {type(filter).__name__}")
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
        properties: Sequence[str | _Property] | None,
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
        group_by: Sequence[str | _Property] | None,
        filter: Filter | None,
        query: str | None,
        properties: Sequence[str | _Property] | None,
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

    def _plan(self, connections: bool | Sequence[str]) -> ConnectionPlan | None:
        if connections is False:
            return None
        return plan_connections(self._cls, None if connections is True else builtins.list(connections))

    def _query_body(self, plan: ConnectionPlan, roots: Sequence[Any], cursors: Mapping[str, str]) -> dict[str, Any]:
        body = plan.body([NodeId(r.space, r.external_id) for r in roots], self._space)
        if cursors:
            body["cursors"] = dict(cursors)
        return body

    def _query_model(self, plan: ConnectionPlan) -> Any:
        model = _query_models.get(plan)
        if model is None:
            model = _query_models[plan] = plan.response_model()
        return model

    def _parse_query(self, plan: ConnectionPlan, raw: bytes) -> tuple[dict[str, list[Any]], dict[str, str]]:
        if self._client.validate:
            parsed = parse_model(self._query_model(plan), raw, self._cls.__name__)
            items = parsed.items
            sets = {name: getattr(items, name) for name in type(items).model_fields}
            cursors = parsed.nextCursor or {}
        else:
            data = json.loads(raw)
            classes = plan.set_classes()
            sets = {
                name: [construct(classes[name], row) for row in rows]
                for name, rows in (data.get("items") or {}).items()
                if name in classes
            }
            cursors = data.get("nextCursor") or {}
        return sets, cursors

    @staticmethod
    def _more(sets: dict[str, list[Any]], cursors: Mapping[str, str]) -> dict[str, str]:
        """Cursors of connection sets that were cut off at the query limit (to page them)."""
        return {
            name: cursor
            for name, cursor in cursors.items()
            if name != "root" and cursor and len(sets.get(name, [])) >= MAX_QUERY_LIMIT
        }


_query_models: dict[ConnectionPlan, Any] = {}


def _check_limit(limit: int, maximum: int) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise ValueError(f"limit must be an integer from 1 to {maximum}, got {limit!r}")


def _target_units(target_units: Mapping[str, str]) -> list[dict[str, Any]]:
    if len(target_units) > 10:
        raise ValueError(f"at most 10 target units, got {len(target_units)}")
    return [{"property": prop, "unit": {"externalId": unit}} for prop, unit in target_units.items()]


def _sorts(sort: SortArg) -> list[dict[str, Any]]:
    if sort is None:
        return []
    items = [sort] if isinstance(sort, (Sort, _Property)) else builtins.list(sort)
    if len(items) > MAX_SORT:
        raise ValueError(f"sort takes at most {MAX_SORT} properties, got {len(items)}")
    out = []
    for item in items:
        if isinstance(item, _Property):
            item = item.asc()
        if not isinstance(item, Sort):
            raise TypeError(f"sort items must be Sort or property objects (fields.name.desc()), got {item!r}")
        out.append(item.dump())
    return out


def _page_sizes(limit: int | None, page: int) -> Iterator[int]:
    """Page sizes for ``limit`` items (None or -1: unbounded)."""
    if limit is None or limit == -1:
        while True:
            yield page
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer, or -1/None for all, got {limit!r}")
    remaining = limit
    while remaining > 0:
        size = min(page, remaining)
        yield size
        remaining -= size


def _aggregation(name: str, prop: str | _Property | None, interval: float | None = None) -> _Aggregation:
    return _Aggregation(name, _prop_name(prop) if prop is not None else None, interval)


# ---------------------------------------------------------------------------------------------- sync


class InstanceAPI(_ViewCore[TRead, TWrite]):
    """The API of one view (sync): retrieve, iterate, list, stream, search, aggregate, upsert, delete.

    Example:
        ```python
        f = client.pumps.fields
        pumps = client.pumps.list(filter=f.name.prefix("P-") & f.pressure.range(gt=2), sort=f.name.desc(), limit=-1)
        pump = client.pumps.retrieve("pump42")
        for pump in client.pumps.stream():   # one page in memory at a time
            ...
        ```
    """

    def __init__(self, client: InstanceClient) -> None:
        self._client = client
        self._http = client.http

    @overload
    def retrieve(  # type: ignore[overload-overlap]
        self,
        ids: NodeId | EdgeId | tuple[str, str] | str,
        *,
        connections: bool | Sequence[str] = ...,
        target_units: Mapping[str, str] | None = ...,
    ) -> TRead | None: ...

    @overload
    def retrieve(
        self,
        ids: Sequence[NodeId | EdgeId | tuple[str, str] | str],
        *,
        connections: bool | Sequence[str] = ...,
        target_units: Mapping[str, str] | None = ...,
    ) -> RetrieveList[TRead]: ...

    def retrieve(
        self,
        ids: object,
        *,
        connections: bool | Sequence[str] = False,
        target_units: Mapping[str, str] | None = None,
    ) -> TRead | RetrieveList[TRead] | None:
        """One id -> the object or None; many -> a :class:`RetrieveList` (``.missing`` lists ids not found).

        ``connections=True`` (or a list of connection field names) resolves one hop of connections.
        """
        single = isinstance(ids, (str, tuple, NodeId, EdgeId))
        keys, chunks = self._byids_chunks([ids] if single else builtins.list(ids))  # type: ignore[call-overload]
        found: list[TRead] = []
        for chunk in chunks:
            response = self._http.post("/models/instances/byids", json=self._byids_body(chunk, target_units))
            found.extend(self._parse(response.content)[0])
        plan = self._plan(connections)
        if plan is not None and found:
            found = self._resolve(plan, found)
        result = self._ordered(keys, found)
        if single:
            return result[0] if result else None
        return result

    def iterate(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int = MAX_PAGE,
        cursor: str | None = None,
        connections: bool | Sequence[str] = False,
        target_units: Mapping[str, str] | None = None,
    ) -> Page[TRead]:
        """One page (up to ``limit`` ≤ 1000 items) and the cursor of the next; pass it back to resume."""
        _check_limit(limit, MAX_PAGE)
        body = self._list_body(filter, sort, limit, cursor, target_units)
        response = self._http.post("/models/instances/list", json=body)
        items, next_cursor = self._parse(response.content)
        plan = self._plan(connections)
        if plan is not None and items:
            items = self._resolve(plan, items)
        return Page(InstanceList(items), next_cursor)

    def stream(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = None,
        chunk_size: int = MAX_PAGE,
        connections: bool | Sequence[str] = False,
        target_units: Mapping[str, str] | None = None,
    ) -> Iterator[TRead]:
        """Every matching instance (or the first ``limit``), fetched page by page: one page in memory."""
        cursor: str | None = None
        for size in _page_sizes(limit, chunk_size):
            page = self.iterate(
                filter=filter, sort=sort, limit=size, cursor=cursor, connections=connections, target_units=target_units
            )
            yield from page.items
            cursor = page.cursor
            if cursor is None or not page.items:
                return

    def __iter__(self) -> Iterator[TRead]:
        return self.stream()

    def list(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = 25,
        connections: bool | Sequence[str] = False,
        target_units: Mapping[str, str] | None = None,
    ) -> InstanceList[TRead]:
        """Up to ``limit`` instances (``-1`` or None: all of them) as an :class:`InstanceList`."""
        return InstanceList(
            self.stream(filter=filter, sort=sort, limit=limit, connections=connections, target_units=target_units)
        )

    def search(
        self,
        query: str | None = None,
        *,
        properties: Sequence[str | _Property] | None = None,
        operator: Literal["AND", "OR"] = "AND",
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int = 25,
        target_units: Mapping[str, str] | None = None,
    ) -> InstanceList[TRead]:
        """Free-text search in ``properties`` (default: all text properties), most relevant first."""
        body = self._search_body(query, properties, operator, filter, sort, limit, target_units)
        response = self._http.post("/models/instances/search", json=body)
        return InstanceList(self._parse(response.content)[0])

    def aggregate(
        self,
        *aggregations: tuple[AggregateName, str | _Property | None],
        group_by: Sequence[str | _Property] | None = None,
        filter: Filter | None = None,
        query: str | None = None,
        properties: Sequence[str | _Property] | None = None,
        limit: int | None = None,
    ) -> builtins.list[AggregateGroup]:
        """Aggregates such as ``("count", None)``, ``("avg", fields.pressure)``, optionally grouped."""
        aggs = [_aggregation(name, prop) for name, prop in aggregations]
        body = self._aggregate_body(aggs, group_by, filter, query, properties, limit)
        return self._aggregate_groups(self._http.post("/models/instances/aggregate", json=body).content)

    def _one(self, agg: _Aggregation, filter: Filter | None, query: str | None) -> Any:
        body = self._aggregate_body([agg], None, filter, query, None, None)
        raw = self._http.post("/models/instances/aggregate", json=body).content
        return self._single_value(self._aggregate_groups(raw))

    def count(
        self, *, property: str | _Property | None = None, filter: Filter | None = None, query: str | None = None
    ) -> int:
        """How many instances match (with ``property``: how many have a value for it)."""
        return int(self._one(_aggregation("count", property or "externalId"), filter, query) or 0)

    def sum(self, property: str | _Property, *, filter: Filter | None = None, query: str | None = None) -> float:
        """Sum of a numeric property."""
        return float(self._one(_aggregation("sum", property), filter, query) or 0)

    def avg(self, property: str | _Property, *, filter: Filter | None = None, query: str | None = None) -> float | None:
        """Average of a numeric property (None when no values)."""
        value = self._one(_aggregation("avg", property), filter, query)
        return None if value is None else float(value)

    def min(self, property: str | _Property, *, filter: Filter | None = None, query: str | None = None) -> Any:
        """Smallest value of a numeric property (None when no values)."""
        return self._one(_aggregation("min", property), filter, query)

    def max(self, property: str | _Property, *, filter: Filter | None = None, query: str | None = None) -> Any:
        """Largest value of a numeric property (None when no values)."""
        return self._one(_aggregation("max", property), filter, query)

    def histogram(
        self, property: str | _Property, interval: float, *, filter: Filter | None = None, query: str | None = None
    ) -> builtins.list[Bucket]:
        """Buckets of width ``interval`` over a numeric property."""
        if not interval > 0:
            raise ValueError(f"interval must be positive, got {interval!r}")
        return builtins.list(self._one(_aggregation("histogram", property, interval), filter, query) or [])

    def upsert(self, items: TWrite | Iterable[TWrite], **options: bool) -> UpsertResult:
        """:meth:`InstanceClient.upsert` (the same options)."""
        client: InstanceClient = self._client  # type: ignore[assignment]
        return client.upsert(items, **options)

    def delete(self, ids: object | Iterable[object]) -> DeleteResult:
        """:meth:`InstanceClient.delete`."""
        client: InstanceClient = self._client  # type: ignore[assignment]
        return client.delete(ids)

    def _resolve(self, plan: ConnectionPlan, roots: builtins.list[TRead]) -> builtins.list[TRead]:
        sets, cursors = self._parse_query(
            plan, self._http.post("/models/instances/query", json=self._query_body(plan, roots, {})).content
        )
        more = self._more(sets, cursors)
        while more:
            extra, cursors = self._parse_query(
                plan, self._http.post("/models/instances/query", json=self._query_body(plan, roots, more)).content
            )
            for name in more:
                sets[name].extend(extra.get(name, []))
            more = {name: cursor for name, cursor in self._more(extra, cursors).items() if name in more}
        return plan.stitch(sets)


# ---------------------------------------------------------------------------------------------- async


class AsyncInstanceAPI(_ViewCore[TRead, TWrite]):
    """The API of one view (async twin of :class:`InstanceAPI`; ``stream`` is an async iterator).

    Example:
        ```python
        async for pump in client.pumps.stream(filter=client.pumps.fields.name.prefix("P")):
            ...
        ```
    """

    def __init__(self, client: AsyncInstanceClient) -> None:
        self._client = client
        self._http = client.http

    @overload
    async def retrieve(  # type: ignore[overload-overlap]
        self,
        ids: NodeId | EdgeId | tuple[str, str] | str,
        *,
        connections: bool | Sequence[str] = ...,
        target_units: Mapping[str, str] | None = ...,
    ) -> TRead | None: ...

    @overload
    async def retrieve(
        self,
        ids: Sequence[NodeId | EdgeId | tuple[str, str] | str],
        *,
        connections: bool | Sequence[str] = ...,
        target_units: Mapping[str, str] | None = ...,
    ) -> RetrieveList[TRead]: ...

    async def retrieve(
        self,
        ids: object,
        *,
        connections: bool | Sequence[str] = False,
        target_units: Mapping[str, str] | None = None,
    ) -> TRead | RetrieveList[TRead] | None:
        """Async :meth:`InstanceAPI.retrieve`."""
        single = isinstance(ids, (str, tuple, NodeId, EdgeId))
        keys, chunks = self._byids_chunks([ids] if single else builtins.list(ids))  # type: ignore[call-overload]
        found: list[TRead] = []
        for chunk in chunks:
            response = await self._http.post("/models/instances/byids", json=self._byids_body(chunk, target_units))
            found.extend(self._parse(response.content)[0])
        plan = self._plan(connections)
        if plan is not None and found:
            found = await self._resolve(plan, found)
        result = self._ordered(keys, found)
        if single:
            return result[0] if result else None
        return result

    async def iterate(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int = MAX_PAGE,
        cursor: str | None = None,
        connections: bool | Sequence[str] = False,
        target_units: Mapping[str, str] | None = None,
    ) -> Page[TRead]:
        """Async :meth:`InstanceAPI.iterate`."""
        _check_limit(limit, MAX_PAGE)
        body = self._list_body(filter, sort, limit, cursor, target_units)
        response = await self._http.post("/models/instances/list", json=body)
        items, next_cursor = self._parse(response.content)
        plan = self._plan(connections)
        if plan is not None and items:
            items = await self._resolve(plan, items)
        return Page(InstanceList(items), next_cursor)

    async def stream(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = None,
        chunk_size: int = MAX_PAGE,
        connections: bool | Sequence[str] = False,
        target_units: Mapping[str, str] | None = None,
    ) -> AsyncIterator[TRead]:
        """Async :meth:`InstanceAPI.stream`: ``async for item in api.stream(): ...``."""
        cursor: str | None = None
        for size in _page_sizes(limit, chunk_size):
            page = await self.iterate(
                filter=filter, sort=sort, limit=size, cursor=cursor, connections=connections, target_units=target_units
            )
            for item in page.items:
                yield item
            cursor = page.cursor
            if cursor is None or not page.items:
                return

    def __aiter__(self) -> AsyncIterator[TRead]:
        return self.stream()

    async def list(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = 25,
        connections: bool | Sequence[str] = False,
        target_units: Mapping[str, str] | None = None,
    ) -> InstanceList[TRead]:
        """Async :meth:`InstanceAPI.list`."""
        out: InstanceList[TRead] = InstanceList()
        async for item in self.stream(
            filter=filter, sort=sort, limit=limit, connections=connections, target_units=target_units
        ):
            out.append(item)
        return out

    async def search(
        self,
        query: str | None = None,
        *,
        properties: Sequence[str | _Property] | None = None,
        operator: Literal["AND", "OR"] = "AND",
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int = 25,
        target_units: Mapping[str, str] | None = None,
    ) -> InstanceList[TRead]:
        """Async :meth:`InstanceAPI.search`."""
        body = self._search_body(query, properties, operator, filter, sort, limit, target_units)
        response = await self._http.post("/models/instances/search", json=body)
        return InstanceList(self._parse(response.content)[0])

    async def aggregate(
        self,
        *aggregations: tuple[AggregateName, str | _Property | None],
        group_by: Sequence[str | _Property] | None = None,
        filter: Filter | None = None,
        query: str | None = None,
        properties: Sequence[str | _Property] | None = None,
        limit: int | None = None,
    ) -> builtins.list[AggregateGroup]:
        """Async :meth:`InstanceAPI.aggregate`."""
        aggs = [_aggregation(name, prop) for name, prop in aggregations]
        body = self._aggregate_body(aggs, group_by, filter, query, properties, limit)
        return self._aggregate_groups((await self._http.post("/models/instances/aggregate", json=body)).content)

    async def _one(self, agg: _Aggregation, filter: Filter | None, query: str | None) -> Any:
        body = self._aggregate_body([agg], None, filter, query, None, None)
        raw = (await self._http.post("/models/instances/aggregate", json=body)).content
        return self._single_value(self._aggregate_groups(raw))

    async def count(
        self, *, property: str | _Property | None = None, filter: Filter | None = None, query: str | None = None
    ) -> int:
        """Async :meth:`InstanceAPI.count`."""
        return int(await self._one(_aggregation("count", property or "externalId"), filter, query) or 0)

    async def sum(self, property: str | _Property, *, filter: Filter | None = None, query: str | None = None) -> float:
        """Async :meth:`InstanceAPI.sum`."""
        return float(await self._one(_aggregation("sum", property), filter, query) or 0)

    async def avg(
        self, property: str | _Property, *, filter: Filter | None = None, query: str | None = None
    ) -> float | None:
        """Async :meth:`InstanceAPI.avg`."""
        value = await self._one(_aggregation("avg", property), filter, query)
        return None if value is None else float(value)

    async def min(self, property: str | _Property, *, filter: Filter | None = None, query: str | None = None) -> Any:
        """Async :meth:`InstanceAPI.min`."""
        return await self._one(_aggregation("min", property), filter, query)

    async def max(self, property: str | _Property, *, filter: Filter | None = None, query: str | None = None) -> Any:
        """Async :meth:`InstanceAPI.max`."""
        return await self._one(_aggregation("max", property), filter, query)

    async def histogram(
        self, property: str | _Property, interval: float, *, filter: Filter | None = None, query: str | None = None
    ) -> builtins.list[Bucket]:
        """Async :meth:`InstanceAPI.histogram`."""
        if not interval > 0:
            raise ValueError(f"interval must be positive, got {interval!r}")
        return builtins.list(await self._one(_aggregation("histogram", property, interval), filter, query) or [])

    async def upsert(self, items: TWrite | Iterable[TWrite], **options: bool) -> UpsertResult:
        """Async :meth:`InstanceClient.upsert`."""
        client: AsyncInstanceClient = self._client  # type: ignore[assignment]
        return await client.upsert(items, **options)

    async def delete(self, ids: object | Iterable[object]) -> DeleteResult:
        """Async :meth:`InstanceClient.delete`."""
        client: AsyncInstanceClient = self._client  # type: ignore[assignment]
        return await client.delete(ids)

    async def _resolve(self, plan: ConnectionPlan, roots: builtins.list[TRead]) -> builtins.list[TRead]:
        response = await self._http.post("/models/instances/query", json=self._query_body(plan, roots, {}))
        sets, cursors = self._parse_query(plan, response.content)
        more = self._more(sets, cursors)
        while more:
            response = await self._http.post("/models/instances/query", json=self._query_body(plan, roots, more))
            extra, cursors = self._parse_query(plan, response.content)
            for name in more:
                sets[name].extend(extra.get(name, []))
            more = {name: cursor for name, cursor in self._more(extra, cursors).items() if name in more}
        return plan.stitch(sets)
