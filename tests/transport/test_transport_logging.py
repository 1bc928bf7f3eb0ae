"""Debug logs say what happened on the wire but never contain a secret or a token."""

from __future__ import annotations

import logging

import httpx
import pytest
from _transport_support import TOKEN_URL, call, make_config

from pygen.transport import OAuthClientCredentials, Token
from pygen.transport._logging import redact_form, redact_headers, redact_json_text

USE_ASYNC = pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
SECRET = "client-secret-XYZZY"
TOKENS = ["access-token-AAA", "access-token-BBB"]


@USE_ASYNC
@pytest.mark.anyio
async def test_debug_logs_never_contain_secrets(use_async: bool, caplog: pytest.LogCaptureFixture) -> None:
    issued: list[str] = []
    api_calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal api_calls
        if str(request.url) == TOKEN_URL:
            issued.append(TOKENS[len(issued)])
            return httpx.Response(
                200,
                json={"access_token": issued[-1], "expires_in": 3600, "refresh_token": "r", "id_token": "i"},
            )
        api_calls += 1
        if api_calls == 1:  # token revoked: forces a refresh
            return httpx.Response(401, json={"error": {"code": 401, "message": "Unauthorized"}})
        if api_calls == 2:  # throttled: forces a retry
            return httpx.Response(429, headers={"Retry-After": "0", "x-request-id": "req-429"})
        return httpx.Response(200, json={"items": []}, headers={"x-request-id": "req-ok"})

    credentials = OAuthClientCredentials("my-client", SECRET, token_url=TOKEN_URL)
    with caplog.at_level(logging.DEBUG, logger="pygen.transport"):
        await call(use_async, make_config(credentials), handler, json={"items": []})

    assert issued == TOKENS  # both tokens were really used
    text = caplog.text
    for secret in [SECRET, *TOKENS]:
        assert secret not in text
    assert "***" in text
    assert "client_secret=%2A%2A%2A" in text  # the token request is logged, with the secret masked
    assert '"access_token": "***"' in text
    assert "my-client" in text  # not secret: helps debugging
    assert "/api/v1/projects/proj/models/instances/byids -> 200" in text
    assert "req-ok" in text and "req-429" in text
    assert "attempt 2" in text
    assert all(record.name == "pygen.transport" for record in caplog.records)


@pytest.mark.anyio
async def test_static_token_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="pygen.transport"):
        await call(True, make_config(Token("static-SECRET-token")), lambda r: httpx.Response(200, json={}))
    assert "static-SECRET-token" not in caplog.text
    assert "'authorization': '***'" in caplog.text


def test_redact_headers() -> None:
    headers = {"Authorization": "Bearer x", "cookie": "c", "x-cdp-app": "pygen", "X-Api-Key": "k"}
    assert redact_headers(headers) == {
        "Authorization": "***",
        "cookie": "***",
        "x-cdp-app": "pygen",
        "X-Api-Key": "***",
    }
    assert redact_headers([("authorization", "a")]) == {"authorization": "***"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"grant_type=client_credentials&client_secret=s3cr3t&scope=a",
         "grant_type=client_credentials&client_secret=%2A%2A%2A&scope=a"),
        ("client_id=me&password=pw", "client_id=me&password=%2A%2A%2A"),
        ("not a form; client_secret s3cr3t", "<32 characters, not form-encoded>"),
    ],
)  # fmt: skip
def test_redact_form(body: bytes | str, expected: str) -> None:
    assert redact_form(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"access_token": "t", "expires_in": 5}', '{"access_token": "***", "expires_in": 5}'),
        ('{"a": [{"Refresh_Token": "t"}]}', '{"a": [{"Refresh_Token": "***"}]}'),
        (b"<html>access_token=t</html>", "<27 characters, not JSON>"),
    ],
)
def test_redact_json_text(body: bytes | str, expected: str) -> None:
    assert redact_json_text(body) == expected
