"""Filters: the JSON of every filter kind, composition, splitting, and each kind against the emulator."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from _instances_support import MODEL_SPACE, TEST_SPACE
from omni_sdk import (
    ConnectionItemDFields,
    ConnectionItemDWrite,
    ConnectionItemEWrite,
    OmniClient,
    PrimitiveNullableFields,
    PrimitiveNullableListedFields,
    PrimitiveNullableListedWrite,
    PrimitiveNullableWrite,
)

from pygen.instances import (
    MAX_FILTER_VALUES,
    And,
    ContainsAll,
    Equals,
    Filter,
    HasData,
    In,
    InstanceReferences,
    MatchAll,
    Nested,
    NodeId,
    Not,
    Or,
    Overlaps,
    Range,
    ViewId,
)

F = PrimitiveNullableFields
L = PrimitiveNullableListedFields
D = ConnectionItemDFields
UTC = timezone.utc
PN = [MODEL_SPACE, "PrimitiveNullable/1"]


def test_dump_of_each_kind() -> None:
    assert F.text.equals("a").dump() == {"equals": {"property": [*PN, "text"], "value": "a"}}
    assert F.text.in_(["a", "b"]).dump() == {"in": {"property": [*PN, "text"], "values": ["a", "b"]}}
    assert F.text.prefix("ab").dump() == {"prefix": {"property": [*PN, "text"], "value": "ab"}}
    assert F.int32.range(gt=1, lte=5).dump() == {"range": {"property": [*PN, "int32"], "gt": 1, "lte": 5}}
    assert F.json_.exists().dump() == {"exists": {"property": [*PN, "json"]}}
    ts = datetime(2024, 1, 1, tzinfo=UTC)
    assert F.timestamp.range(gte=ts).dump()["range"]["gte"] == "2024-01-01T00:00:00.000+00:00"
    assert F.date.equals(date(2024, 2, 3)).dump()["equals"]["value"] == "2024-02-03"
    assert F.timestamp.in_([ts]).dump()["in"]["values"] == ["2024-01-01T00:00:00.000+00:00"]
    assert F.date.in_([date(2024, 2, 3)]).dump()["in"]["values"] == ["2024-02-03"]
    assert F.created_time.in_([ts]).dump()["in"] == {"property": ["node", "createdTime"], "values": [1704067200000]}
    assert F.created_time.range(gte=ts).dump()["range"] == {"property": ["node", "createdTime"], "gte": 1704067200000}
    assert L.int32.contains_any([1, 2]).dump() == {
        "containsAny": {"property": [MODEL_SPACE, "PrimitiveNullableListed/1", "int32"], "values": [1, 2]}
    }
    assert MatchAll().dump() == {"matchAll": {}}
    view = ViewId("s", "V", "1")
    assert HasData(views=(view,), containers=(("s", "C"),)).dump() == {
        "hasData": [view.dump(), {"type": "container", "space": "s", "externalId": "C"}]
    }
    assert InstanceReferences((NodeId("s", "x"),)).dump() == {"instanceReferences": [{"space": "s", "externalId": "x"}]}
    overlaps = Overlaps(("s", "V/1", "start"), ("s", "V/1", "end"), gte=1, lt=2).dump()
    assert overlaps == {
        "overlaps": {"startProperty": ["s", "V/1", "start"], "endProperty": ["s", "V/1", "end"], "gte": 1, "lt": 2}
    }
    nested = D.direct_single.nested(F.text.equals("x")).dump()
    assert nested["nested"]["scope"] == [MODEL_SPACE, "ConnectionItemD/1", "directSingle"]


def test_composition_flattens_and_negates() -> None:
    a, b, c = F.text.equals("a"), F.int32.equals(1), F.boolean.equals(True)
    assert (a & b & c) == And(a, b, c)
    assert (a | b | c) == Or(a, b, c)
    assert ~a == Not(a) and ~~a == a
    assert ((a & b) | ~c).dump() == {
        "or": [{"and": [a.dump(), b.dump()]}, {"not": c.dump()}],
    }


def test_direct_relation_values_follow_the_ids_rule() -> None:
    flt = D.direct_single.in_(["e1", ("s", "e2"), NodeId("s", "e3")])
    assert flt.dump("my_space")["in"]["values"] == [
        {"space": "my_space", "externalId": "e1"},
        {"space": "s", "externalId": "e2"},
        {"space": "s", "externalId": "e3"},
    ]
    with pytest.raises(ValueError, match="has no space"):
        D.direct_single.equals("e1").dump()


def test_long_in_lists_are_split_into_an_or() -> None:
    values = [f"x{i}" for i in range(2500)]
    dumped = F.text.in_(values).dump()
    parts = dumped["or"]
    assert [len(p["in"]["values"]) for p in parts] == [MAX_FILTER_VALUES, MAX_FILTER_VALUES, 500]
    assert [v for p in parts for v in p["in"]["values"]] == values
    all_parts = ContainsAll(("p",), tuple(range(1500))).dump()
    assert [len(p["containsAll"]["values"]) for p in all_parts["and"]] == [1000, 500]


def test_bad_filters_fail_where_written() -> None:
    with pytest.raises(ValueError, match="gt or gte"):
        Range(("p",), gt=1, gte=2)
    with pytest.raises(ValueError, match="at least one"):
        F.int32.range()
    with pytest.raises(ValueError, match="at least one value"):
        In(("p",), ())
    with pytest.raises(ValueError, match="timezone-aware"):
        F.timestamp.equals(datetime(2024, 1, 1))
    with pytest.raises(TypeError):
        F.text.equals("a") & "b"  # type: ignore[operator,unused-ignore]


@pytest.fixture
def seeded(omni: OmniClient) -> OmniClient:
    omni.upsert(
        [
            PrimitiveNullableWrite(
                external_id=f"n{i}",
                text=f"{'alpha' if i < 5 else 'beta'} {i}",
                int32=i,
                float64=i * 1.5,
                boolean=i % 2 == 0,
                date=date(2024, 1, 1 + i),
                timestamp=datetime(2024, 1, 1, i, tzinfo=UTC),
                json_={"i": i} if i % 3 == 0 else None,
            )
            for i in range(10)
        ]
        + [PrimitiveNullableListedWrite(external_id=f"l{i}", int32=[i, i + 1], text=[f"t{i}"]) for i in range(5)]
    )
    return omni


def _ids(omni: OmniClient, flt: Filter) -> list[str]:
    items = omni.primitive_nullable.list(filter=F.space.equals(TEST_SPACE) & flt, sort=F.int32.asc(), limit=-1)
    return [item.external_id for item in items]


def test_each_filter_kind_against_the_emulator(seeded: OmniClient) -> None:
    omni = seeded
    assert _ids(omni, F.text.equals("alpha 3")) == ["n3"]
    assert _ids(omni, F.int32.in_([2, 4, 99])) == ["n2", "n4"]
    assert _ids(omni, F.text.prefix("beta")) == ["n5", "n6", "n7", "n8", "n9"]
    assert _ids(omni, F.int32.range(gte=3, lt=6)) == ["n3", "n4", "n5"]
    assert _ids(omni, F.float64.range(gt=12.0)) == ["n9"]
    assert _ids(omni, F.date.range(lte=date(2024, 1, 2))) == ["n0", "n1"]
    assert _ids(omni, F.timestamp.range(gte=datetime(2024, 1, 1, 8, tzinfo=UTC))) == ["n8", "n9"]
    assert _ids(omni, F.json_.exists()) == ["n0", "n3", "n6", "n9"]
    assert _ids(omni, F.boolean.equals(True) & F.int32.range(lt=5)) == ["n0", "n2", "n4"]
    assert _ids(omni, F.int32.equals(1) | F.int32.equals(8)) == ["n1", "n8"]
    assert _ids(omni, ~F.text.prefix("alpha")) == ["n5", "n6", "n7", "n8", "n9"]
    assert _ids(omni, F.external_id.in_(["n1", "n7"])) == ["n1", "n7"]
    assert _ids(omni, InstanceReferences((NodeId(TEST_SPACE, "n2"),))) == ["n2"]
    assert _ids(omni, MatchAll()) == [f"n{i}" for i in range(10)]
    assert _ids(omni, HasData(views=(ViewId(MODEL_SPACE, "PrimitiveNullable", "1"),))) == [f"n{i}" for i in range(10)]
    # A long `in` list (split into an `or`) still finds exactly the right instances.
    many = [f"n{i}" for i in (1, 5)] + [f"missing{i}" for i in range(2100)]
    assert _ids(omni, F.external_id.in_(many)) == ["n1", "n5"]
    assert _ids(omni, Equals(("node", "externalId"), "n4")) == ["n4"]


def test_list_filters_against_the_emulator(seeded: OmniClient) -> None:
    api = seeded.primitive_nullable_listed
    space = L.space.equals(TEST_SPACE)

    def ids(flt: Filter) -> list[str]:
        return sorted(i.external_id for i in api.list(filter=space & flt, limit=-1))

    assert ids(L.int32.contains_any([0, 4])) == ["l0", "l3", "l4"]
    assert ids(L.int32.contains_all([2, 3])) == ["l2"]
    assert ids(L.text.contains_any(["t1"])) == ["l1"]


def test_direct_relation_and_nested_filters(omni: OmniClient) -> None:
    omni.upsert(
        [
            ConnectionItemDWrite(
                external_id="d1", name="one", direct_single=ConnectionItemEWrite(external_id="e1", name="target one")
            ),
            ConnectionItemDWrite(external_id="d2", name="two", direct_single="e2", direct_multi=["e1", "e2"]),
            ConnectionItemEWrite(external_id="e2", name="target two"),
        ]
    )
    api = omni.connection_item_d
    space = D.space.equals(TEST_SPACE)
    assert [d.external_id for d in api.list(filter=space & D.direct_single.equals("e1"))] == ["d1"]
    assert sorted(d.external_id for d in api.list(filter=space & D.direct_single.in_(["e1", (TEST_SPACE, "e2")]))) == [
        "d1",
        "d2",
    ]
    assert [d.external_id for d in api.list(filter=space & D.direct_multi.contains_any(["e2"]))] == ["d2"]
    from omni_sdk import ConnectionItemEFields

    nested = D.direct_single.nested(ConnectionItemEFields.name.equals("target two"))
    assert [d.external_id for d in api.list(filter=space & nested)] == ["d2"]
    assert [
        d.external_id
        for d in api.list(filter=Nested(D.direct_single.ref, ConnectionItemEFields.name.prefix("target o")))
    ] == ["d1"]


def test_builders_offer_only_what_fits_the_type() -> None:
    """The type checker sees these classes, so `F.int32.prefix(...)` is an error before it runs."""
    from pygen.instances import BooleanProperty, IntProperty, JsonProperty, ListProperty, TextProperty

    assert not hasattr(IntProperty, "prefix") and hasattr(IntProperty, "range")
    assert not hasattr(TextProperty, "range") and hasattr(TextProperty, "prefix")
    assert not hasattr(BooleanProperty, "in_") and not hasattr(BooleanProperty, "range")
    assert not hasattr(JsonProperty, "equals") and hasattr(JsonProperty, "exists")
    assert not hasattr(ListProperty, "equals") and hasattr(ListProperty, "contains_all")
