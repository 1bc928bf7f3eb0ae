"""Query ``postSort`` (orders the rows an expression returns), and ``in`` on a list property."""

from __future__ import annotations

import pytest
from _conformance import Api, view_ref, xids


def test_post_sort_orders_the_chosen_rows(api: Api, dataset_space: str) -> None:
    space = dataset_space
    pump = view_ref(space, "Pump")
    ref = [space, "Pump/v1"]
    body = {
        "with": {
            "pumps": {
                "nodes": {"filter": {"and": [{"hasData": [pump]}, {"exists": {"property": [*ref, "count"]}}]}},
                "sort": [{"property": [*ref, "name"], "direction": "ascending"}],
                "postSort": [{"property": [*ref, "count"], "direction": "descending"}],
                "limit": 3,
            }
        },
        "select": {"pumps": {}},
    }
    # sort + limit choose Alpha pump (p1, 10), Beta pump (p2, 20), Delta (p5, 25); postSort orders them by count.
    assert xids(api.post("/models/instances/query", body)["items"]["pumps"]) == ["p5", "p2", "p1"]


@pytest.mark.unconfirmed
def test_in_on_a_list_property_matches_its_elements(api: Api, dataset_space: str) -> None:
    # tags: p1 [a, b], p2 [b, c], p4 [d], p5 [c]; v1 relies on this against CDF (reverse of list relations).
    space = dataset_space
    flt = {
        "and": [
            {"hasData": [view_ref(space, "Pump")]},
            {"in": {"property": [space, "Pump/v1", "tags"], "values": ["b", "d"]}},
        ]
    }
    found = api.post("/models/instances/list", {"filter": flt, "limit": 100})["items"]
    assert sorted(xids(found)) == ["p1", "p2", "p4"]
