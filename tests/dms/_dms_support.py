"""Helpers shared by the dms tests."""

from __future__ import annotations

from typing import Any


def missing_from(original: Any, dumped: Any, path: str = "$") -> list[str]:
    """Every key/value of ``original`` that ``dumped`` lacks or changed, as JSON paths (empty: all kept).

    ``dumped`` may have more keys (added discriminators, inferred ``connectionType``); lists must match
    item by item; scalars must be equal and of the same JSON type.
    """
    problems: list[str] = []
    if isinstance(original, dict):
        if not isinstance(dumped, dict):
            return [f"{path}: expected an object, got {dumped!r}"]
        for key, value in original.items():
            if key not in dumped:
                problems.append(f"{path}.{key}: missing")
            else:
                problems.extend(missing_from(value, dumped[key], f"{path}.{key}"))
    elif isinstance(original, list):
        if not isinstance(dumped, list) or len(dumped) != len(original):
            return [f"{path}: expected a list of {len(original)}, got {dumped!r}"]
        for index, (left, right) in enumerate(zip(original, dumped, strict=True)):
            problems.extend(missing_from(left, right, f"{path}[{index}]"))
    elif original != dumped or type(original) is not type(dumped):
        problems.append(f"{path}: {original!r} became {dumped!r}")
    return problems
