"""Benchmark: datapoints retrieve throughput (points/s), pygen's runtime against cognite-sdk, on one emulator.

Starts ``pygen emulator`` (a separate process, loading CogniteCore) and writes once, before any timing, through
pygen's ``client.datapoints.insert_many``: one ``CogniteTimeSeries`` node ``big`` with ``--n`` datapoints and
``--series`` nodes with ``--per-series`` datapoints each (one every ``--step-ms``, from 2024-01-01, random
doubles in [-1000, 1000); space ``sp_bench_dps``). Then reads them, the same range, several ways:

- ``pygen retrieve``: ``client.datapoints.retrieve(...)`` of pygen's runtime (``InstanceClient``): the whole
  answer as a ``Datapoints`` (``array('q')`` timestamps, ``array('d')`` values) or a ``DatapointsList``. It asks
  for JSON (``Accept: application/json``) and sends one request at a time (100,000 raw datapoints or 10,000
  aggregates a request, shared by up to 100 series; each page asked for once the one before it is read).
- ``pygen pages``: ``client.datapoints.pages(...)``, the same requests streamed: only the length of each piece
  is looked at (one response in memory at a time).
- ``sdk retrieve``: cognite-sdk's ``CogniteClient.time_series.data.retrieve(instance_id=...)`` (Python lists),
  default settings: protobuf answers (``Accept: application/protobuf``), gzipped request bodies, up to
  ``global_config.max_workers`` (5) requests at once (it splits a long range into that many windows).
- ``sdk retrieve_arrays``: the same with ``retrieve_arrays`` (numpy arrays).
- ``floor JSON``/``floor protobuf``, the practical limit: the very requests pygen's runtime and cognite-sdk sent
  (recorded in the warm-up, replayed byte for byte, headers included), one after the other over a bare
  ``httpx.Client``, the body read and nothing done with it: the emulator's own time to answer (and the wire);
  ``floor JSON as protobuf``: pygen's requests asking for protobuf, what the format alone costs the emulator.

Three cases: raw, the one series of ``--n`` datapoints; aggregates, its hourly average over the same range;
many series, all ``--series`` at once, raw. Every answer is checked in every run (datapoints per series, first and
last timestamps, and the sum of the values, against what was written; the aggregates against pygen's). One warm-up
round (not counted, it records the requests) then ``--runs`` rounds, the ways in a rotating order, a full
collection before each. Printed per way: median wall seconds, median CPU seconds of this process (the client; the
emulator is another process), points per second (from the median), requests of one read, and ratios.

Run: ``.venv/bin/python bench/datapoints.py [--n 1000000] [--series 100] [--per-series 10000] [--runs 5]``
(6-7 minutes with the defaults on a 2-core machine; 10-18 s of it writing the 2,000,000 datapoints).

Measured 2026-12-02, ``.venv/bin/python bench/datapoints.py --runs 3``, after the emulator's JSON answer was written
point by point (it built a dict per point: 2.4 s of a million-point read) and pygen's reads began to overlap the next
request with building the arrays (Python 3.11.7, cognite-sdk 8.22.0, 2 cores; load average 0.11 at the start and
4.99 at the end, other work started during the run), medians:

- raw, 1 series x 1,000,000: pygen retrieve 3.75 s (267k points/s), pygen pages 3.37 s, sdk retrieve 4.52 s,
  sdk retrieve_arrays 4.54 s; floor JSON 2.40 s, floor protobuf 3.69 s. pygen retrieve / sdk retrieve 0.83x, pygen
  pages / sdk retrieve_arrays 0.74x. Answers: 54.7 MB of JSON, 18.0 MB of protobuf.
- hourly average over the same range (16,667 aggregates, 2 requests): pygen 0.82 s, sdk 0.87 / 0.77 s, floors
  0.78-0.83 s; pygen / sdk retrieve 0.94x.
- many series, 100 x 10,000: pygen retrieve 4.32 s (232k points/s), pygen pages 4.37 s, sdk retrieve 4.54 s, sdk
  retrieve_arrays 4.66 s; floor JSON 3.36 s, floor protobuf 3.17 s. pygen retrieve / sdk retrieve 0.95x.
- client CPU per 1,000,000 raw points: pygen 1.14-1.28 s, sdk 0.95-1.22 s.

Before those two changes (same day, ``--runs 5`` twice, load ~3): pygen retrieve / sdk retrieve 1.12x / 1.41x for
the million, 1.43x / 1.18x for the 100 series, 0.89x-1.09x for the hourly averages, the same client CPU: the gap was
the emulator's JSON encoding (floor JSON 3.47 s against floor protobuf 2.85 s then; 2.40 s against 3.69 s now) and
pygen parsing one response before asking for the next (cProfile, 1,000,000 points: ``from_json`` 0.8 s, building
the arrays 0.33 s, freeing the decoded dicts ~0.2 s, httpx ~0.15 s; the arrays are now built while the next request
is out). On this machine the noise from other work is as large as ratios of 0.1-0.2.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import random
import statistics
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import httpx

from pygen.instances import Datapoints, DatapointsList, InstanceClient, NodeId
from pygen.transport import ClientConfig, ConcurrencyLimits, HTTPClient, Token

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "tests" / "data" / "models" / "CogniteCore.json"
TOKEN = "bench-token"
PROJECT = "bench"
SPACE = "sp_bench_dps"
T0 = 1_704_067_200_000  # 2024-01-01T00:00:00Z
#: Request headers that decide the answer (replayed by the floors).
REPLAYED_HEADERS = ("content-type", "content-encoding", "accept")


class Request(NamedTuple):
    """One request as a client sent it: path, body bytes (gzipped if it gzipped them), deciding headers."""

    path: str
    content: bytes
    headers: dict[str, str]


class Summary(NamedTuple):
    """What a read returned: datapoints in all, (first, last) timestamp per series, the sum of the values."""

    points: int
    ends: tuple[tuple[int, int], ...]
    total: float | None  # None: not looked at (the streamed ways only count)


class Reading(NamedTuple):
    seconds: float
    cpu: float
    summary: Summary


@dataclass
class Case:
    name: str
    unit: str  # what a point is: "points" (raw datapoints) or "aggregates"
    ways: dict[str, Callable[[], Summary]]
    expected: Summary | None  # None: the first way's answer is the reference (aggregates)
    recorded: dict[str, list[Request]] = field(default_factory=dict)  # "pygen"/"sdk" -> the requests of one read


# ---------------------------------------------------------------------------------------------- recording


class RecordingTransport(httpx.HTTPTransport):
    """pygen's transport: records the requests it sends while ``log`` is a list."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[Request] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.log is not None:
            self.log.append(_request(request.url.path, request.read(), request.headers))
        return super().handle_request(request)


def _request(path: str, content: bytes, headers: Any) -> Request:
    return Request(path, content, {name: headers[name] for name in REPLAYED_HEADERS if name in headers})


@contextmanager
def recording_sdk() -> Iterator[list[Request]]:
    """The requests cognite-sdk sends inside the block (it sends through ``httpx2.AsyncClient.send``)."""
    import httpx2

    log: list[Request] = []
    original = httpx2.AsyncClient.send

    async def send(self: httpx2.AsyncClient, request: httpx2.Request, *args: Any, **kwargs: Any) -> httpx2.Response:
        log.append(_request(request.url.path, request.content, request.headers))
        return await original(self, request, *args, **kwargs)

    httpx2.AsyncClient.send = send  # type: ignore[method-assign]
    try:
        yield log
    finally:
        httpx2.AsyncClient.send = original  # type: ignore[method-assign]


def replay(raw: httpx.Client, requests: Sequence[Request]) -> int:
    """Send ``requests`` one after the other, read each body, do nothing with it; the bytes received."""
    received = 0
    for request in requests:
        response = raw.post(request.path, content=request.content, headers=request.headers)
        response.raise_for_status()
        received += len(response.content)
    return received


class Floor:
    """A floor way: replays one client's recorded requests; its answer is taken as the expected one (not read)."""

    def __init__(self, raw: httpx.Client, requests: Sequence[Request], expected: Summary) -> None:
        self.raw, self.requests, self.received = raw, requests, 0
        self.answer = Summary(expected.points, expected.ends, None)

    def __call__(self) -> Summary:
        self.received = replay(self.raw, self.requests)
        return self.answer


def as_protobuf(request: Request) -> Request:
    """The same request asking for a protobuf answer (what the emulator would spend if pygen asked for one)."""
    return request._replace(headers={**request.headers, "accept": "application/protobuf"})


# ---------------------------------------------------------------------------------------------- data


def series_xid(i: int) -> str:
    return f"s{i:03d}"


def make_values(n: int, rng: random.Random) -> array[float]:
    return array("d", [rng.uniform(-1000.0, 1000.0) for _ in range(n)])


def populate(client: InstanceClient, args: argparse.Namespace) -> tuple[array[float], list[array[float]]]:
    """The series nodes and their datapoints (not timed); the values written, big first."""
    http = client.http
    http.post("/models/spaces", json={"items": [{"space": SPACE}]})
    source = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteTimeSeries", "version": "v1"}
    xids = ["big", *(series_xid(i) for i in range(args.series))]
    for at in range(0, len(xids), 1000):
        items = [
            {
                "instanceType": "node",
                "space": SPACE,
                "externalId": xid,
                "sources": [{"source": source, "properties": {"type": "numeric", "isStep": False, "name": xid}}],
            }
            for xid in xids[at : at + 1000]
        ]
        http.post("/models/instances", json={"items": items})
    rng = random.Random(20240101)
    big = make_values(args.n, rng)
    many = [make_values(args.per_series, rng) for _ in range(args.series)]
    step = args.step_ms
    written = client.datapoints.insert_many(
        [
            (
                NodeId(SPACE, "big"),
                Datapoints(NodeId(SPACE, "big"), array("q", range(T0, T0 + args.n * step, step)), big),
            ),
            *(
                (
                    NodeId(SPACE, series_xid(i)),
                    Datapoints(
                        NodeId(SPACE, series_xid(i)), array("q", range(T0, T0 + args.per_series * step, step)), values
                    ),
                )
                for i, values in enumerate(many)
            ),
        ]
    )
    assert written == args.n + args.series * args.per_series, written
    return big, many


# ---------------------------------------------------------------------------------------------- summaries


def _summary(columns: Sequence[tuple[Sequence[int], Sequence[float]]]) -> Summary:
    return Summary(
        sum(len(times) for times, _ in columns),
        tuple((int(times[0]), int(times[-1])) if len(times) else (0, 0) for times, _ in columns),
        sum(math.fsum(values) for _, values in columns),
    )


def pygen_summary(result: Datapoints | DatapointsList, column: str) -> Summary:
    series = [result] if isinstance(result, Datapoints) else list(result)
    columns: list[tuple[Sequence[int], Sequence[float]]] = []
    for dps in series:
        values = dps.values if column == "value" else dps.aggregates[column]
        assert isinstance(values, array), "a numeric series reads into array('d')"
        columns.append((dps.timestamps, values))
    return _summary(columns)


def sdk_summary(result: Any, column: str) -> Summary:
    """cognite-sdk's ``Datapoints``/``DatapointsArray`` (or their lists): ``timestamp`` in ms (lists) or
    ``datetime64[ns]`` (arrays), the values in an attribute named as the column."""
    from cognite.client.data_classes import DatapointsArrayList
    from cognite.client.data_classes import DatapointsList as SdkDatapointsList

    series = result if isinstance(result, (SdkDatapointsList, DatapointsArrayList)) else [result]
    columns = []
    for dps in series:
        times = dps.timestamp
        if hasattr(times, "astype"):  # numpy datetime64
            times = times.astype("datetime64[ms]").astype("int64").tolist()
        values = getattr(dps, column)
        columns.append((times, values.tolist() if hasattr(values, "tolist") else values))
    return _summary(columns)


def pages_summary(pieces: Iterator[Datapoints]) -> Summary:
    """Count the streamed pieces (inside the timing: nothing else is done with them)."""
    points = 0
    ends: dict[object, tuple[int, int]] = {}
    for piece in pieces:
        points += len(piece)
        first, last = ends.get(piece.id, (piece.timestamps[0], 0))
        ends[piece.id] = (first, piece.timestamps[-1])
    return Summary(points, tuple(ends.values()), None)


def differences(got: Summary, expected: Summary) -> str:
    problems = []
    if got.points != expected.points:
        problems.append(f"{got.points:,} points instead of {expected.points:,}")
    if got.ends != expected.ends:
        problems.append(f"first/last timestamps {got.ends[:2]}... instead of {expected.ends[:2]}...")
    if got.total is not None and expected.total is not None and not math.isclose(got.total, expected.total):
        problems.append(f"values sum to {got.total!r} instead of {expected.total!r}")
    return "; ".join(problems)


# ---------------------------------------------------------------------------------------------- cases


def cases(
    client: InstanceClient, sdk: Any, args: argparse.Namespace, big: array[float], many: list[array[float]]
) -> list[Case]:
    from cognite.client.data_classes.data_modeling import NodeId as SdkNodeId

    step = args.step_ms
    end = T0 + args.n * step
    many_end = T0 + args.per_series * step
    big_id, sdk_big = NodeId(SPACE, "big"), SdkNodeId(SPACE, "big")
    many_ids = [NodeId(SPACE, series_xid(i)) for i in range(args.series)]
    sdk_many = [SdkNodeId(SPACE, series_xid(i)) for i in range(args.series)]
    data = sdk.time_series.data
    agg: dict[str, Any] = {"aggregates": "average", "granularity": "1h"}
    raw_expected = Summary(args.n, ((T0, end - step),), math.fsum(big))
    many_expected = Summary(
        args.series * args.per_series,
        tuple((T0, many_end - step) for _ in range(args.series)),
        sum(math.fsum(values) for values in many),
    )
    return [
        Case(
            f"raw, 1 series x {args.n:,}",
            "points",
            {
                "pygen retrieve": lambda: pygen_summary(client.datapoints.retrieve(big_id, start=T0, end=end), "value"),
                "pygen pages": lambda: pages_summary(client.datapoints.pages(big_id, start=T0, end=end)),
                "sdk retrieve": lambda: sdk_summary(data.retrieve(instance_id=sdk_big, start=T0, end=end), "value"),
                "sdk retrieve_arrays": lambda: sdk_summary(
                    data.retrieve_arrays(instance_id=sdk_big, start=T0, end=end), "value"
                ),
            },
            raw_expected,
        ),
        Case(
            f"hourly average over the same range ({args.n:,} points)",
            "aggregates",
            {
                "pygen retrieve": lambda: pygen_summary(
                    client.datapoints.retrieve(big_id, start=T0, end=end, **agg), "average"
                ),
                "sdk retrieve": lambda: sdk_summary(
                    data.retrieve(instance_id=sdk_big, start=T0, end=end, **agg), "average"
                ),
                "sdk retrieve_arrays": lambda: sdk_summary(
                    data.retrieve_arrays(instance_id=sdk_big, start=T0, end=end, **agg), "average"
                ),
            },
            None,
        ),
        Case(
            f"many series, {args.series} x {args.per_series:,}",
            "points",
            {
                "pygen retrieve": lambda: pygen_summary(
                    client.datapoints.retrieve(many_ids, start=T0, end=many_end), "value"
                ),
                "pygen pages": lambda: pages_summary(client.datapoints.pages(many_ids, start=T0, end=many_end)),
                "sdk retrieve": lambda: sdk_summary(
                    data.retrieve(instance_id=sdk_many, start=T0, end=many_end), "value"
                ),
                "sdk retrieve_arrays": lambda: sdk_summary(
                    data.retrieve_arrays(instance_id=sdk_many, start=T0, end=many_end), "value"
                ),
            },
            many_expected,
        ),
    ]


def timed(func: Callable[[], Summary]) -> Reading:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    summary = func()
    return Reading(time.perf_counter() - wall, time.process_time() - cpu, summary)


def run_case(
    case: Case, runs: int, transport: RecordingTransport, raw: httpx.Client
) -> tuple[dict[str, list[Reading]], dict[str, int]]:
    """Warm-up (recording each client's requests), then ``runs`` rotating rounds; readings and bytes per floor."""
    ways = dict(case.ways)
    # Warm-up: each client's first retrieve way records its requests; the streamed way sends the same ones.
    readings: dict[str, list[Reading]] = {}
    for name, func in ways.items():
        if name == "pygen retrieve":
            transport.log = []
            readings[name] = [timed(func)]
            case.recorded["pygen"], transport.log = transport.log, None
        elif name == "sdk retrieve_arrays":
            with recording_sdk() as log:
                readings[name] = [timed(func)]
            case.recorded["sdk"] = list(log)
        else:
            readings[name] = [timed(func)]
    expected = case.expected or readings["pygen retrieve"][0].summary
    floors = {
        "floor JSON": Floor(raw, case.recorded["pygen"], expected),
        "floor protobuf": Floor(raw, case.recorded["sdk"], expected),
        "floor JSON as protobuf": Floor(raw, [as_protobuf(r) for r in case.recorded["pygen"]], expected),
    }
    for name, floor in floors.items():
        ways[name] = floor
        readings[name] = [timed(floor)]
    names = list(ways)
    for run in range(runs + 1):
        if run:
            shift = run % len(names)
            for name in names[shift:] + names[:shift]:
                readings[name].append(timed(ways[name]))
        for name in names:
            problem = differences(readings[name][-1].summary, expected)
            if problem:
                raise SystemExit(f"ANSWER MISMATCH ({case.name}, {name}, run {run}): {problem}")
        label = "warm-up" if run == 0 else f"run {run}"
        print(f"  {label}: " + ", ".join(f"{name} {readings[name][-1].seconds:.2f} s" for name in names), flush=True)
    return {name: values[1:] for name, values in readings.items()}, {name: f.received for name, f in floors.items()}


def report(case: Case, readings: dict[str, list[Reading]], received: dict[str, int]) -> None:
    points = readings["pygen retrieve"][0].summary.points
    print(f"\n{case.name}: {points:,} {case.unit} a read")
    print(f"  {'way':<22} {'wall s':>8} {'client CPU s':>12} {case.unit + '/s':>13} {'requests':>9} {'x floor':>8}")
    walls = {name: statistics.median(r.seconds for r in values) for name, values in readings.items()}
    requests = {"pygen": len(case.recorded["pygen"]), "sdk": len(case.recorded["sdk"])}
    for name, values in readings.items():
        cpu = statistics.median(r.cpu for r in values)
        client = "pygen" if name.startswith(("pygen", "floor JSON")) else "sdk"
        floor = walls["floor JSON" if client == "pygen" else "floor protobuf"]
        print(
            f"  {name:<22} {walls[name]:>8.2f} {cpu:>12.2f} {points / walls[name]:>13,.0f} {requests[client]:>9} "
            f"{walls[name] / floor:>7.2f}x"
        )
    print(
        f"  answers: JSON {received['floor JSON'] / 1e6:.1f} MB (pygen's requests), "
        f"protobuf {received['floor protobuf'] / 1e6:.1f} MB (cognite-sdk's), "
        f"{received['floor JSON as protobuf'] / 1e6:.1f} MB (pygen's asking protobuf)"
    )
    ours = walls["pygen retrieve"]
    for other in ("sdk retrieve", "sdk retrieve_arrays"):
        print(f"  pygen retrieve / {other}: {ours / walls[other]:.2f}x")
    if "pygen pages" in walls:
        print(f"  pygen pages / sdk retrieve_arrays: {walls['pygen pages'] / walls['sdk retrieve_arrays']:.2f}x")
    print(f"  pygen retrieve - floor JSON: {ours - walls['floor JSON']:.2f} s in the client")
    print(f"  floor JSON / floor JSON as protobuf: {walls['floor JSON'] / walls['floor JSON as protobuf']:.2f}x")
    overlap = walls["sdk retrieve_arrays"] - walls["floor protobuf"]
    note = (
        " (below the floor: its parallel requests overlap its parsing with the emulator's work)" if overlap < 0 else ""
    )
    print(f"  sdk retrieve_arrays - floor protobuf: {overlap:.2f} s in the client{note}")


def load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="datapoints of the one series (default 1000000)")
    parser.add_argument("--series", type=int, default=100, help="series of the many-series case (default 100)")
    parser.add_argument("--per-series", type=int, default=10_000, help="datapoints of each of them (default 10000)")
    parser.add_argument("--step-ms", type=int, default=60_000, help="ms between datapoints (default 60000)")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds after a warm-up (default 5)")
    args = parser.parse_args()
    began = time.perf_counter()
    print(f"load average (1/5/15 min) at start: {load()}")

    from cognite.client import ClientConfig as SdkConfig
    from cognite.client import CogniteClient, global_config
    from cognite.client import __version__ as sdk_version
    from cognite.client.credentials import Token as SdkToken

    from pygen import __version__ as pygen_version
    from pygen.emulator.testing import EmulatorProcess

    global_config.disable_pypi_version_check = True
    with EmulatorProcess("--token", TOKEN, "--model-file", str(MODEL), startup_timeout=60) as emulator:
        transport = RecordingTransport()
        config = ClientConfig(
            PROJECT, Token(TOKEN), base_url=emulator.base_url, limits=ConcurrencyLimits(write=4), timeout=600
        )
        http = HTTPClient(config, transport=transport)
        client = InstanceClient(http, instance_space=SPACE)
        started = time.perf_counter()
        big, many = populate(client, args)
        total = args.n + args.series * args.per_series
        print(f"wrote {total:,} datapoints in {time.perf_counter() - started:.1f} s (pygen insert_many)")
        sdk = CogniteClient(
            SdkConfig(
                client_name="pygen-bench", project=PROJECT, base_url=emulator.base_url, credentials=SdkToken(TOKEN)
            )
        )
        raw = httpx.Client(
            base_url=emulator.base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600, trust_env=False
        )
        results = []
        try:
            for case in cases(client, sdk, args, big, many):
                print(f"{case.name}:", flush=True)
                results.append((case, *run_case(case, args.runs, transport, raw)))
        finally:
            raw.close()
            http.close()
    print(
        f"\ndatapoints retrieve, pygen {pygen_version} runtime vs cognite-sdk {sdk_version} "
        f"(max_workers {global_config.max_workers}); medians of {args.runs} runs after a warm-up "
        f"(python {sys.version.split()[0]}, {os.cpu_count()} CPUs); answers checked every run"
    )
    for case, readings, received in results:
        report(case, readings, received)
        endpoints = Counter(request.path.rsplit("/projects/", 1)[-1] for request in case.recorded["sdk"])
        if set(endpoints) != {f"{PROJECT}/timeseries/data/list"}:
            print(f"  cognite-sdk's requests by endpoint: {dict(endpoints)}")
    print(f"\nload average (1/5/15 min) at end: {load()}; whole run {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
