"""`pygen serve` is safe by construction: no token no work, and every limit answers its status and says which.

One server for the module with small limits (one worker, one waiting request), a static token and an OAuth
client; one more for the graceful stop.
"""

from __future__ import annotations

import base64
import functools
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from _serve_support import TOKEN, big_model, load, model_path

from pygen.serve.testing import ServeProcess

# once: the service runs the generator, whose output every Python checks (tests/emit_*, tests/validate); what it adds
# (HTTP, tokens, limits, worker processes, archives) gives the same answers on every Python.
pytestmark = [pytest.mark.xdist_group("serve-limits"), pytest.mark.once]
CLIENT_ID, CLIENT_SECRET = "serve-client", "serve-client-secret-0123456789"
LIMITS = {
    "PYGEN_SERVE_CLIENT_ID": CLIENT_ID,
    "PYGEN_SERVE_CLIENT_SECRET": CLIENT_SECRET,
    "PYGEN_SERVE_MAX_REQUEST_BYTES": "8000000",
    "PYGEN_SERVE_MAX_MODELS": "3",
    "PYGEN_SERVE_MAX_VIEWS": "500",
    "PYGEN_SERVE_MAX_PROPERTIES": "20000",
    "PYGEN_SERVE_GENERATION_TIMEOUT": "3",
    "PYGEN_SERVE_MAX_CONCURRENCY": "1",
    "PYGEN_SERVE_MAX_WAITING": "1",
    "PYGEN_SERVE_QUEUE_TIMEOUT": "1",
}
#: Generating this takes about 5 s on an idle 2-core machine (500 views, 20,000 properties, laid out by ruff):
#: past the 3 s limit, and long enough for the requests that test the queue to arrive while it runs.
SLOW = {"models": [big_model(500, 40)]}


@pytest.fixture(scope="module")
def server() -> Iterator[ServeProcess]:
    with ServeProcess(token=TOKEN, env=LIMITS) as process:
        yield process


@pytest.fixture(scope="module")
def client(server: ServeProcess) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def _error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


# -------------------------------------------------------------------------------------------------- tokens

SMALL = {"models": [{"space": "sp", "externalId": "Empty", "version": "1", "views": []}]}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "unauthorized: missing Authorization header: send 'Authorization: Bearer <token>'"),
        ({"Authorization": "Bearer not-the-token"}, "unauthorized: invalid token"),
        ({"Authorization": f"Basic {TOKEN}"}, "unauthorized: the Authorization header must be 'Bearer <token>'"),
        ({"Authorization": "Bearer 9999999999.forged"}, "unauthorized: invalid token"),
    ],
    ids=["none", "wrong", "not-bearer", "forged"],
)
def test_no_work_without_a_token(server: ServeProcess, headers: dict[str, str], message: str) -> None:
    with httpx.Client(base_url=server.base_url) as anonymous:
        for path in ("/v1/generate", "/v1/validate"):
            response = anonymous.post(path, json=SMALL, headers=headers)
            assert response.status_code == 401 and _error(response) == {"code": "unauthorized", "message": message}
            assert response.headers["www-authenticate"] == 'Bearer realm="pygen serve"'
            assert response.headers["pygen-version"]


def test_tokens_from_the_client_credentials_endpoint(server: ServeProcess) -> None:
    with httpx.Client(base_url=server.base_url) as anonymous:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": "wrong"}
        refused = anonymous.post("/oauth2/token", data=form)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
        granted = anonymous.post("/oauth2/token", data={**form, "client_secret": CLIENT_SECRET})
        assert granted.status_code == 200, granted.text
        token = granted.json()["access_token"]
        assert granted.json()["token_type"] == "Bearer" and granted.json()["expires_in"] == 3600
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        by_basic = anonymous.post(
            "/oauth2/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
        )
        assert by_basic.status_code == 200
        response = anonymous.post("/v1/validate", json=SMALL, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200 and response.json()["counts"]["error"] == 1  # no-views: validated
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        response = anonymous.post("/v1/validate", json=SMALL, headers={"Authorization": f"Bearer {tampered}"})
        assert response.status_code == 401 and _error(response)["message"] == "unauthorized: invalid token"


def test_the_log_holds_no_secret(server: ServeProcess, client: httpx.Client) -> None:
    client.post("/v1/validate", json=SMALL)
    logged = server.stderr()
    assert '"event": "request"' in logged
    for secret in (TOKEN, CLIENT_SECRET):
        assert secret not in logged


# -------------------------------------------------------------------------------------------------- sizes


def test_a_body_over_max_request_bytes_is_413(client: httpx.Client) -> None:
    big = b'{"models": [' + b" " * 8_000_000 + b"]}"
    response = client.post("/v1/generate", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert _error(response) == {
        "code": "request-too-large",
        "message": f"the request body is {len(big)} bytes; this service takes at most 8000000 (max-request-bytes)",
        "limit": "max-request-bytes",
        "max": 8000000,
    }

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"models": ['
        for _ in range(90):
            yield b" " * 100_000
        yield b"]}"

    streamed = client.post("/v1/generate", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and "more than 8000000 bytes" in _error(streamed)["message"]


@pytest.mark.parametrize(
    ("body", "limit", "value", "most", "what"),
    [
        ({"models": [big_model(1, 1, f"M{index}") for index in range(4)]}, "max-models", 4, 3, "data models"),
        ({"models": [], "model_ids": ["a:b/1", "a:c/1", "a:d/1", "a:e/1"]}, "max-models", 4, 3, "data models"),
        ({"models": [big_model(501, 1)]}, "max-views", 501, 500, "views"),
        ({"models": [big_model(2, 10001)]}, "max-properties", 20002, 20000, "properties"),
    ],
    ids=["models", "model-ids", "views", "properties"],
)
def test_models_over_a_size_limit_are_422_naming_it(
    client: httpx.Client, body: dict[str, Any], limit: str, value: int, most: int, what: str
) -> None:
    for path in ("/v1/generate", "/v1/validate"):
        response = client.post(path, json=body)
        assert response.status_code == 422, response.text
        assert _error(response) == {
            "code": "model-too-large",
            "message": f"the request has {value} {what}; this service takes at most {most} ({limit})",
            "limit": limit,
            "value": value,
            "max": most,
        }


def test_model_ids_need_a_cdf_project(client: httpx.Client) -> None:
    response = client.post("/v1/generate", json={"model_ids": ["cdf_cdm:CogniteCore/v1"]})
    assert response.status_code == 422 and _error(response)["code"] == "fetch-not-configured"
    assert "send the models themselves in `models`" in _error(response)["message"]


# -------------------------------------------------------------------------------------------------- time and load


def _until(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def _in_thread(send: Callable[[], httpx.Response]) -> tuple[threading.Thread, list[httpx.Response]]:
    answers: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: answers.append(send()))
    thread.start()
    return thread, answers


def test_a_generation_over_the_time_limit_is_stopped_and_504(server: ServeProcess, client: httpx.Client) -> None:
    before = client.get("/v1/health").json()["workers"]["timeouts"]
    response = client.post("/v1/generate", json=SLOW)
    assert response.status_code == 504, response.text
    assert _error(response) == {
        "code": "timeout",
        "message": "generation took longer than 3 s (generation-timeout) and was stopped; the models may be too "
        "large for this service",
    }
    assert client.get("/v1/health").json()["workers"]["timeouts"] == before + 1
    small = client.post("/v1/validate", json={"models": [load(model_path("OmniSub"))]})
    assert small.status_code == 200 and small.json()["ok"] is True  # a fresh worker took the stopped one's place


def test_requests_beyond_the_workers_wait_then_get_503_with_retry_after(
    server: ServeProcess, client: httpx.Client
) -> None:
    with server.client() as first, server.client() as second, server.client() as third:
        slow, slow_answer = _in_thread(lambda: first.post("/v1/generate", json=SLOW))
        _until(lambda: client.get("/v1/health").json()["workers"]["running"] == 1, "the slow generation runs")
        # The one worker is busy for seconds: of two more requests (not asked before: not in the cache) one waits
        # (max-waiting 1) and gets 503 after queue-timeout (1 s), the other is refused at once.
        bodies = [{**SMALL, "package": f"busy_{index}"} for index in range(2)]
        waiting = [
            _in_thread(functools.partial(other.post, "/v1/validate", json=body))
            for other, body in zip((second, third), bodies, strict=True)
        ]
        for thread, _ in waiting:
            thread.join()
        slow.join()
    refused = [answers[0] for _, answers in waiting]
    assert [response.status_code for response in refused] == [503, 503]
    assert all(int(response.headers["retry-after"]) >= 1 for response in refused)
    assert sorted(_error(response)["message"].split(";")[0] for response in refused) == [
        "the service is busy: 1 generating and 1 waiting (max-waiting)",
        "the service is busy: no worker became free within 1 s (queue-timeout)",
    ]
    assert slow_answer[0].status_code == 504


# -------------------------------------------------------------------------------------------------- stopping


def test_sigterm_lets_the_request_under_way_finish() -> None:
    with ServeProcess(token=TOKEN, env={"PYGEN_SERVE_MAX_CONCURRENCY": "1"}) as server, server.client() as client:
        body = {"models": [load(model_path("CogniteCore"))]}
        thread, answers = _in_thread(lambda: client.post("/v1/generate", json=body))
        with server.client() as probe:
            _until(lambda: probe.get("/v1/health").json()["workers"]["running"] == 1, "the generation runs")
        assert server.process is not None
        server.process.terminate()
        thread.join()
        assert answers[0].status_code == 200 and answers[0].headers["pygen-package"] == "cognite_core"
        assert server.process.wait(timeout=60) == 0
        events = [line["event"] for line in server.log_lines()]
        assert "stopping" in events and events[-1] == "stopped"
