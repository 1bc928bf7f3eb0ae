"""Correct use of generated SDKs: every checker must accept this file with no error.

Checked by tests/typing/test_typing_corpus.py with ``mypy --strict`` (with and without the pydantic
plugin) and ``pyright --strict``, against the committed golden SDKs ``omni`` and ``cognite_core``.
Never run: it only has to type-check.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from cognite_core import (
    AsyncCogniteCoreClient,
    Cognite360ImageCollectionWrite,
    CogniteAsset,
    CogniteAssetFields,
    CogniteAssetFilters,
    CogniteAssetWrite,
    CogniteCoreClient,
    CogniteEquipment,
    CogniteFile,
    CogniteTimeSeries,
    CogniteTimeSeriesFields,
)
from omni import (
    CDFExternalReferences,
    CDFExternalReferencesListedWrite,
    CDFExternalReferencesWrite,
    ConnectionEdgeA,
    ConnectionEdgeAFields,
    ConnectionEdgeAToConnectionItemG,
    ConnectionEdgeAToConnectionItemGWrite,
    ConnectionItemD,
    ConnectionItemDWrite,
    ConnectionItemE,
    ConnectionItemEWrite,
    ConnectionItemF,
    ConnectionItemFWrite,
    ConnectionItemG,
    ConnectionItemGWrite,
    Implementation1Write,
    OmniClient,
    PrimitiveNullable,
    PrimitiveNullableListedWrite,
    PrimitiveNullableWrite,
    PrimitiveRequiredWrite,
)

from pygen.instances import (
    AsyncQuery,
    ClassicFile,
    ClassicTimeSeries,
    Datapoint,
    Datapoints,
    DatapointsList,
    FileRef,
    InstanceList,
    NodeId,
    Query,
    QueryResult,
    RetrieveList,
    SequenceRef,
    TimeSeriesRef,
)
from pygen.transport import ClientConfig, Token

UTC = timezone.utc
config = ClientConfig("my-project", Token("token"))
omni = OmniClient(config, instance_space="my_space")
core = CogniteCoreClient(config, instance_space="my_space")

# Writes: field names as keywords, connections as objects or ids, every property type.
g = ConnectionItemGWrite(external_id="g1", name="g")
f = ConnectionItemFWrite(
    external_id="f1",
    name="f",
    outwards_multi=[
        ConnectionEdgeAToConnectionItemGWrite(end_node=g, name="edge", start_time=datetime(2024, 1, 1, tzinfo=UTC)),
        ConnectionEdgeAToConnectionItemGWrite(end_node="g2"),  # or an id
    ],
    direct_list=["d1", ("other_space", "d2"), NodeId("my_space", "d3")],
)
d = ConnectionItemDWrite(
    external_id="d1", direct_single=ConnectionItemEWrite(external_id="e1"), direct_multi=["e2"], space="s"
)
primitives = PrimitiveNullableWrite(
    external_id="p1",
    boolean=True,
    date_=date(2024, 1, 1),
    float32=1.5,
    float64=2,
    int32=3,
    int64=2**60,
    json_={"a": [1, "b", None, {"c": True}]},
    text="x",
    timestamp=datetime(2024, 1, 1, tzinfo=UTC),
)
listed = PrimitiveNullableListedWrite(external_id="l1", text=["a"], int32=[1, 2], json_=[{"a": 1}])
required = PrimitiveRequiredWrite(
    external_id="r1",
    boolean=False,
    date_=date(2024, 1, 1),
    float32=1.0,
    float64=2.0,
    int32=1,
    int64=2,
    json_={},
    text="t",
    timestamp=datetime(2024, 1, 1, tzinfo=UTC),
)
update = PrimitiveRequiredWrite.partial(external_id="r1", text="only this")  # an update of an existing node
impl = Implementation1Write(external_id="i1", value2="needed", main_value=None)
collection = Cognite360ImageCollectionWrite(external_id="c1", status="Done", name="images")
asset = CogniteAssetWrite(external_id="a1", name="Pump", parent="root", tags=["x"], aliases=None)
result = omni.upsert([g, f, d, primitives, listed, required, update, impl])
created: int = len(result.created)
core.upsert(asset)

# Reads: retrieve overloads, filter keywords of every property type, typed results.
one: PrimitiveNullable | None = omni.primitive_nullable.retrieve("p1")
many: RetrieveList[PrimitiveNullable] = omni.primitive_nullable.retrieve(["p1", ("s", "p2"), NodeId("s", "p3")])
missing: list[NodeId | object] = list(many.missing)
if one is not None:
    value: float | None = one.float64
    stamp: datetime | None = one.timestamp
    back = one.as_write()
    back.text = "changed"
rows = omni.primitive_nullable.list(
    text=["a", "b"],
    text_prefix="a",
    min_int32=1,
    max_int64=10,
    int64=[1, 2**60],
    float32=0.5,
    min_float64=0.5,
    boolean=True,
    min_date_=date(2024, 1, 1),
    max_timestamp=datetime(2024, 1, 1, tzinfo=UTC),
    timestamp=[datetime(2024, 1, 1, tzinfo=UTC)],
    date_=date(2024, 1, 2),
    exists=["text", "json_"],
    space=["my_space"],
    external_id_prefix="p",
    limit=-1,
)
listed_rows = omni.primitive_nullable_listed.list(text=["a"], int32=[1], limit=10)
ds = omni.connection_item_d.list(direct_single="e1", direct_multi=[("s", "e2")], connections=True)
assets = core.cognite_asset.list(name_prefix="P", parent=NodeId("s", "root"), sort=core.cognite_asset.fields.name.asc())
page = core.cognite_asset.page(name="Pump", page_size=100)
next_page = core.cognite_asset.page(cursor=page.cursor, page_size=100)
for item in core.cognite_asset.iterate(tags=["x"], page_size=500, limit=None):
    name: str | None = item.name
for asset_page in core.cognite_asset.pages(name_prefix="P", limit=5000, cursor=next_page.cursor):
    page_items: list[CogniteAsset] = list(asset_page.items)
    page_cursor: str | None = asset_page.cursor
hits = core.cognite_asset.search("pump", properties=["name"], operator="OR", name_prefix="P", limit=10)
total: int = core.cognite_asset.count(name_prefix="P")
biggest: float | None = omni.primitive_nullable.max("float64", boolean=True)
buckets = omni.primitive_nullable.histogram("int32", 10, text_prefix="a")
groups = omni.primitive_nullable.aggregate(("count", None), ("avg", "float64"), group_by=["text"], boolean=True)
keywords: CogniteAssetFilters = {"name_prefix": "P", "tags": ["a"]}
more = core.cognite_asset.list(**keywords, limit=5)
statuses = core.cognite360_image_collection.list(status=["Done", "Failed"])
combined = omni.primitive_nullable.list(filter=omni.primitive_nullable.fields.int32.range(gte=1), text="a")

# Connections: narrowing what a connection holds.
for row in ds:
    target = row.direct_single
    if isinstance(target, ConnectionItemE):
        target_name: str | None = target.name
    elif target is not None:
        target_id: NodeId = target
    edge_target: ConnectionItemE | None = row.outwards_single
e_read = omni.connection_item_e.retrieve("e1", connections=True)
reverse: list[ConnectionItemD] | None = e_read.direct_reverse_multi if e_read is not None else None
first_asset: CogniteAsset | None = assets[0] if assets else None
deleted = omni.delete(["g1", ("s", "f1"), NodeId("s", "d1")])

# Graph queries: each hop's type follows the connection it names.
plants: Query[CogniteAsset, CogniteAsset] = core.cognite_asset.query(name_prefix="P", limit=None)
children: Query[CogniteAsset, CogniteAsset] = plants.follow(
    lambda a: a.children, filter=CogniteAssetFields.name.prefix("X"), sort=CogniteAssetFields.name.desc(), limit=100
)
series: Query[CogniteAsset, CogniteTimeSeries] = children.follow(
    lambda c: c.time_series, filter=CogniteTimeSeriesFields.is_step.equals(False), properties=["name"]
)
parents: Query[CogniteAsset, CogniteAsset] = plants.follow(lambda a: a.parent, properties=[])  # a direct relation
ancestors: Query[CogniteAsset, CogniteAsset] = plants.follow(lambda a: a.path)  # a list of direct relations
kit: Query[CogniteAsset, CogniteEquipment] = children.follow(lambda c: c.equipment)
graph: InstanceList[CogniteAsset] = series.include(parents, kit).list()
flat_series: InstanceList[CogniteTimeSeries] = series.flat()
query_result: QueryResult[CogniteAsset] = series.include(kit).execute()
equipment_found: InstanceList[CogniteEquipment] = query_result[kit]
requests_made: int = query_result.requests
for plant in plants.follow(lambda a: a.children).iterate(page_size=100):
    first_children: list[CogniteAsset] | None = plant.children
f_edges: Query[ConnectionItemF, ConnectionEdgeAToConnectionItemG] = omni.connection_item_f.query().follow(
    lambda item: item.outwards_multi
)
far_ends: Query[ConnectionItemF, ConnectionItemG] = f_edges.follow(lambda edge: edge.end_node)
edges_of_one_connection: InstanceList[ConnectionEdgeA] = omni.connection_item_f.outwards_multi_edges.list(
    name_prefix="keep", filter=ConnectionEdgeAFields.start_node.in_(["f1"]), limit=-1
)
subset = core.cognite_asset.list(properties=[CogniteAssetFields.name, "description"], connections=["children"])
subset_one = core.cognite_asset.retrieve("a1", properties=["name"])

# Time series and files: the helpers of views whose nodes are resources, on the API and on read objects.
one_series: Datapoints = core.cognite_time_series.datapoints("ts1", start="7d-ago", end=datetime.now(UTC))
many_series: DatapointsList = core.cognite_time_series.datapoints(
    ["ts1", NodeId("my_space", "ts2")], start=0, aggregates=["average", "max"], granularity="1h"
)
maybe_series: Datapoints | None = core.cognite_time_series.datapoints("ts1", ignore_unknown_ids=True)
newest: Datapoint | None = core.cognite_time_series.latest_datapoint("ts1")
newest_each: list[Datapoint | None] = core.cognite_time_series.latest_datapoint(["ts1", "ts2"])
inserted: int = core.cognite_time_series.insert_datapoints("ts1", [(datetime.now(UTC), 1.5), (0, 2.0)])
core.cognite_time_series.delete_datapoints(["ts1"], 0, "now")
for datapoint_piece in core.cognite_time_series.datapoint_pages("ts1", page_size=10_000):
    assert isinstance(datapoint_piece, Datapoints)
sensor_read = core.cognite_time_series.retrieve("ts1")
if sensor_read is not None:
    sensor_points: Datapoints = sensor_read.datapoints(core, start="1d-ago")
    sensor_latest: Datapoint | None = sensor_read.latest_datapoint(core)
core.cognite_file.upload("manual", b"content", mime_type="text/plain")
content: bytes = core.cognite_file.download_bytes("manual")
manual_read: CogniteFile | None = core.cognite_file.retrieve("manual")
if manual_read is not None:
    manual_bytes: bytes = manual_read.download_bytes(core)

# Properties naming classic resources: typed references on read, the resource itself on write.
references = omni.cdf_external_references.retrieve("r1")
if references is not None:
    series_ref: TimeSeriesRef | None = references.timeseries
    file_ref: FileRef | None = references.file
    sequence_ref: SequenceRef | None = references.sequence
    as_text: str | None = references.timeseries  # a reference is a str
    if series_ref is not None:
        classic_points: Datapoints = omni.datapoints.retrieve(series_ref, start=0)
    read_back: CDFExternalReferences = references
omni.upsert(
    [
        CDFExternalReferencesWrite(
            external_id="r1",
            timeseries=ClassicTimeSeries(external_id="flow", name="Flow", unit="m3/h"),
            file=ClassicFile(external_id="pid", name="pid.pdf"),
            sequence="curve",
        ),
        CDFExternalReferencesWrite(external_id="r2", timeseries="existing-series", file=FileRef("existing-file")),
        CDFExternalReferencesListedWrite(external_id="r3", timeseries=[ClassicTimeSeries(external_id="a"), "b"]),
    ]
)


async def asynchronous() -> None:
    client = AsyncCogniteCoreClient(config, instance_space="my_space")
    found = await client.cognite_asset.list(name_prefix="P", limit=-1)
    async for asset_read in client.cognite_asset.iterate(name=["a", "b"]):
        asset_name: str | None = asset_read.name
        assert asset_name is None or asset_name
    async for async_page in client.cognite_asset.pages(page_size=10):
        assert async_page.cursor is None or async_page.items
    one_page = await client.cognite_asset.page(tags=["x"], cursor=None)
    assert one_page.cursor is None or one_page.items
    counted: int = await client.cognite_asset.count(tags=["x"])
    async_query: AsyncQuery[CogniteAsset, CogniteTimeSeries] = (
        client.cognite_asset.query(name_prefix="P").follow(lambda a: a.children).follow(lambda c: c.time_series)
    )
    async_roots: InstanceList[CogniteAsset] = await async_query.list()
    async_flat: InstanceList[CogniteTimeSeries] = await async_query.flat()
    async for async_root in async_query.iterate():
        assert async_root.children is None or async_roots or async_flat
    await client.upsert(CogniteAssetWrite(external_id="a2"))
    assert found is not None and counted >= 0
    async_points: DatapointsList = await client.cognite_time_series.datapoints(["ts1"], start="1d-ago")
    async_latest: Datapoint | None = await client.cognite_time_series.latest_datapoint("ts1")
    async_bytes: bytes = await client.cognite_file.download_bytes("manual")
    async_series = await client.cognite_time_series.retrieve("ts1")
    if async_series is not None:
        awaited_points: Datapoints = await async_series.datapoints(client, start=0)
        assert awaited_points or async_points or async_latest or async_bytes
