"""Resource APIs over httpx.MockTransport, sync and async: paging, batching, parameters, errors."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from _dms_fake import FakeDMS

from pygen.dms import (
    AsyncDMSClient,
    ContainerReference,
    DataModel,
    DataModelApply,
    DMSClient,
    Space,
    SpaceApply,
    SpaceReference,
    UnexpectedResponseError,
    View,
    ViewApply,
    ViewReference,
)
from pygen.transport import (
    AsyncHTTPClient,
    BadRequestError,
    ClientConfig,
    HTTPClient,
    RetryPolicy,
    ServerError,
    Token,
)

pytestmark = pytest.mark.anyio

CONFIG = ClientConfig("proj", Token("t"), base_url="https://test.cognitedata.com", retry=RetryPolicy(max_retries=0))


@pytest.fixture
def server() -> FakeDMS:
    return FakeDMS()


@pytest.fixture(params=["sync", "async"])
def client(request: pytest.FixtureRequest, server: FakeDMS) -> Iterator[DMSClient | AsyncDMSClient]:
    if request.param == "sync":
        with DMSClient(CONFIG, transport=httpx.MockTransport(server)) as sync_client:
            yield sync_client
    else:
        # MockTransport serves async clients too; closing is not needed for a mock transport.
        yield AsyncDMSClient(CONFIG, transport=httpx.MockTransport(server))


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def pages_of(iterator: Iterator[Any] | AsyncIterator[Any]) -> list[Any]:
    """Everything an iterator (pages or items), sync or async, yields."""
    if isinstance(iterator, AsyncIterator):
        return [page async for page in iterator]
    return list(iterator)


def seed_spaces(server: FakeDMS, count: int) -> None:
    for index in range(count):
        space = f"sp{index:04d}"
        server.store["spaces"][(space,)] = {"space": space, "isGlobal": False, "createdTime": 1, "lastUpdatedTime": 1}


def seed_views(server: FakeDMS, count: int, space: str = "s") -> list[ViewReference]:
    refs = []
    for index in range(count):
        ref = ViewReference(space, f"V{index}", "v1")
        server.store["views"][(space, ref.external_id, "v1")] = {**ref.as_id(), "properties": {}, "isGlobal": False}
        refs.append(ref)
    return refs


def gets(server: FakeDMS) -> list[httpx.QueryParams]:
    return [request.url.params for request in server.requests if request.method == "GET"]


async def test_list_follows_cursors_with_a_fixed_page_size(client: Any, server: FakeDMS) -> None:
    seed_spaces(server, 2500)
    spaces = await resolve(client.spaces.list())
    assert len(spaces) == 2500 and all(isinstance(space, Space) for space in spaces)
    assert [space.space for space in spaces[:2]] == ["sp0000", "sp0001"]
    params = gets(server)
    assert [p.get("cursor") for p in params] == [None, "1000", "2000"]
    assert {p["limit"] for p in params} == {"1000"}
    assert {p["includeGlobal"] for p in params} == {"false"}


async def test_list_stops_at_the_limit(client: Any, server: FakeDMS) -> None:
    seed_spaces(server, 2500)
    assert len(await resolve(client.spaces.list(limit=1500))) == 1500
    assert [p["limit"] for p in gets(server)] == ["1000", "1000"]
    server.requests.clear()
    assert len(await resolve(client.spaces.list(limit=5, include_global=True))) == 5
    assert [(p["limit"], p["includeGlobal"]) for p in gets(server)] == [("5", "true")]
    server.requests.clear()
    assert await resolve(client.spaces.list(limit=0)) == []
    assert server.requests == []


async def test_iterate_yields_every_item_page_by_page(client: Any, server: FakeDMS) -> None:
    seed_spaces(server, 5)
    spaces = await pages_of(client.spaces.iterate(page_size=2))
    assert [space.space for space in spaces] == [f"sp{index:04d}" for index in range(5)]
    assert [p.get("cursor") for p in gets(server)] == [None, "2", "4"]
    server.requests.clear()
    assert len(await pages_of(client.spaces.iterate(page_size=2, limit=3))) == 3
    assert [p["limit"] for p in gets(server)] == ["2", "2"]
    server.requests.clear()
    assert len(await resolve(client.spaces.list(limit=-1))) == 5  # -1 means all, as None does


async def test_pages_yields_pages_from_a_cursor(client: Any, server: FakeDMS) -> None:
    seed_spaces(server, 5)
    pages = await pages_of(client.spaces.pages(page_size=2))
    assert [len(page.items) for page in pages] == [2, 2, 1]
    assert [page.cursor for page in pages] == ["2", "4", None]
    server.requests.clear()
    rest = await pages_of(client.spaces.pages(page_size=2, cursor="2", limit=3))
    assert [[space.space for space in page.items] for page in rest] == [["sp0002", "sp0003"], ["sp0004"]]
    assert [p.get("cursor") for p in gets(server)] == ["2", "4"]


async def test_list_parameters_per_resource(client: Any, server: FakeDMS) -> None:
    await resolve(client.containers.list(space="s", used_for=["node", "edge"]))
    await resolve(client.views.list(space="s", all_versions=True, include_inherited_properties=False))
    await resolve(client.data_models.list(include_global=True, inline_views=True))
    containers, views, models = gets(server)
    assert containers.get_list("usedFor") == ["node", "edge"] and containers["space"] == "s"
    assert (views["allVersions"], views["includeInheritedProperties"], views["space"]) == ("true", "false", "s")
    assert (models["includeGlobal"], models["inlineViews"], models["allVersions"]) == ("true", "true", "false")
    assert "space" not in models


async def test_retrieve_batches_250_ids_into_3_requests(client: Any, server: FakeDMS) -> None:
    refs = seed_views(server, 250)
    views = await resolve(client.views.retrieve(refs, include_inherited_properties=False))
    assert [view.as_reference() for view in views] == refs
    posts = [r for r in server.requests if r.url.path.endswith("/models/views/byids")]
    assert [len(json.loads(r.content)["items"]) for r in posts] == [100, 100, 50]
    assert {r.url.params["includeInheritedProperties"] for r in posts} == {"false"}
    assert json.loads(posts[0].content)["items"][0] == {"space": "s", "externalId": "V0", "version": "v1"}


async def test_retrieve_accepts_single_ids_tuples_and_objects(client: Any, server: FakeDMS) -> None:
    seed_views(server, 2)
    server.store["views"][("s", "V0", "v2")] = {"space": "s", "externalId": "V0", "version": "v2", "properties": {}}
    assert len(await resolve(client.views.retrieve(("s", "V0")))) == 2  # all versions
    assert len(await resolve(client.views.retrieve(("s", "V1", "v1")))) == 1
    assert len(await resolve(client.views.retrieve([ViewReference("s", "V1", "v1"), ("s", "V0", "v2")]))) == 2
    view = View.load(server.store["views"][("s", "V1", "v1")])
    assert len(await resolve(client.views.retrieve(view))) == 1
    assert server.bodies("/byids")[0] == {"items": [{"space": "s", "externalId": "V0"}]}


async def test_retrieve_spaces_by_string(client: Any, server: FakeDMS) -> None:
    seed_spaces(server, 3)
    found = await resolve(client.spaces.retrieve("sp0001"))
    assert [space.space for space in found] == ["sp0001"]
    found = await resolve(client.spaces.retrieve(["sp0000", SpaceReference("sp0002"), "missing"]))
    assert [space.space for space in found] == ["sp0000", "sp0002"]


async def test_data_models_retrieve_with_inline_views(client: Any, server: FakeDMS) -> None:
    view = {"space": "s", "externalId": "Pump", "version": "v1", "properties": {}, "isGlobal": False}
    server.store["datamodels"][("s", "M", "1")] = {"space": "s", "externalId": "M", "version": "1", "views": [view]}
    (model,) = await resolve(client.data_models.retrieve(("s", "M", "1"), inline_views=True))
    assert isinstance(model, DataModel)
    assert [v.external_id for v in model.inline_views()] == ["Pump"]
    (request,) = server.requests
    assert request.url.params["inlineViews"] == "true"


async def test_apply_batches_and_returns_read_objects(client: Any, server: FakeDMS) -> None:
    items = [SpaceApply(space=f"sp{index}") for index in range(250)]
    applied = await resolve(client.spaces.apply(items))
    assert len(applied) == 250 and all(isinstance(space, Space) for space in applied)
    assert [len(body["items"]) for body in server.bodies("/models/spaces")] == [100, 100, 50]
    assert server.bodies("/models/spaces")[0]["items"][0] == {"space": "sp0"}
    single = await resolve(client.views.apply(ViewApply(space="s", external_id="V", version="1")))
    assert isinstance(single[0], View)
    model = DataModelApply(space="s", external_id="M", version="1", views=[ViewReference("s", "V", "1")])
    assert (await resolve(client.data_models.apply([model])))[0].view_references() == [ViewReference("s", "V", "1")]


async def test_apply_refuses_read_objects(client: Any, server: FakeDMS) -> None:
    with pytest.raises(TypeError, match=r"item 0 is a Space, expected SpaceApply \(use .as_write\(\)"):
        await resolve(client.spaces.apply([Space(space="s")]))
    assert server.requests == []


async def test_delete_batches_and_returns_ids(client: Any, server: FakeDMS) -> None:
    refs = seed_views(server, 250)
    deleted = await resolve(client.views.delete(refs))
    assert deleted == refs
    assert [len(body["items"]) for body in server.bodies("/delete")] == [100, 100, 50]
    seed_spaces(server, 1)
    assert await resolve(client.spaces.delete("sp0000")) == [SpaceReference("sp0000")]
    server.store["containers"][("s", "C")] = {"space": "s", "externalId": "C", "properties": {}}
    assert await resolve(client.containers.delete(("s", "C"))) == [ContainerReference("s", "C")]


async def test_delete_needs_full_ids(client: Any, server: FakeDMS) -> None:
    with pytest.raises(ValueError, match=r"views: \('s', 'V'\) is not a valid id; expected a reference or a tuple"):
        await resolve(client.views.delete(("s", "V")))
    with pytest.raises(ValueError, match="containers: 42 is not a valid id"):
        await resolve(client.containers.retrieve([42]))
    with pytest.raises(TypeError, match="ids must be an id or a sequence of ids"):
        await resolve(client.containers.retrieve(42))
    assert server.requests == []


async def test_api_errors_propagate(client: Any, server: FakeDMS) -> None:
    message = "One or more spaces do not exist"
    server.fail_with = httpx.Response(400, json={"error": {"code": 400, "message": message}})
    with pytest.raises(BadRequestError, match=message):
        await resolve(client.views.apply(ViewApply(space="nope", external_id="V", version="1")))
    server.fail_with = httpx.Response(503, json={"error": {"code": 503, "message": "down"}})
    with pytest.raises(ServerError):
        await resolve(client.spaces.list())


async def test_an_error_in_a_later_batch_stops_there(client: Any, server: FakeDMS) -> None:
    calls = 0
    inner = server.__call__

    def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 2:
            return httpx.Response(409, json={"error": {"code": 409, "message": "conflict"}})
        return inner(request)

    transport = httpx.MockTransport(flaky)
    other: Any = (
        DMSClient(CONFIG, transport=transport)
        if isinstance(client, DMSClient)
        else AsyncDMSClient(CONFIG, transport=transport)
    )
    with pytest.raises(Exception, match="conflict"):
        await resolve(other.spaces.apply([SpaceApply(space=f"sp{index}") for index in range(250)]))
    assert calls == 2
    assert len(server.store["spaces"]) == 100


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"not json", "the response is not JSON"),
        (b'{"data": []}', "expected an object with an 'items' list"),
        (b'{"items": [{"space": 1}]}', r"items\[0\] is not a valid Space"),
    ],
)
async def test_unexpected_responses(client: Any, server: FakeDMS, body: bytes, fragment: str) -> None:
    server.fail_with = httpx.Response(200, content=body)
    with pytest.raises(UnexpectedResponseError, match=fragment):
        await resolve(client.spaces.list())


def test_dms_client_shares_an_existing_http_client(server: FakeDMS) -> None:
    http = HTTPClient(CONFIG, transport=httpx.MockTransport(server))
    with DMSClient(http) as client:
        assert client.http is http
        client.spaces.list()
    http.get("/models/spaces")  # still open: the DMSClient did not own it
    http.close()
    with pytest.raises(ValueError, match="transport= only applies"):
        DMSClient(http, transport=httpx.MockTransport(server))
    with pytest.raises(TypeError, match="DMSClient needs a ClientConfig or an HTTPClient"):
        DMSClient("proj")  # type: ignore[arg-type]


async def test_async_dms_client_shares_an_existing_http_client(server: FakeDMS) -> None:
    http = AsyncHTTPClient(CONFIG, transport=httpx.MockTransport(server))
    async with AsyncDMSClient(http) as client:
        assert client.http is http
        await client.spaces.list()
    await http.get("/models/spaces")
    await http.aclose()
    async with AsyncDMSClient(CONFIG, transport=httpx.MockTransport(server)) as owned:
        await owned.views.list()
    with HTTPClient(CONFIG) as sync_http, pytest.raises(TypeError, match="needs a ClientConfig or an AsyncHTTPClient"):
        AsyncDMSClient(sync_http)  # type: ignore[arg-type]
