"""client.datapoints against a fake of CDF's time series data endpoints (tests/instances/_datapoints_fake.py).

The shapes of the requests: series packed 100 a request and sharing the datapoints budget, cursors
followed, limits per series, inserts cut at 100,000 datapoints and 10,000 series, deletes at 10,000 ranges,
latest at 100 series; times converted (naive datetimes refused); results as arrays and data frames.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from _datapoints_fake import SPACE, FakeCDF, config, connect

from pygen.instances import (
    AsyncInstanceClient,
    Datapoint,
    Datapoints,
    DatapointsError,
    DatapointsList,
    FileRef,
    InstanceClient,
    NodeId,
    NodeWrite,
    TimeSeriesRef,
    ViewId,
)
from pygen.instances._datapoints import to_ms
from pygen.transport import AsyncHTTPClient, BadRequestError

T0 = int(datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)


@pytest.fixture
def fake() -> FakeCDF:
    return FakeCDF()


@pytest.fixture
def client(fake: FakeCDF) -> Iterator[InstanceClient]:
    with connect(fake) as instance_client:
        yield instance_client


def _node(xid: str) -> dict[str, Any]:
    return {"instanceId": {"space": SPACE, "externalId": xid}}


def _fill(fake: FakeCDF, xid: str, n: int, step: int = 1000, is_string: bool = False) -> None:
    fake.add(_node(xid), is_string)
    values = [f"v{i}" for i in range(n)] if is_string else [float(i) for i in range(n)]
    fake.series[("instanceId", SPACE, xid)].set([T0 + i * step for i in range(n)], values)


def _lists(fake: FakeCDF) -> list[dict[str, Any]]:
    return [body for method, path, body in fake.requests if path == "/timeseries/data/list"]


# ---------------------------------------------------------------------------------------------- times


def test_times_are_epoch_ms_aware_datetimes_or_cdf_relative_strings() -> None:
    assert to_ms(datetime(2024, 1, 1, tzinfo=timezone.utc), "start") == T0
    assert to_ms(datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))), "start") == T0
    assert to_ms(T0, "start") == T0
    assert to_ms("now", "end", now=T0) == T0
    assert to_ms("2d-ago", "start", now=T0) == T0 - 2 * 86_400_000
    assert to_ms("3h-ahead", "end", now=T0) == T0 + 3 * 3_600_000
    assert to_ms("1w-ago", "start", now=T0) == T0 - 7 * 86_400_000
    with pytest.raises(ValueError, match="naive datetime: give it a timezone"):
        to_ms(datetime(2024, 1, 1), "start")
    with pytest.raises(ValueError, match="not a time CDF understands"):
        to_ms("yesterday", "start")
    with pytest.raises(TypeError):
        to_ms(True, "start")


def test_a_naive_datetime_is_refused_before_any_request(client: InstanceClient, fake: FakeCDF) -> None:
    _fill(fake, "ts", 3)
    with pytest.raises(ValueError, match="start=datetime.datetime\\(2024, 1, 1, 0, 0\\) is a naive datetime"):
        client.datapoints.retrieve("ts", start=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        client.datapoints.insert("ts", [(datetime(2024, 1, 1), 1.0)])
    assert fake.requests == []


# ---------------------------------------------------------------------------------------------- retrieve


def test_one_series_is_read_through_its_cursor_100000_a_request(client: InstanceClient, fake: FakeCDF) -> None:
    _fill(fake, "ts", 250_000)
    dps = client.datapoints.retrieve("ts", start=T0, end="now")
    assert isinstance(dps, Datapoints) and dps.id == NodeId(SPACE, "ts")
    assert len(dps) == 250_000 and dps.timestamps[0] == T0 and dps.values is not None and dps.values[-1] == 249_999.0
    assert dps.timestamps.typecode == "q" and dps.values.typecode == "d"  # type: ignore[union-attr]
    bodies = _lists(fake)
    assert [b["items"][0]["limit"] for b in bodies] == [100_000, 100_000, 100_000]
    assert ["cursor" in b["items"][0] for b in bodies] == [False, True, True]
    first = bodies[0]["items"][0]
    assert first["instanceId"] == {"space": SPACE, "externalId": "ts"} and first["start"] == T0
    assert all(b["items"][0]["end"] == first["end"] for b in bodies)  # "now" is resolved once per call
    assert dps.cursor is None


def test_a_node_object_names_its_series(client: InstanceClient, fake: FakeCDF) -> None:
    class SeriesWrite(NodeWrite):
        _view_id = ViewId("cdf_cdm", "CogniteTimeSeries", "v1")
        name: str | None = None

    _fill(fake, "ts", 3)
    node = SeriesWrite(external_id="ts", name="pressure")
    assert len(client.datapoints.retrieve(node)) == 3  # a pydantic model is iterable, yet one series
    assert [len(d) for d in client.datapoints.retrieve([node, node])] == [3]  # the same series once
    assert client.datapoints.latest(node) == Datapoint(T0 + 2000, 2.0)


def test_many_series_share_requests_100_series_at_a_time(client: InstanceClient, fake: FakeCDF) -> None:
    for i in range(250):
        _fill(fake, f"ts{i}", 10)
    result = client.datapoints.retrieve([f"ts{i}" for i in range(250)])
    assert isinstance(result, DatapointsList) and len(result) == 250
    assert [d.id.external_id for d in result][:3] == ["ts0", "ts1", "ts2"]
    assert all(len(d) == 10 for d in result)
    bodies = _lists(fake)
    assert [len(b["items"]) for b in bodies] == [100, 100, 50]
    assert all(sum(item["limit"] for item in b["items"]) <= 100_000 for b in bodies)
    assert bodies[0]["items"][0]["limit"] == 1000 and bodies[2]["items"][0]["limit"] == 2000


def test_dense_series_get_the_budget_once_sparse_ones_are_done(client: InstanceClient, fake: FakeCDF) -> None:
    _fill(fake, "dense", 150_000)
    for i in range(99):
        _fill(fake, f"sparse{i}", 5)
    result = client.datapoints.retrieve(["dense", *[f"sparse{i}" for i in range(99)]])
    assert len(result[0]) == 150_000 and all(len(d) == 5 for d in result[1:])
    bodies = _lists(fake)
    assert [len(b["items"]) for b in bodies[:2]] == [100, 1]
    assert bodies[1]["items"][0]["limit"] == 100_000 and bodies[1]["items"][0]["cursor"]
    assert len(bodies) == 3  # 1,000 + 100,000 + the last 49,000


def test_limit_is_per_series_and_a_small_limit_leaves_budget_to_the_others(
    client: InstanceClient, fake: FakeCDF
) -> None:
    _fill(fake, "a", 300_000)
    _fill(fake, "b", 300_000)
    result = client.datapoints.retrieve(["a", "b"], limit=120_000)
    assert [len(d) for d in result] == [120_000, 120_000]
    assert result[0].cursor is not None  # the series goes on: the cursor resumes it
    bodies = _lists(fake)
    assert [[i["limit"] for i in b["items"]] for b in bodies] == [[50_000, 50_000], [50_000, 50_000], [20_000, 20_000]]
    small = client.datapoints.retrieve(["a", "b"], limit=-1, start=T0 + 299_990_000)
    assert [len(d) for d in small] == [10, 10]
    assert client.datapoints.retrieve("a", limit=0).values is not None


def test_pages_stream_pieces_and_a_cursor_resumes(client: InstanceClient, fake: FakeCDF) -> None:
    _fill(fake, "ts", 2500)
    pieces = list(client.datapoints.pages("ts", page_size=1000))
    assert [len(p) for p in pieces] == [1000, 1000, 500]
    assert pieces[1].timestamps[0] == T0 + 1000 * 1000 and pieces[-1].cursor is None
    first = next(client.datapoints.pages("ts", page_size=1000, limit=1000))
    rest = list(client.datapoints.pages("ts", page_size=1000, cursor=first.cursor))
    assert sum(len(p) for p in rest) == 1500 and rest[0].timestamps[0] == T0 + 1000 * 1000
    with pytest.raises(ValueError, match="page_size must be an integer from 1 to 100000"):
        client.datapoints.pages("ts", page_size=100_001)
    with pytest.raises(ValueError, match="one id"):
        client.datapoints.pages(["ts", "x"], cursor="abc")


def test_the_next_page_is_asked_for_before_this_one_is_handed_on(client: InstanceClient, fake: FakeCDF) -> None:
    """Once a response's cursors are read the next request goes out (a worker thread) while this page's arrays
    are built and consumed; a read that stops early asks for at most one page more."""
    _fill(fake, "ts", 2500)
    lists = lambda: sum(1 for _, path, _ in fake.requests if path.endswith("/timeseries/data/list"))  # noqa: E731
    pages = client.datapoints.pages("ts", page_size=1000)
    first = next(pages)
    waited = 0.0
    while lists() < 2 and waited < 10:  # the worker sends it without this consumer asking for page two
        time.sleep(0.01)
        waited += 0.01
    assert len(first) == 1000 and lists() == 2
    pages.close()  # stops: the request in flight is awaited, no third one
    assert lists() == 2
    single = list(client.datapoints.pages("ts", page_size=5000))  # one page: no worker thread, one request
    assert [len(p) for p in single] == [2500] and lists() == 3


def test_aggregates_per_granularity_in_arrays_of_cdf_names(client: InstanceClient, fake: FakeCDF) -> None:
    _fill(fake, "ts", 7200, step=1000)  # two hours of one value a second
    dps = client.datapoints.retrieve(
        "ts", start=T0, end=T0 + 7_200_000, aggregates=["average", "count", "max"], granularity="1h"
    )
    assert dps.values is None and dps.granularity == "1h"
    assert list(dps.timestamps) == [T0, T0 + 3_600_000]
    assert list(dps.aggregates["count"]) == [3600, 3600]
    assert list(dps.aggregates["average"]) == [1799.5, 5399.5] and list(dps.aggregates["max"]) == [3599, 7199]
    body = _lists(fake)[0]["items"][0]
    assert body["aggregates"] == ["average", "count", "max"] and body["granularity"] == "1h" and body["limit"] == 10_000
    with pytest.raises(TypeError, match="aggregates are not"):
        list(dps)
    with pytest.raises(ValueError, match="aggregates and granularity go together"):
        client.datapoints.retrieve("ts", aggregates="average")
    with pytest.raises(ValueError, match="unknown aggregate"):
        client.datapoints.retrieve("ts", aggregates="mean", granularity="1h")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="granularity 'hourly'"):
        client.datapoints.retrieve("ts", aggregates="average", granularity="hourly")


def test_aggregates_share_the_10000_budget(client: InstanceClient, fake: FakeCDF) -> None:
    for i in range(3):
        _fill(fake, f"ts{i}", 6000, step=60_000)  # 100 hours each
    result = client.datapoints.retrieve(["ts0", "ts1", "ts2"], aggregates="sum", granularity="1m")
    assert [len(d) for d in result] == [6000] * 3
    assert [[i["limit"] for i in b["items"]] for b in _lists(fake)] == [[3333, 3333, 3334], [3333, 3333, 3334]]
    assert all(sum(i["limit"] for i in b["items"]) <= 10_000 for b in _lists(fake))


def test_strings_unknown_ids_refs_and_target_units(client: InstanceClient, fake: FakeCDF) -> None:
    _fill(fake, "s", 3, is_string=True)
    fake.add({"externalId": "classic"})
    fake.series[("externalId", "classic")].set([T0], [1.0])
    dps = client.datapoints.retrieve("s")
    assert dps.is_string and dps.values == ["v0", "v1", "v2"] and list(dps)[0] == Datapoint(T0, "v0")
    assert list(dps)[0].time == datetime(2024, 1, 1, tzinfo=timezone.utc)
    classic = client.datapoints.retrieve(TimeSeriesRef("classic"), target_unit="temperature:deg_c")
    assert classic.id == TimeSeriesRef("classic") and len(classic) == 1
    assert _lists(fake)[-1]["items"][0] == {
        "externalId": "classic",
        "targetUnit": "temperature:deg_c",
        "limit": 100_000,
    }
    with pytest.raises(BadRequestError) as info:
        client.datapoints.retrieve(["s", "nope"])
    assert info.value.missing == [{"instanceId": {"space": SPACE, "externalId": "nope"}}]
    found = client.datapoints.retrieve(["nope", ("sp", "s"), NodeId(SPACE, "s")], ignore_unknown_ids=True)
    assert [d.id for d in found] == [NodeId(SPACE, "s")] and found.missing == [NodeId(SPACE, "nope")]
    assert found.get("s") is found[0] and found.get("nope") is None
    assert client.datapoints.retrieve("nope", ignore_unknown_ids=True) is None
    with pytest.raises(TypeError, match="names a file, not a time series"):
        client.datapoints.retrieve(FileRef("f"))


def test_to_pandas_frames_and_a_clear_error_without_pandas(
    client: InstanceClient, fake: FakeCDF, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pandas")
    _fill(fake, "a", 3)
    _fill(fake, "b", 2, step=2000)
    frame = client.datapoints.retrieve("a").to_pandas()
    assert list(frame.columns) == ["sp:a"] and frame.index[0] == datetime(2024, 1, 1, tzinfo=timezone.utc)
    both = client.datapoints.retrieve(["a", "b"]).to_pandas()
    assert list(both.columns) == ["sp:a", "sp:b"] and len(both) == 3 and math.isnan(both["sp:b"].iloc[1])
    agg = client.datapoints.retrieve(["a"], aggregates=["min", "max"], granularity="1h").to_pandas()
    assert list(agg.columns) == ["sp:a|min", "sp:a|max"]
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        client.datapoints.retrieve("a").to_pandas()


# ---------------------------------------------------------------------------------------------- latest / delete


def test_latest_before_and_100_series_a_request(client: InstanceClient, fake: FakeCDF) -> None:
    for i in range(150):
        _fill(fake, f"ts{i}", 10)
    fake.add(_node("empty"))
    assert client.datapoints.latest("ts0") == Datapoint(T0 + 9000, 9.0)
    assert client.datapoints.latest("ts0", before=T0 + 5000) == Datapoint(T0 + 4000, 4.0)
    assert client.datapoints.latest("empty") is None
    many = client.datapoints.latest([*[f"ts{i}" for i in range(150)], "empty"])
    assert len(many) == 151 and many[-1] is None and many[3] == Datapoint(T0 + 9000, 9.0)
    latest = [body for _, path, body in fake.requests if path == "/timeseries/data/latest"]
    assert [len(b["items"]) for b in latest[-2:]] == [100, 51]
    assert latest[1]["items"][0]["before"] == T0 + 5000
    assert client.datapoints.latest(["nope", "ts1"], ignore_unknown_ids=True) == [None, Datapoint(T0 + 9000, 9.0)]


def test_delete_ranges_10000_a_request(client: InstanceClient, fake: FakeCDF) -> None:
    _fill(fake, "ts", 10)
    client.datapoints.delete_range("ts", T0 + 2000, T0 + 5000)
    assert fake.series[("instanceId", SPACE, "ts")].times == [T0 + i * 1000 for i in (0, 1, 5, 6, 7, 8, 9)]
    body = fake.requests[-1][2]
    assert body == {"items": [{**_node("ts"), "inclusiveBegin": T0 + 2000, "exclusiveEnd": T0 + 5000}]}
    client.datapoints.delete_ranges([("ts", T0 + i, T0 + i + 1) for i in range(10_001)])
    deletes = [b for _, path, b in fake.requests if path == "/timeseries/data/delete"]
    assert [len(b["items"]) for b in deletes[1:]] == [10_000, 1]
    with pytest.raises(ValueError, match="must be after start"):
        client.datapoints.delete_range("ts", T0, T0)


# ---------------------------------------------------------------------------------------------- insert


def _inserts(fake: FakeCDF) -> list[dict[str, Any]]:
    return [body for _, path, body in fake.requests if path == "/timeseries/data"]


def test_insert_cuts_a_long_series_at_100000_datapoints(client: InstanceClient, fake: FakeCDF) -> None:
    fake.add(_node("ts"))
    dps = Datapoints(NodeId(SPACE, "other"), [T0 + i for i in range(250_000)], [i * 0.5 for i in range(250_000)])
    assert client.datapoints.insert("ts", dps) == 250_000
    assert sorted(len(b["items"][0]["datapoints"]) for b in _inserts(fake)) == [50_000, 100_000, 100_000]
    stored = fake.series[("instanceId", SPACE, "ts")]
    assert len(stored.times) == 250_000 and stored.values[-1] == 124_999.5


def test_insert_packs_series_up_to_10000_a_request(client: InstanceClient, fake: FakeCDF) -> None:
    for i in range(20_001):
        fake.add({"externalId": f"x{i}"})
    written = client.datapoints.insert_many({TimeSeriesRef(f"x{i}"): [(T0, float(i))] for i in range(20_001)})
    assert written == 20_001
    assert sorted(len(b["items"]) for b in _inserts(fake)) == [1, 10_000, 10_000]
    assert fake.series[("externalId", "x20000")].values == [20_000.0]


def test_insert_mixes_pairs_datetimes_and_strings(client: InstanceClient, fake: FakeCDF) -> None:
    fake.add(_node("n"))
    fake.add(_node("s"), is_string=True)
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    numbers: list[tuple[int | datetime, float | str]] = [(when, 1), (T0 + 1, 2.5)]
    strings: list[tuple[int | datetime, float | str]] = [(T0, 'say "hi"'), (T0 + 1, "ø")]
    client.datapoints.insert_many([("n", numbers), ("s", strings)])
    body = _inserts(fake)[0]
    assert body["items"][0] == {
        **_node("n"),
        "datapoints": [{"timestamp": T0, "value": 1.0}, {"timestamp": T0 + 1, "value": 2.5}],
    }
    assert fake.series[("instanceId", SPACE, "s")].values == ['say "hi"', "ø"]


def test_insert_checks_everything_before_sending(client: InstanceClient, fake: FakeCDF) -> None:
    fake.add(_node("ts"))
    with pytest.raises(ValueError, match="not a finite number"):
        client.datapoints.insert_many([("ts", [(T0, 1.0)]), ("ts2", [(T0, math.nan)])])
    with pytest.raises(TypeError, match="all numbers or all strings"):
        client.datapoints.insert("ts", [(T0, 1.0), (T0 + 1, "x")])
    with pytest.raises(TypeError, match=r"\(timestamp, value\) pairs"):
        client.datapoints.insert("ts", [1.0, 2.0])  # type: ignore[list-item]
    agg = Datapoints(NodeId(SPACE, "ts"), [T0], aggregates={"average": [1.0]})
    with pytest.raises(ValueError, match="aggregates cannot be inserted"):
        client.datapoints.insert("ts", agg)
    assert fake.requests == []


def test_insert_reports_each_failed_request_and_writes_the_rest(client: InstanceClient, fake: FakeCDF) -> None:
    fake.add(_node("ok"))
    big = [(T0 + i, 1.0) for i in range(150_000)]
    with pytest.raises(DatapointsError) as info:
        client.datapoints.insert_many([("ok", big), ("missing", [(T0, 1.0)])])
    error = info.value
    assert error.written == 100_000 and len(error.failed) == 1
    failed = error.failed[0]
    assert failed.ids == [NodeId(SPACE, "ok"), NodeId(SPACE, "missing")] and failed.count == 50_001
    assert isinstance(failed.error, BadRequestError) and not failed.maybe_applied
    assert "1 request(s) failed, 100000 datapoint(s) written" in str(error)


# ---------------------------------------------------------------------------------------------- async


@pytest.mark.anyio
async def test_async_twins(fake: FakeCDF) -> None:
    _fill(fake, "ts", 2500)
    fake.add(_node("new"))
    async with AsyncHTTPClient(config(), transport=httpx.MockTransport(fake)) as http:
        client = AsyncInstanceClient(http, instance_space=SPACE)
        dps = await client.datapoints.retrieve("ts")
        assert len(dps) == 2500
        pieces = [len(p) async for p in client.datapoints.pages(["ts"], page_size=1000)]
        assert pieces == [1000, 1000, 500]
        many = await client.datapoints.retrieve(["ts", "new"], aggregates="count", granularity="1h")
        assert [list(d.aggregates["count"]) for d in many] == [[2500.0], []]
        assert await client.datapoints.insert("new", [(T0 + i, float(i)) for i in range(250_000)]) == 250_000
        assert sorted(len(b["items"][0]["datapoints"]) for b in _inserts(fake)) == [50_000, 100_000, 100_000]
        assert await client.datapoints.latest("new") == Datapoint(T0 + 249_999, 249_999.0)
        assert await client.datapoints.latest(["new"], before=T0 + 1) == [Datapoint(T0, 0.0)]
        await client.datapoints.delete_range(["new", "ts"], T0, T0 + 10)
        assert len(fake.series[("instanceId", SPACE, "new")].times) == 249_990
        with pytest.raises(DatapointsError):
            await client.datapoints.insert("missing", [(T0, 1.0)])
