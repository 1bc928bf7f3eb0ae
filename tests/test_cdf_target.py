"""The end-to-end suites pick their target from the environment (tests/cdf_target.py).

A "fake CDF" here is a separate ``pygen emulator`` process reached over HTTP: with the ``PYGEN_TEST_CDF_*``
variables pointing at it, the conformance suite, the cognite-sdk tour and the generated-SDK suites
(``tests/instances``, the end-to-end parts of ``tests/emit_python``: tests/sdk_target.py) must send their
requests there (not to an emulator of their own), skip the emulator-only tests, and clean up only their own
spaces (the generated-SDK suites deploy their models and nodes there, and delete them again).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from cdf_target import CdfTarget, cdf_target, check_own_space
from testdata import REPO_ROOT

from pygen.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.once  # runs pytest in a subprocess: one Python is enough

TOKEN = "fake-cdf-token"


def test_no_variables_means_the_emulator() -> None:
    assert cdf_target({}) is None
    assert cdf_target({"PYGEN_TEST_CDF_PROJECT": ""}) is None


def test_a_token_or_client_credentials_name_a_target() -> None:
    env = {
        "PYGEN_TEST_CDF_BASE_URL": "https://fake.example/",
        "PYGEN_TEST_CDF_PROJECT": "p",
        "PYGEN_TEST_CDF_TOKEN": "t",
    }
    target = cdf_target(env)
    assert target == CdfTarget("https://fake.example/", "p", "t")
    assert target is not None and target.api_url == "https://fake.example/api/v1/projects/p"
    flow = {
        "PYGEN_TEST_CDF_BASE_URL": "https://fake.example",
        "PYGEN_TEST_CDF_PROJECT": "p",
        "PYGEN_TEST_CDF_CLIENT_ID": "id",
        "PYGEN_TEST_CDF_CLIENT_SECRET": "secret",
        "PYGEN_TEST_CDF_TOKEN_URL": "https://login.example/token",
        "PYGEN_TEST_CDF_SCOPES": "https://fake.example/.default",
    }
    assert cdf_target(flow) == CdfTarget(
        "https://fake.example",
        "p",
        None,
        "id",
        "secret",
        "https://login.example/token",
        "https://fake.example/.default",
    )


def test_a_partial_configuration_is_an_error_not_a_silent_fallback() -> None:
    with pytest.raises(
        RuntimeError, match=r"PYGEN_TEST_CDF_PROJECT set, but a CDF target needs PYGEN_TEST_CDF_BASE_URL"
    ):
        cdf_target({"PYGEN_TEST_CDF_PROJECT": "p"})
    with pytest.raises(RuntimeError, match=r"either PYGEN_TEST_CDF_TOKEN or PYGEN_TEST_CDF_CLIENT_ID"):
        cdf_target(
            {"PYGEN_TEST_CDF_BASE_URL": "https://x", "PYGEN_TEST_CDF_PROJECT": "p", "PYGEN_TEST_CDF_CLIENT_ID": "i"}
        )


def test_destructive_steps_only_in_spaces_the_run_created() -> None:
    check_own_space("pgc_123", ["pgc_123"])
    with pytest.raises(RuntimeError, match=r"refusing to delete in space 'cdf_cdm': this test run did not create it"):
        check_own_space("cdf_cdm", ["pgc_123"])


def _spaces(client: httpx.Client) -> set[str]:
    return {item["space"] for item in client.get("/models/spaces", params={"limit": 1000}).json()["items"]}


def _schema(client: httpx.Client) -> list[str]:
    """Every space, container, view and data model on the target."""
    found = []
    for resource in ("spaces", "containers", "views", "datamodels"):
        items = client.get(f"/models/{resource}", params={"limit": 1000}).json()["items"]
        found += [f"{resource} {item['space']}:{item.get('externalId', '')}" for item in items]
    return sorted(found)


def _not_passed(output: str) -> int:
    """How many tests failed or errored, from pytest's summary line."""
    return sum(int(count) for count in re.findall(r"(\d+) (?:failed|errors?)\b", output))


def _run(tests: list[str], env: dict[str, str], *, stop: bool = True) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *(["-x"] if stop else []), *tests],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.slow
def test_the_suites_run_against_the_configured_target() -> None:
    with EmulatorProcess("--token", TOKEN) as fake, fake.client(timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        client.base_url = httpx.URL(fake.project_url("fake"))
        before = _schema(client)
        env = {
            **os.environ,
            "PYGEN_TEST_CDF_BASE_URL": fake.base_url,
            "PYGEN_TEST_CDF_PROJECT": "fake",
            "PYGEN_TEST_CDF_TOKEN": TOKEN,
        }
        conformance = "tests/emulator/test_conformance_wire.py"
        tests = [
            f"{conformance}::test_gzip_request_bodies_are_read",  # runs on the target
            f"{conformance}::test_broken_or_unknown_encodings_are_client_errors",  # emulator-only: skipped
            "tests/official_sdk/test_sdk_schema.py",
            "tests/instances/test_instances_e2e.py",  # the Omni SDK: its model and nodes deployed on the target
            "tests/instances/test_instances_resilience.py",  # emulator-only (its faults): skipped
            "tests/emit_python/test_emit_functional.py",  # SDKs generated from the run's Omni and CogniteCore
        ]
        code, output = _run(tests, env)
        assert code == 0, output
        assert "2 skipped" in output and "emulator-only feature; the target is a real CDF project" in output
        assert _schema(client) == before, "everything the suites created on the target was deleted again"
        # With a token the target refuses, every suite fails on its 401: they talk to it, to nothing else.
        first_tests = [
            tests[0],
            "tests/official_sdk/test_sdk_schema.py::test_spaces_apply_list_retrieve_delete",
            "tests/instances/test_instances_e2e.py::test_upsert_then_read_round_trip",
            "tests/emit_python/test_emit_functional.py::test_crud_round_trip",
        ]
        code, output = _run(first_tests, {**env, "PYGEN_TEST_CDF_TOKEN": "wrong"}, stop=False)
        assert code != 0 and _not_passed(output) == len(first_tests), output
        assert output.count("401") >= len(first_tests), output


TS_DIR = REPO_ROOT / "tests" / "typescript"


def _vitest(files: list[str], env: dict[str, str], report: Path) -> tuple[int, str]:
    vitest = TS_DIR / "node_modules" / ".bin" / "vitest"
    if not vitest.exists():
        pytest.fail("tests/typescript/node_modules is not installed: run tests/typescript/run.sh first")
    result = subprocess.run(
        [str(vitest), "run", "--reporter=dot", "--reporter=json", f"--outputFile.json={report}", *files],
        cwd=TS_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.slow
def test_the_typescript_suites_run_against_the_configured_target(tmp_path: Path) -> None:
    """The vitest suites (tests/typescript/target.ts) on a fake CDF with client credentials: the @cognite/sdk
    tour, the runtime's e2e tests and the Omni graph queries (an SDK generated from the model rewritten into the
    run's spaces, deployed by the global setup) pass there, the fault tests are skipped, every space of the run
    and the run's SDK folder are gone afterwards; with a wrong token the run fails on the target's 401."""
    with (
        EmulatorProcess("--token", TOKEN, "--client-id", "ts-fake", "--client-secret", "ts-secret") as fake,
        fake.client(timeout=30) as client,
    ):
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        client.base_url = httpx.URL(fake.project_url("fake"))
        before = _spaces(client)
        run = f"pgts{secrets.token_hex(4)}"  # the run prefix vitest.config.ts would choose, chosen here to check on
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYGEN_TEST_CDF_")}
        env |= {
            "PYGEN_PYTHON": sys.executable,
            "PYGEN_TEST_TS_RUN": run,
            "PYGEN_TEST_CDF_BASE_URL": fake.base_url,
            "PYGEN_TEST_CDF_PROJECT": "fake",
            "PYGEN_TEST_CDF_CLIENT_ID": "ts-fake",
            "PYGEN_TEST_CDF_CLIENT_SECRET": "ts-secret",
            "PYGEN_TEST_CDF_TOKEN_URL": f"{fake.base_url}/oauth2/token",
            "PYGEN_TEST_CDF_SCOPES": f"{fake.base_url}/.default",
        }
        files = ["official-sdk.test.ts", "e2e.test.ts", "query-omni.test.ts", "faults.test.ts"]
        code, output = _vitest(files, env, tmp_path / "report.json")
        assert code == 0, output
        report = json.loads((tmp_path / "report.json").read_text())
        outcomes = {
            (Path(suite["name"]).name, test["fullName"]): test["status"]
            for suite in report["testResults"]
            for test in suite["assertionResults"]
        }
        not_passed = {name: status for name, status in outcomes.items() if status != "passed"}
        assert [file for file, _ in not_passed] == ["faults.test.ts"], not_passed  # emulator-only: fault injection
        assert set(not_passed.values()) == {"skipped"}, not_passed
        # vitest filters by substring: "e2e.test.ts" also selects where-e2e.test.ts, which runs on the target too.
        ran = {file for file, _ in outcomes}
        assert set(files) <= ran and all(any(file.endswith(name) for name in files) for file in ran), ran
        assert sum(file == "query-omni.test.ts" for file, _ in outcomes) == 4
        assert _spaces(client) == before, "every space of the run was deleted again"
        assert not (Path(tempfile.gettempdir()) / f"pygen-ts-{run}").exists(), "the run's SDK folder was removed"
        # A token the target refuses: the global setup's first request fails on its 401, before anything is made.
        flow = ("CLIENT_ID", "CLIENT_SECRET", "TOKEN_URL", "SCOPES")
        wrong = {key: value for key, value in env.items() if key.removeprefix("PYGEN_TEST_CDF_") not in flow}
        code, output = _vitest(["e2e.test.ts"], {**wrong, "PYGEN_TEST_CDF_TOKEN": "wrong"}, tmp_path / "wrong.json")
        assert code != 0 and "401" in output and "/models/spaces" in output, output
        assert _spaces(client) == before
