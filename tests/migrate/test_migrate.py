"""`pygen migrate`: v1 `[tool.pygen]` tables in, pygen's tables out, byte for byte; refusals change nothing.

Each folder under ``cases/`` holds a v1 ``pyproject.toml`` (``v1.toml``), maybe v1's ``.secret.toml``
(``secret.toml``), the expected file after the migration (``expected.toml``; absent when the migration is
refused: the file must be left as it was) and the expected output and exit status (``expected.txt``).
``PYGEN_UPDATE_GOLDEN=1`` rewrites the expected files from what the command does now (review the diff).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import MODELS_DIR

from pygen.cli import _migrate
from pygen.cli._migrate import MigrationRefused, migrate_text
from pygen.generator.config import ConfigError, load_config, parse_config

CASES = Path(__file__).parent / "cases"
SECRET = "s3cret-Z9q-never-in-any-file"
UPDATE = os.environ.get("PYGEN_UPDATE_GOLDEN") == "1"


def _project(case: str, root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CASES / case / "v1.toml", root / "pyproject.toml")
    if (CASES / case / "secret.toml").is_file():
        shutil.copyfile(CASES / case / "secret.toml", root / ".secret.toml")
    return root


def _run(project: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """``pygen migrate`` in-process from inside ``project``; its output and exit status as one text."""
    monkeypatch.chdir(project)
    code = _migrate.main(["--project", ".", *args])
    out, err = capsys.readouterr()
    return f"--- stdout\n{out}--- stderr\n{err}--- exit {code}\n"


@pytest.mark.parametrize("case", sorted(path.name for path in CASES.iterdir() if path.is_dir()))
def test_v1_tables_migrate_to_the_expected_files(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(case, tmp_path / case)
    before = (project / "pyproject.toml").read_bytes()
    secret_before = (project / ".secret.toml").read_bytes() if (project / ".secret.toml").exists() else None
    output = _run(project, monkeypatch=monkeypatch, capsys=capsys)
    after = (project / "pyproject.toml").read_bytes()
    expected_toml, expected_txt = CASES / case / "expected.toml", CASES / case / "expected.txt"
    if UPDATE:
        expected_txt.write_text(output, encoding="utf-8")
        if after != before:
            expected_toml.write_bytes(after)
    assert output == expected_txt.read_text(encoding="utf-8")
    if expected_toml.is_file():
        assert after == expected_toml.read_bytes()
    else:
        assert after == before  # refused: nothing written
    # v1's .secret.toml is left alone, and its secret is never copied or printed.
    if secret_before is not None:
        assert (project / ".secret.toml").read_bytes() == secret_before
    assert SECRET not in output
    if expected_toml.is_file():
        assert SECRET.encode() not in after
    assert sorted(path.name for path in project.iterdir()) == sorted(
        ["pyproject.toml", *([".secret.toml"] if secret_before is not None else [])]
    ), "no temporary file is left"


@pytest.mark.parametrize("case", ["entra", "oidc", "private_link", "hatch_project"])
def test_migrated_tables_are_valid_and_migrate_refuses_them_again(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (CASES / case / "expected.toml").read_text(encoding="utf-8")
    config = parse_config(_tool_pygen(text))
    assert config.models and config.cdf is not None
    project = tmp_path / case
    project.mkdir()
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    output = _run(project, monkeypatch=monkeypatch, capsys=capsys)
    assert "is already in pygen's format: nothing to migrate" in output and output.endswith("--- exit 2\n")


def _tool_pygen(text: str) -> object:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib.loads(text)["tool"]["pygen"]


def test_dry_run_prints_the_diff_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project("entra", tmp_path / "p")
    before = (project / "pyproject.toml").read_bytes()
    output = _run(project, "--dry-run", monkeypatch=monkeypatch, capsys=capsys)
    assert (project / "pyproject.toml").read_bytes() == before
    assert output.startswith("--- stdout\n--- pyproject.toml (v1)\n+++ pyproject.toml (pygen)\n@@ ")
    assert "\n-data_models = [\n" in output and "\n+models = [\n" in output
    assert '\n+    "IntegrationTestsImmutable:Movie/2",  # the main model\n' in output
    assert "+[tool.pygen.cdf]\n" in output
    assert "[tool.pygen] would change from v1:" in output
    assert "pygen migrate: dry run: nothing written" in output and output.endswith("--- exit 0\n")
    # The diff applied gives exactly what a real run writes.
    _run(project, monkeypatch=monkeypatch, capsys=capsys)
    assert (project / "pyproject.toml").read_bytes() == (CASES / "entra" / "expected.toml").read_bytes()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "pyproject.toml: file not found; run pygen migrate in the project folder, or pass --project DIR"),
        ('[project]\nname = "x"\n', "pyproject.toml: has no [tool.pygen] table: nothing to migrate"),
        ('[tool.pygen]\nmodels = ["a:b/1"]\n', "pyproject.toml: [tool.pygen] is already in pygen's format"),
        ("[tool.pygen\ncdf_project = 1\n", "pyproject.toml: not valid TOML: "),
        ('[tool.pygen]\nfoo = "bar"\n', "pyproject.toml: [tool.pygen] has no pygen v1 key ("),
        ('[tool]\npygen = { cdf_project = "p" }\n', "[tool.pygen] is written as an inline table or dotted keys"),
        ("[tool.pygen]\nversion = 2\n", "pyproject.toml: [tool.pygen] `version` must be a string, got 2"),
        ('[tool.pygen]\ndata_models = ["a", "b", "c"]\n', "`data_models` must be a list of [space, external_id"),
        (
            '[tool.pygen]\ndata_models = [["a", "b", "c"]]\nmodels = ["a:b/c"]\n',
            "[tool.pygen] has both v1's `data_models` and pygen's `models`: remove one",
        ),
        (
            '[tool.pygen]\ncdf_project = "p"\nmodels = ["a:b/c"]\n[tool.pygen.cdf]\nproject = "p"\n',
            "has v1's `cdf_project` and a pygen [tool.pygen.cdf] table",
        ),
    ],
    ids=[
        "no-pyproject",
        "no-table",
        "already-v2",
        "bad-toml",
        "no-v1-key",
        "inline",
        "bad-type",
        "bad-models",
        "both-models",
        "both-cdf",
    ],
)
def test_bad_input_is_refused_with_exit_2_and_nothing_written(
    text: str | None, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if text is not None:
        (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    output = _run(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert output.startswith("--- stdout\n--- stderr\npygen migrate: error: "), output
    assert message in output and output.endswith("--- exit 2\n")
    if text is not None:
        assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == text
    assert [path.name for path in tmp_path.iterdir()] == (["pyproject.toml"] if text is not None else [])


def test_a_file_that_is_not_utf8_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.pygen]\ncdf_project = "\xff"\n')
    output = _run(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert "pyproject.toml: not UTF-8 text (invalid start byte at byte 28)" in output and output.endswith("exit 2\n")


def test_a_failed_write_leaves_the_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project("entra", tmp_path / "p")
    before = (project / "pyproject.toml").read_bytes()

    def broken_replace(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_migrate.os, "replace", broken_replace)
    output = _run(project, monkeypatch=monkeypatch, capsys=capsys)
    assert "pygen migrate: error: pyproject.toml: cannot write the file (No space left on device)" in output
    assert output.endswith("--- exit 2\n")
    assert (project / "pyproject.toml").read_bytes() == before
    assert sorted(path.name for path in project.iterdir()) == [".secret.toml", "pyproject.toml"]


def test_permissions_and_windows_line_endings_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '[project]\r\nname = "x"\r\n\r\n[tool.pygen]\r\ndata_models = [["a", "b", "c"]]\r\ncdf_project = "p"\r\n'
    text += 'cdf_cluster = "westeurope-1"\r\n\r\n[tool.ruff]\r\nline-length = 100\r\n'
    path = tmp_path / "pyproject.toml"
    path.write_bytes(text.encode())
    path.chmod(0o640)
    output = _run(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert output.endswith("--- exit 0\n")
    expected = '[project]\r\nname = "x"\r\n\r\n[tool.pygen]\r\nmodels = ["a:b/c"]\r\n\r\n[tool.pygen.cdf]\r\n'
    expected += 'project = "p"\r\ncluster = "westeurope-1"\r\n\r\n[tool.ruff]\r\nline-length = 100\r\n'
    assert path.read_bytes() == expected.encode()
    assert path.stat().st_mode & 0o777 == 0o640


def test_sub_tables_stay_after_the_new_cdf_table() -> None:
    text = '[tool.pygen]\ndata_models = [["a", "b", "c"]]\ncdf_project = "p"\ncdf_cluster = "api"\n'
    text += '[tool.pygen.view-names]\n"a:V/1" = "Other"\n'
    migrated = migrate_text(text).new_text
    assert migrated == (
        '[tool.pygen]\nmodels = ["a:b/c"]\n\n[tool.pygen.cdf]\nproject = "p"\ncluster = "api"\n\n'
        '[tool.pygen.view-names]\n"a:V/1" = "Other"\n'
    )


def test_a_table_at_the_end_of_a_file_without_a_line_break() -> None:
    migrated = migrate_text('[tool.pygen]\ncdf_project="p"\ndata_models=[["a","b","c"]]').new_text
    assert migrated == '[tool.pygen]\nmodels=["a:b/c"]\n\n[tool.pygen.cdf]\nproject="p"\n'


def test_a_table_with_a_secret_is_refused_whatever_its_spelling() -> None:
    for key in ("client_secret", "client-secret", "CLIENT_SECRET"):
        with pytest.raises(MigrationRefused, match="v1 refused too") as caught:
            migrate_text(f'[tool.pygen]\ncdf_project = "p"\n{key} = "{SECRET}"\n')
        assert SECRET not in str(caught.value)


@pytest.mark.parametrize(("url_key", "url"), [("cdf_url", "ftp://plink.example.com"), ("cdf_cluster", "a.b")])
def test_a_wrong_cluster_url_is_a_problem_of_the_migrated_table(url_key: str, url: str) -> None:
    # The keyring hint needs the cluster URL; a wrong one leaves the hint generic and is reported with the rest.
    v1 = f'[tool.pygen]\ndata_models = [["sp", "M", "1"]]\n{url_key} = "{url}"\ntenant_id = "t"\nclient_id = "c"\n'
    migration = migrate_text(v1 + 'cdf_project = "p"\n')
    assert any("[tool.pygen.cdf] `" in problem and url in problem for problem in migration.problems)


# ---------------------------------------------------------------------------------------------- one message


def test_loading_a_v1_table_gives_one_message_naming_the_command(tmp_path: Path) -> None:
    shutil.copyfile(CASES / "entra" / "v1.toml", tmp_path / "pyproject.toml")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, source="pyproject.toml")
    message = str(caught.value)
    assert message == (
        "pyproject.toml: [tool.pygen] is a pygen v1 (cognite-pygen) table (`data_models`, `tenant_id`, "
        "`client_id`, ...); this pygen reads another format. Run `pygen migrate` in the project folder to rewrite "
        "it in place (`pygen migrate --dry-run` shows the change first; docs/migrating-from-v1.md maps v1's "
        "generated API to pygen's)"
    )
    assert "is not a known key" not in message and len(message.splitlines()) == 1


def test_a_v1_table_with_a_secret_says_so_without_the_value(tmp_path: Path) -> None:
    shutil.copyfile(CASES / "client_secret" / "v1.toml", tmp_path / "pyproject.toml")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, source="pyproject.toml")
    assert "is a pygen v1 (cognite-pygen) table" in str(caught.value)
    assert "also holds `client_secret`, which must never be in a project file" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_pygen_table_with_one_v1_spelling_keeps_the_did_you_mean() -> None:
    with pytest.raises(ConfigError, match=r"`client_name` is not a known key \(did you mean `client-name`\?\)"):
        parse_config({"models": ["a:b/1"], "client_name": "X"})


def test_pygen_generate_on_a_v1_project_names_migrate(tmp_path: Path) -> None:
    shutil.copyfile(CASES / "hatch_project" / "v1.toml", tmp_path / "pyproject.toml")
    command = [sys.executable, "-m", "pygen", "generate", "--project", str(tmp_path), "--output", str(tmp_path / "o")]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Run `pygen migrate`" in done.stderr, done.stderr
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------------------------------------- the CLI and a build


def test_the_command_line_runs_migrate(tmp_path: Path) -> None:
    project = _project("private_link", tmp_path / "p")
    done = subprocess.run(
        [sys.executable, "-m", "pygen", "migrate", "--project", str(project)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (project / "pyproject.toml").read_bytes() == (CASES / "private_link" / "expected.toml").read_bytes()
    usage = subprocess.run([sys.executable, "-m", "pygen", "--help"], capture_output=True, text=True).stdout
    assert "  migrate     rewrite a pygen v1 [tool.pygen] table" in usage


@pytest.mark.slow
@pytest.mark.once  # the build runs on the main Python, whatever Python runs pytest
def test_python_m_build_works_on_a_migrated_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A v1 project (with the hatch hook added, as the migration says) builds its SDK once migrated."""
    import json
    import zipfile

    from pygen.generator.fetch import ModelRef, snapshot_path, write_snapshot

    project = _project("hatch_project", tmp_path / "p")
    assert _run(project, monkeypatch=monkeypatch, capsys=capsys).endswith("--- exit 0\n")
    model = json.loads((MODELS_DIR / "OmniSub.json").read_text(encoding="utf-8"))
    write_snapshot(snapshot_path(project / "pygen-snapshots", ModelRef.from_model(model)), model)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYGEN_") and key != "PYTHONPATH"}
    env.update(PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", PYGEN_CACHE_DIR=str(tmp_path / "cache"))
    out = tmp_path / "dist"
    command = [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out), str(project)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("omni_sub_sdk-1.0.0-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        client = zf.read("omni_sub/_client.py").decode()
    assert "omni_sub/__init__.py" in names and "omni_sub/py.typed" in names
    assert "class OmniSubClient(" in client  # the migrated package and client-name


def test_the_cases_use_every_v1_key() -> None:
    from pygen.generator.v1 import V1_KEYS

    used: set[str] = set()
    for case in CASES.iterdir():
        used |= set(_tool_pygen((case / "v1.toml").read_text(encoding="utf-8")))  # type: ignore[arg-type]
    assert set(V1_KEYS) <= used, sorted(set(V1_KEYS) - used)
