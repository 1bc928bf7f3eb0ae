"""Write classes default what the view's filter requires (node type, fixed property values), typed per field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from _emit_support import NASTY, SPACE, direct, mapped, model, view

from pygen.cli._generate import write_tree
from pygen.generator import generate, load_sdk
from pygen.generator.emit.python._format import RUFF_SETTINGS
from pygen.instances import NodeId

RUFF = Path(sys.executable).parent / "ruff"
LONG = "long " * 30


def _equals(prop: str, value: Any) -> dict[str, Any]:
    return {"equals": {"property": [SPACE, "C", prop], "value": value}}


def _typed_model() -> dict[str, Any]:
    typed = view(
        "Typed",
        {
            "word": mapped("text"),
            "count": mapped("int64"),
            "ratio": mapped("float64"),
            "flag": mapped("boolean"),
            "other": mapped("text"),
            "when": mapped("timestamp"),
            "words": mapped("text", is_list=True),
            "target": direct("Typed"),
            "mismatch": mapped("int64"),
            "long": mapped("text"),
        },
    )
    typed["filter"] = {
        "and": [
            {"equals": {"property": ["node", "type"], "value": {"space": SPACE, "externalId": NASTY}}},
            _equals("word", NASTY),
            _equals("count", 3),
            _equals("ratio", 2),
            _equals("flag", False),
            _equals("when", "2024-01-01T00:00:00Z"),  # no Timestamp literal: left without a default
            _equals("words", ["a"]),  # a list property: no default
            _equals("target", {"space": SPACE, "externalId": "t"}),
            _equals("mismatch", "not an int"),  # does not fit the type: no default
            _equals("long", LONG),
        ]
    }
    return model("FilterDefaults", [typed])


def test_write_class_defaults_and_always_writes_them() -> None:
    sdk = load_sdk([_typed_model()], package="filter_defaults_sdk")
    write = sdk.TypedWrite(external_id="x", other="o")
    assert write.type == NodeId(SPACE, NASTY)
    assert (write.word, write.count, write.ratio, write.flag, write.target) == (
        NASTY,
        3,
        2.0,
        False,
        NodeId(SPACE, "t"),
    )
    assert (write.when, write.words, write.mismatch) == (None, None, None)
    item = write.dump("sp_data")
    assert item["type"] == {"space": SPACE, "externalId": NASTY}
    assert item["sources"][0]["properties"] == {
        "word": NASTY,
        "count": 3,
        "ratio": 2.0,
        "flag": False,
        "target": {"space": SPACE, "externalId": "t"},
        "long": LONG,
        "other": "o",
    }
    # Values given replace the defaults; the read class has none.
    given = sdk.TypedWrite(external_id="y", word="mine", type=NodeId("s", "t"))
    assert given.dump("sp_data")["sources"][0]["properties"]["word"] == "mine"
    assert given.dump("sp_data")["type"] == {"space": "s", "externalId": "t"}
    assert sdk.TypedWrite.load({"space": "s", "externalId": "z"}).dump()["sources"][0]["properties"]["count"] == 3
    assert sdk.Typed.model_fields["word"].default is None


def test_defaults_are_laid_out_ruff_clean(tmp_path: Path) -> None:
    # Long and hostile literals: wrapped the way ruff format does (mypy --strict checked by hand, too slow here).
    write_tree(generate([_typed_model()]).files, tmp_path)
    for args in (["check", *RUFF_SETTINGS, "--select", "E,F,W,I,UP,B"], ["format", "--check", *RUFF_SETTINGS]):
        result = subprocess.run([str(RUFF), *args, str(tmp_path)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
