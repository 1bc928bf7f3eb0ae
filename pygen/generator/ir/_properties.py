"""Turn one DMS view property into IR: a ``Field`` (plus a ``Connection`` for direct relations) or a connection.

Each function returns what it built and appends diagnostics to a list; a property that cannot be
generated gives a warning and nothing else (errors as values: nothing here raises for model problems).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pygen._identifiers import validate_enum_value

from ._diagnostics import Diagnostic
from ._model import (
    BooleanType,
    Connection,
    DataType,
    DateType,
    DirectType,
    EdgeInfo,
    EnumType,
    Field,
    FloatType,
    IntType,
    JsonType,
    ReferenceType,
    ReverseInfo,
    TextType,
    TimestampType,
    ViewRef,
    filter_ops,
)
from ._read import EdgeConnection, MappedProperty, PropertyType, ReverseDirectRelation, ViewProperty

__all__ = ["PropertyContext", "build_property"]


@dataclass(frozen=True)
class PropertyContext:
    """What a property needs from the rest of the model.

    ``properties(ref)`` gives the (flattened) DMS properties of a view in the model, or None when the
    view is not generated; ``ancestors(ref)`` the views in the model that ``ref`` implements.
    """

    view: ViewRef
    properties: Callable[[ViewRef], Mapping[str, ViewProperty] | None]
    ancestors: Callable[[ViewRef], frozenset[ViewRef]]

    def in_model(self, ref: ViewRef) -> bool:
        """True when ``ref`` is a generated view."""
        return self.properties(ref) is not None


def _data_type(type_: PropertyType, target: ViewRef | None) -> DataType | None:
    kind = type_.kind
    if kind == "text":
        return TextType()
    if kind in ("int32", "int64"):
        return IntType(32 if kind == "int32" else 64, type_.unit)
    if kind in ("float32", "float64"):
        return FloatType(32 if kind == "float32" else 64, type_.unit)
    if kind == "boolean":
        return BooleanType()
    if kind == "timestamp":
        return TimestampType()
    if kind == "date":
        return DateType()
    if kind == "json":
        return JsonType()
    if kind == "enum":
        return EnumType(tuple(sorted(key for key, _, _ in type_.values)))
    if kind == "direct":
        return DirectType(target)
    if kind == "timeseries":
        return ReferenceType("timeseries")
    if kind == "file":
        return ReferenceType("file")
    if kind == "sequence":
        return ReferenceType("sequence")
    return None


#: How many values DMS allows in one enum.
ENUM_VALUES_MAX = 32


def _check_enum(item: str, enum: EnumType, unknown_value: str | None, out: list[Diagnostic]) -> EnumType | None:
    """The enum as generated, with a warning for each way it breaks the DMS rules; None when nothing can be."""

    def warn(message: str) -> None:
        out.append(Diagnostic("warning", item, "invalid-enum", message))

    if not enum.keys:
        warn(f"the enum has no values (DMS allows 1 to {ENUM_VALUES_MAX}): property skipped")
        return None
    if len(enum.keys) > ENUM_VALUES_MAX:
        warn(f"the enum has {len(enum.keys)} values, DMS allows at most {ENUM_VALUES_MAX}; generated anyway")
    for key in enum.keys:
        problem = validate_enum_value(key)
        if problem is not None:
            warn(f"{problem}; generated anyway")
    if unknown_value is not None and unknown_value not in enum.keys:
        warn(f"unknownValue {unknown_value!r} is not one of the enum's values: ignored")
    return enum


def build_property(
    context: PropertyContext,
    prop_id: str,
    prop: ViewProperty,
    out: list[Diagnostic],
) -> tuple[Field | None, Connection | None]:
    """The IR of one view property; warnings for what was skipped or simplified go to ``out``."""
    item = f"{context.view}.{prop_id}"
    if isinstance(prop, MappedProperty):
        return _mapped(context, item, prop_id, prop, out)
    if isinstance(prop, EdgeConnection):
        return None, _edge(context, item, prop_id, prop, out)
    if isinstance(prop, ReverseDirectRelation):
        return None, _reverse(context, item, prop_id, prop, out)
    kind = prop.connection_type
    out.append(
        Diagnostic(
            "warning",
            item,
            "unknown-property-kind",
            f"unknown view property kind (connectionType {kind!r}): property skipped",
        )
    )
    return None, None


def _target(
    context: PropertyContext, item: str, ref: ViewRef | None, what: str, out: list[Diagnostic]
) -> ViewRef | None:
    if ref is None:
        return None
    target = ref
    if context.in_model(target):
        return target
    out.append(
        Diagnostic(
            "warning",
            item,
            "target-outside-model",
            f"{what} target view {target} is not in the model: typed as a plain node id",
        )
    )
    return None


def _mapped(
    context: PropertyContext,
    item: str,
    prop_id: str,
    prop: MappedProperty,
    out: list[Diagnostic],
) -> tuple[Field | None, Connection | None]:
    type_ = prop.type
    target = None
    if type_.kind == "direct":
        target = _target(context, item, type_.source, "direct relation", out)
    data_type = _data_type(type_, target)
    if isinstance(data_type, EnumType):
        data_type = _check_enum(item, data_type, type_.unknown_value, out)
        if data_type is None:
            return None, None
    if data_type is None:
        name = type_.kind
        out.append(
            Diagnostic(
                "warning", item, "unknown-property-type", f"property type {name!r} is not supported: property skipped"
            )
        )
        return None, None
    field = Field(
        property_id=prop_id,
        type=data_type,
        name=prop.name,
        description=prop.description,
        is_list=type_.is_list,
        nullable=prop.nullable,
        auto_increment=prop.auto_increment,
        default_json=None if prop.default_value is None else json.dumps(prop.default_value, sort_keys=True),
        filters=filter_ops(data_type, type_.is_list),
    )
    if not isinstance(data_type, DirectType):
        return field, None
    connection = Connection(
        property_id=prop_id,
        kind="direct_list" if type_.is_list else "direct",
        target=target,
        name=prop.name,
        description=prop.description,
    )
    return field, connection


def _edge(
    context: PropertyContext,
    item: str,
    prop_id: str,
    prop: EdgeConnection,
    out: list[Diagnostic],
) -> Connection:
    target = _target(context, item, prop.source, "edge connection", out)
    edge_view = None
    if prop.edge_source is not None:
        edge_view = prop.edge_source
        if not context.in_model(edge_view):
            out.append(
                Diagnostic(
                    "warning",
                    item,
                    "edge-view-outside-model",
                    f"edge properties view {edge_view} is not in the model: edge properties left out",
                )
            )
            edge_view = None
    return Connection(
        property_id=prop_id,
        kind="edge_single" if prop.single else "edge_multi",
        target=target,
        name=prop.name,
        description=prop.description,
        edge=EdgeInfo(prop.type, prop.direction, edge_view),
    )


def _reverse(
    context: PropertyContext,
    item: str,
    prop_id: str,
    prop: ReverseDirectRelation,
    out: list[Diagnostic],
) -> Connection | None:
    target = prop.source
    if not context.in_model(target):
        out.append(
            Diagnostic(
                "warning",
                item,
                "reverse-target-outside-model",
                f"reverse relation source view {target} is not in the model: connection skipped",
            )
        )
        return None
    if isinstance(prop.through, ViewRef):
        through_view = prop.through
        properties = context.properties(through_view)
        if properties is None:
            out.append(
                Diagnostic(
                    "warning",
                    item,
                    "reverse-target-outside-model",
                    f"reverse relation goes through view {through_view}, which is not in the model: connection skipped",
                )
            )
            return None
        through_id = prop.through_identifier
        through_prop = properties.get(through_id)
        where = f"{through_view}.{through_id}"
    else:
        # Through a container property: find the property of the source view that maps it.
        through_view = target
        properties = context.properties(target) or {}
        container = prop.through
        matches = sorted(
            pid
            for pid, candidate in properties.items()
            if isinstance(candidate, MappedProperty)
            and candidate.container == container
            and candidate.container_property_identifier == prop.through_identifier
        )
        where = f"{container}.{prop.through_identifier}"
        if len(matches) > 1:
            out.append(
                Diagnostic(
                    "warning",
                    item,
                    "reverse-through-ambiguous",
                    f"reverse relation goes through container property {where}, which view {target} maps as "
                    f"{', '.join(repr(m) for m in matches)}: using {matches[0]!r}",
                )
            )
        through_id = matches[0] if matches else prop.through_identifier
        through_prop = properties.get(through_id) if matches else None
    if through_prop is None:
        out.append(
            Diagnostic(
                "warning",
                item,
                "reverse-through-missing",
                f"reverse relation goes through {where}, which does not exist: connection skipped",
            )
        )
        return None
    if not isinstance(through_prop, MappedProperty) or through_prop.type.kind != "direct":
        out.append(
            Diagnostic(
                "warning",
                item,
                "reverse-through-not-direct",
                f"reverse relation goes through {where}, which is not a direct relation: connection skipped",
            )
        )
        return None
    hint = through_prop.type.source
    if hint is not None and not _related(context, hint):
        out.append(
            Diagnostic(
                "warning",
                item,
                "reverse-through-mismatch",
                f"reverse relation goes through {where}, whose target view is {hint}, not this view "
                "or one it implements or is implemented by: generated as the model says",
            )
        )
    single = prop.single
    return Connection(
        property_id=prop_id,
        kind="reverse_single" if single else "reverse_multi",
        target=target,
        name=prop.name,
        description=prop.description,
        reverse=ReverseInfo(through_view, through_id, through_prop.type.is_list),
    )


def _related(context: PropertyContext, other: ViewRef) -> bool:
    view = context.view
    return other == view or other in context.ancestors(view) or view in context.ancestors(other)
