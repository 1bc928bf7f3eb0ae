"""SQLite storage: schema objects as JSON documents, instances as rows with one JSON column of container data.

One code path for both modes: ``:memory:`` by default, a WAL-mode file with ``--db``. Instances carry an
integer row id that is the key of every unsorted page (keyset pagination, never OFFSET).

The same database holds the time series (``timeseries``; their datapoints in blocks, ``datapoints``, see
``_datapoint_store.py``) and the files (``files``, with their upload/download links); file content lives in
a folder beside it (:attr:`Store.blob_dir`).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

NodeKey = tuple[str, str]
# {container_space: {container_external_id: {property: value}}}
ContainerData = dict[str, dict[str, dict[str, Any]]]

# "derived": markers of containers a model snapshot implied (their indexes are unknown; see SchemaService).
SCHEMA_KINDS = ("space", "container", "view", "datamodel", "derived")
# A SQL condition on the instances table with its parameters (see Store.scan).
SqlHint = tuple[str, list[Any]]
#: The most SQL hints one scan uses: hints only narrow (the Python predicate decides), so leaving some out is
#: safe, and SQLite refuses an expression tree deeper than 1000 ("Expression tree is too large").
MAX_SQL_HINTS = 50
_COLUMNS = "id, kind, space, xid, version, created, updated, type_space, type_xid, start_space, start_xid, "
_COLUMNS += "end_space, end_xid, data, seq"


@dataclass
class Instance:
    """A node or an edge as stored."""

    kind: str  # "node" | "edge"
    space: str
    external_id: str
    version: int
    created: int
    updated: int
    type: NodeKey | None = None
    start: NodeKey | None = None
    end: NodeKey | None = None
    data: ContainerData = field(default_factory=dict)
    row_id: int = 0
    seq: int = 0  # change sequence number: bumped by every write, the position sync cursors keep
    deleted: int | None = None  # deletedTime (ms) of a soft-deleted instance, as sync reports it
    traversal: str = "outwards"  # for edges found by a query traversal: the direction they were followed in

    @property
    def key(self) -> NodeKey:
        return self.space, self.external_id

    def container_values(self, space: str, external_id: str) -> dict[str, Any] | None:
        """The stored properties in one container, ``None`` if the instance has no data there."""
        return self.data.get(space, {}).get(external_id)

    def has_container(self, space: str, external_id: str) -> bool:
        return external_id in self.data.get(space, {})


def container_hint(space: str, external_id: str) -> SqlHint:
    """Rows with data in a container (the JSON column holds ``{space: {container: {...}}}``)."""
    return "json_type(data, ?) IS NOT NULL", [f'$."{space}"."{external_id}"']


def _row_to_instance(row: tuple[Any, ...]) -> Instance:
    return Instance(
        kind="node" if row[1] == 0 else "edge",
        space=row[2],
        external_id=row[3],
        version=row[4],
        created=row[5],
        updated=row[6],
        type=(row[7], row[8]) if row[7] is not None else None,
        start=(row[9], row[10]) if row[9] is not None else None,
        end=(row[11], row[12]) if row[11] is not None else None,
        data=json.loads(row[13]),
        row_id=row[0],
        seq=row[14],
    )


def _instance_params(inst: Instance) -> tuple[Any, ...]:
    type_ = inst.type or (None, None)
    start = inst.start or (None, None)
    end = inst.end or (None, None)
    return (
        0 if inst.kind == "node" else 1,
        inst.space,
        inst.external_id,
        inst.version,
        inst.created,
        inst.updated,
        type_[0],
        type_[1],
        start[0],
        start[1],
        end[0],
        end[1],
        json.dumps(inst.data, separators=(",", ":")),
        inst.seq,
    )


class StoreError(Exception):
    """The database file cannot be used (missing folder, not a database, corrupt, in use); one-line message."""


def _lock(path: str) -> IO[bytes]:
    """Hold an exclusive lock on ``PATH.lock`` for as long as the store is open: a second emulator (or a second
    store in the same process) on the same database is refused instead of corrupting its change sequence."""
    lock_path = f"{path}.lock"
    try:
        handle = open(lock_path, "ab")  # noqa: SIM115 - held open for the store's lifetime
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the lock file {lock_path}: {exc.strerror or exc}") from exc
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        handle.close()
        message = f"{path}: another pygen emulator is using this database (its lock {lock_path} is held)"
        raise StoreError(message) from exc
    return handle


def _release(conn: sqlite3.Connection | None, lock: IO[bytes] | None) -> None:
    if conn is not None:
        conn.close()
    if lock is not None:
        lock.close()  # closing the file releases the lock


def _check_path(path: str) -> None:
    """One-line reasons for a database path that cannot work, before SQLite says something vaguer."""
    target = Path(path)
    if target.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file")
    folder = target.parent
    if not folder.is_dir():
        raise StoreError(f"{path}: the folder {folder} does not exist")
    if target.exists() and not os.access(target, os.R_OK | os.W_OK):
        raise StoreError(f"{path}: the file cannot be read and written")


class Store:
    """All emulator state in one SQLite database; schema objects are also cached in memory.

    Opening a file raises :class:`StoreError` with a one-line reason when it cannot be used.
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self._blob_dir: Path | None = None
        self._blob_cleanup: weakref.finalize[Any, Any] | None = None
        lock: IO[bytes] | None = None
        conn: sqlite3.Connection | None = None
        try:
            if self.path != ":memory:":
                _check_path(self.path)
                lock = _lock(self.path)
            # The app is single-threaded (async handlers call into the store synchronously), but the sync
            # test client runs the app in a portal thread, so allow use from another thread.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn = conn
            self._open()
        except StoreError:
            _release(conn, lock)
            raise
        except sqlite3.Error as exc:
            _release(conn, lock)
            reason = str(exc)
            if "not a database" in reason or "malformed" in reason:
                raise StoreError(f"{self.path}: not a usable SQLite database ({reason})") from exc
            raise StoreError(f"{self.path}: cannot open the database ({reason})") from exc
        except (ValueError, TypeError, KeyError) as exc:
            _release(conn, lock)
            raise StoreError(f"{self.path}: the emulator data in it is corrupt ({exc})") from exc
        # Apps are often dropped without close() (tests, in-process clients): close the connection (and release
        # the lock) when the store goes, as Python 3.13 warns (ResourceWarning) about a connection left behind.
        self._closer = weakref.finalize(self, _release, conn, lock)

    def _open(self) -> None:
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS schema_objects (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, skey TEXT NOT NULL, body TEXT NOT NULL,
                UNIQUE (kind, skey));
            CREATE TABLE IF NOT EXISTS instances (
                id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL, space TEXT NOT NULL, xid TEXT NOT NULL,
                version INTEGER NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,
                type_space TEXT, type_xid TEXT, start_space TEXT, start_xid TEXT, end_space TEXT, end_xid TEXT,
                data TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0);
            CREATE UNIQUE INDEX IF NOT EXISTS instances_key ON instances (space, xid);
            CREATE INDEX IF NOT EXISTS instances_kind ON instances (kind, id);
            CREATE INDEX IF NOT EXISTS instances_start ON instances (start_space, start_xid);
            CREATE INDEX IF NOT EXISTS instances_end ON instances (end_space, end_xid);
            CREATE INDEX IF NOT EXISTS instances_seq ON instances (seq);
            CREATE TABLE IF NOT EXISTS tombstones (
                seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, deleted INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS timeseries (
                id INTEGER PRIMARY KEY AUTOINCREMENT, xid TEXT UNIQUE, node_space TEXT, node_xid TEXT,
                node_created INTEGER, is_string INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS timeseries_node ON timeseries (node_space, node_xid);
            CREATE TABLE IF NOT EXISTS datapoints (
                series INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, times BLOB NOT NULL,
                vals NOT NULL, PRIMARY KEY (series, first)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS files (
                id INTEGER PRIMARY KEY AUTOINCREMENT, xid TEXT UNIQUE, node_space TEXT, node_xid TEXT,
                node_created INTEGER, body TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS files_node ON files (node_space, node_xid);
            CREATE TABLE IF NOT EXISTS file_links (
                token TEXT PRIMARY KEY, file INTEGER NOT NULL, kind TEXT NOT NULL, upload TEXT, part INTEGER,
                expires INTEGER);
            CREATE TABLE IF NOT EXISTS file_uploads (
                upload TEXT PRIMARY KEY, file INTEGER NOT NULL, parts INTEGER NOT NULL);
            """
        )
        self.schema: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in SCHEMA_KINDS}
        for seq, kind, skey, body in self.conn.execute("SELECT seq, kind, skey, body FROM schema_objects ORDER BY seq"):
            try:
                loaded = json.loads(body)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"schema_objects row {seq}: {exc}") from exc
            if kind not in self.schema or not isinstance(loaded, dict):
                raise ValueError(f"schema_objects row {seq} is not an emulator schema object")
            self.schema[kind][skey] = loaded
        self._depth = 0
        self._seq: int = max(
            self.conn.execute("SELECT coalesce(max(seq), 0) FROM instances").fetchone()[0],
            self.conn.execute("SELECT coalesce(max(seq), 0) FROM tombstones").fetchone()[0],
        )
        # Bumped on every schema change (and rollback) so that derived caches know when to drop.
        self.generation = 0

    def close(self) -> None:
        self._closer()
        if self._blob_cleanup is not None:
            self._blob_cleanup()

    # ---- file content ---------------------------------------------------------------------------------
    @property
    def blob_dir(self) -> Path:
        """The folder holding uploaded file content, one file per stored file (never in SQLite, so that a large
        upload or download streams through a small buffer): ``PATH.files`` beside a database file, a temporary
        folder removed with the store in memory mode. Created on first use."""
        if self._blob_dir is None:
            if self.path == ":memory:":
                folder = Path(tempfile.mkdtemp(prefix="pygen-emulator-files-"))
                self._blob_cleanup = weakref.finalize(self, shutil.rmtree, str(folder), True)
            else:
                folder = Path(f"{self.path}.files")
                folder.mkdir(exist_ok=True)
            self._blob_dir = folder
        return self._blob_dir

    def clear_blobs(self) -> None:
        """Delete all stored file content (part of :meth:`reset`)."""
        folder = self._blob_dir if self._blob_dir is not None else Path(f"{self.path}.files")
        if self.path == ":memory:" and self._blob_dir is None:
            return
        if folder.is_dir():
            for entry in folder.iterdir():
                entry.unlink(missing_ok=True)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all (schema cache included)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        snapshot = {kind: dict(objs) for kind, objs in self.schema.items()}
        self.conn.execute("BEGIN")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.schema = snapshot
            self.generation += 1
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    # ---- schema objects -------------------------------------------------------------------------------
    def put_schema(self, kind: str, skey: str, body: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO schema_objects (kind, skey, body) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, skey) DO UPDATE SET body = excluded.body",
            (kind, skey, json.dumps(body)),
        )
        self.schema[kind][skey] = body
        self.generation += 1

    def delete_schema(self, kind: str, skey: str) -> None:
        self.conn.execute("DELETE FROM schema_objects WHERE kind = ? AND skey = ?", (kind, skey))
        self.schema[kind].pop(skey, None)
        self.generation += 1

    # ---- instances ------------------------------------------------------------------------------------
    def get(self, space: str, external_id: str) -> Instance | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM instances WHERE space = ? AND xid = ?", (space, external_id)
        ).fetchone()
        return _row_to_instance(row) if row else None

    def get_many(self, keys: Iterable[NodeKey]) -> dict[NodeKey, Instance]:
        out: dict[NodeKey, Instance] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 400):
            chunk = unique[start : start + 400]
            where = " OR ".join(["(space = ? AND xid = ?)"] * len(chunk))
            params = [part for key in chunk for part in key]
            for row in self.conn.execute(f"SELECT {_COLUMNS} FROM instances WHERE {where}", params):
                inst = _row_to_instance(row)
                out[inst.key] = inst
        return out

    def scan(
        self, kind: str | None = None, after_id: int = 0, batch: int = 1000, where: Sequence[SqlHint] = ()
    ) -> Iterator[Instance]:
        """Instances in row-id order after ``after_id``, fetched lazily in batches (keyset, never OFFSET).

        ``where`` narrows the rows in SQL (a superset of what the caller's Python filter accepts).
        """
        clauses = ["id > ?"]
        fixed: list[Any] = []
        if kind is not None:
            clauses.insert(0, "kind = ?")
            fixed.append(0 if kind == "node" else 1)
        extra_params: list[Any] = []
        for clause, params in where[:MAX_SQL_HINTS]:
            clauses.append(f"({clause})")
            extra_params.extend(params)
        sql = f"SELECT {_COLUMNS} FROM instances WHERE {' AND '.join(clauses)} ORDER BY id LIMIT ?"
        last = after_id
        while True:
            rows = self.conn.execute(sql, (*fixed, last, *extra_params, batch)).fetchall()
            for row in rows:
                yield _row_to_instance(row)
            if len(rows) < batch:
                return
            last = rows[-1][0]

    def edges_at(self, nodes: Iterable[NodeKey], side: str) -> list[Instance]:
        """Edges whose ``side`` ("start" or "end") node is one of ``nodes``."""
        column = "start" if side == "start" else "end"
        out: list[Instance] = []
        unique = list(dict.fromkeys(nodes))
        for start in range(0, len(unique), 400):
            chunk = unique[start : start + 400]
            where = " OR ".join([f"({column}_space = ? AND {column}_xid = ?)"] * len(chunk))
            params = [part for key in chunk for part in key]
            out.extend(
                _row_to_instance(row)
                for row in self.conn.execute(f"SELECT {_COLUMNS} FROM instances WHERE kind = 1 AND ({where})", params)
            )
        out.sort(key=lambda inst: inst.row_id)
        return out

    @property
    def last_seq(self) -> int:
        """The sequence number of the latest change (0 before any)."""
        return int(self._seq)

    def next_seq(self) -> int:
        self._seq = int(self._seq) + 1
        return self._seq

    def insert(self, inst: Instance) -> None:
        inst.seq = self.next_seq()
        cursor = self.conn.execute(
            "INSERT INTO instances (kind, space, xid, version, created, updated, type_space, type_xid, "
            "start_space, start_xid, end_space, end_xid, data, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _instance_params(inst),
        )
        inst.row_id = int(cursor.lastrowid or 0)

    def insert_many(self, instances: Iterable[Instance]) -> None:
        """Bulk insert (used by loaders and the benchmark); row ids are not written back."""

        def numbered() -> Iterator[Instance]:
            for inst in instances:
                inst.seq = self.next_seq()
                yield inst

        self.conn.executemany(
            "INSERT INTO instances (kind, space, xid, version, created, updated, type_space, type_xid, "
            "start_space, start_xid, end_space, end_xid, data, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_instance_params(inst) for inst in numbered()),
        )

    def update(self, inst: Instance) -> None:
        inst.seq = self.next_seq()
        params = _instance_params(inst)
        self.conn.execute(
            "UPDATE instances SET kind = ?, space = ?, xid = ?, version = ?, created = ?, updated = ?, "
            "type_space = ?, type_xid = ?, start_space = ?, start_xid = ?, end_space = ?, end_xid = ?, data = ?, "
            "seq = ? "
            "WHERE id = ?",
            (*params, inst.row_id),
        )

    def delete(self, instances: Iterable[Instance], deleted_time: int) -> None:
        """Delete instances, keeping a tombstone (soft delete) that sync reports with ``deletedTime``."""
        for inst in instances:
            self.conn.execute("DELETE FROM instances WHERE id = ?", (inst.row_id,))
            body = json.dumps([inst.row_id, *_instance_params(inst)[:-1]])
            self.conn.execute(
                "INSERT INTO tombstones (seq, kind, deleted, body) VALUES (?, ?, ?, ?)",
                (self.next_seq(), 0 if inst.kind == "node" else 1, deleted_time, body),
            )

    def changes(self, kind: str, after_seq: int, batch: int = 500) -> Iterator[Instance]:
        """Live and soft-deleted instances of ``kind`` changed after ``after_seq``, in change order."""
        code = 0 if kind == "node" else 1
        last = after_seq
        while True:
            live = [
                _row_to_instance(row)
                for row in self.conn.execute(
                    f"SELECT {_COLUMNS} FROM instances WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?",
                    (code, last, batch),
                )
            ]
            dead = []
            for seq, deleted, body in self.conn.execute(
                "SELECT seq, deleted, body FROM tombstones WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?",
                (code, last, batch),
            ):
                inst = _row_to_instance((*json.loads(body), seq))
                inst.deleted = deleted
                dead.append(inst)
            merged = sorted(live + dead, key=lambda inst: inst.seq)
            if len(live) == batch or len(dead) == batch:
                # Only the prefix below both batches' ends is complete.
                bound = min(
                    live[-1].seq if len(live) == batch else float("inf"),
                    dead[-1].seq if len(dead) == batch else float("inf"),
                )
                merged = [inst for inst in merged if inst.seq <= bound]
            yield from merged
            if len(live) < batch and len(dead) < batch:
                return
            last = merged[-1].seq

    def count(self, kind: str | None = None) -> int:
        if kind is None:
            return int(self.conn.execute("SELECT count(*) FROM instances").fetchone()[0])
        return int(
            self.conn.execute(
                "SELECT count(*) FROM instances WHERE kind = ?", (0 if kind == "node" else 1,)
            ).fetchone()[0]
        )

    def space_has_instances(self, space: str) -> bool:
        return self.conn.execute("SELECT 1 FROM instances WHERE space = ? LIMIT 1", (space,)).fetchone() is not None

    def next_counter(self, name: str, at_least: int = 0) -> int:
        """The next value of a named counter (auto-increment properties)."""
        row = self.conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        value = max((row[0] if row else 0) + 1, at_least)
        self.conn.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )
        return value

    def reset(self) -> None:
        """Drop all data (schema, instances, time series with their datapoints, files with their content)."""
        with self.transaction():
            self.conn.execute("DELETE FROM schema_objects")
            self.conn.execute("DELETE FROM instances")
            self.conn.execute("DELETE FROM counters")
            self.conn.execute("DELETE FROM tombstones")
            for table in ("timeseries", "datapoints", "files", "file_links", "file_uploads"):
                self.conn.execute(f"DELETE FROM {table}")
            self.schema = {kind: {} for kind in SCHEMA_KINDS}
            self.generation += 1
        self.clear_blobs()
