"""Fixtures of the cognite-sdk tour: Cognite's own Python SDK against a real ``pygen emulator`` process.

One emulator process serves the session (the modules share one ``xdist_group``, so with ``tests/run``'s
``--dist loadgroup`` a single worker starts it). The ``CogniteClient`` keeps the SDK's default settings
(gzip-compressed request bodies, its retries, its concurrency); only ``base_url``, ``project`` and the
credentials point it at the emulator. The one global change is ``disable_pypi_version_check``: by default
every new ``ClientConfig`` asks pypi.org in a background thread whether a newer SDK exists and warns if so,
which has nothing to do with the emulator and would make a test depend on the network and on PyPI's state.

Each module works in fresh spaces of its own (``fresh_space``), emptied and deleted when the module ends.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import pytest
from _official_sdk_support import delete_space_and_contents
from cdf_target import cdf_target, check_own_space
from cognite.client import ClientConfig, CogniteClient, global_config
from cognite.client.credentials import Token
from cognite.client.data_classes.data_modeling import SpaceApply

from pygen.emulator.testing import EmulatorProcess

TOKEN = f"official-sdk-{secrets.token_hex(8)}"


@pytest.fixture(scope="session")
def service() -> Iterator[tuple[str, str, str]]:
    """``(base URL, project, token)`` of what the tour talks to: ``python -m pygen emulator --port 0`` for the
    session, or the CDF project the ``PYGEN_TEST_CDF_*`` variables name (tests/cdf_target.py)."""
    target = cdf_target()
    if target is not None:
        yield target.base_url, target.project, target.bearer()
        return
    with EmulatorProcess("--token", TOKEN) as process:
        yield process.base_url, "sdk-tour", TOKEN


@pytest.fixture(scope="session")
def client(service: tuple[str, str, str]) -> CogniteClient:
    """A ``CogniteClient`` with default settings on the emulator (or the configured CDF project)."""
    global_config.disable_pypi_version_check = True
    assert not global_config.disable_gzip  # request bodies go out gzip-compressed, as with any default client
    base_url, project, token = service
    config = ClientConfig(
        client_name="pygen-official-sdk-tour", project=project, base_url=base_url, credentials=Token(token)
    )
    return CogniteClient(config)


@pytest.fixture(scope="module")
def fresh_space(client: CogniteClient) -> Iterator[Callable[[str], str]]:
    """``fresh_space(prefix)`` -> the name of a new empty space; all of them are emptied and deleted afterwards."""
    created: list[str] = []

    def make(prefix: str) -> str:
        name = f"{prefix}_{secrets.token_hex(4)}"
        space = client.data_modeling.spaces.apply(SpaceApply(name, name=f"cognite-sdk tour {prefix}"))
        assert space.space == name
        created.append(name)
        return name

    yield make
    for name in reversed(created):
        check_own_space(name, created)
        delete_space_and_contents(client, name)
