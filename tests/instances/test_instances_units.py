"""Unit tests: the ids rule, instance classes (load/dump/as_write), InstanceList, lazy pandas."""

from __future__ import annotations

import sys
import types
from datetime import date, datetime, timezone
from typing import Any

import pytest
from _instances_support import MODEL_SPACE
from omni_sdk import (
    ConnectionEdgeA,
    ConnectionItemDWrite,
    ConnectionItemEWrite,
    PrimitiveNullable,
    PrimitiveNullableWrite,
)

from pygen.instances import (
    Edge,
    EdgeId,
    InstanceList,
    NodeId,
    ViewId,
    as_edge_id,
    as_node_id,
    as_node_ids,
)

UTC = timezone.utc


def _read(xid: str = "x", **props: Any) -> dict[str, Any]:
    return {
        "instanceType": "node",
        "space": "s",
        "externalId": xid,
        "version": 2,
        "createdTime": 1730204346000,
        "lastUpdatedTime": 1730204999000,
        "properties": {MODEL_SPACE: {"PrimitiveNullable/1": props}},
    }


def test_ids_rule() -> None:
    assert as_node_id("x", "s") == NodeId("s", "x")
    assert as_node_id(("a", "b")) == NodeId("a", "b")
    assert as_node_id(NodeId("a", "b"), "ignored") == NodeId("a", "b")
    assert as_node_id({"space": "a", "externalId": "b"}) == NodeId("a", "b")
    assert as_node_id(PrimitiveNullableWrite(external_id="w"), "s") == NodeId("s", "w")
    assert as_edge_id("e", "s") == EdgeId("s", "e")
    assert as_node_ids(["x", ("t", "y")], "s") == [NodeId("s", "x"), NodeId("t", "y")]
    with pytest.raises(ValueError, match="has no space"):
        as_node_id("x")
    with pytest.raises(TypeError, match="cannot use 42 as a node id"):
        as_node_id(42)
    with pytest.raises(TypeError):
        as_node_id(("only-one",))


def test_ids_are_frozen_hashable_and_print_nicely() -> None:
    node = NodeId("s", "x")
    assert {node: 1}[NodeId("s", "x")] == 1
    assert str(node) == "s:x" and node.dump() == {"space": "s", "externalId": "x"}
    assert node.dump_instance() == {"instanceType": "node", "space": "s", "externalId": "x"}
    assert EdgeId("s", "e").dump_instance()["instanceType"] == "edge"
    assert NodeId("s", "x") != EdgeId("s", "x")  # type: ignore[comparison-overlap]
    with pytest.raises(AttributeError):
        node.space = "t"  # type: ignore[misc]
    view = ViewId("s", "V", "1")
    assert view.key == "V/1" and view.property_ref("p") == ("s", "V/1", "p") and str(view) == "s:V/1"


def test_read_load_dump_round_trip() -> None:
    data = _read(text="t", int32=1, date="2024-01-02", timestamp="2024-01-01T12:00:00.000+00:00", json={"a": [1]})
    node = PrimitiveNullable.load(data)
    assert node.json_ == {"a": [1]} and node.date == date(2024, 1, 2)
    assert node.timestamp == datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert node.created_time == datetime.fromtimestamp(1730204346, tz=UTC)
    assert node.dump() == data
    import json

    assert PrimitiveNullable.load(json.dumps(data)) == node
    assert node.id == NodeId("s", "x")


def test_as_write_copies_only_what_was_read() -> None:
    node = PrimitiveNullable.load(_read(text="t", int32=None))
    write = node.as_write()
    assert isinstance(write, PrimitiveNullableWrite)
    assert write.dump() == {
        "instanceType": "node",
        "space": "s",
        "externalId": "x",
        "existingVersion": 2,
        "sources": [
            {
                "source": {
                    "type": "view",
                    "space": MODEL_SPACE,
                    "externalId": "PrimitiveNullable",
                    "version": "1",
                },
                "properties": {"text": "t", "int32": None},
            }
        ],
    }


def test_write_load_from_apply_shape() -> None:
    write = PrimitiveNullableWrite(external_id="w", space="s", int32=3, timestamp=datetime(2024, 1, 1, tzinfo=UTC))
    again = PrimitiveNullableWrite.load(write.dump())
    assert again.dump() == write.dump()
    with pytest.raises(ValueError, match=r"sources\[0\] has no 'source'"):
        PrimitiveNullableWrite.load({"externalId": "w", "sources": [{}]})


def test_direct_relation_values_in_writes_follow_the_ids_rule() -> None:
    d = ConnectionItemDWrite(
        external_id="d", direct_single="e1", direct_multi=[("t", "e2"), ConnectionItemEWrite(external_id="e3")]
    )
    props = d.dump("s")["sources"][0]["properties"]
    assert props["directSingle"] == {"space": "s", "externalId": "e1"}
    assert props["directMulti"] == [{"space": "t", "externalId": "e2"}, {"space": "s", "externalId": "e3"}]


def test_edge_read_class() -> None:
    edge = ConnectionEdgeA.load(
        {
            "instanceType": "edge",
            "space": "s",
            "externalId": "e",
            "version": 1,
            "type": {"space": "t", "externalId": "multiProperty"},
            "startNode": {"space": "s", "externalId": "f1"},
            "endNode": {"space": "s", "externalId": "g1"},
            "createdTime": 0,
            "lastUpdatedTime": 0,
            "properties": {MODEL_SPACE: {"ConnectionEdgeA/1": {"name": "n", "startTime": "2024-01-01T00:00:00Z"}}},
        }
    )
    assert isinstance(edge, Edge) and edge.id == EdgeId("s", "e")
    assert edge.start_node == NodeId("s", "f1") and edge.name == "n"
    assert edge.dump()["startNode"] == {"space": "s", "externalId": "f1"}
    assert edge.as_write().dump()["endNode"] == {"space": "s", "externalId": "g1"}


def test_instance_list() -> None:
    nodes = InstanceList([PrimitiveNullable.load(_read("a", int32=1)), PrimitiveNullable.load(_read("b"))])
    assert nodes.as_ids() == [NodeId("s", "a"), NodeId("s", "b")]
    assert [d["externalId"] for d in nodes.dump()] == ["a", "b"]
    assert [w.external_id for w in nodes.as_write()] == ["a", "b"]
    assert repr(nodes).startswith("InstanceList([")


def test_to_pandas_imports_pandas_only_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    frames: list[list[dict[str, Any]]] = []
    fake = types.ModuleType("pandas")

    def data_frame(rows: list[dict[str, Any]]) -> str:
        frames.append(rows)
        return "frame"

    fake.DataFrame = data_frame  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pandas", fake)
    nodes = InstanceList([PrimitiveNullable.load(_read("a", int32=1))])
    assert nodes.to_pandas() == "frame"
    (rows,) = frames
    assert rows[0]["external_id"] == "a" and rows[0]["int32"] == 1 and rows[0]["type"] is None


def test_to_pandas_with_real_pandas() -> None:
    import pandas as pd

    nodes = InstanceList(
        [
            PrimitiveNullable.load(_read("a", int32=1, text="x", timestamp="2024-01-01T12:00:00.000+00:00")),
            PrimitiveNullable.load(_read("b")),
        ]
    )
    frame = nodes.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["external_id"]) == ["a", "b"]
    assert frame.loc[0, "int32"] == 1 and pd.isna(frame.loc[1, "int32"])
    assert frame.loc[0, "text"] == "x"
    assert frame.loc[0, "timestamp"] == pd.Timestamp("2024-01-01T12:00:00Z")
    assert "deleted_time" not in frame.columns


def test_to_pandas_without_pandas_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'cognite-pygen-runtime\[pandas\]'"):
        InstanceList([]).to_pandas()


def test_a_property_named_like_a_base_field() -> None:
    """CogniteAsset has a property `type` (a direct relation), next to every node's own `type`."""
    from typing import ClassVar

    from pygen.instances import DirectRelation, Node, NodeIdLike, NodeWrite

    view = ViewId("cdf_cdm", "CogniteAsset", "v1")

    class AssetWrite(NodeWrite):
        _view_id = view
        _property_ids: ClassVar[dict[str, str]] = {"type_": "type"}
        _connections: ClassVar[dict[str, DirectRelation]] = {"type_": DirectRelation()}
        name: str
        type_: NodeIdLike | None = None

    class Asset(Node):
        _view_id = view
        _write_class = AssetWrite
        _property_ids: ClassVar[dict[str, str]] = {"type_": "type"}
        name: str
        type_: NodeId | None = None

    write = AssetWrite(external_id="a", type=("t", "node-type"), name="A", type_="pump-type")
    dumped = write.dump("s")
    assert dumped["type"] == {"space": "t", "externalId": "node-type"}
    assert dumped["sources"][0]["properties"] == {"name": "A", "type": {"space": "s", "externalId": "pump-type"}}
    assert AssetWrite.load(dumped).dump() == dumped
    read = Asset.load(
        {
            "space": "s",
            "externalId": "a",
            "version": 1,
            "createdTime": 0,
            "lastUpdatedTime": 0,
            "type": {"space": "t", "externalId": "node-type"},
            "properties": {
                "cdf_cdm": {"CogniteAsset/v1": {"name": "A", "type": {"space": "s", "externalId": "pump-type"}}}
            },
        }
    )
    assert read.type == NodeId("t", "node-type") and read.type_ == NodeId("s", "pump-type")
    assert read.as_write().dump() == {**dumped, "existingVersion": 1}
    with pytest.raises(Exception, match="name"):
        Asset.load({"space": "s", "externalId": "b", "version": 1, "createdTime": 0, "lastUpdatedTime": 0})


def test_the_fields_class_tells_property_ids_and_direct_relations() -> None:
    """A class naming its Fields class needs no `_property_ids` and no direct relation `_connections`."""
    from typing import ClassVar

    from pygen.instances import (
        DirectRelation,
        DirectRelationListProperty,
        DirectRelationProperty,
        Node,
        NodeFields,
        NodeIdLike,
        NodeWrite,
        ReverseDirectRelation,
        TextProperty,
    )

    view = ViewId("s", "Pump", "v1")

    class PumpFields(NodeFields):
        label = TextProperty(view.property_ref("name"))
        site = DirectRelationProperty(view.property_ref("site"))
        path = DirectRelationListProperty(view.property_ref("path"))
        note = TextProperty(view.property_ref("note"))

    class PumpWrite(NodeWrite):
        _view_id = view
        _fields_class = PumpFields
        label: str | None = None
        site: NodeIdLike | None = None
        path: list[NodeIdLike] | None = None

    class Pump(Node):
        _view_id = view
        _fields_class = PumpFields
        _write_class = PumpWrite
        _property_ids: ClassVar[dict[str, str]] = {"label": "title"}  # what the class says wins
        _connections: ClassVar[dict[str, ReverseDirectRelation]] = {"parts": ReverseDirectRelation(view, "pump")}
        label: str | None = None
        site: NodeId | None = None
        parts: list[Any] | None = None

    assert PumpWrite._property_ids == {"label": "name"}
    assert set(PumpWrite._connections) == {"site", "path"}
    assert all(isinstance(kind, DirectRelation) for kind in PumpWrite._connections.values())
    assert Pump._property_ids == {"label": "title"}
    assert list(Pump._connections) == ["site", "parts"] and isinstance(Pump._connections["site"], DirectRelation)
    dumped = PumpWrite(external_id="p", label="P1", site="x", path=["a"]).dump("sp")
    assert dumped["sources"][0]["properties"] == {
        "name": "P1",
        "site": {"space": "sp", "externalId": "x"},
        "path": [{"space": "sp", "externalId": "a"}],
    }
