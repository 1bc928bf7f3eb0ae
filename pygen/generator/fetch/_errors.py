"""Errors raised by :mod:`pygen.generator.fetch`.

Every message names the file, key or item that is wrong and says how to fix it, because these
errors end up in front of a user running a build, not a developer reading a traceback.
"""

from __future__ import annotations

from pygen.errors import PygenError

__all__ = ["CacheError", "CredentialsError", "ModelNotFoundError", "ModelRefError", "PygenFetchError", "SnapshotError"]


class PygenFetchError(PygenError):
    """Base class of every error raised by :mod:`pygen.generator.fetch` (a :class:`pygen.transport.PygenError`)."""


class ModelRefError(PygenFetchError, ValueError):
    """A data model reference such as ``"space:externalId/version"`` is malformed."""


class SnapshotError(PygenFetchError):
    """A snapshot file is missing, unreadable, or does not hold the expected data model."""


class ModelNotFoundError(PygenFetchError):
    """The CDF project has no data model with that space, externalId and version."""


class CacheError(PygenFetchError):
    """The user cache could not be used (for example, its lock could not be taken in time)."""


class CredentialsError(PygenFetchError):
    """No secret could be found; the message says how to provide one (it never contains a secret)."""
