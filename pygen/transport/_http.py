"""The HTTP clients: :class:`HTTPClient` (sync) and :class:`AsyncHTTPClient` (async).

Both share :class:`_BaseHTTPClient`, which holds every decision that needs no I/O: building the
request (URL, headers, body, query), choosing the concurrency budget, deciding whether and how long
to wait before a retry, logging, and turning a final error response into an exception. The two
subclasses differ only in the loop that sends, sleeps and waits for a concurrency slot.
"""

from __future__ import annotations

import contextlib
import json as jsonlib
import logging
import math
import random
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from pygen.transport._config import ClientConfig
from pygen.transport._errors import ConnectionFailedError, OAuthError, api_error_from_response
from pygen.transport._limits import REQUEST_KINDS, AsyncLimiter, RequestKind, ThreadLimiter, infer_kind
from pygen.transport._logging import logger, redact_headers
from pygen.transport._retry import (
    Deadline,
    is_retryable_transport_error,
    may_have_been_applied,
    parse_retry_after,
    retry_delay,
    should_retry,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["AsyncHTTPClient", "HTTPClient", "RetryNotice", "maybe_applied"]

_MAYBE_APPLIED = "pygen.maybe_applied"
_GAVE_UP = "pygen.gave_up"


def maybe_applied(response: httpx.Response) -> bool:
    """Whether an earlier attempt of this (successful) response's request may have been carried out too.

    When an answer is lost after the server applied a write and the retry succeeds, the retry's answer
    describes the second application: an upsert reads ``wasModified: false`` and a delete finds nothing
    to delete. Callers that report per-item outcomes use this to say "applied, first outcome unknown"
    instead of "unchanged" (see ``pygen.instances``).
    """
    return bool(response.extensions.get(_MAYBE_APPLIED, False))


_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"})


@dataclass(frozen=True)
class RetryNotice:
    """What a client is about to wait for: a request that failed and will be sent again.

    Passed to the ``on_retry`` callback of :class:`HTTPClient`/:class:`AsyncHTTPClient`, so that a
    command can show progress while it waits instead of going quiet (``pygen refresh`` prints it).
    """

    method: str
    url: str
    #: The HTTP status that is retried, or None when no answer came (a transport error).
    status: int | None
    #: Why, in words: ``"503 Service Unavailable"`` or ``"ConnectError: [Errno 111] Connection refused"``.
    reason: str
    #: The retry about to happen, from 1, and the most the policy allows.
    retry: int
    max_retries: int
    #: Seconds the client waits before sending again.
    delay: float


class _BaseHTTPClient:
    """Request building, retry decisions, logging and errors, shared by the sync and async clients."""

    def __init__(
        self, config: ClientConfig, rng: random.Random | None, on_retry: Callable[[RetryNotice], None] | None
    ) -> None:
        if not isinstance(config, ClientConfig):
            raise TypeError(f"expected a ClientConfig, got {type(config).__name__}")
        self.config = config
        self._on_retry = on_retry
        self._rng = rng if rng is not None else random.Random()
        self._headers = config.headers()
        self._timeout = httpx.Timeout(config.timeout)
        self._pool_limits = httpx.Limits(
            max_connections=config.max_connections, max_keepalive_connections=config.max_connections
        )

    def _build_request(
        self,
        method: str,
        path: str,
        *,
        json: object,
        content: bytes | None,
        params: Mapping[str, object] | None,
        kind: RequestKind | None,
    ) -> tuple[httpx.Request, RequestKind]:
        verb = method.upper()
        if verb not in _METHODS:
            raise ValueError(f"unsupported HTTP method {method!r}")
        _check_path(path)
        if kind is None:
            kind = infer_kind(verb, path)
        elif kind not in REQUEST_KINDS:
            raise ValueError(f"kind must be one of {list(REQUEST_KINDS)}, got {kind!r}")
        if json is not None and content is not None:
            raise ValueError("pass json or content, not both")
        headers = dict(self._headers)
        body: bytes | None = content
        if json is not None:
            # Encode once, here: the same bytes are re-sent by retries and the 401 refresh, and
            # NaN/Infinity (not JSON) fail now with a clear message instead of at the server.
            try:
                body = jsonlib.dumps(json, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
            except ValueError as exc:
                raise ValueError(f"the request body for {verb} {path} is not valid JSON: {exc}") from None
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = httpx.Request(
            verb,
            self.config.project_url + path,
            params=_query_params(params),
            content=body,
            headers=headers,
            extensions={"timeout": self._timeout.as_dict()},
        )
        return request, kind

    def _transfer_target(self, url: str, headers: Mapping[str, str] | None) -> tuple[str, dict[str, str], bool]:
        """Where a transfer goes, its headers, and whether the project's credentials go along.

        A file's upload or download link is a full URL, often of a storage service with the grant in the
        URL itself, or a path on the CDF cluster. Credentials (and the ``x-cdp-*`` headers) are sent to
        the cluster's own origin only: a token never leaves for another host.
        """
        if not isinstance(url, str) or not url:
            raise ValueError(f"expected a URL, got {url!r}")
        if url.startswith("/"):
            url = self.config.base_url + url
        parts = urlsplit(url)
        if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"{url!r} is not an http(s) URL")
        base = urlsplit(self.config.base_url)
        own = (parts.scheme.lower(), parts.netloc.lower()) == (base.scheme, base.netloc)
        sent = dict(self._headers) if own else {"User-Agent": self._headers["User-Agent"]}
        sent.update(headers or {})
        return url, sent, own

    def _transfer_request(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | Iterable[bytes] | AsyncIterable[bytes] | None,
    ) -> httpx.Request:
        verb = method.upper()
        if verb not in _METHODS:
            raise ValueError(f"unsupported HTTP method {method!r}")
        return httpx.Request(
            verb, url, content=content, headers=headers, extensions={"timeout": self._timeout.as_dict()}
        )

    def _delay_after_response(self, response: httpx.Response, attempt: int, deadline: Deadline) -> float | None:
        """Seconds to wait before retrying this response, or None when it is final (success or error)."""
        if response.is_success:
            return None
        policy = self.config.retry
        if attempt >= policy.max_retries or not should_retry(response.status_code, policy):
            return None
        retry_after = parse_retry_after(response.headers.get("Retry-After"), time.time())
        delay = retry_delay(attempt, retry_after, policy, self._rng)
        if delay >= deadline.remaining():
            deadline.give_up()
            response.extensions[_GAVE_UP] = f"{deadline.describe()} passed"
            logger.debug(
                "%s %s got %s; not retried: %s passes first",
                response.request.method,
                response.request.url,
                response.status_code,
                deadline.describe(),
            )
            return None
        logger.debug(
            "%s %s got %s; retry %d/%d in %.3fs (Retry-After %r)",
            response.request.method,
            response.request.url,
            response.status_code,
            attempt + 1,
            policy.max_retries,
            delay,
            response.headers.get("Retry-After"),
        )
        reason = f"{response.status_code} {response.reason_phrase}".strip()
        self._notify(response.request, response.status_code, reason, attempt, delay)
        return delay

    def _delay_after_failure(
        self, request: httpx.Request, exc: Exception, attempt: int, deadline: Deadline, applied: bool
    ) -> float:
        """Seconds to wait after a request that got no usable answer; raises when giving up.

        ``applied``: whether this or an earlier attempt may have been carried out (set on the error).
        """
        policy = self.config.retry
        delay = retry_delay(attempt, None, policy, self._rng)
        late = delay >= deadline.remaining()
        if isinstance(exc, OAuthError):
            # The IdP throttled or failed: worth another try; a refusal (invalid_client...) is not.
            if exc.status is None or not should_retry(exc.status, policy) or attempt >= policy.max_retries or late:
                if late:
                    deadline.give_up()
                exc.maybe_applied = applied
                raise exc
        elif isinstance(exc, httpx.RequestError):
            if not is_retryable_transport_error(exc) or attempt >= policy.max_retries or late:
                gave_up = None
                if late and attempt < policy.max_retries:
                    deadline.give_up()
                    gave_up = f"{deadline.describe()} passed"
                error = ConnectionFailedError(
                    f"{request.method} {request.url} failed after {attempt + 1} attempt(s): "
                    f"{type(exc).__name__}: {str(exc) or 'no details'}" + (f"; gave up: {gave_up}" if gave_up else ""),
                    attempts=attempt + 1,
                )
                error.maybe_applied, error.gave_up = applied, gave_up
                raise error from exc
        logger.debug(
            "%s %s failed (%s: %s); retry %d/%d in %.3fs",
            request.method,
            request.url,
            type(exc).__name__,
            exc,
            attempt + 1,
            policy.max_retries,
            delay,
        )
        status = exc.status if isinstance(exc, OAuthError) else None
        self._notify(request, status, f"{type(exc).__name__}: {str(exc) or 'no details'}", attempt, delay)
        return delay

    def _notify(self, request: httpx.Request, status: int | None, reason: str, attempt: int, delay: float) -> None:
        if self._on_retry is not None:
            retries = self.config.retry.max_retries
            self._on_retry(RetryNotice(request.method, str(request.url), status, reason, attempt + 1, retries, delay))

    @staticmethod
    def _log_attempt(response: httpx.Response, attempt: int, started: float) -> None:
        if not logger.isEnabledFor(logging.DEBUG):  # skip formatting headers when nobody listens
            return
        request = response.request
        logger.debug(
            "%s %s -> %s in %.3fs (attempt %d, x-request-id %s) headers %s",
            request.method,
            request.url,
            response.status_code,
            time.perf_counter() - started,
            attempt + 1,
            response.headers.get("x-request-id"),
            redact_headers(request.headers.multi_items()),
        )

    @staticmethod
    def _final(response: httpx.Response, deadline: Deadline, applied: bool) -> httpx.Response:
        if response.is_success:
            deadline.progress()
            response.extensions[_MAYBE_APPLIED] = applied
            return response
        error = api_error_from_response(response)
        error.maybe_applied = applied or may_have_been_applied(response.status_code)
        error.gave_up = response.extensions.get(_GAVE_UP)
        raise error


class HTTPClient(_BaseHTTPClient):
    """Synchronous client for one CDF project: auth, retries, concurrency limits, typed errors.

    Thread-safe: share one instance between threads (it pools connections). ``path`` arguments are
    relative to ``config.project_url``. ``transport`` replaces the network (``httpx.MockTransport``,
    ``httpx.WSGITransport``); ``sleep`` and ``rng`` let tests run retries without waiting.

    Example:
        Against the emulator, run in process as the transport (``pygen emulator`` serves the same on a port):

        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.emulator.testing import SyncASGITransport
        >>> from pygen.transport import ClientConfig, Token
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> with HTTPClient(config, transport=SyncASGITransport(create_app(EmulatorSettings()))) as client:
        ...     _ = client.post("/models/spaces", json={"items": [{"space": "s"}]})
        ...     items = client.post("/models/spaces/byids", json={"items": [{"space": "s"}]}).json()["items"]
        >>> [item["space"] for item in items]
        ['s']
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ) -> None:
        super().__init__(config, rng, on_retry)
        self._sleep = sleep
        self._limiter = ThreadLimiter(config.limits)
        self._client = httpx.Client(
            auth=config.credentials,
            transport=transport,
            timeout=self._timeout,
            limits=self._pool_limits,
            follow_redirects=False,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        content: bytes | None = None,
        params: Mapping[str, object] | None = None,
        kind: RequestKind | None = None,
        deadline: Deadline | None = None,
    ) -> httpx.Response:
        """Send a request, retrying per ``config.retry``; returns the 2xx response or raises an APIError.

        ``deadline`` shares one :class:`~pygen.transport.Deadline` between the requests of a bulk call;
        by default each request has its own, from ``config.retry``.
        """
        request, kind = self._build_request(method, path, json=json, content=content, params=params, kind=kind)
        deadline = deadline if deadline is not None else Deadline(self.config.retry)
        attempt, applied = 0, False
        while True:
            try:
                with self._limiter.slot(kind):
                    started = time.perf_counter()
                    response = self._client.send(request)
            except (httpx.RequestError, OAuthError) as exc:
                applied = applied or (isinstance(exc, httpx.RequestError) and may_have_been_applied(exc))
                delay = self._delay_after_failure(request, exc, attempt, deadline, applied)
            else:
                self._log_attempt(response, attempt, started)
                maybe_delay = self._delay_after_response(response, attempt, deadline)
                if maybe_delay is None:
                    return _detached(self._final(response, deadline, applied))
                applied = applied or may_have_been_applied(response.status_code)
                delay = maybe_delay
            # Sleep outside the concurrency slot: a waiting retry must not block other requests.
            self._sleep(delay)
            attempt += 1

    def get(self, path: str, *, params: Mapping[str, object] | None = None) -> httpx.Response:
        """``GET`` a path under the project URL (a read)."""
        return self.request("GET", path, params=params)

    def post(
        self,
        path: str,
        json: object = None,
        *,
        content: bytes | None = None,
        kind: RequestKind | None = None,
        deadline: Deadline | None = None,
    ) -> httpx.Response:
        """``POST`` to a path under the project URL; ``kind`` is inferred from the path when omitted."""
        return self.request("POST", path, json=json, content=content, kind=kind, deadline=deadline)

    @contextlib.contextmanager
    def stream(
        self,
        method: str,
        url: str,
        *,
        content: bytes | Callable[[], Iterable[bytes]] | None = None,
        headers: Mapping[str, str] | None = None,
        kind: RequestKind = "read",
        deadline: Deadline | None = None,
    ) -> Iterator[httpx.Response]:
        """Send to a full URL (a file's upload or download link) and hold the response with its body unread.

        Retried as :meth:`request` is, until a 2xx answer's headers arrive; the body is then the caller's
        to read (``response.iter_bytes()``) inside the ``with`` block, which holds a ``kind`` slot. A
        streamed body is ``content``, a function returning the chunks afresh for each attempt. The
        project's credentials go only to the cluster's own origin (``/paths`` are relative to it).

        Example:
            A download from the emulator, run in process (a file's link works the same):

            >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
            >>> from pygen.emulator.testing import SyncASGITransport
            >>> from pygen.transport import ClientConfig, Token
            >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
            >>> with HTTPClient(config, transport=SyncASGITransport(create_app(EmulatorSettings()))) as client:
            ...     with client.stream("GET", "/api/v1/projects/my-project/models/spaces") as response:
            ...         body = b"".join(chunk for chunk in response.iter_bytes())
            >>> body
            b'{"items":[]}'
        """
        url, sent, own = self._transfer_target(url, headers)
        deadline = deadline if deadline is not None else Deadline(self.config.retry)
        attempt, applied = 0, False
        while True:
            body = content() if callable(content) else content
            request = self._transfer_request(method, url, sent, body)
            with self._limiter.slot(kind):
                try:
                    started = time.perf_counter()
                    if own:
                        response = self._client.send(request, stream=True)
                    else:
                        response = self._client.send(request, stream=True, auth=None)
                except (httpx.RequestError, OAuthError) as exc:
                    applied = applied or (isinstance(exc, httpx.RequestError) and may_have_been_applied(exc))
                    delay = self._delay_after_failure(request, exc, attempt, deadline, applied)
                else:
                    self._log_attempt(response, attempt, started)
                    if response.is_success:
                        try:
                            yield self._final(response, deadline, applied)
                        finally:
                            response.close()
                        return
                    response.read()  # the error's body, for the message
                    response.close()
                    maybe_delay = self._delay_after_response(response, attempt, deadline)
                    if maybe_delay is None:
                        self._final(response, deadline, applied)  # raises
                    applied = applied or may_have_been_applied(response.status_code)
                    delay = maybe_delay or 0.0
            self._sleep(delay)
            attempt += 1

    def close(self) -> None:
        """Close the connection pool. The client cannot be used afterwards."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncHTTPClient(_BaseHTTPClient):
    """Asynchronous client for one CDF project: the async twin of :class:`HTTPClient`.

    Safe for many concurrent tasks; concurrency limits apply per event loop.

    Example:
        Against the emulator, run in process as the transport:

        >>> import asyncio
        >>> import httpx
        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.transport import ClientConfig, Token
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> async def main() -> int:
        ...     emulator = httpx.ASGITransport(app=create_app(EmulatorSettings()))
        ...     async with AsyncHTTPClient(config, transport=emulator) as client:
        ...         response = await client.post("/models/instances/list", json={"limit": 10})
        ...     return len(response.json()["items"])
        >>> asyncio.run(main())
        0
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rng: random.Random | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ) -> None:
        super().__init__(config, rng, on_retry)
        self._sleep = sleep if sleep is not None else _asyncio_sleep
        self._limiter = AsyncLimiter(config.limits)
        self._client = httpx.AsyncClient(
            auth=config.credentials,
            transport=transport,
            timeout=self._timeout,
            limits=self._pool_limits,
            follow_redirects=False,
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        content: bytes | None = None,
        params: Mapping[str, object] | None = None,
        kind: RequestKind | None = None,
        deadline: Deadline | None = None,
    ) -> httpx.Response:
        """Send a request, retrying per ``config.retry``; returns the 2xx response or raises an APIError.

        ``deadline`` shares one :class:`~pygen.transport.Deadline` between the requests of a bulk call;
        by default each request has its own, from ``config.retry``.
        """
        request, kind = self._build_request(method, path, json=json, content=content, params=params, kind=kind)
        deadline = deadline if deadline is not None else Deadline(self.config.retry)
        attempt, applied = 0, False
        while True:
            try:
                async with self._limiter.slot(kind):
                    started = time.perf_counter()
                    response = await self._client.send(request)
            except (httpx.RequestError, OAuthError) as exc:
                applied = applied or (isinstance(exc, httpx.RequestError) and may_have_been_applied(exc))
                delay = self._delay_after_failure(request, exc, attempt, deadline, applied)
            else:
                self._log_attempt(response, attempt, started)
                maybe_delay = self._delay_after_response(response, attempt, deadline)
                if maybe_delay is None:
                    return _detached(self._final(response, deadline, applied))
                applied = applied or may_have_been_applied(response.status_code)
                delay = maybe_delay
            await self._sleep(delay)
            attempt += 1

    async def get(self, path: str, *, params: Mapping[str, object] | None = None) -> httpx.Response:
        """``GET`` a path under the project URL (a read)."""
        return await self.request("GET", path, params=params)

    async def post(
        self,
        path: str,
        json: object = None,
        *,
        content: bytes | None = None,
        kind: RequestKind | None = None,
        deadline: Deadline | None = None,
    ) -> httpx.Response:
        """``POST`` to a path under the project URL; ``kind`` is inferred from the path when omitted."""
        return await self.request("POST", path, json=json, content=content, kind=kind, deadline=deadline)

    @contextlib.asynccontextmanager
    async def stream(
        self,
        method: str,
        url: str,
        *,
        content: bytes | Callable[[], AsyncIterable[bytes]] | None = None,
        headers: Mapping[str, str] | None = None,
        kind: RequestKind = "read",
        deadline: Deadline | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """Async :meth:`HTTPClient.stream`: ``async with client.stream("GET", url) as response: ...``."""
        url, sent, own = self._transfer_target(url, headers)
        deadline = deadline if deadline is not None else Deadline(self.config.retry)
        attempt, applied = 0, False
        while True:
            body = content() if callable(content) else content
            request = self._transfer_request(method, url, sent, body)
            async with self._limiter.slot(kind):
                try:
                    started = time.perf_counter()
                    if own:
                        response = await self._client.send(request, stream=True)
                    else:
                        response = await self._client.send(request, stream=True, auth=None)
                except (httpx.RequestError, OAuthError) as exc:
                    applied = applied or (isinstance(exc, httpx.RequestError) and may_have_been_applied(exc))
                    delay = self._delay_after_failure(request, exc, attempt, deadline, applied)
                else:
                    self._log_attempt(response, attempt, started)
                    if response.is_success:
                        try:
                            yield self._final(response, deadline, applied)
                        finally:
                            await response.aclose()
                        return
                    await response.aread()  # the error's body, for the message
                    await response.aclose()
                    maybe_delay = self._delay_after_response(response, attempt, deadline)
                    if maybe_delay is None:
                        self._final(response, deadline, applied)  # raises
                    applied = applied or may_have_been_applied(response.status_code)
                    delay = maybe_delay or 0.0
            await self._sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        """Close the connection pool. The client cannot be used afterwards."""
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def _detached(response: httpx.Response) -> httpx.Response:
    """A read response freed as soon as its last reference goes, not at the next full garbage collection.

    httpx's ``response.stream`` refers back to the response: a reference cycle, which keeps each body alive
    until the cyclic collector runs (streaming a million datapoints in responses of 4 MB peaked at 68 MiB
    instead of 32). The body is read, so the stream is done with; an empty one in its place breaks the cycle.
    """
    response.stream = httpx.ByteStream(b"")
    return response


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # here: importing asyncio costs ~30 ms, and sync users never need it

    await asyncio.sleep(seconds)


def _check_path(path: str) -> None:
    """Paths are relative to the project URL; refuse what would escape or garble it."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"path {path!r} must start with '/' (relative to the project URL, e.g. '/models/spaces')")
    if "?" in path or "#" in path:
        raise ValueError(f"path {path!r} must not contain '?' or '#': pass query parameters as params=")
    if any(segment in {".", ".."} for segment in path.split("/")):
        raise ValueError(f"path {path!r} must not contain '.' or '..' segments")


def _query_params(params: Mapping[str, object] | None) -> tuple[tuple[str, str], ...]:
    """Encode query parameters the way CDF reads them: booleans lower-case, lists repeated, None dropped."""
    if not params:
        return ()
    encoded: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        values: Sequence[object] = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            encoded.append((key, _query_value(key, item)))
    return tuple(encoded)


def _query_value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return str(value)
    raise ValueError(f"query parameter {key!r} has unsupported value {value!r} (use str, int, float, bool or a list)")
