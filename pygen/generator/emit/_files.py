"""File names made from model identifiers stay within file-system limits.

A DMS external id may be 255 characters, and snake_case adds an underscore per word, so a view's module
(``<name>.py``) or TypeScript file (``<Name>.ts``) can pass the 255 bytes most file systems allow for one
name, and Windows' 260 characters for a whole path long before. A stem longer than :data:`MAX_FILE_STEM`
keeps its first characters and ends in ``_`` plus 8 hex digits of the SHA-256 of the item it names
(the view id), so the same model always gives the same file names and two long names stay apart.

Example:
    >>> short_stem("pump", "sp:Pump/1")
    'pump'
    >>> len(short_stem("x" * 300, "sp:X/1"))
    100
"""

from __future__ import annotations

import hashlib

__all__ = ["MAX_FILE_STEM", "short_stem"]

#: The longest file name stem (without ``.py``/``.ts``) the emitters write, in characters (ASCII).
MAX_FILE_STEM = 100


def short_stem(name: str, key: str, limit: int = MAX_FILE_STEM) -> str:
    """``name`` when it has at most ``limit`` characters, else its start plus ``_`` and a hash of ``key``."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{name[: limit - len(digest) - 1].rstrip('_')}_{digest}"
