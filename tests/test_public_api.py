"""Every package's public surface is its ``__all__``: sorted, and every name resolves."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["pygen", "pygen.transport", "pygen.dms", "pygen.instances", "pygen.generator.fetch", "pygen.emulator"]


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_and_resolves(package: str) -> None:
    module = importlib.import_module(package)
    exported = list(module.__all__)
    assert exported == sorted(exported), f"{package}.__all__ is not sorted"
    assert len(exported) == len(set(exported)), f"{package}.__all__ has duplicates"
    missing = [name for name in exported if not hasattr(module, name)]
    assert missing == [], f"{package}.__all__ names missing attributes: {missing}"


def test_cli_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    from pygen import __version__
    from pygen.cli import main

    assert main(["--help"]) == 0
    assert "emulator" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"pygen {__version__}"
    assert main(["no-such-command"]) == 2
    assert "unknown command 'no-such-command'" in capsys.readouterr().err


def test_distribution_versions_agree() -> None:
    """The hook pins the runtime at its own version: the two pyproject files must agree."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    from pathlib import Path

    from pygen import __version__

    root = Path(__file__).resolve().parent.parent
    runtime = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    hook = tomllib.loads((root / "pygen_hatch" / "pyproject.toml").read_text())["project"]
    assert runtime["version"] == hook["version"] == __version__
    assert f"cognite-pygen-runtime[generator]=={__version__}" in hook["dependencies"]
