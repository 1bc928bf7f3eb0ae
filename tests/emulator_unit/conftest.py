"""Fixtures for the emulator's internal unit tests: a small in-memory schema and instances."""

from __future__ import annotations

import pytest
from _emulator_unit import SPACE, pump

from pygen.emulator._instances import InstanceService
from pygen.emulator._schema import SchemaService
from pygen.emulator._store import Store


@pytest.fixture
def services() -> tuple[SchemaService, InstanceService]:
    store = Store()
    schema = SchemaService(store)
    schema.apply_spaces({"items": [{"space": SPACE}]})
    schema.apply_containers(
        {
            "items": [
                {
                    "space": SPACE,
                    "externalId": "Pump",
                    "properties": {
                        "name": {"type": {"type": "text", "maxTextSize": 20}, "nullable": False},
                        "count": {"type": {"type": "int32"}},
                        "pressure": {"type": {"type": "float64"}},
                        "tags": {"type": {"type": "text", "list": True, "maxListSize": 3}},
                        "site": {"type": {"type": "direct"}},
                        "installed": {"type": {"type": "timestamp"}},
                        "validTo": {"type": {"type": "timestamp"}},
                        "meta": {"type": {"type": "json"}},
                    },
                    # Sorted paging with a cursor needs a cursorable index (README, "Cursors").
                    "indexes": {"byCount": {"indexType": "btree", "properties": ["count"], "cursorable": True}},
                }
            ]
        }
    )
    container = {"type": "container", "space": SPACE, "externalId": "Pump"}
    props = ["name", "count", "pressure", "tags", "site", "installed", "validTo", "meta"]
    schema.apply_views(
        {
            "items": [
                {
                    "space": SPACE,
                    "externalId": "Pump",
                    "version": "v1",
                    "properties": {p: {"container": container, "containerPropertyIdentifier": p} for p in props},
                }
            ]
        }
    )
    return schema, InstanceService(store, schema)


@pytest.fixture
def instances(services: tuple[SchemaService, InstanceService]) -> InstanceService:
    service = services[1]
    service.apply(
        {
            "items": [
                pump(
                    "p1",
                    name="alpha",
                    count=1,
                    pressure=1.5,
                    tags=["a", "b"],
                    site={"space": SPACE, "externalId": "s1"},
                ),
                pump("p2", name="beta", count=2, tags=["b"], installed="2024-01-01T00:00:00Z"),
                pump("p3", name="gamma", count=3, pressure=-2.0, installed="2024-06-01T12:00:00+02:00"),
                pump("p4", name="Alpha beta"),
            ]
        }
    )
    service.apply({"items": [{"instanceType": "node", "space": SPACE, "externalId": "s1"}]})
    return service
