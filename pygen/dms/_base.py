"""The pydantic base shared by every DMS schema object: camelCase aliases, kept extras, faithful dumps."""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel
from typing_extensions import Self

from ._identifiers import (
    ensure_valid,
    validate_description,
    validate_external_id,
    validate_name,
    validate_space,
    validate_version,
)

__all__ = ["CheckedApply", "DMSModel"]

# Discriminator fields are always written, even when they hold their default, so every dumped
# object says what it is (e.g. a reference's ``"type": "view"``).
_DISCRIMINATORS = frozenset({"type", "connection_type", "constraint_type", "index_type"})

# Per class: input key (alias or name) -> field name, for the fields that have a default but do not
# accept None (``"nullable": null`` and the like), see ``DMSModel._tolerate_nulls``.
_NULL_TOLERANT_KEYS: dict[type, dict[str, str]] = {}


def _accepts_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None) or annotation is Any:
        return True
    aliased = getattr(annotation, "__value__", None)  # a TypeAliasType such as pydantic's JsonValue
    if aliased is not None:
        return _accepts_none(aliased)
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_accepts_none(arg) for arg in get_args(annotation))
    # JsonValue and other aliases resolve to unions; Annotated[...] keeps its first argument.
    origin_args = get_args(annotation)
    return bool(origin_args) and get_origin(annotation) is not None and _accepts_none(origin_args[0])


def _null_tolerant_keys(cls: type[BaseModel]) -> dict[str, str]:
    keys = _NULL_TOLERANT_KEYS.get(cls)
    if keys is None:
        keys = {}
        for name, field in cls.model_fields.items():
            if field.is_required() or _accepts_none(field.annotation):
                continue
            keys[name] = name
            if field.alias:
                keys[field.alias] = name
        _NULL_TOLERANT_KEYS[cls] = keys
    return keys


class DMSModel(BaseModel):
    """Base of all DMS objects: camelCase JSON, snake_case attributes, unknown keys kept.

    ``dump()`` writes what the object was given (on load or construction, explicit ``null`` included),
    every unknown key, and the discriminator fields. Defaults that were never set are left out: they
    equal the API defaults, and leaving them out keeps a dump of loaded JSON identical to its input.

    Loading tolerates ``null`` for a field that has a default but no ``None`` in its type (say
    ``"nullable": null``): the attribute gets the default and the ``null`` is dumped back as it came.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    _always_dump: ClassVar[frozenset[str]] = _DISCRIMINATORS
    # Fields that were given as ``null`` but cannot hold None: they have their default, dump as null.
    _null_fields: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _tolerate_nulls(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if not isinstance(data, dict):
            return handler(data)
        keys = _null_tolerant_keys(cls)
        nulls = [key for key, value in data.items() if value is None and key in keys]
        if not nulls:
            return handler(data)
        model = handler({key: value for key, value in data.items() if key not in nulls})
        model._null_fields = tuple(keys[key] for key in nulls)
        return model

    @model_serializer(mode="wrap")
    def _serialize_given_fields(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if not isinstance(data, dict):  # pragma: no cover - a model always serializes to a dict
            return data
        given = self.model_fields_set
        fields = type(self).model_fields
        for name, field in fields.items():
            if name in given or name in self._always_dump:
                continue
            data.pop((field.alias or name) if info.by_alias else name, None)
        for name in self._null_fields:
            # A null discriminator is written as its value: every dumped object says what it is.
            if name not in given and name not in self._always_dump:
                data[(fields[name].alias or name) if info.by_alias else name] = None
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


# The identifier and text fields an apply object may have, and the rule each one follows.
_FIELD_RULES: dict[str, Callable[[Any], str | None]] = {
    "space": validate_space,
    "external_id": validate_external_id,
    "version": validate_version,
    "name": validate_name,
    "description": validate_description,
}


class CheckedApply(DMSModel):
    """Base of apply (write) shapes: whichever of ``space``, ``external_id``, ``version``, ``name`` and
    ``description`` a class has is checked against the DMS rules. Read shapes never are."""

    @field_validator(*_FIELD_RULES, check_fields=False)
    @classmethod
    def _check_field(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        return ensure_valid(value, _FIELD_RULES[info.field_name](value))
