"""Names and filters used for real: a class written with them subclasses the runtime without warnings."""

from __future__ import annotations

import json
import sys
import types

from pygen.generator.emit.python import py_doc, py_str, python_names
from pygen.generator.ir import DataModelInfo, Field, ModelRef, SDKModel, TextType, ViewClass, ViewRef, filter_ops

HOSTILE_IDS = [
    "model3D", "modelDump", "modelDumpJson", "schema", "copy", "json", "dict", "fields", "validate", "id", "type",
    "space", "externalId", "version", "createdTime", "dump", "load", "asWrite", "nodeId", "class", "match", "_",
    "__init__", "list", "date", "builtins", "3d", "max-pressure", "maxPressure", "ø", "温度", "filter",
]  # fmt: skip


def test_hostile_property_ids_make_a_working_read_and_write_class() -> None:
    ref = ViewRef("sp", "Hostile", "v1")
    description = 'Ends the docstring? """ and \\ and a quote"'
    fields = tuple(
        Field(prop_id, TextType(), description=description, filters=filter_ops(TextType(), False))
        for prop_id in sorted(set(HOSTILE_IDS))
    )
    sdk = SDKModel((DataModelInfo(ModelRef("sp", "M", "1")),), (ViewClass(ref, "Hostile", "node", True, fields, ()),))
    names, _ = python_names(sdk)
    mapping = {names.field(ref, f.property_id): f.property_id for f in fields}
    lines = [
        "from __future__ import annotations",
        "from typing import ClassVar",
        "from pygen.instances import Node, NodeWrite, ViewId",
    ]
    for base, suffix in (("Node", ""), ("NodeWrite", "Write")):
        lines += [
            f"class Hostile{suffix}({base}):",
            f'    """{py_doc(description, indent="    ")}"""',
            f"    _view_id: ClassVar[ViewId] = ViewId({py_str('sp')}, {py_str('Hostile')}, {py_str('v1')})",
            "    _property_ids: ClassVar[dict[str, str]] = {"
            + ", ".join(f"{py_str(name)}: {py_str(prop)}" for name, prop in mapping.items() if name != prop)
            + "}",
        ]
        for name in mapping:
            lines += [f"    {name}: str | None = None", f'    """{py_doc(description, indent="    ")}"""']
    module = types.ModuleType("hostile_sdk")
    sys.modules["hostile_sdk"] = module
    try:
        exec(compile("\n".join(lines) + "\n", "hostile_sdk.py", "exec"), module.__dict__)
        read_class, write_class = module.Hostile, module.HostileWrite
        read_class.model_rebuild(_types_namespace=module.__dict__)
        write_class.model_rebuild(_types_namespace=module.__dict__)
        raw = {
            "instanceType": "node",
            "space": "s",
            "externalId": "x",
            "version": 1,
            "createdTime": 0,
            "lastUpdatedTime": 0,
            "properties": {"sp": {"Hostile/v1": {prop: f"value of {prop}" for prop in mapping.values()}}},
        }
        item = read_class.load(json.dumps(raw))
        for name, prop in mapping.items():
            assert getattr(item, name) == f"value of {prop}"
        assert item.space == "s" and item.version == 1
        written = write_class(external_id="x", **{name: prop for name, prop in mapping.items()}).dump("s")
        assert written["sources"][0]["properties"] == {prop: prop for prop in mapping.values()}
        assert read_class.__doc__ is not None and '"""' in read_class.__doc__
    finally:
        del sys.modules["hostile_sdk"]
