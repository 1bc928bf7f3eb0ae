"""What changed between two snapshots of a data model: views added or removed, properties added, removed or retyped.

A pure function over the DMS API JSON (what :func:`~pygen.generator.fetch.load_snapshot` returns), so
``pygen refresh`` can print a short, reviewable summary before the new snapshot is committed.

Example:
    The example project's snapshot, and a v2 of it with a view less and a property renamed:

    >>> import copy
    >>> from pygen.generator.fetch import load_snapshot
    >>> old = load_snapshot("example_project/snapshots/cdf_cdm.CogniteCore.v1.json")
    >>> new = copy.deepcopy(old)
    >>> new["version"] = "v2"
    >>> new["views"] = [view for view in new["views"] if view["externalId"] != "Cognite360Image"]
    >>> asset = next(view for view in new["views"] if view["externalId"] == "CogniteAsset")
    >>> asset["properties"]["labels"] = asset["properties"].pop("tags")
    >>> print(diff_models(old, new))
    cdf_cdm:CogniteCore/v1 -> cdf_cdm:CogniteCore/v2
      - view cdf_cdm:Cognite360Image/v1
      ~ view cdf_cdm:CogniteAsset/v1
          + property labels: text[]
          - property tags: text[]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["ModelDiff", "PropertyChange", "ViewChange", "describe_property", "diff_models"]

ChangeKind = Literal["added", "removed", "retyped"]
_SIGN = {"added": "+", "removed": "-", "retyped": "~"}


@dataclass(frozen=True)
class PropertyChange:
    """One property of a view that appeared, disappeared, or whose type (or requiredness) changed."""

    name: str
    kind: ChangeKind
    old: str | None
    new: str | None

    def __str__(self) -> str:
        if self.kind == "retyped":
            return f"~ property {self.name}: {self.old} -> {self.new}"
        return f"{_SIGN[self.kind]} property {self.name}: {self.new if self.kind == 'added' else self.old}"


@dataclass(frozen=True)
class ViewChange:
    """A view present before and after (matched by space and externalId), with its property changes."""

    view: str
    old_version: str
    new_version: str
    properties: tuple[PropertyChange, ...]

    @property
    def title(self) -> str:
        if self.old_version == self.new_version:
            return f"~ view {self.view}/{self.new_version}"
        return f"~ view {self.view}/{self.old_version} -> {self.new_version}"


@dataclass(frozen=True)
class ModelDiff:
    """The difference between two versions (or two fetches) of a data model."""

    old_model: str | None
    new_model: str
    views_added: tuple[str, ...]
    views_removed: tuple[str, ...]
    views_changed: tuple[ViewChange, ...]
    identical: bool

    @property
    def has_schema_changes(self) -> bool:
        """True when a view or property was added, removed or retyped (or a view changed version)."""
        return bool(self.views_added or self.views_removed or self.views_changed)

    def lines(self) -> list[str]:
        """The summary as lines: a title, then ``+``/``-``/``~`` entries, indented."""
        if self.old_model is None:
            title = f"{self.new_model} (new snapshot, {len(self.views_added)} views)"
            return [title]
        title = self.new_model if self.old_model == self.new_model else f"{self.old_model} -> {self.new_model}"
        if self.identical:
            return [f"{title}: unchanged"]
        if not self.has_schema_changes:
            return [f"{title}: no view or property changes (names, descriptions or other details changed)"]
        out = [title]
        out += [f"  + view {view}" for view in self.views_added]
        out += [f"  - view {view}" for view in self.views_removed]
        for change in self.views_changed:
            out.append(f"  {change.title}")
            out += [f"      {prop}" for prop in change.properties]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def diff_models(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> ModelDiff:
    """Compare two data models (DMS API JSON with inline views); ``old=None`` means there was no snapshot."""
    new_views = _views(new)
    if old is None:
        return ModelDiff(None, _model_id(new), tuple(sorted(_with_version(new_views))), (), (), False)
    old_views = _views(old)
    added = sorted(_with_version({key: new_views[key] for key in new_views.keys() - old_views.keys()}))
    removed = sorted(_with_version({key: old_views[key] for key in old_views.keys() - new_views.keys()}))
    changed: list[ViewChange] = []
    for key in sorted(old_views.keys() & new_views.keys()):
        before, after = old_views[key], new_views[key]
        props = _property_changes(_properties(before), _properties(after))
        old_version, new_version = str(before.get("version")), str(after.get("version"))
        if props or old_version != new_version:
            changed.append(ViewChange(key, old_version, new_version, tuple(props)))
    return ModelDiff(
        _model_id(old), _model_id(new), tuple(added), tuple(removed), tuple(changed), _canonical(old) == _canonical(new)
    )


def describe_property(prop: Mapping[str, Any]) -> str:
    """A short type description: ``text``, ``int64[] (required)``, ``direct -> sp:Asset/v1``, ``edge[] -> sp:P/v1``."""
    connection = prop.get("connectionType")
    if isinstance(connection, str):
        target = _ref(prop.get("source"))
        if connection.endswith("edge_connection"):
            many = "[]" if connection.startswith("multi") else ""
            direction = " (inwards)" if prop.get("direction") == "inwards" else ""
            return f"edge{many}{direction} -> {target}"
        if connection.endswith("reverse_direct_relation"):
            many = "[]" if connection.startswith("multi") else ""
            through = prop.get("through")
            if not isinstance(through, Mapping):
                through = {}
            via = f"{_ref(through.get('source'))}.{through.get('identifier')}"
            return f"reverse direct{many} -> {target} via {via}"
        return connection
    type_ = prop.get("type")
    if not isinstance(type_, Mapping):
        return json.dumps(type_, sort_keys=True)
    name = str(type_.get("type"))
    many = "[]" if type_.get("list") else ""
    text = f"{name}{many}"
    if name == "direct":
        source = prop.get("source") or type_.get("source")
        if source:
            text += f" -> {_ref(source)}"
    elif name == "enum" and isinstance(type_.get("values"), Mapping):
        text += "(" + ", ".join(sorted(type_["values"])) + ")"
    if prop.get("nullable") is False:
        text += " (required)"
    return text


def _property_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[PropertyChange]:
    changes: list[PropertyChange] = []
    for name in sorted(old.keys() | new.keys()):
        if name not in old:
            changes.append(PropertyChange(name, "added", None, describe_property(new[name])))
        elif name not in new:
            changes.append(PropertyChange(name, "removed", describe_property(old[name]), None))
        else:
            before, after = describe_property(old[name]), describe_property(new[name])
            if before != after:
                changes.append(PropertyChange(name, "retyped", before, after))
    return changes


def _views(model: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    views = model.get("views") or []
    return {
        f"{view.get('space')}:{view.get('externalId')}": view
        for view in views
        if isinstance(view, Mapping) and isinstance(view.get("properties"), Mapping)
    }


def _with_version(views: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [f"{key}/{view.get('version')}" for key, view in views.items()]


def _properties(view: Mapping[str, Any]) -> Mapping[str, Any]:
    props = view.get("properties")
    return (
        {name: prop for name, prop in props.items() if isinstance(prop, Mapping)} if isinstance(props, Mapping) else {}
    )


def _ref(value: object) -> str:
    if isinstance(value, Mapping):
        version = value.get("version")
        base = f"{value.get('space')}:{value.get('externalId')}"
        return f"{base}/{version}" if version is not None else base
    return "?"


def _model_id(model: Mapping[str, Any]) -> str:
    return f"{model.get('space')}:{model.get('externalId')}/{model.get('version')}"


def _canonical(model: Mapping[str, Any]) -> str:
    # Timestamps change on every re-apply of an unchanged model; they are not a change worth reporting.
    def strip(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: strip(v) for k, v in value.items() if k not in {"createdTime", "lastUpdatedTime"}}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return json.dumps(strip(model), sort_keys=True)
