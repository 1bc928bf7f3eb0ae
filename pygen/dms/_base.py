"""The pydantic base shared by every DMS schema object: camelCase aliases, kept extras, faithful dumps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, SerializationInfo, SerializerFunctionWrapHandler, model_serializer
from pydantic.alias_generators import to_camel
from typing_extensions import Self

__all__ = ["DMSModel"]

# Discriminator fields are always written, even when they hold their default, so every dumped
# object says what it is (e.g. a reference's ``"type": "view"``).
_DISCRIMINATORS = frozenset({"type", "connection_type", "constraint_type", "index_type"})


class DMSModel(BaseModel):
    """Base of all DMS objects: camelCase JSON, snake_case attributes, unknown keys kept.

    ``dump()`` writes what the object was given (on load or construction, explicit ``null`` included),
    every unknown key, and the discriminator fields. Defaults that were never set are left out: they
    equal the API defaults, and leaving them out keeps a dump of loaded JSON identical to its input.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    _always_dump: ClassVar[frozenset[str]] = _DISCRIMINATORS

    @model_serializer(mode="wrap")
    def _serialize_given_fields(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if not isinstance(data, dict):  # pragma: no cover - a model always serializes to a dict
            return data
        given = self.model_fields_set
        for name, field in type(self).model_fields.items():
            if name in given or name in self._always_dump:
                continue
            data.pop((field.alias or name) if info.by_alias else name, None)
        return data

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Self:
        """Build the object from API JSON (camelCase); raises ``pydantic.ValidationError`` naming the bad key."""
        return cls.model_validate(data)

    def dump(self) -> dict[str, Any]:
        """Return the API JSON (camelCase) of this object."""
        result: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return result

    def _given(self, *names: str) -> dict[str, Any]:
        """The given (explicitly set) fields among ``names`` by alias, for read -> write conversion.

        Read objects convert by validating such a dict into the apply class in one go, so an
        invalid identifier is reported with its full location (``properties.x.containerPropertyIdentifier``).
        """
        fields = type(self).model_fields
        return {fields[name].alias or name: getattr(self, name) for name in names if name in self.model_fields_set}
