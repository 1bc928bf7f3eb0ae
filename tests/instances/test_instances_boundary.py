"""pygen.instances is runtime: importing it loads no generator, emulator or optional dependency."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ["jinja2", "keyring", "platformdirs", "filelock", "starlette", "uvicorn", "pandas", "numpy"]
FORBIDDEN_PYGEN = ["pygen.fetch", "pygen.emulator", "pygen_hatch"]


def test_importing_the_instance_runtime_stays_light() -> None:
    code = "import json, sys\nimport pygen.instances\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = set(json.loads(out))
    leaked = sorted(
        mod for mod in loaded for bad in FORBIDDEN + FORBIDDEN_PYGEN if mod == bad or mod.startswith(bad + ".")
    )
    assert leaked == []
