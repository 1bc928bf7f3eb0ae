"""The emulator's documented choices where docs/dms.md says CDF's behaviour is unconfirmed.

Each test follows the table "Choices where CDF's behaviour is unconfirmed" in ``pygen/emulator/README.md``.
They are marked ``unconfirmed`` (not ``emulator_only``): run against a real project they tell whether the
choice matches CDF.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from _conformance import (
    Api,
    container_ref,
    in_space,
    node_id,
    node_ref,
    node_write,
    props,
    view_ref,
    xids,
)

pytestmark = pytest.mark.unconfirmed

APPLY = "/models/instances"


def _pump(space: str, external_id: str, **values: Any) -> dict[str, Any]:
    return node_write(space, external_id, view_ref(space, "Pump"), values)


def _list(api: Api, space: str, filter_: dict[str, Any]) -> list[str]:
    items, _ = api.list_all({"filter": in_space(space, filter_)})
    return sorted(xids(items))


def test_skipped_version_conflict_is_left_out_of_the_response(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "a", name="A")]})
    body = {
        "items": [_pump(space, "a", name="X") | {"existingVersion": 0}, _pump(space, "b", name="B")],
        "skipOnVersionConflict": True,
    }
    assert xids(api.post(APPLY, body)["items"]) == ["b"]


def test_apply_response_has_empty_deleted(api: Api, schema_space: str) -> None:
    assert api.post(APPLY, {"items": [_pump(schema_space, "a", name="A")]})["deleted"] == []


def test_instance_delete_lists_only_existing(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [node_write(space, "real")]})
    response = api.post("/models/instances/delete", {"items": [node_id(space, "real"), node_id(space, "ghost")]})
    assert response["items"] == [node_id(space, "real")]


@pytest.mark.parametrize("resource", ["containers", "views", "datamodels"])
def test_deleting_missing_schema_objects_is_ignored(api: Api, space: str, resource: str) -> None:
    ref: dict[str, str] = {"space": space, "externalId": "Ghost"}
    if resource != "containers":
        ref["version"] = "v1"
    assert api.post(f"/models/{resource}/delete", {"items": [ref]})["items"] == []


def test_in_accepts_1000_values_and_rejects_1001(api: Api, dataset_space: str) -> None:
    values = [f"x{i}" for i in range(999)] + ["p1"]
    assert _list(api, dataset_space, {"in": {"property": ["node", "externalId"], "values": values}}) == ["p1"]
    too_many = {"in": {"property": ["node", "externalId"], "values": [*values, "p2"]}}
    api.post_error(
        "/models/instances/list",
        {"filter": in_space(dataset_space, too_many)},
        status=400,
        mentions=["values"],
        emulator_wording=["filter.and[1].in", "at most 1000 values"],
    )


def test_timestamps_come_back_in_utc_with_milliseconds(api: Api, schema_space: str) -> None:
    api.post(APPLY, {"items": [_pump(schema_space, "a", name="A", lastSeen="2024-01-01T13:00:00+01:00")]})
    body = {"items": [node_id(schema_space, "a")], "sources": [{"source": view_ref(schema_space, "Pump")}]}
    [node] = api.post("/models/instances/byids", body)["items"]
    assert props(node, view_ref(schema_space, "Pump"))["lastSeen"] == "2024-01-01T12:00:00.000+00:00"


def test_reads_omit_properties_without_a_value(api: Api, dataset_space: str) -> None:
    body = {"items": [node_id(dataset_space, "p3")], "sources": [{"source": view_ref(dataset_space, "Pump")}]}
    [p3] = api.post("/models/instances/byids", body)["items"]
    assert set(props(p3, view_ref(dataset_space, "Pump"))) == {
        "name",
        "description",
        "count",
        "active",
        "status",
        "site",
        "validFrom",
        "validTo",
    }


def test_has_data_with_several_references_needs_all(api: Api, dataset_space: str) -> None:
    space = dataset_space
    site = {"type": "container", "space": space, "externalId": "Site"}
    assert _list(api, space, {"hasData": [view_ref(space, "Pump"), site]}) == []
    pump = {"type": "container", "space": space, "externalId": "Pump"}
    assert _list(api, space, {"hasData": [view_ref(space, "Pump"), pump]}) == ["p1", "p2", "p3", "p4", "p5"]


def test_later_implements_entries_win(api: Api, schema_space: str) -> None:
    space = schema_space

    def view(external_id: str, container_prop: str) -> dict[str, Any]:
        mapped = {"container": container_ref(space, "Pump"), "containerPropertyIdentifier": container_prop}
        return {"space": space, "externalId": external_id, "version": "v1", "properties": {"label": mapped}}

    child = {
        "space": space,
        "externalId": "Child",
        "version": "v1",
        "implements": [view_ref(space, "First"), view_ref(space, "Second")],
        "properties": {},
    }
    api.post("/models/views", {"items": [view("First", "name"), view("Second", "description"), child]})
    ref = {"space": space, "externalId": "Child", "version": "v1"}
    [read] = api.post("/models/views/byids", {"items": [ref]})["items"]
    assert read["properties"]["label"]["containerPropertyIdentifier"] == "description"


def test_view_without_mapped_containers(api: Api, schema_space: str) -> None:
    space = schema_space
    item = {
        "space": space,
        "externalId": "OnlyEdges",
        "version": "v1",
        "properties": {
            "flows": {
                "connectionType": "multi_edge_connection",
                "type": node_ref(space, "flows-to"),
                "source": view_ref(space, "Pump"),
            }
        },
    }
    [read] = api.post("/models/views", {"items": [item]})["items"]
    assert read["writable"] is False and read["usedFor"] == "all" and read["mappedContainers"] == []


@pytest.mark.parametrize(
    "query, operator, expected",
    [
        ("Alpha pump", None, ["p1", "p2", "p4"]),  # operator defaults to OR
        ("alpha", "OR", ["p1", "p4"]),  # case-insensitive
        ("alp", "OR", ["p1", "p4"]),  # a token matches words starting with it
        ("ALPHA PU", "AND", ["p1"]),
    ],
)
def test_search_tokens(api: Api, dataset_space: str, query: str, operator: str | None, expected: list[str]) -> None:
    body: dict[str, Any] = {"view": view_ref(dataset_space, "Pump"), "query": query, "properties": ["name"]}
    if operator:
        body["operator"] = operator
    assert sorted(xids(api.post("/models/instances/search", body)["items"])) == expected


def test_search_ranks_by_matched_tokens(api: Api, dataset_space: str) -> None:
    body = {"view": view_ref(dataset_space, "Pump"), "query": "Alpha pump", "properties": ["name"], "operator": "OR"}
    assert xids(api.post("/models/instances/search", body)["items"])[0] == "p1"


def test_query_through_direction_defaults_to_inwards(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "with": {
            "north": {
                "nodes": {"filter": in_space(space, {"equals": {"property": ["node", "externalId"], "value": "s1"}})}
            },
            "pumps": {"nodes": {"from": "north", "through": {"source": view_ref(space, "Pump"), "identifier": "site"}}},
        },
        "select": {"pumps": {}},
    }
    assert sorted(xids(api.post("/models/instances/query", body)["items"]["pumps"])) == ["p1", "p3"]


def test_query_edges_without_max_distance_follow_all_hops(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "with": {
            "start": {
                "nodes": {"filter": in_space(space, {"equals": {"property": ["node", "externalId"], "value": "p1"}})}
            },
            "flows": {"edges": {"from": "start", "direction": "outwards"}},
        },
        "select": {"flows": {}},
    }
    assert sorted(xids(api.post("/models/instances/query", body)["items"]["flows"])) == ["e1", "e2", "e3"]


def test_query_next_cursor_only_when_more_data(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "with": {
            "few": {"nodes": {"filter": in_space(space, {"hasData": [view_ref(space, "Pump")]})}, "limit": 2},
            "all": {"nodes": {"filter": in_space(space, {"hasData": [view_ref(space, "Pump")]})}, "limit": 10},
        },
        "select": {"few": {}, "all": {}},
    }
    cursors = api.post("/models/instances/query", body)["nextCursor"]
    assert cursors.get("few") and not cursors.get("all")


def test_list_next_cursor_omitted_on_the_last_page(api: Api, dataset_space: str) -> None:
    page = api.post("/models/instances/list", {"filter": in_space(dataset_space), "limit": 1000})
    assert "nextCursor" not in page or page["nextCursor"] is None


def test_cursor_with_a_different_request_is_400(api: Api, dataset_space: str) -> None:
    first = api.post("/models/instances/list", {"filter": in_space(dataset_space), "limit": 2})
    other = {"filter": in_space(dataset_space, {"matchAll": {}}), "limit": 3, "cursor": first["nextCursor"]}
    api.post_error(
        "/models/instances/list", other, status=400, mentions=["cursor"], emulator_wording=["does not belong"]
    )


def test_immutable_property_cannot_change(api: Api, space: str) -> None:
    props_ = {"serial": {"type": {"type": "text"}, "immutable": True}}
    api.post("/models/containers", {"items": [{"space": space, "externalId": "Fixed", "properties": props_}]})
    source = {"type": "container", "space": space, "externalId": "Fixed"}
    item = {"instanceType": "node", "space": space, "externalId": "n", "sources": [{"source": source}]}
    item["sources"][0]["properties"] = {"serial": "A"}
    api.post(APPLY, {"items": [item]})
    item["sources"][0]["properties"] = {"serial": "B"}
    api.post_error(APPLY, {"items": [item]}, status=400, mentions=["serial"], emulator_wording=["immutable"])


@pytest.mark.emulator_only
def test_retry_after_is_one_second(make_api: Callable[..., Api]) -> None:
    from pygen.emulator import FaultSettings

    api = make_api(faults=FaultSettings(rate_429=1.0))
    assert api.send("GET", "/models/spaces").headers["retry-after"] == "1"


def test_source_without_properties_gives_data_in_the_view(api: Api, schema_space: str) -> None:
    space = schema_space
    item = {
        "instanceType": "node",
        "space": space,
        "externalId": "bare",
        "sources": [{"source": view_ref(space, "Site")}],
    }
    api.post(APPLY, {"items": [item]})
    listed, _ = api.list_all({"sources": [{"source": view_ref(space, "Site")}], "filter": in_space(space)})
    assert xids(listed) == ["bare"]
    assert props(listed[0], view_ref(space, "Site")) == {}
