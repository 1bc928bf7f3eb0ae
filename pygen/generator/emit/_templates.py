"""The one jinja setup every emitter shares, with compiled templates cached between runs.

Compiling the templates (jinja's lexer, parser and code generator) costs more than rendering a whole
SDK, so the compiled code is kept in jinja's bytecode cache: one file per template under
``<user cache>/templates/<pygen version>-<jinja2 version>-<python>/<options>/``, where ``<user cache>`` is
``$PYGEN_CACHE_DIR`` or the platform's user cache folder for pygen (the folder the model cache uses). A
file is used only when its checksum matches the template's text (jinja's own check), so an edited
template is compiled again; the folder name keeps pygen versions, jinja2 versions, Pythons and
environment options apart. The cache is an optimisation only: an unreadable, corrupt or unwritable
cache is ignored (the templates are compiled as before), nothing is written anywhere else, and the
rendered code is the same either way. ``PYGEN_TEMPLATE_CACHE=0`` turns it off. Within
:func:`template_cache_read_only` (``pygen validate``, which writes nothing) the cache is read but neither
written nor created.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from pygen._version import __version__

__all__ = ["template_cache_dir", "template_cache_read_only", "template_environment", "user_cache_dir"]

ENV_CACHE_DIR = "PYGEN_CACHE_DIR"
ENV_TEMPLATE_CACHE = "PYGEN_TEMPLATE_CACHE"

_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    # autoescape escapes for HTML; we emit source code. Every untrusted string reaches a template
    # through the emitter's own escaping filters (string literals, doc comments), never raw.
    "autoescape": False,
}
# Per context (thread, task), not per environment: the emitters share one environment a process.
_READ_ONLY: ContextVar[bool] = ContextVar("pygen_template_cache_read_only", default=False)


def template_environment(
    package: str,
    *,
    filters: Mapping[str, Callable[..., Any]],
    globals: Mapping[str, Any] | None = None,
) -> jinja2.Environment:
    """An environment over ``<package>/templates``: strict, whitespace-tidy, and without autoescape.

    Emitters cache the result (templates compile once per process, not once per view); across
    processes the compiled templates come from the bytecode cache (see the module docstring).
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        bytecode_cache=_bytecode_cache(package),
        **_OPTIONS,
    )
    env.filters.update(filters)
    env.globals.update(globals or {})
    return env


@contextlib.contextmanager
def template_cache_read_only() -> Iterator[None]:
    """Within the block compiled templates come from the cache, but nothing is written: no file, no folder.

    For callers that promise to write nothing (``pygen validate``); a template compiled in the block is
    compiled again by the next process that may write.
    """
    token = _READ_ONLY.set(True)
    try:
        yield
    finally:
        _READ_ONLY.reset(token)


def user_cache_dir() -> Path:
    """``$PYGEN_CACHE_DIR`` if set (and not blank), else the platform's user cache folder for pygen.

    The same folder as ``platformdirs.user_cache_path("pygen", appauthor=False)`` (the model cache's),
    found without importing platformdirs.
    """
    override = os.environ.get(ENV_CACHE_DIR, "").strip()
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA", "").strip()
        return Path(local or Path.home() / "AppData" / "Local") / "pygen" / "Cache"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg.startswith("/"):  # honoured when absolute, on macOS too (platformdirs 4)
        return Path(xdg) / "pygen"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "pygen"
    return Path.home() / ".cache" / "pygen"


def template_cache_dir(package: str) -> Path:
    """Where the compiled templates of ``package`` (an emitter, ``pygen.generator.emit.python``) are cached."""
    options = repr(sorted((key, getattr(value, "__name__", value)) for key, value in _OPTIONS.items()))
    digest = hashlib.sha256(f"{package}\n{options}".encode()).hexdigest()[:16]
    release = f"{__version__}-jinja2-{jinja2.__version__}-{sys.implementation.cache_tag}"
    return user_cache_dir() / "templates" / release / f"{package.rsplit('.', 1)[-1]}-{digest}"


class _SafeBytecodeCache(jinja2.FileSystemBytecodeCache):
    """jinja's file cache that never fails a run: any problem reading or writing is a miss."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a truncated or foreign file, a permission problem: compile instead
            bucket.reset()
        if bucket.code is not None and not isinstance(bucket.code, types.CodeType):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if _READ_ONLY.get():
            return
        try:
            # The folder is made on the first write, not when the environment is: reading needs none.
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except Exception:  # a read-only or full disk, a file where the folder should be: the next run compiles again
            pass


def _bytecode_cache(package: str) -> jinja2.BytecodeCache | None:
    if os.environ.get(ENV_TEMPLATE_CACHE, "").strip() == "0":
        return None
    try:
        return _SafeBytecodeCache(str(template_cache_dir(package)))
    except Exception:  # no home folder
        return None
