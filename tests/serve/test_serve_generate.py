"""`pygen serve` answers what `pygen generate` and `pygen validate` give, byte for byte, in every format.

One server process for the module (two workers); the comparisons run `pygen generate` / `pygen validate` on
the same model files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _serve_support import (
    HOSTILE_MODEL,
    SENTINEL,
    TOKEN,
    cli_generate,
    load,
    model_path,
    model_text_outside_strings,
    unpack,
)
from testdata import MODEL_NAMES, MODELS_DIR

from pygen import __version__
from pygen.generator import generate
from pygen.serve.testing import ServeProcess

# once: the service runs the generator, whose output every Python checks (tests/emit_*, tests/validate); what it adds
# (HTTP, tokens, limits, worker processes, archives) gives the same answers on every Python.
pytestmark = [pytest.mark.xdist_group("serve-generate"), pytest.mark.once]
CONCURRENCY = 2


@pytest.fixture(scope="module")
def server() -> Iterator[ServeProcess]:
    with ServeProcess(token=TOKEN, env={"PYGEN_SERVE_MAX_CONCURRENCY": str(CONCURRENCY)}) as process:
        yield process


@pytest.fixture(scope="module")
def client(server: ServeProcess) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.mark.parametrize("language", ["python", "typescript"])
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_the_archive_holds_what_pygen_generate_writes(
    name: str, language: str, client: httpx.Client, tmp_path: Path
) -> None:
    expected = cli_generate([model_path(name)], language, tmp_path)
    response = client.post("/v1/generate", json={"models": [load(model_path(name))], "language": language})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/gzip"
    assert response.headers["pygen-version"] == __version__
    package = next(iter(expected)).split("/")[0]
    assert response.headers["content-disposition"] == f'attachment; filename="{package}.tar.gz"'
    assert unpack(response.content) == expected


def test_zip_several_models_and_options_match_pygen_generate(client: httpx.Client, tmp_path: Path) -> None:
    files = [MODELS_DIR / "collide" / f"{name}.json" for name in ("PlantModel", "OtherModel", "LegacyModel")]
    options = ["--package", "plant_sdk", "--client-name", "PlantClient", "--instance-space", "plant_instances"]
    options += ["--view-name", "collide_a:Pump/1=OldPump"]
    expected = cli_generate(files, "python", tmp_path, *options)
    body = {
        "models": [load(path) for path in files],
        "format": "zip",
        "package": "plant_sdk",
        "client_name": "PlantClient",
        "instance_space": "plant_instances",
        "view_names": {"collide_a:Pump/1": "OldPump"},
    }
    response = client.post("/v1/generate", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert (response.headers["pygen-package"], response.headers["pygen-client-name"]) == ("plant_sdk", "PlantClient")
    assert unpack(response.content, "zip") == expected


def test_the_same_request_again_is_answered_from_the_cache(client: httpx.Client) -> None:
    body = {"models": [load(model_path("OmniSub"))], "language": "typescript", "package": "cached_once"}
    first = client.post("/v1/generate", json=body)
    again = client.post("/v1/generate", json=body)
    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.headers["pygen-cache"], again.headers["pygen-cache"]) == ("miss", "hit")
    assert first.content == again.content and first.headers["etag"] == again.headers["etag"]


def test_the_wheel_imports_from_sys_path_without_being_installed(client: httpx.Client, tmp_path: Path) -> None:
    body = {"models": [load(model_path("Omni"))], "format": "wheel", "version": "1.2.3", "distribution": "omni-sdk"}
    response = client.post("/v1/generate", json=body)
    assert response.status_code == 200, response.text
    name = "omni_sdk-1.2.3-py3-none-any.whl"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    files = unpack(response.content, "wheel")
    metadata = files["omni_sdk-1.2.3.dist-info/METADATA"].decode()
    assert "Name: omni-sdk\nVersion: 1.2.3\n" in metadata
    assert f"Requires-Dist: cognite-pygen-runtime>={__version__}" in metadata
    record = files["omni_sdk-1.2.3.dist-info/RECORD"].decode().splitlines()
    assert sorted(line.split(",")[0] for line in record) == sorted(files)
    generated = {path: data for path, data in files.items() if not path.startswith("omni_sdk-1.2.3.dist-info/")}
    assert generated == {path: text.encode() for path, text in generate([load(model_path("Omni"))]).files.items()}
    wheel = tmp_path / name
    wheel.write_bytes(response.content)
    code = (
        f"import sys; sys.path.insert(0, {str(wheel)!r})\n"
        "import omni\n"
        "assert omni.__file__.startswith(sys.path[0]), omni.__file__\n"
        "client = omni.OmniClient\n"
        "print(omni.__name__, client.__name__)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["omni", "OmniClient"]


def test_the_npm_package_is_package_json_and_the_sources(client: httpx.Client, tmp_path: Path) -> None:
    body = {"models": [load(model_path("OmniSub"))], "language": "typescript", "format": "npm", "version": "2.0.0"}
    response = client.post("/v1/generate", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="omni-sub-2.0.0.tgz"'
    files = unpack(response.content)
    manifest = json.loads(files.pop("package/package.json"))
    assert manifest["name"] == "omni-sub" and manifest["version"] == "2.0.0" and manifest["type"] == "module"
    assert manifest["exports"] == {".": "./omni_sub/index.ts"} and manifest["files"] == ["omni_sub"]
    expected = generate([load(model_path("OmniSub"))], language="typescript").files
    assert files == {f"package/{path}": text.encode() for path, text in expected.items()}
    npm = shutil.which("npm")
    if npm is None:
        return
    folder = tmp_path / "package"
    for path, data in unpack(response.content).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    command = [npm, "pack", "--dry-run", "--json", "--ignore-scripts"]
    run = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    packed = {entry["path"] for entry in json.loads(run.stdout)[0]["files"]}
    assert packed == {path.removeprefix("package/") for path in unpack(response.content)}


def test_the_hostile_model_gives_inert_code_and_stays_out_of_the_log(
    server: ServeProcess, client: httpx.Client
) -> None:
    model = load(HOSTILE_MODEL)
    response = client.post("/v1/generate", json={"models": [model]})
    assert response.status_code == 200, response.text
    files = unpack(response.content)
    assert files == {path: text.encode() for path, text in generate([model]).files.items()}
    assert any(SENTINEL.encode() in data for data in files.values())
    assert model_text_outside_strings(files) == []
    typescript = client.post("/v1/generate", json={"models": [model], "language": "typescript"})
    assert typescript.status_code == 200, typescript.text
    # The generator's own TypeScript for the model, whose inertness tests/emit_typescript/test_ts_hostile_runtime.py
    # proves by running it: the service answers exactly that.
    expected = generate([model], language="typescript").files
    assert unpack(typescript.content) == {path: text.encode() for path, text in expected.items()}
    logged = server.stderr()
    assert SENTINEL not in logged and TOKEN not in logged
    assert all(isinstance(line, dict) for line in server.log_lines())  # every line is JSON


def test_validate_gives_the_diagnostics_of_pygen_validate(client: httpx.Client, tmp_path: Path) -> None:
    broken = load(model_path("OmniSub"))
    view = broken["views"][0]
    view["properties"][next(iter(view["properties"]))]["type"] = {"type": "vector", "list": False}
    (tmp_path / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    files = [MODELS_DIR / "collide" / "PlantModel.json", MODELS_DIR / "collide" / "LegacyModel.json"]
    files.append(tmp_path / "broken.json")
    args = [arg for path in files for arg in ("--model-file", str(path))]
    args += ["--view-name", "collide_a:Pump/1=Pump"]  # the name the other model's Pump has: both are errors
    run = subprocess.run(
        [sys.executable, "-m", "pygen", "validate", *args, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert run.returncode == 1, run.stderr
    expected = json.loads(run.stdout)
    assert expected["counts"]["error"] == 2 and expected["counts"]["warning"] >= 1
    body = {"models": [load(path) for path in files], "view_names": {"collide_a:Pump/1": "Pump"}}
    response = client.post("/v1/validate", json=body)
    assert response.status_code == 200 and response.json() == expected
    generated = client.post("/v1/generate", json=body)
    assert generated.status_code == 422
    answer = generated.json()
    assert answer.pop("error")["code"] == "model-errors" and answer == expected


def test_twenty_concurrent_requests_are_all_answered_within_the_bound(
    server: ServeProcess, client: httpx.Client
) -> None:
    model = load(model_path("OmniSub"))
    bodies = [{"models": [model], "language": "typescript", "package": f"many_{index}"} for index in range(20)]
    answers: dict[int, httpx.Response] = {}

    def send(index: int) -> None:
        with server.client() as own:
            answers[index] = own.post("/v1/generate", json=bodies[index])

    threads = [threading.Thread(target=send, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, body in enumerate(bodies):
        assert answers[index].status_code == 200, answers[index].text
        expected = generate([model], language="typescript", package=body["package"]).files
        assert unpack(answers[index].content) == {path: text.encode() for path, text in expected.items()}
    workers = client.get("/v1/health").json()["workers"]
    assert workers["max_concurrency"] == CONCURRENCY
    assert 1 <= workers["peak_running"] <= CONCURRENCY
    assert workers["peak_waiting"] >= 1  # more requests than workers: some waited their turn


def test_health_docs_and_errors_carry_the_version(server: ServeProcess) -> None:
    with httpx.Client(base_url=server.base_url) as anonymous:
        health = anonymous.get("/v1/health")
        assert health.status_code == 200 and health.json()["version"] == __version__
        document = anonymous.get("/v1/openapi.json").json()
        assert document["info"]["version"] == __version__
        assert {"/v1/generate", "/v1/validate", "/v1/health"} <= set(document["paths"])
        assert "GenerateRequest" in document["components"]["schemas"]
        docs = anonymous.get("/v1/docs")
        assert docs.status_code == 200 and "/v1/generate" in docs.text and "<script" not in docs.text
        missing = anonymous.get("/v1/nothing")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
        for response in (health, docs, missing):
            assert response.headers["pygen-version"] == __version__
            assert re.fullmatch(r"[0-9a-f]{16}", response.headers["pygen-request-id"])


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "the request body is not JSON"),
        (b'{"models": [], "colour": 1}', 422, "colour: Extra inputs are not permitted"),
        (b"{}", 422, "send at least one data model"),
        (b'{"models": [{}], "language": "typescript", "format": "wheel"}', 422, "'wheel' is for python SDKs"),
        (b'{"models": [{}], "package": "pydantic"}', 422, "package 'pydantic' cannot be used"),
    ],
    ids=["not-json", "unknown-key", "no-models", "wheel-for-typescript", "taken-package"],
)
def test_bad_requests_say_what_is_wrong(client: httpx.Client, body: bytes, status: int, message: str) -> None:
    response = client.post("/v1/generate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status and message in response.json()["error"]["message"], response.text
