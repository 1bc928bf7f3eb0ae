"""The intermediate representation (IR) of a generated SDK: language neutral, fully resolved, frozen.

``build_ir(models)`` turns DMS data models (``pygen.dms.DataModel`` with inline views) into an
``SDKModel`` plus a list of ``Diagnostic``s. Emitters see only the IR. See README.md in this folder for
what the IR holds, how inheritance is flattened, and every diagnostic code.

Example:
    ```python
    import json
    from pygen.dms import DataModel
    from pygen.generator.ir import build_ir

    sdk, diagnostics = build_ir([DataModel.load(json.loads(path.read_text()))])
    for diagnostic in diagnostics:
        print(diagnostic)                 # warning: sp:Pump/v1.x: ... [code]
    if sdk is not None:                   # None exactly when there is an error
        pump = sdk.views[0]
        print(pump.identifier, [f.property_id for f in pump.fields])
    ```
"""

from pygen.generator.ir._build import build_ir
from pygen.generator.ir._diagnostics import CODES, Diagnostic, Level, has_errors, sort_diagnostics, summarize_infos
from pygen.generator.ir._model import (
    BooleanType,
    Connection,
    ConnectionKind,
    ContainerRef,
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
