"""The Python emitter: ``emit_python`` (templates), ``format_python`` (ruff), naming rules and escaping filters.

``python_names(sdk)`` gives every Python name of an SDK (classes, modules, fields, keywords, client
attributes) with warnings for names that had to change; ``py_str``, ``py_doc``, ``py_comment`` and
``py_literal`` are the only ways untrusted model text may reach generated source.
"""

from pygen.generator.emit.python._emitter import emit_python
from pygen.generator.emit.python._escape import py_comment, py_doc, py_literal, py_str
from pygen.generator.emit.python._format import RUFF_SETTINGS, format_python
from pygen.generator.emit.python._naming import (
    PythonNames,
    ViewNames,
    check_python_names,
    py_ident,
    python_names,
    to_pascal,
    to_snake,
)

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
