"""The runtime that generated SDKs import needs only httpx and pydantic.

An application that installs a generated SDK must never get (or import) the generator's
dependencies (jinja2, pyyaml, tomlkit), the fetch extra's (keyring, platformdirs, filelock), hatchling, nor the
emulator's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

RUNTIME_MODULES = ["pygen", "pygen.transport", "pygen.dms", "pygen.instances"]
FORBIDDEN = [
    "jinja2",
    "yaml",
    "tomlkit",
    "keyring",
    "platformdirs",
    "filelock",
    "hatchling",
    "starlette",
    "uvicorn",
    "pandas",
    "pygen.generator",
    "pygen.cli",
    "pygen.emulator",
    "pygen_hatch",
]


def test_importing_the_runtime_loads_no_generator_dependency() -> None:
    code = (
        "import json, sys\n"
        + "".join(f"import {name}\n" for name in RUNTIME_MODULES)
        + "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = set(json.loads(out))
    leaked = sorted(mod for mod in loaded for bad in FORBIDDEN if mod == bad or mod.startswith(bad + "."))
    assert leaked == [], f"the runtime imported generator-side modules: {leaked}"


@pytest.mark.slow
def test_runtime_wheel_requires_only_httpx_and_pydantic(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("cognite_pygen_runtime-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(zf.read(meta_name).decode())
    requires = metadata.get_all("Requires-Dist") or []
    names = {req: re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower() for req in requires}
    unconditional = sorted(name for req, name in names.items() if ";" not in req)
    assert unconditional == ["httpx", "pydantic"]
    extras = {
        **dict.fromkeys(["jinja2", "pyyaml", "tomlkit"], "generator"),
        **dict.fromkeys(["keyring", "platformdirs", "filelock"], "fetch"),
    }
    # `service` (pygen serve) is `cognite-pygen-runtime[generator,fetch]` plus its server: hatchling writes the
    # requirements of those two extras under it too.
    for req, name in names.items():
        assert name != "hatchling", req
        if name in extras:
            allowed = (extras[name], "service")
            assert any(req.replace("'", '"').endswith(f'extra == "{extra}"') for extra in allowed), (
                f"{req} must only come with the {extras[name]} extra"
            )
