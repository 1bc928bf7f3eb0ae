"""The hostile SDK compiled to JavaScript and run in node: importing it runs nothing hostile, and hostile
property ids (``__proto__``, ``constructor``, ``hasOwnProperty``) stay plain data in requests and results.

One ``tsc`` emit plus one node process; fails when tests/typescript's TypeScript is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _ts_support import TSCONFIG, generate_case, run_tsc, tsc_available, write_files

pytestmark = pytest.mark.once  # compiles TypeScript and drives node: one Python is enough (tests/run)

#: Imports the compiled hostile SDK with a fake fetch and prints what it observed (JSON).
SCRIPT = Path(__file__).with_name("hostile_check.mjs")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not tsc_available() or shutil.which("node") is None:
        pytest.fail("tests/typescript/node_modules is not installed: run tests/typescript/run.sh first")
    root: Path = tmp_path_factory.mktemp("hostile-js")
    write_files(generate_case("hostile"), root)
    config = {
        **TSCONFIG,
        "compilerOptions": {**TSCONFIG["compilerOptions"], "noEmit": False, "outDir": "out", "rootDir": "."},
    }
    compiled = run_tsc(root, config)
    assert compiled.returncode == 0, compiled.stdout
    shutil.copy(SCRIPT, root / "check.mjs")
    node = shutil.which("node") or "node"
    done = subprocess.run([node, "check.mjs"], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_importing_runs_nothing(result: dict[str, Any]) -> None:
    assert result["before"] and result["after"]


def test_hostile_keys_stay_data(result: dict[str, Any]) -> None:
    assert "__proto__" in result["fieldKeys"] and "constructor" in result["fieldKeys"]
    assert result["fieldsProtoIsObject"] and result["propsProtoIsObject"]
    assert result["ownProto"] and result["protoValue"] == "p"
    assert result["constructorValue"] == 3


def test_read_conversions(result: dict[str, Any]) -> None:
    assert result["classIsDate"] and result["bigIsBigint"] and result["tagsAbsent"]


def test_filters_use_the_property_ids(result: dict[str, Any]) -> None:
    parts = result["filter"]["and"]
    assert parts[0] == {"equals": {"property": ["sp_hostile", "Node/1", "__proto__"], "value": "v"}}
    assert parts[1] == {"range": {"property": ["sp_hostile", "Node/1", "constructor"], "gt": 1}}


def test_client_members(result: dict[str, Any]) -> None:
    assert {"instances", "instances_", "toString_", "class_", "node", "date"} <= set(result["members"])
