"""Files: metadata of classic files (``POST /files``) and of the nodes of the core data model that ARE files
(data in the ``cdf_cdm:CogniteFile`` container, addressed by ``instanceId``), upload links (single and
multipart), download links, and the content those links lead to. docs/datapoints.md, Files.

The content is never held in memory nor in SQLite: an upload streams into a file in the store's blob folder
(:attr:`Store.blob_dir`), a download streams out of it. The links are URLs the emulator serves itself
(``/_emulator/files/<token>``); like the pre-signed URLs of CDF's cloud storage they need no bearer token: the
random token in the URL is the credential.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from starlette.requests import Request

from pygen.emulator._errors import ApiError, bad_request, show
from pygen.emulator._ids import MAX_RESOURCE_XID, as_dict, items_of, resource_identity, resource_ref
from pygen.emulator._instances import InstanceService
from pygen.emulator._normalize import opt_text
from pygen.emulator._params import body_flag, bool_param, now_ms
from pygen.emulator._store import Instance, NodeKey, Store
from pygen.emulator._timeseries import CORE_SPACE, DESCRIBABLE_CONTAINER, delete_classic
from pygen.emulator._values import format_timestamp

FILE_CONTAINER = "CogniteFile"
MAX_SINGLE_UPLOAD = 5 * 1024**3  # 5 GiB in one PUT
MIN_PART = 5 * 1024**2  # every part of a multipart upload but the last
MAX_PART = 4000 * 1024**2
MAX_PARTS = 250
DOWNLOAD_TTL_MS = 30_000
EXTENDED_DOWNLOAD_TTL_MS = 3_600_000
_COPY_CHUNK = 1024 * 1024
_COLUMNS = "id, xid, node_space, node_xid, node_created, body"
_TEXT_FIELDS = {"name": 256, "directory": 512, "mimeType": 256, "source": 128}
_TIME_FIELDS = ("sourceCreatedTime", "sourceModifiedTime")
_LIST_FIELDS = ("assetIds", "securityCategories", "labels")
_OBJECT_FIELDS = ("metadata", "geoLocation")


@dataclass
class StoredFile:
    """A file: classic (``external_id``, no node) or the file of a node (``instance_id``)."""

    id: int
    external_id: str | None
    instance_id: NodeKey | None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def uploaded(self) -> bool:
        return bool(self.fields.get("uploaded"))

    def resource(self) -> dict[str, Any]:
        return {**resource_identity(self.id, self.external_id, self.instance_id), **self.fields}


def _not_found(missing: Sequence[dict[str, Any]]) -> ApiError:
    return ApiError(400, "Files not found", missing=missing)


def _row_to_file(row: tuple[Any, ...]) -> StoredFile:
    instance = (row[2], row[3]) if row[2] is not None else None
    return StoredFile(row[0], row[1], instance, json.loads(row[5]))


def _parts_param(request: Request) -> int:
    value = request.query_params.get("parts")
    if value is None or not value.isdigit() or not 1 <= int(value) <= MAX_PARTS:
        raise bad_request(f"Query parameter parts must be an integer between 1 and {MAX_PARTS}, got {show(value)}")
    return int(value)


class FileService:
    """``/files``, ``/files/byids``, ``/files/delete``, the upload and download links, and the content."""

    def __init__(self, store: Store, instances: InstanceService) -> None:
        self.store = store
        self.instances = instances

    # ---- lookups ----------------------------------------------------------------------------------
    def find(self, ref: dict[str, Any]) -> StoredFile | None:
        if "instanceId" in ref:
            return self.node_file((ref["instanceId"]["space"], ref["instanceId"]["externalId"]))
        column, value = ("id", ref["id"]) if "id" in ref else ("xid", ref["externalId"])
        row = self.store.conn.execute(f"SELECT {_COLUMNS} FROM files WHERE {column} = ?", (value,)).fetchone()
        if row is None:
            return None
        if row[2] is not None:
            return self.node_file((row[2], row[3]))
        return _row_to_file(row)

    def resolve(self, refs: Sequence[dict[str, Any]], *, ignore_unknown: bool = False) -> list[StoredFile | None]:
        found = [self.find(ref) for ref in refs]
        missing = [ref for ref, file in zip(refs, found, strict=True) if file is None]
        if missing and not ignore_unknown:
            raise _not_found(missing)
        return found

    def node_file(self, key: NodeKey, node: Instance | None = None) -> StoredFile | None:
        """The file of a node, or ``None`` when the node does not exist or is not a file."""
        node = node if node is not None else self.store.get(*key)
        values = node.container_values(CORE_SPACE, FILE_CONTAINER) if node and node.kind == "node" else None
        row = self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM files WHERE node_space = ? AND node_xid = ?", key
        ).fetchone()
        if node is None or values is None:
            if row is not None:  # the node is gone, and with it the file and its content
                self._drop(row[0])
            return None
        if row is None:
            cursor = self.store.conn.execute(
                "INSERT INTO files (node_space, node_xid, node_created, body) VALUES (?, ?, ?, ?)",
                (key[0], key[1], node.created, json.dumps({"uploaded": False})),
            )
            file_id, state = int(cursor.lastrowid or 0), {"uploaded": False}
        else:
            file_id, state = row[0], json.loads(row[5])
            if row[4] != node.created:  # written again after a delete: a new file without content
                state = {"uploaded": False}
                self._blob(file_id).unlink(missing_ok=True)
                self.store.conn.execute(
                    "UPDATE files SET node_created = ?, body = ? WHERE id = ?",
                    (node.created, json.dumps(state), file_id),
                )
        describable = node.container_values(CORE_SPACE, DESCRIBABLE_CONTAINER) or {}
        fields: dict[str, Any] = {}
        if describable.get("name") is not None:
            fields["name"] = describable["name"]
        for name in ("directory", "mimeType"):
            if values.get(name) is not None:
                fields[name] = values[name]
        fields.update(state)
        fields.update(createdTime=node.created, lastUpdatedTime=node.updated)
        return StoredFile(file_id, None, key, fields)

    def _blob(self, file_id: int, suffix: str = "") -> Path:
        return self.store.blob_dir / f"{file_id}{suffix}"

    def _drop(self, file_id: int) -> None:
        with self.store.transaction():
            self.store.conn.execute("DELETE FROM files WHERE id = ?", (file_id,))
            self.store.conn.execute("DELETE FROM file_links WHERE file = ?", (file_id,))
            self.store.conn.execute("DELETE FROM file_uploads WHERE file = ?", (file_id,))
        for path in self.store.blob_dir.glob(f"{file_id}.*"):
            path.unlink(missing_ok=True)
        self._blob(file_id).unlink(missing_ok=True)

    # ---- classic metadata -------------------------------------------------------------------------
    def _metadata(self, body: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        if body.get("instanceId") is not None:
            raise bad_request(
                "A file with an instanceId is created by writing a CogniteFile node through the data modeling API"
            )
        xid = body.get("externalId")
        if xid is not None and (not isinstance(xid, str) or not 1 <= len(xid) <= MAX_RESOURCE_XID):
            raise bad_request(f"externalId must be a string of 1-{MAX_RESOURCE_XID} characters")
        if not isinstance(body.get("name"), str) or not body["name"]:
            raise bad_request("name is required: a non-empty string")
        texts = {name: opt_text(body, name, limit, "the file") for name, limit in _TEXT_FIELDS.items()}
        fields: dict[str, Any] = {name: value for name, value in texts.items() if value is not None}
        for name in _TIME_FIELDS:
            value = body.get(name)
            if value is not None:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise bad_request(f"{name} must be milliseconds since the epoch, got {show(value)}")
                fields[name] = value
        for name in _LIST_FIELDS:
            if body.get(name) is not None:
                if not isinstance(body[name], list):
                    raise bad_request(f"{name} must be a list")
                fields[name] = body[name]
        for name in _OBJECT_FIELDS:
            if body.get(name) is not None:
                fields[name] = as_dict(body[name], name)
        if body.get("dataSetId") is not None:
            if not isinstance(body["dataSetId"], int) or isinstance(body["dataSetId"], bool):
                raise bad_request(f"dataSetId must be an integer, got {show(body['dataSetId'])}")
            fields["dataSetId"] = body["dataSetId"]
        return xid, fields

    def _create(self, body: dict[str, Any], overwrite: bool) -> StoredFile:
        xid, fields = self._metadata(body)
        stamp = now_ms()
        existing = None
        if xid is not None:
            row = self.store.conn.execute(f"SELECT {_COLUMNS} FROM files WHERE xid = ?", (xid,)).fetchone()
            if row is not None:
                if not overwrite:
                    raise ApiError(409, "A file with this externalId already exists", duplicated=[{"externalId": xid}])
                existing = _row_to_file(row)
        if existing is not None:  # the content is kept until a new upload replaces it
            kept = ("uploaded", "uploadedTime", "createdTime")
            keep: dict[str, Any] = {k: existing.fields[k] for k in kept if k in existing.fields}
            state: dict[str, Any] = {**fields, **keep, "lastUpdatedTime": stamp}
            self.store.conn.execute("UPDATE files SET body = ? WHERE id = ?", (json.dumps(state), existing.id))
            return StoredFile(existing.id, xid, None, state)
        state = {**fields, "uploaded": False, "createdTime": stamp, "lastUpdatedTime": stamp}
        cursor = self.store.conn.execute("INSERT INTO files (xid, body) VALUES (?, ?)", (xid, json.dumps(state)))
        return StoredFile(int(cursor.lastrowid or 0), xid, None, state)

    def create(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        """``POST /files``: the file's metadata and an ``uploadUrl`` for its content."""
        with self.store.transaction():
            stored = self._create(body, bool_param(dict(request.query_params), "overwrite", False))
            url = self._link(stored.id, "upload", request)
        return {**stored.resource(), "uploadUrl": url}

    def init_multipart(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        """``POST /files/initmultipartupload``: a new file with ``uploadUrls`` for ``parts`` parts."""
        parts = _parts_param(request)
        with self.store.transaction():
            stored = self._create(body, bool_param(dict(request.query_params), "overwrite", False))
            links = self._multipart(stored.id, parts, request)
        return {**stored.resource(), **links}

    def byids(self, body: dict[str, Any]) -> dict[str, Any]:
        refs = [resource_ref(raw, f"items[{index}]", "file") for index, raw in enumerate(items_of(body, 1000))]
        found = self.resolve(refs, ignore_unknown=body_flag(body, "ignoreUnknownIds"))
        unique = {file.id: file for file in found if file is not None}
        return {"items": [file.resource() for file in unique.values()]}

    def delete(self, body: dict[str, Any]) -> dict[str, Any]:
        refs = [resource_ref(raw, f"items[{index}]", "file") for index, raw in enumerate(items_of(body, 1000))]
        found = self.resolve(refs, ignore_unknown=body_flag(body, "ignoreUnknownIds"))
        delete_classic(refs, found, "file", self._drop)
        return {}

    # ---- links ------------------------------------------------------------------------------------
    def _link(
        self, file_id: int, kind: str, request: Request, *, upload: str | None = None, part: int | None = None,
        ttl: int | None = None,
    ) -> str:  # fmt: skip
        token = secrets.token_urlsafe(24)
        expires = now_ms() + ttl if ttl is not None else None
        self.store.conn.execute(
            "INSERT INTO file_links (token, file, kind, upload, part, expires) VALUES (?, ?, ?, ?, ?, ?)",
            (token, file_id, kind, upload, part, expires),
        )
        return f"{str(request.base_url).rstrip('/')}/_emulator/files/{token}"

    def _multipart(self, file_id: int, parts: int, request: Request) -> dict[str, Any]:
        upload = secrets.token_urlsafe(16)
        self.store.conn.execute(
            "INSERT INTO file_uploads (upload, file, parts) VALUES (?, ?, ?)", (upload, file_id, parts)
        )
        urls = [self._link(file_id, "part", request, upload=upload, part=index) for index in range(parts)]
        return {"uploadUrls": urls, "uploadId": upload}

    def _files_of(self, body: dict[str, Any], max_items: int) -> list[StoredFile]:
        refs = [resource_ref(raw, f"items[{index}]", "file") for index, raw in enumerate(items_of(body, max_items))]
        return [file for file in self.resolve(refs) if file is not None]

    def upload_link(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        """``POST /files/uploadlink``: an ``uploadUrl`` for each existing file."""
        files = self._files_of(body, 100)
        with self.store.transaction():
            return {"items": [{**f.resource(), "uploadUrl": self._link(f.id, "upload", request)} for f in files]}

    def multipart_upload_link(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        """``POST /files/multiuploadlink?parts=N``: ``uploadUrls`` and an ``uploadId`` for each existing file."""
        parts = _parts_param(request)
        files = self._files_of(body, 100)
        with self.store.transaction():
            return {"items": [{**f.resource(), **self._multipart(f.id, parts, request)} for f in files]}

    def complete_multipart(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /files/completemultipartupload``: join the parts (all uploaded, all but the last at least
        5 MiB) into the file's content."""
        (file,) = self.resolve([resource_ref(body, "the body", "file")])
        assert file is not None
        upload = body.get("uploadId")
        row = None
        if isinstance(upload, str):
            row = self.store.conn.execute(
                "SELECT parts FROM file_uploads WHERE upload = ? AND file = ?", (upload, file.id)
            ).fetchone()
        if not isinstance(upload, str) or row is None:
            raise bad_request(f"uploadId {show(upload)} is not a multipart upload of this file")
        paths = [self._blob(file.id, f".{upload}.{index}") for index in range(row[0])]
        absent = [index for index, path in enumerate(paths) if not path.exists()]
        if absent:
            raise bad_request(f"Not all parts are uploaded: part(s) {', '.join(map(str, absent))} missing")
        small = [index for index, path in enumerate(paths[:-1]) if path.stat().st_size < MIN_PART]
        if small:
            raise bad_request(
                f"Every part but the last must be at least {MIN_PART} bytes (5 MiB); part(s) "
                f"{', '.join(map(str, small))} are smaller"
            )
        joined = self._blob(file.id, f".{upload}.joined")
        with joined.open("wb") as out:
            for path in paths:
                with path.open("rb") as part:
                    while chunk := part.read(_COPY_CHUNK):
                        out.write(chunk)
        os.replace(joined, self._blob(file.id))
        for path in paths:
            path.unlink(missing_ok=True)
        with self.store.transaction():
            self.store.conn.execute("DELETE FROM file_uploads WHERE upload = ?", (upload,))
            self.store.conn.execute("DELETE FROM file_links WHERE upload = ?", (upload,))
        self._mark_uploaded(file)
        return {}

    def download_link(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        """``POST /files/downloadlink``: a ``downloadUrl`` per file, valid 30 s (1 h with ``extendedExpiration``),
        each item naming the file as the request did."""
        refs = [resource_ref(raw, f"items[{index}]", "file") for index, raw in enumerate(items_of(body, 100))]
        files = self.resolve(refs)
        extended = bool_param(dict(request.query_params), "extendedExpiration", False)
        ttl = EXTENDED_DOWNLOAD_TTL_MS if extended else DOWNLOAD_TTL_MS
        waiting = [ref for ref, file in zip(refs, files, strict=True) if file is not None and not file.uploaded]
        if waiting:
            raise bad_request("The content of these files has not been uploaded", missing=waiting)
        with self.store.transaction():
            out = []
            for ref, file in zip(refs, files, strict=True):
                assert file is not None
                out.append({**ref, "downloadUrl": self._link(file.id, "download", request, ttl=ttl)})
        return {"items": out}

    # ---- content ----------------------------------------------------------------------------------
    def link(self, token: str, kinds: tuple[str, ...]) -> tuple[int, str, str | None, int | None]:
        """``(file, kind, upload, part)`` of a link; 404 when unknown, 403 when expired."""
        row = self.store.conn.execute(
            "SELECT file, kind, upload, part, expires FROM file_links WHERE token = ?", (token,)
        ).fetchone()
        if row is None or row[1] not in kinds:
            raise ApiError(404, "This file link does not exist (or no longer does)")
        if row[4] is not None and now_ms() > row[4]:
            raise ApiError(403, "This download link has expired; ask /files/downloadlink for a new one")
        return row[0], row[1], row[2], row[3]

    async def receive(self, token: str, request: Request) -> None:
        """Stream the body of a PUT to an upload link into the blob folder, then make it the file's content
        (a single upload) or one part of a multipart upload."""
        file_id, kind, upload, part = self.link(token, ("upload", "part"))
        maximum = MAX_PART if kind == "part" else MAX_SINGLE_UPLOAD
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > maximum:
            raise ApiError(413, f"The upload is {int(declared)} bytes, more than the limit of {maximum} bytes")
        temporary = self._blob(file_id, f".{token}.receiving")
        size = 0
        try:
            with temporary.open("wb") as out:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > maximum:
                        raise ApiError(413, f"The upload is more than the limit of {maximum} bytes")
                    out.write(chunk)
            target = self._blob(file_id, f".{upload}.{part}" if kind == "part" else "")
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        if kind == "upload":
            file = self.find({"id": file_id})
            if file is None:  # the file (or its node) went away while the content arrived
                self._blob(file_id).unlink(missing_ok=True)
                raise ApiError(404, "The file of this upload link no longer exists")
            self._mark_uploaded(file)

    def content(self, token: str) -> tuple[Path, str]:
        """The path of a download link's content and its media type."""
        file_id = self.link(token, ("download",))[0]
        file = self.find({"id": file_id})
        path = self._blob(file_id)
        if file is None or not path.exists():
            raise ApiError(404, "The file of this download link no longer exists")
        return path, str(file.fields.get("mimeType") or "application/octet-stream")

    def _mark_uploaded(self, file: StoredFile) -> None:
        stamp = now_ms()
        state = {k: v for k, v in file.fields.items() if file.instance_id is None or k in ("uploaded", "uploadedTime")}
        state.update(uploaded=True, uploadedTime=stamp)
        self.store.conn.execute("UPDATE files SET body = ? WHERE id = ?", (json.dumps(state), file.id))
        if file.instance_id is not None:  # as CDF does, the node says so too
            space, xid = file.instance_id
            moment = format_timestamp(datetime.fromtimestamp(stamp / 1000, timezone.utc))
            source = {"type": "container", "space": CORE_SPACE, "externalId": FILE_CONTAINER}
            properties = {"isUploaded": True, "uploadedTime": moment}
            sources = [{"source": source, "properties": properties}]
            item = {"instanceType": "node", "space": space, "externalId": xid, "sources": sources}
            try:
                self.instances.apply({"items": [item]})
            except ApiError:  # a container without these properties: the file row is what counts
                pass
            node = self.store.get(space, xid)
            if node is not None:  # keep the row's createdTime in step with the node (unchanged by the update)
                self.store.conn.execute("UPDATE files SET node_created = ? WHERE id = ?", (node.created, file.id))
