"""Text from a data model, made safe to print in a message: invisible and reordering characters escaped.

A model's ids, names and descriptions are untrusted. Printed raw, a U+202E (right-to-left override) in a
view id reorders the rest of a build log line, a zero-width space makes two different ids look alike, and
a newline or U+2028 forges a line of its own. :func:`visible` writes every character Python does not
call printable (controls, format characters such as the bidi and zero-width ones, line and paragraph
separators, unassigned code points, surrogates, and spaces other than " ") as its escape.

Example:
    >>> visible("sp:Pump\\u202e1v/")
    'sp:Pump\\\\u202e1v/'
    >>> visible("Pumpe für Öl")
    'Pumpe für Öl'
"""

from __future__ import annotations

import re

__all__ = ["visible"]

_HIDDEN = re.compile(r"[^ -~]")  # only non-ASCII or ASCII controls need a closer look


def visible(text: str) -> str:
    """``text`` with every non-printable character (``str.isprintable``) written as a backslash escape."""
    return _HIDDEN.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char.isprintable():
        return char
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")
