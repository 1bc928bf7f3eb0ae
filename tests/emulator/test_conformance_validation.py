"""Request validation that docs/dms.md states as a rule (limits, patterns, what filters apply to): each is a 400.

Each case names what its error must be about: ``mentions`` (identifiers CDF names too, checked on every target)
and the emulator's wording (checked only against the emulator); see ``_conformance.check_error``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from _conformance import Api, container_ref, node_ref, node_write, view_ref


class Case(NamedTuple):
    """A request built in a space, and what the 400 must be about."""

    name: str
    build: Callable[[str], Any]
    mentions: list[str]
    wording: list[str]
    missing: Callable[[str], list[dict[str, Any]]] | None = None


def _ids(cases: list[Case]) -> list[str]:
    return [case.name for case in cases]


def _check(api: Api, path: str, space: str, case: Case, body: Any = None) -> None:
    api.post_error(
        path,
        case.build(space) if body is None else body,
        status=400,
        mentions=case.mentions,
        missing=case.missing(space) if case.missing else None,
        emulator_wording=case.wording,
    )


def _container(space: str, xid: str, properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"items": [{"space": space, "externalId": xid, "properties": properties, **extra}]}


TEXT = {"type": {"type": "text"}}

A = "propA"  # the property every container case defines

CONTAINER_CASES: list[Case] = [
    # enum value keys: ^[_A-Za-z][_0-9A-Za-z]{0,127}$, not true/false/null (docs/dms.md, Identifiers and formats)
    Case(
        "enum-key-digit",
        lambda s: _container(s, "C", {A: {"type": {"type": "enum", "values": {"1abc": {}}}}}),
        [A, "1abc"],
        ["invalid enum value"],
    ),
    Case(
        "enum-key-null",
        lambda s: _container(s, "C", {A: {"type": {"type": "enum", "values": {"null": {}}}}}),
        [A, "null"],
        ["invalid enum value"],
    ),
    Case(
        "enum-key-true",
        lambda s: _container(s, "C", {A: {"type": {"type": "enum", "values": {"true": {}}}}}),
        [A, "true"],
        ["invalid enum value"],
    ),
    Case(
        "enum-key-dash",
        lambda s: _container(s, "C", {A: {"type": {"type": "enum", "values": {"a-b": {}}}}}),
        [A, "a-b"],
        ["invalid enum value"],
    ),
    Case(
        "enum-33-values",
        lambda s: _container(s, "C", {A: {"type": {"type": "enum", "values": {f"v{i}": {} for i in range(33)}}}}),
        [A],
        ["1 to 32 values"],
    ),
    # index / constraint ids are 1-43 characters; <=10 indexes, <=10 uniqueness, <=25 requires (docs/dms.md, Limits)
    Case(
        "index-id-44",
        lambda s: _container(s, "C", {A: TEXT}, indexes={"i" * 44: {"indexType": "btree", "properties": [A]}}),
        ["i" * 44],
        ["1-43 characters"],
    ),
    Case(
        "constraint-id-44",
        lambda s: _container(
            s, "C", {A: TEXT}, constraints={"c" * 44: {"constraintType": "uniqueness", "properties": [A]}}
        ),
        ["c" * 44],
        ["1-43 characters"],
    ),
    Case(
        "11-indexes",
        lambda s: _container(
            s, "C", {A: TEXT}, indexes={f"i{n}": {"indexType": "btree", "properties": [A]} for n in range(11)}
        ),
        ["indexes"],
        ["at most 10 indexes"],
    ),
    Case(
        "11-uniqueness",
        lambda s: _container(
            s,
            "C",
            {A: TEXT},
            constraints={f"c{n}": {"constraintType": "uniqueness", "properties": [A]} for n in range(11)},
        ),
        ["constraints"],
        ["at most 10 uniqueness constraints"],
    ),
    # maxListSize may go up to 2000 (docs/dms.md, Limits)
    Case(
        "max-list-size-2001",
        lambda s: _container(s, "C", {A: {"type": {"type": "text", "list": True, "maxListSize": 2001}}}),
        [A, "maxListSize"],
        ["2000"],
    ),
    # property ids, reserved names, counts, defaults (docs/dms.md, Schema resources and Identifiers)
    Case("property-id-pattern", lambda s: _container(s, "C", {"bad prop": TEXT}), ["bad prop"], ["invalid property"]),
    Case("property-id-reserved", lambda s: _container(s, "C", {"externalId": TEXT}), ["externalId"], ["reserved"]),
    Case(
        "101-properties",
        lambda s: _container(s, "C", {f"p{n}": TEXT for n in range(101)}),
        ["properties"],
        ["at most 100 properties"],
    ),
    Case(
        "auto-increment-on-text",
        lambda s: _container(s, "C", {A: {"type": {"type": "text"}, "autoIncrement": True}}),
        [A, "autoIncrement"],
        ["int32/int64"],
    ),
    Case(
        "default-on-list",
        lambda s: _container(s, "C", {A: {"type": {"type": "text", "list": True}, "defaultValue": "x"}}),
        [A, "defaultValue"],
        ["list properties"],
    ),
    Case(
        "unknown-type",
        lambda s: _container(s, "C", {A: {"type": {"type": "varchar"}}}),
        ["varchar"],
        ["unknown property type", A],
    ),
    Case("used-for-unknown", lambda s: _container(s, "C", {A: TEXT}, usedFor="thing"), ["usedFor"], ['"thing"']),
    Case("name-256", lambda s: _container(s, "C", {A: TEXT}, name="n" * 256), ["name"], ["between 0 and 255"]),
    Case(
        "description-1025",
        lambda s: _container(s, "C", {A: TEXT}, description="d" * 1025),
        ["description"],
        ["between 0 and 1024"],
    ),
]


@pytest.mark.parametrize("case", CONTAINER_CASES, ids=_ids(CONTAINER_CASES))
def test_invalid_container_is_400(api: Api, space: str, case: Case) -> None:
    _check(api, "/models/containers", space, case)


def _view(space: str, properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"items": [{"space": space, "externalId": "V", "version": "v1", "properties": properties, **extra}]}


def _reverse(space: str, identifier: str) -> dict[str, Any]:
    return {
        "connectionType": "multi_reverse_direct_relation",
        "source": view_ref(space, "Pump"),
        "through": {"source": view_ref(space, "Pump"), "identifier": identifier},
    }


VIEW_CASES: list[Case] = [
    Case(
        "reverse-through-missing-property",
        lambda s: _view(s, {"inverse": _reverse(s, "nope")}),
        ["inverse", "nope"],
        ["does not exist"],
    ),
    Case(
        "reverse-through-non-direct-property",
        lambda s: _view(s, {"inverse": _reverse(s, "name")}),
        ["inverse", "name"],
        ["not a direct relation"],
    ),
    Case("invalid-filter", lambda s: _view(s, {}, filter={"bogus": {}}), ["bogus"], ["filter", "unknown filter"]),
    Case(
        "edge-connection-without-type",
        lambda s: _view(s, {"flows": {"connectionType": "multi_edge_connection", "source": view_ref(s, "Pump")}}),
        ["flows", "type"],
        [],
    ),
    Case(
        "unknown-container-property",
        lambda s: _view(s, {"x": {"container": container_ref(s, "Pump"), "containerPropertyIdentifier": "nope"}}),
        ["nope"],
        [":Pump has no property"],
    ),
    Case(
        "reserved-property-id",
        lambda s: _view(s, {"space": {"container": container_ref(s, "Pump"), "containerPropertyIdentifier": "name"}}),
        ["space"],
        ["reserved"],
    ),
    Case(
        "implements-11",
        lambda s: _view(s, {}, implements=[view_ref(s, "Pump")] * 11),
        ["implements"],
        ["at most 10 views"],
    ),
    Case(
        "implements-unknown",
        lambda s: _view(s, {}, implements=[view_ref(s, "Nope")]),
        ["Nope"],
        ["do not exist"],
        lambda s: [view_ref(s, "Nope")],
    ),
    Case(
        "reserved-external-id",
        lambda s: {"items": [{"space": s, "externalId": "Query", "version": "v1", "properties": {}}]},
        ["Query"],
        ["reserved"],
    ),
    Case(
        "bad-version",
        lambda s: {"items": [{"space": s, "externalId": "V", "version": "-v1", "properties": {}}]},
        ["version"],
        ['"-v1"'],
    ),
]


@pytest.mark.parametrize("case", VIEW_CASES, ids=_ids(VIEW_CASES))
def test_invalid_view_is_400(api: Api, schema_space: str, case: Case) -> None:
    _check(api, "/models/views", schema_space, case)


def _pump(space: str, **values: Any) -> dict[str, Any]:
    return {"items": [node_write(space, "n", view_ref(space, "Pump"), {"name": "n", **values})]}


APPLY_CASES: list[Case] = [
    Case(
        "timestamp-4-fraction-digits",
        lambda s: _pump(s, lastSeen="2024-01-01T00:00:00.1234Z"),
        ["lastSeen"],
        ["expected a timestamp"],
    ),
    Case(
        "timestamp-year-0", lambda s: _pump(s, lastSeen="0000-01-01T00:00:00Z"), ["lastSeen"], ["expected a timestamp"]
    ),
    Case("json-257-keys", lambda s: _pump(s, meta={f"k{i}": 1 for i in range(257)}), ["meta"], ["257 keys"]),
    Case("json-key-129-chars", lambda s: _pump(s, meta={"k" * 129: 1}), ["meta"], ["longer than 128"]),
    Case("json-value-over-10240-bytes", lambda s: _pump(s, meta={"k": "v" * 10_241}), ["meta"], ["10240 bytes"]),
    Case(
        "empty-properties-object",
        lambda s: {
            "items": [
                {
                    "instanceType": "node",
                    "space": s,
                    "externalId": "n",
                    "sources": [{"source": view_ref(s, "Pump"), "properties": {}}],
                }
            ]
        },
        ["properties"],
        ["at least one entry"],
    ),
    Case(
        "empty-sources",
        lambda s: {"items": [{"instanceType": "node", "space": s, "externalId": "n", "sources": []}]},
        ["sources"],
        ["1 to 100 entries"],
    ),
    Case(
        "missing-instance-type",
        lambda s: {"items": [{"space": s, "externalId": "n"}]},
        ["instanceType"],
        ["'node' or 'edge'"],
    ),
    Case(
        "direct-relation-into-missing-space",
        lambda s: _pump(s, site=node_ref("pgcNoSuchSpace0000", "x")),
        ["pgcNoSuchSpace0000"],
        ["do not exist"],
        lambda s: [{"space": "pgcNoSuchSpace0000"}],
    ),
]


@pytest.mark.parametrize("case", APPLY_CASES, ids=_ids(APPLY_CASES))
def test_invalid_instance_apply_is_400(api: Api, schema_space: str, case: Case) -> None:
    _check(api, "/models/instances", schema_space, case)


def P(space: str, prop: str) -> list[str]:
    return [space, "Pump/v1", prop]


FILTER_CASES: list[Case] = [
    # A range compares numbers, text and times: not booleans, whatever the bound.
    Case("range-with-boolean", lambda s: {"range": {"property": P(s, "active"), "gt": False}}, ["active"], ["range"]),
    Case(
        "range-on-boolean-number", lambda s: {"range": {"property": P(s, "active"), "gt": 0}}, ["active"], ["boolean"]
    ),
    Case(
        "range-bound-boolean", lambda s: {"range": {"property": P(s, "count"), "gt": True}}, ["count", "gt"], ["true"]
    ),
    Case("range-on-json", lambda s: {"range": {"property": P(s, "meta"), "lt": 5}}, ["meta"], ["json"]),
    Case(
        "contains-any-on-scalar",
        lambda s: {"containsAny": {"property": P(s, "name"), "values": ["a"]}},
        ["containsAny", "name"],
        ["not a list property"],
    ),
    Case(
        "contains-all-on-scalar",
        lambda s: {"containsAll": {"property": P(s, "count"), "values": [1]}},
        ["containsAll", "count"],
        ["not a list property"],
    ),
    Case(
        "prefix-on-int",
        lambda s: {"prefix": {"property": P(s, "count"), "value": "1"}},
        ["prefix", "count"],
        ["int64"],
    ),
    Case(
        "nested-scope-not-direct",
        lambda s: {"nested": {"scope": P(s, "name"), "filter": {"matchAll": {}}}},
        ["scope", "name"],
        ["not a direct relation"],
    ),
    Case(
        "parameter-outside-query",
        lambda s: {"equals": {"property": P(s, "name"), "value": {"parameter": "outsideParam"}}},
        ["outsideParam"],
        ["only allowed in query and sync"],
    ),
    Case(
        "two-keys-in-one-filter",
        lambda s: {"matchAll": {}, "not": {"matchAll": {}}},
        ["matchAll"],
        ["exactly one key"],
    ),
    Case("empty-and", lambda s: {"and": []}, [], ["filter.and", "non-empty"]),
    Case("empty-or", lambda s: {"or": []}, [], ["filter.or", "non-empty"]),
    Case(
        "in-1001-values",
        lambda s: {"in": {"property": ["node", "externalId"], "values": [str(i) for i in range(1001)]}},
        ["values"],
        ["filter.in", "at most 1000"],
    ),
    Case(
        "property-reference-too-long",
        lambda s: {"exists": {"property": [s, "Pump/v1", "name", "x", "y"]}},
        ["property"],
        ["2 or 3 strings"],
    ),
    Case(
        "unknown-base-property",
        lambda s: {"exists": {"property": ["node", "colour"]}},
        ["colour"],
        ["unknown property"],
    ),
]


@pytest.mark.parametrize("case", FILTER_CASES, ids=_ids(FILTER_CASES))
def test_invalid_filter_is_400(api: Api, schema_space: str, case: Case) -> None:
    _check(api, "/models/instances/list", schema_space, case, {"filter": case.build(schema_space)})


QUERY_CASES: list[Case] = [
    Case(
        "limit-each-without-from",
        lambda s: {"with": {"a": {"edges": {"maxDistance": 1, "limitEach": 1}}}, "select": {"a": {}}},
        ["limitEach"],
        ["needs from"],
    ),
    Case(
        "limit-each-without-max-distance-1",
        lambda s: {
            "with": {"n": {"nodes": {}}, "a": {"edges": {"from": "n", "maxDistance": 2, "limitEach": 1}}},
            "select": {"a": {}},
        },
        ["limitEach"],
        ["maxDistance 1"],
    ),
    Case(
        "cycle",
        lambda s: {
            "with": {"loopA": {"nodes": {"from": "loopB"}}, "loopB": {"nodes": {"from": "loopA"}}},
            "select": {"loopA": {}},
        },
        [],
        ["with.loopA", "cycle"],
    ),
    Case(
        "select-unknown-expression",
        lambda s: {"with": {"a": {"nodes": {}}}, "select": {"zzz": {}}},
        ["zzz"],
        ["no result set expression"],
    ),
    Case("empty-with", lambda s: {"with": {}, "select": {}}, [], ["with must contain at least one"]),
    Case(
        "six-sort-keys",
        lambda s: {"with": {"a": {"nodes": {}, "sort": [{"property": P(s, "count")}] * 6}}, "select": {"a": {}}},
        ["sort"],
        ["with.a.sort", "at most 5"],
    ),
    Case(
        "eleven-select-sources",
        lambda s: {
            "with": {"a": {"nodes": {}}},
            "select": {"a": {"sources": [{"source": view_ref(s, "Pump"), "properties": ["*"]}] * 11}},
        },
        ["sources"],
        ["select.a.sources", "at most 10"],
    ),
    Case(
        "chain-to-unknown",
        lambda s: {
            "with": {
                "n": {"nodes": {}},
                "e": {"edges": {"from": "n"}},
                "m": {"nodes": {"from": "e", "chainTo": "middle"}},
            },
            "select": {"m": {}},
        },
        ["chainTo"],
        ["with.m", "source or destination"],
    ),
]


@pytest.mark.parametrize("case", QUERY_CASES, ids=_ids(QUERY_CASES))
def test_invalid_query_is_400(api: Api, schema_space: str, case: Case) -> None:
    _check(api, "/models/instances/query", schema_space, case)


AGGREGATE_CASES: list[Case] = [
    Case("avg-on-text", lambda s: {"aggregates": [{"avg": {"property": "name"}}]}, ["name"], ["avg", "type text"]),
    Case("group-by-json", lambda s: {"groupBy": ["meta"]}, ["meta"], ["groupBy", "type json"]),
    Case(
        "six-group-by",
        lambda s: {"groupBy": ["name", "count", "status", "active", "site", "pressure"]},
        ["groupBy"],
        ["at most 5"],
    ),
    Case("limit-1001", lambda s: {"groupBy": ["name"], "limit": 1001}, ["limit"], ["got 1001"]),
    Case(
        "histogram-interval-0",
        lambda s: {"aggregates": [{"histogram": {"property": "count", "interval": 0}}]},
        ["interval"],
        ["histogram", "positive"],
    ),
    Case("nothing-to-do", lambda s: {}, [], ["aggregates or groupBy is required"]),
    Case("unknown-property", lambda s: {"aggregates": [{"max": {"property": "nope"}}]}, ["nope"], ["unknown property"]),
]


@pytest.mark.parametrize("case", AGGREGATE_CASES, ids=_ids(AGGREGATE_CASES))
def test_invalid_aggregate_is_400(api: Api, schema_space: str, case: Case) -> None:
    body = {"view": view_ref(schema_space, "Pump"), **case.build(schema_space)}
    _check(api, "/models/instances/aggregate", schema_space, case, body)
