"""The exception tree of pygen's runtime, and turning an HTTP error response into the right exception.

Everything pygen raises on purpose derives from :class:`PygenError`, so an application can catch one
class. CDF answers errors with ``{"error": {"code": 400, "message": "...", "missing": [...], "duplicated": [...]}}``;
:func:`api_error_from_response` reads that shape tolerantly (``error`` as a plain string, a non-JSON or
HTML body from a proxy) because an error while reporting an error would hide the real problem.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

# The root lives in a stdlib-only module so the generator can use it without importing httpx.
from pygen.errors import PygenError

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ConnectionFailedError",
    "NotFoundError",
    "OAuthError",
    "PermissionDeniedError",
    "PygenError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServerError",
    "UnprocessableEntityError",
    "api_error_from_response",
    "error_class_for_status",
]

# How many missing/duplicated identifiers str(error) shows; the full lists stay on the exception.
_SHOWN_IDS = 5
# How much of a non-JSON body (an HTML error page from a load balancer, say) goes into the message.
_SHOWN_BODY_CHARS = 200


class APIError(PygenError):
    """CDF answered with a non-2xx status (after any retries).

    Attributes mirror CDF's error body: ``status`` (HTTP status), ``message``, ``missing`` and
    ``duplicated`` (lists of identifier objects such as ``{"space": "s", "externalId": "x"}``),
    ``request_id`` (the ``x-request-id`` response header, quote it to Cognite support) and ``body``
    (the parsed JSON body, or the text if it was not JSON).

    Example:
        A request the emulator (in process, in place of CDF) refuses, as CDF would:

        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.emulator.testing import SyncASGITransport
        >>> from pygen.transport import ClientConfig, HTTPClient, Token
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> with HTTPClient(config, transport=SyncASGITransport(create_app(EmulatorSettings()))) as client:
        ...     try:
        ...         client.post("/models/spaces", json={"items": [{"space": "not a space id"}]})
        ...     except NotFoundError as exc:
        ...         print("missing:", exc.missing)
        ...     except APIError as exc:
        ...         print(type(exc).__name__, exc.status, exc.request_id is not None)
        BadRequestError 400 True
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        missing: Sequence[Mapping[str, object]] = (),
        duplicated: Sequence[Mapping[str, object]] = (),
        request_id: str | None = None,
        body: object = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.missing: list[dict[str, object]] = [dict(item) for item in missing]
        self.duplicated: list[dict[str, object]] = [dict(item) for item in duplicated]
        self.request_id = request_id
        self.body = body
        self.method = method
        self.url = url

    def __str__(self) -> str:
        reason = httpx.codes.get_reason_phrase(self.status)
        head = f"{self.status} {reason}".rstrip() + f": {self.message}"
        parts = [head]
        if self.method and self.url:
            parts.append(f"request: {self.method} {self.url}")
        if self.missing:
            parts.append(f"missing: {_short_list(self.missing)}")
        if self.duplicated:
            parts.append(f"duplicated: {_short_list(self.duplicated)}")
        parts.append(f"request id: {self.request_id or 'none'}")
        return "\n  ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, message={self.message!r}, request_id={self.request_id!r})"

    def __reduce__(self) -> tuple[object, tuple[()]]:
        # Exception pickling re-calls cls(*args), which loses the keyword-only fields; errors cross
        # process boundaries (multiprocessing, concurrent.futures), so keep them whole.
        fields: dict[str, Any] = {
            "status": self.status,
            "missing": self.missing,
            "duplicated": self.duplicated,
            "request_id": self.request_id,
            "body": self.body,
            "method": self.method,
            "url": self.url,
        }
        return functools.partial(type(self), self.message, **fields), ()


class BadRequestError(APIError):
    """400: the request was invalid, e.g. an unknown view or a property that does not exist."""


class AuthenticationError(APIError):
    """401: CDF rejected the access token (pygen already refreshed it once when it could)."""


class PermissionDeniedError(APIError):
    """403: the token is valid but lacks a capability (e.g. ``dataModelsAcl:WRITE``) or project access."""


class NotFoundError(APIError):
    """404: the resource does not exist."""


class RequestTimeoutError(APIError):
    """408: CDF gave up on the request (e.g. a graph query timed out) and retries were exhausted."""


class ConflictError(APIError):
    """409: the write conflicts with the stored state (e.g. an apply conflict on a view or instance)."""


class UnprocessableEntityError(APIError):
    """422: the request was well-formed but could not be processed."""


class RateLimitError(APIError):
    """429: too many requests or too much concurrency, and retries were exhausted."""


class ServerError(APIError):
    """5xx: CDF (or a proxy in front of it) failed; retryable ones were retried first."""


class ConnectionFailedError(PygenError):
    """The request got no usable HTTP answer: connecting, sending, reading or decoding failed (after retries).

    The underlying ``httpx`` exception is the ``__cause__``; ``attempts`` says how often pygen tried.
    """

    def __init__(self, message: str, *, attempts: int = 1) -> None:
        super().__init__(message)
        self.attempts = attempts

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return functools.partial(type(self), str(self), attempts=self.attempts), ()


class OAuthError(PygenError):
    """The identity provider refused to issue a token (or answered something that is not a token).

    ``error`` and ``error_description`` are the IdP's RFC 6749 fields when it sent them
    (e.g. ``"invalid_client"``); ``status`` is the HTTP status of the token response.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error: str | None = None,
        error_description: str | None = None,
        token_url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.error_description = error_description
        self.token_url = token_url

    def __reduce__(self) -> tuple[object, tuple[()]]:
        fields: dict[str, Any] = {
            "status": self.status,
            "error": self.error,
            "error_description": self.error_description,
            "token_url": self.token_url,
        }
        return functools.partial(type(self), str(self), **fields), ()


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

# Appended to 401 messages: CDF's own text ("Unauthorized") rarely says what to check.
_AUTH_HINT = (
    " (the access token was rejected; refreshable credentials were refreshed once and the request retried. "
    "Check that the credentials belong to this project's identity provider and that the token's "
    "scope/audience matches the cluster URL)"
)


def error_class_for_status(status: int) -> type[APIError]:
    """The :class:`APIError` subclass for an HTTP status: 404 -> NotFoundError, 5xx -> ServerError, ..."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if 500 <= status <= 599:
        return ServerError
    return APIError


def api_error_from_response(response: httpx.Response) -> APIError:
    """Build the typed exception for a non-2xx response; never raises while parsing the body."""
    status = response.status_code
    body: object
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:  # not JSON (or not UTF-8): keep the text for the message and `.body`
        body = response.content.decode("utf-8", errors="replace")

    message = ""
    missing: list[Mapping[str, object]] = []
    duplicated: list[Mapping[str, object]] = []
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            raw_message = error.get("message")
            message = raw_message if isinstance(raw_message, str) else ("" if raw_message is None else str(raw_message))
            missing = _identifiers(error.get("missing"))
            duplicated = _identifiers(error.get("duplicated"))
        elif isinstance(error, str):
            message = error
        elif isinstance(body.get("message"), str):
            message = str(body["message"])
    elif isinstance(body, str):
        message = _first_chars(body)
    if not message:
        message = httpx.codes.get_reason_phrase(status) or "no error message in the response"
    if status == 401:
        message += _AUTH_HINT

    request_id = response.headers.get("x-request-id")
    try:
        method: str | None = response.request.method
        url: str | None = str(response.request.url)
    except RuntimeError:  # a Response built without a request (only in tests)
        method = url = None
    return error_class_for_status(status)(
        message,
        status=status,
        missing=missing,
        duplicated=duplicated,
        request_id=request_id,
        body=body,
        method=method,
        url=url,
    )


def _identifiers(value: object) -> list[Mapping[str, object]]:
    """Keep the identifier objects of a ``missing``/``duplicated`` array; anything else is not an id."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _first_chars(text: str) -> str:
    """A one-line excerpt of a text body, so an HTML error page does not flood the message."""
    flat = " ".join(text.split())
    if len(flat) > _SHOWN_BODY_CHARS:
        return flat[:_SHOWN_BODY_CHARS] + "..."
    return flat


def _short_list(items: Sequence[Mapping[str, object]]) -> str:
    shown = ", ".join(json.dumps(dict(item), sort_keys=True, default=str) for item in items[:_SHOWN_IDS])
    more = len(items) - _SHOWN_IDS
    return f"[{shown}]" + (f" and {more} more" if more > 0 else "")
