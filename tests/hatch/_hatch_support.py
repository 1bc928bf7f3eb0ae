"""Helpers for the hatch hook, refresh and example-project tests (imported by name, like the other areas)."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from testdata import MODELS_DIR, REPO_ROOT

from pygen.emulator.testing import EmulatorProcess
from pygen.generator.fetch import ModelRef, snapshot_path, write_snapshot

EXAMPLE_PROJECT = REPO_ROOT / "example_project"
CLIENT_ID = "pygen-test-client"
# Recognizable secrets: tests grep every artifact for them.
CLIENT_SECRET = "s3cret-Z9q-never-in-any-file"
TOKEN = "tok-Q7w-never-in-any-file"
#: The files the generator makes for OmniSub with `package = "omni_sdk"`: one module per view.
OMNI_SDK = [
    "omni_sdk/__init__.py",
    "omni_sdk/_client.py",
    "omni_sdk/connection_item_a.py",
    "omni_sdk/connection_item_b.py",
    "omni_sdk/connection_item_c.py",
    "omni_sdk/py.typed",
]


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict; priority below zero, so it is never auto-detected."""

    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def load_model(name: str) -> dict[str, Any]:
    model: dict[str, Any] = json.loads((MODELS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return model


def omnisub_v2() -> dict[str, Any]:
    """OmniSub moved to version 2: ConnectionItemC removed, ConnectionItemB/2 with a new property ``code``."""
    model = load_model("OmniSub")
    model["version"] = "2"
    model["createdTime"] = model["lastUpdatedTime"] = model["createdTime"] + 1000
    views = [view for view in model["views"] if view["externalId"] != "ConnectionItemC"]
    for view in views:
        if view["externalId"] == "ConnectionItemB":
            view["version"] = "2"
            view["properties"]["code"] = {
                "container": {"space": "sp_pygen_models", "externalId": "ConnectionItemBExtra"},
                "containerPropertyIdentifier": "code",
                "type": {"list": False, "collation": "ucs_basic", "type": "text"},
                "nullable": True,
                "immutable": False,
                "autoIncrement": False,
                "source": None,
                "defaultValue": None,
                "name": "code",
                "description": None,
            }
    model["views"] = views
    return model


def cdf_table(emulator: EmulatorProcess, *, oauth: bool = True) -> str:
    lines = ["[tool.pygen.cdf]", f'base-url = "{emulator.base_url}"', 'project = "emulated"']
    if oauth:
        lines += [f'client-id = "{CLIENT_ID}"', f'token-url = "{emulator.base_url}/oauth2/token"']
    return "\n".join(lines) + "\n"


def make_project(
    root: Path,
    pygen: str,
    *,
    name: str = "demo-sdk",
    own_code: bool = True,
    snapshots: Mapping[str, Mapping[str, Any]] | None = None,
    extra: str = "",
    dependencies: Sequence[str] = (),
) -> Path:
    """A project folder: pyproject.toml with the hook enabled and ``[tool.pygen]`` (TOML text), optional own code."""
    root.mkdir(parents=True, exist_ok=True)
    wheel = '[tool.hatch.build.targets.wheel]\npackages = ["src/demo_tools"]\n' if own_code else ""
    text = f"""\
        [build-system]
        requires = ["hatchling", "hatch-cognite-pygen"]
        build-backend = "hatchling.build"

        [project]
        name = "{name}"
        version = "1.0.0"
        requires-python = ">=3.10"
        dependencies = {json.dumps(list(dependencies))}

        [tool.hatch.build.targets.wheel.hooks.pygen]
        """
    (root / "pyproject.toml").write_text(textwrap.dedent(text) + wheel + extra + "\n" + pygen, encoding="utf-8")
    if own_code:
        (root / "src" / "demo_tools").mkdir(parents=True, exist_ok=True)
        (root / "src" / "demo_tools" / "__init__.py").write_text("ANSWER = 42\n", encoding="utf-8")
    for folder, model in (snapshots or {}).items():
        write_snapshot(snapshot_path(root / folder, ModelRef.from_model(model)), model)
    return root


# ---------------------------------------------------------------------------------------------- a misbehaving generator


def misbehave(monkeypatch: pytest.MonkeyPatch, files: Callable[[dict[str, str]], dict[str, str]]) -> None:
    """Make the generator misbehave: the real ``generate`` runs, then ``files`` rewrites the files it returns.

    Patches the seam ``generate_project`` imports from at call time (``pygen.generator._generate.generate``),
    so that the hook's checks of what the generator returns can be tested; the real generator never does this.
    """
    from pygen.generator import _generate

    real = _generate.generate

    def generate(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        return dataclasses.replace(result, files=files(dict(result.files)))

    monkeypatch.setattr(_generate, "generate", generate)


def generated_files(build_data: Mapping[str, Any]) -> dict[str, str]:
    """The files the hook force-included into the wheel: path in the wheel -> text."""
    return {
        relative: Path(source).read_text(encoding="utf-8") for source, relative in build_data["force_include"].items()
    }


# ---------------------------------------------------------------------------------------------- running the hook


class RecordingApp:
    """Stands in for hatchling's Application: records every message the hook displays."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        if not name.startswith("display"):
            raise AttributeError(name)

        def record(message: str = "", **kwargs: Any) -> None:
            self.messages.append((name, message))

        return record

    def text(self) -> str:
        return "\n".join(message for _, message in self.messages)


def new_build_data() -> dict[str, Any]:
    return {"artifacts": [], "force_include": {}, "dependencies": [], "force_include_editable": {}}


def run_hook(
    root: Path,
    *,
    target: str = "wheel",
    version: str = "standard",
    hook_config: Mapping[str, Any] | None = None,
) -> tuple[Any, dict[str, Any], RecordingApp]:
    """Construct ``PygenBuildHook`` directly (as hatch-vcs's tests do) and run ``initialize``."""
    from hatchling.metadata.core import ProjectMetadata
    from pygen_hatch.plugin import PygenBuildHook

    app = RecordingApp()
    metadata = ProjectMetadata(str(root), None)
    hook = PygenBuildHook(str(root), dict(hook_config or {}), None, metadata, str(root / "dist"), target, app)
    build_data = new_build_data()
    hook.initialize(version, build_data)
    return hook, build_data, app


def build_in_process(root: Path, out: Path, version: str = "standard") -> Path:
    """Build ``root``'s wheel with hatchling in this process (faster than a frontend); return the wheel."""
    from hatchling.builders.wheel import WheelBuilder

    (artifact,) = WheelBuilder(str(root)).build(directory=str(out), versions=[version])
    return Path(artifact)
