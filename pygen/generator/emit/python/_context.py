"""What the Python templates render: per view, fully formatted names, annotations and lines.

Templates only loop and branch; every decision (types, which keyword filters what, imports, names of
edge classes, line layout) is made here from the IR and the ``PythonNames``. Every model string
reaching the output passes ``py_str`` (literals), ``docstring`` (docstrings) or ``py_comment``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pygen.generator.emit.python._escape import py_str
from pygen.generator.emit.python._naming import PythonNames, ViewNames
from pygen.generator.emit.python._runtime_names import API_PARAMETERS, EDGE_FIELDS_ATTRIBUTES, NODE_FIELDS_ATTRIBUTES
from pygen.generator.emit.python._source import LINE_LENGTH, call, docstring, signature
from pygen.generator.ir import (
    BooleanType,
    Connection,
    DateType,
    Diagnostic,
    DirectType,
    EnumType,
    Field,
    FloatType,
    IntType,
    JsonType,
    ReferenceType,
    SDKModel,
    TextType,
    TimestampType,
    ViewClass,
    ViewRef,
)

__all__ = ["EdgeClass", "Keyword", "Member", "ViewContext", "build_contexts"]


@dataclass(frozen=True)
class Member:
    """One attribute of a read or write class: ``name: annotation = default`` plus its attribute docstring."""

    name: str
    annotation: str
    doc: str | None
    default: str = "None"
    #: The type the generated ``__init__`` takes (write classes: without ``| None`` when required).
    init_annotation: str = ""
    required: bool = False


@dataclass(frozen=True)
class Keyword:
    """One filter keyword of the view: a key of its ``<View>Filters`` TypedDict."""

    name: str
    annotation: str


@dataclass(frozen=True)
class EdgeClass:
    """A subclass of an edge class whose far end is typed: ``end_node: NodeId | Target`` (read), or
    ``end_node: TargetWrite | NodeIdLike | None = None`` with its typed ``__init__`` (write).
    """

    name: str
    base: str
    end: str
    target: str
    doc: str
    init: str | None = None


@dataclass
class ViewContext:
    """Everything the view template renders for one view."""

    view: ViewClass
    module: str
    kind: str  # "node" or "edge": the runtime base classes
    read_class: str
    write_class: str | None
    list_class: str
    fields_class: str
    api_class: str
    async_api_class: str
    filters_class: str
    view_id: str
    module_doc: str
    read_doc: str
    write_doc: str
    fields_doc: str
    filters_doc: str
    api_doc: str
    async_api_doc: str
    read_members: list[Member] = field(default_factory=list)
    write_members: list[Member] = field(default_factory=list)
    #: ``NodeId(...)`` of the node type the view's filter requires (the write class defaults ``type`` to it),
    #: laid out to follow ``type: NodeIdLike | None = ``.
    write_type: str | None = None
    #: Write fields defaulted to what the view's filter requires: always written, even when not given.
    write_defaults: list[str] = field(default_factory=list)
    read_connections: list[str] = field(default_factory=list)
    write_connections: list[str] = field(default_factory=list)
    #: Per edge connection with an edge view: (attribute, field, edge view module, its API, its async API).
    edge_apis: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    fields_lines: list[str] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    edge_classes: list[EdgeClass] = field(default_factory=list)
    runtime_imports: set[str] = field(default_factory=set)
    typing_imports: set[str] = field(default_factory=set)
    abc_imports: set[str] = field(default_factory=set)
    datetime_imports: set[str] = field(default_factory=set)
    #: Names from typing_extensions (newer than Python 3.10's typing).
    extension_imports: set[str] = field(default_factory=lambda: {"Unpack"})
    other_imports: dict[str, set[str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def import_lines(self) -> list[str]:
        """The imports of other views' classes, for type checkers only (``if TYPE_CHECKING:``, indented).

        At run time the names only appear in string annotations: the runtime takes them from the package
        when a class of this module is first built (``load_references``), so importing one view imports
        one module.
        """
        lines = []
        for module, names in sorted(self.other_imports.items()):
            ordered = isort_names(names)
            one = f"    from .{module} import {', '.join(ordered)}"
            if len(one) <= LINE_LENGTH or len(ordered) == 1:
                lines.append(one)
            else:
                lines.append(f"    from .{module} import (\n" + "".join(f"        {n},\n" for n in ordered) + "    )")
        return lines

    @property
    def write_defaults_line(self) -> str:
        """``self.model_fields_set.update({...})`` of the fields defaulted from the view's filter."""
        return call("self.model_fields_set.update({", self.write_defaults, "        ", "})")

    @property
    def api_headers(self) -> tuple[str, str]:
        """The ``class ...API(InstanceAPI[Read, Write]):`` lines, sync and async."""
        write = self.write_class or ("NodeWrite" if self.kind == "node" else "EdgeWrite")
        return (
            call(f"class {self.api_class}(", [f"InstanceAPI[{self.read_class}, {write}]"], "", "):"),
            call(f"class {self.async_api_class}(", [f"AsyncInstanceAPI[{self.read_class}, {write}]"], "", "):"),
        )

    @property
    def write_required(self) -> list[str]:
        """The write fields a new instance needs, as tuple items (the class's ``_required``)."""
        names = [py_str(member.name) for member in self.write_members if member.required]
        return [names[0] + ","] if len(names) == 1 else names

    def write_signatures(self, far_end: tuple[str, str] | None = None) -> list[str]:
        """The typed ``__init__`` (and, with required properties, ``partial``) of the write class.

        Declared for type checkers only: pydantic's own ``__init__`` runs. The field names are the
        keywords (pydantic's aliases would otherwise be), required properties have no default, and
        ``partial`` takes any subset, for updates of existing instances. ``far_end`` (``("end_node",
        "PumpWrite")``) narrows an edge's far end to a target's write class (or an id).
        """
        if self.kind == "node":
            base = [
                "external_id: str",
                "space: str | None = ...",
                "type: NodeIdLike | None = ...",
                "existing_version: int | None = ...",
            ]
        else:
            base = [
                "external_id: str | None = ...",
                "space: str | None = ...",
                "type: NodeIdLike | None = ...",
                "start_node: NodeWrite | NodeIdLike | None = ...",
                "end_node: NodeWrite | NodeIdLike | None = ...",
                "existing_version: int | None = ...",
            ]
            if far_end is not None:
                end, target = far_end
                base = [f"{end}: {target} | NodeIdLike | None = ..." if p.startswith(f"{end}:") else p for p in base]
        members = self.write_members
        taken = {m.name for m in members}
        # A property may be called `self` or `cls`: the receiver then takes a name no field can have.
        me, klass = ("_self" if "self" in taken else "self"), ("_cls" if "cls" in taken else "cls")
        init = [f"{m.name}: {m.init_annotation or m.annotation}" + ("" if m.required else " = ...") for m in members]
        out = [call("def __init__(", [me, "*", *base, *init], "        ", ") -> None: ...")]
        if any(member.required for member in members):
            loose = [f"{m.name}: {m.annotation} = ..." for m in members]
            signature = call("def partial(", [klass, "*", *base, *loose], "        ", ") -> Self: ...")
            out.append(f"@classmethod\n        {signature}")
        return out

    def edge_api_lines(self, is_async: bool) -> list[str]:
        """One attribute per edge connection with an edge view: its edges, through the edge view's API."""
        out = []
        for attribute, name, module, api, async_api in self.edge_apis:
            head = f"{attribute}: ConnectionEdges[{async_api if is_async else api}] = ConnectionEdges("
            out.append(call(head, [py_str(name), py_str(module)], "    ", ")"))
        return out

    def api_methods(self, is_async: bool) -> list[str]:
        """The read methods of the (async) API class with the view's filter keywords, for type checkers only.

        They stand under ``if TYPE_CHECKING:``: at run time the runtime's own methods run, and they fold
        the filter keywords into ``filter=`` themselves.
        """
        read, listed = self.read_class, self.list_class
        iterator = "AsyncIterator" if is_async else "Iterator"
        methods = [
            ("list", [], "_List", listed),
            ("iterate", [], "_Iterate", f"{iterator}[{read}]"),
            ("pages", [], "_Pages", f"{iterator}[Page[{read}]]"),
            ("page", [], "_Page", f"Page[{read}]"),
            ("query", [], "_List", f"{'AsyncQuery' if is_async else 'Query'}[{read}, {read}]"),
            ("search", ["query: str | None = None"], "_Search", listed),
            ("aggregate", ["*aggregations: AggregateSpec"], "_Aggregate", "AggregateGroups"),
            ("count", ["property: str | Property | None = None"], "_Stat", "int"),
            ("sum", ["property: str | Property"], "_Stat", "float"),
            ("avg", ["property: str | Property"], "_Stat", "float | None"),
            ("min", ["property: str | Property"], "_Stat", "float | None"),
            ("max", ["property: str | Property"], "_Stat", "float | None"),
            ("histogram", ["property: str | Property", "interval: float"], "_Stat", "Histogram"),
        ]
        out = []
        for name, params, args, result in methods:
            # iterate and pages are (async) generators in the runtime: calling one returns the iterator, no await.
            coroutine = is_async and name not in ("iterate", "pages", "query")
            head = f"{'async ' if coroutine else ''}def {name}("
            params = ["self", *params, f"**kwargs: Unpack[{args}]"]
            out.append(signature(head, params, "        ", f") -> {result}: ..."))
        return out

    def alias(self, name: str, values: list[str]) -> str:
        """A module-level ``Literal`` alias of ``values`` (already literals), defined once; returns its name."""
        self.typing_imports.add("Literal")
        self.aliases[name] = (
            call(f"{name} = Literal[", values, "", "]") if len(values) > 1 else (f"{name} = Literal[{values[0]}]")
        )
        return name

    def need(self, module: str, name: str) -> None:
        """Import ``name`` from the view module ``module`` (unless it is this one)."""
        if module != self.module:
            self.other_imports.setdefault(module, set()).add(name)


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's isort with order-by-type: CONSTANTS, then Classes, then functions/variables; case-sensitive within.
    if name.isupper() and len(name) > 1:
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def isort_names(names: set[str] | list[str]) -> list[str]:
    """Names of one ``from`` import in the order ruff's isort wants."""
    return sorted(set(names), key=_isort_key)


# ---------------------------------------------------------------------------------------------- types


def _enum_alias(ctx: ViewContext, enum: EnumType, name: str) -> str:
    return ctx.alias(f"_{name}_values", [py_str(key) for key in enum.keys])


def _scalar(field_type: object, ctx: ViewContext, name: str) -> str:
    if isinstance(field_type, (TextType, ReferenceType)):
        return "str"
    if isinstance(field_type, IntType):
        return "int"
    if isinstance(field_type, FloatType):
        return "float"
    if isinstance(field_type, BooleanType):
        return "bool"
    if isinstance(field_type, TimestampType):
        ctx.runtime_imports.add("Timestamp")
        return "Timestamp"
    if isinstance(field_type, DateType):
        ctx.runtime_imports.add("Date")
        return "Date"
    if isinstance(field_type, JsonType):
        ctx.runtime_imports.add("Json")
        return "Json"
    if isinstance(field_type, EnumType):
        return f"{_enum_alias(ctx, field_type, name)} | str"
    raise TypeError(f"no scalar Python type for {field_type!r}")  # pragma: no cover - direct handled by callers


def _listed(inner: str, is_list: bool) -> str:
    return f"list[{inner}]" if is_list else inner


@dataclass(frozen=True)
class _Sdk:
    sdk: SDKModel
    names: PythonNames
    #: (edge view, direction, target) -> the names of the edge's read and write classes with that far end
    edges: Mapping[tuple[ViewRef, str, ViewRef], tuple[str, str]]

    def node_target(self, ref: ViewRef | None) -> ViewClass | None:
        """The target view when it is a node view of the model (edges cannot be relation targets)."""
        if ref is None or not self.sdk.has_view(ref):
            return None
        view = self.sdk.view(ref)
        return view if view.instance_kind != "edge" else None

    def edge_view(self, ref: ViewRef | None) -> ViewClass | None:
        if ref is None or not self.sdk.has_view(ref):
            return None
        view = self.sdk.view(ref)
        return view if view.instance_kind == "edge" else None


def _doc_member(name: str | None, description: str | None, property_id: str, indent: str) -> str | None:
    parts = [part for part in (name if name and name != property_id else None, description) if part]
    if not parts:
        return None
    text = ": ".join(part.strip() for part in parts if part.strip())
    return docstring(text, indent) if text else None


# ---------------------------------------------------------------------------------------------- fields


def has_write_class(view: ViewClass) -> bool:
    """Writable views, and views without properties (their instances are written with their type only)."""
    return view.writable or not view.fields


def _field_members(ctx: ViewContext, sdk: _Sdk, item: Field, name: str) -> None:
    # Auto-increment properties are writable too (CDF fills them in when they are not given).
    writes = ctx.write_class is not None
    read: str
    write = ""
    if isinstance(item.type, DirectType):
        target = sdk.node_target(item.type.target)
        # A direct relation (and its property id) is told by its Fields builder (`_fields_class`).
        if writes:
            ctx.runtime_imports.add("NodeIdLike")
            write = "NodeIdLike"
        if target is None:
            ctx.runtime_imports.add("NodeId")
            read = "NodeId"
        else:
            names = sdk.names.view(target.id)
            ctx.runtime_imports.add("DirectRelationTo")
            ctx.need(names.module, names.read_class)
            read = f"DirectRelationTo[{names.read_class}]"
            if writes and has_write_class(target):
                ctx.need(names.module, names.write_class)
                write = f"{names.write_class} | NodeIdLike"
    elif isinstance(item.type, EnumType):
        read = _scalar(item.type, ctx, name)  # reads keep values the model does not know yet as str
        write = _enum_alias(ctx, item.type, name)
    elif isinstance(item.type, JsonType):
        read = _scalar(item.type, ctx, name)
        ctx.runtime_imports.add("JsonObject")
        write = "JsonObject"  # CDF stores JSON objects only
    else:
        read = write = _scalar(item.type, ctx, name)
    doc = _doc_member(item.name, item.description, item.property_id, "    ")
    ctx.read_members.append(Member(name, f"{_listed(read, item.is_list)} | None", doc))
    if writes:
        annotation = f"{_listed(write, item.is_list)} | None"
        default = _filter_default(ctx, item, f"{name}: {annotation}")
        if default != "None":
            ctx.write_defaults.append(py_str(name))
        required = item.required and default == "None"
        init = _listed(write, item.is_list) if required else annotation
        ctx.write_members.append(Member(name, annotation, doc, default, init, required))


def _noqa(line: str) -> str:
    # A string literal longer than a line cannot be split: tell the linter that is on purpose.
    return line if len(line) <= LINE_LENGTH else line + "  # noqa: E501"


def _default_value(target: str, value: str) -> str:
    """What follows ``target = `` in a class body: ``value``, or ``value`` in parentheses when too long."""
    if len(f"    {target} = {value}") <= LINE_LENGTH:
        return value
    return "(\n" + _noqa(f"        {value}") + "\n    )"


def _default_node_id(target: str, space: str, external_id: str) -> str:
    """``NodeId(space, external_id)`` after ``target = `` in a class body, laid out the way ruff format does."""
    args = [py_str(space), py_str(external_id)]
    one = f"NodeId({', '.join(args)})"
    if len(f"    {target} = {one}") <= LINE_LENGTH:
        return one
    return "NodeId(\n" + "".join(_noqa(f"        {arg},") + "\n" for arg in args) + "    )"


def _filter_default(ctx: ViewContext, item: Field, target: str) -> str:
    """The Python value (after ``target = ``) of what the view's filter requires of the field, or ``None``.

    Only values that fit the field's type are used (a filter fixing a list or a timestamp gives none).
    """
    value = ctx.view.filter_default(item.property_id)
    kind = item.type
    if value is None or item.is_list:
        return "None"
    if isinstance(kind, (TextType, ReferenceType, EnumType)) and isinstance(value, str):
        return _default_value(target, py_str(value))
    if isinstance(value, bool):
        return repr(value) if isinstance(kind, BooleanType) else "None"
    if isinstance(kind, IntType) and isinstance(value, int):
        return repr(value)
    if isinstance(kind, FloatType) and isinstance(value, (int, float)):
        return repr(float(value))
    if isinstance(kind, DirectType) and isinstance(value, dict):
        space, external_id = value.get("space"), value.get("externalId")
        if isinstance(space, str) and isinstance(external_id, str):
            ctx.runtime_imports.add("NodeId")
            return _default_node_id(target, space, external_id)
    return "None"


def _fields_line(ctx: ViewContext, item: Field, name: str) -> str:
    ref = f"_ref({py_str(item.property_id)})"
    kind = item.type
    builder: str
    if isinstance(kind, JsonType):
        builder = "JsonProperty"
    elif isinstance(kind, DirectType):
        builder = "DirectRelationListProperty" if item.is_list else "DirectRelationProperty"
    elif item.is_list:
        ctx.runtime_imports.add("ListProperty")
        return call(f"{name} = ListProperty[{_scalar(kind, ctx, name)}](", [ref], "    ")
    elif isinstance(kind, (TextType, ReferenceType)):
        builder = "TextProperty"
    elif isinstance(kind, IntType):
        builder = "IntProperty"
    elif isinstance(kind, FloatType):
        builder = "FloatProperty"
    elif isinstance(kind, BooleanType):
        builder = "BooleanProperty"
    elif isinstance(kind, TimestampType):
        builder = "TimestampProperty"
    elif isinstance(kind, DateType):
        builder = "DateProperty"
    else:
        assert isinstance(kind, EnumType)
        ctx.runtime_imports.add("EnumProperty")
        return call(f"{name} = EnumProperty[{_enum_alias(ctx, kind, name)}](", [ref], "    ")
    ctx.runtime_imports.add(builder)
    return call(f"{name} = {builder}(", [ref], "    ")


def _keywords(ctx: ViewContext, sdk: _Sdk, out: list[Diagnostic]) -> None:
    """The filter keywords of the view, named by the runtime's rule from the field names.

    ``<field>`` (equals / in, or contains any for lists), ``<field>_prefix`` (text), ``min_<field>`` and
    ``max_<field>`` (numbers, timestamps, dates), plus ``external_id_prefix``, ``space`` and ``exists``
    (see ``pygen.instances._keywords``). A field's own keyword that is a method parameter gets a ``_``
    (``limit_``); any other keyword that would be a method parameter, another field (the runtime reads
    a field name as that field), or another keyword is left out. Both with a warning.
    """
    view = ctx.view
    base = "NodeFields" if ctx.kind == "node" else "EdgeFields"
    attributes = {sdk.names.field(view.id, item.property_id) for item in view.fields}
    attributes |= NODE_FIELDS_ATTRIBUTES if ctx.kind == "node" else EDGE_FIELDS_ATTRIBUTES
    keywords: list[Keyword] = []
    taken: set[str] = set()

    def add(name: str, annotation: str, why: str, *, own_field: bool = False) -> None:
        if own_field and name in API_PARAMETERS and f"{name}_" not in attributes | taken:
            # The runtime reads `limit_=` as the field `limit` (see pygen.instances._keywords).
            out.append(
                Diagnostic(
                    "warning",
                    f"{view.id}",
                    "python-keyword-renamed",
                    f"filter keyword {name!r} ({why}) is a parameter of the API methods: named {name + '_'!r}",
                )
            )
            name += "_"
        clash = (
            "a parameter of the API methods"
            if name in API_PARAMETERS
            else "the name of another field"
            if name in attributes and not own_field
            else "another filter keyword"
            if name in taken
            else None
        )
        if clash is not None:
            out.append(
                Diagnostic(
                    "warning",
                    f"{view.id}",
                    "python-keyword-dropped",
                    f"filter keyword {name!r} ({why}) would be {clash}: left out (use filter= with "
                    f"{ctx.fields_class} instead)",
                )
            )
            return
        taken.add(name)
        keywords.append(Keyword(name, annotation))

    existing: list[str] = []
    for item in view.fields:
        attr = sdk.names.field(view.id, item.property_id)
        existing.append(attr)
        kind = item.type
        what = f"property {item.property_id!r}"
        if isinstance(kind, JsonType):
            continue
        if item.is_list:
            if isinstance(kind, DirectType):
                ctx.runtime_imports.add("NodeIdLike")
                inner = "NodeIdLike"
            else:
                inner = _scalar(kind, ctx, attr).removesuffix(" | str")
            add(attr, f"Sequence[{inner}]", what, own_field=True)
        elif isinstance(kind, (TextType, ReferenceType)):
            add(attr, "str | Sequence[str]", what, own_field=True)
            add(f"{attr}_prefix", "str", f"prefix of {what}")
        elif isinstance(kind, EnumType):
            alias = _enum_alias(ctx, kind, attr)
            add(attr, f"{alias} | Sequence[{alias}]", what, own_field=True)
        elif isinstance(kind, (IntType, FloatType, TimestampType, DateType)):
            scalar = {IntType: "int", FloatType: "float", TimestampType: "datetime", DateType: "date"}[type(kind)]
            if scalar in ("datetime", "date"):
                ctx.datetime_imports.add(scalar)
            add(f"min_{attr}", scalar, f"lower bound of {what}")
            add(f"max_{attr}", scalar, f"upper bound of {what}")
        elif isinstance(kind, BooleanType):
            add(attr, "bool", what, own_field=True)
        elif isinstance(kind, DirectType):
            ctx.runtime_imports.add("NodeIdLike")
            add(attr, "NodeIdLike | Sequence[NodeIdLike]", what, own_field=True)
    add("external_id_prefix", "str", "prefix of the external id")
    add("space", "str | Sequence[str]", "the instance space", own_field=True)
    if existing:
        alias = ctx.alias("_PropertyName", [py_str(name) for name in existing])
        add("exists", f"Sequence[{alias}]", "properties that must have a value")
    ctx.runtime_imports.add(base)
    ctx.keywords = keywords


# ---------------------------------------------------------------------------------------------- connections


def _connection_members(ctx: ViewContext, sdk: _Sdk, item: Connection, name: str) -> None:
    if item.is_stored:
        return  # direct relations are fields
    doc = _doc_member(item.name, item.description, item.property_id, "    ")
    target = sdk.node_target(item.target)
    target_names = sdk.names.view(target.id) if target is not None else None
    read_target = target_names.read_class if target_names is not None else "Node"
    if item.reverse is not None:
        through = item.reverse
        ctx.runtime_imports.update({"ReverseDirectRelation", "ViewId"})
        view_id = _view_id(through.view)
        ctx.read_connections.append(
            call(f"{py_str(name)}: ReverseDirectRelation(", [view_id, py_str(through.property_id)], "        ")
        )
        _need_read(ctx, target_names)
        annotation = f"list[{read_target}]" if item.is_list else read_target
        ctx.read_members.append(Member(name, f"{annotation} | None", doc))
        return
    edge = item.edge
    assert edge is not None
    ctx.runtime_imports.update({"EdgeConnection", "NodeId"})
    node_id = call("NodeId(", [py_str(edge.edge_type.space), py_str(edge.edge_type.external_id)], "            ")
    expression = call(f"{py_str(name)}: EdgeConnection(", [node_id, py_str(edge.direction)], "        ")
    ctx.read_connections.append(expression)
    edge_view = sdk.edge_view(edge.edge_view)
    read_item = read_target
    if edge_view is not None:
        edge_names = sdk.names.view(edge_view.id)
        ctx.runtime_imports.add("ConnectionEdges")
        ctx.need(edge_names.module, edge_names.api_class)
        ctx.need(edge_names.module, edge_names.async_api_class)
        api_pair = (edge_names.api_class, edge_names.async_api_class)
        ctx.edge_apis.append((f"{name}_edges", name, f".{edge_names.module}", *api_pair))
        if target is not None:
            read_item = sdk.edges[(edge_view.id, edge.direction, target.id)][0]
        else:
            read_item = edge_names.read_class
        ctx.need(edge_names.module, read_item)
    else:
        _need_read(ctx, target_names)
    read_annotation = f"list[{read_item}]" if item.is_list else read_item
    ctx.read_members.append(Member(name, f"{read_annotation} | None", doc))
    if not ctx.write_class:
        return
    if edge_view is not None and has_write_class(edge_view):
        edge_names = sdk.names.view(edge_view.id)
        if target is not None and has_write_class(target):
            # The edge class whose far end takes the target's write class (or an id).
            write_item = sdk.edges[(edge_view.id, edge.direction, target.id)][1]
        else:
            write_item = edge_names.write_class
        ctx.need(edge_names.module, write_item)
    elif target is not None and has_write_class(target) and target_names is not None:
        ctx.need(target_names.module, target_names.write_class)
        ctx.runtime_imports.add("NodeIdLike")
        write_item = f"{target_names.write_class} | NodeIdLike"
    else:
        ctx.runtime_imports.add("NodeIdLike")
        write_item = "NodeIdLike"
    write_annotation = f"list[{write_item}]" if item.is_list else write_item
    ctx.write_connections.append(expression)
    ctx.write_members.append(Member(name, f"{write_annotation} | None", doc))


def _need_read(ctx: ViewContext, names: ViewNames | None) -> None:
    if names is None:
        ctx.runtime_imports.add("Node")
    else:
        ctx.need(names.module, names.read_class)


def _view_id(ref: ViewRef) -> str:
    return f"ViewId({py_str(ref.space)}, {py_str(ref.external_id)}, {py_str(ref.version)})"


def _edge_classes(sdk: SDKModel, names: PythonNames) -> dict[tuple[ViewRef, str, ViewRef], tuple[str, str]]:
    """Read and write class names per (edge view, direction, far-end view) of an edge connection with properties."""
    taken = {name for view_names in names.views.values() for name in view_names.classes}
    found: dict[tuple[ViewRef, str, ViewRef], tuple[str, str]] = {}
    for view in sdk.views:
        for item in view.connections:
            edge = item.edge
            if edge is None or edge.edge_view is None or item.target is None:
                continue
            if not sdk.has_view(edge.edge_view) or not sdk.has_view(item.target):
                continue
            if sdk.view(edge.edge_view).instance_kind != "edge" or sdk.view(item.target).instance_kind == "edge":
                continue
            key = (edge.edge_view, edge.direction, item.target)
            if key in found:
                continue
            base = names.view(edge.edge_view).read_class
            target = names.view(item.target).read_class
            name = f"{base}{'To' if edge.direction == 'outwards' else 'From'}{target}"
            while name in taken or f"{name}Write" in taken:
                name += "Edge"
            taken.update({name, f"{name}Write"})
            found[key] = (name, f"{name}Write")
    return dict(sorted(found.items()))


# ---------------------------------------------------------------------------------------------- views


def _view_context(view: ViewClass, sdk: _Sdk, out: list[Diagnostic]) -> ViewContext:
    names = sdk.names.view(view.id)
    display = view.display_name
    kind = "edge" if view.instance_kind == "edge" else "node"
    writable = has_write_class(view)
    description = f"\n\n{view.description.strip()}" if view.description and view.description.strip() else ""
    ctx = ViewContext(
        view=view,
        module=names.module,
        kind=kind,
        read_class=names.read_class,
        write_class=names.write_class if writable else None,
        list_class=names.list_class,
        fields_class=names.fields_class,
        api_class=names.api_class,
        async_api_class=names.async_api_class,
        filters_class=names.filters_class,
        view_id=_view_id(view.id),
        module_doc=docstring(f"{display}: the classes and API of view {view.id}.", ""),
        read_doc=docstring(f"{display} ({kind} of view {view.id}), as read.{description}", "    "),
        write_doc=docstring(
            f"{display} ({kind} of view {view.id}), to write; {names.read_class} documents the fields.", "    "
        ),
        fields_doc=docstring(f"Typed filter and sort builders of {display}.", "    "),
        filters_doc=docstring(
            f"The filter keywords of {display} (all given must hold): ``x``, ``x_prefix``, ``min_x``, ``max_x``.",
            "    ",
        ),
        api_doc=docstring(
            f"The API of {display} (view {view.id}); reads take the keywords of {names.filters_class}.", "    "
        ),
        async_api_doc=docstring(
            f"The async API of {display} (view {view.id}); reads take the keywords of {names.filters_class}.",
            "    ",
        ),
    )
    ctx.runtime_imports.update(
        {"ViewId", "InstanceAPI", "AsyncInstanceAPI", "InstanceList", "Page", "Histogram", "Property"}
        | {"AggregateGroups", "AggregateSpec", "AggregateArgs", "IterateArgs", "ListArgs"}
        | {"PageArgs", "PagesArgs", "SearchArgs", "StatArgs", "Query", "AsyncQuery"}
    )
    ctx.runtime_imports.update({"Node", "NodeWrite"} if kind == "node" else {"Edge", "EdgeWrite"})
    ctx.runtime_imports.add("NodeFields" if kind == "node" else "EdgeFields")
    for item in view.fields:
        name = sdk.names.field(view.id, item.property_id)
        _field_members(ctx, sdk, item, name)
        ctx.fields_lines.append(_fields_line(ctx, item, name))
    for connection in view.connections:
        _connection_members(ctx, sdk, connection, sdk.names.field(view.id, connection.property_id))
    _keywords(ctx, sdk, out)
    if writable and kind == "node" and view.node_type is not None:
        # Edge write classes get no default type: an edge connection fills in its own.
        ctx.runtime_imports.update({"NodeId", "NodeIdLike"})
        ctx.write_type = _default_node_id("type: NodeIdLike | None", view.node_type.space, view.node_type.external_id)
    for (edge_view, direction, target), (class_name, write_name) in sdk.edges.items():
        if edge_view != view.id:
            continue
        target_names = sdk.names.view(target)
        ctx.need(target_names.module, target_names.read_class)
        ctx.runtime_imports.add("NodeId")
        end = "end_node" if direction == "outwards" else "start_node"
        far = f"{'end' if end == 'end_node' else 'start'} node is a {sdk.sdk.view(target).display_name} ({target})"
        ctx.edge_classes.append(
            EdgeClass(
                class_name,
                names.read_class,
                end,
                f"NodeId | {target_names.read_class}",
                docstring(f"{display} edge whose {far}.", "    "),
            )
        )
        if ctx.write_class is not None and has_write_class(sdk.sdk.view(target)):
            ctx.need(target_names.module, target_names.write_class)
            ctx.edge_classes.append(
                EdgeClass(
                    write_name,
                    ctx.write_class,
                    end,
                    f"{target_names.write_class} | NodeIdLike | None = None",
                    docstring(f"{display} edge to write whose {far}.", "    "),
                    ctx.write_signatures(far_end=(end, target_names.write_class))[0],
                )
            )
    ctx.typing_imports.add("ClassVar")
    if ctx.read_connections or ctx.write_connections:
        ctx.runtime_imports.add("Connection")
    if writable:
        ctx.typing_imports.add("cast")
    ctx.abc_imports.update({"AsyncIterator", "Iterator", "Sequence"})
    ctx.typing_imports.add("TYPE_CHECKING")
    if writable:
        ctx.runtime_imports.update({"NodeIdLike", "NodeWrite"})
        if any(member.required for member in ctx.write_members):
            ctx.extension_imports.add("Self")
    if ctx.read_connections or ctx.write_connections:
        ctx.abc_imports.add("Mapping")
    ctx.typing_imports.add("TypedDict")
    return ctx


def build_contexts(sdk: SDKModel, names: PythonNames) -> tuple[list[ViewContext], list[Diagnostic]]:
    """The template context of every view, sorted by view id, and the emitter's own warnings."""
    out: list[Diagnostic] = []
    data = _Sdk(sdk, names, _edge_classes(sdk, names))
    contexts = [_view_context(view, data, out) for view in sorted(sdk.views, key=lambda v: v.id)]
    return contexts, out


def client_attribute_pairs(sdk: SDKModel, names: PythonNames) -> list[tuple[str, str, str, str]]:
    """(client attribute, module, API class, async API class) per view, sorted by attribute."""
    rows = [
        (
            names.view(view.id).client_attribute,
            names.view(view.id).module,
            names.view(view.id).api_class,
            names.view(view.id).async_api_class,
        )
        for view in sdk.views
    ]
    return sorted(rows)
