"""``pygen refresh`` against the emulator: re-fetch, rewrite snapshots, move pins, print the diff."""

from __future__ import annotations

import copy
import functools
import json
import re
import socket
from pathlib import Path

import pytest
from _hatch_support import CLIENT_ID, CLIENT_SECRET, TOKEN, MemoryKeyring, cdf_table, load_model, make_project

from pygen.cli._refresh import main
from pygen.emulator.testing import EmulatorProcess
from pygen.generator.config import load_config
from pygen.generator.fetch import dump_snapshot, load_snapshot
from pygen.generator.fetch._refresh import connect, describe_retry, obtain_models, refresh
from pygen.transport import ConnectionFailedError, RetryNotice, RetryPolicy

V1 = "sp_pygen_models.OmniSub.1.json"
V2 = "sp_pygen_models.OmniSub.2.json"
PYGEN = '[tool.pygen]\nmodels = [\n    "sp_pygen_models:OmniSub/1",  # pinned\n]\nsnapshots = "snaps"\n'


def _stale() -> dict[str, object]:
    model = copy.deepcopy(load_model("OmniSub"))
    del model["views"][0]["properties"]["name"]
    return model


@pytest.fixture
def project(tmp_path: Path, emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PYGEN_CLIENT_SECRET", CLIENT_SECRET)
    return make_project(tmp_path / "p", PYGEN + cdf_table(emulator), snapshots={"snaps": _stale()})


def _run(project: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--project", str(project), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_refresh_rewrites_a_stale_snapshot_and_prints_the_diff(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(project, capsys=capsys)
    assert code == 0, err
    assert out.splitlines() == [
        "sp_pygen_models:OmniSub/1",
        "  ~ view sp_pygen_models:ConnectionItemA/1",
        "      + property name: text",
        f"  wrote snaps/{V1}",
    ]
    written = (project / "snaps" / V1).read_text(encoding="utf-8")
    assert written == dump_snapshot(json.loads(written))  # canonical form
    assert "name" in json.loads(written)["views"][0]["properties"]
    assert "fetching sp_pygen_models:OmniSub/1" in err
    # A second refresh finds nothing to do and leaves the file alone.
    before = (project / "snaps" / V1).stat().st_mtime_ns
    code, out, _ = _run(project, capsys=capsys)
    assert (code, out.splitlines()) == (0, ["sp_pygen_models:OmniSub/1: unchanged"])
    assert (project / "snaps" / V1).stat().st_mtime_ns == before


def test_check_reports_without_writing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "snaps" / V1).read_bytes()
    code, out, _ = _run(project, "--check", capsys=capsys)
    assert code == 1
    assert f"would write snaps/{V1}" in out
    assert (project / "snaps" / V1).read_bytes() == before


def test_upgrade_moves_the_pin_and_the_snapshot(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(project, "--upgrade", capsys=capsys)
    assert code == 0, err
    assert out.splitlines() == [
        "sp_pygen_models:OmniSub/1 -> sp_pygen_models:OmniSub/2",
        "  - view sp_pygen_models:ConnectionItemC/1",
        "  ~ view sp_pygen_models:ConnectionItemA/1",
        "      + property name: text",
        "  ~ view sp_pygen_models:ConnectionItemB/1 -> 2",
        "      + property code: text",
        f"  wrote snaps/{V2}",
        "  pinned sp_pygen_models:OmniSub/2 in pyproject.toml (was sp_pygen_models:OmniSub/1)",
    ]
    assert "newest version of sp_pygen_models:OmniSub" in err
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert '    "sp_pygen_models:OmniSub/2",  # pinned\n' in text  # formatting and comments kept
    assert not (project / "snaps" / V1).exists()
    assert load_snapshot(project / "snaps" / V2, expected="sp_pygen_models:OmniSub/2")["version"] == "2"


def test_upgrade_to_an_explicit_version_and_back(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(project, "--upgrade", "sp_pygen_models:OmniSub/2", capsys=capsys)[0] == 0
    code, out, _ = _run(project, "--upgrade", "sp_pygen_models:OmniSub/1", capsys=capsys)
    assert code == 0
    assert out.splitlines()[0] == "sp_pygen_models:OmniSub/2 -> sp_pygen_models:OmniSub/1"
    assert sorted(path.name for path in (project / "snaps").iterdir()) == [V1]


def test_upgrade_of_a_model_that_is_not_pinned(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(project, "--upgrade", "cdf_cdm:CogniteCore", capsys=capsys)
    assert code == 2
    assert (
        "--upgrade cdf_cdm:CogniteCore: not a data model pinned in [tool.pygen] `models` (sp_pygen_models:OmniSub)"
        in err
    )


def test_refresh_with_the_keyring(
    tmp_path: Path, emulator: EmulatorProcess, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    memory_keyring.set_password(f"pygen:{emulator.base_url}", CLIENT_ID, CLIENT_SECRET)
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    code, out, err = _run(root, capsys=capsys)
    assert code == 0, err
    assert out.splitlines() == ["sp_pygen_models:OmniSub/1 (new snapshot, 3 views)", f"  wrote snaps/{V1}"]


def test_refresh_with_a_token_from_the_environment(
    tmp_path: Path, emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PYGEN_TOKEN", TOKEN)
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator, oauth=False))
    assert _run(root, capsys=capsys)[0] == 0
    assert (root / "snaps" / V1).is_file()


def test_refresh_without_credentials(
    tmp_path: Path, emulator: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    code, out, err = _run(root, capsys=capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"pygen refresh: no client secret for client id '{CLIENT_ID}' found for {emulator.base_url}")
    assert f"keyring set 'pygen:{emulator.base_url}' {CLIENT_ID}" in err


def test_refresh_without_cdf_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "p", PYGEN)
    code, _, err = _run(root, capsys=capsys)
    assert code == 2
    assert "pygen refresh: pyproject.toml: [tool.pygen.cdf] is missing" in err


def test_refresh_with_a_bad_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "p", "[tool.pygen]\nmodels = 1\n")
    code, _, err = _run(root, capsys=capsys)
    assert code == 2
    assert f"pygen refresh: {root / 'pyproject.toml'}: [tool.pygen] `models` must be a list" in err


def test_wrong_secret_is_an_error_without_the_secret(
    tmp_path: Path, emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PYGEN_CLIENT_SECRET", "wrong-" + CLIENT_SECRET)
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    code, out, err = _run(root, capsys=capsys)
    assert code == 2
    assert CLIENT_SECRET not in out + err


def test_pygen_cli_dispatches_refresh(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pygen.cli import main as pygen_main

    assert pygen_main(["refresh", "--project", str(project), "--check"]) == 1
    assert "would write" in capsys.readouterr().out


def test_python_m_pygen_refresh_with_a_file_keyring(
    tmp_path: Path, emulator: EmulatorProcess, _isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real command in a subprocess, with the secret in keyrings.alt's file backend; no secret leaks anywhere."""
    import subprocess
    import sys

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    store = f"import keyring; keyring.set_password('pygen:{emulator.base_url}', '{CLIENT_ID}', '{CLIENT_SECRET}')"
    subprocess.run([sys.executable, "-c", store], check=True)
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    result = subprocess.run(
        [sys.executable, "-m", "pygen", "refresh", "--project", str(root)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "sp_pygen_models:OmniSub/1 (new snapshot, 3 views)"
    assert CLIENT_SECRET not in result.stdout + result.stderr
    keyring_file = next(_isolated.rglob("keyring_pass.cfg"))
    written = [p for p in [*root.rglob("*"), *_isolated.rglob("*")] if p.is_file() and p != keyring_file]
    assert any(p.suffix == ".json" for p in written)
    assert all(CLIENT_SECRET.encode() not in p.read_bytes() for p in written)


FAST = RetryPolicy(max_retries=2, backoff_base=0.01, backoff_max=0.01)
fast_connect = functools.partial(connect, retry=FAST)


@pytest.fixture
def unreachable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A project whose [tool.pygen.cdf] points at a local port nothing listens on (refused at once)."""
    monkeypatch.setenv("PYGEN_TOKEN", TOKEN)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    root = make_project(tmp_path / "p", PYGEN + f'[tool.pygen.cdf]\nbase-url = "{url}"\nproject = "demo"\n')
    return root, url


def test_refresh_of_an_unreachable_cluster_shows_each_wait_and_names_what_to_check(
    unreachable: tuple[Path, str],
) -> None:
    root, url = unreachable
    lines: list[str] = []
    with pytest.raises(ConnectionFailedError) as info:
        refresh(load_config(root), root, connect=fast_connect, report=lines.append)
    byids = f"{url}/api/v1/projects/demo/models/datamodels/byids?inlineViews=true"
    assert lines[:2] == [
        f"pygen: connecting to {url} (project 'demo'; timeout 20 s per request, up to 2 retries)",
        f"pygen: fetching sp_pygen_models:OmniSub/1 from project 'demo' at {url}",
    ]
    assert [re.sub(r"\(ConnectError: .*\)", "(ConnectError: ...)", line) for line in lines[2:]] == [
        f"pygen: no answer from {byids} (ConnectError: ...); retry 1 of 2 in 0.0 s",
        f"pygen: no answer from {byids} (ConnectError: ...); retry 2 of 2 in 0.0 s",
    ]
    message = str(info.value)
    assert message.startswith(f"cannot reach {url}: POST {byids} failed after 3 attempt(s): ConnectError")
    assert message.endswith("Check `base-url` in [tool.pygen.cdf] and the network (behind a proxy, set HTTPS_PROXY).")
    assert not (root / "snaps").exists()


def test_a_build_that_must_fetch_from_an_unreachable_cluster_shows_each_wait(unreachable: tuple[Path, str]) -> None:
    root, url = unreachable
    lines: list[str] = []
    with pytest.raises(ConnectionFailedError) as info:
        obtain_models(load_config(root), root, connect=fast_connect, waiting=lines.append)
    assert lines[0] == f"pygen: connecting to {url} (project 'demo'; timeout 20 s per request, up to 2 retries)"
    assert sum(line.startswith(f"pygen: no answer from {url}/") for line in lines) == 2
    assert str(info.value).startswith(f"cannot reach {url}: ")
    assert not (root / "snaps").exists()


def test_a_throttled_retry_says_what_the_server_answered() -> None:
    notice = RetryNotice(
        "POST", "https://x/api/v1/projects/p/models/views/byids", 503, "503 Service Unavailable", 1, 3, 2.25
    )
    assert describe_retry(notice) == (
        "pygen: https://x/api/v1/projects/p/models/views/byids answered 503 Service Unavailable; retry 1 of 3 in 2.2 s"
    )
