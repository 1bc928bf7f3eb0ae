"""`pygen serve`'s settings: a TOML file, the environment and flags, in that order; secrets only from the
environment; every wrong value named with where it came from. In process: no server is started here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pygen.cli import main as pygen
from pygen.serve import ServeSettings, SettingsError, load_settings

CONFIG = """
host = "0.0.0.0"
port = 9000
max-views = 200
generation-timeout = 30
client-id = "svc"

[cdf]
base-url = "https://example.cognitedata.com"
project = "my-project"
"""


def _config(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "serve.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    env = {"PYGEN_SERVE_MAX_VIEWS": "300", "PYGEN_SERVE_PORT": "9100", "PYGEN_SERVE_CDF_PROJECT": "other"}
    settings = load_settings(_config(tmp_path), env, port=9200)
    assert (settings.host, settings.port, settings.max_views, settings.generation_timeout) == (
        "0.0.0.0",
        9200,
        300,
        30.0,
    )
    assert settings.client_id == "svc" and settings.cdf is not None
    assert (settings.cdf.base_url, settings.cdf.project) == ("https://example.cognitedata.com", "other")
    assert load_settings(environ={}) == ServeSettings(max_concurrency=settings.max_concurrency)  # the defaults


def test_secrets_come_from_the_environment_only(tmp_path: Path) -> None:
    env = {"PYGEN_SERVE_TOKEN": "token-from-the-environment", "PYGEN_SERVE_CLIENT_SECRET": "secret-from-env"}
    settings = load_settings(_config(tmp_path), env)
    assert settings.token == "token-from-the-environment" and settings.client_secret == "secret-from-env"
    assert "from-the-environment" not in repr(settings) and settings.public()["token"] == "(set)"
    with pytest.raises(SettingsError, match=r"serve.toml: `token`: secrets never go into the configuration file"):
        load_settings(_config(tmp_path, 'token = "oops"\n'), {})
    with pytest.raises(SettingsError, match=r"\[cdf\] `client-secret`: secrets never go into"):
        load_settings(_config(tmp_path, '[cdf]\nproject = "p"\nclient-secret = "oops"\n'), {})


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("max-view = 3\n", {}, "serve.toml: `max-view` is not a known setting (did you mean `max-views`?)"),
        ('max-views = "many"\n', {}, "serve.toml: `max-views` must be an integer, got 'many'"),
        ("max-views = 0\n", {}, "serve.toml: `max-views` must be a positive number, got 0"),
        ("", {"PYGEN_SERVE_QUEUE_TIMEOUT": "soon"}, "PYGEN_SERVE_QUEUE_TIMEOUT must be a number, got 'soon'"),
        ("", {"PYGEN_SERVE_PORT": "70000"}, "PYGEN_SERVE_PORT must be a port number from 0 to 65535"),
        ('[cdf]\nbase-url = "https://x.y"\n', {}, "serve.toml: [cdf] `project` is missing"),
        ("max-views = [", {}, "serve.toml: not valid TOML"),
    ],
    ids=["unknown", "type", "range", "env-type", "env-range", "cdf", "toml"],
)
def test_a_wrong_setting_names_where_it_came_from(tmp_path: Path, text: str, env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_config(tmp_path, text), env)
    assert message in str(caught.value)


def test_print_config_shows_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PYGEN_SERVE_TOKEN", "a-token-nobody-may-see")
    assert pygen(["serve", "--config", str(_config(tmp_path)), "--port", "0", "--print-config"]) == 0
    out = capsys.readouterr().out
    shown = json.loads(out)
    assert shown["port"] == 0 and shown["max_views"] == 200 and shown["token"] == "(set)"
    assert shown["cdf"] == {"base_url": "https://example.cognitedata.com", "project": "my-project"}
    assert "a-token-nobody-may-see" not in out


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "pygen serve: error: no credentials: every request must carry a token, so set PYGEN_SERVE_TOKEN"),
        ({"PYGEN_SERVE_TOKEN": "short"}, "pygen serve: error: PYGEN_SERVE_TOKEN is too short"),
        ({"PYGEN_SERVE_CLIENT_ID": "svc"}, "`client-id` is set but PYGEN_SERVE_CLIENT_SECRET is not"),
        ({"PYGEN_SERVE_MAX_MODELS": "-1"}, "pygen serve: error: PYGEN_SERVE_MAX_MODELS must be a positive number"),
    ],
    ids=["no-token", "short-token", "client-without-secret", "bad-setting"],
)
def test_it_refuses_to_start_without_credentials_or_with_a_wrong_setting(
    env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("PYGEN_SERVE_TOKEN", "PYGEN_SERVE_CLIENT_ID", "PYGEN_SERVE_CLIENT_SECRET", "PYGEN_SERVE_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert pygen(["serve", "--port", "0"]) == 2
    assert message in capsys.readouterr().err
