"""ConnectionItemA/B/D/E/F/G and the edge view ConnectionEdgeA: direct relations, reverses and edges."""

from __future__ import annotations

from typing import ClassVar

from pygen.instances import (
    Connection,
    DirectRelation,
    DirectRelationListProperty,
    DirectRelationProperty,
    DirectRelationTo,
    Edge,
    EdgeConnection,
    EdgeFields,
    EdgeWrite,
    Node,
    NodeFields,
    NodeId,
    NodeIdLike,
    NodeWrite,
    ReverseDirectRelation,
    TextProperty,
    Timestamp,
    TimestampProperty,
    ViewId,
)

from ._space import MODEL_SPACE as SPACE

_A = ViewId(SPACE, "ConnectionItemA", "1")
_B = ViewId(SPACE, "ConnectionItemB", "1")
_D = ViewId(SPACE, "ConnectionItemD", "1")
_E = ViewId(SPACE, "ConnectionItemE", "1")
_F = ViewId(SPACE, "ConnectionItemF", "1")
_G = ViewId(SPACE, "ConnectionItemG", "1")
_EDGE_A = ViewId(SPACE, "ConnectionEdgeA", "1")

_BIDIRECTIONAL = NodeId(SPACE, "bidirectional")
_REFLEXIVE = NodeId(SPACE, "reflexive")
_BIDIRECTIONAL_SINGLE = NodeId(SPACE, "bidirectionalSingle")
_MULTI_PROPERTY = NodeId(SPACE, "multiProperty")


# ---------------------------------------------------------------------------------------------- write


class ConnectionItemAWrite(NodeWrite):
    """ConnectionItemA (write)."""

    _view_id = _A
    _property_ids: ClassVar[dict[str, str]] = {"other_direct": "otherDirect", "self_direct": "selfDirect"}
    _connections: ClassVar[dict[str, Connection]] = {
        "other_direct": DirectRelation(),
        "self_direct": DirectRelation(),
        "outwards": EdgeConnection(_BIDIRECTIONAL, "outwards"),
    }

    type: NodeIdLike | None = NodeId(SPACE, "ConnectionItemA")
    name: str | None = None
    other_direct: NodeIdLike | None = None
    self_direct: ConnectionItemAWrite | NodeIdLike | None = None
    outwards: list[ConnectionItemBWrite | NodeIdLike] | None = None


class ConnectionItemBWrite(NodeWrite):
    """ConnectionItemB (write)."""

    _view_id = _B
    _connections: ClassVar[dict[str, Connection]] = {
        "inwards": EdgeConnection(_BIDIRECTIONAL, "inwards"),
        "self_edge": EdgeConnection(_REFLEXIVE, "outwards"),
    }
    _property_ids: ClassVar[dict[str, str]] = {}

    type: NodeIdLike | None = NodeId(SPACE, "ConnectionItemB")
    name: str | None = None
    inwards: list[ConnectionItemAWrite | NodeIdLike] | None = None
    self_edge: list[ConnectionItemBWrite | NodeIdLike] | None = None


class ConnectionItemDWrite(NodeWrite):
    """ConnectionItemD (write)."""

    _view_id = _D
    _property_ids: ClassVar[dict[str, str]] = {"direct_multi": "directMulti", "direct_single": "directSingle"}
    _connections: ClassVar[dict[str, Connection]] = {
        "direct_multi": DirectRelation(),
        "direct_single": DirectRelation(),
        "outwards_single": EdgeConnection(_BIDIRECTIONAL_SINGLE, "outwards"),
    }

    type: NodeIdLike | None = NodeId(SPACE, "ConnectionItemD")
    name: str | None = None
    direct_multi: list[ConnectionItemEWrite | NodeIdLike] | None = None
    direct_single: ConnectionItemEWrite | NodeIdLike | None = None
    outwards_single: ConnectionItemEWrite | NodeIdLike | None = None


class ConnectionItemEWrite(NodeWrite):
    """ConnectionItemE (write)."""

    _view_id = _E
    _property_ids: ClassVar[dict[str, str]] = {
        "direct_list_no_source": "directListNoSource",
        "direct_no_source": "directNoSource",
    }
    _connections: ClassVar[dict[str, Connection]] = {
        "direct_list_no_source": DirectRelation(),
        "direct_no_source": DirectRelation(),
        "inwards_single": EdgeConnection(_BIDIRECTIONAL_SINGLE, "inwards"),
    }

    type: NodeIdLike | None = NodeId(SPACE, "ConnectionItemE")
    name: str | None = None
    direct_list_no_source: list[NodeIdLike] | None = None
    direct_no_source: NodeIdLike | None = None
    inwards_single: ConnectionItemDWrite | NodeIdLike | None = None


class ConnectionEdgeAWrite(EdgeWrite):
    """ConnectionEdgeA (write): the edge of F.outwardsMulti / G.inwardsMultiProperty, with properties."""

    _view_id = _EDGE_A
    _property_ids: ClassVar[dict[str, str]] = {"start_time": "startTime", "end_time": "endTime"}

    name: str | None = None
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None


class ConnectionItemFWrite(NodeWrite):
    """ConnectionItemF (write)."""

    _view_id = _F
    _property_ids: ClassVar[dict[str, str]] = {"direct_list": "directList"}
    _connections: ClassVar[dict[str, Connection]] = {
        "direct_list": DirectRelation(),
        "outwards_multi": EdgeConnection(_MULTI_PROPERTY, "outwards"),
    }

    type: NodeIdLike | None = NodeId(SPACE, "ConnectionItemF")
    name: str | None = None
    direct_list: list[ConnectionItemDWrite | NodeIdLike] | None = None
    outwards_multi: list[ConnectionEdgeAWrite] | None = None


class ConnectionItemGWrite(NodeWrite):
    """ConnectionItemG (write)."""

    _view_id = _G
    _connections: ClassVar[dict[str, Connection]] = {
        "inwards_multi_property": EdgeConnection(_MULTI_PROPERTY, "inwards")
    }

    type: NodeIdLike | None = NodeId(SPACE, "ConnectionItemG")
    name: str | None = None
    inwards_multi_property: list[ConnectionEdgeAWrite] | None = None


# ---------------------------------------------------------------------------------------------- read


class ConnectionItemA(Node):
    """ConnectionItemA (read)."""

    _view_id = _A
    _write_class = ConnectionItemAWrite
    _property_ids: ClassVar[dict[str, str]] = ConnectionItemAWrite._property_ids
    _connections: ClassVar[dict[str, Connection]] = ConnectionItemAWrite._connections

    name: str | None = None
    other_direct: NodeId | None = None
    self_direct: DirectRelationTo[ConnectionItemA] | None = None
    outwards: list[ConnectionItemB] | None = None


class ConnectionItemB(Node):
    """ConnectionItemB (read)."""

    _view_id = _B
    _write_class = ConnectionItemBWrite
    _connections: ClassVar[dict[str, Connection]] = ConnectionItemBWrite._connections

    name: str | None = None
    inwards: list[ConnectionItemA] | None = None
    self_edge: list[ConnectionItemB] | None = None


class ConnectionItemD(Node):
    """ConnectionItemD (read)."""

    _view_id = _D
    _write_class = ConnectionItemDWrite
    _property_ids: ClassVar[dict[str, str]] = ConnectionItemDWrite._property_ids
    _connections: ClassVar[dict[str, Connection]] = ConnectionItemDWrite._connections

    name: str | None = None
    direct_multi: list[DirectRelationTo[ConnectionItemE]] | None = None
    direct_single: DirectRelationTo[ConnectionItemE] | None = None
    outwards_single: ConnectionItemE | None = None


class ConnectionItemE(Node):
    """ConnectionItemE (read)."""

    _view_id = _E
    _write_class = ConnectionItemEWrite
    _property_ids: ClassVar[dict[str, str]] = ConnectionItemEWrite._property_ids
    _connections: ClassVar[dict[str, Connection]] = {
        **ConnectionItemEWrite._connections,
        "direct_reverse_multi": ReverseDirectRelation(_D, "directMulti"),
        "direct_reverse_single": ReverseDirectRelation(_D, "directSingle"),
    }

    name: str | None = None
    direct_list_no_source: list[NodeId] | None = None
    direct_no_source: NodeId | None = None
    inwards_single: ConnectionItemD | None = None
    direct_reverse_multi: list[ConnectionItemD] | None = None
    direct_reverse_single: list[ConnectionItemD] | None = None


class ConnectionEdgeA(Edge):
    """ConnectionEdgeA (read)."""

    _view_id = _EDGE_A
    _write_class = ConnectionEdgeAWrite
    _property_ids: ClassVar[dict[str, str]] = ConnectionEdgeAWrite._property_ids

    name: str | None = None
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None


class ConnectionEdgeAToG(ConnectionEdgeA):
    """ConnectionEdgeA from F.outwardsMulti: the end node is a ConnectionItemG."""

    end_node: NodeId | ConnectionItemG


class ConnectionEdgeAFromF(ConnectionEdgeA):
    """ConnectionEdgeA in G.inwardsMultiProperty: the start node is a ConnectionItemF."""

    start_node: NodeId | ConnectionItemF


class ConnectionItemF(Node):
    """ConnectionItemF (read)."""

    _view_id = _F
    _write_class = ConnectionItemFWrite
    _property_ids: ClassVar[dict[str, str]] = ConnectionItemFWrite._property_ids
    _connections: ClassVar[dict[str, Connection]] = ConnectionItemFWrite._connections

    name: str | None = None
    direct_list: list[DirectRelationTo[ConnectionItemD]] | None = None
    outwards_multi: list[ConnectionEdgeAToG] | None = None


class ConnectionItemG(Node):
    """ConnectionItemG (read)."""

    _view_id = _G
    _write_class = ConnectionItemGWrite
    _connections: ClassVar[dict[str, Connection]] = ConnectionItemGWrite._connections

    name: str | None = None
    inwards_multi_property: list[ConnectionEdgeAFromF] | None = None


# ---------------------------------------------------------------------------------------------- fields


class ConnectionItemAFields(NodeFields):
    """Typed filter and sort builders of ConnectionItemA."""

    name = TextProperty.of(_A, "name")
    other_direct = DirectRelationProperty.of(_A, "otherDirect")
    self_direct = DirectRelationProperty.of(_A, "selfDirect")


class ConnectionItemBFields(NodeFields):
    """Typed filter and sort builders of ConnectionItemB."""

    name = TextProperty.of(_B, "name")


class ConnectionItemDFields(NodeFields):
    """Typed filter and sort builders of ConnectionItemD."""

    name = TextProperty.of(_D, "name")
    direct_multi = DirectRelationListProperty.of(_D, "directMulti")
    direct_single = DirectRelationProperty.of(_D, "directSingle")


class ConnectionItemEFields(NodeFields):
    """Typed filter and sort builders of ConnectionItemE."""

    name = TextProperty.of(_E, "name")
    direct_list_no_source = DirectRelationListProperty.of(_E, "directListNoSource")
    direct_no_source = DirectRelationProperty.of(_E, "directNoSource")


class ConnectionItemFFields(NodeFields):
    """Typed filter and sort builders of ConnectionItemF."""

    name = TextProperty.of(_F, "name")
    direct_list = DirectRelationListProperty.of(_F, "directList")


class ConnectionItemGFields(NodeFields):
    """Typed filter and sort builders of ConnectionItemG."""

    name = TextProperty.of(_G, "name")


class ConnectionEdgeAFields(EdgeFields):
    """Typed filter and sort builders of ConnectionEdgeA."""

    name = TextProperty.of(_EDGE_A, "name")
    start_time = TimestampProperty.of(_EDGE_A, "startTime")
    end_time = TimestampProperty.of(_EDGE_A, "endTime")
