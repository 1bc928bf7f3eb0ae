"""What the Python view template renders: ``ViewContext`` (per view: names, annotations and plain lines).

Templates only loop and branch; the modules beside this one fill a ``ViewContext`` from the IR and the
``PythonNames``: ``_types`` (value types of fields), ``_filters`` (builders and filter keywords),
``_connections`` (relations and edge classes), ``_views`` (one context per view). Code is rendered plainly,
each construct on one line whatever its length: ``ruff format`` and ruff's import sorting lay it out
(``_format``), and without them (``generate(..., format=False)``) it is still valid Python. The one
exception is ``bracketed``: a trailing comma where pygen wants one item per line and ruff would not. Every model
string reaching the output passes ``py_str`` (literals), ``docstring`` (docstrings) or ``py_comment``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pygen.generator.emit.python._escape import py_str
from pygen.generator.emit.python._naming import PythonNames
from pygen.generator.emit.python._source import bracketed, docstring
from pygen.generator.ir import SDKModel, ViewClass, ViewRef

__all__ = [
    "RESOURCE_BASES",
    "EdgeClass",
    "Keyword",
    "Member",
    "SdkContext",
    "ViewContext",
    "has_write_class",
    "member_doc",
    "view_id",
]


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


#: The runtime bases of a view whose nodes are CDF resources (``ViewClass.resource``): read class, API, async API.
RESOURCE_BASES: dict[str, tuple[str, str, str]] = {
    "timeseries": ("TimeSeriesNode", "TimeSeriesNodeAPI", "AsyncTimeSeriesNodeAPI"),
    "file": ("FileNode", "FileNodeAPI", "AsyncFileNodeAPI"),
}


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
    #: ``NodeId(...)`` of the node type the view's filter requires (the write class defaults ``type`` to it).
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
        """The imports of other views' classes, for type checkers only (under ``if TYPE_CHECKING:``).

        At run time the names only appear in string annotations: the runtime takes them from the package
        when a class of this module is first built (``load_references``), so importing one view imports
        one module.
        """
        return [f"from .{module} import {', '.join(sorted(names))}" for module, names in self.other_imports.items()]

    @property
    def write_defaults_line(self) -> str:
        """``self.model_fields_set.update({...})`` of the fields defaulted from the view's filter."""
        return bracketed("self.model_fields_set.update({", self.write_defaults, "        ", "})")

    @property
    def read_base(self) -> str:
        """The runtime base of the read class: ``Node``/``Edge``, or the node base of a resource view."""
        return RESOURCE_BASES[self.view.resource][0] if self.view.resource else self.kind.title()

    @property
    def api_bases(self) -> tuple[str, str]:
        """The runtime bases of the API classes, sync and async."""
        if self.view.resource:
            _, sync, async_ = RESOURCE_BASES[self.view.resource]
            return sync, async_
        return "InstanceAPI", "AsyncInstanceAPI"

    @property
    def api_headers(self) -> tuple[str, str]:
        """The ``class ...API(InstanceAPI[Read, Write]):`` lines, sync and async."""
        write = self.write_class or ("NodeWrite" if self.kind == "node" else "EdgeWrite")
        sync, async_ = self.api_bases
        return (
            bracketed(f"class {self.api_class}(", [f"{sync}[{self.read_class}, {write}]"], "", "):"),
            bracketed(f"class {self.async_api_class}(", [f"{async_}[{self.read_class}, {write}]"], "", "):"),
        )

    @property
    def read_connections_line(self) -> str:
        """The read class's ``_connections`` (how each connection is read)."""
        return _connections_line(self.read_connections)

    @property
    def write_connections_line(self) -> str:
        """The write class's ``_connections`` (how each connection is written)."""
        return _connections_line(self.write_connections)

    @property
    def write_required_line(self) -> str:
        """The write class's ``_required``: the fields a new instance needs."""
        names = [py_str(member.name) for member in self.write_members if member.required]
        head = "_required: ClassVar[tuple[str, ...]] = ("
        return f"{head}{names[0]},)" if len(names) == 1 else bracketed(head, names, "    ", ")")

    @property
    def has_required(self) -> bool:
        """True when a new instance needs some fields (the write class has a ``_required``)."""
        return any(member.required for member in self.write_members)

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
        out = [bracketed("def __init__(", [me, "*", *base, *init], "        ", ") -> None: ...")]
        if self.has_required:
            loose = [f"{m.name}: {m.annotation} = ..." for m in members]
            partial = bracketed("def partial(", [klass, "*", *base, *loose], "        ", ") -> Self: ...")
            out.append(f"@classmethod\n        {partial}")
        return out

    def edge_api_lines(self, is_async: bool) -> list[str]:
        """One attribute per edge connection with an edge view: its edges, through the edge view's API."""
        out = []
        for attribute, name, module, api, async_api in self.edge_apis:
            head = f"{attribute}: ConnectionEdges[{async_api if is_async else api}] = ConnectionEdges("
            out.append(bracketed(head, [py_str(name), py_str(module)], "    "))
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
            params = ["self", *params, f"**kwargs: Unpack[{args}]"]
            out.append(f"{'async ' if coroutine else ''}def {name}({', '.join(params)}) -> {result}: ...")
        return out

    def alias(self, name: str, values: list[str]) -> str:
        """A module-level ``Literal`` alias of ``values`` (already literals), defined once; returns its name."""
        self.typing_imports.add("Literal")
        self.aliases[name] = (
            bracketed(f"{name} = Literal[", values, "", "]") if len(values) > 1 else f"{name} = Literal[{values[0]}]"
        )
        return name

    def need(self, module: str, name: str) -> None:
        """Import ``name`` from the view module ``module`` (unless it is this one)."""
        if module != self.module:
            self.other_imports.setdefault(module, set()).add(name)


def _connections_line(items: list[str]) -> str:
    return bracketed("_connections: ClassVar[Mapping[str, Connection]] = {", items, "    ", "}")


@dataclass(frozen=True)
class SdkContext:
    """The SDK a view is rendered in: the IR, every Python name, and the typed edge classes."""

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
        """The view when it is an edge view of the model."""
        if ref is None or not self.sdk.has_view(ref):
            return None
        view = self.sdk.view(ref)
        return view if view.instance_kind == "edge" else None


def has_write_class(view: ViewClass) -> bool:
    """Writable views, and views without properties (their instances are written with their type only)."""
    return view.writable or not view.fields


def member_doc(name: str | None, description: str | None, property_id: str, indent: str) -> str | None:
    """The attribute docstring of a field or connection: its name (when not the id) and description."""
    parts = [part for part in (name if name and name != property_id else None, description) if part]
    if not parts:
        return None
    text = ": ".join(part.strip() for part in parts if part.strip())
    return docstring(text, indent) if text else None


def view_id(ref: ViewRef) -> str:
    """``ViewId(space, external_id, version)`` of ``ref``."""
    return f"ViewId({py_str(ref.space)}, {py_str(ref.external_id)}, {py_str(ref.version)})"
