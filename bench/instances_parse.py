"""Benchmark: parse a 10,000-node list response (CogniteAsset properties) into typed objects.

Compares, in the same run and on the same machine:

- ``runtime``: pygen.instances' list parsing (``parse_items``: one ``validate_json`` of the response
  into ``CogniteAsset`` objects declared the way generated SDKs declare them, with direct relations
  typed ``DirectRelationTo[CogniteAsset]``, i.e. ``NodeId | CogniteAsset``), from the API's nested JSON;
- ``flat``: pydantic's own ``validate_json`` on the same data flattened (properties at the top level)
  into a plain pydantic model with the same field types (direct relations as a plain ``{space,
  externalId}`` model): the practical limit; ``flat (NodeId ids)`` is the same with the runtime's
  ``NodeId`` dataclass for direct relations (the strictest comparison);
- ``nested``: plain pydantic models mirroring the API's nested JSON (``properties[space][view]``);
- ``json.loads`` of the response, for scale.

Run: ``.venv/bin/python bench/instances_parse.py [--n 10000] [--repeat 7]``. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel

from pygen.instances import DirectRelation, DirectRelationTo, Node, NodeId, Timestamp, ViewId
from pygen.instances._parse import parse_items

VIEW = ViewId("cdf_cdm", "CogniteAsset", "v1")


class CogniteAsset(Node):
    """The CogniteAsset view as a generated SDK declares it (reverse relations left out: not in list data)."""

    _view_id = VIEW
    _property_ids: ClassVar = {
        "asset_class": "assetClass",
        "object_3d": "object3D",
        "path_last_updated_time": "pathLastUpdatedTime",
        "source_context": "sourceContext",
        "source_created_time": "sourceCreatedTime",
        "source_created_user": "sourceCreatedUser",
        "source_id": "sourceId",
        "source_updated_time": "sourceUpdatedTime",
        "source_updated_user": "sourceUpdatedUser",
        "type_": "type",
    }
    _connections: ClassVar = {
        name: DirectRelation() for name in ("asset_class", "object_3d", "parent", "path", "root", "source", "type_")
    }

    aliases: list[str] | None = None
    asset_class: NodeId | None = None
    description: str | None = None
    name: str | None = None
    object_3d: NodeId | None = None
    parent: DirectRelationTo[CogniteAsset] | None = None
    path: list[DirectRelationTo[CogniteAsset]] | None = None
    path_last_updated_time: Timestamp | None = None
    root: DirectRelationTo[CogniteAsset] | None = None
    source: NodeId | None = None
    source_context: str | None = None
    source_created_time: Timestamp | None = None
    source_created_user: str | None = None
    source_id: str | None = None
    source_updated_time: Timestamp | None = None
    source_updated_user: str | None = None
    tags: list[str] | None = None
    type_: NodeId | None = None


class PlainRef(BaseModel):
    space: str
    externalId: str


class FlatAsset(BaseModel):
    """The same fields, flat, in a plain pydantic model (the baseline)."""

    instanceType: str
    space: str
    externalId: str
    version: int
    createdTime: datetime
    lastUpdatedTime: datetime
    aliases: list[str] | None = None
    assetClass: PlainRef | None = None
    description: str | None = None
    name: str | None = None
    object3D: PlainRef | None = None
    parent: PlainRef | None = None
    path: list[PlainRef] | None = None
    pathLastUpdatedTime: datetime | None = None
    root: PlainRef | None = None
    source: PlainRef | None = None
    sourceContext: str | None = None
    sourceCreatedTime: datetime | None = None
    sourceCreatedUser: str | None = None
    sourceId: str | None = None
    sourceUpdatedTime: datetime | None = None
    sourceUpdatedUser: str | None = None
    tags: list[str] | None = None
    type: PlainRef | None = None


class FlatResponse(BaseModel):
    items: list[FlatAsset]
    nextCursor: str | None = None


class FlatAssetIds(BaseModel):
    """The flat baseline with direct relations as the runtime's NodeId (a slotted dataclass, no model)."""

    instanceType: str
    space: str
    externalId: str
    version: int
    createdTime: datetime
    lastUpdatedTime: datetime
    aliases: list[str] | None = None
    assetClass: NodeId | None = None
    description: str | None = None
    name: str | None = None
    object3D: NodeId | None = None
    parent: NodeId | None = None
    path: list[NodeId] | None = None
    pathLastUpdatedTime: datetime | None = None
    root: NodeId | None = None
    source: NodeId | None = None
    sourceContext: str | None = None
    sourceCreatedTime: datetime | None = None
    sourceCreatedUser: str | None = None
    sourceId: str | None = None
    sourceUpdatedTime: datetime | None = None
    sourceUpdatedUser: str | None = None
    tags: list[str] | None = None
    type: NodeId | None = None


class FlatIdsResponse(BaseModel):
    items: list[FlatAssetIds]
    nextCursor: str | None = None


class NestedProps(BaseModel):
    aliases: list[str] | None = None
    assetClass: PlainRef | None = None
    description: str | None = None
    name: str | None = None
    object3D: PlainRef | None = None
    parent: PlainRef | None = None
    path: list[PlainRef] | None = None
    pathLastUpdatedTime: datetime | None = None
    root: PlainRef | None = None
    source: PlainRef | None = None
    sourceContext: str | None = None
    sourceCreatedTime: datetime | None = None
    sourceCreatedUser: str | None = None
    sourceId: str | None = None
    sourceUpdatedTime: datetime | None = None
    sourceUpdatedUser: str | None = None
    tags: list[str] | None = None
    type: PlainRef | None = None


class NestedAsset(BaseModel):
    instanceType: str
    space: str
    externalId: str
    version: int
    createdTime: datetime
    lastUpdatedTime: datetime
    properties: dict[str, dict[str, NestedProps]]


class NestedResponse(BaseModel):
    items: list[NestedAsset]
    nextCursor: str | None = None


def _ref(xid: str) -> dict[str, str]:
    return {"space": "sp_assets", "externalId": xid}


def make_items(n: int) -> list[dict[str, Any]]:
    """``n`` CogniteAsset nodes in the API read shape, with every property set (about 1.2 kB each)."""
    items = []
    for i in range(n):
        parent = f"asset_{i // 10:06d}"
        props = {
            "name": f"Asset {i:06d} pump station north compressor",
            "description": f"Centrifugal pump {i} on the north platform, installed by the maintenance crew "
            "after the 2019 refurbishment; see work orders for history and inspection notes.",
            "tags": ["pump", "north", f"area-{i % 17}", "critical"],
            "aliases": [f"PMP-{i:06d}", f"N-{i}"],
            "sourceId": f"src-{i:08d}",
            "sourceContext": "SAP/plant-4711",
            "source": _ref("source_sap"),
            "sourceCreatedTime": "2021-03-04T05:06:07.890+00:00",
            "sourceUpdatedTime": "2024-10-11T12:13:14.150+00:00",
            "sourceCreatedUser": "importer@example.com",
            "sourceUpdatedUser": "operator-17@example.com",
            "parent": _ref(parent),
            "root": _ref("asset_root"),
            "path": [_ref("asset_root"), _ref(f"asset_{i // 100:06d}"), _ref(parent), _ref(f"asset_{i:06d}")],
            "pathLastUpdatedTime": "2024-10-11T12:13:14.150+00:00",
            "assetClass": _ref("class_pump"),
            "type": _ref("type_centrifugal"),
            "object3D": _ref(f"model3d_{i:06d}"),
        }
        items.append(
            {
                "instanceType": "node",
                "space": "sp_assets",
                "externalId": f"asset_{i:06d}",
                "version": 3,
                "createdTime": 1730204346000 + i,
                "lastUpdatedTime": 1730204999000 + i,
                "properties": {"cdf_cdm": {"CogniteAsset/v1": props}},
            }
        )
    return items


def timed(func: Callable[[], object]) -> float:
    """Seconds of one call, after a full collection (so one contender's garbage does not bill the next)."""
    gc.collect()
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def medians(contenders: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds per contender; rounds are interleaved so machine noise hits all of them alike."""
    for func in contenders.values():
        func()  # warm up (builds validators once, as a long-running process would)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, func in contenders.items():
            times[name].append(timed(func))
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    items = make_items(args.n)
    nested_raw = json.dumps({"items": items, "nextCursor": "abc"}).encode()
    flat_items = [
        {key: value for key, value in item.items() if key != "properties"}
        | item["properties"]["cdf_cdm"]["CogniteAsset/v1"]
        for item in items
    ]
    flat_raw = json.dumps({"items": flat_items, "nextCursor": "abc"}).encode()

    # Sanity: the runtime parses everything, with the right values.
    parsed, cursor = parse_items(CogniteAsset, nested_raw)
    assert len(parsed) == args.n and cursor == "abc"
    assert parsed[11].parent == NodeId("sp_assets", "asset_000001") and parsed[0].type_ == NodeId(
        "sp_assets", "type_centrifugal"
    )
    assert parsed[0].source_created_time is not None and parsed[0].source_created_time.tzinfo is not None

    del items, flat_items  # only the raw bytes stay alive, as in a client
    gc.collect()
    results = medians(
        {
            "runtime": lambda: parse_items(CogniteAsset, nested_raw),
            "flat": lambda: FlatResponse.model_validate_json(flat_raw),
            "flat (NodeId ids)": lambda: FlatIdsResponse.model_validate_json(flat_raw),
            "nested": lambda: NestedResponse.model_validate_json(nested_raw),
        },
        args.repeat,
    )
    # Measured apart: these build millions of small dicts, which slows whatever runs next.
    results.update(
        medians(
            {
                "json.loads": lambda: json.loads(nested_raw),
                "runtime (validate=False)": lambda: parse_items(CogniteAsset, nested_raw, False),
            },
            args.repeat,
        )
    )
    size = len(nested_raw) / 1e6
    print(f"{args.n} CogniteAsset nodes, {size:.1f} MB nested JSON, median of {args.repeat} interleaved runs")
    for name, seconds in results.items():
        print(f"  {name:26s} {seconds * 1000:8.1f} ms  {args.n / seconds / 1000:7.1f}k inst/s")
    print(f"  ratio runtime / flat plain pydantic:   {results['runtime'] / results['flat']:.2f}x  (aim <= 1.5x)")
    fastest = min(results["flat"], results["flat (NodeId ids)"])
    print(f"  ratio runtime / fastest flat baseline: {results['runtime'] / fastest:.2f}x")
    print(f"  ratio runtime / nested plain pydantic: {results['runtime'] / results['nested']:.2f}x")
    return results


if __name__ == "__main__":
    main()
