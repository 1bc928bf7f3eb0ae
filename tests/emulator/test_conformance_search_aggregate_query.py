"""``/models/instances/search``, ``/aggregate`` and ``/query`` (docs/dms.md, Instances) on the Omni dataset."""

from __future__ import annotations

from typing import Any

import pytest
from _conformance import Api, node_ref, props, view_ref, xids

PUMPS = ["p1", "p2", "p3", "p4", "p5"]


def P(space: str, prop: str) -> list[str]:
    return [space, "Pump/v1", prop]


# ---------------------------------------------------------------------------------------------- search


def _search(api: Api, space: str, **body: Any) -> list[dict[str, Any]]:
    request = {"view": view_ref(space, "Pump"), **body}
    items: list[dict[str, Any]] = api.post("/models/instances/search", request)["items"]
    return items


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"query": "pump", "properties": ["name"]}, ["p1", "p2"]),
        ({"query": "pump", "properties": ["description"]}, ["p1"]),
        ({"query": "valve"}, ["p3"]),
        ({"query": "Alpha pump", "properties": ["name"], "operator": "AND"}, ["p1"]),
        ({"query": "Alpha pump", "properties": ["name"], "operator": "OR"}, ["p1", "p2", "p4"]),
        ({}, PUMPS),
    ],
    ids=["name", "description", "all-text-props", "and", "or", "no-query"],
)
def test_search(api: Api, dataset_space: str, body: dict[str, Any], expected: list[str]) -> None:
    assert sorted(xids(_search(api, dataset_space, **body))) == expected


def test_search_with_filter(api: Api, dataset_space: str) -> None:
    space = dataset_space
    filter_ = {"equals": {"property": P(space, "status"), "value": "stopped"}}
    items = _search(api, space, query="pump", properties=["name"], filter=filter_)
    assert xids(items) == ["p2"]


def test_search_returns_view_properties(api: Api, dataset_space: str) -> None:
    space = dataset_space
    [item] = _search(api, space, query="Beta", properties=["name"])
    assert props(item, view_ref(space, "Pump"))["name"] == "Beta pump"


def test_search_limit(api: Api, dataset_space: str) -> None:
    items = _search(api, dataset_space, query="pump", properties=["name"], operator="OR", limit=1)
    assert len(items) == 1 and items[0]["externalId"] in {"p1", "p2"}


def test_search_sort(api: Api, dataset_space: str) -> None:
    space = dataset_space
    items = _search(api, space, sort=[{"property": P(space, "count"), "direction": "descending"}])
    assert xids(items) == ["p3", "p5", "p2", "p1", "p4"]


def test_search_edges(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {"view": view_ref(space, "Flow"), "instanceType": "edge"}
    assert sorted(xids(api.post("/models/instances/search", body)["items"])) == ["e1", "e2", "e3"]


def test_search_unknown_property_is_400(api: Api, dataset_space: str) -> None:
    body = {"view": view_ref(dataset_space, "Pump"), "query": "x", "properties": ["nope"]}
    api.post_error(
        "/models/instances/search", body, status=400, mentions=["nope"], emulator_wording=["unknown property"]
    )


def test_search_unknown_view_is_400(api: Api, dataset_space: str) -> None:
    api.post_error(
        "/models/instances/search",
        {"view": view_ref(dataset_space, "Nope"), "query": "x"},
        status=400,
        mentions=["Nope"],
        missing=[view_ref(dataset_space, "Nope")],
    )


@pytest.mark.parametrize("limit", [0, 1001])
def test_search_limit_out_of_bounds_is_400(api: Api, dataset_space: str, limit: int) -> None:
    body = {"view": view_ref(dataset_space, "Pump"), "limit": limit}
    api.post_error("/models/instances/search", body, status=400, mentions=["limit"], emulator_wording=[f"got {limit}"])


# ---------------------------------------------------------------------------------------------- aggregate


def _aggregate(api: Api, space: str, **body: Any) -> list[dict[str, Any]]:
    request = {"view": view_ref(space, "Pump"), **body}
    items: list[dict[str, Any]] = api.post("/models/instances/aggregate", request)["items"]
    return items


def _single(api: Api, space: str, aggregate: dict[str, Any], **body: Any) -> dict[str, Any]:
    [item] = _aggregate(api, space, aggregates=[aggregate], **body)
    assert item.get("instanceType", "node") == "node"
    [result] = item["aggregates"]
    out: dict[str, Any] = result
    return out


@pytest.mark.parametrize(
    "function, prop, value",
    [
        ("count", "externalId", 5),
        ("count", "pressure", 4),  # non-null values
        ("sum", "count", 85),  # 10 + 20 + 30 + 25
        ("avg", "count", 21.25),  # 85 / 4
        ("min", "pressure", 1.5),
        ("max", "pressure", 10.0),
        ("avg", "pressure", 5.25),  # (1.5 + 2.5 + 10 + 7) / 4
        ("min", "count", 10),
        ("max", "count", 30),
    ],
)
def test_aggregate_metric(api: Api, dataset_space: str, function: str, prop: str, value: float) -> None:
    result = _single(api, dataset_space, {function: {"property": prop}})
    assert result["aggregate"] == function
    assert result["property"] == prop
    assert result["value"] == pytest.approx(value)


def test_aggregate_several_at_once(api: Api, dataset_space: str) -> None:
    aggregates = [{"count": {"property": "externalId"}}, {"max": {"property": "count"}}]
    [item] = _aggregate(api, dataset_space, aggregates=aggregates)
    assert [(a["aggregate"], a["property"], a["value"]) for a in item["aggregates"]] == [
        ("count", "externalId", 5),
        ("max", "count", 30),
    ]


@pytest.mark.parametrize(
    "prop, interval, buckets",
    [
        # pressure 1.5, 2.5 -> [0, 5); 7.0 -> [5, 10); 10.0 -> [10, 15)
        ("pressure", 5, [(0, 2), (5, 1), (10, 1)]),
        # count 10 -> [10, 20); 20, 25 -> [20, 30); 30 -> [30, 40)
        ("count", 10, [(10, 1), (20, 2), (30, 1)]),
    ],
)
def test_aggregate_histogram(
    api: Api, dataset_space: str, prop: str, interval: float, buckets: list[tuple[float, int]]
) -> None:
    result = _single(api, dataset_space, {"histogram": {"property": prop, "interval": interval}})
    assert result["aggregate"] == "histogram" and result["property"] == prop
    assert result["interval"] == interval
    got = [(b["start"], b["count"]) for b in result["buckets"] if b["count"]]
    assert got == buckets


def test_aggregate_with_filter(api: Api, dataset_space: str) -> None:
    filter_ = {"equals": {"property": P(dataset_space, "status"), "value": "running"}}
    assert _single(api, dataset_space, {"count": {"property": "externalId"}}, filter=filter_)["value"] == 2


def test_aggregate_with_query(api: Api, dataset_space: str) -> None:
    result = _single(api, dataset_space, {"count": {"property": "externalId"}}, query="pump", properties=["name"])
    assert result["value"] == 2


def test_aggregate_group_by(api: Api, dataset_space: str) -> None:
    space = dataset_space
    items = _aggregate(
        api,
        space,
        groupBy=["status"],
        aggregates=[{"count": {"property": "externalId"}}, {"avg": {"property": "count"}}],
        filter={"exists": {"property": P(space, "status")}},
    )
    got = {item["group"]["status"]: [a["value"] for a in item["aggregates"]] for item in items}
    # running: p1 (10), p3 (30); stopped: p2 (20), p5 (25)
    assert got == {"running": [2, pytest.approx(20.0)], "stopped": [2, pytest.approx(22.5)]}


def test_aggregate_group_by_without_aggregates_gives_distinct_values(api: Api, dataset_space: str) -> None:
    space = dataset_space
    items = _aggregate(api, space, groupBy=["active"], filter={"exists": {"property": P(space, "active")}})
    assert sorted(item["group"]["active"] for item in items) == [False, True]


def test_aggregate_too_many_aggregates_is_400(api: Api, dataset_space: str) -> None:
    aggregates = [{"count": {"property": "externalId"}}] * 6
    body = {"view": view_ref(dataset_space, "Pump"), "aggregates": aggregates}
    api.post_error(
        "/models/instances/aggregate", body, status=400, mentions=["aggregates"], emulator_wording=["at most 5"]
    )


def test_aggregate_sum_of_text_is_400(api: Api, dataset_space: str) -> None:
    body = {"view": view_ref(dataset_space, "Pump"), "aggregates": [{"sum": {"property": "name"}}]}
    api.post_error(
        "/models/instances/aggregate", body, status=400, mentions=["name"], emulator_wording=["sum", "type text"]
    )


# ---------------------------------------------------------------------------------------------- query


def _query(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = api.post("/models/instances/query", body)
    assert isinstance(response.get("nextCursor", {}), dict)
    return response


def _eq_xid(value: Any) -> dict[str, Any]:
    return {"equals": {"property": ["node", "externalId"], "value": value}}


def _flows(space: str) -> dict[str, Any]:
    return {"equals": {"property": ["edge", "type"], "value": node_ref(space, "flows-to")}}


def test_query_nodes_with_parameter(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "with": {
            "pumps": {
                "nodes": {"filter": {"and": [{"hasData": [view_ref(space, "Pump")]}, _eq_xid({"parameter": "pid"})]}}
            }
        },
        "select": {"pumps": {}},
        "parameters": {"pid": "p1"},
    }
    items = _query(api, body)["items"]
    assert xids(items["pumps"]) == ["p1"]
    assert not items["pumps"][0].get("properties"), "select {} returns instances without properties"


def test_query_select_sources_and_properties(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "with": {"pumps": {"nodes": {"filter": {"and": [{"hasData": [view_ref(space, "Pump")]}, _eq_xid("p2")]}}}},
        "select": {"pumps": {"sources": [{"source": view_ref(space, "Pump"), "properties": ["name", "count"]}]}},
    }
    [p2] = _query(api, body)["items"]["pumps"]
    assert props(p2, view_ref(space, "Pump")) == {"name": "Beta pump", "count": 20}
    body["select"] = {"pumps": {"sources": [{"source": view_ref(space, "Pump"), "properties": ["*"]}]}}
    [p2] = _query(api, body)["items"]["pumps"]
    got = props(p2, view_ref(space, "Pump"))
    assert got["tags"] == ["b", "c"] and got["site"] == node_ref(space, "s2") and got["meta"] == {"k": 2}


@pytest.mark.parametrize(
    "start, direction, chain_to, edges, nodes",
    [
        # e1 p1->p2, e2 p2->p3, e3 p1->p3
        ("p2", "outwards", "destination", ["e2"], ["p3"]),
        ("p2", "outwards", "source", ["e2"], ["p2"]),
        ("p2", "inwards", "destination", ["e1"], ["p1"]),
        ("p2", "inwards", "source", ["e1"], ["p2"]),
        ("p1", "outwards", "destination", ["e1", "e3"], ["p2", "p3"]),
        ("p3", "inwards", "destination", ["e2", "e3"], ["p1", "p2"]),
    ],
)
def test_query_edges_and_chain_to(
    api: Api, dataset_space: str, start: str, direction: str, chain_to: str, edges: list[str], nodes: list[str]
) -> None:
    space = dataset_space
    body = {
        "with": {
            "start": {"nodes": {"filter": {"and": [{"hasData": [view_ref(space, "Pump")]}, _eq_xid(start)]}}},
            "flows": {
                "edges": {"from": "start", "direction": direction, "maxDistance": 1, "filter": _flows(space)},
                "limit": 100,
            },
            "ends": {"nodes": {"from": "flows", "chainTo": chain_to}},
        },
        "select": {"start": {}, "flows": {}, "ends": {}},
    }
    items = _query(api, body)["items"]
    assert xids(items["start"]) == [start]
    assert sorted(xids(items["flows"])) == edges
    assert all(edge["instanceType"] == "edge" for edge in items["flows"])
    assert sorted(xids(items["ends"])) == nodes


def test_query_edges_two_hops(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "with": {
            "start": {"nodes": {"filter": {"and": [{"hasData": [view_ref(space, "Pump")]}, _eq_xid("p1")]}}},
            "flows": {"edges": {"from": "start", "direction": "outwards", "maxDistance": 2, "filter": _flows(space)}},
        },
        "select": {"flows": {}},
    }
    assert sorted(xids(_query(api, body)["items"]["flows"])) == ["e1", "e2", "e3"]


def test_query_edges_with_edge_properties(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "with": {
            "start": {"nodes": {"filter": {"and": [{"hasData": [view_ref(space, "Pump")]}, _eq_xid("p1")]}}},
            "flows": {"edges": {"from": "start", "maxDistance": 1, "filter": _flows(space)}},
        },
        "select": {"flows": {"sources": [{"source": view_ref(space, "Flow"), "properties": ["rate"]}]}},
    }
    flows = _query(api, body)["items"]["flows"]
    assert {f["externalId"]: props(f, view_ref(space, "Flow"))["rate"] for f in flows} == {"e1": 1.0, "e3": 3.0}


def test_query_through_direct_relation_outwards_and_inwards(api: Api, dataset_space: str) -> None:
    space = dataset_space
    through = {"source": view_ref(space, "Pump"), "identifier": "site"}
    body = {
        "with": {
            "pump": {"nodes": {"filter": {"and": [{"hasData": [view_ref(space, "Pump")]}, _eq_xid("p2")]}}},
            "site": {"nodes": {"from": "pump", "through": through, "direction": "outwards"}},
            "north": {"nodes": {"filter": {"and": [{"hasData": [view_ref(space, "Site")]}, _eq_xid("s1")]}}},
            "northPumps": {"nodes": {"from": "north", "through": through, "direction": "inwards"}},
        },
        "select": {"pump": {}, "site": {}, "north": {}, "northPumps": {}},
    }
    items = _query(api, body)["items"]
    assert xids(items["site"]) == ["s2"]
    assert sorted(xids(items["northPumps"])) == ["p1", "p3"]


def test_query_through_container_reference(api: Api, dataset_space: str) -> None:
    space = dataset_space
    through = {"source": {"type": "container", "space": space, "externalId": "Pump"}, "identifier": "site"}
    body = {
        "with": {
            "pump": {"nodes": {"filter": {"and": [{"hasData": [view_ref(space, "Pump")]}, _eq_xid("p1")]}}},
            "site": {"nodes": {"from": "pump", "through": through, "direction": "outwards"}},
        },
        "select": {"site": {}},
    }
    assert xids(_query(api, body)["items"]["site"]) == ["s1"]


def test_query_sort_and_limit(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "with": {
            "pumps": {
                "nodes": {"filter": {"hasData": [view_ref(space, "Pump")]}},
                "sort": [{"property": P(space, "count"), "direction": "descending"}],
                "limit": 3,
            }
        },
        "select": {"pumps": {}},
    }
    assert xids(_query(api, body)["items"]["pumps"]) == ["p3", "p5", "p2"]


def test_query_per_expression_cursors(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body: dict[str, Any] = {
        "with": {"pumps": {"nodes": {"filter": {"hasData": [view_ref(space, "Pump")]}}, "limit": 2}},
        "select": {"pumps": {}},
    }
    seen: list[str] = []
    sizes: list[int] = []
    for _ in range(10):
        response = _query(api, body)
        page = xids(response["items"]["pumps"])
        seen.extend(page)
        sizes.append(len(page))
        cursor = response["nextCursor"].get("pumps")
        if not cursor:
            break
        body["cursors"] = {"pumps": cursor}
    assert sizes[:3] == [2, 2, 1]
    assert sorted(seen) == PUMPS, "pages cover every pump exactly once"


def test_query_dependent_expression_continues_with_its_parent_held(api: Api, dataset_space: str) -> None:
    """What graph queries rely on: an expression chained ``from`` another is continued with its own
    cursor while the other is held on its page with its cursor; the limit may change between pages."""
    space = dataset_space
    through = {"source": view_ref(space, "Pump"), "identifier": "site"}
    body: dict[str, Any] = {
        "with": {
            "sites": {"nodes": {"filter": {"hasData": [view_ref(space, "Site")]}}, "limit": 1},
            "pumps": {"nodes": {"from": "sites", "through": through, "direction": "inwards"}, "limit": 1},
        },
        "select": {"sites": {}, "pumps": {}},
    }
    by_site: dict[str, list[str]] = {}
    site_cursor: str | None = None
    for _ in range(5):  # the sites, a page of one at a time
        body.pop("cursors", None)
        if site_cursor:
            body["cursors"] = {"sites": site_cursor}
        first = _query(api, body)
        (site,) = xids(first["items"]["sites"])
        pumps = xids(first["items"]["pumps"])
        cursor = first["nextCursor"].get("pumps")
        while cursor:  # the rest of this site's pumps: the site held with the cursor of its page
            body["with"]["pumps"]["limit"] = 2
            body["cursors"] = {"pumps": cursor, **({"sites": site_cursor} if site_cursor else {})}
            more = _query(api, body)
            assert xids(more["items"]["sites"]) == [site]
            pumps += xids(more["items"]["pumps"])
            cursor = more["nextCursor"].get("pumps")
        body["with"]["pumps"]["limit"] = 1
        by_site[site] = sorted(pumps)
        site_cursor = first["nextCursor"].get("sites")
        if not site_cursor:
            break
    assert by_site == {"s1": ["p1", "p3"], "s2": ["p2", "p5"]}


def test_query_unknown_from_is_400(api: Api, dataset_space: str) -> None:
    body = {"with": {"a": {"nodes": {"from": "nope"}}}, "select": {"a": {}}}
    api.post_error(
        "/models/instances/query", body, status=400, mentions=["nope"], emulator_wording=["unknown result set"]
    )


def test_query_missing_parameter_is_400(api: Api, dataset_space: str) -> None:
    body = {"with": {"a": {"nodes": {"filter": _eq_xid({"parameter": "absentParam"})}}}, "select": {"a": {}}}
    api.post_error(
        "/models/instances/query", body, status=400, mentions=["absentParam"], emulator_wording=["not in parameters"]
    )


def test_query_select_unknown_view_is_400(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "with": {"a": {"nodes": {"filter": {"hasData": [view_ref(space, "Pump")]}}}},
        "select": {"a": {"sources": [{"source": view_ref(space, "Nope"), "properties": ["*"]}]}},
    }
    api.post_error("/models/instances/query", body, status=400, mentions=["Nope"], missing=[view_ref(space, "Nope")])
