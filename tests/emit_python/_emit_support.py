"""Builders of small DMS data models (API read shape, views inline) for the emitter tests and golden cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from testdata import MODELS_DIR, REPO_ROOT

GOLDEN_DIR = REPO_ROOT / "tests" / "golden"
SPACE = "sp_hostile"


def load_model(name: str) -> dict[str, Any]:
    """A shared model dump (CogniteCore, Omni, OmniSub, WindTurbine) as a dict."""
    data: dict[str, Any] = json.loads((MODELS_DIR / f"{name}.json").read_text())
    return data


def view_ref(external_id: str, space: str = SPACE, version: str = "1") -> dict[str, Any]:
    return {"type": "view", "space": space, "externalId": external_id, "version": version}


def mapped(
    prop_type: str, *, is_list: bool = False, name: str | None = None, description: str | None = None, **type_extra: Any
) -> dict[str, Any]:
    """A mapped property of container ``C`` (its identifier is filled in by ``view``)."""
    return {
        "container": {"type": "container", "space": SPACE, "externalId": "C"},
        "type": {"type": prop_type, "list": is_list, **type_extra},
        "nullable": True,
        "immutable": False,
        "autoIncrement": False,
        "name": name,
        "description": description,
    }


def direct(target: str | None, *, is_list: bool = False, **extra: Any) -> dict[str, Any]:
    prop = mapped("direct", is_list=is_list, **extra)
    if target is not None:
        prop["type"]["source"] = view_ref(target)
    return prop


def edge(
    target: str, edge_type: str, *, edge_view: str | None = None, single: bool = False, **extra: Any
) -> dict[str, Any]:
    return {
        "connectionType": "single_edge_connection" if single else "multi_edge_connection",
        "type": {"space": SPACE, "externalId": edge_type},
        "source": view_ref(target),
        "edgeSource": view_ref(edge_view) if edge_view else None,
        "direction": "outwards",
        "name": extra.get("name"),
        "description": extra.get("description"),
    }


def reverse(target: str, through: str, *, single: bool = False) -> dict[str, Any]:
    return {
        "connectionType": "single_reverse_direct_relation" if single else "multi_reverse_direct_relation",
        "source": view_ref(target),
        "through": {"source": view_ref(target), "identifier": through},
        "name": None,
        "description": None,
    }


def view(
    external_id: str,
    properties: dict[str, dict[str, Any]],
    *,
    name: str | None = None,
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
        "name": name,
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


def model(
    external_id: str, views: list[dict[str, Any]], *, name: str | None = None, description: str | None = None
) -> dict[str, Any]:
    return {
        "space": SPACE,
        "externalId": external_id,
        "version": "1",
        "name": name,
        "description": description,
        "views": views,
        "isGlobal": False,
        "lastUpdatedTime": 0,
        "createdTime": 0,
    }


#: Text that must appear only inside string literals and docstrings of generated code.
SENTINEL = "PWNED_SENTINEL"
NASTY = f'a "quote", \'single\', """triple""", \'\'\' and \\ backslash \\n\n*/ {SENTINEL} \u00e9\u2028\x00 end\\'


def hostile_model() -> dict[str, Any]:
    """The committed ``hostile`` golden case: nasty text everywhere, keywords, dunders, runtime names."""
    return model(
        "Hostile",
        [
            view(
                "class",
                {
                    "def": mapped("text", name=NASTY, description=NASTY),
                    "__init__": mapped("int32", description='ends with a quote"'),
                    "model_dump": mapped("float64", description="ends with a backslash\\"),
                    "externalId": mapped("text", description="collides with a base field"),
                    "space": mapped("text"),
                    "as_write": mapped("boolean"),
                    "filter": mapped("timestamp"),
                    "limit": mapped("date"),
                    "minValue": mapped("int64"),
                    "value": mapped("int64"),
                    "valuePrefix": mapped("text"),
                    "value_prefix": mapped("text"),
                    "status": mapped(
                        "enum", values={'a"b': {"name": NASTY, "description": NASTY}, "None": {}, "class": {}}
                    ),
                    "json": mapped("json"),
                    "tags": mapped("text", is_list=True),
                    "parent": direct("class"),
                    "others": direct("Ünïcödé", is_list=True),
                    "exists": mapped("text"),
                    "str": mapped("text"),
                    "isinstance": mapped("text"),
                    "found": mapped("text"),
                    "_private": mapped("text"),
                    "children": reverse("class", "parent"),
                    "links": edge("Ünïcödé", "link", edge_view="edge", name=NASTY),
                },
                name=NASTY,
                description=NASTY,
            ),
            view(
                "Ünïcödé",
                {"名前": mapped("text", description="\u65e5\u672c\u8a9e \U0001f600 emoji"), "x": mapped("float32")},
                description="Tab\there, CR\r\nLF, form feed\x0c, and a line separator\u2028done.",
            ),
            view("edge", {"weight": mapped("float64", description=NASTY)}, used_for="edge", description=NASTY),
            view(
                "ReadOnly", {"name": mapped("text")}, writable=False, description="*/ /* -- # noqa: E501 type: ignore"
            ),
            view("View", {"type": mapped("text")}, description="A view named like the runtime's ViewId."),
        ],
        name=NASTY,
        description=NASTY,
    )


#: Golden cases: name -> the models they are generated from (shared dumps, or the hostile model).
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
    """Where a case's Python tree is committed."""
    return GOLDEN_DIR / case / "python"
