"""Normalizing the base URL of a CDF cluster, so that equivalent spellings share a cache and a keyring entry."""

from __future__ import annotations

from urllib.parse import urlsplit

from pygen.generator.fetch._errors import PygenFetchError

__all__ = ["normalize_base_url"]


def normalize_base_url(base_url: str) -> str:
    """``" HTTPS://API.CogniteData.com/ "`` -> ``"https://api.cognitedata.com"``.

    Lower-cases scheme and host and drops a trailing "/". A URL with a user name or password is
    refused: it would put a secret into keyring service names, cache paths and messages.
    """
    text = base_url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise PygenFetchError(f"invalid base URL {text!r}: expected e.g. 'https://api.cognitedata.com'")
    if parts.username is not None or parts.password is not None:
        # Do not echo the URL: it holds a credential.
        raise PygenFetchError(
            "the base URL contains a user name or password; remove it and provide the secret through "
            "the environment or the keyring instead"
        )
    if parts.query or parts.fragment:
        raise PygenFetchError(f"invalid base URL {text!r}: it must not have a query or fragment")
    try:
        port = parts.port
    except ValueError:
        raise PygenFetchError(f"invalid base URL {text!r}: bad port") from None
    host = parts.hostname.lower()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"
