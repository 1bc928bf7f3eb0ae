"""A view's connections in Python: edge and reverse relations as members, and the typed edge classes.

Direct relations are fields (``_types``); this module covers what is not stored on the instance: edge
connections (read as their target or, with an edge view, as edges) and reverse direct relations.
"""

from __future__ import annotations

from pygen.generator.emit.python._context import (
    EdgeClass,
    Member,
    SdkContext,
    ViewContext,
    has_write_class,
    member_doc,
    view_id,
)
from pygen.generator.emit.python._escape import py_str
from pygen.generator.emit.python._naming import PythonNames, ViewNames
from pygen.generator.emit.python._source import bracketed, docstring
from pygen.generator.emit.python._types import node_id
from pygen.generator.ir import Connection, SDKModel, ViewRef

__all__ = ["connection_members", "edge_class_names", "edge_classes"]


def connection_members(ctx: ViewContext, sdk: SdkContext, item: Connection, name: str) -> None:
    """The read member (and write member, if the view has a write class) of an edge or reverse connection."""
    if item.is_stored:
        return  # direct relations are fields
    doc = member_doc(item.name, item.description, item.property_id, "    ")
    target = sdk.node_target(item.target)
    target_names = sdk.names.view(target.id) if target is not None else None
    read_target = target_names.read_class if target_names is not None else "Node"
    if item.reverse is not None:
        through = item.reverse
        ctx.runtime_imports.update({"ReverseDirectRelation", "ViewId"})
        ctx.read_connections.append(
            bracketed(
                f"{py_str(name)}: ReverseDirectRelation(",
                [view_id(through.view), py_str(through.property_id)],
                "        ",
            )
        )
        _need_read(ctx, target_names)
        annotation = f"list[{read_target}]" if item.is_list else read_target
        ctx.read_members.append(Member(name, f"{annotation} | None", doc))
        return
    edge = item.edge
    assert edge is not None
    ctx.runtime_imports.update({"EdgeConnection", "NodeId"})
    edge_type = node_id(edge.edge_type.space, edge.edge_type.external_id, "            ")
    expression = bracketed(f"{py_str(name)}: EdgeConnection(", [edge_type, py_str(edge.direction)], "        ")
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


def edge_class_names(sdk: SDKModel, names: PythonNames) -> dict[tuple[ViewRef, str, ViewRef], tuple[str, str]]:
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


def edge_classes(ctx: ViewContext, sdk: SdkContext) -> None:
    """The typed edge classes of an edge view: one per far-end view that a connection reaches it with."""
    view = ctx.view
    names = sdk.names.view(view.id)
    display = view.display_name
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
