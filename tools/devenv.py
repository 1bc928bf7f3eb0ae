#!/usr/bin/env python3
"""Create or update a virtual environment with this checkout's pygen installed (editable, all extras).

    python3 tools/devenv.py .venv                       # pygen + build: what the README's commands use
    python3 tools/devenv.py --dev .venv                 # + the dev tools the test suite needs
    python3 tools/devenv.py --dev --python /usr/bin/python3.12 .venv-3.12

Used by ``example_project/build-wheel`` (the set-up command) and ``tests/run`` (the test command), so
that both leave the same ``.venv`` behind. Needs only the standard library.

How: the main environment is made with ``venv`` and gets pip (upgraded: pip 23, which ships with
Python 3.11, mishandles ``file.whl[extra]`` requirements) and uv through pip; uv then installs
everything else, into this environment and into the one per Python version of the test suite.
Installing these packages with pip takes about a minute per environment on a 2-core machine; uv
takes seconds. An environment is reinstalled only when what it was installed from changed (a stamp
file in it holds a hash of both ``pyproject.toml`` files, this script, the Python version and the
profile).

Exit status 0 when the environment is ready, 1 with one line saying what failed otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAMP = ".pygen-devenv-stamp"
#: The project's own packages, editable, in every profile.
_OWN = ["-e", ".[generator,fetch,emulator,service]", "-e", "./pygen_hatch", "-e", "./pygen_setuptools"]
#: What uv installs, per profile; "dev" is a superset of "base".
PROFILES = {
    "base": [*_OWN, "build>=1.2", "pip>=25.1"],
    "dev": [*_OWN, "--group", "dev", "pip>=25.1"],
}
UV_REQUIREMENT = "uv>=0.8,<1"


class SetupError(Exception):
    """A step failed; the message says which and how to see more."""


def env_python(root: Path) -> Path:
    return root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure(root: Path, *, profile: str = "base", python: str | None = None, uv: Path | None = None) -> Path:
    """Make ``root`` an environment of ``profile`` (created with ``python``); return its interpreter.

    ``uv`` is the uv to install with; without it, the environment gets uv itself first (the main
    environment). Does nothing when the stamp says the environment is current.
    """
    root = root if root.is_absolute() else REPO / root
    interpreter = env_python(root)
    stamp = root / STAMP
    if interpreter.exists() and stamp.is_file():
        key, _, installed = stamp.read_text(encoding="utf-8").strip().partition(" ")
        # A "dev" environment has everything a "base" one has.
        if key == _digest(interpreter) and installed in {profile, "dev"}:
            return interpreter
    if not interpreter.exists():
        creator = python or sys.executable
        _step(f"creating {_shown(root)} with {_version(creator)}")
        if uv is not None:
            _run([str(uv), "venv", "--quiet", "--seed", "--python", creator, str(root)], "uv venv")
        else:
            _run([creator, "-m", "venv", str(root)], f"{creator} -m venv")
    if uv is None:
        uv = _own_uv(interpreter)
    extra = " and the dev tools" if profile == "dev" else ""
    _step(f"installing pygen (editable, all extras){extra} into {_shown(root)}")
    # uv leaves compiling bytecode to the first import (compiling everything up front costs about 12 s per
    # environment); tests/run makes sure that import may write it (PYTHONDONTWRITEBYTECODE unset).
    command = [str(uv), "pip", "install", "--quiet", "--python", str(interpreter)]
    _run([*command, *PROFILES[profile]], "uv pip install")
    stamp.write_text(f"{_digest(interpreter)} {profile}\n", encoding="utf-8")
    return interpreter


def _own_uv(interpreter: Path) -> Path:
    """uv inside the environment, installed with its pip when missing."""
    uv = interpreter.parent / ("uv.exe" if os.name == "nt" else "uv")
    if not uv.exists():
        _step(f"installing uv into {_shown(interpreter.parent.parent)} (it installs the rest in seconds)")
        command = [str(interpreter), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", UV_REQUIREMENT]
        _run(command, "pip install uv")
    return uv


def _digest(interpreter: Path) -> str:
    """What an environment was installed from: the project files, this script, the Python version."""
    digest = hashlib.sha256()
    projects = (
        REPO / "pyproject.toml",
        REPO / "pygen_hatch" / "pyproject.toml",
        REPO / "pygen_setuptools" / "pyproject.toml",
    )
    for path in (*projects, Path(__file__)):
        digest.update(path.read_bytes())
    digest.update(_version(str(interpreter)).encode())
    return digest.hexdigest()[:32]


def _version(python: str) -> str:
    result = subprocess.run([python, "--version"], capture_output=True, text=True)
    return (result.stdout or result.stderr).strip() or python


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        tail = "\n".join(output.splitlines()[-15:])
        raise SetupError(f"{what} failed (exit code {result.returncode}):\n{tail}")


def _shown(path: Path) -> str:
    try:
        return path.relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def _step(message: str) -> None:
    print(f"==> {message}", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tools/devenv.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="the environment's folder")
    parser.add_argument("--dev", action="store_true", help="also install the dev tools (the test suite's)")
    parser.add_argument("--python", help="the interpreter to create it with (default: this one)")
    parser.add_argument("--uv", type=Path, help="the uv to install with (default: one inside the environment)")
    args = parser.parse_args(argv)
    if args.python and not shutil.which(args.python) and not Path(args.python).exists():
        print(f"tools/devenv.py: no such interpreter: {args.python}", file=sys.stderr)
        return 1
    try:
        interpreter = ensure(args.root, profile="dev" if args.dev else "base", python=args.python, uv=args.uv)
    except SetupError as exc:
        print(f"tools/devenv.py: {exc}", file=sys.stderr)
        return 1
    print(interpreter)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
