"""Fixtures of the DMS conformance suite.

Target selection: by default every test runs against the emulator in-process (``create_app`` mounted on an
``httpx`` ASGI transport). When ``PYGEN_TEST_CDF_BASE_URL``, ``PYGEN_TEST_CDF_PROJECT`` and credentials
(``PYGEN_TEST_CDF_TOKEN``, or ``PYGEN_TEST_CDF_CLIENT_ID`` + ``_CLIENT_SECRET`` + ``_TOKEN_URL`` + ``_SCOPES``)
are set, the same tests run against that CDF project instead, to check the emulator's faithfulness; tests
marked ``emulator_only`` (fault injection, reset, ``--db``, the CLI, token issuing) are then skipped.

Each test works in its own fresh space(s) (``make_space``); against CDF they are emptied and deleted afterwards.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import pytest
from _conformance import (
    CLIENT_ID,
    CLIENT_SECRET,
    PROJECT_URL,
    TOKEN,
    Api,
    create_pump_schema,
    unique_space,
    write_dataset,
)

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
MODELS_DIR = SHARED_DATA / "models"

_CDF_ENV = "PYGEN_TEST_CDF_"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "emulator_only: uses emulator-only features (faults, reset, --db, CLI); skipped against real CDF"
    )
    config.addinivalue_line("markers", "unconfirmed: checks the emulator's documented choice for an unconfirmed fact")


def _env(name: str) -> str | None:
    return os.environ.get(_CDF_ENV + name) or None


def cdf_target_configured() -> bool:
    """True when the environment names a real CDF project to run against."""
    has_token = _env("TOKEN") is not None
    has_client = all(_env(key) for key in ("CLIENT_ID", "CLIENT_SECRET", "TOKEN_URL", "SCOPES"))
    return bool(_env("BASE_URL") and _env("PROJECT") and (has_token or has_client))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not cdf_target_configured():
        return
    skip = pytest.mark.skip(reason="emulator-only feature; the target is a real CDF project")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents and item.get_closest_marker("emulator_only"):
            item.add_marker(skip)


# ---------------------------------------------------------------------------------------------- in-process


class _SyncASGITransport(httpx.BaseTransport):
    """Drive an ASGI app from sync code: the app runs on one event loop in a background thread.

    ``httpx.ASGITransport`` is async-only; one long-lived loop (not ``asyncio.run`` per request) keeps any
    loop-bound state in the app (locks, tasks) valid between requests.
    """

    def __init__(self, app: Any) -> None:
        self._portal_cm = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()

        async def run() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=content)
            response = await self._inner.handle_async_request(forwarded)
            body = await response.aread()
            await response.aclose()
            return response.status_code, response.headers.raw, body

        status, headers, body = self._portal.call(run)
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        self._portal_cm.__exit__(None, None, None)


def emulator_settings(**overrides: Any) -> Any:
    """``EmulatorSettings`` with the suite's static token and client credentials, plus ``overrides``."""
    from pygen.emulator import EmulatorSettings

    values: dict[str, Any] = {"token": TOKEN, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    values.update(overrides)
    return EmulatorSettings(**values)


def sync_asgi_client(settings: Any, *, token: str | None = TOKEN) -> httpx.Client:
    """A sync client on the project URL of a fresh in-process emulator app."""
    from pygen.emulator import create_app

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = _SyncASGITransport(create_app(settings))
    return httpx.Client(transport=transport, base_url=PROJECT_URL, headers=headers, timeout=60)


def async_asgi_client(settings: Any, *, token: str | None = TOKEN) -> httpx.AsyncClient:
    """An async client on the project URL of a fresh in-process emulator app."""
    from pygen.emulator import create_app

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url=PROJECT_URL, headers=headers, timeout=60)


# ---------------------------------------------------------------------------------------------- real CDF


def _cdf_client() -> httpx.Client:
    base_url, project = _env("BASE_URL"), _env("PROJECT")
    assert base_url and project
    token = _env("TOKEN")
    if token is None:
        response = httpx.post(
            str(_env("TOKEN_URL")),
            data={
                "grant_type": "client_credentials",
                "client_id": _env("CLIENT_ID"),
                "client_secret": _env("CLIENT_SECRET"),
                "scope": _env("SCOPES"),
            },
            timeout=60,
        )
        response.raise_for_status()
        token = str(response.json()["access_token"])
    return httpx.Client(
        base_url=f"{base_url.rstrip('/')}/api/v1/projects/{project}",
        headers={"Authorization": f"Bearer {token}", "x-cdp-app": "pygen-conformance"},
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


def delete_space_contents(api: Api, space: str) -> None:
    """Empty and delete ``space``: instances (edges first), data models, views, containers, then the space."""
    for instance_type in ("edge", "node"):
        items, _ = api.list_all(
            {
                "instanceType": instance_type,
                "filter": {"equals": {"property": [instance_type, "space"], "value": space}},
            }
        )
        ids = [{"instanceType": instance_type, "space": space, "externalId": item["externalId"]} for item in items]
        for start in range(0, len(ids), 1000):
            api.post("/models/instances/delete", {"items": ids[start : start + 1000]})
    for resource, key in (("datamodels", True), ("views", True), ("containers", False)):
        params: dict[str, Any] = {"space": space, "limit": 1000}
        if key:
            params["allVersions"] = "true"
        items, _ = api.get_all(f"/models/{resource}", params)
        ids = [
            {k: item[k] for k in ("space", "externalId", "version") if k in item}
            for item in items
            if item["space"] == space
        ]
        for start in range(0, len(ids), 100):
            api.post(f"/models/{resource}/delete", {"items": ids[start : start + 100]})
    api.post("/models/spaces/delete", {"items": [{"space": space}]})


class SpaceFactory(AbstractContextManager["SpaceFactory"]):
    """Creates uniquely named spaces; against CDF, deletes them (and everything in them) on exit.

    The in-process emulator is simply discarded at the end of the session, so cleanup is skipped there:
    the delete endpoints have their own tests.
    """

    def __init__(self, api: Api) -> None:
        self.api = api
        self.created: list[str] = []

    def __call__(self, prefix: str = "pgc") -> str:
        space = unique_space(prefix)
        self.api.post("/models/spaces", {"items": [{"space": space, "name": f"conformance {space}"}]})
        self.created.append(space)
        return space

    def __exit__(self, *exc: object) -> None:
        if self.api.is_emulator:
            return
        for space in self.created:
            delete_space_contents(self.api, space)


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
