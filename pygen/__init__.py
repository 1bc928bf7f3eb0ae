"""pygen: typed SDKs for Cognite Data Fusion data models.

This top-level module stays tiny on purpose: generated SDKs import ``pygen.transport``,
``pygen.dms`` and ``pygen.instances`` and must not pay for (or need) the generator.
"""

from pygen._version import __version__

__all__ = ["__version__"]
