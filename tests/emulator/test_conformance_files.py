"""Files: the content of CogniteFile nodes and of classic files, uploaded and downloaded with Cognite's own Python
SDK (its flows: upload link + PUT, multipart upload, download link + streamed GET) against a real
``pygen emulator`` process (or the CDF project tests/cdf_target.py names).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _sdk_service import Service, sdk_service
from cognite.client.data_classes import TimeSeriesWrite
from cognite.client.data_classes.data_modeling import NodeApply, NodeId
from cognite.client.data_classes.data_modeling.cdm.v1 import CogniteFileApply
from cognite.client.exceptions import CogniteAPIError, CogniteFileUploadError, CogniteNotFoundError

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    with sdk_service() as running:
        yield running


@pytest.fixture(scope="module")
def space(service: Service) -> str:
    return service.fresh_space("files")


def file_node(service: Service, space: str, xid: str, mime_type: str = "application/octet-stream") -> NodeId:
    """A CogniteFile node (it IS the file: its content goes to its instance id)."""
    service.client.data_modeling.instances.apply(CogniteFileApply(space, xid, name=f"{xid}.bin", mime_type=mime_type))
    return NodeId(space, xid)


def write_random(path: Path, size: int) -> str:
    """Fill ``path`` with ``size`` random bytes, a MiB at a time; their SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for offset in range(0, size, MIB):
            chunk = os.urandom(min(MIB, size - offset))
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.mark.once  # the emulator's memory and the bytes do not depend on the Python running pytest
@pytest.mark.slow
def test_fifty_megabytes_up_and_down_byte_identical_in_flat_memory(
    service: Service, space: str, tmp_path: Path
) -> None:
    node = file_node(service, space, "fifty")
    source, target = tmp_path / "fifty.bin", tmp_path / "fifty.back"
    digest = write_random(source, 50 * 1000 * 1000)
    before = service.rss_kib() if service.is_emulator else 0
    began = time.perf_counter()
    # What the SDK does for a path: /files/multiuploadlink, a PUT per part, /files/completemultipartupload.
    service.client.data_modeling.files.upload_content(source, node)
    uploaded = time.perf_counter()
    service.client.data_modeling.files.download_to_path(target, node)  # /files/downloadlink, then a streamed GET
    downloaded = time.perf_counter()
    assert target.stat().st_size == source.stat().st_size
    assert sha256(target) == digest
    grown = service.rss_kib() - before if service.is_emulator else 0
    if service.is_emulator:
        # Held in memory, the file alone would add 48,828 KiB; streamed, the process grows by buffers only.
        assert grown < 16 * 1024, f"the emulator's memory grew by {grown} KiB for a 50 MB upload and download"
    metadata = service.client.files.retrieve(instance_id=node)
    assert metadata is not None and metadata.uploaded is True and metadata.instance_id == node
    print(f"upload {uploaded - began:.1f} s, download {downloaded - uploaded:.1f} s, rss +{grown} KiB")  # with -s


def test_upload_bytes_and_a_two_part_upload_to_a_node(service: Service, space: str) -> None:
    client = service.client
    node = file_node(service, space, "small", mime_type="text/plain")
    client.files.upload_content_bytes(b"first content", instance_id=node)  # /files/uploadlink + PUT
    assert client.files.download_bytes(instance_id=node) == b"first content"
    urls = client.files.retrieve_download_urls(instance_id=node)
    assert list(urls) == [node] and urls[node].startswith("http")

    first, second = os.urandom(5 * MIB), b"the short last part"
    with client.files.multipart_upload_content_session(parts=2, instance_id=node) as session:
        session.upload_part(1, second)  # parts may arrive in any order
        session.upload_part(0, first)
    assert client.files.download_bytes(instance_id=node) == first + second

    # The node says it too (CDF keeps CogniteFile's isUploaded/uploadedTime in step).
    retrieved = client.data_modeling.instances.retrieve_nodes(node, sources=CogniteFileApply.get_source())
    assert retrieved is not None
    properties = retrieved.properties[CogniteFileApply.get_source()]
    assert properties["isUploaded"] is True and properties["uploadedTime"]
    described = client.files.retrieve(instance_id=node)
    assert described is not None and described.mime_type == "text/plain" and described.name == "small.bin"


def test_classic_file_create_upload_download(service: Service) -> None:
    client = service.client
    xid = service.xid("pygen-files-classic", "file")
    created = client.files.upload_bytes(b"classic bytes", name="classic.txt", external_id=xid, mime_type="text/plain")
    assert created.external_id == xid and created.id
    assert client.files.download_bytes(external_id=xid) == b"classic bytes"
    assert client.files.download_bytes(id=created.id) == b"classic bytes"
    retrieved = client.files.retrieve(external_id=xid)
    assert retrieved is not None and retrieved.uploaded is True and retrieved.name == "classic.txt"
    with pytest.raises(CogniteAPIError) as twice:
        client.files.upload_bytes(b"again", name="classic.txt", external_id=xid)
    assert twice.value.code == 409
    client.files.upload_bytes(b"replaced", name="classic.txt", external_id=xid, overwrite=True)
    assert client.files.download_bytes(external_id=xid) == b"replaced"


def test_missing_and_wrong_targets(service: Service, space: str) -> None:
    client = service.client
    nowhere = NodeId(space, "no-such-file")
    with pytest.raises(CogniteNotFoundError) as missing:
        client.files.upload_content_bytes(b"x", instance_id=nowhere)
    assert missing.value.code == 400
    assert missing.value.not_found == [{"instanceId": {"space": space, "externalId": "no-such-file"}}]
    if service.is_emulator:
        assert missing.value.message == "Files not found"
    client.data_modeling.instances.apply(NodeApply(space, "not-a-file"))
    with pytest.raises(CogniteFileUploadError) as not_a_file:  # the SDK looks the node up to say why
        client.data_modeling.files.upload_content_bytes(b"x", NodeId(space, "not-a-file"))
    assert "exists but is not a file node" in str(not_a_file.value)
    assert client.files.retrieve(instance_id=nowhere) is None

    waiting = file_node(service, space, "never-uploaded")
    with service.http() as http:
        ref = {"instanceId": {"space": space, "externalId": "never-uploaded"}}
        answer = http.post("/files/downloadlink", json={"items": [ref]})
        assert answer.status_code == 400, answer.text
        if service.is_emulator:
            assert answer.json()["error"]["missing"] == [ref]
            assert "has not been uploaded" in answer.json()["error"]["message"]
        assert http.post("/files/multiuploadlink", params={"parts": 251}, json={"items": [ref]}).status_code == 400
    assert client.files.retrieve(instance_id=waiting) is not None


@pytest.mark.emulator_only  # the links' rules are the emulator's (CDF's are its cloud storage's)
def test_links_are_their_own_credentials(service: Service, space: str) -> None:
    node = file_node(service, space, "linked")
    service.client.files.upload_content_bytes(b"linked content", instance_id=node)
    with service.http() as http:
        ref = {"instanceId": {"space": space, "externalId": "linked"}}
        url = http.post("/files/downloadlink", json={"items": [ref]}).json()["items"][0]["downloadUrl"]
        upload = http.post("/files/uploadlink", json={"items": [ref]}).json()["items"][0]["uploadUrl"]
    assert httpx.get(url).content == b"linked content"  # no bearer token: the URL is the key
    assert httpx.put(upload, content=b"via the link").status_code == 200
    assert httpx.get(url).content == b"via the link"
    assert httpx.get(url.rsplit("/", 1)[0] + "/" + secrets.token_urlsafe(24)).status_code == 404
    with service.http() as http:
        started = http.post("/files/multiuploadlink", params={"parts": 2}, json={"items": [ref]}).json()["items"][0]
        complete = {"instanceId": ref["instanceId"], "uploadId": started["uploadId"]}
        answer = http.post("/files/completemultipartupload", json=complete)
    assert answer.status_code == 400 and "part(s) 0, 1 missing" in answer.json()["error"]["message"]
    with service.http() as http:
        odd = http.post("/files/completemultipartupload", json={**complete, "uploadId": {"not": "text"}})
    assert odd.status_code == 400 and "not a multipart upload of this file" in odd.json()["error"]["message"]


@pytest.mark.emulator_only  # --db and /_emulator/reset
def test_db_keeps_datapoints_and_file_content_until_reset(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    with sdk_service("--db", str(db)) as first:
        space = first.fresh_space("keep")
        node = file_node(first, space, "kept")
        first.client.files.upload_content_bytes(b"kept content", instance_id=node)
        first.client.time_series.create(TimeSeriesWrite(external_id="kept-series", name="kept"))
        first.client.time_series.data.insert([(1_000, 1.5), (2_000, 2.5)], external_id="kept-series")
    with sdk_service("--db", str(db)) as second:
        assert second.client.files.download_bytes(instance_id=node) == b"kept content"
        kept = second.client.time_series.data.retrieve(external_id="kept-series", start=0, end=10_000)
        assert kept.value == [1.5, 2.5]
        assert second.process is not None
        with second.process.client() as admin:
            admin.post("/_emulator/reset").raise_for_status()
        assert second.client.time_series.retrieve(external_id="kept-series") is None
        assert not list(Path(f"{db}.files").iterdir())  # the content went with the metadata
