"""TypeScript view APIs fill in what the view's filter requires (node type, fixed property values) on upsert.

The SDK of a small model is type-checked, compiled and run in node with a fake fetch that records the
upsert body. Fails when tests/typescript's TypeScript is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _ts_support import NASTY, SPACE, TSCONFIG, mapped, model, run_tsc, tsc_available, view, write_files

from pygen.generator import generate

pytestmark = pytest.mark.once  # compiles TypeScript and drives node: one Python is enough (tests/run)

SCRIPT = """
import * as sdk from "./out/defaults/index.js";
const bodies = [];
const fetch = async (url, init) => {
  bodies.push(JSON.parse(init.body));
  return { status: 200, headers: { get: () => null }, text: async () => '{"items": []}' };
};
const config = { project: "p", baseUrl: "http://127.0.0.1:9", credentials: new sdk.Token("t"), fetch };
const client = new sdk.DefaultsClient(config, { instanceSpace: "s" });
await client.typed.upsert({ externalId: "a", properties: { other: "o" } });
const mine = { word: "mine", count: null };
await client.typed.upsert({ externalId: "b", type: { space: "s", externalId: "mine" }, properties: mine });
await client.plain.upsert({ externalId: "c" });
console.log(JSON.stringify(bodies.map((body) => body.items[0])));
"""


def _equals(prop: str, value: Any) -> dict[str, Any]:
    return {"equals": {"property": [SPACE, "C", prop], "value": value}}


def _model() -> dict[str, Any]:
    typed = view(
        "Typed",
        {
            "word": mapped("text"),
            "count": mapped("int64"),
            "ratio": mapped("float64"),
            "flag": mapped("boolean"),
            "kind": mapped("enum", values={"a": {}, "b": {}}),
            "other": mapped("text"),
            "when": mapped("timestamp"),
            "words": mapped("text", is_list=True),
            "target": mapped("direct"),
            "huge": mapped("int64"),
        },
    )
    typed["filter"] = {
        "and": [
            {"equals": {"property": ["node", "type"], "value": {"space": SPACE, "externalId": NASTY}}},
            _equals("word", NASTY),
            _equals("count", 3),
            _equals("ratio", 2),
            _equals("flag", False),
            _equals("kind", "b"),
            _equals("when", "2024-01-01T00:00:00Z"),  # no default: as in the Python emitter
            _equals("words", ["a"]),  # a list: no default
            _equals("target", {"space": SPACE, "externalId": "t"}),
            _equals("huge", 2**60),  # beyond 2^53: no default
        ]
    }
    plain = view("Plain", {"name": mapped("text")})
    return model("Defaults", [typed, plain])


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    if not tsc_available() or shutil.which("node") is None:
        pytest.fail("tests/typescript/node_modules is not installed: run tests/typescript/run.sh first")
    root: Path = tmp_path_factory.mktemp("defaults-js")
    write_files(generate([_model()], language="typescript").files, root)
    config = {
        **TSCONFIG,
        "compilerOptions": {**TSCONFIG["compilerOptions"], "noEmit": False, "outDir": "out", "rootDir": "."},
    }
    compiled = run_tsc(root, config)
    assert compiled.returncode == 0, compiled.stdout
    (root / "check.mjs").write_text(SCRIPT, encoding="utf-8")
    node = shutil.which("node") or "node"
    done = subprocess.run([node, "check.mjs"], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    items: list[dict[str, Any]] = json.loads(done.stdout)
    return items


def test_defaults_are_filled_in(written: list[dict[str, Any]]) -> None:
    first = written[0]
    assert first["type"] == {"space": SPACE, "externalId": NASTY}
    assert first["sources"][0]["properties"] == {
        "other": "o",
        "word": NASTY,
        "count": 3,
        "ratio": 2.0,
        "flag": False,
        "kind": "b",
        "target": {"space": SPACE, "externalId": "t"},
    }


def test_given_values_win(written: list[dict[str, Any]]) -> None:
    second = written[1]
    assert second["type"] == {"space": "s", "externalId": "mine"}
    props = second["sources"][0]["properties"]
    assert props["word"] == "mine" and props["count"] is None and props["kind"] == "b"


def test_views_without_filter_are_untouched(written: list[dict[str, Any]]) -> None:
    assert "type" not in written[2] and "properties" not in written[2]["sources"][0]
