"""The transport against the emulator: OAuth through its /oauth2/token, and retries through its injected faults."""

from __future__ import annotations

import httpx
import pytest

from pygen.emulator import EmulatorSettings, FaultSettings, create_app
from pygen.emulator.testing import EmulatorProcess, SyncASGITransport
from pygen.transport import (
    AsyncHTTPClient,
    ClientConfig,
    HTTPClient,
    OAuthClientCredentials,
    OAuthError,
    RetryPolicy,
    Token,
)

BASE = "http://emulator"
CLIENT_ID, CLIENT_SECRET = "pygen-test", "emulator-secret"
SPACES = {"items": [{"space": f"transport_{i}", "name": f"Space {i}"} for i in range(3)]}


def oauth_config(secret: str = CLIENT_SECRET, **kwargs: object) -> ClientConfig:
    credentials = OAuthClientCredentials(CLIENT_ID, secret, token_url=f"{BASE}/oauth2/token")
    return ClientConfig("emulated", credentials, base_url=BASE, **kwargs)  # type: ignore[arg-type]


def settings(faults: FaultSettings | None = None) -> EmulatorSettings:
    return EmulatorSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults=faults or FaultSettings())


# Roughly half of all API calls fail (429 with Retry-After: 1, 503, dropped connection); seeded, so repeatable.
FAULTY = FaultSettings(rate_429=0.3, rate_503=0.15, rate_drop=0.1, seed=7)


def test_sync_oauth_and_retries_against_the_emulator() -> None:
    sleeps: list[float] = []
    transport = SyncASGITransport(create_app(settings(FAULTY)))
    with HTTPClient(oauth_config(), transport=transport, sleep=sleeps.append) as client:
        applied = client.post("/models/spaces", json=SPACES).json()["items"]
        ids = {"items": [{"space": item["space"]} for item in SPACES["items"]]}
        for _ in range(10):
            read = client.post("/models/spaces/byids", json=ids).json()["items"]
            assert sorted(item["space"] for item in read) == [item["space"] for item in SPACES["items"]]
        client.post("/models/spaces/delete", json=ids)
    transport.close()
    assert [item["space"] for item in applied] == [item["space"] for item in SPACES["items"]]
    assert sleeps, "the fault injection should have forced retries"
    assert 1.0 in sleeps  # the emulator's Retry-After: 1 was honoured


@pytest.mark.anyio
async def test_async_oauth_and_retries_against_the_emulator() -> None:
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    transport = httpx.ASGITransport(app=create_app(settings(FAULTY)))
    async with AsyncHTTPClient(oauth_config(), transport=transport, sleep=fake_sleep) as client:
        await client.post("/models/spaces", json=SPACES)
        for _ in range(10):
            response = await client.get("/models/spaces", params={"limit": 100})
            assert {item["space"] for item in response.json()["items"]} >= {"transport_0", "transport_1"}
    assert sleeps


@pytest.mark.anyio
async def test_wrong_client_secret_is_an_oauth_error() -> None:
    transport = httpx.ASGITransport(app=create_app(settings()))
    async with AsyncHTTPClient(oauth_config(secret="wrong-secret"), transport=transport) as client:
        with pytest.raises(OAuthError) as info:
            await client.get("/models/spaces")
    assert info.value.error == "invalid_client"
    assert "wrong-secret" not in str(info.value)


@pytest.mark.slow
def test_real_socket_with_dropped_connections() -> None:
    """Over a real socket, dropped connections surface as httpx transport errors and are retried."""
    sleeps: list[float] = []
    with EmulatorProcess("--token", "tok", "--fault-drop", "0.3", "--fault-seed", "3") as emulator:
        config = ClientConfig("emulated", Token("tok"), base_url=emulator.base_url, retry=RetryPolicy(max_retries=20))
        with HTTPClient(config, sleep=sleeps.append) as client:
            for _ in range(10):
                assert client.get("/models/spaces").status_code == 200
    assert sleeps
