"""``/models/instances/list``: every filter of docs/dms.md, Filters, sort, paging and limits.

All expected ids are worked out by hand from the dataset table in ``_conformance.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from _conformance import ALL_NODES, Api, SpaceFactory, in_space, node_ref, node_write, props, view_ref, xids

PUMPS = ["p1", "p2", "p3", "p4", "p5"]


def P(space: str, prop: str) -> list[str]:
    """A property reference through the Pump view."""
    return [space, "Pump/v1", prop]


# Each case: (id, filter builder taking the space, expected externalIds among the space's nodes).
FilterCase = tuple[str, Any, list[str]]


def _cases() -> list[FilterCase]:
    def eq(prop: str, value: Any) -> Any:
        return lambda s: {"equals": {"property": P(s, prop), "value": value}}

    return [
        # equals: base properties, view properties of every type, direct relations, a container reference
        ("equals-externalId", lambda s: {"equals": {"property": ["node", "externalId"], "value": "p1"}}, ["p1"]),
        ("equals-space-only", lambda s: {"equals": {"property": ["node", "space"], "value": s}}, ALL_NODES),
        ("equals-text", eq("name", "Beta pump"), ["p2"]),
        ("equals-int", eq("count", 20), ["p2"]),
        ("equals-float", eq("pressure", 10.0), ["p4"]),
        ("equals-bool-true", eq("active", True), ["p1", "p3"]),
        ("equals-bool-false", eq("active", False), ["p2", "p5"]),
        ("equals-date", eq("installed", "2022-01-01"), ["p2"]),
        ("equals-timestamp", eq("lastSeen", "2024-06-01T00:00:00.000+00:00"), ["p2"]),
        ("equals-enum", eq("status", "stopped"), ["p2", "p5"]),
        ("equals-direct", lambda s: {"equals": {"property": P(s, "site"), "value": node_ref(s, "s1")}}, ["p1", "p3"]),
        (
            "equals-node-type",
            lambda s: {"equals": {"property": ["node", "type"], "value": node_ref(s, "PumpType")}},
            ["p1", "p2"],
        ),
        ("equals-container-ref", lambda s: {"equals": {"property": [s, "Pump", "count"], "value": 20}}, ["p2"]),
        ("equals-no-match", eq("name", "beta pump"), []),
        # in
        ("in-int", lambda s: {"in": {"property": P(s, "count"), "values": [10, 30, 99]}}, ["p1", "p3"]),
        (
            "in-text",
            lambda s: {"in": {"property": P(s, "name"), "values": ["Delta", "Alpha pump", "nope"]}},
            ["p1", "p5"],
        ),
        (
            "in-externalId",
            lambda s: {"in": {"property": ["node", "externalId"], "values": ["p2", "p4", "zzz"]}},
            ["p2", "p4"],
        ),
        ("in-enum", lambda s: {"in": {"property": P(s, "status"), "values": ["running"]}}, ["p1", "p3"]),
        (
            "in-direct",
            lambda s: {"in": {"property": P(s, "site"), "values": [node_ref(s, "s2")]}},
            ["p2", "p5"],
        ),
        # range: each bound alone, then combinations; ints, floats, dates, timestamps, text, base props
        ("range-gt", lambda s: {"range": {"property": P(s, "count"), "gt": 20}}, ["p3", "p5"]),
        ("range-gte", lambda s: {"range": {"property": P(s, "count"), "gte": 20}}, ["p2", "p3", "p5"]),
        ("range-lt", lambda s: {"range": {"property": P(s, "count"), "lt": 20}}, ["p1"]),
        ("range-lte", lambda s: {"range": {"property": P(s, "count"), "lte": 20}}, ["p1", "p2"]),
        ("range-gt-lt", lambda s: {"range": {"property": P(s, "count"), "gt": 10, "lt": 30}}, ["p2", "p5"]),
        (
            "range-gte-lte",
            lambda s: {"range": {"property": P(s, "count"), "gte": 10, "lte": 30}},
            ["p1", "p2", "p3", "p5"],
        ),
        ("range-float", lambda s: {"range": {"property": P(s, "pressure"), "gte": 2.5, "lt": 10}}, ["p2", "p5"]),
        (
            "range-date",
            lambda s: {"range": {"property": P(s, "installed"), "gte": "2021-01-01", "lt": "2023-01-01"}},
            ["p1", "p2"],
        ),
        (
            "range-timestamp",
            lambda s: {"range": {"property": P(s, "lastSeen"), "gt": "2024-01-01T00:00:00.000+00:00"}},
            ["p1", "p2"],
        ),
        ("range-text", lambda s: {"range": {"property": P(s, "name"), "gte": "B", "lt": "D"}}, ["p2"]),
        (
            "range-externalId",
            lambda s: {"range": {"property": ["node", "externalId"], "gte": "p2", "lte": "p4"}},
            ["p2", "p3", "p4"],
        ),
        # prefix
        ("prefix-text", lambda s: {"prefix": {"property": P(s, "name"), "value": "Alpha"}}, ["p1", "p4"]),
        ("prefix-case-sensitive", lambda s: {"prefix": {"property": P(s, "name"), "value": "alpha"}}, []),
        (
            "prefix-externalId",
            lambda s: {"prefix": {"property": ["node", "externalId"], "value": "p"}},
            ["p1", "p2", "p3", "p4", "p5", "plain"],
        ),
        # exists
        ("exists-float", lambda s: {"exists": {"property": P(s, "pressure")}}, ["p1", "p2", "p4", "p5"]),
        ("exists-text", lambda s: {"exists": {"property": P(s, "description")}}, ["p1", "p3"]),
        ("exists-direct", lambda s: {"exists": {"property": P(s, "site")}}, ["p1", "p2", "p3", "p5"]),
        ("exists-list", lambda s: {"exists": {"property": P(s, "tags")}}, ["p1", "p2", "p4", "p5"]),
        ("exists-node-type", lambda s: {"exists": {"property": ["node", "type"]}}, ["p1", "p2"]),
        # containsAny / containsAll
        (
            "containsAny-text",
            lambda s: {"containsAny": {"property": P(s, "tags"), "values": ["a", "d"]}},
            ["p1", "p4"],
        ),
        ("containsAny-int", lambda s: {"containsAny": {"property": P(s, "levels"), "values": [5]}}, ["p4", "p5"]),
        ("containsAll-text", lambda s: {"containsAll": {"property": P(s, "tags"), "values": ["b", "c"]}}, ["p2"]),
        ("containsAll-int", lambda s: {"containsAll": {"property": P(s, "levels"), "values": [1, 5]}}, ["p5"]),
        ("containsAll-one", lambda s: {"containsAll": {"property": P(s, "levels"), "values": [1]}}, ["p1", "p5"]),
        # matchAll
        ("matchAll", lambda s: {"matchAll": {}}, ALL_NODES),
        # nested: the filter applies to the node the direct relation points at
        (
            "nested-equals",
            lambda s: {
                "nested": {
                    "scope": P(s, "site"),
                    "filter": {"equals": {"property": [s, "Site/v1", "name"], "value": "North"}},
                }
            },
            ["p1", "p3"],
        ),
        (
            "nested-prefix",
            lambda s: {
                "nested": {
                    "scope": P(s, "site"),
                    "filter": {"prefix": {"property": [s, "Site/v1", "name"], "value": "So"}},
                }
            },
            ["p2", "p5"],
        ),
        # overlaps: [validFrom, validTo] intersects the given range
        (
            "overlaps-gte-lt",
            lambda s: {
                "and": [
                    {"hasData": [view_ref(s, "Pump")]},
                    {
                        "overlaps": {
                            "startProperty": P(s, "validFrom"),
                            "endProperty": P(s, "validTo"),
                            "gte": "2024-02-15T00:00:00.000+00:00",
                            "lt": "2024-03-15T00:00:00.000+00:00",
                        }
                    },
                ]
            },
            ["p2", "p3"],
        ),
        (
            "overlaps-gt-lte",
            lambda s: {
                "and": [
                    {"hasData": [view_ref(s, "Pump")]},
                    {
                        "overlaps": {
                            "startProperty": P(s, "validFrom"),
                            "endProperty": P(s, "validTo"),
                            "gt": "2023-06-01T00:00:00.000+00:00",
                            "lte": "2024-01-10T00:00:00.000+00:00",
                        }
                    },
                ]
            },
            ["p1", "p5"],
        ),
        # hasData
        ("hasData-view", lambda s: {"hasData": [view_ref(s, "Pump")]}, PUMPS),
        (
            "hasData-container",
            lambda s: {"hasData": [{"type": "container", "space": s, "externalId": "Site"}]},
            ["s1", "s2"],
        ),
        # instanceReferences
        (
            "instanceReferences",
            lambda s: {"instanceReferences": [node_ref(s, "p1"), node_ref(s, "s2"), node_ref(s, "missing")]},
            ["p1", "s2"],
        ),
        # and / or / not, nested combinations
        (
            "and",
            lambda s: {"and": [eq("active", True)(s), {"range": {"property": P(s, "count"), "gt": 15}}]},
            ["p3"],
        ),
        (
            "or",
            lambda s: {"or": [eq("status", "stopped")(s), {"prefix": {"property": P(s, "name"), "value": "Alpha"}}]},
            ["p1", "p2", "p4", "p5"],
        ),
        (
            "not-within-hasData",
            lambda s: {
                "and": [{"hasData": [view_ref(s, "Pump")]}, {"not": {"exists": {"property": P(s, "pressure")}}}]
            },
            ["p3"],
        ),
        (
            "or-of-ands",
            lambda s: {
                "or": [
                    {"and": [eq("active", True)(s), eq("status", "running")(s)]},
                    {"and": [eq("active", False)(s), {"range": {"property": P(s, "count"), "gte": 25}}]},
                ]
            },
            ["p1", "p3", "p5"],
        ),
        (
            "not-or",
            lambda s: {
                "and": [
                    {"hasData": [view_ref(s, "Pump")]},
                    {
                        "not": {
                            "or": [
                                {"equals": {"property": ["node", "externalId"], "value": "p1"}},
                                {"in": {"property": ["node", "externalId"], "values": ["p2", "p3"]}},
                            ]
                        }
                    },
                ]
            },
            ["p4", "p5"],
        ),
        (
            "and-not-and",
            lambda s: {
                "and": [
                    {"exists": {"property": P(s, "status")}},
                    {"not": {"and": [eq("active", False)(s), eq("status", "stopped")(s)]}},
                ]
            },
            ["p1", "p3"],
        ),
    ]


CASES = _cases()


@pytest.mark.parametrize("build, expected", [(b, e) for _, b, e in CASES], ids=[c[0] for c in CASES])
def test_filter(api: Api, dataset_space: str, build: Any, expected: list[str]) -> None:
    space = dataset_space
    items, _ = api.list_all({"instanceType": "node", "filter": in_space(space, build(space)), "limit": 1000})
    assert sorted(xids(items)) == sorted(expected)


@pytest.mark.unconfirmed  # a node without data in the view has no value, so not(exists) matches it
def test_not_exists_matches_nodes_without_the_view(api: Api, dataset_space: str) -> None:
    space = dataset_space
    filter_ = {"not": {"exists": {"property": P(space, "pressure")}}}
    items, _ = api.list_all({"filter": in_space(space, filter_)})
    assert sorted(xids(items)) == sorted(["p3", "s1", "s2", "plain", "flows-to", "PumpType"])


@pytest.mark.unconfirmed  # two-valued logic: not(equals) matches a node whose value is null (p4 has no count)
def test_not_equals_matches_null_values(api: Api, dataset_space: str) -> None:
    space = dataset_space
    filter_ = {
        "and": [
            {"hasData": [view_ref(space, "Pump")]},
            {"not": {"equals": {"property": P(space, "count"), "value": 20}}},
        ]
    }
    items, _ = api.list_all({"filter": in_space(space, filter_)})
    assert sorted(xids(items)) == ["p1", "p3", "p4", "p5"]


def test_list_with_sources_returns_only_instances_with_data_and_their_properties(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {"instanceType": "node", "sources": [{"source": view_ref(space, "Pump")}], "filter": in_space(space)}
    items, _ = api.list_all(body)
    assert sorted(xids(items)) == PUMPS
    by_id = {item["externalId"]: item for item in items}
    p1 = props(by_id["p1"], view_ref(space, "Pump"))
    assert p1["name"] == "Alpha pump" and p1["count"] == 10 and p1["tags"] == ["a", "b"]
    assert p1["site"] == node_ref(space, "s1") and p1["meta"] == {"k": 1} and p1["status"] == "running"
    assert by_id["p1"]["type"] == node_ref(space, "PumpType")
    assert "p3" in by_id and props(by_id["p3"], view_ref(space, "Pump")).get("pressure") is None


def test_list_without_sources_returns_no_properties(api: Api, dataset_space: str) -> None:
    items, _ = api.list_all(
        {"filter": in_space(dataset_space, {"equals": {"property": ["node", "externalId"], "value": "p1"}})}
    )
    [p1] = items
    assert not p1.get("properties")
    for key in ("instanceType", "space", "externalId", "version", "createdTime", "lastUpdatedTime"):
        assert key in p1, key


def test_instance_type_defaults_to_node(api: Api, dataset_space: str) -> None:
    items, _ = api.list_all({"filter": in_space(dataset_space)})
    assert {item["instanceType"] for item in items} == {"node"}


# ---------------------------------------------------------------------------------------------- edges


def test_edge_listing(api: Api, dataset_space: str) -> None:
    space = dataset_space
    items, _ = api.list_all({"instanceType": "edge", "filter": in_space(space, instance_type="edge")})
    assert sorted(xids(items)) == ["e1", "e2", "e3"]
    by_id = {item["externalId"]: item for item in items}
    assert by_id["e1"]["instanceType"] == "edge"
    assert by_id["e1"]["startNode"] == node_ref(space, "p1") and by_id["e1"]["endNode"] == node_ref(space, "p2")
    assert by_id["e1"]["type"] == node_ref(space, "flows-to")


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda s: {"equals": {"property": ["edge", "startNode"], "value": node_ref(s, "p1")}}, ["e1", "e3"]),
        (lambda s: {"equals": {"property": ["edge", "endNode"], "value": node_ref(s, "p3")}}, ["e2", "e3"]),
        (lambda s: {"equals": {"property": ["edge", "type"], "value": node_ref(s, "flows-to")}}, ["e1", "e2", "e3"]),
        (lambda s: {"range": {"property": [s, "Flow/v1", "rate"], "gte": 2}}, ["e2", "e3"]),
        (lambda s: {"hasData": [view_ref(s, "Flow")]}, ["e1", "e2", "e3"]),
        (lambda s: {"prefix": {"property": ["edge", "externalId"], "value": "e2"}}, ["e2"]),
    ],
    ids=["startNode", "endNode", "type", "view-range", "hasData", "prefix"],
)
def test_edge_filter(api: Api, dataset_space: str, build: Any, expected: list[str]) -> None:
    space = dataset_space
    body = {"instanceType": "edge", "filter": in_space(space, build(space), instance_type="edge")}
    items, _ = api.list_all(body)
    assert sorted(xids(items)) == expected


def test_edge_listing_with_edge_view_source(api: Api, dataset_space: str) -> None:
    space = dataset_space
    body = {
        "instanceType": "edge",
        "sources": [{"source": view_ref(space, "Flow")}],
        "filter": in_space(space, instance_type="edge"),
    }
    items, _ = api.list_all(body)
    assert {item["externalId"]: props(item, view_ref(space, "Flow"))["rate"] for item in items} == {
        "e1": 1.0,
        "e2": 2.0,
        "e3": 3.0,
    }


# ---------------------------------------------------------------------------------------------- sort


def _sorted_ids(api: Api, space: str, sort: list[dict[str, Any]]) -> list[str]:
    body = {
        "sources": [{"source": view_ref(space, "Pump")}],
        "filter": in_space(space, {"hasData": [view_ref(space, "Pump")]}),
        "sort": sort,
        "limit": 1000,
    }
    return xids(api.post("/models/instances/list", body)["items"])


SORT_CASES: list[tuple[str, list[tuple[str, str, bool | None]], list[str]]] = [
    # (id, [(property, direction, nullsFirst)], expected order). nullsFirst defaults to false: nulls last.
    ("count-asc", [("count", "ascending", None)], ["p1", "p2", "p5", "p3", "p4"]),
    ("count-desc", [("count", "descending", None)], ["p3", "p5", "p2", "p1", "p4"]),
    ("count-asc-nulls-first", [("count", "ascending", True)], ["p4", "p1", "p2", "p5", "p3"]),
    ("count-desc-nulls-first", [("count", "descending", True)], ["p4", "p3", "p5", "p2", "p1"]),
    ("name-asc", [("name", "ascending", None)], ["p1", "p4", "p2", "p5", "p3"]),
    (
        "status-asc-count-desc",
        [("status", "ascending", None), ("count", "descending", None)],
        ["p3", "p1", "p5", "p2", "p4"],
    ),
    (
        "five-keys",
        [
            ("active", "ascending", None),
            ("status", "descending", None),
            ("pressure", "descending", True),
            ("name", "ascending", None),
            ("count", "ascending", None),
        ],
        ["p5", "p2", "p3", "p1", "p4"],
    ),
    ("installed-desc", [("installed", "descending", None)], ["p5", "p2", "p1", "p4", "p3"]),
]


@pytest.mark.parametrize("keys, expected", [(k, e) for _, k, e in SORT_CASES], ids=[c[0] for c in SORT_CASES])
def test_sort(api: Api, dataset_space: str, keys: list[tuple[str, str, bool | None]], expected: list[str]) -> None:
    space = dataset_space
    sort: list[dict[str, Any]] = []
    for prop, direction, nulls_first in keys:
        spec: dict[str, Any] = {"property": P(space, prop), "direction": direction}
        if nulls_first is not None:
            spec["nullsFirst"] = nulls_first
        sort.append(spec)
    assert _sorted_ids(api, space, sort) == expected


def test_sort_on_base_property(api: Api, dataset_space: str) -> None:
    sort = [{"property": ["node", "externalId"], "direction": "descending"}]
    assert _sorted_ids(api, dataset_space, sort) == ["p5", "p4", "p3", "p2", "p1"]


def test_more_than_five_sort_keys_is_400(api: Api, dataset_space: str) -> None:
    space = dataset_space
    sort = [
        {"property": P(space, p), "direction": "ascending"}
        for p in ("name", "count", "pressure", "active", "status", "installed")
    ]
    body = {"filter": in_space(space), "sort": sort}
    api.post_error("/models/instances/list", body, status=400, mentions=["sort"], emulator_wording=["at most 5"])


# ---------------------------------------------------------------------------------------------- paging, limits


@pytest.fixture(scope="module")
def big_space(api: Api) -> Any:
    with SpaceFactory(api) as factory:
        space = factory("pgbig")
        ids = [f"n{i:04d}" for i in range(2500)]
        for start in range(0, len(ids), 1000):
            api.post("/models/instances", {"items": [node_write(space, x) for x in ids[start : start + 1000]]})
        yield space


def test_cursor_paging_through_2500_instances(api: Api, big_space: str) -> None:
    items, sizes = api.list_all({"filter": in_space(big_space), "limit": 1000})
    assert sizes == [1000, 1000, 500]
    found = xids(items)
    assert len(found) == len(set(found)) == 2500, "no duplicates"
    assert set(found) == {f"n{i:04d}" for i in range(2500)}, "no losses"


def test_default_list_limit_is_1000(api: Api, big_space: str) -> None:
    page = api.post("/models/instances/list", {"filter": in_space(big_space)})
    assert len(page["items"]) == 1000
    assert page.get("nextCursor")


@pytest.mark.parametrize("limit", [0, 1001, -1])
def test_list_limit_out_of_bounds_is_400(api: Api, dataset_space: str, limit: int) -> None:
    body = {"filter": in_space(dataset_space), "limit": limit}
    api.post_error("/models/instances/list", body, status=400, mentions=["limit"], emulator_wording=[f"got {limit}"])


def test_list_limit_one(api: Api, dataset_space: str) -> None:
    page = api.post("/models/instances/list", {"filter": in_space(dataset_space), "limit": 1})
    assert len(page["items"]) == 1 and page.get("nextCursor")


# ---------------------------------------------------------------------------------------------- errors


def test_list_unknown_view_in_sources_is_400(api: Api, dataset_space: str) -> None:
    body = {"sources": [{"source": view_ref(dataset_space, "Nope")}], "filter": in_space(dataset_space)}
    api.post_error(
        "/models/instances/list", body, status=400, mentions=["Nope"], missing=[view_ref(dataset_space, "Nope")]
    )


def test_list_filter_on_unknown_view_is_400(api: Api, dataset_space: str) -> None:
    filter_ = {"equals": {"property": [dataset_space, "Nope/v1", "x"], "value": 1}}
    api.post_error(
        "/models/instances/list",
        {"filter": in_space(dataset_space, filter_)},
        status=400,
        mentions=["Nope"],
        emulator_wording=["do not exist"],
    )


def test_list_unknown_filter_is_400(api: Api, dataset_space: str) -> None:
    body = {"filter": {"sameAs": {"property": ["node", "space"]}}}
    api.post_error("/models/instances/list", body, status=400, mentions=["sameAs"], emulator_wording=["unknown filter"])


# ---------------------------------------------------------------------------------------------- combinations

# Metamorphic checks built on the hand-worked table: and/or of two filters give the intersection/union of their
# expected ids, and paging two at a time finds the same ids as one big page.
_PAIRS = [(CASES[i], CASES[j]) for i in range(0, len(CASES), 3) for j in range(1, len(CASES), 7) if i != j][:40]


@pytest.mark.parametrize("left, right", _PAIRS, ids=[f"{a[0]}+{b[0]}" for a, b in _PAIRS])
def test_and_or_of_two_filters(api: Api, dataset_space: str, left: FilterCase, right: FilterCase) -> None:
    space = dataset_space
    (_, build_a, expected_a), (_, build_b, expected_b) = left, right
    both = {"and": [build_a(space), build_b(space)]}
    either = {"or": [build_a(space), build_b(space)]}
    got_and, _ = api.list_all({"filter": in_space(space, both)})
    got_or, _ = api.list_all({"filter": in_space(space, either)})
    assert sorted(xids(got_and)) == sorted(set(expected_a) & set(expected_b))
    assert sorted(xids(got_or)) == sorted(set(expected_a) | set(expected_b))


@pytest.mark.parametrize("build, expected", [(b, e) for _, b, e in CASES], ids=[c[0] for c in CASES])
def test_filter_paged_two_at_a_time(api: Api, dataset_space: str, build: Any, expected: list[str]) -> None:
    items, sizes = api.list_all({"filter": in_space(dataset_space, build(dataset_space)), "limit": 2})
    assert sorted(xids(items)) == sorted(expected)
    assert all(size <= 2 for size in sizes)
