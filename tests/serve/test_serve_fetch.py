"""`pygen serve` fetches models by id from its CDF project (here `pygen emulator`) with its own credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _serve_support import TOKEN, load, model_path, unpack

from pygen.emulator.testing import EmulatorProcess
from pygen.serve.testing import ServeProcess

# once: the service runs the generator, whose output every Python checks (tests/emit_*, tests/validate); what it adds
# (HTTP, tokens, limits, worker processes, archives) gives the same answers on every Python.
pytestmark = [pytest.mark.xdist_group("serve-fetch"), pytest.mark.once]
EMULATOR_TOKEN = "emulator-token-for-serve"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="module")
def server(cache_dir: Path) -> Iterator[ServeProcess]:
    files = ["--model-file", str(model_path("CogniteCore")), "--model-file", str(model_path("OmniSub"))]
    with EmulatorProcess(*files, "--token", EMULATOR_TOKEN) as emulator:
        env = {
            "PYGEN_SERVE_CDF_BASE_URL": emulator.base_url,
            "PYGEN_SERVE_CDF_PROJECT": "emulated",
            "PYGEN_TOKEN": EMULATOR_TOKEN,  # the service's own secret for CDF, found as `pygen refresh` finds it
            "PYGEN_CACHE_DIR": str(cache_dir),
            "PYGEN_SERVE_MAX_CONCURRENCY": "1",
        }
        with ServeProcess(token=TOKEN, env=env) as process:
            yield process


@pytest.fixture(scope="module")
def client(server: ServeProcess) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.mark.parametrize(
    ("name", "ref"), [("OmniSub", "sp_pygen_models:OmniSub/1"), ("CogniteCore", "cdf_cdm:CogniteCore/v1")]
)
def test_a_model_id_gives_what_the_model_itself_gives(
    name: str, ref: str, server: ServeProcess, client: httpx.Client, cache_dir: Path
) -> None:
    by_id = client.post("/v1/generate", json={"model_ids": [ref], "language": "typescript"})
    assert by_id.status_code == 200, by_id.text
    inline = client.post("/v1/generate", json={"models": [load(model_path(name))], "language": "typescript"})
    assert inline.status_code == 200 and unpack(by_id.content) == unpack(inline.content)
    assert list(cache_dir.rglob(f"*{ref.replace(':', '.').replace('/', '.')}.json"))  # the generator's model cache
    again = client.post("/v1/generate", json={"model_ids": [ref], "language": "typescript"})
    assert again.headers["pygen-cache"] == "hit" and again.content == by_id.content
    fetches = [line for line in server.log_lines() if line["event"] == "fetch" and line["model"] == ref]
    assert len(fetches) == 1 and EMULATOR_TOKEN not in server.stderr()


def test_validate_takes_model_ids_too(client: httpx.Client) -> None:
    response = client.post("/v1/validate", json={"model_ids": ["sp_pygen_models:OmniSub/1"]})
    assert response.status_code == 200 and response.json()["models"] == ["sp_pygen_models:OmniSub/1"]


@pytest.mark.parametrize(
    ("ref", "status", "code", "message"),
    [
        ("sp:Missing/1", 404, "model-not-found", "data model sp:Missing/1 not found in project 'emulated'"),
        ("no-version", 422, "invalid-request", "model_ids.0: "),
    ],
    ids=["missing", "malformed"],
)
def test_a_model_id_that_cannot_be_fetched(
    client: httpx.Client, ref: str, status: int, code: str, message: str
) -> None:
    response = client.post("/v1/generate", json={"model_ids": [ref]})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"].startswith(message)
