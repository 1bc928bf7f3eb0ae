"""The TypeScript compile matrix: generated SDKs and a user's file on them, under several tsconfigs and two TypeScripts.

Two generated SDKs (CogniteCore and Omni, each with its runtime copy) and ``matrix/consumer.ts`` (correct usage of
both) are written to one folder, an ES module package (``"type": "module"``), and type-checked (no emit) under each
configuration of :data:`CONFIGS` by every TypeScript that tests/typescript installs (:func:`compilers`: the
``typescript`` package and its npm aliases, the two latest majors). Each TypeScript runs once, in build mode over
all the configurations (``tsc -b``: one process, so the JavaScript compiler warms up once), both at the same time;
each writes its tsbuildinfo files into a folder of its own. Every configuration must give 0 errors.

pytest runs it in ``test_ts_compile_matrix.py``; by hand (repo root, after ``tests/typescript/run.sh install``):
``.venv/bin/python tests/emit_typescript/compile_matrix.py`` prints the table.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":
    sys.path[:0] = [str(HERE), str(HERE.parent)]  # the support module, and testdata

from _ts_support import TSCONFIG, generate_case, write_files  # noqa: E402
from testdata import REPO_ROOT  # noqa: E402

TS_TESTS = REPO_ROOT / "tests" / "typescript"
CONSUMER = HERE / "matrix" / "consumer.ts"
#: The golden cases whose SDKs are checked (each with its own runtime copy, as a user has them).
CASES = ("cognite_core", "omni")

_STRICT: dict[str, Any] = {"strict": True}
#: The project's own flag set: the golden check's (``_ts_support.TSCONFIG``) plus the runtime's extra ones
#: (tests/typescript/tsconfig.runtime.json).
_FULL: dict[str, Any] = {
    **{key: value for key, value in TSCONFIG["compilerOptions"].items() if key != "noEmit"},
    "noImplicitReturns": True,
    "allowUnreachableCode": False,
}

#: Added to every configuration: no output, and no checking of TypeScript's own ``lib.*.d.ts`` files (the same for
#: every project, and most of TypeScript 6's time; the SDK and the consumer are all ``.ts``, checked in full).
_ALWAYS: dict[str, Any] = {"noEmit": True, "skipDefaultLibCheck": True}

#: name -> (what it stands for, compilerOptions), each with :data:`_ALWAYS` added.
CONFIGS: dict[str, tuple[str, dict[str, Any]]] = {
    "strict": ("`strict` and nothing else (TypeScript's defaults for the rest)", _STRICT),
    "full": ("the project's flag set (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, ...)", _FULL),
    "bundler": (
        "strict, module esnext, moduleResolution bundler",
        {**_STRICT, "module": "esnext", "moduleResolution": "bundler"},
    ),
    "preserve": ("strict, module preserve (moduleResolution bundler)", {**_STRICT, "module": "preserve"}),
    "node16": ("strict, module node16 (moduleResolution node16)", {**_STRICT, "module": "node16"}),
    "nodenext": ("strict, module nodenext (moduleResolution nodenext)", {**_STRICT, "module": "nodenext"}),
    "node20": (
        "a Node 20 project without the DOM library: @tsconfig/node20's options (strict, lib es2023, target es2022, "
        "module node16, esModuleInterop, skipLibCheck) and @types/node",
        {
            **_STRICT,
            "lib": ["es2023"],
            "target": "es2022",
            "module": "node16",
            "esModuleInterop": True,
            "skipLibCheck": True,
            "types": ["node"],
            "typeRoots": [str(TS_TESTS / "node_modules" / "@types")],
        },
    ),
}


@dataclass(frozen=True)
class Compiler:
    package: str  # the folder under tests/typescript/node_modules (an npm alias or "typescript")
    version: str
    tsc: Path

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


def compilers() -> list[Compiler]:
    """Every TypeScript among tests/typescript's dev dependencies (``typescript``, ``npm:typescript@...`` aliases)."""
    manifest = json.loads((TS_TESTS / "package.json").read_text(encoding="utf-8"))
    found = []
    for name, spec in manifest["devDependencies"].items():
        if name != "typescript" and not str(spec).startswith("npm:typescript@"):
            continue
        folder = TS_TESTS / "node_modules" / name
        installed = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        found.append(Compiler(name, installed["version"], folder / "bin" / "tsc"))
    return sorted(found, key=lambda compiler: compiler.major, reverse=True)


def write_tree(root: Path) -> None:
    """The SDKs and the consumer under ``root/src``, one tsconfig per configuration under ``root/ts<major>/``."""
    for case in CASES:
        write_files(generate_case(case), root / "src")
    (root / "src" / "consumer.ts").write_text(CONSUMER.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "package.json").write_text('{"private": true, "type": "module"}\n', encoding="utf-8")


def _configs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (_, options) in CONFIGS.items():
        path = folder / f"tsconfig.{name}.json"
        config = {"compilerOptions": {**options, **_ALWAYS}, "include": ["../src/**/*.ts"]}
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        paths.append(path)
    return paths


_BUILDING = re.compile(r"Building project '(?:[^']*[/\\])?tsconfig\.([\w-]+)\.json'")
_ERROR = re.compile(r"\berror TS\d+:")


@dataclass
class Outcome:
    compiler: Compiler
    returncode: int
    output: str
    seconds: float

    def errors(self) -> dict[str, list[str]]:
        """The error lines per configuration (build mode prints "Building project ..." before each project)."""
        found: dict[str, list[str]] = {name: [] for name in CONFIGS}
        current = None
        for line in self.output.splitlines():
            match = _BUILDING.search(line)
            if match:
                current = match.group(1)
            elif _ERROR.search(line):
                found.setdefault(current or "?", []).append(line.strip())
        return found

    def built(self) -> set[str]:
        return {match.group(1) for match in _BUILDING.finditer(self.output)}


def run_matrix(root: Path, chosen: list[Compiler] | None = None) -> list[Outcome]:
    """Type-checks ``root`` (see :func:`write_tree`) under every configuration with each compiler, in parallel."""
    env = {**os.environ, "NO_COLOR": "1"}
    running = []
    for compiler in chosen if chosen is not None else compilers():
        configs = _configs(root / f"ts{compiler.major}")
        command = ["node", str(compiler.tsc), "-b", *map(str, configs), "--verbose", "--pretty", "false"]
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        running.append((compiler, process, started))
    outcomes = []
    for compiler, process, started in running:
        try:
            output, _ = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        outcomes.append(Outcome(compiler, process.returncode, output, time.monotonic() - started))
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    lines = [f"{'configuration':<10} " + " ".join(f"{'TS ' + o.compiler.version:>12}" for o in outcomes)]
    for name in CONFIGS:
        cells = []
        for outcome in outcomes:
            count = len(outcome.errors()[name])
            cells.append(f"{count} errors" if name in outcome.built() else "not built")
        lines.append(f"{name:<10} " + " ".join(f"{cell:>12}" for cell in cells))
    lines.append(f"{'time':<10} " + " ".join(f"{o.seconds:>11.1f}s" for o in outcomes))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    found = compilers()
    missing = [compiler.tsc for compiler in found if not compiler.tsc.is_file()]
    if not found or missing:
        print(
            f"compile_matrix: TypeScript is not installed ({missing or 'none found'}): "
            "run tests/typescript/run.sh install",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="pygen-ts-matrix-") as tmp:
        write_tree(Path(tmp))
        outcomes = run_matrix(Path(tmp), found)
    print(table(outcomes))
    failed = [o for o in outcomes if o.returncode != 0]
    for outcome in failed:
        print(f"\n--- TypeScript {outcome.compiler.version} (exit {outcome.returncode}):\n{outcome.output[-6000:]}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
