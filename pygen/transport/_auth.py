"""Credentials as ``httpx.Auth`` flows: a static token and OAuth 2.0 client credentials.

httpx drives auth as a generator that yields requests and receives responses, so one flow serves
``httpx.Client`` and ``httpx.AsyncClient`` and the token request goes through the *same* client
and transport as the API call (a test's ``MockTransport``, the emulator's ``/oauth2/token``).
:class:`OAuthClientCredentials` overrides the sync and async flows only to hold the right kind of
lock while it fetches a token: a ``threading.Lock`` for threads, an ``asyncio.Lock`` for tasks, so
many concurrent callers with an expired token cause exactly one token request.

The default scope is ``{scheme}://{host}/.default`` of the URL being called. Every request an
:class:`~pygen.transport.HTTPClient` sends goes to its config's ``base_url``, so this is the
"``{base_url}/.default``" that Entra ID expects, without the credentials having to be told the
base URL (and one credentials object can serve clients of several clusters: tokens are cached per
scope). Pass ``scopes`` explicitly for private links or proxies whose host differs from the audience.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Sequence
from urllib.parse import quote, urlsplit

import httpx

from pygen.transport._errors import OAuthError
from pygen.transport._limits import LoopLocalLock
from pygen.transport._logging import REDACTED, logger, redact_form, redact_json_text

__all__ = ["Credentials", "OAuthClientCredentials", "Token"]

# Entra ID tenants are GUIDs or verified domain names ("contoso.onmicrosoft.com").
_TENANT_RE = r"^[A-Za-z0-9][A-Za-z0-9.-]*$"  # compiled on first use (re caches it)
# Lifetime assumed when an IdP omits a usable expires_in (RFC 6749 makes it optional). A 401 still
# triggers a refresh if the guess is too long.
_DEFAULT_LIFETIME = 3600.0


class Credentials(httpx.Auth):
    """Base class of everything that authenticates pygen's requests (an ``httpx.Auth``).

    Subclass it (implementing ``auth_flow``, see httpx's docs) to plug in another token source.
    """


class Token(Credentials):
    """A fixed bearer token, e.g. one your application already obtained, or the emulator's ``--token``.

    Example:
        >>> from pygen.transport import ClientConfig
        >>> config = ClientConfig("my-project", Token("eyJ0eXAi..."))
        >>> config.credentials  # never printed
        Token('***')
    """

    def __init__(self, token: str) -> None:
        if not isinstance(token, str) or not token.strip():
            raise ValueError("Token(token): the token must be a non-empty string")
        if any(ch.isspace() for ch in token.strip()) or any(ord(ch) < 32 for ch in token):
            # A header value cannot hold newlines; spaces mean "Bearer x" was passed as the token.
            raise ValueError("Token(token): the token must not contain whitespace (pass it without 'Bearer ')")
        self._token = token.strip()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return f"Token({REDACTED!r})"


class _CachedToken:
    __slots__ = ("refresh_at", "value")

    def __init__(self, value: str, refresh_at: float) -> None:
        self.value = value
        self.refresh_at = refresh_at  # on the credentials' clock


class OAuthClientCredentials(Credentials):
    """OAuth 2.0 client credentials grant (RFC 6749 §4.4), e.g. an Entra ID app registration.

    Give either ``tenant_id`` (Entra ID: the token URL becomes
    ``https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token``) or ``token_url`` (any IdP,
    or the emulator's ``{base_url}/oauth2/token``). ``scopes`` default to ``["{base_url}/.default"]``
    of the cluster being called; ``audience`` is sent for IdPs that need it (e.g. Auth0).

    Tokens are cached and refreshed ``refresh_margin`` seconds (at most half the lifetime) before
    they expire. If CDF still answers 401, the token is refreshed once and the request retried once;
    a second 401 surfaces as :class:`~pygen.transport.AuthenticationError`. A refused token request
    raises :class:`~pygen.transport.OAuthError` with the IdP's ``error`` and ``error_description``.

    Example:
        With Entra ID, the tenant gives the token URL:

        >>> creds = OAuthClientCredentials("my-client-id", "my-client-secret", tenant_id="my-tenant-guid")
        >>> creds.token_url
        'https://login.microsoftonline.com/my-tenant-guid/oauth2/v2.0/token'

        Any other IdP by its token URL; here the emulator's, run in process in place of CDF:

        >>> from pygen.emulator import EmulatorSettings, create_app
        >>> from pygen.emulator.testing import SyncASGITransport
        >>> from pygen.transport import ClientConfig, HTTPClient
        >>> emulator = SyncASGITransport(create_app(EmulatorSettings(client_id="my-client-id", client_secret="s3cr3t")))
        >>> creds = OAuthClientCredentials("my-client-id", "s3cr3t", token_url="http://emulator/oauth2/token")
        >>> config = ClientConfig("my-project", creds, base_url="http://emulator")
        >>> with HTTPClient(config, transport=emulator) as client:
        ...     client.get("/models/spaces").status_code  # a token request first, then the call
        200
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        token_url: str | None = None,
        tenant_id: str | None = None,
        scopes: Sequence[str] | str | None = None,
        audience: str | None = None,
        refresh_margin: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(client_id, str) or not client_id.strip():
            raise ValueError("OAuthClientCredentials: client_id must be a non-empty string")
        if not isinstance(client_secret, str) or not client_secret:
            raise ValueError("OAuthClientCredentials: client_secret must be a non-empty string")
        self.client_id = client_id.strip()
        self._client_secret = client_secret
        self.token_url = _resolve_token_url(token_url, tenant_id)
        self.scopes = _check_scopes(scopes)
        if audience is not None and (not isinstance(audience, str) or not audience.strip()):
            raise ValueError("OAuthClientCredentials: audience must be a non-empty string when given")
        self.audience = audience
        if not refresh_margin >= 0:
            raise ValueError(f"OAuthClientCredentials: refresh_margin must be >= 0 seconds, got {refresh_margin!r}")
        self._refresh_margin = float(refresh_margin)
        self._clock = clock
        self._tokens: dict[str, _CachedToken] = {}
        self._thread_lock = threading.Lock()
        self._async_lock = LoopLocalLock()

    def __repr__(self) -> str:
        return (
            f"OAuthClientCredentials(client_id={self.client_id!r}, client_secret={REDACTED!r}, "
            f"token_url={self.token_url!r}, scopes={self.scopes!r}, audience={self.audience!r})"
        )

    # -- the flows: identical except for the lock and how the token response body is read ----------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        scope = self.scope_for(request.url)
        used = self._usable(scope)
        if used is None:
            with self._thread_lock:
                used = self._usable(scope)  # another thread may have refreshed while we waited
                if used is None:
                    reply = yield self._token_request(scope, request)
                    reply.read()
                    used = self._accept(scope, reply)
        response = yield self._authorize(request, used)
        if response.status_code != 401:
            return
        with self._thread_lock:
            fresh = self._usable(scope)
            if fresh is None or fresh == used:  # nobody refreshed since our token was rejected
                reply = yield self._token_request(scope, request)
                reply.read()
                fresh = self._accept(scope, reply)
        logger.debug("401 with a cached token: retrying %s %s once with a fresh token", request.method, request.url)
        yield self._authorize(request, fresh)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        scope = self.scope_for(request.url)
        used = self._usable(scope)
        if used is None:
            async with self._async_lock.get():
                used = self._usable(scope)  # another task may have refreshed while we waited
                if used is None:
                    reply = yield self._token_request(scope, request)
                    await reply.aread()
                    used = self._accept(scope, reply)
        response = yield self._authorize(request, used)
        if response.status_code != 401:
            return
        async with self._async_lock.get():
            fresh = self._usable(scope)
            if fresh is None or fresh == used:
                reply = yield self._token_request(scope, request)
                await reply.aread()
                fresh = self._accept(scope, reply)
        logger.debug("401 with a cached token: retrying %s %s once with a fresh token", request.method, request.url)
        yield self._authorize(request, fresh)

    # -- shared, I/O-free steps ---------------------------------------------------------------------

    def scope_for(self, url: httpx.URL) -> str:
        """The scope string requested for calls to ``url``: the configured scopes or ``{origin}/.default``."""
        if self.scopes:
            return " ".join(self.scopes)
        return f"{url.scheme}://{url.netloc.decode('ascii')}/.default"

    def _usable(self, scope: str) -> str | None:
        cached = self._tokens.get(scope)
        if cached is not None and self._clock() < cached.refresh_at:
            return cached.value
        return None

    @staticmethod
    def _authorize(request: httpx.Request, token: str) -> httpx.Request:
        request.headers["Authorization"] = f"Bearer {token}"
        return request

    def _token_request(self, scope: str, api_request: httpx.Request) -> httpx.Request:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "scope": scope,
        }
        if self.audience is not None:
            form["audience"] = self.audience
        # A request built here does not get the client's timeout; copy the API call's, else it has none.
        extensions = {"timeout": api_request.extensions["timeout"]} if "timeout" in api_request.extensions else {}
        token_request = httpx.Request(
            "POST", self.token_url, data=form, headers={"Accept": "application/json"}, extensions=extensions
        )
        logger.debug("token request: POST %s %s", self.token_url, redact_form(token_request.content))
        return token_request

    def _accept(self, scope: str, response: httpx.Response) -> str:
        """Cache and return the access token of a token response, or raise :class:`OAuthError`."""
        logger.debug(
            "token response: %s from %s %s", response.status_code, self.token_url, redact_json_text(response.content)
        )
        try:
            data = response.json()
        except ValueError:
            data = None
        if not response.is_success:
            raise self._refusal(response, data)
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise OAuthError(
                f"the token response from {self.token_url} has no access_token (HTTP {response.status_code})",
                status=response.status_code,
                token_url=self.token_url,
            )
        assert isinstance(data, dict)
        lifetime = _lifetime(data.get("expires_in"))
        now = self._clock()
        self._tokens[scope] = _CachedToken(token, now + lifetime - min(self._refresh_margin, lifetime / 2))
        return token

    def _refusal(self, response: httpx.Response, data: object) -> OAuthError:
        error = description = None
        if isinstance(data, dict):
            raw_error, raw_description = data.get("error"), data.get("error_description")
            error = raw_error if isinstance(raw_error, str) else None
            description = raw_description if isinstance(raw_description, str) else None
        if error or description:
            detail = ": ".join(part for part in (error, description) if part)
        else:
            text = " ".join(response.content.decode("utf-8", errors="replace").split())[:200]
            detail = text or "empty response"
        # Belt and braces: an IdP echoing the request must not put the secret into a traceback.
        detail = detail.replace(self._client_secret, REDACTED)
        return OAuthError(
            f"the identity provider refused the token request (HTTP {response.status_code} from {self.token_url}, "
            f"client_id {self.client_id!r}): {detail}",
            status=response.status_code,
            error=error,
            error_description=description,
            token_url=self.token_url,
        )


def _resolve_token_url(token_url: str | None, tenant_id: str | None) -> str:
    if token_url is not None and tenant_id is not None:
        raise ValueError("OAuthClientCredentials: give token_url or tenant_id, not both")
    if tenant_id is not None:
        if not isinstance(tenant_id, str) or not re.match(_TENANT_RE, tenant_id.strip()):
            raise ValueError(
                f"OAuthClientCredentials: tenant_id {tenant_id!r} is not a tenant GUID or domain "
                "(e.g. 'f1e2d3c4-...' or 'contoso.onmicrosoft.com')"
            )
        return f"https://login.microsoftonline.com/{quote(tenant_id.strip(), safe='')}/oauth2/v2.0/token"
    if token_url is None:
        raise ValueError(
            "OAuthClientCredentials: give tenant_id (Entra ID) or token_url (any OAuth 2.0 identity provider)"
        )
    parts = urlsplit(token_url.strip()) if isinstance(token_url, str) else None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"OAuthClientCredentials: token_url {token_url!r} must be an http(s) URL")
    return token_url.strip()


def _check_scopes(scopes: Sequence[str] | str | None) -> tuple[str, ...] | None:
    if scopes is None:
        return None
    items = (scopes,) if isinstance(scopes, str) else tuple(scopes)
    if not items or any(not isinstance(scope, str) or not scope.strip() or " " in scope.strip() for scope in items):
        raise ValueError(
            f"OAuthClientCredentials: scopes must be a non-empty list of scope strings without spaces, got {scopes!r}"
        )
    return tuple(scope.strip() for scope in items)


def _lifetime(expires_in: object) -> float:
    """Seconds a token lives: ``expires_in`` as a number or numeric string, else a default."""
    if isinstance(expires_in, bool):
        return _DEFAULT_LIFETIME
    if isinstance(expires_in, (int, float)):
        value = float(expires_in)
    elif isinstance(expires_in, str):
        try:
            value = float(expires_in)
        except ValueError:
            return _DEFAULT_LIFETIME
    else:
        return _DEFAULT_LIFETIME
    if value != value or value in (float("inf"), float("-inf")):
        return _DEFAULT_LIFETIME
    return max(0.0, value)
