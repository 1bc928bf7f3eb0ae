"""The per-view API base, sync and async.

``_ViewCore`` (in ``_view``) builds every request body and parses every response;
:class:`InstanceAPI` and :class:`AsyncInstanceAPI` only send them. A generated SDK declares one thin
subclass per view::

    class PumpAPI(InstanceAPI[Pump, PumpWrite]):
        _read_class = Pump
        fields = PumpFields

and a client subclass with one property per view (see ``pygen/instances/README.md``).
"""

from __future__ import annotations

import builtins
import importlib
import sys
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from pygen.instances._client import AsyncInstanceClient, InstanceClient
from pygen.instances._filters import Equals, Filter, Property
from pygen.instances._ids import EdgeId, NodeId
from pygen.instances._instances import Edge, EdgeConnection, InstanceList
from pygen.instances._keywords import SortArg
from pygen.instances._view import (
    MAX_PAGE,
    AggregateGroups,
    AggregateSpec,
    Histogram,
    Page,
    RetrieveList,
    TRead,
    TWrite,
    _Aggregation,
    _aggregation,
    _check_page_size,
    _page_sizes,
    _ViewCore,
    takes_filter_keywords,
)

if TYPE_CHECKING:
    # Imported where they are used: the graph query engine (``_graph``, ``_query``) by reads with
    # ``properties=``/``connections=`` and by ``query()``; the write machinery (``_writes``, ``_results``)
    # by upsert and delete. An SDK import loads none of them.
    from pygen.instances._query import AsyncQuery, Query
    from pygen.instances._results import DeleteResult, UpsertResult
    from pygen.instances._writes import InstanceIdLike

__all__ = ["AsyncInstanceAPI", "ConnectionEdges", "InstanceAPI", "LazyAPI"]


class InstanceAPI(_ViewCore[TRead, TWrite]):
    """The API of one view (sync): retrieve, list, iterate, pages, page, search, aggregate, upsert, delete.

    Example:
        ``client.cognite_asset`` of the example project's SDK, against the emulator run in process:

        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.emulator.testing import SyncASGITransport
        >>> from pygen.generator import load_sdk
        >>> from pygen.generator.fetch import load_snapshot
        >>> from pygen.transport import ClientConfig, HTTPClient, Token
        >>> snapshot = "example_project/snapshots/cdf_cdm.CogniteCore.v1.json"
        >>> sdk = load_sdk([load_snapshot(snapshot)])  # the example project's SDK, generated in memory
        >>> emulator = SyncASGITransport(create_app(EmulatorSettings(model_files=[snapshot])))
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> http = HTTPClient(config, transport=emulator)
        >>> _ = http.post("/models/spaces", json={"items": [{"space": "my_space"}]})
        >>> client = sdk.CogniteCoreClient(http, instance_space="my_space")
        >>> assets = [sdk.CogniteAssetWrite(external_id=f"p{i}", name=f"P-{i}", parent="site") for i in (1, 2, 3)]
        >>> _ = client.upsert([sdk.CogniteAssetWrite(external_id="site", name="Site"), *assets])
        >>> f = client.cognite_asset.fields
        >>> pumps = client.cognite_asset.list(filter=f.name.prefix("P-") & f.parent.equals("site"), sort=f.name.desc())
        >>> [pump.name for pump in pumps], client.cognite_asset.retrieve("p1").name
        (['P-3', 'P-2', 'P-1'], 'P-1')
        >>> sum(1 for asset in client.cognite_asset.iterate(page_size=2))  # one page in memory at a time
        4
        >>> query = client.cognite_asset.query(name="Site").follow(lambda asset: asset.children, limit=500)
        >>> for asset in query.list():  # a graph query: the roots, connections filled in
        ...     print(asset.name, sorted(child.name for child in asset.children or []))
        Site ['P-1', 'P-2', 'P-3']
        >>> http.close()
    """

    _client: InstanceClient

    def __init__(self, client: InstanceClient) -> None:
        self._client = client
        self._http = client.http

    @overload
    def retrieve(  # type: ignore[overload-overlap]
        self,
        ids: NodeId | EdgeId | tuple[str, str] | str,
        *,
        connections: bool | Sequence[str] = ...,
        properties: Sequence[str | Property] | None = ...,
        target_units: Mapping[str, str] | None = ...,
    ) -> TRead | None: ...

    @overload
    def retrieve(
        self,
        ids: Sequence[NodeId | EdgeId | tuple[str, str] | str],
        *,
        connections: bool | Sequence[str] = ...,
        properties: Sequence[str | Property] | None = ...,
        target_units: Mapping[str, str] | None = ...,
    ) -> RetrieveList[TRead]: ...

    def retrieve(
        self,
        ids: object,
        *,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> TRead | RetrieveList[TRead] | None:
        """One id -> the object or None; many -> a :class:`RetrieveList` (``.missing`` lists ids not found).

        ``connections=True`` (or a list of connection field names) resolves one hop of connections.
        """
        single = isinstance(ids, (str, tuple, NodeId, EdgeId))
        keys, chunks = self._byids_chunks([ids] if single else builtins.list(ids))  # type: ignore[call-overload]
        found: list[TRead] = []
        if properties is not None:
            from pygen.instances._query import sync_pages

            for run in self._retrieve_runs(keys, connections, properties, target_units):
                for roots in sync_pages(self._http, run):
                    found.extend(roots)
        else:
            for chunk in chunks:
                response = self._http.post("/models/instances/byids", json=self._byids_body(chunk, target_units))
                found.extend(self._parse(response.content)[0])
            self._resolve(connections, found)
        result = self._ordered(keys, found)
        if single:
            return result[0] if result else None
        return result

    @takes_filter_keywords
    def page(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        page_size: int = MAX_PAGE,
        cursor: str | None = None,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> Page[TRead]:
        """One request: up to ``page_size`` (≤ 1000) items and the ``cursor`` of the next page (None on the last)."""
        _check_page_size(page_size)
        if properties is not None:
            from pygen.instances._query import sync_pages

            run = self._page_run(filter, sort, page_size, cursor, connections, properties, target_units)
            found: list[TRead] = [root for roots in sync_pages(self._http, run) for root in roots]
            return Page(InstanceList(found), run.cursor)
        body = self._list_body(filter, sort, page_size, cursor, target_units)
        response = self._http.post("/models/instances/list", json=body)
        items, next_cursor = self._parse(response.content)
        self._resolve(connections, items)
        return Page(InstanceList(items), next_cursor)

    @takes_filter_keywords
    def pages(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = None,
        page_size: int = MAX_PAGE,
        cursor: str | None = None,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> Iterator[Page[TRead]]:
        """Every page (up to ``limit`` items in all; None: all), starting at ``cursor``; one page in memory."""
        for size in _page_sizes(limit, page_size):
            page = self.page(
                filter=filter,
                sort=sort,
                page_size=size,
                cursor=cursor,
                connections=connections,
                properties=properties,
                target_units=target_units,
            )
            yield page
            cursor = page.cursor
            if cursor is None or not page.items:
                return

    @takes_filter_keywords
    def iterate(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = None,
        page_size: int = MAX_PAGE,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> Iterator[TRead]:
        """Every matching instance (or the first ``limit``), fetched page by page: one page in memory."""
        pages = self.pages(
            filter=filter,
            sort=sort,
            limit=limit,
            page_size=page_size,
            connections=connections,
            properties=properties,
            target_units=target_units,
        )
        for page in pages:
            yield from page.items

    def __iter__(self) -> Iterator[TRead]:
        return self.iterate()

    @takes_filter_keywords
    def list(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = 25,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> InstanceList[TRead]:
        """Up to ``limit`` instances (``-1`` or None: all of them) as an :class:`InstanceList`."""
        return InstanceList(
            self.iterate(
                filter=filter,
                sort=sort,
                limit=limit,
                connections=connections,
                properties=properties,
                target_units=target_units,
            )
        )

    @takes_filter_keywords
    def search(
        self,
        query: str | None = None,
        *,
        properties: Sequence[str | Property] | None = None,
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

    @takes_filter_keywords
    def aggregate(
        self,
        *aggregations: AggregateSpec,
        group_by: Sequence[str | Property] | None = None,
        filter: Filter | None = None,
        query: str | None = None,
        properties: Sequence[str | Property] | None = None,
        limit: int | None = None,
    ) -> AggregateGroups:
        """Aggregates such as ``("count", None)``, ``("avg", fields.pressure)``, optionally grouped."""
        aggs = [_aggregation(name, prop) for name, prop in aggregations]
        body = self._aggregate_body(aggs, group_by, filter, query, properties, limit)
        return self._aggregate_groups(self._http.post("/models/instances/aggregate", json=body).content)

    def _one(self, agg: _Aggregation, filter: Filter | None, query: str | None) -> Any:
        body = self._aggregate_body([agg], None, filter, query, None, None)
        raw = self._http.post("/models/instances/aggregate", json=body).content
        return self._single_value(self._aggregate_groups(raw))

    @takes_filter_keywords
    def count(
        self, property: str | Property | None = None, *, filter: Filter | None = None, query: str | None = None
    ) -> int:
        """How many instances match (with ``property``: how many have a value for it)."""
        return int(self._one(_aggregation("count", property or "externalId"), filter, query) or 0)

    @takes_filter_keywords
    def sum(self, property: str | Property, *, filter: Filter | None = None, query: str | None = None) -> float:
        """Sum of a numeric property."""
        return float(self._one(_aggregation("sum", property), filter, query) or 0)

    @takes_filter_keywords
    def avg(self, property: str | Property, *, filter: Filter | None = None, query: str | None = None) -> float | None:
        """Average of a numeric property (None when no values)."""
        value = self._one(_aggregation("avg", property), filter, query)
        return None if value is None else float(value)

    @takes_filter_keywords
    def min(self, property: str | Property, *, filter: Filter | None = None, query: str | None = None) -> float | None:
        """Smallest value of a numeric property (None when no values)."""
        return _number(self._one(_aggregation("min", property), filter, query))

    @takes_filter_keywords
    def max(self, property: str | Property, *, filter: Filter | None = None, query: str | None = None) -> float | None:
        """Largest value of a numeric property (None when no values)."""
        return _number(self._one(_aggregation("max", property), filter, query))

    @takes_filter_keywords
    def histogram(
        self, property: str | Property, interval: float, *, filter: Filter | None = None, query: str | None = None
    ) -> Histogram:
        """Buckets of width ``interval`` over a numeric property."""
        if not interval > 0:
            raise ValueError(f"interval must be positive, got {interval!r}")
        return builtins.list(self._one(_aggregation("histogram", property, interval), filter, query) or [])

    def upsert(
        self,
        items: TWrite | Iterable[TWrite],
        *,
        replace: bool = False,
        skip_on_version_conflict: bool = False,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
    ) -> UpsertResult:
        """:meth:`InstanceClient.upsert` (the same options)."""
        return self._client.upsert(
            items,
            replace=replace,
            skip_on_version_conflict=skip_on_version_conflict,
            auto_create_direct_relations=auto_create_direct_relations,
            auto_create_start_nodes=auto_create_start_nodes,
            auto_create_end_nodes=auto_create_end_nodes,
        )

    def delete(self, ids: InstanceIdLike | Iterable[InstanceIdLike]) -> DeleteResult:
        """:meth:`InstanceClient.delete`."""
        return self._client.delete(ids)

    def _resolve(self, connections: bool | Sequence[str], roots: builtins.list[TRead]) -> None:
        """Fill in one hop of the connections of ``roots``."""
        for run in self._resolve_runs(connections, roots):
            from pygen.instances._query import sync_pages

            for _ in sync_pages(self._http, run):
                pass

    @takes_filter_keywords
    def query(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = 25,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> Query[TRead, TRead]:
        """A graph query from this view's instances that match (up to ``limit``; -1 or None: all).

        It takes the parameters of :meth:`list`. ``follow`` connections from it, then ``list()``,
        ``execute()``, ``flat()`` or ``iterate()`` (see :class:`pygen.instances.Query`).
        """
        from pygen.instances._query import Query

        root, branches = self._query_root(filter, sort, limit, connections, properties)
        return Query(self, root, branches, target_units)


# ---------------------------------------------------------------------------------------------- async


class AsyncInstanceAPI(_ViewCore[TRead, TWrite]):
    """The API of one view (async twin of :class:`InstanceAPI`; ``iterate`` and ``pages`` are async iterators).

    :class:`~pygen.instances.AsyncInstanceClient`'s example iterates over one with ``async for``.
    """

    _client: AsyncInstanceClient

    def __init__(self, client: AsyncInstanceClient) -> None:
        self._client = client
        self._http = client.http

    @overload
    async def retrieve(  # type: ignore[overload-overlap]
        self,
        ids: NodeId | EdgeId | tuple[str, str] | str,
        *,
        connections: bool | Sequence[str] = ...,
        properties: Sequence[str | Property] | None = ...,
        target_units: Mapping[str, str] | None = ...,
    ) -> TRead | None: ...

    @overload
    async def retrieve(
        self,
        ids: Sequence[NodeId | EdgeId | tuple[str, str] | str],
        *,
        connections: bool | Sequence[str] = ...,
        properties: Sequence[str | Property] | None = ...,
        target_units: Mapping[str, str] | None = ...,
    ) -> RetrieveList[TRead]: ...

    async def retrieve(
        self,
        ids: object,
        *,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> TRead | RetrieveList[TRead] | None:
        """Async :meth:`InstanceAPI.retrieve`."""
        single = isinstance(ids, (str, tuple, NodeId, EdgeId))
        keys, chunks = self._byids_chunks([ids] if single else builtins.list(ids))  # type: ignore[call-overload]
        found: list[TRead] = []
        if properties is not None:
            from pygen.instances._query import async_pages

            for run in self._retrieve_runs(keys, connections, properties, target_units):
                async for roots in async_pages(self._http, run):
                    found.extend(roots)
        else:
            for chunk in chunks:
                response = await self._http.post("/models/instances/byids", json=self._byids_body(chunk, target_units))
                found.extend(self._parse(response.content)[0])
            await self._resolve(connections, found)
        result = self._ordered(keys, found)
        if single:
            return result[0] if result else None
        return result

    @takes_filter_keywords
    async def page(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        page_size: int = MAX_PAGE,
        cursor: str | None = None,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> Page[TRead]:
        """Async :meth:`InstanceAPI.page`."""
        _check_page_size(page_size)
        if properties is not None:
            from pygen.instances._query import async_pages

            run = self._page_run(filter, sort, page_size, cursor, connections, properties, target_units)
            found: list[TRead] = [root async for roots in async_pages(self._http, run) for root in roots]
            return Page(InstanceList(found), run.cursor)
        body = self._list_body(filter, sort, page_size, cursor, target_units)
        response = await self._http.post("/models/instances/list", json=body)
        items, next_cursor = self._parse(response.content)
        await self._resolve(connections, items)
        return Page(InstanceList(items), next_cursor)

    @takes_filter_keywords
    async def pages(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = None,
        page_size: int = MAX_PAGE,
        cursor: str | None = None,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> AsyncIterator[Page[TRead]]:
        """Async :meth:`InstanceAPI.pages`: ``async for page in api.pages(): ...``."""
        for size in _page_sizes(limit, page_size):
            page = await self.page(
                filter=filter,
                sort=sort,
                page_size=size,
                cursor=cursor,
                connections=connections,
                properties=properties,
                target_units=target_units,
            )
            yield page
            cursor = page.cursor
            if cursor is None or not page.items:
                return

    @takes_filter_keywords
    async def iterate(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = None,
        page_size: int = MAX_PAGE,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> AsyncIterator[TRead]:
        """Async :meth:`InstanceAPI.iterate`: ``async for item in api.iterate(): ...``."""
        pages = self.pages(
            filter=filter,
            sort=sort,
            limit=limit,
            page_size=page_size,
            connections=connections,
            properties=properties,
            target_units=target_units,
        )
        async for page in pages:
            for item in page.items:
                yield item

    def __aiter__(self) -> AsyncIterator[TRead]:
        return self.iterate()

    @takes_filter_keywords
    async def list(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = 25,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> InstanceList[TRead]:
        """Async :meth:`InstanceAPI.list`."""
        out: InstanceList[TRead] = InstanceList()
        async for item in self.iterate(
            filter=filter,
            sort=sort,
            limit=limit,
            connections=connections,
            properties=properties,
            target_units=target_units,
        ):
            out.append(item)
        return out

    @takes_filter_keywords
    async def search(
        self,
        query: str | None = None,
        *,
        properties: Sequence[str | Property] | None = None,
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

    @takes_filter_keywords
    async def aggregate(
        self,
        *aggregations: AggregateSpec,
        group_by: Sequence[str | Property] | None = None,
        filter: Filter | None = None,
        query: str | None = None,
        properties: Sequence[str | Property] | None = None,
        limit: int | None = None,
    ) -> AggregateGroups:
        """Async :meth:`InstanceAPI.aggregate`."""
        aggs = [_aggregation(name, prop) for name, prop in aggregations]
        body = self._aggregate_body(aggs, group_by, filter, query, properties, limit)
        return self._aggregate_groups((await self._http.post("/models/instances/aggregate", json=body)).content)

    async def _one(self, agg: _Aggregation, filter: Filter | None, query: str | None) -> Any:
        body = self._aggregate_body([agg], None, filter, query, None, None)
        raw = (await self._http.post("/models/instances/aggregate", json=body)).content
        return self._single_value(self._aggregate_groups(raw))

    @takes_filter_keywords
    async def count(
        self, property: str | Property | None = None, *, filter: Filter | None = None, query: str | None = None
    ) -> int:
        """Async :meth:`InstanceAPI.count`."""
        return int(await self._one(_aggregation("count", property or "externalId"), filter, query) or 0)

    @takes_filter_keywords
    async def sum(self, property: str | Property, *, filter: Filter | None = None, query: str | None = None) -> float:
        """Async :meth:`InstanceAPI.sum`."""
        return float(await self._one(_aggregation("sum", property), filter, query) or 0)

    @takes_filter_keywords
    async def avg(
        self, property: str | Property, *, filter: Filter | None = None, query: str | None = None
    ) -> float | None:
        """Async :meth:`InstanceAPI.avg`."""
        value = await self._one(_aggregation("avg", property), filter, query)
        return None if value is None else float(value)

    @takes_filter_keywords
    async def min(
        self, property: str | Property, *, filter: Filter | None = None, query: str | None = None
    ) -> float | None:
        """Async :meth:`InstanceAPI.min`."""
        return _number(await self._one(_aggregation("min", property), filter, query))

    @takes_filter_keywords
    async def max(
        self, property: str | Property, *, filter: Filter | None = None, query: str | None = None
    ) -> float | None:
        """Async :meth:`InstanceAPI.max`."""
        return _number(await self._one(_aggregation("max", property), filter, query))

    @takes_filter_keywords
    async def histogram(
        self, property: str | Property, interval: float, *, filter: Filter | None = None, query: str | None = None
    ) -> Histogram:
        """Async :meth:`InstanceAPI.histogram`."""
        if not interval > 0:
            raise ValueError(f"interval must be positive, got {interval!r}")
        return builtins.list(await self._one(_aggregation("histogram", property, interval), filter, query) or [])

    async def upsert(
        self,
        items: TWrite | Iterable[TWrite],
        *,
        replace: bool = False,
        skip_on_version_conflict: bool = False,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
    ) -> UpsertResult:
        """Async :meth:`InstanceClient.upsert`."""
        return await self._client.upsert(
            items,
            replace=replace,
            skip_on_version_conflict=skip_on_version_conflict,
            auto_create_direct_relations=auto_create_direct_relations,
            auto_create_start_nodes=auto_create_start_nodes,
            auto_create_end_nodes=auto_create_end_nodes,
        )

    async def delete(self, ids: InstanceIdLike | Iterable[InstanceIdLike]) -> DeleteResult:
        """Async :meth:`InstanceClient.delete`."""
        return await self._client.delete(ids)

    async def _resolve(self, connections: bool | Sequence[str], roots: builtins.list[TRead]) -> None:
        """Fill in one hop of the connections of ``roots``."""
        for run in self._resolve_runs(connections, roots):
            from pygen.instances._query import async_pages

            async for _ in async_pages(self._http, run):
                pass

    @takes_filter_keywords
    def query(
        self,
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = 25,
        connections: bool | Sequence[str] = False,
        properties: Sequence[str | Property] | None = None,
        target_units: Mapping[str, str] | None = None,
    ) -> AsyncQuery[TRead, TRead]:
        """:meth:`InstanceAPI.query` (the query's reads are awaited: ``await query.list()``)."""
        from pygen.instances._query import AsyncQuery

        root, branches = self._query_root(filter, sort, limit, connections, properties)
        return AsyncQuery(self, root, branches, target_units)


def _number(value: object) -> float | None:
    """An aggregate's value: int or float as the API sent it (ints stay exact), None when there is none."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


TAPI = TypeVar("TAPI", bound="InstanceAPI[Any, Any] | AsyncInstanceAPI[Any, Any]")


class LazyAPI(Generic[TAPI]):
    """A client attribute holding the API of one view, built (and its module imported) on first use.

    ``module`` is the module that defines the view's API class, relative to the client's package; the
    class is the one API subclass (sync or async, as the client is) defined there. Each client object
    builds its API once::

        class PumpClient(InstanceClient):
            pumps: LazyAPI[PumpAPI] = LazyAPI(".pump")  # PumpAPI from the module .pump, on first use
    """

    def __init__(self, module: str) -> None:
        self.module = module
        self._attribute = ""
        self._owner: type = object
        self._class: type[TAPI] | None = None  # found on first use, the same for every client object

    def __set_name__(self, owner: type, name: str) -> None:
        self._attribute, self._owner = name, owner

    @overload
    def __get__(self, client: None, owner: type) -> LazyAPI[TAPI]: ...

    @overload
    def __get__(self, client: InstanceClient | AsyncInstanceClient, owner: type) -> TAPI: ...

    def __get__(self, client: InstanceClient | AsyncInstanceClient | None, owner: type) -> TAPI | LazyAPI[TAPI]:
        if client is None:
            return self
        api_class: Any = self.api_class()
        api: TAPI = api_class(client)
        client.__dict__[self._attribute] = api  # later reads find the object itself (as cached_property does)
        return api

    def api_class(self) -> type[TAPI]:
        """The API class this attribute builds: sync or async, as the client class that declares it is."""
        if self._class is None:
            self._class = self._find_class()
        return self._class

    def _find_class(self) -> type[TAPI]:
        owner = self._owner
        base: type = AsyncInstanceAPI if issubclass(owner, AsyncInstanceClient) else InstanceAPI
        found: type[TAPI] = _api_class_in(self.module, owner, self._attribute, base)
        return found


def _api_class_in(module_name: str, owner: type, attribute: str, base: type) -> Any:
    """The one ``base`` subclass that module ``module_name`` (relative to ``owner``'s package) defines."""
    package = sys.modules[owner.__module__].__package__
    module = importlib.import_module(module_name, package)
    found: builtins.list[Any] = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, base) and value.__module__ == module.__name__
    ]
    if len(found) != 1:
        names = sorted(value.__name__ for value in found)
        raise TypeError(
            f"{owner.__name__}.{attribute}: module {module.__name__} must define one {base.__name__} "
            f"subclass, found {names or 'none'}"
        )
    return found[0]


class ConnectionEdges(Generic[TAPI]):
    """A view API attribute: the edges of one of the view's edge connections, through the edge view's API.

    Every read of it (``list``, ``iterate``, ``search``, ``count``, ...; with the edge view's filter
    keywords) only sees edges of the connection's type, as objects of the connection's edge class::

        class PumpAPI(InstanceAPI[Pump, PumpWrite]):
            valves_edges: ConnectionEdges[PipeAPI] = ConnectionEdges("valves", ".pipe")

        client.pumps.valves_edges.list(min_length=3, filter=PipeFields.start_node.in_(["pump1"]))
    """

    def __init__(self, field: str, module: str) -> None:
        self.field = field
        self.module = module
        self._attribute = ""
        self._owner: type = object

    def __set_name__(self, owner: type, name: str) -> None:
        self._attribute, self._owner = name, owner

    @overload
    def __get__(self, api: None, owner: type) -> ConnectionEdges[TAPI]: ...

    @overload
    def __get__(self, api: InstanceAPI[Any, Any] | AsyncInstanceAPI[Any, Any], owner: type) -> TAPI: ...

    def __get__(
        self, api: InstanceAPI[Any, Any] | AsyncInstanceAPI[Any, Any] | None, owner: type
    ) -> TAPI | ConnectionEdges[TAPI]:
        if api is None:
            return self
        read_class = api._read_class
        connection = read_class._connections.get(self.field)
        if not isinstance(connection, EdgeConnection):
            raise TypeError(
                f"{owner.__name__}.{self._attribute}: {read_class.__name__}.{self.field} is not an edge connection"
            )
        base: type = AsyncInstanceAPI if isinstance(api, AsyncInstanceAPI) else InstanceAPI
        edge_api: Any = _api_class_in(self.module, owner, self._attribute, base)(api._client)
        edge_api._scope = Equals(("edge", "type"), connection.edge_type)
        read_class.model_rebuild()
        from pygen.instances._graph import _classes_in

        edge_classes = [c for c in _classes_in(read_class.model_fields[self.field].annotation) if issubclass(c, Edge)]
        if edge_classes:
            edge_api._read_class = edge_classes[0]  # the edge class whose far end is the connection's target
        api.__dict__[self._attribute] = edge_api
        return edge_api  # type: ignore[no-any-return]
