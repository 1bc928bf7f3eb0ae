"""The instance filter language (docs/dms.md, Filters) compiled to Python predicates, plus sort keys.

Filters are evaluated on decoded rows. Property references resolve through the schema once, at compile time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pygen.emulator._errors import bad_request, show
from pygen.emulator._ids import ViewKey, as_list, container_ref, fmt_container, fmt_view, view_ref
from pygen.emulator._normalize import MAX_FILTER_DEPTH, filter_too_deep, normalize_source_reference
from pygen.emulator._schema import SchemaService
from pygen.emulator._store import Instance, NodeKey, SqlHint, Store, container_hint
from pygen.emulator._values import normalize_timestamp

Predicate = Callable[[Instance], bool]
Accessor = Callable[[Instance], Any]

BASE_PROPERTIES = {
    "instanceType",
    "version",
    "space",
    "externalId",
    "type",
    "createdTime",
    "lastUpdatedTime",
    "deletedTime",
    "startNode",
    "endNode",
}
#: Property types a ``range`` filter compares (the API reference: range values are strings or numbers).
RANGE_TYPES = {
    "int32", "int64", "float32", "float64", "timestamp", "date", "text", "enum", "timeseries", "file", "sequence",
}  # fmt: skip
LEAF_FILTERS = {"equals", "in", "range", "prefix", "exists", "containsAny", "containsAll", "overlaps"}
ALL_FILTERS = LEAF_FILTERS | {"and", "or", "not", "matchAll", "nested", "hasData", "instanceReferences"}


def _node_dict(key: NodeKey | None) -> dict[str, str] | None:
    return None if key is None else {"space": key[0], "externalId": key[1]}


def base_value(inst: Instance, prop: str) -> Any:
    """The value of a base (non-container) property of an instance."""
    if prop == "instanceType":
        return inst.kind
    if prop == "version":
        return inst.version
    if prop == "space":
        return inst.space
    if prop == "externalId":
        return inst.external_id
    if prop == "createdTime":
        return inst.created
    if prop == "lastUpdatedTime":
        return inst.updated
    if prop == "type":
        return _node_dict(inst.type)
    if prop == "startNode":
        return _node_dict(inst.start)
    if prop == "endNode":
        return _node_dict(inst.end)
    return None


def _json_path(*keys: str) -> str:
    """An SQLite JSON path of nested object keys: ``$."a"."b"`` (keys quoted, so any text is safe)."""
    return "$" + "".join("." + json.dumps(key) for key in keys)


def _base_accessor(prop: str) -> Accessor:
    return lambda inst: base_value(inst, prop)


def _has_container(space: str, external_id: str) -> Predicate:
    return lambda inst: inst.has_container(space, external_id)


@dataclass
class PropertyRef:
    """A resolved property reference: how to read it and its container type (``None`` for base props)."""

    accessor: Accessor
    prop_type: dict[str, Any] | None
    label: str
    #: Container properties: the JSON path of the value in the store's ``data`` column (for SQL hints).
    json_path: str | None = None
    #: Container properties: the container and the property's identifier in it (for index checks).
    container: tuple[str, str] | None = None
    identifier: str | None = None

    @property
    def kind(self) -> tuple[str, bool]:
        """``(type, is_list)``; base properties get the type they have on the wire."""
        if self.prop_type is not None:
            return str(self.prop_type.get("type")), bool(self.prop_type.get("list", False))
        prop = self.label.rsplit(".", 1)[-1]
        if prop in ("type", "startNode", "endNode"):
            return "direct", False
        if prop in ("version", "createdTime", "lastUpdatedTime", "deletedTime"):
            return "int64", False
        return "text", False


@dataclass
class FilterContext:
    """What compiling a filter needs: the schema, the store (for nested/hasData lookups) and parameters."""

    schema: SchemaService
    store: Store
    parameters: dict[str, Any] = field(default_factory=dict)
    #: Whether the request could carry ``parameters`` (query and sync); list, search, aggregate cannot.
    parameters_allowed: bool = False
    _node_cache: dict[NodeKey, Instance | None] = field(default_factory=dict)
    _view_data: dict[ViewKey, Predicate] = field(default_factory=dict)

    def node(self, key: NodeKey) -> Instance | None:
        if key not in self._node_cache:
            self._node_cache[key] = self.store.get(*key)
        return self._node_cache[key]

    def resolve(self, ref: object, where: str) -> PropertyRef:
        """Resolve ``["node", p]``, ``[space, "View/v", p]`` or ``[space, container, p]``."""
        if not isinstance(ref, list) or not all(isinstance(part, str) for part in ref) or not 2 <= len(ref) <= 3:
            raise bad_request(f"{where}: a property reference is a list of 2 or 3 strings, got {show(ref)}")
        if len(ref) == 2:
            scope, prop = ref
            if scope not in ("node", "edge") or prop not in BASE_PROPERTIES:
                raise bad_request(f"{where}: Unknown property {show(ref)}")
            if scope == "node" and prop in ("startNode", "endNode"):
                raise bad_request(f"{where}: Unknown property {show(ref)}: nodes have no {prop}")
            return PropertyRef(_base_accessor(prop), None, ".".join(ref))
        space, source, prop = ref
        if space in ("node", "edge") and source not in ("",):
            raise bad_request(f"{where}: Unknown property {show(ref)}")
        if "/" in source:
            xid, version = source.split("/", 1)
            key = (space, xid, version)
            if self.schema.view_raw(key) is None:
                raise bad_request(f"{where}: One or more views do not exist: {fmt_view(key)}", missing=[view_ref(key)])
            mapped = self.schema.mapped(key).get(prop)
            if mapped is None:
                raise bad_request(f"{where}: Unknown property '{prop}' in view {fmt_view(key)}")
            ckey, cpi, prop_type = mapped.container, mapped.identifier, mapped.type
        else:
            container = self.schema.container((space, source))
            if container is None:
                raise bad_request(
                    f"{where}: One or more containers do not exist: {fmt_container((space, source))}",
                    missing=[container_ref((space, source))],
                )
            if prop not in container["properties"]:
                raise bad_request(f"{where}: Unknown property '{prop}' in container {space}:{source}")
            ckey, cpi, prop_type = (space, source), prop, container["properties"][prop]["type"]

        def accessor(inst: Instance) -> Any:
            values = inst.container_values(*ckey)
            return None if values is None else values.get(cpi)

        return PropertyRef(accessor, prop_type, "/".join(ref), _json_path(ckey[0], ckey[1], cpi), ckey, cpi)

    def view_has_data(self, key: ViewKey, where: str = "") -> Predicate:
        """Whether an instance has data in a view: data in all its mapped containers, and its filter if any."""
        cached = self._view_data.get(key)
        if cached is not None:
            return cached
        raw = self.schema.view_raw(key)
        if raw is None:
            prefix = f"{where}: " if where else ""
            raise bad_request(f"{prefix}One or more views do not exist: {fmt_view(key)}", missing=[view_ref(key)])
        containers = self.schema.view_containers(key)
        self._view_data[key] = lambda inst: True  # guards a view filter that refers to its own view
        view_filter = compile_filter(raw["filter"], self, "view filter") if raw.get("filter") else None

        def has_data(inst: Instance) -> bool:
            if not all(inst.has_container(*ckey) for ckey in containers):
                return False
            return view_filter is None or view_filter(inst)

        self._view_data[key] = has_data
        return has_data


def _comparable(value: Any, prop_type: dict[str, Any] | None) -> Any:
    if prop_type is not None and prop_type.get("type") == "timestamp" and isinstance(value, str):
        return normalize_timestamp(value) or value
    return value


def _value(raw: Any, ref: PropertyRef, ctx: FilterContext, where: str) -> Callable[[Instance], Any]:
    """A filter value: literal, ``{"parameter": name}`` or ``{"property": [...]}``; returns a getter."""
    if isinstance(raw, dict) and set(raw) == {"parameter"}:
        name = raw["parameter"]
        if name not in ctx.parameters:
            if ctx.parameters_allowed:
                raise bad_request(f"{where}: parameter {show(name)} is not in parameters")
            raise bad_request(
                f"{where}: parameter {show(name)}: parameters are only allowed in query and sync requests"
            )
        value = _comparable(ctx.parameters[name], ref.prop_type)
        return lambda inst: value
    if isinstance(raw, dict) and set(raw) == {"property"}:
        other = ctx.resolve(raw["property"], where)
        return lambda inst: _comparable(other.accessor(inst), ref.prop_type)
    if isinstance(raw, list):
        value = [_comparable(item, ref.prop_type) for item in raw]
    else:
        value = _comparable(raw, ref.prop_type)
    return lambda inst: value


def _less(left: Any, right: Any) -> bool:
    try:
        return bool(left < right)
    except TypeError:
        return False


def _range_checker(
    spec: dict[str, Any], ref: PropertyRef, ctx: FilterContext, where: str
) -> Callable[[Any, Instance], bool]:
    kind, is_list = ref.kind
    if kind not in RANGE_TYPES:
        what = f"a list of {kind}" if is_list else kind
        raise bad_request(
            f"{where}: range is not supported on {ref.label}, which is {what}; it needs a number, text, "
            "timestamp or date property"
        )
    for key in ("gt", "gte", "lt", "lte"):
        bound = spec.get(key)
        if key in spec and (isinstance(bound, bool) or not isinstance(bound, (str, int, float, dict))):
            raise bad_request(
                f"{where}.{key}: a range bound on {ref.label} must be a string or a number, got {show(bound)}"
            )
    bounds = {key: _value(spec[key], ref, ctx, where) for key in ("gt", "gte", "lt", "lte") if key in spec}
    if not bounds:
        raise bad_request(f"{where}: range needs at least one of gt, gte, lt, lte")
    if "gt" in bounds and "gte" in bounds or "lt" in bounds and "lte" in bounds:
        raise bad_request(f"{where}: range cannot combine gt with gte or lt with lte")

    def check(value: Any, inst: Instance) -> bool:
        if value is None:
            return False
        for key, getter in bounds.items():
            bound = getter(inst)
            if key == "gt" and not _less(bound, value):
                return False
            if key == "gte" and not (_less(bound, value) or bound == value):
                return False
            if key == "lt" and not _less(value, bound):
                return False
            if key == "lte" and not (_less(value, bound) or bound == value):
                return False
        return True

    return check


def compile_filter(spec: object, ctx: FilterContext, where: str = "filter", depth: int = 1) -> Predicate:
    """Compile a filter to a predicate; malformed filters and unknown properties raise a 400 naming ``where``."""
    if depth > MAX_FILTER_DEPTH:
        raise filter_too_deep(where)
    if not isinstance(spec, dict) or len(spec) != 1:
        raise bad_request(f"{where}: a filter is an object with exactly one key, got {show(spec)}")
    ((name, body),) = spec.items()
    if name not in ALL_FILTERS:
        raise bad_request(f"{where}: unknown filter {show(name)}")
    where = f"{where}.{name}"
    if name in ("and", "or"):
        if not isinstance(body, list) or not body:
            raise bad_request(f"{where}: needs a non-empty list of filters")
        parts = [compile_filter(item, ctx, f"{where}[{i}]", depth + 1) for i, item in enumerate(body)]
        if name == "and":
            return lambda inst: all(part(inst) for part in parts)
        return lambda inst: any(part(inst) for part in parts)
    if name == "not":
        inner = compile_filter(body, ctx, where, depth + 1)
        return lambda inst: not inner(inst)
    if name == "matchAll":
        return lambda inst: True
    if name == "instanceReferences":
        if not isinstance(body, list):
            raise bad_request(f"{where}: needs a list of {{space, externalId}}")
        keys = {(ref.get("space"), ref.get("externalId")) for ref in body if isinstance(ref, dict)}
        return lambda inst: inst.key in keys
    if name == "hasData":
        if isinstance(body, dict):
            refs = [*as_list(body.get("views") or [], f"{where}.views"), *as_list(body.get("containers") or [], where)]
        else:
            refs = as_list(body, where)
        checks: list[Predicate] = []
        for index, raw_ref in enumerate(refs):
            source = normalize_source_reference(raw_ref, f"{where}[{index}]")
            if source["type"] == "view":
                vkey = (source["space"], source["externalId"], source["version"])
                checks.append(ctx.view_has_data(vkey, f"{where}[{index}]"))
            else:
                ckey = (source["space"], source["externalId"])
                if ctx.schema.container(ckey) is None:
                    raise bad_request(
                        f"{where}[{index}]: One or more containers do not exist: {fmt_container(ckey)}",
                        missing=[container_ref(ckey)],
                    )
                checks.append(_has_container(*ckey))
        # An instance matches when it has data in every listed view and container.
        return lambda inst: all(check(inst) for check in checks)
    if not isinstance(body, dict):
        raise bad_request(f"{where}: expected an object")
    if name == "nested":
        scope = ctx.resolve(body.get("scope"), f"{where}.scope")
        if scope.kind[0] != "direct":
            raise bad_request(f"{where}.scope: {scope.label} is not a direct relation property")
        inner = compile_filter(body.get("filter"), ctx, f"{where}.filter", depth + 1)

        def nested(inst: Instance) -> bool:
            target = scope.accessor(inst)
            if not isinstance(target, dict):
                return False
            node = ctx.node((target["space"], target["externalId"]))
            return node is not None and inner(node)

        return nested
    if name == "overlaps":
        start = ctx.resolve(body.get("startProperty"), f"{where}.startProperty")
        end = ctx.resolve(body.get("endProperty"), f"{where}.endProperty")
        lower = {key: _value(body[key], start, ctx, where) for key in ("gt", "gte") if key in body}
        upper = {key: _value(body[key], start, ctx, where) for key in ("lt", "lte") if key in body}

        def overlaps(inst: Instance) -> bool:
            begin, finish = start.accessor(inst), end.accessor(inst)
            # The instance interval [begin, finish]; a missing end is open (infinite).
            for key, getter in upper.items():
                bound = getter(inst)
                if begin is not None and (_less(bound, begin) or (key == "lt" and begin == bound)):
                    return False
            for key, getter in lower.items():
                bound = getter(inst)
                if finish is not None and (_less(finish, bound) or (key == "gt" and finish == bound)):
                    return False
            return True

        return overlaps
    ref = ctx.resolve(body.get("property"), f"{where}.property")
    get = ref.accessor
    if name == "exists":
        return lambda inst: get(inst) is not None
    if name == "equals":
        if "value" not in body:
            raise bad_request(f"{where}: value is required")
        value_of = _value(body["value"], ref, ctx, where)
        return lambda inst: (current := get(inst)) is not None and current == value_of(inst)
    if name == "in":
        values = body.get("values")
        if not isinstance(values, list):
            if isinstance(values, dict) and "parameter" in values:
                values_of = _value(values, ref, ctx, where)
                return lambda inst: get(inst) in (values_of(inst) or [])
            raise bad_request(f"{where}: values must be a list")
        if len(values) > 1000:
            raise bad_request(f"{where}: at most 1000 values are allowed, got {len(values)}")
        literal = [_comparable(v, ref.prop_type) for v in values]
        if ref.kind[1]:
            # A list property matches when one of its elements is among the values (README, "in on a list
            # property": pygen v1 finds the reverse of list relations this way against CDF).
            return lambda inst: any(element in literal for element in get(inst) or [])
        return lambda inst: (current := get(inst)) is not None and current in literal
    if name in ("containsAny", "containsAll"):
        if not ref.kind[1]:
            raise bad_request(f"{where}: {ref.label} is not a list property; {name} needs one")
        if isinstance(body.get("values"), list) and len(body["values"]) > 1000:
            raise bad_request(f"{where}: at most 1000 values are allowed, got {len(body['values'])}")
        values_of = _value(body.get("values"), ref, ctx, where)

        def contains(inst: Instance) -> bool:
            current = get(inst)
            wanted = values_of(inst)
            if current is None or not isinstance(wanted, list):
                return False
            have = current if isinstance(current, list) else [current]
            if name == "containsAny":
                return any(item in have for item in wanted)
            return all(item in have for item in wanted)

        return contains
    if name == "prefix":
        if ref.kind[0] not in ("text", "direct") and not ref.kind[1]:
            raise bad_request(f"{where}: prefix needs a text (or list) property, {ref.label} is {ref.kind[0]}")
        value_of = _value(body.get("value"), ref, ctx, where)

        def prefix(inst: Instance) -> bool:
            current, wanted = get(inst), value_of(inst)
            if isinstance(current, str) and isinstance(wanted, str):
                return current.startswith(wanted)
            if isinstance(current, list) and isinstance(wanted, list):
                return current[: len(wanted)] == wanted
            if isinstance(current, dict) and isinstance(wanted, dict):  # direct relation: same space, xid prefix
                return current.get("space") == wanted.get("space") and str(current.get("externalId")).startswith(
                    str(wanted.get("externalId"))
                )
            return False

        return prefix
    # range
    check = _range_checker(body, ref, ctx, where)
    return lambda inst: check(get(inst), inst)


# ---- sorting ------------------------------------------------------------------------------------------------
@dataclass
class SortKey:
    """One compiled sort clause."""

    accessor: Accessor
    descending: bool
    nulls_first: bool
    prop: PropertyRef | None = None


def compile_sort(specs: object, ctx: FilterContext, where: str = "sort") -> list[SortKey]:
    if specs is None:
        return []
    if not isinstance(specs, list):
        raise bad_request(f"{where} must be a list")
    if len(specs) > 5:
        raise bad_request(f"{where}: at most 5 sort clauses are allowed, got {len(specs)}")
    out = []
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict):
            raise bad_request(f"{where}[{index}] must be an object")
        ref = ctx.resolve(spec.get("property"), f"{where}[{index}].property")
        direction = spec.get("direction", "ascending")
        if direction not in ("ascending", "descending"):
            raise bad_request(f"{where}[{index}]: direction must be ascending or descending")
        out.append(SortKey(ref.accessor, direction == "descending", bool(spec.get("nullsFirst", False)), ref))
    return out


def require_cursorable(keys: Sequence[SortKey], ctx: FilterContext, where: str) -> None:
    """Refuse to page with a cursor through a sort on container properties that no cursorable index backs.

    Backed means: the sorted container properties, in sort order, all live in one container and are the
    leading properties of one of its ``btree`` indexes with ``cursorable: true`` (base properties such as
    ``externalId`` or ``createdTime`` need no index). README, "Cursors with a custom sort".
    """
    custom = [key.prop for key in keys if key.prop is not None and key.prop.container is not None]
    if not custom:
        return
    containers = {prop.container for prop in custom}
    if not all(ctx.schema.indexes_known(ckey) for ckey in containers if ckey is not None):
        return  # derived from a model snapshot, which does not say which indexes the containers have
    wanted = [str(prop.identifier) for prop in custom]
    if len(containers) == 1:
        ckey = custom[0].container
        assert ckey is not None
        container = ctx.schema.container(ckey) or {}
        for index in (container.get("indexes") or {}).values():
            if (
                index.get("indexType") == "btree"
                and index.get("cursorable")
                and list(index.get("properties") or [])[: len(wanted)] == wanted
            ):
                return
        place = f"container {ckey[0]}:{ckey[1]} has no btree index with cursorable: true whose properties start with "
        place += json.dumps(wanted)
    else:
        place = "the sorted properties live in different containers, so no one index can back the sort"
    labels = ", ".join(prop.label for prop in custom)
    raise bad_request(
        f"{where}: cannot page with a cursor through a sort on {labels}: the sort is not backed by a cursorable "
        f"index ({place}). Add a cursorable btree index on these properties, or page without a custom sort"
    )


def sort_values(inst: Instance, keys: Sequence[SortKey]) -> list[Any]:
    return [key.accessor(inst) for key in keys]


def _cmp_values(left: Any, right: Any) -> int:
    if isinstance(left, dict) and isinstance(right, dict):
        left, right = (left.get("space"), left.get("externalId")), (right.get("space"), right.get("externalId"))
    try:
        return -1 if left < right else (1 if left > right else 0)
    except TypeError:
        return -1 if type(left).__name__ < type(right).__name__ else 1


def compare_keys(keys: Sequence[SortKey], left: Sequence[Any], right: Sequence[Any]) -> int:
    """Compare two sort value lists (nulls last unless ``nullsFirst``; nulls placement ignores direction)."""
    for key, a, b in zip(keys, left, right, strict=False):
        if a is None or b is None:
            if a is None and b is None:
                continue
            a_first = (a is None) == key.nulls_first
            return -1 if a_first else 1
        result = _cmp_values(a, b)
        if result:
            return -result if key.descending else result
    return 0


def sort_instances(instances: list[Instance], keys: Sequence[SortKey]) -> list[Instance]:
    """Sort by the keys, ties broken by row id (so that cursors are stable)."""
    decorated = [(sort_values(inst, keys), inst) for inst in instances]

    def cmp(a: tuple[list[Any], Instance], b: tuple[list[Any], Instance]) -> int:
        return compare_keys(keys, a[0], b[0]) or (a[1].row_id - b[1].row_id)

    decorated.sort(key=functools.cmp_to_key(cmp))
    return [inst for _, inst in decorated]


def after_position(instances: list[Instance], keys: Sequence[SortKey], values: list[Any], row_id: int) -> int:
    """Index of the first sorted instance that comes after the cursor position ``(values, row_id)``."""
    low, high = 0, len(instances)
    while low < high:
        mid = (low + high) // 2
        inst = instances[mid]
        order = compare_keys(keys, sort_values(inst, keys), values) or (inst.row_id - row_id)
        if order <= 0:
            low = mid + 1
        else:
            high = mid
    return low


# ---- SQL pre-filtering --------------------------------------------------------------------------------------
_MAX_SQL_VALUES = 500


def sql_hints(spec: object, ctx: FilterContext, depth: int = 1) -> list[SqlHint]:
    """SQL conditions implied by a filter: they only narrow the scan; the compiled predicate still decides.

    Covered: conjunctions (``and``) of ``hasData``, ``instanceReferences``, and ``equals``/``in``/``prefix`` on
    the base properties space, externalId and type. Anything else contributes nothing.
    """
    if not isinstance(spec, dict) or len(spec) != 1 or depth > MAX_FILTER_DEPTH:
        return []
    ((name, body),) = spec.items()
    if name == "and" and isinstance(body, list):
        return [hint for part in body for hint in sql_hints(part, ctx, depth + 1)]
    if name == "hasData" and isinstance(body, list):
        hints: list[SqlHint] = []
        for ref in body:
            if not isinstance(ref, dict):
                continue
            if ref.get("type") == "view" or (ref.get("type") is None and "version" in ref):
                key = (str(ref.get("space")), str(ref.get("externalId")), str(ref.get("version")))
                if ctx.schema.view_raw(key) is not None:
                    hints.extend(container_hint(*ckey) for ckey in ctx.schema.view_containers(key))
            else:
                hints.append(container_hint(str(ref.get("space")), str(ref.get("externalId"))))
        return hints
    if name == "instanceReferences" and isinstance(body, list) and 0 < len(body) <= _MAX_SQL_VALUES:
        pairs = [(r.get("space"), r.get("externalId")) for r in body if isinstance(r, dict)]
        if len(pairs) != len(body):
            return []
        return [(" OR ".join(["(space = ? AND xid = ?)"] * len(pairs)), [part for pair in pairs for part in pair])]
    if name not in ("equals", "in", "prefix") or not isinstance(body, dict):
        return []
    ref = body.get("property")

    def literal(value: object) -> object:
        if isinstance(value, dict) and set(value) == {"parameter"}:
            return ctx.parameters.get(str(value["parameter"]))
        return value

    if isinstance(ref, list) and len(ref) == 3 and name in ("equals", "in"):
        return _relation_hint(ctx, ref, [body.get("value")] if name == "equals" else body.get("values"), literal)
    if not (isinstance(ref, list) and len(ref) == 2 and ref[0] in ("node", "edge")):
        return []
    prop = ref[1]

    if name == "prefix":
        value = literal(body.get("value"))
        if prop in ("space", "externalId") and isinstance(value, str):
            column = "space" if prop == "space" else "xid"
            return [(f"substr({column}, 1, ?) = ?", [len(value), value])]
        return []
    values = [literal(body.get("value"))] if name == "equals" else body.get("values")
    if not isinstance(values, list) or not 0 < len(values) <= _MAX_SQL_VALUES:
        return []
    values = [literal(value) for value in values]
    if prop in ("space", "externalId") and all(isinstance(value, str) for value in values):
        column = "space" if prop == "space" else "xid"
        return [(f"{column} IN ({', '.join('?' * len(values))})", values)]
    if prop == "type" and all(isinstance(v, dict) and isinstance(v.get("externalId"), str) for v in values):
        typed = [v for v in values if isinstance(v, dict)]
        clause = " OR ".join(["(type_space = ? AND type_xid = ?)"] * len(typed))
        return [(clause, [part for v in typed for part in (v.get("space"), v.get("externalId"))])]
    return []


def _relation_hint(
    ctx: FilterContext, ref: list[Any], values: object, literal: Callable[[object], object]
) -> list[SqlHint]:
    """``equals``/``in`` on a single direct relation property: rows whose value has one of the external ids."""
    if not isinstance(values, list) or not values:
        return []
    try:
        prop = ctx.resolve(ref, "filter")
    except Exception:  # the compiled filter reports a bad reference
        return []
    if prop.json_path is None or prop.kind != ("direct", False):
        return []
    xids: list[str] = []
    for value in map(literal, values):
        if not isinstance(value, dict) or not isinstance(value.get("externalId"), str):
            return []
        xids.append(value["externalId"])
    return relation_hint(prop, xids)


def relation_hint(prop: PropertyRef, external_ids: Iterable[str]) -> list[SqlHint]:
    """Rows whose single direct relation ``prop`` (a container property) points at a node with one of
    ``external_ids`` (any space: a superset the compiled check narrows); none when ``prop`` is not one."""
    if prop.json_path is None:
        return []
    values = json.dumps(sorted(set(external_ids)))  # one parameter, any number of ids
    return [("json_extract(data, ?) IN (SELECT value FROM json_each(?))", [prop.json_path + ".externalId", values])]
