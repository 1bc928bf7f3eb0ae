"""The IR of the shared data models: counts, resolved targets, inheritance, determinism."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from _ir_support import load_shared, mapped, model, text, view, view_ref

from pygen.dms import DataModel
from pygen.generator.ir import (
    DirectType,
    EnumType,
    FloatType,
    IntType,
    NodeRef,
    ReferenceType,
    SDKModel,
    TextType,
    ViewRef,
    build_ir,
)

SHARED = ["CogniteCore", "Omni", "OmniSub", "WindTurbine"]


def _build(*names: str) -> SDKModel:
    sdk, diagnostics = build_ir([load_shared(name) for name in names])
    assert sdk is not None, diagnostics
    return sdk


def _counts(sdk: SDKModel) -> tuple[int, int, dict[str, int]]:
    kinds = Counter(conn.kind for v in sdk.views for conn in v.connections)
    return len(sdk.views), sum(len(v.fields) for v in sdk.views), dict(kinds)


@pytest.mark.parametrize(
    ("name", "views", "fields", "connections"),
    [
        (
            "CogniteCore",
            33,
            312,
            {"direct": 46, "direct_list": 10, "reverse_multi": 14, "reverse_single": 1, "edge_multi": 1},
        ),
        (
            "Omni",
            23,
            89,
            {"direct": 6, "direct_list": 4, "edge_multi": 8, "edge_single": 4, "reverse_multi": 1, "reverse_single": 1},
        ),
        ("OmniSub", 3, 5, {"direct": 2, "edge_multi": 5}),
        (
            "WindTurbine",
            16,
            76,
            {"direct": 41, "direct_list": 2, "reverse_single": 7, "reverse_multi": 1, "edge_multi": 2},
        ),
    ],
)
def test_counts_per_shared_model(name: str, views: int, fields: int, connections: dict[str, int]) -> None:
    assert _counts(_build(name)) == (views, fields, connections)


def test_shared_models_give_only_expected_warnings() -> None:
    for name in ["CogniteCore", "Omni", "OmniSub"]:
        assert build_ir([load_shared(name)])[1] == []
    codes = [d.code for d in build_ir([load_shared("WindTurbine")])[1]]
    # Generator.nacelle / MainShaft.nacelle go through each other's direct relation of Nacelle.
    assert codes == ["reverse-through-mismatch", "reverse-through-mismatch"]


def test_cognite_asset_is_flattened_with_inherited_properties() -> None:
    sdk = _build("CogniteCore")
    asset = sdk.view(ViewRef("cdf_cdm", "CogniteAsset", "v1"))
    name = asset.field("name")  # inherited from CogniteDescribable
    assert name is not None and isinstance(name.type, TextType)
    parent = asset.field("parent")
    assert parent is not None and parent.type == DirectType(asset.id)
    assert [f.property_id for f in asset.fields] == sorted(f.property_id for f in asset.fields)
    children = asset.connection("children")
    assert children is not None and children.kind == "reverse_multi" and children.target == asset.id
    assert children.reverse is not None and (children.reverse.view, children.reverse.property_id) == (
        asset.id,
        "parent",
    )
    files = asset.connection("files")
    assert files is not None and files.reverse is not None and files.reverse.through_is_list


def test_omni_types_edges_and_targets() -> None:
    sdk = _build("Omni")
    nullable = sdk.view(ViewRef("sp_pygen_models", "PrimitiveNullable", "1"))
    kinds = {f.property_id: f.type.kind for f in nullable.fields}
    assert kinds == {
        "boolean": "boolean",
        "date": "date",
        "float32": "float32",
        "float64": "float64",
        "int32": "int32",
        "int64": "int64",
        "json": "json",
        "text": "text",
        "timestamp": "timestamp",
    }
    int32 = nullable.field("int32")
    assert int32 is not None and int32.type == IntType(32)
    assert int32.filters == ("equals", "exists", "in", "range")
    json_field = nullable.field("json")
    assert json_field is not None and json_field.filters == ("exists",)

    cdf = sdk.view(ViewRef("sp_pygen_models", "CDFExternalReferences", "1"))
    assert {f.property_id: f.type for f in cdf.fields} == {
        "file": ReferenceType("file"),
        "sequence": ReferenceType("sequence"),
        "timeseries": ReferenceType("timeseries"),
    }

    item_e = sdk.view(ViewRef("sp_pygen_models", "ConnectionItemE", "1"))
    inwards = item_e.connection("inwardsSingleProperty")
    assert inwards is not None and inwards.kind == "edge_single" and inwards.edge is not None
    assert inwards.edge.edge_type == NodeRef("sp_pygen_models", "multiProperty")
    assert inwards.edge.direction == "inwards"
    assert inwards.edge.edge_view == ViewRef("sp_pygen_models", "ConnectionEdgeA", "1")
    single = item_e.connection("directReverseSingle")
    assert single is not None and single.kind == "reverse_single" and single.reverse is not None
    assert single.reverse.property_id == "directSingle" and not single.reverse.through_is_list

    item_d = sdk.view(ViewRef("sp_pygen_models", "ConnectionItemD", "1"))
    item_e_id = ViewRef("sp_pygen_models", "ConnectionItemE", "1")
    assert [(c.property_id, c.kind, c.target) for c in item_d.connections] == [
        ("directMulti", "direct_list", item_e_id),
        ("directSingle", "direct", item_e_id),
        ("outwardsSingle", "edge_single", item_e_id),
    ]
    edge_view = sdk.view(ViewRef("sp_pygen_models", "ConnectionEdgeA", "1"))
    assert edge_view.instance_kind == "edge"


def test_direct_relation_without_source_has_no_target() -> None:
    sdk = _build("Omni")
    item = sdk.view(ViewRef("sp_pygen_models", "ConnectionItemE", "1"))
    no_source = item.connection("directNoSource")
    assert no_source is not None and no_source.kind == "direct" and no_source.target is None
    field = item.field("directListNoSource")
    assert field is not None and field.is_list and field.type == DirectType(None)
    assert field.filters == ("contains_all", "contains_any", "exists")


def test_enum_and_units_in_cognite_core() -> None:
    sdk = _build("CogniteCore")
    activity = sdk.view(ViewRef("cdf_cdm", "CogniteTimeSeries", "v1"))
    kind = activity.field("type")
    assert kind is not None and isinstance(kind.type, EnumType)
    assert kind.type.keys == tuple(sorted(kind.type.keys)) and "numeric" in kind.type.keys
    numbers = [f for v in sdk.views for f in v.fields if isinstance(f.type, FloatType)]
    assert numbers and all(f.unit is None or f.unit.external_id for f in numbers)


def test_not_writable_view_has_no_writable_fields() -> None:
    sdk = _build("Omni")
    not_writable = [v for v in sdk.views if not v.writable]
    assert {v.id.external_id for v in not_writable} == {"ConnectionItemC", "Implementation1NonWriteable"}
    for v in not_writable:
        assert v.writable_fields == ()


@pytest.mark.parametrize("name", SHARED)
def test_same_input_gives_equal_ir(name: str) -> None:
    assert build_ir([load_shared(name)]) == build_ir([load_shared(name)])


def test_ir_does_not_depend_on_view_or_model_order() -> None:
    raw = load_shared("Omni").dump()
    shuffled = dict(raw)
    views = list(raw["views"])
    random.Random(7).shuffle(views)
    shuffled["views"] = views
    assert build_ir([DataModel.load(shuffled)]) == build_ir([DataModel.load(raw)])
    forward = build_ir([load_shared("Omni"), load_shared("OmniSub")])
    backward = build_ir([load_shared("OmniSub"), load_shared("Omni")])
    assert forward == backward


def test_several_models_give_one_sdk_with_views_deduplicated() -> None:
    sdk, diagnostics = build_ir([load_shared("Omni"), load_shared("OmniSub"), load_shared("CogniteCore")])
    assert sdk is not None
    assert len(sdk.views) == 23 + 33  # OmniSub's three views are Omni's
    assert [str(m.id) for m in sdk.models] == [
        "cdf_cdm:CogniteCore/v1",
        "sp_pygen_models:Omni/1",
        "sp_pygen_models:OmniSub/1",
    ]
    assert [v.id for v in sdk.views] == sorted(v.id for v in sdk.views)
    # OmniSub's ConnectionItemA has one property more than Omni's: the fuller definition wins.
    assert [d.code for d in diagnostics] == ["view-conflict"]
    item_a = sdk.view(ViewRef("sp_pygen_models", "ConnectionItemA", "1"))
    assert item_a.field("properties") is not None


def test_default_instance_space_and_model_info() -> None:
    sdk, _ = build_ir([model(view("A", {"name": text()}), external_id="Pumps")], default_instance_space="inst")
    assert sdk is not None and sdk.default_instance_space == "inst"
    assert str(sdk.model_ids[0]) == "sp:Pumps/1"
    assert sdk.views[0].display_name == "A"
    with pytest.raises(KeyError, match="sp:Nope/v1"):
        sdk.view(ViewRef("sp", "Nope", "v1"))


def test_identical_view_in_two_models_is_kept_once_without_warning() -> None:
    first = model(view("A", {"name": text()}), external_id="M1")
    second = model(view("A", {"name": text()}), external_id="M2")
    sdk, diagnostics = build_ir([first, second])
    assert sdk is not None and len(sdk.views) == 1 and diagnostics == []


def test_missing_inherited_properties_are_merged_from_parents() -> None:
    # Older dumps (read without includeInheritedProperties) leave inherited properties out.
    parent_a = view("A", {"name": text(), "twice": text(container="FromA", identifier="twice")})
    parent_b = view("B", {"twice": text(container="FromB", identifier="twice", description="from B")})
    child = view("Child", {"own": text()}, implements=[parent_a_ref(), parent_b_ref()])
    sdk, diagnostics = build_ir([model(parent_a, parent_b, child)])
    assert sdk is not None and diagnostics == []
    merged = sdk.view(ViewRef("sp", "Child", "v1"))
    assert [f.property_id for f in merged.fields] == ["name", "own", "twice"]
    twice = merged.field("twice")
    # The later view in implements wins.
    assert twice is not None and twice.description == "from B"


def parent_a_ref() -> dict[str, str]:
    return {"type": "view", "space": "sp", "externalId": "A", "version": "v1"}


def parent_b_ref() -> dict[str, str]:
    return {"type": "view", "space": "sp", "externalId": "B", "version": "v1"}


def test_ir_is_frozen() -> None:
    sdk = _build("OmniSub")
    with pytest.raises(AttributeError):
        sdk.views[0].identifier = "x"  # type: ignore[misc]


def test_defaults_required_and_read_only_fields() -> None:
    sdk = _build("Omni")
    defaults = sdk.view(ViewRef("sp_pygen_models", "PrimitiveWithDefaults", "1"))
    by_id = {f.property_id: f for f in defaults.fields}
    assert by_id["defaultObject"].default_json == '{"foo": "bar"}'
    assert by_id["defaultString"].default_json == '"my default text"'
    assert by_id["defaultFloat32"].default_json == "0.42"
    auto = by_id["autoIncrementInt32"]
    assert auto.read_only and not auto.required and auto not in defaults.writable_fields
    required = sdk.view(ViewRef("sp_pygen_models", "PrimitiveRequired", "1")).field("text")
    assert required is not None and required.required and required.default_json is None


def test_the_ir_is_hashable() -> None:
    # Emitters may key caches on IR objects; defaults are kept as JSON text for that reason.
    sdk = _build("Omni")
    assert hash(sdk) == hash(_build("Omni"))


def test_resource_names_the_views_whose_nodes_are_time_series_or_files() -> None:
    core = _build("CogniteCore")
    assert {str(v.id): v.resource for v in core.views if v.resource} == {
        "cdf_cdm:CogniteTimeSeries/v1": "timeseries",
        "cdf_cdm:CogniteFile/v1": "file",
    }
    # WindTurbine maps the core containers without implementing the core views: its nodes are resources all the same.
    wind = _build("WindTurbine")
    assert {v.id.external_id: v.resource for v in wind.views if v.resource} == {
        "SensorTimeSeries": "timeseries",
        "DataSheet": "file",
    }
    assert all(v.resource is None for v in _build("Omni").views)


def test_resource_follows_implements_through_the_model_and_outside_it() -> None:
    core_ts = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteTimeSeries", "version": "v1"}
    sdk, diagnostics = build_ir(
        [
            model(
                view("Sensor", {"name": text()}, implements=[core_ts]),  # the core view is not in the model
                view("Special", {"x": text()}, implements=[view_ref("Sensor")]),
                view(
                    "Doc",
                    {
                        "path": mapped({"type": "text"}, identifier="directory")
                        | {"container": {"type": "container", "space": "cdf_cdm", "externalId": "CogniteFile"}}
                    },
                ),
                view("SensorEdge", {"name": text()}, implements=[core_ts], usedFor="edge"),
                view("Plain", {"name": text()}),
            )
        ]
    )
    assert sdk is not None, diagnostics
    assert {v.id.external_id: v.resource for v in sdk.views} == {
        "Sensor": "timeseries",
        "Special": "timeseries",
        "Doc": "file",
        "SensorEdge": None,  # an edge is never a time series
        "Plain": None,
    }
