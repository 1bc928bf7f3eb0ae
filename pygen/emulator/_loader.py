"""Loading data model snapshots (``--model-file``) and instances (``--instances-file``) at start-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pygen.emulator._catalog import skey
from pygen.emulator._containers import normalize_container
from pygen.emulator._errors import ApiError
from pygen.emulator._instances import InstanceService
from pygen.emulator._schema import SchemaService
from pygen.emulator._views import normalize_view


class LoadError(Exception):
    """A model or instances file could not be loaded; the message names the file and the item."""


def _read_json(path: Path | str) -> Any:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LoadError(f"{path}: cannot read the file: {exc}") from exc
    except ValueError as exc:
        raise LoadError(f"{path}: not valid JSON: {exc}") from exc


def _container_of(prop: dict[str, Any]) -> tuple[str, str]:
    return str(prop["container"]["space"]), str(prop["container"]["externalId"])


def _view_key(view: dict[str, Any]) -> tuple[str, str, str]:
    return str(view["space"]), str(view["externalId"]), str(view["version"])


def load_model_file(schema: SchemaService, path: Path | str) -> None:
    """Create the spaces, containers, views and data model(s) of a snapshot (DMS read JSON, views inline)."""
    data = _read_json(path)
    models = data if isinstance(data, list) else [data]
    for index, model in enumerate(models):
        where = f"{path}" if len(models) == 1 else f"{path} [{index}]"
        if not isinstance(model, dict) or "views" not in model:
            raise LoadError(f"{where}: expected a data model object with inline 'views'")
        try:
            _load_model(schema, model)
        except ApiError as exc:
            raise LoadError(f"{where}: {exc.message}") from exc
        except (KeyError, TypeError) as exc:
            raise LoadError(f"{where}: malformed data model snapshot ({exc!r})") from exc


def _load_model(schema: SchemaService, model: dict[str, Any]) -> None:
    views = [view for view in model["views"] if isinstance(view, dict) and "properties" in view]
    is_global = bool(model.get("isGlobal", False))
    stamp = model.get("createdTime")
    # Spaces: the model's, its views' and every mapped container's.
    spaces = {model["space"]} | {view["space"] for view in views}
    for view in views:
        spaces |= {prop["container"]["space"] for prop in view["properties"].values() if "container" in prop}
    for space in sorted(spaces):
        if schema.space(space) is None:
            schema._upsert("space", skey(space), {"space": space}, is_global, stamp)
    # Containers, derived from the mapped properties (type, nullability, defaults ...).
    derived: dict[tuple[str, str], dict[str, Any]] = {}
    for view in views:
        for prop in view["properties"].values():
            if "container" not in prop:
                continue
            ckey = _container_of(prop)
            container = derived.setdefault(
                ckey,
                {"space": ckey[0], "externalId": ckey[1], "usedFor": view.get("usedFor", "node"), "properties": {}},
            )
            if container["usedFor"] != view.get("usedFor", "node"):
                container["usedFor"] = "all"
            type_ = {k: v for k, v in prop["type"].items() if k != "source"}
            definition: dict[str, Any] = {
                "type": type_,
                "nullable": prop.get("nullable", True),
                "immutable": prop.get("immutable", False),
                "autoIncrement": prop.get("autoIncrement", False),
                "defaultValue": prop.get("defaultValue"),
            }
            container["properties"].setdefault(prop["containerPropertyIdentifier"], definition)
    for ckey, spec in derived.items():
        existing = schema.container(ckey)
        if existing is not None:
            merged = dict(existing["properties"])
            for cpi, definition in spec["properties"].items():
                merged.setdefault(cpi, definition)
            spec["properties"] = merged
            if existing["usedFor"] != spec["usedFor"]:
                spec["usedFor"] = "all"
            # What an earlier apply declared stays (indexes and constraints are not in a snapshot).
            for part in ("constraints", "indexes"):
                spec[part] = {ident: _declared(obj) for ident, obj in (existing.get(part) or {}).items()}
        normalized = normalize_container(spec, f"container {ckey[0]}:{ckey[1]}")
        schema._upsert(
            "container", skey(*ckey), normalized, is_global or bool(existing and existing["isGlobal"]), stamp
        )
        # A snapshot says nothing of the container's indexes: unknown, unless it was applied through the API.
        schema.mark_derived(ckey, existing is None or not schema.indexes_known(ckey))
    # Views: snapshots carry inherited properties inline; keep only the view's own ones.
    by_key = {_view_key(view): view for view in views}
    specs = []
    for view in views:
        spec = dict(view)
        implements = []
        inherited: dict[str, Any] = {}
        for ref in view.get("implements") or []:
            key = (ref["space"], ref["externalId"], ref["version"])
            if key in by_key:
                parent_props = by_key[key]["properties"]
            elif schema.view_raw(key) is not None:
                parent_props = schema.view_read(key)["properties"]
            else:
                continue  # an implemented view we know nothing of: keep its properties on this view
            implements.append({**ref, "type": "view"})
            inherited.update(parent_props)
        own = {}
        for prop_id, prop in view["properties"].items():
            parent = inherited.get(prop_id)
            if parent is not None and _same_property(parent, prop):
                continue
            own[prop_id] = prop
        spec["implements"] = implements
        spec["properties"] = own
        specs.append(normalize_view(spec, f"view {view['space']}:{view['externalId']}/{view['version']}"))
    if specs:
        schema._apply_view_specs(specs, is_global=is_global, stamp=stamp, snapshot=True)
    refs = [{"type": "view", "space": k[0], "externalId": k[1], "version": k[2]} for k in map(_view_key, views)]
    refs += [ref for ref in model["views"] if isinstance(ref, dict) and "properties" not in ref]
    body = {
        "items": [
            {
                key: model[key]
                for key in ("space", "externalId", "version", "name", "description")
                if model.get(key) is not None
            }
            | {"views": refs}
        ]
    }
    schema.apply_datamodels(body, is_global=is_global, stamp=stamp)


def _declared(obj: dict[str, Any]) -> dict[str, Any]:
    """A stored index or constraint in its apply shape (without the read-only ``state``)."""
    return {key: value for key, value in obj.items() if key != "state"}


def _hint(prop: dict[str, Any]) -> tuple[str, str, str] | None:
    source = prop.get("source") or (prop.get("type") or {}).get("source")
    return None if not source else (source["space"], source["externalId"], source["version"])


def _same_property(parent: dict[str, Any], prop: dict[str, Any]) -> bool:
    """Whether a snapshot property is just the inherited one (a view may override name, description or hint)."""
    if "container" in prop or "container" in parent:
        return (
            "container" in prop
            and "container" in parent
            and _container_of(prop) == _container_of(parent)
            and prop.get("containerPropertyIdentifier") == parent.get("containerPropertyIdentifier")
            and _hint(prop) == _hint(parent)
            and prop.get("name") == parent.get("name")
            and prop.get("description") == parent.get("description")
        )
    return bool(
        prop.get("connectionType") == parent.get("connectionType") and prop.get("source") == parent.get("source")
    )


def load_instances_file(instances: InstanceService, path: Path | str) -> int:
    """Apply nodes/edges given in the API read shape; returns how many were loaded."""
    data = _read_json(path)
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if not isinstance(data, list):
        raise LoadError(f"{path}: expected a list of nodes/edges (or {{'items': [...]}})")
    items = []
    for index, raw in enumerate(data):
        if not isinstance(raw, dict):
            raise LoadError(f"{path} [{index}]: expected an object")
        item: dict[str, Any] = {
            key: raw[key]
            for key in ("instanceType", "space", "externalId", "type", "startNode", "endNode")
            if key in raw
        }
        item.setdefault("instanceType", "node")
        sources = []
        for space, by_source in (raw.get("properties") or {}).items():
            for source, props in by_source.items():
                if "/" in source:
                    xid, version = source.split("/", 1)
                    ref = {"type": "view", "space": space, "externalId": xid, "version": version}
                else:
                    ref = {"type": "container", "space": space, "externalId": source}
                # An empty object means "has data in this view, all values null": write the source alone.
                sources.append({"source": ref, "properties": props} if props else {"source": ref})
        if sources:
            item["sources"] = sources
        items.append(item)
    spaces = sorted({str(item.get("space")) for item in items} - set(instances.schema.store.schema["space"]))
    try:
        if spaces:
            instances.schema.apply_spaces({"items": [{"space": space} for space in spaces]})
        for start in range(0, len(items), 1000):
            instances.apply(
                {
                    "items": items[start : start + 1000],
                    "autoCreateDirectRelations": True,
                    "autoCreateStartNodes": True,
                    "autoCreateEndNodes": True,
                },
                lenient=True,  # dumps may hold instances written through views we do not see in full
            )
    except ApiError as exc:
        raise LoadError(f"{path}: {exc.message}") from exc
    # Keep the dump's version and timestamps, so that reads match the file.
    stamps = [
        (raw["version"], raw["createdTime"], raw["lastUpdatedTime"], raw["space"], raw["externalId"])
        for raw in data
        if all(isinstance(raw.get(key), int) for key in ("version", "createdTime", "lastUpdatedTime"))
    ]
    with instances.store.transaction():
        instances.store.conn.executemany(
            "UPDATE instances SET version = ?, created = ?, updated = ? WHERE space = ? AND xid = ?", stamps
        )
    return len(items)
