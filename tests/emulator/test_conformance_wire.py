"""What Cognite's SDKs send on the wire: compressed request bodies and their own headers.

``cognite-sdk`` (Python) sends every POST body with ``Content-Encoding: gzip`` by default, and both
official SDKs add ``x-cdp-sdk``, ``x-cdp-app`` and ``cdf-version`` headers.
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any

import pytest
from _conformance import Api, node_id, xids

APPLY = "/models/instances"


def _post_raw(api: Api, path: str, content: bytes, headers: dict[str, str]) -> Any:
    return api.client.post(path, content=content, headers={"content-type": "application/json", **headers})


def _space_body(space: str) -> bytes:
    return json.dumps({"items": [{"space": space, "name": "compressed"}]}).encode()


def test_gzip_request_bodies_are_read(api: Api, make_space: Any, dataset_space: str) -> None:
    space = make_space()
    response = _post_raw(api, "/models/spaces", gzip.compress(_space_body(space)), {"content-encoding": "gzip"})
    assert response.status_code == 200, response.text
    assert [item["space"] for item in response.json()["items"]] == [space]
    body = {"items": [node_id(dataset_space, "p1"), node_id(dataset_space, "p2")]}
    found = _post_raw(api, f"{APPLY}/byids", gzip.compress(json.dumps(body).encode()), {"content-encoding": "gzip"})
    assert found.status_code == 200, found.text
    assert sorted(xids(found.json()["items"])) == ["p1", "p2"]


def test_sdk_headers_are_accepted(api: Api, dataset_space: str) -> None:
    headers = {"x-cdp-sdk": "CognitePythonSDK:7.0.0", "x-cdp-app": "pygen-conformance", "cdf-version": "alpha"}
    body = {"items": [node_id(dataset_space, "p1")]}
    response = api.client.post(f"{APPLY}/byids", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert xids(response.json()["items"]) == ["p1"]


@pytest.mark.emulator_only
@pytest.mark.parametrize("wrapped", [True, False], ids=["zlib", "raw"])
def test_deflate_request_bodies_are_read(api: Api, make_space: Any, wrapped: bool) -> None:
    space = make_space()
    if wrapped:
        content = zlib.compress(_space_body(space))
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        content = packer.compress(_space_body(space)) + packer.flush()
    response = _post_raw(api, "/models/spaces", content, {"content-encoding": "deflate"})
    assert response.status_code == 200, response.text
    assert [item["space"] for item in response.json()["items"]] == [space]


@pytest.mark.emulator_only
def test_broken_or_unknown_encodings_are_client_errors(api: Api) -> None:
    broken = _post_raw(api, "/models/spaces", b"not gzip at all", {"content-encoding": "gzip"})
    api.check_error(broken, 400, emulator_wording=["not valid gzip data"])
    truncated = _post_raw(api, "/models/spaces", gzip.compress(b'{"items": []}')[:-8], {"content-encoding": "gzip"})
    api.check_error(truncated, 400, emulator_wording=["not valid gzip data"])
    unknown = _post_raw(api, "/models/spaces", b"{}", {"content-encoding": "br"})
    api.check_error(unknown, 415, mentions=["Content-Encoding", "br"], emulator_wording=["is not supported"])
    # A gzip body that is not JSON once inflated is reported as such (not as an encoding problem).
    not_json = _post_raw(api, "/models/spaces", gzip.compress(b"{nope"), {"content-encoding": "gzip"})
    api.check_error(not_json, 400, emulator_wording=["not valid JSON"])


def test_a_trailing_slash_is_served_not_redirected(api: Api, dataset_space: str) -> None:
    # @cognite/sdk lists spaces, containers, views and data models at ".../models/spaces/".
    listed = api.client.get("/models/spaces/", params={"limit": 1000}, follow_redirects=False)
    assert listed.status_code == 200, listed.text
    assert dataset_space in [item["space"] for item in listed.json()["items"]]
    body = {"items": [node_id(dataset_space, "p1")]}
    found = api.client.post(f"{APPLY}/byids/", json=body, follow_redirects=False)
    assert found.status_code == 200, found.text
    assert xids(found.json()["items"]) == ["p1"]
