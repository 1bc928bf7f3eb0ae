"""Benchmark: ``pygen generate`` (Python), pygen vs the released cognite-pygen (v1) and the practical limit.

Run on demand (not by pytest)::

    .venv/bin/python bench/generate_python.py [--runs 7] [--v1-venv /tmp/pygen-bench/v1] [--skip-v1]
        [--models CogniteCore,WindDomain] [--before /path/to/older/pygen/checkout]

Cases: the dumps in tests/data/models (CogniteCore: 33 views; Omni, OmniSub, WindTurbine), ``WindDomain``
(WindTurbine and CogniteCore in one SDK: 49 views, the size of a wind-domain model built on the core
model), and a synthetic model of 300 views x 30 properties. Every figure is a median over ``--runs``
rounds; in each round the commands run one after the other (interleaved), so a noisy moment hits them all:

- ``ours``: the whole process of ``python -m pygen generate --model-file <file> --output <dir>`` (wall
  time: start-up, imports, reading the file, generation with ruff's layout, writing the tree), with the
  template cache warm and modules byte-compiled, as installed (one run before the rounds fills the cache
  and ``__pycache__``; ``cold`` is that first run);
- ``v1``: one process that loads the model, generates and writes it with v1's ``generate_sdk(...,
  format_code=False)`` (its unformatted mode: v1's formatting would add seconds);
- ``limit``: what no ``pygen generate`` can beat: ``python -c pass`` plus the generate call alone when
  everything is imported and warm (the second ``generate`` in one process) plus writing the files;
- ``before`` (with ``--before``): the same command run from an older pygen checkout, for before/after;
- in-process parts of one fresh process (``--parts``): imports, first generate (templates loaded), warm
  generate, write.

Also (``--import-only``, or after the table): import time of the generated CogniteCore SDK.

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
#: WindTurbine and CogniteCore in one SDK (49 views): a wind-domain model built beside the core model.
WIND_DOMAIN = ["WindTurbine", "CogniteCore"]
V1_REQUIREMENTS = ["cognite-pygen==1.4.2", "pandas", "wheel"]

#: One fresh process, in-process parts: imports, first generate, a second (warm) generate, write.
V2_GEN = textwrap.dedent(
    """
    import json, sys, time
    start = time.perf_counter()
    from pathlib import Path
    from pygen.generator.fetch import load_model_files
    from pygen.generator import generate
    from pygen.cli._generate import write_tree
    imported = time.perf_counter()
    models = [local.model for local in load_model_files(sys.argv[1])]
    loaded = time.perf_counter()
    result = generate(models)
    first = time.perf_counter()
    generate(models)
    warm = time.perf_counter()
    write_tree(result.files, Path(sys.argv[2]))
    written = time.perf_counter()
    print(json.dumps({"imports": imported - start, "load": loaded - imported, "gen": first - loaded,
                      "warm": warm - first, "write": written - warm, "package": result.package,
                      "files": len(result.files), "lines": sum(text.count("\\n") for text in result.files.values())}))
    """
)
V1_GEN = textwrap.dedent(
    """
    import json, sys, time, warnings
    warnings.simplefilter("ignore")
    from pathlib import Path
    from cognite.client.data_classes import data_modeling as dm
    from cognite.pygen import generate_sdk
    data = json.loads(Path(sys.argv[1]).read_text())
    model = [dm.DataModel.load(item) for item in data] if isinstance(data, list) else dm.DataModel.load(data)
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
    out: list[dict[str, Any]] = []
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
    return timed(args, env)[0]


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and everything it ran (ruff), stdout) of one command."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} failed:\n{done.stderr[-3000:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


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


def generate_command(model: Path, out: Path) -> list[str]:
    """``python -m pygen generate`` of one model file (the command a user runs)."""
    return [sys.executable, "-m", "pygen", "generate", "--model-file", str(model), "--output", str(out)]


def cases(work: Path, names: list[str] | None) -> list[tuple[str, Path]]:
    """(label, model file) of every case; a file holding a list of models gives one SDK over all of them."""
    wind = work / "WindDomain.json"
    wind.write_text(json.dumps([json.loads((MODELS / f"{name}.json").read_text()) for name in WIND_DOMAIN]))
    synthetic = work / "Synthetic.json"
    synthetic.write_text(json.dumps(synthetic_model()))
    every = [(name, MODELS / f"{name}.json") for name in MODEL_NAMES]
    every += [("WindDomain", wind), ("Synthetic", synthetic)]
    return [case for case in every if names is None or case[0] in names]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--v1-venv", type=Path, default=Path(tempfile.gettempdir()) / "pygen-bench" / "v1")
    parser.add_argument("--skip-v1", action="store_true")
    parser.add_argument("--models", help="comma-separated cases (default: all): " + ", ".join(MODEL_NAMES))
    parser.add_argument("--before", type=Path, help="an older pygen checkout to run beside (before/after)")
    parser.add_argument("--parts", action="store_true", help="also print the in-process parts of our run")
    parser.add_argument("--import-only", action="store_true", help="only the import-time measurement")
    parser.add_argument("--no-import", action="store_true", help="skip the import-time measurement")
    args = parser.parse_args()
    v1 = None if args.skip_v1 else ensure_v1(args.v1_venv.resolve())
    work = Path(tempfile.mkdtemp(prefix="pygen-bench-"))
    if args.import_only:
        measure_imports(work, v1, args.runs * 3)
        return 0
    # `python -m` puts the working directory first on sys.path: run from the work dir, so the pygen that
    # runs is the installed one (or --before's), never a checkout that happens to be the working directory.
    os.chdir(work)
    # Our template cache lives in the user cache directory; here one of its own, filled by the first run.
    # Modules run byte-compiled, as from an installed wheel: the first run writes __pycache__ if needed.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYGEN_CACHE_DIR"] = str(work / "cache")
    before_env = None
    if args.before is not None:
        before_env = dict(env, PYTHONPATH=str(args.before.resolve()), PYGEN_CACHE_DIR=str(work / "cache-before"))
    print(f"python {sys.version.split()[0]}, {args.runs} rounds per case (medians), work dir {work}")
    print("whole process, wall s; ratios are v1 / ours and ours / limit\n")
    columns = ["ours", "cold", "v1", "v1/ours", "limit", "ours/lim", "before", "files/lines", "v1 files/lines"]
    widths = [7, 7, 7, 8, 7, 8, 7, 14, 14]
    print(f"{'model':<12} " + " ".join(f"{name:>{width}}" for name, width in zip(columns, widths, strict=True)))
    selected = args.models.split(",") if args.models else None
    for label, path in cases(work, selected):
        ours, v1_whole, floors, parts, before = [], [], [], [], []
        out = work / f"out-{label}"
        start = time.perf_counter()
        subprocess.run(generate_command(path, out / "cold"), check=True, env=env, capture_output=True)
        cold = time.perf_counter() - start
        if before_env is not None:  # fill the older checkout's cache too (if it has one)
            subprocess.run(generate_command(path, out / "bw"), check=True, env=before_env, capture_output=True)
        info: dict[str, Any] = {}
        v1_info: dict[str, Any] = {}
        for run in range(args.runs):
            ours.append(timed(generate_command(path, out / f"ours-{run}"), env)[:2])
            _, info = run_json([sys.executable, "-c", V2_GEN, str(path), str(out / f"parts-{run}")], env)
            parts.append(info)
            floors.append(wall([sys.executable, "-c", "pass"], env))
            if v1 is not None:
                command = [str(v1), "-c", V1_GEN, str(path), str(out / f"v1-{run}"), info["package"]]
                v1_wall, v1_cpu, stdout = timed(command, dict(os.environ))
                v1_whole.append((v1_wall, v1_cpu))
                v1_info = json.loads(stdout.strip().splitlines()[-1])
            if before_env is not None:
                before.append(timed(generate_command(path, out / f"before-{run}"), before_env)[:2])
        limit = median(floors) + median([p["warm"] for p in parts]) + median([p["write"] for p in parts])
        ours_wall, ours_cpu = median([t[0] for t in ours]), median([t[1] for t in ours])
        row = f"{label:<12} {ours_wall:>7.3f} {cold:>7.3f}"
        if v1_whole:
            v1_wall, v1_cpu = median([t[0] for t in v1_whole]), median([t[1] for t in v1_whole])
            row += f" {v1_wall:>7.3f} {v1_wall / ours_wall:>7.1f}x"
        else:
            row += f" {'-':>7} {'-':>8}"
        row += f" {limit:>7.3f} {ours_wall / limit:>7.2f}x"
        row += f" {median([t[0] for t in before]):>7.3f}" if before else f" {'-':>7}"
        row += f" {info['files']:>5}/{info['lines']:<8}"
        row += f" {v1_info['files']:>5}/{v1_info['lines']:<8}" if v1_info else ""
        print(row, flush=True)
        cpu = f"    CPU s (process and its children: ruff): ours {ours_cpu:.3f}"
        if v1_whole:
            cpu += f", v1 {v1_cpu:.3f} ({v1_cpu / ours_cpu:.1f}x)"
        if before:
            cpu += f", before {median([t[1] for t in before]):.3f}"
        print(cpu, flush=True)
        if args.parts:
            keys = ["imports", "load", "gen", "warm", "write"]
            print("    in-process parts: " + ", ".join(f"{k} {median([p[k] for p in parts]):.3f}" for k in keys))

    if not args.no_import:
        measure_imports(work, v1, args.runs * 3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
