"""Credentials: static tokens, the client-credentials grant, token caching and refresh, concurrency."""

from __future__ import annotations

import asyncio
import threading
import time
from urllib.parse import parse_qs

import httpx
import pytest
from _transport_support import BASE_URL, TOKEN_URL, call, make_config

from pygen.transport import (
    AsyncHTTPClient,
    AuthenticationError,
    HTTPClient,
    OAuthClientCredentials,
    OAuthError,
    RetryPolicy,
    Token,
)

USE_ASYNC = pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
SECRET = "very-secret-value"


class Clock:
    """A manual clock for token expiry."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class IdPAndCDF:
    """A mock identity provider plus CDF: issues tok-1, tok-2, ... and accepts only the tokens in ``valid``."""

    def __init__(self, expires_in: object = 300, *, accept_all_issued: bool = True) -> None:
        self.expires_in = expires_in
        self.accept_all_issued = accept_all_issued
        self.token_forms: list[dict[str, list[str]]] = []
        self.api_auth: list[str | None] = []
        self.valid: set[str] = set()
        self.token_reply: httpx.Response | None = None
        self.lock = threading.Lock()

    def issue(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.token_forms.append(parse_qs(request.content.decode()))
            if self.token_reply is not None:
                return self.token_reply
            token = f"tok-{len(self.token_forms)}"
            if self.accept_all_issued:
                self.valid.add(token)
        return httpx.Response(200, json={"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in})

    def api(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("Authorization")
        with self.lock:
            self.api_auth.append(auth)
        if auth is None or auth.removeprefix("Bearer ") not in self.valid:
            return httpx.Response(401, json={"error": {"code": 401, "message": "Unauthorized"}})
        return httpx.Response(200, json={"items": []})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            assert request.method == "POST"
            return self.issue(request)
        return self.api(request)

    @property
    def token_requests(self) -> int:
        return len(self.token_forms)


def creds(clock: Clock | None = None, **kwargs: object) -> OAuthClientCredentials:
    kwargs.setdefault("token_url", TOKEN_URL)
    return OAuthClientCredentials("my-client", SECRET, clock=clock or Clock(), **kwargs)  # type: ignore[arg-type]


# -- static token ------------------------------------------------------------------------------------


@USE_ASYNC
@pytest.mark.anyio
async def test_static_token_sets_bearer_header(use_async: bool) -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization"))
        return httpx.Response(200, json={})

    await call(use_async, make_config(Token("abc.def")), handler)
    assert seen == ["Bearer abc.def"]


@pytest.mark.parametrize("bad", ["", "   ", "Bearer abc", "abc\ndef"])
def test_static_token_rejects_bad_values(bad: str) -> None:
    with pytest.raises(ValueError, match="Token"):
        Token(bad)


def test_static_token_repr_hides_the_token() -> None:
    assert "abc" not in repr(Token("abc"))


# -- the client-credentials request ------------------------------------------------------------------


@USE_ASYNC
@pytest.mark.anyio
async def test_token_request_is_a_form_post_through_the_same_transport(use_async: bool) -> None:
    server = IdPAndCDF()
    await call(use_async, make_config(creds()), server)
    (form,) = server.token_forms
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["my-client"],
        "client_secret": [SECRET],
        "scope": [f"{BASE_URL}/.default"],  # defaults to the cluster being called
    }
    assert server.api_auth == ["Bearer tok-1"]


@USE_ASYNC
@pytest.mark.anyio
async def test_explicit_scopes_and_audience(use_async: bool) -> None:
    server = IdPAndCDF()
    config = make_config(creds(scopes=["https://x/.default", "offline"], audience="https://aud"))
    await call(use_async, config, server)
    (form,) = server.token_forms
    assert form["scope"] == ["https://x/.default offline"]
    assert form["audience"] == ["https://aud"]


def test_tenant_id_selects_entra_id() -> None:
    credentials = OAuthClientCredentials("id", "secret", tenant_id="contoso.onmicrosoft.com")
    assert credentials.token_url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give tenant_id"),
        ({"tenant_id": "t", "token_url": TOKEN_URL}, "not both"),
        ({"tenant_id": "../evil"}, "not a tenant GUID"),
        ({"tenant_id": ""}, "not a tenant GUID"),
        ({"token_url": "ftp://idp/token"}, "must be an http"),
        ({"token_url": "not a url"}, "must be an http"),
        ({"token_url": TOKEN_URL, "scopes": []}, "scopes"),
        ({"token_url": TOKEN_URL, "scopes": ["a b"]}, "scopes"),
        ({"token_url": TOKEN_URL, "audience": ""}, "audience"),
        ({"token_url": TOKEN_URL, "refresh_margin": -1}, "refresh_margin"),
    ],
)
def test_client_credentials_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OAuthClientCredentials("id", "secret", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("client_id", "client_secret"), [("", "s"), ("id", ""), (" ", "s")])
def test_client_id_and_secret_required(client_id: str, client_secret: str) -> None:
    with pytest.raises(ValueError, match="client_id|client_secret"):
        OAuthClientCredentials(client_id, client_secret, token_url=TOKEN_URL)


def test_scope_string_is_one_scope() -> None:
    assert creds(scopes="https://x/.default").scopes == ("https://x/.default",)


def test_repr_hides_the_secret() -> None:
    text = repr(creds()) + repr(make_config(creds()))
    assert SECRET not in text
    assert "my-client" in text


# -- caching and expiry ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expires_in", "advance", "token_requests"),
    [
        (300, 0, 1),  # reused while valid
        (300, 269, 1),  # still outside the 30 s safety margin
        (300, 271, 2),  # inside the margin: refreshed before it expires
        (300, 10_000, 2),  # long expired
        (20, 9, 1),  # short-lived token: margin is half the lifetime (10 s)
        (20, 11, 2),
        ("300", 269, 1),  # numeric string, as some IdPs send it
        (None, 3000, 1),  # no expires_in: assume an hour
        (None, 3600, 2),
        (0, 0, 2),  # expires at once: every call fetches
    ],
)
def test_token_expiry(expires_in: object, advance: float, token_requests: int) -> None:
    clock = Clock()
    server = IdPAndCDF(expires_in=expires_in)
    with HTTPClient(make_config(creds(clock)), transport=httpx.MockTransport(server)) as client:
        client.get("/models/spaces")
        clock.now += advance
        client.get("/models/spaces")
    assert server.token_requests == token_requests
    assert len(server.api_auth) == 2


@pytest.mark.anyio
async def test_token_expiry_async() -> None:
    clock = Clock()
    server = IdPAndCDF(expires_in=300)
    async with AsyncHTTPClient(make_config(creds(clock)), transport=httpx.MockTransport(server)) as client:
        await client.get("/models/spaces")
        clock.now += 100
        await client.get("/models/spaces")
        assert server.token_requests == 1
        clock.now += 200
        await client.get("/models/spaces")
    assert server.token_requests == 2
    assert server.api_auth == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


def test_tokens_are_cached_per_cluster() -> None:
    """One credentials object used for two clusters asks for each cluster's scope once."""
    server = IdPAndCDF()
    credentials = creds()
    for base_url in ("https://a.cognitedata.com", "https://b.cognitedata.com", "https://a.cognitedata.com"):
        with HTTPClient(make_config(credentials, base_url=base_url), transport=httpx.MockTransport(server)) as client:
            client.get("/models/spaces")
    assert [form["scope"] for form in server.token_forms] == [
        ["https://a.cognitedata.com/.default"],
        ["https://b.cognitedata.com/.default"],
    ]


# -- 401 handling -------------------------------------------------------------------------------------


@USE_ASYNC
@pytest.mark.anyio
async def test_401_refreshes_once_and_retries(use_async: bool) -> None:
    server = IdPAndCDF()
    credentials = creds()
    await call(use_async, make_config(credentials), server)
    server.valid.clear()  # CDF revoked tok-1 before it expired
    response = await call(use_async, make_config(credentials), server, json={"items": [1]})
    assert response.status_code == 200
    assert server.token_requests == 2
    assert server.api_auth == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


@USE_ASYNC
@pytest.mark.anyio
async def test_second_401_raises_authentication_error(use_async: bool) -> None:
    server = IdPAndCDF(accept_all_issued=False)  # CDF rejects every token (e.g. wrong tenant)
    with pytest.raises(AuthenticationError) as info:
        await call(use_async, make_config(creds()), server)
    assert server.token_requests == 2
    assert len(server.api_auth) == 2  # the request and one retry, no loop
    message = str(info.value)
    assert "401" in message
    assert "refreshed once" in message
    assert "scope/audience" in message


# -- token endpoint failures --------------------------------------------------------------------------


@USE_ASYNC
@pytest.mark.anyio
async def test_token_endpoint_error_raises_oauth_error(use_async: bool) -> None:
    server = IdPAndCDF()
    server.token_reply = httpx.Response(
        401, json={"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}
    )
    with pytest.raises(OAuthError) as info:
        await call(use_async, make_config(creds()), server)
    error = info.value
    assert (error.status, error.error) == (401, "invalid_client")
    assert error.error_description == "AADSTS7000215: Invalid client secret provided."
    assert error.token_url == TOKEN_URL
    assert "invalid_client: AADSTS7000215" in str(error)
    assert "'my-client'" in str(error)
    assert SECRET not in str(error)
    assert server.api_auth == []  # CDF never saw the request


@pytest.mark.parametrize(
    ("reply", "fragment"),
    [
        (httpx.Response(400, content=b"<html>Bad Gateway</html>"), "<html>Bad Gateway</html>"),
        (httpx.Response(400, content=b""), "empty response"),
        (httpx.Response(400, content=f"echo client_secret={SECRET}".encode()), "client_secret=***"),
        (httpx.Response(200, json={"token_type": "Bearer"}), "has no access_token"),
        (httpx.Response(200, content=b"not json"), "has no access_token"),
        (httpx.Response(200, json={"access_token": ""}), "has no access_token"),
    ],
)
def test_unusable_token_responses(reply: httpx.Response, fragment: str) -> None:
    server = IdPAndCDF()
    server.token_reply = reply
    with HTTPClient(make_config(creds()), transport=httpx.MockTransport(server)) as client:
        with pytest.raises(OAuthError) as info:
            client.get("/models/spaces")
    assert fragment in str(info.value)
    assert SECRET not in str(info.value)


@USE_ASYNC
@pytest.mark.anyio
async def test_throttled_token_endpoint_is_retried(use_async: bool) -> None:
    server = IdPAndCDF()
    replies = iter([httpx.Response(503, json={"error": "temporarily_unavailable"})])
    original = server.issue

    def flaky_issue(request: httpx.Request) -> httpx.Response:
        reply = next(replies, None)
        return reply if reply is not None else original(request)

    server.issue = flaky_issue  # type: ignore[method-assign]
    response = await call(use_async, make_config(creds()), server)
    assert response.status_code == 200
    assert server.api_auth == ["Bearer tok-1"]


def test_token_endpoint_refusal_is_not_retried() -> None:
    server = IdPAndCDF()
    server.token_reply = httpx.Response(400, json={"error": "invalid_scope"})
    config = make_config(creds(), retry=RetryPolicy(max_retries=5))
    with HTTPClient(config, transport=httpx.MockTransport(server), sleep=lambda _: None) as client:
        with pytest.raises(OAuthError, match="invalid_scope"):
            client.get("/models/spaces")
    assert server.token_requests == 1


# -- concurrency: exactly one token request ------------------------------------------------------------


def test_concurrent_threads_fetch_one_token() -> None:
    server = IdPAndCDF()
    original = server.issue

    def slow_issue(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)  # lets the other threads pile up on the lock (correctness does not depend on it)
        return original(request)

    server.issue = slow_issue  # type: ignore[method-assign]
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []
    with HTTPClient(make_config(creds()), transport=httpx.MockTransport(server)) as client:

        def worker() -> None:
            try:
                barrier.wait()
                client.get("/models/spaces")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert server.token_requests == 1
    assert server.api_auth == ["Bearer tok-1"] * threads_count


@pytest.mark.anyio
async def test_concurrent_tasks_fetch_one_token() -> None:
    server = IdPAndCDF()

    async def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            await asyncio.sleep(0.01)  # other tasks reach the lock meanwhile
        return server(request)

    async with AsyncHTTPClient(make_config(creds()), transport=httpx.MockTransport(handler)) as client:
        responses = await asyncio.gather(*(client.get("/models/spaces") for _ in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    assert server.token_requests == 1


@pytest.mark.anyio
async def test_concurrent_tasks_refresh_once_after_revocation() -> None:
    server = IdPAndCDF()
    async with AsyncHTTPClient(make_config(creds()), transport=httpx.MockTransport(server)) as client:
        await client.get("/models/spaces")
        server.valid.clear()
        await asyncio.gather(*(client.get("/models/spaces") for _ in range(10)))
    # Every task saw a 401 with tok-1, but only the first one to take the lock asked for tok-2.
    assert server.token_requests == 2


def test_async_credentials_work_across_event_loops() -> None:
    """The asyncio lock is per event loop, so one credentials object survives several asyncio.run()."""
    server = IdPAndCDF(expires_in=0)  # forces a token request (and the lock) on every call
    credentials = creds()

    async def once() -> None:
        async with AsyncHTTPClient(make_config(credentials), transport=httpx.MockTransport(server)) as client:
            await asyncio.gather(client.get("/models/spaces"), client.get("/models/spaces"))

    asyncio.run(once())
    asyncio.run(once())
    assert len(server.api_auth) == 4
