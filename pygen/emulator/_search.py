"""``/instances/search`` and ``/instances/aggregate`` over one view: instances filtered and matched against
query text (word tokens, prefix matches), then ranked by relevance or sorted, or grouped and aggregated."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from pygen.emulator._errors import bad_request, show
from pygen.emulator._filters import Predicate, base_value, compile_filter, compile_sort, sql_hints
from pygen.emulator._ids import ViewKey, as_dict, as_list, fmt_view
from pygen.emulator._instances import InstanceService, Source
from pygen.emulator._normalize import normalize_view_reference
from pygen.emulator._store import Instance

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
NUMERIC = {"int32", "int64", "float32", "float64"}
GROUPABLE = {"text", "direct", "int32", "int64", "float32", "float64", "boolean", "enum"}


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens: search matches query tokens against these."""
    return [token.lower() for token in _TOKEN_RE.findall(text)]


class SearchService:
    """``/instances/search`` and ``/instances/aggregate``."""

    def __init__(self, instances: InstanceService) -> None:
        self.instances = instances
        self.schema = instances.schema
        self.store = instances.store

    def _view(self, body: dict[str, Any]) -> ViewKey:
        ref = normalize_view_reference(body.get("view"), "view")
        return self.schema.require_view(ref)

    def _text_matcher(self, view: ViewKey, body: dict[str, Any], where: str = "") -> tuple[Predicate | None, Any]:
        """A predicate for ``query``/``properties``/``operator`` and a scorer for relevance ordering."""
        query = body.get("query")
        if query is not None and not isinstance(query, str):
            raise bad_request("query must be a string")
        mapped = self.schema.mapped(view)
        props = body.get("properties")
        if props is None:
            props = [pid for pid, mp in mapped.items() if mp.type.get("type") == "text"]
        else:
            props = as_list(props, "properties")
            for prop in props:
                if prop not in mapped:
                    raise bad_request(f"properties: Unknown property {show(prop)} in view {fmt_view(view)}")
        operator = str(body.get("operator", "OR")).upper()
        if operator not in ("AND", "OR"):
            raise bad_request(f"operator must be AND or OR, got {show(body.get('operator'))}")
        wanted = tokenize(query or "")
        if not wanted:
            return None, lambda inst: 0
        getters = [mapped[prop] for prop in props]

        def tokens_of(inst: Instance) -> set[str]:
            out: set[str] = set()
            for mp in getters:
                values = inst.container_values(*mp.container)
                value = None if values is None else values.get(mp.identifier)
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str):
                        out.update(tokenize(text))
            return out

        def hits(inst: Instance) -> int:
            have = tokens_of(inst)
            return sum(1 for token in wanted if any(word == token or word.startswith(token) for word in have))

        if operator == "AND":
            return (lambda inst: hits(inst) == len(wanted)), hits
        return (lambda inst: hits(inst) > 0), hits

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        view = self._view(body)
        kind = body.get("instanceType", "node")
        if kind not in ("node", "edge"):
            raise bad_request(f"instanceType must be 'node' or 'edge', got {show(kind)}")
        limit = self.instances.limit_of(body, 1000, 1000)
        ctx = self.instances.context()
        checks: list[Predicate] = [ctx.view_has_data(view)]
        if body.get("filter") is not None:
            if "overlaps" in json.dumps(body["filter"]):
                raise bad_request("filter: the overlaps filter is not supported in search")
            checks.append(compile_filter(body["filter"], ctx))
        matcher, score = self._text_matcher(view, body)
        if matcher is not None:
            checks.append(matcher)
        keys = compile_sort(body.get("sort"), ctx)
        sources = [Source("view", view[0], view[1], view[2])]
        if body.get("targetUnits") is not None:
            self.instances.add_target_units(sources[0], body["targetUnits"], "targetUnits")
        hints = self.instances.source_hints(sources) + sql_hints(body.get("filter"), ctx)
        matched = [inst for inst in self.store.scan(kind, where=hints) if all(check(inst) for check in checks)]
        if keys:
            page, _ = self.instances.page(kind, [], keys, limit, None, candidates=matched)
        else:
            matched.sort(key=lambda inst: (-score(inst), inst.row_id))
            page = matched[:limit]
        result: dict[str, Any] = {"items": [self.instances.render(inst, sources) for inst in page]}
        if body.get("includeTyping"):
            result["typing"] = self.instances.typing(sources)
        return result

    def aggregate(self, body: dict[str, Any]) -> dict[str, Any]:
        view = self._view(body)
        kind = body.get("instanceType", "node")
        if kind not in ("node", "edge"):
            raise bad_request(f"instanceType must be 'node' or 'edge', got {show(kind)}")
        limit = self.instances.limit_of(body, 100, 1000)
        mapped = self.schema.mapped(view)
        aggregates = as_list(body.get("aggregates") or [], "aggregates")
        group_by = as_list(body.get("groupBy") or [], "groupBy")
        if len(aggregates) > 5:
            raise bad_request(f"aggregates: at most 5 aggregates are allowed, got {len(aggregates)}")
        if len(group_by) > 5:
            raise bad_request(f"groupBy: at most 5 properties are allowed, got {len(group_by)}")
        if not aggregates and not group_by:
            raise bad_request("aggregates or groupBy is required")

        def getter(prop: object, where: str, allowed: set[str] | None = None) -> Any:
            if not isinstance(prop, str):
                raise bad_request(f"{where}: property must be a string")
            if prop in mapped:
                mp = mapped[prop]
                if allowed is not None and mp.type.get("type") not in allowed:
                    raise bad_request(
                        f"{where}: property '{prop}' has type {mp.type.get('type')}, not one of {show(sorted(allowed))}"
                    )

                def get(inst: Instance) -> Any:
                    values = inst.container_values(*mp.container)
                    return None if values is None else values.get(mp.identifier)

                return get
            if prop in ("externalId", "space", "version", "createdTime", "lastUpdatedTime", "type"):
                return lambda inst: base_value(inst, prop)
            raise bad_request(f"{where}: Unknown property '{prop}' in view {fmt_view(view)}")

        group_getters = [(prop, getter(prop, f"groupBy[{i}]", GROUPABLE)) for i, prop in enumerate(group_by)]
        specs = []
        for index, raw in enumerate(aggregates):
            entry = as_dict(raw, f"aggregates[{index}]")
            if len(entry) != 1:
                raise bad_request(f"aggregates[{index}]: expected one of count, sum, avg, min, max, histogram")
            ((name, args),) = entry.items()
            args = as_dict(args or {}, f"aggregates[{index}].{name}")
            where = f"aggregates[{index}].{name}"
            if name == "count":
                prop = args.get("property")
                specs.append((name, prop, getter(prop, where) if prop is not None else None, args))
            elif name in ("sum", "avg", "min", "max", "histogram"):
                prop = args.get("property")
                specs.append(
                    (
                        name,
                        prop,
                        getter(prop, where, NUMERIC | ({"timestamp"} if name in ("min", "max") else set())),
                        args,
                    )
                )
                if name == "histogram":
                    interval = args.get("interval")
                    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval <= 0:
                        raise bad_request(f"{where}: interval must be a positive number")
            else:
                raise bad_request(f"aggregates[{index}]: unknown aggregate {show(name)}")
        ctx = self.instances.context()
        checks: list[Predicate] = [ctx.view_has_data(view)]
        if body.get("filter") is not None:
            checks.append(compile_filter(body["filter"], ctx))
        matcher, _ = self._text_matcher(view, body)
        if matcher is not None:
            checks.append(matcher)
        groups: dict[str, tuple[dict[str, Any], list[Instance]]] = {}
        view_source = [Source("view", view[0], view[1], view[2])]
        hints = self.instances.source_hints(view_source) + sql_hints(body.get("filter"), ctx)
        for inst in self.store.scan(kind, where=hints):
            if not all(check(inst) for check in checks):
                continue
            group = {prop: get(inst) for prop, get in group_getters}
            if group_getters and all(value is None for value in group.values()):
                continue
            groups.setdefault(json.dumps(group, sort_keys=True), (group, []))[1].append(inst)
        if not group_getters and not groups:
            groups[""] = ({}, [])
        items = []
        for group, members in list(groups.values())[:limit]:
            item: dict[str, Any] = {"instanceType": kind}
            if group_getters:
                item["group"] = group
            item["aggregates"] = [self._aggregate(spec, members) for spec in specs]
            items.append(item)
        result: dict[str, Any] = {"items": items}
        if body.get("includeTyping"):
            result["typing"] = self.instances.typing([Source("view", view[0], view[1], view[2])])
        return result

    @staticmethod
    def _aggregate(spec: tuple[str, Any, Any, dict[str, Any]], members: list[Instance]) -> dict[str, Any]:
        name, prop, get, args = spec
        out: dict[str, Any] = {"aggregate": name}
        if prop is not None:
            out["property"] = prop
        if name == "count":
            out["value"] = len(members) if get is None else sum(1 for inst in members if get(inst) is not None)
            return out
        values = [v for inst in members if (v := get(inst)) is not None]
        flat: list[Any] = []
        for value in values:
            flat.extend(value if isinstance(value, list) else [value])
        if name == "histogram":
            interval = args["interval"]
            buckets: dict[float, int] = {}
            for value in flat:
                start = math.floor(value / interval) * interval
                buckets[start] = buckets.get(start, 0) + 1
            out["interval"] = interval
            out["buckets"] = [{"start": start, "count": buckets[start]} for start in sorted(buckets)]
            return out
        if name == "sum":
            out["value"] = sum(flat) if flat else 0
        elif name == "avg":
            out["value"] = sum(flat) / len(flat) if flat else None
        elif name == "min":
            out["value"] = min(flat) if flat else None
        else:
            out["value"] = max(flat) if flat else None
        return out
