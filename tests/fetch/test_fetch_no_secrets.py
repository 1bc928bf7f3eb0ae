"""End to end: a secret used to fetch a model never reaches a snapshot, a cache file, or a path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from pygen.generator.fetch import (
    CacheKey,
    ModelCache,
    ModelRef,
    load_snapshot,
    resolve_client_secret,
    resolve_token,
    snapshot_path,
    write_snapshot,
)

CLIENT_SECRET = "cs-Very-Secret-4f1d9a"
TOKEN = "tok-Very-Secret-77c2e0"


def test_secrets_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: Any, omni: dict[str, Any]
) -> None:
    base_url = "https://api.cognitedata.com"
    memory_keyring.entries[("pygen:" + base_url, "my-client")] = CLIENT_SECRET
    monkeypatch.setenv("PYGEN_TOKEN", TOKEN)
    client_secret = resolve_client_secret(base_url, "my-client").value
    token = resolve_token(base_url).value
    ref = ModelRef.from_model(omni)

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {token}"
        # A sloppy server might echo request details; the store must only keep the model it is given.
        return httpx.Response(200, json={"items": [omni]})

    def fetch() -> dict[str, Any]:
        with httpx.Client(
            transport=httpx.MockTransport(handler), headers={"Authorization": f"Bearer {token}"}
        ) as client:
            response = client.post(
                f"{base_url}/api/v1/projects/proj/models/datamodels/byids",
                params={"inlineViews": "true"},
                json={"items": [ref.as_id()]},
            )
        model: dict[str, Any] = response.json()["items"][0]
        return model

    cache_root = tmp_path / "cache"
    model = ModelCache(cache_root).get_or_fetch(CacheKey(base_url, "proj", ref), fetch)
    target = write_snapshot(snapshot_path(tmp_path / "snapshots", ref), model)
    assert load_snapshot(target, expected=ref) == omni

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in files) and len(files) >= 2
    for path in files:
        data = path.read_bytes()
        for secret in (client_secret, token):
            assert secret.encode() not in data, f"secret written to {path}"
            assert secret not in str(path)
        if path.suffix == ".json":
            assert json.loads(data) == omni
