"""Everything about writes that needs no I/O: flattening object graphs, batching, reading results.

The sync and async clients only differ in how they run the batches (threads or tasks, both within
the transport's write concurrency limit).

Order: nested objects are written too. All nodes go first (in parallel batches), then all edges, so
an edge's start and end nodes exist when it is written (CDF refuses edges to missing nodes unless
told to create empty ones). Direct relations to nodes in another batch of the same phase are fine:
CDF creates an empty target node and the other batch fills it.

Failures: a batch is atomic in CDF. When one is refused with a 4xx (a bad value, a version conflict),
it is split in halves and retried until every failing item is isolated, so the error names exactly
which items failed and why and everything else is written. A batch that failed without an HTTP answer
(connection lost after all retries) may or may not have been applied; its items are reported as
failed with that reason (``maybe_applied``), unless no attempt ever reached the server.

Deadlines: one :class:`~pygen.transport.Deadline` spans a whole bulk call (``RetryPolicy`` and the
``deadline=`` argument). Once it passes, no retry and no further batch starts; batches not sent are
reported failed with "not sent", certainly not applied.

Lost answers: see ``_results``. A batch whose success came after an attempt that may have been applied
reads "not modified" and "skipped" rows as ``uncertain``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pygen.instances._ids import EdgeId, NodeId, as_edge_id, as_node_id
from pygen.instances._instances import (
    DirectRelation,
    EdgeConnection,
    EdgeWrite,
    Node,
    NodeWrite,
    _Instance,
)
from pygen.instances._results import FailedItem, InstanceResult, Status, failure_reason
from pygen.transport import APIError, Deadline

#: What a delete takes to name one instance: an id, an id-like (a bare external id or a
#: ``(space, external id)`` tuple, both nodes), or an instance object (read or write).
InstanceIdLike = NodeId | EdgeId | tuple[str, str] | str | _Instance

#: Items per apply/delete/byids request (docs/dms.md, Limits).
MAX_WRITE_ITEMS = 1000
# Client errors that are about the items (split the batch to find them); 401/403/429 are not.
_SPLITTABLE = frozenset({400, 409, 422})


@dataclass
class WriteFlags:
    """The request-level options of an apply."""

    replace: bool = False
    skip_on_version_conflict: bool = False
    auto_create_direct_relations: bool = True
    auto_create_start_nodes: bool = False
    auto_create_end_nodes: bool = False

    def dump(self) -> dict[str, bool]:
        return {
            "replace": self.replace,
            "skipOnVersionConflict": self.skip_on_version_conflict,
            "autoCreateDirectRelations": self.auto_create_direct_relations,
            "autoCreateStartNodes": self.auto_create_start_nodes,
            "autoCreateEndNodes": self.auto_create_end_nodes,
        }


def _item_id(item: dict[str, Any]) -> NodeId | EdgeId:
    if item["instanceType"] == "edge":
        return EdgeId(item["space"], item["externalId"])
    return NodeId(item["space"], item["externalId"])


class _Graph:
    """Collects the apply items of a set of write objects and everything they hold, once each."""

    def __init__(self, default_space: str | None, replace: bool = False) -> None:
        self.default_space = default_space
        self.replace = replace
        self.nodes: dict[NodeId, dict[str, Any]] = {}
        self.edges: dict[EdgeId, dict[str, Any]] = {}
        self.classic: dict[tuple[type, str], Any] = {}  # classic resources held by properties, by (kind, xid)
        self._seen: set[int] = set()

    def _add(self, table: dict[Any, dict[str, Any]], item: dict[str, Any]) -> None:
        key = _item_id(item)
        previous = table.get(key)
        if previous is None:
            table[key] = item
        elif previous != item:
            raise ValueError(
                f"the {item['instanceType']} {key} is given twice with different content; write it once "
                "(or make both objects equal)"
            )

    def add(self, obj: object) -> None:
        if id(obj) in self._seen:
            return
        self._seen.add(id(obj))
        if self.replace and isinstance(obj, (NodeWrite, EdgeWrite)) and (obj.__pydantic_private__ or {}).get("_subset"):
            raise ValueError(
                f"{type(obj).__name__} {obj.space}:{obj.external_id} comes from an object read with a subset of its "
                "properties (properties=[...]): upsert(replace=True) would clear every property that was not read. "
                "Write it without replace (a patch of the properties read), or read the object whole"
            )
        if isinstance(obj, NodeWrite):
            self._add(self.nodes, obj._apply_item(self.default_space))
            self._classic(obj)
            self._connections(obj)
        elif isinstance(obj, EdgeWrite):
            self._add(self.edges, obj._apply_item(self.default_space))
            self._classic(obj)
            for end in (obj.start_node, obj.end_node):
                if isinstance(end, NodeWrite):
                    self.add(end)
        elif isinstance(obj, _Instance):
            raise TypeError(
                f"upsert takes write objects; {type(obj).__name__} is a read object (use .as_write() to convert it)"
            )
        else:
            raise TypeError(f"upsert takes NodeWrite/EdgeWrite objects, got {type(obj).__name__}: {obj!r}")

    def _classic(self, obj: NodeWrite | EdgeWrite) -> None:
        fields = classic_fields(type(obj))
        if not fields:
            return
        from pygen.instances._classic import classic_values

        for name in fields:
            for resource in classic_values(getattr(obj, name, None)):
                key = (type(resource), resource.external_id)
                previous = self.classic.setdefault(key, resource)
                if previous != resource:
                    raise ValueError(
                        f"the classic {resource._resource} {resource.external_id!r} is given twice with different "
                        "content; write it once (or make both objects equal)"
                    )

    def _connections(self, node: NodeWrite) -> None:
        for name, connection in node._connections.items():
            value = getattr(node, name, None)
            if value is None:
                continue
            values: list[object] = value if isinstance(value, list) else [value]
            if isinstance(connection, DirectRelation):
                for target in values:
                    if isinstance(target, NodeWrite):
                        self.add(target)
            elif isinstance(connection, EdgeConnection):
                for target in values:
                    self._edge(node, connection, target)

    def _edge(self, node: NodeWrite, connection: EdgeConnection, target: object) -> None:
        outwards = connection.direction == "outwards"
        edge = target if isinstance(target, EdgeWrite) else EdgeWrite()
        other = (edge.end_node if outwards else edge.start_node) if isinstance(target, EdgeWrite) else target
        if other is None:
            raise ValueError(
                f"{type(node).__name__} {node.external_id!r}: an edge in an edge connection must set "
                f"{'end_node' if outwards else 'start_node'}"
            )
        if isinstance(other, Node):
            other = other.id
        here = node.node_id(self.default_space)
        there = (
            other.node_id(self.default_space) if isinstance(other, NodeWrite) else as_node_id(other, self.default_space)
        )
        start, end = (here, there) if outwards else (there, here)
        update: dict[str, Any] = {
            "start_node": start,
            "end_node": end,
            "type": edge.type if edge.type is not None else connection.edge_type,
            "space": edge.space or here.space,
            # pygen's convention for edges created from a connection: "{start}:{end}" (unique per edge type
            # and pair in practice); give external_id explicitly for anything else.
            "external_id": edge.external_id or f"{start.external_id}:{end.external_id}",
        }
        self._add(self.edges, edge.model_copy(update=update)._apply_item(self.default_space))
        if isinstance(other, NodeWrite):
            self.add(other)


def write_plan(
    items: object, default_space: str | None, replace: bool = False
) -> tuple[list[Any], list[list[list[dict[str, Any]]]]]:
    """The classic resources the items' properties hold (written first), and the batches to send per phase: all
    node batches, then all edge batches (empty phases dropped)."""
    objs: list[object] = [items] if isinstance(items, _Instance) else list(items)  # type: ignore[call-overload]
    graph = _Graph(default_space, replace)
    for obj in objs:
        graph.add(obj)
    nodes, edges = list(graph.nodes.values()), list(graph.edges.values())
    return list(graph.classic.values()), [chunks for chunks in (batches(nodes), batches(edges)) if chunks]


_classic_fields: dict[type, tuple[str, ...]] = {}


def classic_fields(cls: type) -> tuple[str, ...]:
    """The fields of a write class whose type can hold a classic resource (``ClassicTimeSeries``/``ClassicFile``),
    found once per class from its annotations."""
    known = _classic_fields.get(cls)
    if known is None:
        known = _classic_fields[cls] = tuple(
            name
            for name, info in getattr(cls, "model_fields", {}).items()
            if "ClassicTimeSeries" in repr(info.annotation) or "ClassicFile" in repr(info.annotation)
        )
    return known


def batches(items: Sequence[dict[str, Any]], size: int = MAX_WRITE_ITEMS) -> list[list[dict[str, Any]]]:
    """``items`` in request-sized chunks."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def apply_body(batch: Sequence[dict[str, Any]], flags: WriteFlags) -> dict[str, Any]:
    """The body of ``POST /models/instances`` for one batch."""
    return {"items": list(batch), **flags.dump()}


def apply_results(
    batch: Sequence[dict[str, Any]], response: dict[str, Any], maybe_applied_before: bool = False
) -> list[InstanceResult]:
    """One result per item of ``batch``; items missing from the response were skipped (version conflict).

    ``maybe_applied_before``: an earlier attempt of this request may have been applied, so "not modified"
    and "skipped" may describe that attempt's own write: such items are ``uncertain``.
    """
    by_id: dict[NodeId | EdgeId, dict[str, Any]] = {}
    for row in response.get("items") or []:
        by_id[_item_id(row)] = row
    results: list[InstanceResult] = []
    for item in batch:
        key = _item_id(item)
        row = by_id.get(key)
        if row is None:
            results.append(InstanceResult(key, "uncertain" if maybe_applied_before else "skipped"))
            continue
        status: Status
        if not row.get("wasModified", True):
            status = "uncertain" if maybe_applied_before else "unchanged"
        elif row.get("createdTime") is not None and row.get("createdTime") == row.get("lastUpdatedTime"):
            status = "created"
        else:
            status = "updated"
        results.append(InstanceResult(key, status, row.get("version")))
    return results


def should_split(exc: BaseException, batch: Sequence[object]) -> bool:
    """Split a refused batch to isolate the bad items? Only for item-level 4xx errors."""
    return len(batch) > 1 and isinstance(exc, APIError) and exc.status in _SPLITTABLE


def request_wide(exc: BaseException, halves_outcomes: Sequence[object]) -> bool:
    """Whether a refused batch's error is about the request, not about some of its items.

    Splitting a batch isolates bad items, but an error that no item causes (an unknown view in the
    sources, say) would be probed down to every single item: 2n-1 requests. When both halves are
    refused with exactly the batch's own status and message, the error did not move with any item
    (an item-level message names its item, which is only in one half), so every item of the batch
    is reported failed with it and the splitting stops.
    """
    if not isinstance(exc, APIError):
        return False
    return all(
        isinstance(other, APIError) and other.status == exc.status and other.message == exc.message
        for other in halves_outcomes
    )


def failed_items(batch: Sequence[dict[str, Any]], exc: BaseException) -> list[FailedItem]:
    """Every item of ``batch`` as failed with the reason of ``exc``."""
    reason, status = failure_reason(exc)
    applied = bool(getattr(exc, "maybe_applied", False))
    if applied:
        reason = f"{reason} (an attempt got no answer after sending: the batch may or may not have been applied)"
    elif status is None:
        reason = f"{reason} (no attempt reached the server: nothing was applied)"
    return [FailedItem(_item_id(item), reason, status, exc, applied) for item in batch]


def not_sent_items(batch: Sequence[dict[str, Any]], deadline: Deadline) -> list[FailedItem]:
    """Every item of a batch that was not sent because ``deadline`` passed (certainly not applied)."""
    reason = f"not sent: {deadline.describe()} passed before this batch started"
    return [FailedItem(_item_id(item), reason) for item in batch]


def halves(batch: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The two halves of a batch (for isolating failing items)."""
    middle = len(batch) // 2
    return list(batch[:middle]), list(batch[middle:])


def delete_items(ids: Iterable[object], default_space: str | None) -> list[dict[str, Any]]:
    """The delete items of ids, id-likes (nodes by default) or instance objects, each once."""
    out: dict[NodeId | EdgeId, dict[str, Any]] = {}
    for value in ids:
        key: NodeId | EdgeId
        if isinstance(value, (NodeId, EdgeId)):
            key = value
        elif isinstance(value, _Instance):
            space = getattr(value, "space", None) or default_space
            xid = getattr(value, "external_id", None)
            if value._instance_type == "edge":
                key = as_edge_id((space, xid) if space and xid else value, default_space)
            else:
                key = as_node_id((space, xid) if space and xid else value, default_space)
        else:
            key = as_node_id(value, default_space)
        out[key] = key.dump_instance()
    return list(out.values())
