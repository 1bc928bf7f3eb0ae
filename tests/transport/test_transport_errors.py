"""Error responses become the right exception with CDF's fields, whatever shape the body has."""

from __future__ import annotations

import pickle

import httpx
import pytest
from _transport_support import PROJECT_URL, call, no_retries, status

from pygen.transport import (
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

USE_ASYNC = pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
MISSING = [{"space": "s", "externalId": "x"}]


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (408, RequestTimeoutError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (599, ServerError),
        (405, APIError),
        (418, APIError),
        (302, APIError),
    ],
)
def test_error_class_for_status(code: int, cls: type[APIError]) -> None:
    assert error_class_for_status(code) is cls


def test_every_error_is_a_pygen_error() -> None:
    for cls in (APIError, ServerError, ConnectionFailedError, OAuthError):
        assert issubclass(cls, PygenError)
    assert issubclass(NotFoundError, APIError)


@USE_ASYNC
@pytest.mark.anyio
@pytest.mark.parametrize(
    ("code", "body", "cls", "message", "missing", "duplicated"),
    [
        (
            400,
            {"error": {"code": 400, "message": "One or more spaces do not exist", "missing": MISSING}},
            BadRequestError,
            "One or more spaces do not exist",
            MISSING,
            [],
        ),
        (
            409,
            {"error": {"code": 409, "message": "Duplicate", "duplicated": [{"space": "s"}, "junk", 3]}},
            ConflictError,
            "Duplicate",
            [],
            [{"space": "s"}],  # non-object entries are not identifiers
        ),
        (403, {"error": "You are not allowed to access this resource endpoint"}, PermissionDeniedError,
         "You are not allowed to access this resource endpoint", [], []),
        (404, {"message": "no such route"}, NotFoundError, "no such route", [], []),
        (422, {"error": {"code": 422, "message": 12}}, UnprocessableEntityError, "12", [], []),
        (400, {"error": {"code": 400}}, BadRequestError, "Bad Request", [], []),
        (502, "upstream connect error or disconnect/reset before headers", ServerError,
         "upstream connect error or disconnect/reset before headers", [], []),
        (503, "<html>\n<body>\n<h1>503 Service Unavailable</h1>\n</body>\n</html>", ServerError,
         "<html> <body> <h1>503 Service Unavailable</h1> </body> </html>", [], []),
        (404, b"", NotFoundError, "Not Found", [], []),
        (400, b"\xff\xfe not utf-8", BadRequestError, "not utf-8", [], []),
        (400, [1, 2], BadRequestError, "Bad Request", [], []),
        (418, {"error": {"code": 418, "message": "teapot", "extra": "kept"}}, APIError, "teapot", [], []),
    ],
)  # fmt: skip
async def test_error_body_shapes(
    use_async: bool,
    code: int,
    body: object,
    cls: type[APIError],
    message: str,
    missing: list[dict[str, object]],
    duplicated: list[dict[str, object]],
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return status(code, body, headers={"x-request-id": "req-123"})

    with pytest.raises(cls) as info:
        await call(use_async, no_retries(), handler)
    error = info.value
    assert type(error) is cls
    assert error.status == code
    assert message in error.message
    assert error.missing == missing
    assert error.duplicated == duplicated
    assert error.request_id == "req-123"
    assert error.method == "POST"
    assert error.url == f"{PROJECT_URL}/models/instances/byids"
    assert "req-123" in str(error)
    if isinstance(body, dict):
        assert error.body == body


def test_str_shows_status_message_ids_and_request_id() -> None:
    missing = [{"space": "s", "externalId": f"x{i}"} for i in range(7)]
    response = httpx.Response(
        400,
        json={"error": {"code": 400, "message": "Nodes do not exist", "missing": missing, "duplicated": [{"a": 1}]}},
        headers={"x-request-id": "abc-1"},
        request=httpx.Request("POST", f"{PROJECT_URL}/models/instances/byids"),
    )
    text = str(api_error_from_response(response))
    assert text.startswith("400 Bad Request: Nodes do not exist")
    assert f"request: POST {PROJECT_URL}/models/instances/byids" in text
    assert '{"externalId": "x0", "space": "s"}' in text
    assert "x4" in text and "x5" not in text
    assert "and 2 more" in text
    assert 'duplicated: [{"a": 1}]' in text
    assert "request id: abc-1" in text


def test_long_text_body_is_shortened() -> None:
    response = httpx.Response(502, content=b"x" * 10_000, request=httpx.Request("GET", PROJECT_URL))
    error = api_error_from_response(response)
    assert len(error.message) < 300
    assert error.body == "x" * 10_000  # the full text stays available


def test_missing_request_id() -> None:
    response = httpx.Response(404, request=httpx.Request("GET", PROJECT_URL))
    error = api_error_from_response(response)
    assert error.request_id is None
    assert "request id: none" in str(error)


def test_response_without_request() -> None:
    error = api_error_from_response(httpx.Response(500, json={"error": {"code": 500, "message": "boom"}}))
    assert (error.method, error.url, error.message) == (None, None, "boom")


def test_repr_is_short() -> None:
    error = NotFoundError("gone", status=404, request_id="r")
    assert repr(error) == "NotFoundError(status=404, message='gone', request_id='r')"


@pytest.mark.parametrize(
    "error",
    [
        NotFoundError("gone", status=404, missing=MISSING, request_id="r", body={"error": {}}, method="GET", url="u"),
        ServerError("boom", status=503),
        ConnectionFailedError("no route", attempts=3),
        OAuthError("refused", status=401, error="invalid_client", error_description="d", token_url="t"),
    ],
)
def test_errors_survive_pickling(error: PygenError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)
