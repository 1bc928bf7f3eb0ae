"""Build the IR from DMS data models: collect and deduplicate views, flatten inheritance, resolve references.

``build_ir`` never raises for problems in the model: it returns ``(SDKModel | None, diagnostics)``,
None exactly when a diagnostic is an error. Output depends only on the content of the models, not on
the order they (or their views) are given in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pygen._identifiers import validate_external_id, validate_property_id, validate_space, validate_version

from ._diagnostics import Diagnostic, has_errors, sort_diagnostics
from ._model import (
    Connection,
    CoreResource,
    DataModelInfo,
    Field,
    InstanceKind,
    ModelRef,
    NodeRef,
    SDKModel,
    ViewClass,
    ViewRef,
)
from ._properties import PropertyContext, build_property
from ._read import DataModel, MappedProperty, View, ViewProperty, from_dms

if TYPE_CHECKING:
    from pygen import dms

__all__ = ["build_ir"]

_NEUTRAL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,254}")
_KINDS: dict[str | None, InstanceKind] = {None: "node", "node": "node", "edge": "edge", "all": "all"}


def build_ir(
    models: Iterable[DataModel | dms.DataModel],
    *,
    default_instance_space: str | None = None,
    view_names: Mapping[str, str] | None = None,
) -> tuple[SDKModel | None, list[Diagnostic]]:
    """The IR of one SDK over ``models`` (views deduplicated by id), and every diagnostic, errors first.

    ``view_names`` maps a view id (``"space:externalId/version"``) to the identifier emitters name its
    classes after (default: the external id); use it to keep two views that share an external id.
    ``models`` are ``pygen.dms.DataModel`` objects, or what ``pygen.generator.ir._read.read_model`` reads (the
    generator's way: no pydantic).

    Example:
        >>> import json
        >>> from pathlib import Path
        >>> from pygen.dms import DataModel
        >>> core = DataModel.load(json.loads(Path("example_project/snapshots/cdf_cdm.CogniteCore.v1.json").read_text()))
        >>> sdk, diagnostics = build_ir([core], view_names={"cdf_cdm:CogniteAsset/v1": "Asset"})
        >>> diagnostics, [view.identifier for view in sdk.views if view.id.external_id == "CogniteAsset"]
        ([], ['Asset'])

        A model with an error gives no IR:

        >>> sdk, diagnostics = build_ir([DataModel.load({"space": "sp", "externalId": "Empty", "version": "1"})])
        >>> print(sdk, *diagnostics)
        None error: sp:Empty/1: the data model has no view to generate [no-views]
    """
    out: list[Diagnostic] = []
    ordered = sorted((m if isinstance(m, DataModel) else from_dms(m) for m in models), key=lambda m: m.ref)
    views = _collect_views(ordered, out)
    identifiers = _identifiers(views, dict(view_names or {}), out)
    for ref, view in views.items():
        _check_identifiers(ref, view, out)
    generated = {ref: view for ref, view in views.items() if _kind(ref, view, out) is not None}
    if not generated:
        out.append(Diagnostic("error", _models_item(ordered), "no-views", "the data model has no view to generate"))
    builder = _Builder(generated, out)
    classes = tuple(builder.view_class(ref, identifiers[ref]) for ref in sorted(generated))
    diagnostics = sort_diagnostics(out)
    if has_errors(diagnostics):
        return None, diagnostics
    infos = tuple(DataModelInfo(m.ref, m.name) for m in _unique(ordered))
    return SDKModel(infos, classes, default_instance_space), diagnostics


def _models_item(models: Sequence[DataModel]) -> str:
    return ", ".join(str(m.ref) for m in models) or "(no data model)"


def _unique(models: Sequence[DataModel]) -> list[DataModel]:
    seen: dict[ModelRef, DataModel] = {}
    for model in models:
        seen.setdefault(model.ref, model)
    return [seen[ref] for ref in sorted(seen)]


# ---------------------------------------------------------------------------------------------- views


def _canonical(view: View) -> str:
    data = view.dump()
    for key in ("createdTime", "lastUpdatedTime"):
        data.pop(key, None)
    return json.dumps(data, sort_keys=True, default=str)


def _collect_views(models: Sequence[DataModel], out: list[Diagnostic]) -> dict[ViewRef, View]:
    """Every inline view by id; a view defined differently in two models gives a warning and one winner."""
    entries: dict[ViewRef, list[tuple[View, str]]] = {}
    listed: dict[ViewRef, list[str]] = {}
    for model in models:
        model_id = str(model.ref)
        for entry in model.views or ():
            if isinstance(entry, ViewRef):
                listed.setdefault(entry, []).append(model_id)
            else:
                entries.setdefault(entry.ref, []).append((entry, model_id))
    found: dict[ViewRef, dict[str, tuple[View, list[str]]]] = {}
    for ref, candidates in entries.items():
        if len(candidates) == 1:  # the common case: no need to compare definitions
            view, model_id = candidates[0]
            found[ref] = {"": (view, [model_id])}
            continue
        variants = found.setdefault(ref, {})
        for view, model_id in candidates:
            variants.setdefault(_canonical(view), (view, []))[1].append(model_id)
    views: dict[ViewRef, View] = {}
    for ref, variants in found.items():
        # Deterministic choice whatever the input order: newest, then most properties, then text order.
        ranked = sorted(
            variants.items(),
            key=lambda item: (-(item[1][0].last_updated_time or 0), -len(item[1][0].properties), item[0]),
        )
        views[ref] = ranked[0][1][0]
        if len(ranked) > 1:
            sources = "; ".join(" and ".join(sorted(set(where))) for _, (_, where) in ranked)
            out.append(
                Diagnostic(
                    "warning",
                    str(ref),
                    "view-conflict",
                    f"the view is defined differently by the data models ({sources}); using the definition from "
                    f"{', '.join(sorted(set(ranked[0][1][1])))} (newest, then most properties)",
                )
            )
    for ref, model_ids in listed.items():
        if ref not in views:
            out.append(
                Diagnostic(
                    "warning",
                    str(ref),
                    "view-not-inline",
                    f"data model {', '.join(sorted(set(model_ids)))} lists the view without its definition: view "
                    "skipped (read the data model with inlineViews=true)",
                )
            )
    return views


def _identifiers(views: Mapping[ViewRef, View], names: dict[str, str], out: list[Diagnostic]) -> dict[ViewRef, str]:
    """The identifier of every view: its external id, what ``view_names`` says, or a told-apart name.

    Views that share an external id (in two spaces, or two versions of one view) are named by
    :func:`_told_apart`, each with an ``info``; a name that is still taken twice is an error.
    """
    by_text = {str(ref): ref for ref in views}
    identifiers = {ref: ref.external_id for ref in views}
    named: set[ViewRef] = set()
    for key, name in sorted(names.items()):
        ref = by_text.get(key)
        if ref is None:
            out.append(
                Diagnostic(
                    "error",
                    key,
                    "unknown-view-name",
                    f"view_names names a view that is not in the model: {key} (views are named "
                    '"space:externalId/version")',
                )
            )
        elif not isinstance(name, str) or not _NEUTRAL_NAME.fullmatch(name):
            out.append(
                Diagnostic(
                    "error",
                    key,
                    "invalid-view-name",
                    f"view_names gives {name!r}: a name must be a letter followed by letters, digits and '_'",
                )
            )
        else:
            identifiers[ref] = name
            named.add(ref)
    sharing: dict[str, list[ViewRef]] = {}
    for ref in views:
        if ref not in named:
            sharing.setdefault(ref.external_id, []).append(ref)
    for external_id, refs in sorted(sharing.items()):
        if len(refs) < 2:
            continue
        listed = ", ".join(str(ref) for ref in sorted(refs))
        for ref, name in sorted(_told_apart(external_id, refs).items()):
            if name == external_id:
                continue
            identifiers[ref] = name
            out.append(
                Diagnostic(
                    "info",
                    str(ref),
                    "view-renamed",
                    f"views {listed} share the external id {external_id!r}: named {name!r} "
                    f'(view_names={{"{ref}": "..."}} chooses another name)',
                )
            )
    groups: dict[str, list[ViewRef]] = {}
    for ref, identifier in identifiers.items():
        groups.setdefault(identifier, []).append(ref)
    for refs in groups.values():
        if len(refs) < 2:
            continue
        listed = ", ".join(f"{ref} ({identifiers[ref]!r})" for ref in sorted(refs))
        for ref in sorted(refs):
            out.append(
                Diagnostic(
                    "error",
                    str(ref),
                    "duplicate-view-name",
                    f'views {listed} would have one name: give this one another with view_names={{"{ref}": "..."}}',
                )
            )
    return identifiers


def _told_apart(external_id: str, refs: Sequence[ViewRef]) -> dict[ViewRef, str]:
    """Names for views that share ``external_id``: by space (when the spaces differ), then by version.

    In more than one space, every view gets its space as a suffix (``Asset_pygen_models_other``). Within a
    space the newest version (natural order: ``v10`` after ``v9``) keeps the name and older ones get
    theirs (``Pump_v1``). Whatever order the models come in, the names are the same.
    """
    spaces = sorted({ref.space for ref in refs})
    names: dict[ViewRef, str] = {}
    for space in spaces:
        base = external_id if len(spaces) == 1 else f"{external_id}_{_name_part(space)}"
        versions = sorted((ref for ref in refs if ref.space == space), key=lambda r: _natural(r.version), reverse=True)
        names[versions[0]] = base
        for ref in versions[1:]:
            part = _name_part(ref.version)
            names[ref] = f"{base}_{'v' if part[:1].isdigit() else ''}{part}"
    return names


def _name_part(text: str) -> str:
    """``text`` with every run of characters a name cannot hold as one ``_`` (``pygen-models`` -> ``pygen_models``)."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "x"


def _natural(version: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key that orders numbers by value: ``v2`` < ``v10``, ``1`` < ``2`` < ``10``."""
    return tuple((1, int(chunk), "") if chunk.isdigit() else (0, 0, chunk) for chunk in re.findall(r"\d+|\D+", version))


def _check_identifiers(ref: ViewRef, view: View, out: list[Diagnostic]) -> None:
    problems = [
        validate_space(ref.space),
        validate_external_id(ref.external_id),
        validate_version(ref.version),
    ]
    for problem in problems:
        if problem is not None:
            out.append(Diagnostic("warning", str(ref), "invalid-identifier", f"{problem}; generated anyway"))
    for prop_id in sorted(view.properties):
        problem = validate_property_id(prop_id)
        if problem is not None:
            out.append(Diagnostic("warning", f"{ref}.{prop_id}", "invalid-identifier", f"{problem}; generated anyway"))


def _kind(ref: ViewRef, view: View, out: list[Diagnostic]) -> InstanceKind | None:
    kind = _KINDS.get(view.used_for)
    if kind is None:
        out.append(
            Diagnostic(
                "warning",
                str(ref),
                "unsupported-view-kind",
                f"views used for {view.used_for!r} are not supported (only node, edge and all): view skipped",
            )
        )
    return kind


# ---------------------------------------------------------------------------------------------- inheritance


#: The core views whose nodes are CDF resources (any version): see ``ViewClass.resource``.
_CORE_RESOURCES: dict[tuple[str, str], CoreResource] = {
    ("cdf_cdm", "CogniteTimeSeries"): "timeseries",
    ("cdf_cdm", "CogniteFile"): "file",
}


@dataclass
class _Builder:
    """Flattens inheritance (memoized per view) and builds view classes."""

    views: Mapping[ViewRef, View]
    out: list[Diagnostic]
    _flat: dict[ViewRef, dict[str, ViewProperty]] = field(default_factory=dict)
    _ancestors: dict[ViewRef, frozenset[ViewRef]] = field(default_factory=dict)
    _parents: dict[ViewRef, list[ViewRef]] = field(default_factory=dict)
    _visiting: set[ViewRef] = field(default_factory=set)

    def parents(self, ref: ViewRef) -> list[ViewRef]:
        """The views in the model that ``ref`` implements directly, in the model's (precedence) order."""
        known = self._parents.get(ref)
        if known is None:
            known = list(self.views[ref].implements or ())
            known = self._parents[ref] = [parent for parent in known if parent in self.views]
        return known

    def properties(self, ref: ViewRef) -> dict[str, ViewProperty] | None:
        """The view's own properties plus inherited ones it lacks (later ``implements`` win, own last)."""
        if ref not in self.views:
            return None
        flat = self._flat.get(ref)
        if flat is not None:
            return flat
        if ref in self._visiting:
            return {}
        self._visiting.add(ref)
        merged: dict[str, ViewProperty] = {}
        for parent in self.parents(ref):
            if parent in self._visiting:
                self.out.append(
                    Diagnostic(
                        "warning",
                        str(ref),
                        "implements-cycle",
                        f"the view implements {parent}, which implements it back: that link is ignored",
                    )
                )
                continue
            merged.update(self.properties(parent) or {})
        merged.update(self.views[ref].properties)
        self._visiting.discard(ref)
        self._flat[ref] = merged
        return merged

    def ancestors(self, ref: ViewRef) -> frozenset[ViewRef]:
        """Every view in the model that ``ref`` implements, directly or not."""
        known = self._ancestors.get(ref)
        if known is not None:
            return known
        self._ancestors[ref] = frozenset()  # a cycle ends here
        found: set[ViewRef] = set()
        for parent in self.parents(ref) if ref in self.views else []:
            found.add(parent)
            found |= self.ancestors(parent)
        found.discard(ref)
        result = frozenset(found)
        self._ancestors[ref] = result
        return result

    def view_class(self, ref: ViewRef, identifier: str) -> ViewClass:
        """The flattened IR of one view."""
        view = self.views[ref]
        context = PropertyContext(ref, self.properties, self.ancestors)
        fields: list[Field] = []
        connections: list[Connection] = []
        properties = self.properties(ref) or {}
        for prop_id, prop in sorted(properties.items()):
            field_, connection = build_property(context, prop_id, prop, self.out)
            if field_ is not None:
                fields.append(field_)
            if connection is not None:
                connections.append(connection)
        kind = _KINDS.get(view.used_for, "node")
        node_type, filter_defaults = _filter_defaults(view.filter, kind, fields, properties)
        return ViewClass(
            id=ref,
            identifier=identifier,
            instance_kind=kind,
            writable=view.writable if view.writable is not None else True,
            fields=tuple(fields),
            connections=tuple(connections),
            name=view.name,
            description=view.description,
            node_type=node_type,
            filter_defaults=filter_defaults,
            resource=self.resource(ref) if kind == "node" else None,
        )

    def resource(self, ref: ViewRef) -> CoreResource | None:
        """The CDF resource a node of ``ref`` is: the core view it is or implements (through views of the model),
        or whose core container it maps properties of (a node with data in that container is the resource).
        """
        lineage = [ref, *sorted(self.ancestors(ref))]
        named = {(parent.space, parent.external_id) for view in lineage for parent in self.views[view].implements or ()}
        named |= {(view.space, view.external_id) for view in lineage}
        mapped = (prop for prop in (self.properties(ref) or {}).values() if isinstance(prop, MappedProperty))
        named |= {(prop.container.space, prop.container.external_id) for prop in mapped}
        for core, resource in _CORE_RESOURCES.items():
            if core in named:
                return resource
        return None


# ---------------------------------------------------------------------------------------------- filter defaults


def _equals(view_filter: object) -> list[tuple[object, object]]:
    """(property, value) of the filter's top-level ``equals``, or of those directly inside a top-level ``and``."""
    if not isinstance(view_filter, Mapping) or len(view_filter) != 1:
        return []
    (op, body), *_ = view_filter.items()
    if op == "and" and isinstance(body, list):
        members = [member for member in body if isinstance(member, Mapping) and len(member) == 1]
        return [pair for member in members if "equals" in member for pair in _equals(member)]
    if op == "equals" and isinstance(body, Mapping) and "property" in body and "value" in body:
        return [(body["property"], body["value"])]
    return []


def _filter_defaults(
    view_filter: object, kind: InstanceKind, fields: Sequence[Field], properties: Mapping[str, ViewProperty]
) -> tuple[NodeRef | None, tuple[tuple[str, str], ...]]:
    """What the view's filter requires of an instance: its type, and the value of fields it fixes.

    ``properties`` are the view's (flattened) DMS properties: they say which container property a field maps.

    A property fixed to two different values (a filter nothing matches) gives no default.
    """
    types: set[NodeRef] = set()
    values: dict[str, set[str]] = {}
    type_property = ["edge" if kind == "edge" else "node", "type"]
    for prop, value in _equals(view_filter):
        if not isinstance(prop, list) or not all(isinstance(part, str) for part in prop):
            continue
        if prop == type_property:
            if isinstance(value, Mapping) and isinstance(value.get("space"), str):
                external_id = value.get("externalId")
                if isinstance(external_id, str):
                    types.add(NodeRef(value["space"], external_id))
        elif len(prop) == 3 and prop[0] not in ("node", "edge") and "/" not in prop[1]:
            # [container space, container external id, container property]: every field mapping it.
            text = json.dumps(value, sort_keys=True)
            for item in fields:
                mapped = properties.get(item.property_id)
                if isinstance(mapped, MappedProperty) and _maps(mapped) == tuple(prop):
                    values.setdefault(item.property_id, set()).add(text)
    node_type = types.pop() if len(types) == 1 else None
    defaults = tuple(sorted((prop_id, texts.pop()) for prop_id, texts in values.items() if len(texts) == 1))
    return node_type, defaults


def _maps(prop: MappedProperty) -> tuple[str, str, str]:
    """(container space, container external id, container property) of a mapped property."""
    return (prop.container.space, prop.container.external_id, prop.container_property_identifier)
