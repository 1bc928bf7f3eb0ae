"""cognite-sdk tour, part 2: instances through views: apply, retrieve, list with every filter kind, sort, search,
aggregate, histogram, graph queries with cursors, delete, and the errors (code and the item named).

The module's data (``_official_sdk_support.ASSETS``, ``FLOWS``, ``FEEDS``) live in one fresh space; every expected
answer is computed from those rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from _official_sdk_support import (
    ASSETS,
    BASE,
    BY_XID,
    FEEDS,
    FLOWS,
    AssetRow,
    Schema,
    edge_applies,
    iso,
    node_applies,
    parse_time,
    xids,
)
from cognite.client import CogniteClient
from cognite.client.data_classes import aggregations, filters
from cognite.client.data_classes.data_modeling import (
    EdgeApply,
    EdgeId,
    Float64,
    InstancesApplyResult,
    InstanceSort,
    Int64,
    NodeApply,
    NodeId,
    NodeOrEdgeData,
    Text,
    ViewId,
)
from cognite.client.data_classes.data_modeling.query import (
    EdgeResultSetExpression,
    Intersection,
    NodeResultSetExpression,
    Query,
    QueryResult,
    Select,
    SourceSelector,
    Union,
    UnionAll,
)
from cognite.client.exceptions import CogniteAPIError

pytestmark = pytest.mark.xdist_group("official_sdk")


@dataclass(frozen=True)
class Tour:
    schema: Schema
    applied: InstancesApplyResult


@pytest.fixture(scope="module")
def tour(client: CogniteClient, fresh_space: Callable[[str], str]) -> Tour:
    """The schema (containers, views, data model) and the data, written once for the module."""
    schema = Schema(fresh_space("sdk_inst"), fresh_space("sdk_inst_types"))
    dm = client.data_modeling
    dm.containers.apply(schema.containers())
    dm.views.apply(schema.views())
    dm.data_models.apply(schema.data_model())
    applied = dm.instances.apply(nodes=node_applies(schema), edges=edge_applies(schema))
    return Tour(schema, applied)


# ---------------------------------------------------------------------------------------------- apply, retrieve


def test_apply_result_and_noop_reapply(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    assert sorted(n.external_id for n in tour.applied.nodes) == sorted(xids(ASSETS))
    assert sorted(e.external_id for e in tour.applied.edges) == sorted(
        [r.xid for r in FLOWS] + [x for x, _, _ in FEEDS]
    )
    assert all(r.was_modified and r.space == schema.space for r in [*tour.applied.nodes, *tour.applied.edges])
    versions = {n.external_id: n.version for n in tour.applied.nodes}

    # writing the same values again changes nothing
    again = client.data_modeling.instances.apply(nodes=node_applies(schema)[:3])
    assert [(n.external_id, n.was_modified) for n in again.nodes] == [(r.xid, False) for r in ASSETS[:3]]
    assert {n.external_id: n.version for n in again.nodes} == {r.xid: versions[r.xid] for r in ASSETS[:3]}


def test_retrieve_nodes_and_edges_with_sources(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    instances = client.data_modeling.instances
    wanted = [NodeId(schema.space, r.xid) for r in ASSETS] + [NodeId(schema.space, "no_such_node")]
    result = instances.retrieve(nodes=wanted, sources=[schema.asset])
    assert sorted(n.external_id for n in result.nodes) == sorted(xids(ASSETS))  # the missing id is left out
    for node in result.nodes:
        row = BY_XID[node.external_id]
        props = node.properties[schema.asset]
        assert props["name"] == row.name and props["code"] == row.code
        assert props["value"] == pytest.approx(row.value)
        assert props.get("count") == row.count  # a null property is left out
        assert props["tags"] == list(row.tags)  # a list keeps its order
        assert parse_time(str(props["start"])) == row.start and parse_time(str(props["end"])) == row.end
        assert props.get("parent") == ({"space": schema.space, "externalId": row.parent} if row.parent else None)
        assert props["active"] is row.active
        assert "power" not in props

    # through the Pump view: only the pumps have data in it; they carry the inherited properties too
    pumps = instances.retrieve(nodes=wanted, sources=[schema.pump]).nodes
    assert xids(pumps) == {r.xid for r in ASSETS if r.power is not None}
    for node in pumps:
        props = node.properties[schema.pump]
        assert props["power"] == BY_XID[node.external_id].power and props["name"] == BY_XID[node.external_id].name

    edges = instances.retrieve(edges=[EdgeId(schema.space, r.xid) for r in FLOWS], sources=[schema.flow]).edges
    assert sorted(e.external_id for e in edges) == [r.xid for r in FLOWS]
    for edge, flow in zip(sorted(edges, key=lambda e: e.external_id), FLOWS, strict=True):
        assert edge.type == schema.flows
        assert (edge.start_node.external_id, edge.end_node.external_id) == (flow.start, flow.end)
        assert edge.properties[schema.flow]["rate"] == flow.rate

    # without sources: the instance without properties; a missing id answers nothing
    [bare] = instances.retrieve(nodes=(schema.space, "a03")).nodes
    assert bare.external_id == "a03" and len(bare.properties) == 0
    assert len(instances.retrieve(nodes=(schema.space, "no_such_node")).nodes) == 0


def test_list_with_typing(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    listed = client.data_modeling.instances.list(
        sources=[schema.asset], space=schema.space, include_typing=True, limit=-1
    )
    assert xids(listed) == xids(ASSETS)
    assert listed.typing is not None
    types = listed.typing[schema.space][schema.asset.as_source_identifier()]
    assert isinstance(types["value"].type, Float64) and isinstance(types["count"].type, Int64)
    assert isinstance(types["tags"].type, Text) and types["tags"].type.is_list
    assert types["name"].nullable is False and types["count"].nullable is True


def test_apply_patch_replace_and_auto_create(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    instances = client.data_modeling.instances
    space = schema.space
    full = {"name": "patch me", "code": "X", "value": 2.5, "tags": ["a", "b"]}
    instances.apply(NodeApply(space, "p1", sources=[NodeOrEdgeData(schema.asset, full)]))
    try:
        # a write patches: the properties left out keep their values
        instances.apply(NodeApply(space, "p1", sources=[NodeOrEdgeData(schema.asset, {"value": 3.5})]))
        [node] = instances.retrieve(nodes=(space, "p1"), sources=[schema.asset]).nodes
        assert dict(node.properties[schema.asset]) == {**full, "value": 3.5}
        # null clears one property
        instances.apply(NodeApply(space, "p1", sources=[NodeOrEdgeData(schema.asset, {"tags": None})]))
        [node] = instances.retrieve(nodes=(space, "p1"), sources=[schema.asset]).nodes
        assert node.properties[schema.asset].get("tags") is None and node.properties[schema.asset]["code"] == "X"
        # replace=True: the properties left out of the container are cleared (none has a default value)
        instances.apply(NodeApply(space, "p1", sources=[NodeOrEdgeData(schema.asset, {"name": "new"})]), replace=True)
        [node] = instances.retrieve(nodes=(space, "p1"), sources=[schema.asset]).nodes
        assert {k: v for k, v in node.properties[schema.asset].items() if v is not None} == {"name": "new"}

        # a direct relation to a node that does not exist creates it (autoCreateDirectRelations defaults to true)
        child = {"name": "child", "parent": {"space": space, "externalId": "p_parent"}}
        instances.apply(NodeApply(space, "p_child", sources=[NodeOrEdgeData(schema.asset, child)]))
        assert xids(instances.retrieve(nodes=[(space, "p_parent")]).nodes) == {"p_parent"}
        # an edge between nodes that do not exist, with both auto-create flags (as cognite-sdk-python's
        # integration test against CDF does: test_apply_auto_create_nodes)
        edge = EdgeApply(space, "p_edge", type=schema.feeds, start_node=(space, "p_start"), end_node=(space, "p_end"))
        applied = instances.apply(edges=edge, auto_create_start_nodes=True, auto_create_end_nodes=True)
        assert [e.external_id for e in applied.edges] == ["p_edge"]
        assert xids(instances.retrieve(nodes=[(space, "p_start"), (space, "p_end")]).nodes) == {"p_start", "p_end"}
    finally:
        created = ["p1", "p_child", "p_parent", "p_start", "p_end"]
        instances.delete(nodes=[NodeId(space, x) for x in created])
    assert xids(instances.list(space=space, limit=-1)) == xids(ASSETS)


# ---------------------------------------------------------------------------------------------- list with filters

WINDOW_START = BASE + timedelta(days=7, hours=12)  # between the start/end timestamps of the data, never on one
WINDOW_END = BASE + timedelta(days=12, hours=12)


def _overlaps(row: AssetRow) -> bool:
    return row.start <= WINDOW_END and row.end >= WINDOW_START


FilterCase = tuple[Callable[[Schema], filters.Filter], Callable[[AssetRow], bool]]
FILTERS: dict[str, FilterCase] = {
    "equals": (lambda s: filters.Equals(s.a("name"), "Valve beta 01"), lambda r: r.name == "Valve beta 01"),
    "equals-node-external-id": (lambda s: filters.Equals(["node", "externalId"], "a07"), lambda r: r.xid == "a07"),
    "equals-direct-relation": (
        lambda s: filters.Equals(s.a("parent"), {"space": s.space, "externalId": "a02"}),
        lambda r: r.parent == "a02",
    ),
    "in": (lambda s: filters.In(s.a("code"), ["P", "C"]), lambda r: r.code in ("P", "C")),
    "range": (lambda s: filters.Range(s.a("value"), gte=10, lt=30), lambda r: 10 <= r.value < 30),
    "range-int": (
        lambda s: filters.Range(s.a("count"), gt=20, lte=80),
        lambda r: r.count is not None and 20 < r.count <= 80,
    ),
    "range-timestamp": (
        lambda s: filters.Range(s.a("start"), gt=iso(BASE + timedelta(days=13))),
        lambda r: r.start > BASE + timedelta(days=13),
    ),
    "prefix": (lambda s: filters.Prefix(s.a("name"), "Pump"), lambda r: r.name.startswith("Pump")),
    "prefix-external-id": (lambda s: filters.Prefix(["node", "externalId"], "a1"), lambda r: r.xid.startswith("a1")),
    "exists": (lambda s: filters.Exists(s.a("count")), lambda r: r.count is not None),
    # an empty list exists (cognite-sdk-python's integration test against CDF, test_exists_filter_on_lists):
    # every asset was written with a tags list, [] for a00 and a08
    "exists-list": (lambda s: filters.Exists(s.a("tags")), lambda r: True),
    "is-null": (lambda s: filters.IsNull(s.a("parent")), lambda r: r.parent is None),
    "contains-any": (
        lambda s: filters.ContainsAny(s.a("tags"), ["wet", "old"]),
        lambda r: bool({"wet", "old"} & set(r.tags)),
    ),
    "contains-all": (
        lambda s: filters.ContainsAll(s.a("tags"), ["hot", "wet"]),
        lambda r: {"hot", "wet"} <= set(r.tags),
    ),
    "nested": (
        lambda s: filters.Nested(s.a("parent"), filters.Equals(s.a("name"), "Valve beta 01")),
        lambda r: r.parent == "a01",
    ),
    "overlaps": (
        lambda s: filters.Overlaps(s.a("start"), s.a("end"), gte=iso(WINDOW_START), lte=iso(WINDOW_END)),
        _overlaps,
    ),
    "has-data-view": (lambda s: filters.HasData(views=[s.pump]), lambda r: r.power is not None),
    "has-data-container": (lambda s: filters.HasData(containers=[s.pump_container]), lambda r: r.power is not None),
    "and": (
        lambda s: filters.And(filters.Prefix(s.a("name"), "Pump"), filters.Range(s.a("value"), gt=10)),
        lambda r: r.name.startswith("Pump") and r.value > 10,
    ),
    "or": (
        lambda s: filters.Or(filters.Equals(s.a("code"), "V"), filters.Equals(s.a("active"), True)),
        lambda r: r.code == "V" or r.active,
    ),
    "not": (lambda s: filters.Not(filters.In(s.a("code"), ["P", "V"])), lambda r: r.code not in ("P", "V")),
    "match-all": (lambda s: filters.MatchAll(), lambda r: True),
    "space": (lambda s: filters.SpaceFilter([s.space, "sdkNoSuchSpace"]), lambda r: True),
    "instance-references": (
        lambda s: filters.InstanceReferences([(s.space, "a02"), (s.space, "a05"), (s.space, "nope")]),
        lambda r: r.xid in ("a02", "a05"),
    ),
    "nested-and-not": (
        lambda s: filters.And(
            filters.Nested(s.a("parent"), filters.Prefix(s.a("name"), "Pump")),
            filters.Not(filters.ContainsAny(s.a("tags"), ["hot"])),
        ),
        lambda r: r.parent is not None and BY_XID[r.parent].name.startswith("Pump") and "hot" not in r.tags,
    ),
}


@pytest.mark.parametrize("case", list(FILTERS))
def test_list_filter(client: CogniteClient, tour: Tour, case: str) -> None:
    build, predicate = FILTERS[case]
    expected = {r.xid for r in ASSETS if predicate(r)}
    assert expected, "a filter case must select something"
    space = None if case == "space" else tour.schema.space
    listed = client.data_modeling.instances.list(
        instance_type="node", sources=[tour.schema.asset], space=space, filter=build(tour.schema), limit=-1
    )
    assert xids(listed) == expected
    assert len(listed) == len(expected)  # no duplicates


def test_list_edges_with_filters(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    instances = client.data_modeling.instances
    by_type = instances.list(
        instance_type="edge", space=schema.space, filter=filters.Equals(["edge", "type"], schema.flows.dump()), limit=-1
    )
    assert xids(by_type) == {r.xid for r in FLOWS}
    feeds = instances.list(
        instance_type="edge", space=schema.space, filter=filters.Equals(["edge", "type"], schema.feeds.dump()), limit=-1
    )
    assert xids(feeds) == {x for x, _, _ in FEEDS}
    from_a05 = instances.list(
        instance_type="edge",
        space=schema.space,
        filter=filters.Equals(["edge", "startNode"], {"space": schema.space, "externalId": "a05"}),
    )
    assert xids(from_a05) == {r.xid for r in FLOWS if r.start == "a05"}
    fast = instances.list(
        instance_type="edge",
        sources=[schema.flow],
        space=schema.space,
        filter=filters.Range(schema.flow.as_property_ref("rate"), gt=3),
        sort=InstanceSort(schema.flow.as_property_ref("rate"), "descending"),
        limit=-1,
    )
    expected = sorted((r for r in FLOWS if r.rate > 3), key=lambda r: -r.rate)
    assert [e.external_id for e in fast] == [r.xid for r in expected]
    assert [e.properties[schema.flow]["rate"] for e in fast] == [r.rate for r in expected]


def test_list_sort_and_limit(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    instances = client.data_modeling.instances
    by_value = instances.list(
        sources=[schema.asset], space=schema.space, sort=InstanceSort(schema.a("value"), "descending"), limit=-1
    )
    assert [n.external_id for n in by_value] == [r.xid for r in sorted(ASSETS, key=lambda r: -r.value)]

    two_keys = instances.list(
        sources=[schema.asset],
        space=schema.space,
        sort=[InstanceSort(schema.a("code"), "ascending"), InstanceSort(schema.a("name"), "descending")],
        limit=-1,
    )
    expected = sorted(sorted(ASSETS, key=lambda r: r.name, reverse=True), key=lambda r: r.code)
    assert [n.external_id for n in two_keys] == [r.xid for r in expected]

    first = instances.list(
        sources=[schema.asset], space=schema.space, sort=InstanceSort(["node", "externalId"], "ascending"), limit=5
    )
    assert [n.external_id for n in first] == sorted(xids(ASSETS))[:5]
    assert len(instances.list(space=schema.space, limit=3)) == 3


# ---------------------------------------------------------------------------------------------- search, aggregate


def test_search(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    search = client.data_modeling.instances.search
    alpha = search(schema.asset, "alpha", properties=["name"], space=schema.space)
    assert xids(alpha) == {r.xid for r in ASSETS if "alpha" in r.name.split()}
    both = search(schema.asset, "pump alpha", properties=["name"], operator="AND", space=schema.space)
    assert xids(both) == {r.xid for r in ASSETS if {"Pump", "alpha"} <= set(r.name.split())}
    either = search(schema.asset, "alpha beta", properties=["name"], operator="OR", space=schema.space)
    assert xids(either) == {r.xid for r in ASSETS if {"alpha", "beta"} & set(r.name.split())}
    filtered = search(
        schema.asset, "valve", space=schema.space, filter=filters.Range(schema.a("value"), gt=10), limit=100
    )
    assert xids(filtered) == {r.xid for r in ASSETS if r.name.startswith("Valve") and r.value > 10}
    everything = search(schema.asset, None, space=schema.space, limit=-1)
    assert xids(everything) == xids(ASSETS)
    assert len(search(schema.asset, "zzzunknownword", space=schema.space)) == 0


def test_aggregate(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    aggregate = client.data_modeling.instances.aggregate
    count = aggregate(schema.asset, aggregations.Count("externalId"), space=schema.space)
    assert count.value == len(ASSETS)

    values = [r.value for r in ASSETS]
    avg, low, high, total = aggregate(
        schema.asset,
        [
            aggregations.Avg("value"),
            aggregations.Min("value"),
            aggregations.Max("value"),
            aggregations.Sum("value"),
        ],
        space=schema.space,
    )
    assert (avg.property, low.property, high.property, total.property) == ("value",) * 4
    assert avg.value == pytest.approx(sum(values) / len(values))
    assert (low.value, high.value) == (pytest.approx(min(values)), pytest.approx(max(values)))
    assert total.value == pytest.approx(sum(values))

    counts = [r.count for r in ASSETS if r.count is not None]
    count_of_count, sum_of_count = aggregate(
        schema.asset, [aggregations.Count("count"), aggregations.Sum("count")], space=schema.space
    )
    assert count_of_count.value == len(counts) and sum_of_count.value == pytest.approx(sum(counts))

    pumps = aggregate(schema.pump, aggregations.Sum("power"), space=schema.space)
    assert pumps.value == pytest.approx(sum(r.power for r in ASSETS if r.power is not None))

    filtered = aggregate(
        schema.asset, aggregations.Max("value"), space=schema.space, filter=filters.Equals(schema.a("code"), "V")
    )
    assert filtered.value == pytest.approx(max(r.value for r in ASSETS if r.code == "V"))

    grouped = aggregate(
        schema.asset, [aggregations.Count("externalId"), aggregations.Sum("value")], group_by="code", space=schema.space
    )
    by_code = {g.group["code"]: (g.aggregates[0].value, g.aggregates[1].value) for g in grouped}
    expected_counts = Counter(r.code for r in ASSETS)
    assert set(by_code) == set(expected_counts)
    for code, (n, value_sum) in by_code.items():
        assert n == expected_counts[code]
        assert value_sum == pytest.approx(sum(r.value for r in ASSETS if r.code == code))

    two_groups = aggregate(
        schema.asset, aggregations.Count("externalId"), group_by=["code", "active"], space=schema.space
    )
    got = {(g.group["code"], g.group["active"]): g.aggregates[0].value for g in two_groups}
    assert got == dict(Counter((r.code, r.active) for r in ASSETS))


def test_histogram(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    interval = 10.0
    histogram = client.data_modeling.instances.histogram(
        schema.asset, aggregations.Histogram("value", interval=interval), space=schema.space
    )
    assert histogram.property == "value" and histogram.interval == interval
    expected = Counter(interval * (r.value // interval) for r in ASSETS)
    got = {b.start: b.count for b in histogram.buckets if b.count}
    assert got == expected
    assert sum(b.count for b in histogram.buckets) == len(ASSETS)
    assert all(b.start % interval == 0 for b in histogram.buckets)
    assert [b.start for b in histogram.buckets] == sorted(b.start for b in histogram.buckets)


# ---------------------------------------------------------------------------------------------- query


def _children(xid_set: set[str]) -> set[str]:
    return {r.xid for r in ASSETS if r.parent in xid_set}


def _flows_from(starts: set[str], *, hops: int | None) -> set[str]:
    """The flow edges reached from ``starts`` going outwards, at most ``hops`` edges deep (None: any depth)."""
    found: set[str] = set()
    frontier, depth = set(starts), 0
    while frontier and (hops is None or depth < hops):
        step = [r for r in FLOWS if r.start in frontier and r.xid not in found]
        found |= {r.xid for r in step}
        frontier, depth = {r.end for r in step}, depth + 1
    return found


def _flows_into(ends: set[str]) -> set[str]:
    found: set[str] = set()
    frontier = set(ends)
    while frontier:
        step = [r for r in FLOWS if r.end in frontier and r.xid not in found]
        found |= {r.xid for r in step}
        frontier = {r.start for r in step}
    return found


def test_query_multi_hop(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    parent = schema.asset.as_property_ref("parent")
    in_space = filters.Equals(["node", "space"], schema.space)
    flows = filters.Equals(["edge", "type"], schema.flows.dump())
    with_ = {
        "root": NodeResultSetExpression(filter=filters.And(in_space, filters.Equals(["node", "externalId"], "a00"))),
        "children": NodeResultSetExpression(from_="root", through=parent, direction="inwards"),
        "grandchildren": NodeResultSetExpression(from_="children", through=parent, direction="inwards"),
        "leaf": NodeResultSetExpression(filter=filters.And(in_space, filters.Equals(["node", "externalId"], "a09"))),
        "leaf_parent": NodeResultSetExpression(from_="leaf", through=parent, direction="outwards"),
        "leaf_grandparent": NodeResultSetExpression(from_="leaf_parent", through=parent, direction="outwards"),
        "flows_out": EdgeResultSetExpression(from_="children", direction="outwards", filter=flows, max_distance=1),
        "flow_targets": NodeResultSetExpression(from_="flows_out"),
        "flow_sources": NodeResultSetExpression(from_="flows_out", chain_to="source"),
        "flows_deep": EdgeResultSetExpression(from_="children", direction="outwards", filter=flows),
        "flows_in": EdgeResultSetExpression(from_="leaf", direction="inwards", filter=flows),
        "pumps_below": NodeResultSetExpression(
            from_="children", through=parent, direction="inwards", filter=filters.HasData(views=[schema.pump])
        ),
    }
    node_select = Select([SourceSelector(schema.asset, ["name", "value"])])
    edge_select = Select([SourceSelector(schema.flow, ["rate"])])
    select = {name: edge_select if name.startswith("flows_") else node_select for name in with_}
    result = client.data_modeling.instances.query(Query(with_=with_, select=select))

    children = _children({"a00"})
    grandchildren = _children(children)
    expected_nodes = {
        "root": {"a00"},
        "children": children,
        "grandchildren": grandchildren,
        "leaf": {"a09"},
        "leaf_parent": {BY_XID["a09"].parent},
        "leaf_grandparent": {BY_XID[str(BY_XID["a09"].parent)].parent},
        "flow_targets": {r.end for r in FLOWS if r.xid in _flows_from(children, hops=1)},
        "flow_sources": {r.start for r in FLOWS if r.xid in _flows_from(children, hops=1)},
        "pumps_below": {x for x in grandchildren if BY_XID[x].power is not None},
    }
    expected_edges = {
        "flows_out": _flows_from(children, hops=1),
        "flows_deep": _flows_from(children, hops=None),
        "flows_in": _flows_into({"a09"}),
    }
    assert set(result) == set(with_)
    for name, expected in expected_nodes.items():
        nodes = result.get_nodes(name)
        assert xids(nodes) == expected, name
        for node in nodes:
            assert dict(node.properties[schema.asset]) == pytest.approx(
                {"name": BY_XID[node.external_id].name, "value": BY_XID[node.external_id].value}
            ), name
    for name, expected in expected_edges.items():
        edges = result.get_edges(name)
        assert xids(edges) == expected, name
        rates = {r.xid: r.rate for r in FLOWS}
        assert {e.external_id: e.properties[schema.flow]["rate"] for e in edges} == {x: rates[x] for x in expected}
    # sanity of the data: every hop found something and the deep traversal went further than one hop
    assert all(expected_nodes.values()) and expected_edges["flows_deep"] > expected_edges["flows_out"]
    assert len(expected_edges["flows_in"]) == 2


def test_query_set_operations(client: CogniteClient, tour: Tour) -> None:
    """As in cognite-sdk-python's integration test against CDF (test_set_operation_result_expressions)."""
    schema = tour.schema
    in_space = filters.Equals(["node", "space"], schema.space)
    with_ = {
        "pumps": NodeResultSetExpression(filter=filters.And(in_space, filters.HasData(views=[schema.pump]))),
        "pumps_again": NodeResultSetExpression(filter=filters.And(in_space, filters.Prefix(schema.a("name"), "Pump"))),
        "valves": NodeResultSetExpression(filter=filters.And(in_space, filters.Equals(schema.a("code"), "V"))),
        "cheap": NodeResultSetExpression(filter=filters.And(in_space, filters.Range(schema.a("value"), lt=20))),
        "union": Union(["pumps", "valves", "pumps_again"]),
        "union_all": UnionAll(["pumps", "pumps_again"]),
        "intersection": Intersection(["pumps", "cheap"]),
        "except": Union(["pumps", "valves"], except_=["cheap"]),
    }
    select = {name: Select() for name in ("union", "union_all", "intersection", "except")}
    result = client.data_modeling.instances.query(Query(with_=with_, select=select))
    pumps = {r.xid for r in ASSETS if r.power is not None}
    valves = {r.xid for r in ASSETS if r.code == "V"}
    cheap = {r.xid for r in ASSETS if r.value < 20}
    assert pumps == {r.xid for r in ASSETS if r.name.startswith("Pump")}  # the same set, found two ways
    assert set(result) == set(select)
    assert sorted(n.external_id for n in result["union"]) == sorted(pumps | valves)
    assert sorted(n.external_id for n in result["union_all"]) == sorted([*pumps, *pumps])  # duplicates kept
    assert xids(result["intersection"]) == pumps & cheap
    assert xids(result["except"]) == (pumps | valves) - cheap


def _page_query(client: CogniteClient, query: Query, name: str) -> list[QueryResult]:
    pages = [client.data_modeling.instances.query(query)]
    while (cursor := pages[-1].cursors.get(name)) and len(pages) < 20:
        query.cursors = {**dict.fromkeys(query.with_), name: cursor}
        pages.append(client.data_modeling.instances.query(query))
    return pages


def test_query_cursors_per_expression(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    parent = schema.asset.as_property_ref("parent")
    in_space = filters.Equals(["node", "space"], schema.space)
    select = Select([SourceSelector(schema.asset, ["name"])])

    # a root expression paged 5 at a time
    query = Query(
        with_={
            "all": NodeResultSetExpression(filter=filters.And(in_space, filters.HasData(views=[schema.asset])), limit=5)
        },
        select={"all": select},
    )
    pages = _page_query(client, query, "all")
    sizes = [len(page["all"]) for page in pages]
    seen = [n.external_id for page in pages for n in page["all"]]
    assert sorted(seen) == sorted(xids(ASSETS))  # every asset exactly once
    assert sizes[:3] == [5, 5, 2] and sum(sizes) == len(ASSETS)

    # an expression chained from another one, paged 2 at a time while its source stays on its only page
    query = Query(
        with_={
            "root": NodeResultSetExpression(
                filter=filters.And(in_space, filters.Equals(["node", "externalId"], "a00"))
            ),
            "children": NodeResultSetExpression(from_="root", through=parent, direction="inwards", limit=2),
        },
        select={"root": select, "children": select},
    )
    pages = _page_query(client, query, "children")
    assert all(xids(page["root"]) == {"a00"} for page in pages)
    seen = [n.external_id for page in pages for n in page["children"]]
    assert sorted(seen) == sorted(_children({"a00"}))
    assert len(pages[0]["children"]) == 2 and len(pages) >= 2


# ---------------------------------------------------------------------------------------------- delete


def test_delete_node_takes_its_edges(client: CogniteClient, tour: Tour) -> None:
    schema = tour.schema
    instances = client.data_modeling.instances
    space = schema.space
    props = {"name": "temporary", "code": "T", "value": 1.0}
    instances.apply(
        nodes=[NodeApply(space, x, sources=[NodeOrEdgeData(schema.asset, props)]) for x in ("t1", "t2", "t3")],
        edges=[
            EdgeApply(space, "t1-t2", type=schema.flows, start_node=(space, "t1"), end_node=(space, "t2")),
            EdgeApply(space, "t2-t3", type=schema.flows, start_node=(space, "t2"), end_node=(space, "t3")),
            EdgeApply(space, "t1-t3", type=schema.flows, start_node=(space, "t1"), end_node=(space, "t3")),
        ],
    )
    deleted = instances.delete(nodes=[NodeId(space, "t2")], edges=[EdgeId(space, "t1-t3")])
    assert [n.external_id for n in deleted.nodes] == ["t2"]
    assert [e.external_id for e in deleted.edges] == ["t1-t3"]
    left = instances.retrieve(
        nodes=[NodeId(space, x) for x in ("t1", "t2", "t3")],
        edges=[EdgeId(space, x) for x in ("t1-t2", "t2-t3", "t1-t3")],
    )
    assert xids(left.nodes) == {"t1", "t3"}
    assert len(left.edges) == 0  # the edges of t2 went with it
    instances.delete(nodes=[NodeId(space, "t1"), NodeId(space, "t3")])
    # deleting what does not exist deletes nothing, without an error (cognite-sdk-python's integration test
    # against CDF, test_delete_non_existent)
    nothing = instances.delete(nodes=NodeId(space, "t2"), edges=EdgeId(space, "never"))
    assert (nothing.nodes, nothing.edges) == ([], [])
    assert xids(instances.list(space=space, limit=-1)) == xids(ASSETS)


# ---------------------------------------------------------------------------------------------- errors


def test_error_filter_on_unknown_property(client: CogniteClient, tour: Tour) -> None:
    with pytest.raises(CogniteAPIError) as caught:
        client.data_modeling.instances.list(
            sources=[tour.schema.asset], filter=filters.Equals(tour.schema.a("noSuchProperty"), 1)
        )
    assert caught.value.code == 400
    assert "noSuchProperty" in caught.value.message, caught.value.message


def test_error_duplicate_external_id_in_one_apply(client: CogniteClient, tour: Tour) -> None:
    space = tour.schema.space
    node = NodeApply(space, "dup", sources=[NodeOrEdgeData(tour.schema.asset, {"name": "dup"})])
    items = [node, NodeApply(space, "other"), node]
    with pytest.raises(CogniteAPIError) as caught:
        client.data_modeling.instances.apply(nodes=items)
    assert caught.value.code == 400
    # nothing of the request was written
    assert len(client.data_modeling.instances.retrieve(nodes=[(space, "dup"), (space, "other")]).nodes) == 0
    # instances.apply (8.x) keeps the error's `duplicated` list only for a 409 (TasksSummary._inspect_exceptions),
    # so the item at fault is checked on the same request sent with the SDK's generic post, which keeps it
    body = {"items": [item.dump() for item in items]}
    with pytest.raises(CogniteAPIError) as caught:
        client.post(f"/api/v1/projects/{client.config.project}/models/instances", json=body)
    assert caught.value.code == 400
    assert [dict(item) for item in caught.value.duplicated or []] == [{"space": space, "externalId": "dup"}], str(
        caught.value
    )


def test_error_unknown_view(client: CogniteClient, tour: Tour) -> None:
    space = tour.schema.space
    ghost = ViewId(space, "GhostView", "v1")
    with pytest.raises(CogniteAPIError) as caught:
        client.data_modeling.instances.apply(NodeApply(space, "ghost", sources=[NodeOrEdgeData(ghost, {"x": 1})]))
    assert caught.value.code == 400
    _names(caught.value, "GhostView")
    with pytest.raises(CogniteAPIError) as caught:
        client.data_modeling.instances.list(sources=[ghost], space=space)
    assert caught.value.code == 400
    _names(caught.value, "GhostView")
    assert len(client.data_modeling.instances.retrieve(nodes=(space, "ghost")).nodes) == 0


def test_error_wrong_value_type_and_missing_required(client: CogniteClient, tour: Tour) -> None:
    space = tour.schema.space
    bad = NodeApply(space, "bad", sources=[NodeOrEdgeData(tour.schema.asset, {"name": "bad", "count": "twelve"})])
    with pytest.raises(CogniteAPIError) as caught:
        client.data_modeling.instances.apply(bad)
    assert caught.value.code == 400
    assert re.search(r"\bcount\b", caught.value.message), caught.value.message
    # a required property (name: nullable=False) left out of a new node
    anonymous = NodeApply(space, "anon", sources=[NodeOrEdgeData(tour.schema.asset, {"code": "X"})])
    with pytest.raises(CogniteAPIError) as caught:
        client.data_modeling.instances.apply(anonymous)
    assert caught.value.code == 400
    assert re.search(r"\bname\b", caught.value.message), caught.value.message
    assert len(client.data_modeling.instances.retrieve(nodes=[(space, "bad"), (space, "anon")]).nodes) == 0


def test_errors_known_from_cdf(client: CogniteClient, tour: Tour) -> None:
    """Errors whose CDF answers cognite-sdk-python's integration tests check against a real project
    (tests/tests_integration/test_api/test_data_modeling/test_instances.py: ``test_apply_invalid_node_data``,
    ``test_search_node_data_with_invalid_property``, ``test_aggregate_invalid_view_id``)."""
    schema = tour.schema
    instances = client.data_modeling.instances
    node = NodeApply(
        schema.space,
        "invalid",
        sources=[NodeOrEdgeData(schema.asset, {"name": "x", "invalidProperty": "invalidValue"})],
    )
    with pytest.raises(CogniteAPIError) as caught:
        instances.apply(node)
    assert caught.value.code == 400
    assert "invalidProperty" in caught.value.message, caught.value.message
    assert len(instances.retrieve(nodes=(schema.space, "invalid")).nodes) == 0

    with pytest.raises(CogniteAPIError) as caught:
        instances.search(schema.asset, query="alpha", properties=["invalidProperty"])
    assert caught.value.code == 400
    assert "Unknown property" in caught.value.message, caught.value.message
    assert "invalidProperty" in caught.value.message, caught.value.message

    ghost = ViewId("myNonExistingSpace", "myNonExistingView", "myNonExistingVersion")
    with pytest.raises(CogniteAPIError) as caught:
        instances.aggregate(ghost, aggregations.Count("externalId"), instance_type="node", limit=10)
    assert caught.value.code == 400
    assert "One or more views do not exist: " in caught.value.message, caught.value.message
    assert ghost.as_source_identifier() in caught.value.message, caught.value.message


def test_error_query_from_unknown_expression(client: CogniteClient, tour: Tour) -> None:
    query = Query(
        with_={"kids": NodeResultSetExpression(from_="noSuchExpression", through=tour.schema.a("parent"))},
        select={"kids": Select()},
    )
    with pytest.raises(CogniteAPIError) as caught:
        client.data_modeling.instances.query(query)
    assert caught.value.code == 400
    assert "noSuchExpression" in caught.value.message, caught.value.message


def _names(error: CogniteAPIError, external_id: str) -> None:
    """The error's message or its ``missing`` list names ``external_id``."""
    missing = [item.get("externalId") for item in error.missing or [] if isinstance(item, dict)]
    assert external_id in error.message or external_id in missing, str(error)
