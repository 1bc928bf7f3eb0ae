"""Benchmark: a 2-hop graph query (one asset -> 10,000 children -> 50,000 grandchildren) against the emulator.

Starts ``pygen emulator`` (a separate process, loading CogniteCore), writes once, before any timing, one
CogniteAsset ``site``, 10,000 children with ``parent`` = site and 5 grandchildren per child (60,001 nodes,
space ``sp_bench_graph``), then reads the same graph, as typed objects, three ways:

- ``ours``: the typed query builder of pygen's runtime on a CogniteCore SDK generated in this process
  (``load_sdk``): ``client.cognite_asset.query(external_id="site", limit=None).follow(lambda a: a.children)
  .follow(lambda c: c.children).execute()`` (``/models/instances/query``; the graph comes back stitched).
- ``naive``: one ``list`` per hop with the same SDK (``/models/instances/list``, 1000 items a page):
  the site, then its children with ``fields.parent.in_(ids)`` 1000 parent ids at a time, then the
  grandchildren the same way, then grouped by parent.
- ``v1``: the released cognite-pygen (``cognite-pygen==1.4.2``, its own virtualenv, created by
  bench/generate_python.py's ``ensure_v1`` on first use) on a CogniteCore SDK it generates, through
  cognite-sdk (gzip off: the emulator does not decode gzip bodies), timed in a worker process.
  v1's ``.select()`` cannot go ``children.children`` (it refuses the second hop as a circular reference:
  the reason is printed), so it runs the closest query it can express: ``retrieve`` of the site plus
  ``select().parent_filter.equals(site).children.list_full(limit=-1)`` (the children as roots, with theirs).

and, as the practical limit (``floor``), the same 60,001 nodes with the fewest requests of the raw query
endpoint: one hand-written ``/models/instances/query`` body (site, children, grandchildren chained with
``from``/``through``, 10,000 rows an expression), continued by cursor, over httpx, parsed with ``json.loads``
only (no objects, no stitching).

Every way's answer (the site, its 10,000 children, each with its 5 grandchildren) is checked against the
data written, in every run; a difference stops the benchmark. One warm-up round (not counted) comes first,
then ``--runs`` rounds, the ways in a rotating order. Printed per way: median seconds, requests of one
read (counted at the HTTP transport), ratio to ours.

Run: ``.venv/bin/python bench/graph_query.py [--runs 5] [--v1-venv /tmp/pygen-bench/v1] [--skip-v1]``
(the first run installs v1 from PyPI; writing the data takes about a minute).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_python import ensure_v1  # noqa: E402  (bench/ is not a package)

from pygen.generate import load_sdk  # noqa: E402
from pygen.instances import NodeId  # noqa: E402
from pygen.transport import ClientConfig, ConcurrencyLimits, HTTPClient, Token  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "tests" / "data" / "models" / "CogniteCore.json"
TOKEN = "bench-token"
PROJECT = "bench"
SPACE = "sp_bench_graph"
CHILDREN = 10_000
PER_CHILD = 5
VIEW = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteAsset", "version": "v1"}

#: The answer of every way: the root's external id, and each child's external id -> its children's.
Answer = tuple[str, dict[str, frozenset[str]]]


def child_xid(i: int) -> str:
    return f"a{i:05d}"


def grandchild_xid(i: int, j: int) -> str:
    return f"a{i:05d}_{j}"


def expected_answer() -> Answer:
    return "site", {
        child_xid(i): frozenset(grandchild_xid(i, j) for j in range(PER_CHILD)) for i in range(CHILDREN)
    }


def check(way: str, got: Answer, expected: Answer) -> None:
    """Stop the benchmark if ``got`` is not the graph that was written."""
    root, children = got
    _, want = expected
    problems = []
    if root != "site":
        problems.append(f"root is {root!r}, not 'site'")
    if set(children) != set(want):
        missing, extra = set(want) - set(children), set(children) - set(want)
        problems.append(f"{len(children)} children ({len(missing)} missing, e.g. {sorted(missing)[:3]}; "
                        f"{len(extra)} unexpected, e.g. {sorted(extra)[:3]})")  # fmt: skip
    wrong = [xid for xid in want if children.get(xid, frozenset()) != want[xid]]
    if wrong:
        got_total = sum(len(v) for v in children.values())
        problems.append(
            f"{len(wrong)} children with the wrong grandchildren (e.g. {wrong[0]}: "
            f"{sorted(children.get(wrong[0], ()))} instead of {sorted(want[wrong[0]])}); "
            f"{got_total} grandchildren in all instead of {CHILDREN * PER_CHILD}"
        )
    if problems:
        raise SystemExit(f"ANSWER MISMATCH ({way}): " + "; ".join(problems))


class CountingTransport(httpx.HTTPTransport):
    """An httpx transport that counts the requests it sends (by path tail)."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: Counter[str] = Counter()

    @property
    def count(self) -> int:
        return sum(self.paths.values())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths[request.url.path.split("/models/", 1)[-1]] += 1
        return super().handle_request(request)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------------------------------------- data


def populate(client: Any, sdk: Any) -> None:
    """Write the site, its children and their children (not timed)."""
    write = sdk.CogniteAssetWrite
    client.http.post("/models/spaces", json={"items": [{"space": SPACE}]})
    client.upsert([write(external_id="site", name="site")])
    site = NodeId(SPACE, "site")
    client.upsert(write(external_id=child_xid(i), name=f"asset {i}", parent=site) for i in range(CHILDREN))
    client.upsert(
        write(
            external_id=grandchild_xid(i, j),
            name=f"asset {i}.{j}",
            parent=NodeId(SPACE, child_xid(i)),
        )
        for i in range(CHILDREN)
        for j in range(PER_CHILD)
    )


# ---------------------------------------------------------------------------------------------- the ways


def run_ours(client: Any) -> tuple[float, int, Answer]:
    start = time.perf_counter()
    query = (
        client.cognite_asset.query(external_id="site", limit=None)
        .follow(lambda a: a.children)
        .follow(lambda c: c.children)
    )
    result = query.execute()
    seconds = time.perf_counter() - start
    roots = list(result.roots)
    assert len(roots) == 1, f"ours: {len(roots)} roots"
    children = {
        child.external_id: frozenset(grand.external_id for grand in child.children or [])
        for child in roots[0].children or []
    }
    return seconds, result.requests, (roots[0].external_id, children)


def run_naive(client: Any) -> tuple[float, Answer]:
    api = client.cognite_asset
    parent = api.fields.parent
    start = time.perf_counter()
    sites = api.list(external_id="site", limit=None)
    children: list[Any] = []
    for ids in chunks([NodeId(s.space, s.external_id) for s in sites], 1000):
        children.extend(api.list(filter=parent.in_(ids), limit=None))
    grandchildren: list[Any] = []
    for ids in chunks([NodeId(c.space, c.external_id) for c in children], 1000):
        grandchildren.extend(api.list(filter=parent.in_(ids), limit=None))
    below: dict[str, list[Any]] = {}
    for grand in grandchildren:
        below.setdefault(grand.parent.external_id, []).append(grand)
    seconds = time.perf_counter() - start
    assert len(sites) == 1, f"naive: {len(sites)} roots"
    answer = {c.external_id: frozenset(g.external_id for g in below.get(c.external_id, [])) for c in children}
    return seconds, (sites[0].external_id, answer)


def floor_body(cursors: dict[str, str], select: Sequence[str]) -> dict[str, Any]:
    through = {"source": VIEW, "identifier": "parent"}
    site_filter = {
        "and": [
            {"equals": {"property": ["node", "space"], "value": SPACE}},
            {"equals": {"property": ["node", "externalId"], "value": "site"}},
        ]
    }
    body: dict[str, Any] = {
        "with": {
            "site": {"nodes": {"filter": site_filter}, "limit": 10_000},
            "children": {"nodes": {"from": "site", "through": through, "direction": "inwards"}, "limit": 10_000},
            "grand": {"nodes": {"from": "children", "through": through, "direction": "inwards"}, "limit": 10_000},
        },
        "select": {name: {"sources": [{"source": VIEW, "properties": ["*"]}]} for name in select},
    }
    if cursors:
        body["cursors"] = cursors
    return body


def run_floor(http: httpx.Client) -> tuple[float, int, Answer]:
    """All 60,001 nodes with the fewest query requests: every expression continued only while its page is full."""
    url = "/models/instances/query"
    requests = 0
    site: list[Any] = []
    children: list[Any] = []
    grand: list[Any] = []
    start = time.perf_counter()
    child_cursor: str | None = None
    while True:  # pages of children (held by their cursor while their grandchildren are paged)
        held = {"children": child_cursor} if child_cursor else {}
        first = json.loads(http.post(url, json=floor_body(held, ["site", "children", "grand"])).content)
        requests += 1
        if not site:
            site = first["items"]["site"]
        children.extend(first["items"]["children"])
        page = first["items"]["grand"]
        grand.extend(page)
        grand_cursor = first["nextCursor"].get("grand") if len(page) >= 10_000 else None
        while grand_cursor:
            more = json.loads(http.post(url, json=floor_body({**held, "grand": grand_cursor}, ["grand"])).content)
            requests += 1
            page = more["items"]["grand"]
            grand.extend(page)
            grand_cursor = more["nextCursor"].get("grand") if len(page) >= 10_000 else None
        child_cursor = first["nextCursor"].get("children") if len(first["items"]["children"]) >= 10_000 else None
        if not child_cursor:
            break
    seconds = time.perf_counter() - start
    below: dict[str, set[str]] = {}
    for node in grand:
        parent = node["properties"]["cdf_cdm"]["CogniteAsset/v1"]["parent"]
        below.setdefault(parent["externalId"], set()).add(node["externalId"])
    answer = {node["externalId"]: frozenset(below.get(node["externalId"], ())) for node in children}
    assert len(site) == 1, f"floor: {len(site)} roots"
    return seconds, requests, (site[0]["externalId"], answer)


# ---------------------------------------------------------------------------------------------- v1

V1_GENERATE = textwrap.dedent(
    """
    import json, sys, warnings
    warnings.simplefilter("ignore")
    from pathlib import Path
    from cognite.client.data_classes import data_modeling as dm
    from cognite.pygen import generate_sdk
    model = dm.DataModel.load(json.loads(Path(sys.argv[1]).read_text()))
    generate_sdk(model, top_level_package="cognite_core_v1", output_dir=Path(sys.argv[2]) / "cognite_core_v1",
                 overwrite=True, format_code=False, logger=lambda _: None)
    """
)

# The v1 worker: reads "run PATH" lines, times one read, writes the answer to PATH and prints a JSON line.
V1_WORKER = textwrap.dedent(
    """
    import collections, json, sys, time, warnings
    warnings.simplefilter("ignore")
    sdk_dir, base_url, token, project, space = sys.argv[1:6]
    sys.path.insert(0, sdk_dir)
    import httpx2
    from cognite.client import ClientConfig, CogniteClient, global_config
    from cognite.client import data_modeling as dm
    from cognite.client.credentials import Token
    global_config.disable_gzip = True  # the emulator does not decode gzip request bodies
    global_config.disable_pypi_version_check = True
    from cognite_core_v1 import CogniteCoreClient

    paths = collections.Counter()
    _send = httpx2.AsyncClient.send

    async def send(self, request, *args, **kwargs):
        paths[request.url.path.split("/models/", 1)[-1]] += 1
        return await _send(self, request, *args, **kwargs)

    httpx2.AsyncClient.send = send
    config = ClientConfig(client_name="bench", project=project, credentials=Token(token), base_url=base_url,
                          timeout=300)
    client = CogniteCoreClient(CogniteClient(config))

    try:
        client.cognite_asset.select().external_id.equals("site").children.children
        limitation = ""
    except Exception as exc:
        limitation = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    print(json.dumps({"ready": True, "limitation": limitation}), flush=True)

    for line in sys.stdin:
        command, _, out = line.strip().partition(" ")
        if command != "run":
            break
        paths.clear()
        start = time.perf_counter()
        site = client.cognite_asset.retrieve("site", space=space)
        children = (
            client.cognite_asset.select().parent_filter.equals(dm.NodeId(space, site.external_id))
            .children.list_full(limit=-1)
        )
        seconds = time.perf_counter() - start
        answer = {"root": site.external_id,
                  "children": {c.external_id: [g.external_id for g in c.children or []] for c in children}}
        with open(out, "w") as f:
            json.dump(answer, f)
        print(json.dumps({"seconds": seconds, "requests": sum(paths.values()), "paths": dict(paths)}), flush=True)
    """
)


class V1Worker:
    """The v1 SDK in its own virtualenv's python, answering ``run`` commands over a pipe."""

    def __init__(self, python: Path, work: Path, base_url: str) -> None:
        sdk_dir = work / "v1sdk"
        subprocess.run([str(python), "-c", V1_GENERATE, str(MODEL), str(sdk_dir)], check=True)
        script = work / "v1_worker.py"
        script.write_text(V1_WORKER)
        self.answer_file = work / "v1_answer.json"
        self.process = subprocess.Popen(
            [str(python), str(script), str(sdk_dir), base_url, TOKEN, PROJECT, SPACE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.limitation = self._read()["limitation"]
        self.paths: dict[str, int] = {}

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the v1 worker stopped (exit code {self.process.wait()})")
        return json.loads(line)

    def run(self) -> tuple[float, int, Answer]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"run {self.answer_file}\n")
        self.process.stdin.flush()
        done = self._read()
        self.paths = done["paths"]
        raw = json.loads(self.answer_file.read_text())
        answer = {xid: frozenset(grands) for xid, grands in raw["children"].items()}
        return done["seconds"], done["requests"], (raw["root"], answer)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ---------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--v1-venv", type=Path, default=Path(tempfile.gettempdir()) / "pygen-bench" / "v1")
    parser.add_argument("--skip-v1", action="store_true")
    args = parser.parse_args()
    began = time.perf_counter()
    v1_python = None if args.skip_v1 else ensure_v1(args.v1_venv)
    work = Path(tempfile.mkdtemp(prefix="pygen-bench-graph-"))
    sdk = load_sdk([json.loads(MODEL.read_text())], package="core_bench")
    expected = expected_answer()

    from pygen.emulator.testing import EmulatorProcess

    with EmulatorProcess("--token", TOKEN, "--model-file", str(MODEL), startup_timeout=60) as emulator:
        transport = CountingTransport()
        config = ClientConfig(
            PROJECT, Token(TOKEN), base_url=emulator.base_url, limits=ConcurrencyLimits(write=4), timeout=300
        )
        http = HTTPClient(config, transport=transport)
        client = sdk.CogniteCoreClient(http, instance_space=SPACE)
        started = time.perf_counter()
        populate(client, sdk)
        print(f"wrote {1 + CHILDREN + CHILDREN * PER_CHILD:,} nodes in {time.perf_counter() - started:.1f} s")
        raw = httpx.Client(
            base_url=emulator.project_url(PROJECT),
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=300,
            trust_env=False,
        )
        v1 = V1Worker(v1_python, work, emulator.base_url) if v1_python is not None else None
        try:

            def ours() -> tuple[float, int, Answer]:
                before = transport.count
                seconds, requests, answer = run_ours(client)
                assert requests == transport.count - before, (requests, transport.count - before)
                return seconds, requests, answer

            def naive() -> tuple[float, int, Answer]:
                before = transport.count
                seconds, answer = run_naive(client)
                return seconds, transport.count - before, answer

            ways: dict[str, Callable[[], tuple[float, int, Answer]]] = {"ours": ours, "naive": naive}
            if v1 is not None:
                ways["v1"] = v1.run
            ways["floor"] = lambda: run_floor(raw)
            times: dict[str, list[float]] = {name: [] for name in ways}
            requests: dict[str, int] = {}
            names = list(ways)
            for run in range(args.runs + 1):  # run 0: warm-up, not counted
                order = names[run % len(names) :] + names[: run % len(names)]
                for name in order:
                    gc.collect()
                    seconds, count, answer = ways[name]()
                    check(name, answer, expected)
                    if run:
                        times[name].append(seconds)
                    requests[name] = count
                    del answer
                if run:
                    print(f"run {run}: " + ", ".join(f"{name} {times[name][-1]:.2f} s" for name in names), flush=True)
        finally:
            if v1 is not None:
                v1.close()
            raw.close()
            http.close()

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"\n2-hop query, 1 + {CHILDREN:,} + {CHILDREN * PER_CHILD:,} CogniteAsset nodes, "
        f"median of {args.runs} runs (python {sys.version.split()[0]}); answers checked in every run"
    )
    labels = {
        "ours": "ours   query().follow().follow()",
        "naive": "naive  list per hop (in_ by 1000)",
        "v1": "v1     retrieve + select().children (*)",
        "floor": "floor  raw query + json.loads",
    }
    print(f"{'way':<42} {'median s':>9} {'requests':>9} {'x ours':>7}")
    for name in names:
        print(f"{labels[name]:<42} {medians[name]:>9.3f} {requests[name]:>9} {medians[name] / medians['ours']:>6.2f}x")
    if v1 is not None:
        print(f"(*) v1 cannot express children -> children with select(): {v1.limitation or '(no error?)'}")
        print("    measured instead: retrieve('site') + select().parent_filter.equals(site).children.list_full(-1)")
        print(f"    v1 requests by endpoint: {v1.paths}")
    print(f"whole run {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
