"""Views and their properties (mapped, edge connections, reverse direct relations), read and apply shapes.

Tolerance rules when reading (older dumps, pygen/cognite-sdk YAML, newer API versions):

- a property without ``connectionType`` is a mapped property if it has ``container`` (or
  ``containerPropertyIdentifier``), a ``multi_reverse_direct_relation`` if it has ``through`` (the
  API's multi default; ``targetsList`` describes the through property, not this one), and a
  ``multi_edge_connection`` if it has ``type`` and ``source`` (the API's edge default); the inferred
  ``connectionType`` is written on dump;
- an unknown ``connectionType`` loads as ``UnknownViewProperty`` with every key kept;
- a mapped property's top-level ``source`` (apply/SDK shape) moves into its direct relation ``type``
  when that has no source of its own; a top-level ``"source": null`` is kept as is so dumps round-trip.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, JsonValue, Tag, field_validator, model_validator

from ._base import CheckedApply, DMSModel
from ._containers import ConstraintState
from ._data_types import DirectRelationType, PropertyType
from ._identifiers import (
    PropertyId,
    ensure_valid,
    validate_container_property_identifier,
)
from ._refs import ContainerReference, NodeReference, PropertyReference, ViewReference

__all__ = [
    "EdgeConnection",
    "EdgeConnectionApply",
    "MappedProperty",
    "MappedPropertyApply",
    "MultiEdgeConnection",
    "MultiEdgeConnectionApply",
    "MultiReverseDirectRelation",
    "MultiReverseDirectRelationApply",
    "ReverseDirectRelation",
    "ReverseDirectRelationApply",
    "SingleEdgeConnection",
    "SingleEdgeConnectionApply",
    "SingleReverseDirectRelation",
    "SingleReverseDirectRelationApply",
    "UnknownViewProperty",
    "View",
    "ViewApply",
    "ViewProperty",
    "ViewPropertyApply",
]

Direction = Literal["outwards", "inwards"]


class _Described(DMSModel):
    name: str | None = None
    description: str | None = None


class _CheckedDescribed(_Described, CheckedApply):
    """Name and description, checked (apply shapes of view properties and views)."""


# ---- mapped properties ----------------------------------------------------------------------------


class MappedPropertyApply(_CheckedDescribed):
    """A view property mapped to a container property; ``source`` is the view hint for direct relations."""

    container: ContainerReference
    container_property_identifier: str
    source: ViewReference | None = None

    @field_validator("container_property_identifier")
    @classmethod
    def _check_identifier(cls, value: str) -> str:
        return ensure_valid(value, validate_container_property_identifier(value))


def _same_view(left: Any, right: Any) -> bool:
    keys = ("space", "externalId", "version")
    if isinstance(left, dict) and isinstance(right, dict):
        return all(left.get(key) == right.get(key) for key in keys)
    return bool(left == right)


class MappedProperty(_Described):
    """A mapped view property as read: the container property's ``type`` and flags are included."""

    container: ContainerReference
    container_property_identifier: str
    type: PropertyType
    nullable: bool = True
    immutable: bool = False
    auto_increment: bool = False
    default_value: JsonValue = None
    constraint_state: ConstraintState | None = None

    @model_validator(mode="before")
    @classmethod
    def _move_source_into_type(cls, data: Any) -> Any:
        # SDK dumps put a direct relation's view hint next to ``type``; the API puts it inside.
        if not isinstance(data, dict) or data.get("source") is None:
            return data
        type_ = data.get("type")
        if not isinstance(type_, dict) or type_.get("type") != "direct":
            return data
        inner = type_.get("source")
        if inner is not None and not _same_view(inner, data["source"]):
            return data  # two different hints: keep both rather than guess
        data = dict(data)
        source = data.pop("source")
        if inner is None:
            data["type"] = {**type_, "source": source}
        return data

    @property
    def source(self) -> ViewReference | None:
        """The view hint of a direct relation (``type.source``), else None."""
        return self.type.source if isinstance(self.type, DirectRelationType) else None

    def as_write(self) -> MappedPropertyApply:
        """The apply shape: container mapping, name, description and the direct relation's view hint."""
        return MappedPropertyApply.model_validate(self._write_data())

    def _write_data(self) -> dict[str, Any]:
        data = self._given("container", "container_property_identifier", "name", "description")
        if self.source is not None:
            data["source"] = self.source
        return data


# ---- edge connections ------------------------------------------------------------------------------


class _EdgeFields(_Described):
    type: NodeReference
    source: ViewReference
    edge_source: ViewReference | None = None
    direction: Direction = "outwards"

    connection_type: str

    def _write_data(self) -> dict[str, Any]:
        data = self._given("type", "source", "edge_source", "direction", "name", "description")
        return {**data, "connectionType": self.connection_type}


class EdgeConnectionApply(_EdgeFields, _CheckedDescribed):
    """Base of edge connections in apply shape."""

    connection_type: Literal["single_edge_connection", "multi_edge_connection"]


class SingleEdgeConnectionApply(EdgeConnectionApply):
    """``single_edge_connection`` in apply shape: at most one edge of ``type`` to a ``source`` node."""

    connection_type: Literal["single_edge_connection"] = "single_edge_connection"


class MultiEdgeConnectionApply(EdgeConnectionApply):
    """``multi_edge_connection`` in apply shape: edges of ``type`` to ``source`` nodes."""

    connection_type: Literal["multi_edge_connection"] = "multi_edge_connection"


class EdgeConnection(_EdgeFields):
    """Base of edge connections as read."""

    connection_type: Literal["single_edge_connection", "multi_edge_connection"]


class SingleEdgeConnection(EdgeConnection):
    """``single_edge_connection`` as read."""

    connection_type: Literal["single_edge_connection"] = "single_edge_connection"

    def as_write(self) -> SingleEdgeConnectionApply:
        """The apply shape of this connection."""
        return SingleEdgeConnectionApply.model_validate(self._write_data())


class MultiEdgeConnection(EdgeConnection):
    """``multi_edge_connection`` as read (the default when ``connectionType`` is missing)."""

    connection_type: Literal["multi_edge_connection"] = "multi_edge_connection"

    def as_write(self) -> MultiEdgeConnectionApply:
        """The apply shape of this connection."""
        return MultiEdgeConnectionApply.model_validate(self._write_data())


# ---- reverse direct relations ----------------------------------------------------------------------


class _ReverseFields(_Described):
    source: ViewReference
    through: PropertyReference

    connection_type: str

    def _write_data(self) -> dict[str, Any]:
        data = self._given("source", "through", "name", "description")
        return {**data, "connectionType": self.connection_type}


class ReverseDirectRelationApply(_ReverseFields, _CheckedDescribed):
    """Base of reverse direct relations in apply shape."""

    connection_type: Literal["single_reverse_direct_relation", "multi_reverse_direct_relation"]


class SingleReverseDirectRelationApply(ReverseDirectRelationApply):
    """``single_reverse_direct_relation`` in apply shape."""

    connection_type: Literal["single_reverse_direct_relation"] = "single_reverse_direct_relation"


class MultiReverseDirectRelationApply(ReverseDirectRelationApply):
    """``multi_reverse_direct_relation`` in apply shape."""

    connection_type: Literal["multi_reverse_direct_relation"] = "multi_reverse_direct_relation"


class ReverseDirectRelation(_ReverseFields):
    """Base of reverse direct relations as read; ``targetsList`` tells whether ``through`` is a list."""

    connection_type: Literal["single_reverse_direct_relation", "multi_reverse_direct_relation"]
    targets_list: bool | None = None


class SingleReverseDirectRelation(ReverseDirectRelation):
    """``single_reverse_direct_relation`` as read."""

    connection_type: Literal["single_reverse_direct_relation"] = "single_reverse_direct_relation"

    def as_write(self) -> SingleReverseDirectRelationApply:
        """The apply shape (``targetsList`` is read-only)."""
        return SingleReverseDirectRelationApply.model_validate(self._write_data())


class MultiReverseDirectRelation(ReverseDirectRelation):
    """``multi_reverse_direct_relation`` as read (the default when ``connectionType`` is missing)."""

    connection_type: Literal["multi_reverse_direct_relation"] = "multi_reverse_direct_relation"

    def as_write(self) -> MultiReverseDirectRelationApply:
        """The apply shape (``targetsList`` is read-only)."""
        return MultiReverseDirectRelationApply.model_validate(self._write_data())


# ---- unknown kinds and the unions -----------------------------------------------------------------


class UnknownViewProperty(_Described):
    """A view property kind this version of pygen does not know; every key is kept (``model_extra``)."""

    connection_type: str | None = None

    @property
    def is_unknown(self) -> bool:
        """Always True: the generator should warn and skip the property."""
        return True

    def as_write(self) -> UnknownViewProperty:
        """The same raw data: pygen cannot tell which of its keys are read-only."""
        return self.model_copy()

    def _write_data(self) -> UnknownViewProperty:
        return self.as_write()


_KINDS = frozenset(
    {
        "single_edge_connection",
        "multi_edge_connection",
        "single_reverse_direct_relation",
        "multi_reverse_direct_relation",
    }
)
_UNKNOWN = "unknown"


def _view_property_tag(value: Any) -> str:
    if isinstance(value, (MappedProperty, MappedPropertyApply)):
        return "mapped"
    if isinstance(value, UnknownViewProperty):
        return _UNKNOWN
    if not isinstance(value, dict):
        kind = getattr(value, "connection_type", None)
        return kind if kind in _KINDS else _UNKNOWN
    kind = value.get("connectionType")
    if kind is not None:
        return kind if kind in _KINDS else _UNKNOWN
    if "container" in value or "containerPropertyIdentifier" in value:
        return "mapped"
    if "through" in value:
        return "multi_reverse_direct_relation"
    if "type" in value and "source" in value:
        return "multi_edge_connection"
    return _UNKNOWN


#: A view property as read; unknown kinds load as ``UnknownViewProperty``.
ViewProperty = Annotated[
    Annotated[MappedProperty, Tag("mapped")]
    | Annotated[SingleEdgeConnection, Tag("single_edge_connection")]
    | Annotated[MultiEdgeConnection, Tag("multi_edge_connection")]
    | Annotated[SingleReverseDirectRelation, Tag("single_reverse_direct_relation")]
    | Annotated[MultiReverseDirectRelation, Tag("multi_reverse_direct_relation")]
    | Annotated[UnknownViewProperty, Tag(_UNKNOWN)],
    Discriminator(_view_property_tag),
]
#: A view property in apply shape; unknown kinds pass through as ``UnknownViewProperty``.
ViewPropertyApply = Annotated[
    Annotated[MappedPropertyApply, Tag("mapped")]
    | Annotated[SingleEdgeConnectionApply, Tag("single_edge_connection")]
    | Annotated[MultiEdgeConnectionApply, Tag("multi_edge_connection")]
    | Annotated[SingleReverseDirectRelationApply, Tag("single_reverse_direct_relation")]
    | Annotated[MultiReverseDirectRelationApply, Tag("multi_reverse_direct_relation")]
    | Annotated[UnknownViewProperty, Tag(_UNKNOWN)],
    Discriminator(_view_property_tag),
]


# ---- views -----------------------------------------------------------------------------------------


class _ViewFields(_Described):
    space: str
    external_id: str
    version: str
    filter: dict[str, JsonValue] | None = None
    implements: list[ViewReference] | None = None

    def as_reference(self) -> ViewReference:
        """The reference to this view version."""
        return ViewReference(self.space, self.external_id, self.version)


class ViewApply(_ViewFields, _CheckedDescribed):
    """A view as sent in an apply request; identifiers are validated.

    Example:
        >>> view = ViewApply(
        ...     space="s", external_id="Pump", version="v1",
        ...     properties={"name": MappedPropertyApply(container=ContainerReference("s", "Pump"),
        ...                                             container_property_identifier="name")},
        ... )
        >>> view.dump()["properties"]["name"]["container"]
        {'type': 'container', 'space': 's', 'externalId': 'Pump'}
    """

    properties: dict[PropertyId, ViewPropertyApply] | None = None


class View(_ViewFields):
    """A view as read from the API; with ``includeInheritedProperties`` it holds inherited properties too."""

    properties: dict[str, ViewProperty] = {}
    writable: bool | None = None
    queryable: bool | None = None
    used_for: str | None = None
    mapped_containers: list[ContainerReference] | None = None
    is_global: bool = False
    created_time: int | None = None
    last_updated_time: int | None = None

    def as_write(self) -> ViewApply:
        """The apply shape of this view (read-only and unknown keys dropped)."""
        return ViewApply.model_validate(self._write_data())

    def _write_data(self) -> dict[str, Any]:
        data = self._given("space", "external_id", "version", "name", "description", "filter", "implements")
        data["properties"] = {key: prop._write_data() for key, prop in self.properties.items()}
        return data

    def referenced_containers(self) -> list[ContainerReference]:
        """The containers the mapped properties use, in first-seen order."""
        seen: dict[ContainerReference, None] = {}
        for prop in self.properties.values():
            if isinstance(prop, MappedProperty):
                seen.setdefault(prop.container)
        return list(seen)
