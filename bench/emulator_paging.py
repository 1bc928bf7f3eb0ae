"""Benchmark: page through N emulator node instances, 1,000 per list call (run on demand, not by pytest).

Loads N nodes through the storage layer (bulk insert), then pages with ``/instances/list`` semantics through the
instance service (validation, keyset scan, rendering), unfiltered and with a view source (hasData). Reports
pages/second (from the median page time) over the first 10 and the last 10 pages, their ratio (last/first;
~1 means no slow-down), and peak RSS.

    .venv/bin/python bench/emulator_paging.py --n 100000
    .venv/bin/python bench/emulator_paging.py --n 1000000 --db /tmp/bench.db
    .venv/bin/python bench/emulator_paging.py --n 100000 --db /tmp/bench.db --http   # through a real server
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pygen.emulator._instances import InstanceService
from pygen.emulator._schema import SchemaService
from pygen.emulator._store import Instance, Store

SPACE = "bench"
VIEW = {"type": "view", "space": SPACE, "externalId": "Pump", "version": "v1"}


def build(store: Store, n: int) -> None:
    schema = SchemaService(store)
    schema.apply_spaces({"items": [{"space": SPACE}]})
    schema.apply_containers(
        {
            "items": [
                {
                    "space": SPACE,
                    "externalId": "Pump",
                    "properties": {
                        "name": {"type": {"type": "text"}},
                        "pressure": {"type": {"type": "float64"}},
                        "tags": {"type": {"type": "text", "list": True}},
                    },
                }
            ]
        }
    )
    prop = {"container": {"type": "container", "space": SPACE, "externalId": "Pump"}}
    schema.apply_views(
        {
            "items": [
                {
                    "space": SPACE,
                    "externalId": "Pump",
                    "version": "v1",
                    "properties": {
                        key: {**prop, "containerPropertyIdentifier": key} for key in ("name", "pressure", "tags")
                    },
                }
            ]
        }
    )
    now = int(time.time() * 1000)

    def nodes() -> Iterator[Instance]:
        for i in range(n):
            data = {SPACE: {"Pump": {"name": f"pump {i}", "pressure": i * 0.5, "tags": ["a", str(i % 7)]}}}
            yield Instance("node", SPACE, f"pump-{i:07d}", 1, now, now, data=data)

    with store.transaction():
        store.insert_many(nodes())


def page_through(service: InstanceService, body: dict[str, Any]) -> list[float]:
    """Seconds per page for every page of the listing."""
    timings = []
    cursor = None
    while True:
        request = dict(body, limit=1000)
        if cursor:
            request["cursor"] = cursor
        start = time.perf_counter()
        response = json.dumps(service.list_instances(request))  # serialisation is part of a real answer
        timings.append(time.perf_counter() - start)
        cursor = json.loads(response).get("nextCursor")
        if not cursor:
            return timings


def page_through_http(base_url: str, token: str, body: dict[str, Any]) -> list[float]:
    """Seconds per page when listing through a running emulator process over HTTP."""
    import httpx

    timings = []
    cursor = None
    url = f"{base_url}/api/v1/projects/bench/models/instances/list"
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60, trust_env=False) as client:
        while True:
            request = dict(body, limit=1000)
            if cursor:
                request["cursor"] = cursor
            start = time.perf_counter()
            response = client.post(url, json=request)
            response.raise_for_status()
            cursor = response.json().get("nextCursor")
            timings.append(time.perf_counter() - start)
            if not cursor:
                return timings


def report(label: str, timings: list[float]) -> None:
    # Medians: the machine is shared and noisy, and one stalled page should not decide the ratio.
    first = 1 / statistics.median(timings[:10])
    last = 1 / statistics.median(timings[-10:])
    print(
        f"{label:<22} pages={len(timings):>5}  first10={first:8.1f} pages/s  last10={last:8.1f} pages/s  "
        f"ratio last/first={last / first:5.2f}  total={sum(timings):6.1f} s"
    )
    # The trend over the whole run: median page time per tenth of the pages (flat = no slow-down).
    step = max(len(timings) // 10, 1)
    tenths = [statistics.median(timings[i : i + step]) * 1000 for i in range(0, len(timings), step)]
    print(f"{'':<22} median ms per tenth of the pages: {' '.join(f'{ms:.1f}' for ms in tenths)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="number of node instances (default 100000)")
    parser.add_argument("--db", help="SQLite file to use instead of :memory: (deleted first)")
    parser.add_argument("--http", action="store_true", help="page through a `pygen emulator --db` process (needs --db)")
    args = parser.parse_args()
    if args.db and os.path.exists(args.db):
        os.remove(args.db)
    store = Store(args.db)
    start = time.perf_counter()
    build(store, args.n)
    print(f"loaded {args.n} nodes in {time.perf_counter() - start:.1f} s ({store.path})")
    unfiltered: dict[str, Any] = {"instanceType": "node"}
    with_source: dict[str, Any] = {"instanceType": "node", "sources": [{"source": VIEW}]}
    if args.http:
        if not args.db:
            parser.error("--http needs --db (the server process opens the file)")
        store.close()
        from pygen.emulator.testing import EmulatorProcess

        with EmulatorProcess("--db", args.db) as emulator:
            report("http unfiltered", page_through_http(emulator.base_url, emulator.token, unfiltered))
            report("http sources=[Pump]", page_through_http(emulator.base_url, emulator.token, with_source))
            assert emulator.process is not None
            status = Path(f"/proc/{emulator.process.pid}/status")
            if status.exists():  # Linux: the server's peak RSS
                peak_kib = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM"))
                print(f"server peak RSS {int(peak_kib.split()[1]) / 1024:.0f} MiB")
    else:
        service = InstanceService(store, SchemaService(store))
        report("unfiltered", page_through(service, unfiltered))
        report("sources=[Pump view]", page_through(service, with_source))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mib = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    print(f"peak RSS {peak_mib:.0f} MiB (this process{'; the server is another process' if args.http else ''})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
