"""One failure case per IR diagnostic: the level, the item and the message text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from _ir_support import direct, edge, mapped, model, reverse, text, view, view_ref

from pygen.dms import DataModel
from pygen.generator.ir import CODES, Diagnostic, EnumType, ViewRef, build_ir, has_errors, sort_diagnostics

Case = tuple[str, Callable[[], list[DataModel]], dict[str, Any], str, str]

CASES: list[Case] = [
    ("no-views", lambda: [model()], {}, "sp:M/1", r"the data model has no view to generate"),
    (
        "view-not-inline",
        lambda: [model(view("A"), view_ref("B"))],
        {},
        "sp:B/v1",
        r"data model sp:M/1 lists the view without its definition: view skipped \(read the data model with "
        r"inlineViews=true\)",
    ),
    (
        "view-conflict",
        lambda: [
            model(view("A", {"x": text()}), external_id="M1"),
            model(view("A", {"x": text(), "y": text()}), external_id="M2"),
        ],
        {},
        "sp:A/v1",
        r"the view is defined differently by the data models \(sp:M2/1; sp:M1/1\); using the definition from "
        r"sp:M2/1 \(newest, then most properties\)",
    ),
    (
        "view-renamed",
        lambda: [model(view("Pump", version="v1"), view("Pump", version="v2"))],
        {},
        "sp:Pump/v1",
        r"views sp:Pump/v1, sp:Pump/v2 share the external id 'Pump': named 'Pump_v1' "
        r'\(view_names=\{"sp:Pump/v1": "..."\} chooses another name\)',
    ),
    (
        "duplicate-view-name",
        lambda: [model(view("Pump", version="v1"), view("Valve"))],
        {"view_names": {"sp:Valve/v1": "Pump"}},
        "sp:Pump/v1",
        r"views sp:Pump/v1 \('Pump'\), sp:Valve/v1 \('Pump'\) would have one name: give this one another with "
        r'view_names=\{"sp:Pump/v1": "..."\}',
    ),
    (
        "unknown-view-name",
        lambda: [model(view("A"))],
        {"view_names": {"sp:Nope/v1": "X"}},
        "sp:Nope/v1",
        r"view_names names a view that is not in the model: sp:Nope/v1 \(views are named "
        r'"space:externalId/version"\)',
    ),
    (
        "invalid-view-name",
        lambda: [model(view("A"))],
        {"view_names": {"sp:A/v1": "1 bad"}},
        "sp:A/v1",
        r"view_names gives '1 bad': a name must be a letter followed by letters, digits and '_'",
    ),
    (
        "invalid-identifier",
        lambda: [model(view("A", {"bad prop": text(identifier="bad")}))],
        {},
        "sp:A/v1.bad prop",
        r"property id 'bad prop' is invalid: 1-255 characters, letters, digits, '_' and '-', starting with a letter "
        r"or digit; generated anyway",
    ),
    (
        "unknown-property-type",
        lambda: [model(view("A", {"vec": mapped({"type": "vector", "dim": 3})}))],
        {},
        "sp:A/v1.vec",
        r"property type 'vector' is not supported: property skipped",
    ),
    (
        "invalid-enum",
        lambda: [model(view("A", {"state": mapped({"type": "enum", "values": {"ok": {}, "1st": {}}})}))],
        {},
        "sp:A/v1.state",
        r"enum value '1st' is invalid: 1-128 characters, letters, digits and '_', not starting with a digit; "
        r"generated anyway",
    ),
    (
        "unknown-property-kind",
        lambda: [model(view("A", {"odd": {"connectionType": "hyper_edge", "x": 1}}))],
        {},
        "sp:A/v1.odd",
        r"unknown view property kind \(connectionType 'hyper_edge'\): property skipped",
    ),
    (
        "target-outside-model",
        lambda: [model(view("A", {"site": direct("Elsewhere")}))],
        {},
        "sp:A/v1.site",
        r"direct relation target view sp:Elsewhere/v1 is not in the model: typed as a plain node id",
    ),
    (
        "edge-view-outside-model",
        lambda: [model(view("A", {"to": edge("A", edgeSource=view_ref("Props"))}))],
        {},
        "sp:A/v1.to",
        r"edge properties view sp:Props/v1 is not in the model: edge properties left out",
    ),
    (
        "reverse-target-outside-model",
        lambda: [model(view("A", {"back": reverse("Elsewhere", "a")}))],
        {},
        "sp:A/v1.back",
        r"reverse relation source view sp:Elsewhere/v1 is not in the model: connection skipped",
    ),
    (
        "reverse-through-missing",
        lambda: [model(view("A", {"back": reverse("B", "nope")}), view("B"))],
        {},
        "sp:A/v1.back",
        r"reverse relation goes through sp:B/v1.nope, which does not exist: connection skipped",
    ),
    (
        "reverse-through-not-direct",
        lambda: [model(view("A", {"back": reverse("B", "name")}), view("B", {"name": text()}))],
        {},
        "sp:A/v1.back",
        r"reverse relation goes through sp:B/v1.name, which is not a direct relation: connection skipped",
    ),
    (
        "reverse-through-ambiguous",
        lambda: [
            model(
                view(
                    "A",
                    {
                        "back": {
                            "connectionType": "multi_reverse_direct_relation",
                            "source": view_ref("B"),
                            "through": {
                                "source": {"type": "container", "space": "sp", "externalId": "C"},
                                "identifier": "a",
                            },
                        }
                    },
                ),
                view("B", {"a1": direct("A", identifier="a"), "a2": direct("A", identifier="a")}),
            )
        ],
        {},
        "sp:A/v1.back",
        r"reverse relation goes through container property sp:C.a, which view sp:B/v1 maps as 'a1', 'a2': using 'a1'",
    ),
    (
        "reverse-through-mismatch",
        lambda: [model(view("A", {"back": reverse("B", "c")}), view("B", {"c": direct("C")}), view("C"))],
        {},
        "sp:A/v1.back",
        r"reverse relation goes through sp:B/v1.c, whose target view is sp:C/v1, not this view or one it implements "
        r"or is implemented by: generated as the model says",
    ),
    (
        "implements-cycle",
        lambda: [model(view("A", implements=[view_ref("B")]), view("B", implements=[view_ref("A")]))],
        {},
        "sp:B/v1",
        r"the view implements sp:A/v1, which implements it back: that link is ignored",
    ),
    (
        "unsupported-view-kind",
        lambda: [model(view("A"), view("R", usedFor="record"))],
        {},
        "sp:R/v1",
        r"views used for 'record' are not supported \(only node, edge and all\): view skipped",
    ),
]


@pytest.mark.parametrize(("code", "models", "kwargs", "item", "message"), CASES, ids=[case[0] for case in CASES])
def test_each_diagnostic(
    code: str, models: Callable[[], list[DataModel]], kwargs: dict[str, Any], item: str, message: str
) -> None:
    sdk, diagnostics = build_ir(models(), **kwargs)
    found = [d for d in diagnostics if d.code == code]
    assert found, diagnostics
    diagnostic = next((d for d in found if d.item == item), found[0])
    assert diagnostic.item == item
    assert diagnostic.level == CODES[code]
    assert re.fullmatch(message, diagnostic.message), diagnostic.message
    assert (sdk is None) == has_errors(diagnostics)


def test_every_code_has_a_case() -> None:
    assert sorted(CODES) == sorted(case[0] for case in CASES)


def _enum(values: list[str], **extra: Any) -> dict[str, Any]:
    return mapped({"type": "enum", "values": {key: {"name": key.upper()} for key in values}, **extra})


def test_every_way_an_enum_breaks_the_dms_rules_is_a_warning() -> None:
    bad = view(
        "A",
        {
            "empty": _enum([]),
            "keys": _enum(["ok", "a-b", "", "true", "_fine", "x" * 129]),
            "many": _enum([f"v{i}" for i in range(33)]),
            "unknown": _enum(["a", "b"], unknownValue="c"),
            "good": _enum(["a", "b"], unknownValue="b"),
        },
    )
    sdk, diagnostics = build_ir([DataModel.load(model(bad))])
    assert sdk is not None
    found = sorted((d.item, d.message) for d in diagnostics if d.code == "invalid-enum")
    rule = "1-128 characters, letters, digits and '_', not starting with a digit"
    assert found == sorted(
        [
            ("sp:A/v1.empty", "the enum has no values (DMS allows 1 to 32): property skipped"),
            ("sp:A/v1.keys", f"enum value '' is invalid: {rule}; generated anyway"),
            ("sp:A/v1.keys", f"enum value 'a-b' is invalid: {rule}; generated anyway"),
            ("sp:A/v1.keys", "enum value 'true' is reserved by CDF; generated anyway"),
            ("sp:A/v1.keys", f"enum value '{'x' * 129}' is invalid: {rule}; generated anyway"),
            ("sp:A/v1.many", "the enum has 33 values, DMS allows at most 32; generated anyway"),
            ("sp:A/v1.unknown", "unknownValue 'c' is not one of the enum's values: ignored"),
        ]
    )
    (view_a,) = sdk.views
    assert view_a.property_ids == ("good", "keys", "many", "unknown")  # the empty enum is skipped
    unknown = view_a.field("unknown")
    assert unknown is not None and isinstance(unknown.type, EnumType) and unknown.type.keys == ("a", "b")


def test_warnings_skip_only_what_cannot_be_generated() -> None:
    bad = view(
        "A",
        {
            "name": text(),
            "vec": mapped({"type": "vector"}),
            "site": direct("Elsewhere"),
            "back": reverse("Elsewhere", "a"),
        },
    )
    sdk, diagnostics = build_ir([model(bad)])
    assert sdk is not None and not has_errors(diagnostics)
    a = sdk.views[0]
    assert [f.property_id for f in a.fields] == ["name", "site"]
    site = a.connection("site")
    assert site is not None and site.target is None
    assert a.connection("back") is None


def test_errors_stop_generation_and_come_first() -> None:
    sdk, diagnostics = build_ir(
        [model(view("P", {"x": direct("Nope")}), view("Q"))], view_names={"sp:Q/v1": "P", "sp:Nope/v1": "N"}
    )
    assert sdk is None
    assert [d.level for d in diagnostics] == ["error", "error", "error", "warning"]


def test_view_names_keep_views_that_share_an_external_id() -> None:
    sdk, diagnostics = build_ir(
        [model(view("Pump", version="v1"), view("Pump", version="v2"))], view_names={"sp:Pump/v2": "PumpV2"}
    )
    assert sdk is not None and diagnostics == []
    assert [v.identifier for v in sdk.views] == ["Pump", "PumpV2"]


def test_views_that_share_an_external_id_are_told_apart_by_space_then_version() -> None:
    views = [view("Pump", space="a"), view("Pump", space="b-x"), view("Pump", space="a", version="v10")]
    views += [view("Pump", space="a", version="v9"), view("Valve", version="1"), view("Valve", version="2")]
    sdk, diagnostics = build_ir([model(*views)])
    assert sdk is not None
    assert {str(v.id): v.identifier for v in sdk.views} == {
        "a:Pump/v10": "Pump_a",  # the newest (v10 after v9) keeps the space's name
        "a:Pump/v9": "Pump_a_v9",
        "a:Pump/v1": "Pump_a_v1",
        "b-x:Pump/v1": "Pump_b_x",
        "sp:Valve/2": "Valve",
        "sp:Valve/1": "Valve_v1",
    }
    assert [(d.level, d.code) for d in diagnostics] == [("info", "view-renamed")] * 5
    # The same names whatever the order of the views and models.
    again, _ = build_ir([model(*reversed(views))])
    assert again is not None and [v.identifier for v in again.views] == [v.identifier for v in sdk.views]


def test_a_named_view_leaves_the_automatic_names_to_the_others() -> None:
    sdk, diagnostics = build_ir(
        [model(view("Pump", version="v1"), view("Pump", version="v2"))], view_names={"sp:Pump/v1": "LegacyPump"}
    )
    assert sdk is not None and diagnostics == []
    assert [v.identifier for v in sdk.views] == ["LegacyPump", "Pump"]


def test_an_automatic_name_that_is_taken_is_an_error_naming_the_option() -> None:
    sdk, diagnostics = build_ir([model(view("Pump", version="v1"), view("Pump", version="v2"), view("Pump_v1"))])
    assert sdk is None
    errors = [d for d in diagnostics if d.is_error]
    assert {d.item for d in errors} == {"sp:Pump/v1", "sp:Pump_v1/v1"}
    assert all(d.code == "duplicate-view-name" and "view_names=" in d.message for d in errors)


def test_reverse_through_a_container_property_is_resolved_to_the_view_property() -> None:
    back = {
        "connectionType": "single_reverse_direct_relation",
        "source": view_ref("B"),
        "through": {"source": {"type": "container", "space": "sp", "externalId": "C"}, "identifier": "a"},
    }
    sdk, diagnostics = build_ir([model(view("A", {"back": back}), view("B", {"toA": direct("A", identifier="a")}))])
    assert sdk is not None and diagnostics == []
    conn = sdk.view(ViewRef("sp", "A", "v1")).connection("back")
    assert conn is not None and conn.reverse is not None
    assert (conn.kind, conn.reverse.view, conn.reverse.property_id) == (
        "reverse_single",
        ViewRef("sp", "B", "v1"),
        "toA",
    )


def test_diagnostic_text_and_sorting() -> None:
    warning = Diagnostic("warning", "sp:A/v1", "x", "m")
    error = Diagnostic("error", "sp:B/v1", "y", "n")
    assert str(error) == "error: sp:B/v1: n [y]"
    assert sort_diagnostics([warning, error, warning]) == [error, warning]
