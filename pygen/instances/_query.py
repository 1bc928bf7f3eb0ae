"""Typed graph queries: ``client.assets.query(...).follow(lambda a: a.children).list()``.

A query starts at one view (``query()`` on the view's API takes the same filter keywords and
``Fields`` builders as ``list``), follows connections one hop at a time with ``follow``, each hop
with its own filter, sort, limit and properties, and runs on ``/models/instances/query`` (see
``_graph`` for how the steps become requests). Type checkers follow the path: ``follow`` takes a
function of the current hop's read class that returns one of its connection fields, so a field the
class lacks is an error, and the next hop's class is the field's target class.

:class:`~pygen.instances.InstanceAPI`'s example runs a query of one hop against the emulator; ``list()``
gives the roots with their connections filled in (a graph), ``flat()`` the last hop's objects, each once.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from pygen.instances._filters import Filter, Property
from pygen.instances._ids import NodeId
from pygen.instances._instances import InstanceList, _ReadInstance
from pygen.instances._keywords import SortArg
from pygen.instances._view import check_filter, limit_or_all, sorts_of

if TYPE_CHECKING:
    from pygen.instances._api import AsyncInstanceAPI, InstanceAPI
    from pygen.instances._graph import Run, Step

# The engine (``_graph``) is imported where a query runs: a query's steps come from it (``InstanceAPI.query``
# builds the root step), so importing this module, as every generated view module does, does not load it.

__all__ = ["AsyncQuery", "Query", "QueryResult"]

TRoot = TypeVar("TRoot", bound=_ReadInstance)
T = TypeVar("T", bound=_ReadInstance)
TNext = TypeVar("TNext", bound=_ReadInstance)

#: Roots per request of ``iterate`` (one page of roots, with everything below them, in memory).
ITERATE_PAGE = 1000


class _Field:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class _Recorder:
    """Stands in for an object of the hop's class: ``lambda a: a.children`` returns the field it names."""

    __slots__ = ()

    def __getattr__(self, name: str) -> _Field:
        return _Field(name)


def connection_field(connection: Callable[[Any], object], where: str) -> str:
    """The field that ``connection`` (``lambda pump: pump.valves``) names."""
    if not callable(connection):
        raise TypeError(f"{where}: follow takes a function naming one connection field, like lambda a: a.children")
    try:
        found = connection(_Recorder())
    except Exception as exc:
        raise TypeError(
            f"{where}: follow takes a function that only names one connection field, like lambda a: a.children "
            f"({type(exc).__name__}: {exc})"
        ) from None
    if not isinstance(found, _Field):
        raise TypeError(
            f"{where}: follow takes a function that returns one connection field, like lambda a: a.children; "
            f"it returned {found!r}"
        )
    return found.name


class QueryResult(Generic[TRoot]):
    """What a query read: the roots with their connections filled in, and each hop's objects.

    ``result.roots`` are the root objects; ``result[hop]`` are the objects one hop of the query reached
    (``hop`` is the query object ``follow`` returned for it), each once. ``requests`` is how many
    requests the query made.
    """

    def __init__(self, roots: InstanceList[TRoot], rows: Mapping[Step, Sequence[Any]], requests: int) -> None:
        self.roots = roots
        self._rows = rows
        self.requests = requests

    def __getitem__(self, hop: Query[Any, T] | AsyncQuery[Any, T]) -> InstanceList[T]:
        rows = self._rows.get(hop._step)
        if rows is None:
            raise KeyError(f"{hop._step.path()} is not a hop of this query (include it: query.include(hop))")
        return InstanceList(rows)

    def __repr__(self) -> str:
        return f"QueryResult({len(self.roots)} roots, {self.requests} requests)"


class _QueryBase(Generic[TRoot, T]):
    """What sync and async queries share: the path and the run that reads it."""

    __slots__ = ("_api", "_branches", "_step", "_target_units")

    def __init__(
        self,
        api: Any,
        step: Step,
        branches: tuple[Step, ...] = (),
        target_units: Mapping[str, str] | None = None,
    ) -> None:
        self._api = api
        self._step = step
        self._branches = branches
        self._target_units = target_units

    def __repr__(self) -> str:
        others = "".join(f" + {branch.path()}" for branch in self._branches)
        return f"{type(self).__name__}({self._step.path()}{others})"

    def _followed(
        self,
        connection: Callable[[Any], object],
        filter: Filter | None,
        sort: SortArg,
        limit: int | None,
        properties: Sequence[str | Property] | None,
    ) -> Step:
        where = f"{self._step.path()}.follow"
        check_filter(filter, where)
        field = connection_field(connection, where)
        return self._step.follow(
            field, filter=filter, sort=sorts_of(sort), limit=limit_or_all(limit, where), properties=properties
        )

    def _included(self, paths: Sequence[_QueryBase[Any, Any]]) -> tuple[Step, ...]:
        branches = list(self._branches)
        for path in paths:
            if not isinstance(path, _QueryBase):
                raise TypeError(f"include takes queries of the same root, got {path!r}")
            if path._step.root is not self._step.root:
                raise ValueError(f"include: {path._step.path()} does not start at the root of {self._step.path()}")
            for step in (path._step, *path._branches):
                if step not in branches:
                    branches.append(step)
        return tuple(branches)

    def _run(self, *, keep: bool, page_size: int) -> Run:
        from pygen.instances._graph import Run

        root = self._step.root
        client = self._api._client
        return Run(
            root,
            [self._step, *self._branches],
            space=client.instance_space,
            validate=client.validate,
            page_size=page_size,
            limit=root.limit,
            target_units=self._target_units,
            keep=keep,
        )

    @staticmethod
    def _result(run: Run) -> QueryResult[TRoot]:
        rows = {step: builtins.list(found.values()) for step, found in run.rows.items()}
        return QueryResult(InstanceList(rows[run.root]), rows, run.requests)


class Query(_QueryBase[TRoot, T]):
    """A graph query (sync): ``follow`` connections, then ``list``, ``execute``, ``flat`` or ``iterate``.

    ``TRoot`` is the class of the roots, ``T`` the class of the objects the last hop reaches. Queries are
    immutable: ``follow`` and ``include`` return new ones, so one prefix can start several paths.
    """

    _api: InstanceAPI[Any, Any]

    @overload
    def follow(
        self,
        connection: Callable[[T], Sequence[TNext | NodeId] | None],
        *,
        filter: Filter | None = ...,
        sort: SortArg = ...,
        limit: int | None = ...,
        properties: Sequence[str | Property] | None = ...,
    ) -> Query[TRoot, TNext]: ...

    @overload
    def follow(
        self,
        connection: Callable[[T], TNext | NodeId | None],
        *,
        filter: Filter | None = ...,
        sort: SortArg = ...,
        limit: int | None = ...,
        properties: Sequence[str | Property] | None = ...,
    ) -> Query[TRoot, TNext]: ...

    def follow(
        self,
        connection: Callable[[T], object],
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = None,
        properties: Sequence[str | Property] | None = None,
    ) -> Query[TRoot, Any]:
        """Follow one connection of this hop's objects: ``follow(lambda pump: pump.valves, limit=100)``.

        ``filter``/``sort`` use the target view's ``Fields`` builders; ``limit`` caps this hop's objects
        over the whole query (None: all); ``properties`` picks the target properties to read (``[]``:
        ids only). For an edge connection with edge properties, this hop's objects are the edges;
        ``follow(lambda edge: edge.end_node)`` then reads the nodes at their far end.
        """
        step = self._followed(connection, filter, sort, limit, properties)
        return Query(self._api, step, self._branches, self._target_units)

    def include(self, *paths: Query[TRoot, Any]) -> Query[TRoot, T]:
        """This query plus other paths from the same root, read together (in the same requests)."""
        return Query(self._api, self._step, self._included(paths), self._target_units)

    def _pages(self, run: Run) -> Iterator[builtins.list[Any]]:
        return sync_pages(self._api._http, run)

    def execute(self) -> QueryResult[TRoot]:
        """Read the whole query: the roots (connections filled in) and each hop's objects."""
        run = self._run(keep=True, page_size=_graph_limit())
        for _ in self._pages(run):
            pass
        return self._result(run)

    def list(self) -> InstanceList[TRoot]:
        """The roots, with the connections of this query filled in (the same node reached twice is one object)."""
        return self.execute().roots

    def flat(self) -> InstanceList[T]:
        """The objects the last hop reached, each once."""
        return self.execute()[self]

    def iterate(self, *, page_size: int = ITERATE_PAGE) -> Iterator[TRoot]:
        """The roots with their connections, a page of roots (and what is below them) in memory at a time."""
        _check_page(page_size)
        for roots in self._pages(self._run(keep=False, page_size=page_size)):
            yield from roots


class AsyncQuery(_QueryBase[TRoot, T]):
    """A graph query (async twin of :class:`Query`): ``await query.list()``, ``async for x in query.iterate()``."""

    _api: AsyncInstanceAPI[Any, Any]

    @overload
    def follow(
        self,
        connection: Callable[[T], Sequence[TNext | NodeId] | None],
        *,
        filter: Filter | None = ...,
        sort: SortArg = ...,
        limit: int | None = ...,
        properties: Sequence[str | Property] | None = ...,
    ) -> AsyncQuery[TRoot, TNext]: ...

    @overload
    def follow(
        self,
        connection: Callable[[T], TNext | NodeId | None],
        *,
        filter: Filter | None = ...,
        sort: SortArg = ...,
        limit: int | None = ...,
        properties: Sequence[str | Property] | None = ...,
    ) -> AsyncQuery[TRoot, TNext]: ...

    def follow(
        self,
        connection: Callable[[T], object],
        *,
        filter: Filter | None = None,
        sort: SortArg = None,
        limit: int | None = None,
        properties: Sequence[str | Property] | None = None,
    ) -> AsyncQuery[TRoot, Any]:
        """:meth:`Query.follow`."""
        step = self._followed(connection, filter, sort, limit, properties)
        return AsyncQuery(self._api, step, self._branches, self._target_units)

    def include(self, *paths: AsyncQuery[TRoot, Any]) -> AsyncQuery[TRoot, T]:
        """:meth:`Query.include`."""
        return AsyncQuery(self._api, self._step, self._included(paths), self._target_units)

    def _pages(self, run: Run) -> AsyncIterator[builtins.list[Any]]:
        return async_pages(self._api._http, run)

    async def execute(self) -> QueryResult[TRoot]:
        """:meth:`Query.execute`."""
        run = self._run(keep=True, page_size=_graph_limit())
        async for _ in self._pages(run):
            pass
        return self._result(run)

    async def list(self) -> InstanceList[TRoot]:
        """:meth:`Query.list`."""
        return (await self.execute()).roots

    async def flat(self) -> InstanceList[T]:
        """:meth:`Query.flat`."""
        return (await self.execute())[self]

    async def iterate(self, *, page_size: int = ITERATE_PAGE) -> AsyncIterator[TRoot]:
        """:meth:`Query.iterate`: ``async for root in query.iterate(): ...``."""
        _check_page(page_size)
        async for roots in self._pages(self._run(keep=False, page_size=page_size)):
            for root in roots:
                yield root


def _graph_limit() -> int:
    from pygen.instances._graph import MAX_QUERY_LIMIT

    return MAX_QUERY_LIMIT


def _check_page(page_size: int) -> None:
    limit = _graph_limit()
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= limit:
        raise ValueError(f"page_size must be an integer from 1 to {limit}, got {page_size!r}")


def sync_pages(http: Any, run: Run) -> Iterator[builtins.list[Any]]:
    """Send the requests of ``run`` over a sync HTTP client; yields the roots of each page."""
    from pygen.instances._graph import Post

    events: Generator[Any, bytes, None] = run.pages()
    try:
        event = next(events)
        while True:
            if isinstance(event, Post):
                event = events.send(http.post("/models/instances/query", json=event.body).content)
            else:
                yield event.roots
                event = next(events)
    except StopIteration:
        return


async def async_pages(http: Any, run: Run) -> AsyncIterator[builtins.list[Any]]:
    """:func:`sync_pages` over an async HTTP client."""
    from pygen.instances._graph import Post

    events: Generator[Any, bytes, None] = run.pages()
    try:
        event = next(events)
        while True:
            if isinstance(event, Post):
                event = events.send((await http.post("/models/instances/query", json=event.body)).content)
            else:
                yield event.roots
                event = next(events)
    except StopIteration:
        return
