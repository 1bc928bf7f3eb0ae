"""The datapoints endpoints: insert, retrieve (raw and aggregates, JSON or protobuf), latest and delete
(``/timeseries/data...``), over the ``datapoints`` table: one row per (series, timestamp), keyed by both, so that
every read is a range scan of one series in time order. Limits and shapes: docs/datapoints.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from pygen.emulator._aggregates import SeriesReader, aggregate_rows, parse_aggregates
from pygen.emulator._datapoint_store import DatapointStore
from pygen.emulator._errors import bad_request, show
from pygen.emulator._ids import as_dict, as_list, items_of, resource_ref
from pygen.emulator._params import body_flag, decode_cursor, encode_cursor, now_ms
from pygen.emulator._store import Store
from pygen.emulator._timeargs import MAX_TIMESTAMP, MIN_TIMESTAMP, Granularity, parse_granularity, parse_time
from pygen.emulator._timeseries import Series, TimeSeriesService

MAX_INSERT_ITEMS = 10_000
MAX_INSERT_DATAPOINTS = 100_000
MAX_QUERY_ITEMS = 100
MAX_RAW_LIMIT = 100_000
MAX_AGGREGATE_LIMIT = 10_000
DEFAULT_LIMIT = 100
MAX_LATEST_ITEMS = 100
MAX_DELETE_ITEMS = 10_000
MAX_NUMERIC = 1e100
MAX_STRING_LENGTH = 255
_NOT_EMULATED = ("targetUnit", "targetUnitSystem", "timeZone")
_FLAGS = ("includeStatus", "ignoreBadDataPoints", "treatUncertainAsBad")
_DEFAULTS = ("start", "end", "limit", "aggregates", "granularity", "includeOutsidePoints", *_NOT_EMULATED, *_FLAGS)


@dataclass
class _Query:
    where: str
    ref: dict[str, Any]
    start: int
    end: int
    limit: int
    aggregates: tuple[str, ...]
    granularity: Granularity | None
    outside: bool
    resume: int | None  # where the cursor says the previous page ended


def _check_common(item: dict[str, Any], where: str) -> None:
    for name in _NOT_EMULATED:
        if item.get(name) is not None:
            raise bad_request(f"{where}{name} is not emulated (values are answered as stored, in UTC)")
    for name in _FLAGS:  # every stored datapoint has the status Good: these change nothing
        if item.get(name) is not None:
            body_flag(item, name, where=where)


def _good_status(status: object, where: str) -> None:
    """Only the status Good is emulated (code 0, symbol "Good"); a datapoint without a status is Good."""
    if status is None:
        return
    given = as_dict(status, f"{where}.status")
    code, symbol = given.get("code"), given.get("symbol")
    if (code is None or code == 0) and (symbol is None or symbol == "Good") and not isinstance(code, bool):
        return
    raise bad_request(f"{where}.status: status codes other than Good are not emulated, got {show(status)}")


def _identified_items(body: dict[str, Any], max_items: int) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """``(where, item, identifier)`` of each item of a request body."""
    for index, raw in enumerate(items_of(body, max_items)):
        where = f"items[{index}]"
        item = as_dict(raw, where)
        yield where, item, resource_ref(item, where)


def _check_point(point: object, is_string: bool, where: str) -> None:
    """One datapoint, with the reason it is refused."""
    if not isinstance(point, dict):
        raise bad_request(f"{where} must be an object with timestamp and value, got {show(point)}")
    timestamp = point.get("timestamp")
    if type(timestamp) is not int or not MIN_TIMESTAMP <= timestamp <= MAX_TIMESTAMP:
        raise bad_request(
            f"{where}.timestamp must be an integer number of milliseconds between {MIN_TIMESTAMP} "
            f"and {MAX_TIMESTAMP} (1900-01-01 to 2099-12-31), got {show(timestamp)}"
        )
    value = point.get("value")
    if is_string:
        if not isinstance(value, str):
            raise bad_request(f"{where}.value: a string time series takes strings, got {show(value)}")
        if len(value) > MAX_STRING_LENGTH:
            raise bad_request(
                f"{where}.value: a string datapoint has at most {MAX_STRING_LENGTH} characters, got {len(value)}"
            )
    else:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise bad_request(f"{where}.value: a numeric time series takes numbers, got {show(value)}")
        if not -MAX_NUMERIC <= value <= MAX_NUMERIC:
            raise bad_request(f"{where}.value must be between -1e100 and 1e100, got {show(value)}")
    _good_status(point.get("status"), where)
    unknown = sorted(set(point) - {"timestamp", "value", "status"})
    if unknown:
        raise bad_request(f"{where}: unknown field(s) {', '.join(unknown)}")


class DatapointService:
    """``/timeseries/data``, ``/data/list``, ``/data/latest``, ``/data/delete``."""

    def __init__(self, store: Store, timeseries: TimeSeriesService) -> None:
        self.store = store
        self.timeseries = timeseries
        self.blocks = DatapointStore(store)

    def reader(self, series_id: int) -> SeriesReader:
        blocks = self.blocks
        return SeriesReader(
            lambda lo, hi: blocks.runs(series_id, lo, hi),
            lambda moment: blocks.before(series_id, moment),
            lambda moment: blocks.at_or_after(series_id, moment),
        )

    # ---- insert -----------------------------------------------------------------------------------
    def insert(self, body: dict[str, Any]) -> dict[str, Any]:
        refs: list[dict[str, Any]] = []
        batches: list[list[Any]] = []
        total = 0
        for where, item, ref in _identified_items(body, MAX_INSERT_ITEMS):
            refs.append(ref)
            points = as_list(item.get("datapoints"), f"{where}.datapoints")
            if not points:
                raise bad_request(f"{where}.datapoints must contain at least 1 datapoint")
            total += len(points)
            if total > MAX_INSERT_DATAPOINTS:
                raise bad_request(
                    f"A request may insert at most {MAX_INSERT_DATAPOINTS} datapoints in total; this one has more"
                )
            batches.append(points)
        found = self.timeseries.resolve(refs)
        checked = [
            (series, self._checked(series, points, f"items[{index}].datapoints"))
            for index, (series, points) in enumerate(zip(found, batches, strict=True))
            if series is not None
        ]
        with self.store.transaction():
            for series, (times, values) in checked:
                self.blocks.upsert(series.id, times, values)
        return {}

    @staticmethod
    def _checked(series: Series, points: list[Any], where: str) -> tuple[list[int], list[Any]]:
        """The timestamps and values of a list of datapoints, checked (whole-list checks first: the common,
        valid case costs no Python step per datapoint; the slow path names the first bad datapoint)."""
        try:
            times = [point["timestamp"] for point in points]
            values = [point["value"] for point in points]
            plain = set(map(len, points)) == {2}  # no status (nor anything unexpected) besides the two
        except (TypeError, KeyError):
            times, values, plain = [], [], False
        if plain and set(map(type, times)) == {int} and MIN_TIMESTAMP <= min(times) <= max(times) <= MAX_TIMESTAMP:
            if series.is_string:
                plain = set(map(type, values)) == {str} and max(map(len, values)) <= MAX_STRING_LENGTH
            else:
                plain = (
                    set(map(type, values)) <= {int, float} and -MAX_NUMERIC <= min(values) <= max(values) <= MAX_NUMERIC
                )
        else:
            plain = False
        if not plain:
            for index, point in enumerate(points):
                _check_point(point, series.is_string, f"{where}[{index}]")
            times = [point["timestamp"] for point in points]
            values = [point["value"] for point in points]
        if not series.is_string:
            values = list(map(float, values))
        return times, values

    # ---- retrieve ---------------------------------------------------------------------------------
    def _parse_query(
        self, where: str, item: dict[str, Any], ref: dict[str, Any], defaults: dict[str, Any], now: int
    ) -> _Query:
        merged = {**defaults, **{k: v for k, v in item.items() if k in _DEFAULTS and v is not None}}
        _check_common(merged, f"{where}.")
        start = parse_time(merged.get("start", 0), f"{where}.start", now)
        end = parse_time(merged.get("end", "now"), f"{where}.end", now)
        if end <= start:
            raise bad_request(f"{where}: end ({end}) must be later than start ({start})")
        aggregates = parse_aggregates(merged.get("aggregates", []), where)
        granularity = None
        if merged.get("granularity") is not None:
            granularity = parse_granularity(merged["granularity"], f"{where}.granularity")
        if aggregates and granularity is None:
            raise bad_request(f"{where}: aggregates need a granularity (e.g. '1h')")
        if granularity is not None and not aggregates:
            raise bad_request(f"{where}: a granularity needs aggregates")
        outside = body_flag(merged, "includeOutsidePoints", where=f"{where}.")
        if outside and aggregates:
            raise bad_request(f"{where}: includeOutsidePoints is not available for aggregates")
        maximum = MAX_AGGREGATE_LIMIT if aggregates else MAX_RAW_LIMIT
        limit = merged.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= maximum:
            kind = "aggregates" if aggregates else "raw datapoints"
            raise bad_request(f"{where}.limit must be an integer between 0 and {maximum} for {kind}, got {show(limit)}")
        resume = None
        if item.get("cursor") is not None:
            cursor = decode_cursor(item["cursor"])
            resume = cursor.get("t")
            kind = "aggregates" if aggregates else "raw"
            if type(resume) is not int or not MIN_TIMESTAMP <= resume <= MAX_TIMESTAMP or cursor.get("kind") != kind:
                raise bad_request(f"{where}: invalid cursor {show(item['cursor'])} for this query")
        return _Query(where, ref, start, end, limit, aggregates, granularity, outside, resume)

    def retrieve(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The answer items of ``/timeseries/data/list``; raw datapoints as ``(timestamps, values)`` lists,
        aggregates as dicts (``aggregated`` set): :func:`as_json` or the protobuf encoder render them."""
        defaults = {k: body[k] for k in _DEFAULTS if body.get(k) is not None}
        ignore_unknown = body_flag(body, "ignoreUnknownIds")
        now = now_ms()
        queries = [self._parse_query(*parts, defaults, now) for parts in _identified_items(body, MAX_QUERY_ITEMS)]
        for aggregated, maximum in ((False, MAX_RAW_LIMIT), (True, MAX_AGGREGATE_LIMIT)):
            total = sum(q.limit for q in queries if bool(q.aggregates) is aggregated)
            if total > maximum:
                kind = "aggregates" if aggregated else "raw datapoints"
                raise bad_request(
                    f"The limits of the {kind} queries add up to {total}; a request may ask for at most {maximum}"
                )
        found = self.timeseries.resolve([q.ref for q in queries], ignore_unknown=ignore_unknown)
        for series, query in zip(found, queries, strict=True):
            if series is not None and series.is_string and query.aggregates:
                raise bad_request("Aggregates are not supported for string time series")
        out = []
        for series, query in zip(found, queries, strict=True):
            if series is not None:
                out.append(self._answer(series, query))
        return out

    def _answer(self, series: Series, query: _Query) -> dict[str, Any]:
        item = series.header()
        start = query.start if query.resume is None else max(query.start, query.resume)
        if query.aggregates:
            assert query.granularity is not None
            rows = list(
                islice(
                    aggregate_rows(
                        self.reader(series.id),
                        start=query.start,
                        end=query.end,
                        resume=query.resume,
                        granularity=query.granularity,
                        aggregates=query.aggregates,
                        is_step=series.is_step,
                    ),
                    query.limit + 1,
                )
            )
            if len(rows) > query.limit:
                item["nextCursor"] = encode_cursor({"kind": "aggregates", "t": rows[query.limit]["timestamp"]})
            item["datapoints"] = rows[: query.limit]
            item["aggregated"] = True
            return item
        times, values = self.blocks.points(series.id, start, query.end, query.limit + 1)
        if query.outside:  # the neighbours outside the range; CDF gives no cursor then
            times, values = times[: query.limit], values[: query.limit]
            before, after = self.blocks.before(series.id, query.start), self.blocks.at_or_after(series.id, query.end)
            if before is not None:
                times, values = [before[0], *times], [before[1], *values]
            if after is not None:
                times.append(after[0])
                values.append(after[1])
        elif len(times) > query.limit:
            item["nextCursor"] = encode_cursor({"kind": "raw", "t": times[query.limit]})
            times, values = times[: query.limit], values[: query.limit]
        item["datapoints"] = (times, values)
        return item

    # ---- latest -----------------------------------------------------------------------------------
    def latest(self, body: dict[str, Any]) -> dict[str, Any]:
        ignore_unknown = body_flag(body, "ignoreUnknownIds")
        now = now_ms()
        refs, befores = [], []
        for where, item, ref in _identified_items(body, MAX_LATEST_ITEMS):
            refs.append(ref)
            _check_common(item, f"{where}.")
            befores.append(parse_time(item.get("before", "now"), f"{where}.before", now))
        out = []
        for series, before in zip(self.timeseries.resolve(refs, ignore_unknown=ignore_unknown), befores, strict=True):
            if series is None:
                continue
            found = self.blocks.before(series.id, before)
            out.append({**series.header(), "datapoints": [{"timestamp": found[0], "value": found[1]}] if found else []})
        return {"items": out}

    # ---- delete -----------------------------------------------------------------------------------
    def delete(self, body: dict[str, Any]) -> dict[str, Any]:
        now = now_ms()
        refs, ranges = [], []
        for where, item, ref in _identified_items(body, MAX_DELETE_ITEMS):
            refs.append(ref)
            if item.get("inclusiveBegin") is None:
                raise bad_request(f"{where}.inclusiveBegin is required")
            begin = parse_time(item["inclusiveBegin"], f"{where}.inclusiveBegin", now)
            end = begin + 1
            if item.get("exclusiveEnd") is not None:
                end = parse_time(item["exclusiveEnd"], f"{where}.exclusiveEnd", now)
            if end <= begin:
                raise bad_request(f"{where}: exclusiveEnd ({end}) must be later than inclusiveBegin ({begin})")
            ranges.append((begin, end))
        found = self.timeseries.resolve(refs)
        with self.store.transaction():
            for series, (begin, end) in zip(found, ranges, strict=True):
                assert series is not None
                self.blocks.delete_range(series.id, begin, end)
        return {}


def as_json(items: list[dict[str, Any]]) -> bytes:
    """The JSON answer of ``/timeseries/data/list`` from :meth:`DatapointService.retrieve`'s items, as bytes.

    Raw datapoints are written by hand, one format per point, instead of a dict per point through ``json.dumps``
    (three times faster: a million points took 2.4 s that way, most of the emulator's time on a large read).
    """
    parts = []
    for item in items:
        rendered = {k: v for k, v in item.items() if k not in ("aggregated", "datapoints")}
        if item.get("aggregated"):
            parts.append(_dumps({**rendered, "datapoints": item["datapoints"]}))
            continue
        times, values = item["datapoints"]
        if values and isinstance(values[0], str):
            points = ",".join([f'{{"timestamp":{t},"value":{_dumps(v)}}}' for t, v in zip(times, values, strict=True)])
        else:  # finite numbers only (inserts refuse the rest): repr is their JSON
            points = ",".join([f'{{"timestamp":{t},"value":{v!r}}}' for t, v in zip(times, values, strict=True)])
        head = _dumps(rendered)
        parts.append(f'{head[:-1]}{"," if rendered else ""}"datapoints":[{points}]}}')
    return ('{"items":[' + ",".join(parts) + "]}").encode()


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
