"""Benchmark: what importing a generated SDK costs, and its size, pygen vs the released cognite-pygen (v1).

Run on demand (not by pytest)::

    .venv/bin/python bench/import_time.py [--runs 15] [--v1-venv /tmp/pygen-bench/v1] [--skip-v1]

Every figure is a median over ``--runs`` fresh processes, the commands interleaved round by round so
that a noisy moment hits them all alike, as wall seconds and as CPU seconds (user + system of the
process, from the kernel's accounting: what the import costs, whatever else the machine is doing):

- ``python -c pass`` (the floor), ``import pydantic, httpx`` (the dependencies as the issue states them),
  ``+ from pydantic import BaseModel`` (pydantic imports lazily) and ``+ one pydantic model class``
  (what any SDK of pydantic models pays before its own code: the first class imports more of pydantic);
- ``import pygen.instances`` (the runtime);
- pygen's own share measured inside one process as well: after ``import pydantic, httpx`` and one
  pydantic model class, the seconds ``import pygen.instances`` and the SDK import take (no difference
  of two processes' noise);
- ``from cognite_core import CogniteCoreClient, CogniteAsset`` (the generated CogniteCore SDK as used),
  and v1's ``import cognite_core; CogniteCoreClient; from cognite_core.data_classes import CogniteAsset``;
- the first ``client.cognite_asset.list(limit=1)`` after that import, and the second, against an
  in-process ``pygen emulator`` (the first builds the classes it needs: pydantic's ``defer_build``);
- the size of both generated trees (files, lines).

v1 is installed by bench/generate_python.py's helper into its own virtualenv on first use.

Bytecode caches are used, as in any installed package: the timed processes run without
``PYTHONDONTWRITEBYTECODE`` (the warm-up round writes the caches of pygen's and both SDKs' sources).
With it set, a checkout's stale caches are never rewritten and every process compiles pygen's and the
SDK's sources again (about 0.1 s here), while site-packages' own caches are used: the figures then
measure the compiler, not the import.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_python import MODELS, V1_GEN, V2_GEN, ensure_v1, run_json  # noqa: E402

FIRST_LIST = """
import time
from pygen.emulator import EmulatorSettings, create_app
from pygen.emulator.testing import SyncASGITransport
from pygen.transport import ClientConfig, HTTPClient, Token
transport = SyncASGITransport(create_app(EmulatorSettings(token="t", model_files=[{model!r}])))
http = HTTPClient(ClientConfig("p", Token("t"), base_url="http://emulator"), transport=transport)
http.post("/models/spaces", json={{"items": [{{"space": "s"}}]}})
start = time.perf_counter()
from cognite_core import CogniteCoreClient, CogniteAsset
client = CogniteCoreClient(http, instance_space="s")
imported = time.perf_counter()
client.cognite_asset.list(limit=1)
first = time.perf_counter()
client.cognite_asset.list(limit=1)
second = time.perf_counter()
print(imported - start, first - imported, second - first)
"""


#: What any SDK built on pydantic models pays before its own code runs: BaseModel, and the first class
#: (pydantic imports ``pydantic.fields``, ``pydantic.types`` and ``annotated_types`` for it).
ONE_MODEL = """
import pydantic, httpx
from pydantic import BaseModel, ConfigDict
class A(BaseModel):
    model_config = ConfigDict(defer_build=True)
    x: int = 1
"""


#: pygen's share inside one process: what the import takes once pydantic has built a first model class.
OWN_SHARE = (
    ONE_MODEL
    + """
import time
started, cpu = time.perf_counter(), time.process_time()
{statement}
print(time.perf_counter() - started, time.process_time() - cpu)
"""
)


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of a fresh process, and its CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def tree_size(root: Path) -> tuple[int, int]:
    files = list(root.rglob("*.py"))
    return len(files), sum(path.read_text(encoding="utf-8").count("\n") for path in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--v1-venv", type=Path, default=Path(tempfile.gettempdir()) / "pygen-bench" / "v1")
    parser.add_argument("--skip-v1", action="store_true")
    args = parser.parse_args()
    v1 = None if args.skip_v1 else ensure_v1(args.v1_venv)
    core = MODELS / "CogniteCore.json"
    with tempfile.TemporaryDirectory(prefix="pygen-import-bench-") as tmp:
        work = Path(tmp)
        run_json([sys.executable, "-c", V2_GEN, str(core), str(work / "v2")])
        cached = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env2 = dict(cached, PYTHONPATH=str(work / "v2"))
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([sys.executable, "-c", "pass"], env2),
            "import pydantic, httpx": ([sys.executable, "-c", "import pydantic, httpx"], env2),
            "+ from pydantic import BaseModel": (
                [sys.executable, "-c", "import pydantic, httpx; from pydantic import BaseModel"],
                env2,
            ),
            "+ one pydantic model class": ([sys.executable, "-c", ONE_MODEL], env2),
            "import pygen.instances": ([sys.executable, "-c", "import pygen.instances"], env2),
            "pygen: from cognite_core import Client, View": (
                [sys.executable, "-c", "from cognite_core import CogniteCoreClient, CogniteAsset"],
                env2,
            ),
        }
        if v1 is not None:
            run_json([str(v1), "-c", V1_GEN, str(core), str(work / "v1"), "cognite_core"])
            touch = "import cognite_core; cognite_core.CogniteCoreClient; "
            touch += "from cognite_core.data_classes import CogniteAsset"
            commands["v1: import cognite_core, client, view"] = (
                [str(v1), "-c", touch],
                dict(cached, PYTHONPATH=str(work / "v1")),
            )
        # Warm the bytecode caches once, then interleave.
        for command, env in commands.values():
            timed(command, env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        lists: list[tuple[float, ...]] = []
        script = FIRST_LIST.format(model=str(core))
        shares = {
            "the runtime": OWN_SHARE.format(statement="import pygen.instances"),
            "the SDK": OWN_SHARE.format(statement="from cognite_core import CogniteCoreClient, CogniteAsset"),
        }
        own: dict[str, list[tuple[float, ...]]] = {name: [] for name in shares}
        for _ in range(args.runs):
            for name, (command, env) in commands.items():
                times[name].append(timed(command, env))
            done = subprocess.run([sys.executable, "-c", script], env=env2, capture_output=True, text=True, check=True)
            lists.append(tuple(float(value) for value in done.stdout.split()))
            for name, code in shares.items():
                done = subprocess.run(
                    [sys.executable, "-c", code], env=env2, capture_output=True, text=True, check=True
                )
                own[name].append(tuple(float(value) for value in done.stdout.split()))
        medians = {name: statistics.median(wall for wall, _ in values) for name, values in times.items()}
        cpu = {name: statistics.median(used for _, used in values) for name, values in times.items()}
        print(f"seconds, medians of {args.runs} fresh processes (interleaved)           wall    CPU")
        for name in medians:
            print(f"  {name:<60} {medians[name]:.3f}  {cpu[name]:.3f}")
        sdk, runtime = "pygen: from cognite_core import Client, View", "import pygen.instances"
        for label, name, over in [
            ("pygen SDK over `import pydantic, httpx`", sdk, "import pydantic, httpx"),
            ("pygen SDK over pydantic's BaseModel as well", sdk, "+ from pydantic import BaseModel"),
            ("pygen SDK over one pydantic model class (pygen's own share)", sdk, "+ one pydantic model class"),
            ("the runtime over `import pydantic, httpx`", runtime, "import pydantic, httpx"),
            ("the runtime over one pydantic model class (its own share)", runtime, "+ one pydantic model class"),
        ]:
            print(f"  {label:<60} {medians[name] - medians[over]:+.3f} {cpu[name] - cpu[over]:+.3f}")
        for name, values in own.items():
            wall_s, cpu_s = (statistics.median(column) for column in zip(*values, strict=True))
            print(f"  in one process, after one pydantic model class: {name:<11} {wall_s:+.3f} {cpu_s:+.3f}")
        ours = medians[sdk]
        if v1 is not None:
            v1_name = "v1: import cognite_core, client, view"
            print(f"  v1 / pygen: {medians[v1_name] / ours:.1f}x (wall), {cpu[v1_name] / cpu[sdk]:.1f}x (CPU)")
        imported, first, second = (statistics.median(column) for column in zip(*lists, strict=True))
        print(
            f"  in one process: import {imported:.3f}, first list() {first:.3f} (builds its classes), "
            f"second list() {second:.3f}"
        )
        files, lines = tree_size(work / "v2")
        print(f"generated CogniteCore: pygen {files} files, {lines:,} lines", end="")
        if v1 is not None:
            files1, lines1 = tree_size(work / "v1")
            print(f"; v1 {files1} files, {lines1:,} lines ({lines1 / lines:.1f}x)")
        else:
            print()
        print(json.dumps({"medians": medians, "cpu": cpu, "first_list": first, "second_list": second, "lines": lines}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
