"""One ``ViewContext`` per view: names and docs, then fields, connections, filters and imports filled in."""

from __future__ import annotations

from pygen.generator.emit.python._connections import connection_members, edge_class_names, edge_classes
from pygen.generator.emit.python._context import SdkContext, ViewContext, has_write_class, view_id
from pygen.generator.emit.python._filters import fields_line, keywords
from pygen.generator.emit.python._naming import PythonNames
from pygen.generator.emit.python._source import docstring
from pygen.generator.emit.python._types import field_members, node_id
from pygen.generator.ir import Diagnostic, SDKModel, ViewClass

__all__ = ["build_contexts", "client_attribute_pairs"]


def _view_context(view: ViewClass, sdk: SdkContext, out: list[Diagnostic]) -> ViewContext:
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
        view_id=view_id(view.id),
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
        {"ViewId", "InstanceList", "Page", "Histogram", "Property"}
        | {"AggregateGroups", "AggregateSpec", "AggregateArgs", "IterateArgs", "ListArgs"}
        | {"PageArgs", "PagesArgs", "SearchArgs", "StatArgs", "Query", "AsyncQuery"}
    )
    ctx.runtime_imports.update({ctx.read_base, *ctx.api_bases, "NodeWrite" if kind == "node" else "EdgeWrite"})
    ctx.runtime_imports.add("NodeFields" if kind == "node" else "EdgeFields")
    for item in view.fields:
        name = sdk.names.field(view.id, item.property_id)
        field_members(ctx, sdk, item, name)
        ctx.fields_lines.append(fields_line(ctx, item, name))
    for connection in view.connections:
        connection_members(ctx, sdk, connection, sdk.names.field(view.id, connection.property_id))
    keywords(ctx, sdk, out)
    if writable and kind == "node" and view.node_type is not None:
        # Edge write classes get no default type: an edge connection fills in its own.
        ctx.runtime_imports.update({"NodeId", "NodeIdLike"})
        ctx.write_type = node_id(view.node_type.space, view.node_type.external_id, "    ", "type: NodeIdLike | None = ")
    edge_classes(ctx, sdk)
    ctx.typing_imports.add("ClassVar")
    if ctx.read_connections or ctx.write_connections:
        ctx.runtime_imports.add("Connection")
    if writable:
        ctx.typing_imports.add("cast")
    ctx.abc_imports.update({"AsyncIterator", "Iterator", "Sequence"})
    ctx.typing_imports.add("TYPE_CHECKING")
    if writable:
        ctx.runtime_imports.update({"NodeIdLike", "NodeWrite"})
        if ctx.has_required:
            ctx.extension_imports.add("Self")
    if ctx.read_connections or ctx.write_connections:
        ctx.abc_imports.add("Mapping")
    ctx.typing_imports.add("TypedDict")
    return ctx


def build_contexts(sdk: SDKModel, names: PythonNames) -> tuple[list[ViewContext], list[Diagnostic]]:
    """The template context of every view, sorted by view id, and the emitter's own warnings."""
    out: list[Diagnostic] = []
    data = SdkContext(sdk, names, edge_class_names(sdk, names))
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
