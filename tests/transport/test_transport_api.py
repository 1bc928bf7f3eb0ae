"""The public surface of pygen.transport: exactly ``__all__``, public module paths, and a light import."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pygen.transport as transport


def test_all_matches_public_attributes() -> None:
    public = {
        name
        for name, value in vars(transport).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"
    }
    assert public == set(transport.__all__)


def test_classes_report_the_public_module() -> None:
    for name in transport.__all__:
        value = getattr(transport, name)
        if isinstance(value, type):
            assert value.__module__ == "pygen.transport", name


def test_import_loads_no_other_pygen_package_nor_pydantic() -> None:
    """The transport sits below everything else: it imports the stdlib and httpx only."""
    code = "import json, sys; import pygen.transport; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
    pygen_modules = {name for name in loaded if name == "pygen" or name.startswith("pygen.")}
    # pygen.errors: PygenError; pygen._urls: the cluster URL rules shared with the generator; both stdlib only
    allowed = {"pygen", "pygen._version", "pygen.errors", "pygen._urls"}
    assert all(name in allowed or name.startswith("pygen.transport") for name in pygen_modules)
    for forbidden in ("pydantic", "jinja2", "keyring", "platformdirs", "filelock", "starlette", "uvicorn"):
        assert forbidden not in loaded
