"""A small lexer for the TypeScript the emitter writes: splits a file into code, strings and comments.

Enough for the shapes pygen emits (no template literals, no regular expression literals: the check
asserts there is no backtick or stray ``/`` sequence in code it cannot classify). Tests use it to prove
that untrusted text ends up only inside string literals and comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["code", "string", "comment"]


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str


class LexError(ValueError):
    """The text is not in the subset the emitter writes (an unterminated string or comment...)."""


def lex(source: str) -> list[Token]:
    """Split ``source`` into code, string-literal and comment tokens (in order, covering all text)."""
    tokens: list[Token] = []
    i, n, code_start = 0, len(source), 0

    def flush(end: int) -> None:
        if end > code_start:
            tokens.append(Token("code", source[code_start:end]))

    while i < n:
        char = source[i]
        if source.startswith("//", i):
            flush(i)
            end = source.find("\n", i)
            end = n if end == -1 else end
            tokens.append(Token("comment", source[i:end]))
            i = code_start = end
        elif source.startswith("/*", i):
            flush(i)
            end = source.find("*/", i + 2)
            if end == -1:
                raise LexError(f"unterminated comment at {i}")
            tokens.append(Token("comment", source[i : end + 2]))
            i = code_start = end + 2
        elif char in "\"'":
            flush(i)
            j = i + 1
            while j < n and source[j] != char:
                if source[j] in "\r\n\u2028\u2029":
                    raise LexError(f"line break inside a string literal at {j}")
                j += 2 if source[j] == "\\" else 1
            if j >= n:
                raise LexError(f"unterminated string at {i}")
            tokens.append(Token("string", source[i : j + 1]))
            i = code_start = j + 1
        elif char == "`":
            raise LexError(f"template literal at {i}: the emitter never writes one")
        else:
            i += 1
    flush(n)
    return tokens


def code_text(source: str) -> str:
    """Only the code of ``source`` (strings and comments removed)."""
    return "".join(token.text for token in lex(source) if token.kind == "code")
