"""The last step of Python generation: ruff lays the code out, so it is lint- and format-clean for any model.

The templates render code plainly (a construct on one line whatever its length, imports in any order),
and this is what lays it out: line breaks, indentation, import order. The run is hermetic: ``--isolated``
with the settings below, whatever the user's project configures, and ruff's version is pinned by
the ``generator`` extra, so the same models always give the same bytes. Three passes over a temporary
copy: ``ruff format``, ``ruff check --select I --fix`` (imports), and ``ruff check --select E501
--add-noqa`` for the few lines nothing can split (an identifier longer than the line); that last pass
runs only when some line could be too long (most models have none).

``generate(..., format=False)`` skips it (``load_sdk`` does: code imported from memory is never read).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from pygen.errors import PygenError

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
        formatted = _read(root, python)
        if any(_may_be_too_long(text) for text in formatted.values()):
            _run([ruff, "check", *RUFF_SETTINGS, "--select", "E501", "--add-noqa", "--exit-zero", "."], root)
            formatted = _read(root, python)
    return {**files, **formatted}


def _read(root: Path, relatives: Mapping[str, str]) -> dict[str, str]:
    return {path: root.joinpath(*PurePosixPath(path).parts).read_bytes().decode("utf-8") for path in relatives}


def _may_be_too_long(text: str) -> bool:
    """Whether ruff's E501 could flag a line: longer than the limit in UTF-8 bytes, or holding a tab.

    A character is never wider than its UTF-8 bytes (ASCII is one column and one byte; anything else is at
    most two columns and at least two bytes), except a tab: so when this is False the E501 pass would change
    nothing, and skipping it saves a ruff run.
    """
    limit = int(RUFF_SETTINGS[RUFF_SETTINGS.index("--line-length") + 1])
    if "\t" in text:
        return True
    # Split at newlines only (ruff breaks lines at CR and LF; str.splitlines also at form feeds and more).
    if text.isascii():
        return any(len(line) > limit for line in text.split("\n"))
    return any(len(line.encode("utf-8")) > limit for line in text.split("\n"))


def _ruff() -> str:
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError:
        raise PygenError(
            "pygen.generator._generate needs ruff to lay out the Python code (it comes with the 'generator' extra): "
            "pip install 'cognite-pygen-runtime[generator]'"
        ) from None
    return str(find_ruff_bin())


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        # The input is generated code: a failure here is pygen's bug, not the user's; say what ruff said.
        raise PygenError(f"ruff failed on the generated code ({' '.join(command[1:3])}): {result.stderr.strip()}")
