"""Identifiers of instances and views: small frozen values, and the one rule that normalises ids.

:class:`NodeId` and :class:`EdgeId` are frozen, hashable, slotted dataclasses (cheap to build by the
million) that pydantic-core parses straight from ``{"space": ..., "externalId": ...}`` JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = [
    "EdgeId",
    "EdgeIdLike",
    "InstanceId",
    "NodeId",
    "NodeIdLike",
    "ViewId",
    "as_edge_id",
    "as_node_id",
    "as_node_ids",
]


def _id_core_schema(cls: type[Any], title: str) -> core_schema.CoreSchema:
    # A dataclass schema (not a validator function) so pydantic-core builds the object in Rust
    # without calling back into Python: direct relations are the most common property value.
    return core_schema.dataclass_schema(
        cls,
        core_schema.dataclass_args_schema(
            title,
            [
                core_schema.dataclass_field("space", core_schema.str_schema()),
                core_schema.dataclass_field(
                    "external_id",
                    core_schema.str_schema(),
                    validation_alias="externalId",
                    serialization_alias="externalId",
                ),
            ],
        ),
        ["space", "external_id"],
        frozen=True,
        slots=True,
    )


@dataclass(frozen=True, slots=True)
class NodeId:
    """The id of a node: ``NodeId("my_space", "pump42")``; JSON ``{"space": ..., "externalId": ...}``."""

    space: str
    external_id: str

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _id_core_schema(cls, "NodeId")

    def dump(self) -> dict[str, str]:
        """The API JSON ``{"space": ..., "externalId": ...}``."""
        return {"space": self.space, "externalId": self.external_id}

    def dump_instance(self) -> dict[str, str]:
        """The instance id with its type, as in byids and delete requests."""
        return {"instanceType": "node", "space": self.space, "externalId": self.external_id}

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}"


@dataclass(frozen=True, slots=True)
class EdgeId:
    """The id of an edge: ``EdgeId("my_space", "pump42:valve1")``."""

    space: str
    external_id: str

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _id_core_schema(cls, "EdgeId")

    def dump(self) -> dict[str, str]:
        """The API JSON ``{"space": ..., "externalId": ...}``."""
        return {"space": self.space, "externalId": self.external_id}

    def dump_instance(self) -> dict[str, str]:
        """The instance id with its type, as in byids and delete requests."""
        return {"instanceType": "edge", "space": self.space, "externalId": self.external_id}

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}"


InstanceId = NodeId | EdgeId

#: Anything that names a node: a :class:`NodeId`, ``(space, external_id)``, or an external id alone
#: (then the client's default instance space is the space).
NodeIdLike = NodeId | tuple[str, str] | str
#: Anything that names an edge, like :data:`NodeIdLike`.
EdgeIdLike = EdgeId | tuple[str, str] | str


@dataclass(frozen=True, slots=True)
class ViewId:
    """The id of a view version: ``ViewId("my_space", "Pump", "v1")``."""

    space: str
    external_id: str
    version: str

    @property
    def key(self) -> str:
        """``"Pump/v1"``: the key of this view's properties in an instance's ``properties[space]``."""
        return f"{self.external_id}/{self.version}"

    def dump(self) -> dict[str, str]:
        """The source reference ``{"type": "view", "space", "externalId", "version"}``."""
        return {"type": "view", "space": self.space, "externalId": self.external_id, "version": self.version}

    def property_ref(self, prop: str) -> tuple[str, str, str]:
        """The filter/sort reference of a property of this view: ``(space, "Pump/v1", prop)``."""
        return (self.space, self.key, prop)

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}/{self.version}"


def _as_id(value: object, default_space: str | None, kind: str) -> tuple[str, str]:
    if isinstance(value, (NodeId, EdgeId)):
        return value.space, value.external_id
    if isinstance(value, str):
        if default_space is None:
            raise ValueError(
                f"{kind} id {value!r} has no space: pass a {'NodeId' if kind == 'node' else 'EdgeId'} or "
                "(space, external_id), or give the client a default instance space"
            )
        return default_space, value
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, str) for part in value):
        return value[0], value[1]
    if isinstance(value, Mapping) and isinstance(value.get("space"), str) and isinstance(value.get("externalId"), str):
        return value["space"], value["externalId"]
    # Instance objects (read or write) carry their own id.
    space, xid = getattr(value, "space", None), getattr(value, "external_id", None)
    if isinstance(xid, str):
        if space is None:
            space = default_space
        if isinstance(space, str):
            return space, xid
    raise TypeError(
        f"cannot use {value!r} as a {kind} id: expected a {'NodeId' if kind == 'node' else 'EdgeId'}, "
        "a (space, external_id) tuple, an external id string or an instance object"
    )


def as_node_id(value: object, default_space: str | None = None) -> NodeId:
    """Normalise anything that names a node to a :class:`NodeId` (the one rule for node ids).

    Example:
        >>> as_node_id("pump42", "my_space")
        NodeId(space='my_space', external_id='pump42')
        >>> as_node_id(("s", "x"))
        NodeId(space='s', external_id='x')
    """
    if type(value) is NodeId:
        return value
    return NodeId(*_as_id(value, default_space, "node"))


def as_edge_id(value: object, default_space: str | None = None) -> EdgeId:
    """Normalise anything that names an edge to an :class:`EdgeId` (same rule as :func:`as_node_id`)."""
    if type(value) is EdgeId:
        return value
    return EdgeId(*_as_id(value, default_space, "edge"))


def as_node_ids(values: Iterable[object], default_space: str | None = None) -> list[NodeId]:
    """:func:`as_node_id` over many values."""
    return [as_node_id(value, default_space) for value in values]
