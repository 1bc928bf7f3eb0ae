"""Client-side concurrency limits per kind of request (read, write, delete).

CDF limits concurrent requests per project and answers 429 beyond that; staying below the limits
on the client avoids burning retries. Reads, writes and deletes have separate budgets, as on the
server, so a bulk delete does not starve reads.

Sync clients use ``threading`` semaphores. Async clients use ``asyncio`` semaphores, one set per
event loop and created lazily: an asyncio primitive belongs to the loop that first waits on it, and
an application (or a test suite) may use one client from several loops in turn.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

if TYPE_CHECKING:
    import asyncio

__all__ = ["ConcurrencyLimits", "RequestKind", "infer_kind"]

RequestKind = Literal["read", "write", "delete"]
"""What a request does, which picks the concurrency budget it counts against."""

REQUEST_KINDS: tuple[RequestKind, ...] = ("read", "write", "delete")

# POSTing to these collection paths creates or updates (DMS "apply"); every other POST reads.
_APPLY_PATHS = frozenset(
    {"/models/spaces", "/models/containers", "/models/views", "/models/datamodels", "/models/instances"}
)


@dataclass(frozen=True)
class ConcurrencyLimits:
    """The most requests of each kind one client has in flight at a time.

    Defaults follow CDF's per-project defaults for data modeling. Lower them when several processes
    share a project.

    Example:
        >>> from pygen.transport import ClientConfig, Token
        >>> limits = ConcurrencyLimits(read=4, write=2, delete=1)
        >>> config = ClientConfig.for_cluster("api", "my-project", Token("my-token"), limits=limits)
        >>> config.limits.write
        2
    """

    read: int = 8
    write: int = 4
    delete: int = 2

    def __post_init__(self) -> None:
        for kind in REQUEST_KINDS:
            value = getattr(self, kind)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"ConcurrencyLimits.{kind} must be an integer >= 1, got {value!r}")

    def for_kind(self, kind: RequestKind) -> int:
        """The limit for one kind of request."""
        value: int = getattr(self, kind)
        return value


def infer_kind(method: str, path: str) -> RequestKind:
    """Which budget a request uses when the caller does not say.

    ``.../delete`` paths delete; a POST to a DMS apply endpoint (``/models/spaces``, ``/containers``,
    ``/views``, ``/datamodels``, ``/instances``) writes; everything else (GETs, ``byids``, ``list``,
    ``query``, ``search``...) reads.
    """
    normalized = path.rstrip("/")
    if normalized.endswith("/delete"):
        return "delete"
    if method.upper() == "POST" and normalized in _APPLY_PATHS:
        return "write"
    return "read"


_Semaphore = TypeVar("_Semaphore")


class _Budgets(Generic[_Semaphore]):
    """One semaphore per request kind, built by ``factory(limit)``."""

    def __init__(self, limits: ConcurrencyLimits, factory: Callable[[int], _Semaphore]) -> None:
        self._by_kind = {kind: factory(limits.for_kind(kind)) for kind in REQUEST_KINDS}

    def __getitem__(self, kind: RequestKind) -> _Semaphore:
        return self._by_kind[kind]


class ThreadLimiter:
    """Blocks a thread while its kind of request is at its limit."""

    def __init__(self, limits: ConcurrencyLimits) -> None:
        self._budgets = _Budgets(limits, threading.BoundedSemaphore)

    @contextlib.contextmanager
    def slot(self, kind: RequestKind) -> Iterator[None]:
        with self._budgets[kind]:
            yield


class AsyncLimiter:
    """Suspends a task while its kind of request is at its limit (per event loop)."""

    def __init__(self, limits: ConcurrencyLimits) -> None:
        self._limits = limits
        self._per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Budgets[asyncio.Semaphore]] = (
            weakref.WeakKeyDictionary()
        )

    @contextlib.asynccontextmanager
    async def slot(self, kind: RequestKind) -> AsyncIterator[None]:
        async with self._budgets()[kind]:
            yield

    def _budgets(self) -> _Budgets[asyncio.Semaphore]:
        import asyncio  # lazily: see _http._asyncio_sleep

        loop = asyncio.get_running_loop()
        budgets = self._per_loop.get(loop)
        if budgets is None:
            # No await between the lookup and the insert, so two tasks of one loop cannot both create it.
            budgets = self._per_loop[loop] = _Budgets(self._limits, asyncio.Semaphore)
        return budgets


class LoopLocalLock:
    """An ``asyncio.Lock`` per running event loop, created on first use in that loop."""

    def __init__(self) -> None:
        self._per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    def get(self) -> asyncio.Lock:
        import asyncio  # lazily: see _http._asyncio_sleep

        loop = asyncio.get_running_loop()
        lock = self._per_loop.get(loop)
        if lock is None:
            lock = self._per_loop[loop] = asyncio.Lock()
        return lock
