"""The Python types of a view's fields: read and write annotations, and write defaults from the view's filter."""

from __future__ import annotations

from pygen.generator.emit.python._context import Member, SdkContext, ViewContext, has_write_class, member_doc
from pygen.generator.emit.python._escape import py_str
from pygen.generator.emit.python._source import bracketed
from pygen.generator.ir import (
    BooleanType,
    DataType,
    DateType,
    DirectType,
    EnumType,
    Field,
    FloatType,
    IntType,
    JsonType,
    ReferenceType,
    TextType,
    TimestampType,
)

__all__ = ["enum_alias", "field_members", "node_id", "scalar"]


def enum_alias(ctx: ViewContext, enum: EnumType, name: str) -> str:
    """The module-level ``Literal`` alias of the enum's values (``_<field>_values``)."""
    return ctx.alias(f"_{name}_values", [py_str(key) for key in enum.keys])


def scalar(field_type: DataType, ctx: ViewContext, name: str) -> str:
    """The Python type of one value of ``field_type`` as read (enums also take values the model does not know)."""
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
        return f"{enum_alias(ctx, field_type, name)} | str"
    raise TypeError(f"no scalar Python type for {field_type!r}")  # pragma: no cover - direct handled by callers


#: Per kind of reference property: its read type, and the classic resource its write type also takes.
_REFERENCES: dict[str, tuple[str, str | None]] = {
    "timeseries": ("TimeSeriesRef", "ClassicTimeSeries"),
    "file": ("FileRef", "ClassicFile"),
    "sequence": ("SequenceRef", None),
}


def _listed(inner: str, is_list: bool) -> str:
    return f"list[{inner}]" if is_list else inner


def field_members(ctx: ViewContext, sdk: SdkContext, item: Field, name: str) -> None:
    """The read member of a field, and its write member when the view has a write class."""
    # Auto-increment properties are writable too (CDF fills them in when they are not given).
    writes = ctx.write_class is not None
    read: str
    write = ""
    if isinstance(item.type, DirectType):
        target = sdk.node_target(item.type.target)
        # A direct relation (and its property id) is told by its Fields builder (`_filters.fields_line`).
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
        read = scalar(item.type, ctx, name)  # reads keep values the model does not know yet as str
        write = enum_alias(ctx, item.type, name)
    elif isinstance(item.type, JsonType):
        read = scalar(item.type, ctx, name)
        ctx.runtime_imports.add("JsonObject")
        write = "JsonObject"  # CDF stores JSON objects only
    elif isinstance(item.type, ReferenceType):
        # Read: a typed reference (a str); write: the external id, or a classic resource written with the node.
        read, classic = _REFERENCES[item.type.kind]
        ctx.runtime_imports.add(read)
        write = "str"
        if classic is not None:
            ctx.runtime_imports.add(classic)
            write = f"str | {classic}"
    else:
        read = write = scalar(item.type, ctx, name)
    doc = member_doc(item.name, item.description, item.property_id, "    ")
    ctx.read_members.append(Member(name, f"{_listed(read, item.is_list)} | None", doc))
    if writes:
        annotation = f"{_listed(write, item.is_list)} | None"
        default = _filter_default(ctx, item, f"{name}: {annotation} = ")
        if default != "None":
            ctx.write_defaults.append(py_str(name))
        required = item.required and default == "None"
        init = _listed(write, item.is_list) if required else annotation
        ctx.write_members.append(Member(name, annotation, doc, default, init, required))


def _filter_default(ctx: ViewContext, item: Field, target: str) -> str:
    """The Python value (after ``target`` in a class body) the view's filter requires of the field, or ``None``.

    Only values that fit the field's type are used (a filter fixing a list or a timestamp gives none).
    """
    value = ctx.view.filter_default(item.property_id)
    kind = item.type
    if value is None or item.is_list:
        return "None"
    if isinstance(kind, (TextType, ReferenceType, EnumType)) and isinstance(value, str):
        return py_str(value)
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
            return node_id(space, external_id, "    ", target)
    return "None"


def node_id(space: str, external_id: str, indent: str, target: str = "") -> str:
    """``NodeId(space, external_id)``, where it stands at ``indent`` after ``target`` (``type: ... = ``)."""
    return bracketed(f"{target}NodeId(", [py_str(space), py_str(external_id)], indent).removeprefix(target)
