"""Fixtures of the instance runtime tests: the Omni SDK over a fresh in-process emulator per test.

Each emulator app loads the Omni model (``Omni.json``) and its nodes (``Omni.nodes.json``, in space
``sp_omni_instances``); tests that write use the empty space ``sp_test`` (the client's default).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from _instances_support import TEST_SPACE, config, create_space, settings
from omni_sdk import AsyncOmniClient, OmniClient

from pygen.emulator import create_app
from pygen.emulator.testing import SyncASGITransport
from pygen.transport import AsyncHTTPClient, HTTPClient


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
