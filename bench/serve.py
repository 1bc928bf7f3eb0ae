"""Benchmark: requests per second of ``pygen serve`` for a CogniteCore SDK, answered from its cache and generated
(run on demand).

Starts a real ``pygen serve`` process (``--workers`` worker processes) and measures, in rounds:

- cached: the same ``POST /v1/generate`` (CogniteCore inline, 232 kB of JSON, Python, ``.tar.gz``) again and
  again on one kept-alive connection: the answer comes from the service's cache;
- uncached, one client: each request names another ``instance_space``, so each one is generated;
- uncached, one client per worker: the same, with as many clients at once as there are workers;
- the floor of an uncached answer: ``pygen.generator.generate`` of the same model in this process (no HTTP, no
  archive), so the service's own overhead shows.

Prints the median requests per second (and the median latency) of each, over the rounds.

    .venv/bin/python bench/serve.py --rounds 5 --requests 40
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "tests" / "data" / "models" / "CogniteCore.json"
TOKEN = "bench-serve-token-0123456789"


def _post(client: Any, content: bytes) -> float:
    started = time.perf_counter()
    response = client.post("/v1/generate", content=content, headers={"content-type": "application/json"})
    response.raise_for_status()
    return time.perf_counter() - started


def cached(server: Any, body: dict[str, Any], requests: int) -> tuple[float, float]:
    """(requests/s, median latency) of ``requests`` identical requests on one connection."""
    content = json.dumps(body).encode()  # encoded once, before the clock starts: the service is measured
    with server.client() as client:
        _post(client, content)  # computed once, then kept
        started = time.perf_counter()
        latencies = [_post(client, content) for _ in range(requests)]
        return requests / (time.perf_counter() - started), statistics.median(latencies)


def uncached(server: Any, body: dict[str, Any], requests: int, clients: int, serial: list[int]) -> tuple[float, float]:
    """(requests/s, median latency) of ``requests`` distinct requests sent by ``clients`` clients at once."""
    contents = []
    for _ in range(requests):  # each names another instance space: never asked before, so generated
        serial[0] += 1
        contents.append(json.dumps({**body, "instance_space": f"bench_{serial[0]}"}).encode())
    latencies: list[float] = []

    def send(share: list[bytes]) -> None:
        with server.client() as client:
            latencies.extend(_post(client, content) for content in share)

    threads = [threading.Thread(target=send, args=(contents[index::clients],)) for index in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return requests / (time.perf_counter() - started), statistics.median(latencies)


def floor(model: dict[str, Any], runs: int) -> float:
    """Median seconds of ``generate`` in this process (the work of one uncached answer, nothing around it)."""
    from pygen.generator import generate

    generate([model])
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        generate([model])
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/serve.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each measurement (default 5)")
    parser.add_argument("--requests", type=int, default=40, help="cached requests per round (default 40)")
    parser.add_argument("--uncached", type=int, default=8, help="uncached requests per round (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="max-concurrency of the service (default 2)")
    args = parser.parse_args(argv)

    from pygen.serve.testing import ServeProcess

    model = json.loads(MODEL.read_text(encoding="utf-8"))
    body = {"models": [model], "language": "python"}
    env = {"PYGEN_SERVE_MAX_CONCURRENCY": str(args.workers), "PYGEN_SERVE_QUEUE_TIMEOUT": "600"}
    results: dict[str, list[tuple[float, float]]] = {"cached": [], "uncached, 1 client": [], "uncached, N clients": []}
    serial = [0]
    with ServeProcess(token=TOKEN, env=env) as server:
        for round_ in range(args.rounds):
            results["cached"].append(cached(server, body, args.requests))
            results["uncached, 1 client"].append(uncached(server, body, args.uncached, 1, serial))
            results["uncached, N clients"].append(uncached(server, body, args.uncached, args.workers, serial))
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    floor_seconds = floor(model, args.rounds)
    print(f"pygen serve, CogniteCore (Python, .tar.gz), {args.workers} workers, medians of {args.rounds} rounds:")
    for name, rounds in results.items():
        rate = statistics.median(rate for rate, _ in rounds)
        latency = statistics.median(latency for _, latency in rounds)
        label = name.replace("N clients", f"{args.workers} clients")
        print(f"  {label:<24} {rate:8.1f} requests/s   median latency {latency * 1000:8.1f} ms")
    print(f"  floor: generate() in process {1 / floor_seconds:8.1f} per s      ({floor_seconds * 1000:.1f} ms each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
