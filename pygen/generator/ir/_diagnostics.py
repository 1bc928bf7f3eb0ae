"""Diagnostics: problems found in a data model, reported as values, never raised.

An ``info`` is an expected rename by a documented naming rule (a property ``type`` is ``type_`` in
Python): nothing to act on, so front ends summarise them in one line (:func:`summarize_infos`). A
``warning`` means "this item was skipped or simplified, the rest is generated"; an ``error`` means no
SDK can be generated. Builders collect every diagnostic of the whole model and return them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pygen._visible import visible

__all__ = ["CODES", "Diagnostic", "Level", "has_errors", "sort_diagnostics", "summarize_infos"]

Level = Literal["info", "warning", "error"]

#: Every diagnostic code of the IR builder and its level (see README.md in this folder).
CODES: dict[str, Level] = {
    "no-views": "error",
    "view-not-inline": "warning",
    "view-conflict": "warning",
    "view-renamed": "info",
    "duplicate-view-name": "error",
    "unknown-view-name": "error",
    "invalid-view-name": "error",
    "invalid-identifier": "warning",
    "unknown-property-type": "warning",
    "invalid-enum": "warning",
    "unknown-property-kind": "warning",
    "target-outside-model": "warning",
    "edge-view-outside-model": "warning",
    "reverse-target-outside-model": "warning",
    "reverse-through-missing": "warning",
    "reverse-through-not-direct": "warning",
    "reverse-through-ambiguous": "warning",
    "reverse-through-mismatch": "warning",
    "unsupported-view-kind": "warning",
    "implements-cycle": "warning",
}


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem: its level, the item it is about (``sp:View/v1.prop``), a stable code, and a message.

    ``str()`` escapes every character that is not printable (bidi controls, zero-width characters, line
    breaks) in the item and the message, so ``sp:Pump\u202e/v1`` prints as ``sp:Pump\\u202e/v1``.

    Example:
        >>> str(Diagnostic("warning", "sp:Pump/v1.x", "unknown-property-type", "type 'vector' is unknown"))
        "warning: sp:Pump/v1.x: type 'vector' is unknown [unknown-property-type]"
    """

    level: Level
    item: str
    code: str
    message: str

    def __str__(self) -> str:
        # Item and message come from the model: a U+202E or a zero-width space in an id must not reorder or
        # disguise the printed line, nor a newline forge one. The fields keep the raw text.
        return f"{self.level}: {visible(self.item)}: {visible(self.message)} [{visible(self.code)}]"

    @property
    def is_error(self) -> bool:
        """True for an error (generation stops)."""
        return self.level == "error"


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when any diagnostic is an error."""
    return any(diagnostic.is_error for diagnostic in diagnostics)


_ORDER = {"error": 0, "warning": 1, "info": 2}


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors first, then warnings, then infos, each by item, code and message; duplicates removed."""
    unique = set(diagnostics)
    return sorted(unique, key=lambda d: (_ORDER[d.level], d.item, d.code, d.message))


def summarize_infos(diagnostics: Iterable[Diagnostic]) -> str | None:
    """One line for the ``info`` diagnostics (expected renames), or None without any.

    Example:
        >>> summarize_infos([Diagnostic("info", "sp:A/1.type", "python-reserved-name", "..."),
        ...                  Diagnostic("info", "sp:B/1.type", "python-reserved-name", "...")])
        '2 names renamed by the naming rules (python-reserved-name: 2), as documented'
    """
    counts: dict[str, int] = {}
    for diagnostic in diagnostics:
        if diagnostic.level == "info":
            counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
    if not counts:
        return None
    total = sum(counts.values())
    kinds = ", ".join(f"{code}: {count}" for code, count in sorted(counts.items()))
    noun = "name" if total == 1 else "names"
    return f"{total} {noun} renamed by the naming rules ({kinds}), as documented"
