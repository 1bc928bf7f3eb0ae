"""What the `pygen serve` tests share: archives read back, `pygen generate`'s own output, synthetic models."""

from __future__ import annotations

import ast
import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

from testdata import MODELS_DIR, REPO_ROOT

from pygen.cli import main as pygen

TOKEN = "serve-test-token-0123456789"
HOSTILE_MODEL = REPO_ROOT / "tests" / "golden" / "hostile" / "model.json"
#: Text of the hostile model that must stay inside string literals (tests/emit_python/_emit_support.py).
SENTINEL = "PWNED_SENTINEL"


def model_path(name: str) -> Path:
    return MODELS_DIR / f"{name}.json"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def unpack(data: bytes, fmt: str = "tar.gz") -> dict[str, bytes]:
    """The files of an archive the service answered (path -> bytes)."""
    if fmt in ("zip", "wheel"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        files = {}
        for member in archive.getmembers():
            assert member.isfile(), member.name
            extracted = archive.extractfile(member)
            assert extracted is not None
            files[member.name] = extracted.read()
        return files


def cli_generate(model_files: list[Path], language: str, output: Path, *args: str) -> dict[str, bytes]:
    """What `pygen generate --model-file ... --output OUTPUT` writes, read back (path under OUTPUT -> bytes)."""
    files = [arg for path in model_files for arg in ("--model-file", str(path))]
    assert pygen(["generate", *files, "--language", language, "--output", str(output), *args]) == 0
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in output.rglob("*") if path.is_file()}


def text_view(external_id: str, properties: int, space: str = "sp_big") -> dict[str, Any]:
    """A view with ``properties`` text properties in one container."""
    container = {"type": "container", "space": space, "externalId": "Big"}
    return {
        "space": space,
        "externalId": external_id,
        "version": "1",
        "usedFor": "node",
        "writable": True,
        "implements": [],
        "properties": {
            f"p{index}": {
                "container": container,
                "containerPropertyIdentifier": f"p{index}",
                "type": {"type": "text", "list": False},
                "nullable": True,
            }
            for index in range(properties)
        },
    }


def big_model(views: int, properties: int, external_id: str = "Big") -> dict[str, Any]:
    """A model of ``views`` views with ``properties`` text properties each."""
    return {
        "space": "sp_big",
        "externalId": external_id,
        "version": "1",
        "views": [text_view(f"View{index}", properties) for index in range(views)],
    }


def model_text_outside_strings(files: dict[str, bytes]) -> list[str]:
    """Where the hostile model's text leaves a string literal in generated Python (empty: inert code)."""
    import tokenize

    found = []
    for path, data in files.items():
        if not path.endswith(".py"):
            continue
        text = data.decode("utf-8")
        ast.parse(text, filename=path)
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if SENTINEL in token.string and token.type != tokenize.STRING:
                found.append(f"{path}:{token.start}")
    return found
