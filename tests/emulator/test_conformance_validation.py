"""Request validation that docs/dms.md states as a rule (limits, patterns, what filters apply to): each is a 400."""

from __future__ import annotations

from typing import Any

import pytest
from _conformance import Api, container_ref, node_ref, node_write, view_ref


def _container(space: str, xid: str, properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"items": [{"space": space, "externalId": xid, "properties": properties, **extra}]}


TEXT = {"type": {"type": "text"}}

CONTAINER_CASES: list[tuple[str, Any]] = [
    # enum value keys: ^[_A-Za-z][_0-9A-Za-z]{0,127}$, not true/false/null (docs/dms.md, Identifiers and formats)
    ("enum-key-digit", lambda s: _container(s, "C", {"a": {"type": {"type": "enum", "values": {"1abc": {}}}}})),
    ("enum-key-null", lambda s: _container(s, "C", {"a": {"type": {"type": "enum", "values": {"null": {}}}}})),
    ("enum-key-true", lambda s: _container(s, "C", {"a": {"type": {"type": "enum", "values": {"true": {}}}}})),
    ("enum-key-dash", lambda s: _container(s, "C", {"a": {"type": {"type": "enum", "values": {"a-b": {}}}}})),
    (
        "enum-33-values",
        lambda s: _container(s, "C", {"a": {"type": {"type": "enum", "values": {f"v{i}": {} for i in range(33)}}}}),
    ),
    # index / constraint ids are 1-43 characters; <=10 indexes, <=10 uniqueness, <=25 requires (docs/dms.md, Limits)
    (
        "index-id-44",
        lambda s: _container(s, "C", {"a": TEXT}, indexes={"i" * 44: {"indexType": "btree", "properties": ["a"]}}),
    ),
    (
        "constraint-id-44",
        lambda s: _container(
            s, "C", {"a": TEXT}, constraints={"c" * 44: {"constraintType": "uniqueness", "properties": ["a"]}}
        ),
    ),
    (
        "11-indexes",
        lambda s: _container(
            s, "C", {"a": TEXT}, indexes={f"i{n}": {"indexType": "btree", "properties": ["a"]} for n in range(11)}
        ),
    ),
    (
        "11-uniqueness",
        lambda s: _container(
            s,
            "C",
            {"a": TEXT},
            constraints={f"c{n}": {"constraintType": "uniqueness", "properties": ["a"]} for n in range(11)},
        ),
    ),
    # maxListSize may go up to 2000 (docs/dms.md, Limits)
    (
        "max-list-size-2001",
        lambda s: _container(s, "C", {"a": {"type": {"type": "text", "list": True, "maxListSize": 2001}}}),
    ),
    # property ids, reserved names, counts, defaults (docs/dms.md, Schema resources and Identifiers)
    ("property-id-pattern", lambda s: _container(s, "C", {"bad prop": TEXT})),
    ("property-id-reserved", lambda s: _container(s, "C", {"externalId": TEXT})),
    ("101-properties", lambda s: _container(s, "C", {f"p{n}": TEXT for n in range(101)})),
    ("auto-increment-on-text", lambda s: _container(s, "C", {"a": {"type": {"type": "text"}, "autoIncrement": True}})),
    (
        "default-on-list",
        lambda s: _container(s, "C", {"a": {"type": {"type": "text", "list": True}, "defaultValue": "x"}}),
    ),
    ("unknown-type", lambda s: _container(s, "C", {"a": {"type": {"type": "varchar"}}})),
    ("used-for-unknown", lambda s: _container(s, "C", {"a": TEXT}, usedFor="thing")),
    ("name-256", lambda s: _container(s, "C", {"a": TEXT}, name="n" * 256)),
    ("description-1025", lambda s: _container(s, "C", {"a": TEXT}, description="d" * 1025)),
]


@pytest.mark.parametrize("build", [b for _, b in CONTAINER_CASES], ids=[c for c, _ in CONTAINER_CASES])
def test_invalid_container_is_400(api: Api, space: str, build: Any) -> None:
    api.post_error("/models/containers", build(space), status=400)


def _view(space: str, properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"items": [{"space": space, "externalId": "V", "version": "v1", "properties": properties, **extra}]}


def _reverse(space: str, identifier: str) -> dict[str, Any]:
    return {
        "connectionType": "multi_reverse_direct_relation",
        "source": view_ref(space, "Pump"),
        "through": {"source": view_ref(space, "Pump"), "identifier": identifier},
    }


VIEW_CASES: list[tuple[str, Any]] = [
    ("reverse-through-missing-property", lambda s: _view(s, {"x": _reverse(s, "nope")})),
    ("reverse-through-non-direct-property", lambda s: _view(s, {"x": _reverse(s, "name")})),
    ("invalid-filter", lambda s: _view(s, {}, filter={"bogus": {}})),
    (
        "edge-connection-without-type",
        lambda s: _view(s, {"x": {"connectionType": "multi_edge_connection", "source": view_ref(s, "Pump")}}),
    ),
    (
        "unknown-container-property",
        lambda s: _view(s, {"x": {"container": container_ref(s, "Pump"), "containerPropertyIdentifier": "nope"}}),
    ),
    (
        "reserved-property-id",
        lambda s: _view(s, {"space": {"container": container_ref(s, "Pump"), "containerPropertyIdentifier": "name"}}),
    ),
    ("implements-11", lambda s: _view(s, {}, implements=[view_ref(s, "Pump")] * 11)),
    ("implements-unknown", lambda s: _view(s, {}, implements=[view_ref(s, "Nope")])),
    (
        "reserved-external-id",
        lambda s: {"items": [{"space": s, "externalId": "Query", "version": "v1", "properties": {}}]},
    ),
    ("bad-version", lambda s: {"items": [{"space": s, "externalId": "V", "version": "-v1", "properties": {}}]}),
]


@pytest.mark.parametrize("build", [b for _, b in VIEW_CASES], ids=[c for c, _ in VIEW_CASES])
def test_invalid_view_is_400(api: Api, schema_space: str, build: Any) -> None:
    api.post_error("/models/views", build(schema_space), status=400)


def _pump(space: str, **values: Any) -> dict[str, Any]:
    return {"items": [node_write(space, "n", view_ref(space, "Pump"), {"name": "n", **values})]}


APPLY_CASES: list[tuple[str, Any]] = [
    ("timestamp-4-fraction-digits", lambda s: _pump(s, lastSeen="2024-01-01T00:00:00.1234Z")),
    ("timestamp-year-0", lambda s: _pump(s, lastSeen="0000-01-01T00:00:00Z")),
    ("json-257-keys", lambda s: _pump(s, meta={f"k{i}": 1 for i in range(257)})),
    ("json-key-129-chars", lambda s: _pump(s, meta={"k" * 129: 1})),
    ("json-value-over-10240-bytes", lambda s: _pump(s, meta={"k": "v" * 10_241})),
    (
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
    ),
    ("empty-sources", lambda s: {"items": [{"instanceType": "node", "space": s, "externalId": "n", "sources": []}]}),
    ("missing-instance-type", lambda s: {"items": [{"space": s, "externalId": "n"}]}),
    ("direct-relation-into-missing-space", lambda s: _pump(s, site=node_ref("pgcNoSuchSpace0000", "x"))),
]


@pytest.mark.parametrize("build", [b for _, b in APPLY_CASES], ids=[c for c, _ in APPLY_CASES])
def test_invalid_instance_apply_is_400(api: Api, schema_space: str, build: Any) -> None:
    api.post_error("/models/instances", build(schema_space), status=400)


def P(space: str, prop: str) -> list[str]:
    return [space, "Pump/v1", prop]


FILTER_CASES: list[tuple[str, Any]] = [
    ("range-with-boolean", lambda s: {"range": {"property": P(s, "active"), "gt": False}}),
    ("contains-any-on-scalar", lambda s: {"containsAny": {"property": P(s, "name"), "values": ["a"]}}),
    ("contains-all-on-scalar", lambda s: {"containsAll": {"property": P(s, "count"), "values": [1]}}),
    ("prefix-on-int", lambda s: {"prefix": {"property": P(s, "count"), "value": "1"}}),
    ("nested-scope-not-direct", lambda s: {"nested": {"scope": P(s, "name"), "filter": {"matchAll": {}}}}),
    ("parameter-outside-query", lambda s: {"equals": {"property": P(s, "name"), "value": {"parameter": "x"}}}),
    ("two-keys-in-one-filter", lambda s: {"matchAll": {}, "not": {"matchAll": {}}}),
    ("empty-and", lambda s: {"and": []}),
    ("empty-or", lambda s: {"or": []}),
    ("in-1001-values", lambda s: {"in": {"property": ["node", "externalId"], "values": [str(i) for i in range(1001)]}}),
    ("property-reference-too-long", lambda s: {"exists": {"property": [s, "Pump/v1", "name", "x", "y"]}}),
    ("unknown-base-property", lambda s: {"exists": {"property": ["node", "colour"]}}),
]


@pytest.mark.parametrize("build", [b for _, b in FILTER_CASES], ids=[c for c, _ in FILTER_CASES])
def test_invalid_filter_is_400(api: Api, schema_space: str, build: Any) -> None:
    api.post_error("/models/instances/list", {"filter": build(schema_space)}, status=400)


QUERY_CASES: list[tuple[str, Any]] = [
    (
        "limit-each-without-from",
        lambda s: {"with": {"a": {"edges": {"maxDistance": 1, "limitEach": 1}}}, "select": {"a": {}}},
    ),
    (
        "limit-each-without-max-distance-1",
        lambda s: {
            "with": {"n": {"nodes": {}}, "a": {"edges": {"from": "n", "maxDistance": 2, "limitEach": 1}}},
            "select": {"a": {}},
        },
    ),
    ("cycle", lambda s: {"with": {"a": {"nodes": {"from": "b"}}, "b": {"nodes": {"from": "a"}}}, "select": {"a": {}}}),
    ("select-unknown-expression", lambda s: {"with": {"a": {"nodes": {}}}, "select": {"zzz": {}}}),
    ("empty-with", lambda s: {"with": {}, "select": {}}),
    (
        "six-sort-keys",
        lambda s: {"with": {"a": {"nodes": {}, "sort": [{"property": P(s, "count")}] * 6}}, "select": {"a": {}}},
    ),
    (
        "eleven-select-sources",
        lambda s: {
            "with": {"a": {"nodes": {}}},
            "select": {"a": {"sources": [{"source": view_ref(s, "Pump"), "properties": ["*"]}] * 11}},
        },
    ),
    (
        "chain-to-unknown",
        lambda s: {
            "with": {
                "n": {"nodes": {}},
                "e": {"edges": {"from": "n"}},
                "m": {"nodes": {"from": "e", "chainTo": "middle"}},
            },
            "select": {"m": {}},
        },
    ),
]


@pytest.mark.parametrize("build", [b for _, b in QUERY_CASES], ids=[c for c, _ in QUERY_CASES])
def test_invalid_query_is_400(api: Api, schema_space: str, build: Any) -> None:
    api.post_error("/models/instances/query", build(schema_space), status=400)


AGGREGATE_CASES: list[tuple[str, dict[str, Any]]] = [
    ("avg-on-text", {"aggregates": [{"avg": {"property": "name"}}]}),
    ("group-by-json", {"groupBy": ["meta"]}),
    ("six-group-by", {"groupBy": ["name", "count", "status", "active", "site", "pressure"]}),
    ("limit-1001", {"groupBy": ["name"], "limit": 1001}),
    ("histogram-interval-0", {"aggregates": [{"histogram": {"property": "count", "interval": 0}}]}),
    ("nothing-to-do", {}),
    ("unknown-property", {"aggregates": [{"max": {"property": "nope"}}]}),
]


@pytest.mark.parametrize("extra", [e for _, e in AGGREGATE_CASES], ids=[c for c, _ in AGGREGATE_CASES])
def test_invalid_aggregate_is_400(api: Api, schema_space: str, extra: dict[str, Any]) -> None:
    api.post_error("/models/instances/aggregate", {"view": view_ref(schema_space, "Pump"), **extra}, status=400)
