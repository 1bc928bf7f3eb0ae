from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from pygen.cli._emulator import main
from pygen.emulator import EmulatorSettings, FaultSettings
from pygen.emulator._auth import TokenAuthority
from pygen.emulator._errors import ApiError
from pygen.emulator._faults import FaultInjector, parse_fault_settings
from pygen.emulator._loader import LoadError, load_model_file
from pygen.emulator._schema import SchemaService
from pygen.emulator._store import Store
from pygen.emulator.testing import asgi_client, async_asgi_client


def test_fault_choice_is_seeded_and_proportional() -> None:
    async def app(scope: object, receive: object, send: object) -> None:  # pragma: no cover - never called
        pass

    one = FaultInjector(app, FaultSettings(rate_429=0.25, rate_503=0.25, seed=7))
    two = FaultInjector(app, FaultSettings(rate_429=0.25, rate_503=0.25, seed=7))
    picks = [one.choose() for _ in range(2000)]
    assert picks == [two.choose() for _ in range(2000)]
    assert 350 < picks.count("429") < 650 and 350 < picks.count("503") < 650


@pytest.mark.parametrize(
    "body, message",
    [({"rate_429": 2}, "between 0 and 1"), ({"nope": 1}, "unknown fault settings"), ([], "JSON object")],
)
def test_bad_fault_settings(body: object, message: str) -> None:
    with pytest.raises(ApiError, match=message):
        parse_fault_settings(body)


def test_in_process_drop_is_a_transport_error() -> None:
    settings = EmulatorSettings(faults=FaultSettings(rate_drop=1.0))
    with asgi_client(settings) as client, pytest.raises(httpx.TransportError):
        client.get("/api/v1/projects/p/models/spaces", headers={"Authorization": "Bearer pygen-emulator"})


@pytest.mark.anyio
async def test_async_client_needs_a_token() -> None:
    async with async_asgi_client(EmulatorSettings(token="t")) as client:
        response = await client.get("/api/v1/projects/p/models/spaces")
        assert response.status_code == 401 and response.json()["error"]["code"] == 401
        response = await client.get("/api/v1/projects/p/models/spaces", headers={"Authorization": "Bearer t"})
        assert response.status_code == 200


def test_token_authority_issues_and_expires() -> None:
    auth = TokenAuthority(EmulatorSettings(client_id="id", client_secret="secret", token_ttl_seconds=0))
    assert auth.static is None
    status, body = auth.issue(b"grant_type=client_credentials&client_id=id&client_secret=secret", None)
    assert status == 200 and body["token_type"] == "Bearer"
    assert auth.check(f"Bearer {body['access_token']}") is not None  # ttl 0: already expired
    status, body = auth.issue(b"grant_type=client_credentials&client_id=id&client_secret=bad", None)
    assert status == 401 and body["error"] == "invalid_client"


def test_bad_model_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"space": "s", "externalId": "M", "version": "1"}))
    with pytest.raises(LoadError, match="model.json.*inline 'views'"):
        load_model_file(SchemaService(Store()), path)
    path.write_text("{not json")
    with pytest.raises(LoadError, match="model.json: not valid JSON"):
        load_model_file(SchemaService(Store()), path)


def test_cli_reports_a_bad_model_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    assert main(["--model-file", str(missing)]) == 2
    assert "missing.json" in capsys.readouterr().err


def test_store_survives_reopen(tmp_path: Path) -> None:
    path = str(tmp_path / "emulator.db")
    store = Store(path)
    SchemaService(store).apply_spaces({"items": [{"space": "kept"}]})
    store.close()
    again = Store(path)
    assert list(again.schema["space"]) == ["kept"]
    again.close()
