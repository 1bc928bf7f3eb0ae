"""Emitters: turn the IR (``pygen.ir``) into source files of one language.

Each language lives in its own subpackage (``pygen.emit.python``, ``pygen.emit.typescript``) with its
naming rules, escaping filters and templates. Emitters see only the IR, never DMS objects.
"""

__all__: list[str] = []
