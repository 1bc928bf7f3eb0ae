"""Graph queries (``api.query(...).follow(...)``) of generated SDKs against the emulator.

Every query answer is compared with the same answer worked out from plain ``list`` calls. Two
models: CogniteCore (direct relations, reverse relations through single and list properties) and
Omni (edge connections with and without edge properties). Expression names in request bodies are
``s0`` (the root), ``s1``, ... in the order the hops were added. On a CDF target (tests/sdk_target.py)
the SDKs come from the run's copies of the models, deployed there.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _emit_support import load_model
from sdk_target import Deployment, on_target, sdk_ahttp, sdk_http, space
from testdata import MODELS_DIR

from pygen.emulator import EmulatorSettings
from pygen.generator import load_sdk
from pygen.instances import NodeId, PropertyNotFetchedError, unfetched_properties
from pygen.transport import ClientConfig, Token

TOKEN = "graph-test-token"
SPACE = space("sp_test")
CORE = space("cdf_cdm")


def _config() -> ClientConfig:
    return ClientConfig("graph-test", Token(TOKEN), base_url="http://emulator")


def _settings(model: str) -> EmulatorSettings:
    return EmulatorSettings(token=TOKEN, model_files=[MODELS_DIR / f"{model}.json"])


class _Counting(httpx.BaseTransport):
    """Keeps the bodies of query requests, passing every request on to the transport it wraps."""

    def __init__(self) -> None:
        self.queries: list[dict[str, Any]] = []
        self.inner = httpx.BaseTransport()

    def around(self, inner: httpx.BaseTransport) -> _Counting:
        self.inner = inner
        return self

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models/instances/query"):
            self.queries.append(json.loads(request.content))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="module")
def core_sdk() -> types.ModuleType:
    return load_sdk([on_target(load_model("CogniteCore"))], package="core_graph")


@pytest.fixture(scope="module")
def omni_sdk() -> types.ModuleType:
    return load_sdk([on_target(load_model("Omni"))], package="omni_graph")


def _client(
    run: Deployment | None, sdk: types.ModuleType, client_class: str, model: str
) -> Iterator[tuple[Any, _Counting]]:
    counting = _Counting()
    with sdk_http(run, _config(), _settings(model), [SPACE], wrap=counting.around) as http:
        yield getattr(sdk, client_class)(http, instance_space=SPACE), counting


@pytest.fixture
def core_t(core_sdk: types.ModuleType, cdf_run: Deployment | None) -> Iterator[tuple[Any, _Counting]]:
    yield from _client(cdf_run, core_sdk, "CogniteCoreClient", "CogniteCore")


@pytest.fixture
def omni_t(omni_sdk: types.ModuleType, cdf_run: Deployment | None) -> Iterator[tuple[Any, _Counting]]:
    yield from _client(cdf_run, omni_sdk, "OmniClient", "Omni")


def _ids(items: Any) -> list[str]:
    return sorted(item.external_id for item in items)


# ---------------------------------------------------------------------------------------------- CogniteCore


def _plant(sdk: types.ModuleType, client: Any) -> None:
    """Three roots (P-1, P-2, Q-1), four children each (pumps and valves), two grandchildren per child;
    one equipment per child; two time series per child, pointing at the child and its root (a list)
    and at the child's equipment (a list)."""
    asset, equipment, series = sdk.CogniteAssetWrite, sdk.CogniteEquipmentWrite, sdk.CogniteTimeSeriesWrite
    items: list[Any] = []
    for root in ("P-1", "P-2", "Q-1"):
        items.append(asset(external_id=root, name=f"root {root}", description=f"root {root}"))
        for i in range(4):
            child = f"{root}.{'pump' if i % 2 == 0 else 'valve'}{i}"
            items.append(asset(external_id=child, name=child, parent=root, description="child"))
            items.append(equipment(external_id=f"eq:{child}", name=f"eq {child}", asset=child))
            for g in range(2):
                items.append(asset(external_id=f"{child}.g{g}", name=f"g {child} {g}", parent=child))
            for t in range(2):
                items.append(
                    series(
                        external_id=f"ts:{child}:{t}",
                        name=f"{'flow' if t == 0 else 'temp'} {child}",
                        type_="numeric",
                        assets=[child, root],
                        equipment=[f"eq:{child}"],
                    )
                )
    client.upsert(items)


def _children(api: Any, parent: str, **filters: Any) -> list[str]:
    return _ids(api.list(parent=NodeId(SPACE, parent), limit=-1, **filters))


def test_one_hop_reverse_relation_with_filters_matches_list(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, transport = core_t
    _plant(core_sdk, core)
    f = core.cognite_asset.fields
    query = core.cognite_asset.query(name_prefix="root P", limit=None).follow(
        lambda a: a.children, filter=f.name.prefix("P-1.pump") | f.name.prefix("P-2.valve")
    )
    roots = query.list()
    assert _ids(roots) == _ids(core.cognite_asset.list(name_prefix="root P", limit=-1)) == ["P-1", "P-2"]
    for root in roots:
        wanted = sorted(
            set(_children(core.cognite_asset, root.external_id, name_prefix="P-1.pump"))
            | set(_children(core.cognite_asset, root.external_id, name_prefix="P-2.valve"))
        )
        assert _ids(root.children) == wanted and wanted
        assert all(child.parent == root.id for child in root.children)
    assert len(transport.queries) == 1  # both steps in one request
    body = transport.queries[0]
    assert body["with"]["s1"]["nodes"]["through"]["identifier"] == "parent"
    assert body["with"]["s1"]["nodes"]["direction"] == "inwards"
    assert {"hasData": [{"type": "view", "space": CORE, "externalId": "CogniteAsset", "version": "v1"}]} in (
        body["with"]["s1"]["nodes"]["filter"]["and"]
    )
    assert _ids(query.flat()) == ["P-1.pump0", "P-1.pump2", "P-2.valve1", "P-2.valve3"]


def test_two_hops_through_a_list_relation_matches_list(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, transport = core_t
    _plant(core_sdk, core)
    ts_fields = core.cognite_time_series.fields
    query = (
        core.cognite_asset.query(external_id=["P-1", "Q-1"])
        .follow(lambda a: a.children, filter=core.cognite_asset.fields.name.prefix("P-1.p"))
        .follow(lambda c: c.time_series, filter=ts_fields.name.prefix("flow"))
    )
    result = query.execute()
    by_id = {root.external_id: root for root in result.roots}
    assert sorted(by_id) == ["P-1", "Q-1"]
    assert by_id["Q-1"].children == []  # Q-1's children do not match the hop's filter
    for child in by_id["P-1"].children:
        expected = _ids(core.cognite_time_series.list(assets=[child.id], name_prefix="flow", limit=-1))
        assert _ids(child.time_series) == expected == [f"ts:{child.external_id}:0"]
    assert _ids(result[query]) == ["ts:P-1.pump0:0", "ts:P-1.pump2:0"]
    # The reverse of CogniteTimeSeries.assets (a list) cannot be chained in a query: a second request
    # finds the time series with containsAny on the children's ids.
    assert len(transport.queries) == result.requests == 2
    stage = transport.queries[1]["with"]["s2"]["nodes"]["filter"]["and"]
    contains = next(part["containsAny"] for part in stage if "containsAny" in part)
    assert contains["property"] == [CORE, "CogniteTimeSeries/v1", "assets"]
    assert sorted(value["externalId"] for value in contains["values"]) == ["P-1.pump0", "P-1.pump2"]


def test_three_hops_direct_reverse_and_list_relations_match_list(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, _ = core_t
    _plant(core_sdk, core)
    assets, equipment_api = core.cognite_asset, core.cognite_equipment
    # grandchild -> parent (direct) -> equipment (reverse, single property) -> time_series (reverse, list)
    query = (
        assets.query(name_prefix="g P-2", limit=None)
        .follow(lambda g: g.parent)
        .follow(lambda c: c.equipment, filter=equipment_api.fields.name.prefix("eq P-2.pump"))
        .follow(lambda e: e.time_series, limit=3)
    )
    result = query.execute()
    grandchildren = result.roots
    assert _ids(grandchildren) == _ids(assets.list(name_prefix="g P-2", limit=-1)) and len(grandchildren) == 8
    reached = result[query]
    assert len(reached) == 3  # the hop's limit counts over the whole query
    for g in grandchildren:
        parent = g.parent
        assert parent.external_id == assets.retrieve(g.external_id).parent.external_id
        expected_eq = _ids(equipment_api.list(asset=parent.id, name_prefix="eq P-2.pump", limit=-1))
        assert _ids(parent.equipment) == expected_eq
        for eq in parent.equipment:
            assert all(eq.id in ts.equipment for ts in eq.time_series)
            assert {ts.external_id for ts in eq.time_series} <= set(
                _ids(core.cognite_time_series.list(equipment=[eq.id], limit=-1))
            )
    # the same node reached twice is one object: both grandchildren of a child hold the same parent
    parents = {}
    for g in grandchildren:
        assert parents.setdefault(g.parent.external_id, g.parent) is g.parent


def test_limits_and_sort_at_each_hop(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, transport = core_t
    _plant(core_sdk, core)
    f = core.cognite_asset.fields
    query = (
        core.cognite_asset.query(name_prefix="root P", sort=f.name.desc(), limit=1)
        .follow(lambda a: a.children, sort=f.name.desc(), limit=3)
        .follow(lambda c: c.children, limit=2)
    )
    roots = query.list()
    assert _ids(roots) == ["P-2"]
    assert [c.external_id for c in roots[0].children] == ["P-2.valve3", "P-2.valve1", "P-2.pump2"]
    assert sum(len(c.children) for c in roots[0].children) == 2
    body = transport.queries[0]["with"]
    assert body["s0"]["limit"] == 1 and body["s1"]["limit"] == 3 and body["s2"]["limit"] == 2
    assert body["s1"]["sort"] == [{"property": [CORE, "CogniteAsset/v1", "name"], "direction": "descending"}]


def test_property_subsets(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, transport = core_t
    _plant(core_sdk, core)
    api = core.cognite_asset
    f = api.fields
    query = api.query(external_id="P-1", properties=[f.name]).follow(lambda a: a.children, properties=["name"])
    (root,) = query.list()
    assert transport.queries[0]["select"]["s0"]["sources"][0]["properties"] == ["name"]
    assert root.name == "root P-1"
    with pytest.raises(PropertyNotFetchedError, match=rf"CogniteAsset.description was not read: node {SPACE}:P-1"):
        _ = root.description
    assert "description" in unfetched_properties(root) and "name" not in unfetched_properties(root)
    assert getattr(root, "description", "absent") == "absent"  # an AttributeError: getattr defaults work
    # the reverse hop reads the pointer it needs besides the subset
    assert sorted(transport.queries[0]["select"]["s1"]["sources"][0]["properties"]) == ["name", "parent"]
    assert all(child.name.startswith("P-1.") for child in root.children)
    assert "description" not in root.dump()["properties"][CORE]["CogniteAsset/v1"]
    # written back: a patch of what was read, never a replacement
    write = root.as_write()
    write.name = "renamed"
    with pytest.raises(ValueError, match=rf"CogniteAssetWrite {SPACE}:P-1 comes from an object read with a subset"):
        core.upsert(write, replace=True)
    core.upsert(write)
    after = api.retrieve("P-1")
    assert after.name == "renamed" and after.description == "root P-1"
    # list, retrieve, iterate and page take properties too
    listed = api.list(name_prefix="P-1.", properties=["name", "parent"], limit=-1)
    assert _ids(listed) == _children(api, "P-1") and all(a.parent == NodeId(SPACE, "P-1") for a in listed)
    with pytest.raises(PropertyNotFetchedError):
        _ = listed[0].description
    got = api.retrieve(["P-2", "nope", "Q-1"], properties=["description"])
    assert [a.external_id for a in got] == ["P-2", "Q-1"] and got.missing == [NodeId(SPACE, "nope")]
    assert got[0].description == "root P-2"
    with pytest.raises(PropertyNotFetchedError):
        _ = got[0].name
    single = api.retrieve("Q-1", properties=["name"], connections=["children"])
    assert single.name == "root Q-1" and _ids(single.children) == _children(api, "Q-1")
    names = [a.name for a in api.iterate(name_prefix="g P-1", properties=["name"], page_size=3)]
    assert sorted(names) == sorted(a.name for a in api.list(name_prefix="g P-1", limit=-1)) and len(names) == 8
    first = api.page(name_prefix="g ", properties=["name"], page_size=5, sort=f.name.asc())
    second = api.page(name_prefix="g ", properties=["name"], page_size=5, sort=f.name.asc(), cursor=first.cursor)
    everything = [a.name for a in api.list(name_prefix="g ", sort=f.name.asc(), limit=10)]
    assert [a.name for a in [*first.items, *second.items]] == everything
    with pytest.raises(ValueError, match=r"CogniteAssetAPI.query: CogniteAsset has no property 'nmae'; its properties"):
        api.query(properties=["nmae"])


def test_identifier_mode(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, transport = core_t
    _plant(core_sdk, core)
    (root,) = core.cognite_asset.query(external_id="P-1").follow(lambda a: a.children, properties=[]).list()
    assert transport.queries[0]["select"]["s1"] == {
        "sources": [
            {
                "source": {"type": "view", "space": CORE, "externalId": "CogniteAsset", "version": "v1"},
                "properties": ["parent"],
            }
        ]
    }
    assert _ids(root.children) == _children(core.cognite_asset, "P-1")
    with pytest.raises(PropertyNotFetchedError):
        _ = root.children[0].name
    # Direct relations read with no properties: a query of ids and the relation itself.
    (child,) = core.cognite_asset.query(external_id="P-1.pump0").follow(lambda c: c.parent, properties=[]).list()
    assert child.parent.external_id == "P-1" and unfetched_properties(child.parent) >= {"name", "description"}
    assert transport.queries[-1]["select"]["s1"] == {}


@pytest.mark.once  # 10,050 nodes, Python-independent paging; tests/instances/test_instances_query.py pages on each
def test_paging_across_hops(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    """10,050 nodes at the first hop (more than one query returns), grandchildren under some of them."""
    core, transport = core_t
    asset = core_sdk.CogniteAssetWrite
    items = [asset(external_id="big", name="big"), asset(external_id="small", name="small")]
    items += [asset(external_id=f"c{i:05d}", name=f"c{i:05d}", parent="big") for i in range(10_050)]
    items += [asset(external_id="c-small", name="c-small", parent="small")]
    items += [asset(external_id=f"g{i:05d}", name="g", parent=f"c{i:05d}") for i in range(0, 10_050, 50)]
    core.upsert(items)
    query = (
        core.cognite_asset.query(external_id=["big", "small"])
        .follow(lambda a: a.children, properties=["name"])
        .follow(lambda c: c.children, properties=["name"])
    )
    result = query.execute()
    by_id = {root.external_id: root for root in result.roots}
    assert len(by_id["big"].children) == 10_050 and _ids(by_id["small"].children) == ["c-small"]
    assert len(result[query]) == 201
    with_grandchild = {c.external_id: c.children for c in by_id["big"].children if c.children}
    assert len(with_grandchild) == 201
    assert all(kids[0].external_id == "g" + xid[1:] for xid, kids in with_grandchild.items())
    # the children expression was continued with its cursor (the root held on its page)
    continued = [q for q in transport.queries if "cursors" in q]
    assert continued and all(set(q["cursors"]) == {"s1"} for q in continued)
    # iterate: a page of roots at a time (three pages)
    roots = list(
        core.cognite_asset.query(name_prefix="c001", limit=None).follow(lambda a: a.children).iterate(page_size=40)
    )
    assert len(roots) == 100 and sum(len(r.children) for r in roots) == 2


def test_query_errors_name_the_step(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, _ = core_t
    query = core.cognite_asset.query()
    with pytest.raises(
        ValueError,
        match=r"CogniteAsset -> name: CogniteAsset.name is not a connection; its connections: activities, asset_class",
    ):
        query.follow(lambda a: a.name)
    with pytest.raises(TypeError, match=r"returns one connection field, like lambda a: a.children; it returned"):
        query.follow(lambda a: 3)
    with pytest.raises(TypeError, match=r"only names one connection field.*TypeError"):
        query.follow(lambda a: a.children[0])
    with pytest.raises(ValueError, match=r"limit must be a positive integer, or -1/None for all, got 0"):
        query.follow(lambda a: a.children, limit=0)
    with pytest.raises(ValueError, match=r"CogniteAssetAPI.query: limit must be a positive integer"):
        core.cognite_asset.query(limit=0)
    with pytest.raises(ValueError, match=r"CogniteAsset -> children: CogniteAsset has no property 'nope'"):
        query.follow(lambda a: a.children, properties=["nope"])
    with pytest.raises(TypeError, match=r"properties takes a list \(properties=\[...\]\), got 'name'"):
        core.cognite_asset.list(properties="name")
    with pytest.raises(TypeError, match=r"filter must be a Filter"):
        query.follow(lambda a: a.children, filter="name = 'x'")
    other = core.cognite_asset.query().follow(lambda a: a.children)
    with pytest.raises(ValueError, match=r"include: CogniteAsset -> children does not start at the root"):
        query.include(other)
    with pytest.raises(KeyError, match=r"CogniteAsset -> children is not a hop of this query"):
        query.execute()[other]
    with pytest.raises(TypeError, match=r"CogniteAssetAPI.query\(\) got an unknown keyword 'nam'|nam"):
        core.cognite_asset.query(nam="x")


def test_include_reads_branches_together(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, transport = core_t
    _plant(core_sdk, core)
    root = core.cognite_asset.query(external_id="P-2")
    children = root.follow(lambda a: a.children)
    equipment = children.follow(lambda c: c.equipment)
    grandchildren = children.follow(lambda c: c.children)
    result = equipment.include(grandchildren).execute()
    (p2,) = result.roots
    assert _ids(result[children]) == _children(core.cognite_asset, "P-2")
    assert len(result[equipment]) == 4 and len(result[grandchildren]) == 8
    assert all(len(c.equipment) == 1 and len(c.children) == 2 for c in p2.children)
    assert len(transport.queries) == 1


def test_connections_keyword_of_query(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, _ = core_t
    _plant(core_sdk, core)
    (root,) = core.cognite_asset.query(external_id="P-1", connections=["children", "time_series"]).list()
    assert _ids(root.children) == _children(core.cognite_asset, "P-1")
    assert len(root.time_series) == 8


@pytest.mark.anyio
async def test_async_query(core_sdk: Any, cdf_run: Deployment | None) -> None:
    async with sdk_ahttp(cdf_run, _config(), _settings("CogniteCore"), [SPACE]) as http:
        sync_items: list[Any] = []
        asset = core_sdk.CogniteAssetWrite
        sync_items = [asset(external_id="r", name="r")] + [
            asset(external_id=f"k{i}", name=f"k{i}", parent="r") for i in range(5)
        ]
        client = core_sdk.AsyncCogniteCoreClient(http, instance_space=SPACE)
        await client.upsert(sync_items)
        query = client.cognite_asset.query(external_id="r").follow(lambda a: a.children, limit=4)
        (root,) = await query.list()
        assert len(root.children) == 4
        assert len(await query.flat()) == 4
        result = await query.execute()
        assert result.requests == 1 and len(result[query]) == 4
        seen = [
            r.external_id async for r in client.cognite_asset.query(name_prefix="k", limit=None).iterate(page_size=2)
        ]
        assert sorted(seen) == [f"k{i}" for i in range(5)]
        listed = await client.cognite_asset.list(name_prefix="k", properties=["name"], limit=-1)
        assert len(listed) == 5 and all(unfetched_properties(a) for a in listed)


# ---------------------------------------------------------------------------------------------- Omni (edges)


def _edges_graph(sdk: types.ModuleType, client: Any) -> None:
    """F nodes with ConnectionEdgeA edges (edge properties) to G nodes; A -> B edges without an edge class."""
    F, G = sdk.ConnectionItemFWrite, sdk.ConnectionItemGWrite
    edge = sdk.ConnectionEdgeAToConnectionItemGWrite
    gs = [G(external_id=f"g{i}", name=f"g{i}") for i in range(4)]
    items: list[Any] = list(gs)
    for i in range(3):
        items.append(
            F(
                external_id=f"f{i}",
                name=f"f{i}",
                outwards_multi=[
                    edge(external_id=f"f{i}-g{j}", end_node=f"g{j}", name=f"{'keep' if j % 2 == 0 else 'drop'} {i}{j}")
                    for j in range(4)
                    if (i + j) % 3 != 0
                ],
            )
        )
    A, B = sdk.ConnectionItemAWrite, sdk.ConnectionItemBWrite
    bs = [B(external_id=f"b{i}", name=f"b{i}") for i in range(4)]
    items += bs
    items += [A(external_id="a0", name="a0", outwards=bs[:3]), A(external_id="a1", name="a1", outwards=bs[2:])]
    items += [
        B(external_id="b0", name="b0", self_edge=[bs[1], bs[2]]),
        B(external_id="b1", name="b1", self_edge=[bs[3]]),
    ]
    client.upsert(items)


def test_edges_with_properties_four_hops_match_list(omni_t: tuple[Any, _Counting], omni_sdk: Any) -> None:
    omni, transport = omni_t
    _edges_graph(omni_sdk, omni)
    edge_fields = omni_sdk.ConnectionEdgeAFields
    g_fields = omni.connection_item_g.fields
    edges = omni.connection_item_f.query(name_prefix="f", limit=None).follow(
        lambda f: f.outwards_multi, filter=edge_fields.name.prefix("keep")
    )
    ends = edges.follow(lambda e: e.end_node, filter=g_fields.name.in_(["g0", "g2"]))
    back = ends.follow(lambda g: g.inwards_multi_property).follow(lambda e: e.start_node, properties=["name"])
    result = back.execute()
    assert result.requests == 1
    all_edges = omni.connection_item_f.list(name_prefix="f", limit=-1, connections=["outwards_multi"])
    for f in result.roots:
        expected = next(x for x in all_edges if x.external_id == f.external_id)
        kept = [e for e in expected.outwards_multi if e.name.startswith("keep")]
        assert _ids(f.outwards_multi) == _ids(kept)
        for e in f.outwards_multi:
            assert e.end_node.external_id in ("g0", "g2") and e.end_node.name == e.end_node.external_id
            # every F edge into that G, each with its start node (read with a subset)
            into = sorted(e2.start_node.external_id for e2 in e.end_node.inwards_multi_property)
            pointing = sorted(
                x.external_id
                for x in all_edges
                if any(y.end_node.external_id == e.end_node.external_id for y in x.outwards_multi)
            )
            assert into == pointing
    assert _ids(result[ends]) == ["g0", "g2"]
    body = transport.queries[0]["with"]
    assert body["s1"]["edges"]["direction"] == "outwards" and body["s2"]["nodes"]["chainTo"] == "destination"
    assert body["s3"]["edges"]["direction"] == "inwards" and body["s4"]["nodes"]["chainTo"] == "destination"


def test_edges_without_edge_class_three_hops(omni_t: tuple[Any, _Counting], omni_sdk: Any) -> None:
    omni, _ = omni_t
    _edges_graph(omni_sdk, omni)
    query = (
        omni.connection_item_a.query(name_prefix="a", limit=None)
        .follow(lambda a: a.outwards)
        .follow(lambda b: b.self_edge)
        .follow(lambda b: b.self_edge)
    )
    by_id = {a.external_id: a for a in query.list()}
    assert _ids(by_id["a0"].outwards) == ["b0", "b1", "b2"] and _ids(by_id["a1"].outwards) == ["b2", "b3"]
    b0 = next(b for b in by_id["a0"].outwards if b.external_id == "b0")
    assert _ids(b0.self_edge) == ["b1", "b2"]
    b1 = next(b for b in b0.self_edge if b.external_id == "b1")
    assert _ids(b1.self_edge) == ["b3"]
    plain = omni.connection_item_b.retrieve("b0", connections=["self_edge"])
    assert _ids(plain.self_edge) == _ids(b0.self_edge)


def test_edge_api_of_one_connection(omni_t: tuple[Any, _Counting], omni_sdk: Any) -> None:
    omni, _ = omni_t
    _edges_graph(omni_sdk, omni)
    omni.upsert(
        omni_sdk.ConnectionItemFWrite(
            external_id="f9",
            name="f9",
            outwards_single=omni_sdk.ConnectionEdgeAToConnectionItemEWrite(
                external_id="f9-e", end_node=omni_sdk.ConnectionItemEWrite(external_id="e9"), name="keep single"
            ),
        )
    )
    edges_api = omni.connection_item_f.outwards_multi_edges
    kept = edges_api.list(name_prefix="keep", limit=-1)
    every = omni.connection_item_f.list(limit=-1, connections=["outwards_multi"])
    expected = [e for f in every for e in f.outwards_multi or [] if e.name.startswith("keep")]
    assert _ids(kept) == _ids(expected) and kept
    assert all(type(e).__name__ == "ConnectionEdgeAToConnectionItemG" for e in kept)
    assert "f9-e" not in _ids(edges_api.list(limit=-1))  # another connection's edge type
    assert _ids(omni.connection_item_f.outwards_single_edges.list(limit=-1)) == ["f9-e"]
    assert edges_api.count() == len(expected) + len([e for f in every for e in f.outwards_multi or []]) - len(expected)
    start = omni_sdk.ConnectionEdgeAFields.start_node
    assert _ids(edges_api.list(filter=start.in_(["f1"]), limit=-1)) == _ids(
        next(f for f in every if f.external_id == "f1").outwards_multi
    )
    assert omni.connection_item_f.outwards_multi_edges is edges_api  # built once per API object


def _asset_row(xid: str, parent: str | None) -> dict[str, Any]:
    props: dict[str, Any] = {"name": xid}
    if parent is not None:
        props["parent"] = {"space": SPACE, "externalId": parent}
    return {
        "instanceType": "node",
        "space": SPACE,
        "externalId": xid,
        "version": 1,
        "createdTime": 0,
        "lastUpdatedTime": 0,
        "properties": {CORE: {"CogniteAsset/v1": props}},
    }


def test_a_continued_expression_keeps_the_expressions_above_it_on_their_page(
    core_sdk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scripted answers: children (hop limit 15) and grandchildren both fill their first page (a query
    returns 10 rows per expression here, 10,000 in CDF).

    The children are continued first (5 more: all the hop asked for); then the grandchildren of the
    first page of children are continued, and that request must hold the children on the page the
    grandchildren came from: same limit (10), no cursor, even though the children hop is done.
    """
    from pygen.instances import _graph
    from pygen.instances._graph import Post, Run, Step

    monkeypatch.setattr(_graph, "MAX_QUERY_LIMIT", 10)
    root = Step("root", core_sdk.CogniteAsset, limit=1)
    children = root.follow("children", limit=15)
    grandchildren = children.follow("children")
    run = Run(root, [grandchildren], space=SPACE, validate=True, page_size=1, limit=1)
    first_children = [f"c{i}" for i in range(10)]
    answers = {
        None: {  # the first request: both sets full
            "s0": [_asset_row("r", None)],
            "s1": [_asset_row(c, "r") for c in first_children],
            "s2": [_asset_row(f"g{i}", first_children[i]) for i in range(10)],
            "next": {"s1": "c-more", "s2": "g-more"},
        },
        "s1": {  # the rest of the children, and their grandchildren
            "s1": [_asset_row(f"d{i}", "r") for i in range(5)],
            "s2": [_asset_row("h0", "d0")],
            "next": {},
        },
        "s2": {  # the rest of the grandchildren of the first page of children
            "s1": [_asset_row(c, "r") for c in first_children],
            "s2": [_asset_row(f"g{i}", first_children[i - 10]) for i in range(10, 13)],
            "next": {},
        },
    }
    bodies: list[dict[str, Any]] = []
    events = run.pages()
    event = next(events)
    try:
        while True:
            if isinstance(event, Post):
                bodies.append(event.body)
                cursors = event.body.get("cursors", {})
                continued = next((name for name in ("s2", "s1") if name in cursors), None)
                answer = answers[continued]
                items = {name: rows for name, rows in answer.items() if name != "next" and name in event.body["select"]}
                event = events.send(json.dumps({"items": items, "nextCursor": answer["next"]}).encode())
            else:
                event = next(events)
    except StopIteration:
        pass
    assert [body.get("cursors") for body in bodies] == [None, {"s1": "c-more"}, {"s2": "g-more"}]
    third = bodies[2]["with"]
    assert third["s1"]["limit"] == 10 and third["s2"]["limit"] == 10  # held with the limit it was read with
    assert bodies[1]["with"]["s1"]["limit"] == 5  # what the hop still asked for
    assert sorted(bodies[2]["select"]) == ["s2"]  # the held children place the grandchildren; not read again
    assert len(run.rows[children]) == 15 and len(run.rows[grandchildren]) == 14
    (r,) = run.rows[root].values()
    assert len(r.children) == 15


def test_a_hop_limit_counts_distinct_objects_over_root_pages(core_t: tuple[Any, _Counting], core_sdk: Any) -> None:
    core, _ = core_t
    asset, series = core_sdk.CogniteAssetWrite, core_sdk.CogniteTimeSeriesWrite
    roots = [asset(external_id=f"r{i}", name=f"r{i}") for i in range(2)]
    shared = [series(external_id=f"t{i}", name=f"t{i}", type_="numeric", assets=["r0", "r1"]) for i in range(3)]
    core.upsert([*roots, *shared])
    query = core.cognite_asset.query(name_prefix="r", limit=None).follow(lambda a: a.time_series, limit=4)
    # One root per page: the second page reaches the same three time series, which count once.
    assert [len(root.time_series) for root in query.iterate(page_size=1)] == [3, 3]
    assert [len(root.time_series) for root in query.list()] == [3, 3]
