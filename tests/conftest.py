"""Shared pytest configuration.

Async tests use anyio's pytest plugin (anyio ships with httpx): mark them ``@pytest.mark.anyio``.
"""

from __future__ import annotations

import pytest
from testdata import MODEL_NAMES, MODELS_DIR, OMNI_NODES


def pytest_configure(config: pytest.Config) -> None:
    """Fail the whole run, loudly, when the test data in ``tests/data`` is incomplete.

    Many tests are parametrized over the model dumps: without this check a missing file would
    quietly turn them into "empty parameter set" skips instead of failures.
    """
    expected = [*(MODELS_DIR / f"{name}.json" for name in MODEL_NAMES), OMNI_NODES]
    missing = [str(path) for path in expected if not path.is_file()]
    if missing:
        raise pytest.UsageError(f"test data not found: {', '.join(missing)} (it is part of the repository: restore it)")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the OS keyring: the null backend unless a test selects another."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
