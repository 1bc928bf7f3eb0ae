"""The file contents API of an instance client (``client.files``), sync and async.

A ``CogniteFile`` node *is* a file: its bytes are uploaded and downloaded through CDF's files API, addressed
by the node's instance id; a classic file named by a ``file`` property is addressed by external id
(:class:`FileRef`). Both take two steps: ``POST /files/uploadlink`` (or ``/files/downloadlink``) gives a
URL, then the bytes go to it (``PUT``) or come from it (``GET``), streamed in chunks of 1 MiB: a 50 MB file
is never held in memory, and a download lands in ``<name>.part`` until complete, then takes its name.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

import httpx

from pygen.instances._datapoints import resource_identifier
from pygen.instances._references import FileRef
from pygen.transport import ConnectionFailedError, PygenError, is_retryable_transport_error, retry_delay

if TYPE_CHECKING:
    from pygen.instances._client import AsyncInstanceClient, InstanceClient
    from pygen.instances._ids import NodeId
    from pygen.instances._instances import Node, NodeWrite

__all__ = ["AsyncFilesAPI", "FileContent", "FileIdLike", "FilesAPI"]

#: A file: a ``CogniteFile`` node (ids rule, or the node object) or a classic file by external id (:class:`FileRef`).
FileIdLike: TypeAlias = "NodeId | tuple[str, str] | str | FileRef | Node | NodeWrite"


class BinaryReader(Protocol):
    """A binary file object: what ``open(path, "rb")``, ``io.BytesIO`` and raw streams have."""

    def read(self, size: int, /) -> bytes | None: ...


#: What an upload sends: bytes, a path (``pathlib.Path``; streamed), or a binary file object (streamed from
#: where it stands; retried only if seekable).
FileContent: TypeAlias = "bytes | bytearray | memoryview | os.PathLike[str] | BinaryReader"

CHUNK = 1 << 20


class _Source:
    """An upload's bytes, readable afresh for each attempt, and their size when known."""

    def __init__(self, content: object) -> None:
        self.data: bytes | None = None
        self.path: Path | None = None
        self.stream: Any = None
        self.start = 0
        self.size: int | None = None
        self.seekable = True
        self._used = False
        if isinstance(content, (bytes, bytearray, memoryview)):
            self.data = bytes(content)
            self.size = len(self.data)
        elif isinstance(content, str):
            raise TypeError(
                "upload() takes bytes, a pathlib.Path or a binary file, not a str (a path or the contents? "
                "pass Path(...) for a file, or text.encode() for the contents)"
            )
        elif isinstance(content, os.PathLike):
            self.path = Path(content)
            if not self.path.is_file():
                raise FileNotFoundError(f"no file to upload at {self.path}")
            self.size = self.path.stat().st_size
        elif hasattr(content, "read"):
            self.stream = content
            self.seekable = bool(getattr(content, "seekable", lambda: False)())
            if self.seekable:
                self.start = content.tell()  # type: ignore[attr-defined]
                self.size = content.seek(0, os.SEEK_END) - self.start  # type: ignore[attr-defined]
                content.seek(self.start)  # type: ignore[attr-defined]
        else:
            raise TypeError(f"upload() takes bytes, a pathlib.Path or a binary file, got {type(content).__name__}")

    def _again(self) -> None:
        if self._used and not self.seekable:
            raise PygenError("the upload failed and cannot be sent again: its file object is not seekable")
        self._used = True

    def chunks(self) -> Iterator[bytes]:
        """The bytes in chunks, from the start (called once per attempt)."""
        self._again()
        if self.path is not None:
            with self.path.open("rb") as file:
                while chunk := file.read(CHUNK):
                    yield chunk
        elif self.stream is not None:
            if self.seekable:
                self.stream.seek(self.start)
            while chunk := self.stream.read(CHUNK):
                yield chunk

    async def achunks(self) -> AsyncIterator[bytes]:
        """:meth:`chunks` for the async client (the reads are small and local, so they are not offloaded)."""
        for chunk in self.chunks():
            yield chunk

    def headers(self, mime_type: str | None) -> dict[str, str]:
        headers = {"Content-Type": mime_type or "application/octet-stream", "Accept": "*/*"}
        if self.size is not None:
            headers["Content-Length"] = str(self.size)  # storage services refuse chunked uploads
        return headers


def _link(content: bytes, key: str, id: object) -> tuple[str, str | None]:
    """The URL (``uploadUrl``/``downloadUrl``) of a link response, and the file's MIME type if it has one."""
    import json

    items = json.loads(content).get("items") or []
    if not items or not isinstance(items[0].get(key), str):
        raise PygenError(f"CDF gave no {key} for file {id!r}")
    mime = items[0].get("mimeType")
    return items[0][key], mime if isinstance(mime, str) else None


def _target(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"download() writes a file: {target} is a directory (give the file's path)")
    return target, target.with_name(target.name + ".part")


class _Base:
    _default_space: str | None

    def _body(self, id: object) -> tuple[object, dict[str, Any]]:
        asked, identifier = resource_identifier(id, self._default_space, FileRef)
        return asked, {"items": [identifier]}

    def _retry_body_failure(self, exc: httpx.TransportError, attempt: int, config: Any) -> float:
        """Seconds to wait before downloading again after the body broke off, or raise when it is the last try."""
        policy = config.retry
        if attempt >= policy.max_retries or not is_retryable_transport_error(exc):
            raise ConnectionFailedError(
                f"the download broke off after {attempt + 1} attempt(s): {type(exc).__name__}: {exc or 'no details'}",
                attempts=attempt + 1,
            ) from exc
        return retry_delay(attempt, None, policy, random.Random())


class FilesAPI(_Base):
    """File contents (``client.files``): upload and download by the file's node or classic external id.

    Example:
        A ``CogniteFile`` node's contents up and down, against the emulator run in process (for CDF, pass the
        ``ClientConfig`` itself; ``upload`` also streams a ``pathlib.Path``, ``download`` streams to one):

        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.emulator.testing import SyncASGITransport
        >>> from pygen.instances import InstanceClient, NodeWrite, ViewId
        >>> from pygen.transport import ClientConfig, HTTPClient, Token
        >>> class FileWrite(NodeWrite):
        ...     _view_id = ViewId("cdf_cdm", "CogniteFile", "v1")
        ...     name: str | None = None
        >>> snapshot = "example_project/snapshots/cdf_cdm.CogniteCore.v1.json"
        >>> emulator = SyncASGITransport(create_app(EmulatorSettings(model_files=[snapshot])))
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> with HTTPClient(config, transport=emulator) as http:
        ...     _ = http.post("/models/spaces", json={"items": [{"space": "my_space"}]})
        ...     client = InstanceClient(http, instance_space="my_space")
        ...     _ = client.upsert(FileWrite(external_id="manual", name="manual.txt"))
        ...     client.files.upload("manual", b"Open valve V1 first.", mime_type="text/plain")
        ...     data = client.files.download_bytes("manual")
        >>> data
        b'Open valve V1 first.'
    """

    def __init__(self, client: InstanceClient) -> None:
        self._client = client
        self._http = client.http
        self._default_space = client.instance_space

    def upload_url(self, id: FileIdLike) -> str:
        """A URL to ``PUT`` the file's bytes to (``POST /files/uploadlink``)."""
        return self._upload_link(id)[0]

    def _upload_link(self, id: object) -> tuple[str, str | None]:
        asked, body = self._body(id)
        return _link(self._http.post("/files/uploadlink", json=body, kind="write").content, "uploadUrl", asked)

    def upload(self, id: FileIdLike, content: FileContent, *, mime_type: str | None = None) -> None:
        """Upload the file's bytes: ``bytes``, a ``pathlib.Path`` or a binary file object, streamed in 1 MiB
        chunks (sent again from the start if the request is retried). ``mime_type`` defaults to the file's
        own, else ``application/octet-stream``."""
        source = _Source(content)
        url, mime = self._upload_link(id)
        body: bytes | Callable[[], Iterator[bytes]] = source.data if source.data is not None else source.chunks
        with self._http.stream("PUT", url, content=body, headers=source.headers(mime_type or mime), kind="write"):
            pass

    def download_url(self, id: FileIdLike) -> str:
        """A URL to ``GET`` the file's bytes from (``POST /files/downloadlink``; it expires soon)."""
        asked, body = self._body(id)
        return _link(self._http.post("/files/downloadlink", json=body, kind="read").content, "downloadUrl", asked)[0]

    def download(self, id: FileIdLike, path: str | os.PathLike[str]) -> Path:
        """Stream the file's bytes to ``path`` (1 MiB at a time; written to ``<path>.part``, renamed when
        complete). A download that breaks off starts again with a fresh link, as the transport retries."""
        target, part = _target(path)
        attempt = 0
        try:
            while True:
                try:
                    with self._http.stream("GET", self.download_url(id), headers={"Accept": "*/*"}) as response:
                        with part.open("wb") as out:
                            for chunk in response.iter_bytes(CHUNK):
                                out.write(chunk)
                    break
                except httpx.TransportError as exc:  # the body broke off (the transport retried the rest)
                    time.sleep(self._retry_body_failure(exc, attempt, self._http.config))
                    attempt += 1
            os.replace(part, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
        return target

    def download_bytes(self, id: FileIdLike) -> bytes:
        """The file's bytes, in memory (for large files, :meth:`download` to a path)."""
        attempt = 0
        while True:
            try:
                with self._http.stream("GET", self.download_url(id), headers={"Accept": "*/*"}) as response:
                    return response.read()
            except httpx.TransportError as exc:
                time.sleep(self._retry_body_failure(exc, attempt, self._http.config))
                attempt += 1


class AsyncFilesAPI(_Base):
    """Async twin of :class:`FilesAPI` (``await client.files.upload(...)``)."""

    def __init__(self, client: AsyncInstanceClient) -> None:
        self._client = client
        self._http = client.http
        self._default_space = client.instance_space

    async def upload_url(self, id: FileIdLike) -> str:
        """Async :meth:`FilesAPI.upload_url`."""
        return (await self._upload_link(id))[0]

    async def _upload_link(self, id: object) -> tuple[str, str | None]:
        asked, body = self._body(id)
        response = await self._http.post("/files/uploadlink", json=body, kind="write")
        return _link(response.content, "uploadUrl", asked)

    async def upload(self, id: FileIdLike, content: FileContent, *, mime_type: str | None = None) -> None:
        """Async :meth:`FilesAPI.upload`."""
        source = _Source(content)
        url, mime = await self._upload_link(id)
        body: bytes | Callable[[], AsyncIterator[bytes]] = source.data if source.data is not None else source.achunks
        async with self._http.stream("PUT", url, content=body, headers=source.headers(mime_type or mime), kind="write"):
            pass

    async def download_url(self, id: FileIdLike) -> str:
        """Async :meth:`FilesAPI.download_url`."""
        asked, body = self._body(id)
        response = await self._http.post("/files/downloadlink", json=body, kind="read")
        return _link(response.content, "downloadUrl", asked)[0]

    async def download(self, id: FileIdLike, path: str | os.PathLike[str]) -> Path:
        """Async :meth:`FilesAPI.download` (the file writes are small and local, so they are not offloaded)."""
        import asyncio  # lazily: ~30 ms that sync users never need

        target, part = _target(path)
        attempt = 0
        try:
            while True:
                try:
                    url = await self.download_url(id)
                    async with self._http.stream("GET", url, headers={"Accept": "*/*"}) as response:
                        with part.open("wb") as out:
                            async for chunk in response.aiter_bytes(CHUNK):
                                out.write(chunk)
                    break
                except httpx.TransportError as exc:
                    await asyncio.sleep(self._retry_body_failure(exc, attempt, self._http.config))
                    attempt += 1
            os.replace(part, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
        return target

    async def download_bytes(self, id: FileIdLike) -> bytes:
        """Async :meth:`FilesAPI.download_bytes`."""
        import asyncio

        attempt = 0
        while True:
            try:
                url = await self.download_url(id)
                async with self._http.stream("GET", url, headers={"Accept": "*/*"}) as response:
                    return await response.aread()
            except httpx.TransportError as exc:
                await asyncio.sleep(self._retry_body_failure(exc, attempt, self._http.config))
                attempt += 1
