"""Benchmark: what importing a generated SDK costs, and its size, pygen vs the released cognite-pygen (v1).

Run on demand (not by pytest)::

    .venv/bin/python bench/import_time.py [--runs 15] [--v1-venv /tmp/pygen-bench/v1] [--skip-v1]

Every figure is a median over ``--runs`` fresh processes, the commands interleaved round by round so
that a noisy moment hits them all alike:

- ``python -c pass`` (the floor), ``import pydantic, httpx`` (the dependencies as the issue states them),
  ``+ from pydantic import BaseModel`` (pydantic imports lazily) and ``+ one pydantic model class``
  (what any SDK of pydantic models pays before its own code: the first class imports more of pydantic);
- ``import pygen.instances`` (the runtime);
- ``from cognite_core import CogniteCoreClient, CogniteAsset`` (the generated CogniteCore SDK as used),
  and v1's ``import cognite_core; CogniteCoreClient; from cognite_core.data_classes import CogniteAsset``;
- the first ``client.cognite_asset.list(limit=1)`` after that import, and the second, against an
  in-process ``pygen emulator`` (the first builds the classes it needs: pydantic's ``defer_build``);
- the size of both generated trees (files, lines).

v1 is installed by bench/generate_python.py's helper into its own virtualenv on first use.
"""

from __future__ import annotations

import argparse
import json
import os
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


def wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, capture_output=True)
    return time.perf_counter() - start


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
        env2 = dict(os.environ, PYTHONPATH=str(work / "v2"))
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
                dict(os.environ, PYTHONPATH=str(work / "v1")),
            )
        # Warm the bytecode caches once, then interleave.
        for command, env in commands.values():
            wall(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        lists: list[tuple[float, ...]] = []
        script = FIRST_LIST.format(model=str(core))
        for _ in range(args.runs):
            for name, (command, env) in commands.items():
                times[name].append(wall(command, env))
            done = subprocess.run([sys.executable, "-c", script], env=env2, capture_output=True, text=True, check=True)
            lists.append(tuple(float(value) for value in done.stdout.split()))
        medians = {name: statistics.median(values) for name, values in times.items()}
        print(f"wall seconds, medians of {args.runs} fresh processes (interleaved)")
        for name, value in medians.items():
            print(f"  {name:<45} {value:.3f}")
        deps, base = medians["import pydantic, httpx"], medians["+ from pydantic import BaseModel"]
        ours = medians["pygen: from cognite_core import Client, View"]
        print(f"  pygen SDK over `import pydantic, httpx`:      {ours - deps:+.3f}")
        model = medians["+ one pydantic model class"]
        print(f"  pygen SDK over pydantic's BaseModel as well:  {ours - base:+.3f}")
        print(f"  pygen SDK over one pydantic model class:      {ours - model:+.3f} (pygen's own share)")
        if v1 is not None:
            theirs = medians["v1: import cognite_core, client, view"]
            print(f"  v1 / pygen:                                   {theirs / ours:.1f}x")
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
        print(json.dumps({"medians": medians, "first_list": first, "second_list": second, "lines": lines}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
