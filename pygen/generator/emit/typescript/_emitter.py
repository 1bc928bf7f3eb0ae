"""The TypeScript emitter: renders the IR into the files of a typed SDK folder, in memory.

Output (under ``<package>/``): ``index.ts`` (re-exports everything), ``client.ts`` (one member per view, plus
``datapoints`` and ``files``), ``views/<View>.ts`` (read/write interfaces and the view's API class), ``support.ts``
(read conversions, edges), ``package.json`` (marks the folder as ES modules) and ``runtime/`` (a copy of pygen's
TypeScript runtime, its ``VERSION`` stamped with pygen's). One jinja ``Environment`` is built once and cached;
templates only loop and branch, this module decides every type and name. Statements a model can make longer than a
line are built as layout documents (``_layout``) and printed by the ``layout`` filter; see the README, "Layout".
"""

from __future__ import annotations

import functools
import json
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from pygen._version import __version__
from pygen.generator.emit._templates import template_environment
from pygen.generator.emit.typescript._escape import ts_comment, ts_doc, ts_key, ts_str
from pygen.generator.emit.typescript._layout import (
    LINE,
    SOFTLINE,
    WIDTH,
    Doc,
    Group,
    IfBreak,
    Indent,
    bracket,
    join,
    layout,
    union,
)
from pygen.generator.emit.typescript._naming import TypeScriptNames
from pygen.generator.ir import (
    BooleanType,
    Connection,
    DataType,
    DateType,
    DirectType,
    EnumType,
    Field,
    FilterOp,
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

__all__ = ["RUNTIME_DIR", "emit_typescript", "header_line", "runtime_files"]

#: The runtime sources that every SDK gets a copy of (``runtime/``).
#: The TypeScript runtime every generated SDK gets a copy of (pygen/ts_runtime: a runtime, beside the Python ones).
RUNTIME_DIR = Path(__file__).resolve().parents[3] / "ts_runtime"
_VERSION_LINE = re.compile(r'^export const VERSION = "[^"\n]*";$', re.MULTILINE)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    filters: dict[str, Callable[..., str]] = {
        "ts_str": ts_str,
        "ts_key": ts_key,
        "jsdoc": jsdoc,
        "prose": prose,
        "layout": layout,
    }
    return template_environment("pygen.generator.emit.typescript", filters=filters)


def jsdoc(text: str | None, indent: str = "") -> str:
    """A JSDoc block for ``text`` (escaped by ``ts_doc``) ending in a newline, or ``""`` for no text."""
    return _doc_block(ts_doc(text) if text else [], indent)


def prose(text: str, indent: str = "") -> str:
    """A JSDoc block for the template's own text (not escaped: it may hold ``{@link X}``): lines joined into
    paragraphs (a blank line between them), each wrapped to the line width."""
    lines: list[str] = []
    for part in re.split(r"\n\s*\n", text):
        paragraph = " ".join(line.strip() for line in part.splitlines() if line.strip())
        if paragraph:
            lines += ["", paragraph] if lines else [paragraph]
    return _doc_block(lines, indent)


def _doc_block(lines: Sequence[str], indent: str) -> str:
    """``lines`` as a JSDoc block, each wrapped at spaces to ``WIDTH`` (a word longer than that keeps its own line)."""
    room = WIDTH - len(indent) - len(" * ")
    wrapped = [piece for line in lines for piece in _wrap(line, room)]
    if not wrapped:
        return ""
    if len(wrapped) == 1 and len(indent) + len(f"/** {wrapped[0]} */") <= WIDTH:
        return f"{indent}/** {wrapped[0]} */\n"
    body = "".join(f"{indent} * {line}\n" if line else f"{indent} *\n" for line in wrapped)
    return f"{indent}/**\n{body}{indent} */\n"


#: What a doc line is not broken inside: ``{@link X}`` and short inline code (``{ edge, node }``).
_UNBROKEN = re.compile(r"\{@link [^}\s]*\}|`[^`]{1,40}`")


def _wrap(line: str, width: int) -> list[str]:
    """One doc line as lines of at most ``width`` (continuations keep its indentation); ``{@link X}`` and short
    inline code stay whole."""
    if len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    # NUL never reaches a doc line (ts_doc escapes it): it holds the spaces that must not break.
    kept = _UNBROKEN.sub(lambda match: match.group(0).replace(" ", "\x00"), line.lstrip())
    pieces = textwrap.wrap(
        kept,
        width,
        initial_indent=lead,
        subsequent_indent=lead,
        break_long_words=False,
        break_on_hyphens=False,
        expand_tabs=False,
        replace_whitespace=False,
    )
    return [piece.replace("\x00", " ") for piece in pieces]


def header_line(sdk: SDKModel) -> str:
    """The first line of every generated file: pygen's version and the data models, stable across runs (more
    ``//`` lines when the models do not fit on one)."""
    models = ", ".join(ts_comment(str(ref)) for ref in sdk.model_ids)
    return "\n".join(
        f"// {line}" for line in _wrap(f"Generated by pygen {__version__} from {models}. Do not edit.", WIDTH - 3)
    )


# ---------------------------------------------------------------------------------------------- types


def _union(keys: tuple[str, ...]) -> str:
    return " | ".join(ts_str(key) for key in keys) if keys else "string"


def _scalar(type_: DataType, *, write: bool) -> str:
    """The TypeScript type of one value of ``type_`` (read or write side)."""
    if isinstance(type_, (TextType, ReferenceType, DateType)):
        return "string"
    if isinstance(type_, IntType):
        return "number | bigint" if type_.bits == 64 else "number"
    if isinstance(type_, FloatType):
        return "number"
    if isinstance(type_, BooleanType):
        return "boolean"
    if isinstance(type_, TimestampType):
        return "Date | string" if write else "Date"
    if isinstance(type_, JsonType):
        return "JsonValue"
    if isinstance(type_, EnumType):
        return _union(type_.keys)
    if isinstance(type_, DirectType):
        return "NodeId"
    raise TypeError(f"unknown data type {type_!r}")  # pragma: no cover - the IR has no other types


def _value_type(field: Field, *, write: bool) -> str:
    scalar = _scalar(field.type, write=write)
    if not field.is_list:
        return scalar
    return f"({scalar})[]" if " | " in scalar else f"{scalar}[]"


#: The builder of the runtime (a method of ``ViewApi``, ``runtime/filters.ts``) that offers exactly a field's
#: filters (``Field.filters``: the IR decides them), by those operators and the field's type (``None``: any other).
_BUILDERS: dict[tuple[tuple[FilterOp, ...], type[DataType] | None], str] = {
    (("exists",), JsonType): "jsonProperty",
    (("equals", "exists"), BooleanType): "booleanProperty",
    (("equals", "exists", "in"), EnumType): "enumProperty",
    (("equals", "exists", "in"), DirectType): "directRelationProperty",
    (("equals", "exists", "in", "prefix"), TextType): "textProperty",
    (("equals", "exists", "in", "prefix"), ReferenceType): "textProperty",
    (("equals", "exists", "in", "range"), IntType): "numberProperty",
    (("equals", "exists", "in", "range"), FloatType): "numberProperty",
    (("equals", "exists", "in", "range"), TimestampType): "timestampProperty",
    (("equals", "exists", "in", "range"), DateType): "dateProperty",
    (("contains_all", "contains_any", "exists"), DirectType): "directRelationListProperty",
    (("contains_all", "contains_any", "exists"), None): "listProperty",
}


def _builder(field: Field) -> str:
    """The typed filter/sort builder of a field: the runtime's builder with exactly the field's filters."""
    type_ = field.type
    method = _BUILDERS.get((field.filters, type(type_))) or _BUILDERS.get((field.filters, None))
    if method is None:  # pragma: no cover - the IR decided operators that no builder of the runtime offers
        raise ValueError(f"the TypeScript runtime has no builder with the filters {field.filters} of {type_!r}")
    argument = ""  # the value type, for the builders that take one
    if method == "listProperty":
        element = {TimestampType: "Date | string", DateType: "string"}.get(type(type_))
        argument = f"<{element or _scalar(type_, write=True)}>"
    elif isinstance(type_, EnumType):
        argument = f"<{_union(type_.keys)}>"
    elif isinstance(type_, IntType) and type_.bits == 64:
        argument = "<number | bigint>"
    return f"this.{method}{argument}({ts_str(field.property_id)})"


def _field_doc(field: Field) -> str:
    parts = []
    if field.name and field.name != field.property_id:
        parts.append(field.name)
    if field.description:
        parts.append(field.description)
    if isinstance(field.type, IntType) and field.type.bits == 64:
        parts.append("int64: a `bigint` when beyond 2^53 (exact), else a `number`.")
    if field.unit is not None:
        parts.append(f"Unit: {field.unit.external_id}.")
    return "\n\n".join(parts)


def _filter_default(field: Field, value: object) -> str | None:
    """The TypeScript literal of the value the view's filter requires of ``field``, when it fits the write type.

    Lists, timestamps, dates, json and int64 values beyond 2^53 get none (as in the Python emitter).
    """
    type_ = field.type
    if value is None or field.is_list or field.property_id == "__proto__":
        return None
    if isinstance(type_, (TextType, ReferenceType)) and isinstance(value, str):
        return ts_str(value)
    if isinstance(type_, EnumType) and isinstance(value, str) and value in type_.keys:
        return ts_str(value)  # the write type is the union of the keys: another value would not type-check
    if isinstance(value, bool):
        return json.dumps(value) if isinstance(type_, BooleanType) else None
    if isinstance(type_, IntType) and isinstance(value, int) and abs(value) <= 2**53 - 1:
        return str(value)
    if (
        isinstance(type_, FloatType)
        and isinstance(value, (int, float))
        and value == value
        and abs(value) != float("inf")
    ):
        return repr(float(value))
    if isinstance(type_, DirectType) and isinstance(value, dict):
        space, external_id = value.get("space"), value.get("externalId")
        if isinstance(space, str) and isinstance(external_id, str):
            return f"{{ space: {ts_str(space)}, externalId: {ts_str(external_id)} }}"
    return None


# ---------------------------------------------------------------------------------------------- layout


def _args(items: Sequence[Doc]) -> Doc:
    """An argument list: ``(a, b)``, else one per line with a trailing comma."""
    return bracket("(", items, ")")


def _signature(head: Doc, parameters: Sequence[Doc], tail: Doc) -> Doc:
    """``head(parameters)tail``: when it does not fit, the parameters go one per line first (as prettier does),
    then the return type in ``tail`` breaks only if it still does not fit."""
    return Group((head, bracket("(", parameters, ")", grouped=False), tail))


def _type_args(items: Sequence[Doc]) -> Doc:
    """A type argument list: ``<A, B>``, else one per line (no trailing comma, as prettier writes them)."""
    return bracket("<", items, ">", comma=False)


def _object(entries: Sequence[Doc]) -> Doc:
    """An object literal or type: ``{ a: 1 }``, else one entry per line with a trailing comma."""
    return bracket("{", entries, "}", spaced=True)


def _id_object(space: str, external_id: str, version: str | None = None) -> Doc:
    """The object literal of a node id (``{ space, externalId }``) or, with ``version``, of a view id."""
    entries = [f"space: {ts_str(space)}", f"externalId: {ts_str(external_id)}"]
    return _object(entries if version is None else [*entries, f"version: {ts_str(version)}"])


def _import(names: Sequence[str], module: str, keyword: str = "import") -> Doc:
    """``import { a, type B } from "module";`` (or ``export``), one name per line when long."""
    return [f"{keyword} ", _object(names), f" from {ts_str(module)};"]


def _annotated(head: str, members: Sequence[Doc], tail: str) -> Doc:
    """``head`` (ending in a colon) and a type: a union that does not fit goes below it, one member per line."""
    if len(members) == 1:
        return Group((head, " ", members[0], tail))
    return Group((head, Indent((LINE, IfBreak("| "), *join([LINE, "| "], members))), tail))


def _assign(head: str, value: Doc, tail: str = ";") -> Doc:
    """``head = value;``, broken after ``=`` when it does not fit."""
    return Group((head, " =", Indent((LINE, value)), tail))


def _type_members(field: Field, *, write: bool) -> list[Doc]:
    """The members of a field's value type (``_value_type``) as a union: an enum's keys, a list type as one."""
    type_ = field.type
    if isinstance(type_, EnumType) and type_.keys:
        keys: list[Doc] = [ts_str(key) for key in type_.keys]
        if not field.is_list:
            return keys
        return [Group(("(", Indent((SOFTLINE, union(keys))), SOFTLINE, ")[]"))]
    text = _value_type(field, write=write)
    return [text] if field.is_list else list(text.split(" | "))


#: A builder call as ``_builder`` writes it: ``this.method<TypeArgument>(argument)``.
_BUILDER_CALL = re.compile(r"(this\.\w+)(?:<(.+)>)?\((.+)\)")
#: The members of a type argument union: string literals (enum keys) and plain type names.
_UNION_MEMBER = re.compile(r'"(?:[^"\\]|\\.)*"|[^|"\s][^|"]*')


def _builder_doc(builder: str) -> Doc:
    """A field's builder call (``_builder``'s text) whose type argument union and argument can break."""
    match = _BUILDER_CALL.fullmatch(builder)
    if match is None:  # pragma: no cover - every builder is a call of this shape
        return builder
    method, type_argument, argument = match.groups()
    doc: list[Doc] = [method]
    if type_argument is not None:
        members: list[Doc] = [member.strip() for member in _UNION_MEMBER.findall(type_argument)]
        doc.append(_type_args([union(members)]))
    doc.append(_args([argument]))
    return doc


@dataclass(frozen=True)
class _FieldContext:
    doc: str
    read_type: str
    write_type: str
    writable: bool
    #: ``readonly key?: type;``, ``key?: type | null;`` and the ``fields`` entry ``key: this.xProperty(...),``.
    read_member: Doc
    write_member: Doc
    builder_entry: Doc


@dataclass(frozen=True)
class _ReverseContext:
    doc: str
    target_api: str
    single: bool
    through_list: bool
    #: The method's first line and ``const by = ...;`` (the filter on the pointer property).
    signature: Doc
    by: Doc


@dataclass(frozen=True)
class _EdgeContext:
    doc: str
    target_api: str
    single: bool
    #: The API class of the connection's edge view, when it has one with properties: the method returns
    #: ``{ edge, node }`` pairs (``EdgePair``), as a graph query's ``follow`` does.
    edge_api: str | None
    #: The method's first line, and the read: ``return edgeX(...);``, or ``const [first] = await edgeX(...);`` for a
    #: single connection (the template returns ``first``).
    signature: Doc
    read: Doc


@dataclass(frozen=True)
class _LinkContext:
    """One connection a graph query can follow: its ``XLinks`` member and its ``CONNECTIONS`` entry."""

    member: Doc
    entry: Doc


@dataclass(frozen=True)
class _ViewContext:
    """What a view's file needs: names, docs, and its statements as layout documents (``_layout``)."""

    names_base: str
    file: str
    doc: str
    api_doc: str
    api_base: str
    fields: tuple[_FieldContext, ...]
    writable: bool
    reverse: tuple[_ReverseContext, ...]
    edges: tuple[_EdgeContext, ...]
    #: Node views: the connections ``query().follow`` can follow (``XLinks``, ``XApi.CONNECTIONS``, ``query``).
    queryable: bool
    links: tuple[_LinkContext, ...]
    imports: tuple[Doc, ...]
    read_alias: Doc
    write_alias: Doc
    timestamps: Doc
    class_heading: Doc
    view_id: Doc
    parse_signature: Doc
    parse_return: Doc
    query_signature: Doc
    query_return: Doc
    #: ``toApply``, when the view's filter requires values (see ``ViewClass.node_type``/``filter_defaults``): it
    #: fills in the node type (node views only) and, per field, the value (``if (properties[...] === undefined)``).
    apply_signature: Doc | None = None
    apply_properties: Doc | None = None
    write_defaults: tuple[Doc, ...] = ()
    apply_return: Doc | None = None


#: The runtime's base class of a view API whose nodes are a CDF resource (``ViewClass.resource``), and what it adds.
_RESOURCE_APIS: dict[str, tuple[str, str]] = {
    "timeseries": (
        "TimeSeriesNodeApi",
        "Its nodes are time series: `datapoints(ids, options)` (one or many at once, raw or aggregates), "
        "`latestDatapoint`, `insertDatapoints` and `deleteDatapoints`.",
    ),
    "file": (
        "FileNodeApi",
        "Its nodes are files: `upload(id, content)`, `download(id)`, `downloadStream(id)`, `uploadUrl` and "
        "`downloadUrl`.",
    ),
}


def _api_base(view: ViewClass) -> str:
    """The runtime class a view's API extends: ``EdgeApi``, ``NodeApi``, or the node API of its resource."""
    if view.instance_kind == "edge":
        return "EdgeApi"
    return _RESOURCE_APIS[view.resource][0] if view.resource is not None else "NodeApi"


def _connections_note(connections: tuple[Connection, ...], names: TypeScriptNames, view: ViewClass) -> str:
    others = [c for c in connections if not c.is_stored and (view.id, c.property_id) not in names.connections]
    if not others:
        return ""
    listed = ", ".join(f"{c.property_id} ({c.kind.replace('_', ' ')})" for c in others)
    return f"\n\nNot generated (the target view is not in the model): {listed}."


def _edge_view(sdk: SDKModel, connection: Connection) -> ViewClass | None:
    """The edge view of an edge connection when it is an edge view of the model with properties: its edges are
    returned with the nodes (``{ edge, node }``), by the connection's method and by a graph query's ``follow``."""
    if connection.edge is None or connection.edge.edge_view is None:
        return None
    found = [v for v in sdk.views if v.id == connection.edge.edge_view]
    if not found or found[0].instance_kind != "edge" or not found[0].fields:
        return None
    return found[0]


def _method_signature(method: str, parameters: Sequence[Doc], result: Doc, single: bool) -> Doc:
    """``async method(parameters): Promise<result[]> {`` (``result | undefined`` for a single connection)."""
    returned = union([result, "undefined"]) if single else [result, "[]"]
    return _signature(f"async {method}", parameters, [": Promise", _type_args([returned]), " {"])


def _edge_contexts(sdk: SDKModel, view: ViewClass, names: TypeScriptNames) -> list[tuple[_EdgeContext, list[ViewRef]]]:
    """The edge connection methods of a view, each with the views it names (the far end's, then the edge view's)."""
    out: list[tuple[_EdgeContext, list[ViewRef]]] = []
    for connection in view.connections:
        method = names.connections.get((view.id, connection.property_id))
        if method is None or connection.edge is None or connection.target is None:
            continue
        target = names.view(connection.target)
        edge = connection.edge
        edge_view = _edge_view(sdk, connection)
        single = connection.kind == "edge_single"
        way = "leave" if edge.direction == "outwards" else "arrive at"
        title = connection.name if connection.name != connection.property_id else None
        doc_parts = [title or "", connection.description or ""]
        what = "the first one, or undefined." if single else "all of them, or up to `options.limit`."
        arguments: list[Doc] = ["this.client"]
        if edge_view is None:
            doc_parts.append(
                f"The {connection.target} nodes at the other end of the {edge.edge_type} edges that {way} `id`: {what}"
            )
            read: Doc = target.read
            edge_api = None
            function = "edgeTargets"
        else:
            doc_parts.append(
                f"The {edge.edge_type} edges that {way} `id`, each with its properties (view {edge_view.id}) and the "
                f"{connection.target} node at its other end, as `{{ edge, node }}`: {what}"
            )
            read = ["EdgePair", _type_args([names.view(edge_view.id).read, target.read])]
            edge_api = names.view(edge_view.id).api
            function = "edgePairs"
            arguments.append(f"new {edge_api}(this.client)")
        arguments += [
            "(ids, read) => api.retrieve(ids, read)",
            _id_object(edge.edge_type.space, edge.edge_type.external_id),
            ts_str(edge.direction),
            "toNodeId(id, this.client.instanceSpace)",
            "{ ...options, limit: 1 }" if single else "options",
        ]
        parameters = ["id: NodeIdLike", "options: TraversalOptions = {}"]
        out.append(
            (
                _EdgeContext(
                    doc="\n\n".join(part for part in doc_parts if part),
                    target_api=target.api,
                    single=single,
                    edge_api=edge_api,
                    signature=_method_signature(method, parameters, read, single),
                    read=["const [first] = await " if single else "return ", function, _args(arguments), ";"],
                ),
                [connection.target] + ([] if edge_view is None else [edge_view.id]),
            )
        )
    return out


def _reverse_contexts(view: ViewClass, names: TypeScriptNames) -> list[tuple[_ReverseContext, ViewRef]]:
    out = []
    for connection in view.connections:
        method = names.connections.get((view.id, connection.property_id))
        if method is None or connection.reverse is None or connection.target is None:
            continue
        target = names.view(connection.target)
        through = connection.reverse
        single = connection.kind == "reverse_single"
        ref = [through.view.space, f"{through.view.external_id}/{through.view.version}", through.property_id]
        title = connection.name if connection.name != connection.property_id else None
        doc_parts = [title or "", connection.description or ""]
        doc_parts.append(
            f"The {connection.target} nodes whose {through.property_id} (of view {through.view}) points to `id`: "
            + ("the first one, or undefined." if single else "all of them, or up to `options.limit`.")
        )
        builder, operator = (
            ("DirectRelationListProperty", "containsAny([node])")
            if through.through_is_list
            else ("DirectRelationProperty", "equals(node)")
        )
        parameters = ["id: NodeIdLike", ["options: ListOptions", _type_args([f'{target.api}["fields"]']), " = {}"]]
        out.append(
            (
                _ReverseContext(
                    doc="\n\n".join(part for part in doc_parts if part),
                    target_api=target.api,
                    single=single,
                    through_list=through.through_is_list,
                    signature=_method_signature(method, parameters, target.read, single),
                    by=[
                        f"const by = new {builder}(",
                        bracket("[", [ts_str(part) for part in ref], "]"),
                        f").{operator};",
                    ],
                ),
                connection.target,
            )
        )
    return out


def _is_node_view(sdk: SDKModel, ref: ViewRef) -> bool:
    found = [v for v in sdk.views if v.id == ref]
    return bool(found) and found[0].instance_kind != "edge"


def _link_contexts(sdk: SDKModel, view: ViewClass, names: TypeScriptNames) -> list[tuple[_LinkContext, list[ViewRef]]]:
    """The connections of a node view that a graph query can follow: those with a node view of the model at the
    far end. An edge connection's edge view counts when it is an edge view of the model with properties (the
    edges are returned with the nodes)."""
    out: list[tuple[_LinkContext, list[ViewRef]]] = []
    for connection in view.connections:
        if connection.target is None or not _is_node_view(sdk, connection.target):
            continue
        target = names.view(connection.target)
        many = "true" if connection.is_list else "false"
        thunk = f"target: () => {target.api}"
        refs = [connection.target]
        link_types = [target.read, f"{target.base}Links", f'{target.api}["fields"]', many]
        spec: list[Doc]
        if connection.is_stored:
            spec = ['kind: "direct"', f"many: {many}", f"property: {ts_str(connection.property_id)}", thunk]
        elif connection.reverse is not None:
            through = connection.reverse
            spec = [
                'kind: "reverse"',
                f"many: {many}",
                ["through: ", _id_object(through.view.space, through.view.external_id, through.view.version)],
                f"property: {ts_str(through.property_id)}",
                f"throughList: {'true' if through.through_is_list else 'false'}",
                thunk,
            ]
        elif connection.edge is not None:
            edge = connection.edge
            spec = [
                'kind: "edge"',
                f"many: {many}",
                ["edgeType: ", _id_object(edge.edge_type.space, edge.edge_type.external_id)],
                f"direction: {ts_str(edge.direction)}",
                thunk,
            ]
            edge_view = _edge_view(sdk, connection)
            if edge_view is not None:
                edge_names = names.view(edge_view.id)
                spec.append(f"edgeView: () => {edge_names.api}")
                link_types += [edge_names.read, f'{edge_names.api}["fields"]']
                refs.append(edge_view.id)
        else:  # pragma: no cover - the IR has no other connections
            continue
        key = ts_key(connection.property_id)
        out.append(
            (
                _LinkContext(
                    member=["readonly ", key, ": QueryLink", _type_args(link_types), ";"],
                    entry=[key, ": ", _object(spec), ","],
                ),
                refs,
            )
        )
    return out


def _write_default(key: str, literal: str) -> Doc:
    """``if (properties[key] === undefined) properties[key] = literal;``, in braces when it takes more lines."""
    assignment = f"properties[{key}] = {literal};"
    return Group(
        (f"if (properties[{key}] === undefined)", IfBreak(" {"), Indent((LINE, assignment)), IfBreak((LINE, "}")))
    )


def _view_context(sdk: SDKModel, view: ViewClass, names: TypeScriptNames) -> _ViewContext:
    own = names.view(view.id)
    base = own.base
    writable_ids = {field.property_id for field in view.writable_fields}
    fields = tuple(
        _FieldContext(
            doc=_field_doc(field),
            read_type=_value_type(field, write=False),
            write_type=_value_type(field, write=True),
            writable=field.property_id in writable_ids,
            read_member=_annotated(f"readonly {ts_key(field.property_id)}?:", _type_members(field, write=False), ";"),
            write_member=_annotated(f"{ts_key(field.property_id)}?:", [*_type_members(field, write=True), "null"], ";"),
            builder_entry=[ts_key(field.property_id), ": ", _builder_doc(_builder(field)), ","],
        )
        for field in view.fields
    )
    edge = view.instance_kind == "edge"
    write_defaults: list[Doc] = []
    node_type = None
    if view.writable:
        for field in view.writable_fields:
            literal = _filter_default(field, view.filter_default(field.property_id))
            if literal is not None:
                write_defaults.append(_write_default(ts_str(field.property_id), literal))
        if view.node_type is not None and not edge:  # an edge's type comes from its connection
            node_type = _id_object(view.node_type.space, view.node_type.external_id)
    used = " ".join(f.read_type + " " + f.write_type for f in fields)
    reverse = _reverse_contexts(view, names)
    edges = _edge_contexts(sdk, view, names)
    links = [] if edge else _link_contexts(sdk, view, names)
    api_base = _api_base(view)
    values = [api_base]
    types = ["Edge" if edge else "Node", "EdgeWrite" if edge else "NodeWrite", "InstanceClient", "JsonValue", "ViewId"]
    if not edge:
        values.append("GraphQuery")
        types += ["Connections", "QueryOptions", "Subset"] + (["QueryLink"] if links else [])
    if node_type is not None or write_defaults:
        types.append("ApplyItem")
    if "NodeId" in used:
        types.append("NodeId")
    if reverse or edges:
        values.append("toNodeId")
        types.append("NodeIdLike")
    if any(e.edge_api is not None for e, _ in edges):
        types.append("EdgePair")
    if reverse:
        values.append("and")
        types.append("ListOptions")
        values += sorted(
            {"DirectRelationListProperty" if r.through_list else "DirectRelationProperty" for r, _ in reverse}
        )
    runtime_imports = [*sorted(values, key=str.lower), *(f"type {name}" for name in sorted(types, key=str.lower))]
    view_imports: dict[str, set[str]] = {}
    support = ["convertProperties"]
    if any(e.edge_api is not None for e, _ in edges):
        support.append("edgePairs")
    if any(e.edge_api is None for e, _ in edges):
        support.append("edgeTargets")
    if edges:
        support.append("type TraversalOptions")
    for _, target in reverse:
        if target != view.id:
            target_names = names.view(target)
            view_imports.setdefault(target_names.file, set()).update([target_names.api, f"type {target_names.read}"])
    for _, refs in edges:
        for ref in refs:
            if ref != view.id:
                ref_names = names.view(ref)
                view_imports.setdefault(ref_names.file, set()).update([ref_names.api, f"type {ref_names.read}"])
    for _, refs in links:
        for index, ref in enumerate(refs):
            if ref != view.id:
                target_names = names.view(ref)
                items = [target_names.api, f"type {target_names.read}"]
                if index == 0:  # the far-end node view (index 1: an edge view, which has no links)
                    items.append(f"type {target_names.base}Links")
                view_imports.setdefault(target_names.file, set()).update(items)
    imports = [_import(runtime_imports, "../runtime/index.js"), _import(support, "../support.js")]
    for file, names_used in sorted(view_imports.items()):
        imports.append(_import(sorted(names_used, key=lambda item: item.removeprefix("type ")), f"./{file}.js"))
    title = view.name if view.name and view.name != view.id.external_id else ""
    doc = "\n\n".join(part for part in (title, view.description or "", f"View {view.id}.") if part)
    api_doc = (
        f"The API of view {view.id} ({'edges' if edge else 'nodes'}): retrieve, list, iterate, search, aggregate, "
        "upsert, delete. `fields` holds a typed filter and sort builder per property."
        + _connections_note(view.connections, names, view)
    )
    if view.resource is not None and not edge:
        api_doc += "\n\n" + _RESOURCE_APIS[view.resource][1]
    if not view.writable:
        api_doc += "\n\nThe view is not writable: write through the views it maps containers of."
    read_base, write_base = ("Edge", "EdgeWrite") if edge else ("Node", "NodeWrite")
    properties, write_properties = f"{base}Properties", f"{base}WriteProperties"
    timestamps = [ts_str(f.property_id) for f in view.fields if isinstance(f.type, TimestampType)]
    apply_signature: Doc | None = None
    apply_properties: Doc | None = None
    apply_return: Doc | None = None
    if node_type is not None or write_defaults:
        apply_signature = _signature("protected override toApply", [f"item: {base}Write"], ": ApplyItem {")
        if write_defaults:
            apply_properties = _assign(f"const properties: {write_properties}", "{ ...item.properties }")
        entries: list[Doc] = ["...item"]
        if node_type is not None:
            entries.append(["type: item.type ?? ", node_type])
        if write_defaults:
            entries.append("properties")
        apply_return = ["return super.toApply(", _object(entries), ");"]
    return _ViewContext(
        names_base=base,
        file=own.file,
        doc=doc,
        api_doc=api_doc,
        api_base=api_base,
        fields=fields,
        writable=view.writable,
        reverse=tuple(context for context, _ in reverse),
        edges=tuple(context for context, _ in edges),
        queryable=not edge,
        links=tuple(context for context, _ in links),
        imports=tuple(imports),
        read_alias=_assign(f"export type {base}", [read_base, _type_args([properties])]),
        write_alias=_assign(f"export type {base}Write", [write_base, _type_args([write_properties])]),
        timestamps=["const TIMESTAMPS: ReadonlySet<string> = new Set<string>(", bracket("[", timestamps, "]"), ");"],
        class_heading=[
            f"export class {base}Api extends {api_base}",
            _type_args([properties, write_properties]),
            " {",
        ],
        view_id=[
            "static readonly VIEW: ViewId = Object.freeze(",
            _id_object(view.id.space, view.id.external_id, view.id.version),
            ");",
        ],
        parse_signature=_signature(
            "protected override parseProperties", ["properties: Record<string, JsonValue>"], f": {properties} {{"
        ),
        parse_return=Group(("return convertProperties(properties, TIMESTAMPS) as", Indent((LINE, properties)), ";")),
        query_signature=_signature(
            ["query", bracket("<", [_assign(f"const K extends keyof {properties}", f"keyof {properties}", "")], ">")],
            [["options: QueryOptions", _type_args([f'{base}Api["fields"]', properties, "K"]), " = {}"]],
            [": GraphQuery", _type_args([f"Subset<{base}, K>", f"{base}Links"]), " {"],
        ),
        query_return=["return new GraphQuery", _args(["this", f"{base}Api.CONNECTIONS", "options"]), ";"],
        apply_signature=apply_signature,
        apply_properties=apply_properties,
        write_defaults=tuple(write_defaults),
        apply_return=apply_return,
    )


# ---------------------------------------------------------------------------------------------- files


def runtime_files(header: str) -> dict[str, str]:
    """The runtime copy: every ``.ts`` source (header line added, ``VERSION`` stamped) and ``package.json``."""
    out: dict[str, str] = {}
    for path in sorted(RUNTIME_DIR.glob("*.ts")):
        text = path.read_text(encoding="utf-8")
        if path.name == "transport.ts":
            text, count = _VERSION_LINE.subn(f"export const VERSION = {ts_str(__version__)};", text)
            if count != 1:  # pragma: no cover - guards the runtime's layout
                raise RuntimeError(f"{path}: expected one `export const VERSION = ...;` line, found {count}")
        out[f"runtime/{path.name}"] = f"{header}\n{text}"
    out["runtime/package.json"] = (RUNTIME_DIR / "package.json").read_text(encoding="utf-8")
    return out


def _package_json(sdk: SDKModel) -> str:
    data = {
        "//": f"Generated by pygen {__version__} from {', '.join(str(ref) for ref in sdk.model_ids)}. Do not edit.",
        "private": True,
        "type": "module",
        "sideEffects": False,
    }
    return json.dumps(data, indent=2, ensure_ascii=True) + "\n"


def emit_typescript(sdk: SDKModel, names: TypeScriptNames) -> dict[str, str]:
    """Every file of the SDK, ``{"<package>/<path>": text}``, in a stable order."""
    env = _environment()
    header = header_line(sdk)
    views = [_view_context(sdk, view, names) for view in sorted(sdk.views, key=lambda v: v.id)]
    models = ", ".join(str(ref) for ref in sdk.model_ids)
    files: dict[str, str] = {}
    for view in views:
        files[f"views/{view.file}.ts"] = env.get_template("view.ts.jinja").render(header=header, view=view)
    members = [(names.view(v.id), v.id) for v in sdk.views]
    rows = [
        {
            "doc": jsdoc(f"The API of view {ref}.", "  "),
            "declaration": Group((f"readonly {view_names.member}:", Indent((LINE, f"{view_names.base}Api")), ";")),
            "assignment": _assign(f"this.{view_names.member}", f"new {view_names.base}Api(this.instances)"),
        }
        for view_names, ref in sorted(members, key=lambda pair: pair[0].member)
    ]
    room = WIDTH - len(" * ")
    files["client.ts"] = env.get_template("client.ts.jinja").render(
        header=header,
        client=names.client_class,
        client_doc=[
            piece
            for line in ts_doc(f"The client of {models}: one typed API per view, all sharing one transport.")
            for piece in _wrap(line, room)
        ],
        members=rows,
        imports=[
            _import([f"{view_names.base}Api"], f"./views/{view_names.file}.js")
            for view_names, _ in sorted(members, key=lambda pair: pair[0].file)
        ],
        instance_space=sdk.default_instance_space,
        example_member=min(view_names.member for view_names, _ in members) if members else None,
    )
    files["support.ts"] = env.get_template("support.ts.jinja").render(header=header)
    files["index.ts"] = env.get_template("index.ts.jinja").render(
        header=header,
        client_export=_import([names.client_class], "./client.js", keyword="export"),
        files=sorted(view.file for view in views),
    )
    files["package.json"] = _package_json(sdk)
    files.update(runtime_files(header))
    return {f"{names.package}/{path}": text for path, text in sorted(files.items())}
