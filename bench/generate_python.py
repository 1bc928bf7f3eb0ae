"""Benchmark: Python SDK generation and generated-SDK import time, pygen vs the released cognite-pygen (v1).

Run on demand (not by pytest)::

    .venv/bin/python bench/generate_python.py [--runs 5] [--v1-venv /tmp/pygen-bench/v1] [--skip-v1]

Models: the dumps in tests/data/models (CogniteCore, Omni, OmniSub, WindTurbine) and a synthetic model of 300 views x 30
properties. Measured, as medians over ``--runs`` fresh processes:

- ``whole``: one process that loads the snapshot, generates and writes the tree (v2: ``pygen generate``;
  v1: ``generate_sdk(..., format_code=False)``, the unformatted mode).
- ``gen``: the time of the generate call alone inside that process (imports excluded).
- ``import``: ``import <package>`` of the generated CogniteCore SDK, and ``import`` + touching the client
  class (which loads the runtime), in a fresh process (n = 3 x runs).

v1 is installed from PyPI by this script into its own virtualenv (``cognite-pygen==1.4.2`` plus pandas and
``wheel``, which it needs but does not declare) the first time; later runs reuse it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "tests" / "data" / "models"
MODEL_NAMES = ["CogniteCore", "Omni", "OmniSub", "WindTurbine"]
V1_REQUIREMENTS = ["cognite-pygen==1.4.2", "pandas", "wheel"]

V2_GEN = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from pygen.fetch import load_snapshot
    from pygen.generate import generate
    from pygen._generate_cli import write_tree
    model = load_snapshot(sys.argv[1])
    start = time.perf_counter()
    result = generate([model])
    elapsed = time.perf_counter() - start
    write_tree(result.files, Path(sys.argv[2]))
    print(json.dumps({"gen": elapsed, "package": result.package, "files": len(result.files),
                      "lines": sum(text.count("\\n") for text in result.files.values())}))
    """
)
V1_GEN = textwrap.dedent(
    """
    import json, sys, time, warnings
    warnings.simplefilter("ignore")
    from pathlib import Path
    from cognite.client.data_classes import data_modeling as dm
    from cognite.pygen import generate_sdk
    model = dm.DataModel.load(json.loads(Path(sys.argv[1]).read_text()))
    package = sys.argv[3]
    start = time.perf_counter()
    files = generate_sdk(model, top_level_package=package, output_dir=Path(sys.argv[2]) / package,
                         overwrite=True, format_code=False, logger=lambda _: None)
    elapsed = time.perf_counter() - start
    py = [p for p in (Path(sys.argv[2]) / package).rglob("*.py")]
    print(json.dumps({"gen": elapsed, "package": package, "files": len(py),
                      "lines": sum(p.read_text().count("\\n") for p in py)}))
    """
)


def synthetic_model(views: int = 300, properties: int = 30, seed: int = 7) -> dict[str, Any]:
    """A data model of ``views`` views x ``properties`` properties: every type, direct relations between views."""
    rng = random.Random(seed)
    kinds = ["text", "int32", "int64", "float32", "float64", "boolean", "timestamp", "date", "json"]
    out = []
    for v in range(views):
        props: dict[str, Any] = {}
        for p in range(properties):
            kind = kinds[p % len(kinds)] if p % 6 else "direct"
            prop_type: dict[str, Any] = {"type": kind, "list": p % 7 == 3 and kind != "direct"}
            if kind == "direct":
                prop_type["source"] = {
                    "type": "view",
                    "space": "sp_syn",
                    "externalId": f"View{rng.randrange(views)}",
                    "version": "1",
                }
            props[f"property{p}Value"] = {
                "container": {"type": "container", "space": "sp_syn", "externalId": f"Container{v}"},
                "containerPropertyIdentifier": f"property{p}Value",
                "type": prop_type,
                "nullable": True,
                "immutable": False,
                "autoIncrement": False,
                "name": f"Property {p}",
                "description": f"Synthetic property {p} of view {v}.",
            }
        out.append(
            {
                "space": "sp_syn", "externalId": f"View{v}", "version": "1", "name": f"View {v}",
                "description": f"Synthetic view {v}.", "filter": None, "implements": [], "writable": True,
                "usedFor": "node", "isGlobal": False, "properties": props, "lastUpdatedTime": 0, "createdTime": 0,
            }
        )  # fmt: skip
    return {
        "space": "sp_syn", "externalId": "Synthetic", "version": "1", "name": "Synthetic", "description": None,
        "views": out, "isGlobal": False, "lastUpdatedTime": 0, "createdTime": 0,
    }  # fmt: skip


def ensure_v1(venv: Path) -> Path:
    """The python of a virtualenv holding cognite-pygen v1 (created and installed on first use)."""
    python = venv / "bin" / "python"
    ok = (
        python.exists()
        and subprocess.run([python, "-c", "import cognite.pygen, pandas"], capture_output=True).returncode == 0
    )
    if not ok:
        print(f"installing {' '.join(V1_REQUIREMENTS)} into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *V1_REQUIREMENTS], check=True)
    return python


def run_json(args: list[str], env: dict[str, str] | None = None) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stderr[-3000:]}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def measure_imports(work: Path, v1: Path | None, n: int) -> None:
    """Import time of the generated CogniteCore SDK in fresh processes, v2 and v1 (generated first if needed)."""
    v2_dir, v1_dir = work / "v2-CogniteCore-0", work / "v1-CogniteCore-0"
    core = MODELS / "CogniteCore.json"
    if not v2_dir.exists():
        run_json([sys.executable, "-c", V2_GEN, str(core), str(v2_dir)])
    if v1 is not None and not v1_dir.exists():
        run_json([str(v1), "-c", V1_GEN, str(core), str(v1_dir), "cognite_core"])
    print(f"\nimport of the generated CogniteCore SDK (fresh process, wall s, median of {n})")
    env2 = dict(os.environ, PYTHONPATH=str(v2_dir))
    floor = median([wall([sys.executable, "-c", "pass"], env2) for _ in range(n)])
    v2_import = median([wall([sys.executable, "-c", "import cognite_core"], env2) for _ in range(n)])
    touch2 = "import cognite_core; cognite_core.CogniteCoreClient; from cognite_core import CogniteAsset"
    v2_touch = median([wall([sys.executable, "-c", touch2], env2) for _ in range(n)])
    print(f"  python -c pass: {floor:.3f}")
    print(f"  v2 import cognite_core: {v2_import:.3f}; + client and one view class: {v2_touch:.3f}")
    if v1 is None:
        return
    env1 = dict(os.environ, PYTHONPATH=str(v1_dir))
    v1_import = median([wall([str(v1), "-c", "import cognite_core"], env1) for _ in range(n)])
    touch1 = "import cognite_core; cognite_core.CogniteCoreClient; from cognite_core.data_classes import CogniteAsset"
    v1_touch = median([wall([str(v1), "-c", touch1], env1) for _ in range(n)])
    print(f"  v1 import cognite_core: {v1_import:.3f}; + client and one view class: {v1_touch:.3f}")
    print(
        f"  ratio v1/v2: import {v1_import / v2_import:.1f}x, with client and a view class {v1_touch / v2_touch:.1f}x"
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--v1-venv", type=Path, default=Path(tempfile.gettempdir()) / "pygen-bench" / "v1")
    parser.add_argument("--skip-v1", action="store_true")
    parser.add_argument("--import-only", action="store_true", help="only the import-time measurement")
    args = parser.parse_args()
    v1 = None if args.skip_v1 else ensure_v1(args.v1_venv)
    work = Path(tempfile.mkdtemp(prefix="pygen-bench-"))
    if args.import_only:
        measure_imports(work, v1, args.runs * 3)
        return 0
    synthetic = work / "Synthetic.json"
    synthetic.write_text(json.dumps(synthetic_model()))
    cases = [(name, MODELS / f"{name}.json") for name in MODEL_NAMES] + [("Synthetic 300x30", synthetic)]
    print(f"python {sys.version.split()[0]}, {args.runs} runs per number (medians), work dir {work}\n")
    columns = [
        "v2 whole s",
        "v2 gen s",
        "v1 whole s",
        "v1 gen s",
        "whole x",
        "gen x",
        "v2 files/lines",
        "v1 files/lines",
    ]
    widths = [10, 9, 10, 9, 8, 7, 15, 15]
    print(f"{'model':<18} " + " ".join(f"{name:>{width}}" for name, width in zip(columns, widths, strict=True)))
    for label, path in cases:
        v2_whole, v2_gen, v1_whole, v1_gen = [], [], [], []
        v2_info: dict[str, Any] = {}
        v1_info: dict[str, Any] = {}
        for run in range(args.runs):
            out = work / f"v2-{label.split()[0]}-{run}"
            seconds, v2_info = run_json([sys.executable, "-c", V2_GEN, str(path), str(out)])
            v2_whole.append(seconds)
            v2_gen.append(v2_info["gen"])
            if v1 is not None:
                out1 = work / f"v1-{label.split()[0]}-{run}"
                seconds, v1_info = run_json([str(v1), "-c", V1_GEN, str(path), str(out1), v2_info["package"]])
                v1_whole.append(seconds)
                v1_gen.append(v1_info["gen"])
        row = f"{label:<18} {median(v2_whole):>10.3f} {median(v2_gen):>9.3f}"
        if v1_whole:
            row += f" {median(v1_whole):>10.3f} {median(v1_gen):>9.3f}"
            row += f" {median(v1_whole) / median(v2_whole):>7.1f}x {median(v1_gen) / median(v2_gen):>6.1f}x"
            row += f" {v2_info['files']:>5}/{v2_info['lines']:<9} {v1_info['files']:>5}/{v1_info['lines']:<9}"
        else:
            row += f" {'-':>10} {'-':>9} {'-':>8} {'-':>7} {v2_info['files']:>5}/{v2_info['lines']:<9}"
        print(row, flush=True)

    measure_imports(work, v1, args.runs * 3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
