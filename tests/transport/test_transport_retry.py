"""Retry policy: the pure functions alone, then the same rules through the sync and async clients."""

from __future__ import annotations

import math
import random
from datetime import datetime, timezone

import httpx
import pytest
from _transport_support import MaxRng, Script, call, make_config, ok, status

from pygen.transport import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ConnectionFailedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeoutError,
    RetryNotice,
    RetryPolicy,
    ServerError,
    UnprocessableEntityError,
    is_retryable_transport_error,
    parse_retry_after,
    retry_delay,
    should_retry,
)

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()
USE_ASYNC = pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])


# -- pure functions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("2", 2.0),
        (" 3 ", 3.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("99999999999", 99999999999.0),  # huge but finite: returned as is, capped by retry_delay
        ("-1", None),
        ("-0.5", None),
        ("inf", None),
        ("-inf", None),
        ("Infinity", None),
        ("nan", None),
        ("1e400", None),  # overflows to inf
        ("soon", None),
        ("2s", None),
        ("Thu, 01 Jan 2026 00:00:10 GMT", 10.0),  # HTTP-date in the future
        ("Thu, 01 Jan 2026 00:00:10 -0000", None),  # not an HTTP date (tests/data/retry_rules.json, decisions)
        ("Wed, 31 Dec 2025 23:59:00 GMT", 0.0),  # in the past: retry now
        ("Sat, 01 Jan 2000 00:00:00 GMT", 0.0),
        ("Mon, 99 Foo 2026 00:00:00 GMT", None),
        ("Thu, 01 Jan 2026", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    result = parse_retry_after(value, NOW)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("status_code", "expected"),
    [(408, True), (429, True), (502, True), (503, True), (504, True)]
    + [(code, False) for code in (200, 400, 401, 403, 404, 409, 422, 500, 501, 505)],
)
def test_should_retry_default_statuses(status_code: int, expected: bool) -> None:
    assert should_retry(status_code) is expected
    assert should_retry(status_code, RetryPolicy()) is expected


def test_should_retry_custom_statuses() -> None:
    policy = RetryPolicy(statuses=frozenset({500}))
    assert should_retry(500, policy)
    assert not should_retry(429, policy)
    assert policy.statuses == frozenset({500})


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [(0.0, 0.0), (2.0, 2.0), (59.9, 59.9), (60.0, 60.0), (61.0, 60.0), (1e12, 60.0)],
)
def test_retry_delay_uses_retry_after_capped(retry_after: float, expected: float) -> None:
    assert retry_delay(0, retry_after, RetryPolicy(), random.Random(1)) == pytest.approx(expected)


@pytest.mark.parametrize("bad", [math.inf, math.nan, -1.0])
def test_retry_delay_ignores_unusable_retry_after(bad: float) -> None:
    assert retry_delay(0, bad, RetryPolicy(), MaxRng()) == 0.5


@pytest.mark.parametrize(
    ("attempt", "ceiling"),
    [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 30.0), (10, 30.0), (1000, 30.0), (10**9, 30.0)],
)
def test_retry_delay_full_jitter_ceiling(attempt: int, ceiling: float) -> None:
    assert retry_delay(attempt, None, RetryPolicy(), MaxRng()) == ceiling
    rng = random.Random(attempt)
    samples = [retry_delay(attempt, None, RetryPolicy(), rng) for _ in range(200)]
    assert all(0.0 <= sample <= ceiling for sample in samples)
    assert len(set(samples)) > 1  # jittered, not a fixed step


def test_retry_delay_respects_custom_caps() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_max=3.0, retry_after_max=5.0)
    assert [retry_delay(n, None, policy, MaxRng()) for n in range(4)] == [1.0, 2.0, 3.0, 3.0]
    assert retry_delay(0, 10.0, policy, MaxRng()) == 5.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"max_retries": True},
        {"backoff_base": -0.1},
        {"backoff_max": math.inf},
        {"retry_after_max": math.nan},
        {"backoff_base": "1"},
    ],
)
def test_retry_policy_rejects_bad_values(kwargs: dict[str, object]) -> None:
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=f"RetryPolicy.{name}"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_retry_policy_defaults() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.backoff_base, policy.backoff_max, policy.retry_after_max) == (10, 0.5, 30, 60)
    assert policy.statuses == {408, 429, 502, 503, 504}
    hash(policy)  # frozen and hashable, so configs stay hashable


@pytest.mark.parametrize(
    ("exc_type", "expected"),
    [
        (httpx.ConnectError, True),
        (httpx.ReadError, True),
        (httpx.WriteError, True),
        (httpx.RemoteProtocolError, True),
        (httpx.ConnectTimeout, True),
        (httpx.ReadTimeout, True),
        (httpx.PoolTimeout, True),
        (httpx.LocalProtocolError, False),
        (httpx.UnsupportedProtocol, False),
        (httpx.ProxyError, False),
    ],
)
def test_retryable_transport_errors(exc_type: type[httpx.TransportError], expected: bool) -> None:
    assert is_retryable_transport_error(exc_type("boom")) is expected


# -- through the clients (each case runs sync and async) ---------------------------------------------


@USE_ASYNC
@pytest.mark.anyio
@pytest.mark.parametrize("code", [408, 429, 502, 503, 504])
async def test_retryable_status_then_success(use_async: bool, code: int) -> None:
    script = Script([status(code), ok({"items": [1]})])
    sleeps: list[float] = []
    response = await call(use_async, make_config(), script, sleeps=sleeps, rng=MaxRng())
    assert response.json() == {"items": [1]}
    assert len(script.requests) == 2
    assert sleeps == [0.5]


@USE_ASYNC
@pytest.mark.anyio
@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),  # a static token cannot be refreshed
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (500, ServerError),  # CDF's 500s are bugs, not load: not retried
        (501, ServerError),
        (418, APIError),
    ],
)
async def test_non_retryable_status_raises_at_once(use_async: bool, code: int, error_type: type[APIError]) -> None:
    script = Script([status(code), ok()])
    sleeps: list[float] = []
    with pytest.raises(error_type) as info:
        await call(use_async, make_config(), script, sleeps=sleeps)
    assert type(info.value) is error_type
    assert info.value.status == code
    assert len(script.requests) == 1
    assert sleeps == []


@USE_ASYNC
@pytest.mark.anyio
@pytest.mark.parametrize(
    ("retry_after", "expected_sleep"),
    [
        ("2", 2.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("Fri, 01 Jan 2100 00:00:00 GMT", 60.0),  # far future: capped at retry_after_max
        ("Sat, 01 Jan 2000 00:00:00 GMT", 0.0),  # past: retry now
        ("100000", 60.0),  # huge: capped
        ("soon", 0.5),  # garbage: backoff (MaxRng shows the ceiling)
        ("-3", 0.5),
        ("inf", 0.5),
        ("nan", 0.5),
    ],
)
async def test_retry_after_header(use_async: bool, retry_after: str, expected_sleep: float) -> None:
    script = Script([status(429, headers={"Retry-After": retry_after}), ok()])
    sleeps: list[float] = []
    await call(use_async, make_config(), script, sleeps=sleeps, rng=MaxRng())
    assert sleeps == [pytest.approx(expected_sleep)]


@USE_ASYNC
@pytest.mark.anyio
async def test_retry_after_cap_is_configurable(use_async: bool) -> None:
    config = make_config(retry=RetryPolicy(retry_after_max=5.0))
    script = Script([status(503, headers={"Retry-After": "30"}), ok()])
    sleeps: list[float] = []
    await call(use_async, config, script, sleeps=sleeps)
    assert sleeps == [5.0]


@USE_ASYNC
@pytest.mark.anyio
@pytest.mark.parametrize(
    ("code", "error_type"), [(429, RateLimitError), (503, ServerError), (408, RequestTimeoutError)]
)
async def test_max_retries_exhausted_raises_last_error(use_async: bool, code: int, error_type: type[APIError]) -> None:
    config = make_config(retry=RetryPolicy(max_retries=3))
    script = Script([status(code, headers={"x-request-id": "req-last"})])
    sleeps: list[float] = []
    with pytest.raises(error_type) as info:
        await call(use_async, config, script, sleeps=sleeps, rng=MaxRng())
    assert len(script.requests) == 4  # first attempt + 3 retries
    assert sleeps == [0.5, 1.0, 2.0]  # exponential ceilings of full jitter
    assert info.value.request_id == "req-last"


@USE_ASYNC
@pytest.mark.anyio
async def test_default_policy_retries_ten_times_with_capped_backoff(use_async: bool) -> None:
    script = Script([status(502)])
    sleeps: list[float] = []
    with pytest.raises(ServerError):
        await call(use_async, make_config(), script, sleeps=sleeps, rng=MaxRng())
    assert len(script.requests) == 11
    assert sleeps == [0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30]


@USE_ASYNC
@pytest.mark.anyio
async def test_zero_max_retries_disables_retrying(use_async: bool) -> None:
    script = Script([status(503), ok()])
    with pytest.raises(ServerError):
        await call(use_async, make_config(retry=RetryPolicy(max_retries=0)), script)
    assert len(script.requests) == 1


@USE_ASYNC
@pytest.mark.anyio
@pytest.mark.parametrize(
    "exc_type", [httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout, httpx.WriteError]
)
async def test_connection_errors_then_success(use_async: bool, exc_type: type[httpx.TransportError]) -> None:
    script = Script([exc_type, exc_type, ok({"items": ["done"]})])
    sleeps: list[float] = []
    response = await call(use_async, make_config(), script, sleeps=sleeps, rng=MaxRng())
    assert response.json() == {"items": ["done"]}
    assert sleeps == [0.5, 1.0]


@USE_ASYNC
@pytest.mark.anyio
async def test_connection_errors_exhausted(use_async: bool) -> None:
    config = make_config(retry=RetryPolicy(max_retries=2))
    script = Script([httpx.ConnectError])
    with pytest.raises(ConnectionFailedError) as info:
        await call(use_async, config, script)
    assert len(script.requests) == 3
    assert info.value.attempts == 3
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    message = str(info.value)
    assert "after 3 attempt(s)" in message
    assert "ConnectError" in message
    assert "/api/v1/projects/proj/models/instances/byids" in message


@USE_ASYNC
@pytest.mark.anyio
async def test_on_retry_hears_of_every_wait_before_it_starts(use_async: bool) -> None:
    """Commands show progress while a client waits: one notice per retry, with its reason and delay."""
    notices: list[RetryNotice] = []
    sleeps: list[float] = []
    script = Script([httpx.ConnectError, status(503), ok()])
    config = make_config(retry=RetryPolicy(max_retries=4))
    await call(use_async, config, script, sleeps=sleeps, rng=MaxRng(), on_retry=notices.append)
    url = "https://test.cognitedata.com/api/v1/projects/proj/models/instances/byids"
    assert notices == [
        RetryNotice("POST", url, None, "ConnectError: simulated failure", 1, 4, 0.5),
        RetryNotice("POST", url, 503, "503 Service Unavailable", 2, 4, 1.0),
    ]
    assert sleeps == [notice.delay for notice in notices]


@USE_ASYNC
@pytest.mark.anyio
async def test_non_retryable_transport_error_fails_at_once(use_async: bool) -> None:
    script = Script([httpx.UnsupportedProtocol, ok()])
    with pytest.raises(ConnectionFailedError) as info:
        await call(use_async, make_config(), script)
    assert info.value.attempts == 1
    assert len(script.requests) == 1


@USE_ASYNC
@pytest.mark.anyio
async def test_mixed_failures_share_the_retry_budget(use_async: bool) -> None:
    config = make_config(retry=RetryPolicy(max_retries=2))
    script = Script([httpx.ReadError, status(429), status(503), ok()])
    with pytest.raises(ServerError):
        await call(use_async, config, script)
    assert len(script.requests) == 3


@USE_ASYNC
@pytest.mark.anyio
async def test_retried_request_resends_the_same_body(use_async: bool) -> None:
    script = Script([status(503), ok()])
    await call(use_async, make_config(), script, json={"items": [{"space": "s"}]})
    assert [r.content for r in script.requests] == [b'{"items":[{"space":"s"}]}'] * 2


@USE_ASYNC
@pytest.mark.anyio
async def test_undecodable_body_fails_at_once(use_async: bool) -> None:
    def garbled() -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"this is not gzip")

    script = Script([garbled])
    with pytest.raises(ConnectionFailedError, match="DecodingError") as info:
        await call(use_async, make_config(), script)
    assert info.value.attempts == 1
    assert isinstance(info.value.__cause__, httpx.DecodingError)
