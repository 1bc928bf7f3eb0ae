"""Escaping filters for untrusted text (names, descriptions) that goes into generated Python source.

A data model is untrusted input to a code generator: every string from it reaches a template only
through one of these filters, never raw. Each filter's output is safe in its one position:

- ``py_str(s)``: a complete string literal; ``ast.literal_eval(py_str(s)) == s`` for every ``str``.
- ``py_doc(s)``: the body of a ``\"\"\"...\"\"\"`` docstring; it can never end the docstring early.
- ``py_comment(s)``: the text after ``# ``; one line, and no tool directive (``coding:``, ``noqa``,
  ``type:``, ``fmt:``...) can be formed by it.
- ``py_literal(v)``: a literal for a JSON value (a default value, an enum key list):
  ``ast.literal_eval(py_literal(v)) == v``.

Outputs are ASCII-safe where it matters (non-printable characters, lone surrogates and NUL become
escapes) and already in the form ``ruff format`` writes, so generated files stay format-clean.
"""

from __future__ import annotations

import math
import re

__all__ = ["py_comment", "py_doc", "py_literal", "py_str"]

_NAMED = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(char: str) -> str:
    """``\\n``, ``\\t``... or ``\\xNN``/``\\uNNNN``/``\\UNNNNNNNN`` for a non-printable character."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape(text: str, quote: str, keep: str = "") -> str:
    # isprintable() is False for controls, line/paragraph separators, surrogates, format and
    # unassigned characters: all of those are written as escapes, everything else as itself.
    if quote not in text and "\\" not in text and text.isprintable():
        return text  # the common case, decided in C: every character would be kept as it is
    parts: list[str] = []
    for char in text:
        if char == quote:
            parts.append("\\" + char)
        elif char in keep:
            parts.append(char)
        elif char == "\\" or not char.isprintable():
            parts.append(_escape_char(char))
        else:
            parts.append(char)
    return "".join(parts)


def py_str(value: str) -> str:
    """A Python string literal whose value is exactly ``value``.

    Quotes follow ``ruff format``: double quotes unless single quotes need fewer escapes.

    Example:
        >>> py_str('say "hi"\\n')
        '\\'say "hi"\\\\n\\''
        >>> py_str("it's")
        '"it\\'s"'
    """
    quote = "'" if value.count('"') > value.count("'") else '"'
    return quote + _escape(value, quote) + quote


def py_doc(value: str, indent: str = "") -> str:
    """Text to put between ``\"\"\"`` and ``\"\"\"``: a docstring that can never end early.

    The docstring's words are those of ``value`` (``value.split()`` equals the docstring's ``split()``);
    only whitespace is normalized the way ``ruff format`` does: line endings become ``\\n``, the text
    and each line are stripped on the right, continuation lines are dedented and prefixed with
    ``indent`` (the indentation of the docstring's opening quotes). Every ``\"`` and ``\\`` is escaped.

    Example:
        >>> py_doc('Ends with a quote"')
        'Ends with a quote\\\\"'
        >>> print(py_doc("two\\nlines", indent="    "))
        two
            lines
    """
    lines = [line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")]
    rest = lines[1:]
    # Dedent continuation lines by their common run of spaces, as ruff does (other whitespace is escaped,
    # so to ruff only spaces are indentation).
    margin = min((len(line) - len(line.lstrip(" ")) for line in rest if line), default=0)
    out = [_escape(lines[0], '"')]
    out.extend(indent + _escape(line[margin:], '"') if line else "" for line in rest)
    return "\n".join(out)


_DIRECTIVE = re.compile(r"(?i)(coding|fmt|isort|mypy|pyright|pylint|ruff|pragma|flake8|yapf|nosec|noqa)(\s*)([:=])")
_LEADING = re.compile(r"(?i)(^|#)(\s*)(noqa|nosec|type\s*:)")


def py_comment(value: str, max_length: int | None = None) -> str:
    """Text to put after ``# ``: one line, whitespace runs collapsed, no tool directive inside.

    A directive keyword followed by ``:``/``=`` gets that character escaped (``fmt\\x3a off``), and a
    comment starting with ``noqa``/``nosec``/``type:`` gets its first letter escaped, so the line can
    never become a ``coding:`` declaration, a ``noqa``, a ``type: ignore`` or a formatter switch.
    ``max_length`` cuts the result (at a character boundary that splits no escape) and appends ``...``.

    Example:
        >>> py_comment("first line\\nsecond  line")
        'first line second line'
        >>> py_comment("fmt: off")
        'fmt\\\\x3a off'
    """
    text = " ".join(value.split())
    text = "".join(_escape_char(char) if not char.isprintable() else char for char in text)
    text = _DIRECTIVE.sub(lambda m: m.group(1) + m.group(2) + _escape_char(m.group(3)), text)
    text = _LEADING.sub(lambda m: m.group(1) + m.group(2) + _escape_char(m.group(3)[0]) + m.group(3)[1:], text)
    if max_length is not None and len(text) > max_length:
        cut = max(max_length - 3, 0)
        # Do not split a "\\x.." escape: cut before a backslash that starts one within reach.
        start = text.rfind("\\", max(cut - 9, 0), cut)
        if start != -1:
            cut = start
        text = text[:cut].rstrip() + "..."
    return text


def py_literal(value: object) -> str:
    """A Python literal of a JSON value (None, bool, int, float, str, list, dict with str keys), on one line.

    Raises ``TypeError``/``ValueError`` for anything else (the IR only holds JSON, so that is a bug).

    Example:
        >>> py_literal({"b": [1, 2.5, None], "a": "x"})
        '{"a": "x", "b": [1, 2.5, None]}'
    """
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a JSON number")
        return repr(value).replace("e+", "e")  # ruff writes 1e16, not 1e+16
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        items = []
        for key in sorted(value):
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys are strings, got {key!r}")
            items.append(f"{py_str(key)}: {py_literal(value[key])}")
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")
