"""Read DMS data model JSON into the small, frozen objects the IR builder works on, without pydantic.

``pygen.dms`` (pydantic) is the authority on what a data model is; importing it and building its
schemas costs a few tenths of a second, several times what generating an SDK costs. So generation reads
the JSON here, by hand, and asks ``pygen.dms`` only when this reader cannot decide alone:

- :func:`read_model` accepts exactly the plain shapes (the API's JSON and pygen's snapshots: camelCase
  keys, JSON types, no ``null`` where the API has a default) and builds what ``pygen.dms`` would have
  built from them. Anything else raises :class:`Fallback` (it never raises anything else): a snake_case
  key, a number given as a string, an explicit ``null`` for a flag, an SDK-shaped mapped property with a
  top-level ``source``... Invalid data falls back too, so pydantic words every error message.
- :func:`from_dms` converts a ``pygen.dms.DataModel`` (what the fallback, and a caller of ``build_ir``,
  has) to the same objects.

So the rule is one-sided: whatever this reader accepts, ``pygen.dms`` accepts, with the same values
(``tests/ir/test_ir_read.py`` checks both, on every shared model and on generated variants of them).

Views keep what ``View.dump()`` of ``pygen.dms`` would write (``View.dump``): the IR compares the
definitions of a view that two data models give by that text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Union, cast

from ._model import ContainerRef, ModelRef, NodeRef, Unit, ViewRef

if TYPE_CHECKING:
    from pygen import dms

__all__ = [
    "DataModel",
    "EdgeConnection",
    "Fallback",
    "MappedProperty",
    "PropertyType",
    "ReverseDirectRelation",
    "UnknownProperty",
    "View",
    "ViewProperty",
    "from_dms",
    "read_model",
]


class Fallback(Exception):  # noqa: N818 - not an error: a decision left to pygen.dms
    """The data is outside what :func:`read_model` decides alone: validate it with ``pygen.dms``."""


# ---------------------------------------------------------------------------------------------- objects
# Named tuples, not dataclasses: this module is imported on every run, and a dataclass costs a
# millisecond to create (its methods are compiled at import) where a named tuple costs a tenth of that.

#: Property type names ``pygen.dms`` knows; any other name is an unknown type (the IR warns and skips it).
KNOWN_TYPES = frozenset(
    {
        "text", "boolean", "int32", "int64", "float32", "float64", "timestamp", "date", "json", "enum", "direct",
        "timeseries", "file", "sequence",
    }
)  # fmt: skip
_EDGE_KINDS = frozenset({"single_edge_connection", "multi_edge_connection"})
Direction = Literal["outwards", "inwards"]
_REVERSE_KINDS = frozenset({"single_reverse_direct_relation", "multi_reverse_direct_relation"})


class PropertyType(NamedTuple):
    """A container property's type: ``kind`` is its ``type`` (``"text"``, ... or a name pygen does not know)."""

    kind: str
    is_list: bool = False
    max_list_size: int | None = None
    collation: str | None = None  # text
    max_text_size: int | None = None  # text
    unit: Unit | None = None  # numbers
    values: tuple[tuple[str, str | None, str | None], ...] = ()  # enum: (key, name, description), model order
    unknown_value: str | None = None  # enum
    container: ContainerRef | None = None  # direct
    source: ViewRef | None = None  # direct: the view hint

    @property
    def known(self) -> bool:
        return self.kind in KNOWN_TYPES


class MappedProperty(NamedTuple):
    container: ContainerRef
    container_property_identifier: str
    type: PropertyType
    nullable: bool = True
    immutable: bool = False
    auto_increment: bool = False
    default_value: Any = None
    name: str | None = None
    description: str | None = None


class EdgeConnection(NamedTuple):
    connection_type: str  # single_edge_connection | multi_edge_connection
    type: NodeRef
    source: ViewRef
    edge_source: ViewRef | None = None
    direction: Direction = "outwards"
    name: str | None = None
    description: str | None = None

    @property
    def single(self) -> bool:
        return self.connection_type == "single_edge_connection"


class ReverseDirectRelation(NamedTuple):
    connection_type: str  # single_reverse_direct_relation | multi_reverse_direct_relation
    source: ViewRef
    through: ViewRef | ContainerRef  # the view or container of the property the relation goes through
    through_identifier: str
    name: str | None = None
    description: str | None = None

    @property
    def single(self) -> bool:
        return self.connection_type == "single_reverse_direct_relation"


class UnknownProperty(NamedTuple):
    """A view property of a kind pygen does not know (``connectionType`` it cannot read)."""

    connection_type: str | None = None
    name: str | None = None
    description: str | None = None


ViewProperty = Union[MappedProperty, EdgeConnection, ReverseDirectRelation, UnknownProperty]  # noqa: UP007


class View(NamedTuple):
    ref: ViewRef
    properties: dict[str, ViewProperty]
    name: str | None = None
    description: str | None = None
    filter: dict[str, Any] | None = None
    implements: tuple[ViewRef, ...] | None = None
    writable: bool | None = None
    used_for: str | None = None
    last_updated_time: int | None = None
    #: What ``pygen.dms.View.dump()`` gives for this view (the API JSON with the discriminators written).
    dump: Callable[[], dict[str, Any]] = dict

    def __repr__(self) -> str:  # without ``dump``: a function
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields[:-1], self[:-1], strict=True))
        return f"View({shown})"


class DataModel(NamedTuple):
    ref: ModelRef
    views: tuple[View | ViewRef, ...] | None = None  # inline views, or references to views
    name: str | None = None
    description: str | None = None


# ---------------------------------------------------------------------------------------------- plain values
# Each check returns the value when it is exactly what pygen.dms would store unchanged, else raises Fallback.


def _str(value: object) -> str:
    if type(value) is not str or (not value.isascii() and not _utf8(value)):
        raise Fallback
    return value


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: pydantic replaces it when it writes JSON
        return False
    return True


def _opt_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _bool(value: object) -> bool:
    if type(value) is not bool:
        raise Fallback
    return value


def _opt_bool(value: object) -> bool | None:
    return None if value is None else _bool(value)


def _opt_int(value: object) -> int | None:
    if value is None:
        return None
    if type(value) is not int:
        raise Fallback
    return value


def _dict(value: object) -> dict[str, Any]:
    if type(value) is not dict:
        raise Fallback
    return value


def _list(value: object) -> list[Any]:
    if type(value) is not list:
        raise Fallback
    return value


def _json(value: object, depth: int = 0) -> Any:
    """A JSON value as ``pydantic.JsonValue`` keeps it (finite numbers, string keys), else Fallback."""
    kind = type(value)
    if value is None or kind is bool or kind is int:
        return value
    if kind is str:
        return _str(value)
    if kind is float:
        if not math.isfinite(value):  # type: ignore[arg-type]
            raise Fallback
        return value
    if depth > 64:
        raise Fallback
    if kind is list:
        for item in value:  # type: ignore[attr-defined]
            _json(item, depth + 1)
        return value
    if kind is dict:
        for key, item in value.items():  # type: ignore[attr-defined]
            _str(key)
            _json(item, depth + 1)
        return value
    raise Fallback


def _fields(data: dict[str, Any], snake: frozenset[str]) -> dict[str, Any]:
    """``data`` when none of its keys is a field's Python name (pydantic would read those too)."""
    if not snake.isdisjoint(data):
        raise Fallback
    return data


# The Python names of the fields whose JSON key differs (populate_by_name: pydantic reads both).
_MODEL_SNAKE = frozenset({"external_id", "is_global", "created_time", "last_updated_time"})
_VIEW_SNAKE = _MODEL_SNAKE | {"used_for", "mapped_containers"}
_REF_SNAKE = frozenset({"external_id"})
_MAPPED_SNAKE = frozenset({"container_property_identifier", "auto_increment", "default_value", "constraint_state"})
_TYPE_SNAKE = frozenset({"is_list", "max_list_size", "max_text_size", "unknown_value"})
_UNIT_SNAKE = frozenset({"external_id", "source_unit"})
_EDGE_SNAKE = frozenset({"edge_source", "connection_type"})
_REVERSE_SNAKE = frozenset({"connection_type", "targets_list"})
_STATE_SNAKE = frozenset({"max_list_size", "max_text_size"})
_REFERENCE_KEYS = frozenset({"space", "externalId", "external_id", "version", "type"})


# ---------------------------------------------------------------------------------------------- reading


def read_model(raw: Mapping[str, Any]) -> DataModel:
    """The data model in ``raw`` (DMS JSON, views inline); :class:`Fallback` when ``pygen.dms`` must decide."""
    try:
        return _model(dict(raw) if type(raw) is not dict else raw)
    except Fallback:
        raise
    except Exception as exc:  # an input no check foresaw (say, unhashable or odd values): pydantic decides
        raise Fallback from exc


def _model(data: dict[str, Any]) -> DataModel:
    _fields(data, _MODEL_SNAKE)
    ref = ModelRef(_str(data.get("space")), _str(data.get("externalId")), _str(data.get("version")))
    if "isGlobal" in data:
        _bool(data["isGlobal"])
    _opt_int(data.get("createdTime"))
    _opt_int(data.get("lastUpdatedTime"))
    views = data.get("views")
    entries = None if views is None else tuple(_view_entry(entry) for entry in _list(views))
    return DataModel(ref, entries, _opt_str(data.get("name")), _opt_str(data.get("description")))


def _view_entry(value: object) -> View | ViewRef:
    data = _dict(value)
    if data.get("type") == "view" or _REFERENCE_KEYS.issuperset(data):
        return _view_ref(data)
    return _view(data)


def _view_ref(value: object) -> ViewRef:
    data = _fields(_dict(value), _REF_SNAKE)
    if "type" in data and data["type"] != "view":
        raise Fallback
    return ViewRef(_str(data.get("space")), _str(data.get("externalId")), _str(data.get("version")))


def _opt_view_ref(value: object) -> ViewRef | None:
    return None if value is None else _view_ref(value)


def _container_ref(value: object) -> ContainerRef:
    data = _fields(_dict(value), _REF_SNAKE)
    if "type" in data and data["type"] != "container":
        raise Fallback
    return ContainerRef(_str(data.get("space")), _str(data.get("externalId")))


def _node_ref(value: object) -> NodeRef:
    data = _fields(_dict(value), _REF_SNAKE)
    return NodeRef(_str(data.get("space")), _str(data.get("externalId")))


def _view(data: dict[str, Any]) -> View:
    _fields(data, _VIEW_SNAKE)
    ref = ViewRef(_str(data.get("space")), _str(data.get("externalId")), _str(data.get("version")))
    view_filter = data.get("filter")
    if view_filter is not None:
        _json(_dict(view_filter))
    implements = data.get("implements")
    parents = None if implements is None else tuple(_view_ref(item) for item in _list(implements))
    mapped = data.get("mappedContainers")
    if mapped is not None:
        for item in _list(mapped):
            _container_ref(item)
    _opt_bool(data.get("queryable"))
    if "isGlobal" in data:
        _bool(data["isGlobal"])
    _opt_int(data.get("createdTime"))
    properties: dict[str, ViewProperty] = {}
    if "properties" in data:
        for prop_id, prop in _dict(data["properties"]).items():
            properties[_str(prop_id)] = _property(prop)
    return View(
        ref=ref,
        properties=properties,
        name=_opt_str(data.get("name")),
        description=_opt_str(data.get("description")),
        filter=view_filter,
        implements=parents,
        writable=_opt_bool(data.get("writable")),
        used_for=_opt_str(data.get("usedFor")),
        last_updated_time=_opt_int(data.get("lastUpdatedTime")),
        dump=lambda: _dump_view(data),
    )


def _property_kind(data: dict[str, Any]) -> str:
    """Which kind ``pygen.dms`` reads ``data`` as (its ``_view_property_tag``)."""
    if "connectionType" in data:
        kind = data["connectionType"]
        if type(kind) is not str:  # null, a number: pygen.dms decides
            raise Fallback
        return kind if kind in _EDGE_KINDS or kind in _REVERSE_KINDS else "unknown"
    if "container" in data or "containerPropertyIdentifier" in data:
        return "mapped"
    if "through" in data:
        return "multi_reverse_direct_relation"
    if "type" in data and "source" in data:
        return "multi_edge_connection"
    return "unknown"


def _property(value: object) -> ViewProperty:
    data = _dict(value)
    kind = _property_kind(data)
    name, description = _opt_str(data.get("name")), _opt_str(data.get("description"))
    if kind == "mapped":
        return _mapped(data, name, description)
    if kind in _EDGE_KINDS:
        _fields(data, _EDGE_SNAKE)
        direction = data.get("direction", "outwards")
        if direction not in ("outwards", "inwards") or type(direction) is not str:
            raise Fallback
        return EdgeConnection(
            kind,
            _node_ref(data.get("type")),
            _view_ref(data.get("source")),
            _opt_view_ref(data.get("edgeSource")),
            cast(Direction, direction),
            name,
            description,
        )
    if kind in _REVERSE_KINDS:
        _fields(data, _REVERSE_SNAKE)
        _opt_bool(data.get("targetsList"))
        through = _dict(data.get("through"))
        identifier = _str(through.get("identifier"))
        source = _dict(through.get("source"))
        where = source.get("type")
        if where is None and "type" not in source:
            where = "view" if "version" in source else "container"
        if where == "view":
            target: ViewRef | ContainerRef = _view_ref(source)
        elif where == "container":
            target = _container_ref(source)
        else:
            raise Fallback
        return ReverseDirectRelation(kind, _view_ref(data.get("source")), target, identifier, name, description)
    _fields(data, frozenset({"connection_type"}))
    return UnknownProperty(data.get("connectionType"), name, description)


def _mapped(data: dict[str, Any], name: str | None, description: str | None) -> MappedProperty:
    _fields(data, _MAPPED_SNAKE)
    if data.get("source") is not None:  # the SDK shape: pygen.dms moves the hint into the type
        raise Fallback
    state = data.get("constraintState")
    if state is not None:
        state = _fields(_dict(state), _STATE_SNAKE)
        for key in ("nullability", "maxListSize", "maxTextSize"):
            _opt_str(state.get(key))
    flags = [data.get(key, default) for key, default in (("nullable", True), ("immutable", False))]
    return MappedProperty(
        container=_container_ref(data.get("container")),
        container_property_identifier=_str(data.get("containerPropertyIdentifier")),
        type=_type(data.get("type")),
        nullable=_bool(flags[0]),
        immutable=_bool(flags[1]),
        auto_increment=_bool(data.get("autoIncrement", False)),
        default_value=_json(data.get("defaultValue")),
        name=name,
        description=description,
    )


def _type(value: object) -> PropertyType:
    data = _fields(_dict(value), _TYPE_SNAKE)
    kind = _str(data.get("type"))
    is_list = _bool(data.get("list", False))
    max_list_size = _opt_int(data.get("maxListSize"))
    if kind == "text":
        collation, max_text_size = _opt_str(data.get("collation")), _opt_int(data.get("maxTextSize"))
        return PropertyType(kind, is_list, max_list_size, collation=collation, max_text_size=max_text_size)
    if kind in ("int32", "int64", "float32", "float64"):
        unit = data.get("unit")
        if unit is not None:
            unit_data = _fields(_dict(unit), _UNIT_SNAKE)
            _opt_str(unit_data.get("sourceUnit"))  # read as pygen.dms reads it; the IR keeps the unit only
            unit = Unit(_str(unit_data.get("externalId")))
        return PropertyType(kind, is_list, max_list_size, unit=unit)
    if kind == "enum":
        values = []
        for key, item in _dict(data.get("values")).items():
            item_data = _dict(item)
            values.append((_str(key), _opt_str(item_data.get("name")), _opt_str(item_data.get("description"))))
        unknown = _opt_str(data.get("unknownValue"))
        return PropertyType(kind, is_list, max_list_size, values=tuple(values), unknown_value=unknown)
    if kind == "direct":
        container = data.get("container")
        return PropertyType(
            kind,
            is_list,
            max_list_size,
            container=None if container is None else _container_ref(container),
            source=_opt_view_ref(data.get("source")),
        )
    return PropertyType(kind, is_list, max_list_size)


# ---------------------------------------------------------------------------------------------- dump


def _dump_view(data: dict[str, Any]) -> dict[str, Any]:
    """``pygen.dms.View.load(data).dump()`` for data :func:`read_model` accepted: the discriminators written.

    Unknown keys are written as given; one holding something other than JSON (a set, say, from a Python
    caller) is left to ``pygen.dms``, which writes it as JSON.
    """
    out = _discriminated_view(data)
    if not _plain(out):
        from pygen import dms

        return dms.View.load(data).dump()
    return out


def _plain(value: object) -> bool:
    kind = type(value)
    if kind is dict:
        return all(type(key) is str and _plain(item) for key, item in value.items())  # type: ignore[attr-defined]
    if kind is list:
        return all(_plain(item) for item in value)  # type: ignore[attr-defined]
    return value is None or kind in (str, int, bool) or (kind is float and math.isfinite(value))  # type: ignore[arg-type]


def _discriminated_view(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if data.get("implements") is not None:
        out["implements"] = [_typed(item, "view") for item in data["implements"]]
    if data.get("mappedContainers") is not None:
        out["mappedContainers"] = [_typed(item, "container") for item in data["mappedContainers"]]
    if "properties" in data:
        out["properties"] = {key: _dump_property(prop) for key, prop in data["properties"].items()}
    return out


def _typed(ref: dict[str, Any], kind: str) -> dict[str, Any]:
    return ref if ref.get("type") == kind else {**ref, "type": kind}


def _dump_property(data: dict[str, Any]) -> dict[str, Any]:
    kind = _property_kind(data)
    out = dict(data)
    if kind == "mapped":
        out["container"] = _typed(data["container"], "container")
        prop_type = out["type"] = dict(data["type"])
        if prop_type["type"] == "direct":
            for key, ref_kind in (("container", "container"), ("source", "view")):
                if prop_type.get(key) is not None:
                    prop_type[key] = _typed(prop_type[key], ref_kind)
        return out
    if kind == "unknown":
        out["connectionType"] = data.get("connectionType")
        return out
    out["connectionType"] = kind
    out["source"] = _typed(data["source"], "view")
    if kind in _EDGE_KINDS:
        if data.get("edgeSource") is not None:
            out["edgeSource"] = _typed(data["edgeSource"], "view")
        return out
    source = data["through"]["source"]
    where = source.get("type") or ("view" if "version" in source else "container")
    out["through"] = {**data["through"], "source": _typed(source, where)}
    return out


# ---------------------------------------------------------------------------------------------- from pygen.dms


def from_dms(model: dms.DataModel) -> DataModel:
    """The same objects from a ``pygen.dms.DataModel`` (validated by pydantic)."""
    from pygen import dms

    entries: list[View | ViewRef] = []
    for entry in model.views or []:
        if isinstance(entry, dms.ViewReference):
            entries.append(ViewRef(entry.space, entry.external_id, entry.version))
        else:
            entries.append(_view_from_dms(entry))
    views = None if model.views is None else tuple(entries)
    return DataModel(ModelRef(model.space, model.external_id, model.version), views, model.name, model.description)


def _view_from_dms(view: dms.View) -> View:
    return View(
        ref=ViewRef(view.space, view.external_id, view.version),
        properties={key: _property_from_dms(prop) for key, prop in view.properties.items()},
        name=view.name,
        description=view.description,
        filter=view.filter,
        implements=None if view.implements is None else tuple(_ref(item) for item in view.implements),
        writable=view.writable,
        used_for=view.used_for,
        last_updated_time=view.last_updated_time,
        dump=view.dump,
    )


def _ref(ref: dms.ViewReference) -> ViewRef:
    return ViewRef(ref.space, ref.external_id, ref.version)


def _property_from_dms(prop: dms.ViewProperty) -> ViewProperty:
    from pygen import dms

    if isinstance(prop, dms.MappedProperty):
        return MappedProperty(
            container=ContainerRef(prop.container.space, prop.container.external_id),
            container_property_identifier=prop.container_property_identifier,
            type=_type_from_dms(prop.type),
            nullable=prop.nullable,
            immutable=prop.immutable,
            auto_increment=prop.auto_increment,
            default_value=prop.default_value,
            name=prop.name,
            description=prop.description,
        )
    if isinstance(prop, dms.EdgeConnection):
        return EdgeConnection(
            prop.connection_type,
            NodeRef(prop.type.space, prop.type.external_id),
            _ref(prop.source),
            None if prop.edge_source is None else _ref(prop.edge_source),
            prop.direction,
            prop.name,
            prop.description,
        )
    if isinstance(prop, dms.ReverseDirectRelation):
        source = prop.through.source
        through: ViewRef | ContainerRef = (
            _ref(source) if isinstance(source, dms.ViewReference) else ContainerRef(source.space, source.external_id)
        )
        return ReverseDirectRelation(
            prop.connection_type, _ref(prop.source), through, prop.through.identifier, prop.name, prop.description
        )
    return UnknownProperty(getattr(prop, "connection_type", None), prop.name, prop.description)


def _type_from_dms(type_: dms.PropertyType) -> PropertyType:
    from pygen import dms

    kind, is_list, max_list_size = type_.type, type_.is_list, type_.max_list_size
    if isinstance(type_, dms.TextType):
        return PropertyType(kind, is_list, max_list_size, collation=type_.collation, max_text_size=type_.max_text_size)
    if isinstance(type_, (dms.Int32Type, dms.Int64Type, dms.Float32Type, dms.Float64Type)):
        unit = None if type_.unit is None else Unit(type_.unit.external_id)
        return PropertyType(kind, is_list, max_list_size, unit=unit)
    if isinstance(type_, dms.EnumType):
        values = tuple((key, value.name, value.description) for key, value in type_.values.items())
        return PropertyType(kind, is_list, max_list_size, values=values, unknown_value=type_.unknown_value)
    if isinstance(type_, dms.DirectRelationType):
        container = (
            None if type_.container is None else ContainerRef(type_.container.space, type_.container.external_id)
        )
        return PropertyType(kind, is_list, max_list_size, container=container, source=_opt(type_.source))
    return PropertyType(kind, is_list, max_list_size)


def _opt(ref: dms.ViewReference | None) -> ViewRef | None:
    return None if ref is None else _ref(ref)
