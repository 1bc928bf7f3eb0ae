"""Spaces, containers, views and data models: apply, list, byids, delete, and the view read derivation."""

from __future__ import annotations

import base64
import copy
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from pygen.emulator._errors import ApiError, bad_request, show
from pygen.emulator._ids import (
    as_dict,
    as_list,
    check_new_space,
    check_property_id,
    check_schema_xid,
    check_space,
    check_version,
    container_ref,
    fmt_container,
    fmt_view,
    items_of,
    node_ref,
    view_ref,
)
from pygen.emulator._store import Store, container_hint

ViewKey = tuple[str, str, str]
ContainerKey = tuple[str, str]

ENUM_KEY_RE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,127}$")
PRIMITIVES = {"boolean", "int32", "int64", "float32", "float64", "timestamp", "date", "json"}
CDF_REFS = {"timeseries", "file", "sequence"}
ALL_TYPES = PRIMITIVES | CDF_REFS | {"text", "direct", "enum"}
EDGE_CONNECTIONS = {"single_edge_connection", "multi_edge_connection"}
REVERSE_CONNECTIONS = {"single_reverse_direct_relation", "multi_reverse_direct_relation"}


def now_ms() -> int:
    return int(time.time() * 1000)


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


def _opt_text(item: dict[str, Any], key: str, limit: int, path: str) -> str | None:
    """An optional ``name``/``description``; ``path`` is where ``item`` sits in the request (``items[0]``,
    ``items[0].properties.pressure``), named the way CDF names it: ``[items[0].name size must be ...]``."""
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{path}.{key} must be a string, got {show(value)}")
    if len(value) > limit:
        raise bad_request(
            f"Request had 1 constraint violations. Please fix the request and try again. "
            f"[{path}.{key} size must be between 0 and {limit}]"
        )
    return value


def _drop_none(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if value is not None}


def encode_cursor(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: object) -> dict[str, Any]:
    if not isinstance(cursor, str):
        raise bad_request("cursor must be a string")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError as exc:
        raise bad_request(f"Invalid cursor {show(cursor)}") from exc
    if not isinstance(payload, dict):
        raise bad_request(f"Invalid cursor {show(cursor)}")
    return payload


def _bool_param(params: dict[str, str], name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None:
        return default
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise bad_request(f"Query parameter {name} must be true or false, got {show(value)}")


def _limit_param(params: dict[str, str], default: int = 10, maximum: int = 1000) -> int:
    value = params.get("limit")
    if value is None:
        return default
    try:
        limit = int(value)
    except ValueError as exc:
        raise bad_request(f"limit must be an integer, got {show(value)}") from exc
    if not 1 <= limit <= maximum:
        raise bad_request(f"limit must be between 1 and {maximum}, got {limit}")
    return limit


def normalize_view_reference(ref: object, where: str) -> dict[str, Any]:
    obj = as_dict(ref, where)
    return {
        "type": "view",
        "space": check_space(obj.get("space"), where),
        "externalId": check_schema_xid(obj.get("externalId"), where),
        "version": check_version(obj.get("version"), where),
    }


def normalize_container_reference(ref: object, where: str) -> dict[str, Any]:
    obj = as_dict(ref, where)
    return {
        "type": "container",
        "space": check_space(obj.get("space"), where),
        "externalId": check_schema_xid(obj.get("externalId"), where),
    }


def normalize_source_reference(ref: object, where: str) -> dict[str, Any]:
    """A view or container reference; the discriminator may be missing (then ``version`` decides)."""
    obj = as_dict(ref, where)
    kind = obj.get("type")
    if kind == "container" or (kind is None and "version" not in obj):
        return normalize_container_reference(obj, where)
    if kind in ("view", None):
        return normalize_view_reference(obj, where)
    raise bad_request(f"{where}: type must be 'view' or 'container', got {show(kind)}")


FILTER_NAMES = {
    "equals", "in", "range", "prefix", "exists", "containsAny", "containsAll", "overlaps",
    "and", "or", "not", "matchAll", "nested", "hasData", "instanceReferences",
}  # fmt: skip


#: How deeply filters may nest (``and``/``or``/``not``/``nested`` inside each other). README, "Filter depth".
MAX_FILTER_DEPTH = 100


def filter_too_deep(where: str) -> ApiError:
    return bad_request(f"{where}: filters are nested more than {MAX_FILTER_DEPTH} levels deep")


def check_filter_shape(spec: object, where: str, depth: int = 1) -> None:
    """Structural check of a filter (names and nesting); property references are resolved when it is used."""
    if depth > MAX_FILTER_DEPTH:
        raise filter_too_deep(where)
    if not isinstance(spec, dict) or len(spec) != 1:
        raise bad_request(f"{where}: a filter is an object with exactly one key, got {show(spec)}")
    ((name, body),) = spec.items()
    if name not in FILTER_NAMES:
        raise bad_request(f"{where}: unknown filter {show(name)}")
    if name in ("and", "or"):
        if not isinstance(body, list) or not body:
            raise bad_request(f"{where}.{name}: needs a non-empty list of filters")
        for index, inner in enumerate(body):
            check_filter_shape(inner, f"{where}.{name}[{index}]", depth + 1)
    elif name == "not":
        check_filter_shape(body, f"{where}.not", depth + 1)
    elif name == "nested":
        check_filter_shape(as_dict(body, f"{where}.nested").get("filter"), f"{where}.nested.filter", depth + 1)


def normalize_property_type(type_: object, where: str) -> dict[str, Any]:
    """A container property ``type`` with defaults filled in (read shape)."""
    obj = as_dict(type_, f"{where}.type")
    kind = obj.get("type")
    if kind not in ALL_TYPES:
        raise bad_request(f"{where}: unknown property type {show(kind)}")
    out: dict[str, Any] = {"type": kind}
    if kind != "enum":
        out["list"] = bool(obj.get("list", False))
    if kind == "text":
        out["collation"] = obj.get("collation") or "ucs_basic"
        if obj.get("maxTextSize") is not None:
            out["maxTextSize"] = obj["maxTextSize"]
    if kind == "direct" and obj.get("container") is not None:
        out["container"] = normalize_container_reference(obj["container"], f"{where}.type.container")
    if kind == "enum":
        values = as_dict(obj.get("values"), f"{where}.type.values")
        if not 1 <= len(values) <= 32:
            raise bad_request(f"{where}: an enum needs 1 to 32 values, got {len(values)}")
        for key in values:
            if not ENUM_KEY_RE.fullmatch(key) or key in ("true", "false", "null"):
                raise bad_request(f"{where}: invalid enum value {show(key)}: must match {ENUM_KEY_RE.pattern}")
        out["values"] = {key: as_dict(val or {}, f"{where}.type.values.{key}") for key, val in values.items()}
        unknown = obj.get("unknownValue")
        if unknown is not None:
            if unknown not in values:
                raise bad_request(f"{where}: unknownValue {show(unknown)} is not one of the enum values")
            out["unknownValue"] = unknown
    if obj.get("maxListSize") is not None:
        size = obj["maxListSize"]
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 2000:
            raise bad_request(f"{where}: maxListSize must be an integer between 1 and 2000, got {show(size)}")
        out["maxListSize"] = size
    if obj.get("unit") is not None:
        out["unit"] = obj["unit"]
    return out


class SchemaService:
    """Schema endpoints over a :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._view_cache: dict[tuple[ViewKey, bool], dict[str, Any]] = {}
        self._mapped_cache: dict[ViewKey, dict[str, MappedProperty]] = {}
        self._generation = -1

    # ---- lookups --------------------------------------------------------------------------------------
    def space(self, space: str) -> dict[str, Any] | None:
        return self.store.schema["space"].get(space)

    def container(self, key: ContainerKey) -> dict[str, Any] | None:
        return self.store.schema["container"].get(skey(*key))

    def view_raw(self, key: ViewKey) -> dict[str, Any] | None:
        return self.store.schema["view"].get(skey(*key))

    def indexes_known(self, key: ContainerKey) -> bool:
        """False for a container derived from a model snapshot (``--model-file``): snapshots hold views only,
        so the container's real indexes are unknown. Applying the container through the API makes them known."""
        return skey(*key) not in self.store.schema["derived"]

    def mark_derived(self, key: ContainerKey, derived: bool) -> None:
        """Record whether a container was derived from a snapshot (see :meth:`indexes_known`)."""
        name = skey(*key)
        if derived and name not in self.store.schema["derived"]:
            self.store.put_schema("derived", name, {"space": key[0], "externalId": key[1]})
        elif not derived and name in self.store.schema["derived"]:
            self.store.delete_schema("derived", name)

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

    def _invalidate(self) -> None:
        self._view_cache.clear()
        self._mapped_cache.clear()

    def _fresh(self) -> None:
        if self._generation != self.store.generation:
            self._invalidate()
            self._generation = self.store.generation

    # ---- spaces ---------------------------------------------------------------------------------------
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

    def apply_spaces(self, body: dict[str, Any], *, is_global: bool = False) -> list[dict[str, Any]]:
        items = items_of(body, 100)
        prepared = []
        for index, raw in enumerate(items):
            where = f"items[{index}]"
            item = as_dict(raw, where)
            space = check_new_space(item.get("space"), where)
            spec: dict[str, Any] = {
                "space": space,
                "name": _opt_text(item, "name", 255, where),
                "description": _opt_text(item, "description", 1024, where),
            }
            prepared.append(spec)
        self._no_duplicates("spaces", [{"space": str(spec["space"])} for spec in prepared])
        out = []
        with self.store.transaction():
            for spec in prepared:
                out.append(self._upsert("space", skey(str(spec["space"])), _drop_none(spec), is_global))
        return out

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

    # ---- generic list/byids ---------------------------------------------------------------------------
    def _list(self, kind: str, params: dict[str, str], filtered: list[dict[str, Any]]) -> dict[str, Any]:
        limit = _limit_param(params)
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
        return _bool_param(params, "includeGlobal", False) or not obj.get("isGlobal", False)

    def list_spaces(self, params: dict[str, str]) -> dict[str, Any]:
        objs = [obj for obj in self.store.schema["space"].values() if self._global_ok(obj, params)]
        return self._list("space", params, objs)

    def spaces_byids(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for index, raw in enumerate(items_of(body, 100)):
            space = check_space(as_dict(raw, f"items[{index}]").get("space"), f"items[{index}]")
            obj = self.space(space)
            if obj is not None:
                out.append(obj)
        return out

    def delete_spaces(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        spaces = []
        for index, raw in enumerate(items_of(body, 100)):
            spaces.append(check_space(as_dict(raw, f"items[{index}]").get("space"), f"items[{index}]"))
        out = []
        with self.store.transaction():
            for space in spaces:
                if self.space(space) is None:
                    continue
                used = any(
                    obj["space"] == space
                    for kind in ("container", "view", "datamodel")
                    for obj in self.store.schema[kind].values()
                )
                if used or self.store.space_has_instances(space):
                    raise bad_request(
                        f"Space {space} is not empty: delete its containers, views, data models and instances first"
                    )
                self.store.delete_schema("space", skey(space))
                out.append({"space": space})
        self._invalidate()
        return out

    # ---- containers -----------------------------------------------------------------------------------
    def normalize_container(self, raw: object, where: str) -> dict[str, Any]:
        path = where
        item = as_dict(raw, where)
        space = check_space(item.get("space"), where)
        xid = check_schema_xid(item.get("externalId"), where, new=True)
        where = f"{where} ({space}:{xid})"
        used_for = item.get("usedFor", "node")
        if used_for not in ("node", "edge", "all", "record"):
            raise bad_request(f"{where}: usedFor must be node, edge, all or record, got {show(used_for)}")
        props_in = as_dict(item.get("properties"), f"{where}.properties")
        if len(props_in) > 100:
            raise bad_request(f"{where}: a container has at most 100 properties, got {len(props_in)}")
        props: dict[str, Any] = {}
        for prop_id, prop_raw in props_in.items():
            pwhere = f"{where} property '{prop_id}'"
            check_property_id(prop_id, pwhere)
            prop = as_dict(prop_raw, pwhere)
            prop_type = normalize_property_type(prop.get("type"), pwhere)
            auto_increment = bool(prop.get("autoIncrement", False))
            if auto_increment and prop_type["type"] not in ("int32", "int64"):
                raise bad_request(f"{pwhere}: autoIncrement is only allowed on int32/int64")
            default = prop.get("defaultValue")
            if default is not None and prop_type.get("list"):
                raise bad_request(f"{pwhere}: list properties cannot have a defaultValue")
            out_prop: dict[str, Any] = {
                "type": prop_type,
                "nullable": bool(prop.get("nullable", True)),
                "immutable": bool(prop.get("immutable", False)),
                "autoIncrement": auto_increment,
                "defaultValue": default,
            }
            for key, limit in (("name", 255), ("description", 1024)):
                text = _opt_text(prop, key, limit, f"{path}.properties.{prop_id}")
                if text is not None:
                    out_prop[key] = text
            out_prop["constraintState"] = {}
            props[prop_id] = out_prop
        constraints = {}
        for cid, craw in as_dict(item.get("constraints") or {}, f"{where}.constraints").items():
            constraint = dict(as_dict(craw, f"{where} constraint '{cid}'"))
            kind = constraint.get("constraintType")
            if kind == "uniqueness":
                for prop_id in as_list(constraint.get("properties"), f"{where} constraint '{cid}'.properties"):
                    if prop_id not in props:
                        raise bad_request(f"{where} constraint '{cid}': unknown property {show(prop_id)}")
                constraint.setdefault("bySpace", False)
            elif kind == "requires":
                constraint["require"] = normalize_container_reference(
                    constraint.get("require"), f"{where} constraint '{cid}'.require"
                )
            else:
                raise bad_request(f"{where} constraint '{cid}': constraintType must be uniqueness or requires")
            constraint["state"] = "current"
            constraints[cid] = constraint
        indexes = {}
        for iid, iraw in as_dict(item.get("indexes") or {}, f"{where}.indexes").items():
            index = dict(as_dict(iraw, f"{where} index '{iid}'"))
            if index.get("indexType") not in ("btree", "inverted"):
                raise bad_request(f"{where} index '{iid}': indexType must be btree or inverted")
            for prop_id in as_list(index.get("properties"), f"{where} index '{iid}'.properties"):
                if prop_id not in props:
                    raise bad_request(f"{where} index '{iid}': unknown property {show(prop_id)}")
            if index["indexType"] == "btree":
                index.setdefault("cursorable", False)
            index.setdefault("bySpace", False)
            index["state"] = "current"
            indexes[iid] = index
        for part, ids in (("constraint", constraints), ("index", indexes)):
            for ident in ids:
                if not 1 <= len(ident) <= 43:
                    raise bad_request(f"{where} {part} '{ident}': identifiers are 1-43 characters")
        if len(indexes) > 10:
            raise bad_request(f"{where}: a container has at most 10 indexes, got {len(indexes)}")
        for kind, most in (("uniqueness", 10), ("requires", 25)):
            count = sum(1 for c in constraints.values() if c["constraintType"] == kind)
            if count > most:
                raise bad_request(f"{where}: a container has at most {most} {kind} constraints, got {count}")
        spec: dict[str, Any] = {"space": space, "externalId": xid}
        for key, limit in (("name", 255), ("description", 1024)):
            text = _opt_text(item, key, limit, path)
            if text is not None:
                spec[key] = text
        spec.update({"usedFor": used_for, "properties": props, "constraints": constraints, "indexes": indexes})
        return spec

    def apply_containers(self, body: dict[str, Any], *, is_global: bool = False) -> list[dict[str, Any]]:
        specs = [self.normalize_container(raw, f"items[{i}]") for i, raw in enumerate(items_of(body, 100))]
        self._no_duplicates("containers", [{"space": s["space"], "externalId": s["externalId"]} for s in specs])
        self.require_writable_spaces({spec["space"] for spec in specs}, is_global)
        for index, spec in enumerate(specs):
            existing = self.container((spec["space"], spec["externalId"]))
            if existing is None:
                continue
            for prop_id, prop in spec["properties"].items():
                old = existing["properties"].get(prop_id)
                if old is not None and (
                    old["type"]["type"] != prop["type"]["type"] or old["type"].get("list") != prop["type"].get("list")
                ):
                    raise bad_request(
                        f"items[{index}] ({spec['space']}:{spec['externalId']}) property '{prop_id}': "
                        f"cannot change the type of an existing container property"
                    )
        with self.store.transaction():
            out = []
            for spec in specs:
                out.append(self._upsert("container", skey(spec["space"], spec["externalId"]), spec, is_global))
                self.mark_derived((spec["space"], spec["externalId"]), False)
            return out

    def list_containers(self, params: dict[str, str]) -> dict[str, Any]:
        space = params.get("space")
        used_for = params.get("usedFor")
        allowed = set(used_for.split(",")) if used_for else {"node", "edge", "all"}
        objs = [
            obj
            for obj in self.store.schema["container"].values()
            if self._global_ok(obj, params) and (space is None or obj["space"] == space) and obj["usedFor"] in allowed
        ]
        return self._list("container", params, objs)

    def containers_byids(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for index, raw in enumerate(items_of(body, 100)):
            ref = normalize_container_reference(raw, f"items[{index}]")
            obj = self.container((ref["space"], ref["externalId"]))
            if obj is not None:
                out.append(obj)
        return out

    def delete_containers(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        refs = [normalize_container_reference(raw, f"items[{i}]") for i, raw in enumerate(items_of(body, 100))]
        out = []
        with self.store.transaction():
            for ref in refs:
                key = (ref["space"], ref["externalId"])
                if self.container(key) is None:
                    continue
                self.store.delete_schema("container", skey(*key))
                self.mark_derived(key, False)
                self._drop_container_data(key)
                out.append({"space": key[0], "externalId": key[1]})
        self._invalidate()
        return out

    def _drop_container_data(self, key: ContainerKey) -> None:
        # Batches are fetched whole before they are yielded, so updating rows while scanning is safe.
        for inst in self.store.scan(where=[container_hint(*key)]):
            if inst.has_container(*key):
                del inst.data[key[0]][key[1]]
                if not inst.data[key[0]]:
                    del inst.data[key[0]]
                self.store.update(inst)

    def delete_container_parts(self, body: dict[str, Any], part: str) -> list[dict[str, Any]]:
        items = items_of(body, 10)
        out = []
        with self.store.transaction():
            for index, raw in enumerate(items):
                item = as_dict(raw, f"items[{index}]")
                key = (str(item.get("space")), str(item.get("containerExternalId")))
                container = self.container(key)
                identifier = item.get("identifier")
                if container is None or identifier not in container.get(part, {}):
                    continue
                updated = copy.deepcopy(container)
                del updated[part][identifier]
                updated["lastUpdatedTime"] = now_ms()
                self.store.put_schema("container", skey(*key), updated)
                out.append({"space": key[0], "containerExternalId": key[1], "identifier": identifier})
        return out

    # ---- views ----------------------------------------------------------------------------------------
    def normalize_view(self, raw: object, where: str) -> dict[str, Any]:
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
            props[prop_id] = self._normalize_view_property(
                as_dict(prop_raw, pwhere), pwhere, f"{path}.properties.{prop_id}"
            )
        spec: dict[str, Any] = {"space": space, "externalId": xid, "version": version}
        for key, limit in (("name", 255), ("description", 1024)):
            text = _opt_text(item, key, limit, path)
            if text is not None:
                spec[key] = text
        if item.get("filter") is not None:
            spec["filter"] = as_dict(item["filter"], f"{where}.filter")
            check_filter_shape(spec["filter"], f"{where}.filter")
        spec["implements"] = implements
        spec["properties"] = props
        return spec

    def _normalize_view_property(self, prop: dict[str, Any], where: str, path: str) -> dict[str, Any]:
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
            text = _opt_text(prop, key, limit, path)
            if text is not None:
                out[key] = text
        return out

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
        specs = [self.normalize_view(raw, f"items[{i}]") for i, raw in enumerate(items_of(body, 100))]
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

    def _latest_only(self, objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for obj in objs:
            ident = (obj["space"], obj["externalId"])
            if ident not in latest or obj["createdTime"] >= latest[ident]["createdTime"]:
                latest[ident] = obj
        keep = {id(obj) for obj in latest.values()}
        return [obj for obj in objs if id(obj) in keep]

    def list_views(self, params: dict[str, str]) -> dict[str, Any]:
        space = params.get("space")
        raws = [
            obj
            for obj in self.store.schema["view"].values()
            if self._global_ok(obj, params) and (space is None or obj["space"] == space)
        ]
        if not _bool_param(params, "allVersions", False):
            raws = self._latest_only(raws)
        inherited = _bool_param(params, "includeInheritedProperties", True)
        page = self._list("view", params, raws)
        page["items"] = [self.view_read((o["space"], o["externalId"], o["version"]), inherited) for o in page["items"]]
        return page

    def _versions(self, kind: str, raw: object, where: str) -> list[dict[str, Any]]:
        item = as_dict(raw, where)
        space = check_space(item.get("space"), where)
        xid = check_schema_xid(item.get("externalId"), where)
        version = item.get("version")
        if version is not None:
            obj = self.store.schema[kind].get(skey(space, xid, check_version(version, where)))
            return [obj] if obj is not None else []
        return [o for o in self.store.schema[kind].values() if o["space"] == space and o["externalId"] == xid]

    def views_byids(self, body: dict[str, Any], include_inherited: bool = True) -> list[dict[str, Any]]:
        out = []
        for index, raw in enumerate(items_of(body, 100)):
            for obj in self._versions("view", raw, f"items[{index}]"):
                out.append(self.view_read((obj["space"], obj["externalId"], obj["version"]), include_inherited))
        return out

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

    # ---- data models ----------------------------------------------------------------------------------
    def apply_datamodels(
        self, body: dict[str, Any], *, is_global: bool = False, stamp: int | None = None
    ) -> list[dict[str, Any]]:
        items = items_of(body, 100)
        specs = []
        inline: list[dict[str, Any]] = []
        for index, raw in enumerate(items):
            where = path = f"items[{index}]"
            item = as_dict(raw, where)
            space = check_space(item.get("space"), where)
            xid = check_schema_xid(item.get("externalId"), where, new=True)
            version = check_version(item.get("version"), where)
            where = f"{where} ({space}:{xid}/{version})"
            views = []
            for vindex, vraw in enumerate(as_list(item.get("views") or [], f"{where}.views")):
                vwhere = f"{path}.views[{vindex}]"
                view = as_dict(vraw, vwhere)
                if view.get("type") == "view" or ("properties" not in view and "implements" not in view):
                    views.append(normalize_view_reference(view, vwhere))
                else:
                    spec = self.normalize_view(view, vwhere)
                    inline.append(spec)
                    views.append(view_ref((spec["space"], spec["externalId"], spec["version"])))
            if len(views) > 100:
                raise bad_request(f"{where}: a data model has at most 100 views")
            spec_dm: dict[str, Any] = {"space": space, "externalId": xid, "version": version}
            for key, limit in (("name", 255), ("description", 1024)):
                text = _opt_text(item, key, limit, path)
                if text is not None:
                    spec_dm[key] = text
            spec_dm["views"] = views
            specs.append((where, spec_dm))
        self._no_duplicates(
            "data models",
            [{"space": s["space"], "externalId": s["externalId"], "version": s["version"]} for _, s in specs],
        )
        self.require_writable_spaces({spec["space"] for _, spec in specs}, is_global)
        with self.store.transaction():
            if inline:
                self._apply_view_specs(inline, is_global=is_global, stamp=stamp)
            for where, spec in specs:
                for ref in spec["views"]:
                    self.require_view(ref, where)
            out = [
                self._upsert(
                    "datamodel", skey(spec["space"], spec["externalId"], spec["version"]), spec, is_global, stamp
                )
                for _, spec in specs
            ]
        return out

    def datamodel_read(self, obj: dict[str, Any], inline: bool) -> dict[str, Any]:
        if not inline:
            return obj
        views = []
        for ref in obj["views"]:
            key = (ref["space"], ref["externalId"], ref["version"])
            views.append(self.view_read(key) if self.view_raw(key) is not None else ref)
        return {**obj, "views": views}

    def list_datamodels(self, params: dict[str, str]) -> dict[str, Any]:
        space = params.get("space")
        raws = [
            obj
            for obj in self.store.schema["datamodel"].values()
            if self._global_ok(obj, params) and (space is None or obj["space"] == space)
        ]
        if not _bool_param(params, "allVersions", False):
            raws = self._latest_only(raws)
        page = self._list("datamodel", params, raws)
        inline = _bool_param(params, "inlineViews", False)
        page["items"] = [self.datamodel_read(obj, inline) for obj in page["items"]]
        return page

    def datamodels_byids(self, body: dict[str, Any], inline: bool) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for index, raw in enumerate(items_of(body, 100)):
            out.extend(self.datamodel_read(obj, inline) for obj in self._versions("datamodel", raw, f"items[{index}]"))
        return out


def normalize_container(schema: SchemaService, raw: object, where: str) -> dict[str, Any]:
    """Normalise a container apply object (module-level alias used by the loader)."""
    return schema.normalize_container(raw, where)
