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


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the OS keyring: the null backend unless a test selects another."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
