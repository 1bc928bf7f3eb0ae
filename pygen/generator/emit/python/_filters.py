"""How a view is filtered in Python: the builder of each field (``<View>Fields``) and the filter keywords.

What a field can filter is the IR's ``Field.filters`` (``pygen.generator.ir.filter_ops``): the builder is
the runtime's one that offers exactly those operators for the field's type, and the keywords are the ones
the runtime's naming rule (``pygen.instances._keywords``) gives those operators.
"""

from __future__ import annotations

from pygen.generator.emit.python._context import Keyword, SdkContext, ViewContext
from pygen.generator.emit.python._escape import py_str
from pygen.generator.emit.python._runtime_names import API_PARAMETERS, EDGE_FIELDS_ATTRIBUTES, NODE_FIELDS_ATTRIBUTES
from pygen.generator.emit.python._source import bracketed
from pygen.generator.emit.python._types import enum_alias, scalar
from pygen.generator.ir import (
    BooleanType,
    DataType,
    DateType,
    Diagnostic,
    DirectType,
    EnumType,
    Field,
    FilterOp,
    FloatType,
    IntType,
    JsonType,
    ReferenceType,
    TextType,
    TimestampType,
)

__all__ = ["fields_line", "keywords"]

_TEXT: tuple[FilterOp, ...] = ("equals", "exists", "in", "prefix")
_RANGED: tuple[FilterOp, ...] = ("equals", "exists", "in", "range")
_LIST: tuple[FilterOp, ...] = ("contains_all", "contains_any", "exists")

#: The builder of the runtime (``pygen.instances``) that offers exactly a field's filters, by those operators and
#: the field's type (``None``: any other type). ``ListProperty`` and ``EnumProperty`` take the value type.
_BUILDERS: dict[tuple[tuple[FilterOp, ...], type[DataType] | None], str] = {
    (("exists",), JsonType): "JsonProperty",
    (("equals", "exists"), BooleanType): "BooleanProperty",
    (("equals", "exists", "in"), EnumType): "EnumProperty",
    (("equals", "exists", "in"), DirectType): "DirectRelationProperty",
    (_TEXT, TextType): "TextProperty",
    (_TEXT, ReferenceType): "TextProperty",
    (_RANGED, IntType): "IntProperty",
    (_RANGED, FloatType): "FloatProperty",
    (_RANGED, TimestampType): "TimestampProperty",
    (_RANGED, DateType): "DateProperty",
    (_LIST, DirectType): "DirectRelationListProperty",
    (_LIST, None): "ListProperty",
}


def fields_line(ctx: ViewContext, item: Field, name: str) -> str:
    """The field's line of the ``<View>Fields`` class: ``name = <Builder>(_ref("propertyId"))``."""
    kind = item.type
    builder = _BUILDERS.get((item.filters, type(kind))) or _BUILDERS.get((item.filters, None))
    if builder is None:  # pragma: no cover - the IR decided operators no builder of the runtime offers
        raise ValueError(f"pygen.instances has no builder with the filters {item.filters} of {kind!r}")
    ctx.runtime_imports.add(builder)
    if builder == "ListProperty":
        builder += f"[{scalar(kind, ctx, name)}]"
    elif builder == "EnumProperty":
        assert isinstance(kind, EnumType)
        builder += f"[{enum_alias(ctx, kind, name)}]"
    return bracketed(f"{name} = {builder}(", [f"_ref({py_str(item.property_id)})"], "    ")


def keywords(ctx: ViewContext, sdk: SdkContext, out: list[Diagnostic]) -> None:
    """The filter keywords of the view, named by the runtime's rule from the field names and ``Field.filters``.

    ``<field>`` (``equals``, and ``in`` given a list; ``contains_any`` for lists), ``<field>_prefix``
    (``prefix``), ``min_<field>`` and ``max_<field>`` (``range``), plus ``external_id_prefix``, ``space`` and
    ``exists`` (see ``pygen.instances._keywords``); ``contains_all`` has no keyword (the builder has it).
    A field's own keyword that is a method parameter gets a ``_`` (``limit_``); any other keyword that would
    be a method parameter, another field (the runtime reads a field name as that field), or another keyword
    is left out. Both with a warning.
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
        ops, what = item.filters, f"property {item.property_id!r}"
        if "exists" in ops:
            existing.append(attr)
        value = _keyword_value(ctx, item, attr)
        if "contains_any" in ops:
            add(attr, f"Sequence[{value}]", what, own_field=True)
        elif "in" in ops:
            add(attr, f"{value} | Sequence[{value}]", what, own_field=True)
        elif "equals" in ops:
            add(attr, value, what, own_field=True)
        if "prefix" in ops:
            add(f"{attr}_prefix", value, f"prefix of {what}")
        if "range" in ops:
            add(f"min_{attr}", value, f"lower bound of {what}")
            add(f"max_{attr}", value, f"upper bound of {what}")
    add("external_id_prefix", "str", "prefix of the external id")
    add("space", "str | Sequence[str]", "the instance space", own_field=True)
    if existing:
        alias = ctx.alias("_PropertyName", [py_str(name) for name in existing])
        add("exists", f"Sequence[{alias}]", "properties that must have a value")
    ctx.runtime_imports.add(base)
    ctx.keywords = found


def _keyword_value(ctx: ViewContext, item: Field, attr: str) -> str:
    """The type of one value a keyword of the field takes (of one element, for lists)."""
    kind = item.type
    if isinstance(kind, DirectType):
        ctx.runtime_imports.add("NodeIdLike")
        return "NodeIdLike"
    if isinstance(kind, JsonType):
        return "Json"  # exists only: no keyword takes a value
    if item.is_list:
        return scalar(kind, ctx, attr).removesuffix(" | str")
    if isinstance(kind, EnumType):
        return enum_alias(ctx, kind, attr)
    if isinstance(kind, (TimestampType, DateType)):
        value = "datetime" if isinstance(kind, TimestampType) else "date"
        ctx.datetime_imports.add(value)
        return value
    return scalar(kind, ctx, attr)
