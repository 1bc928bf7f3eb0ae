"""Small source-text helpers of the Python emitter: docstrings wrapped to the line length, calls that fit.

Generated files must pass ``ruff format --check`` without running a formatter, so every construct
whose length depends on the model is laid out here in the form ruff would write: one line when it
fits, else exploded one item per line with a trailing comma (ruff keeps a "magic trailing comma").
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from pygen.generator.emit.python._escape import py_doc

__all__ = ["LINE_LENGTH", "call", "docstring"]

#: The project's (and ruff's) line length.
LINE_LENGTH = 120


def docstring(text: str, indent: str, example: str | None = None) -> str:
    """A complete ``\"\"\"...\"\"\"`` docstring at ``indent``, its lines wrapped to the line length.

    ``text`` is untrusted: it passes ``py_doc`` first (nothing can end the docstring early), then each
    line is wrapped at spaces (escapes hold no spaces, so none is split). ``example`` is the emitter's own
    text (code built from generated identifiers only), appended as it is after a blank line.
    """
    body = py_doc(text)
    if example is not None:
        if '"""' in example or "\\" in example or example != example.strip():
            raise ValueError(f"an example must hold no triple quote, backslash or outer blank: {example!r}")
        body += "\n\n" + example
    width = LINE_LENGTH - len(indent)
    lines: list[str] = []
    rows = body.split("\n")
    for number, line in enumerate(rows):
        # The first line shares its row with the opening quotes, and a docstring of one line also with the
        # closing ones: ruff format joins those onto that line whatever its length.
        room = (width - 6 if len(rows) == 1 else width - 3) if number == 0 else width
        if len(line) <= room:
            lines.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip(" "))]
        wrapped = textwrap.wrap(
            line,
            width=max(room, 40),
            subsequent_indent=lead,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.extend(wrapped or [""])
    if len(lines) == 1 and len(indent) + len(lines[0]) + 6 <= LINE_LENGTH:
        return f'"""{lines[0]}"""'
    out = [f'"""{lines[0]}']
    out.extend(indent + line if line else "" for line in lines[1:])
    out.append(f'{indent}"""')
    return "\n".join(out)


def signature(head: str, args: Sequence[str], indent: str, tail: str) -> str:
    """A ``def`` line as ``ruff format`` lays it out: one line, else the arguments on one line of their own.

    Falls back to :func:`call` (one argument per line) when even that line is too long.
    """
    one = f"{head}{', '.join(args)}{tail}"
    if len(indent) + len(one) <= LINE_LENGTH:
        return one
    inner = f"{indent}    {', '.join(args)}"
    if len(inner) <= LINE_LENGTH and len(indent) + len(tail) <= LINE_LENGTH:
        return f"{head}\n{inner}\n{indent}{tail}"
    return call(head, args, indent, tail)


def call(head: str, args: Sequence[str], indent: str, tail: str = ")") -> str:
    """``head(arg, arg)tail`` on one line when it fits at ``indent``, else one argument per line.

    ``head`` includes the opening bracket; the exploded form ends each argument with a comma, which
    ``ruff format`` keeps as it is.
    """
    one = f"{head}{', '.join(args)}{tail}"
    if len(indent) + len(one) <= LINE_LENGTH and "\n" not in one:
        return one
    inner = indent + "    "
    return head + "\n" + "".join(f"{inner}{arg},\n" for arg in args) + indent + tail
