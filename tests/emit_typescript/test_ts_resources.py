"""Views whose nodes are time series or files (``ViewClass.resource``) in the TypeScript SDK: their APIs extend the
runtime's ``TimeSeriesNodeApi``/``FileNodeApi``, whose helpers no connection method may shadow, and the client's
``datapoints``/``files`` members, which no view's member may take."""

from __future__ import annotations

import re
from typing import Any

from _ts_support import edge, mapped, model, view

from pygen.dms import DataModel
from pygen.generator import generate
from pygen.generator.emit.typescript import RUNTIME_DIR, typescript_names
from pygen.generator.emit.typescript._naming import RESOURCE_API_MEMBERS
from pygen.generator.ir import build_ir

CORE_FILE = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteFile", "version": "v1"}
CORE_TIME_SERIES = {"type": "view", "space": "cdf_cdm", "externalId": "CogniteTimeSeries", "version": "v1"}


def _implementing(core: dict[str, Any], external_id: str, properties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {**view(external_id, properties), "implements": [core]}


def _model() -> dict[str, Any]:
    return model(
        "Plant",
        [
            _implementing(CORE_FILE, "Doc", {"title": mapped("text"), "upload": edge("Sheet", "uploads")}),
            _implementing(CORE_TIME_SERIES, "Sensor", {"label": mapped("text"), "datapoints": edge("Sheet", "dps")}),
            view("Sheet", {"text": mapped("text"), "upload": edge("Doc", "pages"), "datapoints": edge("Doc", "d")}),
            view("datapoints", {"a": mapped("text")}),
            view("Files", {"a": mapped("text")}),
        ],
    )


def test_connections_of_resource_views_do_not_shadow_the_helpers() -> None:
    sdk, diagnostics = build_ir([DataModel.load(_model())])
    assert sdk is not None, diagnostics
    names, _ = typescript_names(sdk, package="plant")
    by_view = {(ref.external_id, prop): name for (ref, prop), name in names.connections.items()}
    assert by_view[("Doc", "upload")] == "upload_"  # FileNodeApi.upload
    assert by_view[("Sensor", "datapoints")] == "datapoints_"  # TimeSeriesNodeApi.datapoints
    assert by_view[("Sheet", "upload")] == "upload"  # a plain view has no such helper
    assert by_view[("Sheet", "datapoints")] == "datapoints"
    members = {ref.external_id: view_names.member for ref, view_names in names.views.items()}
    assert members["datapoints"] == "datapoints_"  # the client's own members
    assert members["Files"] == "files_"
    assert names.view(next(ref for ref in names.views if ref.external_id == "Files")).api == "Files_Api"  # FilesApi


def test_resource_views_extend_the_runtime_helpers_and_the_client_has_datapoints_and_files() -> None:
    files = generate([_model()], language="typescript").files
    doc = files["plant/views/Doc.ts"]
    sensor = files["plant/views/Sensor.ts"]
    sheet = files["plant/views/Sheet.ts"]
    assert "export class DocApi extends FileNodeApi<DocProperties, DocWriteProperties> {" in doc
    assert "export class SensorApi extends TimeSeriesNodeApi<SensorProperties, SensorWriteProperties> {" in sensor
    assert "export class SheetApi extends NodeApi<SheetProperties, SheetWriteProperties> {" in sheet
    assert "async upload_(" in doc and "async datapoints_(" in sensor
    client = files["plant/client.ts"]
    assert "  readonly datapoints: DatapointsApi;\n" in client and "  readonly files: FilesApi;\n" in client
    assert "    this.datapoints = new DatapointsApi(http, { instanceSpace });\n" in client
    assert "  readonly datapoints_: Datapoints_Api;\n" in client and "  readonly files_: Files_Api;\n" in client


def test_resource_api_members_cover_the_runtime_helper_classes() -> None:
    """Every member TimeSeriesNodeApi and FileNodeApi declare is reserved for connection methods of such views."""
    for module, cls, resource in (
        ("datapoints.ts", "TimeSeriesNodeApi", "timeseries"),
        ("files.ts", "FileNodeApi", "file"),
    ):
        text = (RUNTIME_DIR / module).read_text(encoding="utf-8")
        match = re.search(rf"^export class {cls}\b.*?^}}", text, re.M | re.S)
        assert match is not None, cls
        body = match.group(0).split("{\n", 1)[1]
        declared = set(
            re.findall(r"^  (?:(?:protected|readonly|async|static|get|override)\s+)*\*?(\w+)\s*[(<:?]", body, re.M)
        )
        assert declared, cls
        assert declared <= RESOURCE_API_MEMBERS[resource], (cls, declared - RESOURCE_API_MEMBERS[resource])
