"""Query ``postSort``: orders the rows an expression returns, after ``sort`` and ``limit`` chose them."""

from __future__ import annotations

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
