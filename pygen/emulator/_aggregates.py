"""Aggregates of numeric datapoints per granularity interval, computed from the raw datapoints as they are read
(one pass, constant memory: no interval is held in memory, however many datapoints it has).

The definitions (docs/datapoints.md, Aggregates): intervals start at ``start`` rounded down to a whole granularity
unit (UTC) and last ``granularity``; the last one is whole even past ``end``. An interval is labelled by its start.

- ``count``, ``sum``, ``min``, ``max``, ``minDatapoint``, ``maxDatapoint``: over the datapoints in the interval.
- ``average``: the time-weighted average of the series as a function of time over the interval: linear between
  datapoints (a step function for ``isStep`` series), reaching outside the interval to the neighbouring datapoints
  so that the function is known at both boundaries; where it is not defined (before the first datapoint, and for
  non-step series after the last one) that part of the interval does not count.
- ``interpolation``: the value of that function at the interval's start (the last datapoint at or before it for
  ``isStep`` series); ``stepInterpolation``: the last datapoint at or before the interval's start.

Intervals with datapoints are answered; when ``interpolation``/``stepInterpolation`` are asked for, so are empty
intervals that lie between two datapoints, and the first interval of the request, whenever the value is defined.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import add, mul, sub
from typing import Any

from pygen.emulator._errors import bad_request, show
from pygen.emulator._timeargs import Granularity

Point = tuple[int, float]
Run = tuple[list[int], list[float]]  # ascending timestamps and their values

#: The aggregates the emulator computes, in CDF's camelCase spelling.
AGGREGATES = (
    "average", "max", "min", "count", "sum", "interpolation", "stepInterpolation", "maxDatapoint", "minDatapoint",
)  # fmt: skip
#: Aggregates CDF knows that the emulator does not compute (a 400 saying so, not "unrecognized").
NOT_EMULATED = (
    "continuousVariance", "discreteVariance", "totalVariation", "countGood", "countUncertain", "countBad",
    "durationGood", "durationUncertain", "durationBad", "stateCount", "stateTransitions", "stateDuration",
)  # fmt: skip
_INTERPOLATIONS = frozenset({"interpolation", "stepInterpolation"})


def parse_aggregates(value: object, where: str) -> tuple[str, ...]:
    """The ``aggregates`` of a query: a list of aggregate names (empty: raw datapoints)."""
    if not isinstance(value, list):
        raise bad_request(f"{where}: aggregates must be a list of aggregate names, got {show(value)}")
    out: list[str] = []
    for name in value:
        if not isinstance(name, str) or (name not in AGGREGATES and name not in NOT_EMULATED):
            quoted = f"'{name}'" if isinstance(name, str) and len(name) <= 100 else show(name)
            raise bad_request(f"Could not recognize aggregation value: {quoted}.")  # CDF's words
        if name in NOT_EMULATED:
            raise bad_request(
                f"{where}: the aggregate {show(name)} is not emulated; the emulator computes {', '.join(AGGREGATES)}"
            )
        if name not in out:
            out.append(name)
    return tuple(out)


@dataclass
class SeriesReader:
    """Access to one series' datapoints: ``runs(lo, hi)`` those with ``lo <= t < hi`` ascending, a run (ascending
    timestamps and their values) at a time; ``before(t)`` the last one before ``t``; ``at_or_after(t)`` the first
    one at or after ``t``."""

    runs: Callable[[int, int], Iterator[Run]]
    before: Callable[[int], Point | None]
    at_or_after: Callable[[int], Point | None]


def _lerp(left: Point, right: Point, at: int) -> float:
    if right[0] == left[0]:
        return left[1]
    return left[1] + (right[1] - left[1]) * (at - left[0]) / (right[0] - left[0])


class _Interval:
    """Running aggregates of the datapoints of one interval ``[lo, hi)``, fed a run at a time (the arithmetic
    over a run is done by builtins over whole lists, not a Python step per datapoint)."""

    def __init__(self, lo: int, hi: int, previous: Point | None, is_step: bool) -> None:
        self.lo, self.hi, self.is_step = lo, hi, is_step
        self.previous = previous  # the last datapoint seen so far (before the interval at first)
        self.count = 0
        self.total = 0.0
        self.smallest: Point | None = None
        self.largest: Point | None = None
        self.first: Point | None = None
        self.area = 0.0
        self.span = 0

    def add(self, times: list[int], values: list[float]) -> None:
        """Take a non-empty run of datapoints inside the interval, later than those taken before."""
        self.count += len(times)
        self.total += sum(values)
        low, high = min(values), max(values)
        if self.smallest is None or low < self.smallest[1]:
            self.smallest = (times[values.index(low)], low)
        if self.largest is None or high > self.largest[1]:
            self.largest = (times[values.index(high)], high)
        head = (times[0], values[0])
        if self.first is None:
            self.first = head
        if self.previous is not None:
            self._towards(head)
        if len(times) > 1:
            gaps = list(map(sub, times[1:], times[:-1]))
            if self.is_step:
                self.area += sum(map(mul, values[:-1], gaps))
            else:
                self.area += sum(map(mul, map(add, values[:-1], values[1:]), gaps)) / 2
            self.span += times[-1] - times[0]
        self.previous = (times[-1], values[-1])

    def _towards(self, point: Point) -> None:
        """Count the stretch from the previous datapoint (or the interval's start) to ``point``."""
        assert self.previous is not None
        lo = max(self.previous[0], self.lo)
        if point[0] <= lo:
            return
        start_value = self.previous[1] if self.is_step else _lerp(self.previous, point, lo)
        end_value = self.previous[1] if self.is_step else point[1]
        self.area += (start_value + end_value) / 2 * (point[0] - lo)
        self.span += point[0] - lo

    def close(self, following: Point | None) -> None:
        """Count the stretch from the last datapoint to the interval's end (``following``: the next datapoint)."""
        last = self.previous
        assert last is not None
        if self.hi <= last[0]:
            return
        if self.is_step:
            self.area += last[1] * (self.hi - last[0])
            self.span += self.hi - last[0]
        elif following is not None:
            end_value = _lerp(last, following, self.hi)
            self.area += (last[1] + end_value) / 2 * (self.hi - last[0])
            self.span += self.hi - last[0]

    def average(self) -> float:
        if self.span > 0:
            return self.area / self.span
        return self.total / self.count  # a lone datapoint, with no neighbour to interpolate towards


class _Walker:
    """Walks the runs of a range datapoint by datapoint where needed, run slice by run slice where possible."""

    def __init__(self, runs: Iterator[Run]) -> None:
        self.runs = runs
        self.times: list[int] = []
        self.values: list[float] = []
        self.pos = 0
        self.done = False
        self._advance()

    def _advance(self) -> None:
        while self.pos >= len(self.times):
            run = next(self.runs, None)
            if run is None:
                self.done = True
                return
            self.times, self.values = run
            self.pos = 0

    def peek(self) -> Point | None:
        return None if self.done else (self.times[self.pos], self.values[self.pos])

    def take(self, hi: int) -> Iterator[Run]:
        """The remaining datapoints before ``hi``, as runs."""
        while not self.done and self.times[self.pos] < hi:
            end = bisect_left(self.times, hi, self.pos)
            if self.pos == 0 and end == len(self.times):
                yield self.times, self.values
            else:
                yield self.times[self.pos : end], self.values[self.pos : end]
            self.pos = end
            self._advance()


def _value_at(at: int, before: Point | None, upcoming: Point | None, step: bool) -> float | None:
    """The series' value at ``at`` from the last datapoint at or before it and the first one at or after it."""
    if upcoming is not None and upcoming[0] == at:
        return upcoming[1]
    if before is None:
        return None
    if step:
        return before[1]
    if upcoming is None:
        return None
    return _lerp(before, upcoming, at)


def aggregate_rows(
    reader: SeriesReader,
    *,
    start: int,
    end: int,
    resume: int | None = None,
    granularity: Granularity,
    aggregates: Sequence[str],
    is_step: bool,
) -> Iterator[dict[str, Any]]:
    """The aggregate rows of ``[start, end)``; a page after the first begins at the first interval at or after
    ``resume`` (what its cursor holds) on the same grid."""
    width = granularity.ms
    anchor = granularity.align(start)
    bucket = anchor if resume is None else anchor + -(-(max(resume, anchor) - anchor) // width) * width
    limit = anchor + -(-(end - anchor) // width) * width  # the end of the last (whole) interval
    wanted = set(aggregates)
    interpolating = bool(wanted & _INTERPOLATIONS)
    previous = reader.before(bucket)
    walker = _Walker(reader.runs(bucket, limit))
    beyond: list[Point | None] = []  # the first datapoint at or after `limit`, looked up once when needed

    def after_range() -> Point | None:
        if not beyond:
            beyond.append(reader.at_or_after(limit))
        return beyond[0]

    first = True
    while bucket < limit:
        hi = bucket + width
        pending = walker.peek()
        if pending is None or pending[0] >= hi:  # an interval without datapoints
            upcoming = pending if pending is not None else after_range()
            if interpolating and (first or (previous is not None and upcoming is not None)):
                row = _interpolations(bucket, previous, upcoming, wanted, is_step)
                if row is not None:
                    yield row
            first = False
            if pending is None:
                if not interpolating or upcoming is None or previous is None:
                    return  # nothing more can be answered in this range
                bucket = hi  # empty intervals up to the next datapoint, past the range (the caller's limit stops)
            elif interpolating and previous is not None:
                bucket = hi  # an empty interval between two datapoints: it has interpolated values
            else:
                bucket = anchor + (pending[0] - anchor) // width * width  # straight to the next datapoint
            continue
        interval = _Interval(bucket, hi, previous, is_step)
        for times, values in walker.take(hi):
            interval.add(times, values)
        following = walker.peek()
        interval.close(following if following is not None else after_range())
        yield _row(bucket, interval, previous, wanted, is_step)
        previous = interval.previous
        bucket = hi
        first = False


def _interpolations(
    bucket: int, previous: Point | None, upcoming: Point | None, wanted: set[str], is_step: bool
) -> dict[str, Any] | None:
    row: dict[str, Any] = {}
    if "interpolation" in wanted:
        value = _value_at(bucket, previous, upcoming, is_step)
        if value is not None:
            row["interpolation"] = value
    if "stepInterpolation" in wanted:
        value = _value_at(bucket, previous, upcoming, True)
        if value is not None:
            row["stepInterpolation"] = value
    return {"timestamp": bucket, **row} if row else None


def _row(bucket: int, interval: _Interval, previous: Point | None, wanted: set[str], is_step: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"timestamp": bucket}
    assert interval.smallest is not None and interval.largest is not None
    for name in AGGREGATES:
        if name not in wanted:
            continue
        if name == "average":
            row[name] = interval.average()
        elif name == "max":
            row[name] = interval.largest[1]
        elif name == "min":
            row[name] = interval.smallest[1]
        elif name == "count":
            row[name] = interval.count
        elif name == "sum":
            row[name] = interval.total
        elif name == "maxDatapoint":
            row[name] = {"timestamp": interval.largest[0], "value": interval.largest[1]}
        elif name == "minDatapoint":
            row[name] = {"timestamp": interval.smallest[0], "value": interval.smallest[1]}
        else:
            value = _value_at(bucket, previous, interval.first, is_step or name == "stepInterpolation")
            if value is not None:
                row[name] = value
    return row
