"""``/instances/query`` and ``/instances/sync``: named result set expressions evaluated as a graph traversal
(nodes through direct relations, edges to any depth, set operations), each paged by its own cursor; a sync
reads its root expressions from the store's change log instead."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pygen.emulator._errors import bad_request, show
from pygen.emulator._filters import (
    FilterContext,
    Predicate,
    compile_filter,
    compile_sort,
    relation_hint,
    require_cursorable,
    sort_instances,
    sql_hints,
)
from pygen.emulator._ids import as_dict, as_list
from pygen.emulator._instances import request_hash
from pygen.emulator._normalize import normalize_source_reference
from pygen.emulator._params import decode_cursor, encode_cursor
from pygen.emulator._search import SearchService
from pygen.emulator._search import tokenize as tokenize  # re-exported for tests/emulator_unit
from pygen.emulator._store import Instance, NodeKey


class QueryService(SearchService):
    """``/instances/query`` and ``/instances/sync``; extends :class:`SearchService`, so one service answers
    the four instance read endpoints.
    """

    def query(self, body: dict[str, Any], *, sync: bool = False) -> dict[str, Any]:
        with_ = as_dict(body.get("with"), "with")
        select = as_dict(body.get("select") or {}, "select")
        cursors = as_dict(body.get("cursors") or {}, "cursors")
        for name, section in (("with", with_), ("select", select), ("cursors", cursors)):
            if len(section) > 50:
                raise bad_request(f"{name}: at most 50 entries are allowed, got {len(section)}")
        if not with_:
            raise bad_request("with must contain at least one result set expression")
        for name in select:
            if name not in with_:
                raise bad_request(f"select.{name}: there is no result set expression named {show(name)} in with")
        parameters = as_dict(body.get("parameters") or {}, "parameters")
        ctx = self.instances.context(parameters)
        results: dict[str, list[Instance]] = {}
        kinds: dict[str, str] = {}
        more: dict[str, bool] = {}
        digests: dict[str, str] = {}
        in_progress: set[str] = set()
        sync_seq: dict[str, int] = {}
        sync_start: dict[str, int] = {}

        def evaluate(name: str) -> list[Instance]:
            if name in results:
                return results[name]
            if name not in with_:
                raise bad_request(f"with: unknown result set expression {show(name)}")
            if name in in_progress:
                raise bad_request(f"with.{name}: result set expressions form a cycle")
            in_progress.add(name)
            expr = as_dict(with_[name], f"with.{name}")
            # A cursor stays valid when only the limit changes (as in list).
            digest = request_hash({"expr": {k: v for k, v in expr.items() if k != "limit"}, "parameters": parameters})
            digests[name] = digest
            cursor = decode_cursor(cursors[name]) if cursors.get(name) else None
            if cursor is not None and cursor.get("h") != digest:
                raise bad_request(f"cursors.{name}: the cursor does not belong to this expression")
            default, maximum = (100, 2000) if sync else (100, 10000)
            limit = self.instances.limit_of(expr, default, maximum, where=f"with.{name}.")
            keys = [] if sync else compile_sort(expr.get("sort"), ctx, f"with.{name}.sort")
            if cursor is not None:
                require_cursorable(keys, ctx, f"with.{name}.sort")
            if sync and ("nodes" in expr or "edges" in expr):
                kinds[name] = "node" if "nodes" in expr else "edge"
                spec = as_dict(expr.get("nodes", expr.get("edges")), f"with.{name}")
                if spec.get("from") is None:
                    page, last_seq, started = self._sync_changes(name, kinds[name], spec, expr, ctx, limit, cursor)
                    results[name] = page
                    more[name] = False
                    sync_seq[name] = last_seq
                    sync_start[name] = started
                    in_progress.discard(name)
                    return page
            if "nodes" in expr:
                kinds[name] = "node"
                page, has_more = self._nodes(
                    name, as_dict(expr["nodes"], f"with.{name}.nodes"), ctx, evaluate, kinds, keys, limit, cursor
                )
            elif "edges" in expr:
                kinds[name] = "edge"
                page, has_more = self._edges(
                    name, as_dict(expr["edges"], f"with.{name}.edges"), ctx, evaluate, kinds, keys, limit, cursor
                )
            elif not sync and any(op in expr for op in ("union", "unionAll", "intersection", "except")):
                page, has_more = self._set_operation(name, expr, evaluate, kinds, keys, limit, cursor)
            else:
                raise bad_request(f"with.{name}: expected nodes, edges or a set operation")
            if expr.get("postSort"):  # orders the rows the expression returns (after `sort` and `limit` chose them)
                page = sort_instances(list(page), compile_sort(expr["postSort"], ctx, f"with.{name}.postSort"))
            results[name] = page
            more[name] = has_more
            in_progress.discard(name)
            return page

        for name in with_:
            evaluate(name)
        items: dict[str, list[dict[str, Any]]] = {}
        typing: dict[str, Any] = {}
        for name, spec in select.items():
            sel = as_dict(spec or {}, f"select.{name}")
            sources = self.instances.parse_sources(sel.get("sources"), f"select.{name}.sources")
            rows = results[name]
            if sel.get("sort"):
                rows = sort_instances(list(rows), compile_sort(sel["sort"], ctx, f"select.{name}.sort"))
            if sel.get("limit") is not None:
                rows = rows[: self.instances.limit_of(sel, 100, 10000, where=f"select.{name}.")]
            items[name] = [self.instances.render(inst, sources) for inst in rows]
            if body.get("includeTyping") and sources:
                typing[name] = self.instances.typing(sources)
        next_cursor: dict[str, str] = {}
        for name, page in results.items():
            if name in sync_seq:
                state = {"seq": sync_seq[name], "start": sync_start[name], "h": digests[name]}
                next_cursor[name] = encode_cursor(state)
            elif more.get(name) and page:
                next_cursor[name] = self.instances.next_cursor(
                    page, [] if sync else compile_sort(as_dict(with_[name], name).get("sort"), ctx), digests[name]
                )
            elif sync:
                last = (
                    page[-1].row_id
                    if page
                    else int((decode_cursor(cursors[name]) if cursors.get(name) else {}).get("id", 0))
                )
                next_cursor[name] = encode_cursor({"id": last, "h": digests[name]})
        result: dict[str, Any] = {"items": items, "nextCursor": next_cursor}
        if body.get("includeTyping"):
            result["typing"] = typing
        return result

    def _sync_changes(
        self,
        name: str,
        kind: str,
        spec: dict[str, Any],
        expr: dict[str, Any],
        ctx: FilterContext,
        limit: int,
        cursor: dict[str, Any] | None,
    ) -> tuple[list[Instance], int, int]:
        """Instances changed (or soft-deleted) since the cursor's sequence number, oldest change first;
        the sequence number reached, and the one the sync started at.

        With ``skipAlreadyDeleted`` (the default) a sync leaves out the instances deleted before it started,
        on every page of it (the start travels in the cursor); deletions after the start are reported.
        """
        check = compile_filter(spec["filter"], ctx, f"with.{name}.filter") if spec.get("filter") else None
        mode = expr.get("mode", "twoPhase")
        if mode not in ("onePhase", "twoPhase", "noBackfill"):
            raise bad_request(f"with.{name}.mode must be onePhase, twoPhase or noBackfill, got {show(mode)}")
        if expr.get("backfillSort") and mode != "twoPhase":
            raise bad_request(f"with.{name}: Backfill sort can only be used with two-phase sync.")
        if expr.get("backfillSort"):  # the API reference: its properties must have a cursorable index
            where = f"with.{name}.backfillSort"
            require_cursorable(compile_sort(expr["backfillSort"], ctx, where), ctx, where)
        if cursor is None and mode == "noBackfill":  # no backfill: the first answer only marks where changes start
            return [], self.store.last_seq, self.store.last_seq
        after = int(cursor.get("seq", 0)) if cursor else 0
        started = int(cursor.get("start", 0)) if cursor else self.store.last_seq
        skip_deleted = expr.get("skipAlreadyDeleted", True)
        page: list[Instance] = []
        last = after
        for inst in self.store.changes(kind, after):
            if len(page) >= limit:
                break
            last = inst.seq
            if skip_deleted and inst.deleted is not None and inst.seq <= started:
                continue
            if check is None or check(inst):
                page.append(inst)
        return page, last, started

    def _from(
        self, name: str, spec: dict[str, Any], evaluate: Any, kinds: dict[str, str]
    ) -> tuple[str | None, list[Instance]]:
        source = spec.get("from")
        if source is None:
            return None, []
        if not isinstance(source, str):
            raise bad_request(f"with.{name}.from must be the name of another result set expression")
        rows = evaluate(source)
        return kinds[source], rows

    def _edge_ends(self, edges: Iterable[Instance], spec: dict[str, Any], name: str) -> list[NodeKey]:
        chain_to = spec.get("chainTo", "destination")
        if chain_to not in ("source", "destination"):
            raise bad_request(f"with.{name}: chainTo must be source or destination")
        ends: list[NodeKey] = []
        for edge in edges:
            direction = edge.traversal
            destination = edge.end if direction == "outwards" else edge.start
            origin = edge.start if direction == "outwards" else edge.end
            end = destination if chain_to == "destination" else origin
            if end is not None:
                ends.append(end)
        return list(dict.fromkeys(ends))

    def _nodes(
        self,
        name: str,
        spec: dict[str, Any],
        ctx: FilterContext,
        evaluate: Any,
        kinds: dict[str, str],
        keys: list[Any],
        limit: int,
        cursor: dict[str, Any] | None,
    ) -> tuple[list[Instance], bool]:
        checks: list[Predicate] = []
        if spec.get("filter") is not None:
            checks.append(compile_filter(spec["filter"], ctx, f"with.{name}.nodes.filter"))
        source_kind, rows = self._from(name, spec, evaluate, kinds)
        if source_kind is None:
            return self.instances.page("node", checks, keys, limit, cursor, hints=sql_hints(spec.get("filter"), ctx))
        candidates: list[Instance]
        through = spec.get("through")
        if through is not None:
            through = as_dict(through, f"with.{name}.nodes.through")
            ref = normalize_source_reference(
                through.get("source", through.get("view")), f"with.{name}.nodes.through.source"
            )
            identifier = through.get("identifier")
            if ref["type"] == "view":
                prop = ctx.resolve(
                    [ref["space"], f"{ref['externalId']}/{ref['version']}", str(identifier)],
                    f"with.{name}.nodes.through",
                )
            else:
                prop = ctx.resolve([ref["space"], ref["externalId"], str(identifier)], f"with.{name}.nodes.through")
            # docs/dms.md, Instances (query): a node expression's direction defaults to inwards (used with through).
            direction = spec.get("direction", "inwards")
            if direction not in ("outwards", "inwards"):
                raise bad_request(f"with.{name}.nodes: direction must be outwards or inwards")
            if prop.kind[0] != "direct":
                raise bad_request(f"with.{name}.nodes.through: {prop.label} is not a direct relation property")
            if direction == "inwards" and prop.kind[1]:
                # docs/dms.md, Instances (query): CDF cannot follow a list of direct relations inwards.
                raise bad_request(
                    f"with.{name}.nodes.through: {prop.label} is a list of direct relations, which a query "
                    "cannot follow inwards; filter the target view with containsAny instead"
                )
            if direction == "outwards":
                targets: list[NodeKey] = []
                for inst in rows:
                    value = prop.accessor(inst)
                    for target in value if isinstance(value, list) else [value]:
                        if isinstance(target, dict):
                            targets.append((target["space"], target["externalId"]))
                found = self.store.get_many(targets)
                candidates = [
                    found[key] for key in dict.fromkeys(targets) if key in found and found[key].kind == "node"
                ]
            else:
                wanted = {inst.key for inst in rows}

                def points_back(inst: Instance) -> bool:
                    value = prop.accessor(inst)
                    for target in value if isinstance(value, list) else [value]:
                        if isinstance(target, dict) and (target["space"], target["externalId"]) in wanted:
                            return True
                    return False

                if not wanted:
                    return [], False
                # Keyset-paged in SQL, narrowed to the rows that may point at one of ``wanted``: a page
                # after a cursor reads that page, not every node pointing back.
                hints = [*sql_hints(spec.get("filter"), ctx), *relation_hint(prop, (xid for _, xid in wanted))]
                return self.instances.page("node", [points_back, *checks], keys, limit, cursor, hints=hints)
        elif source_kind == "edge":
            ends = self._edge_ends(rows, spec, name)
            found = self.store.get_many(ends)
            candidates = [found[key] for key in ends if key in found]
        else:
            candidates = list(rows)
        candidates.sort(key=lambda inst: inst.row_id)
        return self.instances.page("node", checks, keys, limit, cursor, candidates=candidates)

    def _edges(
        self,
        name: str,
        spec: dict[str, Any],
        ctx: FilterContext,
        evaluate: Any,
        kinds: dict[str, str],
        keys: list[Any],
        limit: int,
        cursor: dict[str, Any] | None,
    ) -> tuple[list[Instance], bool]:
        where = f"with.{name}.edges"
        edge_filter = compile_filter(spec["filter"], ctx, f"{where}.filter") if spec.get("filter") else None
        node_filter = compile_filter(spec["nodeFilter"], ctx, f"{where}.nodeFilter") if spec.get("nodeFilter") else None
        stop_filter = (
            compile_filter(spec["terminationFilter"], ctx, f"{where}.terminationFilter")
            if spec.get("terminationFilter")
            else None
        )
        direction = spec.get("direction", "outwards")
        if direction not in ("outwards", "inwards"):
            raise bad_request(f"{where}: direction must be outwards or inwards")
        max_distance = spec.get("maxDistance")
        if max_distance is not None and (
            isinstance(max_distance, bool) or not isinstance(max_distance, int) or max_distance < 1
        ):
            raise bad_request(f"{where}: maxDistance must be a positive integer")
        limit_each = spec.get("limitEach")
        if limit_each is not None:
            if isinstance(limit_each, bool) or not isinstance(limit_each, int) or not 1 <= limit_each <= 2000:
                raise bad_request(f"{where}: limitEach must be an integer between 1 and 2000")
            if spec.get("from") is None or max_distance != 1:
                raise bad_request(f"{where}: limitEach needs from and maxDistance 1")
        source_kind, rows = self._from(name, spec, evaluate, kinds)
        if source_kind is None:
            checks = [edge_filter] if edge_filter else []
            if node_filter is not None:
                nf = node_filter

                def other_end_ok(edge: Instance) -> bool:
                    other = edge.end if direction == "outwards" else edge.start
                    node = ctx.node(other) if other else None
                    return node is not None and nf(node)

                checks.append(other_end_ok)
            return self.instances.page("edge", checks, keys, limit, cursor, hints=sql_hints(spec.get("filter"), ctx))
        start = self._edge_ends(rows, spec, name) if source_kind == "edge" else [inst.key for inst in rows]
        visited = set(start)
        frontier = list(start)
        found: dict[int, Instance] = {}
        per_origin: dict[NodeKey, int] = {}
        depth = 0
        side = "start" if direction == "outwards" else "end"
        while frontier and (max_distance is None or depth < max_distance):
            next_frontier: list[NodeKey] = []
            for edge in self.store.edges_at(frontier, side):
                if edge.row_id in found or (edge_filter is not None and not edge_filter(edge)):
                    continue
                origin = edge.start if direction == "outwards" else edge.end
                other = edge.end if direction == "outwards" else edge.start
                if other is None or origin is None:
                    continue
                if node_filter is not None:
                    node = ctx.node(other)
                    if node is None or not node_filter(node):
                        continue
                if limit_each is not None and depth == 0:
                    if per_origin.get(origin, 0) >= int(limit_each):
                        continue
                    per_origin[origin] = per_origin.get(origin, 0) + 1
                edge.traversal = direction
                found[edge.row_id] = edge
                if other in visited:
                    continue
                visited.add(other)
                if stop_filter is not None:
                    node = ctx.node(other)
                    if node is not None and stop_filter(node):
                        continue
                next_frontier.append(other)
            frontier = next_frontier
            depth += 1
        candidates = sorted(found.values(), key=lambda inst: inst.row_id)
        return self.instances.page("edge", [], keys, limit, cursor, candidates=candidates)

    def _set_operation(
        self,
        name: str,
        expr: dict[str, Any],
        evaluate: Any,
        kinds: dict[str, str],
        keys: list[Any],
        limit: int,
        cursor: dict[str, Any] | None,
    ) -> tuple[list[Instance], bool]:
        def operand(value: Any) -> list[Instance]:
            if isinstance(value, str):
                rows = evaluate(value)
                kinds[name] = kinds[value]
                return list(rows)
            if isinstance(value, dict):
                rows, _ = self._set_operation(name, value, evaluate, kinds, [], 10_000, None)
                return rows
            raise bad_request(f"with.{name}: set operation operands are names or set operations")

        rows: list[Instance] = []
        if "union" in expr or "unionAll" in expr:
            op = "union" if "union" in expr else "unionAll"
            for value in as_list(expr[op], f"with.{name}.{op}"):
                rows.extend(operand(value))
            if op == "union":
                rows = list({inst.row_id: inst for inst in rows}.values())
        elif "intersection" in expr:
            parts = [operand(value) for value in as_list(expr["intersection"], f"with.{name}.intersection")]
            common = set.intersection(*({inst.row_id for inst in part} for part in parts)) if parts else set()
            rows = [inst for inst in parts[0] if inst.row_id in common] if parts else []
        if "except" in expr:
            excluded = {
                inst.row_id for value in as_list(expr["except"], f"with.{name}.except") for inst in operand(value)
            }
            rows = [inst for inst in rows if inst.row_id not in excluded]
        rows.sort(key=lambda inst: inst.row_id)
        return self.instances.page(None, [], keys, limit, cursor, candidates=rows)
