"""Helpers shared by the transport tests: configs, scripted mock servers, and one call path for sync and async."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from pygen.transport import AsyncHTTPClient, ClientConfig, Credentials, HTTPClient, RetryNotice, RetryPolicy, Token

BASE_URL = "https://test.cognitedata.com"
PROJECT = "proj"
PROJECT_URL = f"{BASE_URL}/api/v1/projects/{PROJECT}"
TOKEN_URL = "https://idp.example.com/oauth2/token"

Handler = Callable[[httpx.Request], httpx.Response]


def make_config(credentials: Credentials | None = None, **kwargs: Any) -> ClientConfig:
    kwargs.setdefault("base_url", BASE_URL)
    return ClientConfig(PROJECT, credentials if credentials is not None else Token("static-token"), **kwargs)


def no_retries(**kwargs: Any) -> ClientConfig:
    return make_config(retry=RetryPolicy(max_retries=0), **kwargs)


class MaxRng(random.Random):
    """``uniform(a, b)`` returns ``b``: makes full-jitter backoff show its ceiling."""

    def uniform(self, a: float, b: float) -> float:
        return b


class Script:
    """A mock server that answers with a fixed sequence of responses or transport exceptions."""

    def __init__(
        self, steps: Sequence[httpx.Response | type[httpx.TransportError] | Callable[[], httpx.Response]]
    ) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests), len(self.steps)) - 1
        step = self.steps[index]  # the last step repeats
        if isinstance(step, httpx.Response):
            # A fresh copy each time: a Response object can only be sent once.
            return httpx.Response(step.status_code, headers=step.headers, content=step.content)
        if isinstance(step, type):
            raise step("simulated failure", request=request)
        return step()


def ok(body: object = None, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body if body is not None else {"items": []}, headers=headers)


def status(code: int, body: object = None, headers: dict[str, str] | None = None) -> httpx.Response:
    if body is None:
        body = {"error": {"code": code, "message": f"simulated {code}"}}
    if isinstance(body, (bytes, str)):
        return httpx.Response(code, content=body.encode() if isinstance(body, str) else body, headers=headers)
    return httpx.Response(code, json=body, headers=headers)


async def call(
    use_async: bool,
    config: ClientConfig,
    handler: Handler,
    *,
    method: str = "POST",
    path: str = "/models/instances/byids",
    json: object = None,
    sleeps: list[float] | None = None,
    rng: random.Random | None = None,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> httpx.Response:
    """One request through HTTPClient or AsyncHTTPClient (chosen by ``use_async``), recording sleeps."""
    recorded = sleeps if sleeps is not None else []
    transport_handler = handler
    if use_async:

        async def fake_sleep(seconds: float) -> None:
            recorded.append(seconds)

        async with AsyncHTTPClient(
            config, transport=httpx.MockTransport(transport_handler), sleep=fake_sleep, rng=rng, on_retry=on_retry
        ) as aclient:
            return await aclient.request(method, path, json=json)
    mock = httpx.MockTransport(transport_handler)
    with HTTPClient(config, transport=mock, sleep=recorded.append, rng=rng, on_retry=on_retry) as client:
        return client.request(method, path, json=json)
