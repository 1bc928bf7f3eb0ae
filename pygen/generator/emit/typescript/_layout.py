"""Line layout of generated TypeScript: prettier's way of breaking lines, for the statements a model can make long.

The templates hold the fixed structure; a statement whose length depends on the model (imports, unions, type
and call argument lists, object literals) is built here as a small document of text, groups and line breaks,
and the ``layout`` filter prints it. A group goes on one line when it fits in ``WIDTH`` (counting the text that
follows it up to the next place that could break), else each of its line breaks becomes a new line, indented
two spaces more than the group's first line. This is the algorithm of Wadler's "prettier printer" as prettier
uses it, so the output reads like prettier's (trailing commas in broken lists, none in type argument lists).
Only a token that is longer than the line on its own (an identifier or a string literal from the model) makes a
line longer than ``WIDTH``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "LINE",
    "SOFTLINE",
    "WIDTH",
    "Doc",
    "Group",
    "IfBreak",
    "Indent",
    "Line",
    "bracket",
    "join",
    "layout",
    "union",
]

#: The longest line the emitter writes (and the runtime holds), in characters.
WIDTH = 120
_INDENT = 2


@dataclass(frozen=True)
class Group:
    """One line if it fits, else every ``Line`` directly inside it breaks."""

    parts: tuple[Doc, ...]


@dataclass(frozen=True)
class Indent:
    """Lines broken inside it are indented one level more."""

    parts: tuple[Doc, ...]


@dataclass(frozen=True)
class Line:
    """A place to break: ``flat`` on one line (a space, or nothing for a soft line), a new line when broken."""

    flat: str = " "


@dataclass(frozen=True)
class IfBreak:
    """``broken`` when the enclosing group breaks, else ``flat`` (a trailing comma, a union's leading ``|``)."""

    broken: Doc
    flat: Doc = ""


Doc: TypeAlias = str | Group | Indent | Line | IfBreak | Sequence["Doc"]

LINE = Line(" ")
SOFTLINE = Line("")

_FLAT, _BREAK = True, False


def join(separator: Doc, items: Sequence[Doc]) -> list[Doc]:
    """``items`` with ``separator`` between them."""
    out: list[Doc] = []
    for index, item in enumerate(items):
        if index:
            out.append(separator)
        out.append(item)
    return out


def bracket(
    open_: str, items: Sequence[Doc], close: str, *, spaced: bool = False, comma: bool = True, grouped: bool = True
) -> Doc:
    """A comma-separated list in brackets: ``open a, b close`` on one line, else one item per line.

    ``spaced`` puts spaces inside the brackets on one line (object literals: ``{ a: 1 }``); ``comma`` adds a
    trailing comma when broken (not for type argument lists, as prettier does). Not ``grouped``, the list breaks
    with the group around it (a signature's parameters break before its return type does).
    """
    if not items:
        return open_ + close
    edge = LINE if spaced else SOFTLINE
    body: list[Doc] = [edge, *join([",", LINE], items)]
    if comma:
        body.append(IfBreak(","))
    parts = (open_, Indent(tuple(body)), edge, close)
    return Group(parts) if grouped else parts


def union(members: Sequence[Doc]) -> Doc:
    """``a | b`` on one line, else one member per line, each after ``| `` (at the current indentation)."""
    if len(members) == 1:
        return members[0]
    return Group((IfBreak("| "), *join([LINE, "| "], members)))


def _fits(first: tuple[int, bool, Doc], rest: list[tuple[int, bool, Doc]], width: int) -> bool:
    """Whether ``first`` (flat) and what follows it up to the next break fit in ``width`` characters."""
    stack = [first]
    rest_index = len(rest)
    while width >= 0:
        if not stack:
            if rest_index == 0:
                return True
            rest_index -= 1
            stack.append(rest[rest_index])
            continue
        indent, mode, doc = stack.pop()
        if isinstance(doc, str):
            width -= len(doc)
        elif isinstance(doc, Group):
            stack.append((indent, mode, doc.parts))
        elif isinstance(doc, Indent):
            stack.append((indent, mode, doc.parts))
        elif isinstance(doc, Line):
            if mode is _BREAK:
                return True
            width -= len(doc.flat)
        elif isinstance(doc, IfBreak):
            stack.append((indent, mode, doc.broken if mode is _BREAK else doc.flat))
        else:
            stack.extend((indent, mode, part) for part in reversed(doc))
    return False


def layout(doc: Doc, indent: int = 0) -> str:
    """``doc`` printed from column ``indent`` (the template writes that indentation before it).

    Broken lines are indented relative to ``indent``; the first line is not (the template's text precedes it).
    """
    out: list[str] = []
    column = indent
    stack: list[tuple[int, bool, Doc]] = [(indent, _BREAK, doc)]
    while stack:
        level, mode, item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            column += len(item)
        elif isinstance(item, Group):
            flat = mode is _FLAT or _fits((level, _FLAT, item.parts), stack, WIDTH - column)
            stack.append((level, _FLAT if flat else _BREAK, item.parts))
        elif isinstance(item, Indent):
            stack.append((level + _INDENT, mode, item.parts))
        elif isinstance(item, Line):
            if mode is _FLAT:
                out.append(item.flat)
                column += len(item.flat)
            else:
                out.append("\n" + " " * level)
                column = level
        elif isinstance(item, IfBreak):
            stack.append((level, mode, item.broken if mode is _BREAK else item.flat))
        else:
            stack.extend((level, mode, part) for part in reversed(item))
    # A break after "key: " or "= " leaves that space at the end of its line.
    return "\n".join(line.rstrip(" ") for line in "".join(out).split("\n"))
