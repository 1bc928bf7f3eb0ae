"""Datapoints of time series: the result values, times, and the plans of requests (no I/O).

A ``CogniteTimeSeries`` node *is* a time series: its datapoints are read and written through CDF's time
series API, addressed by the node's instance id (``{"instanceId": {"space", "externalId"}}``); a classic time
series named by a ``timeseries`` property is addressed by external id (:class:`TimeSeriesRef`). The
sending loops (sync and async) live in ``_datapoints_api``; everything they share is here: turning times
into epoch milliseconds, which series go into the next request and how many datapoints each may bring back
(:class:`DatapointsRead`), parsing responses into arrays, and cutting inserts into requests.

CDF's limits (API docs, and what cognite-sdk uses): a retrieve takes up to 100 series, and up to 100,000 raw
datapoints (10,000 aggregates) in all, per series and per request; an insert takes up to 100,000 datapoints
and 10,000 series per request (any one series may have all of them); a delete up to 10,000 ranges; a
latest-datapoint request up to 100 series.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import json
import math
import re
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias, TypeVar, get_args

from pydantic_core import from_json

from pygen.instances._ids import NodeId, as_node_id
from pygen.instances._references import TimeSeriesRef, _Ref
from pygen.transport import PygenError

if TYPE_CHECKING:
    from pygen.instances._instances import Node, NodeWrite

__all__ = [
    "AGGREGATES",
    "Aggregate",
    "Datapoint",
    "Datapoints",
    "DatapointsError",
    "DatapointsList",
    "DatapointsRead",
    "FailedDatapoints",
    "TimeLike",
    "TimeSeriesIdLike",
    "to_ms",
]

#: Series per retrieve request.
MAX_RETRIEVE_SERIES = 100
#: Raw datapoints per retrieve request (over all its series; also the most one series may ask for).
MAX_RAW = 100_000
#: Aggregate datapoints per retrieve request (as :data:`MAX_RAW`).
MAX_AGGREGATES = 10_000
#: Datapoints per insert request, over all its series.
MAX_INSERT_DATAPOINTS = 100_000
#: Series per insert request.
MAX_INSERT_SERIES = 10_000
#: Ranges per delete request.
MAX_DELETE_RANGES = 10_000
#: Series per latest-datapoint request.
MAX_LATEST_SERIES = 100

#: CDF's aggregate functions (their API names).
Aggregate = Literal[
    "average",
    "max",
    "min",
    "count",
    "sum",
    "interpolation",
    "stepInterpolation",
    "totalVariation",
    "continuousVariance",
    "discreteVariance",
    "countGood",
    "countUncertain",
    "countBad",
    "durationGood",
    "durationUncertain",
    "durationBad",
]
AGGREGATES: frozenset[str] = frozenset(get_args(Aggregate))

#: A point in time: epoch milliseconds, a timezone-aware ``datetime``, or CDF's ``"now"`` / ``"2d-ago"`` /
#: ``"3h-ahead"`` (units s, m, h, d, w).
TimeLike: TypeAlias = "int | datetime | str"
#: A time series: a ``CogniteTimeSeries`` node (``NodeId``, ``(space, external_id)``, a bare external id in
#: the client's instance space, or the node object) or a classic one by external id (:class:`TimeSeriesRef`).
TimeSeriesIdLike: TypeAlias = "NodeId | tuple[str, str] | str | TimeSeriesRef | Node | NodeWrite"
#: Datapoints to insert: a :class:`Datapoints` (raw) or ``(timestamp, value)`` pairs (``Datapoint`` too).
DatapointsLike: TypeAlias = "Datapoints | Iterable[tuple[int | datetime, float | str]]"

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)
_RELATIVE = r"^(\d+)(s|m|h|d|w)-(ago|ahead)$"
_UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_GRANULARITY = (
    r"^(\d*)(s|sec|second|seconds|t|m|min|minute|minutes|h|hour|hours|d|day|days|w|week|weeks"
    r"|mo|month|months|q|quarter|quarters|y|year|years)$"
)


def now_ms() -> int:
    """The local clock in epoch milliseconds (what ``"now"`` means in a call)."""
    return time.time_ns() // 1_000_000


def to_ms(value: object, name: str, now: int | None = None) -> int:
    """Epoch milliseconds of a :data:`TimeLike`; ``now`` (ms) is the instant relative strings count from.

    Relative strings are resolved once per call, against the local clock: every request of a paged read
    then asks for the same range. A naive ``datetime`` is refused (which zone it means is a guess).

    Example:
        >>> to_ms(datetime(2024, 1, 1, tzinfo=timezone.utc), "start")
        1704067200000
        >>> to_ms("2d-ago", "start", now=2 * 86_400_000 + 5)
        5
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be epoch milliseconds, a datetime or a string such as '2d-ago', got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number of epoch milliseconds, got {value!r}")
        return int(value)
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"{name}={value!r} is a naive datetime: give it a timezone (e.g. datetime(..., tzinfo=timezone.utc) "
                "or .astimezone()); which zone a naive time means would be a guess"
            )
        return (value - _EPOCH) // _MS
    if isinstance(value, date):
        raise TypeError(f"{name}={value!r} is a date: give a timezone-aware datetime")
    if isinstance(value, str):
        now = now_ms() if now is None else now
        text = value.strip()
        if text == "now":
            return now
        match = re.match(_RELATIVE, text)
        if match:
            shift = int(match.group(1)) * _UNIT_MS[match.group(2)]
            return now - shift if match.group(3) == "ago" else now + shift
        raise ValueError(
            f"{name}={value!r} is not a time CDF understands: use 'now', '<n><unit>-ago' or '<n><unit>-ahead' "
            "with unit s, m, h, d or w (e.g. '2d-ago'), epoch milliseconds, or a timezone-aware datetime"
        )
    raise TypeError(f"{name} must be epoch milliseconds, a datetime or a string such as '2d-ago', got {value!r}")


def ms_to_datetime(ms: int) -> datetime:
    """A UTC ``datetime`` of epoch milliseconds."""
    return _EPOCH + timedelta(milliseconds=ms)


def check_granularity(granularity: object) -> str:
    """``granularity`` if CDF reads it (``"1h"``, ``"30s"``, ``"day"``, ``"2mo"``...), else a ValueError."""
    if not isinstance(granularity, str) or not re.match(_GRANULARITY, granularity) or granularity.startswith("0"):
        raise ValueError(
            f"granularity {granularity!r} is not one CDF reads: a count and a unit, such as '1h', '30s', '15m', '1d', "
            "'1w', '1mo', '1q' or '1y' (units s/second, m/t/minute, h/hour, d/day, w/week, mo/month, q/quarter, y/year)"
        )
    return granularity


def check_aggregates(aggregates: object) -> list[str]:
    """The aggregate names as a list; unknown names are a ValueError listing CDF's."""
    names = [aggregates] if isinstance(aggregates, str) else builtins.list(aggregates)  # type: ignore[call-overload]
    unknown = [name for name in names if name not in AGGREGATES]
    if unknown or not names:
        objects = [name for name in unknown if name in ("maxDatapoint", "minDatapoint")]
        if objects:  # CDF's, but datapoint objects, not numbers: no array holds them
            raise ValueError(
                f"{objects} give datapoints, not numbers: ask for 'max'/'min' (this runtime has no arrays of them)"
            )
        raise ValueError(f"unknown aggregate(s) {unknown or names!r}: CDF's are {sorted(AGGREGATES)}")
    return builtins.list(dict.fromkeys(names))


# ---------------------------------------------------------------------------------------------- identifiers


_R = TypeVar("_R", bound=_Ref)


def resource_identifier(value: object, default_space: str | None, ref: type[_R]) -> tuple[NodeId | _R, dict[str, Any]]:
    """A time series or file as asked for (a node by the ids rule, or ``ref``: the classic resource by external
    id), and its identifier in requests (``instanceId`` or ``externalId``)."""
    if isinstance(value, ref):
        return value, value.dump()
    if isinstance(value, _Ref):
        raise TypeError(f"{value!r} names a {value._kind}, not a {ref._kind}")
    node = as_node_id(value, default_space)
    return node, {"instanceId": node.dump()}


def series_identifier(value: object, default_space: str | None) -> tuple[NodeId | TimeSeriesRef, dict[str, Any]]:
    """:func:`resource_identifier` of a time series."""
    return resource_identifier(value, default_space, TimeSeriesRef)


def _key(identifier: Mapping[str, Any]) -> tuple[str, ...]:
    instance = identifier.get("instanceId")
    if isinstance(instance, Mapping):
        return ("instanceId", str(instance.get("space")), str(instance.get("externalId")))
    return ("externalId", str(identifier.get("externalId")))


def _item_keys(item: Mapping[str, Any]) -> set[tuple[str, ...]]:
    """The keys a response item may answer: its instance id and its external id (a series has both)."""
    keys = set()
    if isinstance(item.get("instanceId"), Mapping):
        keys.add(_key({"instanceId": item["instanceId"]}))
    if isinstance(item.get("externalId"), str):
        keys.add(("externalId", item["externalId"]))
    return keys


def _label(asked: object) -> str:
    return str(asked) if isinstance(asked, NodeId) else f"externalId {str.__str__(asked)!r}"


# ---------------------------------------------------------------------------------------------- values


class Datapoint(NamedTuple):
    """One datapoint: ``timestamp`` in epoch milliseconds and its ``value`` (a float, or str for string series)."""

    timestamp: int
    value: float | str

    @property
    def time(self) -> datetime:
        """The timestamp as a UTC ``datetime``."""
        return ms_to_datetime(self.timestamp)


def _pandas() -> Any:
    try:
        # Imported here: pandas is optional and heavy, and an SDK import must stay light.
        return importlib.import_module("pandas")
    except ImportError:
        raise ImportError("to_pandas() needs pandas, which is not installed: pip install pandas") from None


def _column(asked: object) -> str:
    return str(asked) if isinstance(asked, NodeId) else str.__str__(asked)


class Datapoints:
    """The datapoints of one time series over a range: raw values or aggregates, held in arrays.

    ``timestamps`` is an ``array('q')`` of epoch milliseconds. Raw reads fill ``values``: an ``array('d')``
    for numeric series, a ``list[str]`` for string series. Aggregate reads fill ``aggregates`` instead, one
    ``array('d')`` per function (``NaN`` where CDF gave no value, as ``interpolation`` before the first
    datapoint). ``cursor`` is where a read of this series continues (None when it reached the end).
    Iterating raw datapoints gives :class:`Datapoint` pairs; ``to_pandas()`` gives a data frame.

    Example:
        >>> dps = Datapoints(TimeSeriesRef("ts1"), [0, 1000], [1.5, 2.5])
        >>> len(dps), list(dps)[1], dps.values
        (2, Datapoint(timestamp=1000, value=2.5), array('d', [1.5, 2.5]))
    """

    __slots__ = (
        "aggregates",
        "cursor",
        "granularity",
        "id",
        "is_step",
        "is_string",
        "timestamps",
        "unit",
        "unit_external_id",
        "values",
    )

    def __init__(
        self,
        id: NodeId | TimeSeriesRef,
        timestamps: Iterable[int] = (),
        values: Iterable[float] | Iterable[str] | None = None,
        *,
        aggregates: Mapping[str, Iterable[float]] | None = None,
        granularity: str | None = None,
        is_string: bool | None = None,
        is_step: bool = False,
        unit: str | None = None,
        unit_external_id: str | None = None,
        cursor: str | None = None,
    ) -> None:
        self.id = id
        self.timestamps = timestamps if isinstance(timestamps, array) else array("q", timestamps)
        column: Any = values
        if column is not None and not isinstance(column, (array, builtins.list)):
            column = builtins.list(column)
        if is_string is None:
            is_string = bool(column) and isinstance(column[0], str)
        if column is not None and not is_string and not isinstance(column, array):
            column = array("d", column)
        self.values: array[float] | builtins.list[str] | None = column
        self.aggregates: dict[str, array[float]] = {
            name: column if isinstance(column, array) else array("d", column)
            for name, column in (aggregates or {}).items()
        }
        self.granularity = granularity
        self.is_string = is_string
        self.is_step = is_step
        self.unit = unit
        self.unit_external_id = unit_external_id
        self.cursor = cursor

    def __len__(self) -> int:
        return len(self.timestamps)

    def __iter__(self) -> Iterator[Datapoint]:
        if self.values is None:
            raise TypeError(
                "aggregates are not (timestamp, value) pairs: read dps.aggregates[name] with dps.timestamps"
            )
        return map(Datapoint, self.timestamps, self.values)

    def datetimes(self) -> builtins.list[datetime]:
        """The timestamps as UTC ``datetime`` objects."""
        return [ms_to_datetime(ms) for ms in self.timestamps]

    def extend(self, other: Datapoints) -> None:
        """Append the datapoints of a later piece of the same series (a page of a paged read)."""
        self.timestamps.extend(other.timestamps)
        if self.values is not None and other.values is not None:
            self.values.extend(other.values)  # type: ignore[arg-type]
        for name, column in other.aggregates.items():
            self.aggregates.setdefault(name, array("d", [math.nan] * (len(self.timestamps) - len(other)))).extend(
                column
            )
        self.cursor = other.cursor

    def to_pandas(self, column: str | None = None) -> Any:
        """A pandas DataFrame indexed by UTC time: one column (named ``column``, default the series id) for raw
        datapoints, one per aggregate function for aggregates. Needs the optional pandas."""
        pd = _pandas()
        index = _time_index(pd, self.timestamps)
        if self.values is not None:
            return pd.DataFrame({column or _column(self.id): _column_values(self.values)}, index=index)
        return pd.DataFrame({name: _column_values(values) for name, values in self.aggregates.items()}, index=index)

    def __repr__(self) -> str:
        kind = "raw" if self.values is not None else ", ".join(self.aggregates) + f" per {self.granularity}"
        span = ""
        if self.timestamps:
            first, last = ms_to_datetime(self.timestamps[0]), ms_to_datetime(self.timestamps[-1])
            span = f", {first.isoformat()} .. {last.isoformat()}"
        return f"Datapoints({self.id!r}, {len(self)} {kind}{span})"


def _time_index(pd: Any, timestamps: array[int]) -> Any:
    np = importlib.import_module("numpy")  # a pandas dependency
    return pd.DatetimeIndex(pd.to_datetime(np.frombuffer(timestamps, dtype=np.int64), unit="ms", utc=True), name="time")


def _column_values(values: array[float] | builtins.list[str]) -> Any:
    if isinstance(values, array):
        np = importlib.import_module("numpy")
        return np.frombuffer(values, dtype=np.float64).copy()
    return values


class DatapointsList(builtins.list[Datapoints]):
    """The datapoints of several series, in the order asked; ``missing`` lists series CDF did not know
    (only with ``ignore_unknown_ids=True``; otherwise an unknown series is an error)."""

    def __init__(
        self,
        items: Iterable[Datapoints] = (),
        missing: Iterable[NodeId | TimeSeriesRef] = (),
        default_space: str | None = None,
    ) -> None:
        super().__init__(items)
        self.missing = builtins.list(missing)
        self._default_space = default_space

    def get(self, id: TimeSeriesIdLike) -> Datapoints | None:
        """The datapoints of one series (ids rule), or None."""
        key = _key(series_identifier(id, self._default_space)[1])
        for dps in self:
            if _key(series_identifier(dps.id, None)[1]) == key:
                return dps
        return None

    def to_pandas(self) -> Any:
        """One DataFrame indexed by UTC time, one column per series (``"space:xid"``, or the external id; for
        aggregates ``"<series>|<function>"``), joined on time. Needs the optional pandas."""
        pd = _pandas()
        frames = []
        for dps in self:
            frame = dps.to_pandas()
            if dps.values is None:
                frame.columns = [f"{_column(dps.id)}|{name}" for name in frame.columns]
            frames.append(frame)
        if not frames:
            return pd.DataFrame()
        return pd.concat(frames, axis=1).sort_index()

    def __repr__(self) -> str:
        return f"DatapointsList({builtins.list.__repr__(self)})"


# ---------------------------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class FailedDatapoints:
    """The datapoints of one refused request: which series, how many datapoints, and why.

    ``maybe_applied``: whether CDF may have stored them anyway (an answer lost after sending); inserting
    the same datapoints again is harmless (a timestamp holds one value).
    """

    ids: builtins.list[NodeId | TimeSeriesRef]
    count: int
    error: PygenError
    maybe_applied: bool


class DatapointsError(PygenError):
    """Some requests of a bulk datapoints call failed; ``failed`` names each, ``written`` counts what was stored."""

    def __init__(self, failed: builtins.list[FailedDatapoints], written: int) -> None:
        self.failed = failed
        self.written = written
        reasons = "; ".join(
            f"{item.count} datapoint(s) of {', '.join(_label(i) for i in item.ids[:3])}"
            f"{' and more' if len(item.ids) > 3 else ''}: {item.error}"
            + (" (may have been applied)" if item.maybe_applied else "")
            for item in failed[:3]
        )
        more = f" (and {len(failed) - 3} more requests)" if len(failed) > 3 else ""
        super().__init__(f"{len(failed)} request(s) failed, {written} datapoint(s) written: {reasons}{more}")


# ---------------------------------------------------------------------------------------------- retrieve


class _Series:
    """The read state of one series in a retrieve."""

    __slots__ = ("asked", "cursor", "done", "identifier", "key", "remaining")

    def __init__(
        self, asked: NodeId | TimeSeriesRef, identifier: dict[str, Any], limit: int | None, cursor: str | None
    ):
        self.asked = asked
        self.identifier = identifier
        self.key = _key(identifier)
        self.remaining = limit
        self.cursor = cursor
        self.done = limit == 0


def _share(needs: Sequence[int], budget: int) -> builtins.list[int]:
    """Split ``budget`` over items that each need at most ``needs[i]``: the small ones get what they need,
    the rest share what is left equally (each gets at least 1)."""
    out = [0] * len(needs)
    left = budget
    order = sorted(range(len(needs)), key=needs.__getitem__)
    for rank, index in enumerate(order):
        give = max(1, min(needs[index], left // (len(needs) - rank)))
        out[index] = give
        left -= give
    return out


class DatapointsRead:
    """The plan of one datapoints read: which series the next request asks for, with how many datapoints
    each, and what the answers leave to read (cursors, limits).

    Series are packed up to 100 a request and share the request's datapoints budget (100,000 raw, 10,000
    aggregates): a series that needs fewer than its share (its limit is near) leaves the rest to the others,
    and once sparse series are done, the dense ones get the whole budget. A series is read until CDF gives
    no ``nextCursor`` or its ``limit`` is reached. Both the sync and the async API drive this::

        while (body := read.next_request()) is not None:
            chunks = read.take(http.post("/timeseries/data/list", json=body).content)
    """

    def __init__(
        self,
        ids: Sequence[object],
        default_space: str | None,
        *,
        start: TimeLike | None,
        end: TimeLike | None,
        aggregates: Aggregate | Sequence[Aggregate] | None,
        granularity: str | None,
        limit: int | None,
        page_size: int | None,
        target_unit: str | None,
        target_unit_system: str | None,
        ignore_unknown_ids: bool,
        cursor: str | None = None,
    ) -> None:
        now = now_ms()
        options: dict[str, Any] = {}
        if start is not None:
            options["start"] = to_ms(start, "start", now)
        if end is not None:
            options["end"] = to_ms(end, "end", now)
        if "start" in options and "end" in options and options["end"] <= options["start"]:
            raise ValueError(f"end ({end!r}) must be after start ({start!r})")
        self.aggregates: builtins.list[str] | None = None
        if aggregates is not None or granularity is not None:
            if aggregates is None or granularity is None:
                raise ValueError(
                    "aggregates and granularity go together: give both (e.g. ['average'], '1h'), or neither"
                )
            self.aggregates = check_aggregates(aggregates)
            options["aggregates"] = self.aggregates
            options["granularity"] = check_granularity(granularity)
        if target_unit is not None and target_unit_system is not None:
            raise ValueError("give target_unit or target_unit_system, not both")
        if target_unit is not None:
            options["targetUnit"] = target_unit
        if target_unit_system is not None:
            options["targetUnitSystem"] = target_unit_system
        self.options = options
        self.granularity = granularity
        self.budget = MAX_RAW if self.aggregates is None else MAX_AGGREGATES
        if page_size is None:
            page_size = self.budget
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= self.budget:
            raise ValueError(f"page_size must be an integer from 1 to {self.budget}, got {page_size!r}")
        self.page_size = page_size
        if limit == -1:
            limit = None
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ValueError(f"limit must be a non-negative integer, or None (or -1) for all, got {limit!r}")
        if cursor is not None and len(ids) != 1:
            raise ValueError("cursor= resumes the read of one series: give one id")
        self.ignore_unknown_ids = ignore_unknown_ids
        self.series: builtins.list[_Series] = []
        seen: set[tuple[str, ...]] = set()
        for value in ids:
            asked, identifier = series_identifier(value, default_space)
            series = _Series(asked, identifier, limit, cursor)
            if series.key not in seen:  # the same series twice is read once
                seen.add(series.key)
                self.series.append(series)
        self.missing: builtins.list[NodeId | TimeSeriesRef] = []
        self.requests = 0
        self._sent: builtins.list[_Series] = []

    def next_request(self) -> dict[str, Any] | None:
        """The body of the next ``/timeseries/data/list`` request, or None when every series is read."""
        batch = [series for series in self.series if not series.done][:MAX_RETRIEVE_SERIES]
        if not batch:
            return None
        needs = [self.page_size if s.remaining is None else min(self.page_size, s.remaining) for s in batch]
        items = []
        for series, limit in zip(batch, _share(needs, self.budget), strict=True):
            item = {**series.identifier, **self.options, "limit": limit}
            if series.cursor is not None:
                item["cursor"] = series.cursor
            items.append(item)
        self._sent = batch
        self.requests += 1
        body: dict[str, Any] = {"items": items}
        if self.ignore_unknown_ids:
            body["ignoreUnknownIds"] = True
        return body

    def take(self, content: bytes) -> builtins.list[Datapoints]:
        """The datapoints of one response, one :class:`Datapoints` per series answered (in request order)."""
        return [build() for build in self.advance(content)]

    def advance(self, content: bytes) -> builtins.list[Callable[[], Datapoints]]:
        """Read one response's cursors and counts (so :meth:`next_request` can go on) and return, per series
        answered, what builds its :class:`Datapoints`: the arrays can be built while the next request is out."""
        # pydantic-core's parser: 1.6x json.loads on datapoints (many small objects, two repeated keys).
        items = from_json(content).get("items") or []
        sent, self._sent = self._sent, []
        builders: builtins.list[Callable[[], Datapoints]] = []
        position = 0
        for item in items:
            keys = _item_keys(item)
            while position < len(sent) and sent[position].key not in keys:
                self._lost(sent[position])  # skipped: CDF did not know it (ignoreUnknownIds)
                position += 1
            if position == len(sent):
                break
            series = sent[position]
            position += 1
            count = len(item.get("datapoints") or ())
            cursor = item.get("nextCursor") or None
            if series.remaining is not None:
                series.remaining -= count
            series.cursor = cursor
            series.done = not cursor or not count or (series.remaining is not None and series.remaining <= 0)
            builders.append(functools.partial(self._parse, series.asked, item))
        for series in sent[position:]:
            self._lost(series)
        return builders

    def _lost(self, series: _Series) -> None:
        series.done = True
        if series.asked not in self.missing:
            self.missing.append(series.asked)

    def _parse(self, asked: NodeId | TimeSeriesRef, item: dict[str, Any]) -> Datapoints:
        dps = item.pop("datapoints", None) or []  # freed once in arrays, before the next item is parsed
        is_string = bool(item.get("isString")) or item.get("type") == "string"
        timestamps = array("q", [dp["timestamp"] for dp in dps])
        values: array[float] | builtins.list[str] | None = None
        aggregates: dict[str, array[float]] = {}
        if self.aggregates is None:
            values = [dp.get("value") for dp in dps] if is_string else _floats(dps, "value")
        else:
            aggregates = {name: _floats(dps, name) for name in self.aggregates}
        return Datapoints(
            asked,
            timestamps,
            values,
            aggregates=aggregates,
            granularity=self.granularity,
            is_string=is_string,
            is_step=bool(item.get("isStep")),
            unit=item.get("unit"),
            unit_external_id=item.get("unitExternalId"),
            cursor=item.get("nextCursor") or None,
        )


def _floats(dps: Sequence[Mapping[str, Any]], name: str) -> array[float]:
    try:
        return array("d", [dp[name] for dp in dps])
    except (KeyError, TypeError):  # a value CDF left out (an aggregate without data) or null: NaN
        return array("d", [math.nan if dp.get(name) is None else dp[name] for dp in dps])


def merge(chunks: Iterable[Datapoints], read: DatapointsRead) -> builtins.list[Datapoints]:
    """The pieces of a paged read joined per series, in the order the series were asked."""
    joined: dict[tuple[str, ...], Datapoints] = {}
    for chunk in chunks:
        key = _key(series_identifier(chunk.id, None)[1])
        if key in joined:
            joined[key].extend(chunk)
        else:
            joined[key] = chunk
    return [joined[series.key] for series in read.series if series.key in joined]


# ---------------------------------------------------------------------------------------------- latest


def latest_bodies(
    ids: Sequence[object],
    default_space: str | None,
    before: TimeLike | None,
    target_unit: str | None,
    target_unit_system: str | None,
    ignore_unknown_ids: bool,
) -> tuple[builtins.list[NodeId | TimeSeriesRef], builtins.list[dict[str, Any]]]:
    """The series asked for and the ``/timeseries/data/latest`` bodies (100 series each)."""
    options: dict[str, Any] = {}
    if before is not None:
        options["before"] = to_ms(before, "before")
    if target_unit is not None and target_unit_system is not None:
        raise ValueError("give target_unit or target_unit_system, not both")
    if target_unit is not None:
        options["targetUnit"] = target_unit
    if target_unit_system is not None:
        options["targetUnitSystem"] = target_unit_system
    asked, items = [], []
    for value in ids:
        series, identifier = series_identifier(value, default_space)
        asked.append(series)
        items.append({**identifier, **options})
    bodies = []
    for at in range(0, len(items), MAX_LATEST_SERIES):
        body: dict[str, Any] = {"items": items[at : at + MAX_LATEST_SERIES]}
        if ignore_unknown_ids:
            body["ignoreUnknownIds"] = True
        bodies.append(body)
    return asked, bodies


def latest_values(
    asked: Sequence[NodeId | TimeSeriesRef], contents: Sequence[bytes]
) -> builtins.list[Datapoint | None]:
    """The latest datapoint of each series asked (None: no datapoint, or an unknown series ignored)."""
    found: dict[tuple[str, ...], Datapoint | None] = {}
    for content in contents:
        for item in from_json(content).get("items") or []:
            dps = item.get("datapoints") or []
            point = Datapoint(dps[0]["timestamp"], dps[0].get("value")) if dps else None
            for key in _item_keys(item):
                found.setdefault(key, point)
    return [found.get(_key(series_identifier(series, None)[1])) for series in asked]


# ---------------------------------------------------------------------------------------------- delete


def delete_bodies(
    ranges: Iterable[tuple[object, TimeLike, TimeLike]], default_space: str | None
) -> builtins.list[dict[str, Any]]:
    """The ``/timeseries/data/delete`` bodies (10,000 ranges each) of ``(series, start, end)`` ranges."""
    now = now_ms()
    items = []
    for value, start, end in ranges:
        _, identifier = series_identifier(value, default_space)
        begin, stop = to_ms(start, "start", now), to_ms(end, "end", now)
        if stop <= begin:
            raise ValueError(f"end ({end!r}) must be after start ({start!r})")
        items.append({**identifier, "inclusiveBegin": begin, "exclusiveEnd": stop})
    return [{"items": items[at : at + MAX_DELETE_RANGES]} for at in range(0, len(items), MAX_DELETE_RANGES)]


# ---------------------------------------------------------------------------------------------- insert


class InsertSeries:
    """The datapoints of one series to insert, as arrays, and its identifier already encoded."""

    __slots__ = ("asked", "identifier", "timestamps", "values")

    def __init__(
        self, asked: NodeId | TimeSeriesRef, identifier: str, timestamps: array[int], values: array[float] | list[str]
    ) -> None:
        self.asked = asked
        self.identifier = identifier
        self.timestamps = timestamps
        self.values = values


def insert_series(value: object, datapoints: DatapointsLike, default_space: str | None) -> InsertSeries:
    """Check and convert the datapoints of one series (times to epoch ms; numbers finite; one value type)."""
    asked, identifier = series_identifier(value, default_space)
    encoded = json.dumps(identifier, separators=(",", ":"), ensure_ascii=False)[1:-1]
    if isinstance(datapoints, Datapoints):
        if datapoints.values is None:
            raise ValueError(f"{_label(asked)}: aggregates cannot be inserted, only raw datapoints")
        timestamps, values = datapoints.timestamps, datapoints.values
    elif isinstance(datapoints, (str, bytes, Mapping)):
        raise TypeError(f"{_label(asked)}: datapoints must be a Datapoints or (timestamp, value) pairs")
    else:
        timestamps, values = _pairs(asked, datapoints)
    if len(timestamps) != len(values):
        raise ValueError(f"{_label(asked)}: {len(timestamps)} timestamps but {len(values)} values")
    if isinstance(values, array):
        if not all(map(math.isfinite, values)):
            bad = next(t for t, v in zip(timestamps, values, strict=True) if not math.isfinite(v))
            raise ValueError(
                f"{_label(asked)}: the value at {bad} is not a finite number (CDF stores no NaN or infinity)"
            )
    elif not all(isinstance(v, str) for v in values):
        raise TypeError(f"{_label(asked)}: a string series takes str values only")
    return InsertSeries(asked, encoded, timestamps, values)


def _pairs(asked: object, datapoints: Iterable[Any]) -> tuple[array[int], array[float] | builtins.list[str]]:
    timestamps: array[int] = array("q")
    raw: builtins.list[Any] = []
    now = now_ms()
    try:
        for timestamp, value in datapoints:
            timestamps.append(timestamp if type(timestamp) is int else to_ms(timestamp, "timestamp", now))
            raw.append(value)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{_label(asked)}: datapoints must be (timestamp, value) pairs: {exc}") from None
    if raw and isinstance(raw[0], str):
        return timestamps, raw
    try:
        return timestamps, array("d", raw)
    except TypeError:
        raise TypeError(f"{_label(asked)}: values must be all numbers or all strings") from None


def insert_chunks(series: Iterable[InsertSeries]) -> Iterator[builtins.list[tuple[InsertSeries, int, int]]]:
    """Requests of at most 100,000 datapoints and 10,000 series: ``(series, from, to)`` slices, a long
    series cut over as many requests as it needs, short ones packed together."""
    chunk: builtins.list[tuple[InsertSeries, int, int]] = []
    count = 0
    for one in series:
        at = 0
        while at < len(one.timestamps):
            take = min(len(one.timestamps) - at, MAX_INSERT_DATAPOINTS - count)
            chunk.append((one, at, at + take))
            count += take
            at += take
            if count == MAX_INSERT_DATAPOINTS or len(chunk) == MAX_INSERT_SERIES:
                yield chunk
                chunk, count = [], 0
    if chunk:
        yield chunk


_NUMBER = '{{"timestamp":{},"value":{!r}}}'.format


def insert_body(chunk: Sequence[tuple[InsertSeries, int, int]]) -> bytes:
    """The JSON body of one ``/timeseries/data`` request, written directly (no dict per datapoint)."""
    parts = []
    for series, start, stop in chunk:
        timestamps = series.timestamps[start:stop]
        if isinstance(series.values, array):
            points = ",".join(map(_NUMBER, timestamps, series.values[start:stop]))
        else:
            points = ",".join(
                f'{{"timestamp":{t},"value":{json.dumps(v, ensure_ascii=False)}}}'
                for t, v in zip(timestamps, series.values[start:stop], strict=True)
            )
        parts.append(f'{{{series.identifier},"datapoints":[{points}]}}')
    return ('{"items":[' + ",".join(parts) + "]}").encode()
