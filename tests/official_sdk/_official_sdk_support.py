"""Support of the cognite-sdk tour: the tour's schema, its data (and the answers computed from it), cleanup.

The data are plain Python rows (``AssetRow``, ``FLOWS``); every expected answer of the tests is computed from
them, never copied from an emulator answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from cognite.client import CogniteClient
from cognite.client.data_classes.data_modeling import (
    Boolean,
    ContainerApply,
    ContainerId,
    ContainerPropertyApply,
    DataModelApply,
    DirectRelation,
    DirectRelationReference,
    EdgeApply,
    EdgeId,
    Float64,
    Int64,
    MappedPropertyApply,
    MultiEdgeConnectionApply,
    NodeApply,
    NodeId,
    NodeOrEdgeData,
    Text,
    Timestamp,
    ViewApply,
    ViewId,
)

# ---------------------------------------------------------------------------------------------- schema

ASSET_PROPERTIES = ("name", "code", "value", "count", "tags", "start", "end", "parent", "active")


@dataclass(frozen=True)
class Schema:
    """The ids of the tour's schema in ``space``; edge types live in ``types_space``."""

    space: str
    types_space: str

    @property
    def asset_container(self) -> ContainerId:
        return ContainerId(self.space, "TourAsset")

    @property
    def pump_container(self) -> ContainerId:
        return ContainerId(self.space, "TourPump")

    @property
    def flow_container(self) -> ContainerId:
        return ContainerId(self.space, "TourFlow")

    @property
    def asset(self) -> ViewId:
        return ViewId(self.space, "Asset", "v1")

    @property
    def pump(self) -> ViewId:
        return ViewId(self.space, "Pump", "v1")

    @property
    def flow(self) -> ViewId:
        return ViewId(self.space, "Flow", "v1")

    @property
    def model(self) -> tuple[str, str, str]:
        return (self.space, "Tour", "v1")

    @property
    def flows(self) -> DirectRelationReference:
        """The type of the flow edges."""
        return DirectRelationReference(self.types_space, "flows")

    @property
    def feeds(self) -> DirectRelationReference:
        """The type of the other edges (no properties)."""
        return DirectRelationReference(self.types_space, "feeds")

    def a(self, prop: str) -> tuple[str, str, str]:
        """A property reference of the Asset view."""
        return self.asset.as_property_ref(prop)

    def containers(self) -> list[ContainerApply]:
        return [
            ContainerApply(
                self.space,
                "TourAsset",
                properties={
                    "name": ContainerPropertyApply(Text(), nullable=False),
                    "code": ContainerPropertyApply(Text()),
                    "value": ContainerPropertyApply(Float64()),
                    "count": ContainerPropertyApply(Int64()),
                    "tags": ContainerPropertyApply(Text(is_list=True)),
                    "start": ContainerPropertyApply(Timestamp()),
                    "end": ContainerPropertyApply(Timestamp()),
                    "parent": ContainerPropertyApply(DirectRelation()),
                    "active": ContainerPropertyApply(Boolean()),
                },
                used_for="node",
            ),
            ContainerApply(
                self.space, "TourPump", properties={"power": ContainerPropertyApply(Float64())}, used_for="node"
            ),
            ContainerApply(
                self.space, "TourFlow", properties={"rate": ContainerPropertyApply(Float64())}, used_for="edge"
            ),
        ]

    def views(self) -> list[ViewApply]:
        asset_properties: dict[str, Any] = {
            prop: MappedPropertyApply(self.asset_container, prop) for prop in ASSET_PROPERTIES if prop != "parent"
        }
        asset_properties["parent"] = MappedPropertyApply(self.asset_container, "parent", source=self.asset)
        asset_properties["outlets"] = MultiEdgeConnectionApply(
            type=self.flows, source=self.asset, edge_source=self.flow, direction="outwards"
        )
        return [
            ViewApply(self.space, "Asset", "v1", name="Asset", properties=asset_properties),
            ViewApply(
                self.space,
                "Pump",
                "v1",
                implements=[self.asset],
                properties={"power": MappedPropertyApply(self.pump_container, "power")},
            ),
            ViewApply(self.space, "Flow", "v1", properties={"rate": MappedPropertyApply(self.flow_container, "rate")}),
        ]

    def data_model(self) -> DataModelApply:
        return DataModelApply(self.space, "Tour", "v1", name="Tour", views=[self.asset, self.pump, self.flow])


# ---------------------------------------------------------------------------------------------- data

KINDS = ("Pump", "Valve", "Compressor")
WORDS = ("alpha", "beta", "gamma", "delta")
TAGS = ("hot", "wet", "old")
BASE = datetime(2024, 1, 1, tzinfo=timezone.utc)
#: parent of asset i: a tree a00 -> a01..a03 -> a04..a07 -> a08..a11
PARENTS = (None, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True)
class AssetRow:
    xid: str
    name: str
    code: str
    value: float
    count: int | None
    tags: tuple[str, ...]
    start: datetime
    end: datetime
    parent: str | None
    active: bool
    power: float | None  # pumps only: written through the Pump view

    def properties(self, space: str) -> dict[str, Any]:
        props: dict[str, Any] = {
            "name": self.name,
            "code": self.code,
            "value": self.value,
            "count": self.count,
            "tags": list(self.tags),
            "start": iso(self.start),
            "end": iso(self.end),
            "parent": {"space": space, "externalId": self.parent} if self.parent else None,
            "active": self.active,
        }
        if self.power is not None:
            props["power"] = self.power
        return props


def _asset(i: int) -> AssetRow:
    kind = KINDS[i % 3]
    start = BASE + timedelta(days=2 * i)
    parent = PARENTS[i]
    return AssetRow(
        xid=f"a{i:02d}",
        name=f"{kind} {WORDS[i % 4]} {i:02d}",
        code=kind[0],
        value=3.5 * i + (i % 4) * 1.25,
        count=None if i % 4 == 3 else 10 * i,
        tags=tuple(tag for bit, tag in enumerate(TAGS) if (i >> bit) & 1),
        start=start,
        end=start + timedelta(days=1 + i % 3),
        parent=None if parent is None else f"a{parent:02d}",
        active=i % 2 == 0,
        power=100.0 + i if kind == "Pump" else None,
    )


ASSETS = tuple(_asset(i) for i in range(len(PARENTS)))
BY_XID = {row.xid: row for row in ASSETS}


@dataclass(frozen=True)
class FlowRow:
    xid: str
    start: str
    end: str
    rate: float


#: flow edges (type ``flows``, data in the Flow view): chains a01->a05->a09, a02->a06->a10, a03->a07->a11
FLOWS = (
    FlowRow("e01", "a01", "a05", 1.5),
    FlowRow("e02", "a05", "a09", 2.5),
    FlowRow("e03", "a02", "a06", 3.5),
    FlowRow("e04", "a03", "a07", 4.5),
    FlowRow("e05", "a07", "a11", 5.5),
    FlowRow("e06", "a06", "a10", 6.5),
)
#: edges of type ``feeds`` without properties: (xid, start, end)
FEEDS = (("f01", "a00", "a04"), ("f02", "a00", "a08"))


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def parse_time(text: str) -> datetime:
    """A timestamp as the API answers it (any ISO 8601 form with an offset or ``Z``)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def xids(rows: Iterable[Any]) -> set[str]:
    return {row.xid if isinstance(row, (AssetRow, FlowRow)) else row.external_id for row in rows}


def node_applies(schema: Schema) -> list[NodeApply]:
    return [
        NodeApply(
            schema.space,
            row.xid,
            sources=[
                NodeOrEdgeData(schema.pump if row.power is not None else schema.asset, row.properties(schema.space))
            ],
        )
        for row in ASSETS
    ]


def edge_applies(schema: Schema) -> list[EdgeApply]:
    flows = [
        EdgeApply(
            schema.space,
            row.xid,
            type=schema.flows,
            start_node=(schema.space, row.start),
            end_node=(schema.space, row.end),
            sources=[NodeOrEdgeData(schema.flow, {"rate": row.rate})],
        )
        for row in FLOWS
    ]
    feeds = [
        EdgeApply(schema.space, xid, type=schema.feeds, start_node=(schema.space, s), end_node=(schema.space, e))
        for xid, s, e in FEEDS
    ]
    return flows + feeds


# ---------------------------------------------------------------------------------------------- cleanup


def delete_space_and_contents(client: CogniteClient, space: str) -> None:
    """Delete the instances, data models, views and containers of ``space``, then the space; check it is gone."""
    dm = client.data_modeling
    edges = dm.instances.list(instance_type="edge", space=space, limit=-1)
    nodes = dm.instances.list(instance_type="node", space=space, limit=-1)
    if len(edges) or len(nodes):
        dm.instances.delete(
            nodes=[NodeId(space, n.external_id) for n in nodes], edges=[EdgeId(space, e.external_id) for e in edges]
        )
    models = dm.data_models.list(space=space, all_versions=True, limit=-1)
    if len(models):
        dm.data_models.delete(models.as_ids())
    views = dm.views.list(space=space, all_versions=True, limit=-1)
    if len(views):
        dm.views.delete(views.as_ids())
    containers = dm.containers.list(space=space, limit=-1)
    if len(containers):
        dm.containers.delete(containers.as_ids())
    assert dm.spaces.delete(space) == [space]
    assert dm.spaces.retrieve(space) is None
