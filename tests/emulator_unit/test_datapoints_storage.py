"""The datapoint blocks, the hand-written protobuf encoder and the aggregates, checked against simple models:
a dict of datapoints, Cognite's own generated protobuf classes, and the same aggregates computed in one piece."""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

import pytest
from cognite.client._proto.data_point_list_response_pb2 import DataPointListResponse

from pygen.emulator._aggregates import SeriesReader, aggregate_rows
from pygen.emulator._datapoint_store import DatapointStore
from pygen.emulator._protobuf import encode_response
from pygen.emulator._store import Store
from pygen.emulator._timeargs import parse_granularity


def _all(blocks: DatapointStore, series: int) -> tuple[list[int], list[Any]]:
    return blocks.points(series, -(2**62), 2**62, 2**62)


@pytest.mark.parametrize("seed", range(4))
def test_blocks_behave_like_a_dict_of_datapoints(seed: int) -> None:
    rng = random.Random(seed)
    blocks = DatapointStore(Store(), block=16)  # small blocks: many of them, and many merges
    model: dict[int, float] = {}
    for _ in range(60):
        if rng.random() < 0.7:
            lo = rng.randrange(-500, 500)
            times = [lo + rng.randrange(0, 300) for _ in range(rng.randrange(1, 50))]
            if rng.random() < 0.5:
                times.sort()
            values = [rng.uniform(-1, 1) for _ in times]
            blocks.upsert(7, times, values)
            model.update(zip(times, values, strict=True))  # a later value for the same timestamp wins
        else:
            lo = rng.randrange(-600, 600)
            hi = lo + rng.randrange(1, 200)
            blocks.delete_range(7, lo, hi)
            model = {t: v for t, v in model.items() if not lo <= t < hi}
        expected = sorted(model)
        assert _all(blocks, 7) == (expected, [model[t] for t in expected])
        rows = blocks.store.conn.execute("SELECT first, last, length(times) FROM datapoints ORDER BY first").fetchall()
        assert all(size // 8 <= 16 for _, _, size in rows)
        assert all(left[1] < right[0] for left, right in zip(rows, rows[1:], strict=False))  # never overlapping
        for moment in (rng.randrange(-700, 700) for _ in range(5)):
            i = bisect_left(expected, moment)
            assert blocks.before(7, moment) == ((expected[i - 1], model[expected[i - 1]]) if i else None)
            assert blocks.at_or_after(7, moment) == ((expected[i], model[expected[i]]) if i < len(expected) else None)
            limited = blocks.points(7, moment, moment + 100, 20)
            window = [t for t in expected if moment <= t < moment + 100][:20]
            assert limited == (window, [model[t] for t in window])
    assert _all(blocks, 8) == ([], [])  # another series sees nothing


def test_string_blocks_round_trip() -> None:
    blocks = DatapointStore(Store())
    blocks.upsert(1, [3, 1, 2], ["c", "a", "ø"])
    blocks.upsert(1, [2], ["b"])
    assert _all(blocks, 1) == ([1, 2, 3], ["a", "b", "c"])


def test_protobuf_answer_reads_with_cognites_own_classes() -> None:
    numeric = {"id": 1, "instanceId": {"space": "s", "externalId": "x"}, "isString": False, "isStep": True}
    numeric.update(
        unit="m", nextCursor="abc", datapoints=([-5, 0, 1 << 14, 1_700_000_000_123], [1.5, 0.0, -2.25, 1e100])
    )
    text = {"id": 2, "externalId": "t", "isString": True, "isStep": False, "datapoints": ([1, 2], ["a", "ø"])}
    aggregated = {"id": 3, "isString": False, "isStep": False, "aggregated": True, "datapoints": [
        {"timestamp": 0, "average": 1.5, "count": 2, "interpolation": 0.0},
        {"timestamp": 3600000, "maxDatapoint": {"timestamp": 3600001, "value": 4.0}, "stepInterpolation": 2.0},
    ]}  # fmt: skip
    empty = {"id": 4, "isString": False, "isStep": False, "datapoints": ([], [])}
    decoded = DataPointListResponse()
    decoded.MergeFromString(encode_response([numeric, text, aggregated, empty]))
    first, second, third, fourth = decoded.items
    assert (first.id, first.instanceId.space, first.instanceId.externalId) == (1, "s", "x")
    assert (first.isStep, first.isString, first.unit, first.nextCursor, first.type) == (True, False, "m", "abc", 1)
    assert [(p.timestamp, p.value) for p in first.numericDatapoints.datapoints] == list(
        zip(*numeric["datapoints"], strict=True)
    )
    assert (second.externalId, second.type, second.WhichOneof("datapointType")) == ("t", 2, "stringDatapoints")
    assert [(p.timestamp, p.value) for p in second.stringDatapoints.datapoints] == [(1, "a"), (2, "ø")]
    rows = third.aggregateDatapoints.datapoints
    assert (rows[0].timestamp, rows[0].average, rows[0].count, rows[0].interpolation) == (0, 1.5, 2.0, 0.0)
    assert (rows[1].maxDatapoint.timestamp, rows[1].maxDatapoint.value, rows[1].stepInterpolation) == (
        3600001,
        4.0,
        2.0,
    )
    assert fourth.WhichOneof("datapointType") == "numericDatapoints" and not fourth.numericDatapoints.datapoints


def _reader(times: list[int], values: list[float], run: int) -> SeriesReader:
    """The datapoints handed out ``run`` at a time (the aggregates must not depend on where runs end)."""

    def runs(lo: int, hi: int) -> Iterator[tuple[list[int], list[float]]]:
        i, j = bisect_left(times, lo), bisect_left(times, hi)
        for k in range(i, j, run):
            yield times[k : min(k + run, j)], values[k : min(k + run, j)]

    def before(moment: int) -> tuple[int, float] | None:
        i = bisect_left(times, moment)
        return (times[i - 1], values[i - 1]) if i else None

    def at_or_after(moment: int) -> tuple[int, float] | None:
        i = bisect_left(times, moment)
        return (times[i], values[i]) if i < len(times) else None

    return SeriesReader(runs, before, at_or_after)


def _same_rows(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> bool:
    """Equal rows, floats up to rounding (sums over runs add up in another order)."""
    return len(got) == len(expected) and all(
        left.keys() == right.keys() and all(left[k] == pytest.approx(right[k], rel=1e-12, abs=1e-9) for k in left)
        for left, right in zip(got, expected, strict=True)
    )


@pytest.mark.parametrize("step", [False, True])
def test_aggregates_do_not_depend_on_runs_or_pages(step: bool) -> None:
    rng = random.Random(11)
    times = sorted(rng.sample(range(0, 40 * 3_600_000), 1000))
    times = [t for t in times if not 10 * 3_600_000 <= t < 14 * 3_600_000]  # a gap of empty hours
    values = [rng.uniform(-10, 10) for _ in times]
    names = ("average", "max", "min", "count", "sum", "interpolation", "stepInterpolation", "minDatapoint")
    granularity = parse_granularity("1h", "granularity")
    query = {
        "start": 1_234_567,
        "end": 39 * 3_600_000 + 5,
        "granularity": granularity,
        "aggregates": names,
        "is_step": step,
    }
    whole = list(aggregate_rows(_reader(times, values, len(times)), **query))
    assert {row["timestamp"] for row in whole} == {3_600_000 * k for k in range(40)}  # the gap's hours interpolated
    for run in (1, 7, 500):
        assert _same_rows(list(aggregate_rows(_reader(times, values, run), **query)), whole)
    paged: list[dict[str, Any]] = []
    resume = None
    while True:
        page = list(aggregate_rows(_reader(times, values, 64), resume=resume, **query))[:5]
        paged += page
        if len(page) < 5:
            break
        resume = page[-1]["timestamp"] + 1
    assert _same_rows(paged, whole)
