"""Schema resources (docs/dms.md, Schema resources): spaces, containers, views, data models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from _conformance import Api, container_ref, create_pump_schema, pump_container, pump_view, unique_space, view_ref


def _is_ms(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


# ---------------------------------------------------------------------------------------------- spaces


def test_space_apply_returns_full_read_object(api: Api, make_space: Callable[..., str]) -> None:
    name = make_space()  # creates it; re-apply to see the response shape of an upsert
    response = api.post(
        "/models/spaces", {"items": [{"space": name, "name": "Plant", "description": "Where pumps live"}]}
    )
    [item] = response["items"]
    assert item["space"] == name
    assert item["name"] == "Plant"
    assert item["description"] == "Where pumps live"
    assert item["isGlobal"] is False
    assert _is_ms(item["createdTime"]) and _is_ms(item["lastUpdatedTime"])
    assert item["lastUpdatedTime"] >= item["createdTime"]


def test_space_list_pages_with_limit_and_cursor(api: Api, make_space: Callable[..., str]) -> None:
    mine = {make_space() for _ in range(5)}
    page = api.get("/models/spaces", {"limit": 2})
    assert len(page["items"]) <= 2
    assert page.get("nextCursor"), "more than 2 spaces exist, so the first page must carry a nextCursor"
    items, pages = api.get_all("/models/spaces", {"limit": 2})
    names = [item["space"] for item in items]
    assert len(names) == len(set(names)), "paging returned a space twice"
    assert mine <= set(names)
    assert pages >= 3
    assert all(item["isGlobal"] is False for item in items), "includeGlobal defaults to false"


def test_space_byids_omits_missing(api: Api, space: str) -> None:
    response = api.post("/models/spaces/byids", {"items": [{"space": space}, {"space": "pgcNoSuchSpace0000"}]})
    assert [item["space"] for item in response["items"]] == [space]


def test_space_delete(api: Api) -> None:
    name = unique_space("pgcdel")
    api.post("/models/spaces", {"items": [{"space": name}]})
    response = api.post("/models/spaces/delete", {"items": [{"space": name}]})
    assert response["items"] == [{"space": name}]
    assert api.post("/models/spaces/byids", {"items": [{"space": name}]})["items"] == []
    # Deleting a space that does not exist answers an empty list [PY tests].
    assert api.post("/models/spaces/delete", {"items": [{"space": name}]})["items"] == []


# ---------------------------------------------------------------------------------------------- containers


def test_container_apply_read_shape_fills_defaults(api: Api, space: str) -> None:
    response = api.post("/models/containers", {"items": [pump_container(space)]})
    [item] = response["items"]
    assert item["space"] == space and item["externalId"] == "Pump"
    assert item["usedFor"] == "node"
    assert item["isGlobal"] is False
    assert _is_ms(item["createdTime"]) and _is_ms(item["lastUpdatedTime"])
    name = item["properties"]["name"]
    assert name["nullable"] is False
    assert name["type"]["type"] == "text" and name["type"]["list"] is False
    assert name["type"].get("collation", "ucs_basic") == "ucs_basic"
    count = item["properties"]["count"]
    assert count["nullable"] is True and count["immutable"] is False and count["autoIncrement"] is False
    assert count["type"] == {"type": "int64", "list": False} or (
        count["type"]["type"] == "int64" and count["type"]["list"] is False
    )
    tags = item["properties"]["tags"]["type"]
    assert tags["type"] == "text" and tags["list"] is True and tags["maxListSize"] == 5
    status = item["properties"]["status"]["type"]
    assert status["type"] == "enum" and set(status["values"]) == {"running", "stopped", "unknown"}
    assert status["unknownValue"] == "unknown"
    assert set(item["properties"]) == set(pump_container(space)["properties"])


def test_container_edge_and_all_used_for(api: Api, space: str) -> None:
    items = [
        {"space": space, "externalId": "E", "usedFor": "edge", "properties": {"x": {"type": {"type": "int32"}}}},
        {"space": space, "externalId": "A", "usedFor": "all", "properties": {"x": {"type": {"type": "int32"}}}},
    ]
    response = api.post("/models/containers", {"items": items})
    assert [(c["externalId"], c["usedFor"]) for c in response["items"]] == [("E", "edge"), ("A", "all")]


def test_container_list_by_space_with_paging(api: Api, space: str) -> None:
    items = [
        {"space": space, "externalId": f"C{i}", "properties": {"x": {"type": {"type": "int32"}}}} for i in range(5)
    ]
    api.post("/models/containers", {"items": items})
    listed, pages = api.get_all("/models/containers", {"space": space, "limit": 2})
    assert sorted(c["externalId"] for c in listed) == ["C0", "C1", "C2", "C3", "C4"]
    assert pages == 3
    assert all(c["space"] == space for c in listed)


def test_container_byids_omits_missing_and_delete(api: Api, schema_space: str) -> None:
    space = schema_space
    ids = [{"space": space, "externalId": "Pump"}, {"space": space, "externalId": "Nope"}]
    response = api.post("/models/containers/byids", {"items": ids})
    assert [c["externalId"] for c in response["items"]] == ["Pump"]
    api.post("/models/containers", {"items": [{"space": space, "externalId": "Spare", "properties": {}}]})
    deleted = api.post("/models/containers/delete", {"items": [{"space": space, "externalId": "Spare"}]})
    assert deleted["items"] == [{"space": space, "externalId": "Spare"}]
    assert api.post("/models/containers/byids", {"items": [{"space": space, "externalId": "Spare"}]})["items"] == []


def test_container_apply_unknown_space_is_400(api: Api) -> None:
    item = {"space": "pgcNoSuchSpace0000", "externalId": "C", "properties": {"x": {"type": {"type": "int32"}}}}
    api.post_error("/models/containers", {"items": [item]}, status=400, missing=[{"space": "pgcNoSuchSpace0000"}])


# ---------------------------------------------------------------------------------------------- views


def _view(api: Api, space: str, external_id: str, version: str = "v1", **params: Any) -> dict[str, Any]:
    ref = {"space": space, "externalId": external_id, "version": version}
    [item] = api.post("/models/views/byids", {"items": [ref]}, params=params or None)["items"]
    result: dict[str, Any] = item
    return result


def test_view_read_shape(api: Api, schema_space: str) -> None:
    space = schema_space
    view = _view(api, space, "Pump")
    assert view["writable"] is True, "Pump/v1 maps the only non-nullable property (name)"
    assert view["queryable"] is True
    assert view["usedFor"] == "node"
    assert view["isGlobal"] is False
    assert view["mappedContainers"] == [container_ref(space, "Pump")]
    assert _is_ms(view["createdTime"]) and _is_ms(view["lastUpdatedTime"])
    assert view.get("implements") in (None, [])
    count = view["properties"]["count"]
    assert count["container"] == container_ref(space, "Pump")
    assert count["containerPropertyIdentifier"] == "count"
    assert count["type"]["type"] == "int64" and count["type"]["list"] is False
    assert count["nullable"] is True and count["immutable"] is False and count["autoIncrement"] is False
    assert view["properties"]["name"]["nullable"] is False, "nullable is merged from the container"
    site = view["properties"]["site"]
    assert site["type"]["type"] == "direct"
    assert site["type"]["source"] == view_ref(space, "Site"), "direct relation source hint sits inside type"
    assert "source" not in site or site["source"] is None or site["source"] == view_ref(space, "Site")
    flow = _view(api, space, "Flow")
    assert flow["usedFor"] == "edge"


def test_view_not_writable_when_a_required_property_is_unmapped(api: Api, schema_space: str) -> None:
    space = schema_space
    item = {
        "space": space,
        "externalId": "PumpCount",
        "version": "v1",
        "properties": {"count": {"container": container_ref(space, "Pump"), "containerPropertyIdentifier": "count"}},
    }
    [view] = api.post("/models/views", {"items": [item]})["items"]
    assert view["writable"] is False
    assert view["queryable"] is True
    assert view["mappedContainers"] == [container_ref(space, "Pump")]


def test_view_implements_inherits_properties(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(
        "/models/containers",
        {"items": [{"space": space, "externalId": "Asset", "properties": {"code": {"type": {"type": "text"}}}}]},
    )
    asset = {
        "space": space,
        "externalId": "Asset",
        "version": "v1",
        "properties": {"code": {"container": container_ref(space, "Asset"), "containerPropertyIdentifier": "code"}},
    }
    special = pump_view(space) | {"externalId": "SpecialPump", "implements": [view_ref(space, "Asset")]}
    api.post("/models/views", {"items": [asset, special]})
    view = _view(api, space, "SpecialPump")
    assert view["implements"] == [view_ref(space, "Asset")]
    assert "code" in view["properties"] and "name" in view["properties"]
    assert view["properties"]["code"]["container"] == container_ref(space, "Asset")
    assert sorted(c["externalId"] for c in view["mappedContainers"]) == ["Asset", "Pump"]
    own = _view(api, space, "SpecialPump", includeInheritedProperties="false")
    assert "code" not in own["properties"] and "name" in own["properties"]
    listed, _ = api.get_all("/models/views", {"space": space, "limit": 1000, "includeInheritedProperties": "false"})
    [listed_special] = [v for v in listed if v["externalId"] == "SpecialPump"]
    assert "code" not in listed_special["properties"]


def test_view_edge_and_reverse_connections_read_back(api: Api, schema_space: str) -> None:
    space = schema_space
    item = pump_view(space) | {"externalId": "PumpGraph"}
    item["properties"] = dict(item["properties"])
    item["properties"]["downstream"] = {
        "connectionType": "multi_edge_connection",
        "type": {"space": space, "externalId": "flows-to"},
        "source": view_ref(space, "Pump"),
        "edgeSource": view_ref(space, "Flow"),
        "direction": "outwards",
    }
    item["properties"]["sitePumps"] = {
        "connectionType": "multi_reverse_direct_relation",
        "source": view_ref(space, "Pump"),
        "through": {"source": view_ref(space, "Pump"), "identifier": "site"},
    }
    api.post("/models/views", {"items": [item]})
    view = _view(api, space, "PumpGraph")
    downstream = view["properties"]["downstream"]
    assert downstream["connectionType"] == "multi_edge_connection"
    assert downstream["type"] == {"space": space, "externalId": "flows-to"}
    assert downstream["source"] == view_ref(space, "Pump")
    assert downstream["edgeSource"] == view_ref(space, "Flow")
    assert downstream["direction"] == "outwards"
    reverse = view["properties"]["sitePumps"]
    assert reverse["connectionType"] == "multi_reverse_direct_relation"
    assert reverse["through"] == {"source": view_ref(space, "Pump"), "identifier": "site"}
    assert reverse.get("targetsList", False) is False


def test_view_versions_byids_and_all_versions(api: Api, schema_space: str) -> None:
    space = schema_space
    v2 = pump_view(space) | {"version": "v2"}
    api.post("/models/views", {"items": [v2]})
    response = api.post("/models/views/byids", {"items": [{"space": space, "externalId": "Pump"}]})
    assert sorted(v["version"] for v in response["items"]) == ["v1", "v2"], "byids without version = all versions"
    latest, _ = api.get_all("/models/views", {"space": space, "limit": 1000})
    assert sorted((v["externalId"], v["version"]) for v in latest) == [("Flow", "v1"), ("Pump", "v2"), ("Site", "v1")]
    every, _ = api.get_all("/models/views", {"space": space, "limit": 1000, "allVersions": "true"})
    assert sorted((v["externalId"], v["version"]) for v in every) == [
        ("Flow", "v1"),
        ("Pump", "v1"),
        ("Pump", "v2"),
        ("Site", "v1"),
    ]


def test_view_list_paging_and_byids_missing(api: Api, schema_space: str) -> None:
    space = schema_space
    listed, pages = api.get_all("/models/views", {"space": space, "limit": 2})
    assert sorted(v["externalId"] for v in listed) == ["Flow", "Pump", "Site"]
    assert pages == 2
    refs = [
        {"space": space, "externalId": "Pump", "version": "v1"},
        {"space": space, "externalId": "X", "version": "1"},
    ]
    assert [v["externalId"] for v in api.post("/models/views/byids", {"items": refs})["items"]] == ["Pump"]


def test_view_delete(api: Api, schema_space: str) -> None:
    space = schema_space
    ref = {"space": space, "externalId": "Site", "version": "v1"}
    assert api.post("/models/views/delete", {"items": [ref]})["items"] == [ref]
    assert api.post("/models/views/byids", {"items": [ref]})["items"] == []


def test_view_with_unknown_container_is_400(api: Api, space: str) -> None:
    item = {
        "space": space,
        "externalId": "Ghost",
        "version": "v1",
        "properties": {"x": {"container": container_ref(space, "Nope"), "containerPropertyIdentifier": "x"}},
    }
    api.post_error(
        "/models/views", {"items": [item]}, status=400, mentions=["Nope"], missing=[container_ref(space, "Nope")]
    )


# ---------------------------------------------------------------------------------------------- data models


def test_data_model_apply_list_inline_and_delete(api: Api, schema_space: str) -> None:
    space = schema_space
    model = {
        "space": space,
        "externalId": "PumpModel",
        "version": "1",
        "name": "Pumps",
        "description": "pump model",
        "views": [view_ref(space, "Pump"), view_ref(space, "Site")],
    }
    [applied] = api.post("/models/datamodels", {"items": [model]})["items"]
    assert applied["views"] == [view_ref(space, "Pump"), view_ref(space, "Site")]
    assert applied["isGlobal"] is False and _is_ms(applied["createdTime"])
    assert applied["name"] == "Pumps" and applied["description"] == "pump model"

    listed, _ = api.get_all("/models/datamodels", {"space": space, "limit": 1000})
    assert [(m["externalId"], m["version"]) for m in listed] == [("PumpModel", "1")]
    assert listed[0]["views"] == [view_ref(space, "Pump"), view_ref(space, "Site")]

    inline, _ = api.get_all("/models/datamodels", {"space": space, "limit": 1000, "inlineViews": "true"})
    views = inline[0]["views"]
    assert [(v["externalId"], v["version"]) for v in views] == [("Pump", "v1"), ("Site", "v1")]
    assert "properties" in views[0] and views[0]["writable"] is True and "mappedContainers" in views[0]

    ref = {"space": space, "externalId": "PumpModel", "version": "1"}
    byids = api.post("/models/datamodels/byids", {"items": [ref]}, params={"inlineViews": "true"})["items"]
    assert byids[0]["views"][0]["properties"]["name"]["containerPropertyIdentifier"] == "name"

    assert api.post("/models/datamodels/delete", {"items": [ref]})["items"] == [ref]
    assert api.post("/models/datamodels/byids", {"items": [ref]})["items"] == []
    # Deleting a data model leaves its views.
    views_left = api.post("/models/views/byids", {"items": [{"space": space, "externalId": "Pump", "version": "v1"}]})
    assert len(views_left["items"]) == 1


def test_data_model_inline_view_definition_creates_the_view(api: Api, schema_space: str) -> None:
    space = schema_space
    inline_view = {
        "space": space,
        "externalId": "SiteLite",
        "version": "v1",
        "properties": {"name": {"container": container_ref(space, "Site"), "containerPropertyIdentifier": "name"}},
    }
    model = {"space": space, "externalId": "Inline", "version": "1", "views": [inline_view]}
    [applied] = api.post("/models/datamodels", {"items": [model]})["items"]
    assert applied["views"] == [view_ref(space, "SiteLite")]
    assert len(api.post("/models/views/byids", {"items": [{"space": space, "externalId": "SiteLite"}]})["items"]) == 1


def test_data_model_versions_and_byids_without_version(api: Api, schema_space: str) -> None:
    space = schema_space
    for version in ("1", "2"):
        model = {"space": space, "externalId": "M", "version": version, "views": [view_ref(space, "Pump")]}
        api.post("/models/datamodels", {"items": [model]})
    latest, _ = api.get_all("/models/datamodels", {"space": space, "limit": 1000})
    assert [m["version"] for m in latest] == ["2"]
    every, _ = api.get_all("/models/datamodels", {"space": space, "limit": 1000, "allVersions": "true"})
    assert sorted(m["version"] for m in every) == ["1", "2"]
    byids = api.post("/models/datamodels/byids", {"items": [{"space": space, "externalId": "M"}]})["items"]
    assert sorted(m["version"] for m in byids) == ["1", "2"]


def test_data_model_with_unknown_view_is_400(api: Api, space: str) -> None:
    model = {"space": space, "externalId": "M", "version": "1", "views": [view_ref(space, "Nope")]}
    api.post_error(
        "/models/datamodels", {"items": [model]}, status=400, mentions=["Nope"], missing=[view_ref(space, "Nope")]
    )


def test_schema_apply_is_idempotent(api: Api, space: str) -> None:
    create_pump_schema(api, space)
    before = api.post("/models/containers/byids", {"items": [{"space": space, "externalId": "Pump"}]})["items"][0]
    create_pump_schema(api, space)  # unchanged specs are no-ops and keep lastUpdatedTime [OAS]
    after = api.post("/models/containers/byids", {"items": [{"space": space, "externalId": "Pump"}]})["items"][0]
    assert after["lastUpdatedTime"] == before["lastUpdatedTime"]
    assert after["createdTime"] == before["createdTime"]
