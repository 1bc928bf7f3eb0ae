"""Generated SDKs at work: generate in memory (``load_sdk``), then run them against the in-process emulator.

Omni: the emulator holds the model and ``Omni.nodes.json`` (space ``DATA``); writes go to ``TEST_SPACE``.
CogniteCore: the model only; the tests write what they read. Covered: CRUD, every keyword filter kind,
paging, search, aggregation, and connections (direct, reverse, edges with properties). On a CDF target
(tests/sdk_target.py) the SDKs come from the run's copies of the models, deployed there.
"""

from __future__ import annotations

import types
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timezone
from typing import Any

import pytest
from _emit_support import load_model
from sdk_target import Deployment, on_target, sdk_ahttp, sdk_http, space
from testdata import INSTANCES_DIR, MODELS_DIR

from pygen.emulator import EmulatorSettings
from pygen.generator import load_sdk
from pygen.instances import NodeId
from pygen.transport import ClientConfig, Token

TOKEN = "emit-test-token"
MODEL_SPACE = space("sp_pygen_models")
DATA = space("sp_omni_instances")
TEST_SPACE = space("sp_test")


def _config() -> ClientConfig:
    return ClientConfig("emit-test", Token(TOKEN), base_url="http://emulator")


def _settings(model: str, with_nodes: bool) -> EmulatorSettings:
    return EmulatorSettings(
        token=TOKEN,
        model_files=[MODELS_DIR / f"{model}.json"],
        instance_files=[INSTANCES_DIR / "Omni.nodes.json"] if with_nodes else [],
    )


@pytest.fixture(scope="module")
def omni_sdk() -> types.ModuleType:
    return load_sdk([on_target(load_model("Omni"))], package="omni_functional")


@pytest.fixture(scope="module")
def core_sdk() -> types.ModuleType:
    return load_sdk([on_target(load_model("CogniteCore"))], package="core_functional")


@pytest.fixture
def omni(omni_sdk: types.ModuleType, cdf_run: Deployment | None) -> Iterator[Any]:
    with sdk_http(cdf_run, _config(), _settings("Omni", True), [TEST_SPACE]) as http:
        yield omni_sdk.OmniClient(http, instance_space=TEST_SPACE)


@pytest.fixture
def core(core_sdk: types.ModuleType, cdf_run: Deployment | None) -> Iterator[Any]:
    with sdk_http(cdf_run, _config(), _settings("CogniteCore", False), [TEST_SPACE]) as http:
        yield core_sdk.CogniteCoreClient(http, instance_space=TEST_SPACE)


def _ids(items: Any) -> list[str]:
    return sorted(item.external_id for item in items)


# ---------------------------------------------------------------------------------------------- Omni


def test_crud_round_trip(omni: Any, omni_sdk: types.ModuleType) -> None:
    when = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    write = omni_sdk.PrimitiveNullableWrite(
        external_id="p1",
        text="hello",
        int32=7,
        int64=2**40,
        float64=1.5,
        boolean=True,
        timestamp=when,
        date_=date(2024, 5, 1),
        json_={"a": [1, 2]},
    )
    result = omni.primitive_nullable.upsert(write)
    assert [item.id.external_id for item in result.created] == ["p1"]
    read = omni.primitive_nullable.retrieve("p1")
    assert isinstance(read, omni_sdk.PrimitiveNullable)
    assert (read.text, read.int32, read.int64, read.boolean, read.json_) == ("hello", 7, 2**40, True, {"a": [1, 2]})
    assert read.timestamp == when and read.date_ == date(2024, 5, 1)
    update = read.as_write()
    assert isinstance(update, omni_sdk.PrimitiveNullableWrite)
    update.text = "changed"
    omni.primitive_nullable.upsert(update)
    assert omni.primitive_nullable.retrieve("p1").text == "changed"
    assert omni.primitive_nullable.delete(["p1"]).deleted
    assert omni.primitive_nullable.retrieve("p1") is None


def test_text_filters(omni: Any) -> None:
    every = omni.primitive_nullable.list(limit=-1)
    assert len(every) == 5
    one = every[0]
    assert _ids(omni.primitive_nullable.list(text=one.text)) == [one.external_id]
    two = sorted(item.text for item in every[:2])
    assert _ids(omni.primitive_nullable.list(text=two)) == _ids(every[:2])
    assert one.external_id in _ids(omni.primitive_nullable.list(text_prefix=one.text[:4]))
    assert _ids(omni.primitive_nullable.list(external_id_prefix="PrimitiveNullable:", limit=-1)) == _ids(every)
    assert omni.primitive_nullable.list(space=TEST_SPACE) == []
    assert len(omni.primitive_nullable.list(space=[DATA, TEST_SPACE], limit=-1)) == 5


def test_range_boolean_and_exists_filters(omni: Any) -> None:
    every = omni.primitive_nullable.list(limit=-1)
    values = sorted(item.float32 for item in every if item.float32 is not None)
    middle = values[len(values) // 2]
    above = omni.primitive_nullable.list(min_float32=middle, limit=-1)
    assert sorted(item.float32 for item in above) == [v for v in values if v >= middle]
    below = omni.primitive_nullable.list(max_float32=middle, limit=-1)
    assert all(item.float32 <= middle for item in below)
    stamps = sorted(item.timestamp for item in every if item.timestamp is not None)
    after = omni.primitive_nullable.list(min_timestamp=stamps[-1], limit=-1)
    assert [item.timestamp for item in after] == [stamps[-1]]
    days = sorted(item.date_ for item in every if item.date_ is not None)
    assert all(item.date_ <= days[0] for item in omni.primitive_nullable.list(max_date_=days[0], limit=-1))
    truths = omni.primitive_nullable.list(boolean=True, limit=-1)
    assert truths and all(item.boolean is True for item in truths)
    with_json = omni.primitive_nullable.list(exists=["json_"], limit=-1)
    assert _ids(with_json) == _ids(item for item in every if item.json_ is not None)


def test_direct_relation_and_list_filters(omni: Any) -> None:
    every = omni.connection_item_d.list(limit=-1)
    with_single = [item for item in every if item.direct_single is not None]
    if with_single:
        target = with_single[0].direct_single
        found = omni.connection_item_d.list(direct_single=target, limit=-1)
        assert with_single[0].external_id in _ids(found)
        as_tuple = omni.connection_item_d.list(direct_single=[(target.space, target.external_id)], limit=-1)
        assert _ids(as_tuple) == _ids(found)
    multi = next(item for item in every if item.direct_multi)
    pointed = multi.direct_multi[0]
    hits = omni.connection_item_d.list(direct_multi=[pointed], limit=-1)
    assert multi.external_id in _ids(hits)
    listed = omni.primitive_nullable_listed.list(limit=-1)
    texts = next(item.text for item in listed if item.text)
    assert omni.primitive_nullable_listed.list(text=[texts[0]], limit=-1)


def test_ids_rule_for_direct_relation_keywords(omni: Any, omni_sdk: types.ModuleType) -> None:
    e = omni_sdk.ConnectionItemEWrite(external_id="e1", name="e")
    d = omni_sdk.ConnectionItemDWrite(external_id="d1", name="d", direct_single=e)
    omni.upsert([d])
    # A bare external id means "in the client's instance space".
    assert _ids(omni.connection_item_d.list(direct_single="e1")) == ["d1"]
    assert _ids(omni.connection_item_d.list(direct_single=NodeId(TEST_SPACE, "e1"))) == ["d1"]


def test_paging(omni: Any) -> None:
    page = omni.implementation1.page(page_size=3)
    assert len(page.items) == 3 and page.cursor
    rest = omni.implementation1.page(page_size=1000, cursor=page.cursor)
    assert len(page.items) + len(rest.items) == len(omni.implementation1.list(limit=-1))
    assert len(list(omni.implementation1.iterate(page_size=2))) == len(page.items) + len(rest.items)
    assert len(omni.implementation1.list(limit=4)) == 4


def test_search_and_aggregate_with_keywords(omni: Any) -> None:
    every = omni.primitive_nullable.list(limit=-1)
    word = every[0].text.split()[0]
    hits = omni.primitive_nullable.search(word, properties=["text"])
    assert every[0].external_id in _ids(hits)
    assert omni.primitive_nullable.search(word, properties=["text"], space=TEST_SPACE) == []
    (group,) = omni.primitive_nullable.aggregate(("count", None), boolean=True)
    assert group.values["count"] == len([item for item in every if item.boolean is True])
    (total,) = omni.primitive_nullable.aggregate(("count", None))
    assert total.values["count"] == 5
    assert omni.primitive_nullable.count() == 5


def test_connections_are_typed_and_resolved(omni: Any, omni_sdk: types.ModuleType) -> None:
    ds = omni.connection_item_d.list(limit=-1, connections=True)
    resolved = [target for item in ds for target in item.direct_multi or []]
    assert resolved and all(isinstance(target, (omni_sdk.ConnectionItemE, NodeId)) for target in resolved)
    assert any(isinstance(target, omni_sdk.ConnectionItemE) for target in resolved)
    es = omni.connection_item_e.list(limit=-1, connections=["direct_reverse_multi"])
    back = [d for e in es for d in e.direct_reverse_multi or []]
    assert back and all(isinstance(d, omni_sdk.ConnectionItemD) for d in back)
    fs = omni.connection_item_f.list(limit=-1, connections=True)
    assert fs and all(f.outwards_multi == [] for f in fs)  # the dump holds nodes only: no edges yet


def test_write_edges_with_properties(omni: Any, omni_sdk: types.ModuleType) -> None:
    g = omni_sdk.ConnectionItemGWrite(external_id="g1", name="g")
    f = omni_sdk.ConnectionItemFWrite(
        external_id="f1",
        name="f",
        outwards_multi=[omni_sdk.ConnectionEdgeAToConnectionItemGWrite(end_node=g, name="edge")],
    )
    omni.upsert(f)
    read = omni.connection_item_f.retrieve("f1", connections=True)
    (edge,) = read.outwards_multi
    assert isinstance(edge, omni_sdk.ConnectionEdgeA) and edge.name == "edge"
    assert isinstance(edge.end_node, omni_sdk.ConnectionItemG) and edge.end_node.external_id == "g1"
    (back,) = omni.connection_item_g.retrieve("g1", connections=True).inwards_multi_property
    assert isinstance(back.start_node, omni_sdk.ConnectionItemF)
    # The edge view has its own API: edges listed and filtered by their properties.
    (listed,) = omni.connection_edge_a.list(name="edge", space=TEST_SPACE)
    assert isinstance(listed, omni_sdk.ConnectionEdgeA) and listed.end_node == NodeId(TEST_SPACE, "g1")
    assert omni.connection_edge_a.list(name_prefix="nope") == []


def test_connections_only_hold_nodes_of_their_target_view(omni: Any, omni_sdk: types.ModuleType) -> None:
    """A far-end node is parsed as the target view's class only when it has data in that view."""
    omni.upsert(
        [
            omni_sdk.ConnectionItemGWrite(external_id="g-node", name="a G, not an E"),
            omni_sdk.ConnectionItemEWrite(external_id="e-node", name="an E, not a G"),
            omni_sdk.ConnectionItemEWrite(external_id="e-real", name="a real E"),
            # direct_single/direct_multi and outwards_single target ConnectionItemE; "empty" is auto-created bare.
            omni_sdk.ConnectionItemDWrite(
                external_id="d-mixed", name="d", direct_single="g-node", direct_multi=["e-real", "g-node", "empty"]
            ),
            omni_sdk.ConnectionItemDWrite(external_id="d-empty", name="d", direct_single="empty"),
            # outwards_multi edges (with properties) target ConnectionItemG.
            omni_sdk.ConnectionItemFWrite(
                external_id="f-mixed",
                name="f",
                outwards_multi=[
                    omni_sdk.ConnectionEdgeAToConnectionItemGWrite(external_id="to-e", end_node="e-node", name="wrong"),
                    omni_sdk.ConnectionEdgeAToConnectionItemGWrite(external_id="to-g", end_node="g-node", name="right"),
                ],
            ),
        ]
    )
    mixed = omni.connection_item_d.retrieve("d-mixed", connections=True)
    assert mixed.direct_single == NodeId(TEST_SPACE, "g-node")  # a G node: stays an id
    assert [type(target).__name__ for target in mixed.direct_multi] == ["ConnectionItemE", "NodeId", "NodeId"]
    assert mixed.direct_multi[0].name == "a real E"
    assert omni.connection_item_d.retrieve("d-empty", connections=True).direct_single == NodeId(TEST_SPACE, "empty")
    edges = {
        edge.external_id: edge for edge in omni.connection_item_f.retrieve("f-mixed", connections=True).outwards_multi
    }
    assert edges["to-e"].end_node == NodeId(TEST_SPACE, "e-node")
    assert (
        isinstance(edges["to-g"].end_node, omni_sdk.ConnectionItemG) and edges["to-g"].end_node.name == "a G, not an E"
    )
    # An edge connection without an edge class lists only far-end nodes of its view.
    omni.upsert(omni_sdk.ConnectionItemDWrite(external_id="d-edge", name="d", outwards_single="g-node"))
    assert omni.connection_item_d.retrieve("d-edge", connections=True).outwards_single is None


def test_write_class_defaults_the_node_type_the_view_filter_requires(omni: Any, omni_sdk: types.ModuleType) -> None:
    write = omni_sdk.ConnectionItemAWrite(external_id="a-new", name="a")
    assert write.type == NodeId(MODEL_SPACE, "ConnectionItemA")
    omni.upsert(write)
    assert "a-new" in _ids(omni.connection_item_a.list(limit=-1))
    assert omni.connection_item_a.retrieve("a-new").type == NodeId(MODEL_SPACE, "ConnectionItemA")
    # A type given explicitly still wins (and the view then leaves the node out).
    omni.upsert(omni_sdk.ConnectionItemAWrite(external_id="a-other", type=NodeId(TEST_SPACE, "other")))
    assert "a-other" not in _ids(omni.connection_item_a.list(limit=-1))


@pytest.fixture
async def aomni(omni_sdk: types.ModuleType, cdf_run: Deployment | None) -> AsyncIterator[Any]:
    async with sdk_ahttp(cdf_run, _config(), _settings("Omni", True)) as http:
        yield omni_sdk.AsyncOmniClient(http, instance_space=TEST_SPACE)


@pytest.mark.anyio
async def test_async_api_keywords(aomni: Any) -> None:
    every = await aomni.primitive_nullable.list(limit=-1)
    assert len(every) == 5
    truths = await aomni.primitive_nullable.list(boolean=True, limit=-1)
    assert all(item.boolean for item in truths)
    (group,) = await aomni.primitive_nullable.aggregate(("count", None), boolean=True)
    assert group.values["count"] == len(truths)
    hits = await aomni.primitive_nullable.search(every[0].text.split()[0], external_id_prefix="PrimitiveNullable")
    assert hits


# ---------------------------------------------------------------------------------------------- CogniteCore


def test_core_crud_enum_and_hierarchy(core: Any, core_sdk: types.ModuleType) -> None:
    root = core_sdk.CogniteAssetWrite(external_id="root", name="Root")
    child = core_sdk.CogniteAssetWrite(external_id="child", name="Child pump", parent=root, tags=["pump", "a"])
    core.upsert([root, child])
    assert _ids(core.cognite_asset.list(parent="root")) == ["child"]
    assert _ids(core.cognite_asset.list(tags=["pump"])) == ["child"]
    assert _ids(core.cognite_asset.list(name_prefix="Child")) == ["child"]
    read = core.cognite_asset.retrieve("root", connections=["children"])
    assert [item.external_id for item in read.children] == ["child"]
    resolved = core.cognite_asset.retrieve("child", connections=["parent"])
    assert isinstance(resolved.parent, core_sdk.CogniteAsset)
    core.upsert(
        [
            core_sdk.CogniteTimeSeriesWrite(external_id="ts1", type_="numeric", is_step=False, assets=["child"]),
            core_sdk.CogniteTimeSeriesWrite(external_id="ts2", type_="string", is_step=True),
        ]
    )
    assert _ids(core.cognite_time_series.list(type_="numeric")) == ["ts1"]
    assert _ids(core.cognite_time_series.list(type_=["numeric", "string"])) == ["ts1", "ts2"]
    assert _ids(core.cognite_time_series.list(assets=["child"])) == ["ts1"]
    assert core.cognite_time_series.aggregate(("count", None), is_step=True)[0].values["count"] == 1
    core.delete(["ts1", "ts2", "child", "root"])
    assert core.cognite_asset.list() == []


def test_write_class_defaults_the_property_the_view_filter_requires(core: Any, core_sdk: types.ModuleType) -> None:
    write = core_sdk.CogniteCADModelWrite(external_id="cad1", name="Plant")
    assert write.type_ == "CAD"
    assert write.dump(TEST_SPACE)["sources"][0]["properties"]["type"] == "CAD"
    core.upsert(write)
    assert _ids(core.cognite_cad_model.list(limit=-1)) == ["cad1"]
    assert core.cognite_cad_model.retrieve("cad1").type_ == "CAD"
    assert core.cognite_point_cloud_model.list(limit=-1) == []
    # Read back and written again: the value read is kept.
    core.upsert(core.cognite_cad_model.retrieve("cad1").as_write())
    assert _ids(core.cognite_cad_model.list(limit=-1)) == ["cad1"]


def test_a_typed_edge_end_takes_only_its_targets_write_class(omni_sdk: types.ModuleType) -> None:
    """ConnectionEdgeAToConnectionItemGWrite.end_node: a ConnectionItemGWrite or an id, nothing else."""
    edge = omni_sdk.ConnectionEdgeAToConnectionItemGWrite(end_node=omni_sdk.ConnectionItemGWrite(external_id="g"))
    assert isinstance(edge, omni_sdk.ConnectionEdgeAWrite)
    assert omni_sdk.ConnectionEdgeAToConnectionItemGWrite(end_node=("s", "g")).end_node == ("s", "g")
    with pytest.raises(ValueError) as info:
        omni_sdk.ConnectionEdgeAToConnectionItemGWrite(end_node=omni_sdk.ConnectionItemEWrite(external_id="e"))
    assert "end_node.ConnectionItemGWrite" in str(info.value)
    assert "instance of ConnectionItemGWrite" in str(info.value)
