"""Fixtures of the instance runtime tests: the Omni SDK over a fresh in-process emulator per test.

Each emulator app loads the Omni model (``Omni.json``) and its nodes (``Omni.nodes.json``, in space
``sp_omni_instances``); tests that write use the empty space ``sp_test`` (the client's default).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from omni_sdk import AsyncOmniClient, OmniClient

from pygen.emulator import EmulatorSettings, create_app
from pygen.emulator.testing import SyncASGITransport
from pygen.transport import AsyncHTTPClient, ClientConfig, HTTPClient, RetryPolicy, Token

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
OMNI_MODEL = SHARED_DATA / "models" / "Omni.json"
OMNI_NODES = SHARED_DATA / "instances" / "Omni.nodes.json"
TOKEN = "instances-test-token"
DATA_SPACE = "sp_omni_instances"
TEST_SPACE = "sp_test"


def config(base_url: str = "http://emulator", **kwargs: Any) -> ClientConfig:
    """A client config for the emulator with quick retries."""
    kwargs.setdefault("retry", RetryPolicy(max_retries=10, backoff_base=0.01, backoff_max=0.2))
    return ClientConfig("omni-test", Token(TOKEN), base_url=base_url, **kwargs)


def settings(**kwargs: Any) -> EmulatorSettings:
    """Emulator settings with the Omni model and nodes loaded."""
    return EmulatorSettings(token=TOKEN, model_files=[OMNI_MODEL], instance_files=[OMNI_NODES], **kwargs)


def create_space(http: HTTPClient, space: str = TEST_SPACE) -> None:
    http.post("/models/spaces", json={"items": [{"space": space}]})


@pytest.fixture
def http() -> Iterator[HTTPClient]:
    """A sync HTTP client on a fresh in-process emulator holding Omni (with space ``sp_test``)."""
    transport = SyncASGITransport(create_app(settings()))
    with HTTPClient(config(), transport=transport) as client:
        create_space(client)
        yield client
    transport.close()


@pytest.fixture
def omni(http: HTTPClient) -> OmniClient:
    """The Omni SDK (sync), default instance space ``sp_test``."""
    return OmniClient(http, instance_space=TEST_SPACE)


@pytest.fixture
async def aomni() -> AsyncIterator[AsyncOmniClient]:
    """The Omni SDK (async) on a fresh in-process emulator, default instance space ``sp_test``."""
    transport = httpx.ASGITransport(app=create_app(settings()))
    async with AsyncHTTPClient(config(), transport=transport) as http:
        await http.post("/models/spaces", json={"items": [{"space": TEST_SPACE}]})
        yield AsyncOmniClient(http, instance_space=TEST_SPACE)
