"""pygen's HTTP transport: sync and async clients for one CDF project over httpx.

It handles authentication (a static :class:`Token` or :class:`OAuthClientCredentials` with cached,
refreshed tokens), retries with backoff on 408/429/502/503/504 and dropped connections (honouring
``Retry-After``), per-kind concurrency limits, debug logging without secrets, and a typed exception
tree rooted at :class:`PygenError`.

Example:
    A client for a project of CDF's ``westeurope-1`` cluster, with an Entra ID app registration:

    >>> from pygen.transport import ClientConfig, HTTPClient, OAuthClientCredentials
    >>> creds = OAuthClientCredentials("client-id", "client-secret", tenant_id="my-tenant")
    >>> config = ClientConfig.for_cluster("westeurope-1", "my-project", creds)
    >>> config.project_url
    'https://westeurope-1.cognitedata.com/api/v1/projects/my-project'

    ``with HTTPClient(config) as client: client.get("/models/spaces")`` then lists the project's spaces;
    :class:`HTTPClient`'s example sends requests to the emulator in place of CDF.
"""

from pygen.transport._auth import Credentials, OAuthClientCredentials, Token
from pygen.transport._config import ClientConfig, cluster_base_url
from pygen.transport._errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ConnectionFailedError,
    NotFoundError,
    OAuthError,
    PermissionDeniedError,
    PygenError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    UnprocessableEntityError,
    api_error_from_response,
    error_class_for_status,
)
from pygen.transport._holder import AsyncHTTPHolder, HTTPHolder
from pygen.transport._http import AsyncHTTPClient, HTTPClient, RetryNotice, maybe_applied
from pygen.transport._limits import ConcurrencyLimits, RequestKind, infer_kind
from pygen.transport._retry import (
    DEFAULT_RETRY_STATUSES,
    Deadline,
    RetryPolicy,
    is_retryable_transport_error,
    parse_retry_after,
    retry_delay,
    should_retry,
)

__all__ = [
    "APIError",
    "AsyncHTTPClient",
    "AsyncHTTPHolder",
    "AuthenticationError",
    "BadRequestError",
    "ClientConfig",
    "ConcurrencyLimits",
    "ConflictError",
    "ConnectionFailedError",
    "Credentials",
    "DEFAULT_RETRY_STATUSES",
    "Deadline",
    "HTTPClient",
    "HTTPHolder",
    "NotFoundError",
    "OAuthClientCredentials",
    "OAuthError",
    "PermissionDeniedError",
    "PygenError",
    "RateLimitError",
    "RequestKind",
    "RequestTimeoutError",
    "RetryNotice",
    "RetryPolicy",
    "ServerError",
    "Token",
    "UnprocessableEntityError",
    "api_error_from_response",
    "cluster_base_url",
    "error_class_for_status",
    "infer_kind",
    "is_retryable_transport_error",
    "maybe_applied",
    "parse_retry_after",
    "retry_delay",
    "should_retry",
]

# Tracebacks and reprs show the public path (pygen.transport.NotFoundError), not the private module.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        _value.__module__ = __name__
del _name, _value
