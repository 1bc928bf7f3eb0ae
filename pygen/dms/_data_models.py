"""Data models, read (``DataModel``) and apply (``DataModelApply``) shapes.

A data model's ``views`` entries are view references, or full view objects when read with
``inlineViews=true`` (or applied inline). An entry is taken as a reference when it has
``"type": "view"``, or when it has only reference keys; anything else is an inline view.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Tag

from ._base import CheckedApply, DMSModel
from ._refs import DataModelReference, ViewReference
from ._views import View, ViewApply

__all__ = ["DataModel", "DataModelApply"]

_REFERENCE_KEYS = frozenset({"space", "externalId", "external_id", "version", "type"})


def _view_entry_tag(value: Any) -> str:
    if isinstance(value, ViewReference):
        return "reference"
    if isinstance(value, dict):
        if value.get("type") == "view" or set(value) <= _REFERENCE_KEYS:
            return "reference"
    return "view"


ViewEntry = Annotated[
    (Annotated[ViewReference, Tag("reference")] | Annotated[View, Tag("view")]),
    Discriminator(_view_entry_tag),
]
ViewEntryApply = Annotated[
    (Annotated[ViewReference, Tag("reference")] | Annotated[ViewApply, Tag("view")]),
    Discriminator(_view_entry_tag),
]


class _DataModelFields(DMSModel):
    space: str
    external_id: str
    version: str
    name: str | None = None
    description: str | None = None

    def as_reference(self) -> DataModelReference:
        """The reference to this data model version."""
        return DataModelReference(self.space, self.external_id, self.version)


class DataModelApply(_DataModelFields, CheckedApply):
    """A data model as sent in an apply request; ``views`` holds references or inline view definitions.

    Example:
        >>> pump = ViewReference("s", "Pump", "v1")
        >>> model = DataModelApply(space="s", external_id="Pumps", version="1", views=[pump])
        >>> model.dump()["views"]
        [{'type': 'view', 'space': 's', 'externalId': 'Pump', 'version': 'v1'}]
    """

    views: list[ViewEntryApply] | None = None


class DataModel(_DataModelFields):
    """A data model as read; ``views`` are references, or ``View`` objects when read with ``inlineViews``.

    Example:
        >>> import json
        >>> from pathlib import Path
        >>> snapshot = Path("example_project/snapshots/cdf_cdm.CogniteCore.v1.json")
        >>> model = DataModel.load(json.loads(snapshot.read_text()))
        >>> model.as_reference()
        DataModelReference(space='cdf_cdm', external_id='CogniteCore', version='v1')
        >>> [view.external_id for view in model.inline_views()][:2]
        ['Cognite360Image', 'Cognite360ImageAnnotation']
    """

    views: list[ViewEntry] | None = None
    is_global: bool = False
    created_time: int | None = None
    last_updated_time: int | None = None

    def view_references(self) -> list[ViewReference]:
        """References to all views of the model, inline or not, in model order."""
        return [view if isinstance(view, ViewReference) else view.as_reference() for view in self.views or []]

    def inline_views(self) -> list[View]:
        """The views given inline (read with ``inlineViews=true``), in model order."""
        return [view for view in self.views or [] if isinstance(view, View)]

    def as_write(self, *, inline_views: bool = False) -> DataModelApply:
        """The apply shape; inline views become references unless ``inline_views`` is True.

        References are the safe default: applying the model then never rewrites its views
        (global views such as ``cdf_cdm``'s cannot be applied at all).
        """
        data = self._given("space", "external_id", "version", "name", "description")
        if self.views is not None:
            data["views"] = [
                view._write_data() if inline_views and isinstance(view, View) else self._reference(view)
                for view in self.views
            ]
        return DataModelApply.model_validate(data)

    @staticmethod
    def _reference(view: ViewReference | View) -> ViewReference:
        return view if isinstance(view, ViewReference) else view.as_reference()
