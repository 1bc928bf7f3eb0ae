"""What a build pays for in imports: reading ``[tool.pygen]`` and generating from snapshots need no HTTP client.

The hook reads the configuration in every build (``load_config``) and, with the snapshots committed, generates
without fetching: neither may import httpx, the runtime's transport or pydantic (generating needs none of them,
tests/emit_python/test_generation_speed.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from _hatch_support import EXAMPLE_PROJECT


def _loaded(code: str, cache: Path) -> list[str]:
    """The modules ``code`` leaves in ``sys.modules`` (run in a fresh interpreter, caches under ``cache``)."""
    env = {**os.environ, "PYGEN_CACHE_DIR": str(cache)}
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.splitlines()[-1]))


def _of(modules: list[str], *packages: str) -> list[str]:
    return [name for name in modules for package in packages if name == package or name.startswith(package + ".")]


def test_reading_the_configuration_imports_no_pydantic_and_no_http_client(tmp_path: Path) -> None:
    code = f"from pygen.generator import load_config\nload_config({str(EXAMPLE_PROJECT)!r})"
    assert _of(_loaded(code, tmp_path), "pydantic", "pydantic_core", "httpx", "pygen.transport") == []


def test_the_hooks_build_from_snapshots_imports_no_pydantic_and_no_http_client(tmp_path: Path) -> None:
    code = (
        "import pygen_hatch.plugin\n"
        "from pygen.generator import generate_project\n"
        f"assert generate_project({str(EXAMPLE_PROJECT)!r}).result.files\n"
    )
    assert _of(_loaded(code, tmp_path), "pydantic", "pydantic_core", "httpx", "pygen.transport") == []
