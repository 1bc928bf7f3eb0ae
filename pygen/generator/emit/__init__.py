"""Emitters: turn the IR (``pygen.generator.ir``) into source files of one language.

Each language lives in its own subpackage (``pygen.generator.emit.python``, ``pygen.generator.emit.typescript``)
with its naming rules, escaping filters and templates. Emitters see only the IR, never DMS objects.
"""

from typing import TYPE_CHECKING, Any

from pygen.generator.emit._files import MAX_FILE_STEM, short_stem

if TYPE_CHECKING:
    from pygen.generator.emit._templates import template_cache_read_only

__all__ = ["MAX_FILE_STEM", "short_stem", "template_cache_read_only"]


def __getattr__(name: str) -> Any:
    # Imported on first use (PEP 562): the template machinery imports jinja2, and reading [tool.pygen]
    # (MAX_FILE_STEM) must not.
    if name == "template_cache_read_only":
        from pygen.generator.emit._templates import template_cache_read_only

        return template_cache_read_only
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
