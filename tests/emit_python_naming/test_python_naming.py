"""Python naming: conversions, reserved names, collisions, diagnostics, and properties over any input."""

from __future__ import annotations

import json
import keyword
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from testdata import MODELS_DIR

from pygen.dms import DataModel
from pygen.generator.emit.python import PythonNames, check_python_names, py_ident, python_names, to_pascal, to_snake
from pygen.generator.emit.python._naming import (
    _RUNTIME_FALLBACK,
    ANNOTATION_NAMES,
    PYTHON_CODES,
    runtime_attribute_names,
)
from pygen.generator.ir import (
    DataModelInfo,
    Field,
    ModelRef,
    SDKModel,
    TextType,
    ViewClass,
    ViewRef,
    build_ir,
    filter_ops,
)

ASCII_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _sdk(views: dict[str, list[str]], space: str = "sp") -> SDKModel:
    """An SDK with one view per key (identifier = key) and text fields with the given property ids."""
    classes = []
    for identifier, property_ids in views.items():
        ref = ViewRef(space, identifier, "v1")
        fields = tuple(
            Field(prop_id, TextType(), filters=filter_ops(TextType(), False)) for prop_id in sorted(set(property_ids))
        )
        classes.append(ViewClass(ref, identifier, "node", True, fields, ()))
    return SDKModel((DataModelInfo(ModelRef(space, "Model", "1")),), tuple(sorted(classes, key=lambda v: v.id)))


@pytest.mark.parametrize(
    ("text", "snake", "pascal"),
    [
        ("maxPressure", "max_pressure", "MaxPressure"),
        ("Cognite3DModel", "cognite_3d_model", "Cognite3DModel"),
        ("model3D", "model_3d", "Model3D"),
        ("images360", "images360", "Images360"),
        ("float32List", "float32_list", "Float32List"),
        ("HTTPServer", "http_server", "HTTPServer"),
        ("pump_station", "pump_station", "PumpStation"),
        ("max-pressure", "max_pressure", "MaxPressure"),
        ("my view.v2", "my_view_v2", "MyViewV2"),
        ("sourceId", "source_id", "SourceId"),
        ("Trykkmåler", "trykkmaler", "Trykkmaler"),
        ("Ørsted", "orsted", "Orsted"),
        ("温度", "u28201_u24230", "U28201U24230"),
        ("3dModel", "3d_model", "3dModel"),
        ("__dunder__", "dunder", "Dunder"),
        ("", "", ""),
    ],
)
def test_conversions(text: str, snake: str, pascal: str) -> None:
    assert (to_snake(text), to_pascal(text)) == (snake, pascal)


@given(st.text())
def test_py_ident_is_always_a_valid_stable_identifier(text: str) -> None:
    for style in ("snake", "pascal"):
        name = py_ident(text, style)
        assert ASCII_IDENTIFIER.fullmatch(name), name
        assert not keyword.iskeyword(name) and not keyword.issoftkeyword(name)
        assert py_ident(text, style) == name


def test_runtime_names_cover_the_runtime() -> None:
    introspected = runtime_attribute_names()
    expected = {"space", "external_id", "version", "type", "dump", "as_write", "model_dump", "id", "node_id"}
    assert expected <= introspected
    assert _RUNTIME_FALLBACK <= introspected
    from pygen.instances import Edge, EdgeWrite, Node, NodeFields, NodeWrite

    for base in (Node, Edge, NodeWrite, EdgeWrite, NodeFields):
        assert {name for name in dir(base) if not name.startswith("_")} <= introspected


@pytest.mark.parametrize(
    ("prop_id", "field", "code"),
    [
        ("class", "class_", "python-keyword"),
        ("match", "match_", "python-keyword"),
        ("space", "space_", "python-reserved-name"),
        ("externalId", "external_id_", "python-reserved-name"),
        ("version", "version_", "python-reserved-name"),
        ("type", "type_", "python-reserved-name"),
        ("dump", "dump_", "python-reserved-name"),
        ("asWrite", "as_write_", "python-reserved-name"),
        ("modelDump", "field_model_dump", "python-reserved-name"),
        ("modelDumpJson", "field_model_dump_json", "python-reserved-name"),
        ("modelValidateX", "field_model_validate_x", "python-reserved-name"),
        ("list", "list_", "python-reserved-name"),
        ("date", "date_", "python-reserved-name"),
        ("3dModel", "field_3d_model", "python-invalid-identifier"),
        ("ø", "o", "python-invalid-identifier"),
        ("!!!", "field", "python-invalid-identifier"),
        ("_private", "private", "python-invalid-identifier"),
        ("name", "name", None),
        ("model3D", "model_3d", None),
    ],
)
def test_field_names(prop_id: str, field: str, code: str | None) -> None:
    sdk = _sdk({"Pump": [prop_id]})
    names, diagnostics = python_names(sdk)
    assert names.field(sdk.views[0].id, prop_id) == field
    if code is not None:
        assert code in {d.code for d in diagnostics}
        # Renames by the rules are infos (counted in one line by the front ends).
        assert all(d.level == "info" for d in diagnostics)
    if field == prop_id:
        assert diagnostics == []


def test_model_dump_is_renamed_once_and_stays_out_of_the_protected_namespace() -> None:
    sdk = _sdk({"Pump": ["modelDump"]})
    names, _ = python_names(sdk)
    name = names.field(sdk.views[0].id, "modelDump")
    # "model_dump_" would still be in pydantic's protected namespace: a prefix, not a suffix.
    assert name == "field_model_dump"


def test_collision_messages_name_original_and_new_name() -> None:
    sdk = _sdk({"Pump": ["maxPressure", "max_pressure", "max-pressure"]})
    names, diagnostics = python_names(sdk)
    ref = sdk.views[0].id
    assert [names.field(ref, p) for p in ["max-pressure", "maxPressure", "max_pressure"]] == [
        "max_pressure",
        "max_pressure_2",
        "max_pressure_3",
    ]
    messages = [d.message for d in diagnostics if d.code == "python-name-collision"]
    assert messages == [
        "property 'maxPressure' would be 'max_pressure', the same as property 'max-pressure': named 'max_pressure_2'",
        "property 'max_pressure' would be 'max_pressure', the same as property 'max-pressure': named 'max_pressure_3'",
    ]
    assert [d.item for d in diagnostics] == ["sp:Pump/v1.maxPressure", "sp:Pump/v1.max_pressure"]


def test_keyword_and_reserved_messages() -> None:
    sdk = _sdk({"Pump": ["class", "space"]})
    _, diagnostics = python_names(sdk)
    assert [(d.item, d.code, d.message) for d in diagnostics] == [
        (
            "sp:Pump/v1.class",
            "python-keyword",
            "property 'class' would be 'class', a Python keyword or soft keyword: named 'class_'",
        ),
        (
            "sp:Pump/v1.space",
            "python-reserved-name",
            "property 'space' would be 'space', an attribute of the runtime's instance classes: named 'space_'",
        ),
    ]


def test_invalid_identifier_message() -> None:
    _, diagnostics = python_names(_sdk({"Pump": ["3d"]}))
    assert [d.message for d in diagnostics] == ["property '3d' starts with a digit: named 'field_3d'"]


def test_properties_named_like_api_parameters_keep_their_field_names() -> None:
    """Filter keywords derive from field names; a clashing keyword is left out by the emitter, not renamed here."""
    sdk = _sdk({"Pump": ["filter", "limit", "filter_", "name"]})
    names, diagnostics = python_names(sdk)
    ref = sdk.views[0].id
    assert (names.field(ref, "filter"), names.field(ref, "filter_")) == ("filter", "filter_2")
    assert (names.field(ref, "limit"), names.field(ref, "name")) == ("limit", "name")
    assert {d.code for d in diagnostics} == {"python-name-collision"}


def test_class_names_and_their_collisions() -> None:
    sdk = _sdk({"Pump": [], "PumpWrite": [], "pump": [], "Node": [], "3D": [], "class": []})
    names, diagnostics = python_names(sdk)
    by_identifier = {view.identifier: names.view(view.id) for view in sdk.views}
    assert by_identifier["Pump"].classes == (
        "Pump",
        "PumpWrite",
        "PumpList",
        "PumpFields",
        "PumpAPI",
        "AsyncPumpAPI",
        "PumpFilters",
    )
    assert by_identifier["Node"].read_class == "Node_"  # the runtime's Node is imported by generated modules
    assert by_identifier["3D"].read_class == "View3D"
    assert by_identifier["class"].read_class == "Class"
    # Sorted by view id: "Pump" < "PumpWrite" < "pump"; PumpWrite's read class is Pump's write class.
    assert by_identifier["PumpWrite"].read_class == "PumpWrite_2"
    assert by_identifier["pump"].read_class == "Pump_2"
    assert by_identifier["Pump"].module == "pump" and by_identifier["pump"].module == "pump_2"
    assert by_identifier["class"].module == "class_" and by_identifier["class"].client_attribute == "class_"
    all_classes = [name for view in names.views.values() for name in view.classes]
    assert len(all_classes) == len(set(all_classes))
    codes = {d.code for d in diagnostics}
    assert codes == {"python-name-collision", "python-reserved-name", "python-invalid-identifier", "python-keyword"}


def test_client_and_package_names() -> None:
    names, diagnostics = python_names(_sdk({"Pump": []}))
    assert (names.client_class, names.async_client_class, names.package) == (
        "ModelClient",
        "AsyncModelClient",
        "model_sdk",
    )
    assert diagnostics == []
    names, diagnostics = python_names(_sdk({"ModelClient": []}))
    assert names.view(ViewRef("sp", "ModelClient", "v1")).read_class == "ModelClient_"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"client_name": "my client"}, "client name 'my client' is not a Python identifier"),
        ({"client_name": "class"}, "client name 'class' is not a Python identifier"),
        ({"package": "my-sdk"}, "package name 'my-sdk' is not a Python module path"),
    ],
)
def test_user_given_names_that_cannot_be_python_are_errors(kwargs: dict[str, str], message: str) -> None:
    _, diagnostics = python_names(_sdk({"Pump": []}), **kwargs)
    assert [(d.level, d.code, d.message) for d in diagnostics] == [("error", "python-invalid-name", message)]


def test_user_given_names_are_used() -> None:
    names, diagnostics = python_names(_sdk({"Pump": []}), client_name="PumpClient", package="acme.pumps")
    assert (names.client_class, names.package, diagnostics) == ("PumpClient", "acme.pumps", [])


@pytest.mark.parametrize("name", ["CogniteCore", "Omni", "OmniSub", "WindTurbine"])
def test_shared_models_name_deterministically(name: str) -> None:
    data = json.loads((MODELS_DIR / f"{name}.json").read_text())
    sdk, _ = build_ir([DataModel.load(data)])
    assert sdk is not None
    first, second = python_names(sdk), python_names(sdk)
    assert first == second
    _check_names(sdk, first[0])
    assert check_python_names(sdk) == first[1]


def test_cognite_core_names() -> None:
    data = json.loads((MODELS_DIR / "CogniteCore.json").read_text())
    sdk, _ = build_ir([DataModel.load(data)])
    assert sdk is not None
    names, diagnostics = python_names(sdk)
    asset = ViewRef("cdf_cdm", "CogniteAsset", "v1")
    assert names.view(asset).read_class == "CogniteAsset" and names.view(asset).module == "cognite_asset"
    assert names.field(asset, "pathLastUpdatedTime") == "path_last_updated_time"
    assert names.field(asset, "type") == "type_"
    assert names.field(ViewRef("cdf_cdm", "CogniteSourceSystem", "v1"), "version") == "version_"
    assert names.view(ViewRef("cdf_cdm", "Cognite3DModel", "v1")).module == "cognite_3d_model"
    assert {d.code for d in diagnostics} == {"python-reserved-name"}


def _check_names(sdk: SDKModel, names: PythonNames) -> None:
    runtime = runtime_attribute_names()
    classes = [name for view in names.views.values() for name in view.classes]
    assert len(classes) == len(set(classes))
    modules = [view.module for view in names.views.values()]
    assert len(modules) == len(set(modules))
    attributes = [view.client_attribute for view in names.views.values()]
    assert len(attributes) == len(set(attributes))
    for name in [*classes, *modules, *attributes]:
        assert ASCII_IDENTIFIER.fullmatch(name) and not keyword.iskeyword(name), name
    for view in sdk.views:
        fields = [names.field(view.id, p) for p in view.property_ids]
        assert len(fields) == len(set(fields))
        for name in fields:
            assert ASCII_IDENTIFIER.fullmatch(name), name
            assert not keyword.iskeyword(name) and not keyword.issoftkeyword(name) and name != "type"
            assert name not in runtime and name not in ANNOTATION_NAMES
            assert not name.startswith(("model_dump", "model_validate"))


IDS = st.text(min_size=0, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(IDS.filter(bool), st.lists(IDS, max_size=8), min_size=1, max_size=6))
def test_any_ids_give_valid_unique_names(views: dict[str, list[str]]) -> None:
    sdk = _sdk(views)
    names, diagnostics = python_names(sdk)
    _check_names(sdk, names)
    assert all(d.level == ("warning" if d.code == "python-name-collision" else "info") for d in diagnostics)
    assert python_names(sdk) == (names, diagnostics)


def test_every_python_code_is_reported_at_its_level() -> None:
    sdk = _sdk({"Pump": ["class", "space", "3d", "a-b", "aB"], "pump": [], "Long" * 30: []})
    _, warnings = python_names(sdk)
    _, errors = python_names(sdk, client_name="not valid")
    found = {d.code: d.level for d in [*warnings, *errors]}
    assert found == PYTHON_CODES


def test_module_and_client_attribute_names_avoid_what_the_sdk_uses() -> None:
    sdk = _sdk({"Client": [], "Upsert": [], "Typing": []})
    names, diagnostics = python_names(sdk)
    by_identifier = {view.identifier: names.view(view.id) for view in sdk.views}
    assert by_identifier["Client"].module == "client_" and by_identifier["Client"].client_attribute == "client"
    assert by_identifier["Upsert"].module == "upsert" and by_identifier["Upsert"].client_attribute == "upsert_"
    assert by_identifier["Typing"].module == "typing_"
    messages = sorted(d.message for d in diagnostics)
    assert messages == [
        "client attribute of view identifier 'Upsert' would be 'upsert', a client attribute: named 'upsert_'",
        "module of view identifier 'Client' would be 'client', a module of the SDK: named 'client_'",
        "module of view identifier 'Typing' would be 'typing', a module of the SDK: named 'typing_'",
    ]
