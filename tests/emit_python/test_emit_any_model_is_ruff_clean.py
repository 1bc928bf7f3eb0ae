"""The generated code is ruff-clean (lint and format) for models nobody here tuned the emitter to.

A seeded generator makes 50-view models with what real models have and the golden ones lack: long
and short names of every length around the line limit, long descriptions, many properties, enums, lists,
direct relations, edges with and without properties, reverse relations, required properties and
view filters. Each is generated and checked with ``ruff check`` and ``ruff format --check`` (the
settings generated code is made for: line length 120, pygen a third-party package). The golden trees
are checked the same way in test_emit_golden.py.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pygen.cli._generate import write_tree
from pygen.generator import generate
from pygen.generator.emit.python._format import RUFF_SETTINGS

SPACE = "sp_any"
WORDS = "pump valve pipe compressor turbine generator sensor reading maintenance order work site plant area".split()
RUFF = Path(sys.executable).parent / "ruff"


def _name(rng: random.Random, low: int, high: int, *, upper: bool) -> str:
    """An identifier-like external id of ``low``..``high`` characters, camel or Pascal case."""
    length = rng.randint(low, high)
    parts: list[str] = []
    while sum(map(len, parts)) < length:
        parts.append(rng.choice(WORDS))
    text = "".join(part.capitalize() for part in parts)[:length]
    return text if upper else text[0].lower() + text[1:]


def _ref(external_id: str) -> dict[str, Any]:
    return {"type": "view", "space": SPACE, "externalId": external_id, "version": "1"}


def _model(seed: int, views: int = 50) -> dict[str, Any]:
    rng = random.Random(seed)
    names: list[str] = []
    while len(names) < views:
        name = _name(rng, 3, 45, upper=True)
        if name not in names:
            names.append(name)
    out = []
    for index, view_name in enumerate(names):
        props: dict[str, Any] = {}
        for _ in range(rng.randint(0, 14)):
            prop = _name(rng, 2, 45, upper=False)
            kind = rng.choice(["text", "int32", "int64", "float64", "boolean", "timestamp", "date", "json", "enum"])
            roll = rng.random()
            description = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 60))) or None
            if roll < 0.15:
                props[prop] = {
                    "connectionType": rng.choice(["multi_edge_connection", "single_edge_connection"]),
                    "type": {"space": SPACE, "externalId": _name(rng, 3, 40, upper=False)},
                    "source": _ref(rng.choice(names)),
                    "direction": rng.choice(["outwards", "inwards"]),
                    "description": description,
                    **({"edgeSource": _ref(rng.choice(names))} if rng.random() < 0.3 else {}),
                }
                continue
            if roll < 0.25:
                kind = "direct"
            prop_type: dict[str, Any] = {"type": kind, "list": rng.random() < 0.2 and kind != "enum"}
            if kind == "direct":
                prop_type["source"] = _ref(rng.choice(names))
            if kind == "enum":
                prop_type["values"] = {
                    _name(rng, 1, 50, upper=rng.random() < 0.5): {} for _ in range(rng.randint(1, 8))
                }
            props[prop] = {
                "container": {"type": "container", "space": SPACE, "externalId": f"C{index}"},
                "containerPropertyIdentifier": prop,
                "type": prop_type,
                "nullable": rng.random() < 0.8,
                "immutable": False,
                "autoIncrement": kind in ("int32", "int64") and rng.random() < 0.1,
                "name": " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12))),
                "description": description,
            }
        view: dict[str, Any] = {
            "space": SPACE,
            "externalId": view_name,
            "version": "1",
            "name": view_name,
            "description": " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 80))) or None,
            "filter": None,
            "implements": [],
            "writable": True,
            "usedFor": "node",
            "isGlobal": False,
            "properties": props,
            "lastUpdatedTime": 0,
            "createdTime": 0,
        }
        if rng.random() < 0.3:
            node_type = {"space": SPACE, "externalId": _name(rng, 3, 60, upper=True)}
            view["filter"] = {"equals": {"property": ["node", "type"], "value": node_type}}
        out.append(view)
    return {
        "space": SPACE,
        "externalId": f"AnyModel{seed}",
        "version": "1",
        "name": None,
        "description": None,
        "views": out,
        "isGlobal": False,
        "lastUpdatedTime": 0,
        "createdTime": 0,
    }


# once: generation is compared byte for byte with the goldens on every Python; this checks its layout.
@pytest.mark.once
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_generated_50_view_model_is_ruff_clean(seed: int, tmp_path: Path) -> None:
    result = generate([_model(seed)])
    out = tmp_path / "out"
    write_tree(result.files, out)
    check = subprocess.run(
        [str(RUFF), "check", *RUFF_SETTINGS, "--select", "E,F,W,I,UP,B", str(out)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout[-4000:]
    fmt = subprocess.run([str(RUFF), "format", *RUFF_SETTINGS, "--diff", str(out)], capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout[-4000:] + fmt.stderr[-1000:]
