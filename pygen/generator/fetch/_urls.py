"""Normalizing the base URL of a CDF cluster, so that equivalent spellings share a cache and a keyring entry.

The rules are shared with the transport (``pygen/_urls.py``); the messages here speak to someone running a build.
"""

from __future__ import annotations

from pygen._urls import BaseUrlWording
from pygen._urls import normalize_base_url as _normalize
from pygen.generator.fetch._errors import PygenFetchError

__all__ = ["normalize_base_url"]

_WORDING = BaseUrlWording(
    not_a_string="invalid base URL {url!r}: expected a string such as 'https://api.cognitedata.com'",
    not_http="invalid base URL {url!r}: expected e.g. 'https://api.cognitedata.com'",
    credentials=(
        "the base URL contains a user name or password; remove it and provide the secret through "
        "the environment or the keyring instead"
    ),
    query="invalid base URL {url!r}: it must not have a query or fragment",
    port="invalid base URL {url!r}: bad port",
)


def normalize_base_url(base_url: str, *, error: type[Exception] = PygenFetchError) -> str:
    """``" HTTPS://API.CogniteData.com/ "`` -> ``"https://api.cognitedata.com"``; raises ``error`` otherwise.

    Lower-cases scheme and host and drops a trailing "/". A URL with a user name or password is
    refused: it would put a secret into keyring service names, cache paths and messages.
    """
    return _normalize(base_url, _WORDING, error)
