"""Sync across pages: instances deleted before a sync began stay out of every page of it."""

from __future__ import annotations

from typing import Any

from _conformance import Api, in_space, node_id, node_write, view_ref, xids

APPLY = "/models/instances"
SYNC = "/models/instances/sync"


def _pumps(api: Api, space: str, names: list[str]) -> None:
    pump = view_ref(space, "Pump")
    api.post(APPLY, {"items": [node_write(space, name, pump, {"name": name.upper()}) for name in names]})


def test_initial_sync_leaves_out_earlier_deletions_on_every_page(api: Api, schema_space: str) -> None:
    space = schema_space
    pump = view_ref(space, "Pump")
    _pumps(api, space, [f"p{i}" for i in range(6)])
    # Deleted before the sync begins: tombstones that skipAlreadyDeleted (the default) hides.
    api.post("/models/instances/delete", {"items": [node_id(space, x) for x in ("p1", "p3", "p5")]})
    body: dict[str, Any] = {
        "with": {"pumps": {"nodes": {"filter": {"and": [in_space(space), {"hasData": [pump]}]}}, "limit": 1}},
        "select": {"pumps": {"sources": [{"source": pump, "properties": ["name"]}]}},
    }
    seen: list[dict[str, Any]] = []
    deleted_during = False
    for _ in range(20):
        page = api.post(SYNC, body)
        seen.extend(page["items"]["pumps"])
        if not page["items"]["pumps"]:
            break
        if not deleted_during:  # a deletion after the sync began is a change the sync reports
            api.post("/models/instances/delete", {"items": [node_id(space, "p0")]})
            deleted_during = True
        body["cursors"] = {"pumps": page["nextCursor"]["pumps"]}
    live = sorted(x for x in xids(seen) if not any(i["externalId"] == x and i.get("deletedTime") for i in seen))
    tombstones = sorted(item["externalId"] for item in seen if item.get("deletedTime"))
    assert tombstones == ["p0"], "only the deletion after the sync began is reported"
    assert set(live) >= {"p2", "p4"} and not set(live) & {"p1", "p3", "p5"}


def test_sync_can_ask_for_earlier_deletions(api: Api, schema_space: str) -> None:
    space = schema_space
    pump = view_ref(space, "Pump")
    _pumps(api, space, ["q0", "q1", "q2"])
    api.post("/models/instances/delete", {"items": [node_id(space, "q1")]})
    body: dict[str, Any] = {
        "with": {
            "pumps": {
                "nodes": {"filter": {"and": [in_space(space), {"hasData": [pump]}]}},
                "limit": 1,
                "skipAlreadyDeleted": False,
            }
        },
        "select": {"pumps": {}},
    }
    seen: list[dict[str, Any]] = []
    for _ in range(20):
        page = api.post(SYNC, body)
        if not page["items"]["pumps"]:
            break
        seen.extend(page["items"]["pumps"])
        body["cursors"] = {"pumps": page["nextCursor"]["pumps"]}
    assert sorted(item["externalId"] for item in seen if item.get("deletedTime")) == ["q1"]


def test_no_backfill_sync_starts_at_now(api: Api, schema_space: str) -> None:
    space = schema_space
    pump = view_ref(space, "Pump")
    _pumps(api, space, ["r0", "r1"])
    body: dict[str, Any] = {
        "with": {
            "pumps": {
                "nodes": {"filter": {"and": [in_space(space), {"hasData": [pump]}]}},
                "limit": 10,
                "mode": "noBackfill",
            }
        },
        "select": {"pumps": {}},
    }
    first = api.post(SYNC, body)
    assert first["items"]["pumps"] == [], "no backfill: what existed before is not returned"
    _pumps(api, space, ["r2"])
    body["cursors"] = {"pumps": first["nextCursor"]["pumps"]}
    assert xids(api.post(SYNC, body)["items"]["pumps"]) == ["r2"]


def test_an_unknown_sync_mode_is_refused(api: Api, schema_space: str) -> None:
    body = {
        "with": {"pumps": {"nodes": {"filter": in_space(schema_space)}, "mode": "fastest"}},
        "select": {"pumps": {}},
    }
    error = api.post_error(SYNC, body)
    assert "mode" in error["message"] and "fastest" in error["message"]
