"""Fixtures for the hatch hook, refresh and example-project tests.

Every test runs with no pygen secret in the environment, a private cache and keyring config
(``XDG_*`` and ``PYGEN_CACHE_DIR`` in a temporary home), and keyring's backend reset. The hook runs the
real generator; ``_hatch_support.misbehave`` makes it misbehave where a test needs that.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from _hatch_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    MODELS_DIR,
    TOKEN,
    MemoryKeyring,
    omnisub_v2,
)

from pygen.emulator.testing import EmulatorProcess


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    for name in ("PYGEN_CLIENT_SECRET", "PYGEN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(home / "pygen-cache"))
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    return home


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)  # the autouse fixture restores keyring's global afterwards
    return backend


@pytest.fixture(scope="session")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("models")
    v2 = folder / "OmniSub.v2.json"
    v2.write_text(json.dumps(omnisub_v2()), encoding="utf-8")
    return {"OmniSub": MODELS_DIR / "OmniSub.json", "OmniSub/2": v2, "CogniteCore": MODELS_DIR / "CogniteCore.json"}


@pytest.fixture(scope="session")
def emulator(model_files: dict[str, Path]) -> Iterator[EmulatorProcess]:
    """One emulator for the session: OmniSub v1 and v2, OAuth client credentials and a static token."""
    args = ["--model-file", str(model_files["OmniSub"]), "--model-file", str(model_files["OmniSub/2"])]
    args += ["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--token", TOKEN]
    with EmulatorProcess(*args) as process:
        yield process
