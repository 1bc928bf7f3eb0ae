"""Answers kept for identical requests: a least-recently-used cache bounded by entries and bytes, and one
computation per key at a time (requests that arrive while the same one is being computed wait for it).

Generation is deterministic (the same models and options give the same bytes), so an answer can be reused for
as long as the process runs; the key is a SHA-256 of the request as the service understood it (the pygen
version, the endpoint, the options and the models, fetched ones included).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Answer", "AnswerCache"]


@dataclass(frozen=True)
class Answer:
    """A finished answer: status, body bytes, content type and extra headers."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    log: dict[str, Any] = field(default_factory=dict, compare=False)  # what the request log says of it (no content)

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(key) + len(value) for key, value in self.headers.items())


class AnswerCache:
    """At most ``max_entries`` answers and ``max_bytes`` bytes; the least recently used go first."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, Answer] = OrderedDict()
        self._bytes = 0
        self._pending: dict[str, asyncio.Future[Answer]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Answer | None:
        answer = self._items.get(key)
        if answer is not None:
            self._items.move_to_end(key)
            self.hits += 1
        return answer

    def put(self, key: str, answer: Answer) -> None:
        if self.max_entries <= 0 or answer.size > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._items[key] = answer
        self._bytes += answer.size
        while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
            _, evicted = self._items.popitem(last=False)
            self._bytes -= evicted.size

    async def get_or_compute(
        self, key: str, compute: Callable[[], Awaitable[Answer]], keep: Callable[[Answer], bool]
    ) -> tuple[Answer, bool]:
        """``(answer, from_cache)``: the kept answer, the one being computed for the same key, or a new one
        (kept when ``keep(answer)``). An error raised by ``compute`` reaches every request that waited for it."""
        cached = self.get(key)
        if cached is not None:
            return cached, True
        pending = self._pending.get(key)
        if pending is not None:
            self.hits += 1
            return await asyncio.shield(pending), True
        self.misses += 1
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            answer = await compute()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waited
            raise
        finally:
            self._pending.pop(key, None)
        future.set_result(answer)
        if keep(answer):
            self.put(key, answer)
        return answer, False

    def as_json(self) -> dict[str, Any]:
        return {
            "entries": len(self._items),
            "bytes": self._bytes,
            "max_entries": self.max_entries,
            "max_bytes": self.max_bytes,
            "hits": self.hits,
            "misses": self.misses,
        }
