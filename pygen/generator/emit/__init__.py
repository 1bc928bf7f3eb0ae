"""Emitters: turn the IR (``pygen.generator.ir``) into source files of one language.

Each language lives in its own subpackage (``pygen.generator.emit.python``, ``pygen.generator.emit.typescript``)
with its naming rules, escaping filters and templates. Emitters see only the IR, never DMS objects.
"""

from pygen.generator.emit._files import MAX_FILE_STEM, short_stem

__all__ = ["MAX_FILE_STEM", "short_stem"]
