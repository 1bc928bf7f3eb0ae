"""The last step of Python generation: ruff lays the code out, so it is lint- and format-clean for any model.

The templates already lay code out the way ruff format does for the usual names, so for most models
this changes nothing; for long names (a class name of 45 characters in a type annotation, a module
path in a lazy import) only a formatter gets every line right. The run is hermetic: ``--isolated``
with the settings below, whatever the user's project configures, and ruff's version is pinned by
the ``generator`` extra, so the same models always give the same bytes. Three passes over a temporary
copy: ``ruff format``, ``ruff check --select I --fix`` (imports), and ``ruff check --select E501
--add-noqa`` for the few lines nothing can split (an identifier longer than the line).

``generate(..., format=False)`` skips it (``load_sdk`` does: code imported from memory is never read).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from pygen._errors import PygenError

__all__ = ["RUFF_SETTINGS", "format_python"]

#: The settings generated code is formatted and checked with: pygen is a third-party package, as in a
#: user's project (ruff would otherwise call it first-party wherever a `pygen/` folder sits in the root).
RUFF_SETTINGS = [
    "--isolated",
    "--line-length",
    "120",
    "--target-version",
    "py310",
    "--no-cache",
    "--quiet",
    "--config",
    "lint.isort.known-third-party = ['pygen']",
]


def format_python(files: Mapping[str, str]) -> dict[str, str]:
    """``files`` with every ``.py`` file passed through ruff (format, import order, noqa for unsplittable lines)."""
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    if not python:
        return dict(files)
    ruff = _ruff()
    with tempfile.TemporaryDirectory(prefix="pygen-format-") as tmp:
        root = Path(tmp)
        for relative, text in python.items():
            target = root.joinpath(*PurePosixPath(relative).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        _run([ruff, "format", *RUFF_SETTINGS, "."], root)
        _run([ruff, "check", *RUFF_SETTINGS, "--select", "I", "--fix", "--exit-zero", "."], root)
        _run([ruff, "check", *RUFF_SETTINGS, "--select", "E501", "--add-noqa", "--exit-zero", "."], root)
        formatted = {
            relative: root.joinpath(*PurePosixPath(relative).parts).read_bytes().decode("utf-8") for relative in python
        }
    return {**files, **formatted}


def _ruff() -> str:
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError:
        raise PygenError(
            "pygen.generate needs ruff to lay out the Python code (it comes with the 'generator' extra): "
            "pip install 'cognite-pygen-runtime[generator]'"
        ) from None
    return str(find_ruff_bin())


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        # The input is generated code: a failure here is pygen's bug, not the user's; say what ruff said.
        raise PygenError(f"ruff failed on the generated code ({' '.join(command[1:3])}): {result.stderr.strip()}")
