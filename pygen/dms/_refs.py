"""References (ids) of DMS objects: spaces, containers, views, data models, nodes and properties."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, overload

from pydantic import ConfigDict, Discriminator, Tag

from ._base import DMSModel

__all__ = [
    "ContainerReference",
    "DataModelReference",
    "DirectRelationReference",
    "NodeReference",
    "PropertyReference",
    "SourceReference",
    "SpaceReference",
    "ViewReference",
]


class _Reference(DMSModel):
    # Frozen so references are hashable: they are dict keys and set members everywhere.
    model_config = ConfigDict(frozen=True)

    # Field names that may also be given positionally, e.g. ``ViewReference("s", "Pump", "v1")``.
    _positional: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **data: Any) -> None:
        # pydantic also calls this when validating (with the raw, possibly camelCase, keys).
        if len(args) > len(self._positional):
            raise TypeError(f"{type(self).__name__} takes at most {len(self._positional)} positional arguments")
        super().__init__(**dict(zip(self._positional, args, strict=False)), **data)

    def _identity(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in type(self).model_fields)

    # A reference is an id: unknown keys are kept for dumping but do not change which object it names.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Reference) or type(other) is not type(self):
            return NotImplemented
        return self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._identity()))


class SpaceReference(_Reference):
    """The id of a space: ``{"space": ...}``."""

    space: str

    _positional = ("space",)

    @overload
    def __init__(self, space: str) -> None: ...

    @overload
    def __init__(self, **data: Any) -> None: ...

    def __init__(self, *args: Any, **data: Any) -> None:
        super().__init__(*args, **data)

    def as_id(self) -> dict[str, str]:
        """The id object used in byids/delete requests."""
        return {"space": self.space}


class ContainerReference(_Reference):
    """A reference to a container; dumps as ``{"type": "container", "space": ..., "externalId": ...}``.

    Example:
        >>> ContainerReference("my_space", "Pump").dump()
        {'type': 'container', 'space': 'my_space', 'externalId': 'Pump'}
    """

    type: Literal["container"] = "container"
    space: str
    external_id: str

    _positional = ("space", "external_id")

    @overload
    def __init__(self, space: str, external_id: str) -> None: ...

    @overload
    def __init__(self, **data: Any) -> None: ...

    def __init__(self, *args: Any, **data: Any) -> None:
        super().__init__(*args, **data)

    def as_id(self) -> dict[str, str]:
        """The id object used in byids/delete requests (no ``type``)."""
        return {"space": self.space, "externalId": self.external_id}

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}"


class ViewReference(_Reference):
    """A reference to a view version; dumps with ``"type": "view"``, loads with or without it.

    Example:
        >>> ViewReference("my_space", "Pump", "v1").dump()
        {'type': 'view', 'space': 'my_space', 'externalId': 'Pump', 'version': 'v1'}
    """

    type: Literal["view"] = "view"
    space: str
    external_id: str
    version: str

    _positional = ("space", "external_id", "version")

    @overload
    def __init__(self, space: str, external_id: str, version: str) -> None: ...

    @overload
    def __init__(self, **data: Any) -> None: ...

    def __init__(self, *args: Any, **data: Any) -> None:
        super().__init__(*args, **data)

    def as_id(self) -> dict[str, str]:
        """The id object used in byids/delete requests (no ``type``)."""
        return {"space": self.space, "externalId": self.external_id, "version": self.version}

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}/{self.version}"


class DataModelReference(_Reference):
    """The id of a data model version: ``{"space", "externalId", "version"}``."""

    space: str
    external_id: str
    version: str

    _positional = ("space", "external_id", "version")

    @overload
    def __init__(self, space: str, external_id: str, version: str) -> None: ...

    @overload
    def __init__(self, **data: Any) -> None: ...

    def __init__(self, *args: Any, **data: Any) -> None:
        super().__init__(*args, **data)

    def as_id(self) -> dict[str, str]:
        """The id object used in byids/delete requests."""
        return {"space": self.space, "externalId": self.external_id, "version": self.version}

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}/{self.version}"


class NodeReference(_Reference):
    """The id of a node, e.g. an edge connection's edge ``type`` or a direct relation value (no discriminator)."""

    space: str
    external_id: str

    _positional = ("space", "external_id")

    @overload
    def __init__(self, space: str, external_id: str) -> None: ...

    @overload
    def __init__(self, **data: Any) -> None: ...

    def __init__(self, *args: Any, **data: Any) -> None:
        super().__init__(*args, **data)

    def as_id(self) -> dict[str, str]:
        """The id object ``{"space", "externalId"}``."""
        return {"space": self.space, "externalId": self.external_id}

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}"


#: A direct relation value points at a node; same shape.
DirectRelationReference = NodeReference


def _source_tag(value: Any) -> str:
    if isinstance(value, (ViewReference, ContainerReference)):
        return value.type
    if isinstance(value, dict):
        kind = value.get("type")
        if kind in ("view", "container"):
            return str(kind)
        # Tolerant read: older dumps leave out the discriminator; only view references have a version.
        return "view" if "version" in value else "container"
    return "view"


#: The ``source`` of a reverse relation's ``through``: a view or a container.
SourceReference = Annotated[
    (Annotated[ViewReference, Tag("view")] | Annotated[ContainerReference, Tag("container")]),
    Discriminator(_source_tag),
]


class PropertyReference(_Reference):
    """A property of a view or container, as in a reverse relation's ``through``."""

    source: SourceReference
    identifier: str

    _positional = ("source", "identifier")

    @overload
    def __init__(self, source: ViewReference | ContainerReference, identifier: str) -> None: ...

    @overload
    def __init__(self, **data: Any) -> None: ...

    def __init__(self, *args: Any, **data: Any) -> None:
        super().__init__(*args, **data)
