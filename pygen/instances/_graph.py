"""Graph queries without I/O: the steps of a query, the ``/models/instances/query`` requests they make,
and the objects those answers become.

A query is a tree of :class:`Step`\\ s: the root (the instances of one view that match a filter, or
given instances) and, below it, one step per connection followed. :class:`Run` turns the tree into
request bodies and the answers into typed objects, as a generator that yields a :class:`Post` for
each request and receives the response bytes (the sync and async query classes only send them):

- One request holds every step CDF can express in one query: one result-set expression per step,
  chained with ``from``; a direct relation ``through`` the property (outwards), a reverse direct
  relation ``through`` the other view's property (inwards), an edge connection as an ``edges``
  expression (``maxDistance`` 1, the edge type, ``nodeFilter`` on the far end) and its far-end nodes
  as a ``nodes`` expression chained to it. Every node expression is filtered with ``hasData`` on its
  view, so an object is only ever parsed as a class whose view the node has data in.
- CDF's query API cannot follow a reverse direct relation through a *list* of direct relations
  (``CogniteAsset.time_series``, through ``CogniteTimeSeries.assets``). Such a step starts a stage of
  its own, run after the step above it is complete: a query whose root is the target view filtered
  with ``containsAny`` on the list property, 1000 parent ids per request, with the steps below it.
- The roots are read a page at a time (``nextCursor`` of the root expression). Within a page, an
  expression that filled its limit is continued with its cursor while the expressions above it are
  held on their page by theirs; what such a request returns again (the held pages) is skipped. So
  every row is read once and memory holds one page of roots with everything below them.
- A step's ``limit`` counts its rows over the whole query; an expression whose step has all it
  asked for is left out of later requests.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Generator, Iterable, Mapping, Sequence
from typing import Any, Literal

from pygen.instances._filters import And, ContainsAny, Equals, Filter, HasData, InstanceReferences, Property, Sort
from pygen.instances._ids import NodeId
from pygen.instances._instances import (
    DirectRelation,
    Edge,
    EdgeConnection,
    Node,
    _ReadInstance,
    mark_unfetched,
)
from pygen.instances._parse import construct, parse_model, query_response_model

__all__ = ["MAX_QUERY_LIMIT", "Post", "Run", "Step", "connection_steps"]

#: Most rows one result-set expression returns per request.
MAX_QUERY_LIMIT = 10_000
#: Parent ids per request when a reverse relation through a list property is followed with a filter.
_PARENTS_PER_REQUEST = 1000

StepKind = Literal["root", "direct", "reverse", "reverse_list", "edge", "end"]


def _classes_in(annotation: object) -> list[type[_ReadInstance]]:
    found: list[type[_ReadInstance]] = []
    if isinstance(annotation, type) and issubclass(annotation, _ReadInstance):
        found.append(annotation)
    for arg in typing.get_args(annotation):
        found.extend(_classes_in(arg))
    return found


def _is_list(annotation: object) -> bool:
    if typing.get_origin(annotation) in (list, Sequence):
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation) if typing.get_origin(arg) is not None)


def field_names(cls: type[_ReadInstance], values: Iterable[str | Property], where: str) -> tuple[str, ...]:
    """Field names of view properties of ``cls`` from field names, property ids or ``Fields`` builders."""
    if isinstance(values, (str, Property)):
        raise TypeError(f"{where}: properties takes a list (properties=[...]), got {values!r}")
    by_id = {prop: name for name, prop in cls._properties.items()}
    names: list[str] = []
    for value in values:
        if isinstance(value, Property):
            name = by_id.get(value.name)
        elif isinstance(value, str):
            name = value if value in cls._properties else by_id.get(value)
        else:
            raise TypeError(f"{where}: properties are field names or Fields builders, got {value!r}")
        if name is None:
            known = ", ".join(sorted(cls._properties)) or "none"
            shown = value.name if isinstance(value, Property) else value
            raise ValueError(f"{where}: {cls.__name__} has no property {shown!r}; its properties: {known}")
        if name not in names:
            names.append(name)
    return tuple(names)


class Step:
    """One step of a query: the root, or one connection followed from the step above (``parent``)."""

    __slots__ = (
        "chain",
        "cls",
        "direction",
        "edge_type",
        "field",
        "filter",
        "hidden",
        "kind",
        "limit",
        "many",
        "parent",
        "prop",
        "properties",
        "sort",
        "through",
    )

    def __init__(
        self,
        kind: StepKind,
        cls: type[_ReadInstance],
        *,
        parent: Step | None = None,
        field: str = "",
        filter: Filter | None = None,
        sort: Sequence[Sort] = (),
        limit: int | None = None,
        properties: tuple[str, ...] | None = None,
        many: bool = True,
        prop: str | None = None,
        through: Any = None,
        edge_type: NodeId | None = None,
        direction: Literal["outwards", "inwards"] = "outwards",
        chain: Literal["source", "destination"] = "destination",
        hidden: bool = False,
    ) -> None:
        self.kind = kind
        self.cls = cls
        self.parent = parent
        self.field = field
        self.filter = filter
        self.sort = tuple(sort)
        self.limit = limit
        self.properties = properties
        self.many = many
        self.prop = prop  # direct: the property id on the parent's view; reverse: on ``through``
        self.through = through  # reverse: the view holding the direct relation
        self.edge_type = edge_type
        self.direction = direction  # edge: which way the edges go from the parent
        self.chain = chain  # end: the edge end to continue from
        self.hidden = hidden  # an edge step the caller did not ask for (edge connection without edge class)

    def path(self) -> str:
        """``CogniteAsset -> children -> time_series``."""
        parts: list[str] = []
        step: Step | None = self
        while step is not None:
            if not step.hidden:
                parts.append(step.field or step.cls.__name__)
            step = step.parent
        return " -> ".join(reversed(parts))

    def __repr__(self) -> str:
        return f"Step({self.path()})"

    @property
    def root(self) -> Step:
        step = self
        while step.parent is not None:
            step = step.parent
        return step

    @property
    def owner(self) -> Step | None:
        """The step whose objects hold this step's field (the parent, or the one above a hidden edge step)."""
        parent = self.parent
        if parent is not None and parent.hidden:
            return parent.parent
        return parent

    def follow(
        self,
        field: str,
        *,
        filter: Filter | None = None,
        sort: Sequence[Sort] = (),
        limit: int | None = None,
        properties: Sequence[str | Property] | None = None,
    ) -> Step:
        """The step that follows connection ``field`` of this step's class."""
        where = f"{self.path()} -> {field}"
        step = self._hop(field, where)
        step.filter, step.sort, step.limit = filter, tuple(sort), limit
        if properties is not None:
            step.properties = field_names(step.cls, properties, where)
        return step

    def _hop(self, field: str, where: str) -> Step:
        """The step of connection ``field`` (without the caller's filter, sort, limit and properties)."""
        cls = self.cls
        if issubclass(cls, Edge) and field in ("start_node", "end_node"):
            if self.kind == "edge":  # the far end of the edges is their destination
                far = "end_node" if self.direction == "outwards" else "start_node"
                chain: Literal["source", "destination"] = "destination" if field == far else "source"
            else:
                chain = "destination" if field == "end_node" else "source"
            return Step("end", _end_class(cls, field), parent=self, field=field, many=False, chain=chain)
        cls.model_rebuild()  # resolves forward references so annotations name the target classes
        kind = cls._connections.get(field)
        if kind is None:
            known = sorted(cls._connections) + (["end_node", "start_node"] if issubclass(cls, Edge) else [])
            raise ValueError(
                f"{where}: {cls.__name__}.{field} is not a connection; its connections: {', '.join(known) or 'none'}"
            )
        annotation = cls.model_fields[field].annotation
        many = _is_list(annotation)
        classes = [c for c in _classes_in(annotation) if c is not Node]
        edge_classes = [c for c in classes if issubclass(c, Edge)]
        node_classes = [c for c in classes if issubclass(c, Node)]
        if isinstance(kind, EdgeConnection):
            if not edge_classes and not node_classes:
                raise ValueError(f"{where}: {cls.__name__}.{field} names no class for its far end")
            edges = Step(
                "edge",
                edge_classes[0] if edge_classes else Edge,
                parent=self,
                field=field,
                many=many,
                edge_type=kind.edge_type,
                direction=kind.direction,
                hidden=not edge_classes,  # without an edge class, the edges only lead to the far-end nodes
            )
            return edges if edge_classes else Step("end", node_classes[0], parent=edges, field=field, many=many)
        if not node_classes:
            raise ValueError(f"{where}: {cls.__name__}.{field} has no target view, so there is no class to read it as")
        target = node_classes[0]
        if isinstance(kind, DirectRelation):
            return Step("direct", target, parent=self, field=field, many=many, prop=cls._properties[field])
        target.model_rebuild()
        pointer = {p: f for f, p in target._properties.items()}.get(kind.property)
        through_list = pointer is not None and _is_list(target.model_fields[pointer].annotation)
        return Step(
            "reverse_list" if through_list else "reverse",
            target,
            parent=self,
            field=field,
            many=many,
            prop=kind.property,
            through=kind.through,
        )

    # ---- what a request says about this step ----

    def pointer_field(self) -> str | None:
        """reverse steps: the field of this step's class that points back at the parent."""
        return {p: f for f, p in self.cls._properties.items()}.get(self.prop or "")

    def needed(self, children: Sequence[Step]) -> set[str]:
        """Fields this step must read to stitch itself and ``children`` together."""
        needed: set[str] = set()
        if self.kind in ("reverse", "reverse_list"):
            pointer = self.pointer_field()
            if pointer is not None:
                needed.add(pointer)
        for child in children:
            if child.kind == "direct":
                needed.add(child.field)
        return needed

    def select(self, children: Sequence[Step], target_units: Mapping[str, str] | None) -> dict[str, Any]:
        view = self.cls._view_id
        if view is None or self.hidden:
            return {}
        if self.properties is None:
            props = ["*"]
        else:
            fields = [*self.properties, *sorted(self.needed(children) - set(self.properties))]
            if not fields:
                return {}
            props = [self.cls._properties[name] for name in fields]
        source: dict[str, Any] = {"source": view.dump(), "properties": props}
        if target_units:
            source["targetUnits"] = [{"property": p, "unit": {"externalId": u}} for p, u in target_units.items()]
        return {"sources": [source]}

    def unfetched(self, children: Sequence[Step]) -> tuple[str, ...]:
        """Property fields of this step's objects that its requests do not read."""
        if self.properties is None:
            return ()
        kept = set(self.properties) | self.needed(children)
        return tuple(name for name in self.cls._properties if name not in kept)

    def has_data(self) -> Filter | None:
        view = self.cls._view_id
        return HasData((view,)) if view is not None else None

    def expression(
        self,
        names: Mapping[Step, str],
        space: str | None,
        limit: int,
        extra: Filter | None,
        far_filter: Filter | None,
    ) -> dict[str, Any]:
        """The result-set expression of this step (``extra``: added to a stage root's filter)."""
        own = _all(self.has_data(), self.filter, extra)
        spec: dict[str, Any]
        parent = self.parent
        if self.kind == "root" or (self.kind == "reverse_list" and parent is not None and names.get(parent) is None):
            spec = {}
            if own is not None:
                spec["filter"] = own.dump(space)
            body: dict[str, Any] = {"edges" if issubclass(self.cls, Edge) else "nodes": spec}
        elif self.kind == "direct":
            assert parent is not None and parent.cls._view_id is not None
            spec = {
                "from": names[parent],
                "through": {"source": parent.cls._view_id.dump(), "identifier": self.prop},
                "direction": "outwards",
            }
            if own is not None:
                spec["filter"] = own.dump(space)
            body = {"nodes": spec}
        elif self.kind == "reverse":
            assert parent is not None
            spec = {
                "from": names[parent],
                "through": {"source": self.through.dump(), "identifier": self.prop},
                "direction": "inwards",
            }
            if own is not None:
                spec["filter"] = own.dump(space)
            body = {"nodes": spec}
        elif self.kind == "edge":
            assert parent is not None and self.edge_type is not None
            edge_filter = _all(Equals(("edge", "type"), self.edge_type), self.filter)
            assert edge_filter is not None
            spec = {
                "from": names[parent],
                "direction": self.direction,
                "maxDistance": 1,
                "filter": edge_filter.dump(space),
            }
            if far_filter is not None:
                spec["nodeFilter"] = far_filter.dump(space)
            body = {"edges": spec}
        elif self.kind == "end":
            assert parent is not None
            spec = {"from": names[parent], "chainTo": self.chain}
            if own is not None:
                spec["filter"] = own.dump(space)
            body = {"nodes": spec}
        else:  # a reverse_list step inside a request: never (it starts a stage)
            raise AssertionError(f"{self.path()}: a {self.kind} step cannot be chained")
        if self.sort:
            body["sort"] = [sort.dump() for sort in self.sort]
        body["limit"] = limit
        return body


def _all(*filters: Filter | None) -> Filter | None:
    given = [f for f in filters if f is not None]
    if not given:
        return None
    return given[0] if len(given) == 1 else And(*given)


def _end_class(edge_cls: type[_ReadInstance], field: str) -> type[_ReadInstance]:
    edge_cls.model_rebuild()
    classes = [c for c in _classes_in(edge_cls.model_fields[field].annotation) if c is not Node]
    return classes[0] if classes else Node


def _id_of(value: object) -> NodeId | None:
    if isinstance(value, NodeId):
        return value
    if isinstance(value, Node):
        return NodeId(value.space, value.external_id)
    return None


def connection_steps(root: Step, fields: Sequence[str] | None) -> list[Step]:
    """The steps that resolve one hop of ``root``'s connection fields (all of them, or ``fields``).

    Connections without a class to read their far end as are left out when all are asked for; an
    edge connection with an edge class also reads the far-end nodes.
    """
    cls = root.cls
    wanted = list(cls._connections) if fields is None else list(fields)
    leaves: list[Step] = []
    for name in wanted:
        try:
            step = root.follow(name)
        except ValueError:
            if fields is None:
                continue
            raise
        if step.kind == "edge" and not step.hidden:
            far = "end_node" if step.direction == "outwards" else "start_node"
            if _end_class(step.cls, far) is not Node:
                step = step.follow(far)
        leaves.append(step)
    return leaves


# ---------------------------------------------------------------------------------------------- running


class Post:
    """A request the run wants sent: ``POST /models/instances/query`` with ``body``."""

    __slots__ = ("body",)

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body


class _PageDone:
    """A page of roots is complete: ``roots`` with everything below them stitched on."""

    __slots__ = ("roots",)

    def __init__(self, roots: list[Any]) -> None:
        self.roots = roots


Event = Post | _PageDone


def _key(obj: Any) -> tuple[str, str, str]:
    return (obj._instance_type, obj.space, obj.external_id)


class Run:
    """One execution of a query: yields :class:`Post` events (send back the response bytes) and
    ``_PageDone`` events; the objects of every step, each once, are in :attr:`rows`.

    ``given``: the root objects are these (to resolve their connections), not read.
    ``keep``: keep the rows of every page (for ``execute``/``list``); otherwise only the current page's.
    """

    def __init__(
        self,
        root: Step,
        leaves: Sequence[Step],
        *,
        space: str | None,
        validate: bool,
        page_size: int,
        limit: int | None,
        target_units: Mapping[str, str] | None = None,
        given: Sequence[Any] | None = None,
        keep: bool = True,
        cursor: str | None = None,
        pages: int | None = None,
    ) -> None:
        self.root = root
        self.space = space
        self.validate = validate
        self.page_size = page_size
        self.target_units = target_units
        self.given = list(given) if given is not None else None
        self.keep = keep
        self.cursor = cursor  # where the roots start; after the run: the cursor of the next page of roots
        self.max_pages = pages
        self.requests = 0
        # The tree: every step on the way from a leaf to the root, parents before children.
        children: dict[Step, list[Step]] = {}
        order: list[Step] = [root]
        for leaf in leaves:
            chain: list[Step] = []
            step: Step | None = leaf
            while step is not None and step is not root:
                chain.append(step)
                step = step.parent
            if step is not root:
                raise ValueError(f"{leaf.path()} does not start at {root.path()}: include only paths of one query")
            for item in reversed(chain):
                assert item.parent is not None
                siblings = children.setdefault(item.parent, [])
                if item not in siblings:
                    siblings.append(item)
                    order.append(item)
        self.children = children
        self.order = order
        self.names = {step: f"s{index}" for index, step in enumerate(order)}
        self.remaining: dict[Step, int | None] = {step: step.limit for step in order}
        self.remaining[root] = limit
        #: Objects of each step (each once per step; the same node in two steps of one class and
        #: property selection is one object).
        self.rows: dict[Step, dict[tuple[str, str, str], Any]] = {step: {} for step in order}
        self._page: dict[Step, dict[tuple[str, str, str], Any]] = {step: {} for step in order}
        self._objects: dict[tuple[Any, ...], Any] = {}
        #: Keys of the objects counted against each limited step's limit (ids only, kept across pages).
        self._counted: dict[Step, set[tuple[str, str, str]]] = {}

    # ---- the tree ----

    def _kids(self, step: Step) -> list[Step]:
        return self.children.get(step, [])

    def _stage(self, top: Step) -> list[Step]:
        """``top`` and the steps below it that one request can hold (not past a reverse_list step)."""
        out = [top]
        for step in out:
            out.extend(kid for kid in self._kids(step) if kid.kind != "reverse_list")
        return out

    @staticmethod
    def _above(step: Step, top: Step) -> list[Step]:
        """The steps from ``top`` down to ``step``'s parent."""
        out: list[Step] = []
        item = step.parent
        while item is not None:
            out.append(item)
            if item is top:
                break
            item = item.parent
        return out

    def _below(self, step: Step, stage: Sequence[Step]) -> list[Step]:
        out = [step]
        for item in out:
            out.extend(kid for kid in self._kids(item) if kid in stage)
        return out

    def _stage_starts(self, stage: Sequence[Step]) -> list[Step]:
        return [kid for step in stage for kid in self._kids(step) if kid.kind == "reverse_list"]

    # ---- requests ----

    def _limit_of(self, step: Step, page: int | None = None) -> int:
        remaining = self.remaining[step]
        limit = MAX_QUERY_LIMIT if page is None else page
        return limit if remaining is None else max(0, min(limit, remaining))

    def _exhausted(self, step: Step) -> bool:
        """``step`` has all the rows it asked for (an edge step standing for its far end: that end has)."""
        if self._limit_of(step) == 0:
            return True
        return step.hidden and all(self._limit_of(kid) == 0 for kid in self._kids(step))

    def _body(
        self,
        stage: Sequence[Step],
        cursors: Mapping[Step, str],
        root_limit: int,
        extra: Filter | None,
        held: Mapping[Step, int],
        only: set[Step] | None,
    ) -> tuple[dict[str, Any], dict[Step, int]]:
        """The request for ``stage`` (only the steps in ``only``, when given). ``held``: steps on the
        page they were read with, and the limit they were read with (their page must not change)."""
        top = stage[0]
        names: dict[Step, str] = {}
        limits: dict[Step, int] = {}
        with_: dict[str, Any] = {}
        select: dict[str, Any] = {}
        for step in stage:
            if only is not None and step not in only:
                continue
            if step is not top and step not in held and (step.parent not in names or self._exhausted(step)):
                continue  # done: all its rows read (or its parent's are)
            name = self.names[step]
            names[step] = name
            limit = held[step] if step in held else root_limit if step is top else self._limit_of(step)
            limits[step] = limit
            if step is top and step.kind == "root" and self.given is not None:
                ids = [obj.id for obj in self.given]
                with_[name] = {"nodes": {"filter": InstanceReferences(tuple(ids)).dump()}, "limit": limit}
                continue  # the objects are given: not selected
            kids = [kid for kid in self._kids(step) if kid in stage]
            far = None
            if step.hidden:
                # Edges without an edge class stand for the nodes at their far end (the one step below
                # them): only edges to nodes that will be read are worth reading. Edges with a class are
                # kept whatever their far end (it stays an id when it is not read).
                (end,) = kids
                far = _all(end.has_data(), end.filter)
            with_[name] = step.expression(names, self.space, limit, extra if step is top else None, far)
            if step not in held:  # a held expression only places the one continued: its rows came already
                select[name] = step.select(kids, self.target_units if step is self.root else None)
        body: dict[str, Any] = {"with": with_, "select": select}
        given = {names[step]: cursor for step, cursor in cursors.items() if step in names}
        if given:
            body["cursors"] = given
        return body, limits

    def _parse(
        self, raw: bytes, body: dict[str, Any], stage: Sequence[Step]
    ) -> tuple[dict[Step, list[Any]], dict[Step, str]]:
        by_name = {self.names[step]: step for step in stage if self.names[step] in body["select"]}
        if self.validate:
            classes = tuple((name, by_name[name].cls) for name in sorted(by_name))
            parsed: Any = parse_model(query_response_model(classes), raw, self.root.cls.__name__)
            sets = {by_name[name]: getattr(parsed.items, name) for name in by_name}
            cursors_raw: Mapping[str, str] = parsed.nextCursor or {}
        else:
            data = json.loads(raw)
            items = data.get("items") or {}
            sets = {step: [construct(step.cls, row) for row in items.get(name) or []] for name, step in by_name.items()}
            cursors_raw = data.get("nextCursor") or {}
        all_names = {self.names[step]: step for step in stage}
        cursors = {all_names[name]: cursor for name, cursor in cursors_raw.items() if name in all_names and cursor}
        return sets, cursors

    def _take(self, step: Step, rows: list[Any]) -> int:
        """Add ``rows`` to ``step`` (up to its limit); returns how many rows came."""
        remaining = self.remaining[step]
        unfetched = step.unfetched(self._kids(step))
        page = self._page[step]
        kept = self.rows[step]
        counted = self._counted.setdefault(step, set()) if remaining is not None else None
        for obj in rows:
            key = _key(obj)
            if key in page:
                continue
            if remaining is not None and counted is not None and key not in counted:
                # A hop's limit counts distinct objects over the whole query (one read under roots of
                # an earlier page was counted then).
                if remaining <= 0:
                    continue
                counted.add(key)
                remaining -= 1
            ident = (step.cls, unfetched, key)
            same = self._objects.get(ident)
            if same is None:
                if unfetched:
                    mark_unfetched(obj, unfetched)
                self._objects[ident] = same = obj
            page[key] = same
            if self.keep:
                kept.setdefault(key, same)
        self.remaining[step] = remaining
        return len(rows)

    def _exchange(
        self,
        stage: Sequence[Step],
        cursors: Mapping[Step, str],
        root_limit: int,
        extra: Filter | None,
        held: Mapping[Step, int] | None = None,
        only: set[Step] | None = None,
    ) -> Generator[Event, bytes, tuple[dict[Step, list[Any]], dict[Step, str], dict[Step, int]]]:
        body, limits = self._body(stage, cursors, root_limit, extra, held or {}, only)
        self.requests += 1
        raw = yield Post(body)
        sets, next_cursors = self._parse(raw, body, stage)
        return sets, next_cursors, limits

    def _continue(
        self,
        stage: Sequence[Step],
        held: dict[Step, str],
        fresh: Sequence[Step],
        sets: dict[Step, list[Any]],
        cursors: dict[Step, str],
        limits: dict[Step, int],
        root_limit: int,
        extra: Filter | None,
    ) -> Generator[Event, bytes, None]:
        """Read the rest of every expression in ``fresh`` that filled its limit in this answer.

        A continuation request holds the expressions above the continued one on the page they were
        read with (their cursors, and the limits of that answer) and leaves out other branches.
        """
        for step in fresh:
            cursor = cursors.get(step)
            full = step in limits and len(sets.get(step, [])) >= limits[step] > 0
            above = self._above(step, stage[0])
            below = self._below(step, stage)
            only = {*above, *below}
            kept_limits = {item: limits[item] for item in above}
            while cursor is not None and full and not self._exhausted(step):
                pinned = {**held, step: cursor}
                more, more_cursors, more_limits = yield from self._exchange(
                    stage, pinned, root_limit, extra, kept_limits, only
                )
                for item in below:
                    if item in more_limits:
                        self._take(item, more.get(item, []))
                yield from self._continue(stage, pinned, below[1:], more, more_cursors, more_limits, root_limit, extra)
                cursor = more_cursors.get(step)
                full = step in more_limits and len(more.get(step, [])) >= more_limits[step] > 0

    def _run_stage(
        self, top: Step, extra: Filter | None, root_cursor: str | None, root_limit: int
    ) -> Generator[Event, bytes, tuple[int, str | None]]:
        """One page of ``top`` (and everything below it in its stage); returns (rows, next cursor of top)."""
        stage = self._stage(top)
        held = {top: root_cursor} if root_cursor else {}
        sets, cursors, limits = yield from self._exchange(stage, held, root_limit, extra)
        if top is self.root and self.given is not None:
            for obj in self.given:
                self._page[top].setdefault(_key(obj), obj)
                if self.keep:
                    self.rows[top].setdefault(_key(obj), obj)
            count = len(self.given)
        else:
            count = self._take(top, sets.get(top, []))
        for step in stage[1:]:
            if step in limits:
                self._take(step, sets.get(step, []))
        yield from self._continue(stage, held, stage[1:], sets, cursors, limits, root_limit, extra)
        more = cursors.get(top) if count >= root_limit and top in limits else None
        return count, more

    def _run_starts(self, stage: Sequence[Step]) -> Generator[Event, bytes, None]:
        """The stages that start below ``stage`` (reverse relations through lists), for this page's parents."""
        for start in self._stage_starts(stage):
            assert start.parent is not None and start.through is not None and start.prop is not None
            parents = [obj.id for obj in self._page[start.parent].values() if isinstance(obj, Node)]
            ref = start.through.property_ref(start.prop)
            for index in range(0, len(parents), _PARENTS_PER_REQUEST):
                chunk = tuple(parents[index : index + _PARENTS_PER_REQUEST])
                cursor: str | None = None
                while self._limit_of(start) > 0:
                    _, cursor = yield from self._run_stage(
                        start, ContainsAny(ref, chunk), cursor, self._limit_of(start)
                    )
                    if cursor is None:
                        break
            yield from self._run_starts(self._stage(start))

    def pages(self) -> Generator[Event, bytes, None]:
        """Read the query a page of roots at a time; a ``_PageDone`` follows each page."""
        root = self.root
        done = 0
        while True:
            if self.given is not None:
                size = max(1, len(self.given))
            else:
                size = self._limit_of(root, self.page_size)
                if size == 0:
                    self.cursor = None
                    return
            self._page = {step: {} for step in self.order}
            if not self.keep:
                self._objects = {}  # one page of objects in memory
            count, self.cursor = yield from self._run_stage(root, None, self.cursor, size)
            yield from self._run_starts(self._stage(root))
            self._stitch()
            yield _PageDone(list(self._page[root].values()))
            done += 1
            if self.cursor is None or count == 0 or self.given is not None:
                self.cursor = None
                return
            if self.max_pages is not None and done >= self.max_pages:
                return

    # ---- stitching ----

    def _stitch(self) -> None:
        page = self._page
        for step in self.order[1:]:
            rows = list(page[step].values())
            if step.hidden:
                continue
            owner = step.owner
            assert owner is not None
            owners = list(page[owner].values())
            if step.kind == "direct":
                by_id = {obj.id: obj for obj in rows}
                for obj in owners:
                    value = obj.__dict__.get(step.field)
                    if isinstance(value, list):
                        _set(obj, step.field, [by_id.get(_id_of(v), v) for v in value])
                    elif value is not None:
                        _set(obj, step.field, by_id.get(_id_of(value), value))
            elif step.kind in ("reverse", "reverse_list"):
                pointer = step.pointer_field()
                grouped: dict[NodeId, list[Any]] = {}
                for obj in rows:
                    value = obj.__dict__.get(pointer) if pointer else None
                    for target in value if isinstance(value, list) else [value]:
                        target_id = _id_of(target)
                        if target_id is not None:
                            grouped.setdefault(target_id, []).append(obj)
                _assign(owners, step, grouped)
            elif step.kind == "edge":
                near = "start_node" if step.direction == "outwards" else "end_node"
                grouped = {}
                for edge in rows:
                    near_id = _id_of(edge.__dict__.get(near))
                    if near_id is not None:
                        grouped.setdefault(near_id, []).append(edge)
                _assign(owners, step, grouped)
            elif step.kind == "end":
                parent = step.parent
                assert parent is not None
                by_id = {obj.id: obj for obj in rows}
                attr = _end_attribute(parent, step)
                if parent.hidden:
                    near = "end_node" if attr == "start_node" else "start_node"
                    grouped = {}
                    for edge in page[parent].values():
                        target = by_id.get(_id_of(edge.__dict__.get(attr)))
                        near_id = _id_of(edge.__dict__.get(near))
                        if target is not None and near_id is not None:
                            grouped.setdefault(near_id, []).append(target)
                    _assign(owners, step, grouped)
                else:
                    for edge in page[parent].values():
                        target = by_id.get(_id_of(edge.__dict__.get(attr)))
                        if target is not None:
                            object.__setattr__(edge, attr, target)


def _end_attribute(parent: Step, step: Step) -> str:
    """The edge attribute (start_node/end_node) that an end step replaces."""
    if parent.kind == "edge":
        far = "end_node" if parent.direction == "outwards" else "start_node"
        near = "start_node" if far == "end_node" else "end_node"
        return far if step.chain == "destination" else near
    return "end_node" if step.chain == "destination" else "start_node"


def _set(obj: Any, field: str, value: Any) -> None:
    object.__setattr__(obj, field, value)
    # Resolved connections count as given, so dumps and as_write see them.
    obj.__pydantic_fields_set__.add(field)


def _assign(owners: Sequence[Any], step: Step, grouped: Mapping[NodeId, list[Any]]) -> None:
    for obj in owners:
        found = grouped.get(NodeId(obj.space, obj.external_id), [])
        _set(obj, step.field, found if step.many else (found[0] if found else None))
