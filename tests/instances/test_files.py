"""client.files against a fake of CDF's file links and a storage host (tests/instances/_datapoints_fake.py).

Upload: ``/files/uploadlink`` then a streamed ``PUT`` with ``Content-Length``, sent again from the start when
the storage answers 503; download: ``/files/downloadlink`` then a streamed ``GET`` into ``<path>.part``, renamed
when complete. The project's token goes to the cluster's own origin only.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _datapoints_fake import SPACE, FakeCDF, config, connect

from pygen.instances import AsyncInstanceClient, FileRef, InstanceClient, NodeId, TimeSeriesRef
from pygen.transport import AsyncHTTPClient, BadRequestError, HTTPClient, PygenError


@pytest.fixture
def fake() -> FakeCDF:
    return FakeCDF()


@pytest.fixture
def client(fake: FakeCDF) -> Iterator[InstanceClient]:
    with connect(fake) as instance_client:
        yield instance_client


def _data(size: int) -> bytes:
    return bytes(range(256)) * (size // 256) + bytes(size % 256)


def test_upload_bytes_by_instance_id_then_download(client: InstanceClient, fake: FakeCDF, tmp_path: Path) -> None:
    data = _data(3_000_000)
    client.files.upload("manual", data, mime_type="application/pdf")
    method, path, body = fake.requests[0]
    assert (method, path, body) == (
        "POST",
        "/files/uploadlink",
        {"items": [{"instanceId": {"space": SPACE, "externalId": "manual"}}]},
    )
    assert fake.files[("instanceId", SPACE, "manual")] == data
    put = fake.storage_headers[0]
    assert put["content-type"] == "application/pdf" and put["content-length"] == str(len(data))
    assert "authorization" not in put and "x-cdp-app" not in put  # the token stays with the cluster
    target = client.files.download(NodeId(SPACE, "manual"), tmp_path / "copy.pdf")
    assert target.read_bytes() == data and os.listdir(tmp_path) == ["copy.pdf"]
    assert client.files.download_bytes(("sp", "manual")) == data
    assert fake.requests[-2][:2] == ("POST", "/files/downloadlink")


def test_upload_streams_a_path_and_sends_it_again_after_a_503(
    client: InstanceClient, fake: FakeCDF, tmp_path: Path
) -> None:
    source = tmp_path / "big.bin"
    data = _data(5 * (1 << 20) + 17)
    source.write_bytes(data)
    fake.fail_storage = 1
    client.files.upload(FileRef("classic"), source)
    assert fake.requests[0][2] == {"items": [{"externalId": "classic"}]}
    assert fake.files[("externalId", "classic")] == data
    assert [h["content-length"] for h in fake.storage_headers] == [str(len(data))] * 2
    assert fake.storage_headers[1]["content-type"] == "application/octet-stream"


def test_upload_from_file_objects(client: InstanceClient, fake: FakeCDF) -> None:
    stream = io.BytesIO(b"skipped|kept")
    stream.seek(8)
    fake.fail_storage = 1
    client.files.upload("f", stream)
    assert fake.files[("instanceId", SPACE, "f")] == b"kept"

    class OneWay(io.RawIOBase):
        def __init__(self) -> None:
            self.left = [b"abc"]

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            return self.left.pop() if self.left else b""

    client.files.upload("g", OneWay())
    assert fake.files[("instanceId", SPACE, "g")] == b"abc"
    fake.fail_storage = 1
    with pytest.raises(PygenError, match="not seekable"):
        client.files.upload("h", OneWay())


def test_same_origin_links_carry_the_token_and_relative_urls_work(client: InstanceClient, fake: FakeCDF) -> None:
    fake.same_origin = True
    client.files.upload("f", b"data")
    assert fake.storage_headers[0]["authorization"] == "Bearer secret-token"
    assert client.files.download_bytes("f") == b"data"


def test_mistakes_are_clear(client: InstanceClient, fake: FakeCDF, tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="not a str"):
        client.files.upload("f", "contents or a path?")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        client.files.upload("f", tmp_path / "nope.bin")
    with pytest.raises(TypeError, match="names a time series, not a file"):
        client.files.upload(TimeSeriesRef("ts"), b"x")
    with pytest.raises(IsADirectoryError):
        client.files.download("f", tmp_path)
    assert fake.requests == []
    with pytest.raises(BadRequestError):
        client.files.download("missing", tmp_path / "x")
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.part").exists()


def test_a_download_that_breaks_off_starts_again(fake: FakeCDF, tmp_path: Path) -> None:
    fake.files[("instanceId", SPACE, "f")] = _data(3 << 20)
    broken = [1]

    class BreakingStream(httpx.SyncByteStream):
        def __init__(self, data: bytes) -> None:
            self.data = data

        def __iter__(self) -> Iterator[bytes]:
            yield self.data[: 1 << 20]
            raise httpx.ReadError("connection reset")

    def handler(request: httpx.Request) -> httpx.Response:
        response = fake(request)
        if request.url.path == "/down" and broken:
            broken.pop()
            return httpx.Response(200, stream=BreakingStream(response.content))
        return response

    with HTTPClient(config(), transport=httpx.MockTransport(handler), sleep=lambda _: None) as http:
        client = InstanceClient(http, instance_space=SPACE)
        target = client.files.download("f", tmp_path / "f.bin")
    assert target.read_bytes() == fake.files[("instanceId", SPACE, "f")]
    assert [p for _, p, _ in fake.requests].count("/files/downloadlink") == 2  # a fresh link for the second try


@pytest.mark.anyio
async def test_async_twins(fake: FakeCDF, tmp_path: Path) -> None:
    source = tmp_path / "a.bin"
    source.write_bytes(_data(2 << 20))
    async with AsyncHTTPClient(config(), transport=httpx.MockTransport(fake)) as http:
        client = AsyncInstanceClient(http, instance_space=SPACE)
        fake.fail_storage = 1
        await client.files.upload("a", source)
        await client.files.upload(FileRef("b"), b"bytes")
        assert fake.files[("instanceId", SPACE, "a")] == source.read_bytes()
        assert (await client.files.download("a", tmp_path / "copy.bin")).read_bytes() == source.read_bytes()
        assert await client.files.download_bytes(FileRef("b")) == b"bytes"
        assert (await client.files.upload_url("a")).startswith("http://storage.test/up")
