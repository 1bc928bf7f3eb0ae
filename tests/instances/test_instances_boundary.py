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


def test_sync_use_never_imports_asyncio_or_thread_pools() -> None:
    """asyncio costs about 30 ms to import: only async clients (and parallel writes) pay for it."""
    code = (
        "import json, sys\n"
        "import pygen.instances, pygen.transport\n"
        "from pygen.transport import ClientConfig, HTTPClient, Token\n"
        "HTTPClient(ClientConfig('p', Token('t'))).close()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {'asyncio', 'concurrent'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert json.loads(out) == []
