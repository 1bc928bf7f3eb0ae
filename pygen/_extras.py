"""Optional parts of pygen and the error that says how to install one.

The runtime (``pygen.transport``, ``pygen.dms``, ``pygen.instances``) needs only httpx and pydantic.
Everything else sits behind an extra of ``cognite-pygen-runtime``: ``generator`` (code generation and
snapshots: what a build from a committed snapshot needs), ``fetch`` (credentials from the keyring and
the user cache: what fetching a model from CDF adds) and ``emulator``. Code that needs an extra checks
for it up front, so a user who lacks it reads what to install instead of an ``ImportError`` from deep
inside.
"""

from __future__ import annotations

import importlib
import importlib.util
import os

from pygen.errors import PygenError

__all__ = [
    "FETCH_MODULES",
    "FETCH_REQUIREMENTS",
    "MissingExtraError",
    "install_hint",
    "missing_extra_message",
    "missing_fetch_module",
    "require_extra",
]

#: The ``fetch`` extra of ``cognite-pygen-runtime`` (pyproject.toml; a test keeps the two in step). The
#: hatch hook names these as build dependencies when a build must fetch a model and they are missing.
FETCH_REQUIREMENTS = ("keyring>=24", "platformdirs>=4", "filelock>=3.12")
#: The modules those distributions provide, in the same order.
FETCH_MODULES = ("keyring", "platformdirs", "filelock")


class MissingExtraError(PygenError, ImportError):
    """A feature needs an extra of ``cognite-pygen-runtime`` that is not installed.

    ``message`` replaces the standard one (:func:`missing_extra_message`) where the caller knows a better fix.
    """

    def __init__(self, extra: str, module: str, feature: str, *, message: str | None = None) -> None:
        self.extra = extra
        super().__init__(message or missing_extra_message(extra, module, feature), name=module)


def missing_extra_message(extra: str, module: str, feature: str) -> str:
    """``<feature> needs the '<extra>' extra (<module> is not installed). Install it with: pip install ...``."""
    return f"{feature} needs the '{extra}' extra ({module} is not installed). {install_hint(extra)}"


def install_hint(extra: str) -> str:
    """How to install an extra where this process runs: a hatch environment's dependencies, or pip."""
    environment = os.environ.get("HATCH_ENV_ACTIVE")
    if environment:
        return (
            f"This runs in hatch's {environment!r} environment: add the extra to [tool.hatch.envs.{environment}] "
            f'dependencies in pyproject.toml (e.g. "hatch-cognite-pygen[{extra}]" or "cognite-pygen-runtime[{extra}]"'
            "); hatch installs that list at the next `hatch run`"
        )
    return f"Install it with: pip install 'cognite-pygen-runtime[{extra}]'"


def require_extra(extra: str, feature: str, *modules: str) -> None:
    """Raise :class:`MissingExtraError` unless every one of ``modules`` (third-party, from ``extra``) imports."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise MissingExtraError(extra, module, feature) from None


def missing_fetch_module() -> str | None:
    """The first module of the ``fetch`` extra that is not installed (found without importing it), or None."""
    for module in FETCH_MODULES:
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except (ImportError, ValueError):  # a None entry in sys.modules (tests), a broken package
            return module
    return None
