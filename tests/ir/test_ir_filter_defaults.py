"""What a view's ``filter`` requires of an instance: the node type and field values write classes default."""

from __future__ import annotations

from typing import Any

import pytest
from _ir_support import SPACE, load_shared, mapped, model, text, view

from pygen.generator.ir import NodeRef, SDKModel, ViewClass, ViewRef, build_ir


def _type_equals(external_id: str, kind: str = "node") -> dict[str, Any]:
    return {"equals": {"property": [kind, "type"], "value": {"space": SPACE, "externalId": external_id}}}


def _prop_equals(container: str, prop: str, value: Any) -> dict[str, Any]:
    return {"equals": {"property": [SPACE, container, prop], "value": value}}


def _has_data() -> dict[str, Any]:
    return {"hasData": [{"type": "container", "space": SPACE, "externalId": "C"}]}


def _one(view_filter: dict[str, Any] | None, **keys: Any) -> ViewClass:
    props = {"name": text(), "kind": text(identifier="category"), "size": mapped({"type": "int64"}, container="D")}
    sdk, diagnostics = build_ir([model(view("V", props, filter=view_filter, **keys))])
    assert sdk is not None, diagnostics
    (only,) = sdk.views
    return only


def test_equals_on_the_node_type() -> None:
    found = _one(_type_equals("Pump"))
    assert found.node_type == NodeRef(SPACE, "Pump") and found.filter_defaults == ()


def test_equals_inside_a_top_level_and() -> None:
    found = _one({"and": [_has_data(), _type_equals("Pump"), _prop_equals("C", "category", "big")]})
    assert found.node_type == NodeRef(SPACE, "Pump")
    assert found.filter_defaults == (("kind", '"big"'),)
    assert found.filter_default("kind") == "big" and found.filter_default("name") is None


def test_equals_on_a_mapped_container_property_names_the_view_property() -> None:
    found = _one({"and": [_prop_equals("D", "size", 3), _prop_equals("C", "name", "x")]})
    assert found.node_type is None
    assert found.filter_defaults == (("name", '"x"'), ("size", "3"))


@pytest.mark.parametrize(
    "view_filter",
    [
        None,
        {"in": {"property": ["node", "type"], "values": [{"space": SPACE, "externalId": "A"}]}},
        {"or": [_type_equals("A")]},
        {"not": _type_equals("A")},
        {"and": [{"and": [_type_equals("A"), _prop_equals("C", "name", "x")]}]},
        {"and": [_type_equals("A"), _type_equals("B")]},  # contradictory: nothing to default
        {"equals": {"property": ["node", "type"], "value": "not-a-node-id"}},
        {"equals": {"property": ["node", "externalId"], "value": "x"}},
        _prop_equals("C", "unmapped", "x"),  # a container property the view does not map
        _prop_equals("Other", "name", "x"),  # right property name, other container
        {"equals": {"property": [SPACE, "V/v1", "name"], "value": "x"}},  # a view property reference
        _has_data(),
    ],
)
def test_no_default(view_filter: dict[str, Any] | None) -> None:
    found = _one(view_filter)
    assert found.node_type is None and found.filter_defaults == ()


def test_edge_views_take_the_edge_type() -> None:
    assert _one(_type_equals("Link", "edge"), usedFor="edge").node_type == NodeRef(SPACE, "Link")
    assert _one(_type_equals("Link", "node"), usedFor="edge").node_type is None


def _shared(name: str) -> SDKModel:
    sdk, diagnostics = build_ir([load_shared(name)])
    assert sdk is not None, diagnostics
    return sdk


def test_shared_models() -> None:
    omni = _shared("Omni")
    assert omni.view(ViewRef("sp_pygen_models", "ConnectionItemA", "1")).node_type == NodeRef(
        "sp_pygen_models", "ConnectionItemA"
    )
    assert omni.view(ViewRef("sp_pygen_models", "Implementation1", "1")).node_type == NodeRef(
        "sp_pygen_models", "Implementation1"
    )
    assert omni.view(ViewRef("sp_pygen_models", "SubInterface", "1")).node_type is None  # an `in`: ambiguous
    core = _shared("CogniteCore")
    cad = core.view(ViewRef("cdf_cdm", "CogniteCADModel", "v1"))
    assert cad.node_type is None and cad.filter_defaults == (("type", '"CAD"'),)
    # Its revision view filters on Cognite3DModel.type, which it does not map: no default.
    assert core.view(ViewRef("cdf_cdm", "CogniteCADRevision", "v1")).filter_defaults == ()
