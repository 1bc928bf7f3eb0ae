"""Search, aggregates, histograms, target units and connections (one hop) against the emulator."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest
from _instances_support import MODEL_SPACE, TEST_SPACE, config
from omni_sdk import (
    ConnectionEdgeA,
    ConnectionEdgeAToG,
    ConnectionEdgeAWrite,
    ConnectionItemA,
    ConnectionItemAWrite,
    ConnectionItemB,
    ConnectionItemBWrite,
    ConnectionItemD,
    ConnectionItemDFields,
    ConnectionItemDWrite,
    ConnectionItemE,
    ConnectionItemEWrite,
    ConnectionItemF,
    ConnectionItemFWrite,
    ConnectionItemG,
    ConnectionItemGWrite,
    OmniClient,
    PrimitiveNullableFields,
    PrimitiveNullableWrite,
)

from pygen.instances import EdgeFields, EdgeId, InstanceAPI, InstanceValidationError, NodeId, NodeWrite
from pygen.transport import HTTPClient

F = PrimitiveNullableFields
UTC = timezone.utc


@pytest.fixture
def seeded(omni: OmniClient) -> OmniClient:
    words = ["red pump", "blue pump", "red valve", "green valve", "red pipe"]
    omni.upsert(
        [
            PrimitiveNullableWrite(external_id=f"s{i}", text=word, int32=i * 10, float64=i + 0.5, boolean=i % 2 == 0)
            for i, word in enumerate(words)
        ]
    )
    return omni


def test_search(seeded: OmniClient) -> None:
    api = seeded.primitive_nullable
    in_space = F.space.equals(TEST_SPACE)
    red = api.search("red", filter=in_space)
    assert sorted(i.external_id for i in red) == ["s0", "s2", "s4"]
    both = api.search("red pump", operator="AND", filter=in_space)
    assert [i.external_id for i in both] == ["s0"]
    either = api.search("red pump", operator="OR", properties=[F.text], filter=in_space, limit=10)
    assert sorted(i.external_id for i in either) == ["s0", "s1", "s2", "s4"]
    assert len(api.search(filter=in_space, limit=2)) == 2
    with pytest.raises(ValueError, match="operator"):
        api.search("x", operator="XOR")  # type: ignore[arg-type]


def test_aggregates(seeded: OmniClient) -> None:
    api = seeded.primitive_nullable
    in_space = F.space.equals(TEST_SPACE)
    assert api.count(filter=in_space) == 5
    assert api.count(filter=in_space & F.text.prefix("red")) == 3
    with_text = api.count(filter=in_space & F.text.exists())
    assert 0 < with_text == api.count(F.text, filter=in_space) == api.count(property="text", filter=in_space)
    assert api.sum(F.int32, filter=in_space) == 100
    assert api.avg(F.float64, filter=in_space) == pytest.approx(2.5)
    assert api.min(F.int32, filter=in_space) == 0
    assert api.max("int32", filter=in_space) == 40
    groups = api.aggregate(("count", "externalId"), ("sum", F.int32), group_by=[F.boolean], filter=in_space)
    by_group = {g.group["boolean"]: g.values for g in groups}
    assert by_group == {True: {"count:externalId": 3, "sum:int32": 60}, False: {"count:externalId": 2, "sum:int32": 40}}
    buckets = api.histogram(F.int32, 20, filter=in_space)
    assert [(b.start, b.count) for b in buckets] == [(0, 2), (20, 2), (40, 1)]


def test_target_units_and_search_body_shapes() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={"items": []})

    with HTTPClient(config(), transport=httpx.MockTransport(handler)) as http:
        omni = OmniClient(http, instance_space=TEST_SPACE)
        omni.primitive_nullable.list(target_units={"float64": "temperature:deg_c"}, limit=3)
        omni.primitive_nullable.search("x", target_units={"float64": "temperature:deg_c"})
    assert seen[0]["sources"] == [
        {
            "source": {"type": "view", "space": MODEL_SPACE, "externalId": "PrimitiveNullable", "version": "1"},
            "targetUnits": [{"property": "float64", "unit": {"externalId": "temperature:deg_c"}}],
        }
    ]
    assert seen[0]["limit"] == 3
    assert seen[1]["targetUnits"] == [{"property": "float64", "unit": {"externalId": "temperature:deg_c"}}]
    assert seen[1]["operator"] == "AND"


def _graph() -> list[NodeWrite]:
    e1 = ConnectionItemEWrite(external_id="e1", name="E one")
    e2 = ConnectionItemEWrite(external_id="e2", name="E two")
    d1 = ConnectionItemDWrite(
        external_id="d1", name="D one", direct_single=e1, direct_multi=[e1, e2], outwards_single=e2
    )
    d2 = ConnectionItemDWrite(external_id="d2", name="D two", direct_multi=[e2])
    b1 = ConnectionItemBWrite(external_id="b1", name="B one")
    b2 = ConnectionItemBWrite(external_id="b2", name="B two")
    a2 = ConnectionItemAWrite(external_id="a2", name="A two")
    a1 = ConnectionItemAWrite(external_id="a1", name="A one", self_direct=a2, outwards=[b1, b2])
    g1 = ConnectionItemGWrite(external_id="g1", name="G one")
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    f1 = ConnectionItemFWrite(
        external_id="f1",
        name="F one",
        direct_list=[d1],
        outwards_multi=[ConnectionEdgeAWrite(end_node=g1, name="edge f1-g1", start_time=t0)],
    )
    return [d1, d2, a1, f1]


def test_writing_a_graph_writes_every_object(omni: OmniClient) -> None:
    result = omni.upsert(_graph())
    nodes = sorted(str(r.id) for r in result.items if r.instance_type == "node")
    edges = sorted(str(r.id) for r in result.items if r.instance_type == "edge")
    assert nodes == [f"{TEST_SPACE}:{x}" for x in ["a1", "a2", "b1", "b2", "d1", "d2", "e1", "e2", "f1", "g1"]]
    assert edges == [f"{TEST_SPACE}:{x}" for x in ["a1:b1", "a1:b2", "d1:e2", "f1:g1"]]
    assert {r.status for r in result.items} == {"created"}


def test_connections_direct_reverse_and_edges(omni: OmniClient) -> None:
    omni.upsert(_graph())
    d1 = omni.connection_item_d.retrieve("d1", connections=True)
    assert isinstance(d1, ConnectionItemD)
    assert isinstance(d1.direct_single, ConnectionItemE) and d1.direct_single.name == "E one"
    assert d1.direct_multi is not None
    assert [e.name for e in d1.direct_multi if isinstance(e, ConnectionItemE)] == ["E one", "E two"]
    assert isinstance(d1.outwards_single, ConnectionItemE) and d1.outwards_single.external_id == "e2"

    e2 = omni.connection_item_e.retrieve("e2", connections=True)
    assert e2 is not None
    assert sorted(d.external_id for d in e2.direct_reverse_multi or []) == ["d1", "d2"]
    assert e2.direct_reverse_single == []
    assert isinstance(e2.inwards_single, ConnectionItemD) and e2.inwards_single.external_id == "d1"

    a1 = omni.connection_item_a.retrieve("a1", connections=True)
    assert isinstance(a1, ConnectionItemA)
    assert sorted(b.external_id for b in a1.outwards or []) == ["b1", "b2"]
    assert all(isinstance(b, ConnectionItemB) for b in a1.outwards or [])
    assert isinstance(a1.self_direct, ConnectionItemA) and a1.self_direct.name == "A two"

    b1 = omni.connection_item_b.retrieve("b1", connections=["inwards"])
    assert b1 is not None and [a.external_id for a in b1.inwards or []] == ["a1"]


def test_connections_edges_with_properties(omni: OmniClient) -> None:
    omni.upsert(_graph())
    f1 = omni.connection_item_f.retrieve("f1", connections=True)
    assert isinstance(f1, ConnectionItemF)
    (edge,) = f1.outwards_multi or []
    assert isinstance(edge, ConnectionEdgeAToG)
    assert edge.name == "edge f1-g1" and edge.start_time == datetime(2024, 1, 1, tzinfo=UTC)
    assert isinstance(edge.end_node, ConnectionItemG) and edge.end_node.name == "G one"
    g1 = omni.connection_item_g.retrieve("g1", connections=True)
    assert g1 is not None
    (back,) = g1.inwards_multi_property or []
    assert isinstance(back.start_node, ConnectionItemF) and back.start_node.external_id == "f1"


def test_list_with_connections(omni: OmniClient) -> None:
    omni.upsert(_graph())
    ds = omni.connection_item_d.list(
        filter=ConnectionItemDFields.space.equals(TEST_SPACE), connections=["direct_single", "direct_multi"]
    )
    by_id = {d.external_id: d for d in ds}
    assert isinstance(by_id["d1"].direct_single, ConnectionItemE)
    assert by_id["d2"].direct_single is None
    assert [e.external_id for e in by_id["d2"].direct_multi or [] if isinstance(e, ConnectionItemE)] == ["e2"]
    # Unresolved connections stay ids.
    plain = omni.connection_item_d.retrieve("d1")
    assert plain is not None and plain.direct_single == NodeId(TEST_SPACE, "e1") and plain.outwards_single is None
    with pytest.raises(ValueError, match="nope is not a connection; its connections: direct_multi"):
        omni.connection_item_d.retrieve("d1", connections=["nope"])


class ConnectionEdgeAAPI(InstanceAPI[ConnectionEdgeA, ConnectionEdgeAWrite]):
    _read_class = ConnectionEdgeA
    _write_class = ConnectionEdgeAWrite
    fields = EdgeFields


def test_an_edge_view_api(omni: OmniClient) -> None:
    omni.upsert(_graph())
    api = ConnectionEdgeAAPI(omni)
    (edge,) = api.list(filter=EdgeFields.space.equals(TEST_SPACE), limit=-1)
    assert edge.id == EdgeId(TEST_SPACE, "f1:g1") and edge.name == "edge f1-g1"
    assert edge.end_node == NodeId(TEST_SPACE, "g1")
    found = api.retrieve([EdgeId(TEST_SPACE, "f1:g1"), "nope"])
    assert [e.external_id for e in found] == ["f1:g1"] and found.missing == [EdgeId(TEST_SPACE, "nope")]
    assert api.count(filter=EdgeFields.start_node.equals("f1")) == 1
    by_type = EdgeFields.type.equals((MODEL_SPACE, "multiProperty"))
    assert [e.external_id for e in api.search("f1", filter=by_type)] == ["f1:g1"]


def _node_json(xid: str, view: str, **props: object) -> dict[str, object]:
    return {
        "instanceType": "node",
        "space": TEST_SPACE,
        "externalId": xid,
        "version": 1,
        "createdTime": 0,
        "lastUpdatedTime": 0,
        "properties": {MODEL_SPACE: {f"{view}/1": props}},
    }


def _edge_json(start: str, end: str) -> dict[str, object]:
    return {
        "instanceType": "edge",
        "space": TEST_SPACE,
        "externalId": f"{start}:{end}",
        "version": 1,
        "type": {"space": MODEL_SPACE, "externalId": "bidirectional"},
        "startNode": {"space": TEST_SPACE, "externalId": start},
        "endNode": {"space": TEST_SPACE, "externalId": end},
        "createdTime": 0,
        "lastUpdatedTime": 0,
    }


def test_connection_sets_beyond_one_query_are_paged() -> None:
    """More than 10,000 edges: the edge set is paged by cursor, and the nodes of each page are merged.

    The expressions: s0 the roots (given ids), s1 the edges, s2 the nodes at their far end.
    """
    queries: list[dict[str, object]] = []
    first = [f"b{i:05d}" for i in range(10_000)]
    rest = [f"b{i:05d}" for i in range(10_000, 10_005)]

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if request.url.path.endswith("/byids"):
            return httpx.Response(200, json={"items": [_node_json("a1", "ConnectionItemA", name="A")]})
        queries.append(body)
        cursors = body.get("cursors", {})
        if not cursors:  # the first page of each: both sets full
            edges, nodes, more = first, first, {"s1": "page2", "s2": "nodes2"}
        elif cursors == {"s1": "page2"}:  # the second page of edges, and the nodes they lead to
            edges, nodes, more = rest, rest + ["b00000"], {}  # a node seen before comes back: kept once
        else:  # the nodes of the first page of edges, after the first 10,000: none
            assert cursors == {"s2": "nodes2"}, cursors
            edges, nodes, more = first, [], {}
        items = {
            "s1": [_edge_json("a1", b) for b in edges],
            "s2": [_node_json(b, "ConnectionItemB", name=b) for b in nodes],
        }
        return httpx.Response(200, json={"items": items, "nextCursor": more})

    with HTTPClient(config(), transport=httpx.MockTransport(handler)) as http:
        a1 = OmniClient(http, instance_space=TEST_SPACE).connection_item_a.retrieve("a1", connections=["outwards"])
    assert a1 is not None and a1.outwards is not None
    assert [b.external_id for b in a1.outwards] == first + rest
    assert [q.get("cursors") for q in queries] == [None, {"s1": "page2"}, {"s2": "nodes2"}]
    with_ = queries[0]["with"]
    assert isinstance(with_, dict)
    assert with_["s1"]["edges"]["direction"] == "outwards" and with_["s2"]["nodes"]["chainTo"] == "destination"
    assert "s0" not in queries[0]["select"]  # type: ignore[operator]  # the roots were read already


def test_query_validation_errors_name_the_instance() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/byids"):
            return httpx.Response(200, json={"items": [_node_json("d1", "ConnectionItemD", name="D")]})
        bad = _node_json("e1", "ConnectionItemE", name=["not", "text"])
        items = {"s1": [bad]}  # s0: the roots (given ids), s1: direct_single
        return httpx.Response(200, json={"items": items, "nextCursor": {}})

    with HTTPClient(config(), transport=httpx.MockTransport(handler)) as http:
        api = OmniClient(http, instance_space=TEST_SPACE).connection_item_d
        with pytest.raises(InstanceValidationError, match=rf"node {TEST_SPACE}:e1 property 'name"):
            api.retrieve("d1", connections=["direct_single"])
