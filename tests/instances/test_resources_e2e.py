"""Generated SDKs and CDF resources, against an in-process emulator.

- Views whose nodes ARE time series or files (CogniteCore's ``CogniteTimeSeries``/``CogniteFile``, WindTurbine's
  ``SensorTimeSeries``/``DataSheet``, which only map the core containers) get the datapoints and content helpers
  on their API (many nodes at once) and on their read objects (which take the client).
- Properties of type ``timeseries``/``file``/``sequence`` (Omni's ``CDFExternalReferences`` views) read as
  ``TimeSeriesRef``/``FileRef``/``SequenceRef`` and take, on write, a ``ClassicTimeSeries``/``ClassicFile`` that
  ``upsert`` creates (or updates) before it writes the node: v1's nested write of classic resources.
"""

from __future__ import annotations

import json
import types
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from testdata import MODELS_DIR, OMNI_MODEL

from pygen.emulator import EmulatorSettings, create_app
from pygen.emulator.testing import SyncASGITransport
from pygen.generator import load_sdk
from pygen.instances import (
    ClassicFile,
    ClassicResourceError,
    ClassicTimeSeries,
    Datapoints,
    DatapointsList,
    FileNode,
    FileRef,
    SequenceRef,
    TimeSeriesNode,
    TimeSeriesRef,
)
from pygen.transport import AsyncHTTPClient, ClientConfig, HTTPClient, Token

TOKEN = "resources-token"
SPACE = "res_space"
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
MODELS = [MODELS_DIR / "CogniteCore.json", OMNI_MODEL, MODELS_DIR / "WindTurbine.json"]

pytestmark = pytest.mark.anyio


def _models(name: str) -> list[dict[str, Any]]:
    data = json.loads((MODELS_DIR / f"{name}.json").read_text())
    return data["items"] if isinstance(data, dict) and "items" in data else [data]


@pytest.fixture(scope="module")
def core() -> types.ModuleType:
    return load_sdk(_models("CogniteCore"), package="res_core")


@pytest.fixture(scope="module")
def omni() -> types.ModuleType:
    return load_sdk(_models("Omni"), package="res_omni")


@pytest.fixture(scope="module")
def wind() -> types.ModuleType:
    return load_sdk(_models("WindTurbine"), package="res_wind")


def _settings() -> EmulatorSettings:
    return EmulatorSettings(token=TOKEN, model_files=MODELS)


def _config() -> ClientConfig:
    return ClientConfig("resources", Token(TOKEN), base_url="http://emulator")


@pytest.fixture
def http() -> Iterator[HTTPClient]:
    with HTTPClient(_config(), transport=SyncASGITransport(create_app(_settings()))) as client:
        client.post("/models/spaces", json={"items": [{"space": SPACE}]})
        yield client


@pytest.fixture
async def ahttp() -> AsyncIterator[AsyncHTTPClient]:
    transport = httpx.ASGITransport(app=create_app(_settings()))
    async with AsyncHTTPClient(_config(), transport=transport) as client:
        await client.post("/models/spaces", json={"items": [{"space": SPACE}]})
        yield client


def _points(count: int, offset: float = 0.0) -> list[tuple[datetime, float]]:
    return [(START + timedelta(minutes=m), offset + m) for m in range(count)]


# ---------------------------------------------------------------------------------------------- time series and files


def test_time_series_views_read_datapoints_of_many_nodes(http: HTTPClient, core: types.ModuleType) -> None:
    client = core.CogniteCoreClient(http, instance_space=SPACE)
    client.upsert([core.CogniteTimeSeriesWrite(external_id=f"s{i}", type_="numeric", is_step=False) for i in range(3)])
    api = client.cognite_time_series
    for i in range(3):
        assert api.insert_datapoints(f"s{i}", _points(120, offset=100 * i)) == 120

    many = api.datapoints(["s0", "s1", "s2"], start=START, end=START + timedelta(hours=2))
    assert isinstance(many, DatapointsList) and [len(dps) for dps in many] == [120, 120, 120]
    assert [dps.values[0] for dps in many] == [0.0, 100.0, 200.0]
    hourly = api.datapoints("s1", start=START, end=START + timedelta(hours=2), aggregates="max", granularity="1h")
    assert isinstance(hourly, Datapoints) and list(hourly.aggregates["max"]) == [159.0, 219.0]
    pages = list(api.datapoint_pages("s2", start=START, end="now", page_size=50))
    assert [len(piece) for piece in pages] == [50, 50, 20]
    assert api.latest_datapoint(["s0", "s2"]) == [
        (int((START + timedelta(minutes=119)).timestamp() * 1000), 119.0),
        (int((START + timedelta(minutes=119)).timestamp() * 1000), 319.0),
    ]
    api.delete_datapoints("s0", START, START + timedelta(hours=1))
    assert len(api.datapoints("s0", start=START, end="now")) == 60

    # The read objects: their class has the helpers, which take the client to use.
    sensor = api.retrieve("s1")
    assert isinstance(sensor, TimeSeriesNode)
    assert list(sensor.datapoints(client, start=START, end=START + timedelta(minutes=3)).values) == [100, 101, 102]
    latest = sensor.latest_datapoint(client, before=START + timedelta(minutes=10))
    assert latest is not None and latest.value == 109.0
    with pytest.raises(TypeError, match=r"datapoints\(\) takes the client to use .* got HTTPClient"):
        sensor.datapoints(http)  # type: ignore[call-overload]


def test_file_views_upload_and_download_content(http: HTTPClient, core: types.ModuleType, tmp_path: Path) -> None:
    client = core.CogniteCoreClient(http, instance_space=SPACE)
    client.upsert(core.CogniteFileWrite(external_id="manual", name="manual.txt", mime_type="text/plain"))
    api = client.cognite_file
    content = b"pump manual\n" * 10_000
    api.upload("manual", content)
    assert api.download_bytes("manual") == content
    manual = api.retrieve("manual")
    assert isinstance(manual, FileNode) and manual.is_uploaded is True
    written = manual.download(client, tmp_path / "copy.txt")
    assert written.read_bytes() == content
    manual.upload(client, tmp_path / "copy.txt", mime_type="text/plain")  # a path is streamed from disk
    assert manual.download_bytes(client) == content


def test_views_mapping_the_core_containers_get_the_helpers_too(http: HTTPClient, wind: types.ModuleType) -> None:
    """WindTurbine's SensorTimeSeries and DataSheet map cdf_cdm's containers without implementing the views."""
    client = wind.WindTurbineClient(http, instance_space=SPACE)
    assert isinstance(wind.SensorTimeSeries, type) and issubclass(wind.SensorTimeSeries, TimeSeriesNode)
    assert issubclass(wind.DataSheet, FileNode)
    client.upsert(wind.SensorTimeSeriesWrite(external_id="rpm", type_="numeric", is_step=False, name="RPM"))
    client.sensor_time_series.insert_datapoints("rpm", [(START, 12.5)])
    assert list(client.sensor_time_series.datapoints("rpm", start=START, end="now").values) == [12.5]
    client.upsert(wind.DataSheetWrite(external_id="sheet", name="sheet.pdf"))
    client.data_sheet.upload("sheet", b"%PDF-1.7")
    assert client.data_sheet.download_bytes("sheet") == b"%PDF-1.7"


async def test_async_helpers(ahttp: AsyncHTTPClient, core: types.ModuleType) -> None:
    client = core.AsyncCogniteCoreClient(ahttp, instance_space=SPACE)
    await client.upsert(core.CogniteTimeSeriesWrite(external_id="a1", type_="numeric", is_step=False))
    await client.upsert(core.CogniteFileWrite(external_id="f1", name="f1.bin"))
    assert await client.cognite_time_series.insert_datapoints("a1", _points(10)) == 10
    both = await client.cognite_time_series.datapoints(["a1"], start=START, end="now")
    assert [len(dps) for dps in both] == [10]
    pieces = [piece async for piece in client.cognite_time_series.datapoint_pages("a1", start=START, page_size=4)]
    assert [len(piece) for piece in pieces] == [4, 4, 2]
    series = await client.cognite_time_series.retrieve("a1")
    assert series is not None and len(await series.datapoints(client, start=START)) == 10
    assert (await client.cognite_time_series.latest_datapoint("a1")) == (series_ms(9), 9.0)
    await client.cognite_time_series.delete_datapoints(["a1"], START, START + timedelta(minutes=5))
    assert len(await client.cognite_time_series.datapoints("a1", start=START)) == 5
    await client.cognite_file.upload("f1", b"\x00\x01")
    assert await client.cognite_file.download_bytes("f1") == b"\x00\x01"
    file = await client.cognite_file.retrieve("f1")
    assert file is not None and await file.download_bytes(client) == b"\x00\x01"


def series_ms(minute: int) -> int:
    return int((START + timedelta(minutes=minute)).timestamp() * 1000)


# ---------------------------------------------------------------------------------------------- classic references


def _classic_series(http: HTTPClient, *xids: str) -> dict[str, dict[str, Any]]:
    items = [{"externalId": xid} for xid in xids]
    found = http.post("/timeseries/byids", json={"items": items, "ignoreUnknownIds": True}).json()["items"]
    return {item["externalId"]: item for item in found}


def _classic_files(http: HTTPClient, *xids: str) -> dict[str, dict[str, Any]]:
    items = [{"externalId": xid} for xid in xids]
    found = http.post("/files/byids", json={"items": items, "ignoreUnknownIds": True}).json()["items"]
    return {item["externalId"]: item for item in found}


def test_nested_write_of_classic_resources_and_typed_references(http: HTTPClient, omni: types.ModuleType) -> None:
    client = omni.OmniClient(http, instance_space=SPACE)
    item = omni.CDFExternalReferencesWrite(
        external_id="refs-1",
        timeseries=ClassicTimeSeries(external_id="flow", name="Flow", unit="m3/h", metadata={"site": "A"}),
        file=ClassicFile(external_id="pid", name="pid.pdf", mime_type="application/pdf"),
        sequence="curve-1",
    )
    listed = omni.CDFExternalReferencesListedWrite(
        external_id="refs-2",
        timeseries=[ClassicTimeSeries(external_id="flow", name="Flow", unit="m3/h", metadata={"site": "A"}), "other"],
        files=[ClassicFile(external_id="spec", name="spec.txt")],
        sequences=["curve-1", "curve-2"],
    )
    result = client.upsert([item, listed])
    assert len(result.created) == 2

    series = _classic_series(http, "flow", "other")
    assert set(series) == {"flow"}  # a bare external id names a series; it is not created
    assert (series["flow"]["name"], series["flow"]["unit"], series["flow"]["metadata"]) == (
        "Flow",
        "m3/h",
        {"site": "A"},
    )
    files = _classic_files(http, "pid", "spec")
    assert (files["pid"]["name"], files["pid"]["mimeType"], files["spec"]["name"]) == (
        "pid.pdf",
        "application/pdf",
        "spec.txt",
    )

    read = client.cdf_external_references.retrieve("refs-1")
    assert read is not None
    assert (read.timeseries, read.file, read.sequence) == ("flow", "pid", "curve-1")
    assert (type(read.timeseries), type(read.file), type(read.sequence)) == (TimeSeriesRef, FileRef, SequenceRef)
    read_listed = client.cdf_external_references_listed.retrieve("refs-2")
    assert read_listed is not None and read_listed.timeseries == ["flow", "other"]
    assert all(type(ref) is TimeSeriesRef for ref in read_listed.timeseries or [])
    assert read_listed.sequences == [SequenceRef("curve-1"), SequenceRef("curve-2")]

    # The references address the classic resources in the datapoints and files helpers.
    assert read.timeseries is not None and read.file is not None
    assert client.datapoints.insert(read.timeseries, _points(5)) == 5
    assert list(client.datapoints.retrieve(read.timeseries, start=START, end="now").values) == [0, 1, 2, 3, 4]
    client.files.upload(read.file, b"drawing")
    assert client.files.download_bytes(read.file) == b"drawing"

    # Written again with other metadata: the series and the file are updated, the file's content kept.
    client.upsert(
        omni.CDFExternalReferencesWrite(
            external_id="refs-1",
            timeseries=ClassicTimeSeries(external_id="flow", name="Flow rate", is_step=True),
            file=ClassicFile(external_id="pid", name="pid-rev2.pdf"),
        )
    )
    again = _classic_series(http, "flow")["flow"]
    assert (again["name"], again["isStep"], again["unit"]) == ("Flow rate", True, "m3/h")  # a patch: unit kept
    assert _classic_files(http, "pid")["pid"]["name"] == "pid-rev2.pdf"
    assert client.files.download_bytes(FileRef("pid")) == b"drawing"
    assert len(client.datapoints.retrieve(TimeSeriesRef("flow"), start=START, end="now")) == 5

    # as_write() of what was read writes the references as they are.
    rewritten = read.as_write()
    assert rewritten.timeseries == "flow"
    client.upsert(rewritten)


def test_a_classic_resource_given_twice_differently_is_refused_before_sending(
    http: HTTPClient, omni: types.ModuleType
) -> None:
    client = omni.OmniClient(http, instance_space=SPACE)
    first = omni.CDFExternalReferencesWrite(external_id="a", timeseries=ClassicTimeSeries(external_id="x", name="one"))
    second = omni.CDFExternalReferencesWrite(external_id="b", timeseries=ClassicTimeSeries(external_id="x", name="two"))
    with pytest.raises(ValueError, match=r"the classic time series 'x' is given twice with different content"):
        client.upsert([first, second])
    assert _classic_series(http, "x") == {}
    assert client.cdf_external_references.retrieve(["a", "b"]) == []


def test_a_refused_classic_resource_writes_no_instance(http: HTTPClient, omni: types.ModuleType) -> None:
    client = omni.OmniClient(http, instance_space=SPACE)
    bad = ClassicTimeSeries(external_id="bad-series", asset_id=0)  # CDF wants a positive asset id
    node = omni.CDFExternalReferencesWrite(external_id="c", timeseries=bad)
    with pytest.raises(ClassicResourceError) as caught:
        client.upsert(node)
    message = str(caught.value)
    assert (
        "writing the classic time series 'bad-series' failed (400" in message and "no instance was written" in message
    )
    assert "assetId must be a positive integer" in message
    assert caught.value.items == [bad] and caught.value.cause.status == 400
    assert client.cdf_external_references.retrieve("c") is None


async def test_async_nested_write(ahttp: AsyncHTTPClient, omni: types.ModuleType) -> None:
    client = omni.AsyncOmniClient(ahttp, instance_space=SPACE)
    node = omni.CDFExternalReferencesWrite(
        external_id="async-refs",
        timeseries=ClassicTimeSeries(external_id="async-flow", name="Async flow"),
        file=ClassicFile(external_id="async-file", name="async.txt"),
    )
    await client.upsert(node)
    await client.upsert(node)  # the second time both exist: updated, not refused
    found = (await ahttp.post("/timeseries/byids", json={"items": [{"externalId": "async-flow"}]})).json()["items"]
    assert found[0]["name"] == "Async flow"
    read = await client.cdf_external_references.retrieve("async-refs")
    assert read is not None and type(read.timeseries) is TimeSeriesRef and read.file == "async-file"


def test_classic_resources_check_their_fields() -> None:
    with pytest.raises(ValueError, match="name"):
        ClassicFile(external_id="no-name")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="external_id"):
        ClassicTimeSeries(external_id="")
    with pytest.raises(ValueError, match="unknown|extra"):
        ClassicTimeSeries(external_id="x", colour="red")  # type: ignore[call-arg]
