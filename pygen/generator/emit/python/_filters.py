"""How a view is filtered in Python: the builder of each field (``<View>Fields``) and the filter keywords.

The keywords are named by the runtime's rule (``pygen.instances._keywords``) from the field names.
"""

from __future__ import annotations

from pygen.generator.emit.python._context import Keyword, SdkContext, ViewContext
from pygen.generator.emit.python._escape import py_str
from pygen.generator.emit.python._runtime_names import API_PARAMETERS, EDGE_FIELDS_ATTRIBUTES, NODE_FIELDS_ATTRIBUTES
from pygen.generator.emit.python._source import bracketed
from pygen.generator.emit.python._types import enum_alias, scalar
from pygen.generator.ir import (
    BooleanType,
    DateType,
    Diagnostic,
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

__all__ = ["fields_line", "keywords"]


def fields_line(ctx: ViewContext, item: Field, name: str) -> str:
    """The field's line of the ``<View>Fields`` class: ``name = <Builder>(_ref("propertyId"))``."""
    ref = f"_ref({py_str(item.property_id)})"
    kind = item.type
    builder: str
    if isinstance(kind, JsonType):
        builder = "JsonProperty"
    elif isinstance(kind, DirectType):
        builder = "DirectRelationListProperty" if item.is_list else "DirectRelationProperty"
    elif item.is_list:
        ctx.runtime_imports.add("ListProperty")
        return bracketed(f"{name} = ListProperty[{scalar(kind, ctx, name)}](", [ref], "    ")
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
        return bracketed(f"{name} = EnumProperty[{enum_alias(ctx, kind, name)}](", [ref], "    ")
    ctx.runtime_imports.add(builder)
    return bracketed(f"{name} = {builder}(", [ref], "    ")


def keywords(ctx: ViewContext, sdk: SdkContext, out: list[Diagnostic]) -> None:
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
    found: list[Keyword] = []
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
        found.append(Keyword(name, annotation))

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
                inner = scalar(kind, ctx, attr).removesuffix(" | str")
            add(attr, f"Sequence[{inner}]", what, own_field=True)
        elif isinstance(kind, (TextType, ReferenceType)):
            add(attr, "str | Sequence[str]", what, own_field=True)
            add(f"{attr}_prefix", "str", f"prefix of {what}")
        elif isinstance(kind, EnumType):
            alias = enum_alias(ctx, kind, attr)
            add(attr, f"{alias} | Sequence[{alias}]", what, own_field=True)
        elif isinstance(kind, (IntType, FloatType, TimestampType, DateType)):
            value = {IntType: "int", FloatType: "float", TimestampType: "datetime", DateType: "date"}[type(kind)]
            if value in ("datetime", "date"):
                ctx.datetime_imports.add(value)
            add(f"min_{attr}", value, f"lower bound of {what}")
            add(f"max_{attr}", value, f"upper bound of {what}")
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
    ctx.keywords = found
