"""The instance clients (sync and async): settings, writes and deletes of any view.

Generated SDKs subclass these with one ``LazyAPI`` attribute per view API. Write planning (graph
flattening, batches, results, splitting refused batches) lives in ``_writes``; here are only the
loops that send batches: threads for the sync client, tasks for the async one, both bounded by the
transport's write/delete concurrency limits.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeAlias

from pygen.instances._ids import EdgeId, NodeId
from pygen.instances._instances import EdgeWrite, NodeWrite, _Instance
from pygen.transport import (
    AsyncHTTPClient,
    AsyncHTTPHolder,
    ClientConfig,
    Deadline,
    HTTPClient,
    HTTPHolder,
    PygenError,
    maybe_applied,
)

if TYPE_CHECKING:
    from pygen.instances._datapoints_api import AsyncDatapointsAPI, DatapointsAPI
    from pygen.instances._files import AsyncFilesAPI, FilesAPI

    # The write machinery is imported by the first upsert or delete (in the methods), not with an SDK.
    from pygen.instances._results import DeleteResult, FailedItem, UpsertResult
    from pygen.instances._writes import InstanceIdLike, WriteFlags

#: What sending one delete batch gave: the body and whether an earlier attempt may have been applied,
#: the error, or the batch's items as not sent (the deadline passed).
_DeleteOutcome: TypeAlias = "tuple[bytes, bool] | PygenError | list[FailedItem]"

__all__ = ["AsyncInstanceClient", "InstanceClient"]


class _ClientCore:
    """Settings shared by the sync and async instance clients."""

    def __init__(self, instance_space: str | None, validate: bool) -> None:
        if instance_space is not None and not isinstance(instance_space, str):
            raise TypeError(f"instance_space must be a string, got {type(instance_space).__name__}")
        self.instance_space = instance_space
        self.validate = validate


class InstanceClient(_ClientCore, HTTPHolder):
    """Sync client for instances: writes and deletes of any view; generated SDKs add one API per view.

    ``instance_space`` is the default space of instances given by external id alone (the ids rule:
    ``NodeId`` or ``(space, xid)`` or a bare ``xid`` in this space). ``validate=False`` builds objects
    from CDF's data without validation (for data that drifted from the SDK's schema).

    Example:
        A write class of ``cdf_cdm:CogniteAsset/v1`` and the emulator with that model, run in process (for
        CDF, pass the ``ClientConfig`` itself):

        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.emulator.testing import SyncASGITransport
        >>> from pygen.instances import NodeWrite, ViewId
        >>> from pygen.transport import ClientConfig, HTTPClient, Token
        >>> class AssetWrite(NodeWrite):
        ...     _view_id = ViewId("cdf_cdm", "CogniteAsset", "v1")
        ...     name: str | None = None
        >>> snapshot = "example_project/snapshots/cdf_cdm.CogniteCore.v1.json"
        >>> emulator = SyncASGITransport(create_app(EmulatorSettings(model_files=[snapshot])))
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> with HTTPClient(config, transport=emulator) as http:
        ...     _ = http.post("/models/spaces", json={"items": [{"space": "my_space"}]})
        ...     client = InstanceClient(http, instance_space="my_space")
        ...     result = client.upsert([AssetWrite(external_id="p1", name="P-1")])
        ...     deleted = client.delete(["p1"])
        >>> [(item.id.external_id, item.status) for item in result.items], len(deleted.deleted)
        ([('p1', 'created')], 1)
    """

    def __init__(
        self,
        http: HTTPClient | ClientConfig,
        *,
        instance_space: str | None = None,
        validate: bool = True,
    ) -> None:
        super().__init__(instance_space, validate)
        self._hold(http)

    @cached_property
    def datapoints(self) -> DatapointsAPI:
        """Datapoints of time series (``CogniteTimeSeries`` nodes, or classic ones by ``TimeSeriesRef``)."""
        from pygen.instances._datapoints_api import DatapointsAPI  # lazily: an SDK import stays light

        return DatapointsAPI(self)

    @cached_property
    def files(self) -> FilesAPI:
        """File contents (``CogniteFile`` nodes, or classic files by ``FileRef``): upload and download."""
        from pygen.instances._files import FilesAPI  # lazily: an SDK import stays light

        return FilesAPI(self)

    def upsert(
        self,
        items: NodeWrite | EdgeWrite | Iterable[NodeWrite | EdgeWrite],
        *,
        replace: bool = False,
        skip_on_version_conflict: bool = False,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
        deadline: float | None = None,
    ) -> UpsertResult:
        """Create or update nodes and edges, and every object they hold (see ``_writes`` for the order).

        ``replace=False`` patches: only the properties given are written. Each object's ``existing_version``
        guards against concurrent changes; with ``skip_on_version_conflict`` conflicting items are skipped.
        ``deadline`` (seconds) bounds the whole call, overriding ``RetryPolicy.deadline``; batches not
        started by then are reported failed as not sent. Raises :class:`UpsertError` (with what succeeded
        and why each failure failed) if anything failed.
        """
        from pygen.instances._results import FailedItem, UpsertError, UpsertResult
        from pygen.instances._writes import WriteFlags, write_plan

        flags = WriteFlags(
            replace,
            skip_on_version_conflict,
            auto_create_direct_relations,
            auto_create_start_nodes,
            auto_create_end_nodes,
        )
        result, failed = UpsertResult(), builtins.list[FailedItem]()
        workers = max(1, self.http.config.limits.write)
        classic, phases = write_plan(items, self.instance_space, replace)
        clock = Deadline(self.http.config.retry, deadline)
        if classic:
            from pygen.instances._classic import write_classic

            write_classic(self.http, classic, clock)
        for chunks in phases:
            if len(chunks) == 1:  # the common small write: no thread pool
                outcomes: Iterable[tuple[list[Any], list[FailedItem]]] = [self._apply(chunks[0], flags, clock)]
                _collect_upsert(outcomes, result, failed)
                continue
            from concurrent.futures import ThreadPoolExecutor  # lazily: an SDK import stays light

            with ThreadPoolExecutor(max_workers=min(workers, len(chunks))) as pool:
                _collect_upsert(pool.map(lambda chunk: self._apply(chunk, flags, clock), chunks), result, failed)
        if failed:
            raise UpsertError(result, failed)
        return result

    def _apply(
        self, batch: list[dict[str, Any]], flags: WriteFlags, deadline: Deadline
    ) -> tuple[list[Any], list[FailedItem]]:
        outcome = self._send(batch, flags, deadline)
        if isinstance(outcome, PygenError):
            return self._isolate(batch, flags, outcome, deadline)
        return outcome

    def _send(
        self, batch: list[dict[str, Any]], flags: WriteFlags, deadline: Deadline, applied_before: bool = False
    ) -> tuple[list[Any], list[FailedItem]] | PygenError:
        """Send one batch. ``applied_before``: a part of a batch whose earlier request may have been applied."""
        from pygen.instances._writes import apply_body, apply_results, not_sent_items

        if deadline.passed:
            return [], not_sent_items(batch, deadline)
        try:
            response = self.http.post("/models/instances", json=apply_body(batch, flags), deadline=deadline)
        except PygenError as exc:
            exc.maybe_applied = exc.maybe_applied or applied_before
            return exc
        return apply_results(batch, response.json(), applied_before or maybe_applied(response)), []

    def _isolate(
        self, batch: list[dict[str, Any]], flags: WriteFlags, exc: PygenError, deadline: Deadline
    ) -> tuple[list[Any], list[FailedItem]]:
        """Split a refused batch until each failing item is isolated (see ``_writes.request_wide``)."""
        from pygen.instances._results import FailedItem
        from pygen.instances._writes import failed_items, halves, request_wide, should_split

        if not should_split(exc, batch):
            return [], failed_items(batch, exc)
        parts = halves(batch)
        # The halves of a batch that may have been applied (a lost answer, then a conflict with its own
        # write) read "not modified" for what that attempt wrote: they inherit the doubt.
        outcomes = [self._send(part, flags, deadline, exc.maybe_applied) for part in parts]
        if request_wide(exc, outcomes):
            return [], failed_items(batch, exc)
        ok, bad = builtins.list[Any](), builtins.list[FailedItem]()
        for part, outcome in zip(parts, outcomes, strict=True):
            part_ok, part_bad = (
                self._isolate(part, flags, outcome, deadline) if isinstance(outcome, PygenError) else outcome
            )
            ok += part_ok
            bad += part_bad
        return ok, bad

    def delete(self, ids: InstanceIdLike | Iterable[InstanceIdLike], *, deadline: float | None = None) -> DeleteResult:
        """Delete instances by id (ids rule; bare ids are nodes), by ``EdgeId`` or by object.

        Missing instances are not errors: they are listed in ``result.not_found``. ``deadline`` as in
        :meth:`upsert`.
        """
        from pygen.instances._results import DeleteError, DeleteResult, FailedItem
        from pygen.instances._writes import batches, delete_items

        items = delete_items(_as_iterable(ids), self.instance_space)
        result, failed = DeleteResult(), builtins.list[FailedItem]()
        chunks = batches(items)
        clock = Deadline(self.http.config.retry, deadline)
        if chunks:
            workers = min(max(1, self.http.config.limits.delete), len(chunks))
            from concurrent.futures import ThreadPoolExecutor  # lazily: an SDK import stays light

            with ThreadPoolExecutor(max_workers=workers) as pool:
                outcomes = pool.map(lambda chunk: self._delete(chunk, clock), chunks)
                for chunk, outcome in zip(chunks, outcomes, strict=True):
                    _collect_delete(chunk, outcome, result, failed)
        if failed:
            raise DeleteError(result, failed)
        return result

    def _delete(self, batch: list[dict[str, Any]], deadline: Deadline) -> _DeleteOutcome:
        from pygen.instances._writes import not_sent_items

        if deadline.passed:
            return not_sent_items(batch, deadline)
        try:
            response = self.http.post("/models/instances/delete", json={"items": batch}, deadline=deadline)
        except PygenError as exc:
            return exc
        return response.content, maybe_applied(response)


class AsyncInstanceClient(_ClientCore, AsyncHTTPHolder):
    """Async twin of :class:`InstanceClient` (batches run as tasks within the write concurrency limit).

    Example:
        The example project's SDK (its async client subclasses this one), against the emulator run in process:

        >>> import asyncio
        >>> import httpx
        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.generator import load_sdk
        >>> from pygen.generator.fetch import load_snapshot
        >>> from pygen.transport import AsyncHTTPClient, ClientConfig, Token
        >>> snapshot = "example_project/snapshots/cdf_cdm.CogniteCore.v1.json"
        >>> sdk = load_sdk([load_snapshot(snapshot)])  # generated in memory
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> async def main() -> list[str]:
        ...     emulator = httpx.ASGITransport(app=create_app(EmulatorSettings(model_files=[snapshot])))
        ...     async with AsyncHTTPClient(config, transport=emulator) as http:
        ...         await http.post("/models/spaces", json={"items": [{"space": "my_space"}]})
        ...         client = sdk.AsyncCogniteCoreClient(http, instance_space="my_space")
        ...         await client.upsert([sdk.CogniteAssetWrite(external_id=f"p{i}", name=f"P-{i}") for i in (1, 2)])
        ...         by_name = client.cognite_asset.fields.name.asc()
        ...         return [asset.name async for asset in client.cognite_asset.iterate(sort=by_name)]
        >>> asyncio.run(main())
        ['P-1', 'P-2']
    """

    def __init__(
        self,
        http: AsyncHTTPClient | ClientConfig,
        *,
        instance_space: str | None = None,
        validate: bool = True,
    ) -> None:
        super().__init__(instance_space, validate)
        self._hold(http)

    @cached_property
    def datapoints(self) -> AsyncDatapointsAPI:
        """Async :attr:`InstanceClient.datapoints`."""
        from pygen.instances._datapoints_api import AsyncDatapointsAPI  # lazily: an SDK import stays light

        return AsyncDatapointsAPI(self)

    @cached_property
    def files(self) -> AsyncFilesAPI:
        """Async :attr:`InstanceClient.files`."""
        from pygen.instances._files import AsyncFilesAPI  # lazily: an SDK import stays light

        return AsyncFilesAPI(self)

    async def upsert(
        self,
        items: NodeWrite | EdgeWrite | Iterable[NodeWrite | EdgeWrite],
        *,
        replace: bool = False,
        skip_on_version_conflict: bool = False,
        auto_create_direct_relations: bool = True,
        auto_create_start_nodes: bool = False,
        auto_create_end_nodes: bool = False,
        deadline: float | None = None,
    ) -> UpsertResult:
        """Async :meth:`InstanceClient.upsert`."""
        from pygen.instances._results import FailedItem, UpsertError, UpsertResult
        from pygen.instances._writes import WriteFlags, write_plan

        flags = WriteFlags(
            replace,
            skip_on_version_conflict,
            auto_create_direct_relations,
            auto_create_start_nodes,
            auto_create_end_nodes,
        )
        result, failed = UpsertResult(), builtins.list[FailedItem]()
        # At most `write` batches are being encoded or sent at once (as the sync client's threads):
        # starting all tasks at once would encode every body up front.
        import asyncio  # lazily: ~30 ms that sync users never need

        gate = asyncio.Semaphore(max(1, self.http.config.limits.write))
        classic, phases = write_plan(items, self.instance_space, replace)
        clock = Deadline(self.http.config.retry, deadline)
        if classic:
            from pygen.instances._classic import awrite_classic

            await awrite_classic(self.http, classic, clock)

        async def apply(chunk: list[dict[str, Any]]) -> tuple[list[Any], list[FailedItem]]:
            async with gate:
                return await self._apply(chunk, flags, clock)

        for chunks in phases:
            _collect_upsert(await asyncio.gather(*(apply(chunk) for chunk in chunks)), result, failed)
        if failed:
            raise UpsertError(result, failed)
        return result

    async def _apply(
        self, batch: list[dict[str, Any]], flags: WriteFlags, deadline: Deadline
    ) -> tuple[list[Any], list[FailedItem]]:
        outcome = await self._send(batch, flags, deadline)
        if isinstance(outcome, PygenError):
            return await self._isolate(batch, flags, outcome, deadline)
        return outcome

    async def _send(
        self, batch: list[dict[str, Any]], flags: WriteFlags, deadline: Deadline, applied_before: bool = False
    ) -> tuple[list[Any], list[FailedItem]] | PygenError:
        """Send one batch. ``applied_before``: a part of a batch whose earlier request may have been applied."""
        from pygen.instances._writes import apply_body, apply_results, not_sent_items

        if deadline.passed:
            return [], not_sent_items(batch, deadline)
        try:
            response = await self.http.post("/models/instances", json=apply_body(batch, flags), deadline=deadline)
        except PygenError as exc:
            exc.maybe_applied = exc.maybe_applied or applied_before
            return exc
        return apply_results(batch, response.json(), applied_before or maybe_applied(response)), []

    async def _isolate(
        self, batch: list[dict[str, Any]], flags: WriteFlags, exc: PygenError, deadline: Deadline
    ) -> tuple[list[Any], list[FailedItem]]:
        """Async :meth:`InstanceClient._isolate`."""
        from pygen.instances._results import FailedItem
        from pygen.instances._writes import failed_items, halves, request_wide, should_split

        if not should_split(exc, batch):
            return [], failed_items(batch, exc)
        parts = halves(batch)
        # The halves of a batch that may have been applied (a lost answer, then a conflict with its own
        # write) read "not modified" for what that attempt wrote: they inherit the doubt.
        outcomes = [await self._send(part, flags, deadline, exc.maybe_applied) for part in parts]
        if request_wide(exc, outcomes):
            return [], failed_items(batch, exc)
        ok, bad = builtins.list[Any](), builtins.list[FailedItem]()
        for part, outcome in zip(parts, outcomes, strict=True):
            if isinstance(outcome, PygenError):
                part_ok, part_bad = await self._isolate(part, flags, outcome, deadline)
            else:
                part_ok, part_bad = outcome
            ok += part_ok
            bad += part_bad
        return ok, bad

    async def delete(
        self, ids: InstanceIdLike | Iterable[InstanceIdLike], *, deadline: float | None = None
    ) -> DeleteResult:
        """Async :meth:`InstanceClient.delete`."""
        from pygen.instances._results import DeleteError, DeleteResult, FailedItem
        from pygen.instances._writes import batches, delete_items

        items = delete_items(_as_iterable(ids), self.instance_space)
        result, failed = DeleteResult(), builtins.list[FailedItem]()
        chunks = batches(items)
        clock = Deadline(self.http.config.retry, deadline)
        import asyncio  # lazily: ~30 ms that sync users never need

        gate = asyncio.Semaphore(max(1, self.http.config.limits.delete))

        async def delete(chunk: list[dict[str, Any]]) -> _DeleteOutcome:
            async with gate:
                return await self._delete(chunk, clock)

        outcomes = await asyncio.gather(*(delete(chunk) for chunk in chunks))
        for chunk, outcome in zip(chunks, outcomes, strict=True):
            _collect_delete(chunk, outcome, result, failed)
        if failed:
            raise DeleteError(result, failed)
        return result

    async def _delete(self, batch: list[dict[str, Any]], deadline: Deadline) -> _DeleteOutcome:
        from pygen.instances._writes import not_sent_items

        if deadline.passed:
            return not_sent_items(batch, deadline)
        try:
            response = await self.http.post("/models/instances/delete", json={"items": batch}, deadline=deadline)
        except PygenError as exc:
            return exc
        return response.content, maybe_applied(response)


def _collect_upsert(
    outcomes: Iterable[tuple[list[Any], list[FailedItem]]], result: UpsertResult, failed: list[FailedItem]
) -> None:
    for ok, bad in outcomes:
        result.items.extend(ok)
        failed.extend(bad)


def _as_iterable(ids: object) -> Iterable[object]:
    # Instance objects are pydantic models, which are iterable (over their fields): one item, not many.
    if isinstance(ids, (str, tuple, NodeId, EdgeId, _Instance)) or not isinstance(ids, Iterable):
        return [ids]
    return ids


def _instance_key(item: Mapping[str, Any]) -> NodeId | EdgeId:
    if item.get("instanceType") == "edge":
        return EdgeId(item["space"], item["externalId"])
    return NodeId(item["space"], item["externalId"])


def _collect_delete(
    chunk: list[dict[str, Any]], outcome: _DeleteOutcome, result: DeleteResult, failed: list[FailedItem]
) -> None:
    from pygen.instances._writes import failed_items

    if isinstance(outcome, BaseException):
        failed.extend(failed_items(chunk, outcome))
        return
    if isinstance(outcome, list):  # not sent
        failed.extend(outcome)
        return
    content, applied_before = outcome
    deleted = {_instance_key(item) for item in json.loads(content).get("items") or []}
    # After a lost answer, an id the retry did not find may be one the first attempt deleted.
    absent = result.uncertain if applied_before else result.not_found
    for item in chunk:
        key = _instance_key(item)
        (result.deleted if key in deleted else absent).append(key)
