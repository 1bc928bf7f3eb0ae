from __future__ import annotations

import pytest
from _emulator_unit import SPACE, VIEW, pump

from pygen.emulator._errors import ApiError
from pygen.emulator._instances import InstanceService
from pygen.emulator._schema import decode_cursor, encode_cursor


def test_cursor_round_trip_is_opaque_text() -> None:
    cursor = encode_cursor({"id": 42, "h": "abc"})
    assert isinstance(cursor, str) and "42" not in cursor
    assert decode_cursor(cursor) == {"id": 42, "h": "abc"}


@pytest.mark.parametrize("cursor", ["not base64 json!", 12, "bnVsbA"])
def test_garbage_cursor_is_400(cursor: object) -> None:
    with pytest.raises(ApiError) as info:
        decode_cursor(cursor)
    assert info.value.status == 400


def _all_pages(service: InstanceService, body: dict[str, object]) -> list[list[str]]:
    pages = []
    cursor = None
    while True:
        request = dict(body)
        if cursor:
            request["cursor"] = cursor
        response = service.list_instances(request)
        pages.append([item["externalId"] for item in response["items"]])
        cursor = response.get("nextCursor")
        if not cursor:
            return pages


def test_keyset_paging_visits_every_instance_once(services: tuple[object, InstanceService]) -> None:
    service = services[1]
    service.apply({"items": [pump(f"n{i:03d}", name=f"n{i}", count=i % 5) for i in range(25)]})
    pages = _all_pages(service, {"limit": 10, "sources": [{"source": VIEW}]})
    assert [len(page) for page in pages] == [10, 10, 5]
    flat = [x for page in pages for x in page]
    assert flat == sorted(flat) and len(set(flat)) == 25


def test_sorted_paging_is_stable_across_ties(services: tuple[object, InstanceService]) -> None:
    service = services[1]
    service.apply({"items": [pump(f"n{i:03d}", name=f"n{i}", count=i % 3) for i in range(20)]})
    body = {"limit": 7, "sort": [{"property": [SPACE, "Pump/v1", "count"], "direction": "descending"}]}
    flat = [x for page in _all_pages(service, body) for x in page]
    assert len(flat) == 20 and len(set(flat)) == 20
    counts = [int(x[1:]) % 3 for x in flat]
    assert counts == sorted(counts, reverse=True)


def test_inserts_between_pages_do_not_repeat_items(services: tuple[object, InstanceService]) -> None:
    service = services[1]
    service.apply({"items": [pump(f"a{i}", name="x") for i in range(4)]})
    first = service.list_instances({"limit": 2})
    service.apply({"items": [pump("late", name="x")]})
    second = service.list_instances({"limit": 2, "cursor": first["nextCursor"]})
    seen = [i["externalId"] for i in first["items"] + second["items"]]
    assert len(seen) == len(set(seen)) == 4


def test_cursor_of_another_request_is_rejected(services: tuple[object, InstanceService]) -> None:
    service = services[1]
    service.apply({"items": [pump(f"a{i}", name="x") for i in range(3)]})
    cursor = service.list_instances({"limit": 1})["nextCursor"]
    with pytest.raises(ApiError, match="cursor does not belong"):
        service.list_instances({"limit": 1, "cursor": cursor, "instanceType": "edge"})
