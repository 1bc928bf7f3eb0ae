"""The stored schema as every service reads it: lookups and existence checks of spaces, containers and
views, a view's read shape (inherited properties merged, mapped properties resolved against their
containers, cached per store generation), and the bookkeeping the apply/list/byids/delete endpoints of all
four resources share (duplicates refused, upsert with timestamps, offset paging, versions)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from pygen.emulator._errors import ApiError, bad_request
from pygen.emulator._ids import (
    ContainerKey,
    ViewKey,
    as_dict,
    check_schema_xid,
    check_space,
    check_version,
    container_ref,
    fmt_container,
    fmt_view,
    items_of,
    view_ref,
)
from pygen.emulator._normalize import REVERSE_CONNECTIONS
from pygen.emulator._params import bool_param, decode_cursor, encode_cursor, limit_param, now_ms
from pygen.emulator._store import Store


def skey(*parts: str) -> str:
    # "/" is not allowed in any schema identifier, so it is a safe separator.
    return "/".join(parts)


@dataclass(frozen=True)
class MappedProperty:
    """A view property that maps a container property, resolved against the container."""

    container: ContainerKey
    identifier: str
    definition: dict[str, Any]  # the container property read object

    @property
    def type(self) -> dict[str, Any]:
        type_: dict[str, Any] = self.definition["type"]
        return type_


class SchemaCatalog:
    """Schema lookups and the view read derivation over a :class:`Store`; the base of every resource service."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._view_cache: dict[tuple[ViewKey, bool], dict[str, Any]] = {}
        self._mapped_cache: dict[ViewKey, dict[str, MappedProperty]] = {}
        self._generation = -1

    # ---- lookups and existence checks -----------------------------------------------------------------
    def space(self, space: str) -> dict[str, Any] | None:
        return self.store.schema["space"].get(space)

    def container(self, key: ContainerKey) -> dict[str, Any] | None:
        return self.store.schema["container"].get(skey(*key))

    def view_raw(self, key: ViewKey) -> dict[str, Any] | None:
        return self.store.schema["view"].get(skey(*key))

    def require_spaces(self, spaces: set[str]) -> None:
        missing = sorted(space for space in spaces if self.space(space) is None)
        if missing:
            raise bad_request(
                f"One or more spaces do not exist: {', '.join(missing)}", missing=[{"space": s} for s in missing]
            )

    def require_writable_spaces(self, spaces: set[str], is_global: bool) -> None:
        """Spaces must exist, and only loaders (``is_global``) may change global (system) spaces."""
        self.require_spaces(spaces)
        if not is_global:
            protected = sorted(space for space in spaces if (self.space(space) or {}).get("isGlobal"))
            if protected:
                raise bad_request(f"Cannot change schema in global (system) spaces: {', '.join(protected)}")

    def require_view(self, ref: dict[str, Any], where: str = "") -> ViewKey:
        key = (ref["space"], ref["externalId"], ref["version"])
        if self.view_raw(key) is None:
            prefix = f"{where}: " if where else ""
            raise bad_request(
                f"{prefix}One or more views do not exist: {fmt_view(key)}",
                missing=[view_ref(key)],
            )
        return key

    def require_container(self, ref: dict[str, Any], where: str = "") -> ContainerKey:
        key = (ref["space"], ref["externalId"])
        if self.container(key) is None:
            prefix = f"{where}: " if where else ""
            raise bad_request(
                f"{prefix}One or more containers do not exist: {fmt_container(key)}", missing=[container_ref(key)]
            )
        return key

    # ---- the view read derivation, cached per store generation ----------------------------------------
    def resolved_properties(self, key: ViewKey) -> dict[str, dict[str, Any]]:
        """A view's properties in apply form, implemented views' merged (later ``implements`` win, own last)."""
        return self._resolve(key, set())

    def _resolve(self, key: ViewKey, seen: set[ViewKey]) -> dict[str, dict[str, Any]]:
        raw = self.view_raw(key)
        if raw is None or key in seen:
            return {}
        seen = seen | {key}
        merged: dict[str, dict[str, Any]] = {}
        for ref in raw.get("implements", []):
            merged.update(self._resolve((ref["space"], ref["externalId"], ref["version"]), seen))
        merged.update(raw["properties"])
        return merged

    def mapped(self, key: ViewKey) -> dict[str, MappedProperty]:
        """The view's mapped properties (inherited included), resolved against their containers."""
        self._fresh()
        cached = self._mapped_cache.get(key)
        if cached is not None:
            return cached
        out = {}
        for prop_id, prop in self.resolved_properties(key).items():
            if "container" not in prop:
                continue
            ckey = (prop["container"]["space"], prop["container"]["externalId"])
            container = self.container(ckey)
            if container is None:
                continue
            definition = container["properties"].get(prop["containerPropertyIdentifier"])
            if definition is None:
                continue
            out[prop_id] = MappedProperty(ckey, prop["containerPropertyIdentifier"], definition)
        self._mapped_cache[key] = out
        return out

    def view_containers(self, key: ViewKey) -> list[ContainerKey]:
        return list(dict.fromkeys(mp.container for mp in self.mapped(key).values()))

    def property_read(self, prop: dict[str, Any]) -> dict[str, Any]:
        """One view property in read shape (container property merged in for mapped properties)."""
        if "container" in prop:
            ckey = (prop["container"]["space"], prop["container"]["externalId"])
            container = self.container(ckey) or {"properties": {}}
            definition = container["properties"].get(prop["containerPropertyIdentifier"], {})
            type_ = copy.deepcopy(definition.get("type", {}))
            if type_.get("type") == "direct" and prop.get("source") is not None:
                type_["source"] = prop["source"]
            out: dict[str, Any] = {
                "container": prop["container"],
                "containerPropertyIdentifier": prop["containerPropertyIdentifier"],
                "type": type_,
                "nullable": definition.get("nullable", True),
                "immutable": definition.get("immutable", False),
                "autoIncrement": definition.get("autoIncrement", False),
                "defaultValue": definition.get("defaultValue"),
            }
            name = prop.get("name", definition.get("name"))
            if name is not None:
                out["name"] = name
            description = prop.get("description", definition.get("description"))
            if description is not None:
                out["description"] = description
            out["constraintState"] = definition.get("constraintState", {})
            return out
        out = copy.deepcopy(prop)
        if prop["connectionType"] in REVERSE_CONNECTIONS:
            out["targetsList"] = self._through_is_list(prop["through"])
        return out

    def _through_is_list(self, through: dict[str, Any]) -> bool:
        source = through["source"]
        identifier = through.get("identifier")
        if source.get("type") == "container":
            container = self.container((source["space"], source["externalId"]))
            definition = (container or {"properties": {}})["properties"].get(identifier, {})
            return bool(definition.get("type", {}).get("list", False))
        mapped = self.mapped((source["space"], source["externalId"], source["version"]))
        return bool(mapped[identifier].type.get("list", False)) if identifier in mapped else False

    def view_read(self, key: ViewKey, include_inherited: bool = True) -> dict[str, Any]:
        self._fresh()
        cached = self._view_cache.get((key, include_inherited))
        if cached is not None:
            return cached
        raw = self.view_raw(key)
        if raw is None:
            raise ApiError(400, f"One or more views do not exist: {fmt_view(key)}")
        props = self.resolved_properties(key) if include_inherited else raw["properties"]
        all_mapped = self.mapped(key)
        containers = self.view_containers(key)
        mapped_ids = {(mp.container, mp.identifier) for mp in all_mapped.values()}
        writable = True
        # A view can hold what every one of its containers accepts: intersect the containers' usedFor.
        accepts = {"node", "edge"}
        for ckey in containers:
            container = self.container(ckey) or {"properties": {}, "usedFor": "node"}
            accepts &= {"node", "edge"} if container["usedFor"] == "all" else {container["usedFor"]}
            for cpi, definition in container["properties"].items():
                if not definition.get("nullable", True) and (ckey, cpi) not in mapped_ids:
                    writable = False
        if not containers:
            # Nothing to write to: real DMS reports such views (connections only) as not writable, for all.
            writable = False
        view_used_for = "all" if len(accepts) != 1 else accepts.pop()
        out: dict[str, Any] = {"space": raw["space"], "externalId": raw["externalId"], "version": raw["version"]}
        for field in ("name", "description", "filter"):
            if raw.get(field) is not None:
                out[field] = raw[field]
        out["implements"] = raw.get("implements", [])
        out["properties"] = {prop_id: self.property_read(prop) for prop_id, prop in props.items()}
        out["mappedContainers"] = [container_ref(ckey) for ckey in containers]
        out["writable"] = writable
        out["queryable"] = raw.get("filter") is not None or bool(all_mapped)
        out["usedFor"] = view_used_for
        out["isGlobal"] = raw.get("isGlobal", False)
        out["createdTime"] = raw["createdTime"]
        out["lastUpdatedTime"] = raw["lastUpdatedTime"]
        self._view_cache[(key, include_inherited)] = out
        return out

    def _invalidate(self) -> None:
        self._view_cache.clear()
        self._mapped_cache.clear()

    def _fresh(self) -> None:
        if self._generation != self.store.generation:
            self._invalidate()
            self._generation = self.store.generation

    # ---- what the resource endpoints share ------------------------------------------------------------
    @staticmethod
    def _no_duplicates(kind: str, ids: list[dict[str, str]]) -> None:
        """A request may name each space, container, view or data model once (as with instances)."""
        seen: set[tuple[str, ...]] = set()
        duplicated: list[dict[str, str]] = []
        for ident in ids:
            key = tuple(ident.values())
            if key in seen and ident not in duplicated:
                duplicated.append(ident)
            seen.add(key)
        if duplicated:
            raise bad_request(f"Duplicate {kind} in the request", duplicated=duplicated)

    def _upsert(self, kind: str, key: str, spec: dict[str, Any], is_global: bool, stamp: int | None = None) -> Any:
        existing = self.store.schema[kind].get(key)
        stamp = stamp or now_ms()
        if existing is not None:
            old_spec = {k: v for k, v in existing.items() if k not in ("createdTime", "lastUpdatedTime", "isGlobal")}
            if old_spec == spec:
                return existing
            body = {
                **spec,
                "createdTime": existing["createdTime"],
                "lastUpdatedTime": max(stamp, existing["createdTime"]),
            }
            body["isGlobal"] = existing.get("isGlobal", False)
        else:
            body = {**spec, "createdTime": stamp, "lastUpdatedTime": stamp, "isGlobal": is_global}
        self.store.put_schema(kind, key, body)
        self._invalidate()
        return body

    def _list(self, kind: str, params: dict[str, str], filtered: list[dict[str, Any]]) -> dict[str, Any]:
        limit = limit_param(params)
        start = 0
        if params.get("cursor"):
            start = int(decode_cursor(params["cursor"]).get("offset", 0))
        page = filtered[start : start + limit]
        out: dict[str, Any] = {"items": page}
        if start + limit < len(filtered):
            # Schema lists are small (hundreds), so an offset cursor is fine here.
            out["nextCursor"] = encode_cursor({"kind": kind, "offset": start + limit})
        return out

    @staticmethod
    def _global_ok(obj: dict[str, Any], params: dict[str, str]) -> bool:
        return bool_param(params, "includeGlobal", False) or not obj.get("isGlobal", False)

    def _latest_only(self, objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for obj in objs:
            ident = (obj["space"], obj["externalId"])
            if ident not in latest or obj["createdTime"] >= latest[ident]["createdTime"]:
                latest[ident] = obj
        keep = {id(obj) for obj in latest.values()}
        return [obj for obj in objs if id(obj) in keep]

    def _versions(self, kind: str, raw: object, where: str) -> list[dict[str, Any]]:
        item = as_dict(raw, where)
        space = check_space(item.get("space"), where)
        xid = check_schema_xid(item.get("externalId"), where)
        version = item.get("version")
        if version is not None:
            obj = self.store.schema[kind].get(skey(space, xid, check_version(version, where)))
            return [obj] if obj is not None else []
        return [o for o in self.store.schema[kind].values() if o["space"] == space and o["externalId"] == xid]

    def delete_versioned(self, kind: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        keys = []
        for index, raw in enumerate(items_of(body, 100)):
            where = f"items[{index}]"
            item = as_dict(raw, where)
            keys.append(
                (
                    check_space(item.get("space"), where),
                    check_schema_xid(item.get("externalId"), where),
                    check_version(item.get("version"), where),
                )
            )
        out = []
        with self.store.transaction():
            for key in keys:
                if self.store.schema[kind].get(skey(*key)) is None:
                    continue
                self.store.delete_schema(kind, skey(*key))
                out.append({"space": key[0], "externalId": key[1], "version": key[2]})
        self._invalidate()
        return out
