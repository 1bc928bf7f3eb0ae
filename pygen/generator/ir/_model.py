"""The IR classes: frozen, slotted dataclasses that hold a fully resolved, language-neutral SDK model.

Nothing here knows about Python or TypeScript: names are the model's own ids (emitters turn them
into identifiers), and every reference between views is resolved to a ``ViewRef`` of a view that
is in the ``SDKModel`` (or None when the model does not say, or points outside the model).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Literal, Union

__all__ = [
    "BooleanType",
    "Connection",
    "ConnectionKind",
    "ContainerRef",
    "CoreResource",
    "DataModelInfo",
    "DataType",
    "DateType",
    "DirectType",
    "EdgeInfo",
    "EnumType",
    "Field",
    "FilterOp",
    "FloatType",
    "InstanceKind",
    "IntType",
    "JsonType",
    "JsonValue",
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
    "filter_ops",
]

#: A JSON value (a property's default value).
JsonValue = Union[None, bool, int, float, str, list["JsonValue"], dict[str, "JsonValue"]]  # noqa: UP007

InstanceKind = Literal["node", "edge", "all"]
#: The CDF resource a node of a view *is* (see ``ViewClass.resource``).
CoreResource = Literal["timeseries", "file"]
ConnectionKind = Literal["direct", "direct_list", "edge_single", "edge_multi", "reverse_single", "reverse_multi"]
#: Filter operations a field supports (see ``Field.filters``): the DMS filters of one property.
FilterOp = Literal["equals", "in", "prefix", "range", "exists", "contains_any", "contains_all"]


# ---------------------------------------------------------------------------------------------- ids


@dataclass(frozen=True, slots=True, order=True)
class ViewRef:
    """The id of a view version; sorts by (space, external_id, version)."""

    space: str
    external_id: str
    version: str

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}/{self.version}"


@dataclass(frozen=True, slots=True, order=True)
class ModelRef:
    """The id of a data model version."""

    space: str
    external_id: str
    version: str

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}/{self.version}"


@dataclass(frozen=True, slots=True, order=True)
class ContainerRef:
    """The id of a container."""

    space: str
    external_id: str

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}"


@dataclass(frozen=True, slots=True, order=True)
class NodeRef:
    """The id of a node (an edge type)."""

    space: str
    external_id: str

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}"


# ---------------------------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class Unit:
    """The unit of a number: a CDF unit external id (``pressure:bar``)."""

    external_id: str


@dataclass(frozen=True, slots=True)
class TextType:
    """``text``."""

    kind: Literal["text"] = "text"


@dataclass(frozen=True, slots=True)
class IntType:
    """``int32`` or ``int64`` (values of int64 may exceed 2^53: not safe as a JavaScript number)."""

    bits: Literal[32, 64] = 64
    unit: Unit | None = None

    @property
    def kind(self) -> Literal["int32", "int64"]:
        """The DMS type name."""
        return "int32" if self.bits == 32 else "int64"


@dataclass(frozen=True, slots=True)
class FloatType:
    """``float32`` or ``float64``."""

    bits: Literal[32, 64] = 64
    unit: Unit | None = None

    @property
    def kind(self) -> Literal["float32", "float64"]:
        """The DMS type name."""
        return "float32" if self.bits == 32 else "float64"


@dataclass(frozen=True, slots=True)
class BooleanType:
    """``boolean``."""

    kind: Literal["boolean"] = "boolean"


@dataclass(frozen=True, slots=True)
class TimestampType:
    """``timestamp``: an instant with a time zone offset."""

    kind: Literal["timestamp"] = "timestamp"


@dataclass(frozen=True, slots=True)
class DateType:
    """``date``: a calendar date."""

    kind: Literal["date"] = "date"


@dataclass(frozen=True, slots=True)
class JsonType:
    """``json``: a JSON object."""

    kind: Literal["json"] = "json"


@dataclass(frozen=True, slots=True)
class EnumType:
    """``enum``: ``keys`` are the allowed values, sorted."""

    keys: tuple[str, ...]
    kind: Literal["enum"] = "enum"


@dataclass(frozen=True, slots=True)
class DirectType:
    """``direct``: a relation to a node. ``target`` is the view of the target (in the model), if known."""

    target: ViewRef | None = None
    kind: Literal["direct"] = "direct"


@dataclass(frozen=True, slots=True)
class ReferenceType:
    """``timeseries``, ``file`` or ``sequence``: the external id of a CDF resource."""

    kind: Literal["timeseries", "file", "sequence"]


#: The data type of a field; switch on the class (or on ``kind``, the DMS type name).
DataType = Union[  # noqa: UP007
    TextType, IntType, FloatType, BooleanType, TimestampType, DateType, JsonType, EnumType, DirectType, ReferenceType
]


def filter_ops(type_: DataType, is_list: bool) -> tuple[FilterOp, ...]:
    """The filters of a property of ``type_`` (a list of them when ``is_list``), sorted: what ``Field.filters`` holds.

    The one place that decides what a data type can filter; every emitter offers exactly these (its typed
    builders, Python's filter keywords, TypeScript's where objects). From the DMS filters (docs/dms.md):
    ``exists`` for every property; ``containsAny``/``containsAll`` for lists; for single values ``equals``
    and ``in`` (a boolean needs no ``in``), ``range`` for ordered ones (integers, floats, timestamps, dates)
    and ``prefix`` for text (references to time series, files and sequences are their external ids). JSON
    is not compared by value: ``exists`` only.
    """
    if isinstance(type_, JsonType):
        return ("exists",)
    if is_list:
        return ("contains_all", "contains_any", "exists")
    if isinstance(type_, (TextType, ReferenceType)):
        return ("equals", "exists", "in", "prefix")
    if isinstance(type_, (IntType, FloatType, TimestampType, DateType)):
        return ("equals", "exists", "in", "range")
    if isinstance(type_, BooleanType):
        return ("equals", "exists")
    return ("equals", "exists", "in")  # enum, direct relation


# ---------------------------------------------------------------------------------------------- fields


@dataclass(frozen=True, slots=True)
class Field:
    """A property stored in a container (a mapped view property), direct relations included.

    Inherited properties are fields of the view like its own (flattened). ``default_json`` is the
    container's default value as canonical JSON text (the IR stays hashable), or None. ``filters`` are
    the filters DMS applies to the property (see ``filter_ops``): what every emitter offers for it.
    """

    property_id: str
    type: DataType
    name: str | None = None
    description: str | None = None
    is_list: bool = False
    nullable: bool = True
    auto_increment: bool = False
    default_json: str | None = None
    filters: tuple[FilterOp, ...] = ()

    @property
    def read_only(self) -> bool:
        """True when writes must leave the field out: CDF assigns auto-increment values."""
        return self.auto_increment

    @property
    def required(self) -> bool:
        """True when a write that creates an instance must give a value (not nullable, no default)."""
        return not self.nullable and self.default_json is None and not self.auto_increment

    @property
    def unit(self) -> Unit | None:
        """The unit of a number field, else None."""
        return self.type.unit if isinstance(self.type, (IntType, FloatType)) else None


# ---------------------------------------------------------------------------------------------- connections


@dataclass(frozen=True, slots=True)
class EdgeInfo:
    """What an edge connection needs: the edge type, its direction, and the view of edge properties."""

    edge_type: NodeRef
    direction: Literal["outwards", "inwards"] = "outwards"
    edge_view: ViewRef | None = None


@dataclass(frozen=True, slots=True)
class ReverseInfo:
    """A reverse direct relation goes back through direct relation ``property_id`` of view ``view``."""

    view: ViewRef
    property_id: str
    through_is_list: bool = False


@dataclass(frozen=True, slots=True)
class Connection:
    """A relation to other instances: a direct relation (also a ``Field``), an edge connection, or a reverse one.

    ``target`` is the view (in the model) of the nodes at the other end, or None: a direct relation
    without a view hint, or one whose target is outside the model, is typed as a plain node id.
    """

    property_id: str
    kind: ConnectionKind
    target: ViewRef | None
    name: str | None = None
    description: str | None = None
    edge: EdgeInfo | None = None
    reverse: ReverseInfo | None = None

    @property
    def is_list(self) -> bool:
        """True when the connection holds many targets."""
        return self.kind in ("direct_list", "edge_multi", "reverse_multi")

    @property
    def is_stored(self) -> bool:
        """True for direct relations: a property value of this instance (writable, filterable)."""
        return self.kind in ("direct", "direct_list")


# ---------------------------------------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class ViewClass:
    """One view, flattened: every property it has (own and inherited), sorted by property id.

    ``identifier`` is the neutral name emitters derive class names from: the external id, unless
    ``build_ir(view_names=...)`` gave another one (to tell apart views that share an external id).

    ``resource`` is the CDF resource a node of the view is: ``"timeseries"`` when the view is CDF's core
    ``CogniteTimeSeries`` or implements it (directly, or through views of the model), so the node's
    datapoints live behind the time series API under its instance id; ``"file"`` likewise for
    ``CogniteFile`` and file content. None for every other view.

    ``node_type`` and ``filter_defaults`` are what the view's ``filter`` requires of an instance, so
    that a write class can default them and an instance written through the view is listed by it:
    the ``type`` (of a node; of an edge for edge views) and ``(property_id, canonical JSON value)``
    per field whose container property the filter fixes. Only top-level ``equals`` (or ``equals``
    directly inside a top-level ``and``) count; ``in``, ``or``, ``not`` and nesting give nothing.
    """

    id: ViewRef
    identifier: str
    instance_kind: InstanceKind
    writable: bool
    fields: tuple[Field, ...]
    connections: tuple[Connection, ...]
    name: str | None = None
    description: str | None = None
    node_type: NodeRef | None = None
    filter_defaults: tuple[tuple[str, str], ...] = ()
    resource: CoreResource | None = None

    def filter_default(self, property_id: str) -> JsonValue:
        """The value the view's filter requires of ``property_id`` (None when it requires none)."""
        for prop_id, value_json in self.filter_defaults:
            if prop_id == property_id:
                value: JsonValue = json.loads(value_json)
                return value
        return None

    @property
    def display_name(self) -> str:
        """The model's name for the view, else its external id."""
        return self.name or self.id.external_id

    @property
    def writable_fields(self) -> tuple[Field, ...]:
        """Fields a write class holds (read-only ones left out); empty when the view is not writable."""
        if not self.writable:
            return ()
        return tuple(field for field in self.fields if not field.read_only)

    def field(self, property_id: str) -> Field | None:
        """The field of ``property_id``, or None."""
        for field in self.fields:
            if field.property_id == property_id:
                return field
        return None

    def connection(self, property_id: str) -> Connection | None:
        """The connection of ``property_id``, or None."""
        for connection in self.connections:
            if connection.property_id == property_id:
                return connection
        return None

    @property
    def property_ids(self) -> tuple[str, ...]:
        """Every property id of the view (fields and non-stored connections), sorted."""
        ids = {field.property_id for field in self.fields} | {conn.property_id for conn in self.connections}
        return tuple(sorted(ids))


@dataclass(frozen=True, slots=True)
class DataModelInfo:
    """A data model the SDK was generated from."""

    id: ModelRef
    name: str | None = None


@dataclass(frozen=True, slots=True)
class SDKModel:
    """Everything an emitter needs: the data models and their views, deduplicated and sorted by id.

    Example:
        >>> from pygen.dms import DataModel
        >>> from pygen.generator.fetch import load_snapshot
        >>> from pygen.generator.ir import build_ir
        >>> sdk, _ = build_ir([DataModel.load(load_snapshot("example_project/snapshots/cdf_cdm.CogniteCore.v1.json"))])
        >>> [str(model.id) for model in sdk.models], len(sdk.views)
        (['cdf_cdm:CogniteCore/v1'], 33)
        >>> for view in sdk.views[:2]:
        ...     print(view.id, [field.property_id for field in view.fields][:3])
        cdf_cdm:Cognite360Image/v1 ['back', 'bottom', 'collection360']
        cdf_cdm:Cognite360ImageAnnotation/v1 [...]
    """

    models: tuple[DataModelInfo, ...]
    views: tuple[ViewClass, ...]
    default_instance_space: str | None = None
    _index: dict[ViewRef, ViewClass] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A lookup table for emitters that resolve many targets; not part of equality.
        object.__setattr__(self, "_index", {view.id: view for view in self.views})

    def view(self, ref: ViewRef) -> ViewClass:
        """The view with id ``ref``; raises ``KeyError`` if it is not in the model."""
        try:
            return self._index[ref]
        except KeyError:
            raise KeyError(str(ref)) from None

    def has_view(self, ref: ViewRef) -> bool:
        """True when ``ref`` is a view of the model."""
        return ref in self._index

    @property
    def model_ids(self) -> tuple[ModelRef, ...]:
        """The ids of the data models, sorted."""
        return tuple(model.id for model in self.models)
