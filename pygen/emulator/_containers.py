"""The container endpoints: apply (its normalisation is shared with the model-file loader), list, byids,
delete (which also drops the container's data from instances), and deleting indexes and constraints;
plus the record of containers derived from a model snapshot, whose real indexes are unknown."""

from __future__ import annotations

import copy
from typing import Any

from pygen.emulator._catalog import SchemaCatalog, skey
from pygen.emulator._errors import bad_request, show
from pygen.emulator._ids import (
    ContainerKey,
    as_dict,
    as_list,
    check_property_id,
    check_schema_xid,
    check_space,
    items_of,
)
from pygen.emulator._normalize import normalize_container_reference, normalize_property_type, opt_text
from pygen.emulator._params import now_ms
from pygen.emulator._store import container_hint


def normalize_container(raw: object, where: str) -> dict[str, Any]:
    """A container apply object checked, with defaults filled in: the shape it is stored in."""
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
            text = opt_text(prop, key, limit, f"{path}.properties.{prop_id}")
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
        text = opt_text(item, key, limit, path)
        if text is not None:
            spec[key] = text
    spec.update({"usedFor": used_for, "properties": props, "constraints": constraints, "indexes": indexes})
    return spec


class ContainerService(SchemaCatalog):
    """``/containers``, ``/containers/indexes/delete`` and ``/containers/constraints/delete``."""

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

    def apply_containers(self, body: dict[str, Any], *, is_global: bool = False) -> list[dict[str, Any]]:
        specs = [normalize_container(raw, f"items[{i}]") for i, raw in enumerate(items_of(body, 100))]
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
