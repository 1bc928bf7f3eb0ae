"""Turning response bytes into typed instances.

The fast path is one ``validate_json`` call per response on a small model whose ``items`` field is
``list[TheViewClass]``: pydantic-core reads the bytes and builds every object in Rust. Nothing loops
over items in Python. The slow path (``validate=False``) exists for schema drift: objects are built
with ``model_construct`` from ``json.loads`` output, values as CDF sent them (ids and times converted).
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from pygen.instances._ids import NodeId
from pygen.instances._instances import DirectRelation, _Instance, load_references
from pygen.instances._record import record

if TYPE_CHECKING:
    from pygen.instances._results import InstanceValidationError

__all__ = ["construct", "parse_items", "parse_model", "query_response_model", "response_model"]

_T = TypeVar("_T", bound=_Instance)
_M = TypeVar("_M", bound=BaseModel)

_models: dict[Any, type[BaseModel]] = {}
_lock = threading.Lock()


def response_model(cls: type[_Instance]) -> type[BaseModel]:
    """``{"items": list[cls], "nextCursor": str | None}``, built once per class."""
    model = _models.get(cls)
    if model is None:
        with _lock:
            model = _models.get(cls)
            if model is None:
                load_references(cls.__module__)  # the classes it names, which pydantic resolves now
                model = create_model(
                    f"{cls.__name__}Items",
                    __config__=ConfigDict(extra="ignore"),
                    items=(list[cls], ...),  # type: ignore[valid-type]
                    nextCursor=(str | None, None),
                )
                _models[cls] = model
    return model


def query_response_model(classes: tuple[tuple[str, type[_Instance]], ...]) -> type[BaseModel]:
    """``{"items": {name: list[cls], ...}, "nextCursor": {name: str}}`` of a ``/models/instances/query``
    answer whose result sets are ``classes`` (``(name, class)`` pairs), built once per combination."""
    model = _models.get(classes)
    if model is None:
        with _lock:
            model = _models.get(classes)
            if model is None:
                for _, cls in classes:
                    load_references(cls.__module__)  # the classes they name, which pydantic resolves now
                fields: dict[str, Any] = {name: (list[cls], []) for name, cls in classes}  # type: ignore[valid-type]
                items = create_model("QueryItems", __config__=ConfigDict(extra="ignore"), **fields)
                model = create_model(
                    "QueryResponse",
                    __config__=ConfigDict(extra="ignore"),
                    items=(items, ...),
                    nextCursor=(dict[str, str] | None, None),
                )
                _models[classes] = model
    return model


def parse_items(cls: type[_T], raw: bytes, validate: bool = True) -> tuple[list[_T], str | None]:
    """The items and next cursor of a list/byids/search response, as ``cls`` objects."""
    if not validate:
        data = json.loads(raw)
        return [construct(cls, item) for item in data.get("items") or []], data.get("nextCursor")
    model = response_model(cls)
    try:
        parsed = model.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_error(cls.__name__, exc, raw) from None
    items: list[_T] = parsed.items  # type: ignore[attr-defined]
    cursor: str | None = parsed.nextCursor  # type: ignore[attr-defined]
    return items, cursor


def parse_model(model: type[_M], raw: bytes, label: str) -> _M:
    """Validate ``raw`` as ``model`` (a query response), naming instance and property on failure."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_error(label, exc, raw) from None


def validation_error(cls_name: str, exc: ValidationError, raw: bytes) -> InstanceValidationError:
    """An error naming, for each problem, the instance (from the raw response) and the property."""
    from pygen.instances._results import InstanceValidationError  # with the first error, not at import

    try:
        data: Any = json.loads(raw)
    except ValueError:
        data = None
    problems: list[dict[str, Any]] = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        # The instance is the object at the first list index in the location ("items", 3, ...).
        index_at = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
        instance, prop = "?", ".".join(str(part) for part in loc)
        if index_at is not None:
            node: Any = data
            for part in loc[: index_at + 1]:
                try:
                    node = node[part]
                except (KeyError, IndexError, TypeError):
                    node = None
                    break
            if isinstance(node, dict):
                instance = f"{node.get('instanceType', 'node')} {node.get('space')}:{node.get('externalId')}"
            rest = loc[index_at + 1 :]
            if rest[:1] == ["properties"] and len(rest) >= 4:
                prop = ".".join(str(part) for part in rest[3:])
                prop += f" (view {rest[1]}:{rest[2]})"
            else:
                prop = ".".join(str(part) for part in rest) or "(the instance)"
        problems.append({"instance": instance, "property": prop, "message": err["msg"], "input": err.get("input")})
    return InstanceValidationError(cls_name, problems)


def _id(value: object) -> object:
    if isinstance(value, dict) and "space" in value and "externalId" in value:
        return NodeId(value["space"], value["externalId"])
    return value


@record
class _Recipe:
    """How to build one class without validation: which keys go where, and the defaults."""

    base: tuple[tuple[str, str, int], ...]  # (field, API key, conversion)
    props: tuple[tuple[str, str, bool], ...]  # (field, property id, is a direct relation)
    defaults: dict[str, Any]
    factories: tuple[tuple[str, Any], ...]  # default factories run per object (mutable defaults)


_TIME, _ID, _PLAIN = 0, 1, 2
_recipes: dict[type[Any], _Recipe] = {}


def _recipe(cls: type[_Instance]) -> _Recipe:
    recipe = _recipes.get(cls)
    if recipe is None:
        base = tuple(
            (name, key, _TIME if key.endswith("Time") else _ID if key in ("type", "startNode", "endNode") else _PLAIN)
            for name, key in cls._base_fields.items()
        )
        props = tuple(
            (name, prop, isinstance(cls._connections.get(name), DirectRelation))
            for name, prop in cls._properties.items()
        )
        fields = cls.model_fields
        defaults = {name: info.default for name, info in fields.items() if not info.is_required()}
        factories = tuple((name, info.default_factory) for name, info in fields.items() if info.default_factory)
        recipe = _recipes[cls] = _Recipe(base, props, defaults, factories)
    return recipe


def construct(cls: type[_T], item: dict[str, Any]) -> _T:
    """Build ``cls`` from one API item without validation (ids and instance times converted).

    Same result as ``model_construct`` (fields set = the keys CDF sent, others at their defaults),
    built directly: this is the per-item Python loop that validation normally avoids.
    """
    recipe = _recipe(cls)
    values = dict(recipe.defaults)
    for name, factory in recipe.factories:
        values[name] = factory()
    fields_set: set[str] = set()
    for name, key, conversion in recipe.base:
        if key in item:
            value = item[key]
            if conversion == _TIME and isinstance(value, int):
                value = datetime.fromtimestamp(value / 1000, tz=timezone.utc)
            elif conversion == _ID:
                value = _id(value)
            values[name] = value
            fields_set.add(name)
    view = cls._view_id
    if view is not None:
        props = ((item.get("properties") or {}).get(view.space) or {}).get(view.key) or {}
        for name, prop, relation in recipe.props:
            if prop in props:
                value = props[prop]
                if relation:
                    value = [_id(v) for v in value] if isinstance(value, list) else _id(value)
                values[name] = value
                fields_set.add(name)
    obj = cls.__new__(cls)
    # What BaseModel.model_construct sets, without its per-field alias lookups.
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", fields_set)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj
