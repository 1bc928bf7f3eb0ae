"""fetch_model: one data model version from CDF (here a MockTransport) as the raw API JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from testdata import MODELS_DIR

from pygen.generator.fetch import (
    CacheKey,
    ModelCache,
    ModelNotFoundError,
    ModelRef,
    SnapshotError,
    dump_snapshot,
    fetch_model,
)
from pygen.transport import ClientConfig, HTTPClient, RetryPolicy, ServerError, Token

BASE_URL = "https://api.cognitedata.com"
OMNI = ModelRef("sp_pygen_models", "Omni", "1")


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> HTTPClient:
    config = ClientConfig("proj", Token("tok"), base_url=BASE_URL, retry=RetryPolicy(max_retries=0))
    return HTTPClient(config, transport=httpx.MockTransport(handler))


def test_fetches_raw_json_with_inline_views(omni: dict[str, Any]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"items": [omni]})

    with _client(handler) as client:
        model = fetch_model(client, "sp_pygen_models:Omni/1")
    assert model == omni
    assert dump_snapshot(model) == dump_snapshot(omni)  # raw API JSON, nothing added
    (request,) = seen
    assert request.method == "POST"
    assert request.url.path == "/api/v1/projects/proj/models/datamodels/byids"
    assert request.url.params["inlineViews"] == "true"
    assert json.loads(request.content) == {
        "items": [{"space": "sp_pygen_models", "externalId": "Omni", "version": "1"}]
    }


def test_not_found(omni: dict[str, Any]) -> None:
    with _client(lambda r: httpx.Response(200, json={"items": []})) as client:
        with pytest.raises(
            ModelNotFoundError,
            match=r"data model sp_pygen_models:Omni/1 not found in project 'proj' at https://api.cognitedata.com",
        ):
            fetch_model(client, OMNI)
    # Another version of the model is not the one asked for.
    other = dict(omni, version="2")
    with _client(lambda r: httpx.Response(200, json={"items": [other]})) as client:
        with pytest.raises(ModelNotFoundError):
            fetch_model(client, OMNI)


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(200, text="<html>proxy</html>"), "the response is not JSON"),
        (httpx.Response(200, json={"data": []}), "the response has no 'items' list"),
        (
            httpx.Response(
                200,
                json={
                    "items": [
                        {
                            "space": "sp_pygen_models",
                            "externalId": "Omni",
                            "version": "1",
                            "views": [{"type": "view", "space": "s", "externalId": "V", "version": "1"}],
                        }
                    ]
                },
            ),
            r"views\[0\] \(s:V/1\) is a view reference",
        ),
    ],
    ids=["html", "no-items", "references"],
)
def test_bad_answers(response: httpx.Response, message: str) -> None:
    with _client(lambda r: response) as client:
        with pytest.raises(
            SnapshotError,
            match=r"^data model sp_pygen_models:Omni/1 from project 'proj' at https://api.cognitedata.com: ",
        ) as info:
            fetch_model(client, OMNI)
    assert re.search(message, str(info.value))


def test_http_errors_come_from_the_transport() -> None:
    body = {"error": {"code": 503, "message": "busy"}}
    with _client(lambda r: httpx.Response(503, json=body)) as client:
        with pytest.raises(ServerError):
            fetch_model(client, OMNI)


def test_with_the_cache(tmp_path: Path, omni: dict[str, Any]) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={"items": [omni]})

    cache = ModelCache(tmp_path)
    key = CacheKey(BASE_URL, "proj", OMNI)
    with _client(handler) as client:
        for _ in range(3):
            assert cache.get_or_fetch(key, lambda: fetch_model(client, key.model)) == omni
    assert len(calls) == 1


def test_against_the_in_process_emulator(tmp_path: Path) -> None:
    from pygen.emulator import EmulatorSettings, create_app
    from pygen.emulator.testing import SyncASGITransport

    models_dir = MODELS_DIR
    settings = EmulatorSettings(token="tok", model_files=[models_dir / "OmniSub.json", models_dir / "Omni.json"])
    transport = SyncASGITransport(create_app(settings))
    config = ClientConfig("proj", Token("tok"), base_url="http://127.0.0.1:9", retry=RetryPolicy(max_retries=0))
    try:
        with HTTPClient(config, transport=transport) as client:
            ref = ModelRef("sp_pygen_models", "OmniSub", "1")
            model = fetch_model(client, ref)
            assert ModelRef.from_model(model) == ref
            assert len(model["views"]) == 3 and all("properties" in view for view in model["views"])
            cache = ModelCache(tmp_path)
            key = CacheKey(config.base_url, "proj", ref)
            assert cache.get_or_fetch(key, lambda: fetch_model(client, ref)) == model
            assert cache.get(key) == model
            with pytest.raises(ModelNotFoundError):
                fetch_model(client, "sp_pygen_models:OmniSub/2")
    finally:
        transport.close()
