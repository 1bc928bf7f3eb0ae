"""The examples in the docstrings run, and all of them are written in one style.

The style: a line ``Example:`` and, indented under it, ``>>>`` lines that :mod:`doctest` runs (Google style
with doctest); no Markdown fences, no ``Example::`` literal blocks, no ``# doctest: +SKIP``. An example that
would need CDF runs against the emulator in process instead (``pygen.emulator.testing.SyncASGITransport``
as the client's transport), or the docstring says in a sentence what to do instead.

Every module of ``pygen``, ``pygen_hatch`` and ``pygen_setuptools`` runs its doctests here, as
``pytest --doctest-modules`` would, with ``ELLIPSIS`` on and the conventions an example may rely on:

- the working directory is the repository root (examples read ``example_project``);
- no connection leaves the machine (a socket connection to anything but the loopback fails the example);
- the keyring is the null backend (tests/conftest.py) and the environment is restored afterwards.

By hand: ``python -m doctest -o ELLIPSIS pygen/generator/_project.py`` from the repository root.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import os
import re
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from testdata import REPO_ROOT

#: The source trees whose modules are checked: {folder on sys.path: top-level package}.
SOURCES = {
    REPO_ROOT: "pygen",
    REPO_ROOT / "pygen_hatch" / "src": "pygen_hatch",
    REPO_ROOT / "pygen_setuptools" / "src": "pygen_setuptools",
}
OPTIONS = doctest.ELLIPSIS
#: What the one style rules out (the line of a docstring that breaks it is reported).
FENCE = re.compile(r"^\s*```\s*(python|py|pycon)\b")
EXAMPLE_HEADING = re.compile(r"^\s*Examples?\b.*:")


def _modules() -> dict[str, Path]:
    """Every module of the source trees, by dotted name (``__main__`` modules run a program when imported)."""
    found: dict[str, Path] = {}
    for root, package in SOURCES.items():
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__main__":
                continue
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _docstrings(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of every docstring of a source file (the module's, its classes' and functions')."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            text = ast.get_docstring(node, clean=False)
            if text is not None:
                yield node.body[0].lineno, text


class _Finder(doctest.DocTestFinder):
    """doctest's finder, which also finds the examples of decorated functions and of re-exported classes' methods.

    The stock finder takes a function for the module's own when the function's globals are the module's, and
    a method when its ``__module__`` is the module: a wrapper made by ``functools.wraps`` has its decorator's
    globals, and the methods of a class a package shows as its own (``pygen.transport`` sets ``__module__``
    of its classes) name the private module, so their examples would be left out.
    """

    def _from_module(self, module: Any, object: Any) -> bool:  # noqa: A002 - doctest's parameter name
        if not inspect.isfunction(object):
            return bool(super()._from_module(module, object))
        function = inspect.unwrap(object)
        owner_name, _, rest = function.__qualname__.partition(".")
        owner = getattr(module, owner_name, None) if rest else None
        if inspect.isclass(owner) and owner.__module__ == module.__name__:
            return True  # a method of a class the module owns
        return function.__globals__ is module.__dict__


def _doctests(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [test for test in _Finder().find(module, name) if test.examples]


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The repository root as working directory, no connection off the machine, the process left as it was.

    What the examples change in the process is undone: the environment, and the SDKs ``load_sdk`` imported
    from memory (its import finders and their modules), so no later test imports an example's package.
    """

    def connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"a docstring example tried to connect to {address!r}: examples must run offline")
        real_connect(self, address)

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.chdir(REPO_ROOT)
    environment = dict(os.environ)
    finders = list(sys.meta_path)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(environment)
        added = [finder for finder in sys.meta_path if finder not in finders]
        sys.meta_path[:] = [finder for finder in sys.meta_path if finder in finders]
        for name, module in list(sys.modules.items()):
            if getattr(getattr(module, "__spec__", None), "loader", None) in added:
                del sys.modules[name]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_docstring_examples_run(name: str, offline: None) -> None:
    failures = []
    for test in _doctests(name):
        report: list[str] = []
        runner = doctest.DocTestRunner(optionflags=OPTIONS)
        if runner.run(test, out=report.append).failed:
            failures.append("".join(report))
    assert failures == [], "\n".join(failures)


def test_every_example_is_collected() -> None:
    """Each docstring with ``>>>`` lines is one that doctest finds (none hides where the finder does not look)."""
    # Compared without their indentation: Python 3.13 strips it from ``__doc__``, the source keeps it.
    found = {inspect.cleandoc(test.docstring or "") for name in MODULES for test in _doctests(name)}
    missed = [
        f"{path.relative_to(REPO_ROOT)}:{line}"
        for path in MODULES.values()
        for line, text in _docstrings(path)
        if ">>>" in text and inspect.cleandoc(text) not in found
    ]
    assert missed == []
    assert len(found) >= 50  # the check counts something: about 60 docstrings have examples


@pytest.mark.once
def test_examples_are_written_in_one_style() -> None:
    problems = []
    for path in MODULES.values():
        for start, text in _docstrings(path):
            heading: int | None = None  # the indentation of the `Example:` line of the section we are in
            for offset, line in enumerate(text.splitlines()):
                where = f"{path.relative_to(REPO_ROOT)}:{start + offset}"
                indent = len(line) - len(line.lstrip())
                if heading is not None and line.strip() and indent <= heading:
                    heading = None  # a line not indented under the heading ends the section
                if FENCE.match(line):
                    problems.append(f"{where}: a fenced code block (write `Example:` and `>>>` lines)")
                elif EXAMPLE_HEADING.match(line) and line.strip() != "Example:":
                    problems.append(f"{where}: {line.strip()!r} (the heading is `Example:` alone on its line)")
                elif line.strip() == "Example:":
                    heading = indent
                elif line.lstrip().startswith(">>>") and heading is None:
                    problems.append(f"{where}: `>>>` lines outside an `Example:` section")
                if "doctest: +SKIP" in line:
                    problems.append(f"{where}: a skipped example (make it run, or say in words what to do)")
    assert problems == []
