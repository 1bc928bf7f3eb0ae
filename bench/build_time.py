"""Benchmark: ``python -m build`` of the example (sdist, then the wheel from the sdist), beside v1 and the limit.

Run on demand (not by pytest), after ``./example_project/build-wheel`` filled ``wheelhouse/``::

    .venv/bin/python bench/build_time.py [--runs 5] [--before REV] [--skip-v1] [--v1-venv /tmp/pygen-bench/v1-build]

Every figure is a median over ``--runs`` rounds, after one warm-up round; in each round the commands run one
after the other (interleaved), so a noisy moment hits them all. Each builds a fresh copy of
``example_project`` (the committed CogniteCore snapshot, no network, no credentials):

- ``ours, pip``: ``python -m build``, what ``./example_project/build-wheel`` did before it chose uv: two
  isolated build environments (sdist, then wheel) installed by pip from a local wheelhouse
  (``PIP_NO_INDEX=1 PIP_FIND_LINKS=...``). The wheelhouse holds this checkout's three distributions
  (rebuilt by this script into a private copy) beside the third-party wheels of ``wheelhouse/``;
- ``ours, uv``: the same with ``--installer uv`` (what ``./example_project/build-wheel`` runs when uv is
  installed; ``UV_NO_INDEX=1 UV_FIND_LINKS=...``, a private uv cache warmed by the warm-up round);
- ``before, pip`` / ``before, uv`` (with ``--before REV``): the same with the distributions of an older
  revision of this repository (for before/after);
- ``limit``: ``python -m build --no-isolation`` in the tool environment: the same backend calls with no
  environment to set up; no isolated build can be faster;
- ``v1``: cognite-pygen 1.4.2's closest equivalent. v1 has no build hook: its way from a data model to
  a wheel is ``cognite.pygen.build_wheel(model)``, which generates the SDK (formatted with black, its
  default) and builds a wheel with ``build.ProjectBuilder`` in its own environment (no isolation, no
  sdist). Installed by this script into its own virtualenv on first use
  (``cognite-pygen[cli,format]==1.4.2``, pandas, wheel).

Also printed: the median CPU time of each (user + system, every process of the command), which contention
on a shared machine disturbs less than wall time.

Results (2026-12-02, 2 cores shared with other work, Python 3.11; ``--runs 7 --before`` this repository
with the fetch extra's change reverted)::

                   wall s     min     max   cpu s
    ours-pip         5.29    4.35    6.38    5.08
    ours-uv          3.53    3.03    4.25    3.00
    before-pip       6.37    5.38    7.57    6.10
    before-uv        4.24    3.83    5.39    3.58
    limit            1.39    1.14    2.17    1.33
    v1              38.50   37.70   51.25   38.13
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "example_project"
WHEELHOUSE = REPO / "wheelhouse"
#: Our distributions (wheel name prefix) and their folders in a checkout.
OURS = {
    "cognite_pygen_runtime": ".",
    "hatch_cognite_pygen": "pygen_hatch",
    "setuptools_cognite_pygen": "pygen_setuptools",
}
V1_REQUIREMENTS = ["cognite-pygen[cli,format]==1.4.2", "pandas", "wheel"]
V1_BUILD = textwrap.dedent(
    """
    import json, sys, warnings
    warnings.simplefilter("ignore")
    from pathlib import Path
    from cognite.client.data_classes import data_modeling as dm
    from cognite.pygen import build_wheel
    model = dm.DataModel.load(json.loads(Path(sys.argv[1]).read_text()))
    build_wheel(model, top_level_package="cognite_core", client_name="CogniteCoreClient", output_dir=Path(sys.argv[2]))
    """
)


def run(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall, cpu) seconds of ``command``; cpu is user + system of it and everything it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:5])} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def private_wheelhouse(source: Path, into: Path) -> Path:
    """Our three wheels built from ``source`` (a checkout), beside links to the third-party wheels of wheelhouse/."""
    into.mkdir(parents=True)
    for wheel in WHEELHOUSE.glob("*.whl"):
        if not any(wheel.name.startswith(f"{name}-") for name in OURS):
            (into / wheel.name).symlink_to(wheel)
    folders = [str(source / folder) for folder in OURS.values()]
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(into)]
    subprocess.run([*command, *folders], check=True, env={**os.environ, "PIP_NO_INDEX": "1"})
    return into


def checkout(rev: str, into: Path) -> Path:
    """The files of ``rev`` (git archive), for building that revision's distributions."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def frontend(wheelhouse: Path, installer: str, work: Path, name: str) -> Callable[[Path], tuple[float, float]]:
    """A ``python -m build`` (sdist, then the wheel from it) of a project copy, from ``wheelhouse`` alone."""
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)}
    env.update({"UV_NO_INDEX": "1", "UV_FIND_LINKS": str(wheelhouse)})
    env["UV_CACHE_DIR"] = str(work / f"uv-cache-{name}")  # ours and before share names and versions
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the tool environment's uv
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        env.pop(key, None)

    def build(project: Path) -> tuple[float, float]:
        command = [sys.executable, "-m", "build", "--installer", installer, "--outdir", str(project / "dist")]
        return run([*command, str(project)], env)

    return build


def limit(project: Path) -> tuple[float, float]:
    """The same two builds without isolation: this environment's hatchling and hook, nothing to install."""
    command = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(project / "dist"), str(project)]
    return run(command, dict(os.environ))


def ensure_v1(venv: Path) -> Path:
    python = venv / "bin" / "python"
    probe = "import cognite.pygen, build, black, pandas"
    if not (python.exists() and subprocess.run([python, "-c", probe], capture_output=True).returncode == 0):
        print(f"installing {' '.join(V1_REQUIREMENTS)} into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *V1_REQUIREMENTS], check=True)
    return python


def v1_build(python: Path, snapshot: Path) -> Callable[[Path], tuple[float, float]]:
    def build(project: Path) -> tuple[float, float]:
        return run([str(python), "-c", V1_BUILD, str(snapshot), str(project / "dist")], dict(os.environ), cwd=project)

    return build


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", metavar="REV", help="also build with the distributions of this git revision")
    parser.add_argument("--skip-v1", action="store_true")
    parser.add_argument("--v1-venv", type=Path, default=Path(tempfile.gettempdir()) / "pygen-bench" / "v1-build")
    parser.add_argument("--only", help="comma-separated subset of: ours-pip, ours-uv, before-pip, before-uv, limit, v1")
    args = parser.parse_args()
    if not any(WHEELHOUSE.glob("hatchling-*.whl")):
        print("wheelhouse/ has no third-party wheels: run ./example_project/build-wheel --wheelhouse-only first")
        return 1
    work = Path(tempfile.mkdtemp(prefix="pygen-bench-build-"))
    cases: dict[str, Callable[[Path], tuple[float, float]]] = {}
    ours = private_wheelhouse(REPO, work / "wheelhouse-ours")
    cases["ours-pip"] = frontend(ours, "pip", work, "ours")
    cases["ours-uv"] = frontend(ours, "uv", work, "ours")
    if args.before:
        before = private_wheelhouse(checkout(args.before, work / "before-src"), work / "wheelhouse-before")
        cases["before-pip"] = frontend(before, "pip", work, "before")
        cases["before-uv"] = frontend(before, "uv", work, "before")
    cases["limit"] = limit
    if not args.skip_v1:
        snapshot = EXAMPLE / "snapshots" / "cdf_cdm.CogniteCore.v1.json"
        cases["v1"] = v1_build(ensure_v1(args.v1_venv.resolve()), snapshot)
    if args.only:
        cases = {name: case for name, case in cases.items() if name in args.only.split(",")}

    counter = 0

    def fresh_project() -> Path:
        nonlocal counter
        counter += 1
        project = work / "projects" / f"{counter}" / "example_project"
        ignore = shutil.ignore_patterns("dist", "build", "node_modules", "setuptools", "typescript")
        shutil.copytree(EXAMPLE, project, ignore=ignore)
        return project

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; warm-up round, then {args.runs} rounds")
    for case in cases.values():  # warm-up: uv caches, v1's first run
        case(fresh_project())
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, case in cases.items():
            results[name].append(case(fresh_project()))
    shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'':<12} {'wall s':>8} {'min':>7} {'max':>7} {'cpu s':>7}")
    medians = {}
    for name, values in results.items():
        walls = [wall for wall, _ in values]
        medians[name] = statistics.median(walls)
        cpu = statistics.median([cpu for _, cpu in values])
        print(f"{name:<12} {medians[name]:>8.2f} {min(walls):>7.2f} {max(walls):>7.2f} {cpu:>7.2f}")
    print()
    for name in ("ours-pip", "ours-uv"):
        if name in medians and "limit" in medians:
            print(f"{name}: {medians[name] / medians['limit']:.2f}x the limit", end="")
            if "v1" in medians:
                print(f", v1 takes {medians['v1'] / medians[name]:.1f}x as long", end="")
            earlier = name.replace("ours", "before")
            if earlier in medians:
                print(f", before took {medians[earlier] / medians[name]:.2f}x as long", end="")
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
