"""The root of pygen's exception tree, in a module of its own.

Every package derives its errors from :class:`PygenError`: the runtime (``pygen.transport``, which
re-exports it for generated SDKs), the generator (``pygen.generator``) and the CLI. The standard library only,
so that nothing pays for the HTTP transport to catch a pygen error.
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
