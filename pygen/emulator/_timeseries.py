"""Time series as resources: the classic ones (``POST /timeseries``, ``/byids``, ``/list``, ``/delete``) and
the nodes of the core data model that ARE time series (data in the ``cdf_cdm:CogniteTimeSeries`` container),
addressed by ``instanceId``. docs/datapoints.md, Time series.

A node gets its time series row (and its internal ``id``) the first time it is addressed; the row remembers the
node's ``createdTime`` and type, so that a node deleted and written again, or turned from numeric to string,
starts without the old datapoints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pygen.emulator._errors import ApiError, bad_request, show
from pygen.emulator._ids import MAX_RESOURCE_XID, as_dict, items_of, resource_identity, resource_ref
from pygen.emulator._params import body_flag, decode_cursor, encode_cursor, now_ms
from pygen.emulator._store import Instance, NodeKey, Store, container_hint

CORE_SPACE = "cdf_cdm"
TIMESERIES_CONTAINER = "CogniteTimeSeries"
DESCRIBABLE_CONTAINER = "CogniteDescribable"
_COLUMNS = "id, xid, node_space, node_xid, node_created, is_string, body"
#: Classic fields stored as given (besides externalId, isString, isStep).
_TEXT_FIELDS = {"name": 255, "unit": 32, "unitExternalId": 256, "description": 1000, "legacyName": 255}
_ID_FIELDS = ("assetId", "dataSetId")
_FILTERS = ("name", "unit", "unitExternalId", "isString", "isStep", "externalIdPrefix", "metadata")


@dataclass
class Series:
    """A time series: classic (``external_id``, no node) or the time series of a node (``instance_id``)."""

    id: int
    external_id: str | None
    instance_id: NodeKey | None
    is_string: bool
    is_step: bool
    fields: dict[str, Any] = field(default_factory=dict)  # the rest of the resource as CDF shows it

    def identity(self) -> dict[str, Any]:
        return resource_identity(self.id, self.external_id, self.instance_id)

    def header(self) -> dict[str, Any]:
        """What a datapoints answer says about its series."""
        out = self.identity()
        out.update(isString=self.is_string, isStep=self.is_step, type="string" if self.is_string else "numeric")
        for name in ("unit", "unitExternalId"):
            if self.fields.get(name) is not None:
                out[name] = self.fields[name]
        return out

    def resource(self) -> dict[str, Any]:
        """The time series resource (``/timeseries/byids``, ``/list``)."""
        return {**self.identity(), "isString": self.is_string, "isStep": self.is_step, **self.fields}


def not_found(missing: Sequence[dict[str, Any]]) -> ApiError:
    """CDF's answer for time series that do not exist."""
    return ApiError(400, "Time series not found", missing=missing)


def _row_to_series(row: tuple[Any, ...]) -> Series:
    body = json.loads(row[6])
    is_step = bool(body.pop("isStep", False))
    instance = (row[2], row[3]) if row[2] is not None else None
    return Series(row[0], row[1], instance, bool(row[5]), is_step, body)


class TimeSeriesService:
    """Classic time series and the time series of ``CogniteTimeSeries`` nodes."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ---- lookups ----------------------------------------------------------------------------------
    def resolve(self, refs: Sequence[dict[str, Any]], *, ignore_unknown: bool = False) -> list[Series | None]:
        """The series of each parsed identifier (``_ids.resource_ref``); unknown ones are ``None`` with
        ``ignore_unknown``, else a 400 listing them in ``missing``."""
        out: list[Series | None] = []
        missing: list[dict[str, Any]] = []
        for ref in refs:
            series = self.find(ref)
            if series is None and ref not in missing:
                missing.append(ref)
            out.append(series)
        if missing and not ignore_unknown:
            raise not_found(missing)
        return out

    def find(self, ref: dict[str, Any]) -> Series | None:
        if "id" in ref:
            row = self.store.conn.execute(f"SELECT {_COLUMNS} FROM timeseries WHERE id = ?", (ref["id"],)).fetchone()
            if row is None:
                return None
            if row[2] is not None:  # a node's series: the node decides whether it still exists
                return self.node_series((row[2], row[3]))
            return _row_to_series(row)
        if "externalId" in ref:
            row = self.store.conn.execute(
                f"SELECT {_COLUMNS} FROM timeseries WHERE xid = ?", (ref["externalId"],)
            ).fetchone()
            return _row_to_series(row) if row is not None else None
        instance = ref["instanceId"]
        return self.node_series((instance["space"], instance["externalId"]))

    def node_series(self, key: NodeKey, node: Instance | None = None) -> Series | None:
        """The time series of a node, or ``None`` when the node does not exist or is not a time series."""
        node = node if node is not None else self.store.get(*key)
        row = self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM timeseries WHERE node_space = ? AND node_xid = ?", key
        ).fetchone()
        values = node.container_values(CORE_SPACE, TIMESERIES_CONTAINER) if node and node.kind == "node" else None
        if node is None or values is None:
            if row is not None:  # the node is gone (or no longer a time series): so are its datapoints
                self._drop(row[0])
            return None
        is_string = values.get("type") == "string"
        if row is None:
            cursor = self.store.conn.execute(
                "INSERT INTO timeseries (node_space, node_xid, node_created, is_string, body) "
                "VALUES (?, ?, ?, ?, '{}')",
                (key[0], key[1], node.created, int(is_string)),
            )
            series_id = int(cursor.lastrowid or 0)
        else:
            series_id = row[0]
            if row[4] != node.created or bool(row[5]) != is_string:
                with self.store.transaction():
                    self.store.conn.execute("DELETE FROM datapoints WHERE series = ?", (series_id,))
                    self.store.conn.execute(
                        "UPDATE timeseries SET node_created = ?, is_string = ? WHERE id = ?",
                        (node.created, int(is_string), series_id),
                    )
        describable = node.container_values(CORE_SPACE, DESCRIBABLE_CONTAINER) or {}
        fields: dict[str, Any] = {
            "type": "string" if is_string else "numeric",
            "createdTime": node.created,
            "lastUpdatedTime": node.updated,
        }
        for name in ("name", "description"):
            if describable.get(name) is not None:
                fields[name] = describable[name]
        if values.get("sourceUnit") is not None:
            fields["unit"] = values["sourceUnit"]
        unit = values.get("unit")
        if isinstance(unit, dict) and unit.get("externalId"):
            fields["unitExternalId"] = unit["externalId"]
        return Series(series_id, None, key, is_string, bool(values.get("isStep")), fields)

    def _drop(self, series_id: int) -> None:
        with self.store.transaction():
            self.store.conn.execute("DELETE FROM datapoints WHERE series = ?", (series_id,))
            self.store.conn.execute("DELETE FROM timeseries WHERE id = ?", (series_id,))

    def _sync_nodes(self) -> None:
        """Give every ``CogniteTimeSeries`` node its row and drop the rows of nodes that are gone (before a list)."""
        for node in self.store.scan("node", where=[container_hint(CORE_SPACE, TIMESERIES_CONTAINER)]):
            self.node_series(node.key, node)
        rows = self.store.conn.execute(
            "SELECT node_space, node_xid FROM timeseries WHERE node_space IS NOT NULL"
        ).fetchall()
        existing = self.store.get_many((space, xid) for space, xid in rows)
        for space, xid in rows:
            if (space, xid) not in existing:
                self.node_series((space, xid))

    # ---- classic resources ------------------------------------------------------------------------
    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        items = items_of(body, 1000)
        prepared: list[tuple[str | None, bool, dict[str, Any]]] = []
        for index, raw in enumerate(items):
            where = f"items[{index}]"
            item = as_dict(raw, where)
            if item.get("instanceId") is not None:
                raise bad_request(
                    f"{where}: a time series with an instanceId is created by writing a CogniteTimeSeries node "
                    "through the data modeling API, not here"
                )
            xid = item.get("externalId")
            if xid is not None and (not isinstance(xid, str) or not 1 <= len(xid) <= MAX_RESOURCE_XID):
                raise bad_request(f"{where}.externalId must be a string of 1-{MAX_RESOURCE_XID} characters")
            flags = {}
            for name in ("isString", "isStep"):
                value = item.get(name, False)
                if not isinstance(value, bool):
                    raise bad_request(f"{where}.{name} must be true or false, got {show(value)}")
                flags[name] = value
            fields: dict[str, Any] = {"isStep": flags["isStep"]}
            for name in _UPDATABLE:
                if name != "isStep" and item.get(name) is not None:
                    fields[name] = _field_value(name, item[name], f"{where}.{name}")
            prepared.append((xid, flags["isString"], fields))
        xids = [xid for xid, _, _ in prepared if xid is not None]
        repeated = sorted({xid for xid in xids if xids.count(xid) > 1})
        if repeated:
            raise bad_request(
                "The same externalId is given more than once", duplicated=[{"externalId": x} for x in repeated]
            )
        taken = [
            row[0]
            for xid in xids
            for row in self.store.conn.execute("SELECT xid FROM timeseries WHERE xid = ?", (xid,))
        ]
        if taken:
            raise ApiError(
                409, "Time series with these external ids already exist", duplicated=[{"externalId": x} for x in taken]
            )
        stamp = now_ms()
        out = []
        with self.store.transaction():
            for xid, is_string, fields in prepared:
                stored = {
                    **fields,
                    "type": "string" if is_string else "numeric",
                    "createdTime": stamp,
                    "lastUpdatedTime": stamp,
                }
                cursor = self.store.conn.execute(
                    "INSERT INTO timeseries (xid, is_string, body) VALUES (?, ?, ?)",
                    (xid, int(is_string), json.dumps(stored)),
                )
                step = bool(stored.pop("isStep"))
                out.append(Series(int(cursor.lastrowid or 0), xid, None, is_string, step, stored).resource())
        return {"items": out}

    def update(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /timeseries/update``: ``set``/``setNull`` per field (``add``/``remove`` for ``metadata`` and
        ``securityCategories``) of classic series; a node's series is changed by writing the node."""
        changes: list[tuple[dict[str, Any], dict[str, Any], str]] = []
        for index, raw in enumerate(items_of(body, 1000)):
            where = f"items[{index}]"
            item = as_dict(raw, where)
            unknown = sorted(set(item) - {"id", "externalId", "instanceId", "update"})
            if unknown:
                raise bad_request(f"{where}: unknown field(s) {', '.join(unknown)}")
            ref = resource_ref({key: value for key, value in item.items() if key != "update"}, where)
            changes.append((ref, as_dict(item.get("update"), f"{where}.update"), where))
        refs = [ref for ref, _, _ in changes]
        repeated = [ref for index, ref in enumerate(refs) if ref in refs[:index]]
        if repeated:
            raise bad_request("The same time series is given more than once", duplicated=repeated)
        found = self.resolve(refs)
        updated: list[tuple[Series, dict[str, Any]]] = []
        for (ref, update, where), series in zip(changes, found, strict=True):
            assert series is not None  # resolve raised for the missing ones
            if series.instance_id is not None:
                space, xid = series.instance_id
                raise bad_request(
                    f"{where}: the time series {show(ref)} belongs to the node {space}:{xid}: change it by writing "
                    "the node through the data modeling API"
                )
            fields = {**series.fields, "isStep": series.is_step}
            for name, operation in update.items():
                _apply_update(fields, name, operation, f"{where}.update.{name}")
            updated.append((series, fields))
        stamp = now_ms()
        out = []
        with self.store.transaction():
            for series, fields in updated:
                fields["lastUpdatedTime"] = stamp
                self.store.conn.execute("UPDATE timeseries SET body = ? WHERE id = ?", (json.dumps(fields), series.id))
                step = bool(fields.pop("isStep"))
                out.append(Series(series.id, series.external_id, None, series.is_string, step, fields).resource())
        return {"items": out}

    def _parse_refs(self, body: dict[str, Any], max_items: int) -> list[dict[str, Any]]:
        return [resource_ref(raw, f"items[{index}]") for index, raw in enumerate(items_of(body, max_items))]

    def byids(self, body: dict[str, Any]) -> dict[str, Any]:
        refs = self._parse_refs(body, 1000)
        found = self.resolve(refs, ignore_unknown=body_flag(body, "ignoreUnknownIds"))
        seen: set[int] = set()
        out = []
        for series in found:
            if series is not None and series.id not in seen:
                seen.add(series.id)
                out.append(series.resource())
        return {"items": out}

    def list_series(self, body: dict[str, Any]) -> dict[str, Any]:
        limit = body.get("limit", 100)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
            raise bad_request(f"limit must be an integer between 1 and 1000, got {show(limit)}")
        if body.get("partition") is not None:
            raise bad_request("partition is not emulated: list without partitions")
        conditions = _filter_of(body.get("filter"))
        after = 0
        if body.get("cursor") is not None:
            position = decode_cursor(body["cursor"]).get("id")
            if not isinstance(position, int):
                raise bad_request(f"Invalid cursor {show(body['cursor'])}")
            after = position
        self._sync_nodes()
        out: list[Series] = []
        has_more = False
        for row in self.store.conn.execute(f"SELECT {_COLUMNS} FROM timeseries WHERE id > ? ORDER BY id", (after,)):
            series = self.node_series((row[2], row[3])) if row[2] is not None else _row_to_series(row)
            if series is None or not _matches(series, conditions):
                continue
            if len(out) == limit:
                has_more = True
                break
            out.append(series)
        result: dict[str, Any] = {"items": [series.resource() for series in out]}
        if has_more:
            result["nextCursor"] = encode_cursor({"id": out[-1].id})
        return result

    def delete(self, body: dict[str, Any]) -> dict[str, Any]:
        refs = self._parse_refs(body, 1000)
        found = self.resolve(refs, ignore_unknown=body_flag(body, "ignoreUnknownIds"))
        delete_classic(refs, found, "time series", self._drop)
        return {}


class _Resource(Protocol):
    id: int
    instance_id: NodeKey | None


def delete_classic(
    refs: Sequence[dict[str, Any]], found: Sequence[_Resource | None], what: str, drop: Callable[[int], None]
) -> None:
    """Delete the classic resources found for ``refs``; one that belongs to a node is a 400 (delete the node)."""
    for ref, resource in zip(refs, found, strict=True):
        if resource is not None and resource.instance_id is not None:
            space, xid = resource.instance_id
            raise bad_request(
                f"The {what} {show(ref)} belongs to the node {space}:{xid}: delete the node through the data "
                "modeling API"
            )
    for resource_id in dict.fromkeys(resource.id for resource in found if resource is not None):
        drop(resource_id)


#: What ``/timeseries/update`` may change (isString and the ids may not).
_UPDATABLE = (*_TEXT_FIELDS, *_ID_FIELDS, "isStep", "metadata", "securityCategories")


def _field_value(name: str, value: object, where: str) -> Any:
    """A classic time series field, checked as CDF checks it on create and update."""
    if name in _TEXT_FIELDS:
        if not isinstance(value, str):
            raise bad_request(f"{where} must be a string, got {show(value)}")
        if len(value) > _TEXT_FIELDS[name]:
            raise bad_request(
                "Request had 1 constraint violations. Please fix the request and try again. "
                f"[{where} size must be between 0 and {_TEXT_FIELDS[name]}]"
            )
        return value
    if name in _ID_FIELDS:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise bad_request(f"{where} must be a positive integer, got {show(value)}")
        return value
    if name == "isStep":
        if not isinstance(value, bool):
            raise bad_request(f"{where} must be true or false, got {show(value)}")
        return value
    if name == "metadata":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise bad_request(f"{where} must be an object of string values")
        return value
    if not isinstance(value, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in value):
        raise bad_request(f"{where} must be a list of integers")
    return value


def _apply_update(fields: dict[str, Any], name: str, operation: object, where: str) -> None:
    if name not in _UPDATABLE:
        why = "cannot be changed after creation" if name in ("isString", "externalId", "id") else "is not a field"
        raise bad_request(f"{where}: {name} {why}; updatable: {', '.join(_UPDATABLE)}")
    change = as_dict(operation, where)
    if set(change) == {"setNull"}:
        if change["setNull"] is not True:
            raise bad_request(f"{where}.setNull must be true")
        if name == "isStep":
            raise bad_request(f"{where}: isStep cannot be null")
        fields.pop(name, None)
    elif set(change) == {"set"}:
        fields[name] = _field_value(name, change["set"], f"{where}.set")
    elif name in ("metadata", "securityCategories") and change and set(change) <= {"add", "remove"}:
        if name == "metadata":
            merged = dict(fields.get(name) or {})
            merged.update(_field_value(name, change.get("add", {}), f"{where}.add"))
            removed = change.get("remove", [])
            if not isinstance(removed, list) or not all(isinstance(key, str) for key in removed):
                raise bad_request(f"{where}.remove must be a list of keys")
            fields[name] = {key: value for key, value in merged.items() if key not in removed}
        else:
            added = _field_value(name, change.get("add", []), f"{where}.add")
            removed = _field_value(name, change.get("remove", []), f"{where}.remove")
            kept = [c for c in (fields.get(name) or []) if c not in removed]
            fields[name] = kept + [c for c in added if c not in kept]
    else:
        raise bad_request(
            f'{where} must be {{"set": value}} or {{"setNull": true}}'
            + (" (or add/remove)" if name in ("metadata", "securityCategories") else "")
            + f", got {show(operation)}"
        )


def _filter_of(raw: object) -> dict[str, Any]:
    if raw is None:
        return {}
    conditions = as_dict(raw, "filter")
    for name in conditions:
        if name not in _FILTERS:
            raise bad_request(f"filter.{name} is not emulated; the emulator filters on {', '.join(_FILTERS)}")
    return conditions


def _matches(series: Series, conditions: dict[str, Any]) -> bool:
    resource = series.resource()
    for name, wanted in conditions.items():
        if name == "externalIdPrefix":
            if not (series.external_id or "").startswith(str(wanted)):
                return False
        elif name == "metadata":
            metadata = resource.get("metadata") or {}
            if not isinstance(wanted, dict) or any(metadata.get(k) != v for k, v in wanted.items()):
                return False
        elif resource.get(name) != wanted:
            return False
    return True
