"""Instances: apply, delete, byids, list, and the read shape (projection of container data through sources)."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pygen.emulator._errors import ApiError, bad_request, show
from pygen.emulator._filters import (
    FilterContext,
    Predicate,
    after_position,
    compile_filter,
    compile_sort,
    require_cursorable,
    sort_instances,
    sort_values,
    sql_hints,
)
from pygen.emulator._ids import (
    ContainerKey,
    ViewKey,
    as_dict,
    as_list,
    check_instance_xid,
    check_space,
    fmt_container,
    fmt_view,
    items_of,
    node_ref,
)
from pygen.emulator._normalize import normalize_source_reference
from pygen.emulator._params import decode_cursor, encode_cursor, now_ms
from pygen.emulator._schema import SchemaService
from pygen.emulator._store import ContainerData, Instance, NodeKey, SqlHint, Store, container_hint
from pygen.emulator._units import Converter, parse_target_units
from pygen.emulator._values import normalize


@dataclass
class Source:
    """A requested source (view or container) with an optional property selection."""

    kind: str  # "view" | "container"
    space: str
    external_id: str
    version: str | None = None
    properties: list[str] | None = None  # None or ["*"] = all
    convert: dict[str, Converter] = field(default_factory=dict)  # targetUnits, by property id

    @property
    def view_key(self) -> ViewKey:
        return self.space, self.external_id, str(self.version)

    @property
    def container_key(self) -> ContainerKey:
        return self.space, self.external_id

    @property
    def label(self) -> str:
        return f"{self.external_id}/{self.version}" if self.kind == "view" else self.external_id


def request_hash(body: dict[str, Any], *ignore: str) -> str:
    """A short digest of a request without its cursor/limit: cursors are only valid for the same request."""
    stable = {key: value for key, value in body.items() if key not in {"cursor", "limit", *ignore}}
    return hashlib.sha1(json.dumps(stable, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class _Item:
    index: int
    where: str
    kind: str
    space: str
    external_id: str
    existing_version: int | None
    type: NodeKey | None
    has_type: bool
    start: NodeKey | None = None
    end: NodeKey | None = None
    writes: dict[ContainerKey, dict[str, Any]] = field(default_factory=dict)

    @property
    def key(self) -> NodeKey:
        return self.space, self.external_id


def _container_check(ckey: ContainerKey) -> Predicate:
    return lambda inst: inst.has_container(*ckey)


class InstanceService:
    """Instance endpoints over a :class:`Store` and the schema."""

    def __init__(self, store: Store, schema: SchemaService) -> None:
        self.store = store
        self.schema = schema

    def context(self, parameters: dict[str, Any] | None = None) -> FilterContext:
        """Filter context; ``parameters`` given (even empty) for query and sync, which may carry them."""
        return FilterContext(self.schema, self.store, dict(parameters or {}), parameters_allowed=parameters is not None)

    # ---- sources and rendering ------------------------------------------------------------------------
    def parse_sources(self, raw: object, where: str = "sources", max_sources: int = 10) -> list[Source]:
        if raw is None:
            return []
        entries = as_list(raw, where)
        if len(entries) > max_sources:
            raise bad_request(f"{where}: at most {max_sources} sources are allowed, got {len(entries)}")
        out = []
        for index, entry in enumerate(entries):
            ewhere = f"{where}[{index}]"
            obj = as_dict(entry, ewhere)
            ref = normalize_source_reference(obj.get("source", obj), f"{ewhere}.source")
            props = obj.get("properties")
            if props is not None:
                props = [str(p) for p in as_list(props, f"{ewhere}.properties")]
            if ref["type"] == "view":
                source = Source("view", ref["space"], ref["externalId"], ref["version"], props)
                self.schema.require_view(ref, ewhere)
            else:
                source = Source("container", ref["space"], ref["externalId"], None, props)
                self.schema.require_container(ref, ewhere)
            if obj.get("targetUnits") is not None:
                self.add_target_units(source, obj["targetUnits"], f"{ewhere}.targetUnits")
            out.append(source)
        return out

    def add_target_units(self, source: Source, raw: object, where: str) -> None:
        """Validate ``targetUnits`` against the source's properties and attach the conversions."""
        if source.kind == "view":
            mapped = self.schema.mapped(source.view_key)

            def units_of(prop: str) -> tuple[bool, object]:
                mp = mapped.get(prop)
                return (False, None) if mp is None else (True, mp.type.get("unit"))

            label = f"view {fmt_view(source.view_key)}"
        else:
            container = self.schema.container(source.container_key) or {"properties": {}}
            props: dict[str, Any] = container["properties"]

            def units_of(prop: str) -> tuple[bool, object]:
                definition = props.get(prop)
                return (False, None) if definition is None else (True, definition["type"].get("unit"))

            label = f"container {fmt_container(source.container_key)}"
        source.convert = parse_target_units(raw, where, units_of, label)

    def has_data(self, ctx: FilterContext, sources: list[Source]) -> Predicate:
        checks: list[Predicate] = []
        for source in sources:
            if source.kind == "view":
                checks.append(ctx.view_has_data(source.view_key))
            else:
                checks.append(_container_check(source.container_key))
        return lambda inst: all(check(inst) for check in checks)

    def source_hints(self, sources: list[Source]) -> list[SqlHint]:
        """SQL narrowing for "has data in every source"."""
        hints: list[SqlHint] = []
        for source in sources:
            if source.kind == "view":
                hints.extend(container_hint(*ckey) for ckey in self.schema.view_containers(source.view_key))
            else:
                hints.append(container_hint(*source.container_key))
        return hints

    def render(self, inst: Instance, sources: list[Source]) -> dict[str, Any]:
        """The API read shape of an instance, with properties of the requested sources."""
        out: dict[str, Any] = {
            "instanceType": inst.kind,
            "space": inst.space,
            "externalId": inst.external_id,
            "version": inst.version,
            "createdTime": inst.created,
            "lastUpdatedTime": inst.updated,
        }
        if inst.type is not None:
            out["type"] = {"space": inst.type[0], "externalId": inst.type[1]}
        if inst.deleted is not None:
            out["deletedTime"] = inst.deleted
        if inst.kind == "edge" and inst.start is not None and inst.end is not None:
            out["startNode"] = {"space": inst.start[0], "externalId": inst.start[1]}
            out["endNode"] = {"space": inst.end[0], "externalId": inst.end[1]}
        properties: dict[str, dict[str, Any]] = {}
        for source in sources:
            wanted = None if not source.properties or "*" in source.properties else set(source.properties)
            values: dict[str, Any] = {}
            if source.kind == "view":
                mapped = self.schema.mapped(source.view_key)
                present = False
                for prop_id, mp in mapped.items():
                    data = inst.container_values(*mp.container)
                    if data is None:
                        continue
                    present = True
                    value = data.get(mp.identifier)
                    if value is not None and (wanted is None or prop_id in wanted):
                        values[prop_id] = source.convert[prop_id](value) if prop_id in source.convert else value
                if not present and mapped:
                    continue
            else:
                data = inst.container_values(*source.container_key)
                if data is None:
                    continue
                values = {k: v for k, v in data.items() if v is not None and (wanted is None or k in wanted)}
                for prop_id, conv in source.convert.items():
                    if prop_id in values:
                        values[prop_id] = conv(values[prop_id])
            properties.setdefault(source.space, {})[source.label] = values
        out["properties"] = properties
        return out

    def typing(self, sources: list[Source]) -> dict[str, Any]:
        out: dict[str, dict[str, Any]] = {}
        for source in sources:
            if source.kind == "view":
                props = self.schema.view_read(source.view_key)["properties"]
                typed = {pid: prop for pid, prop in props.items() if "container" in prop}
            else:
                container = self.schema.container(source.container_key) or {"properties": {}}
                typed = container["properties"]
            out.setdefault(source.space, {})[source.label] = typed
        return out

    # ---- apply ----------------------------------------------------------------------------------------
    def _parse_item(self, index: int, raw: object) -> _Item:
        where = f"items[{index}]"
        obj = as_dict(raw, where)
        kind = obj.get("instanceType")
        if kind not in ("node", "edge"):
            raise bad_request(f"{where}: instanceType must be 'node' or 'edge', got {show(kind)}")
        space = check_space(obj.get("space"), where)
        xid = check_instance_xid(obj.get("externalId"), where)
        where = f"items[{index}] ({kind} {space}:{xid})"
        existing_version = obj.get("existingVersion")
        if existing_version is not None and (
            isinstance(existing_version, bool) or not isinstance(existing_version, int) or existing_version < 0
        ):
            raise bad_request(f"{where}: existingVersion must be a non-negative integer")
        type_key = node_ref(obj["type"], f"{where}.type") if obj.get("type") is not None else None
        item = _Item(index, where, kind, space, xid, existing_version, type_key, "type" in obj)
        if kind == "edge":
            if type_key is None:
                raise bad_request(f"{where}: an edge needs a type")
            for side in ("startNode", "endNode"):
                if obj.get(side) is None:
                    raise bad_request(f"{where}: an edge needs {side}")
            item.start = node_ref(obj["startNode"], f"{where}.startNode")
            item.end = node_ref(obj["endNode"], f"{where}.endNode")
        sources = as_list(obj.get("sources", []), f"{where}.sources")
        if "sources" in obj and not sources:
            raise bad_request(f"{where}: sources must have 1 to 100 entries when given")
        if len(sources) > 100:
            raise bad_request(f"{where}: at most 100 sources per instance, got {len(sources)}")
        for sindex, sraw in enumerate(sources):
            swhere = f"{where}.sources[{sindex}]"
            entry = as_dict(sraw, swhere)
            ref = normalize_source_reference(entry.get("source"), f"{swhere}.source")
            props = as_dict(entry.get("properties") or {}, f"{swhere}.properties")
            if "properties" in entry and not props:
                raise bad_request(f"{swhere}: properties must have at least one entry when given")
            if ref["type"] == "view":
                vkey = self.schema.require_view(ref, where)
                mapped = self.schema.mapped(vkey)
                every = self.schema.resolved_properties(vkey)
                for prop_id, value in props.items():
                    pwhere = f"{where} property '{prop_id}' of view {fmt_view(vkey)}"
                    if prop_id not in every:
                        raise bad_request(f"{pwhere}: Unknown property")
                    if prop_id not in mapped:
                        raise bad_request(f"{pwhere}: connection properties cannot be written on the instance")
                    mp = mapped[prop_id]
                    self._check_used_for(item, mp.container, where)
                    item.writes.setdefault(mp.container, {})[mp.identifier] = (
                        normalize(value, mp.type, pwhere),
                        mp.definition,
                        pwhere,
                    )
                # Writing through a view gives the instance data in every container the view maps (that is
                # what makes it "have data" in the view), also those none of the given properties live in.
                for ckey in self.schema.view_containers(vkey):
                    self._check_used_for(item, ckey, where)
                    item.writes.setdefault(ckey, {})
            else:
                ckey = self.schema.require_container(ref, where)
                container = self.schema.container(ckey) or {"properties": {}}
                self._check_used_for(item, ckey, where)
                target = item.writes.setdefault(ckey, {})
                for prop_id, value in props.items():
                    pwhere = f"{where} property '{prop_id}' of container {fmt_container(ckey)}"
                    definition = container["properties"].get(prop_id)
                    if definition is None:
                        raise bad_request(f"{pwhere}: Unknown property")
                    target[prop_id] = (normalize(value, definition["type"], pwhere), definition, pwhere)
        return item

    def _check_used_for(self, item: _Item, ckey: ContainerKey, where: str) -> None:
        container = self.schema.container(ckey) or {}
        used_for = container.get("usedFor", "node")
        if used_for not in ("all", item.kind):
            raise bad_request(f"{where}: container {fmt_container(ckey)} is used for {used_for}, not {item.kind}s")

    def _parse_delete(self, raw: object, where: str) -> tuple[str, NodeKey, int | None]:
        obj = as_dict(raw, where)
        kind = obj.get("instanceType", "node")
        if kind not in ("node", "edge"):
            raise bad_request(f"{where}: instanceType must be 'node' or 'edge', got {show(kind)}")
        key = (check_space(obj.get("space"), where), check_instance_xid(obj.get("externalId"), where))
        version = obj.get("existingVersion")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise bad_request(f"{where}: existingVersion must be an integer")
        return kind, key, version

    def apply(self, body: dict[str, Any], *, lenient: bool = False) -> dict[str, Any]:
        """Create/update/delete instances atomically; ``lenient`` (loaders only) skips required-property checks."""
        # One transaction around validation and writes: a rejected request leaves no trace (not even
        # an advanced auto-increment counter).
        with self.store.transaction():
            return self._apply(body, lenient)

    def _apply(self, body: dict[str, Any], lenient: bool) -> dict[str, Any]:
        raw_items = as_list(body.get("items") or [], "items")
        raw_deletes = as_list(body.get("delete") or [], "delete")
        if not raw_items and not raw_deletes:
            raise bad_request("items must contain at least 1 item")
        if len(raw_items) + len(raw_deletes) > 1000:
            raise bad_request(
                "Request had 1 constraint violations. Please fix the request and try again. "
                f"[items and delete together must have at most 1000 entries, got {len(raw_items) + len(raw_deletes)}]"
            )
        flags = {
            name: body.get(name, default)
            for name, default in (
                ("autoCreateDirectRelations", True),
                ("autoCreateStartNodes", False),
                ("autoCreateEndNodes", False),
                ("skipOnVersionConflict", False),
                ("replace", False),
            )
        }
        for name, value in flags.items():
            if not isinstance(value, bool):
                raise bad_request(f"{name} must be a boolean")
        items = [self._parse_item(index, raw) for index, raw in enumerate(raw_items)]
        deletes = [self._parse_delete(raw, f"delete[{index}]") for index, raw in enumerate(raw_deletes)]
        seen: dict[NodeKey, int] = {}
        duplicated = []
        for item in items:
            if item.key in seen:
                duplicated.append({"space": item.space, "externalId": item.external_id})
            seen[item.key] = item.index
        if duplicated:
            named = ", ".join(f"{item['space']}:{item['externalId']}" for item in duplicated)
            raise bad_request(f"Duplicate instances in the request: {named}", duplicated=duplicated)
        self.schema.require_spaces({item.space for item in items} | {key[0] for _, key, _ in deletes})

        targets: set[NodeKey] = set()
        for item in items:
            for props in item.writes.values():
                for value, definition, _ in props.values():
                    if definition["type"]["type"] == "direct" and value is not None:
                        for ref in value if isinstance(value, list) else [value]:
                            targets.add((ref["space"], ref["externalId"]))
            if item.start is not None and item.end is not None:
                targets.update((item.start, item.end))
        existing = self.store.get_many([item.key for item in items] + list(targets))

        stamp = now_ms()
        results: list[dict[str, Any]] = []
        writes: list[tuple[Instance, bool]] = []  # (instance, is_new)
        conflicts = []
        for item in items:
            current = existing.get(item.key)
            if current is not None and current.kind != item.kind:
                raise bad_request(
                    f"{item.where}: an instance {item.space}:{item.external_id} already exists as a {current.kind}"
                )
            ev = item.existing_version
            if ev is not None and current is not None and (ev == 0 or current.version > ev):
                if flags["skipOnVersionConflict"]:
                    continue
                conflicts.append((item, current))
                continue
            instance, modified = self._merge(item, current, bool(flags["replace"]), stamp, lenient)
            if modified:
                writes.append((instance, current is None))
            results.append(
                {
                    "instanceType": instance.kind,
                    "space": instance.space,
                    "externalId": instance.external_id,
                    "version": instance.version,
                    "wasModified": modified,
                    "createdTime": instance.created,
                    "lastUpdatedTime": instance.updated,
                }
            )
        if conflicts:
            item, current = conflicts[0]
            raise ApiError(
                409,
                f"{item.where}: version conflict: existingVersion {item.existing_version} but the stored version "
                f"is {current.version}",
            )
        created = {item.key for item in items}
        auto_nodes: list[NodeKey] = []
        for item in items:
            for props in item.writes.values():
                for _cpi, (value, definition, pwhere) in props.items():
                    if definition["type"]["type"] != "direct" or value is None:
                        continue
                    for ref in value if isinstance(value, list) else [value]:
                        target = (ref["space"], ref["externalId"])
                        if target in existing or target in created:
                            continue
                        if not flags["autoCreateDirectRelations"]:
                            raise bad_request(
                                f"{pwhere}: the target node {target[0]}:{target[1]} does not exist and "
                                f"autoCreateDirectRelations is false"
                            )
                        auto_nodes.append(target)
                        created.add(target)
            for side, flag in (("start", "autoCreateStartNodes"), ("end", "autoCreateEndNodes")):
                end_key = item.start if side == "start" else item.end
                if end_key is None or end_key in existing or end_key in created:
                    continue
                target = end_key
                if not flags[flag]:
                    raise ApiError(
                        409,
                        f"{item.where}: the {side} node {target[0]}:{target[1]} does not exist "
                        f"(set {flag} to create it)",
                    )
                auto_nodes.append(target)
                created.add(target)
        self.schema.require_spaces({key[0] for key in auto_nodes})
        self._check_uniqueness(writes, {item.key: item.where for item in items})
        with self.store.transaction():
            for instance, is_new in writes:
                if is_new:
                    self.store.insert(instance)
                else:
                    self.store.update(instance)
            for key in auto_nodes:
                self.store.insert(Instance("node", key[0], key[1], 1, stamp, stamp))
            deleted = self._delete(deletes)
        return {"items": results, "deleted": deleted}

    def _check_uniqueness(self, writes: list[tuple[Instance, bool]], where: Mapping[NodeKey, str]) -> None:
        """Refuse writes that would give two instances the same values of a container's uniqueness
        constraint (per space with ``bySpace``). An instance without a value for one of the properties is
        not constrained. 409, naming the constraint, the values and the instance that holds them."""
        written = {inst.key: inst for inst, _ in writes}
        for ckey in sorted(
            {(space, xid) for inst in written.values() for space, held in inst.data.items() for xid in held}
        ):
            container = self.schema.container(ckey)
            if container is None:
                continue
            for cid, constraint in (container.get("constraints") or {}).items():
                if constraint.get("constraintType") != "uniqueness":
                    continue
                props = list(constraint.get("properties") or [])
                by_space = bool(constraint.get("bySpace"))
                holders: dict[tuple[Any, ...], NodeKey] = {}
                for inst in self.store.scan(where=[container_hint(*ckey)]):
                    if inst.key not in written and (held := _unique_key(inst, ckey, props, by_space)) is not None:
                        holders.setdefault(held, inst.key)
                for inst in written.values():
                    held = _unique_key(inst, ckey, props, by_space)
                    if held is None:
                        continue
                    other = holders.setdefault(held, inst.key)
                    if other != inst.key:
                        values = {prop: (inst.container_values(*ckey) or {}).get(prop) for prop in props}
                        raise ApiError(
                            409,
                            f"{where.get(inst.key, 'items')} ({inst.space}:{inst.external_id}): the uniqueness "
                            f"constraint '{cid}' of container {ckey[0]}:{ckey[1]} on {show(props)} is violated: "
                            f"{json.dumps(values, sort_keys=True)} is held by {other[0]}:{other[1]}",
                        )

    def _merge(
        self, item: _Item, current: Instance | None, replace: bool, stamp: int, lenient: bool = False
    ) -> tuple[Instance, bool]:
        data: ContainerData = copy.deepcopy(current.data) if current else {}
        for ckey, props in item.writes.items():
            container = self.schema.container(ckey) or {"properties": {}}
            old = data.get(ckey[0], {}).get(ckey[1])
            fresh = replace or old is None
            values: dict[str, Any] = {} if fresh else dict(old or {})
            for cpi, (value, definition, pwhere) in props.items():
                if value is None and not definition.get("nullable", True):
                    raise bad_request(f"{pwhere}: null is not allowed in a non-nullable property")
                if definition.get("immutable") and old and old.get(cpi) is not None and old.get(cpi) != value:
                    raise bad_request(f"{pwhere}: the property is immutable and already has a value")
                values[cpi] = value
            if fresh and not lenient:  # loaders reproduce dumps as they are: no defaults, counters or checks
                for cpi, definition in container["properties"].items():
                    if values.get(cpi) is not None:
                        continue
                    if definition.get("autoIncrement"):
                        values[cpi] = self.store.next_counter(f"{ckey[0]}:{ckey[1]}:{cpi}")
                    elif definition.get("defaultValue") is not None and cpi not in values:
                        values[cpi] = copy.deepcopy(definition["defaultValue"])
                    elif not definition.get("nullable", True):
                        raise bad_request(
                            f"{item.where}: missing required property '{cpi}' of container {fmt_container(ckey)}"
                        )
            data.setdefault(ckey[0], {})[ckey[1]] = {k: v for k, v in values.items() if v is not None}
        type_key = item.type if item.has_type or current is None else current.type
        if current is None:
            return Instance(
                item.kind, item.space, item.external_id, 1, stamp, stamp, type_key, item.start, item.end, data
            ), True
        unchanged = data == current.data and type_key == current.type
        if item.kind == "edge":
            unchanged = unchanged and item.start == current.start and item.end == current.end
        if unchanged:
            return current, False
        updated = Instance(
            item.kind,
            item.space,
            item.external_id,
            current.version + 1,
            current.created,
            max(stamp, current.created),
            type_key,
            item.start if item.kind == "edge" else None,
            item.end if item.kind == "edge" else None,
            data,
            current.row_id,
        )
        return updated, True

    # ---- delete ---------------------------------------------------------------------------------------
    def _delete(self, deletes: list[tuple[str, NodeKey, int | None]]) -> list[dict[str, Any]]:
        found = self.store.get_many([key for _, key, _ in deletes])
        out = []
        doomed: dict[int, Instance] = {}
        for kind, key, version in deletes:
            inst = found.get(key)
            if inst is None or inst.kind != kind or inst.row_id in doomed:
                continue
            if version is not None and inst.version > version:
                raise ApiError(
                    409, f"Version conflict deleting {kind} {key[0]}:{key[1]}: stored version is {inst.version}"
                )
            doomed[inst.row_id] = inst
            out.append({"instanceType": kind, "space": key[0], "externalId": key[1]})
            if kind == "node":
                for side in ("start", "end"):
                    doomed.update((edge.row_id, edge) for edge in self.store.edges_at([key], side))
        self.store.delete(doomed.values(), now_ms())
        return out

    def delete(self, body: dict[str, Any]) -> dict[str, Any]:
        items = items_of(body, 1000)
        deletes = [self._parse_delete(raw, f"items[{index}]") for index, raw in enumerate(items)]
        self.schema.require_spaces({key[0] for _, key, _ in deletes})
        with self.store.transaction():
            return {"items": self._delete(deletes)}

    # ---- retrieve -------------------------------------------------------------------------------------
    def byids(self, body: dict[str, Any]) -> dict[str, Any]:
        items = items_of(body, 1000)
        sources = self.parse_sources(body.get("sources"))
        wanted = []
        for index, raw in enumerate(items):
            obj = as_dict(raw, f"items[{index}]")
            kind = obj.get("instanceType", "node")
            key = (
                check_space(obj.get("space"), f"items[{index}]"),
                check_instance_xid(obj.get("externalId"), f"items[{index}]"),
            )
            wanted.append((kind, key))
        found = self.store.get_many([key for _, key in wanted])
        ctx = self.context()
        has_data = self.has_data(ctx, sources)
        out = []
        for kind, key in wanted:
            inst = found.get(key)
            if inst is not None and inst.kind == kind and has_data(inst):
                out.append(self.render(inst, sources))
        result: dict[str, Any] = {"items": out}
        if body.get("includeTyping"):
            result["typing"] = self.typing(sources)
        return result

    def inspect(self, body: dict[str, Any]) -> dict[str, Any]:
        """Which containers hold data for each instance, and which views it has data in."""
        items = items_of(body, 1000)
        operations = as_dict(body.get("inspectionOperations") or {}, "inspectionOperations")
        wanted = []
        for index, raw in enumerate(items):
            obj = as_dict(raw, f"items[{index}]")
            key = (
                check_space(obj.get("space"), f"items[{index}]"),
                check_instance_xid(obj.get("externalId"), f"items[{index}]"),
            )
            wanted.append((obj.get("instanceType", "node"), key))
        found = self.store.get_many([key for _, key in wanted])
        ctx = self.context()
        views = [(obj["space"], obj["externalId"], obj["version"]) for obj in self.schema.store.schema["view"].values()]
        out = []
        for kind, key in wanted:
            inst = found.get(key)
            if inst is None or inst.kind != kind:
                continue
            results: dict[str, Any] = {}
            if "involvedContainers" in operations:
                results["involvedContainers"] = [
                    {"type": "container", "space": space, "externalId": xid}
                    for space, by_xid in inst.data.items()
                    for xid in by_xid
                ]
            if "involvedViews" in operations:
                results["involvedViews"] = [
                    {"type": "view", "space": v[0], "externalId": v[1], "version": v[2]}
                    for v in views
                    if self.schema.view_containers(v) and ctx.view_has_data(v)(inst)
                ]
            out.append({"instanceType": kind, "space": key[0], "externalId": key[1], "inspectionResults": results})
        return {"items": out}

    @staticmethod
    def limit_of(body: dict[str, Any], default: int, maximum: int, name: str = "limit", where: str = "") -> int:
        limit = body.get(name, default)
        if limit is None:
            return default
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
            raise bad_request(f"{where}{name} must be an integer between 1 and {maximum}, got {json.dumps(limit)}")
        return limit

    def list_instances(self, body: dict[str, Any]) -> dict[str, Any]:
        kind = body.get("instanceType", "node")
        if kind not in ("node", "edge"):
            raise bad_request(f"instanceType must be 'node' or 'edge', got {show(kind)}")
        limit = self.limit_of(body, 1000, 1000)
        sources = self.parse_sources(body.get("sources"))
        ctx = self.context()
        checks = [self.has_data(ctx, sources)] if sources else []
        if body.get("filter") is not None:
            checks.append(compile_filter(body["filter"], ctx))
        keys = compile_sort(body.get("sort"), ctx)
        digest = request_hash(body)
        cursor = decode_cursor(body["cursor"]) if body.get("cursor") else None
        if cursor is not None and cursor.get("h") != digest:
            raise bad_request("The cursor does not belong to this request: keep every parameter but cursor the same")
        if cursor is not None:
            require_cursorable(keys, ctx, "sort")
        hints = self.source_hints(sources) + sql_hints(body.get("filter"), ctx)
        page, more = self.page(kind, checks, keys, limit, cursor, hints=hints)
        result: dict[str, Any] = {"items": [self.render(inst, sources) for inst in page]}
        if body.get("includeTyping"):
            result["typing"] = self.typing(sources)
        if more:
            result["nextCursor"] = self.next_cursor(page, keys, digest)
        return result

    @staticmethod
    def next_cursor(page: list[Instance], keys: list[Any], digest: str) -> str:
        last = page[-1]
        payload: dict[str, Any] = {"id": last.row_id, "h": digest}
        if keys:
            payload["k"] = sort_values(last, keys)
        return encode_cursor(payload)

    def page(
        self,
        kind: str | None,
        checks: list[Predicate],
        keys: list[Any],
        limit: int,
        cursor: dict[str, Any] | None,
        candidates: list[Instance] | None = None,
        hints: Sequence[SqlHint] = (),
    ) -> tuple[list[Instance], bool]:
        """One page of matching instances plus whether more follow (keyset on row id, or on the sort keys)."""

        def matches(inst: Instance) -> bool:
            return all(check(inst) for check in checks)

        after = int(cursor.get("id", 0)) if cursor else 0
        if not keys:
            out: list[Instance] = []
            source = (
                (inst for inst in candidates if inst.row_id > after)
                if candidates is not None
                else self.store.scan(kind, after, batch=min(max(limit + 1, 100), 1000), where=hints)
            )
            for inst in source:
                if matches(inst):
                    out.append(inst)
                    if len(out) > limit:
                        return out[:limit], True
            return out, False
        pool = candidates if candidates is not None else self.store.scan(kind, where=hints)
        ordered = sort_instances([inst for inst in pool if matches(inst)], keys)
        start = after_position(ordered, keys, cursor.get("k", []), after) if cursor else 0
        chunk = ordered[start : start + limit]
        return chunk, start + limit < len(ordered)


def _unique_key(inst: Instance, ckey: tuple[str, str], props: list[str], by_space: bool) -> tuple[Any, ...] | None:
    """What a uniqueness constraint on ``props`` of container ``ckey`` compares (None: not constrained)."""
    values = inst.container_values(*ckey) or {}
    if any(values.get(prop) is None for prop in props):
        return None
    scope = (inst.space,) if by_space else ()
    return (*scope, *(json.dumps(values[prop], sort_keys=True) for prop in props))
