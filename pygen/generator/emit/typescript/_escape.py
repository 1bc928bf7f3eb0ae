"""Escaping filters for untrusted text (names, descriptions, ids) that goes into generated TypeScript.

A data model is untrusted input to a code generator: every string from it reaches a template only
through one of these filters, never raw. Each filter's output is safe in its one position:

- ``ts_str(s)``: a complete double-quoted string literal whose value is exactly ``s``. It is JSON with
  every non-ASCII character escaped, so it holds no line terminator (``\\n``, ``\\r``, U+2028, U+2029),
  no quote or backslash unescaped, and nothing a template literal would interpret (no backtick, and
  ``${`` is inert in a double-quoted string). The emitter never puts untrusted text in template literals.
- ``ts_key(s)``: a property name in an interface or object literal: the bare name when it is a plain
  ASCII identifier, else ``ts_str(s)``; ``__proto__`` is always computed (``["__proto__"]``), because
  in an object literal even the quoted key sets the prototype instead of making a property.
- ``ts_doc(s)``: the lines of a JSDoc body (each goes after `` * ``): no line can close the comment
  (``*/``), open a nested one (``/*``), break a line (``\\r``, U+2028/2029, U+0085), or hold a NUL, a
  lone surrogate, another control or invisible formatting character (bidi overrides: "Trojan source"),
  or a JSDoc/TypeScript directive (every ``@`` is escaped, so ``@ts-ignore`` or ``@type`` stay text).
- ``ts_comment(s)``: the text of a ``//`` line comment: the same, on one line.
"""

from __future__ import annotations

import json
import re

__all__ = ["ts_comment", "ts_doc", "ts_key", "ts_str", "TS_IDENTIFIER"]

#: A plain ASCII TypeScript identifier (keywords not excluded: see ``_naming.ts_ident``).
TS_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\u0085\x0b\x0c]")


def ts_str(value: str) -> str:
    """A TypeScript string literal (double quotes, ASCII only) whose value is exactly ``value``.

    Example:
        >>> ts_str('say "hi" ${x} `y`\\n')
        '"say \\\\"hi\\\\" ${x} `y`\\\\n"'
        >>> ts_str("é\\u2028")
        '"\\\\u00e9\\\\u2028"'
    """
    # json.dumps escapes quotes, backslashes and controls; ensure_ascii escapes every non-ASCII code unit
    # (lone surrogates as \\udXXX, valid in JavaScript), so no line terminator can appear raw.
    return json.dumps(value, ensure_ascii=True)


def ts_key(value: str) -> str:
    """A property name for an interface member or an object literal key.

    Example:
        >>> ts_key("name"), ts_key("my-prop"), ts_key("__proto__")
        ('name', '"my-prop"', '["__proto__"]')
    """
    if value == "__proto__":
        return f"[{ts_str(value)}]"
    return value if TS_IDENTIFIER.fullmatch(value) else ts_str(value)


def _visible(char: str) -> str:
    if char == "\t" or char.isprintable():
        return char
    # Controls, NUL, lone surrogates, bidi and other format characters: shown as an escape, not kept.
    code = ord(char)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\u{{{code:x}}}"


def _neutral(line: str) -> str:
    text = "".join(_visible(char) for char in line)
    # "*/" would close the comment, "/*" opens a nested one (harmless to TypeScript, confusing to tools);
    # "@" starts JSDoc tags and `@ts-ignore`-style directives: escaped, they stay text.
    return text.replace("*/", "*\\/").replace("/*", "/\\*").replace("@", "\\@").rstrip()


def ts_doc(value: str) -> list[str]:
    """The lines of a JSDoc comment body for ``value`` (without the `` * `` prefixes); no empty edges.

    Example:
        >>> ts_doc("ends */ early\\r\\n@ts-ignore")
        ['ends *\\\\/ early', '\\\\@ts-ignore']
    """
    lines = [_neutral(line) for line in _LINE_BREAKS.sub("\n", value).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def ts_comment(value: str) -> str:
    """Text for a ``//`` comment: one line, whitespace runs collapsed, nothing that acts as a directive.

    Example:
        >>> ts_comment("a\\nb  */ @ts-nocheck")
        'a b *\\\\/ \\\\@ts-nocheck'
    """
    return _neutral(" ".join(_LINE_BREAKS.sub("\n", value).split()))
