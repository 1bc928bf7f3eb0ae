"""Benchmark: streaming N instances from the emulator keeps the client's memory flat.

Starts ``pygen emulator`` (a separate process, loading the Omni model), fills it with N
PrimitiveNullable nodes from a child process (so writing does not count against the reader), then
streams them all with ``InstanceAPI.iterate()`` (one page of 1000 in memory at a time) and prints the
reader's resident memory (VmRSS) and its peak (VmHWM) at checkpoints.

Run: ``.venv/bin/python bench/instances_memory.py --n 100000`` (and ``--n 1000000`` if you have the
time: the emulator writes and pages roughly 10-20k nodes/s).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import ClassVar

from pygen.instances import (
    Date,
    InstanceAPI,
    InstanceClient,
    Json,
    Node,
    NodeFields,
    NodeWrite,
    TextProperty,
    Timestamp,
    ViewId,
)
from pygen.transport import ClientConfig, ConcurrencyLimits, Token

MODEL = Path(__file__).resolve().parents[1] / "tests" / "data" / "models" / "Omni.json"
TOKEN = "bench-token"
SPACE = "sp_bench_memory"
VIEW = ViewId("sp_pygen_models", "PrimitiveNullable", "1")


class PrimitiveNullableWrite(NodeWrite):
    _view_id = VIEW
    _property_ids: ClassVar = {"json_": "json"}
    text: str | None = None
    int32: int | None = None
    int64: int | None = None
    float64: float | None = None
    boolean: bool | None = None
    date: Date | None = None
    timestamp: Timestamp | None = None
    json_: Json | None = None


class PrimitiveNullable(Node):
    _view_id = VIEW
    _property_ids: ClassVar = {"json_": "json"}
    text: str | None = None
    int32: int | None = None
    int64: int | None = None
    float64: float | None = None
    boolean: bool | None = None
    date: Date | None = None
    timestamp: Timestamp | None = None
    json_: Json | None = None


class PrimitiveNullableFields(NodeFields):
    text = TextProperty.of(VIEW, "text")


class PrimitiveNullableAPI(InstanceAPI[PrimitiveNullable, PrimitiveNullableWrite]):
    _read_class = PrimitiveNullable
    _write_class = PrimitiveNullableWrite
    fields = PrimitiveNullableFields


def memory_mib() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MiB, from /proc (Linux)."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def client(base_url: str) -> InstanceClient:
    config = ClientConfig("bench", Token(TOKEN), base_url=base_url, limits=ConcurrencyLimits(write=4), timeout=120)
    return InstanceClient(config, instance_space=SPACE)


def populate(base_url: str, n: int) -> None:
    """Write ``n`` nodes, 20,000 write objects at a time (this runs in a child process)."""
    instances = client(base_url)
    instances.http.post("/models/spaces", json={"items": [{"space": SPACE}]})
    ts = datetime(2024, 1, 1, tzinfo=timezone.utc)
    chunk = 20_000
    for start in range(0, n, chunk):
        instances.upsert(
            PrimitiveNullableWrite(
                external_id=f"node_{i:07d}",
                text=f"node number {i} with a little text",
                int32=i,
                int64=i * 1_000_003,
                float64=i / 3,
                boolean=i % 2 == 0,
                date=date(2024, 1, 1 + i % 28),
                timestamp=ts,
                json_={"i": i, "tag": "bench"},
            )
            for i in range(start, min(n, start + chunk))
        )
    instances.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--populate", metavar="BASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.populate:
        populate(args.populate, args.n)
        return

    from pygen.emulator.testing import EmulatorProcess

    with EmulatorProcess("--token", TOKEN, "--model-file", str(MODEL), startup_timeout=60) as emulator:
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--n", str(args.n), "--populate", emulator.base_url], check=True)
        print(f"wrote {args.n} nodes in {time.perf_counter() - started:.1f} s (child process)")
        instances = client(emulator.base_url)
        api = PrimitiveNullableAPI(instances)
        rss, peak = memory_mib()
        print(f"before streaming: RSS {rss:.1f} MiB, peak {peak:.1f} MiB")
        checkpoints = {10_000, 100_000, 1_000_000, args.n}
        count = 0
        seen_last = ""
        started = time.perf_counter()
        for item in api.iterate(filter=PrimitiveNullableFields.space.equals(SPACE)):
            count += 1
            seen_last = item.external_id
            if count in checkpoints:
                rss, peak = memory_mib()
                rate = count / (time.perf_counter() - started)
                print(f"after {count:>9,} instances: RSS {rss:6.1f} MiB, peak {peak:6.1f} MiB ({rate:,.0f} inst/s)")
        instances.close()
        assert count == args.n, f"streamed {count} of {args.n}"
        print(f"streamed {count} instances, last {seen_last}")


if __name__ == "__main__":
    main()
