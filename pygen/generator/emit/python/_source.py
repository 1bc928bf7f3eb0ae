"""Small source-text helpers of the Python emitter: docstrings wrapped to the line length, brackets that explode.

Code is rendered plainly and ruff lays it out (``_format``); what ruff does not do is here: wrapping the text
of docstrings, and asking for one item per line where ruff would put a long bracket's items on one line.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from pygen.generator.emit.python._escape import py_doc

__all__ = ["LINE_LENGTH", "bracketed", "docstring"]

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


def bracketed(head: str, items: Sequence[str], indent: str, tail: str = ")") -> str:
    """``head(item, item)tail`` on one line; a trailing comma after the last item when it does not fit at ``indent``.

    The one layout decision ruff format leaves to the code it formats: items that do not fit beside their head
    but would on a line of their own, ruff puts on that line; pygen's code has one item per line there, which the
    trailing comma asks for (ruff's "magic trailing comma"). ``head`` includes the opening bracket.
    """
    one = f"{head}{', '.join(items)}{tail}"
    if len(indent) + len(one) <= LINE_LENGTH:
        return one
    return f"{head}{', '.join(items)},{tail}"
