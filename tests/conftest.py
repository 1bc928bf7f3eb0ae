"""Shared pytest configuration.

Async tests use anyio's pytest plugin (anyio ships with httpx): mark them ``@pytest.mark.anyio``.
Tests marked ``emulator_only`` are skipped when the ``PYGEN_TEST_CDF_*`` variables name a CDF target
(tests/cdf_target.py); ``cdf_run`` is the generated-SDK suites' deployment there (tests/sdk_target.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sdk_target
from testdata import MODEL_NAMES, MODELS_DIR, OMNI_NODES, RETRY_RULES


def pytest_configure(config: pytest.Config) -> None:
    """Fail the whole run, loudly, when the test data in ``tests/data`` is incomplete.

    Many tests are parametrized over the model dumps: without this check a missing file would
    quietly turn them into "empty parameter set" skips instead of failures.
    """
    expected = [*(MODELS_DIR / f"{name}.json" for name in MODEL_NAMES), OMNI_NODES, RETRY_RULES]
    missing = [str(path) for path in expected if not path.is_file()]
    if missing:
        raise pytest.UsageError(f"test data not found: {', '.join(missing)} (it is part of the repository: restore it)")
    config.addinivalue_line(
        "markers", "emulator_only: needs the emulator itself (faults, its processes); skipped against a CDF target"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if sdk_target.TARGET is None:
        return
    skip = pytest.mark.skip(reason="emulator-only feature; the target is a real CDF project")
    for item in items:
        if item.get_closest_marker("emulator_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def cdf_run() -> Iterator[sdk_target.Deployment | None]:
    """On a CDF target, what the generated-SDK suites deployed there (deleted at the end); None on the emulator."""
    if sdk_target.TARGET is None:
        yield None
        return
    run = sdk_target.Deployment(sdk_target.TARGET)
    try:
        yield run
    finally:
        run.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the OS keyring: the null backend unless a test selects another."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
