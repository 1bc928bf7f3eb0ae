from __future__ import annotations

from typing import Any

import pytest
from _emulator_unit import SPACE, VIEW

from pygen.emulator._errors import ApiError
from pygen.emulator._filters import compile_filter, compile_sort, sort_instances, sql_hints
from pygen.emulator._instances import InstanceService


def P(prop: str) -> list[str]:
    return [SPACE, "Pump/v1", prop]


def matching(service: InstanceService, spec: dict[str, Any], parameters: dict[str, Any] | None = None) -> list[str]:
    predicate = compile_filter(spec, service.context(parameters))
    return sorted(inst.external_id for inst in service.store.scan("node") if predicate(inst))


@pytest.mark.parametrize(
    "spec, expected",
    [
        ({"equals": {"property": P("name"), "value": "beta"}}, ["p2"]),
        ({"in": {"property": P("count"), "values": [1, 3]}}, ["p1", "p3"]),
        ({"range": {"property": P("count"), "gt": 1, "lte": 3}}, ["p2", "p3"]),
        ({"range": {"property": P("installed"), "gte": "2024-06-01T10:00:00.000+00:00"}}, ["p3"]),
        ({"prefix": {"property": P("name"), "value": "Al"}}, ["p4"]),
        ({"exists": {"property": P("pressure")}}, ["p1", "p3"]),
        ({"containsAny": {"property": P("tags"), "values": ["a", "x"]}}, ["p1"]),
        ({"containsAll": {"property": P("tags"), "values": ["b"]}}, ["p1", "p2"]),
        ({"equals": {"property": P("site"), "value": {"space": SPACE, "externalId": "s1"}}}, ["p1"]),
        (
            {"nested": {"scope": P("site"), "filter": {"equals": {"property": ["node", "externalId"], "value": "s1"}}}},
            ["p1"],
        ),
        ({"hasData": [VIEW]}, ["p1", "p2", "p3", "p4"]),
        ({"instanceReferences": [{"space": SPACE, "externalId": "p2"}]}, ["p2"]),
        ({"not": {"hasData": [VIEW]}}, ["s1"]),
        (
            {
                "or": [
                    {"equals": {"property": P("count"), "value": 1}},
                    {"equals": {"property": P("count"), "value": 2}},
                ]
            },
            ["p1", "p2"],
        ),
        ({"and": [{"exists": {"property": P("count")}}, {"range": {"property": P("pressure"), "lt": 0}}]}, ["p3"]),
        ({"matchAll": {}}, ["p1", "p2", "p3", "p4", "s1"]),
    ],
)
def test_filter_evaluation(instances: InstanceService, spec: dict[str, Any], expected: list[str]) -> None:
    assert matching(instances, spec) == expected
    # The SQL pre-filter only narrows: the same instances come out when the scan uses it.
    ctx = instances.context()
    predicate = compile_filter(spec, ctx)
    narrowed = instances.store.scan("node", where=sql_hints(spec, ctx))
    assert sorted(inst.external_id for inst in narrowed if predicate(inst)) == expected


@pytest.mark.parametrize(
    "spec, expected",
    [
        ({"equals": {"property": ["node", "space"], "value": SPACE}}, ["p1", "p2", "p3", "p4", "s1"]),
        ({"in": {"property": ["node", "externalId"], "values": ["p1", "s1", "zz"]}}, ["p1", "s1"]),
        ({"prefix": {"property": ["node", "externalId"], "value": "p"}}, ["p1", "p2", "p3", "p4"]),
        ({"and": [{"hasData": [VIEW]}, {"equals": {"property": ["node", "externalId"], "value": "s1"}}]}, []),
        ({"equals": {"property": ["node", "type"], "value": {"space": SPACE, "externalId": "t"}}}, []),
    ],
)
def test_sql_hints_select_the_same_rows(instances: InstanceService, spec: dict[str, Any], expected: list[str]) -> None:
    ctx = instances.context()
    hints = sql_hints(spec, ctx)
    assert hints, "these filters should narrow in SQL"
    predicate = compile_filter(spec, ctx)
    assert sorted(i.external_id for i in instances.store.scan("node", where=hints) if predicate(i)) == expected
    assert matching(instances, spec) == expected


def test_parameters_are_substituted(instances: InstanceService) -> None:
    spec = {"equals": {"property": P("name"), "value": {"parameter": "n"}}}
    assert matching(instances, spec, {"n": "gamma"}) == ["p3"]
    with pytest.raises(ApiError, match='parameter "x"'):
        matching(instances, {"equals": {"property": P("name"), "value": {"parameter": "x"}}})


def test_overlaps_treats_missing_end_as_open(instances: InstanceService) -> None:
    spec = {
        "overlaps": {
            "startProperty": P("installed"),
            "endProperty": P("validTo"),
            "gte": "2024-03-01T00:00:00Z",
            "lt": "2024-04-01T00:00:00Z",
        }
    }
    # p2 starts before March and never ends; p3 starts after the range.
    assert "p2" in matching(instances, {"and": [{"exists": {"property": P("installed")}}, spec]})
    assert "p3" not in matching(instances, spec)


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"equals": {"property": P("nope"), "value": 1}}, "Unknown property 'nope'"),
        ({"equals": {"property": [SPACE, "Missing/v1", "x"], "value": 1}}, "views do not exist"),
        ({"bogus": {}}, 'unknown filter "bogus"'),
        ({"and": []}, "non-empty list"),
        ({"range": {"property": P("count"), "gt": 1, "gte": 2}}, "cannot combine"),
        ({"equals": {"property": ["node", "nope"], "value": 1}}, "Unknown property"),
        ({"in": {"property": P("count"), "values": list(range(1001))}}, "at most 1000 values"),
    ],
)
def test_bad_filters_are_400_naming_the_problem(instances: InstanceService, spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ApiError, match=message) as info:
        compile_filter(spec, instances.context())
    assert info.value.status == 400


def test_sort_nulls_last_by_default_and_first_on_request(instances: InstanceService) -> None:
    nodes = [inst for inst in instances.store.scan("node") if inst.external_id.startswith("p")]
    ctx = instances.context()
    asc = sort_instances(nodes, compile_sort([{"property": P("pressure")}], ctx))
    assert [i.external_id for i in asc] == ["p3", "p1", "p2", "p4"]
    desc_first = compile_sort([{"property": P("pressure"), "direction": "descending", "nullsFirst": True}], ctx)
    assert [i.external_id for i in sort_instances(nodes, desc_first)] == ["p2", "p4", "p1", "p3"]


def test_more_than_five_sort_keys_is_400(instances: InstanceService) -> None:
    with pytest.raises(ApiError, match="at most 5"):
        compile_sort([{"property": P("count")}] * 6, instances.context())
