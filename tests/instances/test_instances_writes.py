"""Writes: batching, parallelism, results per item, partial failures named exactly, deletes, graphs."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest
from _instances_support import MODEL_SPACE, TEST_SPACE, config
from omni_sdk import (
    ConnectionItemAWrite,
    ConnectionItemBWrite,
    OmniClient,
    PrimitiveNullable,
    PrimitiveNullableFields,
    PrimitiveNullableWrite,
)

from pygen.instances import DeleteError, EdgeId, EdgeWrite, NodeId, UpsertError
from pygen.transport import ConcurrencyLimits, HTTPClient, RetryPolicy

F = PrimitiveNullableFields


def _nodes(n: int, **kwargs: Any) -> list[PrimitiveNullableWrite]:
    return [PrimitiveNullableWrite(external_id=f"w{i:05d}", int32=i, **kwargs) for i in range(n)]


class _Recorder:
    """A fake CDF that answers applies, recording batch sizes and the most requests in flight at once."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.sizes: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.fail = fail or set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            threading.Event().wait(0.02)
            body = json.loads(request.content)
            items = body["items"]
            self.sizes.append(len(items))
            bad = [item for item in items if item["externalId"] in self.fail]
            if bad:
                return httpx.Response(
                    400, json={"error": {"code": 400, "message": f"bad value in {bad[0]['externalId']}"}}
                )
            out = [
                {**{k: item[k] for k in ("instanceType", "space", "externalId")}, "version": 1, "wasModified": True,
                 "createdTime": 5, "lastUpdatedTime": 5}
                for item in items
            ]  # fmt: skip
            return httpx.Response(200, json={"items": out, "deleted": []})
        finally:
            with self.lock:
                self.in_flight -= 1


def test_batches_of_1000_run_in_parallel_within_the_write_limit() -> None:
    fake = _Recorder()
    cfg = config(limits=ConcurrencyLimits(read=8, write=3, delete=1))
    with HTTPClient(cfg, transport=httpx.MockTransport(fake)) as http:
        result = OmniClient(http, instance_space=TEST_SPACE).upsert(_nodes(4500))
    assert sorted(fake.sizes) == [500, 1000, 1000, 1000, 1000]
    assert 1 < fake.max_in_flight <= 3
    assert len(result.created) == 4500
    assert [r.id.external_id for r in result.items] == [f"w{i:05d}" for i in range(4500)]


def test_a_refused_batch_is_split_to_name_exactly_the_bad_items() -> None:
    fake = _Recorder(fail={"w00017", "w01234"})
    with HTTPClient(config(), transport=httpx.MockTransport(fake)) as http:
        with pytest.raises(UpsertError) as info:
            OmniClient(http, instance_space=TEST_SPACE).upsert(_nodes(2000))
    error = info.value
    assert [(f.id, f.status, f.reason) for f in error.failed] == [
        (NodeId(TEST_SPACE, "w00017"), 400, "bad value in w00017"),
        (NodeId(TEST_SPACE, "w01234"), 400, "bad value in w01234"),
    ]
    assert len(error.result.items) == 1998
    assert "2 of 2000 instances were not written" in str(error) and f"{TEST_SPACE}:w00017" in str(error)


def test_a_request_wide_error_is_not_probed_item_by_item() -> None:
    """An error no item causes (unknown view) fails the batch after one split, not after 2n-1 requests."""
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(len(json.loads(request.content)["items"]))
        return httpx.Response(400, json={"error": {"code": 400, "message": "One or more views do not exist: x"}})

    with HTTPClient(config(), transport=httpx.MockTransport(handler)) as http:
        with pytest.raises(UpsertError) as info:
            OmniClient(http, instance_space=TEST_SPACE).upsert(_nodes(1000))
    assert calls == [1000, 500, 500]
    assert len(info.value.failed) == 1000
    assert {(f.status, f.reason) for f in info.value.failed} == {(400, "One or more views do not exist: x")}
    assert info.value.result.items == []


@pytest.mark.parametrize(
    ("error", "maybe_applied", "reason"),
    [
        (httpx.ConnectError("connection refused"), False, "no attempt reached the server: nothing was applied"),
        (httpx.ReadTimeout("timed out"), True, "the batch may or may not have been applied"),
        (httpx.RemoteProtocolError("server disconnected"), True, "the batch may or may not have been applied"),
    ],
)
def test_a_batch_without_an_answer_says_whether_it_may_have_been_applied(
    error: httpx.RequestError, maybe_applied: bool, reason: str
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    cfg = config(retry=RetryPolicy(max_retries=1, backoff_base=0, backoff_max=0))
    with HTTPClient(cfg, transport=httpx.MockTransport(handler)) as http:
        with pytest.raises(UpsertError) as info:
            OmniClient(http, instance_space=TEST_SPACE).upsert(_nodes(3))
    assert len(info.value.failed) == 3
    assert {item.maybe_applied for item in info.value.failed} == {maybe_applied}
    assert reason in info.value.failed[0].reason
    assert f"{type(error).__name__}: {error}" in info.value.failed[0].reason


def test_partial_failure_against_the_emulator(omni: OmniClient) -> None:
    omni.upsert([PrimitiveNullableWrite(external_id=f"w{i:05d}", int32=-1) for i in (5, 1500)])
    # existing_version=0 means "create only": the two that exist conflict, the rest are written.
    with pytest.raises(UpsertError) as info:
        omni.upsert(_nodes(2100, existing_version=0))
    assert sorted(str(f.id) for f in info.value.failed) == [f"{TEST_SPACE}:w00005", f"{TEST_SPACE}:w01500"]
    assert {f.status for f in info.value.failed} == {409}
    assert len(info.value.result.created) == 2098
    assert omni.primitive_nullable.count(filter=F.space.equals(TEST_SPACE)) == 2100


def test_duplicates_in_one_upsert(omni: OmniClient) -> None:
    same = PrimitiveNullableWrite(external_id="dup", int32=1)
    result = omni.upsert([same, same, PrimitiveNullableWrite(external_id="dup", int32=1)])
    assert len(result.items) == 1
    with pytest.raises(ValueError, match="given twice with different content"):
        omni.upsert([same, PrimitiveNullableWrite(external_id="dup", int32=2)])


def test_upsert_refuses_read_objects_and_other_things(omni: OmniClient) -> None:
    omni.upsert(PrimitiveNullableWrite(external_id="r1"))
    read = omni.primitive_nullable.retrieve("r1")
    assert isinstance(read, PrimitiveNullable)
    with pytest.raises(TypeError, match=r"read object \(use .as_write\(\)"):
        omni.upsert([read])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="NodeWrite/EdgeWrite"):
        omni.upsert(["r1"])  # type: ignore[list-item]


def test_replace_resets_properties_not_given(omni: OmniClient) -> None:
    omni.upsert(PrimitiveNullableWrite(external_id="x", int32=1, text="t"))
    omni.upsert(PrimitiveNullableWrite(external_id="x", int32=2), replace=True)
    got = omni.primitive_nullable.retrieve("x")
    assert got is not None and (got.int32, got.text) == (2, None)
    omni.upsert(PrimitiveNullableWrite(external_id="x", text=None))
    got = omni.primitive_nullable.retrieve("x")
    assert got is not None and got.int32 == 2


def test_edges_standalone_and_delete(omni: OmniClient) -> None:
    omni.upsert([ConnectionItemAWrite(external_id="a"), ConnectionItemBWrite(external_id="b")])
    edge = EdgeWrite(external_id="a-b", type=(MODEL_SPACE, "bidirectional"), start_node="a", end_node="b")
    result = omni.upsert(edge)
    assert [(r.id, r.status) for r in result.items] == [(EdgeId(TEST_SPACE, "a-b"), "created")]
    a = omni.connection_item_a.retrieve("a", connections=True)
    assert a is not None and [b.external_id for b in a.outwards or []] == ["b"]
    deleted = omni.delete([EdgeId(TEST_SPACE, "a-b")])
    assert deleted.deleted == [EdgeId(TEST_SPACE, "a-b")]
    a = omni.connection_item_a.retrieve("a", connections=True)
    assert a is not None and a.outwards == []
    with pytest.raises(ValueError, match="cannot be written: type"):
        omni.upsert(EdgeWrite(external_id="x", start_node="a", end_node="b"))


def test_edge_to_a_missing_node_is_named(omni: OmniClient) -> None:
    with pytest.raises(UpsertError) as info:
        omni.upsert(EdgeWrite(external_id="e", type=(MODEL_SPACE, "t"), start_node="nope1", end_node="nope2"))
    assert info.value.failed[0].id == EdgeId(TEST_SPACE, "e") and info.value.failed[0].status == 409
    # Asking CDF to create the end nodes makes it work.
    ok = omni.upsert(
        EdgeWrite(external_id="e", type=(MODEL_SPACE, "t"), start_node="nope1", end_node="nope2"),
        auto_create_start_nodes=True,
        auto_create_end_nodes=True,
    )
    assert ok.items[0].status == "created"


def test_delete_failure_is_named() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"error": {"code": 403, "message": "not allowed"}})

    with HTTPClient(config(), transport=httpx.MockTransport(handler)) as http:
        with pytest.raises(DeleteError, match=f"{TEST_SPACE}:x.*not allowed"):
            OmniClient(http, instance_space=TEST_SPACE).delete("x")
