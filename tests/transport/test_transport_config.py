"""Client configuration and request building: cluster and base URL validation, project path, headers, params."""

from __future__ import annotations

import platform
from typing import Any

import httpx
import pytest
from _transport_support import BASE_URL, PROJECT_URL, call, make_config

from pygen import __version__
from pygen.transport import ClientConfig, ConcurrencyLimits, HTTPClient, RetryPolicy, Token, cluster_base_url

TOKEN = Token("t")
USE_ASYNC = pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])


class Capture:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"items": []})


# -- base URL -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        ("api", "https://api.cognitedata.com"),
        ("westeurope-1", "https://westeurope-1.cognitedata.com"),
        ("az-power-no-northeurope", "https://az-power-no-northeurope.cognitedata.com"),
        (" Greenfield ", "https://greenfield.cognitedata.com"),
    ],
)
def test_for_cluster(cluster: str, expected: str) -> None:
    config = ClientConfig.for_cluster(cluster, "my-project", TOKEN, timeout=5)
    assert config.base_url == expected
    assert config.project_url == f"{expected}/api/v1/projects/my-project"
    assert config.timeout == 5


@pytest.mark.parametrize(
    ("cluster", "message"),
    [
        ("", "not a valid cluster name"),
        ("-api", "not a valid cluster name"),
        ("api-", "not a valid cluster name"),
        ("west europe", "not a valid cluster name"),
        ("a_b", "not a valid cluster name"),
        ("x" * 64, "not a valid cluster name"),
        ("westeurope-1.cognitedata.com", "looks like a host or URL"),
        ("https://api.cognitedata.com", "looks like a host or URL"),
        (None, "must be a string"),
    ],
)
def test_for_cluster_rejects_bad_names(cluster: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cluster_base_url(cluster)


def test_for_cluster_refuses_base_url_too() -> None:
    with pytest.raises(ValueError, match="do not pass base_url"):
        ClientConfig.for_cluster("api", "p", TOKEN, base_url="https://x")


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.cognitedata.com", "https://api.cognitedata.com"),
        ("https://api.cognitedata.com/", "https://api.cognitedata.com"),
        (" HTTPS://My.Private-Link.Example.com// ", "https://my.private-link.example.com"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://[::1]:8765/", "http://[::1]:8765"),
        ("https://proxy.example.com/cdf/", "https://proxy.example.com/cdf"),
    ],
)
def test_base_url_is_normalized(base_url: str, expected: str) -> None:
    config = ClientConfig("p", TOKEN, base_url=base_url)
    assert config.base_url == expected
    assert config.project_url == f"{expected}/api/v1/projects/p"


@pytest.mark.parametrize(
    "base_url",
    [
        " HTTPS://My.Private-Link.Example.com// ",
        "http://[::1]:8765/",
        "https://proxy.example.com:0443/cdf/",  # the port as a number
        "https://api.cognitedata.com:",  # an empty port is no port
    ],
)
def test_the_generator_spells_a_base_url_as_the_transport_does(base_url: str) -> None:
    # One rule (pygen/_urls.py): the URL a fetch uses is the one the cache and the keyring are keyed by.
    from pygen.generator.fetch import normalize_base_url

    assert ClientConfig("p", TOKEN, base_url=base_url).base_url == normalize_base_url(base_url)


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("api.cognitedata.com", "must be an http"),
        ("ftp://api.cognitedata.com", "must be an http"),
        ("https://", "must be an http"),
        ("https://api.cognitedata.com?x=1", "query or fragment"),
        ("https://api.cognitedata.com#top", "query or fragment"),
        ("https://api.cognitedata.com:99999", "invalid port"),
        ("https://api.cognitedata.com/api/v1/projects/p", "includes the project path"),
        (42, "must be a string"),
    ],
)
def test_base_url_rejected(base_url: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ClientConfig("p", TOKEN, base_url=base_url)


def test_base_url_with_credentials_is_rejected_without_echoing_them() -> None:
    with pytest.raises(ValueError) as info:
        ClientConfig("p", TOKEN, base_url="https://user:hunter2@api.cognitedata.com")
    assert "hunter2" not in str(info.value)
    assert "user name or password" in str(info.value)


# -- project ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("project", ["p", "my-project", "Publicdata", "a.b_c-9", "x" * 255])
def test_valid_projects(project: str) -> None:
    assert ClientConfig(project, TOKEN).project_url.endswith(f"/api/v1/projects/{project}")


@pytest.mark.parametrize("project", ["", " ", "my project", "a/b", "../admin", "-p", "p?x", "p#", "é", "x" * 256, 7])
def test_invalid_projects(project: Any) -> None:
    with pytest.raises(ValueError, match="project"):
        ClientConfig(project, TOKEN)


# -- other fields -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"max_connections": 0}, "max_connections"),
        ({"max_connections": 2.5}, "max_connections"),
        ({"client_name": ""}, "client_name"),
        ({"client_name": "app\r\nX-Evil: 1"}, "client_name"),
        ({"client_name": "naïve"}, "client_name"),
        ({"cdf_version": "2024"}, "cdf_version"),
        ({"retry": {"max_retries": 1}}, "RetryPolicy"),
        ({"limits": (1, 1, 1)}, "ConcurrencyLimits"),
        ({"credentials": "my-token"}, "credentials must be"),
    ],
)
def test_config_field_validation(kwargs: dict[str, Any], message: str) -> None:
    kwargs.setdefault("credentials", TOKEN)
    with pytest.raises(ValueError, match=message):
        ClientConfig("p", **kwargs)


def test_config_is_frozen_with_defaults() -> None:
    config = ClientConfig("p", TOKEN)
    assert config.base_url == "https://api.cognitedata.com"
    assert (config.client_name, config.timeout, config.max_connections, config.cdf_version) == ("pygen", 30.0, 20, None)
    assert config.retry == RetryPolicy()
    assert config.limits == ConcurrencyLimits()
    with pytest.raises(AttributeError):
        config.project = "other"  # type: ignore[misc]


# -- what goes on the wire ------------------------------------------------------------------------------


@USE_ASYNC
@pytest.mark.anyio
async def test_standard_headers(use_async: bool) -> None:
    capture = Capture()
    await call(use_async, make_config(client_name="my-app"), capture, json={"items": []})
    (request,) = capture.requests
    headers = request.headers
    assert headers["x-cdp-app"] == "my-app"
    assert headers["x-cdp-sdk"] == f"pygen:{__version__}"
    assert headers["user-agent"] == f"pygen/{__version__} httpx/{httpx.__version__} python/{platform.python_version()}"
    assert headers["content-type"] == "application/json"
    assert headers["accept"] == "application/json"
    assert headers["authorization"] == "Bearer static-token"
    assert "cdf-version" not in headers
    assert request.url == f"{PROJECT_URL}/models/instances/byids"
    assert request.content == b'{"items":[]}'


@pytest.mark.anyio
async def test_cdf_version_header_when_configured() -> None:
    capture = Capture()
    await call(False, make_config(cdf_version="20230101-beta"), capture)
    assert capture.requests[0].headers["cdf-version"] == "20230101-beta"


def test_get_without_body_has_no_content_type() -> None:
    capture = Capture()
    with HTTPClient(make_config(), transport=httpx.MockTransport(capture)) as client:
        client.get("/models/spaces", params={"limit": 10})
    request = capture.requests[0]
    assert request.method == "GET"
    assert "content-type" not in request.headers
    assert str(request.url) == f"{PROJECT_URL}/models/spaces?limit=10"


def test_query_params_encoding() -> None:
    capture = Capture()
    params = {"includeGlobal": True, "allVersions": False, "limit": 5, "space": "s p", "cursor": None,
              "usedFor": ["node", "edge"]}  # fmt: skip
    with HTTPClient(make_config(), transport=httpx.MockTransport(capture)) as client:
        client.get("/models/containers", params=params)
    assert capture.requests[0].url.params.multi_items() == [
        ("includeGlobal", "true"),
        ("allVersions", "false"),
        ("limit", "5"),
        ("space", "s p"),
        ("usedFor", "node"),
        ("usedFor", "edge"),
    ]


@pytest.mark.parametrize("value", [{"a": 1}, float("nan"), object()])
def test_bad_query_param_values(value: object) -> None:
    with HTTPClient(make_config(), transport=httpx.MockTransport(Capture())) as client:
        with pytest.raises(ValueError, match="query parameter 'p'"):
            client.get("/models/spaces", params={"p": value})


def test_raw_content_is_sent_as_is() -> None:
    capture = Capture()
    with HTTPClient(make_config(), transport=httpx.MockTransport(capture)) as client:
        response = client.post("/models/instances/list", content=b'{"limit":1}')
    assert capture.requests[0].content == b'{"limit":1}'
    assert response.content == b'{"items":[]}'


def test_project_name_is_percent_encoded_in_urls() -> None:
    capture = Capture()
    config = ClientConfig("a.b_c-9", TOKEN, base_url=BASE_URL)
    with HTTPClient(config, transport=httpx.MockTransport(capture)) as client:
        client.get("/models/spaces")
    assert capture.requests[0].url.path == "/api/v1/projects/a.b_c-9/models/spaces"


@pytest.mark.parametrize(
    ("call_kwargs", "message"),
    [
        ({"method": "POST", "path": "models/spaces"}, "must start with '/'"),
        ({"method": "POST", "path": "/models/spaces?limit=1"}, "must not contain '\\?'"),
        ({"method": "POST", "path": "/models/../../admin"}, "'..' segments"),
        ({"method": "FETCH", "path": "/models/spaces"}, "unsupported HTTP method"),
        ({"method": "POST", "path": "/x", "json": {}, "content": b"{}"}, "json or content"),
        ({"method": "POST", "path": "/x", "json": {"v": float("nan")}}, "not valid JSON"),
        ({"method": "POST", "path": "/x", "kind": "admin"}, "kind must be one of"),
    ],
)
def test_bad_requests_fail_before_sending(call_kwargs: dict[str, Any], message: str) -> None:
    capture = Capture()
    with HTTPClient(make_config(), transport=httpx.MockTransport(capture)) as client:
        with pytest.raises(ValueError, match=message):
            client.request(**call_kwargs)
    assert capture.requests == []


def test_client_rejects_non_config() -> None:
    with pytest.raises(TypeError, match="ClientConfig"):
        HTTPClient({"project": "p"})  # type: ignore[arg-type]


def test_timeout_applies_to_each_request() -> None:
    capture = Capture()
    with HTTPClient(make_config(timeout=7.5), transport=httpx.MockTransport(capture)) as client:
        client.get("/models/spaces")
    assert capture.requests[0].extensions["timeout"] == {"connect": 7.5, "read": 7.5, "write": 7.5, "pool": 7.5}


def test_closed_client_refuses_requests() -> None:
    client = HTTPClient(make_config(), transport=httpx.MockTransport(Capture()))
    client.close()
    with pytest.raises(RuntimeError):
        client.get("/models/spaces")
