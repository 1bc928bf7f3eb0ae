"""Shared by the TypeScript emitter tests, the golden regen script and ``tests/typescript/run.sh``.

Golden cases: ``cognite_core``, ``omni``, ``omni_sub``, ``wind_turbine`` (the shared dumps, each generated
alone: Omni and OmniSub conflict when loaded together) and ``hostile`` (built here). The committed trees
(``tests/golden/<case>/typescript/<package>/``) leave out ``runtime/``: it is a stamped copy of
``pygen/ts_runtime`` (checked separately), and committing it five times would only add noise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from testdata import MODELS_DIR, REPO_ROOT

GOLDEN_DIR = REPO_ROOT / "tests" / "golden"
TSC = REPO_ROOT / "tests" / "typescript" / "node_modules" / ".bin" / "tsc"
SPACE = "sp_hostile"
REGEN = ".venv/bin/python tests/emit_typescript/regen.py"

#: Must only ever appear inside string literals and comments of generated code.
SENTINEL = "PWNED_SENTINEL"
NASTY = (
    f"q\"uote 'single' `back` ${{globalThis.{SENTINEL}=1}} */ {SENTINEL}(); /* \\ back\\slash \\u0041 "
    "line\nbreak\r\nCR\rLS\u2028PS\u2029NEL\u0085 NUL\x00 bidi\u202e @ts-ignore @type {any} </script> "
    "lone\ud800surrogate end\\"
)

#: Compiler options of the check: the issue's flags plus the runtime's own strict set.
TSCONFIG: dict[str, Any] = {
    "compilerOptions": {
        "target": "ES2022",
        "lib": ["ES2022", "DOM"],
        "module": "NodeNext",
        "moduleResolution": "NodeNext",
        "strict": True,
        "exactOptionalPropertyTypes": True,
        "noUncheckedIndexedAccess": True,
        "noImplicitOverride": True,
        "noUnusedLocals": True,
        "noUnusedParameters": True,
        "noPropertyAccessFromIndexSignature": True,
        "noFallthroughCasesInSwitch": True,
        "verbatimModuleSyntax": True,
        "isolatedModules": True,
        "erasableSyntaxOnly": True,
        "forceConsistentCasingInFileNames": True,
        "types": [],
        "noEmit": True,
    },
    "include": ["**/*.ts"],
}


def load_model(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((MODELS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return data


def view_ref(external_id: str) -> dict[str, Any]:
    return {"type": "view", "space": SPACE, "externalId": external_id, "version": "1"}


def mapped(prop_type: str, *, is_list: bool = False, description: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "container": {"type": "container", "space": SPACE, "externalId": "C"},
        "type": {"type": prop_type, "list": is_list, **extra},
        "nullable": True,
        "immutable": False,
        "autoIncrement": False,
        "name": None,
        "description": description,
    }


def view(
    external_id: str,
    properties: Mapping[str, dict[str, Any]],
    *,
    description: str | None = None,
    used_for: str = "node",
    writable: bool = True,
) -> dict[str, Any]:
    props = {}
    for prop_id, prop in properties.items():
        prop = dict(prop)
        if "container" in prop:
            prop["containerPropertyIdentifier"] = prop_id
        props[prop_id] = prop
    return {
        "space": SPACE,
        "externalId": external_id,
        "version": "1",
        "name": description,
        "description": description,
        "filter": None,
        "implements": [],
        "writable": writable,
        "usedFor": used_for,
        "isGlobal": False,
        "properties": props,
        "lastUpdatedTime": 0,
        "createdTime": 0,
    }


def model(external_id: str, views: list[dict[str, Any]], *, description: str | None = None) -> dict[str, Any]:
    return {
        "space": SPACE,
        "externalId": external_id,
        "version": "1",
        "name": description,
        "description": description,
        "views": views,
        "isGlobal": False,
        "lastUpdatedTime": 0,
        "createdTime": 0,
    }


def reverse(target: str, through: str, *, single: bool = False, description: str | None = None) -> dict[str, Any]:
    return {
        "connectionType": "single_reverse_direct_relation" if single else "multi_reverse_direct_relation",
        "source": view_ref(target),
        "through": {"source": view_ref(target), "identifier": through},
        "name": None,
        "description": description,
    }


def edge(target: str, edge_type: str) -> dict[str, Any]:
    return {
        "connectionType": "multi_edge_connection",
        "type": {"space": SPACE, "externalId": edge_type},
        "source": view_ref(target),
        "edgeSource": None,
        "direction": "outwards",
        "name": None,
        "description": NASTY,
    }


def hostile_model() -> dict[str, Any]:
    """Nasty text everywhere; names that are keywords, globals, runtime exports, prototype members."""
    every_kind = {
        "__proto__": mapped("text", description=NASTY),
        "constructor": mapped("int32", description="*/"),
        "hasOwnProperty": mapped("boolean"),
        "fields": mapped("float64"),
        "class": mapped("timestamp", description="/* nested"),
        "default": mapped("date"),
        "big": mapped("int64", description="ends with a backslash\\"),
        "status": mapped(
            "enum",
            values={'a"b': {"name": NASTY, "description": NASTY}, "${x}": {}, "*/": {}, "`t`": {}},
        ),
        "json": mapped("json"),
        "tags": mapped("text", is_list=True),
        "times": mapped("timestamp", is_list=True),
        "counts": mapped("int64", is_list=True),
        "parent": {**mapped("direct"), "type": {"type": "direct", "list": False, "source": view_ref("Node")}},
        "others": {**mapped("direct"), "type": {"type": "direct", "list": True, "source": view_ref("Ünïcödé")}},
        "my-prop": mapped("text", description="not an identifier"),
        "名前": mapped("text", description="\u65e5\u672c\u8a9e \U0001f600 emoji"),
        "ts": mapped("timeseries"),
        # Reverse relations named like members of the API classes, and an edge (listed, not generated).
        "list": reverse("Node", "parent", description=NASTY),
        "count": reverse("Node", "parent", single=True),
        "client": reverse("Node", "parent"),
        "links": edge("Node", "link*/"),
    }
    return model(
        "Hostile",
        [
            view("Node", every_kind, description=NASTY),
            view("Date", {"value": mapped("float32")}, description="A view named like a global."),
            view("class", {"x": mapped("text")}),
            view(
                "Ünïcödé",
                {"名前": mapped("text"), "referrers": reverse("Node", "others")},
                description="Tab\there, CR\r\nLF.",
            ),
            view("3d", {"y": mapped("int32")}),
            view("Foo", {"a": mapped("text")}),
            view("FooWrite", {"b": mapped("text")}, description="Its name is Foo's write type."),
            view("toString", {"c": mapped("text")}),
            view("instances", {"d": mapped("text")}),
            view("edge", {"weight": mapped("float64", description=NASTY)}, used_for="edge", description=NASTY),
            view("ReadOnly", {"name": mapped("text")}, writable=False, description="*/ @ts-nocheck"),
        ],
        description=NASTY,
    )


GOLDEN_CASES = ("cognite_core", "omni", "omni_sub", "wind_turbine", "hostile", "multi")
_SHARED = {"cognite_core": "CogniteCore", "omni": "Omni", "omni_sub": "OmniSub", "wind_turbine": "WindTurbine"}
#: Three models that collide in every way (tests/data/models/collide/make_models.py): one SDK.
MULTI = ("collide/PlantModel", "collide/OtherModel", "collide/LegacyModel")


def golden_models(case: str) -> list[dict[str, Any]]:
    """The input models of a golden case."""
    if case == "hostile":
        return [hostile_model()]
    if case == "multi":
        return [load_model(name) for name in MULTI]
    return [load_model(_SHARED[case])]


def golden_tree(case: str) -> Path:
    """Where a case's TypeScript tree is committed."""
    return GOLDEN_DIR / case / "typescript"


def generate_case(case: str) -> dict[str, str]:
    """The full generated tree of a case (runtime included)."""
    from pygen.generator import generate

    return generate(golden_models(case), language="typescript").files


def is_runtime(path: str) -> bool:
    """True for files of the runtime copy (``<package>/runtime/...``)."""
    return path.split("/")[1:2] == ["runtime"]


def write_files(files: Mapping[str, str], root: Path) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def run_tsc(root: Path, config: Mapping[str, Any] = TSCONFIG) -> subprocess.CompletedProcess[str]:
    """``tsc`` over every ``.ts`` file under ``root`` with ``config`` (default :data:`TSCONFIG`: no emit)."""
    (root / "tsconfig.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    # A package.json with "type": "module" so NodeNext treats the trees as ES modules.
    (root / "package.json").write_text('{"private": true, "type": "module"}\n', encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [str(TSC), "-p", str(root), "--pretty", "false"], capture_output=True, text=True, env=env, timeout=300
    )


def tsc_available() -> bool:
    return TSC.is_file() and shutil.which("node") is not None
