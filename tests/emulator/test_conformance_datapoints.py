"""Datapoints of CogniteTimeSeries nodes and classic time series, with Cognite's own Python SDK as the client
against a real ``pygen emulator`` process (or the CDF project tests/cdf_target.py names).

Every expected answer is computed here from the data written: the aggregates by a plain point-by-point
implementation of the definitions in docs/datapoints.md (Aggregates), never copied from an emulator answer.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import datetime
from math import isclose
from typing import Any, Literal

import httpx
import numpy as np
import pytest
from _sdk_service import Service, sdk_service
from cognite.client.data_classes import TimeSeriesWrite
from cognite.client.data_classes.data_modeling import (
    ContainerApply,
    ContainerProperty,
    MappedPropertyApply,
    NodeApply,
    NodeId,
    NodeOrEdgeData,
    ViewApply,
    ViewId,
)
from cognite.client.data_classes.data_modeling.cdm.v1 import CogniteTimeSeriesApply
from cognite.client.data_classes.data_modeling.data_types import TimeSeriesReference
from cognite.client.exceptions import CogniteAPIError, CogniteDuplicatedError, CogniteNotFoundError

HOUR = 3_600_000
DAY = 24 * HOUR
MINUTE = 60_000
AGGREGATES = ["average", "min", "max", "count", "sum"]


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    with sdk_service() as running:
        yield running


@pytest.fixture(scope="module")
def space(service: Service) -> str:
    return service.fresh_space("dp")


def core_series(
    service: Service, space: str, xid: str, *, kind: Literal["numeric", "string"] = "numeric", step: bool = False
) -> NodeId:
    """A CogniteTimeSeries node (it IS the time series: datapoints go to its instance id)."""
    service.client.data_modeling.instances.apply(
        CogniteTimeSeriesApply(space, xid, time_series_type=kind, is_step=step, name=xid)
    )
    return NodeId(space, xid)


def ms(moment: datetime | None) -> int:
    assert moment is not None
    return round(moment.timestamp() * 1000)


def reference_aggregates(
    times: np.ndarray, values: np.ndarray, start: int, end: int, width: int
) -> dict[str, np.ndarray]:
    """Per interval with datapoints: its start, count, sum, min, max and average, with numpy. Intervals from
    ``start`` rounded down to ``width`` (a whole unit here); average = the integral of the function linear
    between datapoints over the part of the interval where it is defined, divided by that part's length."""
    anchor = start - start % width
    index = (times - anchor) // width  # the interval of each datapoint
    starts, first = np.unique(index, return_index=True)
    lo = anchor + starts * width
    hi = lo + width
    # The function on a grid of every datapoint and every interval boundary inside the data, segment by segment.
    edges = np.concatenate([lo, hi])
    grid = np.union1d(times, edges[(edges > times[0]) & (edges < times[-1])])
    at = np.interp(grid, times, values)
    areas = (at[1:] + at[:-1]) / 2 * np.diff(grid)
    # Each segment belongs to the interval its left end is in; an interval's segments run from its start (or
    # the first datapoint) to its end (or the last datapoint).
    owner = np.searchsorted(lo, grid[:-1], side="right") - 1
    inside = grid[:-1] < hi[owner]
    area = np.bincount(owner[inside], weights=areas[inside], minlength=len(lo))
    span = np.bincount(owner[inside], weights=np.diff(grid)[inside], minlength=len(lo))
    return {
        "timestamp": lo,
        "count": np.diff(np.append(first, len(times))),
        "sum": np.add.reduceat(values, first),
        "min": np.minimum.reduceat(values, first),
        "max": np.maximum.reduceat(values, first),
        "average": np.where(span > 0, area / np.where(span > 0, span, 1), values[first]),
    }


def assert_close(got: list[float], expected: list[float], what: str) -> None:
    assert len(got) == len(expected), what
    bad = [
        (i, a, b)
        for i, (a, b) in enumerate(zip(got, expected, strict=True))
        if not isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    ]
    assert not bad, f"{what}: {len(bad)} differ, first {bad[:3]}"


def insert_body(ref: dict[str, Any], *points: Any, **extra: Any) -> dict[str, Any]:
    """An insert body with one item: ``points`` as given (``(timestamp, value)`` pairs become objects)."""
    datapoints = [{"timestamp": p[0], "value": p[1]} if isinstance(p, tuple) else p for p in points]
    return {"items": [{"instanceId": ref, **extra, "datapoints": datapoints}]}


def error_of(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == status and isinstance(error["message"], str)
    return dict(error)


# ------------------------------------------------------------------------------------------ many datapoints

#: Three inserts of CDF's 100,000 and three raw pages: the SDK's batching and paging against the emulator. The
#: million-datapoint round trip runs through pygen's own runtime (tests/instances/test_datapoints_e2e.py), where
#: the SDK's own preparation of the values does not dominate the suite's time.
MANY = 300_000


@pytest.mark.once  # the emulator and the SDK do the same work whatever Python runs pytest
@pytest.mark.slow
def test_many_datapoints_raw_aggregates_latest_delete(service: Service, space: str) -> None:
    rng = np.random.default_rng(20240101)
    base = 1_704_068_243_456  # 2024-01-01T00:17:23.456Z: not on an hour, so the first intervals start before it
    times = base + np.concatenate([[0], np.cumsum(rng.integers(500, 1500, size=MANY - 1))])
    values = rng.uniform(-1000.0, 1000.0, size=MANY)
    node = core_series(service, space, "many")
    client = service.client
    began = time.perf_counter()
    # The SDK sends them 100,000 to a request (CDF's limit).
    client.time_series.data.insert(list(zip(times.tolist(), values.tolist(), strict=True)), instance_id=node)
    inserted = time.perf_counter()

    end = int(times[-1]) + 1
    raw = client.time_series.data.retrieve_arrays(instance_id=node, start=int(times[0]), end=end)
    assert raw.instance_id == node and raw.is_string is False
    assert np.array_equal(raw.timestamp.astype("datetime64[ms]").astype(np.int64), times)
    assert np.array_equal(raw.value, values)
    read = time.perf_counter()

    for granularity, width in (("1h", HOUR), ("1d", DAY)):
        got = client.time_series.data.retrieve_arrays(
            instance_id=node, start=int(times[0]), end=end, aggregates=AGGREGATES, granularity=granularity
        )
        expected = reference_aggregates(times, values, int(times[0]), end, width)
        assert np.array_equal(got.timestamp.astype("datetime64[ms]").astype(np.int64), expected["timestamp"]), (
            granularity
        )
        assert np.array_equal(got.count, expected["count"]) and int(got.count.sum()) == len(times)
        assert np.array_equal(got.min, expected["min"]) and np.array_equal(got.max, expected["max"])
        for name in ("sum", "average"):
            assert np.allclose(getattr(got, name), expected[name], rtol=1e-9, atol=1e-6), (granularity, name)
    aggregated = time.perf_counter()

    latest = client.time_series.data.retrieve_latest(instance_id=node)
    assert latest is not None and ms(latest.timestamp) == times[-1] and latest.value == values[-1]
    earlier = client.time_series.data.retrieve_latest(instance_id=node, before=int(times[MANY // 2]))
    half = MANY // 2 - 1
    assert earlier is not None and ms(earlier.timestamp) == times[half] and earlier.value == values[half]

    client.time_series.data.delete_range(start=int(times[1000]), end=int(times[2000]), instance_id=node)
    around = client.time_series.data.retrieve(instance_id=node, start=int(times[990]), end=int(times[2010]))
    assert around.timestamp == [*times[990:1000].tolist(), *times[2000:2010].tolist()]
    print(  # shown with -s: where the time goes
        f"insert {inserted - began:.1f} s, raw read {read - inserted:.1f} s, "
        f"hourly+daily aggregates {aggregated - read:.1f} s"
    )


# ---------------------------------------------------------------------------------------------- raw reads


def test_raw_paging_cursor_outside_points_and_relative_times(service: Service, space: str) -> None:
    node = core_series(service, space, "paged")
    now = int(time.time() * 1000)
    times = [now - 3 * DAY + i * 10_000 for i in range(25_000)]  # 10 s apart, ending ~6 h ago
    values = [float(i) for i in range(len(times))]
    service.client.time_series.data.insert(list(zip(times, values, strict=True)), instance_id=node)
    ref = {"space": space, "externalId": "paged"}
    with service.http() as http:
        pages, cursor = [], None
        while True:
            item: dict[str, Any] = {"instanceId": ref, "start": times[0], "end": times[-1] + 1, "limit": 10_000}
            if cursor:
                item["cursor"] = cursor
            answer = http.post("/timeseries/data/list", json={"items": [item]}).json()["items"][0]
            assert answer["instanceId"] == ref and answer["isString"] is False
            pages.append([point["timestamp"] for point in answer["datapoints"]])
            cursor = answer.get("nextCursor")
            if not cursor:
                break
        assert [len(page) for page in pages] == [10_000, 10_000, 5_000]
        assert [t for page in pages for t in page] == times

        # The last datapoint before start and the first at or after end come with includeOutsidePoints.
        outside = {"instanceId": ref, "start": times[100], "end": times[200], "limit": 0, "includeOutsidePoints": True}
        answer = http.post("/timeseries/data/list", json={"items": [outside]}).json()["items"][0]
        assert [p["timestamp"] for p in answer["datapoints"]] == [times[99], times[200]]

        # Relative times: the last 2 days (the data ends ~6 h ago and began 3 days ago).
        recent = {"instanceId": ref, "start": "2d-ago", "end": "now", "limit": 100_000}
        answer = http.post("/timeseries/data/list", json={"items": [recent]}).json()["items"][0]
        got = [p["timestamp"] for p in answer["datapoints"]]
        assert got and got == times[-len(got) :]
        assert abs(got[0] - (now - 2 * DAY)) < 60_000  # a minute's slack for the time between the two clocks


# ---------------------------------------------------------------------------------------------- aggregates


POINTS = [(10, 10.0), (50, 50.0), (70, 30.0), (200, 0.0)]  # (minutes after H, value); nothing in hour 2


@pytest.mark.unconfirmed  # interpolated empty intervals and the partly defined first/last intervals
@pytest.mark.parametrize("step", [False, True])
def test_aggregate_alignment_average_and_interpolation(service: Service, space: str, step: bool) -> None:
    xid = f"hand_{'step' if step else 'linear'}"
    node = core_series(service, space, xid, step=step)
    h = 1_709_251_200_000  # 2024-03-01T00:00:00Z
    service.client.time_series.data.insert([(h + m * MINUTE, v) for m, v in POINTS], instance_id=node)
    wanted = [*AGGREGATES, "interpolation", "stepInterpolation"]
    item = {
        "instanceId": {"space": space, "externalId": xid},
        "start": h + 15 * MINUTE,  # mid-hour: the first interval still starts at H
        "end": h + 4 * HOUR,
        "granularity": "1h",
        "aggregates": wanted,
        "limit": 100,
    }
    with service.http() as http:
        rows = http.post("/timeseries/data/list", json={"items": [item]}).json()["items"][0]["datapoints"]
    # The value at 60 and 120 and 180 minutes, from the neighbouring datapoints.
    f60, f120, f180 = (50.0, 30.0, 30.0) if step else (40.0, 30 - 30 * 50 / 130, 30 - 30 * 110 / 130)
    if step:
        averages = [(10 * 40 + 50 * 10) / 50, (50 * 10 + 30 * 50) / 60, None, (30 * 20 + 0 * 40) / 60]
    else:
        averages = [
            ((10 + 50) / 2 * 40 + (50 + f60) / 2 * 10) / 50,  # defined from the first datapoint at 10 min
            ((f60 + 30) / 2 * 10 + (30 + f120) / 2 * 50) / 60,
            None,
            ((f180 + 0) / 2 * 20) / 20,  # undefined after the last datapoint (linear)
        ]
    expected: list[dict[str, Any]] = [
        {"timestamp": h, "count": 2, "sum": 60.0, "min": 10.0, "max": 50.0, "average": averages[0]},
        {"timestamp": h + HOUR, "count": 1, "sum": 30.0, "min": 30.0, "max": 30.0, "average": averages[1],
         "interpolation": f60, "stepInterpolation": 50.0},
        {"timestamp": h + 2 * HOUR, "interpolation": f120, "stepInterpolation": 30.0},
        {"timestamp": h + 3 * HOUR, "count": 1, "sum": 0.0, "min": 0.0, "max": 0.0, "average": averages[3],
         "interpolation": f180, "stepInterpolation": 30.0},
    ]  # fmt: skip
    assert [row["timestamp"] for row in rows] == [row["timestamp"] for row in expected]
    for got, want in zip(rows, expected, strict=True):
        assert set(got) == set(want), got
        for name, value in want.items():
            assert isclose(got[name], value, rel_tol=1e-12), (name, got, want)

    # After the last datapoint: only the first interval of the request has a value, and only the step one.
    later = {**item, "start": h + 5 * HOUR, "end": h + 9 * HOUR, "aggregates": ["interpolation", "stepInterpolation"]}
    with service.http() as http:
        rows = http.post("/timeseries/data/list", json={"items": [later]}).json()["items"][0]["datapoints"]
    if step:
        assert rows == [{"timestamp": h + 5 * HOUR, "interpolation": 0.0, "stepInterpolation": 0.0}]
    else:
        assert rows == [{"timestamp": h + 5 * HOUR, "stepInterpolation": 0.0}]


def test_aggregate_paging_and_sdk_alignment(service: Service, space: str) -> None:
    node = core_series(service, space, "minutes")
    h = 1_709_251_200_000
    points = [(h + i * MINUTE, float(i % 7)) for i in range(3 * 24 * 60)]  # three days, one a minute
    service.client.time_series.data.insert(points, instance_id=node)
    # 4320 minutes in pages of 1000 intervals (the cursor carries the position).
    item = {"instanceId": {"space": space, "externalId": "minutes"}, "start": h, "end": h + 3 * DAY}
    item.update(granularity="1m", aggregates=["count", "sum"], limit=1000)
    seen: list[int] = []
    with service.http() as http:
        while True:
            answer = http.post("/timeseries/data/list", json={"items": [item]}).json()["items"][0]
            seen += [row["timestamp"] for row in answer["datapoints"]]
            if "nextCursor" not in answer:
                break
            item["cursor"] = answer["nextCursor"]
    assert seen == [t for t, _ in points]
    # The SDK splits and aligns by itself; 3h intervals start on the whole hour of the start.
    got = service.client.time_series.data.retrieve(
        instance_id=node, start=h + 30 * MINUTE, end=h + DAY, aggregates=["count", "sum"], granularity="3h"
    )
    assert got.timestamp == [h + k * 3 * HOUR for k in range(8)]
    assert got.count == [180] * 8
    assert got.sum == [float(sum(i % 7 for i in range(k * 180, (k + 1) * 180))) for k in range(8)]


# ---------------------------------------------------------------------------------------------- string series


def test_string_series(service: Service, space: str) -> None:
    node = core_series(service, space, "states", kind="string")
    h = 1_709_251_200_000
    points = [(h + i * 1000, f"state-{i % 3}") for i in range(1000)]
    client = service.client
    client.time_series.data.insert(points, instance_id=node)
    got = client.time_series.data.retrieve(instance_id=node, start=h, end=h + DAY)
    assert got.is_string is True and got.value == [v for _, v in points]
    latest = client.time_series.data.retrieve_latest(instance_id=node)
    assert latest is not None and latest.value == "state-0"
    with pytest.raises(CogniteAPIError) as refused:
        client.time_series.data.retrieve(instance_id=node, start=h, end=h + DAY, aggregates="count", granularity="1h")
    assert refused.value.code == 400
    assert refused.value.message == "Aggregates are not supported for string time series"
    with pytest.raises(CogniteAPIError) as wrong_type:
        client.time_series.data.insert([(h, 1.5)], instance_id=node)
    assert wrong_type.value.code == 400
    if service.is_emulator:
        assert "a string time series takes strings" in wrong_type.value.message


# ---------------------------------------------------------------------------------------------- errors and limits


def test_unknown_instance_ids_are_missing(service: Service, space: str) -> None:
    client = service.client
    nowhere = NodeId(space, "no-such-node")
    with pytest.raises(CogniteNotFoundError) as missing:
        client.time_series.data.insert([(0, 1.0)], instance_id=nowhere)
    assert missing.value.code == 400 and missing.value.message == "Time series not found"
    assert missing.value.not_found == [{"instanceId": {"space": space, "externalId": "no-such-node"}}]
    # A node that is not a time series is not found either.
    client.data_modeling.instances.apply(NodeApply(space, "plain-node"))
    with service.http() as http:
        plain = {"space": space, "externalId": "plain-node"}
        error = error_of(http.post("/timeseries/data", json=insert_body(plain, (0, 1))))
        assert error["message"] == "Time series not found"
        assert error["missing"] == [{"instanceId": {"space": space, "externalId": "plain-node"}}]
        query = {"items": [{"instanceId": {"space": space, "externalId": "no-such-node"}}], "ignoreUnknownIds": True}
        assert http.post("/timeseries/data/list", json=query).json() == {"items": []}
    assert client.time_series.data.retrieve(instance_id=nowhere, ignore_unknown_ids=True) is None
    assert client.time_series.data.retrieve_latest(instance_id=nowhere, ignore_unknown_ids=True) is None


def test_limits_and_bad_requests(service: Service, space: str) -> None:
    core_series(service, space, "limits")
    ref = {"space": space, "externalId": "limits"}
    h = 1_709_251_200_000
    with service.http() as http:

        def refused(path: str, body: dict[str, Any], *wording: str) -> None:
            error = error_of(http.post(path, json=body))
            if service.is_emulator:
                for text in wording:
                    assert text in error["message"], error

        too_many = [(h + i, 1.0) for i in range(100_001)]
        refused("/timeseries/data", insert_body(ref, *too_many), "at most 100000 datapoints")
        split = insert_body(ref, *too_many[:60_000])
        split["items"] += insert_body(ref, *too_many[60_000:])["items"]
        refused("/timeseries/data", split, "at most 100000 datapoints")
        refused("/timeseries/data/list", {"items": [{"instanceId": ref, "limit": 100_001}]}, "between 0 and 100000")
        aggregate = {"instanceId": ref, "aggregates": ["count"], "granularity": "1h"}
        refused("/timeseries/data/list", {"items": [{**aggregate, "limit": 10_001}]}, "between 0 and 10000")
        refused(
            "/timeseries/data/list",
            {"items": [{"instanceId": ref, "limit": 60_000}, {"instanceId": ref, "limit": 60_000}]},
            "add up to 120000",
        )
        refused("/timeseries/data/list", {"items": [{"instanceId": ref}] * 101}, "between 1 and 100")
        error = error_of(
            http.post("/timeseries/data/list", json={"items": [{**aggregate, "aggregates": ["min-max-lol"]}]})
        )
        assert error["message"] == "Could not recognize aggregation value: 'min-max-lol'." or not service.is_emulator
        refused("/timeseries/data/list", {"items": [{**aggregate, "granularity": "1fortnight"}]}, "granularity")
        refused("/timeseries/data/list", {"items": [{"instanceId": ref, "start": 10, "end": 5}]}, "must be later")
        refused("/timeseries/data/list", {"items": [{"instanceId": ref, "cursor": "not-a-cursor"}]}, "cursor")
        if service.is_emulator:  # a cursor that decodes, but to a position no timestamp can have
            beyond = base64.urlsafe_b64encode(json.dumps({"kind": "raw", "t": 10**30}).encode()).decode()
            refused("/timeseries/data/list", {"items": [{"instanceId": ref, "cursor": beyond}]}, "cursor")
        refused(
            "/timeseries/data/list", {"items": [{**aggregate, "includeOutsidePoints": True}]}, "includeOutsidePoints"
        )
        year_2100 = 4_102_444_800_000
        refused("/timeseries/data", insert_body(ref, (year_2100, 1)), "timestamp")
        refused("/timeseries/data", insert_body(ref, (h, 1e101)), "1e100")
        refused("/timeseries/data", insert_body(ref, (h, "x")), "takes numbers")
        refused("/timeseries/data", insert_body(ref, [h, 1.0]), "timestamp and value")
        refused("/timeseries/data", insert_body(ref), "at least 1 datapoint")
        refused("/timeseries/data", insert_body(ref, (h, 1), id=1), "exactly one")
        refused("/timeseries/data/delete", {"items": [{"instanceId": ref}]}, "inclusiveBegin")
        refused("/timeseries/data/latest", {"items": [{"instanceId": ref, "before": "yesterday"}]}, "not a time")
        refused("/timeseries/data/latest", {"items": [{"instanceId": ref}] * 101}, "between 1 and 100")


def test_delete_ranges_are_inclusive_exclusive(service: Service, space: str) -> None:
    node = core_series(service, space, "deleting")
    h = 1_709_251_200_000
    service.client.time_series.data.insert([(h + i, float(i)) for i in range(10)], instance_id=node)
    ref = {"space": space, "externalId": "deleting"}
    ranges = [
        {"instanceId": ref, "inclusiveBegin": h + 2, "exclusiveEnd": h + 5},
        {"instanceId": ref, "inclusiveBegin": h + 8},
    ]
    with service.http() as http:
        http.post("/timeseries/data/delete", json={"items": ranges}).raise_for_status()
    got = service.client.time_series.data.retrieve(instance_id=node, start=h, end=h + 10)
    assert got.timestamp == [h + i for i in (0, 1, 5, 6, 7, 9)]


# ---------------------------------------------------------------------------------------------- classic time series


def test_classic_time_series_by_external_id_and_a_node_naming_it(service: Service, space: str) -> None:
    client = service.client
    xid = service.xid("pygen-dp-classic", "ts")
    created = client.time_series.create(TimeSeriesWrite(external_id=xid, name="classic", unit="m3/h"))
    assert created.id and created.external_id == xid and created.is_string is False
    with pytest.raises(CogniteDuplicatedError) as twice:
        client.time_series.create(TimeSeriesWrite(external_id=xid, name="again"))
    assert twice.value.duplicated == [{"externalId": xid}]
    h = 1_709_251_200_000
    client.time_series.data.insert([(h + i * 1000, float(i)) for i in range(100)], external_id=xid)
    by_xid = client.time_series.data.retrieve(external_id=xid, start=h, end=h + DAY)
    by_id = client.time_series.data.retrieve(id=created.id, start=h, end=h + DAY)
    assert by_xid.value == by_id.value == [float(i) for i in range(100)]
    assert by_xid.unit == "m3/h"

    # An older model names classic time series in a `timeseries` property: write the node, read it back,
    # and follow the name to the time series and its datapoints.
    container = ContainerApply(space, "Meter", {"flow": ContainerProperty(TimeSeriesReference())})
    client.data_modeling.containers.apply(container)
    view = ViewApply(space, "Meter", "v1", properties={"flow": MappedPropertyApply(container.as_id(), "flow")})
    client.data_modeling.views.apply(view)
    meter = ViewId(space, "Meter", "v1")
    client.data_modeling.instances.apply(NodeApply(space, "meter-1", sources=[NodeOrEdgeData(meter, {"flow": xid})]))
    node = client.data_modeling.instances.retrieve_nodes(NodeId(space, "meter-1"), sources=meter)
    assert node is not None
    named = node.properties[meter]["flow"]
    assert named == xid
    series = client.time_series.retrieve(external_id=str(named))
    assert series is not None and series.id == created.id and series.name == "classic"
    several = client.time_series.retrieve_multiple(external_ids=[xid, "pygen-no-such"], ignore_unknown_ids=True)
    assert several.as_ids() == [created.id]
    listed = client.time_series.list(external_id_prefix=xid, limit=10)
    assert [ts.external_id for ts in listed] == [xid]
    # A CogniteTimeSeries node is a time series to the time series API too.
    core = core_series(service, space, "core-listed")
    found = client.time_series.retrieve(instance_id=core)
    assert found is not None and found.instance_id == core and found.is_string is False


def test_classic_time_series_update_and_upsert(service: Service, space: str) -> None:
    """``/timeseries/update`` as cognite-sdk drives it: update by object and by patch, and ``upsert`` (create the
    missing, update the existing), what pygen's nested write of classic series relies on."""
    from cognite.client.data_classes import TimeSeriesUpdate

    client = service.client
    xid = service.xid("pygen-dp-update", "ts")
    client.time_series.create(TimeSeriesWrite(external_id=xid, name="before", unit="bar", metadata={"a": "1"}))
    patched = client.time_series.update(
        TimeSeriesUpdate(external_id=xid).name.set("after").metadata.add({"b": "2"}).unit.set(None)
    )
    assert (patched.name, patched.metadata, patched.unit) == ("after", {"a": "1", "b": "2"}, None)
    again = client.time_series.retrieve(external_id=xid)
    assert again is not None and (again.name, again.unit, again.is_step) == ("after", None, False)

    fresh = service.xid("pygen-dp-upsert", "ts")
    upserted = client.time_series.upsert(
        [TimeSeriesWrite(external_id=xid, name="upserted", is_step=True), TimeSeriesWrite(external_id=fresh)],
        mode="patch",
    )
    assert {ts.external_id: (ts.name, ts.is_step) for ts in upserted} == {xid: ("upserted", True), fresh: (None, False)}

    # Unknown series, fixed fields and bad values are 400s.
    with pytest.raises(CogniteNotFoundError) as missing:
        client.time_series.update(TimeSeriesUpdate(external_id="pygen-no-such-series").name.set("x"))
    assert missing.value.not_found == [{"externalId": "pygen-no-such-series"}]
    with service.http() as raw:
        if service.is_emulator:  # CDF lets a few legacy fields of a node's series change here; the emulator none
            core = core_series(service, space, "core-not-updated")
            body = {"items": [{"instanceId": {"space": core.space, "externalId": core.external_id}, "update": {}}]}
            assert "belongs to the node" in error_of(raw.post("/timeseries/update", json=body))["message"]
        body = {"items": [{"externalId": xid, "update": {"isString": {"set": True}}}]}
        fixed = error_of(raw.post("/timeseries/update", json=body))
        assert "isString cannot be changed after creation" in fixed["message"]
        body = {"items": [{"externalId": xid, "update": {"name": {"set": "x" * 256}}}]}
        too_long = error_of(raw.post("/timeseries/update", json=body))
        assert "items[0].update.name.set size must be between 0 and 255" in too_long["message"]
        body = {"items": [{"externalId": xid, "update": {"name": {"add": "x"}}}]}
        no_operation = error_of(raw.post("/timeseries/update", json=body))
        assert 'must be {"set": value} or {"setNull": true}' in no_operation["message"]
