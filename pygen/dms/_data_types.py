"""Container property types (``property.type``): a union discriminated on ``type``, with a fallback.

A type name this module does not know loads as ``UnknownPropertyType`` with all its keys kept, so a
newer API does not break loading; ``is_unknown`` lets the generator warn about it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from ._base import DMSModel
from ._refs import ContainerReference, ViewReference

__all__ = [
    "BooleanType",
    "DateType",
    "DirectRelationType",
    "EnumType",
    "EnumValue",
    "FileReferenceType",
    "Float32Type",
    "Float64Type",
    "Int32Type",
    "Int64Type",
    "JsonType",
    "PropertyType",
    "PropertyTypeBase",
    "SequenceReferenceType",
    "TextType",
    "TimeSeriesReferenceType",
    "TimestampType",
    "Unit",
    "UnknownPropertyType",
]


class PropertyTypeBase(DMSModel):
    """Fields every property type has: ``list`` (attribute ``is_list``) and ``maxListSize``."""

    is_list: bool = Field(default=False, alias="list")
    max_list_size: int | None = None

    @property
    def is_unknown(self) -> bool:
        """True for a type name this version of pygen does not know."""
        return False


class Unit(DMSModel):
    """The unit of a numeric property: ``{"externalId": "pressure:bar", "sourceUnit": "bar"}``."""

    external_id: str
    source_unit: str | None = None


class TextType(PropertyTypeBase):
    """``text``: a string, with optional collation and maximum size in bytes."""

    type: Literal["text"] = "text"
    collation: str | None = None
    max_text_size: int | None = None


class BooleanType(PropertyTypeBase):
    """``boolean``."""

    type: Literal["boolean"] = "boolean"


class _NumberType(PropertyTypeBase):
    unit: Unit | None = None


class Int32Type(_NumberType):
    """``int32``, optionally with a unit."""

    type: Literal["int32"] = "int32"


class Int64Type(_NumberType):
    """``int64``, optionally with a unit (values can exceed 2^53)."""

    type: Literal["int64"] = "int64"


class Float32Type(_NumberType):
    """``float32``, optionally with a unit."""

    type: Literal["float32"] = "float32"


class Float64Type(_NumberType):
    """``float64``, optionally with a unit."""

    type: Literal["float64"] = "float64"


class TimestampType(PropertyTypeBase):
    """``timestamp``: ISO 8601 date and time."""

    type: Literal["timestamp"] = "timestamp"


class DateType(PropertyTypeBase):
    """``date``: ``YYYY-MM-DD``."""

    type: Literal["date"] = "date"


class JsonType(PropertyTypeBase):
    """``json``: a JSON object."""

    type: Literal["json"] = "json"


class EnumValue(DMSModel):
    """One value of an enum: optional display ``name`` and ``description``."""

    name: str | None = None
    description: str | None = None


class EnumType(PropertyTypeBase):
    """``enum``: ``values`` maps each allowed key to its metadata; ``unknownValue`` is one of the keys."""

    type: Literal["enum"] = "enum"
    values: dict[str, EnumValue]
    unknown_value: str | None = None


class DirectRelationType(PropertyTypeBase):
    """``direct``: a relation to a node; ``container`` constrains the target, ``source`` is a read-side view hint."""

    type: Literal["direct"] = "direct"
    container: ContainerReference | None = None
    source: ViewReference | None = None


class TimeSeriesReferenceType(PropertyTypeBase):
    """``timeseries``: the external id of a CDF time series."""

    type: Literal["timeseries"] = "timeseries"


class FileReferenceType(PropertyTypeBase):
    """``file``: the external id of a CDF file."""

    type: Literal["file"] = "file"


class SequenceReferenceType(PropertyTypeBase):
    """``sequence``: the external id of a CDF sequence."""

    type: Literal["sequence"] = "sequence"


class UnknownPropertyType(PropertyTypeBase):
    """A property type this version of pygen does not know; every key is kept (see ``model_extra``)."""

    type: str

    @property
    def is_unknown(self) -> bool:
        """Always True: the generator should warn and treat the property as opaque JSON."""
        return True


_KNOWN_TYPES: dict[str, type[PropertyTypeBase]] = {
    "text": TextType,
    "boolean": BooleanType,
    "int32": Int32Type,
    "int64": Int64Type,
    "float32": Float32Type,
    "float64": Float64Type,
    "timestamp": TimestampType,
    "date": DateType,
    "json": JsonType,
    "enum": EnumType,
    "direct": DirectRelationType,
    "timeseries": TimeSeriesReferenceType,
    "file": FileReferenceType,
    "sequence": SequenceReferenceType,
}
_UNKNOWN = "__unknown__"


def _property_type_tag(value: Any) -> str:
    if isinstance(value, UnknownPropertyType):
        return _UNKNOWN
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if isinstance(kind, str) and kind in _KNOWN_TYPES else _UNKNOWN


#: Any property type; unknown type names load as ``UnknownPropertyType``.
PropertyType = Annotated[
    Annotated[TextType, Tag("text")]
    | Annotated[BooleanType, Tag("boolean")]
    | Annotated[Int32Type, Tag("int32")]
    | Annotated[Int64Type, Tag("int64")]
    | Annotated[Float32Type, Tag("float32")]
    | Annotated[Float64Type, Tag("float64")]
    | Annotated[TimestampType, Tag("timestamp")]
    | Annotated[DateType, Tag("date")]
    | Annotated[JsonType, Tag("json")]
    | Annotated[EnumType, Tag("enum")]
    | Annotated[DirectRelationType, Tag("direct")]
    | Annotated[TimeSeriesReferenceType, Tag("timeseries")]
    | Annotated[FileReferenceType, Tag("file")]
    | Annotated[SequenceReferenceType, Tag("sequence")]
    | Annotated[UnknownPropertyType, Tag(_UNKNOWN)],
    Discriminator(_property_type_tag),
]
