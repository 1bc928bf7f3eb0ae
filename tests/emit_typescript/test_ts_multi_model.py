"""The TypeScript SDK of three colliding models (tests/data/models/collide/) writes and reads through every view.

Python's counterpart is tests/emit_python/test_emit_multi_model.py; the golden case ``multi`` holds the
generated code (checked by tsc in tests/emit_typescript/tsc_goldens.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from _ts_support import MULTI, TSCONFIG, load_model, run_tsc, tsc_available, write_files
from testdata import MODELS_DIR

from pygen.emulator.testing import EmulatorProcess
from pygen.generator import generate

pytestmark = pytest.mark.once  # compiles TypeScript and drives node: one Python is enough (tests/run)

SPACE = "sp_multi_ts"

SCRIPT = """
import * as sdk from "./out/plant/index.js";
const [baseUrl, token, instanceSpace] = process.argv.slice(2);
const client = new sdk.PlantClient({ project: "p", baseUrl, credentials: new sdk.Token(token) }, { instanceSpace });
const site = { space: instanceSpace, externalId: "site1" };
await client.site.upsert({ externalId: "site1", properties: { name: "North" } });
await client.pump.upsert({ externalId: "p2", properties: { name: "new pump", ratedPower: 7.5, site } });
await client.pumpV1.upsert({ externalId: "p1", properties: { name: "old pump", site } });
await client.assetCollideA.upsert({ externalId: "a", properties: { name: "plant asset" } });
await client.assetCollideB.upsert({ externalId: "b", properties: { tag: "T-1" } });
await client.gauge.upsert({ externalId: "g", properties: { maxPressure: 10, max_pressure: 9.5 } });
const p2 = await client.pump.retrieve("p2");
const p1 = await client.pumpV1.retrieve("p1");
const a = await client.assetCollideA.retrieve("a");
const b = await client.assetCollideB.retrieve("b");
const g = await client.gauge.retrieve("g");
console.log(JSON.stringify({
  p2: p2?.properties.ratedPower,
  p1: p1?.properties.name,
  a: a?.properties.name,
  b: b?.properties.tag,
  bInA: (await client.assetCollideA.retrieve("b")) ?? null,
  gauge: [g?.properties.maxPressure, g?.properties.max_pressure],
  sites: (await client.site.list()).map((s) => s.properties.name),
}));
"""


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not tsc_available() or shutil.which("node") is None:
        pytest.fail("tests/typescript/node_modules is not installed: run tests/typescript/run.sh first")
    root: Path = tmp_path_factory.mktemp("multi-js")
    models = [load_model(name) for name in MULTI]
    write_files(generate(models, language="typescript", package="plant", client_name="PlantClient").files, root)
    config = {
        **TSCONFIG,
        "compilerOptions": {**TSCONFIG["compilerOptions"], "noEmit": False, "outDir": "out", "rootDir": "."},
    }
    result = run_tsc(root, config)
    assert result.returncode == 0, result.stdout
    (root / "check.mjs").write_text(SCRIPT, encoding="utf-8")
    return root


def test_write_and_read_through_every_colliding_view(compiled: Path) -> None:
    files = [arg for name in MULTI for arg in ("--model-file", str(MODELS_DIR / f"{name}.json"))]
    with EmulatorProcess(*files) as emulator, emulator.client() as http:
        url = emulator.project_url()
        http.post(f"{url}/models/spaces", json={"items": [{"space": SPACE}]}).raise_for_status()
        node = shutil.which("node") or "node"
        done = subprocess.run(
            [node, "check.mjs", emulator.base_url, emulator.token, SPACE], cwd=compiled, capture_output=True, text=True
        )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "p2": 7.5,
        "p1": "old pump",
        "a": "plant asset",
        "b": "T-1",
        "bInA": None,  # collide_b's Asset is not collide_a's
        "gauge": [10, 9.5],
        "sites": ["North"],
    }
