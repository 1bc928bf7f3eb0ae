"""The Python blocks of the READMEs marked ```` ```python runnable ```` run, so the quick starts cannot rot.

The conventions a runnable block may rely on (the README's "Documentation that runs" says the same):

- the blocks of one Markdown file run in order, as one script, in a fresh interpreter, with the
  repository root as the working directory;
- ``pygen emulator`` runs at ``http://127.0.0.1:8765`` with the token ``demo-token`` and the example
  project's CogniteCore snapshot loaded (this test starts one on a free port and puts its address in
  place of that URL);
- the example SDK (``cognite_core``) is importable, as after installing the wheel that
  ``./example_project/build-wheel`` builds (this test generates the same package from the example project);
- ``MY_CLIENT_SECRET`` is set (to a dummy: a block may build CDF credentials, but nothing reaches CDF).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from testdata import REPO_ROOT

from pygen.emulator.testing import EmulatorProcess

DOCUMENTED_URL = "http://127.0.0.1:8765"
DOCUMENTED_TOKEN = "demo-token"
EXAMPLE = REPO_ROOT / "example_project"
SNAPSHOT = EXAMPLE / "snapshots" / "cdf_cdm.CogniteCore.v1.json"
RUNNABLE = re.compile(r"^```python runnable\n(.*?)^```$", re.MULTILINE | re.DOTALL)
#: Folders whose Markdown is not ours to run (generated trees, dependencies, environments).
SKIPPED_PARTS = {"node_modules", "golden", "build", "dist", "wheelhouse"}


def runnable_blocks(text: str) -> list[str]:
    """The runnable Python blocks of a Markdown text, in order."""
    return RUNNABLE.findall(text)


def documents() -> list[Path]:
    """Every Markdown file of the repository that has a runnable block."""
    found = []
    for path in sorted(REPO_ROOT.rglob("*.md")):
        parts = path.relative_to(REPO_ROOT).parts
        if any(part in SKIPPED_PARTS or part.startswith(".") for part in parts):
            continue
        if runnable_blocks(path.read_text(encoding="utf-8")):
            found.append(path)
    return found


DOCUMENTS = documents()


def test_the_readmes_with_quick_starts_have_runnable_blocks() -> None:
    shown = {path.relative_to(REPO_ROOT).as_posix() for path in DOCUMENTS}
    assert {
        "README.md",
        "pygen/generator/emit/python/README.md",
        "pygen/generator/ir/README.md",
        "pygen/instances/README.md",
    } <= shown
    assert {"pygen/transport/README.md", "pygen/dms/README.md"} <= shown


def test_the_block_parser_takes_only_marked_python_blocks() -> None:
    text = "```python\nskipped()\n```\n\n```python runnable\nfirst()\n```\n"
    text += "```bash\nls\n```\n```python runnable\nx = 1\n```\n"
    assert runnable_blocks(text) == ["first()\n", "x = 1\n"]


@pytest.fixture(scope="module")
def example_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project's SDK, generated as its wheel build does; the folder goes on PYTHONPATH."""
    out = tmp_path_factory.mktemp("example-sdk")
    command = [sys.executable, "-m", "pygen", "generate", "--project", str(EXAMPLE), "--output", str(out)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "cognite_core" / "__init__.py").is_file()
    return out


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("--model-file", str(SNAPSHOT), "--token", DOCUMENTED_TOKEN) as process:
        yield process


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(REPO_ROOT).as_posix())
def test_runnable_blocks_run(document: Path, example_sdk: Path, emulator: EmulatorProcess, tmp_path: Path) -> None:
    blocks = runnable_blocks(document.read_text(encoding="utf-8"))
    script = "\n".join(block.replace(DOCUMENTED_URL, emulator.base_url) for block in blocks)
    (tmp_path / "blocks.py").write_text(script, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(example_sdk), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "MY_CLIENT_SECRET": "not-a-secret",
    }
    result = subprocess.run(
        [sys.executable, str(tmp_path / "blocks.py")], capture_output=True, text=True, cwd=REPO_ROOT, env=env
    )
    assert result.returncode == 0, f"{document}: the runnable blocks failed\n{result.stdout}{result.stderr}"
