"""Python types of DMS property values, with the JSON form the API expects on write.

The read classes declare properties with these types; pydantic-core parses them straight from the
response bytes. ``Timestamp`` is a timezone-aware ``datetime`` that serialises as ISO 8601 with
milliseconds and an offset (``2024-01-01T12:00:00.000+00:00``), the form CDF documents.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, JsonValue, PlainSerializer

__all__ = ["Date", "Json", "JsonObject", "Timestamp", "dump_timestamp"]


def dump_timestamp(value: datetime) -> str:
    """ISO 8601 with milliseconds and an offset; CDF accepts 1-3 fractional digits only."""
    return value.isoformat(timespec="milliseconds")


#: A ``timestamp`` property: a timezone-aware datetime (naive datetimes are refused on write: CDF
#: would have to guess the zone).
Timestamp = Annotated[AwareDatetime, PlainSerializer(dump_timestamp, return_type=str, when_used="json")]
#: A ``date`` property (``YYYY-MM-DD``).
Date = date
#: A ``json`` property as read: any JSON value (tolerant of what is stored).
Json = JsonValue
#: A ``json`` property to write: a JSON object, which is all CDF accepts (wrap anything else in one).
JsonObject = dict[str, JsonValue]
