"""Deliberate misuse of generated SDKs: every line marked ``# error`` must be an error for every checker.

tests/typing/test_typing_corpus.py runs ``mypy --strict`` (with and without the pydantic plugin) and
``pyright --strict`` on this file and compares the lines each reports with the marked lines. Never run.
"""

from __future__ import annotations

from datetime import date

import omni as omni_package
from cognite_core import Cognite360ImageCollectionWrite, CogniteAsset, CogniteAssetFilters, CogniteCoreClient
from omni import (
    CDFExternalReferencesListedWrite,
    CDFExternalReferencesWrite,
    ConnectionEdgeAToConnectionItemGWrite,
    ConnectionEdgeAWrite,
    ConnectionItemDWrite,
    ConnectionItemEWrite,
    ConnectionItemFWrite,
    ConnectionItemGWrite,
    OmniClient,
    PrimitiveNullable,
    PrimitiveNullableListedWrite,
    PrimitiveNullableWrite,
    PrimitiveRequiredWrite,
)

from pygen.instances import ClassicFile, ClassicTimeSeries, Datapoints, FileRef, Query, TimeSeriesRef
from pygen.transport import ClientConfig, Token

config = ClientConfig("my-project", Token("token"))
omni = OmniClient(config, instance_space="my_space")
core = CogniteCoreClient(config, instance_space="my_space")
api = omni.primitive_nullable

# The package exports its classes and nothing else (its lazy __getattr__ is hidden from checkers).
typo = omni_package.PrimitiveNullabel  # error

# Write classes: keywords, types, required properties.
PrimitiveNullableWrite(external_id="x", nmae="typo")  # error
PrimitiveNullableWrite(external_id="x", int32="high")  # error
PrimitiveNullableWrite(text="no external id")  # error
PrimitiveNullableWrite(external_id="x", timestamp="2024-01-01T00:00:00Z")  # error
PrimitiveNullableWrite(external_id="x", json_=[1, 2])  # error
PrimitiveNullableWrite(external_id="x", json_="text")  # error
PrimitiveNullableWrite(externalId="x")  # error
PrimitiveNullableListedWrite(external_id="x", int32=[1, "2"])  # error
PrimitiveRequiredWrite(external_id="r", text="only one of nine required")  # error
PrimitiveRequiredWrite.partial(external_id="r", txet="typo")  # error
Cognite360ImageCollectionWrite(external_id="c", status="Unknown")  # error
ConnectionItemFWrite(external_id="f", outwards_multi=[ConnectionItemEWrite(external_id="e")])  # error
ConnectionEdgeAToConnectionItemGWrite(end_node=ConnectionItemEWrite(external_id="e"))  # error
ConnectionItemFWrite(external_id="f", outwards_multi=[ConnectionEdgeAWrite(end_node="g")])  # error
ConnectionItemDWrite(external_id="d", direct_single=ConnectionItemGWrite(external_id="g"))  # error
ConnectionItemDWrite(external_id="d", direct_multi=3)  # error
omni.upsert(12)  # error
omni.delete(12345)  # error
api.delete(3.5)  # error

# Filter keywords and method parameters.
api.list(nmae="x")  # error
api.list(int32="3")  # error
api.list(timestamp=[date(2024, 1, 1)])  # error
api.list(min_int32="one")  # error
api.list(text=3)  # error
api.list(boolean="yes")  # error
api.list(exists=["nope"])  # error
api.list(limit="all")  # error
api.list(cursor="abc")  # error
api.page(cursor=3)  # error
api.iterate(text_prefix=1)  # error
api.page(limit=10)  # error
api.pages(chunk_size=10)  # error
not_a_page = api.iterate().items  # error
api.search(3)  # error
api.count(text_prefix=1)  # error
api.histogram("int32", "ten")  # error
api.sum("int32", filter="x")  # error
api.aggregate(("median", "int32"))  # error
core.cognite360_image_collection.list(status="Unknown")  # error
core.cognite_asset.list(parent=123)  # error
keywords: CogniteAssetFilters = {"name_prefx": "P"}  # error

# Results.
maybe: PrimitiveNullable = api.retrieve("p1")  # error
several: PrimitiveNullable = api.retrieve(["p1"])  # error
number: str | None = api.list()[0].int32  # error

# Graph queries.
plants = core.cognite_asset.query(name_prefix=3)  # error
core.cognite_asset.query(limit="all")  # error
core.cognite_asset.query().follow(lambda a: a.childrn)  # error
core.cognite_asset.query().follow(lambda a: a.name)  # error
core.cognite_asset.query().follow(lambda a: a.children, filter=core.cognite_asset.fields.name.prefix(3))  # error
core.cognite_asset.query().follow(lambda a: a.children, limit="10")  # error
core.cognite_asset.query().follow(lambda a: a.children).follow(lambda c: c.assets)  # error
wrong_hop: Query[CogniteAsset, CogniteAsset] = core.cognite_asset.query().follow(lambda a: a.time_series)  # error
core.cognite_asset.query().include(omni.connection_item_f.query())  # error
omni.connection_item_f.outwards_multi_edges.list(nmae="x")  # error
omni.connection_item_f.outwards_multi_edges.list(name_prefix=1)  # error
omni.connection_item_f.inwards_edges.list()  # error

# Time series, files and classic references.
core.cognite_asset.datapoints("a1")  # error
core.cognite_time_series.upload("ts1", b"x")  # error
core.cognite_file.datapoints("f1")  # error
wrong_count: Datapoints = core.cognite_time_series.datapoints(["ts1", "ts2"])  # error
core.cognite_time_series.datapoints("ts1", aggregates="median", granularity="1h")  # error
core.cognite_time_series.datapoints("ts1", start=[0])  # error
core.cognite_time_series.insert_datapoints("ts1", [("2024-01-01", 1.0)])  # error
CDFExternalReferencesWrite(external_id="r", timeseries=ClassicFile(external_id="f", name="f"))  # error
CDFExternalReferencesWrite(external_id="r", file=ClassicTimeSeries(external_id="t"))  # error
CDFExternalReferencesWrite(external_id="r", sequence=ClassicTimeSeries(external_id="t"))  # error
CDFExternalReferencesListedWrite(external_id="r", files=[ClassicTimeSeries(external_id="t")])  # error
ClassicTimeSeries(external_id="t", unit=3)  # error
ClassicFile(external_id="f")  # error
refs = omni.cdf_external_references.retrieve("r")
wrong_ref: FileRef | None = refs.timeseries if refs is not None else None  # error
wrong_kind: TimeSeriesRef = FileRef("f")  # error
sensor = core.cognite_time_series.retrieve("ts1")
if sensor is not None:
    sensor.datapoints()  # error
    sensor.datapoints(config)  # error
    sensor.download(core, "x")  # error
