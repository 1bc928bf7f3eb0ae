"""Optional parts of pygen and the error that says how to install one.

The runtime (``pygen.transport``, ``pygen.dms``, ``pygen.instances``) needs only httpx and pydantic.
Everything else sits behind an extra of ``cognite-pygen-runtime``: ``generator`` (code generation,
snapshots, credentials) and ``emulator``. Code that needs an extra checks for it up front, so a user
who lacks it reads what to install instead of an ``ImportError`` from deep inside.
"""

from __future__ import annotations

import importlib

from pygen._errors import PygenError

__all__ = ["MissingExtraError", "missing_extra_message", "require_extra"]


class MissingExtraError(PygenError, ImportError):
    """A feature needs an extra of ``cognite-pygen-runtime`` that is not installed."""

    def __init__(self, extra: str, module: str, feature: str) -> None:
        self.extra = extra
        super().__init__(missing_extra_message(extra, module, feature), name=module)


def missing_extra_message(extra: str, module: str, feature: str) -> str:
    """``<feature> needs the '<extra>' extra (<module> is not installed). Install it with: pip install ...``."""
    return (
        f"{feature} needs the '{extra}' extra ({module} is not installed). "
        f"Install it with: pip install 'cognite-pygen-runtime[{extra}]'"
    )


def require_extra(extra: str, feature: str, *modules: str) -> None:
    """Raise :class:`MissingExtraError` unless every one of ``modules`` (third-party, from ``extra``) imports."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise MissingExtraError(extra, module, feature) from None
