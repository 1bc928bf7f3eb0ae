"""The intermediate representation (IR) of a generated SDK: language neutral, fully resolved, frozen.

``build_ir(models)`` turns DMS data models (``pygen.dms.DataModel`` with inline views) into an
``SDKModel`` plus a list of ``Diagnostic``s. Emitters see only the IR. See README.md in this folder for
what the IR holds, how inheritance is flattened, and every diagnostic code.

Example:
    A model with one view, one of whose two properties has a type pygen does not know:

    >>> from pygen.dms import DataModel
    >>> from pygen.generator.ir import build_ir
    >>> def mapped(name: str, type_: str) -> dict:  # a view property mapped to container sp:Pump
    ...     container = {"space": "sp", "externalId": "Pump"}
    ...     return {"container": container, "containerPropertyIdentifier": name, "type": {"type": type_}}
    >>> properties = {"name": mapped("name", "text"), "x": mapped("x", "vector")}
    >>> view = {"space": "sp", "externalId": "Pump", "version": "v1", "properties": properties}
    >>> model = DataModel.load({"space": "sp", "externalId": "Pumps", "version": "1", "views": [view]})
    >>> sdk, diagnostics = build_ir([model])
    >>> for diagnostic in diagnostics:
    ...     print(diagnostic)
    warning: sp:Pump/v1.x: property type 'vector' is not supported: property skipped [unknown-property-type]
    >>> if sdk is not None:  # None exactly when there is an error
    ...     print(sdk.views[0].identifier, [field.property_id for field in sdk.views[0].fields])
    Pump ['name']
"""

from pygen.generator.ir._build import build_ir
from pygen.generator.ir._diagnostics import CODES, Diagnostic, Level, has_errors, sort_diagnostics, summarize_infos
from pygen.generator.ir._model import (
    BooleanType,
    Connection,
    ConnectionKind,
    ContainerRef,
    CoreResource,
    DataModelInfo,
    DataType,
    DateType,
    DirectType,
    EdgeInfo,
    EnumType,
    Field,
    FilterOp,
    FloatType,
    InstanceKind,
    IntType,
    JsonType,
    JsonValue,
    ModelRef,
    NodeRef,
    ReferenceType,
    ReverseInfo,
    SDKModel,
    TextType,
    TimestampType,
    Unit,
    ViewClass,
    ViewRef,
    filter_ops,
)
from pygen.generator.ir._read import Fallback, from_dms, read_model

__all__ = [
    "BooleanType",
    "CODES",
    "Connection",
    "ConnectionKind",
    "ContainerRef",
    "CoreResource",
    "DataModelInfo",
    "DataType",
    "DateType",
    "Diagnostic",
    "DirectType",
    "EdgeInfo",
    "EnumType",
    "Fallback",
    "Field",
    "FilterOp",
    "FloatType",
    "InstanceKind",
    "IntType",
    "JsonType",
    "JsonValue",
    "Level",
    "ModelRef",
    "NodeRef",
    "ReferenceType",
    "ReverseInfo",
    "SDKModel",
    "TextType",
    "TimestampType",
    "Unit",
    "ViewClass",
    "ViewRef",
    "build_ir",
    "filter_ops",
    "from_dms",
    "has_errors",
    "read_model",
    "sort_diagnostics",
    "summarize_infos",
]
