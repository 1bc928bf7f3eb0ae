"""Small DMS data models for IR tests, in API read shape (views inline)."""

from __future__ import annotations

import json
from typing import Any

from testdata import MODELS_DIR

from pygen.dms import DataModel

SPACE = "sp"


def load_shared(name: str) -> DataModel:
    """One of the shared model dumps (CogniteCore, Omni, OmniSub, WindTurbine)."""
    return DataModel.load(json.loads((MODELS_DIR / f"{name}.json").read_text()))


def view_ref(external_id: str, version: str = "v1", space: str = SPACE) -> dict[str, Any]:
    return {"type": "view", "space": space, "externalId": external_id, "version": version}


def mapped(type_: dict[str, Any], container: str = "C", identifier: str | None = None, **extra: Any) -> dict[str, Any]:
    """A mapped property read shape; ``identifier`` defaults to the key it is stored under (set by ``view``)."""
    prop: dict[str, Any] = {
        "container": {"type": "container", "space": SPACE, "externalId": container},
        "type": type_,
        "nullable": True,
        "immutable": False,
        "autoIncrement": False,
        **extra,
    }
    if identifier is not None:
        prop["containerPropertyIdentifier"] = identifier
    return prop


def text(**extra: Any) -> dict[str, Any]:
    return mapped({"type": "text"}, **extra)


def direct(target: str | None = None, *, is_list: bool = False, space: str = SPACE, **extra: Any) -> dict[str, Any]:
    type_: dict[str, Any] = {"type": "direct", "list": is_list}
    if target is not None:
        type_["source"] = view_ref(target, space=space)
    return mapped(type_, **extra)


def edge(target: str, edge_type: str = "link", *, single: bool = False, **extra: Any) -> dict[str, Any]:
    return {
        "connectionType": "single_edge_connection" if single else "multi_edge_connection",
        "type": {"space": SPACE, "externalId": edge_type},
        "source": view_ref(target),
        "direction": "outwards",
        **extra,
    }


def reverse(target: str, through: str, *, through_view: str | None = None, single: bool = False) -> dict[str, Any]:
    return {
        "connectionType": "single_reverse_direct_relation" if single else "multi_reverse_direct_relation",
        "source": view_ref(target),
        "through": {"source": view_ref(through_view or target), "identifier": through},
    }


def view(
    external_id: str,
    properties: dict[str, dict[str, Any]] | None = None,
    *,
    version: str = "v1",
    space: str = SPACE,
    **keys: Any,
) -> dict[str, Any]:
    """A view read shape; ``keys`` (camelCase) override view keys such as ``implements`` or ``usedFor``."""
    props = {}
    for key, prop in (properties or {}).items():
        if "container" in prop and "containerPropertyIdentifier" not in prop:
            prop = {**prop, "containerPropertyIdentifier": key}
        props[key] = prop
    return {
        "space": space,
        "externalId": external_id,
        "version": version,
        "properties": props,
        "writable": True,
        "usedFor": "node",
        **keys,
    }


def model(*views: dict[str, Any], external_id: str = "M", version: str = "1", space: str = SPACE) -> DataModel:
    return DataModel.load({"space": space, "externalId": external_id, "version": version, "views": list(views)})
