"""The root of pygen's exception tree, in a module of its own.

:class:`PygenError` is public as ``pygen.transport.PygenError``; it lives here, with no import but the
standard library, so that the generator (``pygen generate``, the build hooks) can derive its errors from
it without importing the HTTP transport.
"""

from __future__ import annotations

__all__ = ["PygenError"]


class PygenError(Exception):
    """Root of every error pygen raises on purpose: catch this to catch them all."""

    #: For the error of a request: whether some attempt of it may have been carried out by the server
    #: although no success came back (an answer lost after sending, a gateway timeout). A write that
    #: failed with this set may have been applied.
    maybe_applied: bool = False
    #: For the error of a request that stopped retrying because a deadline passed: which one, in words.
    gave_up: str | None = None


# Its public home, whether or not pygen.transport (which re-exports it) was imported.
PygenError.__module__ = "pygen.transport"
