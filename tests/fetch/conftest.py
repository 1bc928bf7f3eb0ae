"""Fixtures for pygen.generator.fetch tests: an in-memory keyring, isolation from the user's real dirs and secrets."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend

# Same place tests/conftest.py points at (that module is not importable from here).
from testdata import MODELS_DIR

MODEL_FILES = sorted(MODELS_DIR.glob("*.json"))


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict. Priority below zero: never auto-detected, only set explicitly."""

    priority = -1  # type: ignore[assignment]

    def __init__(self, entries: dict[tuple[str, str], str] | None = None) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = dict(entries or {})

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


class RaisingKeyring(KeyringBackend):
    """A keyring whose every call raises the given exception."""

    priority = -1  # type: ignore[assignment]

    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        raise self.exc


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test sees the user's secrets, cache or keyring config, and each one picks its keyring afresh."""
    for name in ("PYGEN_CLIENT_SECRET", "PYGEN_TOKEN", "PYGEN_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    # keyring caches its backend in a module global; reset it (monkeypatch restores it afterwards) so
    # the PYTHON_KEYRING_BACKEND of this test is what keyring initializes from.
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)


@pytest.fixture
def use_keyring() -> Callable[[KeyringBackend], KeyringBackend]:
    """Select a backend for this test only (the autouse fixture restores the previous one)."""

    def select(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    return select


@pytest.fixture
def memory_keyring(use_keyring: Callable[[KeyringBackend], KeyringBackend]) -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    use_keyring(backend)
    yield backend


@pytest.fixture
def raising_keyring(use_keyring: Callable[[KeyringBackend], KeyringBackend]) -> Callable[[Exception], KeyringBackend]:
    """Select a backend that raises ``exc`` on every call."""

    def select(exc: Exception) -> KeyringBackend:
        return use_keyring(RaisingKeyring(exc))

    return select


@pytest.fixture
def models_dir() -> Path:
    assert MODEL_FILES, f"no shared models in {MODELS_DIR}"
    return MODELS_DIR


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def omni() -> dict[str, Any]:
    model: dict[str, Any] = load_json(MODELS_DIR / "Omni.json")
    return model
