"""Edge cases a careless server gets wrong: odd identifiers, collation, cursors with sort, same-request references."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from _conformance import (
    PROJECT,
    Api,
    container_ref,
    create_pump_schema,
    edge_write,
    in_space,
    node_id,
    node_ref,
    node_write,
    props,
    unique_space,
    view_ref,
    xids,
)

APPLY = "/models/instances"


def _pump(space: str, external_id: str, **values: Any) -> dict[str, Any]:
    return node_write(space, external_id, view_ref(space, "Pump"), values)


ODD_IDS = ["a:b", "a/b", "with space", "ø-æ-å", "emoji 🚀", "x" * 256, "'quote\"", "back\\slash", "percent%20", "?&="]


def test_odd_external_ids_round_trip(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, xid, name=xid) for xid in ODD_IDS]})
    body = {"items": [node_id(space, xid) for xid in ODD_IDS], "sources": [{"source": view_ref(space, "Pump")}]}
    found = api.post("/models/instances/byids", body)["items"]
    assert xids(found) == ODD_IDS
    assert all(props(item, view_ref(space, "Pump"))["name"] == item["externalId"] for item in found)
    items, _ = api.list_all({"filter": in_space(space), "limit": 3})
    assert sorted(xids(items)) == sorted(ODD_IDS)
    filter_ = {"equals": {"property": ["node", "externalId"], "value": "a:b"}}
    assert xids(api.post("/models/instances/list", {"filter": in_space(space, filter_)})["items"]) == ["a:b"]
    api.post("/models/instances/delete", {"items": [node_id(space, "a/b")]})
    left = api.post("/models/instances/byids", {"items": [node_id(space, x) for x in ODD_IDS]})["items"]
    assert "a/b" not in xids(left) and len(left) == len(ODD_IDS) - 1


def test_same_external_id_in_two_spaces(api: Api, schema_space: str, make_space: Any) -> None:
    other = make_space()
    create_pump_schema(api, other)
    api.post(APPLY, {"items": [_pump(schema_space, "same", name="first"), _pump(other, "same", name="second")]})
    for space, name in ((schema_space, "first"), (other, "second")):
        body = {"items": [node_id(space, "same")], "sources": [{"source": view_ref(space, "Pump")}]}
        [node] = api.post("/models/instances/byids", body)["items"]
        assert node["space"] == space and props(node, view_ref(space, "Pump"))["name"] == name
    api.post("/models/instances/delete", {"items": [node_id(other, "same")]})
    assert len(api.post("/models/instances/byids", {"items": [node_id(schema_space, "same")]})["items"]) == 1


def test_text_sort_uses_code_point_order(api: Api, schema_space: str) -> None:
    space = schema_space
    names = {"n1": "alpha", "n2": "Zeta", "n3": "Ångström", "n4": "beta", "n5": "Alpha"}
    api.post(APPLY, {"items": [_pump(space, xid, name=name) for xid, name in names.items()]})
    body = {"filter": in_space(space), "sort": [{"property": [space, "Pump/v1", "name"], "direction": "ascending"}]}
    ordered = [names[x] for x in xids(api.post("/models/instances/list", body)["items"])]
    assert ordered == ["Alpha", "Zeta", "alpha", "beta", "Ångström"]  # ucs_basic: code points


def test_sorted_listing_pages_with_a_cursorable_index(api: Api, space: str) -> None:
    container = {
        "space": space,
        "externalId": "Ranked",
        "properties": {"rank": {"type": {"type": "int64"}}},
        "indexes": {"byRank": {"indexType": "btree", "properties": ["rank"], "cursorable": True}},
    }
    api.post("/models/containers", {"items": [container]})
    view = {
        "space": space,
        "externalId": "Ranked",
        "version": "v1",
        "properties": {"rank": {"container": container_ref(space, "Ranked"), "containerPropertyIdentifier": "rank"}},
    }
    api.post("/models/views", {"items": [view]})
    ranked = view_ref(space, "Ranked")
    # 25 nodes; ranks repeat (i % 7) so the sort must break ties consistently across pages.
    api.post(APPLY, {"items": [node_write(space, f"n{i:02d}", ranked, {"rank": i % 7}) for i in range(25)]})
    body = {
        "filter": in_space(space),
        "sources": [{"source": ranked}],
        "sort": [{"property": [space, "Ranked/v1", "rank"], "direction": "descending"}],
        "limit": 4,
    }
    items, sizes = api.list_all(body)
    assert sizes[:7] == [4, 4, 4, 4, 4, 4, 1]
    assert sorted(xids(items)) == [f"n{i:02d}" for i in range(25)], "no duplicates, no losses"
    ranks = [props(item, ranked)["rank"] for item in items]
    assert ranks == sorted(ranks, reverse=True)


def test_edge_ends_created_earlier_in_the_same_request(api: Api, schema_space: str) -> None:
    space = schema_space
    flows = node_ref(space, "flows-to")
    items = [
        node_write(space, "n1"),
        node_write(space, "n2"),
        edge_write(space, "e", flows, node_ref(space, "n1"), node_ref(space, "n2")),
    ]
    assert [i["instanceType"] for i in api.post(APPLY, {"items": items})["items"]] == ["node", "node", "edge"]


def test_direct_relation_to_a_node_in_the_same_request(api: Api, schema_space: str) -> None:
    space = schema_space
    items = [_pump(space, "p", name="P", site=node_ref(space, "siteX")), node_write(space, "siteX")]
    api.post(APPLY, {"items": items, "autoCreateDirectRelations": False})


def test_one_node_written_through_two_views(api: Api, schema_space: str) -> None:
    space = schema_space
    item = {
        "instanceType": "node",
        "space": space,
        "externalId": "both",
        "sources": [
            {"source": view_ref(space, "Pump"), "properties": {"name": "Pumpy"}},
            {"source": view_ref(space, "Site"), "properties": {"name": "Sitey"}},
        ],
    }
    api.post(APPLY, {"items": [item]})
    sources = [{"source": view_ref(space, "Pump")}, {"source": view_ref(space, "Site")}]
    [node] = api.post("/models/instances/byids", {"items": [node_id(space, "both")], "sources": sources})["items"]
    assert props(node, view_ref(space, "Pump")) == {"name": "Pumpy"}
    assert props(node, view_ref(space, "Site")) == {"name": "Sitey"}
    has_both = {"and": [{"hasData": [view_ref(space, "Pump")]}, {"hasData": [view_ref(space, "Site")]}]}
    assert xids(api.post("/models/instances/list", {"filter": in_space(space, has_both)})["items"]) == ["both"]


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda s: {"equals": {"property": ["node", "version"], "value": 1}}, "all"),
        (lambda s: {"range": {"property": ["node", "createdTime"], "gt": 0}}, "all"),
        (lambda s: {"range": {"property": ["node", "lastUpdatedTime"], "lt": 0}}, "none"),
        (lambda s: {"equals": {"property": ["node", "instanceType"], "value": "node"}}, "all"),
    ],
    ids=["version", "createdTime", "lastUpdatedTime", "instanceType"],
)
def test_base_property_filters(api: Api, dataset_space: str, build: Any, expected: str) -> None:
    items, _ = api.list_all({"filter": in_space(dataset_space, build(dataset_space))})
    assert len(items) == (10 if expected == "all" else 0)


def test_edge_in_filter_on_end_nodes(api: Api, dataset_space: str) -> None:
    space = dataset_space
    filter_ = {"in": {"property": ["edge", "endNode"], "values": [node_ref(space, "p2"), node_ref(space, "p9")]}}
    body = {"instanceType": "edge", "filter": in_space(space, filter_, instance_type="edge")}
    assert xids(api.post("/models/instances/list", body)["items"]) == ["e1"]


def test_histogram_with_negative_and_fractional_values(api: Api, schema_space: str) -> None:
    space = schema_space
    values = {"a": -7.5, "b": -0.5, "c": 0.0, "d": 2.4, "e": 2.5}
    api.post(APPLY, {"items": [_pump(space, x, name=x, pressure=v) for x, v in values.items()]})
    body = {"view": view_ref(space, "Pump"), "aggregates": [{"histogram": {"property": "pressure", "interval": 2.5}}]}
    [item] = api.post("/models/instances/aggregate", body)["items"]
    buckets = [(b["start"], b["count"]) for b in item["aggregates"][0]["buckets"] if b["count"]]
    # -7.5 -> [-7.5, -5); -0.5 -> [-2.5, 0); 0.0, 2.4 -> [0, 2.5); 2.5 -> [2.5, 5)
    assert buckets == [(-7.5, 1), (-2.5, 1), (0, 2), (2.5, 1)]


def test_query_chain_to_defaults_to_destination(api: Api, dataset_space: str) -> None:
    space = dataset_space
    start = in_space(space, {"equals": {"property": ["node", "externalId"], "value": "p2"}})
    body = {
        "with": {
            "start": {"nodes": {"filter": start}},
            "flows": {"edges": {"from": "start", "maxDistance": 1}},
            "ends": {"nodes": {"from": "flows"}},
        },
        "select": {"ends": {}},
    }
    assert xids(api.post("/models/instances/query", body)["items"]["ends"]) == ["p3"]


@pytest.mark.unconfirmed  # README: usedFor as a repeated or comma-separated query parameter
def test_container_list_used_for_parameter(api: Api, schema_space: str) -> None:
    items, _ = api.get_all("/models/containers", {"space": schema_space, "limit": 1000, "usedFor": "edge"})
    assert [c["externalId"] for c in items] == ["Flow"]
    items, _ = api.get_all("/models/containers", {"space": schema_space, "limit": 1000, "usedFor": ["node", "edge"]})
    assert sorted(c["externalId"] for c in items) == ["Flow", "Pump", "Site"]


@pytest.mark.emulator_only
@pytest.mark.slow
def test_concurrent_writers_on_a_real_process_with_db(tmp_path: Path) -> None:
    from pygen.emulator.testing import EmulatorProcess

    space = unique_space()
    with EmulatorProcess("--token", "t", "--db", str(tmp_path / "c.db")) as process:
        headers = {"Authorization": "Bearer t"}
        base = f"{process.base_url}/api/v1/projects/{PROJECT}"
        with httpx.Client(base_url=base, headers=headers, timeout=60, trust_env=False) as client:
            assert client.post("/models/spaces", json={"items": [{"space": space}]}).status_code == 200
        failures: list[str] = []

        def writer(worker: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=60, trust_env=False) as client:
                for batch in range(5):
                    items = [node_write(space, f"w{worker}-{batch}-{i}") for i in range(50)]
                    response = client.post("/models/instances", json={"items": items})
                    if response.status_code != 200:
                        failures.append(f"{worker}/{batch}: {response.status_code} {response.text[:300]}")

        threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not failures, failures
        with httpx.Client(base_url=base, headers=headers, timeout=60, trust_env=False) as client:
            api = Api(client)
            items, _ = api.list_all({"filter": in_space(space), "limit": 1000})
            assert len(items) == len(set(xids(items))) == 4 * 5 * 50


def test_query_node_result_sets_are_deduplicated(api: Api, dataset_space: str) -> None:
    space = dataset_space
    start = in_space(space, {"in": {"property": ["node", "externalId"], "values": ["p1", "p2"]}})
    body = {
        "with": {
            "start": {"nodes": {"filter": start}},
            "flows": {"edges": {"from": "start", "maxDistance": 1, "direction": "outwards"}},
            "ends": {"nodes": {"from": "flows", "chainTo": "destination"}},
        },
        "select": {"flows": {}, "ends": {}},
    }
    items = api.post("/models/instances/query", body)["items"]
    assert sorted(xids(items["flows"])) == ["e1", "e2", "e3"]
    assert sorted(xids(items["ends"])) == ["p2", "p3"], "p3 is reached twice but listed once"


def _links_schema(api: Api, space: str) -> dict[str, str]:
    container = {
        "space": space,
        "externalId": "Linked",
        "properties": {
            "serial": {"type": {"type": "int64"}, "autoIncrement": True, "nullable": False},
            "links": {"type": {"type": "direct", "list": True}},
        },
    }
    api.post("/models/containers", {"items": [container]})
    view = {
        "space": space,
        "externalId": "Linked",
        "version": "v1",
        "properties": {
            "serial": {"container": container_ref(space, "Linked"), "containerPropertyIdentifier": "serial"},
            "links": {"container": container_ref(space, "Linked"), "containerPropertyIdentifier": "links"},
        },
    }
    api.post("/models/views", {"items": [view]})
    return view_ref(space, "Linked")


def test_direct_relation_lists_filter_and_traverse(api: Api, space: str) -> None:
    linked = _links_schema(api, space)
    items = [
        node_write(space, "a", linked, {"links": [node_ref(space, "t1"), node_ref(space, "t2")]}),
        node_write(space, "b", linked, {"links": [node_ref(space, "t2")]}),
        node_write(space, "c", linked, {"links": []}),
    ]
    api.post(APPLY, {"items": items})
    prop = [space, "Linked/v1", "links"]
    any_t1 = {"containsAny": {"property": prop, "values": [node_ref(space, "t1"), node_ref(space, "zz")]}}
    assert xids(api.post("/models/instances/list", {"filter": in_space(space, any_t1)})["items"]) == ["a"]
    all_t2 = {"containsAll": {"property": prop, "values": [node_ref(space, "t2")]}}
    assert sorted(xids(api.post("/models/instances/list", {"filter": in_space(space, all_t2)})["items"])) == ["a", "b"]
    through = {"source": linked, "identifier": "links"}

    def one(xid: str) -> dict[str, Any]:
        return {"nodes": {"filter": in_space(space, {"equals": {"property": ["node", "externalId"], "value": xid}})}}

    body = {
        "with": {"a": one("a"), "targets": {"nodes": {"from": "a", "through": through, "direction": "outwards"}}},
        "select": {"targets": {}},
    }
    result = api.post("/models/instances/query", body)["items"]
    assert sorted(xids(result["targets"])) == ["t1", "t2"]
    # A list of direct relations cannot be followed inwards (docs/dms.md, Query): containsAny finds them.
    inwards = {
        "with": {"t2": one("t2"), "pointing": {"nodes": {"from": "t2", "through": through, "direction": "inwards"}}},
        "select": {"pointing": {}},
    }
    api.post_error(
        "/models/instances/query",
        inwards,
        status=400,
        mentions=["links"],
        emulator_wording=["list of direct relations", "inwards"],
    )


def test_auto_increment_gives_distinct_increasing_values(api: Api, space: str) -> None:
    linked = _links_schema(api, space)
    for xid in ("n1", "n2", "n3"):
        api.post(APPLY, {"items": [node_write(space, xid, linked, {"links": []})]})
    body = {"items": [node_id(space, x) for x in ("n1", "n2", "n3")], "sources": [{"source": linked}]}
    serials = [props(item, linked)["serial"] for item in api.post("/models/instances/byids", body)["items"]]
    assert len(set(serials)) == 3 and serials == sorted(serials), serials


def test_aggregate_over_edges(api: Api, dataset_space: str) -> None:
    body = {
        "view": view_ref(dataset_space, "Flow"),
        "instanceType": "edge",
        "aggregates": [{"sum": {"property": "rate"}}, {"count": {"property": "externalId"}}],
    }
    [item] = api.post("/models/instances/aggregate", body)["items"]
    assert [a["value"] for a in item["aggregates"]] == [pytest.approx(6.0), 3]


def test_deleting_a_container_removes_its_data(api: Api, schema_space: str) -> None:
    space = schema_space
    site = view_ref(space, "Site")
    api.post(APPLY, {"items": [node_write(space, "s", site, {"name": "North"})]})
    api.post("/models/views/delete", {"items": [{"space": space, "externalId": "Site", "version": "v1"}]})
    api.post("/models/containers/delete", {"items": [{"space": space, "externalId": "Site"}]})
    has_site = {"hasData": [{"type": "container", "space": space, "externalId": "Site"}]}
    api.post_error(
        "/models/instances/list",
        {"filter": in_space(space, has_site)},
        status=400,
        mentions=["Site"],
        emulator_wording=["hasData", "do not exist"],
    )
    # Recreating the container does not bring the old values back.
    api.post(
        "/models/containers",
        {"items": [{"space": space, "externalId": "Site", "properties": {"name": {"type": {"type": "text"}}}}]},
    )
    assert api.post("/models/instances/list", {"filter": in_space(space, has_site)})["items"] == []
    assert xids(api.post("/models/instances/byids", {"items": [node_id(space, "s")]})["items"]) == ["s"]
