"""The datapoints API of an instance client (``client.datapoints``), sync and async.

Request planning and parsing live in ``_datapoints``; these classes only send: reads one request at a
time (each page of a paged read is asked for when the one before it was consumed, so memory stays flat),
inserts as parallel requests within the transport's write limit (threads for sync, tasks for async), at
most that many bodies built at once.
"""

from __future__ import annotations

import builtins
import itertools
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, overload

from pygen.instances._datapoints import (
    Aggregate,
    Datapoint,
    Datapoints,
    DatapointsError,
    DatapointsLike,
    DatapointsList,
    DatapointsRead,
    FailedDatapoints,
    InsertSeries,
    TimeLike,
    TimeSeriesIdLike,
    delete_bodies,
    insert_body,
    insert_chunks,
    insert_series,
    latest_bodies,
    latest_values,
    merge,
)
from pygen.instances._ids import NodeId
from pygen.transport import Deadline, PygenError

if TYPE_CHECKING:
    from pygen.instances._client import AsyncInstanceClient, InstanceClient

__all__ = ["AsyncDatapointsAPI", "DatapointsAPI"]

_Chunk = builtins.list[tuple[InsertSeries, int, int]]
#: What ``insert_many`` takes: ``{series: datapoints}`` (keys typed ``Any``: a Mapping's key type is invariant, and
#: a ``dict[TimeSeriesRef, ...]`` must fit as well as a literal) or ``(series, datapoints)`` pairs.
InsertItems: TypeAlias = "Mapping[Any, DatapointsLike] | Iterable[tuple[TimeSeriesIdLike, DatapointsLike]]"


def _single(ids: object) -> bool:
    """One series (``"xid"``, ``(space, xid)``, ``NodeId``, a ref, a node object) or many (a list of them).

    Node objects are pydantic models, which are iterable (over their fields): one series, not many.
    """
    return isinstance(ids, (str, tuple, NodeId)) or hasattr(ids, "external_id") or not isinstance(ids, Iterable)


def _as_list(ids: object) -> builtins.list[TimeSeriesIdLike]:
    return [ids] if _single(ids) else builtins.list(ids)  # type: ignore[list-item, call-overload]


def _insert_items(
    items: InsertItems,
    default_space: str | None,
) -> builtins.list[InsertSeries]:
    pairs = items.items() if isinstance(items, Mapping) else items
    return [insert_series(id, datapoints, default_space) for id, datapoints in pairs]


def _failed(chunk: _Chunk, error: PygenError) -> FailedDatapoints:
    ids = builtins.list(dict.fromkeys(series.asked for series, _, _ in chunk))
    return FailedDatapoints(ids, sum(stop - start for _, start, stop in chunk), error, error.maybe_applied)


def _not_sent(chunk: _Chunk, deadline: Deadline) -> FailedDatapoints:
    return _failed(chunk, PygenError(f"not sent: {deadline.describe()} passed before this request started"))


def _count(chunk: _Chunk) -> int:
    return sum(stop - start for _, start, stop in chunk)


class _Base:
    """What the sync and async datapoints APIs share: the read plan from a call's arguments."""

    _default_space: str | None

    def _read(
        self,
        ids: Sequence[object],
        start: TimeLike | None,
        end: TimeLike | None,
        aggregates: Aggregate | Sequence[Aggregate] | None,
        granularity: str | None,
        limit: int | None,
        page_size: int | None,
        target_unit: str | None,
        target_unit_system: str | None,
        ignore_unknown_ids: bool,
        cursor: str | None = None,
    ) -> DatapointsRead:
        return DatapointsRead(
            ids,
            self._default_space,
            start=start,
            end=end,
            aggregates=aggregates,
            granularity=granularity,
            limit=limit,
            page_size=page_size,
            target_unit=target_unit,
            target_unit_system=target_unit_system,
            ignore_unknown_ids=ignore_unknown_ids,
            cursor=cursor,
        )

    def _result(
        self, ids: object, read: DatapointsRead, chunks: Iterable[Datapoints]
    ) -> Datapoints | DatapointsList | None:
        joined = merge(chunks, read)
        if _single(ids):
            if joined:
                return joined[0]
            if read.missing:
                return None
            # Nothing read at all (limit=0): an empty series of what was asked.
            return Datapoints(
                read.series[0].asked, values=None if read.aggregates else [], granularity=read.granularity
            )
        return DatapointsList(joined, read.missing, self._default_space)


class DatapointsAPI(_Base):
    """Datapoints of time series (``client.datapoints``): retrieve (raw or aggregates, paged or streamed),
    latest, insert, delete ranges.

    A series is a ``CogniteTimeSeries`` node by the ids rule (``NodeId``, ``(space, xid)``, a bare external
    id in the client's instance space, or the node object) or a classic one by external id
    (:class:`TimeSeriesRef`). Times are epoch milliseconds, timezone-aware datetimes, or ``"now"``/``"2d-ago"``.

    Example:
        A ``CogniteTimeSeries`` node and its datapoints, against the emulator run in process (for CDF, pass the
        ``ClientConfig`` itself):

        >>> from datetime import datetime, timezone
        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.emulator.testing import SyncASGITransport
        >>> from pygen.instances import InstanceClient, NodeWrite, ViewId
        >>> from pygen.transport import ClientConfig, HTTPClient, Token
        >>> class TimeSeriesWrite(NodeWrite):
        ...     _view_id = ViewId("cdf_cdm", "CogniteTimeSeries", "v1")
        ...     _property_ids = {"type_": "type", "is_step": "isStep"}
        ...     type_: str | None = None
        ...     is_step: bool | None = None
        >>> snapshot = "example_project/snapshots/cdf_cdm.CogniteCore.v1.json"
        >>> emulator = SyncASGITransport(create_app(EmulatorSettings(model_files=[snapshot])))
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> start = datetime(2024, 1, 1, tzinfo=timezone.utc)
        >>> with HTTPClient(config, transport=emulator) as http:
        ...     _ = http.post("/models/spaces", json={"items": [{"space": "my_space"}]})
        ...     client = InstanceClient(http, instance_space="my_space")
        ...     _ = client.upsert(TimeSeriesWrite(external_id="pressure", type_="numeric", is_step=False))
        ...     written = client.datapoints.insert("pressure", [(start, 2.5), (1704067260000, 3.5)])  # or epoch ms
        ...     dps = client.datapoints.retrieve("pressure", start=start, end="now")
        ...     hourly = client.datapoints.retrieve("pressure", start=start, aggregates="count", granularity="1h")
        ...     latest = client.datapoints.latest("pressure")
        >>> written, list(dps.values), list(hourly.aggregates["count"]), latest
        (2, [2.5, 3.5], [2.0], Datapoint(timestamp=1704067260000, value=3.5))
    """

    def __init__(self, client: InstanceClient) -> None:
        self._client = client
        self._http = client.http
        self._default_space = client.instance_space

    @overload
    def retrieve(  # type: ignore[overload-overlap]
        self,
        ids: TimeSeriesIdLike,
        *,
        start: TimeLike | None = ...,
        end: TimeLike | None = ...,
        aggregates: Aggregate | Sequence[Aggregate] | None = ...,
        granularity: str | None = ...,
        limit: int | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: Literal[False] = ...,
    ) -> Datapoints: ...

    @overload
    def retrieve(  # type: ignore[overload-overlap]
        self,
        ids: TimeSeriesIdLike,
        *,
        start: TimeLike | None = ...,
        end: TimeLike | None = ...,
        aggregates: Aggregate | Sequence[Aggregate] | None = ...,
        granularity: str | None = ...,
        limit: int | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: bool = ...,
    ) -> Datapoints | None: ...

    @overload
    def retrieve(
        self,
        ids: Sequence[TimeSeriesIdLike],
        *,
        start: TimeLike | None = ...,
        end: TimeLike | None = ...,
        aggregates: Aggregate | Sequence[Aggregate] | None = ...,
        granularity: str | None = ...,
        limit: int | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: bool = ...,
    ) -> DatapointsList: ...

    def retrieve(
        self,
        ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike],
        *,
        start: TimeLike | None = None,
        end: TimeLike | None = None,
        aggregates: Aggregate | Sequence[Aggregate] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
        target_unit: str | None = None,
        target_unit_system: str | None = None,
        ignore_unknown_ids: bool = False,
    ) -> Datapoints | DatapointsList | None:
        """The datapoints of one series (a :class:`Datapoints`) or many (a :class:`DatapointsList`) in
        ``[start, end)``: raw, or ``aggregates`` per ``granularity`` (``"1h"``, ``"1d"``...).

        ``limit`` is per series (None or -1: all; the default). CDF's defaults apply to an omitted ``start``
        (epoch) and ``end`` (now). Many series are read in as few requests as CDF allows (100 series and
        100,000 datapoints a request, 10,000 for aggregates), following each series' cursor. For long
        ranges use :meth:`pages`, which holds at most two responses in memory instead of everything. With
        ``ignore_unknown_ids`` a series CDF does not know is left out (one series: None; many: listed in
        ``.missing``); otherwise it is an error.
        """
        read = self._read(
            _as_list(ids),
            start,
            end,
            aggregates,
            granularity,
            limit,
            None,
            target_unit,
            target_unit_system,
            ignore_unknown_ids,
        )
        return self._result(ids, read, self._chunks(read, keep_empty=True))

    def pages(
        self,
        ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike],
        *,
        start: TimeLike | None = None,
        end: TimeLike | None = None,
        aggregates: Aggregate | Sequence[Aggregate] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        target_unit: str | None = None,
        target_unit_system: str | None = None,
        ignore_unknown_ids: bool = False,
        cursor: str | None = None,
    ) -> Iterator[Datapoints]:
        """The datapoints of :meth:`retrieve` as they arrive: each piece a :class:`Datapoints` of one series
        (at most ``page_size`` datapoints; in time order within a series), at most two responses in memory (the
        next one is asked for while this piece is built and handed on).

        ``piece.cursor`` resumes that series where the piece ended (``pages(id, cursor=piece.cursor)``).
        """
        read = self._read(
            _as_list(ids),
            start,
            end,
            aggregates,
            granularity,
            limit,
            page_size,
            target_unit,
            target_unit_system,
            ignore_unknown_ids,
            cursor,
        )
        return self._chunks(read, keep_empty=False)

    def _list(self, body: dict[str, Any]) -> bytes:
        return self._http.post("/timeseries/data/list", json=body, kind="read").content

    def _chunks(self, read: DatapointsRead, keep_empty: bool) -> Iterator[Datapoints]:
        """The pieces of a read, in order. Once a response's cursors are read, the next request goes out (in a
        worker thread) while this one's arrays are built and handed on: at most two responses in memory."""
        body = read.next_request()
        if body is None:
            return
        content = self._list(body)
        pool = None
        try:
            while True:
                builders = read.advance(content)
                body = read.next_request()
                upcoming = None
                if body is not None:
                    if pool is None:  # a read of one page (the common small one) starts no thread
                        from concurrent.futures import ThreadPoolExecutor

                        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pygen-datapoints")
                    upcoming = pool.submit(self._list, body)
                for build in builders:
                    chunk = build()
                    if keep_empty or len(chunk):
                        yield chunk
                if upcoming is None:
                    return
                content = upcoming.result()
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    @overload
    def latest(  # type: ignore[overload-overlap]
        self,
        ids: TimeSeriesIdLike,
        *,
        before: TimeLike | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: bool = ...,
    ) -> Datapoint | None: ...

    @overload
    def latest(
        self,
        ids: Sequence[TimeSeriesIdLike],
        *,
        before: TimeLike | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: bool = ...,
    ) -> builtins.list[Datapoint | None]: ...

    def latest(
        self,
        ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike],
        *,
        before: TimeLike | None = None,
        target_unit: str | None = None,
        target_unit_system: str | None = None,
        ignore_unknown_ids: bool = False,
    ) -> Datapoint | None | builtins.list[Datapoint | None]:
        """The latest datapoint of each series (strictly ``before`` a time; default: the latest of all), or
        None where there is none. Many series: a list in the order asked (100 series a request)."""
        asked, bodies = latest_bodies(
            _as_list(ids), self._default_space, before, target_unit, target_unit_system, ignore_unknown_ids
        )
        contents = [self._http.post("/timeseries/data/latest", json=body, kind="read").content for body in bodies]
        values = latest_values(asked, contents)
        return values[0] if _single(ids) else values

    def insert(self, id: TimeSeriesIdLike, datapoints: DatapointsLike) -> int:
        """Insert datapoints into one series: a :class:`Datapoints` or ``(timestamp, value)`` pairs (timestamps
        as epoch ms or aware datetimes; values all numbers or all strings). A timestamp holds one value: an
        existing one is overwritten. Returns how many were written; see :meth:`insert_many`."""
        return self.insert_many([(id, datapoints)])

    def insert_many(self, items: InsertItems) -> int:
        """Insert datapoints into many series (``{series: datapoints}`` or ``(series, datapoints)`` pairs).

        Everything is checked before anything is sent (aware times, finite numbers, one value type per
        series). Requests hold up to 100,000 datapoints and 10,000 series (a long series is cut over several)
        and run in parallel within the transport's write limit. If any fails, the others still go, and
        :class:`DatapointsError` names each failed request (``.failed``) and counts what was ``.written``.
        """
        series = _insert_items(items, self._default_space)
        clock = Deadline(self._http.config.retry)
        chunks = insert_chunks(series)
        head = builtins.list(itertools.islice(chunks, 2))
        outcomes: builtins.list[tuple[int, FailedDatapoints | None]] = []
        if len(head) < 2:  # the common small insert: no thread pool
            outcomes = [self._send(chunk, clock) for chunk in head]
        else:
            from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

            workers = max(1, self._http.config.limits.write)
            pending: set[Future[tuple[int, FailedDatapoints | None]]] = set()
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for chunk in itertools.chain(head, chunks):  # at most `workers` bodies built at a time
                    if len(pending) >= workers:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        outcomes += [future.result() for future in done]
                    pending.add(pool.submit(self._send, chunk, clock))
                outcomes += [future.result() for future in wait(pending).done]
        return _written(outcomes)

    def _send(self, chunk: _Chunk, deadline: Deadline) -> tuple[int, FailedDatapoints | None]:
        if deadline.passed:
            return 0, _not_sent(chunk, deadline)
        try:
            self._http.post("/timeseries/data", content=insert_body(chunk), kind="write", deadline=deadline)
        except PygenError as exc:
            return 0, _failed(chunk, exc)
        return _count(chunk), None

    def delete_range(self, ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike], start: TimeLike, end: TimeLike) -> None:
        """Delete the datapoints in ``[start, end)`` of one series or many."""
        self.delete_ranges((id, start, end) for id in _as_list(ids))

    def delete_ranges(self, ranges: Iterable[tuple[TimeSeriesIdLike, TimeLike, TimeLike]]) -> None:
        """Delete ``[start, end)`` of each ``(series, start, end)`` (10,000 ranges a request)."""
        for body in delete_bodies(ranges, self._default_space):
            self._http.post("/timeseries/data/delete", json=body, kind="delete")


def _written(outcomes: Iterable[tuple[int, FailedDatapoints | None]]) -> int:
    written, failed = 0, builtins.list[FailedDatapoints]()
    for count, failure in outcomes:
        written += count
        if failure is not None:
            failed.append(failure)
    if failed:
        raise DatapointsError(failed, written)
    return written


class AsyncDatapointsAPI(_Base):
    """Async twin of :class:`DatapointsAPI` (``await client.datapoints.retrieve(...)``,
    ``async for piece in client.datapoints.pages(...)``)."""

    def __init__(self, client: AsyncInstanceClient) -> None:
        self._client = client
        self._http = client.http
        self._default_space = client.instance_space

    @overload
    async def retrieve(  # type: ignore[overload-overlap]
        self,
        ids: TimeSeriesIdLike,
        *,
        start: TimeLike | None = ...,
        end: TimeLike | None = ...,
        aggregates: Aggregate | Sequence[Aggregate] | None = ...,
        granularity: str | None = ...,
        limit: int | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: Literal[False] = ...,
    ) -> Datapoints: ...

    @overload
    async def retrieve(  # type: ignore[overload-overlap]
        self,
        ids: TimeSeriesIdLike,
        *,
        start: TimeLike | None = ...,
        end: TimeLike | None = ...,
        aggregates: Aggregate | Sequence[Aggregate] | None = ...,
        granularity: str | None = ...,
        limit: int | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: bool = ...,
    ) -> Datapoints | None: ...

    @overload
    async def retrieve(
        self,
        ids: Sequence[TimeSeriesIdLike],
        *,
        start: TimeLike | None = ...,
        end: TimeLike | None = ...,
        aggregates: Aggregate | Sequence[Aggregate] | None = ...,
        granularity: str | None = ...,
        limit: int | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: bool = ...,
    ) -> DatapointsList: ...

    async def retrieve(
        self,
        ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike],
        *,
        start: TimeLike | None = None,
        end: TimeLike | None = None,
        aggregates: Aggregate | Sequence[Aggregate] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
        target_unit: str | None = None,
        target_unit_system: str | None = None,
        ignore_unknown_ids: bool = False,
    ) -> Datapoints | DatapointsList | None:
        """Async :meth:`DatapointsAPI.retrieve`."""
        read = self._read(
            _as_list(ids),
            start,
            end,
            aggregates,
            granularity,
            limit,
            None,
            target_unit,
            target_unit_system,
            ignore_unknown_ids,
        )
        chunks = [chunk async for chunk in self._chunks(read, keep_empty=True)]
        return self._result(ids, read, chunks)

    def pages(
        self,
        ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike],
        *,
        start: TimeLike | None = None,
        end: TimeLike | None = None,
        aggregates: Aggregate | Sequence[Aggregate] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        target_unit: str | None = None,
        target_unit_system: str | None = None,
        ignore_unknown_ids: bool = False,
        cursor: str | None = None,
    ) -> AsyncIterator[Datapoints]:
        """Async :meth:`DatapointsAPI.pages`: ``async for piece in client.datapoints.pages(...)``."""
        read = self._read(
            _as_list(ids),
            start,
            end,
            aggregates,
            granularity,
            limit,
            page_size,
            target_unit,
            target_unit_system,
            ignore_unknown_ids,
            cursor,
        )
        return self._chunks(read, keep_empty=False)

    async def _list(self, body: dict[str, Any]) -> bytes:
        return (await self._http.post("/timeseries/data/list", json=body, kind="read")).content

    async def _chunks(self, read: DatapointsRead, keep_empty: bool) -> AsyncIterator[Datapoints]:
        """Async :meth:`DatapointsAPI._chunks` (the next request is a task, sent before the arrays are built)."""
        import asyncio  # lazily: ~30 ms that sync users never need

        body = read.next_request()
        if body is None:
            return
        content = await self._list(body)
        upcoming: asyncio.Task[bytes] | None = None
        try:
            while True:
                builders = read.advance(content)
                body = read.next_request()
                if body is not None:
                    upcoming = asyncio.ensure_future(self._list(body))
                    await asyncio.sleep(0)  # let it send the request before the CPU work below
                for build in builders:
                    chunk = build()
                    if keep_empty or len(chunk):
                        yield chunk
                if upcoming is None:
                    return
                content, upcoming = await upcoming, None
        finally:
            if upcoming is not None and not upcoming.done():
                upcoming.cancel()

    @overload
    async def latest(  # type: ignore[overload-overlap]
        self,
        ids: TimeSeriesIdLike,
        *,
        before: TimeLike | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: bool = ...,
    ) -> Datapoint | None: ...

    @overload
    async def latest(
        self,
        ids: Sequence[TimeSeriesIdLike],
        *,
        before: TimeLike | None = ...,
        target_unit: str | None = ...,
        target_unit_system: str | None = ...,
        ignore_unknown_ids: bool = ...,
    ) -> builtins.list[Datapoint | None]: ...

    async def latest(
        self,
        ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike],
        *,
        before: TimeLike | None = None,
        target_unit: str | None = None,
        target_unit_system: str | None = None,
        ignore_unknown_ids: bool = False,
    ) -> Datapoint | None | builtins.list[Datapoint | None]:
        """Async :meth:`DatapointsAPI.latest`."""
        asked, bodies = latest_bodies(
            _as_list(ids), self._default_space, before, target_unit, target_unit_system, ignore_unknown_ids
        )
        contents = [
            (await self._http.post("/timeseries/data/latest", json=body, kind="read")).content for body in bodies
        ]
        values = latest_values(asked, contents)
        return values[0] if _single(ids) else values

    async def insert(self, id: TimeSeriesIdLike, datapoints: DatapointsLike) -> int:
        """Async :meth:`DatapointsAPI.insert`."""
        return await self.insert_many([(id, datapoints)])

    async def insert_many(self, items: InsertItems) -> int:
        """Async :meth:`DatapointsAPI.insert_many` (requests run as tasks within the write limit)."""
        import asyncio  # lazily: ~30 ms that sync users never need

        series = _insert_items(items, self._default_space)
        clock = Deadline(self._http.config.retry)
        workers = max(1, self._http.config.limits.write)
        outcomes: builtins.list[tuple[int, FailedDatapoints | None]] = []
        pending: set[asyncio.Task[tuple[int, FailedDatapoints | None]]] = set()
        for chunk in insert_chunks(series):  # at most `workers` bodies built at a time
            if len(pending) >= workers:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                outcomes += [task.result() for task in done]
            pending.add(asyncio.ensure_future(self._send(chunk, clock)))
        if pending:
            outcomes += [task.result() for task in (await asyncio.wait(pending))[0]]
        return _written(outcomes)

    async def _send(self, chunk: _Chunk, deadline: Deadline) -> tuple[int, FailedDatapoints | None]:
        if deadline.passed:
            return 0, _not_sent(chunk, deadline)
        try:
            await self._http.post("/timeseries/data", content=insert_body(chunk), kind="write", deadline=deadline)
        except PygenError as exc:
            return 0, _failed(chunk, exc)
        return _count(chunk), None

    async def delete_range(
        self, ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike], start: TimeLike, end: TimeLike
    ) -> None:
        """Async :meth:`DatapointsAPI.delete_range`."""
        await self.delete_ranges((id, start, end) for id in _as_list(ids))

    async def delete_ranges(self, ranges: Iterable[tuple[TimeSeriesIdLike, TimeLike, TimeLike]]) -> None:
        """Async :meth:`DatapointsAPI.delete_ranges`."""
        for body in delete_bodies(ranges, self._default_space):
            await self._http.post("/timeseries/data/delete", json=body, kind="delete")
