"""References to classic CDF resources held by properties of type ``timeseries``, ``file`` and ``sequence``.

Such a property holds the external id of a classic time series, file or sequence (older data models; in
CDF's core model a ``CogniteTimeSeries``/``CogniteFile`` node *is* the time series or file, named by its
instance id). :class:`TimeSeriesRef`, :class:`FileRef` and :class:`SequenceRef` are ``str`` subclasses:
they compare, hash, print and serialise as the external id they hold, pydantic reads them from a JSON
string, and the datapoints and files helpers (``client.datapoints``, ``client.files``) address them by
``externalId`` where a ``NodeId`` (or a bare string: a node in the client's instance space) is addressed
by ``instanceId``.
"""

from __future__ import annotations

from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["FileRef", "SequenceRef", "TimeSeriesRef"]


class _Ref(str):
    """The external id of a classic resource, typed by its kind."""

    __slots__ = ()
    _kind = "resource"

    @property
    def external_id(self) -> str:
        """The external id, as a plain ``str``."""
        return str.__str__(self)

    def dump(self) -> dict[str, str]:
        """The identifier in CDF's resource APIs: ``{"externalId": ...}``."""
        return {"externalId": str.__str__(self)}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls,
            core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(
                str.__str__, return_schema=core_schema.str_schema()
            ),
        )


class TimeSeriesRef(_Ref):
    """A classic time series by external id: the value of a ``timeseries`` property.

    Example:
        >>> ref = TimeSeriesRef("pump42.pressure")
        >>> ref == "pump42.pressure", ref.dump()
        (True, {'externalId': 'pump42.pressure'})
    """

    __slots__ = ()
    _kind = "time series"


class FileRef(_Ref):
    """A classic file by external id: the value of a ``file`` property (``client.files`` takes it)."""

    __slots__ = ()
    _kind = "file"


class SequenceRef(_Ref):
    """A classic sequence by external id: the value of a ``sequence`` property (no helpers: a typed value)."""

    __slots__ = ()
    _kind = "sequence"
