"""The Omni SDK end to end against the emulator: reads, writes, paging, filters, search, aggregates."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from _instances_support import DATA_SPACE, TEST_SPACE, config
from omni_sdk import (
    OmniClient,
    PrimitiveNullable,
    PrimitiveNullableFields,
    PrimitiveNullableListedWrite,
    PrimitiveNullableWrite,
)

from pygen.instances import InstanceClient, InstanceList, NodeId, UpsertError

F = PrimitiveNullableFields
UTC = timezone.utc


def _primitives(n: int, prefix: str = "p") -> list[PrimitiveNullableWrite]:
    return [
        PrimitiveNullableWrite(
            external_id=f"{prefix}{i:03d}",
            text=f"item {i} {'even' if i % 2 == 0 else 'odd'}",
            int32=i,
            int64=i * 1_000_000_000_000,
            float64=i / 2,
            boolean=i % 2 == 0,
            date=date(2024, 1, 1 + i % 28),
            timestamp=datetime(2024, 1, 1, tzinfo=UTC).replace(hour=i % 24),
            json_={"i": i},
        )
        for i in range(n)
    ]


def test_read_loaded_instances(omni: OmniClient) -> None:
    items = omni.primitive_nullable.list(limit=-1, filter=F.space.equals(DATA_SPACE))
    assert len(items) == 5
    assert isinstance(items, InstanceList)
    brittany = omni.primitive_nullable.retrieve((DATA_SPACE, "PrimitiveNullable:Brittany"))
    assert isinstance(brittany, PrimitiveNullable)
    assert brittany.date == date(2024, 5, 14)
    assert brittany.timestamp is not None and brittany.timestamp.tzinfo is not None
    assert brittany.created_time.tzinfo is not None


def test_upsert_then_read_round_trip(omni: OmniClient) -> None:
    writes = _primitives(30)
    result = omni.upsert(writes)
    assert len(result.created) == 30 and not result.updated
    got = omni.primitive_nullable.retrieve("p007")
    assert got is not None
    assert (got.space, got.external_id, got.int32, got.int64, got.json_) == (
        TEST_SPACE,
        "p007",
        7,
        7 * 10**12,
        {"i": 7},
    )
    assert got.timestamp == datetime(2024, 1, 1, 7, tzinfo=UTC)
    # Writing the same values again changes nothing; a changed value is an update.
    again = omni.upsert(writes[:3])
    assert [r.status for r in again.items] == ["unchanged"] * 3
    changed = omni.upsert(PrimitiveNullableWrite(external_id="p000", text="changed"))
    assert [r.status for r in changed.items] == ["updated"]
    # Patch semantics: properties not given keep their values.
    got = omni.primitive_nullable.retrieve("p000")
    assert got is not None and got.text == "changed" and got.int32 == 0


def test_as_write_round_trip(omni: OmniClient) -> None:
    omni.upsert(_primitives(3))
    read = omni.primitive_nullable.retrieve("p001")
    assert read is not None
    write = read.as_write()
    assert write.existing_version == read.version
    write.text = "edited"
    assert omni.upsert(write).items[0].status == "updated"
    # The old version is now stale: writing it again is a conflict, named in the error.
    stale = read.as_write()
    with pytest.raises(UpsertError) as info:
        omni.upsert(stale)
    assert [str(f.id) for f in info.value.failed] == [f"{TEST_SPACE}:p001"]
    assert info.value.failed[0].status == 409
    skipped = omni.upsert(stale, skip_on_version_conflict=True)
    assert [r.status for r in skipped.items] == ["skipped"]


def test_retrieve_reports_missing(omni: OmniClient) -> None:
    omni.upsert(_primitives(3))
    result = omni.primitive_nullable.retrieve(["p002", "nope", NodeId(TEST_SPACE, "p000"), ("other", "x")])
    assert [item.external_id for item in result] == ["p002", "p000"]
    assert result.missing == [NodeId(TEST_SPACE, "nope"), NodeId("other", "x")]
    assert omni.primitive_nullable.retrieve("nope") is None


def test_paging_page_resumes_pages_and_iterate(omni: OmniClient) -> None:
    omni.upsert(_primitives(25))
    api = omni.primitive_nullable
    in_space = F.space.equals(TEST_SPACE)
    first = api.page(filter=in_space, page_size=10, sort=F.int32.asc())
    assert [i.int32 for i in first.items] == list(range(10)) and first.cursor
    second = api.page(filter=in_space, page_size=10, sort=F.int32.asc(), cursor=first.cursor)
    assert [i.int32 for i in second.items] == list(range(10, 20))
    streamed = list(api.iterate(filter=in_space, page_size=7))
    assert len(streamed) == 25 and len({i.external_id for i in streamed}) == 25
    assert len(api.list(filter=in_space, limit=12)) == 12
    assert len(api.list(filter=in_space, limit=None)) == 25
    assert len(list(api.iterate(filter=in_space, limit=13, page_size=5))) == 13
    pages = list(api.pages(filter=in_space, limit=13, page_size=5, sort=F.int32.asc()))
    assert [len(page.items) for page in pages] == [5, 5, 3]
    resumed = list(api.pages(filter=in_space, page_size=10, sort=F.int32.asc(), cursor=first.cursor))
    assert [i.int32 for page in resumed for i in page.items] == list(range(10, 25))
    assert resumed[-1].cursor is None


def test_sort_on_several_properties(omni: OmniClient) -> None:
    omni.upsert(_primitives(10))
    items = omni.primitive_nullable.list(
        filter=F.space.equals(TEST_SPACE), sort=[F.boolean.desc(), F.int32.desc()], limit=-1
    )
    assert [i.int32 for i in items] == [8, 6, 4, 2, 0, 9, 7, 5, 3, 1]
    with pytest.raises(ValueError, match="at most 5"):
        omni.primitive_nullable.list(sort=[F.int32.asc()] * 6)


def test_listed_properties_round_trip(omni: OmniClient) -> None:
    write = PrimitiveNullableListedWrite(
        external_id="l1",
        text=["a", "b"],
        int32=[1, 2, 3],
        boolean=[True, False],
        date=[date(2024, 1, 2)],
        timestamp=[datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)],
        json_=[{"k": 1}],
    )
    omni.upsert(write)
    got = omni.primitive_nullable_listed.retrieve("l1")
    assert got is not None
    assert got.text == ["a", "b"] and got.int32 == [1, 2, 3] and got.date == [date(2024, 1, 2)]
    assert got.timestamp == [datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)]
    assert write.dump(TEST_SPACE)["sources"][0]["properties"]["timestamp"] == ["2024-01-02T03:04:05.678+00:00"]


def test_delete_by_id_and_object(omni: OmniClient) -> None:
    omni.upsert(_primitives(4))
    obj = omni.primitive_nullable.retrieve("p003")
    result = omni.delete(["p000", (TEST_SPACE, "p001"), obj, "never-existed"])
    assert sorted(str(i) for i in result.deleted) == [f"{TEST_SPACE}:p{i}" for i in ("000", "001", "003")]
    assert result.not_found == [NodeId(TEST_SPACE, "never-existed")]
    left = omni.primitive_nullable.list(filter=F.space.equals(TEST_SPACE), limit=-1)
    assert [i.external_id for i in left] == ["p002"]
    # One object (not a list) is one instance, though pydantic models are iterable.
    assert omni.primitive_nullable.delete(left[0]).deleted == [NodeId(TEST_SPACE, "p002")]


def test_retrieve_more_ids_than_one_request_takes(omni: OmniClient) -> None:
    omni.upsert(_primitives(1200, prefix="big"))
    ids = [f"big{i:03d}" for i in reversed(range(1200))] + ["gone"]
    result = omni.primitive_nullable.retrieve(ids)
    assert [item.external_id for item in result] == ids[:-1]  # request order
    assert result.missing == [NodeId(TEST_SPACE, "gone")]


def test_client_from_a_config_and_context_manager() -> None:
    client = InstanceClient(config(), instance_space=TEST_SPACE)  # builds its own HTTPClient
    assert client.http.config.project == "omni-test"
    with client:
        pass
    with pytest.raises(TypeError, match="instance_space must be a string"):
        InstanceClient(config(), instance_space=42)  # type: ignore[arg-type]
