"""Instances apply / delete / byids and write validation (docs/dms.md, Instances and Limits)."""

from __future__ import annotations

from typing import Any

import pytest
from _conformance import (
    Api,
    edge_id,
    edge_write,
    node_id,
    node_ref,
    node_write,
    parse_ts,
    props,
    view_ref,
    xids,
)

APPLY = "/models/instances"


def _byids(api: Api, space: str, *external_ids: str, sources: bool = True) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"items": [node_id(space, x) for x in external_ids]}
    if sources:
        body["sources"] = [{"source": view_ref(space, "Pump")}]
    items: list[dict[str, Any]] = api.post("/models/instances/byids", body)["items"]
    return items


def _one(api: Api, space: str, external_id: str) -> dict[str, Any]:
    [item] = _byids(api, space, external_id)
    return item


def _pump(space: str, external_id: str, **values: Any) -> dict[str, Any]:
    return node_write(space, external_id, view_ref(space, "Pump"), values)


def _pump_at(space: str, external_id: str, existing_version: int, **values: Any) -> dict[str, Any]:
    """A Pump write with ``existingVersion`` set."""
    return _pump(space, external_id, **values) | {"existingVersion": existing_version}


# ---------------------------------------------------------------------------------------------- apply


@pytest.mark.unconfirmed  # initial version 1 is the emulator's documented choice (docs/dms.md, Open questions 3)
def test_create_returns_version_1_and_was_modified(api: Api, schema_space: str) -> None:
    space = schema_space
    response = api.post(APPLY, {"items": [_pump(space, "a", name="A", count=1)]})
    [item] = response["items"]
    assert item["instanceType"] == "node" and item["space"] == space and item["externalId"] == "a"
    assert item["version"] == 1
    assert item["wasModified"] is True
    assert isinstance(item["createdTime"], int) and isinstance(item["lastUpdatedTime"], int)
    assert response.get("deleted", []) == []


def test_created_node_reads_back_with_all_types(api: Api, schema_space: str) -> None:
    space = schema_space
    values = {
        "name": "Alpha",
        "description": "ünïcødé ✓",
        "tags": ["x", "y"],
        "count": 9007199254740993,  # > 2**53: int64 must survive exactly
        "pressure": 1.25,
        "active": False,
        "installed": "2021-05-04",
        "lastSeen": "2024-01-01T12:00:00.000+00:00",
        "meta": {"nested": {"list": [1, 2]}, "flag": True},
        "status": "running",
        "site": node_ref(space, "siteA"),
        "levels": [3, 1, 2],
    }
    api.post(APPLY, {"items": [_pump(space, "a", **values)]})
    node = _one(api, space, "a")
    assert node["instanceType"] == "node" and node["version"] == 1
    got = props(node, view_ref(space, "Pump"))
    lastseen = got.pop("lastSeen")
    expected = dict(values)
    expected.pop("lastSeen")
    assert {k: got.get(k) for k in expected} == expected
    assert parse_ts(lastseen) == parse_ts(values["lastSeen"])
    assert got.keys() <= set(values) | {"validFrom", "validTo"}, "only requested-view properties are returned"


def test_patch_keeps_other_properties_and_bumps_version(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "a", name="A", count=1, pressure=2.0)]})
    [item] = api.post(APPLY, {"items": [_pump(space, "a", count=2)]})["items"]
    assert item["version"] == 2 and item["wasModified"] is True
    got = props(_one(api, space, "a"), view_ref(space, "Pump"))
    assert (got["name"], got["count"], got["pressure"]) == ("A", 2, 2.0)


def test_writing_null_clears_a_value(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "a", name="A", count=1)]})
    api.post(APPLY, {"items": [_pump(space, "a", count=None)]})
    assert props(_one(api, space, "a"), view_ref(space, "Pump")).get("count") is None


def test_replace_resets_unnamed_properties(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "a", name="A", count=1, tags=["t"])]})
    api.post(APPLY, {"items": [_pump(space, "a", name="B")], "replace": True})
    got = props(_one(api, space, "a"), view_ref(space, "Pump"))
    assert got["name"] == "B"
    assert got.get("count") is None and got.get("tags") is None


def test_noop_write_keeps_version_and_reports_unmodified(api: Api, schema_space: str) -> None:
    space = schema_space
    [first] = api.post(APPLY, {"items": [_pump(space, "a", name="A", count=1)]})["items"]
    [again] = api.post(APPLY, {"items": [_pump(space, "a", name="A", count=1)]})["items"]
    assert again["wasModified"] is False
    assert again["version"] == first["version"]
    assert again["lastUpdatedTime"] == first["lastUpdatedTime"]
    node = _one(api, space, "a")
    assert node["version"] == first["version"] and node["lastUpdatedTime"] == first["lastUpdatedTime"]


@pytest.mark.unconfirmed  # 409 for version conflicts (docs/dms.md, Open questions 2)
def test_existing_version_conflict_is_409(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "locked", name="A")]})  # version 1
    ok = api.post(APPLY, {"items": [_pump_at(space, "locked", 1, name="B")]})["items"][0]
    assert ok["wasModified"] is True
    version = ok["version"]
    stale = _pump_at(space, "locked", version - 1, name="C")
    api.post_error(APPLY, {"items": [stale]}, status=409, mentions=["locked"], emulator_wording=["version conflict"])
    assert props(_one(api, space, "locked"), view_ref(space, "Pump"))["name"] == "B"


@pytest.mark.unconfirmed  # 409 for version conflicts (docs/dms.md, Open questions 2)
def test_existing_version_zero_is_insert_only(api: Api, schema_space: str) -> None:
    space = schema_space
    created = api.post(APPLY, {"items": [_pump_at(space, "once", 0, name="A")]})["items"][0]
    assert created["wasModified"] is True
    again = _pump_at(space, "once", 0, name="B")
    api.post_error(APPLY, {"items": [again]}, status=409, mentions=["once"], emulator_wording=["version conflict"])
    assert props(_one(api, space, "once"), view_ref(space, "Pump"))["name"] == "A"


def test_skip_on_version_conflict_skips_only_the_conflicting_item(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "a", name="A")]})
    body = {
        "items": [_pump_at(space, "a", 0, name="changed"), _pump(space, "b", name="B")],
        "skipOnVersionConflict": True,
    }
    api.post(APPLY, body)
    nodes = {n["externalId"]: n for n in _byids(api, space, "a", "b")}
    assert props(nodes["a"], view_ref(space, "Pump"))["name"] == "A"
    assert nodes["a"]["version"] == 1
    assert props(nodes["b"], view_ref(space, "Pump"))["name"] == "B"


def test_direct_relation_targets_are_auto_created(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "a", name="A", site=node_ref(space, "newSite"))]})
    found = api.post("/models/instances/byids", {"items": [node_id(space, "newSite")]})["items"]
    assert xids(found) == ["newSite"]


def test_edge_with_missing_end_nodes_is_409_without_auto_create(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [node_write(space, "n1")]})
    flows = node_ref(space, "flows-to")
    no_end = edge_write(space, "e", flows, node_ref(space, "n1"), node_ref(space, "n2"))
    api.post_error(APPLY, {"items": [no_end]}, status=409, mentions=["n2"], emulator_wording=["end node"])
    no_start = edge_write(space, "e", flows, node_ref(space, "n3"), node_ref(space, "n1"))
    api.post_error(APPLY, {"items": [no_start]}, status=409, mentions=["n3"], emulator_wording=["start node"])
    assert api.post("/models/instances/byids", {"items": [edge_id(space, "e")]})["items"] == []


def test_edge_auto_creates_start_and_end_nodes_when_asked(api: Api, schema_space: str) -> None:
    space = schema_space
    edge = edge_write(
        space, "e", node_ref(space, "flows-to"), node_ref(space, "n1"), node_ref(space, "n2"), view_ref(space, "Flow")
    )
    edge["sources"][0]["properties"] = {"rate": 4.5}
    body = {"items": [edge], "autoCreateStartNodes": True, "autoCreateEndNodes": True}
    [item] = api.post(APPLY, body)["items"]
    assert item["instanceType"] == "edge" and item["wasModified"] is True
    nodes = api.post("/models/instances/byids", {"items": [node_id(space, "n1"), node_id(space, "n2")]})["items"]
    assert sorted(xids(nodes)) == ["n1", "n2"]
    [read] = api.post(
        "/models/instances/byids",
        {"items": [edge_id(space, "e")], "sources": [{"source": view_ref(space, "Flow")}]},
    )["items"]
    assert read["startNode"] == node_ref(space, "n1") and read["endNode"] == node_ref(space, "n2")
    assert read["type"] == node_ref(space, "flows-to")
    assert props(read, view_ref(space, "Flow")) == {"rate": 4.5}


def test_edge_between_existing_nodes(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [node_write(space, "n1"), node_write(space, "n2")]})
    edge = edge_write(space, "e", node_ref(space, "flows-to"), node_ref(space, "n1"), node_ref(space, "n2"))
    [item] = api.post(APPLY, {"items": [edge]})["items"]
    assert (item["instanceType"], item["externalId"]) == ("edge", "e")


def test_delete_in_the_same_request(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "old", name="Old")]})
    body = {"items": [_pump(space, "new", name="New")], "delete": [node_id(space, "old"), node_id(space, "ghost")]}
    response = api.post(APPLY, body)
    assert xids(response["items"]) == ["new"]
    assert response["deleted"] == [node_id(space, "old")], "non-existent delete targets are not listed"
    assert xids(_byids(api, space, "old", "new")) == ["new"]


def test_response_order_is_request_order(api: Api, schema_space: str) -> None:
    space = schema_space
    order = ["c", "a", "e", "b", "d"]
    api.post(APPLY, {"items": [_pump(space, "b", name="B")]})  # one of them exists already
    response = api.post(APPLY, {"items": [_pump(space, x, name=x.upper()) for x in order]})
    assert xids(response["items"]) == order


def test_write_through_container_source(api: Api, schema_space: str) -> None:
    space = schema_space
    item = {
        "instanceType": "node",
        "space": space,
        "externalId": "viaContainer",
        "sources": [
            {"source": {"type": "container", "space": space, "externalId": "Pump"}, "properties": {"name": "C"}}
        ],
    }
    api.post(APPLY, {"items": [item]})
    assert props(_one(api, space, "viaContainer"), view_ref(space, "Pump"))["name"] == "C"
    body = {
        "items": [node_id(space, "viaContainer")],
        "sources": [{"source": {"type": "container", "space": space, "externalId": "Pump"}}],
    }
    [read] = api.post("/models/instances/byids", body)["items"]
    assert read["properties"][space]["Pump"]["name"] == "C", "container sources are keyed by container externalId"


# ---------------------------------------------------------------------------------------------- delete


def test_deleting_a_node_deletes_its_edges_and_ignores_missing(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [node_write(space, x) for x in ("n1", "n2", "n3")]})
    flows = node_ref(space, "flows-to")
    edges = [
        edge_write(space, "e12", flows, node_ref(space, "n1"), node_ref(space, "n2")),
        edge_write(space, "e31", flows, node_ref(space, "n3"), node_ref(space, "n1")),
        edge_write(space, "e23", flows, node_ref(space, "n2"), node_ref(space, "n3")),
    ]
    api.post(APPLY, {"items": edges})
    response = api.post("/models/instances/delete", {"items": [node_id(space, "n1"), node_id(space, "missing")]})
    assert node_id(space, "n1") in response["items"]
    body = {"items": [edge_id(space, x) for x in ("e12", "e31", "e23")]}
    assert xids(api.post("/models/instances/byids", body)["items"]) == ["e23"]
    remaining = api.post("/models/instances/byids", {"items": [node_id(space, x) for x in ("n1", "n2", "n3")]})
    assert xids(remaining["items"]) == ["n2", "n3"]


def test_delete_in_unknown_space_is_400(api: Api) -> None:
    api.post_error(
        "/models/instances/delete",
        {"items": [node_id("pgcNoSuchSpace0000", "x")]},
        status=400,
        missing=[{"space": "pgcNoSuchSpace0000"}],
    )


# ---------------------------------------------------------------------------------------------- byids


def test_byids_with_sources_and_missing_omitted(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "a", name="A", count=3), node_write(space, "bare")]})
    plain = api.post(
        "/models/instances/byids", {"items": [node_id(space, "a"), node_id(space, "zzz"), node_id(space, "bare")]}
    )
    assert xids(plain["items"]) == ["a", "bare"]
    assert all(not item.get("properties") for item in plain["items"]), "no sources -> no properties"
    [item] = _byids(api, space, "a", "zzz")
    assert props(item, view_ref(space, "Pump"))["count"] == 3


def test_byids_with_sources_requires_data_in_the_source(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "a", name="A"), node_write(space, "bare")]})
    assert xids(_byids(api, space, "a", "bare")) == ["a"]


def test_byids_unknown_view_in_sources_is_400(api: Api, schema_space: str) -> None:
    space = schema_space
    body = {"items": [node_id(space, "a")], "sources": [{"source": view_ref(space, "Nope")}]}
    api.post_error("/models/instances/byids", body, status=400, mentions=["Nope"], missing=[view_ref(space, "Nope")])


def test_apply_unknown_view_is_400(api: Api, schema_space: str) -> None:
    space = schema_space
    item = node_write(space, "a", view_ref(space, "Nope"), {"name": "A"})
    api.post_error(APPLY, {"items": [item]}, status=400, mentions=["Nope"], missing=[view_ref(space, "Nope")])


def test_apply_unknown_space_is_400(api: Api, schema_space: str) -> None:
    item = node_write("pgcNoSuchSpace0000", "a", view_ref(schema_space, "Pump"), {"name": "A"})
    api.post_error(APPLY, {"items": [item]}, status=400, missing=[{"space": "pgcNoSuchSpace0000"}])


# ---------------------------------------------------------------------------------------------- validation

BAD_VALUES: list[tuple[str, dict[str, Any]]] = [
    ("wrong-type-int", {"name": "A", "count": "ten"}),
    ("wrong-type-float", {"name": "A", "pressure": "high"}),
    ("wrong-type-bool", {"name": "A", "active": "yes"}),
    ("wrong-type-text", {"name": 5}),
    ("wrong-type-list", {"name": "A", "tags": "a"}),
    ("wrong-type-date", {"name": "A", "installed": "04/05/2021"}),
    ("wrong-type-timestamp", {"name": "A", "lastSeen": "yesterday"}),
    ("wrong-type-json", {"name": "A", "meta": [1, 2]}),
    ("wrong-type-enum", {"name": "A", "status": "exploded"}),
    ("wrong-type-direct", {"name": "A", "site": "s1"}),
    ("unknown-property", {"name": "A", "nope": 1}),
    ("null-in-non-nullable", {"name": None}),
    ("text-too-long", {"name": "A", "description": "x" * 128_001}),
    ("list-too-long-max-list-size", {"name": "A", "tags": ["t"] * 6}),
    ("list-too-long-default", {"name": "A", "levels": list(range(1001))}),
]
BAD_PROPERTY = {
    "wrong-type-int": "count",
    "wrong-type-float": "pressure",
    "wrong-type-bool": "active",
    "wrong-type-text": "name",
    "wrong-type-list": "tags",
    "wrong-type-date": "installed",
    "wrong-type-timestamp": "lastSeen",
    "wrong-type-json": "meta",
    "wrong-type-enum": "status",
    "wrong-type-direct": "site",
    "unknown-property": "nope",
    "null-in-non-nullable": "name",
    "text-too-long": "description",
    "list-too-long-max-list-size": "tags",
    "list-too-long-default": "levels",
}


@pytest.mark.parametrize("case, values", BAD_VALUES, ids=[case for case, _ in BAD_VALUES])
def test_invalid_value_is_400_naming_item_and_property(
    api: Api, schema_space: str, case: str, values: dict[str, Any]
) -> None:
    space = schema_space
    good = _pump(space, "goodOne", name="fine")
    bad = _pump(space, "badItem42", **values)
    api.post_error(APPLY, {"items": [good, bad]}, status=400, mentions=["badItem42", BAD_PROPERTY[case]])
    # A rejected request changes nothing: the valid item was not written either.
    assert api.post("/models/instances/byids", {"items": [node_id(space, "goodOne")]})["items"] == []


def test_missing_required_property_on_create_is_400(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post_error(
        APPLY,
        {"items": [_pump(space, "noName", count=1)]},
        status=400,
        mentions=["noName", "name"],
        emulator_wording=["missing required property"],
    )


def test_missing_required_property_is_fine_on_update(api: Api, schema_space: str) -> None:
    space = schema_space
    api.post(APPLY, {"items": [_pump(space, "a", name="A")]})
    api.post(APPLY, {"items": [_pump(space, "a", count=2)]})  # patch: name already stored


def test_more_than_1000_items_is_400(api: Api, schema_space: str) -> None:
    space = schema_space
    items = [node_write(space, f"n{i}") for i in range(1001)]
    api.post_error(APPLY, {"items": items}, status=400, mentions=["items"], emulator_wording=["1000"])
    body = {"items": items[:600], "delete": [node_id(space, f"d{i}") for i in range(401)]}
    api.post_error(APPLY, body, status=400, mentions=["items", "delete"], emulator_wording=["1000"])
    ids = {"items": [node_id(space, f"n{i}") for i in range(1001)]}
    api.post_error("/models/instances/delete", ids, status=400, mentions=["items"], emulator_wording=["1000"])
    api.post_error("/models/instances/byids", ids, status=400, mentions=["items"], emulator_wording=["1000"])


@pytest.mark.parametrize(
    "space_name, external_id",
    [
        ("1startsWithDigit", "ok"),
        ("has space", "ok"),
        ("x" * 44, "ok"),
        (None, "ok"),
        ("VALID", ""),
        ("VALID", "x" * 257),
        ("VALID", "nul\x00char"),
        ("VALID", 42),
    ],
    ids=["space-digit", "space-blank", "space-44", "space-null", "xid-empty", "xid-257", "xid-nul", "xid-number"],
)
def test_bad_instance_identifiers_are_400(api: Api, schema_space: str, space_name: Any, external_id: Any) -> None:
    space = schema_space if space_name == "VALID" else space_name
    item = {"instanceType": "node", "space": space, "externalId": external_id}
    field = "externalId" if space_name == "VALID" else "space"
    api.post_error(
        APPLY,
        {"items": [node_write(schema_space, "goodOne"), item]},
        status=400,
        mentions=[field],
        emulator_wording=["items[1]"],
    )
    assert api.post("/models/instances/byids", {"items": [node_id(schema_space, "goodOne")]})["items"] == []


def test_external_id_of_256_characters_is_fine(api: Api, schema_space: str) -> None:
    api.post(APPLY, {"items": [node_write(schema_space, "x" * 256)]})


@pytest.mark.parametrize(
    "item, field, wording",
    [
        ({"space": "1bad", "name": "x"}, "space", '"1bad"'),
        ({"space": "space"}, "space", "reserved"),
        ({"space": "ok", "name": "n" * 256}, "name", "255"),
    ],
    ids=["pattern", "reserved", "name-too-long"],
)
def test_bad_space_apply_is_400(api: Api, item: dict[str, Any], field: str, wording: str) -> None:
    if item["space"] == "ok":
        item = item | {"space": "pgcNameTooLong"}
    api.post_error("/models/spaces", {"items": [item]}, status=400, mentions=[field], emulator_wording=[wording])


@pytest.mark.parametrize(
    "external_id, wording",
    [
        ("1Pump", "invalid externalId"),
        ("has-dash", "invalid externalId"),
        ("String", "reserved"),
        ("x" * 256, "invalid"),
    ],
    ids=["digit", "dash", "reserved", "too-long"],
)
def test_bad_container_external_id_is_400(api: Api, space: str, external_id: str, wording: str) -> None:
    item = {"space": space, "externalId": external_id, "properties": {"x": {"type": {"type": "int32"}}}}
    api.post_error(
        "/models/containers", {"items": [item]}, status=400, mentions=["externalId"], emulator_wording=[wording]
    )


def test_more_than_100_schema_items_is_400(api: Api) -> None:
    many = {"items": [{"space": f"pgcMany{i}"} for i in range(101)]}
    api.post_error("/models/spaces", many, status=400, mentions=["items"], emulator_wording=["between 1 and 100"])
    api.post_error("/models/spaces/byids", many, status=400, mentions=["items"], emulator_wording=["between 1 and 100"])


def test_empty_items_is_400(api: Api) -> None:
    api.post_error("/models/spaces", {"items": []}, status=400, mentions=["items"], emulator_wording=["at least 1"])
