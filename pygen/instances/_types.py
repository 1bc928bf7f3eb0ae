"""Python types of DMS property values, with the JSON form the API expects on write.

The read classes declare properties with these types; pydantic-core parses them straight from the
response bytes. ``Timestamp`` is a timezone-aware ``datetime`` that serialises as ISO 8601 with
milliseconds and an offset (``2024-01-01T12:00:00.000+00:00``), the form CDF documents.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, cast

from pydantic import AwareDatetime, GetCoreSchemaHandler, JsonValue
from pydantic_core import core_schema

__all__ = ["Date", "Json", "JsonObject", "Timestamp", "dump_timestamp"]


def dump_timestamp(value: datetime) -> str:
    """ISO 8601 with milliseconds and an offset; CDF accepts 1-3 fractional digits only."""
    return value.isoformat(timespec="milliseconds")


class _IsoMilliseconds:
    """Serialises a datetime field with :func:`dump_timestamp` in JSON mode: what
    ``PlainSerializer(dump_timestamp, return_type=str, when_used="json")`` does, without importing
    ``pydantic.functional_serializers`` (and its dataclasses) when an SDK is imported."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        schema = handler(source)
        cast(dict[str, Any], schema)["serialization"] = core_schema.plain_serializer_function_ser_schema(
            dump_timestamp, info_arg=False, return_schema=core_schema.str_schema(), when_used="json"
        )
        return schema

    def __repr__(self) -> str:
        return "IsoMilliseconds()"


#: A ``timestamp`` property: a timezone-aware datetime (naive datetimes are refused on write: CDF
#: would have to guess the zone).
Timestamp = Annotated[AwareDatetime, _IsoMilliseconds()]
#: A ``date`` property (``YYYY-MM-DD``).
Date = date
#: A ``json`` property as read: any JSON value (tolerant of what is stored).
Json = JsonValue
#: A ``json`` property to write: a JSON object, which is all CDF accepts (wrap anything else in one).
JsonObject = dict[str, JsonValue]
