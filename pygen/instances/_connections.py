"""Resolving one hop of connections at read time through ``POST /models/instances/query``.

For a page of root instances, one query fetches, per connection field: the targets of direct
relations (``through`` the property, outwards), the sources of reverse direct relations (``through``
the other view's property, inwards), and edges of the connection's type plus the nodes at their other
end. Each result set is parsed from bytes into its typed class, then the objects are stitched onto
the roots in Python (only the connected objects are looped over, never the parsing).

Connections only ever hold what they claim: every node result set is filtered with ``hasData`` on
the target view, so a node without data in that view (one of another view, or an empty node that a
direct relation auto-created) is never parsed as the target class. A direct relation or an edge end
pointing at such a node keeps its id; an edge connection without an edge class leaves it out.

A result set with more rows than one query returns (10,000) is paged with its cursor.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from pygen.instances._filters import Equals, HasData, InstanceReferences
from pygen.instances._ids import NodeId
from pygen.instances._instances import (
    DirectRelation,
    Edge,
    EdgeConnection,
    Node,
    ReverseDirectRelation,
    _Instance,
    _ReadInstance,
    load_references,
)
from pygen.instances._record import record

__all__ = ["ConnectionPlan", "plan_connections"]

#: Most rows one query expression returns.
MAX_QUERY_LIMIT = 10_000


def _classes_in(annotation: object) -> list[type[_ReadInstance]]:
    found: list[type[_ReadInstance]] = []
    if isinstance(annotation, type) and issubclass(annotation, _ReadInstance):
        found.append(annotation)
    for arg in typing.get_args(annotation):
        found.extend(_classes_in(arg))
    return found


def _is_list(annotation: object) -> bool:
    if typing.get_origin(annotation) in (list, Sequence):
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation) if typing.get_origin(arg) is not None)


@record
class _Hop:
    field: str
    kind: DirectRelation | EdgeConnection | ReverseDirectRelation
    target: type[_ReadInstance]  # node class at the other end
    edge: type[_ReadInstance] | None  # edge class (edge connections)
    many: bool
    prop: str | None  # the property id (direct: on the root view; reverse: on the target view)


@record
class ConnectionPlan:
    """How to resolve the connection fields of one read class."""

    root: type[_ReadInstance]
    hops: tuple[_Hop, ...]

    def body(self, ids: Sequence[NodeId], space: str | None) -> dict[str, Any]:
        """The query body for the roots ``ids``."""
        root_view = self.root._view_id
        assert root_view is not None
        with_: dict[str, Any] = {
            "root": {"nodes": {"filter": InstanceReferences(tuple(ids)).dump()}, "limit": max(1, len(ids))}
        }
        select: dict[str, Any] = {"root": {"sources": [{"source": root_view.dump(), "properties": ["*"]}]}}
        for index, hop in enumerate(self.hops):
            name = f"c{index}"
            target_view = hop.target._view_id
            target_select = {"sources": [{"source": target_view.dump(), "properties": ["*"]}]} if target_view else {}
            has_data = {"filter": HasData((target_view,)).dump()} if target_view else {}
            if isinstance(hop.kind, DirectRelation):
                with_[name] = {
                    "nodes": {
                        "from": "root",
                        "through": {"source": root_view.dump(), "identifier": hop.prop},
                        "direction": "outwards",
                        **has_data,
                    },
                    "limit": MAX_QUERY_LIMIT,
                }
                select[name] = target_select
            elif isinstance(hop.kind, ReverseDirectRelation):
                with_[name] = {
                    "nodes": {
                        "from": "root",
                        "through": {"source": hop.kind.through.dump(), "identifier": hop.kind.property},
                        "direction": "inwards",
                        **has_data,
                    },
                    "limit": MAX_QUERY_LIMIT,
                }
                select[name] = target_select
            else:
                edge_view = hop.edge._view_id if hop.edge is not None else None
                with_[name + "e"] = {
                    "edges": {
                        "from": "root",
                        "direction": hop.kind.direction,
                        "maxDistance": 1,
                        "filter": Equals(("edge", "type"), hop.kind.edge_type).dump(),
                    },
                    "limit": MAX_QUERY_LIMIT,
                }
                select[name + "e"] = (
                    {"sources": [{"source": edge_view.dump(), "properties": ["*"]}]} if edge_view is not None else {}
                )
                with_[name] = {
                    "nodes": {"from": name + "e", "chainTo": "destination", **has_data},
                    "limit": MAX_QUERY_LIMIT,
                }
                select[name] = target_select
        return {"with": with_, "select": select}

    def set_classes(self) -> dict[str, type[_ReadInstance]]:
        """The class of each result set of this plan's query."""
        classes: dict[str, type[_ReadInstance]] = {"root": self.root}
        for index, hop in enumerate(self.hops):
            classes[f"c{index}"] = hop.target
            if isinstance(hop.kind, EdgeConnection):
                classes[f"c{index}e"] = hop.edge or Edge
        return classes

    def response_model(self) -> type[BaseModel]:
        """``{"items": {set: list[class]}, "nextCursor": {set: str}}`` for this plan's query."""
        load_references(self.root.__module__)  # the far-end classes, which pydantic resolves now
        fields: dict[str, Any] = {name: (list[cls], []) for name, cls in self.set_classes().items()}  # type: ignore[valid-type]
        items = create_model(f"{self.root.__name__}QueryItems", __config__=ConfigDict(extra="ignore"), **fields)
        return create_model(
            f"{self.root.__name__}QueryResponse",
            __config__=ConfigDict(extra="ignore"),
            items=(items, ...),
            nextCursor=(dict[str, str] | None, None),
        )

    def stitch(self, sets: dict[str, list[Any]]) -> list[Any]:
        """Put the connected objects on the roots; returns the roots."""
        roots: list[Any] = sets.get("root", [])
        by_id = {NodeId(root.space, root.external_id): root for root in roots}
        for index, hop in enumerate(self.hops):
            targets: list[Any] = sets.get(f"c{index}", [])
            target_by_id = {NodeId(t.space, t.external_id): t for t in targets}
            if isinstance(hop.kind, DirectRelation):
                for root in roots:
                    value = getattr(root, hop.field, None)
                    if isinstance(value, list):
                        object.__setattr__(root, hop.field, [target_by_id.get(v, v) for v in value])
                    elif isinstance(value, NodeId):
                        object.__setattr__(root, hop.field, target_by_id.get(value, value))
            elif isinstance(hop.kind, ReverseDirectRelation):
                prop_field = {p: f for f, p in hop.target._properties.items()}.get(hop.kind.property)
                grouped: dict[NodeId, list[Any]] = {}
                for target in targets:
                    value = getattr(target, prop_field, None) if prop_field else None
                    pointers = value if isinstance(value, list) else [value]
                    for pointer in pointers:
                        pid = pointer.id if isinstance(pointer, Node) else pointer
                        if isinstance(pid, NodeId) and pid in by_id:
                            grouped.setdefault(pid, []).append(target)
                self._assign(roots, hop, grouped)
            else:
                outwards = hop.kind.direction == "outwards"
                grouped = {}
                for edge in sets.get(f"c{index}e", []):
                    near, far = (edge.start_node, edge.end_node) if outwards else (edge.end_node, edge.start_node)
                    near_id = near.id if isinstance(near, Node) else near
                    far_id = far.id if isinstance(far, Node) else far
                    if near_id not in by_id:
                        continue
                    target = target_by_id.get(far_id)
                    if hop.edge is not None:
                        if target is not None:
                            object.__setattr__(edge, "end_node" if outwards else "start_node", target)
                        grouped.setdefault(near_id, []).append(edge)
                    elif target is not None:
                        grouped.setdefault(near_id, []).append(target)
                self._assign(roots, hop, grouped)
        return roots

    @staticmethod
    def _assign(roots: list[Any], hop: _Hop, grouped: dict[NodeId, list[Any]]) -> None:
        for root in roots:
            found = grouped.get(NodeId(root.space, root.external_id), [])
            object.__setattr__(root, hop.field, found if hop.many else (found[0] if found else None))
            # Resolved connections count as given, so dumps and as_write see them.
            root.__pydantic_fields_set__.add(hop.field)


_plans: dict[tuple[type[Any], tuple[str, ...] | None], ConnectionPlan] = {}


def plan_connections(cls: type[_Instance], fields: Sequence[str] | None = None) -> ConnectionPlan:
    """The connection plan of ``cls`` (all its connection fields, or only ``fields``)."""
    key = (cls, tuple(fields) if fields is not None else None)
    plan = _plans.get(key)
    if plan is not None:
        return plan
    if not issubclass(cls, Node) or cls._view_id is None:
        raise TypeError(f"{cls.__name__}: connections can be resolved for node view classes only")
    cls.model_rebuild()  # resolves forward references so annotations name the target classes
    wanted = list(cls._connections) if fields is None else list(fields)
    hops: list[_Hop] = []
    for name in wanted:
        kind = cls._connections.get(name)
        if kind is None:
            raise ValueError(f"{cls.__name__} has no connection field {name!r}; it has {sorted(cls._connections)}")
        annotation = cls.model_fields[name].annotation
        classes = _classes_in(annotation)
        many = _is_list(annotation)
        if isinstance(kind, EdgeConnection):
            edge_classes = [c for c in classes if issubclass(c, Edge)]
            node_classes: list[type[_ReadInstance]] = [c for c in classes if issubclass(c, Node)]
            edge_cls = edge_classes[0] if edge_classes else None
            if edge_cls is not None:
                edge_cls.model_rebuild()
                end = "end_node" if kind.direction == "outwards" else "start_node"
                node_classes = [c for c in _classes_in(edge_cls.model_fields[end].annotation) if c is not Node]
            if not node_classes:
                continue
            hops.append(_Hop(name, kind, node_classes[0], edge_cls, many, None))
        else:
            node_classes = [c for c in classes if issubclass(c, Node)]
            if not node_classes:
                continue  # e.g. a direct relation without a target view: nothing to resolve it to
            prop = cls._properties.get(name) if isinstance(kind, DirectRelation) else kind.property
            hops.append(_Hop(name, kind, node_classes[0], None, many, prop))
    plan = ConnectionPlan(cls, tuple(hops))
    _plans[key] = plan
    return plan
