"""Write the three colliding test models of this folder: ``python tests/data/models/collide/make_models.py``.

Made here (not taken from CDF) so that they collide in every way views can:

- the same view id in two spaces: ``collide_a:Asset/1`` and ``collide_b:Asset/1`` (different properties);
- two versions of one view: ``collide_a:Pump/1`` (LegacyModel) and ``collide_a:Pump/2`` (PlantModel);
- a view reused by two models: ``collide_a:Site/1`` is in PlantModel and LegacyModel;
- property names that clash after snake-casing: ``collide_b:Gauge/1`` has ``maxPressure`` and ``max_pressure``.

Relations cross the collisions: ``Pump/2.site`` and ``Pump/1.site`` point at Site, ``collide_b:Asset.pump``
at the old ``Pump/1``, ``collide_a:Asset.pump`` at ``Pump/2``, and ``Gauge.asset`` at ``collide_a:Asset``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAMP = 1730000000000


def _text(container: tuple[str, str], identifier: str) -> dict[str, Any]:
    return _mapped(container, identifier, {"type": "text", "list": False, "collation": "ucs_basic"})


def _float(container: tuple[str, str], identifier: str) -> dict[str, Any]:
    return _mapped(container, identifier, {"type": "float64", "list": False})


def _direct(container: tuple[str, str], identifier: str, target: tuple[str, str, str]) -> dict[str, Any]:
    source = {"space": target[0], "externalId": target[1], "version": target[2]}
    return _mapped(container, identifier, {"type": "direct", "list": False, "source": source})


def _mapped(container: tuple[str, str], identifier: str, type_: dict[str, Any]) -> dict[str, Any]:
    return {
        "container": {"space": container[0], "externalId": container[1]},
        "containerPropertyIdentifier": identifier,
        "type": type_,
        "nullable": True,
        "immutable": False,
        "autoIncrement": False,
        "defaultValue": None,
        "name": None,
        "description": None,
    }


def _view(space: str, external_id: str, version: str, properties: dict[str, Any], doc: str) -> dict[str, Any]:
    return {
        "space": space,
        "externalId": external_id,
        "name": external_id,
        "description": doc,
        "filter": None,
        "implements": [],
        "version": version,
        "writable": True,
        "usedFor": "node",
        "isGlobal": False,
        "properties": properties,
        "lastUpdatedTime": STAMP,
        "createdTime": STAMP,
    }


def _model(space: str, external_id: str, views: list[dict[str, Any]], doc: str) -> dict[str, Any]:
    return {
        "space": space,
        "externalId": external_id,
        "name": external_id,
        "description": doc,
        "version": "1",
        "views": views,
        "isGlobal": False,
        "lastUpdatedTime": STAMP,
        "createdTime": STAMP,
    }


def models() -> dict[str, dict[str, Any]]:
    site = _view("collide_a", "Site", "1", {"name": _text(("collide_a", "Site"), "name")}, "A site (in two models).")
    pump_v2 = _view(
        "collide_a",
        "Pump",
        "2",
        {
            "name": _text(("collide_a", "Pump"), "name"),
            "ratedPower": _float(("collide_a", "Pump"), "ratedPower"),
            "site": _direct(("collide_a", "Pump"), "site", ("collide_a", "Site", "1")),
        },
        "A pump, version 2.",
    )
    pump_v1 = _view(
        "collide_a",
        "Pump",
        "1",
        {
            "name": _text(("collide_a", "Pump"), "name"),
            "site": _direct(("collide_a", "Pump"), "site", ("collide_a", "Site", "1")),
        },
        "A pump, version 1.",
    )
    asset_a = _view(
        "collide_a",
        "Asset",
        "1",
        {
            "name": _text(("collide_a", "Asset"), "name"),
            "pump": _direct(("collide_a", "Asset"), "pump", ("collide_a", "Pump", "2")),
        },
        "An asset of the plant.",
    )
    asset_b = _view(
        "collide_b",
        "Asset",
        "1",
        {
            "tag": _text(("collide_b", "Asset"), "tag"),
            "pump": _direct(("collide_b", "Asset"), "pump", ("collide_a", "Pump", "1")),
        },
        "An asset of the other model.",
    )
    gauge = _view(
        "collide_b",
        "Gauge",
        "1",
        {
            "maxPressure": _float(("collide_b", "Gauge"), "maxPressure"),
            "max_pressure": _float(("collide_b", "Gauge"), "max_pressure_raw"),
            "asset": _direct(("collide_b", "Gauge"), "asset", ("collide_a", "Asset", "1")),
        },
        "A gauge whose property names clash after snake-casing.",
    )
    return {
        "PlantModel": _model("collide_a", "PlantModel", [asset_a, pump_v2, site], "The plant (current)."),
        "OtherModel": _model("collide_b", "OtherModel", [asset_b, gauge], "Another team's model."),
        "LegacyModel": _model("collide_a", "LegacyModel", [pump_v1, site], "The plant before the migration."),
    }


def main() -> None:
    for name, model in models().items():
        (HERE / f"{name}.json").write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
