"""``pygen generate --language typescript`` and ``--project DIR``; TypeScript naming rules and errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from _ts_support import MODELS_DIR, REPO_ROOT, hostile_model, load_model, mapped, model, view

from pygen.cli._generate import main
from pygen.dms import DataModel
from pygen.generator import GenerationError, generate
from pygen.generator.emit.typescript import typescript_names
from pygen.generator.ir import build_ir

EXAMPLE = REPO_ROOT / "example_project"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_model_file_writes_the_sdk_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "--model-file", str(MODELS_DIR / "OmniSub.json"), "--language",
        "typescript", "--output", str(tmp_path), "--client-name", "SubClient", "--instance-space", "my_space",
    )  # fmt: skip
    assert code == 0, out
    client = (tmp_path / "omni_sub" / "client.ts").read_text(encoding="utf-8")
    assert "export class SubClient {" in client
    assert 'instanceSpace: "my_space", ...clientOptions' in client
    assert (tmp_path / "omni_sub" / "runtime" / "index.ts").is_file()
    assert "wrote" in out and "SubClient" in out


def test_project_uses_tool_pygen_and_the_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE / "snapshots", project / "snapshots")
    shutil.copy(EXAMPLE / "pyproject.toml", project / "pyproject.toml")
    code, out, err = _run(
        capsys, "--project", str(project), "--language", "typescript", "--output", str(tmp_path / "o")
    )
    assert code == 0, err
    assert "from the snapshot" in err
    assert "export class CogniteCoreClient {" in (tmp_path / "o" / "cognite_core" / "client.ts").read_text()


def test_project_options_given_on_the_command_line_win(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--project", str(EXAMPLE), "--language", "typescript", "--output", str(tmp_path), "--package", "core"]
    code, _, err = _run(capsys, *args, "--client-name", "Core")
    assert code == 0, err
    assert "export class Core {" in (tmp_path / "core" / "client.ts").read_text()


def test_project_without_pyproject_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--project", str(tmp_path), "--language", "typescript", "--output", str(tmp_path))
    assert code == 2
    assert f"{tmp_path / 'pyproject.toml'}: file not found" in err


def test_project_without_snapshot_or_cdf_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pygen]\nmodels = ["sp:Missing/v1"]\n', encoding="utf-8")
    code, _, err = _run(capsys, "--project", str(tmp_path), "--language", "typescript", "--output", str(tmp_path))
    assert code == 2
    assert "no snapshot of sp:Missing/v1" in err


def test_project_and_model_file_are_exclusive(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--project", ".", "--model-file", "x.json", "--output", str(tmp_path)])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"client_name": "my-client"}, "client name 'my-client' is not a TypeScript identifier"),
        ({"client_name": "Promise"}, "client name 'Promise' is not a TypeScript identifier, or is reserved"),
        ({"package": "../up"}, "package folder '../up' must be"),
    ],
)
def test_bad_names_are_errors(options: dict[str, str], message: str) -> None:
    with pytest.raises(GenerationError, match="typescript-invalid-name") as exc:
        generate([load_model("OmniSub")], language="typescript", **options)
    assert message in str(exc.value)


def test_hostile_names() -> None:
    sdk, _ = build_ir([DataModel.load(hostile_model())])
    assert sdk is not None
    names, diagnostics = typescript_names(sdk, package="hostile")
    by_id = {ref.external_id: n for ref, n in names.views.items()}
    assert by_id["Node"].base == "Node_"  # a runtime export
    assert by_id["Date"].base == "Date_"  # a global
    assert by_id["FooWrite"].base == "FooWrite_2"  # Foo's write type
    assert by_id["3d"].base == "View3d"
    assert by_id["Ünïcödé"].base == "Unicode"
    assert by_id["instances"].member == "instances_"  # the client's own member
    assert by_id["toString"].member == "toString_"  # Object.prototype
    assert by_id["class"].member == "class_"
    codes = {d.code for d in diagnostics}
    assert {"typescript-reserved-name", "typescript-name-collision", "typescript-invalid-identifier"} <= codes
    assert all(d.level == ("warning" if d.code == "typescript-name-collision" else "info") for d in diagnostics)


def test_files_are_unique_ignoring_case() -> None:
    files = generate(
        [model("Case", [view("Pump", {"a": mapped("text")}), view("PUMP", {"a": mapped("text")})])],
        language="typescript",
    ).files
    views = sorted(path for path in files if "/views/" in path)
    assert len({path.lower() for path in views}) == len(views) == 2


def test_runtime_exports_are_read_from_the_runtime_index() -> None:
    from pygen.generator.emit.typescript._naming import runtime_exports

    names = runtime_exports()
    assert {"Node", "NodeApi", "Filter", "HttpClient", "Token", "VERSION", "JsonValue", "toNodeId"} <= names
    assert not any(" " in name or name == "type" for name in names)


def test_api_members_cover_the_runtime_view_api_classes() -> None:
    """Every member the runtime's ViewApi/NodeApi/EdgeApi declare is reserved for connection methods."""
    import re

    from pygen.generator.emit.typescript import RUNTIME_DIR
    from pygen.generator.emit.typescript._naming import API_MEMBERS

    text = (RUNTIME_DIR / "views.ts").read_text(encoding="utf-8")
    declared: set[str] = set()
    for match in re.finditer(r"^export (?:abstract )?class (ViewApi|NodeApi|EdgeApi)\b.*?^}", text, re.M | re.S):
        body = match.group(0).split("{\n", 1)[1]  # the members, below the heading (it may take several lines)
        members = re.findall(
            r"^  (?:(?:protected|abstract|readonly|async|static|get|override)\s+)*\*?(\w+)\s*[(<:?]", body, re.M
        )
        declared.update(members)
    assert {"retrieve", "list", "aggregate", "parseProperties"} <= declared
    assert declared - {"constructor"} <= API_MEMBERS


GENERATE_MJS = EXAMPLE / "typescript" / "scripts" / "generate.mjs"
GENERATE_HINT = (
    "Set up the repository's .venv with ./example_project/build-wheel (from the repository root), install pygen "
    '(pip install "cognite-pygen-runtime[generator]"), or set PYGEN_PYTHON to a Python that has it.'
)


def _npm_generate(python: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "node is not installed: the TypeScript example's build script needs Node.js 20 or newer"
    env = {**os.environ, "PYGEN_PYTHON": python}
    return subprocess.run([node, str(GENERATE_MJS)], capture_output=True, text=True, env=env, timeout=60)


def test_npm_generate_names_a_python_without_pygen(tmp_path: Path) -> None:
    python = tmp_path / "python-without-pygen"
    python.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'pygen'\" >&2\nexit 1\n")
    python.chmod(0o755)
    result = _npm_generate(str(python))
    assert result.returncode == 1
    assert result.stderr.strip() == f"npm run generate: {python} has no pygen (import pygen failed). {GENERATE_HINT}"


def test_npm_generate_names_a_python_that_cannot_run(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-python"
    result = _npm_generate(str(missing))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"npm run generate: cannot run {missing} (spawnSync {missing} ENOENT). {GENERATE_HINT}"
    )
