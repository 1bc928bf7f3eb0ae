"""Diagnostics never print a model's invisible or reordering characters raw: a U+202E in a view id cannot
reorder a build log line, a zero-width space cannot make two ids look alike, a newline cannot forge a line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _emit_support import SPACE, mapped, model, view

from pygen.cli import main as pygen_main
from pygen.generator import GenerationError, generate
from pygen.generator.config import ConfigError, parse_config
from pygen.generator.ir import Diagnostic

RLO, ZWSP, ZWJ, LSEP = "\u202e", "\u200b", "\u200d", "\u2028"
# Anything Python does not call printable, except the ASCII space: what must never reach a terminal raw.
INVISIBLE = re.compile(r"[^\S ]|[\u200b-\u200f\u202a-\u202e\u2060-\u2069\u2028\u2029\ufeff]")


def _hostile() -> dict[str, object]:
    views = [
        view(f"Pump{RLO}1v", {f"na{ZWSP}me": mapped("text"), "ok": mapped("text")}),
        view(f"Val{ZWJ}ve", {"line": mapped("text")}),
    ]
    return model("Plant", views)


def test_str_of_a_diagnostic_escapes_the_item_and_the_message() -> None:
    diagnostic = Diagnostic("warning", f"sp:Pump{RLO}/1", "invalid-identifier", f"bad{LSEP}line{ZWSP}\nforged")
    assert str(diagnostic) == "warning: sp:Pump\\u202e/1: bad\\u2028line\\u200b\\nforged [invalid-identifier]"
    assert diagnostic.item == f"sp:Pump{RLO}/1"  # the field keeps the raw text
    assert str(Diagnostic("info", "sp:Pumpe/1", "x", "für Öl")) == "info: sp:Pumpe/1: für Öl [x]"


def test_generated_diagnostics_print_escapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = generate([_hostile()], package="plant")
    printed = [str(d) for d in result.diagnostics]
    assert any(f"{SPACE}:Pump\\u202e1v/1" in line for line in printed), printed
    assert any("na\\u200bme" in line for line in printed), printed
    assert not any(INVISIBLE.search(line) for line in printed)
    # The CLI's output (every diagnostic with --verbose), and an error's message listing them.
    path = tmp_path / "model.json"
    path.write_text(json.dumps(_hostile()), encoding="utf-8")
    code = pygen_main(["generate", "--model-file", str(path), "--output", str(tmp_path / "out"), "--verbose"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "\\u202e" in err and "\\u200d" in err
    assert not INVISIBLE.search((out + err).replace("\n", ""))
    broken = model("Broken", [view(f"A{RLO}", {})])
    broken["views"].append(view(f"A{RLO}", {"x": mapped("text")}))  # type: ignore[attr-defined]
    with pytest.raises(GenerationError) as info:
        generate([broken], package="plant", view_names={f"{SPACE}:Nope{RLO}/1": "X"})
    assert "Nope\\u202e" in str(info.value) and RLO not in str(info.value)


def test_config_errors_escape_the_users_text() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"models": ["a:b/1"], f"pack{RLO}age": "x", "view-names": {f"a{ZWSP}:b/1": "X"}})
    text = str(info.value)
    assert "`pack\\u202eage` is not a known key" in text and '"a\\u200b:b/1" is not a view id' in text
    assert not INVISIBLE.search(text.replace("\n", ""))
