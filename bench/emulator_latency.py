"""Benchmark: per-request latency of ``pygen emulator`` on a kept-alive connection (run on demand).

Starts a real ``pygen emulator`` process and measures, one run each:

- ours, kept-alive: one ``httpx.Client`` sending ``GET /models/spaces?limit=1`` N times on one connection
  (what every test and every SDK session does);
- ours, fresh connection per request: ``curl`` (its own ``time_total``), or a new httpx client per request
  when curl is missing;
- the practical limit: a bare starlette app on uvicorn answering the same small JSON body, kept-alive,
  measured the same way (the floor of this server stack: no auth, no routing, no storage).

v1 has no emulator, so there is no v1 line. Prints medians, p95 and the ratios; the target is kept-alive
within 2x of a fresh curl (issue 16: it was ~40 ms before TCP_NODELAY, against ~1 ms for curl).

    .venv/bin/python bench/emulator_latency.py --n 500
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import textwrap
import time

import httpx

from pygen.emulator.testing import EmulatorProcess

TOKEN = "bench-token"
BARE_APP = textwrap.dedent(
    """
    import socket, sys
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def spaces(request):
        return JSONResponse({"items": [], "nextCursor": None})

    app = Starlette(routes=[Route("/api/v1/projects/p/models/spaces", spaces)])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", int(sys.argv[1])))
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
    """
)


def kept_alive(url: str, n: int) -> list[float]:
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        client.get(url).raise_for_status()  # connect and warm up
        timings = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            timings.append(time.perf_counter() - started)
    return timings


def fresh(url: str, n: int) -> tuple[str, list[float]]:
    curl = shutil.which("curl")
    timings = []
    for _ in range(n):
        if curl:
            out = subprocess.run(
                [curl, "-s", "-o", "/dev/null", "-w", "%{time_total}", "-H", f"Authorization: Bearer {TOKEN}", url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            timings.append(float(out))
        else:
            started = time.perf_counter()
            with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}) as client:
                client.get(url).raise_for_status()
            timings.append(time.perf_counter() - started)
    return ("curl, fresh connection" if curl else "httpx, fresh client"), timings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bare_app(n: int) -> list[float]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE_APP, str(port)])
    url = f"http://127.0.0.1:{port}/api/v1/projects/p/models/spaces"
    try:
        for _ in range(200):
            try:
                httpx.get(url)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        return kept_alive(url, n)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def line(label: str, timings: list[float]) -> float:
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"{label:<40} median {median * 1000:7.3f} ms   p95 {p95 * 1000:7.3f} ms   ({len(timings)} requests)")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="requests per measurement (default 500)")
    args = parser.parse_args()
    with EmulatorProcess("--token", TOKEN) as emulator:
        url = f"{emulator.project_url('bench')}/models/spaces?limit=1"
        ours = line("ours, kept-alive connection", kept_alive(url, args.n))
        label, timings = fresh(url, max(50, args.n // 5))
        baseline = line(f"ours, {label}", timings)
    floor = line("limit: bare starlette on uvicorn, kept-alive", bare_app(args.n))
    print(f"kept-alive / fresh connection: {ours / baseline:.2f}x (target <= 2x)")
    print(f"kept-alive / bare-app floor:   {ours / floor:.2f}x")
    print("v1: no emulator (n/a)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
