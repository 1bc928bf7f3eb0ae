"""Public surface of the IR and the Python naming/escaping layer; what importing them pulls in."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

PACKAGES = ["pygen.generator.ir", "pygen.generator.emit", "pygen.generator.emit.python"]


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_and_resolves(package: str) -> None:
    module = importlib.import_module(package)
    exported = list(module.__all__)
    assert exported == sorted(exported)
    assert [name for name in exported if not hasattr(module, name)] == []


def test_generator_side_imports_no_template_engine() -> None:
    # Templates come later with the emitter; the IR and the filters must stay importable without jinja2.
    code = (
        "import json, sys\nimport pygen.generator.ir, pygen.generator.emit.python\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = set(json.loads(result.stdout))
    assert not {"jinja2", "keyring", "starlette", "uvicorn", "pygen.emulator", "pygen.generator.fetch"} & modules
