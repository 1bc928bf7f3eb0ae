"""client.datapoints and client.files end to end, against ``pygen emulator`` running as a process.

The core model's ``CogniteTimeSeries`` and ``CogniteFile`` nodes are the series and files (by instance id);
classic ones (``POST /timeseries``, ``POST /files``) are named by ``TimeSeriesRef``/``FileRef``. The heavy
tests (``once``) insert a million datapoints and read them back streamed, raw and as hourly and daily
aggregates compared with the same computed here, and send a 50 MB file up and down: the client's memory
(tracemalloc; the server is another process) stays flat in both.
"""

from __future__ import annotations

import hashlib
import math
import os
import tracemalloc
from array import array
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from testdata import REPO_ROOT

from pygen.emulator.testing import EmulatorProcess
from pygen.instances import (
    AsyncInstanceClient,
    Datapoint,
    Datapoints,
    FileRef,
    InstanceClient,
    NodeId,
    TimeSeriesRef,
)
from pygen.transport import AsyncHTTPClient, BadRequestError, ClientConfig, HTTPClient, Token

TOKEN = "datapoints-e2e-token"
SNAPSHOT = REPO_ROOT / "example_project" / "snapshots" / "cdf_cdm.CogniteCore.v1.json"
SPACE = "dp_space"
T0 = int(datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
MIB = 1 << 20

pytestmark = pytest.mark.xdist_group("datapoints-emulator")


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("--token", TOKEN, "--model-file", str(SNAPSHOT)) as process:
        yield process


def _config(emulator: EmulatorProcess) -> ClientConfig:
    return ClientConfig("dp-e2e", Token(TOKEN), base_url=emulator.base_url, timeout=120)


@pytest.fixture(scope="module")
def http(emulator: EmulatorProcess) -> Iterator[HTTPClient]:
    with HTTPClient(_config(emulator)) as client:
        client.post("/models/spaces", json={"items": [{"space": SPACE}]})
        yield client


@pytest.fixture(scope="module")
def client(http: HTTPClient) -> InstanceClient:
    return InstanceClient(http, instance_space=SPACE)


def _series_node(http: HTTPClient, xid: str, kind: str = "numeric") -> NodeId:
    """A ``CogniteTimeSeries`` node: the node is the time series."""
    source = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteTimeSeries", "version": "v1"}
    item: dict[str, Any] = {"instanceType": "node", "space": SPACE, "externalId": xid}
    item["sources"] = [{"source": source, "properties": {"type": kind, "isStep": False, "name": xid}}]
    http.post("/models/instances", json={"items": [item]})
    return NodeId(SPACE, xid)


def _file_node(http: HTTPClient, xid: str) -> NodeId:
    """A ``CogniteFile`` node: the node is the file."""
    source = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteFile", "version": "v1"}
    item: dict[str, Any] = {"instanceType": "node", "space": SPACE, "externalId": xid}
    item["sources"] = [{"source": source, "properties": {"name": f"{xid}.bin", "mimeType": "application/octet-stream"}}]
    http.post("/models/instances", json={"items": [item]})
    return NodeId(SPACE, xid)


# ---------------------------------------------------------------------------------------------- datapoints


def test_round_trip_of_numeric_and_string_series_by_node_and_by_classic_ref(
    http: HTTPClient, client: InstanceClient
) -> None:
    numeric = _series_node(http, "rt-numeric")
    text = _series_node(http, "rt-string", "string")
    http.post("/timeseries", json={"items": [{"externalId": "rt-classic", "name": "classic"}]})
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    written = client.datapoints.insert_many(
        [
            (numeric, [(when, 1.5), (T0 + 60_000, 2.5), (T0 + 3_600_000, 4.0)]),
            ("rt-string", [(T0, "on"), (T0 + 1000, "off")]),
            (TimeSeriesRef("rt-classic"), Datapoints(TimeSeriesRef("x"), [T0, T0 + 1], [10.0, 20.0])),
        ]
    )
    assert written == 7
    dps = client.datapoints.retrieve(numeric, start=T0, end=T0 + 86_400_000)
    assert list(dps) == [Datapoint(T0, 1.5), Datapoint(T0 + 60_000, 2.5), Datapoint(T0 + 3_600_000, 4.0)]
    both = client.datapoints.retrieve([text, TimeSeriesRef("rt-classic")], start=T0, end="now")
    assert both[0].is_string and both[0].values == ["on", "off"] and list(both[1].values or []) == [10.0, 20.0]
    hourly = client.datapoints.retrieve(
        numeric, start=T0, end=T0 + 7_200_000, aggregates=["count", "average"], granularity="1h"
    )
    assert list(hourly.timestamps) == [T0, T0 + 3_600_000] and list(hourly.aggregates["count"]) == [2, 1]
    # CDF's average is time-weighted, linear between datapoints: (2.0 * 60 s + 3.25 * 3540 s) / 3600 s.
    assert list(hourly.aggregates["average"]) == pytest.approx([(2.0 * 60 + 3.25 * 3540) / 3600, 4.0])
    assert client.datapoints.latest(numeric) == Datapoint(T0 + 3_600_000, 4.0)
    assert client.datapoints.latest([numeric, text], before=T0 + 1000) == [Datapoint(T0, 1.5), Datapoint(T0, "on")]
    client.datapoints.delete_range(numeric, T0, T0 + 60_001)
    assert list(client.datapoints.retrieve(numeric, start=T0).timestamps) == [T0 + 3_600_000]
    with pytest.raises(BadRequestError):
        client.datapoints.retrieve("rt-no-such-series", start=T0)
    missing = client.datapoints.retrieve(["rt-no-such-series", numeric], start=T0, ignore_unknown_ids=True)
    assert missing.missing == [NodeId(SPACE, "rt-no-such-series")] and len(missing) == 1


def test_many_series_in_few_requests(http: HTTPClient, client: InstanceClient) -> None:
    ids = [_series_node(http, f"many-{i}") for i in range(150)]
    client.datapoints.insert_many(
        {node: [(T0 + j * 1000, float(i + j)) for j in range(20)] for i, node in enumerate(ids)}
    )
    result = client.datapoints.retrieve(ids, start=T0, end=T0 + 100_000)
    assert [len(d) for d in result] == [20] * 150 and result[149].values is not None
    assert list(result[149].values)[:2] == [149.0, 150.0]


@pytest.mark.anyio
async def test_async_round_trip(emulator: EmulatorProcess, http: HTTPClient, tmp_path: Path) -> None:
    node = _series_node(http, "async-series")
    _file_node(http, "async-file")
    async with AsyncHTTPClient(_config(emulator)) as ahttp:
        client = AsyncInstanceClient(ahttp, instance_space=SPACE)
        assert await client.datapoints.insert(node, [(T0 + i, float(i)) for i in range(1000)]) == 1000
        pieces = [len(p) async for p in client.datapoints.pages(node, start=T0, page_size=400)]
        assert pieces == [400, 400, 200]
        assert await client.datapoints.latest("async-series") == Datapoint(T0 + 999, 999.0)
        await client.files.upload("async-file", b"async bytes")
        assert await client.files.download_bytes("async-file") == b"async bytes"
        target = await client.files.download("async-file", tmp_path / "a.bin")
        assert target.read_bytes() == b"async bytes"


def test_files_by_node_and_by_classic_ref(http: HTTPClient, client: InstanceClient, tmp_path: Path) -> None:
    node = _file_node(http, "doc")
    http.post("/files", json={"externalId": "classic-doc", "name": "classic.txt"})
    client.files.upload(node, b"node bytes", mime_type="text/plain")
    client.files.upload(FileRef("classic-doc"), b"classic bytes")
    assert client.files.download_bytes("doc") == b"node bytes"
    assert client.files.download(FileRef("classic-doc"), tmp_path / "c.txt").read_bytes() == b"classic bytes"


# ---------------------------------------------------------------------------------------------- heavy


def _value(i: int) -> float:
    return float(i % 7919)  # whole numbers: sums are exact in floating point


def _expected(n: int) -> dict[int, dict[int, dict[str, float]]]:
    """Hourly and daily aggregates of datapoint ``i`` at ``T0 + i s`` holding ``_value(i)``, computed here: count,
    sum, min and max over the datapoints of each interval; ``average`` time-weighted, as CDF defines it (linear
    between datapoints, over the part of the interval where the series is defined: up to the last datapoint).
    Days are summed from their hours (every part adds up)."""
    hours: dict[int, dict[str, float]] = {}
    for i in range(n):
        timestamp = T0 + i * 1000
        value = _value(i)
        agg = hours.get(key := timestamp - timestamp % 3_600_000)
        if agg is None:
            agg = hours[key] = {"count": 0, "sum": 0.0, "min": value, "max": value, "area": 0.0, "span": 0.0}
        agg["count"] += 1
        agg["sum"] += value
        agg["min"] = min(agg["min"], value)
        agg["max"] = max(agg["max"], value)
        if i + 1 < n:  # the segment to the next datapoint (which may open the next interval)
            agg["area"] += (value + _value(i + 1)) / 2 * 1000
            agg["span"] += 1000
    days: dict[int, dict[str, float]] = {}
    for key, hour in sorted(hours.items()):
        day = days.setdefault(key - key % 86_400_000, {**hour, "count": 0, "sum": 0.0, "area": 0.0, "span": 0.0})
        for name in ("count", "sum", "area", "span"):
            day[name] += hour[name]
        day["min"], day["max"] = min(day["min"], hour["min"]), max(day["max"], hour["max"])
    for agg in [*hours.values(), *days.values()]:
        agg["average"] = agg["area"] / agg["span"]
    return {3_600_000: hours, 86_400_000: days}


@pytest.mark.once
def test_a_million_datapoints_in_and_streamed_back_with_flat_memory(http: HTTPClient, client: InstanceClient) -> None:
    n = 1_000_000
    node = _series_node(http, "million")
    timestamps = array("q", range(T0, T0 + n * 1000, 1000))
    values = array("d", map(_value, range(n)))
    assert client.datapoints.insert(node, Datapoints(node, timestamps, values)) == n
    del timestamps, values

    tracemalloc.start()
    try:
        count, total, last = 0, 0.0, T0 - 1
        for piece in client.datapoints.pages(node, start=T0, end=T0 + n * 1000):
            assert piece.timestamps[0] > last
            last = piece.timestamps[-1]
            count += len(piece)
            total += math.fsum(piece.values)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n and last == T0 + (n - 1) * 1000
    assert total == math.fsum(map(_value, range(n)))
    # One response (100,000 datapoints, ~4.5 MB of JSON and its parsed objects) at a time; all of it held
    # as Python objects would take well over 100 MB.
    assert peak < 40 * MIB, f"streaming held {peak / MIB:.1f} MiB at its peak"

    names: list[Any] = ["average", "min", "max", "count", "sum"]
    computed = _expected(n)
    for granularity, bucket in (("1h", 3_600_000), ("1d", 86_400_000)):
        got = client.datapoints.retrieve(node, start=T0, end=T0 + n * 1000, aggregates=names, granularity=granularity)
        expected = computed[bucket]
        assert list(got.timestamps) == sorted(expected)
        for name in names:
            column = got.aggregates[name]
            want = [expected[t][name] for t in got.timestamps]
            assert list(column) == pytest.approx(want, rel=1e-12), (granularity, name)


def _write_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        left, seed = size, 0
        while left:
            chunk = hashlib.sha256(str(seed).encode()).digest() * min(left // 32 + 1, 32768)
            chunk = chunk[: min(left, MIB)]
            out.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
            seed += 1
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.mark.once
def test_a_50_mb_file_up_and_down_byte_identical_with_flat_memory(
    http: HTTPClient, client: InstanceClient, tmp_path: Path
) -> None:
    node = _file_node(http, "big-file")
    source, copy = tmp_path / "big.bin", tmp_path / "copy.bin"
    size = 50 * 1000 * 1000
    digest = _write_file(source, size)
    tracemalloc.start()
    try:
        client.files.upload(node, source)
        _, up_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        client.files.download(node, copy)
        _, down_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert os.path.getsize(copy) == size and _sha256(copy) == digest
    assert up_peak < 8 * MIB and down_peak < 8 * MIB, (up_peak / MIB, down_peak / MIB)
