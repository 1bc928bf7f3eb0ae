"""Nodes that ARE CDF resources, and the classic resources older models name by external id.

A generated SDK gives a view whose nodes are time series (``CogniteTimeSeries``, a view implementing it, or one
mapping its container) the bases :class:`TimeSeriesNode` (read class) and :class:`TimeSeriesNodeAPI` /
:class:`AsyncTimeSeriesNodeAPI` (its API); files (``CogniteFile``) get :class:`FileNode`, :class:`FileNodeAPI` and
:class:`AsyncFileNodeAPI`. They add the datapoints and file-content helpers of ``client.datapoints`` and
``client.files`` (``_datapoints_api``, ``_files``) to the view's API (many nodes at once) and to its read
objects (which take the client to use: a read object holds no connection).
(The classic resources ``timeseries``/``file`` properties name are in ``_classic``.)
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Awaitable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from pygen.instances._api import AsyncInstanceAPI, InstanceAPI
from pygen.instances._client import AsyncInstanceClient, InstanceClient
from pygen.instances._instances import Node
from pygen.instances._view import TRead, TWrite

if TYPE_CHECKING:
    import os
    from pathlib import Path

    from typing_extensions import TypedDict, Unpack

    from pygen.instances._datapoints import (
        Aggregate,
        Datapoint,
        Datapoints,
        DatapointsLike,
        DatapointsList,
        TimeLike,
        TimeSeriesIdLike,
    )
    from pygen.instances._files import FileContent, FileIdLike

    class DatapointsArgs(TypedDict, total=False):
        """The keywords of a datapoints read (:meth:`DatapointsAPI.retrieve`'s, but the ids)."""

        start: TimeLike | None
        end: TimeLike | None
        aggregates: Aggregate | Sequence[Aggregate] | None
        granularity: str | None
        limit: int | None
        target_unit: str | None
        target_unit_system: str | None

    class PagesArgs(DatapointsArgs, total=False):
        """The keywords of :meth:`DatapointsAPI.pages`."""

        page_size: int | None
        ignore_unknown_ids: bool
        cursor: str | None


__all__ = [
    "AsyncFileNodeAPI",
    "AsyncTimeSeriesNodeAPI",
    "FileNodeAPI",
    "FileNode",
    "TimeSeriesNodeAPI",
    "TimeSeriesNode",
]


# ---------------------------------------------------------------------------------------------- read objects


class TimeSeriesNode(Node):
    """A node that is a time series: its datapoints through the client given (sync, or async: then awaited).

    Example:
        ``sensor.datapoints(client, start="7d-ago")`` is ``client.datapoints.retrieve(sensor, start="7d-ago")``;
        with an ``AsyncInstanceClient``, ``await sensor.datapoints(client, ...)``.
    """

    @overload
    def datapoints(self, client: InstanceClient, **kwargs: Unpack[DatapointsArgs]) -> Datapoints: ...

    @overload
    def datapoints(self, client: AsyncInstanceClient, **kwargs: Unpack[DatapointsArgs]) -> Awaitable[Datapoints]: ...

    def datapoints(
        self, client: InstanceClient | AsyncInstanceClient, **kwargs: Unpack[DatapointsArgs]
    ) -> Datapoints | Awaitable[Datapoints]:
        """This series' datapoints in ``[start, end)``, raw or ``aggregates`` per ``granularity``
        (:meth:`DatapointsAPI.retrieve <pygen.instances.DatapointsAPI.retrieve>`'s keywords)."""
        return _client(client, "datapoints").datapoints.retrieve(self, **kwargs)

    @overload
    def latest_datapoint(
        self, client: InstanceClient, *, before: TimeLike | None = ..., target_unit: str | None = ...
    ) -> Datapoint | None: ...

    @overload
    def latest_datapoint(
        self, client: AsyncInstanceClient, *, before: TimeLike | None = ..., target_unit: str | None = ...
    ) -> Awaitable[Datapoint | None]: ...

    def latest_datapoint(
        self,
        client: InstanceClient | AsyncInstanceClient,
        *,
        before: TimeLike | None = None,
        target_unit: str | None = None,
    ) -> Datapoint | None | Awaitable[Datapoint | None]:
        """This series' latest datapoint (strictly ``before`` a time, if given), or None when it has none."""
        api = _client(client, "latest_datapoint").datapoints
        return api.latest(self, before=before, target_unit=target_unit)


class FileNode(Node):
    """A node that is a file: its content through the client given (sync, or async: then awaited).

    Example:
        ``manual.download(client, "manual.pdf")`` is ``client.files.download(manual, "manual.pdf")``.
    """

    @overload
    def download(self, client: InstanceClient, path: str | os.PathLike[str]) -> Path: ...

    @overload
    def download(self, client: AsyncInstanceClient, path: str | os.PathLike[str]) -> Awaitable[Path]: ...

    def download(self, client: InstanceClient | AsyncInstanceClient, path: str | os.PathLike[str]) -> Any:
        """Stream this file's content to ``path`` (written whole or not at all); returns the path."""
        return _client(client, "download").files.download(self, path)

    @overload
    def download_bytes(self, client: InstanceClient) -> bytes: ...

    @overload
    def download_bytes(self, client: AsyncInstanceClient) -> Awaitable[bytes]: ...

    def download_bytes(self, client: InstanceClient | AsyncInstanceClient) -> Any:
        """This file's content in memory."""
        return _client(client, "download_bytes").files.download_bytes(self)

    @overload
    def upload(self, client: InstanceClient, content: FileContent, *, mime_type: str | None = ...) -> None: ...

    @overload
    def upload(
        self, client: AsyncInstanceClient, content: FileContent, *, mime_type: str | None = ...
    ) -> Awaitable[None]: ...

    def upload(
        self, client: InstanceClient | AsyncInstanceClient, content: FileContent, *, mime_type: str | None = None
    ) -> Any:
        """Upload this file's content (bytes, a path streamed from disk, or a binary reader)."""
        return _client(client, "upload").files.upload(self, content, mime_type=mime_type)


def _client(client: object, method: str) -> InstanceClient | AsyncInstanceClient:
    if isinstance(client, (InstanceClient, AsyncInstanceClient)):
        return client
    raise TypeError(
        f"{method}() takes the client to use (the SDK's client, an InstanceClient or AsyncInstanceClient) as its "
        f"first argument, got {type(client).__name__}"
    )


# ---------------------------------------------------------------------------------------------- view APIs


class TimeSeriesNodeAPI(InstanceAPI[TRead, TWrite]):
    """The API of a view whose nodes are time series: the view's reads and writes plus their datapoints.

    Nodes are named by the ids rule (``NodeId``, ``(space, xid)``, a bare external id in the client's instance
    space, or the node object). Many nodes are read in as few requests as CDF allows (``client.datapoints``).
    """

    @overload
    def datapoints(  # type: ignore[overload-overlap]
        self, ids: TimeSeriesIdLike, *, ignore_unknown_ids: Literal[False] = ..., **kwargs: Unpack[DatapointsArgs]
    ) -> Datapoints: ...

    @overload
    def datapoints(  # type: ignore[overload-overlap]
        self, ids: TimeSeriesIdLike, *, ignore_unknown_ids: bool = ..., **kwargs: Unpack[DatapointsArgs]
    ) -> Datapoints | None: ...

    @overload
    def datapoints(
        self, ids: Sequence[TimeSeriesIdLike], *, ignore_unknown_ids: bool = ..., **kwargs: Unpack[DatapointsArgs]
    ) -> DatapointsList: ...

    def datapoints(
        self, ids: Any, *, ignore_unknown_ids: bool = False, **kwargs: Unpack[DatapointsArgs]
    ) -> Datapoints | DatapointsList | None:
        """The datapoints of one node (a ``Datapoints``) or many (a ``DatapointsList``, in the order asked):
        :meth:`DatapointsAPI.retrieve <pygen.instances.DatapointsAPI.retrieve>`'s arguments."""
        return self._client.datapoints.retrieve(ids, ignore_unknown_ids=ignore_unknown_ids, **kwargs)  # type: ignore[no-any-return]

    def datapoint_pages(
        self, ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike], **kwargs: Unpack[PagesArgs]
    ) -> Iterator[Datapoints]:
        """:meth:`datapoints` as they arrive, at most two responses in memory at a time
        (:meth:`DatapointsAPI.pages <pygen.instances.DatapointsAPI.pages>`)."""
        return self._client.datapoints.pages(ids, **kwargs)

    @overload
    def latest_datapoint(  # type: ignore[overload-overlap]
        self, ids: TimeSeriesIdLike, *, before: TimeLike | None = ..., target_unit: str | None = ...
    ) -> Datapoint | None: ...

    @overload
    def latest_datapoint(
        self, ids: Sequence[TimeSeriesIdLike], *, before: TimeLike | None = ..., target_unit: str | None = ...
    ) -> builtins.list[Datapoint | None]: ...

    def latest_datapoint(
        self, ids: Any, *, before: TimeLike | None = None, target_unit: str | None = None
    ) -> Datapoint | None | builtins.list[Datapoint | None]:
        """The latest datapoint of one node or of each of many (None where there is none)."""
        return self._client.datapoints.latest(ids, before=before, target_unit=target_unit)  # type: ignore[no-any-return]

    def insert_datapoints(self, id: TimeSeriesIdLike, datapoints: DatapointsLike) -> int:
        """Insert datapoints into one node's series; returns how many were written."""
        return self._client.datapoints.insert(id, datapoints)

    def delete_datapoints(
        self, ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike], start: TimeLike, end: TimeLike
    ) -> None:
        """Delete the datapoints in ``[start, end)`` of one node or many."""
        self._client.datapoints.delete_range(ids, start, end)


class AsyncTimeSeriesNodeAPI(AsyncInstanceAPI[TRead, TWrite]):
    """Async :class:`TimeSeriesNodeAPI`."""

    @overload
    async def datapoints(  # type: ignore[overload-overlap]
        self, ids: TimeSeriesIdLike, *, ignore_unknown_ids: Literal[False] = ..., **kwargs: Unpack[DatapointsArgs]
    ) -> Datapoints: ...

    @overload
    async def datapoints(  # type: ignore[overload-overlap]
        self, ids: TimeSeriesIdLike, *, ignore_unknown_ids: bool = ..., **kwargs: Unpack[DatapointsArgs]
    ) -> Datapoints | None: ...

    @overload
    async def datapoints(
        self, ids: Sequence[TimeSeriesIdLike], *, ignore_unknown_ids: bool = ..., **kwargs: Unpack[DatapointsArgs]
    ) -> DatapointsList: ...

    async def datapoints(
        self, ids: Any, *, ignore_unknown_ids: bool = False, **kwargs: Unpack[DatapointsArgs]
    ) -> Datapoints | DatapointsList | None:
        """Async :meth:`TimeSeriesNodeAPI.datapoints`."""
        return await self._client.datapoints.retrieve(ids, ignore_unknown_ids=ignore_unknown_ids, **kwargs)  # type: ignore[no-any-return]

    def datapoint_pages(
        self, ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike], **kwargs: Unpack[PagesArgs]
    ) -> AsyncIterator[Datapoints]:
        """Async :meth:`TimeSeriesNodeAPI.datapoint_pages` (``async for piece in ...``)."""
        return self._client.datapoints.pages(ids, **kwargs)

    @overload
    async def latest_datapoint(  # type: ignore[overload-overlap]
        self, ids: TimeSeriesIdLike, *, before: TimeLike | None = ..., target_unit: str | None = ...
    ) -> Datapoint | None: ...

    @overload
    async def latest_datapoint(
        self, ids: Sequence[TimeSeriesIdLike], *, before: TimeLike | None = ..., target_unit: str | None = ...
    ) -> builtins.list[Datapoint | None]: ...

    async def latest_datapoint(
        self, ids: Any, *, before: TimeLike | None = None, target_unit: str | None = None
    ) -> Datapoint | None | builtins.list[Datapoint | None]:
        """Async :meth:`TimeSeriesNodeAPI.latest_datapoint`."""
        return await self._client.datapoints.latest(ids, before=before, target_unit=target_unit)  # type: ignore[no-any-return]

    async def insert_datapoints(self, id: TimeSeriesIdLike, datapoints: DatapointsLike) -> int:
        """Async :meth:`TimeSeriesNodeAPI.insert_datapoints`."""
        return await self._client.datapoints.insert(id, datapoints)

    async def delete_datapoints(
        self, ids: TimeSeriesIdLike | Sequence[TimeSeriesIdLike], start: TimeLike, end: TimeLike
    ) -> None:
        """Async :meth:`TimeSeriesNodeAPI.delete_datapoints`."""
        await self._client.datapoints.delete_range(ids, start, end)


class FileNodeAPI(InstanceAPI[TRead, TWrite]):
    """The API of a view whose nodes are files: the view's reads and writes plus the files' content."""

    def upload(self, id: FileIdLike, content: FileContent, *, mime_type: str | None = None) -> None:
        """Upload a node's content: bytes, a path (streamed from disk) or a binary reader."""
        self._client.files.upload(id, content, mime_type=mime_type)

    def download(self, id: FileIdLike, path: str | os.PathLike[str]) -> Path:
        """Stream a node's content to ``path`` (written whole or not at all); returns the path."""
        return self._client.files.download(id, path)

    def download_bytes(self, id: FileIdLike) -> bytes:
        """A node's content in memory."""
        return self._client.files.download_bytes(id)


class AsyncFileNodeAPI(AsyncInstanceAPI[TRead, TWrite]):
    """Async :class:`FileNodeAPI`."""

    async def upload(self, id: FileIdLike, content: FileContent, *, mime_type: str | None = None) -> None:
        """Async :meth:`FileNodeAPI.upload`."""
        await self._client.files.upload(id, content, mime_type=mime_type)

    async def download(self, id: FileIdLike, path: str | os.PathLike[str]) -> Path:
        """Async :meth:`FileNodeAPI.download`."""
        return await self._client.files.download(id, path)

    async def download_bytes(self, id: FileIdLike) -> bytes:
        """Async :meth:`FileNodeAPI.download_bytes`."""
        return await self._client.files.download_bytes(id)
