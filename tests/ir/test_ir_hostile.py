"""Random, hostile data models: build_ir never raises, and what it returns is consistent and resolved."""

from __future__ import annotations

import keyword
import random
from typing import Any

from _ir_support import SPACE, mapped, model, view, view_ref
from hypothesis import given, settings
from hypothesis import strategies as st

from pygen.generator.emit.python import python_names
from pygen.generator.ir import DirectType, build_ir, has_errors

NAMES = st.sampled_from(["A", "B", "C", "Pump", "pump", "Node", "class", "3D", "ø", "Outside"])
PROP_IDS = st.one_of(
    st.sampled_from(["name", "type", "space", "class", "maxPressure", "max_pressure", "model3D", "x", "__init__"]),
    st.text(max_size=8),
)
TYPES = st.sampled_from(
    [
        {"type": "text"},
        {"type": "int32", "list": True},
        {"type": "float64", "unit": {"externalId": "pressure:bar"}},
        {"type": "enum", "values": {"a": {}, "b": {"name": '"""', "description": "\\"}}},
        {"type": "json"},
        {"type": "vector", "dim": 3},
        {"type": "timeseries"},
    ]
)


@st.composite
def _property(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["mapped", "direct", "edge", "reverse", "unknown"]))
    target = draw(NAMES)
    if kind == "mapped":
        return mapped(draw(TYPES), identifier=draw(st.sampled_from(["a", "b"])), description=draw(st.text(max_size=20)))
    if kind == "direct":
        type_: dict[str, Any] = {"type": "direct", "list": draw(st.booleans())}
        if draw(st.booleans()):
            type_["source"] = view_ref(target)
        return mapped(type_, identifier=draw(st.sampled_from(["a", "b"])))
    if kind == "edge":
        edge: dict[str, Any] = {
            "connectionType": draw(st.sampled_from(["single_edge_connection", "multi_edge_connection"])),
            "type": {"space": SPACE, "externalId": "t"},
            "source": view_ref(target),
            "direction": draw(st.sampled_from(["outwards", "inwards"])),
        }
        if draw(st.booleans()):
            edge["edgeSource"] = view_ref(draw(NAMES))
        return edge
    if kind == "reverse":
        through_source: dict[str, Any] = (
            view_ref(draw(NAMES)) if draw(st.booleans()) else {"type": "container", "space": SPACE, "externalId": "C"}
        )
        return {
            "connectionType": draw(
                st.sampled_from(["single_reverse_direct_relation", "multi_reverse_direct_relation"])
            ),
            "source": view_ref(target),
            "through": {"source": through_source, "identifier": draw(PROP_IDS)},
        }
    return {"connectionType": "quantum_link"}


@st.composite
def _views(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.lists(NAMES.filter(lambda n: n != "Outside"), min_size=1, max_size=5, unique=True))
    views = []
    for name in names:
        props = draw(st.dictionaries(PROP_IDS, _property(), max_size=6))
        implements = [view_ref(parent) for parent in draw(st.lists(st.sampled_from(names), max_size=2, unique=True))]
        views.append(
            view(
                name,
                props,
                implements=implements,
                usedFor=draw(st.sampled_from(["node", "edge", "all", "record"])),
                description=draw(st.text(max_size=30)),
            )
        )
    return views


@settings(max_examples=120, deadline=None)
@given(_views(), st.randoms(use_true_random=False))
def test_hostile_models_build_consistently(views: list[dict[str, Any]], rng: random.Random) -> None:
    sdk, diagnostics = build_ir([model(*views)])
    assert (sdk is None) == has_errors(diagnostics)
    shuffled = list(views)
    rng.shuffle(shuffled)
    assert build_ir([model(*shuffled)]) == (sdk, diagnostics)
    if sdk is None:
        return
    for view_class in sdk.views:
        for conn in view_class.connections:
            assert conn.target is None or sdk.has_view(conn.target)
            if conn.edge is not None and conn.edge.edge_view is not None:
                assert sdk.has_view(conn.edge.edge_view)
            if conn.reverse is not None:
                through = sdk.view(conn.reverse.view).field(conn.reverse.property_id)
                assert through is not None and isinstance(through.type, DirectType)
        for field in view_class.fields:
            if isinstance(field.type, DirectType) and field.type.target is not None:
                assert sdk.has_view(field.type.target)
    names, naming = python_names(sdk)
    assert not has_errors(naming)
    for view_class in sdk.views:
        fields = [names.field(view_class.id, p) for p in view_class.property_ids]
        assert len(set(fields)) == len(fields)
        assert all(name.isidentifier() and name.isascii() and not keyword.iskeyword(name) for name in fields)
