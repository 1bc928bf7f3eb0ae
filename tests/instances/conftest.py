"""Fixtures of the instance runtime tests: the Omni SDK over a fresh in-process emulator per test.

Each emulator app loads the Omni model (``Omni.json``) and its nodes (``Omni.nodes.json``, in space
``DATA_SPACE``); tests that write use the empty space ``TEST_SPACE`` (the client's default). On a CDF target
(tests/sdk_target.py) the model and nodes are deployed there once and ``TEST_SPACE`` is emptied before each test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from _instances_support import TEST_SPACE, config, settings
from omni_sdk import AsyncOmniClient, OmniClient
from sdk_target import Deployment, sdk_ahttp, sdk_http

from pygen.transport import HTTPClient


@pytest.fixture
def http(cdf_run: Deployment | None) -> Iterator[HTTPClient]:
    """A sync HTTP client on a fresh in-process emulator holding Omni (with space ``TEST_SPACE``)."""
    with sdk_http(cdf_run, config(), settings(), [TEST_SPACE]) as client:
        yield client


@pytest.fixture
def omni(http: HTTPClient) -> OmniClient:
    """The Omni SDK (sync), default instance space ``TEST_SPACE``."""
    return OmniClient(http, instance_space=TEST_SPACE)


@pytest.fixture
async def aomni(cdf_run: Deployment | None) -> AsyncIterator[AsyncOmniClient]:
    """The Omni SDK (async) on a fresh in-process emulator, default instance space ``TEST_SPACE``."""
    async with sdk_ahttp(cdf_run, config(), settings(), [TEST_SPACE]) as http:
        yield AsyncOmniClient(http, instance_space=TEST_SPACE)
