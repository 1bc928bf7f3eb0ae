"""Concurrency limits: never more requests of one kind in flight than allowed, sync (threads) and async (tasks)."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from _transport_support import make_config

from pygen.transport import AsyncHTTPClient, ConcurrencyLimits, HTTPClient, RequestKind, infer_kind

LIMITS = ConcurrencyLimits()  # the defaults: read=8, write=4, delete=2
# (kind, method, path): a request of each kind, with its kind inferred from the path.
CASES = [
    ("read", "POST", "/models/instances/byids"),
    ("write", "POST", "/models/instances"),
    ("delete", "POST", "/models/instances/delete"),
]


class InFlight:
    """Counts concurrent requests; holds the first ``limit`` until that many are in flight at once."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.current = 0
        self.peak = 0
        self.total = 0
        self.lock = threading.Lock()
        self.full = threading.Event()

    def enter(self) -> None:
        with self.lock:
            self.current += 1
            self.total += 1
            self.peak = max(self.peak, self.current)
            if self.current >= self.limit:
                self.full.set()

    def leave(self) -> None:
        with self.lock:
            self.current -= 1


def test_default_limits_match_cdf() -> None:
    assert (LIMITS.read, LIMITS.write, LIMITS.delete) == (8, 4, 2)


@pytest.mark.parametrize(("kind", "method", "path"), CASES)
def test_sync_limit_per_kind(kind: RequestKind, method: str, path: str) -> None:
    limit = LIMITS.for_kind(kind)
    counter = InFlight(limit)

    def handler(request: httpx.Request) -> httpx.Response:
        counter.enter()
        try:
            # Hold the first `limit` requests until the budget is full, then linger a moment so that an
            # unlimited client would push more in. The assertions below do not depend on timing.
            assert counter.full.wait(timeout=10)
            time.sleep(0.005)
        finally:
            counter.leave()
        return httpx.Response(200, json={"items": []})

    workers = limit * 3
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []
    with HTTPClient(make_config(), transport=httpx.MockTransport(handler)) as client:

        def worker() -> None:
            try:
                barrier.wait()
                client.request(method, path, json={"items": []})
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert counter.total == workers
    assert counter.peak == limit


@pytest.mark.anyio
@pytest.mark.parametrize(("kind", "method", "path"), CASES)
async def test_async_limit_per_kind(kind: RequestKind, method: str, path: str) -> None:
    limit = LIMITS.for_kind(kind)
    counter = InFlight(limit)
    full = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        counter.enter()
        try:
            if counter.current >= limit:
                full.set()
            await full.wait()
            for _ in range(5):  # yield to the loop so an unlimited client would start more requests
                await asyncio.sleep(0)
        finally:
            counter.leave()
        return httpx.Response(200, json={"items": []})

    workers = limit * 3
    async with AsyncHTTPClient(make_config(), transport=httpx.MockTransport(handler)) as client:
        await asyncio.gather(*(client.request(method, path, json={"items": []}) for _ in range(workers)))
    assert counter.total == workers
    assert counter.peak == limit


@pytest.mark.anyio
async def test_kinds_have_separate_budgets() -> None:
    """Deletes at their limit do not hold up reads."""
    limits = ConcurrencyLimits(read=2, write=1, delete=1)
    release_delete = asyncio.Event()
    reads_done = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal reads_done
        if request.url.path.endswith("/delete"):
            await release_delete.wait()
        else:
            reads_done += 1
        return httpx.Response(200, json={"items": []})

    async with AsyncHTTPClient(make_config(limits=limits), transport=httpx.MockTransport(handler)) as client:
        delete = asyncio.ensure_future(client.post("/models/instances/delete", json={"items": []}))
        await asyncio.gather(*(client.get("/models/spaces") for _ in range(5)))
        assert reads_done == 5 and not delete.done()
        release_delete.set()
        await delete


@pytest.mark.anyio
async def test_explicit_kind_overrides_inference() -> None:
    limits = ConcurrencyLimits(read=8, write=1, delete=1)
    counter = InFlight(1)

    async def handler(request: httpx.Request) -> httpx.Response:
        counter.enter()
        await asyncio.sleep(0)
        counter.leave()
        return httpx.Response(200, json={})

    async with AsyncHTTPClient(make_config(limits=limits), transport=httpx.MockTransport(handler)) as client:
        # A byids POST is a read by path, but the caller says it is a write: the write budget (1) applies.
        await asyncio.gather(*(client.post("/models/instances/byids", json={}, kind="write") for _ in range(6)))
    assert counter.peak == 1


def test_async_limits_work_across_event_loops() -> None:
    """Semaphores are per event loop, so a client can be used from one asyncio.run() after another."""
    client = AsyncHTTPClient(make_config(), transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})))

    async def burst() -> None:
        await asyncio.gather(*(client.get("/models/spaces") for _ in range(20)))

    asyncio.run(burst())
    asyncio.run(burst())
    asyncio.run(client.aclose())


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("GET", "/models/spaces", "read"),
        ("GET", "/models/instances", "read"),
        ("POST", "/models/spaces", "write"),
        ("POST", "/models/containers", "write"),
        ("POST", "/models/views", "write"),
        ("POST", "/models/datamodels", "write"),
        ("POST", "/models/instances", "write"),
        ("POST", "/models/instances/", "write"),
        ("post", "/models/instances", "write"),
        ("POST", "/models/instances/byids", "read"),
        ("POST", "/models/instances/list", "read"),
        ("POST", "/models/instances/query", "read"),
        ("POST", "/models/instances/sync", "read"),
        ("POST", "/models/instances/search", "read"),
        ("POST", "/models/instances/aggregate", "read"),
        ("POST", "/models/spaces/delete", "delete"),
        ("POST", "/models/instances/delete", "delete"),
        ("POST", "/models/containers/indexes/delete", "delete"),
        ("POST", "/models/containers/constraints/delete", "delete"),
    ],
)
def test_infer_kind(method: str, path: str, kind: str) -> None:
    assert infer_kind(method, path) == kind


@pytest.mark.parametrize("kwargs", [{"read": 0}, {"write": -1}, {"delete": 1.5}, {"read": True}])
def test_limits_validation(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=f"ConcurrencyLimits.{next(iter(kwargs))}"):
        ConcurrencyLimits(**kwargs)  # type: ignore[arg-type]
