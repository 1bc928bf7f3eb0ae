"""Benchmark: parse a 10,000-node list response (CogniteAsset properties) into typed objects.

Compares, in the same run and on the same machine (CPU seconds, medians of interleaved rounds, a full
collection before each call so one contender's garbage does not bill the next):

- ``runtime``: pygen.instances' list parsing (``parse_items``: one ``validate_json`` of the response
  into ``CogniteAsset`` objects declared the way generated SDKs declare them, with direct relations
  typed ``DirectRelationTo[CogniteAsset]``, i.e. ``NodeId | CogniteAsset``), from the API's nested JSON;
- ``limit (same data)``: pydantic's own limit on the same bytes: a plain pydantic model with the same
  field types (``NodeId`` ids, datetimes) reading the nested JSON with one ``AliasPath`` per property;
- ``limit (flat data)``: pydantic's ``validate_json`` on the same items flattened (properties at the top
  level, so smaller and shallower JSON) into a plain model with the same field types: the baseline of
  issue 18 ("pydantic validate_json into flat models with the same ids");
- ``flat (ref models)``/``nested (ref models)``: plain pydantic models with a ``{space, externalId}``
  model for direct relations, flat and mirroring the API's nested JSON;
- ``decode first``: another decoding path, the response decoded once into Python objects (pydantic-core's
  ``from_json``; also ``orjson.loads`` when orjson is installed), then each item validated into the same
  typed classes (``model_validate``), as validating per-view slices of a decoded response would;
- ``v1``: cognite-pygen 1.4.2's generated CogniteCore SDK doing what its ``list()`` does with the same
  answer (``json.loads``, cognite-sdk's ``NodeList._load``, ``instantiate_classes``), in its own
  virtualenv (installed by bench/generate_python.py's helper on first use), one call per round;
- ``json.loads`` of the response and ``runtime (validate=False)``, measured apart (they build millions
  of small dicts, which slows whatever runs next).

Run: ``.venv/bin/python bench/instances_parse.py [--n 10000] [--repeat 9] [--skip-v1]``. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import pydantic_core
from pydantic import AliasPath, BaseModel, ConfigDict, Field, create_model

from pygen.instances import DirectRelation, DirectRelationTo, Node, NodeId, Timestamp, ViewId
from pygen.instances._parse import parse_items, response_model

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_python import MODELS, V1_GEN, ensure_v1, run_json  # noqa: E402

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


_PROPERTIES = ("properties", "cdf_cdm", "CogniteAsset/v1")
_INSTANCE_FIELDS = ("instanceType", "space", "externalId", "version", "createdTime", "lastUpdatedTime")

#: pydantic's own limit on the same data: FlatAssetIds' fields, each property read from the nested JSON
#: through an AliasPath (what the runtime's classes do, without the runtime).
SameDataAsset = create_model(
    "SameDataAsset",
    __config__=ConfigDict(extra="ignore"),
    **{
        name: (info.annotation, ...)
        if name in _INSTANCE_FIELDS
        else (info.annotation, Field(None, validation_alias=AliasPath(*_PROPERTIES, name)))
        for name, info in FlatAssetIds.model_fields.items()
    },  # type: ignore[call-overload]
)
SameDataResponse = create_model("SameDataResponse", items=(list[SameDataAsset], ...), nextCursor=(str | None, None))


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
    """CPU seconds of one call, after a full collection (so one contender's garbage does not bill the next)."""
    gc.collect()
    started = time.process_time()
    func()
    return time.process_time() - started


#: cognite-pygen 1.4.2 doing what its generated ``list()`` does with an answer: json.loads, cognite-sdk's
#: NodeList, then the SDK's own validation into its classes. Prints "ready", then one timing per line read.
V1_PARSE = textwrap.dedent(
    """
    import gc, json, sys, time, warnings
    warnings.simplefilter("ignore")
    from cognite.client import data_modeling as dm
    from cognite_core.data_classes import CogniteAsset, CogniteAssetList
    from cognite_core._api._core import instantiate_classes
    raw = open(sys.argv[1], "rb").read()
    def parse():
        nodes = dm.NodeList._load(json.loads(raw)["items"])
        items = [CogniteAsset._to_dict(node) for node in nodes]
        return CogniteAssetList(instantiate_classes(CogniteAsset, items, "list"))
    first = parse()
    assert len(first) == int(sys.argv[2]) and first[11].parent.external_id == "asset_000001"
    print("ready", flush=True)
    for _ in sys.stdin:
        gc.collect()
        started = time.process_time()
        parse()
        print(time.process_time() - started, flush=True)
    """
)


class V1Worker:
    """v1 in its own virtualenv and process, parsing the same bytes once per round when asked."""

    def __init__(self, python: Path, raw: bytes, n: int, work: Path) -> None:
        run_json([str(python), "-c", V1_GEN, str(MODELS / "CogniteCore.json"), str(work / "v1"), "cognite_core"])
        data = work / "response.json"
        data.write_bytes(raw)
        env = {"PYTHONPATH": str(work / "v1"), "PATH": "/usr/bin:/bin"}
        self.process = subprocess.Popen(
            [str(python), "-c", V1_PARSE, str(data), str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "ready"

    def __call__(self) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def medians(
    contenders: dict[str, Callable[[], object]], repeat: int, external: dict[str, Callable[[], float]] | None = None
) -> dict[str, float]:
    """Median CPU seconds per contender; rounds are interleaved so machine noise hits all of them alike.

    ``external`` contenders run elsewhere (v1's process) and return their own CPU seconds.
    """
    for func in contenders.values():
        func()  # warm up (builds validators once, as a long-running process would)
    times: dict[str, list[float]] = {name: [] for name in [*contenders, *(external or {})]}
    for _ in range(repeat):
        for name, func in contenders.items():
            times[name].append(timed(func))
        for name, measure in (external or {}).items():
            times[name].append(measure())
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--v1-venv", type=Path, default=Path(tempfile.gettempdir()) / "pygen-bench" / "v1")
    parser.add_argument("--skip-v1", action="store_true")
    args = parser.parse_args(argv)

    items = make_items(args.n)
    nested_raw = json.dumps({"items": items, "nextCursor": "abc"}).encode()
    flat_items = [
        {key: value for key, value in item.items() if key != "properties"}
        | item["properties"]["cdf_cdm"]["CogniteAsset/v1"]
        for item in items
    ]
    flat_raw = json.dumps({"items": flat_items, "nextCursor": "abc"}).encode()

    # Sanity: the runtime parses everything, with the right values, and as the same-data limit reads them.
    parsed, cursor = parse_items(CogniteAsset, nested_raw)
    assert len(parsed) == args.n and cursor == "abc"
    assert parsed[11].parent == NodeId("sp_assets", "asset_000001") and parsed[0].type_ == NodeId(
        "sp_assets", "type_centrifugal"
    )
    assert parsed[0].source_created_time is not None and parsed[0].source_created_time.tzinfo is not None
    same = SameDataResponse.model_validate_json(nested_raw).items  # type: ignore[attr-defined]
    assert same[11].parent == parsed[11].parent and same[7].path == parsed[7].path and same[3].name == parsed[3].name
    del parsed, same

    model = response_model(CogniteAsset)
    contenders: dict[str, Callable[[], object]] = {
        "runtime": lambda: parse_items(CogniteAsset, nested_raw),
        "limit (same data)": lambda: SameDataResponse.model_validate_json(nested_raw),
        "limit (flat data)": lambda: FlatIdsResponse.model_validate_json(flat_raw),
        "flat (ref models)": lambda: FlatResponse.model_validate_json(flat_raw),
        "nested (ref models)": lambda: NestedResponse.model_validate_json(nested_raw),
        "decode first (from_json)": lambda: model.model_validate(pydantic_core.from_json(nested_raw)),
    }
    try:
        orjson: Any = importlib.import_module("orjson")
    except ImportError:
        orjson = None
    if orjson is not None:
        contenders["decode first (orjson)"] = lambda: model.model_validate(orjson.loads(nested_raw))
    del items, flat_items  # only the raw bytes stay alive, as in a client
    gc.collect()
    with tempfile.TemporaryDirectory(prefix="pygen-parse-bench-") as tmp:
        v1 = None if args.skip_v1 else V1Worker(ensure_v1(args.v1_venv), nested_raw, args.n, Path(tmp))
        try:
            results = medians(contenders, args.repeat, {"v1": v1} if v1 is not None else None)
        finally:
            if v1 is not None:
                v1.close()
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
    print(
        f"{args.n} CogniteAsset nodes, {size:.1f} MB nested JSON ({len(flat_raw) / 1e6:.1f} MB flat), "
        f"CPU time, median of {args.repeat} interleaved rounds"
    )
    for name, seconds in results.items():
        print(f"  {name:26s} {seconds * 1000:8.1f} ms  {args.n / seconds / 1000:7.1f}k inst/s")
    ours = results["runtime"]
    print(f"  runtime / limit (same data):  {ours / results['limit (same data)']:.2f}x")
    print(f"  runtime / limit (flat data):  {ours / results['limit (flat data)']:.2f}x  (issue 18: <= 1.2x)")
    print(f"  decode first / runtime:       {results['decode first (from_json)'] / ours:.2f}x")
    if "v1" in results:
        print(f"  v1 / runtime:                 {results['v1'] / ours:.1f}x")
    print(json.dumps({name: round(seconds, 4) for name, seconds in results.items()}))
    return results


if __name__ == "__main__":
    main()
