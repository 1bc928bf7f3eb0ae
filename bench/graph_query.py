"""Benchmark: a 2-hop graph query (one asset -> 10,000 children -> 50,000 grandchildren) against the emulator.

Starts ``pygen emulator`` (a separate process, loading CogniteCore) and writes once, before any timing, one
CogniteAsset ``site``, 10,000 children with ``parent`` = site and 5 grandchildren per child (60,001 nodes,
space ``sp_bench_graph``). Then reads the same graph as typed objects, several ways:

- ``ours``: the typed query builder of pygen's runtime, on a CogniteCore SDK generated in this process
  (``load_sdk``): ``client.cognite_asset.query(external_id="site", limit=None).follow(lambda a: a.children)
  .follow(lambda c: c.children).execute()`` (``/models/instances/query``; the graph comes back stitched).
- ``naive``: one ``list`` per hop with the same SDK (``/models/instances/list``, 1000 items a page): the
  site, its children with ``fields.parent.in_(ids)`` 1000 parent ids at a time, the grandchildren the same
  way, then grouped by parent.
- ``v1``: the released cognite-pygen (``cognite-pygen==1.4.2`` in its own virtualenv, made by
  bench/generate_python.py's ``ensure_v1`` on first use) on a CogniteCore SDK it generates, through
  cognite-sdk (gzip off: the emulator does not decode gzip bodies), in a worker process that times itself.
  v1's ``select()`` refuses ``children.children`` (a "circular reference"; the error is printed), so:
  ``v1 list`` is v1's one-``list``-per-hop read (``retrieve`` the site, then ``list(parent=ids, limit=-1)``,
  1000 ids a call), the same answer as ours; ``v1 select`` is the closest query v1 can express
  (``retrieve`` the site + ``select().parent_filter.equals(site).children.list_full(limit=-1)``, the
  children as roots), timed for reference only: v1 stops paging when the root expression is done, so its
  answer is incomplete (printed; it does not stop the benchmark, any other difference does).
- ``floor``, the practical limit: the same 60,001 nodes with the fewest requests of the raw query endpoint,
  one hand-written ``/models/instances/query`` body (site, children, grandchildren chained with
  ``from``/``through``, 10,000 rows an expression, continued by cursor, the held expressions not selected
  again), over httpx, ``json.loads`` only (no objects, no stitching).

Every answer (the site, its 10,000 children, each with its 5 grandchildren) is checked against the data
written, in every run. One warm-up round (not counted) comes first, then ``--runs`` rounds, the ways in a
rotating order. Printed per way: median wall seconds, median CPU seconds of the reading process (the rest
is the emulator, a separate process, and the wire), requests of one read (counted at the HTTP transport),
wall ratio to ours.

Run: ``.venv/bin/python bench/graph_query.py [--runs 5] [--v1-venv /tmp/pygen-bench/v1] [--skip-v1]``
(the first run installs v1 from PyPI; ``--runs 3`` takes about 4.5 minutes, most of it the emulator).
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
from typing import Any, NamedTuple

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_python import ensure_v1  # noqa: E402  (bench/ is not a package)

from pygen.generator import load_sdk  # noqa: E402
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
#: Most rows of one result-set expression per query request.
QUERY_LIMIT = 10_000

#: What every way returns: the root's external id, and each child's external id -> its children's.
Answer = tuple[str, dict[str, frozenset[str]]]


class Reading(NamedTuple):
    seconds: float
    cpu: float
    paths: dict[str, int]  # requests of the read, by endpoint
    answer: Answer

    @property
    def requests(self) -> int:
        return sum(self.paths.values())


def child_xid(i: int) -> str:
    return f"a{i:05d}"


def grandchild_xid(i: int, j: int) -> str:
    return f"a{i:05d}_{j}"


def expected_answer() -> Answer:
    return "site", {child_xid(i): frozenset(grandchild_xid(i, j) for j in range(PER_CHILD)) for i in range(CHILDREN)}


def differences(got: Answer, expected: Answer) -> str:
    """How ``got`` differs from the graph that was written ("" if it does not)."""
    root, children = got
    _, want = expected
    problems = []
    if root != "site":
        problems.append(f"root is {root!r}, not 'site'")
    if set(children) != set(want):
        missing, extra = sorted(set(want) - set(children)), sorted(set(children) - set(want))
        text = f"{len(children):,} children instead of {len(want):,}"
        if missing:
            text += f", {len(missing):,} missing (e.g. {', '.join(missing[:3])})"
        if extra:
            text += f", {len(extra):,} unexpected (e.g. {', '.join(extra[:3])})"
        problems.append(text)
    wrong = [xid for xid in want if xid in children and children[xid] != want[xid]]
    total = sum(len(grands) for grands in children.values())
    if total != CHILDREN * PER_CHILD:
        problems.append(f"{total:,} grandchildren instead of {CHILDREN * PER_CHILD:,}")
    if wrong:
        problems.append(
            f"{len(wrong):,} children with the wrong grandchildren (e.g. {wrong[0]}: {sorted(children[wrong[0]])})"
        )
    return "; ".join(problems)


class CountingTransport(httpx.HTTPTransport):
    """An httpx transport that counts the requests it sends, by endpoint."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: Counter[str] = Counter()

    @property
    def count(self) -> int:
        return sum(self.paths.values())

    def since(self, before: Counter[str]) -> dict[str, int]:
        return dict(self.paths - before)

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
        write(external_id=grandchild_xid(i, j), name=f"asset {i}.{j}", parent=NodeId(SPACE, child_xid(i)))
        for i in range(CHILDREN)
        for j in range(PER_CHILD)
    )


# ---------------------------------------------------------------------------------------------- the ways


def run_ours(client: Any, transport: CountingTransport) -> Reading:
    before = transport.paths.copy()
    start, cpu = time.perf_counter(), time.process_time()
    query = (
        client.cognite_asset.query(external_id="site", limit=None)
        .follow(lambda a: a.children)
        .follow(lambda c: c.children)
    )
    result = query.execute()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    sent = transport.since(before)
    assert result.requests == sum(sent.values()), (
        f"ours: result.requests is {result.requests}, the transport sent {sent}"
    )
    roots = list(result.roots)
    assert len(roots) == 1, f"ours: {len(roots)} roots"
    children = {
        child.external_id: frozenset(grand.external_id for grand in child.children or [])
        for child in roots[0].children or []
    }
    return Reading(seconds, cpu, sent, (roots[0].external_id, children))


def run_naive(client: Any, transport: CountingTransport) -> Reading:
    api = client.cognite_asset
    parent = api.fields.parent
    before = transport.paths.copy()
    start, cpu = time.perf_counter(), time.process_time()
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
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(sites) == 1, f"naive: {len(sites)} roots"
    answer = {c.external_id: frozenset(g.external_id for g in below.get(c.external_id, [])) for c in children}
    return Reading(seconds, cpu, transport.since(before), (sites[0].external_id, answer))


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
            "site": {"nodes": {"filter": site_filter}, "limit": QUERY_LIMIT},
            "children": {"nodes": {"from": "site", "through": through, "direction": "inwards"}, "limit": QUERY_LIMIT},
            "grand": {"nodes": {"from": "children", "through": through, "direction": "inwards"}, "limit": QUERY_LIMIT},
        },
        "select": {name: {"sources": [{"source": VIEW, "properties": ["*"]}]} for name in select},
    }
    if cursors:
        body["cursors"] = cursors
    return body


def run_floor(http: httpx.Client) -> Reading:
    """All the nodes with the fewest query requests: an expression is continued only while its pages are full."""
    url = "/models/instances/query"
    requests = 0
    site: list[Any] = []
    children: list[Any] = []
    grand: list[Any] = []
    start, cpu = time.perf_counter(), time.process_time()
    child_cursor: str | None = None
    while True:  # a page of children (held by its cursor while its grandchildren are paged)
        held = {"children": child_cursor} if child_cursor else {}
        names = ["children", "grand"] if child_cursor else ["site", "children", "grand"]
        first = json.loads(http.post(url, json=floor_body(held, names)).content)
        requests += 1
        site = site or first["items"]["site"]
        children.extend(first["items"]["children"])
        page = first["items"]["grand"]
        grand.extend(page)
        grand_cursor = first["nextCursor"].get("grand") if len(page) >= QUERY_LIMIT else None
        while grand_cursor:
            more = json.loads(http.post(url, json=floor_body({**held, "grand": grand_cursor}, ["grand"])).content)
            requests += 1
            page = more["items"]["grand"]
            grand.extend(page)
            grand_cursor = more["nextCursor"].get("grand") if len(page) >= QUERY_LIMIT else None
        full = len(first["items"]["children"]) >= QUERY_LIMIT
        child_cursor = first["nextCursor"].get("children") if full else None
        if not child_cursor:
            break
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    below: dict[str, set[str]] = {}
    for node in grand:
        parent = node["properties"]["cdf_cdm"]["CogniteAsset/v1"]["parent"]
        below.setdefault(parent["externalId"], set()).add(node["externalId"])
    answer = {node["externalId"]: frozenset(below.get(node["externalId"], ())) for node in children}
    assert len(site) == 1, f"floor: {len(site)} roots"
    return Reading(seconds, cpu, {"instances/query": requests}, (site[0]["externalId"], answer))


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

# The v1 worker: reads "select PATH" / "list PATH" lines, times one read, writes its answer to PATH and prints
# a JSON line (seconds, CPU seconds, requests by endpoint, counted at cognite-sdk's httpx2 client).
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
    print(json.dumps({"limitation": limitation}), flush=True)

    def by_select():
        # select() stops at children (children.children is refused): the children as roots, with theirs.
        site = client.cognite_asset.retrieve("site", space=space)
        query = client.cognite_asset.select().parent_filter.equals(dm.NodeId(space, site.external_id)).children
        roots = query.list_full(limit=-1)
        return site, lambda: {c.external_id: [g.external_id for g in c.children or []] for c in roots}

    def by_list():
        # One list per hop, 1000 parent ids a call (parent=[...] is an `in` filter).
        def below(ids):
            found = []
            for start in range(0, len(ids), 1000):
                found.extend(client.cognite_asset.list(parent=ids[start : start + 1000], limit=-1))
            return found

        site = client.cognite_asset.retrieve("site", space=space)
        children = below([site.as_id()])
        grandchildren = below([child.as_id() for child in children])
        by_parent = {}
        for grand in grandchildren:
            by_parent.setdefault(grand.parent.external_id, []).append(grand)
        return site, lambda: {
            c.external_id: [g.external_id for g in by_parent.get(c.external_id, [])] for c in children
        }

    for line in sys.stdin:
        command, _, out = line.strip().partition(" ")
        if command not in ("select", "list"):
            break
        paths.clear()
        start, cpu = time.perf_counter(), time.process_time()
        site, answer = by_select() if command == "select" else by_list()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        with open(out, "w") as f:
            json.dump({"root": site.external_id, "children": answer()}, f)
        print(json.dumps({"seconds": seconds, "cpu": cpu, "paths": dict(paths)}), flush=True)
    """
)


class V1Worker:
    """The v1 SDK in its own virtualenv's python, answering ``select``/``list`` commands over a pipe."""

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
        self.limitation: str = self._read()["limitation"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the v1 worker stopped (exit code {self.process.wait()})")
        return json.loads(line)

    def run(self, command: str) -> Reading:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{command} {self.answer_file}\n")
        self.process.stdin.flush()
        done = self._read()
        raw = json.loads(self.answer_file.read_text())
        answer = {xid: frozenset(grands) for xid, grands in raw["children"].items()}
        return Reading(done["seconds"], done["cpu"], done["paths"], (raw["root"], answer))

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

LABELS = {
    "ours": "ours      query().follow().follow()",
    "naive": "naive     list per hop, in_ by 1000",
    "v1 list": "v1 list   retrieve + list per hop",
    "v1 select": "v1 select retrieve + select().children (*)",
    "floor": "floor     raw query + json.loads",
}
#: Ways whose answer is known to be wrong: the difference is printed, not fatal (their figures are not comparable).
INCOMPLETE_OK = {"v1 select"}


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
    wrong: dict[str, str] = {}

    from pygen.emulator.testing import EmulatorProcess

    with EmulatorProcess("--token", TOKEN, "--model-file", str(MODEL), startup_timeout=60) as emulator:
        transport = CountingTransport()
        config = ClientConfig(
            PROJECT, Token(TOKEN), base_url=emulator.base_url, limits=ConcurrencyLimits(write=4), timeout=600
        )
        http = HTTPClient(config, transport=transport)
        client = sdk.CogniteCoreClient(http, instance_space=SPACE)
        started = time.perf_counter()
        populate(client, sdk)
        print(f"wrote {1 + CHILDREN + CHILDREN * PER_CHILD:,} nodes in {time.perf_counter() - started:.1f} s")
        raw = httpx.Client(
            base_url=emulator.project_url(PROJECT),
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=600,
            trust_env=False,
        )
        v1 = V1Worker(v1_python, work, emulator.base_url) if v1_python is not None else None
        try:
            ways: dict[str, Callable[[], Reading]] = {
                "ours": lambda: run_ours(client, transport),
                "naive": lambda: run_naive(client, transport),
            }
            if v1 is not None:
                ways["v1 list"] = lambda: v1.run("list")
                ways["v1 select"] = lambda: v1.run("select")
            ways["floor"] = lambda: run_floor(raw)
            readings: dict[str, list[Reading]] = {name: [] for name in ways}
            names = list(ways)
            for run in range(args.runs + 1):  # run 0 is the warm-up
                shift = run % len(names)
                for name in names[shift:] + names[:shift]:
                    gc.collect()
                    reading = ways[name]()
                    problem = differences(reading.answer, expected)
                    if problem and name not in INCOMPLETE_OK:
                        raise SystemExit(f"ANSWER MISMATCH ({name}, run {run}): {problem}")
                    if problem:
                        wrong[name] = problem
                    readings[name].append(reading._replace(answer=("", {})))
                label = "warm-up" if run == 0 else f"run {run}"
                print(
                    f"{label}: " + ", ".join(f"{name} {readings[name][-1].seconds:.2f} s" for name in names),
                    flush=True,
                )
        finally:
            if v1 is not None:
                v1.close()
            raw.close()
            http.close()

    print(
        f"\n2-hop graph query, 1 + {CHILDREN:,} + {CHILDREN * PER_CHILD:,} CogniteAsset nodes; medians of "
        f"{args.runs} runs after a warm-up (python {sys.version.split()[0]}); answers checked every run"
    )
    print(f"{'way':<46} {'wall s':>8} {'client CPU s':>12} {'requests':>9} {'wall x ours':>11}")
    ours = statistics.median(r.seconds for r in readings["ours"][1:])
    for name in names:
        timed = readings[name][1:]
        wall = statistics.median(r.seconds for r in timed)
        cpu = statistics.median(r.cpu for r in timed)
        requests = "/".join(str(n) for n in sorted({r.requests for r in timed}))
        note = "  incomplete answer" if name in wrong else ""
        print(f"{LABELS[name]:<46} {wall:>8.2f} {cpu:>12.2f} {requests:>9} {wall / ours:>10.2f}x{note}")
    print("requests of one read, by endpoint:")
    for name in names:
        print(f"  {name}: {readings[name][-1].paths}")
    if v1 is not None:
        print(f"(*) v1's select() cannot follow children -> children: {v1.limitation or '(no error: check)'}")
        print("    timed instead: retrieve('site') + select().parent_filter.equals(site).children.list_full(limit=-1)")
        if "v1 select" in wrong:
            print(f"    ITS ANSWER IS INCOMPLETE (not comparable): {wrong['v1 select']}")
    print(f"whole run {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
