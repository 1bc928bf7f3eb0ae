"""Shared pytest configuration.

Async tests use anyio's pytest plugin (anyio ships with httpx): mark them ``@pytest.mark.anyio``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
MODELS_DIR = SHARED_DATA / "models"
INSTANCES_DIR = SHARED_DATA / "instances"


def pytest_configure(config: pytest.Config) -> None:
    """Fail the whole run, loudly, when the shared test data is not beside the repository.

    Many tests are parametrized over ``../shared/data``: without this check a missing folder would
    quietly turn them into "empty parameter set" skips instead of failures.
    """
    missing = [str(path) for path in (MODELS_DIR, INSTANCES_DIR) if not path.is_dir()]
    if missing:
        raise pytest.UsageError(
            f"test data not found: {', '.join(missing)}. The tests read the real data model dumps from the "
            "shared/ folder that sits beside this repository (shared/data/models, shared/data/instances)."
        )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the OS keyring: the null backend unless a test selects another."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
