"""The Python emitter: ``emit_python`` (templates), ``format_python`` (ruff), naming rules and escaping filters.

``python_names(sdk)`` gives every Python name of an SDK (classes, modules, fields, keywords, client
attributes) with warnings for names that had to change; ``py_str``, ``py_doc``, ``py_comment`` and
``py_literal`` are the only ways untrusted model text may reach generated source. ``emit_python`` and
``format_python`` are imported on first use (PEP 562): naming and escaping need no template engine.
"""

import importlib
from typing import TYPE_CHECKING, Any

from pygen.generator.emit.python._escape import py_comment, py_doc, py_literal, py_str
from pygen.generator.emit.python._naming import (
    PythonNames,
    ViewNames,
    check_python_names,
    py_ident,
    python_names,
    to_pascal,
    to_snake,
)

if TYPE_CHECKING:
    from pygen.generator.emit.python._emitter import emit_python
    from pygen.generator.emit.python._format import RUFF_SETTINGS, format_python

__all__ = [
    "PythonNames",
    "RUFF_SETTINGS",
    "ViewNames",
    "check_python_names",
    "emit_python",
    "format_python",
    "py_comment",
    "py_doc",
    "py_ident",
    "py_literal",
    "py_str",
    "python_names",
    "to_pascal",
    "to_snake",
]

_LAZY = {"emit_python": "_emitter", "RUFF_SETTINGS": "_format", "format_python": "_format"}


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value
