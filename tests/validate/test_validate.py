"""`pygen validate`: the output and exit status on every test model, on broken models and on bad input.

The expected outputs are in ``expected/`` (``PYGEN_UPDATE_GOLDEN=1`` rewrites them from what the command
prints now: review the diff). Validating writes nothing: no package, no snapshot, no cache entry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from testdata import MODEL_NAMES, MODELS_DIR, REPO_ROOT

from pygen.cli import _validate

EXPECTED = Path(__file__).parent / "expected"
UPDATE = os.environ.get("PYGEN_UPDATE_GOLDEN") == "1"
COLLIDE = MODELS_DIR / "collide"
EXAMPLE = REPO_ROOT / "example_project"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = _validate.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _golden(name: str, text: str) -> None:
    path = EXPECTED / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


CASES: dict[str, list[str]] = {
    **{name: ["--model-file", str(MODELS_DIR / f"{name}.json")] for name in MODEL_NAMES},
    "collide": [
        arg
        for name in ("PlantModel", "LegacyModel", "OtherModel")
        for arg in ("--model-file", str(COLLIDE / f"{name}.json"))
    ],
    "collide-typescript": [
        "--language",
        "typescript",
        *(
            arg
            for name in ("PlantModel", "LegacyModel", "OtherModel")
            for arg in ("--model-file", str(COLLIDE / f"{name}.json"))
        ),
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_test_model(case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    code, out, err = _run(
        capsys, *(os.path.relpath(arg, REPO_ROOT) if arg.startswith("/") else arg for arg in CASES[case])
    )
    assert code == 0 and err == ""
    _golden(f"{case}.txt", out)
    assert out.splitlines()[-1].startswith("pygen validate: generatable: 0 errors, ")


def test_the_json_schema(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    code, out, _ = _run(
        capsys,
        "--model-file",
        "tests/data/models/collide/PlantModel.json",
        "--model-file",
        "tests/data/models/collide/LegacyModel.json",
        "--model-file",
        "tests/data/models/collide/OtherModel.json",
        "--format",
        "json",
    )
    assert code == 0
    _golden("collide.json", out)
    report = json.loads(out)
    assert list(report) == [
        "schema",
        "ok",
        "input_error",
        "language",
        "models",
        "package",
        "client_name",
        "counts",
        "diagnostics",
    ]
    assert report["schema"] == "pygen-validate/1" and report["ok"] is True and report["input_error"] is None
    assert report["counts"] == {"error": 0, "warning": 1, "info": 3}
    assert [d["level"] for d in report["diagnostics"]] == ["warning", "info", "info", "info"]
    assert all(list(d) == ["level", "item", "code", "message"] for d in report["diagnostics"])


def test_text_and_json_list_the_same_diagnostics_as_generate(capsys: pytest.CaptureFixture[str]) -> None:
    from pygen.generator import generate
    from pygen.generator.fetch import load_snapshot

    model = load_snapshot(MODELS_DIR / "WindTurbine.json")
    expected = [str(d) for d in generate([model], format=False).diagnostics]
    code, out, _ = _run(capsys, "--model-file", str(MODELS_DIR / "WindTurbine.json"))
    assert code == 0 and [line[2:] for line in out.splitlines() if line.startswith("  ")] == expected
    code, out, _ = _run(capsys, "--model-file", str(MODELS_DIR / "WindTurbine.json"), "--format", "json")
    shown = [f"{d['level']}: {d['item']}: {d['message']} [{d['code']}]" for d in json.loads(out)["diagnostics"]]
    assert code == 0 and shown == expected


# ---------------------------------------------------------------------------------------------- broken models


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_a_model_without_views_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "empty.json", {"space": "sp", "externalId": "Empty", "version": "1", "views": []})
    code, out, err = _run(capsys, "--model-file", path)
    assert code == 1 and err == ""
    assert out == (
        "pygen validate: sp:Empty/1 -> no SDK (python)\n"
        "errors (1)\n"
        "  error: sp:Empty/1: the data model has no view to generate [no-views]\n"
        "warnings (0)\n"
        "renames (0)\n"
        "pygen validate: not generatable (fix the errors above): 1 error, 0 warnings, 0 renames\n"
    )
    code, out, _ = _run(capsys, "--model-file", path, "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["package"] is None and report["client_name"] is None
    assert report["diagnostics"] == [
        {
            "level": "error",
            "item": "sp:Empty/1",
            "code": "no-views",
            "message": "the data model has no view to generate",
        }
    ]


def test_two_views_with_one_name_are_errors_and_view_names_fix_them(capsys: pytest.CaptureFixture[str]) -> None:
    files = [arg for name in ("PlantModel", "LegacyModel") for arg in ("--model-file", str(COLLIDE / f"{name}.json"))]
    code, out, _ = _run(capsys, *files, "--view-name", "collide_a:Pump/1=Pump")
    assert code == 1
    assert out.count("[duplicate-view-name]") == 2 and "2 errors, 0 warnings, 0 renames" in out
    code, out, _ = _run(capsys, *files, "--view-name", "collide_a:Pump/1=LegacyPump")
    assert code == 0 and out.endswith("pygen validate: generatable: 0 errors, 0 warnings, 0 renames\n")


def test_broken_views_are_warnings_and_bad_options_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = json.loads((MODELS_DIR / "OmniSub.json").read_text(encoding="utf-8"))
    view = model["views"][0]
    first = next(iter(view["properties"]))
    view["properties"][first]["type"] = {"type": "vector", "list": False}
    path = _write(tmp_path, "odd.json", model)
    code, out, _ = _run(capsys, "--model-file", path, "--format", "json")
    report = json.loads(out)
    assert code == 0 and "unknown-property-type" in {d["code"] for d in report["diagnostics"]}
    code, out, _ = _run(capsys, "--model-file", path, "--package", "pydantic", "--view-name", "sp:Nope/1=Other")
    assert code == 1
    assert "[python-invalid-name]" in out or "[unknown-view-name]" in out
    assert out.splitlines()[-1].startswith("pygen validate: not generatable")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file or folder"),
        ("{not json", "not valid JSON"),
        ({"foo": 1}, "not a data model"),
    ],
    ids=["missing", "not-json", "not-a-model"],
)
def test_unreadable_model_files_are_bad_input(
    content: Any, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "model.json", content) if content is not None else str(tmp_path / "model.json")
    code, out, err = _run(capsys, "--model-file", path)
    assert code == 2 and out == "" and err.startswith("pygen validate: error: ") and message in err, err
    code, out, err = _run(capsys, "--model-file", path, "--format", "json")
    report = json.loads(out)
    assert code == 2 and err == "" and report["ok"] is False and message in report["input_error"]
    assert report["diagnostics"] == [] and report["counts"] == {"error": 0, "warning": 0, "info": 0}


def test_a_bad_view_name_option_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--model-file", str(MODELS_DIR / "OmniSub.json"), "--view-name", "nonsense")
    assert code == 2 and "--view-name 'nonsense' must be" in err


def test_no_source_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        _validate.main([])
    assert (
        caught.value.code == 2 and "one of the arguments --model-file --project is required" in capsys.readouterr().err
    )


# ---------------------------------------------------------------------------------------------- projects


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_a_project_is_validated_from_its_snapshots_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "example"
    shutil.copytree(
        EXAMPLE, project, ignore=shutil.ignore_patterns("dist", "build", "node_modules", ".*", "typescript")
    )
    cache = tmp_path / "cache"
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(cache))
    monkeypatch.chdir(tmp_path)
    before = _tree(tmp_path)
    code, out, _ = _run(capsys, "--project", "example")
    assert code == 0
    assert out.startswith("pygen validate: cdf_cdm:CogniteCore/v1 -> package cognite_core, client CogniteCoreClient")
    assert out == (EXPECTED / "CogniteCore.txt").read_text(encoding="utf-8")  # as the snapshot's own model file
    assert _tree(tmp_path) == before and not cache.exists()
    # Options win over [tool.pygen], as in `pygen generate --project`.
    code, out, _ = _run(capsys, "--project", "example", "--client-name", "CoreClient", "--language", "typescript")
    assert code == 0 and "-> package cognite_core, client CoreClient (typescript)" in out


def test_project_problems_are_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pygen]\nmodels = ["sp:Missing/1"]\n', encoding="utf-8")
    code, _, err = _run(capsys, "--project", str(tmp_path))
    assert code == 2 and "no snapshot of sp:Missing/1" in err and "never fetches" in err
    (tmp_path / "pyproject.toml").write_text('[tool.pygen]\ndata_models = [["a", "b", "c"]]\n', encoding="utf-8")
    code, out, _ = _run(capsys, "--project", str(tmp_path), "--format", "json")
    report = json.loads(out)
    assert code == 2 and "is a pygen v1 (cognite-pygen) table" in report["input_error"]
    assert "Run `pygen migrate`" in report["input_error"]
    assert [path.name for path in tmp_path.iterdir()] == ["pyproject.toml"]


def test_the_command_line_runs_validate() -> None:
    command = [sys.executable, "-m", "pygen", "validate", "--model-file", str(MODELS_DIR / "OmniSub.json")]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("pygen validate: sp_pygen_models:OmniSub/1 -> ")
