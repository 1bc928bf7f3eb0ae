"""The view endpoints: apply (normalisation; checks that the containers, implemented views and reverse
relation targets exist and that a view version is not changed), list and byids. How a stored view reads
back is derived in ``_catalog``, where deleting (shared with data models) also lives."""

from __future__ import annotations

from typing import Any

from pygen.emulator._catalog import SchemaCatalog, skey
from pygen.emulator._errors import bad_request, show
from pygen.emulator._ids import (
    ViewKey,
    as_dict,
    as_list,
    check_property_id,
    check_schema_xid,
    check_space,
    check_version,
    container_ref,
    fmt_container,
    fmt_view,
    items_of,
    node_ref,
)
from pygen.emulator._normalize import (
    EDGE_CONNECTIONS,
    REVERSE_CONNECTIONS,
    check_filter_shape,
    normalize_container_reference,
    normalize_source_reference,
    normalize_view_reference,
    opt_text,
)
from pygen.emulator._params import bool_param


def normalize_view(raw: object, where: str) -> dict[str, Any]:
    """A view apply object checked and normalised (references not yet resolved): the shape it is stored in."""
    path = where
    item = as_dict(raw, where)
    space = check_space(item.get("space"), where)
    xid = check_schema_xid(item.get("externalId"), where, new=True)
    version = check_version(item.get("version"), where)
    where = f"{where} ({space}:{xid}/{version})"
    implements = [
        normalize_view_reference(ref, f"{where}.implements[{i}]")
        for i, ref in enumerate(as_list(item.get("implements") or [], f"{where}.implements"))
    ]
    if len(implements) > 10:
        raise bad_request(f"{where}: a view implements at most 10 views")
    props: dict[str, Any] = {}
    for prop_id, prop_raw in as_dict(item.get("properties") or {}, f"{where}.properties").items():
        pwhere = f"{where} property '{prop_id}'"
        check_property_id(prop_id, pwhere)
        props[prop_id] = _normalize_view_property(as_dict(prop_raw, pwhere), pwhere, f"{path}.properties.{prop_id}")
    spec: dict[str, Any] = {"space": space, "externalId": xid, "version": version}
    for key, limit in (("name", 255), ("description", 1024)):
        text = opt_text(item, key, limit, path)
        if text is not None:
            spec[key] = text
    if item.get("filter") is not None:
        spec["filter"] = as_dict(item["filter"], f"{where}.filter")
        check_filter_shape(spec["filter"], f"{where}.filter")
    spec["implements"] = implements
    spec["properties"] = props
    return spec


def _normalize_view_property(prop: dict[str, Any], where: str, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "container" in prop:
        out["container"] = normalize_container_reference(prop["container"], f"{where}.container")
        cpi = prop.get("containerPropertyIdentifier")
        if not isinstance(cpi, str):
            raise bad_request(f"{where}: containerPropertyIdentifier is required")
        out["containerPropertyIdentifier"] = cpi
        source = prop.get("source")
        if source is None and isinstance(prop.get("type"), dict):
            source = prop["type"].get("source")  # read shape: the hint sits inside "type"
        if source is not None:
            out["source"] = normalize_view_reference(source, f"{where}.source")
    else:
        connection = prop.get("connectionType")
        if connection is None and "through" in prop:
            connection = "multi_reverse_direct_relation"
        elif connection is None:
            connection = "multi_edge_connection"
        out["connectionType"] = connection
        if connection in EDGE_CONNECTIONS:
            if prop.get("type") is None:
                raise bad_request(
                    f"{where}: an edge connection ({connection}) needs type, the node that types its edges "
                    '({"space", "externalId"})'
                )
            edge_space, edge_xid = node_ref(prop["type"], f"{where}.type")
            out["type"] = {"space": edge_space, "externalId": edge_xid}
            out["source"] = normalize_view_reference(prop.get("source"), f"{where}.source")
            if prop.get("edgeSource") is not None:
                out["edgeSource"] = normalize_view_reference(prop["edgeSource"], f"{where}.edgeSource")
            direction = prop.get("direction", "outwards")
            if direction not in ("outwards", "inwards"):
                raise bad_request(f"{where}: direction must be outwards or inwards")
            out["direction"] = direction
        elif connection in REVERSE_CONNECTIONS:
            out["source"] = normalize_view_reference(prop.get("source"), f"{where}.source")
            through = as_dict(prop.get("through"), f"{where}.through")
            source = through.get("source", through.get("view"))
            out["through"] = {
                "source": normalize_source_reference(source, f"{where}.through.source"),
                "identifier": through.get("identifier"),
            }
        else:
            raise bad_request(f"{where}: unknown connectionType {show(connection)}")
    for key, limit in (("name", 255), ("description", 1024)):
        text = opt_text(prop, key, limit, path)
        if text is not None:
            out[key] = text
    return out


class ViewService(SchemaCatalog):
    """``/views``."""

    def _check_view(self, spec: dict[str, Any], where: str, pending: dict[ViewKey, dict[str, Any]]) -> None:
        where = f"{where} ({spec['space']}:{spec['externalId']}/{spec['version']})"
        for ref in spec["implements"]:
            key = (ref["space"], ref["externalId"], ref["version"])
            if key not in pending and self.view_raw(key) is None:
                raise bad_request(f"{where}: One or more views do not exist: {fmt_view(key)}", missing=[ref])
        for prop_id, prop in spec["properties"].items():
            if prop.get("connectionType") in REVERSE_CONNECTIONS:
                self._check_through(prop["through"], f"{where} property '{prop_id}'", pending)
            if "container" not in prop:
                continue
            ckey = (prop["container"]["space"], prop["container"]["externalId"])
            container = self.container(ckey)
            if container is None:
                raise bad_request(
                    f"{where} property '{prop_id}': One or more containers do not exist: {fmt_container(ckey)}",
                    missing=[container_ref(ckey)],
                )
            if prop["containerPropertyIdentifier"] not in container["properties"]:
                raise bad_request(
                    f"{where} property '{prop_id}': container {fmt_container(ckey)} has no property "
                    f"'{prop['containerPropertyIdentifier']}'"
                )

    def _check_through(self, through: dict[str, Any], where: str, pending: dict[ViewKey, dict[str, Any]]) -> None:
        """A reverse relation must go through an existing direct relation property."""
        source, identifier = through["source"], str(through.get("identifier"))
        if source["type"] == "container":
            container = self.container((source["space"], source["externalId"]))
            if container is None:
                raise bad_request(f"{where}: through container {source['space']}:{source['externalId']} does not exist")
            definition = container["properties"].get(identifier)
            kind = None if definition is None else definition["type"]["type"]
        else:
            key = (source["space"], source["externalId"], source["version"])
            if key not in pending and self.view_raw(key) is None:
                raise bad_request(f"{where}: through view {fmt_view(key)} does not exist")
            prop = self._resolve_with(key, pending, set()).get(identifier)
            kind = None
            if prop is not None and "container" in prop:
                container = self.container((prop["container"]["space"], prop["container"]["externalId"]))
                definition = (container or {"properties": {}})["properties"].get(prop["containerPropertyIdentifier"])
                kind = None if definition is None else definition["type"]["type"]
            elif prop is not None:
                kind = "connection"
        if kind is None:
            raise bad_request(f"{where}: the through property {show(identifier)} does not exist")
        if kind != "direct":
            raise bad_request(f"{where}: the through property {show(identifier)} is not a direct relation")

    def apply_views(self, body: dict[str, Any], *, is_global: bool = False) -> list[dict[str, Any]]:
        specs = [normalize_view(raw, f"items[{i}]") for i, raw in enumerate(items_of(body, 100))]
        return self._apply_view_specs(specs, is_global=is_global)

    def _apply_view_specs(
        self,
        specs: list[dict[str, Any]],
        *,
        is_global: bool = False,
        stamp: int | None = None,
        snapshot: bool = False,
    ) -> list[dict[str, Any]]:
        """Apply views. ``snapshot``: loading dump files, where a later file's definition of a view
        version replaces an earlier one (dumps taken at different times may differ)."""
        self._no_duplicates(
            "views", [{"space": s["space"], "externalId": s["externalId"], "version": s["version"]} for s in specs]
        )
        self.require_writable_spaces({spec["space"] for spec in specs}, is_global)
        pending = {(s["space"], s["externalId"], s["version"]): s for s in specs}
        for index, spec in enumerate(specs):
            self._check_view(spec, f"items[{index}]", pending)
            if not snapshot:
                self._check_unchanged(spec, f"items[{index}]")
        with self.store.transaction():
            for spec in specs:
                self._upsert("view", skey(spec["space"], spec["externalId"], spec["version"]), spec, is_global, stamp)
        self._invalidate()
        return [self.view_read((s["space"], s["externalId"], s["version"])) for s in specs]

    #: What makes a view version: applying an existing version with other values of these is refused.
    _VIEW_DEFINITION = ("properties", "implements", "filter")

    def _check_unchanged(self, spec: dict[str, Any], where: str) -> None:
        """A view version is immutable: re-applying it must not change its properties, implements or filter
        (its name and description may change). Apply a new version to change the view."""
        existing = self.view_raw((spec["space"], spec["externalId"], spec["version"]))
        if existing is None:
            return
        changed = [key for key in self._VIEW_DEFINITION if (existing.get(key) or None) != (spec.get(key) or None)]
        if changed:
            raise bad_request(
                f"{where} ({fmt_view((spec['space'], spec['externalId'], spec['version']))}): the view version "
                f"exists with other {', '.join(changed)}; a view version cannot be changed, apply a new version"
            )

    def _resolve_with(
        self, key: ViewKey, pending: dict[ViewKey, dict[str, Any]], seen: set[ViewKey]
    ) -> dict[str, dict[str, Any]]:
        """Like :meth:`resolved_properties`, but views being applied in the same request win."""
        raw = pending.get(key) or self.view_raw(key)
        if raw is None or key in seen:
            return {}
        merged: dict[str, dict[str, Any]] = {}
        for ref in raw.get("implements", []):
            merged.update(self._resolve_with((ref["space"], ref["externalId"], ref["version"]), pending, seen | {key}))
        merged.update(raw["properties"])
        return merged

    def list_views(self, params: dict[str, str]) -> dict[str, Any]:
        space = params.get("space")
        raws = [
            obj
            for obj in self.store.schema["view"].values()
            if self._global_ok(obj, params) and (space is None or obj["space"] == space)
        ]
        if not bool_param(params, "allVersions", False):
            raws = self._latest_only(raws)
        inherited = bool_param(params, "includeInheritedProperties", True)
        page = self._list("view", params, raws)
        page["items"] = [self.view_read((o["space"], o["externalId"], o["version"]), inherited) for o in page["items"]]
        return page

    def views_byids(self, body: dict[str, Any], include_inherited: bool = True) -> list[dict[str, Any]]:
        out = []
        for index, raw in enumerate(items_of(body, 100)):
            for obj in self._versions("view", raw, f"items[{index}]"):
                out.append(self.view_read((obj["space"], obj["externalId"], obj["version"]), include_inherited))
        return out
