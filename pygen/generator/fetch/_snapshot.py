"""The snapshot store: a data model saved as deterministic JSON, written atomically, loaded with checks.

A snapshot is the DMS API JSON of one data model version with its views inline, exactly as
``GET /models/datamodels/byids?inlineViews=true`` returns one item. It is committed next to the
project, so the same model must always produce the same bytes, and a reader (a build running at
the same time as a refresh) must never see half a file.

Example:
    The example project's snapshot, written again: the same bytes.

    >>> import tempfile
    >>> from pygen.generator.fetch import ModelRef, load_snapshot, snapshot_path, write_snapshot
    >>> ref = ModelRef.parse("cdf_cdm:CogniteCore/v1")
    >>> committed = snapshot_path("example_project/snapshots", ref)  # <folder>/cdf_cdm.CogniteCore.v1.json
    >>> model = load_snapshot(committed, expected=ref)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_snapshot(snapshot_path(folder, ref), model)
    ...     path.read_bytes() == committed.read_bytes()
    True
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pygen.generator.fetch._errors import ModelRefError, SnapshotError
from pygen.generator.fetch._ref import ModelRef, ModelRefLike

if TYPE_CHECKING:
    import pydantic

__all__ = ["dump_snapshot", "load_snapshot", "snapshot_path", "write_snapshot"]

REQUIRED_KEYS = ("space", "externalId", "version", "views")
# Snapshots are project files meant to be committed, not secrets: readable like any source file.
_FILE_MODE = 0o644
_RETRY_REPLACE = os.name == "nt"
_REPLACE_RETRY_DELAYS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


def dump_snapshot(model: Mapping[str, Any]) -> str:
    """Serialize a data model deterministically: sorted keys, 2-space indent, UTF-8 text, final newline.

    List order is kept as the API returned it (the order of views is part of the model).
    """
    try:
        return json.dumps(model, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except (TypeError, ValueError) as exc:
        raise SnapshotError(f"cannot serialize the data model as JSON: {exc}") from None


def write_snapshot(path: str | os.PathLike[str], model: Mapping[str, Any]) -> Path:
    """Check ``model`` and write it to ``path`` atomically; return the path.

    The text goes to a temporary file in the same directory, is flushed and fsynced, then renamed
    over ``path`` with ``os.replace``, so a concurrent reader sees either the old or the new file,
    never a partial one. The temporary file is removed on any failure. Parent directories are created.
    """
    target = Path(path)
    check_model(model, source=f"cannot write snapshot {target}")
    atomic_write_bytes(target, dump_snapshot(model).encode("utf-8"))
    return target


def load_snapshot(path: str | os.PathLike[str], expected: ModelRefLike | None = None) -> dict[str, Any]:
    """Read and check a snapshot; return the data model as a dict.

    ``expected`` (a :class:`ModelRef`, a ``"space:externalId/version"`` string, or an object with
    ``space``/``external_id``/``version`` such as ``pygen.dms.DataModelReference``) makes a snapshot
    of any other model or version an error. Every problem raises :class:`SnapshotError` with a
    message that starts with the file name.
    """
    source = Path(path)
    want = ModelRef.coerce(expected) if expected is not None else None
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"{source}: snapshot file not found") from None
    except IsADirectoryError:
        raise SnapshotError(f"{source}: is a directory, expected a snapshot file") from None
    except OSError as exc:
        raise SnapshotError(f"{source}: cannot read snapshot file ({exc.strerror or exc})") from None
    model = parse_snapshot(raw, source=str(source))
    if want is not None:
        got = ModelRef.from_model(model)
        if got != want:
            raise SnapshotError(f"{source}: holds data model {got}, expected {want}")
    return model


def snapshot_path(directory: str | os.PathLike[str], ref: ModelRef) -> Path:
    """Where the snapshot of ``ref`` lives in ``directory`` (see :meth:`ModelRef.snapshot_filename`)."""
    return Path(directory) / ref.snapshot_filename()


def parse_snapshot(raw: bytes, *, source: str) -> dict[str, Any]:
    """Decode and check snapshot bytes; ``source`` (the file name) starts every error message."""
    if not raw.strip():
        raise SnapshotError(f"{source}: snapshot file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{source}: not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKeyError as exc:
        raise SnapshotError(f"{source}: not a valid snapshot: duplicate key {exc.key!r} in a JSON object") from None
    except json.JSONDecodeError as exc:
        # The parser ran out of input: either the error is at the very end, or a string never closed
        # (json only reports "Unterminated string" when it reaches the end without a closing quote).
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            end = text.rstrip()
            line, column = end.count("\n") + 1, len(end) - end.rfind("\n")
            raise SnapshotError(
                f"{source}: not valid JSON: unexpected end of file at line {line}, column {column} "
                "(the file looks truncated)"
            ) from None
        raise SnapshotError(f"{source}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    return check_model(data, source=source)


def check_model(data: object, *, source: str) -> dict[str, Any]:
    """The one place that decides whether ``data`` is a data model with inline views.

    Raises :class:`SnapshotError` whose message starts with ``source`` and names the JSON path of
    the bad item. Returns ``data`` typed as a dict.
    """
    if not isinstance(data, Mapping):
        raise SnapshotError(f"{source}: expected a JSON object (a data model), got {_json_type(data)}")
    model = dict(data)
    missing = [key for key in REQUIRED_KEYS if key not in model]
    if missing:
        keys = ", ".join(repr(key) for key in missing)
        raise SnapshotError(f"{source}: not a data model: missing key{'s' if len(missing) > 1 else ''} {keys}")
    for key in ("space", "externalId", "version"):
        if not isinstance(model[key], str):
            raise SnapshotError(f"{source}: {key} must be a string, got {_json_type(model[key])}")
    try:
        ModelRef.from_model(model)
    except ModelRefError as exc:
        raise SnapshotError(f"{source}: {exc}") from None
    views = model["views"]
    if not isinstance(views, list):
        raise SnapshotError(f"{source}: views must be a list, got {_json_type(views)}")
    for index, view in enumerate(views):
        _check_view(view, f"views[{index}]", source)
    _validate_schema(model, source)
    return model


def _check_view(view: object, where: str, source: str) -> None:
    if not isinstance(view, Mapping):
        raise SnapshotError(f"{source}: {where} must be a view object, got {_json_type(view)}")
    if "properties" not in view:
        name = _view_name(view)
        if view.get("type") == "view":
            raise SnapshotError(
                f"{source}: {where} ({name}) is a view reference, not an inline view definition; "
                "fetch the data model with inlineViews=true"
            )
        raise SnapshotError(f"{source}: {where} ({name}) has no 'properties': views must be inline definitions")
    if not isinstance(view["properties"], Mapping):
        raise SnapshotError(f"{source}: {where}.properties must be an object, got {_json_type(view['properties'])}")


def _validate_schema(model: dict[str, Any], source: str) -> None:
    """Validate against the ``pygen.dms`` schema objects; a failure names the JSON path of the bad item.

    The generator's plain reader (``pygen.generator.ir._read``) accepts only what ``pygen.dms`` accepts: when it
    accepts the model, pydantic (a few tenths of a second to import) is not needed.
    """
    from pygen.generator.ir import Fallback, read_model

    try:
        read_model(model)
        return
    except Fallback:
        pass
    import pydantic

    from pygen.dms import DataModel

    try:
        DataModel.load(model)
    except pydantic.ValidationError as exc:
        raise SnapshotError(schema_error_message(exc, model, source)) from None


def schema_error_message(exc: pydantic.ValidationError, model: Mapping[str, Any], source: str) -> str:
    """``"<source>: views[3] (sp:Pump/v1).properties.name.type: Field required"``, plus how many more."""
    errors = exc.errors()
    first = errors[0]
    path = _json_path(model, first["loc"])
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return f"{source}: {path or '(top level)'}: {first['msg']}{more}"


def _json_path(model: Mapping[str, Any], loc: Sequence[int | str]) -> str:
    # pydantic's loc also holds union member names (e.g. the "view" tag of a discriminated union);
    # walking the actual data keeps only the parts that are real keys and indexes.
    parts: list[str] = []
    current: Any = model
    for position, part in enumerate(loc):
        is_last = position == len(loc) - 1
        if isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            parts.append(f"[{part}]")
            if len(parts) == 2 and parts[0] == "views" and isinstance(current, Mapping):
                parts.append(f" ({_view_name(current)})")
        elif isinstance(current, Mapping) and isinstance(part, str) and (part in current or is_last):
            current = current.get(part)
            parts.append(f".{part}" if parts else part)
    return "".join(parts)


def atomic_write_bytes(target: Path, data: bytes, *, mode: int = _FILE_MODE) -> None:
    """Write ``data`` to ``target`` via a same-directory temp file, fsync and ``os.replace``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; give the final file ordinary permissions.
        os.chmod(tmp_name, mode)
        _replace(tmp_name, target)
    except BaseException:
        # Also on KeyboardInterrupt: a stray ".x.json.123.tmp" would be picked up by `git add`.
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    _fsync_directory(target.parent)


def _replace(source: str, target: Path) -> None:
    # On Windows, os.replace fails with PermissionError while another process has the target open
    # (Python opens files without FILE_SHARE_DELETE); such readers finish quickly, so retry briefly.
    for delay in _REPLACE_RETRY_DELAYS:
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if not _RETRY_REPLACE:
                raise
            time.sleep(delay)
    os.replace(source, target)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a directory, and that is fine.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads silently keeps the last duplicate; in a hand-edited snapshot that hides a mistake.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _view_name(view: Mapping[str, Any]) -> str:
    space, external_id, version = view.get("space"), view.get("externalId"), view.get("version")
    return f"{space}:{external_id}/{version}"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
