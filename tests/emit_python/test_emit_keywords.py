"""Every filter keyword of every property type, through every read method, sync and async, against the emulator.

A model with one view of every filterable type is generated and imported from memory; five nodes are
written; then each keyword of the view's ``KwFilters`` TypedDict (all of them: the test fails when one
has no case here) selects a known set of nodes, and every read method must agree on that set. On a CDF
target (tests/sdk_target.py) the model is the run's copy, deployed there.
"""

from __future__ import annotations

import json
import types
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from _emit_support import direct, mapped, model, view
from sdk_target import Deployment, on_target, sdk_ahttp, sdk_http, space

from pygen.emulator import EmulatorSettings
from pygen.generator import load_sdk
from pygen.instances import NodeId
from pygen.transport import ClientConfig, Token

DATA = space("sp_kw")
UTC = timezone.utc
CONFIG = ClientConfig("p", Token("t"), base_url="http://emulator")


def _model() -> dict[str, Any]:
    props = {
        "name": mapped("text"),
        "count": mapped("int32"),
        "big": mapped("int64"),
        "ratio": mapped("float64"),
        "flag": mapped("boolean"),
        "when": mapped("timestamp"),
        "day": mapped("date"),
        "kind": mapped("enum", values={"pump": {}, "valve": {}, "pipe": {}}),
        "peer": direct("Kw"),
        "blob": mapped("json"),
        "tags": mapped("text", is_list=True),
        "sizes": mapped("int32", is_list=True),
        "peers": direct("Kw", is_list=True),
    }
    return on_target(model("KwModel", [view("Kw", props)]))


ROWS = [  # external id, name, count, ratio, flag, kind, tags, peer
    ("k0", "pump alpha", 0, 0.5, True, "pump", ["a", "b"], "k1"),
    ("k1", "pump beta", 10, 1.5, False, "valve", ["b"], "k2"),
    ("k2", "valve gamma", 20, 2.5, True, "pipe", [], "k0"),
    ("k3", "pipe delta", 30, 3.5, False, "pump", ["c"], None),
    ("k4", "pump epsilon", 40, 4.5, True, "valve", ["a"], "k1"),
]

#: keyword -> (value, the external ids it selects)
CASES: dict[str, tuple[object, list[str]]] = {
    "name": ("pump beta", ["k1"]),
    "name_prefix": ("pump", ["k0", "k1", "k4"]),
    "count": ([10, 30], ["k1", "k3"]),
    "min_count": (20, ["k2", "k3", "k4"]),
    "max_count": (10, ["k0", "k1"]),
    "big": (10_000_000_000, ["k1"]),
    "min_big": (30_000_000_000, ["k3", "k4"]),
    "max_big": (0, ["k0"]),
    "ratio": (2.5, ["k2"]),
    "min_ratio": (4.0, ["k4"]),
    "max_ratio": (1.5, ["k0", "k1"]),
    "flag": (False, ["k1", "k3"]),
    "when": ([datetime(2024, 1, 2, tzinfo=UTC), datetime(2024, 1, 5, tzinfo=UTC)], ["k1", "k4"]),
    "min_when": (datetime(2024, 1, 3, tzinfo=UTC), ["k2", "k3", "k4"]),
    "max_when": (datetime(2024, 1, 1, 12, tzinfo=UTC), ["k0"]),
    "day": (date(2024, 2, 3), ["k2"]),
    "min_day": (date(2024, 2, 4), ["k3", "k4"]),
    "max_day": (date(2024, 2, 1), ["k0"]),
    "kind": (["pump", "pipe"], ["k0", "k2", "k3"]),
    "peer": ("k1", ["k0", "k4"]),
    "tags": (["a", "c"], ["k0", "k3", "k4"]),
    "sizes": ([20], ["k2"]),
    "peers": ([(DATA, "k2")], ["k1"]),
    "external_id_prefix": ("k", ["k0", "k1", "k2", "k3", "k4"]),
    "space": (DATA, ["k0", "k1", "k2", "k3", "k4"]),
    "exists": (["peer", "blob"], ["k0", "k1"]),
}


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[types.ModuleType, Path]]:
    folder = tmp_path_factory.mktemp("kw")
    model_file = folder / "model.json"
    model_file.write_text(json.dumps(_model()), encoding="utf-8")
    yield load_sdk([json.loads(model_file.read_text(encoding="utf-8"))], package="kw_sdk"), model_file


def _nodes(module: types.ModuleType) -> list[Any]:
    out = []
    for n, (xid, name, count, ratio, flag, kind, tags, peer) in enumerate(ROWS):
        out.append(
            module.KwWrite(
                external_id=xid,
                name=name,
                count=count,
                big=n * 10_000_000_000,
                ratio=ratio,
                flag=flag,
                when=datetime(2024, 1, 1 + n, tzinfo=UTC),
                day=date(2024, 2, 1 + n),
                kind=kind,
                peer=peer,
                blob={"n": n} if n < 2 else None,
                tags=tags,
                sizes=[count, count + 1],
                peers=[peer] if peer else [],
            )
        )
    return out


def _settings(model_file: Path) -> EmulatorSettings:
    return EmulatorSettings(token="t", model_files=[model_file])


@pytest.fixture(scope="module")
def client(sdk: tuple[types.ModuleType, Path], cdf_run: Deployment | None) -> Iterator[Any]:
    module, model_file = sdk
    with sdk_http(cdf_run, CONFIG, _settings(model_file), [DATA]) as http:
        kw = module.KwModelClient(http, instance_space=DATA)
        kw.upsert(_nodes(module))
        yield kw


def test_every_keyword_has_a_case(sdk: tuple[types.ModuleType, Path]) -> None:
    module, _ = sdk
    assert sorted(module.KwFilters.__annotations__) == sorted(CASES)


def _ids(items: Any) -> list[str]:
    return sorted(item.external_id for item in items)


def _counts(expected: list[str]) -> list[int]:
    by_id = {row[0]: row[2] for row in ROWS}
    return [by_id[xid] for xid in expected]


@pytest.mark.parametrize("keyword", sorted(CASES))
def test_keyword_through_every_sync_read_method(client: Any, keyword: str) -> None:
    value, expected = CASES[keyword]
    api = client.kw
    kw = {keyword: value}
    assert _ids(api.list(**kw, limit=-1)) == expected
    assert _ids(api.page(**kw, page_size=1000).items) == expected
    assert _ids(api.iterate(**kw, page_size=2)) == expected
    assert _ids([i for page in api.pages(**kw, page_size=2) for i in page.items]) == expected
    assert _ids(api.search(**kw, limit=1000)) == expected
    assert api.count(**kw) == len(expected)
    counts = _counts(expected)
    assert api.sum("count", **kw) == sum(counts)
    assert api.min("count", **kw) == (min(counts) if counts else None)
    assert api.max("count", **kw) == (max(counts) if counts else None)
    assert api.avg("count", **kw) == pytest.approx(sum(counts) / len(counts))
    assert sum(bucket.count for bucket in api.histogram("count", 100, **kw)) == len(expected)
    (group,) = api.aggregate(("count", None), **kw)
    assert group.values["count"] == len(expected)


@pytest.mark.anyio
async def test_every_keyword_through_every_async_read_method(
    sdk: tuple[types.ModuleType, Path], cdf_run: Deployment | None
) -> None:
    module, model_file = sdk
    async with sdk_ahttp(cdf_run, CONFIG, _settings(model_file), [DATA]) as http:
        aclient = module.AsyncKwModelClient(http, instance_space=DATA)
        await aclient.upsert(_nodes(module))
        api = aclient.kw
        for keyword, (value, expected) in sorted(CASES.items()):
            kw = {keyword: value}
            assert _ids(await api.list(**kw, limit=-1)) == expected, keyword
            assert _ids((await api.page(**kw, page_size=1000)).items) == expected, keyword
            assert _ids(await _collect(api.iterate(**kw, page_size=2))) == expected, keyword
            pages = await _collect(api.pages(**kw, page_size=2))
            assert _ids([i for page in pages for i in page.items]) == expected, keyword
            assert _ids(await api.search(**kw, limit=1000)) == expected, keyword
            assert await api.count(**kw) == len(expected), keyword
            counts = _counts(expected)
            assert await api.sum("count", **kw) == sum(counts), keyword
            assert await api.min("count", **kw) == min(counts), keyword
            assert await api.max("count", **kw) == max(counts), keyword
            assert await api.avg("count", **kw) == pytest.approx(sum(counts) / len(counts)), keyword
            assert sum(bucket.count for bucket in await api.histogram("count", 100, **kw)) == len(expected), keyword
            (group,) = await api.aggregate(("count", None), **kw)
            assert group.values["count"] == len(expected), keyword


async def _collect(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]


def test_keywords_combine_with_each_other_and_with_filter(client: Any) -> None:
    api = client.kw
    assert _ids(api.list(name_prefix="pump", flag=True)) == ["k0", "k4"]
    assert _ids(api.list(filter=api.fields.count.range(gte=10), name_prefix="pump", flag=True)) == ["k4"]
    assert _ids(api.list(name_prefix="pump", flag=None)) == ["k0", "k1", "k4"]  # None: not given
    assert _ids(api.list(peer=NodeId(DATA, "k1"))) == ["k0", "k4"]
    assert _ids(api.list(peer=["k0", "k2"])) == ["k1", "k2"]


def test_unknown_and_misused_keywords_are_type_errors(client: Any) -> None:
    api = client.kw
    with pytest.raises(TypeError) as info:
        api.list(nmae="pump")
    assert str(info.value) == (
        "KwAPI.list() got an unknown filter keyword 'nmae'; it takes: big, count, day, exists, external_id_prefix, "
        "flag, kind, max_big, max_count, max_day, max_ratio, max_when, min_big, min_count, min_day, min_ratio, "
        "min_when, name, name_prefix, peer, peers, ratio, sizes, space, tags, when"
    )
    with pytest.raises(TypeError, match=r"^KwAPI\.count\(\): 'tags' takes a list of values, got str$"):
        api.count(tags="a")
    with pytest.raises(TypeError, match=r"^KwAPI\.list\(\): exists names 'nope', which is not a property of the view$"):
        api.list(exists=["nope"])
    with pytest.raises(TypeError, match=r"^KwAPI\.list\(\): 'blob' is a json property, which DMS cannot filter"):
        api.list(blob={"n": 1})
    with pytest.raises(TypeError, match=r"^KwAPI\.list\(\): 'name_prefix' takes a string, got int$"):
        api.list(name_prefix=3)
    with pytest.raises(TypeError, match=r"^KwAPI\.list\(\): 'flag' takes one value, got list$"):
        api.list(flag=[True])


def test_generated_filters_are_one_typed_dict_per_view(sdk: tuple[types.ModuleType, Path]) -> None:
    module, _ = sdk
    annotations = {
        key: getattr(hint, "__forward_arg__", hint) for key, hint in module.KwFilters.__annotations__.items()
    }
    assert annotations["name_prefix"] == "str" and annotations["kind"] == "_kind_values | Sequence[_kind_values]"
    assert "blob" not in annotations  # json: not filterable by value
