"""The URL rules of a CDF cluster: a cluster name to its URL, and one spelling of a base URL.

Shared by the transport (:class:`pygen.transport.ClientConfig`) and the generator (``[tool.pygen.cdf]``, the
model cache and the keyring), so that both agree on which URLs are the same cluster. The standard library only:
reading ``[tool.pygen]`` must not import the HTTP client. Each caller words the problems for its own users
(:class:`BaseUrlWording`) and picks its exception type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["BaseUrlWording", "cluster_base_url", "normalize_base_url"]

# A cluster is one DNS label ("api", "westeurope-1", "az-power-no-northeurope").
_CLUSTER_RE = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"


def cluster_base_url(cluster: str, *, base_url_option: str = "base_url=...") -> str:
    """``"westeurope-1"`` -> ``"https://westeurope-1.cognitedata.com"``; raises ValueError for anything else.

    ``base_url_option`` is how the caller's users give a full URL instead (named when a host is given).
    """
    if not isinstance(cluster, str):
        raise ValueError(f"cluster must be a string such as 'westeurope-1', got {type(cluster).__name__}")
    name = cluster.strip().lower()
    if "." in name or "/" in name:
        raise ValueError(
            f"cluster {cluster!r} looks like a host or URL: give the cluster name only (e.g. 'westeurope-1'), "
            f"or pass the full URL as {base_url_option}"
        )
    if not re.match(_CLUSTER_RE, name):
        raise ValueError(
            f"cluster {cluster!r} is not a valid cluster name: use letters, digits and '-' "
            "(e.g. 'api', 'westeurope-1', 'az-eastus-1')"
        )
    return f"https://{name}.cognitedata.com"


@dataclass(frozen=True)
class BaseUrlWording:
    """The messages of one caller for each problem; ``{url!r}`` in a template is the (stripped) URL given.

    The message for a user name or password never shows the URL: it holds a credential.
    """

    not_a_string: str
    not_http: str
    credentials: str
    query: str
    port: str
    #: ``None``: a path with ``/api/v1/projects`` is accepted (the caller does not build project URLs from it).
    project_path: str | None = None


def normalize_base_url(base_url: object, wording: BaseUrlWording, error: type[Exception] = ValueError) -> str:
    """``" HTTPS://API.CogniteData.com/ "`` -> ``"https://api.cognitedata.com"``; ``error(message)`` otherwise.

    Lower-cases scheme and host, writes the port as a number and drops a trailing "/", so that equivalent
    spellings share a cache entry and a keyring entry. A URL with a user name or password is refused: it
    would put a secret into keyring service names, cache paths and messages.
    """
    if not isinstance(base_url, str):
        raise error(wording.not_a_string.format(url=base_url))
    text = base_url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise error(wording.not_http.format(url=text))
    if parts.username is not None or parts.password is not None:
        raise error(wording.credentials)
    if parts.query or parts.fragment:
        raise error(wording.query.format(url=text))
    try:
        port = parts.port
    except ValueError:
        raise error(wording.port.format(url=text)) from None
    if wording.project_path is not None and "/api/v1/projects" in parts.path:
        raise error(wording.project_path.format(url=text))
    host = parts.hostname.lower()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"
