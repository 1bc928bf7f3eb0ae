"""The async twins: the same operations through AsyncInstanceClient/AsyncInstanceAPI."""

from __future__ import annotations

import pytest
from _instances_support import TEST_SPACE
from omni_sdk import (
    AsyncOmniClient,
    ConnectionItemDWrite,
    ConnectionItemE,
    ConnectionItemEWrite,
    PrimitiveNullableFields,
    PrimitiveNullableWrite,
)

from pygen.instances import NodeId, UpsertError

F = PrimitiveNullableFields
pytestmark = pytest.mark.anyio


async def test_async_write_read_page_pages_and_iterate(aomni: AsyncOmniClient) -> None:
    writes = [PrimitiveNullableWrite(external_id=f"a{i:04d}", int32=i, text=f"t {i}") for i in range(2300)]
    result = await aomni.upsert(writes)
    assert len(result.created) == 2300
    api = aomni.primitive_nullable
    in_space = F.space.equals(TEST_SPACE)
    page = await api.page(filter=in_space, page_size=1000, sort=F.int32.asc())
    assert len(page.items) == 1000 and page.cursor
    nxt = await api.page(filter=in_space, page_size=1000, sort=F.int32.asc(), cursor=page.cursor)
    assert nxt.items[0].int32 == 1000
    seen = [item.external_id async for item in api.iterate(filter=in_space)]
    sizes = [len(p.items) async for p in api.pages(filter=in_space, limit=2100)]
    assert sizes == [1000, 1000, 100]
    assert len(seen) == 2300 and len(set(seen)) == 2300
    assert len(await api.list(filter=in_space, limit=-1)) == 2300
    assert len(await api.list(filter=in_space, limit=5)) == 5
    got = await api.retrieve(["a0001", "missing"])
    assert [g.external_id for g in got] == ["a0001"] and got.missing == [NodeId(TEST_SPACE, "missing")]
    assert (await api.retrieve("a0002")) is not None


async def test_async_search_aggregate_histogram(aomni: AsyncOmniClient) -> None:
    await aomni.upsert([PrimitiveNullableWrite(external_id=f"s{i}", int32=i, text=f"word{i % 2}") for i in range(10)])
    api = aomni.primitive_nullable
    in_space = F.space.equals(TEST_SPACE)
    assert len(await api.search("word1", filter=in_space)) == 5
    assert await api.count(filter=in_space) == 10
    assert await api.sum(F.int32, filter=in_space) == 45
    assert await api.avg(F.int32, filter=in_space) == 4.5
    assert (await api.min(F.int32, filter=in_space), await api.max(F.int32, filter=in_space)) == (0, 9)
    groups = await api.aggregate(("count", "externalId"), group_by=[F.text], filter=in_space)
    assert sorted((g.group["text"], g.values["count:externalId"]) for g in groups) == [("word0", 5), ("word1", 5)]
    assert [(b.start, b.count) for b in await api.histogram(F.int32, 5, filter=in_space)] == [(0, 5), (5, 5)]


async def test_async_connections_failures_and_delete(aomni: AsyncOmniClient) -> None:
    e1 = ConnectionItemEWrite(external_id="e1", name="E")
    await aomni.upsert(ConnectionItemDWrite(external_id="d1", direct_single=e1, direct_multi=[e1]))
    d1 = await aomni.connection_item_d.retrieve("d1", connections=True)
    assert d1 is not None and isinstance(d1.direct_single, ConnectionItemE)
    e = await aomni.connection_item_e.retrieve("e1", connections=["direct_reverse_single", "direct_reverse_multi"])
    assert e is not None and [d.external_id for d in e.direct_reverse_single or []] == ["d1"]
    with pytest.raises(UpsertError) as info:
        await aomni.upsert(
            [ConnectionItemEWrite(external_id="e1", existing_version=0), ConnectionItemEWrite(external_id="e2")]
        )
    assert [str(f.id) for f in info.value.failed] == [f"{TEST_SPACE}:e1"]
    assert [str(r.id) for r in info.value.result.items] == [f"{TEST_SPACE}:e2"]
    deleted = await aomni.delete(["d1", "e1", "e2"])
    assert len(deleted.deleted) == 3
    assert await aomni.connection_item_d.retrieve("d1") is None


async def test_async_batches_run_in_parallel_within_the_write_limit() -> None:
    import asyncio
    import json

    import httpx
    from _instances_support import config

    from pygen.transport import AsyncHTTPClient, ConcurrencyLimits

    state = {"now": 0, "max": 0, "requests": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        state["now"] += 1
        state["requests"] += 1
        state["max"] = max(state["max"], state["now"])
        await asyncio.sleep(0.01)
        state["now"] -= 1
        items = json.loads(request.content)["items"]
        out = [{**i, "version": 1, "wasModified": True, "createdTime": 1, "lastUpdatedTime": 1} for i in items]
        return httpx.Response(200, json={"items": out, "deleted": []})

    cfg = config(limits=ConcurrencyLimits(read=2, write=2, delete=1))
    async with AsyncHTTPClient(cfg, transport=httpx.MockTransport(handler)) as http:
        client = AsyncOmniClient(http, instance_space=TEST_SPACE)
        result = await client.upsert([PrimitiveNullableWrite(external_id=f"x{i}") for i in range(5500)])
    assert len(result.created) == 5500
    assert state["requests"] == 6 and state["max"] == 2
