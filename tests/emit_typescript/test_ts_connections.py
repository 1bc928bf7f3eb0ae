"""TypeScript connections only hold what they claim: far-end nodes without data in the target view are left out
(with their edges, where a connection returns ``{ edge, node }`` pairs).

The Omni SDK is compiled and run in node against `pygen emulator`, with edges whose far ends are nodes of
another view (and an empty node). Python's counterpart is in tests/emit_python/test_emit_functional.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _ts_support import TSCONFIG, load_model, run_tsc, tsc_available, write_files
from testdata import OMNI_MODEL

from pygen.emulator.testing import EmulatorProcess
from pygen.generator import generate

pytestmark = pytest.mark.once  # compiles TypeScript and drives node: one Python is enough (tests/run)

SPACE = "sp_conn"
MODEL_SPACE = "sp_pygen_models"

SCRIPT = """
import * as sdk from "./out/omni/index.js";
const [baseUrl, token, instanceSpace] = process.argv.slice(2);
const client = new sdk.OmniClient({ project: "p", baseUrl, credentials: new sdk.Token(token) }, { instanceSpace });
const ids = (nodes) => nodes.map((node) => node.externalId).sort();
const single = async (node) => (node === undefined ? null : node.externalId);
console.log(JSON.stringify({
  fMulti: ids((await client.connectionItemF.outwardsMulti("f-mixed")).map((pair) => pair.node)),
  fEdges: ids((await client.connectionItemF.outwardsMulti("f-mixed")).map((pair) => pair.edge)),
  dWrong: await single(await client.connectionItemD.outwardsSingle("d-wrong")),
  dEmpty: await single(await client.connectionItemD.outwardsSingle("d-empty")),
  dRight: await single(await client.connectionItemD.outwardsSingle("d-right")),
}));
"""


def _view(external_id: str) -> dict[str, str]:
    return {"type": "view", "space": MODEL_SPACE, "externalId": external_id, "version": "1"}


def _node(external_id: str, view: str | None, **properties: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"instanceType": "node", "space": SPACE, "externalId": external_id}
    if view is not None:  # Omni's views filter on the node type: a node of the view has that type
        node["type"] = {"space": MODEL_SPACE, "externalId": view}
        node["sources"] = [{"source": _view(view), "properties": properties}]
    return node


def _edge(external_id: str, edge_type: str, start: str, end: str) -> dict[str, Any]:
    return {
        "instanceType": "edge",
        "space": SPACE,
        "externalId": external_id,
        "type": {"space": MODEL_SPACE, "externalId": edge_type},
        "startNode": {"space": SPACE, "externalId": start},
        "endNode": {"space": SPACE, "externalId": end},
    }


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not tsc_available() or shutil.which("node") is None:
        pytest.fail("tests/typescript/node_modules is not installed: run tests/typescript/run.sh first")
    root: Path = tmp_path_factory.mktemp("omni-js")
    write_files(generate([load_model("Omni")], language="typescript", package="omni").files, root)
    config = {
        **TSCONFIG,
        "compilerOptions": {**TSCONFIG["compilerOptions"], "noEmit": False, "outDir": "out", "rootDir": "."},
    }
    result = run_tsc(root, config)
    assert result.returncode == 0, result.stdout
    (root / "check.mjs").write_text(SCRIPT, encoding="utf-8")
    return root


def test_edge_targets_are_only_nodes_of_the_target_view(compiled: Path) -> None:
    items = [
        _node("g-node", "ConnectionItemG", name="a G"),
        _node("e-node", "ConnectionItemE", name="an E"),
        _node("empty", None),
        _node("f-mixed", "ConnectionItemF", name="f"),
        _node("d-wrong", "ConnectionItemD", name="d"),
        _node("d-empty", "ConnectionItemD", name="d"),
        _node("d-right", "ConnectionItemD", name="d"),
        # ConnectionItemF.outwardsMulti targets ConnectionItemG; ConnectionItemD.outwardsSingle ConnectionItemE.
        _edge("f-e", "multiProperty", "f-mixed", "e-node"),
        _edge("f-g", "multiProperty", "f-mixed", "g-node"),
        _edge("f-empty", "multiProperty", "f-mixed", "empty"),
        _edge("d-g", "bidirectionalSingle", "d-wrong", "g-node"),
        _edge("d-0", "bidirectionalSingle", "d-empty", "empty"),
        _edge("d-e", "bidirectionalSingle", "d-right", "e-node"),
    ]
    with EmulatorProcess("--model-file", str(OMNI_MODEL)) as emulator, emulator.client() as http:
        url = emulator.project_url()
        http.post(f"{url}/models/spaces", json={"items": [{"space": SPACE}]}).raise_for_status()
        response = http.post(f"{url}/models/instances", json={"items": items})
        assert response.status_code == 200, response.text
        node = shutil.which("node") or "node"
        done = subprocess.run(
            [node, "check.mjs", emulator.base_url, emulator.token, SPACE], cwd=compiled, capture_output=True, text=True
        )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "fMulti": ["g-node"],
        "fEdges": ["f-g"],  # an edge whose far end is not a ConnectionItemG is left out with it
        "dWrong": None,
        "dEmpty": None,
        "dRight": "e-node",
    }


def test_the_emulator_answers_byids_with_sources_only_for_nodes_with_data() -> None:
    """What the TypeScript SDK relies on: a byids read through a view leaves out nodes without data in it."""
    with EmulatorProcess("--model-file", str(OMNI_MODEL)) as emulator, emulator.client() as http:
        url = emulator.project_url()
        http.post(f"{url}/models/spaces", json={"items": [{"space": SPACE}]}).raise_for_status()
        http.post(f"{url}/models/instances", json={"items": [_node("g", "ConnectionItemG", name="g")]})
        ids = [{"instanceType": "node", "space": SPACE, "externalId": "g"}]
        body = {"items": ids, "sources": [{"source": _view("ConnectionItemE")}]}
        assert http.post(f"{url}/models/instances/byids", json=body).json()["items"] == []
        body["sources"] = [{"source": _view("ConnectionItemG")}]
        assert [
            item["externalId"] for item in http.post(f"{url}/models/instances/byids", json=body).json()["items"]
        ] == ["g"]
