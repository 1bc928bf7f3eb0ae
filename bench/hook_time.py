"""Benchmark: the pygen build hook's own time on a warm snapshot, for CogniteCore (the example project).

Measures, on a copy of ``example_project`` (its committed snapshot of ``cdf_cdm:CogniteCore/v1``):

- ``hook``: ``PygenBuildHook.initialize`` + ``finalize`` in this process (config, snapshot load and
  check, generation, writing the files to a temporary folder, cleanup), median of ``--repeat`` runs
  after one warm-up; and its parts: ``load_config``, ``obtain_models`` (snapshot), ``generate``;
- ``hook, cold``: the same once in a fresh interpreter, imports included (what a build pays);
- ``wheel, in-process``: a whole hatchling wheel build of the example (hook + zip);
- ``python -m build --wheel``: the frontend end to end, with a fresh isolated environment from the
  local wheelhouse (skipped with ``--no-frontend`` or when ``wheelhouse/`` is missing: run
  ``./example_project/build-wheel`` once first).

Run: ``.venv/bin/python bench/hook_time.py [--repeat 7] [--no-frontend]``.

Results (2026-11-28, 2 noisy cores, Python 3.11, 33 views -> 37 generated files)::

    load_config                                        0.3 ms
    obtain_models (snapshot)                          12.1 ms
    generate                                          40.2 ms
    hook (initialize + finalize)                      60.3 ms
    hook, cold (fresh interpreter)                   716.7 ms   (mostly imports: pydantic, jinja2, pygen)
    wheel, in-process (hook + zip)                    85.7 ms
    python -m build --wheel (frontend, once)        4001.8 ms   (isolated env creation dominates)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "example_project"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_hook(project: Path) -> None:
    from hatchling.bridge.app import Application
    from hatchling.metadata.core import ProjectMetadata
    from pygen_hatch.plugin import PygenBuildHook

    app = Application()
    app.display_info = app.display_waiting = app.display_warning = lambda *a, **k: None  # type: ignore[method-assign]
    metadata = ProjectMetadata(str(project), None)  # the hook reads [tool.pygen] and the dependencies from it
    hook = PygenBuildHook(str(project), {}, None, metadata, str(project / "dist"), "wheel", app)  # type: ignore[arg-type]
    data: dict[str, object] = {"artifacts": [], "force_include": {}, "dependencies": [], "force_include_editable": {}}
    hook.initialize("standard", data)
    hook.finalize("standard", data, "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-frontend", action="store_true")
    args = parser.parse_args()

    from pygen.generator import generate
    from pygen.generator.config import load_config
    from pygen.generator.fetch import load_snapshot
    from pygen.generator.fetch._refresh import obtain_models

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "example"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("dist", "build", "node_modules"))
        config = load_config(project)
        model = load_snapshot(config.snapshot_file(project, config.refs[0]))
        rows: list[tuple[str, float]] = []
        rows.append(("load_config", median_time(lambda: load_config(project), args.repeat)))
        rows.append(("obtain_models (snapshot)", median_time(lambda: obtain_models(config, project), args.repeat)))
        rows.append(
            (
                "generate",
                median_time(
                    lambda: generate([model], package=config.package, client_name=config.client_name), args.repeat
                ),
            )
        )
        rows.append(("hook (initialize + finalize)", median_time(lambda: run_hook(project), args.repeat)))

        here = str(Path(__file__).parent)
        cold = (
            f"import sys, time; sys.path.insert(0, {here!r}); import hook_time as h; from pathlib import Path; "
            f"t = time.perf_counter(); h.run_hook(Path({str(project)!r})); print(time.perf_counter() - t)"
        )
        out = subprocess.run([sys.executable, "-c", cold], capture_output=True, text=True, check=True).stdout
        rows.append(("hook, cold (fresh interpreter)", float(out.strip().splitlines()[-1])))

        from hatchling.builders.wheel import WheelBuilder

        def wheel() -> None:
            out_dir = Path(tmp) / "dist"
            shutil.rmtree(out_dir, ignore_errors=True)
            with open(os.devnull, "w") as devnull:
                stdout, stderr = sys.stdout, sys.stderr
                sys.stdout = sys.stderr = devnull
                try:
                    list(WheelBuilder(str(project)).build(directory=str(out_dir), versions=["standard"]))
                finally:
                    sys.stdout, sys.stderr = stdout, stderr

        rows.append(("wheel, in-process (hook + zip)", median_time(wheel, max(3, args.repeat // 2))))

        wheelhouse = REPO / "wheelhouse"
        if not args.no_frontend and any(wheelhouse.glob("hatch_cognite_pygen-*.whl")):
            env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)}
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "build", "--wheel", "--outdir", str(Path(tmp) / "fe"), str(project)],
                check=True,
                capture_output=True,
                env=env,
            )
            rows.append(("python -m build --wheel (frontend, once)", time.perf_counter() - start))

    print(f"pygen hook on cdf_cdm:CogniteCore/v1 ({len(model['views'])} views), warm snapshot; median of {args.repeat}")
    for name, seconds in rows:
        print(f"  {name:<44} {seconds * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
