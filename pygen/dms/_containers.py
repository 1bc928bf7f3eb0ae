"""Containers: properties, constraints and indexes, in read (``Container``) and apply (``ContainerApply``) shape."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, JsonValue, Tag, field_validator

from ._base import CheckedApply, DMSModel
from ._data_types import EnumType, PropertyType
from ._identifiers import (
    IndexOrConstraintId,
    PropertyId,
    ensure_valid,
    validate_enum_value,
)
from ._refs import ContainerReference

__all__ = [
    "BTreeIndex",
    "Constraint",
    "ConstraintState",
    "Container",
    "ContainerApply",
    "ContainerProperty",
    "ContainerPropertyApply",
    "Index",
    "InvertedIndex",
    "RequiresConstraint",
    "UniquenessConstraint",
    "UnknownConstraint",
    "UnknownIndex",
]

UsedFor = Literal["node", "edge", "all", "record"]


class ConstraintState(DMSModel):
    """Read-only state of a container property's constraints, e.g. ``{"nullability": "current"}``."""

    nullability: str | None = None
    max_list_size: str | None = None
    max_text_size: str | None = None


class _ContainerPropertyFields(DMSModel):
    type: PropertyType
    nullable: bool = True
    immutable: bool = False
    auto_increment: bool = False
    default_value: JsonValue = None
    name: str | None = None
    description: str | None = None


_PROPERTY_WRITE_FIELDS = ("type", "nullable", "immutable", "auto_increment", "default_value", "name", "description")


class ContainerPropertyApply(_ContainerPropertyFields, CheckedApply):
    """A container property as sent in an apply request."""

    @field_validator("type")
    @classmethod
    def _check_enum_values(cls, value: Any) -> Any:
        if isinstance(value, EnumType):
            for key in value.values:
                ensure_valid(value, validate_enum_value(key))
        return value


class ContainerProperty(_ContainerPropertyFields):
    """A container property as read: adds the read-only ``constraintState``."""

    constraint_state: ConstraintState | None = None

    def as_write(self) -> ContainerPropertyApply:
        """The apply shape of this property (read-only and unknown keys dropped)."""
        return ContainerPropertyApply.model_validate(self._write_data())

    def _write_data(self) -> dict[str, Any]:
        return self._given(*_PROPERTY_WRITE_FIELDS)


class _StatefulItem(DMSModel):
    # Constraints and indexes share the read and apply shapes; only ``state`` is read-only.
    state: str | None = None


class UniquenessConstraint(_StatefulItem):
    """``uniqueness``: the listed properties (of this container) are unique together."""

    constraint_type: Literal["uniqueness"] = "uniqueness"
    properties: list[str]
    by_space: bool | None = None

    def as_write(self) -> UniquenessConstraint:
        """A copy without the read-only ``state``."""
        return UniquenessConstraint(**self._given("constraint_type", "properties", "by_space"))


class RequiresConstraint(_StatefulItem):
    """``requires``: an instance with data in this container must have data in ``require``."""

    constraint_type: Literal["requires"] = "requires"
    require: ContainerReference

    def as_write(self) -> RequiresConstraint:
        """A copy without the read-only ``state``."""
        return RequiresConstraint(**self._given("constraint_type", "require"))


class UnknownConstraint(_StatefulItem):
    """A constraint type this version of pygen does not know; every key is kept."""

    constraint_type: str | None = None

    def as_write(self) -> UnknownConstraint:
        """A copy with all unknown keys, but without ``state``."""
        return UnknownConstraint(**self._given("constraint_type"), **(self.model_extra or {}))


class BTreeIndex(_StatefulItem):
    """``btree``: range/equality index; ``cursorable`` enables custom-sort pagination."""

    index_type: Literal["btree"] = "btree"
    properties: list[str]
    cursorable: bool | None = None
    by_space: bool | None = None

    def as_write(self) -> BTreeIndex:
        """A copy without the read-only ``state``."""
        return BTreeIndex(**self._given("index_type", "properties", "cursorable", "by_space"))


class InvertedIndex(_StatefulItem):
    """``inverted``: list-containment index."""

    index_type: Literal["inverted"] = "inverted"
    properties: list[str]

    def as_write(self) -> InvertedIndex:
        """A copy without the read-only ``state``."""
        return InvertedIndex(**self._given("index_type", "properties"))


class UnknownIndex(_StatefulItem):
    """An index type this version of pygen does not know; every key is kept."""

    index_type: str | None = None

    def as_write(self) -> UnknownIndex:
        """A copy with all unknown keys, but without ``state``."""
        return UnknownIndex(**self._given("index_type"), **(self.model_extra or {}))


def _tagger(key: str, attribute: str, known: dict[str, type[DMSModel]], unknown: type[DMSModel]) -> Any:
    def tag(value: Any) -> str:
        if isinstance(value, unknown):
            return "unknown"
        kind = value.get(key) if isinstance(value, dict) else getattr(value, attribute, None)
        return kind if isinstance(kind, str) and kind in known else "unknown"

    return tag


#: A container constraint; unknown ``constraintType`` values load as ``UnknownConstraint``.
Constraint = Annotated[
    Annotated[UniquenessConstraint, Tag("uniqueness")]
    | Annotated[RequiresConstraint, Tag("requires")]
    | Annotated[UnknownConstraint, Tag("unknown")],
    Discriminator(
        _tagger(
            "constraintType",
            "constraint_type",
            {"uniqueness": UniquenessConstraint, "requires": RequiresConstraint},
            UnknownConstraint,
        )
    ),
]
#: A container index; unknown ``indexType`` values load as ``UnknownIndex``.
Index = Annotated[
    Annotated[BTreeIndex, Tag("btree")]
    | Annotated[InvertedIndex, Tag("inverted")]
    | Annotated[UnknownIndex, Tag("unknown")],
    Discriminator(_tagger("indexType", "index_type", {"btree": BTreeIndex, "inverted": InvertedIndex}, UnknownIndex)),
]


class _ContainerFields(DMSModel):
    space: str
    external_id: str
    name: str | None = None
    description: str | None = None
    constraints: dict[str, Constraint] | None = None
    indexes: dict[str, Index] | None = None

    def as_reference(self) -> ContainerReference:
        """The reference to this container."""
        return ContainerReference(self.space, self.external_id)


class ContainerApply(_ContainerFields, CheckedApply):
    """A container as sent in an apply request; identifiers are validated.

    Example:
        >>> from pygen.dms import TextType
        >>> name = ContainerPropertyApply(type=TextType())
        >>> pump = ContainerApply(space="s", external_id="Pump", properties={"name": name})
        >>> pump.dump()
        {'space': 's', 'externalId': 'Pump', 'properties': {'name': {'type': {'type': 'text'}}}}
    """

    used_for: UsedFor | None = None
    properties: dict[PropertyId, ContainerPropertyApply]
    constraints: dict[IndexOrConstraintId, Constraint] | None = None
    indexes: dict[IndexOrConstraintId, Index] | None = None


class Container(_ContainerFields):
    """A container as read from the API (``GET /models/containers``, ``byids``, apply responses)."""

    used_for: str | None = None
    properties: dict[str, ContainerProperty]
    is_global: bool = False
    created_time: int | None = None
    last_updated_time: int | None = None

    def as_write(self) -> ContainerApply:
        """The apply shape of this container (read-only and unknown keys dropped)."""
        data = self._given("space", "external_id", "name", "description", "used_for")
        data["properties"] = {key: prop._write_data() for key, prop in self.properties.items()}
        if self.constraints is not None:
            data["constraints"] = {key: item.as_write() for key, item in self.constraints.items()}
        if self.indexes is not None:
            data["indexes"] = {key: item.as_write() for key, item in self.indexes.items()}
        return ContainerApply.model_validate(data)
