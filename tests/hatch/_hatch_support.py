"""Helpers for the hatch hook, refresh and example-project tests (imported by name, like the other areas)."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from testdata import MODELS_DIR, REPO_ROOT

from pygen.emulator.testing import EmulatorProcess
from pygen.generator.fetch import ModelRef, snapshot_path, write_snapshot

EXAMPLE_PROJECT = REPO_ROOT / "example_project"
CLIENT_ID = "pygen-test-client"
# Recognizable secrets: tests grep every artifact for them.
CLIENT_SECRET = "s3cret-Z9q-never-in-any-file"
TOKEN = "tok-Q7w-never-in-any-file"


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


# ---------------------------------------------------------------------------------------------- fake generator


@dataclasses.dataclass(frozen=True)
class FakeDiagnostic:
    level: str
    item: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.item}: {self.message} [{self.code}]"


@dataclasses.dataclass(frozen=True)
class FakeResult:
    files: dict[str, str]
    diagnostics: list[FakeDiagnostic]
    package: str
    client_name: str


class FakeGenerationError(Exception):
    """Like ``pygen.generator._generate.GenerationError``: the message lists every diagnostic."""

    def __init__(self, message: str, diagnostics: Sequence[FakeDiagnostic]) -> None:
        super().__init__("\n".join([message, *(f"  {d}" for d in diagnostics)]))
        self.diagnostics = list(diagnostics)


@dataclasses.dataclass
class FakeGenerator:
    """Stands in for ``pygen.generator._generate``: a small, deterministic, importable package listing the views."""

    calls: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    diagnostics: list[FakeDiagnostic] = dataclasses.field(default_factory=list)
    fail: bool = False
    files: Callable[[str], dict[str, str]] | None = None

    def generate(
        self,
        models: Sequence[Mapping[str, Any]],
        *,
        language: str = "python",
        package: str | None = None,
        client_name: str | None = None,
        instance_space: str | None = None,
        view_names: Mapping[str, str] | None = None,
    ) -> FakeResult:
        self.calls.append(
            {"models": list(models), "language": language, "package": package, "view_names": dict(view_names or {})}
        )
        if self.fail:
            raise FakeGenerationError("1 error", [FakeDiagnostic("error", "sp:V/1", "no-views", "broken")])
        package = package or "generated_sdk"
        client = client_name or "GeneratedClient"
        views = sorted(f"{view['space']}:{view['externalId']}/{view['version']}" for m in models for view in m["views"])
        files = (
            self.files(package)
            if self.files
            else {
                f"{package}/__init__.py": (
                    f'"""Generated by pygen (fake)."""\n\nfrom {package}._client import {client}\n\n'
                    f"VIEWS = {views!r}\n__all__ = [{client!r}, 'VIEWS']\n"
                ),
                f"{package}/_client.py": f"class {client}:\n    instance_space = {instance_space!r}\n",
                f"{package}/py.typed": "",
            }
        )
        return FakeResult(files, list(self.diagnostics), package, client)


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
    """Build ``root``'s wheel with hatchling in this process (so a faked generator applies); return the wheel."""
    from hatchling.builders.wheel import WheelBuilder

    (artifact,) = WheelBuilder(str(root)).build(directory=str(out), versions=[version])
    return Path(artifact)
