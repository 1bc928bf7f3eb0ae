"""cognite-sdk tour, part 3: more than one page: 1,100 small nodes listed with ``limit=-1`` (plain, filtered,
sorted, in chunks), counted, and synced: an initial sync over several pages, then follow-up syncs that see an
update and a deletion and then nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from cognite.client import CogniteClient
from cognite.client.data_classes import aggregations, filters
from cognite.client.data_classes.data_modeling import (
    BTreeIndexApply,
    ContainerApply,
    ContainerId,
    ContainerPropertyApply,
    InstanceSort,
    Int64,
    MappedPropertyApply,
    NodeApply,
    NodeId,
    NodeOrEdgeData,
    ViewApply,
    ViewId,
)
from cognite.client.data_classes.data_modeling.query import (
    NodeResultSetExpressionSync,
    QueryResult,
    QuerySync,
    SelectSync,
    SourceSelector,
    SyncMode,
)
from cognite.client.exceptions import CogniteAPIError

pytestmark = pytest.mark.xdist_group("official_sdk")

TICKS = 1100  # more than one page of 1000
SYNC_PAGE = 400


@dataclass(frozen=True)
class Ticks:
    space: str
    view: ViewId

    def n(self) -> tuple[str, str, str]:
        return self.view.as_property_ref("n")


def tick_xid(i: int) -> str:
    return f"t{i:04d}"


@pytest.fixture(scope="module")
def ticks(client: CogniteClient, fresh_space: Callable[[str], str]) -> Ticks:
    """``TICKS`` nodes ``t0000``... with ``n = i`` in a small view whose container has a cursorable index on ``n``."""
    space = fresh_space("sdk_ticks")
    dm = client.data_modeling
    container = ContainerApply(
        space,
        "Tick",
        properties={"n": ContainerPropertyApply(Int64(), nullable=False)},
        indexes={"byN": BTreeIndexApply(properties=["n"], cursorable=True)},
        used_for="node",
    )
    dm.containers.apply(container)
    view = dm.views.apply(
        ViewApply(space, "Tick", "v1", properties={"n": MappedPropertyApply(ContainerId(space, "Tick"), "n")})
    ).as_id()
    nodes = [NodeApply(space, tick_xid(i), sources=[NodeOrEdgeData(view, {"n": i})]) for i in range(TICKS)]
    written = dm.instances.apply(nodes)  # the SDK splits this into requests of at most 1000 items
    assert len(written.nodes) == TICKS
    return Ticks(space, view)


def test_list_all_pages(client: CogniteClient, ticks: Ticks) -> None:
    listed = client.data_modeling.instances.list(sources=[ticks.view], space=ticks.space, limit=-1)
    assert len(listed) == TICKS
    assert sorted(n.external_id for n in listed) == [tick_xid(i) for i in range(TICKS)]
    assert {n.external_id: n.properties[ticks.view]["n"] for n in listed} == {tick_xid(i): i for i in range(TICKS)}


def test_list_filtered_pages(client: CogniteClient, ticks: Ticks) -> None:
    listed = client.data_modeling.instances.list(
        sources=[ticks.view],
        space=ticks.space,
        filter=filters.Or(filters.Range(ticks.n(), gte=50), filters.In(ticks.n(), [3, 4])),
        limit=-1,
    )
    expected = {tick_xid(i) for i in range(TICKS) if i >= 50 or i in (3, 4)}
    assert len(listed) == len(expected) > 1000
    assert {n.external_id for n in listed} == expected


def test_list_sorted_pages(client: CogniteClient, ticks: Ticks) -> None:
    listed = client.data_modeling.instances.list(
        sources=[ticks.view], space=ticks.space, sort=InstanceSort(ticks.n(), "descending"), limit=-1
    )
    assert [n.external_id for n in listed] == [tick_xid(i) for i in reversed(range(TICKS))]


def test_iterate_in_chunks(client: CogniteClient, ticks: Ticks) -> None:
    chunks = list(client.data_modeling.instances(chunk_size=300, sources=[ticks.view], space=ticks.space))
    assert all(0 < len(chunk) <= 300 for chunk in chunks)
    seen = [n.external_id for chunk in chunks for n in chunk]
    assert sorted(seen) == [tick_xid(i) for i in range(TICKS)]


def test_aggregate_over_all(client: CogniteClient, ticks: Ticks) -> None:
    count, total, high = client.data_modeling.instances.aggregate(
        ticks.view,
        [aggregations.Count("externalId"), aggregations.Sum("n"), aggregations.Max("n")],
        space=ticks.space,
    )
    assert (count.value, total.value, high.value) == (TICKS, sum(range(TICKS)), TICKS - 1)


def _sync_page(client: CogniteClient, query: QuerySync) -> QueryResult:
    result = client.data_modeling.instances.sync(query)
    query.cursors = result.cursors
    return result


def _sync_query(ticks: Ticks) -> QuerySync:
    # node fields only (as cognite-sdk-python's sync integration test against CDF filters, with a prefix on
    # externalId): a deleted node still matches them
    in_space = filters.And(filters.Equals(["node", "space"], ticks.space), filters.Prefix(["node", "externalId"], "t"))
    return QuerySync(
        with_={"ticks": NodeResultSetExpressionSync(filter=in_space, limit=SYNC_PAGE, sync_mode="one_phase")},
        select={"ticks": SelectSync([SourceSelector(ticks.view, ["n"])])},
    )


def test_sync_initial_pages_then_changes(client: CogniteClient, ticks: Ticks) -> None:
    query = _sync_query(ticks)
    pages: list[QueryResult] = [_sync_page(client, query)]
    while len(pages[-1]["ticks"]) == SYNC_PAGE and len(pages) < 10:
        pages.append(_sync_page(client, query))
    sizes = [len(page["ticks"]) for page in pages]
    assert all(size <= SYNC_PAGE for size in sizes) and len(sizes) >= 3, sizes
    seen = [n.external_id for page in pages for n in page["ticks"]]
    assert sorted(seen) == [tick_xid(i) for i in range(TICKS)]  # each node exactly once
    assert all(page.cursors["ticks"] for page in pages)  # sync always hands back a cursor
    values = {n.external_id: n.properties[ticks.view]["n"] for page in pages for n in page["ticks"]}
    assert values == {tick_xid(i): i for i in range(TICKS)}

    # caught up: the next sync has nothing
    assert len(_sync_page(client, query)["ticks"]) == 0

    instances = client.data_modeling.instances
    instances.apply(NodeApply(ticks.space, tick_xid(5), sources=[NodeOrEdgeData(ticks.view, {"n": -5})]))
    deleted = instances.delete(nodes=NodeId(ticks.space, tick_xid(7)))
    assert [n.external_id for n in deleted.nodes] == [tick_xid(7)]
    try:
        changes = _sync_page(client, query)["ticks"]
        by_xid = {n.external_id: n for n in changes}
        assert set(by_xid) == {tick_xid(5), tick_xid(7)}
        assert by_xid[tick_xid(5)].deleted_time is None
        assert by_xid[tick_xid(5)].properties[ticks.view]["n"] == -5
        assert by_xid[tick_xid(7)].deleted_time is not None and by_xid[tick_xid(7)].deleted_time > 0
        assert len(_sync_page(client, query)["ticks"]) == 0
    finally:
        # put the module's data back as it was for the tests that may run after this one
        instances.apply(
            [NodeApply(ticks.space, tick_xid(i), sources=[NodeOrEdgeData(ticks.view, {"n": i})]) for i in (5, 7)]
        )


@pytest.mark.parametrize("mode", ["one_phase", "no_backfill"])
def test_sync_backfill_sort_needs_two_phase(client: CogniteClient, ticks: Ticks, mode: SyncMode) -> None:
    """CDF refuses a backfill sort outside a two-phase sync, with this message.

    Source: cognite-sdk-python's integration tests, which run against CDF:
    tests/tests_integration/test_api/test_data_modeling/test_instances.py,
    ``TestInstancesSync.test_fail_with_backfill_sort_without_two_phase`` (same modes, same message).
    """
    query = QuerySync(
        with_={
            "ticks": NodeResultSetExpressionSync(
                filter=filters.Equals(["node", "space"], ticks.space),
                sync_mode=mode,
                backfill_sort=[InstanceSort(["node", "externalId"])],
            )
        },
        select={"ticks": SelectSync()},
    )
    with pytest.raises(CogniteAPIError) as caught:
        client.data_modeling.instances.sync(query)
    assert caught.value.code == 400
    assert "Backfill sort can only be used with two-phase sync." in caught.value.message, caught.value.message
