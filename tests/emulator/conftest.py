"""Fixtures of the DMS conformance suite.

Target selection: by default every test runs against the emulator in-process (``create_app`` mounted on an
``httpx`` ASGI transport). When ``PYGEN_TEST_CDF_BASE_URL``, ``PYGEN_TEST_CDF_PROJECT`` and credentials
(``PYGEN_TEST_CDF_TOKEN``, or ``PYGEN_TEST_CDF_CLIENT_ID`` + ``_CLIENT_SECRET`` + ``_TOKEN_URL`` + ``_SCOPES``)
are set, the same tests run against that CDF project instead, to check the emulator's faithfulness; tests
marked ``emulator_only`` (fault injection, reset, ``--db``, the CLI, token issuing) are then skipped.

Each test works in its own fresh space(s) (``make_space``); against CDF they are emptied and deleted afterwards.
Pointing the same variables at a running ``pygen emulator`` (``PYGEN_TEST_CDF_BASE_URL=http://127.0.0.1:PORT``,
``PYGEN_TEST_CDF_TOKEN=<its token>``) runs the suite over real HTTP, cleanup included.

Markers: ``emulator_only`` (skipped against CDF), ``unconfirmed`` (checks the emulator's documented choice where
docs/dms.md says CDF's behaviour is unconfirmed), ``slow`` (starts real processes). The slow tests are also
``once`` (tests/run runs them on the main Python only): how a ``pygen emulator`` process starts, refuses its
options, locks its database and stops does not depend on the Python, and every Python still runs the emulator's
code in-process here and as a process under the runtime's tests (tests/instances, tests/official_sdk).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from _conformance import (
    TOKEN,
    Api,
    SpaceFactory,
    async_asgi_client,
    create_pump_schema,
    emulator_settings,
    sync_asgi_client,
    write_dataset,
)
from cdf_target import cdf_target


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "emulator_only: uses emulator-only features (faults, reset, --db, CLI); skipped against real CDF"
    )
    config.addinivalue_line("markers", "unconfirmed: checks the emulator's documented choice for an unconfirmed fact")


def cdf_target_configured() -> bool:
    """True when the environment names a real CDF project to run against (tests/cdf_target.py)."""
    return cdf_target() is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not cdf_target_configured():
        return
    skip = pytest.mark.skip(reason="emulator-only feature; the target is a real CDF project")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents and item.get_closest_marker("emulator_only"):
            item.add_marker(skip)


# ---------------------------------------------------------------------------------------------- real CDF


def _cdf_client() -> httpx.Client:
    target = cdf_target()
    assert target is not None
    return httpx.Client(
        base_url=target.api_url,
        headers={"Authorization": f"Bearer {target.bearer()}", "x-cdp-app": "pygen-conformance"},
        timeout=120,
    )


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def target() -> str:
    """``"cdf"`` when a real project is configured, else ``"emulator"``."""
    return "cdf" if cdf_target_configured() else "emulator"


@pytest.fixture(scope="session")
def api(target: str) -> Iterator[Api]:
    """The shared client of the session: an in-process emulator, or the configured CDF project."""
    client = _cdf_client() if target == "cdf" else sync_asgi_client(emulator_settings())
    with client:
        yield Api(client, target=target)


@pytest.fixture
def make_space(api: Api) -> Iterator[Callable[..., str]]:
    """``make_space()`` -> the name of a fresh, empty space owned by this test."""
    with SpaceFactory(api) as factory:
        yield factory


@pytest.fixture
def space(make_space: Callable[..., str]) -> str:
    """A fresh empty space."""
    return make_space()


@pytest.fixture
def schema_space(api: Api, make_space: Callable[..., str]) -> str:
    """A fresh space holding the Pump/Site/Flow containers and views but no instances."""
    name = make_space()
    create_pump_schema(api, name)
    return name


@pytest.fixture(scope="module")
def dataset_space(api: Api) -> Iterator[str]:
    """A space with the read-only dataset of ``_conformance`` (shared by a module's read tests)."""
    with SpaceFactory(api) as factory:
        name = factory("pgd")
        write_dataset(api, name)
        yield name


@pytest.fixture
def make_api() -> Iterator[Callable[..., Api]]:
    """``make_api(**settings)`` -> an ``Api`` on a fresh in-process emulator app with those settings.

    Keyword ``auth_token`` overrides the bearer token sent (``None`` sends no header).
    """
    with ExitStack() as stack:

        def factory(*, auth_token: str | None = TOKEN, **overrides: Any) -> Api:
            client = stack.enter_context(sync_asgi_client(emulator_settings(**overrides), token=auth_token))
            return Api(client)

        yield factory


@pytest.fixture
async def async_client() -> AsyncIterator[httpx.AsyncClient]:
    """An ``httpx.AsyncClient`` on a fresh in-process emulator app."""
    async with async_asgi_client(emulator_settings()) as client:
        yield client


@pytest.fixture(scope="session")
def emulator_process() -> Iterator[Any]:
    """A real ``python -m pygen emulator --port 0`` process with the suite's token, for the whole session."""
    from pygen.emulator.testing import EmulatorProcess

    with EmulatorProcess("--token", TOKEN) as process:
        yield process
