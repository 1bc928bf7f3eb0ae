"""PrimitiveNullable and PrimitiveNullableListed: every primitive type, single and listed."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, cast

from pygen.instances import (
    BooleanProperty,
    Date,
    DateProperty,
    FloatProperty,
    IntProperty,
    Json,
    JsonProperty,
    ListProperty,
    Node,
    NodeFields,
    NodeWrite,
    TextProperty,
    Timestamp,
    TimestampProperty,
    ViewId,
)

from ._space import MODEL_SPACE

_PN = ViewId(MODEL_SPACE, "PrimitiveNullable", "1")
_PNL = ViewId(MODEL_SPACE, "PrimitiveNullableListed", "1")


class PrimitiveNullableWrite(NodeWrite):
    """PrimitiveNullable (write)."""

    _view_id = _PN
    # `json` would shadow BaseModel.json: the field gets another name, the property id stays.
    _property_ids: ClassVar[dict[str, str]] = {"json_": "json"}

    boolean: bool | None = None
    date: Date | None = None
    float32: float | None = None
    float64: float | None = None
    int32: int | None = None
    int64: int | None = None
    json_: Json | None = None
    text: str | None = None
    timestamp: Timestamp | None = None


class PrimitiveNullable(Node):
    """PrimitiveNullable (read)."""

    _view_id = _PN
    _write_class = PrimitiveNullableWrite
    _property_ids: ClassVar[dict[str, str]] = {"json_": "json"}

    boolean: bool | None = None
    date: Date | None = None
    float32: float | None = None
    float64: float | None = None
    int32: int | None = None
    int64: int | None = None
    json_: Json | None = None
    text: str | None = None
    timestamp: Timestamp | None = None

    def as_write(self) -> PrimitiveNullableWrite:
        """The write object of this node."""
        return cast(PrimitiveNullableWrite, super().as_write())


class PrimitiveNullableFields(NodeFields):
    """Typed filter and sort builders of PrimitiveNullable."""

    boolean = BooleanProperty.of(_PN, "boolean")
    date = DateProperty.of(_PN, "date")
    float32 = FloatProperty.of(_PN, "float32")
    float64 = FloatProperty.of(_PN, "float64")
    int32 = IntProperty.of(_PN, "int32")
    int64 = IntProperty.of(_PN, "int64")
    json_ = JsonProperty.of(_PN, "json")
    text = TextProperty.of(_PN, "text")
    timestamp = TimestampProperty.of(_PN, "timestamp")


class PrimitiveNullableListedWrite(NodeWrite):
    """PrimitiveNullableListed (write)."""

    _view_id = _PNL
    _property_ids: ClassVar[dict[str, str]] = {"json_": "json"}

    boolean: list[bool] | None = None
    date: list[Date] | None = None
    float32: list[float] | None = None
    float64: list[float] | None = None
    int32: list[int] | None = None
    int64: list[int] | None = None
    json_: list[Json] | None = None
    text: list[str] | None = None
    timestamp: list[Timestamp] | None = None


class PrimitiveNullableListed(Node):
    """PrimitiveNullableListed (read)."""

    _view_id = _PNL
    _write_class = PrimitiveNullableListedWrite
    _property_ids: ClassVar[dict[str, str]] = {"json_": "json"}

    boolean: list[bool] | None = None
    date: list[Date] | None = None
    float32: list[float] | None = None
    float64: list[float] | None = None
    int32: list[int] | None = None
    int64: list[int] | None = None
    json_: list[Json] | None = None
    text: list[str] | None = None
    timestamp: list[Timestamp] | None = None


class PrimitiveNullableListedFields(NodeFields):
    """Typed filter and sort builders of PrimitiveNullableListed."""

    boolean = ListProperty[bool].of(_PNL, "boolean")
    date = ListProperty[Date].of(_PNL, "date")
    float32 = ListProperty[float].of(_PNL, "float32")
    float64 = ListProperty[float].of(_PNL, "float64")
    int32 = ListProperty[int].of(_PNL, "int32")
    int64 = ListProperty[int].of(_PNL, "int64")
    json_ = JsonProperty.of(_PNL, "json")
    text = ListProperty[str].of(_PNL, "text")
    timestamp = ListProperty[datetime].of(_PNL, "timestamp")
