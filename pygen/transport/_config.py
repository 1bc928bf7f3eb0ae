"""Client configuration: where CDF is, which project, how to authenticate, and how patient to be.

:class:`ClientConfig` is frozen and validated on construction, so a bad cluster name, base URL or
project fails where it is written rather than as a confusing HTTP error later.
"""

from __future__ import annotations

import math
import platform
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from pygen._urls import BaseUrlWording, cluster_base_url, normalize_base_url
from pygen._version import __version__
from pygen.transport._auth import Credentials
from pygen.transport._limits import ConcurrencyLimits
from pygen.transport._retry import RetryPolicy

__all__ = ["API_VERSIONS", "ClientConfig", "cluster_base_url"]

API_VERSIONS = frozenset({"20230101", "20230101-beta", "20230101-alpha"})

# Patterns are compiled on first use (re caches them), not when the transport is imported.
# CDF project names are URL slugs; allow a little more (dots, underscores) and percent-encode anyway.
_PROJECT_RE = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,253}[A-Za-z0-9_])?$"
# Header values travel on one line: printable ASCII only, so client names cannot inject headers.
_HEADER_VALUE_RE = r"^[\x20-\x7e]+$"


_BASE_URL = BaseUrlWording(
    not_a_string="base_url must be a string such as 'https://api.cognitedata.com', got {url!r}",
    not_http="base_url {url!r} must be an http(s) URL such as 'https://api.cognitedata.com'",
    credentials="base_url must not contain a user name or password; use credentials=... instead",
    query="base_url {url!r} must not have a query or fragment",
    port="base_url {url!r} has an invalid port",
    project_path=(
        "base_url {url!r} includes the project path: give only the cluster URL "
        "(e.g. 'https://westeurope-1.cognitedata.com') and the project separately"
    ),
)


def _check_project(project: str) -> str:
    if not isinstance(project, str) or not project.strip():
        raise ValueError("project must be a non-empty string (the CDF project name, e.g. 'my-project')")
    if not re.match(_PROJECT_RE, project):
        raise ValueError(
            f"project {project!r} is not a valid CDF project name: use letters, digits, '-', '_' and '.', "
            "starting with a letter or digit"
        )
    return project


def _check_positive(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"ClientConfig.{name} must be a positive number, got {value!r}")


@dataclass(frozen=True)
class ClientConfig:
    """Everything an :class:`~pygen.transport.HTTPClient` needs to talk to one CDF project.

    ``base_url`` is the cluster URL (``https://{cluster}.cognitedata.com``, a private link, or the
    emulator's ``http://127.0.0.1:PORT``); :meth:`for_cluster` builds it from a cluster name.
    ``timeout`` is per request attempt, in seconds. ``max_connections`` sizes the connection pool
    shared by all requests of one client. ``cdf_version`` sends the ``cdf-version`` header (e.g.
    ``"20230101-beta"``); by default no header is sent and CDF uses the stable API.

    Example:
        >>> from pygen.transport import OAuthClientCredentials
        >>> creds = OAuthClientCredentials("my-client-id", "my-client-secret", tenant_id="my-tenant")
        >>> config = ClientConfig.for_cluster("westeurope-1", "my-project", creds, client_name="my-app")
        >>> config.base_url, config.headers()["x-cdp-app"]
        ('https://westeurope-1.cognitedata.com', 'my-app')
    """

    project: str
    credentials: Credentials
    base_url: str = "https://api.cognitedata.com"
    client_name: str = "pygen"
    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: ConcurrencyLimits = field(default_factory=ConcurrencyLimits)
    max_connections: int = 20
    cdf_version: str | None = None

    def __post_init__(self) -> None:
        _check_project(self.project)
        if not isinstance(self.credentials, httpx.Auth):
            raise ValueError(
                f"credentials must be a pygen Credentials object such as Token(...) or OAuthClientCredentials(...), "
                f"got {type(self.credentials).__name__}"
            )
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url, _BASE_URL))
        if not isinstance(self.client_name, str) or not re.match(_HEADER_VALUE_RE, self.client_name):
            raise ValueError(
                f"client_name {self.client_name!r} must be a non-empty string of printable ASCII characters "
                "(it is sent as the x-cdp-app header)"
            )
        _check_positive("timeout", self.timeout)
        if isinstance(self.max_connections, bool) or not isinstance(self.max_connections, int):
            raise ValueError(f"ClientConfig.max_connections must be an integer, got {self.max_connections!r}")
        _check_positive("max_connections", self.max_connections)
        if not isinstance(self.retry, RetryPolicy):
            raise ValueError(f"ClientConfig.retry must be a RetryPolicy, got {type(self.retry).__name__}")
        if not isinstance(self.limits, ConcurrencyLimits):
            raise ValueError(f"ClientConfig.limits must be ConcurrencyLimits, got {type(self.limits).__name__}")
        if self.cdf_version is not None and self.cdf_version not in API_VERSIONS:
            raise ValueError(f"cdf_version {self.cdf_version!r} is not one of {sorted(API_VERSIONS)}")

    @classmethod
    def for_cluster(cls, cluster: str, project: str, credentials: Credentials, **kwargs: Any) -> ClientConfig:
        """A config for ``https://{cluster}.cognitedata.com``; other fields as keyword arguments."""
        if "base_url" in kwargs:
            raise ValueError("for_cluster() builds base_url from the cluster name; do not pass base_url too")
        return cls(project=project, credentials=credentials, base_url=cluster_base_url(cluster), **kwargs)

    @property
    def project_url(self) -> str:
        """``{base_url}/api/v1/projects/{project}``, the prefix of every DMS path."""
        return f"{self.base_url}/api/v1/projects/{quote(self.project, safe='')}"

    def headers(self) -> dict[str, str]:
        """The headers sent with every request (Authorization is added by the credentials)."""
        headers = {
            "x-cdp-app": self.client_name,
            "x-cdp-sdk": f"pygen:{__version__}",
            "User-Agent": f"pygen/{__version__} httpx/{httpx.__version__} python/{platform.python_version()}",
            "Accept": "application/json",
        }
        if self.cdf_version is not None:
            headers["cdf-version"] = self.cdf_version
        return headers
