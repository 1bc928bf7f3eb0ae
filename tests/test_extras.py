"""A feature whose extra is not installed says which extra to install, never a bare ImportError."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from testdata import OMNI_MODEL

from pygen._extras import FETCH_MODULES, FETCH_REQUIREMENTS, MissingExtraError, missing_extra_message
from pygen.generator import generate, load_sdk
from pygen.generator.fetch import load_snapshot


@pytest.mark.parametrize("call", [generate, load_sdk], ids=["generate", "load_sdk"])
def test_generation_without_the_generator_extra(call: Callable[..., object], monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_snapshot(OMNI_MODEL)
    monkeypatch.setitem(sys.modules, "jinja2", None)  # what an installation without the extra looks like
    with pytest.raises(MissingExtraError) as info:
        call([model])
    assert str(info.value) == (
        "pygen.generator._generate needs the 'generator' extra (jinja2 is not installed). "
        "Install it with: pip install 'cognite-pygen-runtime[generator]'"
    )
    assert isinstance(info.value, ImportError) and info.value.name == "jinja2"


@pytest.mark.parametrize(
    ("args", "module", "extra"),
    [
        (["emulator", "--help"], "starlette", "emulator"),
        (["generate", "--model-file", str(OMNI_MODEL), "--output", "unused"], "jinja2", "generator"),
        (["refresh"], "keyring", "fetch"),
        (["refresh", "--check"], "filelock", "fetch"),
        (["serve", "--help"], "uvicorn", "service"),
    ],
    ids=["emulator", "generate", "refresh", "refresh-check", "serve"],
)
def test_cli_command_without_its_extra(args: list[str], module: str, extra: str, tmp_path: Path) -> None:
    code = f"import sys; sys.modules[{module!r}] = None\nfrom pygen.cli import main\nraise SystemExit(main({args!r}))\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert not (tmp_path / "unused").exists()
    assert result.stderr == (
        f"pygen: this command needs the '{extra}' extra ({module} is not installed). "
        f"Install it with: pip install 'cognite-pygen-runtime[{extra}]'\n"
    )


def test_the_fetch_extra_is_what_the_hook_asks_for() -> None:
    """pygen._extras.FETCH_REQUIREMENTS (what the hatch hook names when a build must fetch) is the `fetch` extra."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert tuple(project["optional-dependencies"]["fetch"]) == FETCH_REQUIREMENTS
    assert [re.split(r"[<>=~!]", requirement)[0] for requirement in FETCH_REQUIREMENTS] == list(FETCH_MODULES)
    generator = " ".join(project["optional-dependencies"]["generator"])
    assert not any(module in generator for module in FETCH_MODULES)


def test_refreshing_without_the_fetch_extra_says_which_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pygen.generator.config import load_config
    from pygen.generator.fetch import refresh

    monkeypatch.setitem(sys.modules, "platformdirs", None)
    (tmp_path / "pyproject.toml").write_text('[tool.pygen]\nmodels = ["a:b/1"]\n', encoding="utf-8")
    with pytest.raises(MissingExtraError) as info:
        refresh(load_config(tmp_path), tmp_path)
    assert str(info.value) == (
        "refreshing the snapshots needs the 'fetch' extra (platformdirs is not installed). "
        "Install it with: pip install 'cognite-pygen-runtime[fetch]'"
    )


def test_a_hatch_environment_is_told_to_add_the_extra_to_its_dependencies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATCH_ENV_ACTIVE", "pygen")
    assert missing_extra_message("fetch", "keyring", "pygen refresh") == (
        "pygen refresh needs the 'fetch' extra (keyring is not installed). This runs in hatch's 'pygen' environment: "
        'add the extra to [tool.hatch.envs.pygen] dependencies in pyproject.toml (e.g. "hatch-cognite-pygen[fetch]" '
        'or "cognite-pygen-runtime[fetch]"); hatch installs that list at the next `hatch run`'
    )
