"""A feature whose extra is not installed says which extra to install, never a bare ImportError."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from testdata import OMNI_MODEL

from pygen._extras import MissingExtraError
from pygen.fetch import load_snapshot
from pygen.generate import generate, load_sdk


@pytest.mark.parametrize("call", [generate, load_sdk], ids=["generate", "load_sdk"])
def test_generation_without_the_generator_extra(call: Callable[..., object], monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_snapshot(OMNI_MODEL)
    monkeypatch.setitem(sys.modules, "jinja2", None)  # what an installation without the extra looks like
    with pytest.raises(MissingExtraError) as info:
        call([model])
    assert str(info.value) == (
        "pygen.generate needs the 'generator' extra (jinja2 is not installed). "
        "Install it with: pip install 'cognite-pygen-runtime[generator]'"
    )
    assert isinstance(info.value, ImportError) and info.value.name == "jinja2"


@pytest.mark.parametrize(
    ("args", "module", "extra"),
    [
        (["emulator", "--help"], "starlette", "emulator"),
        (["generate", "--model-file", str(OMNI_MODEL), "--output", "unused"], "jinja2", "generator"),
        (["refresh", "--help"], "platformdirs", "generator"),
    ],
    ids=["emulator", "generate", "refresh"],
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
