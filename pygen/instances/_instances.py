"""Typed instance classes: the read/write bases of nodes and edges, and the list of instances.

A per-view class only declares its properties as ordinary typed fields plus a few ``ClassVar``s::

    class Pump(Node):
        _view_id = ViewId("my_space", "Pump", "v1")
        _fields_class = PumpFields                        # property ids and direct relations from its builders
        _connections = {"valves": EdgeConnection(...)}    # edges and reverse relations
        name: str | None = None
        max_pressure: float | None = None
        site: NodeId | Site | None = None

``__init_subclass__`` turns each property field into a field that pydantic-core reads from the API's
nested shape (``properties[space]["Pump/v1"]["maxPressure"]``) through an ``AliasPath``, so a whole
list response is parsed from bytes in one ``validate_json`` call, with no Python per item.
"""

from __future__ import annotations

import builtins
import importlib
import re
import sys
import threading
import types
import typing
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar, Union

from pydantic import AliasPath, AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from typing_extensions import Self

from pygen.instances._filters import DirectRelationListProperty, DirectRelationProperty, Property
from pygen.instances._ids import EdgeId, NodeId, NodeIdLike, ViewId, as_edge_id, as_node_id
from pygen.instances._record import record
from pygen.instances._types import dump_timestamp

__all__ = [
    "PropertyNotFetchedError",
    "DirectRelation",
    "DirectRelationTo",
    "Edge",
    "EdgeConnection",
    "EdgeWrite",
    "InstanceList",
    "Node",
    "NodeWrite",
    "ReverseDirectRelation",
]


# ---------------------------------------------------------------------------------------------- connections


@record
class DirectRelation:
    """Marks a field as a direct relation property (its value is a :class:`NodeId` or a target object)."""


@record
class EdgeConnection:
    """Marks a field as an edge connection: edges of ``edge_type`` leaving (``outwards``) or reaching this node.

    The field holds target node objects, or edge objects (with edge properties) whose other end is the target.
    """

    edge_type: NodeId
    direction: Literal["outwards", "inwards"] = "outwards"


@record
class ReverseDirectRelation:
    """Marks a field as the reverse of direct relation ``property`` of view ``through`` (read only)."""

    through: ViewId
    property: str


Connection = DirectRelation | EdgeConnection | ReverseDirectRelation


_Target = TypeVar("_Target")

#: The type of a direct relation property in a read class: a :class:`NodeId`, or the target object
#: when connections were resolved. ``parent: DirectRelationTo[Asset] | None``. Parsing tries NodeId
#: first (left to right): JSON always holds ids, and a smart union would try the target class too.
DirectRelationTo = Annotated[Union[NodeId, _Target], Field(union_mode="left_to_right")]  # noqa: UP007


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        text = annotation.replace("typing.", "").replace("typing_extensions.", "")
        return text == "ClassVar" or text.startswith("ClassVar[")
    return annotation is ClassVar or typing.get_origin(annotation) is ClassVar


_references_lock = threading.RLock()


def load_references(module_name: str) -> None:
    """Put the classes that the annotations of module ``module_name`` name, but it lacks, into it; transitively.

    A generated view module imports other views' classes for type checkers only (``if TYPE_CHECKING:``),
    so that importing one view imports one module. When pydantic first builds one of its classes, the
    names its field annotations use are looked up here: each one the module lacks (and that is not a
    builtin) is taken from the module's package, whose ``__getattr__`` imports the defining module; then
    that module is done too, since pydantic builds the classes it references in its namespace. Names the
    package does not have are left for pydantic to report. Each module is done once (a flag on it).
    """
    with _references_lock:
        pending = [module_name]
        while pending:
            module = sys.modules.get(pending.pop())
            if module is None or getattr(module, "_REFERENCES_LOADED", False):
                continue
            module._REFERENCES_LOADED = True  # type: ignore[attr-defined]
            package = sys.modules.get(module.__package__ or "")
            if package is None or package is module:
                continue
            namespace = vars(module)
            for name in sorted(_annotation_names(module)):
                if name in namespace or hasattr(builtins, name):
                    continue
                try:
                    value = getattr(package, name)
                except AttributeError:
                    continue
                setattr(module, name, value)
                if isinstance(value, type):
                    pending.append(value.__module__)


def _annotation_names(module: types.ModuleType) -> set[str]:
    """The identifiers in the (string) field annotations of the classes ``module`` defines."""
    names: set[str] = set()
    for value in list(vars(module).values()):
        if not isinstance(value, type) or value.__module__ != module.__name__:
            continue
        for annotation in value.__dict__.get("__annotations__", {}).values():
            if isinstance(annotation, str):
                names.update(re.findall(_IDENTIFIER, re.sub(_STRING_LITERAL, "", annotation)))
    return names


# Patterns are compiled on first use (re caches them), not when an SDK is imported.
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_STRING_LITERAL = r"\"[^\"]*\"|'[^']*'"


#: Set while building write objects that need not have their required properties (see _WriteInstance).
_LENIENT: ContextVar[bool] = ContextVar("pygen_lenient_write", default=False)


def _field(default: object, **kwargs: Any) -> Any:
    """A FieldInfo with ``kwargs`` added to whatever the class body declared for the field."""
    if isinstance(default, FieldInfo):
        return FieldInfo.merge_field_infos(default, Field(**kwargs))
    if default is PydanticUndefined:
        return Field(**kwargs)
    return Field(default, **kwargs)


class _Instance(BaseModel):
    """What node and edge classes, read and write, have in common."""

    # populate_by_name: objects are built by field name in code and by alias from JSON.
    # defer_build: a large SDK imports fast; a class's validator is built on first use.
    # protected_namespaces=(): a view property may be called ``model3D`` -> ``model_3d``; pydantic
    # before 2.10 warns about any field starting with ``model_`` (the generator renames the names
    # that would really clash, ``model_dump*``/``model_validate*``).
    model_config = ConfigDict(populate_by_name=True, extra="ignore", defer_build=True, protected_namespaces=())

    _instance_type: ClassVar[Literal["node", "edge"]] = "node"
    #: The view whose properties the class declares (None for the bare bases).
    _view_id: ClassVar[ViewId | None] = None
    #: The view's ``Fields`` class (filter builders): a generated class names it, and its builders give
    #: the property id of each field and mark the direct relations, so neither is said twice.
    _fields_class: ClassVar[type[Any] | None] = None
    #: Field name -> property id, where they differ (derived from ``_fields_class`` when it is set).
    _property_ids: ClassVar[Mapping[str, str]] = {}
    #: Field name -> connection kind: edge connections and reverse relations, and direct relations
    #: (derived from ``_fields_class`` when it is set).
    _connections: ClassVar[Mapping[str, Connection]] = {}
    #: Fields of the instance itself (not view properties), with their API names. Set on the bases.
    _base_fields: ClassVar[Mapping[str, str]] = {}
    #: Computed per class: field name -> property id of every view property field.
    _properties: ClassVar[dict[str, str]] = {}

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        """pydantic's ``model_rebuild``, after importing the classes of other modules that annotations name.

        Generated view modules import each other's classes for type checkers only; pydantic builds a
        class on first use (``defer_build``) and calls this first, so importing one view imports one
        module, and the first validation imports what it needs (:func:`load_references`).
        """
        load_references(cls.__module__)
        return super().model_rebuild(
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=_parent_namespace_depth + 1,
            _types_namespace=_types_namespace,
        )

    @classmethod
    def _property_field(cls, default: object, view: ViewId, prop: str, relation: bool) -> Any:
        raise NotImplementedError

    @classmethod
    def _base_field(cls, default: object, api_name: str) -> Any:
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Runs inside type.__new__, before pydantic's metaclass collects the fields: the Field()s
        # set as class attributes here are what pydantic then reads as each field's declaration.
        # Annotations may be strings (`from __future__ import annotations`); only names are needed.
        super().__init_subclass__(**kwargs)
        annotations: dict[str, object] = cls.__dict__.get("__annotations__", {})
        if "_fields_class" in cls.__dict__:
            _from_fields_class(cls, annotations)
        properties = dict(cls._properties)
        view = cls._view_id
        for name, annotation in annotations.items():
            if name.startswith("_") or _is_classvar(annotation):
                continue
            default = cls.__dict__.get(name, PydanticUndefined)
            connection = cls._connections.get(name)
            if name in cls._base_fields:
                field = cls._base_field(default, cls._base_fields[name])
            elif isinstance(connection, (EdgeConnection, ReverseDirectRelation)):
                # Not a property: filled only when connections are resolved; never read from `properties`.
                field = _field(default, exclude=True)
                properties.pop(name, None)
            else:
                if view is None:
                    raise TypeError(
                        f"{cls.__name__}.{name}: a class with property fields must set _view_id = ViewId(...)"
                    )
                prop = cls._property_ids.get(name, name)
                field = cls._property_field(default, view, prop, isinstance(connection, DirectRelation))
                properties[name] = prop
            if field is not PydanticUndefined:  # a required field without Field(): leave it as declared
                setattr(cls, name, field)
        unknown = set(cls._property_ids) - set(properties)
        if unknown:
            raise TypeError(f"{cls.__name__}._property_ids names fields that are not properties: {sorted(unknown)}")
        cls._properties = properties


def _from_fields_class(cls: type[_Instance], annotations: Mapping[str, object]) -> None:
    """Set ``cls._property_ids`` and the direct relations of ``cls._connections`` from ``cls._fields_class``.

    A ``Fields`` builder's reference ends with the property id (``_ref("maxPressure")``), and the
    direct relation builders mark direct relations. Only fields ``cls`` declares take part; what the
    class sets itself wins.
    """
    builders = {
        name: value
        for name, value in vars(cls._fields_class).items()
        if name in annotations and isinstance(value, Property)
    }
    ids = {name: builder.name for name, builder in builders.items() if builder.name != name}
    direct = {
        name: DirectRelation()
        for name, builder in builders.items()
        if isinstance(builder, (DirectRelationProperty, DirectRelationListProperty))
    }
    cls._property_ids = {**ids, **cls.__dict__.get("_property_ids", {})}
    cls._connections = {**direct, **cls._connections}


# ---------------------------------------------------------------------------------------------- read


class PropertyNotFetchedError(AttributeError):
    """A property of an object read with a subset of its properties (``properties=[...]``) was not read."""


def mark_unfetched(obj: _ReadInstance, fields: Iterable[str]) -> None:
    """Make the property ``fields`` of ``obj`` unread: reading one raises :class:`PropertyNotFetchedError`."""
    values = obj.__dict__
    for name in fields:
        values.pop(name, None)
    obj.__pydantic_fields_set__.difference_update(fields)


def unfetched_properties(obj: _ReadInstance) -> frozenset[str]:
    """The property fields of ``obj`` that were not read (it was read with ``properties=[...]``); empty
    for an object read whole."""
    values = obj.__dict__
    return frozenset(name for name in type(obj)._properties if name not in values)


class _ReadInstance(_Instance):
    _write_class: ClassVar[type[NodeWrite] | type[EdgeWrite] | None] = None

    if not TYPE_CHECKING:
        # Only reached when normal lookup fails: a field missing from __dict__ was not read.

        def __getattr__(self, name):
            if name in type(self).model_fields and not name.startswith("_"):
                raise PropertyNotFetchedError(
                    f"{type(self).__name__}.{name} was not read: {self._id_text()} was read with a subset of "
                    f"its properties (properties=[...]); include {name!r} there to read it"
                )
            return super().__getattr__(name)

    def _id_text(self) -> str:
        return f"{self._instance_type} {self.__dict__.get('space')}:{self.__dict__.get('external_id')}"

    @classmethod
    def _base_field(cls, default: object, api_name: str) -> Any:
        return _field(default, alias=api_name)

    @classmethod
    def _property_field(cls, default: object, view: ViewId, prop: str, relation: bool) -> Any:
        return _field(
            default, validation_alias=AliasPath("properties", view.space, view.key, prop), serialization_alias=prop
        )

    @classmethod
    def load(cls, data: Mapping[str, Any] | str | bytes) -> Self:
        """Build from the API read shape (a dict or raw JSON); raises ``pydantic.ValidationError``."""
        if isinstance(data, (str, bytes)):
            return cls.model_validate_json(data)
        return cls.model_validate(data)

    def _base_dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {"instanceType": self._instance_type}
        for name, key in self._base_fields.items():
            value = getattr(self, name)
            if value is None:
                continue
            out[key] = _dump_base(value)
        return out

    def dump(self) -> dict[str, Any]:
        """The API read shape: ``{instanceType, space, externalId, ..., properties: {space: {view: {...}}}}``."""
        out = self._base_dump()
        view = self._view_id
        if view is not None:
            fields_set = self.model_fields_set
            props = {
                prop: _dump_property(getattr(self, name), None)
                for name, prop in self._properties.items()
                if name in fields_set
            }
            out["properties"] = {view.space: {view.key: props}}
        return out

    def as_write(self) -> NodeWrite | EdgeWrite:
        """The write object of this instance (existing_version = version: a stale write then fails).

        Properties the read object did not receive are left unset, so writing it back patches only
        what was read. Resolved connection objects become ids; edge connections are not copied.
        """
        write_class = self._write_class
        if write_class is None:
            raise TypeError(f"{type(self).__name__} has no write class (a read-only view?)")
        data: dict[str, Any] = {}
        for name in self._base_fields:
            if name in write_class._base_fields and name not in ("version",):
                data[name] = _relation_id(getattr(self, name))
        data["existing_version"] = getattr(self, "version", None)
        fields_set = self.model_fields_set
        for name in write_class._properties:
            if name in self._properties and name in fields_set:
                data[name] = _relation_id(getattr(self, name))
        write = write_class._validate_partial(data)
        if unfetched_properties(self):
            # Read with a subset of its properties: a patch of those, never a whole replacement.
            object.__setattr__(write, "__pydantic_private__", {**(write.__pydantic_private__ or {}), "_subset": True})
        return write


class Node(_ReadInstance):
    """A node as read from CDF: its id, version, type, times, and (in subclasses) typed properties.

    Example:
        >>> from pygen.instances import ViewId
        >>> class Pump(Node):
        ...     _view_id = ViewId("my_space", "Pump", "v1")
        ...     name: str | None = None
        >>> raw = b'{"space": "my_space", "externalId": "pump42", "version": 1, "createdTime": 0, "lastUpdatedTime": 0,'
        >>> raw += b' "properties": {"my_space": {"Pump/v1": {"name": "P-42"}}}}'  # a node as CDF returns it
        >>> pump = Pump.load(raw)
        >>> pump.id, pump.name
        (NodeId(space='my_space', external_id='pump42'), 'P-42')
    """

    _instance_type = "node"
    _base_fields = {
        "space": "space",
        "external_id": "externalId",
        "version": "version",
        "type": "type",
        "created_time": "createdTime",
        "last_updated_time": "lastUpdatedTime",
        "deleted_time": "deletedTime",
    }

    space: str
    external_id: str = Field(alias="externalId")
    version: int
    type: NodeId | None = None
    created_time: datetime = Field(alias="createdTime")
    last_updated_time: datetime = Field(alias="lastUpdatedTime")
    deleted_time: datetime | None = Field(None, alias="deletedTime")

    @property
    def id(self) -> NodeId:
        """This node's :class:`NodeId`."""
        return NodeId(self.space, self.external_id)


class Edge(_ReadInstance):
    """An edge as read from CDF: type, start and end node, and (in subclasses) typed edge properties.

    ``start_node``/``end_node`` hold a :class:`NodeId`, or the node object when connections were resolved.
    """

    _instance_type = "edge"
    _base_fields = {
        "space": "space",
        "external_id": "externalId",
        "version": "version",
        "type": "type",
        "start_node": "startNode",
        "end_node": "endNode",
        "created_time": "createdTime",
        "last_updated_time": "lastUpdatedTime",
        "deleted_time": "deletedTime",
    }

    space: str
    external_id: str = Field(alias="externalId")
    version: int
    type: NodeId
    start_node: NodeId | Node = Field(alias="startNode", union_mode="left_to_right")
    end_node: NodeId | Node = Field(alias="endNode", union_mode="left_to_right")
    created_time: datetime = Field(alias="createdTime")
    last_updated_time: datetime = Field(alias="lastUpdatedTime")
    deleted_time: datetime | None = Field(None, alias="deletedTime")

    @property
    def id(self) -> EdgeId:
        """This edge's :class:`EdgeId`."""
        return EdgeId(self.space, self.external_id)


# ---------------------------------------------------------------------------------------------- write


class _WriteInstance(_Instance):
    # Write objects are built by field name only (``load`` maps the API's names itself): an unknown
    # keyword is a mistake, not schema drift. Reads stay tolerant (extra="ignore").
    model_config = ConfigDict(extra="forbid")

    #: Fields a write that creates an instance must give (not nullable, no default, not auto-increment);
    #: the generated ``__init__`` signature requires them, ``partial`` does not.
    _required: ClassVar[tuple[str, ...]] = ()

    def __init__(self, /, **data: Any) -> None:
        # pydantic calls a model's own __init__ from model_validate too: `partial`, `load` and
        # `as_write` build objects that may lack required properties, and say so through _LENIENT.
        _check_keywords(type(self), data)
        super().__init__(**data)
        if _LENIENT.get():
            return
        missing = sorted(name for name in type(self)._required if name not in data)
        if missing:
            names = ", ".join(repr(name) for name in missing)
            raise TypeError(
                f"{type(self).__name__}() is missing the required propert{'ies' if len(missing) > 1 else 'y'} "
                f"{names} (not nullable, no default). To change some properties of an existing instance, use "
                f"{type(self).__name__}.partial(...)."
            )

    if not TYPE_CHECKING:
        # Invisible to type checkers on purpose: a generated write class with required properties
        # declares `partial` with its own typed keywords, which a catch-all here would contradict.

        @classmethod
        def partial(cls, **data):
            """A write object with only the given properties: to update an existing instance.

            Example:
                A pump's ``name`` is required: a new pump needs one, an update of its pressure does not.

                >>> from typing import ClassVar
                >>> from pygen.instances import ViewId
                >>> class PumpWrite(NodeWrite):
                ...     _view_id = ViewId("my_space", "Pump", "v1")
                ...     _required: ClassVar[tuple[str, ...]] = ("name",)
                ...     name: str | None = None
                ...     max_pressure: float | None = None
                >>> update = PumpWrite.partial(external_id="pump42", max_pressure=3.5)
                >>> update.dump(default_space="my_space")["sources"][0]["properties"]  # what upsert sends
                {'max_pressure': 3.5}
            """
            _check_keywords(cls, data)
            return cls._validate_partial(data)

    @classmethod
    def _validate_partial(cls, data: Mapping[str, Any]) -> Self:
        """``model_validate`` without the required-properties check (the object may be an update)."""
        token = _LENIENT.set(True)
        try:
            return cls.model_validate(data)
        finally:
            _LENIENT.reset(token)

    @classmethod
    def _property_field(cls, default: object, view: ViewId, prop: str, relation: bool) -> Any:
        # No alias: write objects are built by field name; `load` maps property ids to fields itself,
        # because a property id may equal a base field's API name (a property called `type`).
        return default

    @classmethod
    def _base_field(cls, default: object, api_name: str) -> Any:
        return default  # by field name too (dump and load use _base_fields for the API's names)

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Self:
        """Build from the API apply shape (``sources[].properties`` of this class's view).

        Takes what the API takes: a timestamp without an offset is UTC (as in CDF), while a naive
        ``datetime`` object given to the constructor is still refused (its zone would be a guess).
        Required properties may be missing (an apply item may be an update).
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"{cls.__name__}.load expects a dict in the apply shape, got {type(data).__name__}")
        values: dict[str, Any] = {name: data[key] for name, key in cls._base_fields.items() if key in data}
        view = cls._view_id
        for index, source in enumerate(data.get("sources") or []):
            ref = source.get("source") if isinstance(source, Mapping) else None
            if not isinstance(ref, Mapping):
                raise ValueError(f"{cls.__name__}.load: sources[{index}] has no 'source' reference")
            if view is not None and (ref.get("space"), ref.get("externalId"), ref.get("version")) == (
                view.space,
                view.external_id,
                view.version,
            ):
                props = source.get("properties") or {}
                values.update({name: props[prop] for name, prop in cls._properties.items() if prop in props})
        for name in _timestamp_fields(cls):
            if name in values:
                values[name] = _utc_if_naive(values[name])
        return cls._validate_partial(values)

    def _resolved_space(self, default_space: str | None) -> str:
        space = getattr(self, "space", None) or default_space
        if space is None:
            raise ValueError(
                f"{type(self).__name__} {getattr(self, 'external_id', '?')!r} has no space: "
                "set space=... or give the client a default instance space"
            )
        return str(space)

    def _properties_dump(self, default_space: str | None) -> dict[str, Any]:
        fields_set = self.model_fields_set
        out: dict[str, Any] = {}
        for name, prop in self._properties.items():
            if name in fields_set:
                value = getattr(self, name)
                if isinstance(self._connections.get(name), DirectRelation):
                    value = _relation_value(value, default_space)
                out[prop] = _dump_property(value, default_space)
        return out

    def _sources(self, default_space: str | None) -> dict[str, Any]:
        view = self._view_id
        if view is None or not self._properties:
            # A view without properties maps no container: there is nothing to write through it.
            return {}
        # The source is written even without properties: it gives the instance data in the view
        # (so the view's list/search find it); `properties` must have an entry if present.
        source: dict[str, Any] = {"source": view.dump()}
        props = self._properties_dump(default_space)
        if props:
            source["properties"] = props
        return {"sources": [source]}

    def _apply_item(self, default_space: str | None) -> dict[str, Any]:
        raise NotImplementedError

    def dump(self, default_space: str | None = None) -> dict[str, Any]:
        """The API apply item; nested objects are written as ids (``upsert`` writes them too)."""
        return self._apply_item(default_space)


class NodeWrite(_WriteInstance):
    """A node to write. ``space=None`` means the client's default instance space.

    Only properties that were given (at construction or by assignment) are written, explicit
    ``None`` included (it clears the value); others keep their stored value unless ``replace=True``.

    Example:
        The item ``client.upsert(pump)`` sends (:class:`InstanceClient`'s example writes one):

        >>> from pygen.instances import ViewId
        >>> class PumpWrite(NodeWrite):
        ...     _view_id = ViewId("my_space", "Pump", "v1")
        ...     name: str | None = None
        >>> pump = PumpWrite(external_id="pump42", name="P-42")
        >>> item = pump.dump(default_space="my_space")
        >>> item["space"], item["externalId"], item["sources"][0]["properties"]
        ('my_space', 'pump42', {'name': 'P-42'})
    """

    _instance_type = "node"
    _base_fields = {
        "space": "space",
        "external_id": "externalId",
        "type": "type",
        "existing_version": "existingVersion",
    }

    space: str | None = None
    external_id: str = Field(min_length=1, max_length=256)
    type: NodeIdLike | None = None
    existing_version: int | None = None

    def node_id(self, default_space: str | None = None) -> NodeId:
        """This node's id, with ``default_space`` when ``space`` is not set."""
        return NodeId(self._resolved_space(default_space), self.external_id)

    def _apply_item(self, default_space: str | None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "instanceType": "node",
            "space": self._resolved_space(default_space),
            "externalId": self.external_id,
        }
        if self.type is not None:
            item["type"] = as_node_id(self.type, default_space).dump()
        if self.existing_version is not None:
            item["existingVersion"] = self.existing_version
        item.update(self._sources(default_space))
        return item


class EdgeWrite(_WriteInstance):
    """An edge to write; in an edge connection field, ``type`` and the near end are filled in from it."""

    _instance_type = "edge"
    _base_fields = {
        "space": "space",
        "external_id": "externalId",
        "type": "type",
        "start_node": "startNode",
        "end_node": "endNode",
        "existing_version": "existingVersion",
    }

    space: str | None = None
    external_id: str | None = Field(None, min_length=1, max_length=256)
    type: NodeIdLike | None = None
    start_node: NodeWrite | NodeIdLike | None = None
    end_node: NodeWrite | NodeIdLike | None = None
    existing_version: int | None = None

    def edge_id(self, default_space: str | None = None) -> EdgeId:
        """This edge's id (``external_id`` must be set; edge connections set it for you)."""
        if self.external_id is None:
            raise ValueError(f"{type(self).__name__} has no external_id")
        return EdgeId(self._resolved_space(default_space), self.external_id)

    def _apply_item(self, default_space: str | None) -> dict[str, Any]:
        missing = [name for name in ("external_id", "type", "start_node", "end_node") if getattr(self, name) is None]
        if missing:
            raise ValueError(
                f"{type(self).__name__} {self.external_id!r} cannot be written: {', '.join(missing)} not set"
            )
        assert self.type is not None and self.external_id is not None
        item: dict[str, Any] = {
            "instanceType": "edge",
            "space": self._resolved_space(default_space),
            "externalId": self.external_id,
            "type": as_node_id(self.type, default_space).dump(),
            "startNode": _node_ref(self.start_node, default_space).dump(),
            "endNode": _node_ref(self.end_node, default_space).dump(),
        }
        if self.existing_version is not None:
            item["existingVersion"] = self.existing_version
        item.update(self._sources(default_space))
        return item


def _timestamp_fields(cls: type[_WriteInstance]) -> list[str]:
    """The fields of ``cls`` that hold timestamps (or lists of them)."""
    cls.model_rebuild()
    return [name for name, info in cls.model_fields.items() if _mentions(info.annotation, AwareDatetime)]


def _mentions(annotation: object, target: object) -> bool:
    return annotation is target or any(_mentions(arg, target) for arg in typing.get_args(annotation))


_OFFSET = r"(Z|z|[+-]\d{2}(:?\d{2})?)$"


def _utc_if_naive(value: object) -> object:
    """A timestamp string without an offset means UTC in CDF: say so, so that it is not refused as naive."""
    if isinstance(value, list):
        return [_utc_if_naive(item) for item in value]
    if isinstance(value, str) and "T" in value and not re.search(_OFFSET, value.strip()):
        return value.strip() + "+00:00"
    return value


def _check_keywords(cls: type[_WriteInstance], data: Mapping[str, Any]) -> None:
    """A keyword that is not a field of the write class: a TypeError that suggests the nearest field."""
    unknown = [key for key in data if key not in cls.model_fields]
    if not unknown:
        return
    import difflib

    key = unknown[0]
    close = difflib.get_close_matches(key, list(cls.model_fields), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {key!r}{hint}")


# ---------------------------------------------------------------------------------------------- values


def _node_ref(value: object, default_space: str | None) -> NodeId:
    if isinstance(value, NodeWrite):
        return value.node_id(default_space)
    return as_node_id(value, default_space)


def _relation_value(value: object, default_space: str | None) -> object:
    """A direct relation value to write: bare external ids and tuples become ids (the ids rule)."""
    if isinstance(value, (str, tuple)):
        return as_node_id(value, default_space)
    if isinstance(value, list):
        return [_relation_value(item, default_space) for item in value]
    return value


def _relation_id(value: object) -> object:
    """A read object's direct relation value for a write object: nested objects become ids."""
    if isinstance(value, Node):
        return value.id
    if isinstance(value, list):
        return [_relation_id(item) for item in value]
    return value


def _dump_base(value: object) -> object:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, (NodeId, EdgeId)):
        return value.dump()
    if isinstance(value, Node):
        return value.id.dump()
    return value


def _dump_property(value: object, default_space: str | None) -> object:
    """One property value in API JSON: ids as ``{space, externalId}``, times as ISO, nested objects as ids."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, NodeId):
        return value.dump()
    if isinstance(value, datetime):
        return dump_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Node):
        return value.id.dump()
    if isinstance(value, NodeWrite):
        return value.node_id(default_space).dump()
    if isinstance(value, tuple) and len(value) == 2:
        return as_node_id(value).dump()
    if isinstance(value, list):
        return [_dump_property(item, default_space) for item in value]
    if isinstance(value, dict):
        return value
    classic = getattr(value, "ref", None)  # a classic resource (``_resources``): written as its external id
    if isinstance(classic, str) and hasattr(value, "_resource"):
        return str.__str__(classic)
    raise TypeError(f"cannot write a property value of type {type(value).__name__}: {value!r}")


# ---------------------------------------------------------------------------------------------- list

_T = TypeVar("_T", bound=_Instance)


class InstanceList(list[_T]):
    """A list of instances with API dumps, ids and a pandas conversion.

    What an API's ``list`` returns; ``to_pandas()`` needs pandas.

    Example:
        >>> from pygen.instances import Node, ViewId
        >>> class Pump(Node):
        ...     _view_id = ViewId("my_space", "Pump", "v1")
        >>> times = {"version": 1, "createdTime": 0, "lastUpdatedTime": 0}
        >>> pumps = InstanceList(Pump.load({"space": "my_space", "externalId": xid, **times}) for xid in ("p1", "p2"))
        >>> pumps.as_ids()
        [NodeId(space='my_space', external_id='p1'), NodeId(space='my_space', external_id='p2')]
    """

    def dump(self) -> list[dict[str, Any]]:
        """Each instance in the API shape."""
        return [item.dump() for item in self]  # type: ignore[attr-defined]

    def as_ids(self) -> list[NodeId | EdgeId]:
        """The ids of the instances (NodeId for nodes, EdgeId for edges)."""
        out: list[NodeId | EdgeId] = []
        for item in self:
            space, xid = getattr(item, "space", None), getattr(item, "external_id", None)
            if item._instance_type == "edge":
                out.append(as_edge_id((space, xid)))
            else:
                out.append(as_node_id((space, xid)))
        return out

    def as_write(self) -> list[NodeWrite | EdgeWrite]:
        """The write objects of read instances (see ``Node.as_write``)."""
        return [item.as_write() for item in self]  # type: ignore[attr-defined]

    def to_pandas(self) -> Any:
        """A DataFrame, one row per instance and one column per field (needs the optional pandas)."""
        try:
            # Imported here: pandas is optional and heavy, and an SDK import must stay light.
            pd = importlib.import_module("pandas")
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'cognite-pygen-runtime[pandas]'") from None
        rows = [
            {name: _pandas_value(getattr(item, name)) for name in type(item).model_fields if name != "deleted_time"}
            for item in self
        ]
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list.__repr__(self)})"


def _pandas_value(value: object) -> object:
    """Ids and nested instances as ``"space:externalId"`` strings, so columns hold plain values."""
    if isinstance(value, (NodeId, EdgeId)):
        return str(value)
    if isinstance(value, _Instance):
        return str(getattr(value, "space", "")) + ":" + str(getattr(value, "external_id", ""))
    if isinstance(value, list):
        return [_pandas_value(item) for item in value]
    return value
