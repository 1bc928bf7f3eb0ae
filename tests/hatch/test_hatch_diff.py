"""``diff_models``: a pure function from two data models to views/properties added, removed or retyped."""

from __future__ import annotations

import copy
from typing import Any

from _hatch_support import load_model, omnisub_v2

from pygen.generator.fetch._diff import describe_property, diff_models


def _prop(type_: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"container": {"space": "s", "externalId": "C"}, "containerPropertyIdentifier": "x", "type": type_, **extra}


def test_identical_and_timestamp_only_changes_are_unchanged() -> None:
    model = load_model("OmniSub")
    touched = copy.deepcopy(model)
    touched["lastUpdatedTime"] += 5
    touched["views"][0]["lastUpdatedTime"] = 1
    diff = diff_models(model, touched)
    assert diff.identical and not diff.has_schema_changes
    assert diff.lines() == ["sp_pygen_models:OmniSub/1: unchanged"]


def test_new_snapshot() -> None:
    diff = diff_models(None, load_model("OmniSub"))
    assert diff.lines() == ["sp_pygen_models:OmniSub/1 (new snapshot, 3 views)"]
    assert diff.views_added == (
        "sp_pygen_models:ConnectionItemA/1",
        "sp_pygen_models:ConnectionItemB/1",
        "sp_pygen_models:ConnectionItemC/1",
    )


def test_version_move_lists_views_and_properties() -> None:
    diff = diff_models(load_model("OmniSub"), omnisub_v2())
    assert str(diff) == "\n".join(
        [
            "sp_pygen_models:OmniSub/1 -> sp_pygen_models:OmniSub/2",
            "  - view sp_pygen_models:ConnectionItemC/1",
            "  ~ view sp_pygen_models:ConnectionItemB/1 -> 2",
            "      + property code: text",
        ]
    )


def test_added_removed_retyped_properties_and_views() -> None:
    old = {
        "space": "s",
        "externalId": "M",
        "version": "1",
        "views": [
            {
                "space": "s",
                "externalId": "A",
                "version": "1",
                "properties": {
                    "keep": _prop({"type": "text"}),
                    "gone": _prop({"type": "int32"}),
                    "widened": _prop({"type": "int32"}),
                    "required": _prop({"type": "text"}, nullable=True),
                    "listed": _prop({"type": "float64"}),
                },
            },
            {"space": "s", "externalId": "Old", "version": "1", "properties": {}},
        ],
    }
    new = copy.deepcopy(old)
    props = new["views"][0]["properties"]
    del props["gone"]
    props["widened"]["type"]["type"] = "int64"
    props["required"]["nullable"] = False
    props["listed"]["type"]["list"] = True
    props["fresh"] = _prop({"type": "direct"}, source={"space": "s", "externalId": "B", "version": "1"})
    new["views"][1] = {"space": "s", "externalId": "New", "version": "1", "properties": {}}
    new["description"] = "changed"
    diff = diff_models(old, new)
    assert diff.lines() == [
        "s:M/1",
        "  + view s:New/1",
        "  - view s:Old/1",
        "  ~ view s:A/1",
        "      + property fresh: direct -> s:B/1",
        "      - property gone: int32",
        "      ~ property listed: float64 -> float64[]",
        "      ~ property required: text -> text (required)",
        "      ~ property widened: int32 -> int64",
    ]
    only_description = copy.deepcopy(old)
    only_description["description"] = "x"
    assert diff_models(old, only_description).lines() == [
        "s:M/1: no view or property changes (names, descriptions or other details changed)"
    ]


def test_describe_connections() -> None:
    view = {"space": "s", "externalId": "B", "version": "1", "type": "view"}
    edge = {"type": {"space": "s", "externalId": "t"}, "source": view, "direction": "outwards"}
    assert describe_property({**edge, "connectionType": "multi_edge_connection"}) == "edge[] -> s:B/1"
    assert describe_property({**edge, "connectionType": "single_edge_connection", "direction": "inwards"}) == (
        "edge (inwards) -> s:B/1"
    )
    reverse = {"source": view, "through": {"source": view, "identifier": "parent"}}
    assert describe_property({**reverse, "connectionType": "multi_reverse_direct_relation"}) == (
        "reverse direct[] -> s:B/1 via s:B/1.parent"
    )
    assert describe_property(_prop({"type": "enum", "values": {"b": {}, "a": {}}})) == "enum(a, b)"
    assert describe_property({"type": "weird"}) == '"weird"'


def test_real_models_diff_without_errors() -> None:
    core, omni = load_model("CogniteCore"), load_model("Omni")
    assert diff_models(core, core).identical
    diff = diff_models(core, omni)
    assert len(diff.views_added) == len(omni["views"]) and len(diff.views_removed) == len(core["views"])
