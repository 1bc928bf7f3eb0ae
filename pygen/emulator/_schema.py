"""The schema service: one object with the endpoints of spaces, containers, views and data models (one
module each) over the shared catalog (``_catalog``), as the app, the instance services and the loader use it."""

from __future__ import annotations

from pygen.emulator._containers import ContainerService
from pygen.emulator._datamodels import DataModelService
from pygen.emulator._params import decode_cursor as decode_cursor  # re-exported for tests/emulator_unit
from pygen.emulator._params import encode_cursor as encode_cursor  # re-exported for tests/emulator_unit
from pygen.emulator._spaces import SpaceService


class SchemaService(SpaceService, ContainerService, DataModelService):
    """Spaces, containers, views and data models over a :class:`Store`.

    Each base serves one resource and all share one :class:`SchemaCatalog` (lookups, view read derivation,
    caches); views come in through :class:`DataModelService`, which extends :class:`ViewService`.
    """
