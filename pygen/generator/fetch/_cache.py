"""The user cache of fetched data models, shared by every project and build on this machine.

Layout: ``<root>/models-v1/<hash of base URL + project>/<space.externalId.version>.json`` plus a
``.lock`` file next to each entry. ``<root>`` is, in order: the ``root`` argument, the
``PYGEN_CACHE_DIR`` environment variable, or ``platformdirs.user_cache_path("pygen")`` (which honours
``XDG_CACHE_HOME``). The base URL and project are hashed so that no path can carry anything
sensitive, and a cache file only ever holds the data model JSON (never a credential).

Example:
    A cache in a temporary folder, and the example project's snapshot in place of a fetch from CDF:

    >>> import tempfile
    >>> from pygen.generator.fetch import load_snapshot
    >>> key = CacheKey("https://api.cognitedata.com", "my-project", ModelRef.parse("cdf_cdm:CogniteCore/v1"))
    >>> fetched = []
    >>> def fetch() -> dict:
    ...     fetched.append(key.model)
    ...     return load_snapshot("example_project/snapshots/cdf_cdm.CogniteCore.v1.json")
    >>> with tempfile.TemporaryDirectory() as root:
    ...     cache = ModelCache(root)  # ModelCache(): the user cache folder
    ...     first = cache.get_or_fetch(key, fetch)
    ...     again = cache.get_or_fetch(key, fetch)  # from the cache
    >>> first == again, len(fetched)
    (True, 1)
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pygen.generator.fetch._errors import CacheError, PygenFetchError, SnapshotError
from pygen.generator.fetch._ref import ModelRef
from pygen.generator.fetch._snapshot import parse_snapshot, write_snapshot
from pygen.generator.fetch._urls import normalize_base_url

# filelock and platformdirs come with the `fetch` extra and are imported where they are used: a build from a
# committed snapshot imports this module (through pygen.generator.fetch) without them.
if TYPE_CHECKING:
    import filelock

__all__ = ["CacheKey", "ENV_CACHE_DIR", "ModelCache", "default_cache_dir"]

ENV_CACHE_DIR = "PYGEN_CACHE_DIR"
# Bump when the layout or file format changes, so old pygen versions and new ones never share files.
_LAYOUT = "models-v1"
_DEFAULT_LOCK_TIMEOUT = 600.0

logger = logging.getLogger("pygen.generator.fetch")


def default_cache_dir() -> Path:
    """``$PYGEN_CACHE_DIR`` if set (and not blank), else the platform's user cache dir for pygen."""
    override = os.environ.get(ENV_CACHE_DIR, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_cache_path("pygen", appauthor=False)


@dataclass(frozen=True)
class CacheKey:
    """What identifies a cached model: the cluster's base URL, the CDF project and the model version."""

    base_url: str
    project: str
    model: ModelRef

    def __post_init__(self) -> None:
        # Normalize so "https://x/" and "https://X" share one entry.
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))
        if not isinstance(self.project, str) or not self.project.strip():
            raise PygenFetchError(f"invalid CDF project name {self.project!r}: must be a non-empty string")
        object.__setattr__(self, "project", self.project.strip())
        object.__setattr__(self, "model", ModelRef.coerce(self.model))

    def folder_name(self) -> str:
        """A stable folder name derived from base URL and project (a hash: nothing readable leaks)."""
        digest = hashlib.sha256(f"{self.base_url}\n{self.project}".encode()).hexdigest()
        return digest[:32]

    def __str__(self) -> str:
        return f"{self.model} in project {self.project!r} at {self.base_url}"


class ModelCache:
    """Data models fetched before, keyed by :class:`CacheKey`; safe for concurrent processes.

    Writes are atomic (readers never see a partial file), a corrupt entry is a miss (with a logged
    warning), and :meth:`get_or_fetch` serializes fetches of the same key with a file lock, so that
    eight builds starting together fetch the model once.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None, *, lock_timeout: float = _DEFAULT_LOCK_TIMEOUT):
        self.root = Path(root).expanduser() if root is not None else default_cache_dir()
        self.lock_timeout = lock_timeout

    def path(self, key: CacheKey) -> Path:
        """The file that holds ``key``'s model (it may not exist)."""
        return self.root / _LAYOUT / key.folder_name() / key.model.snapshot_filename()

    def get(self, key: CacheKey) -> dict[str, Any] | None:
        """The cached model, or ``None`` on a miss. An unreadable or corrupt entry is a miss, not an error."""
        path = self.path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.warning("pygen: ignoring unreadable cache file %s (%s); the model will be fetched again", path, exc)
            return None
        try:
            model = parse_snapshot(raw, source=str(path))
            found = ModelRef.from_model(model)
            if found != key.model:
                raise SnapshotError(f"{path}: holds data model {found}, expected {key.model}")
        except SnapshotError as exc:
            logger.warning("pygen: ignoring corrupt cache entry: %s; the model will be fetched again", exc)
            return None
        return model

    def put(self, key: CacheKey, model: Mapping[str, Any]) -> Path:
        """Store ``model`` under ``key`` atomically; refuse a model that is not ``key.model``."""
        path = self.path(key)
        try:
            found = ModelRef.from_model(model)
        except (KeyError, TypeError, PygenFetchError):
            found = None
        if found is not None and found != key.model:
            raise SnapshotError(f"cannot cache data model {found} under the key of {key.model} ({path})")
        return write_snapshot(path, model)

    def invalidate(self, key: CacheKey) -> bool:
        """Drop ``key``'s entry; return whether there was one."""
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            return False
        return True

    def lock(self, key: CacheKey, timeout: float | None = None) -> filelock.FileLock:
        """An inter-process lock for ``key`` (``with cache.lock(key): ...``). The ``.lock`` file stays on disk."""
        import filelock

        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        return filelock.FileLock(str(path) + ".lock", timeout=self.lock_timeout if timeout is None else timeout)

    def get_or_fetch(
        self,
        key: CacheKey,
        fetch: Callable[[], Mapping[str, Any]],
        *,
        refresh: bool = False,
        waiting: Callable[[str], None] | None = None,
    ) -> dict[str, Any]:
        """Return the cached model, or call ``fetch()`` once (under the lock), cache and return its result.

        With ``refresh=True`` the cache is not read: the model is always fetched and stored. The cache
        is an optimization: if its directory cannot be written (read-only home, full disk), this logs a
        warning and still returns the fetched model. ``waiting`` hears a line when another process holds
        the lock, before this one waits for it.
        """
        import filelock

        if not refresh:
            cached = self.get(key)
            if cached is not None:
                return cached
        try:
            lock = self.lock(key)
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:
                if waiting is not None:
                    waiting(
                        f"pygen: waiting for another pygen process that is fetching {key} "
                        f"(lock file {lock.lock_file}; up to {lock.timeout:g} s)"
                    )
                lock.acquire()
        except filelock.Timeout:
            raise CacheError(
                f"timed out after {lock.timeout:g} s waiting for another pygen process to fetch {key} "
                f"(lock file {lock.lock_file}); if no other pygen is running, try again"
            ) from None
        except OSError as exc:
            logger.warning("pygen: cannot use the cache at %s (%s); fetching %s without it", self.root, exc, key)
            return dict(fetch())
        try:
            if not refresh:
                # Whoever held the lock before us has probably just fetched it.
                cached = self.get(key)
                if cached is not None:
                    return cached
            model = dict(fetch())
            try:
                self.put(key, model)
            except OSError as exc:
                logger.warning("pygen: could not write the cache entry %s (%s)", self.path(key), exc)
            return model
        finally:
            lock.release()
