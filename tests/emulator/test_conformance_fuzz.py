"""Fuzzing: malformed and hostile bodies, headers and query strings never get a 500 (README, "What the
emulator refuses"); every error is in CDF's shape ``{"error": {"code", "message"}}``.

Hypothesis draws JSON built from the API's own words (so that many requests get deep into the handlers),
raw bytes, odd encodings, surrogates, huge numbers and deep nesting, against one in-process emulator that
holds a small schema and a few instances. Derandomized (the same examples every run) and bounded to a few
seconds; raise ``PYGEN_FUZZ_EXAMPLES`` to search longer.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _conformance import TOKEN, check_error_shape, emulator_settings, sync_asgi_client, write_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.emulator_only

EXAMPLES = int(os.environ.get("PYGEN_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
SPACE = "fuzz"

POST_PATHS = [
    "/models/spaces",
    "/models/spaces/byids",
    "/models/spaces/delete",
    "/models/containers",
    "/models/containers/byids",
    "/models/containers/delete",
    "/models/containers/indexes/delete",
    "/models/containers/constraints/delete",
    "/models/views",
    "/models/views/byids",
    "/models/views/delete",
    "/models/datamodels",
    "/models/datamodels/byids",
    "/models/datamodels/delete",
    "/models/instances",
    "/models/instances/delete",
    "/models/instances/byids",
    "/models/instances/list",
    "/models/instances/search",
    "/models/instances/aggregate",
    "/models/instances/query",
    "/models/instances/sync",
    "/models/instances/inspect",
    "/models/statistics/spaces/byids",
]
TIMESERIES_PATHS = [
    "/timeseries",
    "/timeseries/byids",
    "/timeseries/list",
    "/timeseries/delete",
    "/timeseries/data",
    "/timeseries/data/list",
    "/timeseries/data/latest",
    "/timeseries/data/delete",
    "/files",
    "/files/byids",
    "/files/delete",
    "/files/uploadlink",
    "/files/multiuploadlink?parts=2",
    "/files/initmultipartupload?parts=2",
    "/files/completemultipartupload",
    "/files/downloadlink",
]
POST_PATHS += TIMESERIES_PATHS
GET_PATHS = ["/models/spaces", "/models/containers", "/models/views", "/models/datamodels", "/models/statistics"]
WORDS = [
    "items", "filter", "sort", "limit", "cursor", "sources", "source", "instanceType", "with", "select", "cursors",
    "parameters", "view", "query", "aggregates", "groupBy", "properties", "property", "space", "externalId",
    "version", "type", "startNode", "endNode", "nodes", "edges", "from", "through", "direction", "and", "or", "not",
    "equals", "in", "range", "prefix", "exists", "containsAny", "containsAll", "overlaps", "hasData", "nested",
    "scope", "matchAll", "instanceReferences", "value", "values", "gt", "gte", "lt", "lte", "node", "edge",
    "container", "Pump/v1", "Pump", "Site/v1", "v1", "name", "count", "tags", "site", "meta", "usedFor",
    "constraints", "indexes", "implements", "views", "mode", "backfillSort", "postSort", "targetUnits",
    "unitSystemName", "chainTo", "maxDistance", "limitEach", "union", "except", "intersection", "identifier",
    "replace", "existingVersion", "autoCreateDirectRelations", "includeTyping", "inspectionOperations",
    "connectionType", "containerPropertyIdentifier", "nullable", "autoIncrement", "defaultValue", "list",
    "descending", "nullsFirst", "histogram", "interval", "operator", "FUZZ",
    "datapoints", "timestamp", "instanceId", "id", "start", "end", "granularity", "includeOutsidePoints",
    "ignoreUnknownIds", "before", "inclusiveBegin", "exclusiveEnd", "uploadId", "average", "interpolation",
    "stepInterpolation", "sum", "min", "max", "1h", "2d-ago", "now", "isString", "isStep", "status", "fuzz-ts",
    "fuzz-file",
]  # fmt: skip
ODD_TEXT = ["\ud800", "a\udfffb", "relsec\n", "\x00", "é", "😀", "", " ", "x" * 300, "1e999", "NaN"]

keys = st.sampled_from([*WORDS, SPACE]) | st.text(max_size=6)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([*WORDS, SPACE])
    | st.sampled_from(ODD_TEXT)
    | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=24,
)
bodies = st.dictionaries(keys, json_values, max_size=5)


def _encode(value: Any) -> bytes:
    """JSON text of ``value``; lone surrogates go out as ``\\ud800`` escapes (as a client's encoder writes them)."""
    return json.dumps(value).encode()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with sync_asgi_client(emulator_settings()) as http:
        http.post("/models/spaces", json={"items": [{"space": SPACE}]})
        from _conformance import Api

        write_dataset(Api(http), SPACE)
        http.post("/timeseries", json={"items": [{"externalId": "fuzz-ts"}]}).raise_for_status()
        points = [{"timestamp": t * 1000, "value": t / 3} for t in range(50)]
        http.post(
            "/timeseries/data", json={"items": [{"externalId": "fuzz-ts", "datapoints": points}]}
        ).raise_for_status()
        http.post("/files", json={"externalId": "fuzz-file", "name": "f"}).raise_for_status()
        yield http


def _check(response: httpx.Response) -> None:
    assert response.status_code < 500, f"{response.status_code}: {response.text[:2000]}"
    if response.status_code >= 400:
        try:
            payload = response.json()
        except ValueError as exc:
            raise AssertionError(f"{response.status_code} is not JSON: {response.text[:500]}") from exc
        check_error_shape(payload, response.status_code)


@FUZZ
@given(path=st.sampled_from(POST_PATHS), body=bodies)
def test_json_bodies(client: httpx.Client, path: str, body: dict[str, Any]) -> None:
    _check(client.post(path, content=_encode(body), headers={"content-type": "application/json"}))


def _filters() -> st.SearchStrategy[Any]:
    props = st.sampled_from(
        [["node", "space"], ["node", "externalId"], [SPACE, "Pump/v1", "count"], [SPACE, "Pump/v1", "active"],
         [SPACE, "Pump/v1", "tags"], [SPACE, "Pump/v1", "site"], [SPACE, "Pump", "meta"], ["edge", "startNode"]]
    ) | json_values  # fmt: skip
    leaf = st.one_of(
        st.builds(lambda p, v: {"equals": {"property": p, "value": v}}, props, json_values),
        st.builds(lambda p, v: {"in": {"property": p, "values": v}}, props, json_values),
        st.builds(lambda p, a, b: {"range": {"property": p, "gt": a, "lte": b}}, props, scalars, scalars),
        st.builds(lambda p, v: {"prefix": {"property": p, "value": v}}, props, json_values),
        st.builds(lambda p: {"exists": {"property": p}}, props),
        st.builds(lambda v: {"hasData": v}, json_values),
        st.builds(lambda v: {"instanceReferences": v}, json_values),
        st.just({"matchAll": {}}),
        json_values,
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.builds(lambda parts: {"and": parts}, st.lists(inner, max_size=4)),
            st.builds(lambda parts: {"or": parts}, st.lists(inner, max_size=4)),
            st.builds(lambda part: {"not": part}, inner),
            st.builds(lambda p, part: {"nested": {"scope": p, "filter": part}}, props, inner),
        ),
        max_leaves=12,
    )


@FUZZ
@given(path=st.sampled_from(TIMESERIES_PATHS), item=st.dictionaries(keys, json_values, max_size=6), extra=bodies)
def test_time_series_and_file_items(
    client: httpx.Client, path: str, item: dict[str, Any], extra: dict[str, Any]
) -> None:
    """Items that name a time series (and a file) that exist, so that the fuzzed fields reach the handlers."""
    name = "fuzz-file" if path.startswith("/files") else "fuzz-ts"
    body = {**extra, "items": [{"externalId": name, **item}], **({"externalId": name} if "complete" in path else {})}
    _check(client.post(path, content=_encode(body), headers={"content-type": "application/json"}))


@FUZZ
@given(
    path=st.sampled_from(["/models/instances/list", "/models/instances/aggregate", "/models/instances/search"]),
    filter_=_filters(),
    extra=bodies,
)
def test_filters(client: httpx.Client, path: str, filter_: Any, extra: dict[str, Any]) -> None:
    body = {**extra, "filter": filter_}
    if path != "/models/instances/list":
        body.setdefault("view", {"type": "view", "space": SPACE, "externalId": "Pump", "version": "v1"})
    _check(client.post(path, content=_encode(body), headers={"content-type": "application/json"}))


@FUZZ
@given(
    name=st.sampled_from(["a", "b"]),
    expression=st.dictionaries(keys, json_values, max_size=4),
    nodes=st.dictionaries(keys, json_values, max_size=4),
    filter_=_filters(),
    sync=st.booleans(),
)
def test_query_expressions(
    client: httpx.Client, name: str, expression: dict[str, Any], nodes: dict[str, Any], filter_: Any, sync: bool
) -> None:
    expr = {**expression, "nodes": {**nodes, "filter": filter_}}
    body = {"with": {name: expr}, "select": {name: {}}}
    path = "/models/instances/sync" if sync else "/models/instances/query"
    _check(client.post(path, content=_encode(body), headers={"content-type": "application/json"}))


@FUZZ
@given(
    path=st.sampled_from(POST_PATHS),
    raw=st.binary(max_size=64) | st.builds(lambda body: _encode(body)[: len(_encode(body)) // 2], bodies),
    encoding=st.sampled_from([None, "gzip", "deflate", "br", "identity", "gzip, gzip", "x-gzip", "zstd", "é"]),
    compress=st.booleans(),
)
def test_raw_bodies_and_encodings(
    client: httpx.Client, path: str, raw: bytes, encoding: str | None, compress: bool
) -> None:
    headers = {"content-type": "application/json"}
    content = raw
    if encoding is not None:
        headers["content-encoding"] = encoding
        if compress and encoding in ("gzip", "x-gzip"):
            content = gzip.compress(raw)
        elif compress and encoding == "deflate":
            content = zlib.compress(raw)
    _check(client.post(path, content=content, headers={k: v.encode("utf-8") for k, v in headers.items()}))  # type: ignore[misc]


@FUZZ
@given(
    path=st.sampled_from(GET_PATHS),
    params=st.dictionaries(
        st.sampled_from(["limit", "cursor", "space", "includeGlobal", "allVersions", "usedFor", "inlineViews"])
        | st.text(max_size=5),
        st.text(max_size=12) | st.sampled_from(["-1", "0", "1001", "true", "TRUE", "node,edge", "abc=="]),
        max_size=4,
    ),
)
def test_query_strings(client: httpx.Client, path: str, params: dict[str, str]) -> None:
    _check(client.get(path, params=params))


@FUZZ
@given(
    authorization=st.binary(max_size=40).filter(lambda b: b"\r" not in b and b"\n" not in b and b"\0" not in b),
    scheme=st.sampled_from([b"Bearer ", b"bearer ", b"Basic ", b"", b"Bearer"]),
    path=st.sampled_from(["/models/spaces", "/models/instances/list"]),
)
def test_authorization_headers(client: httpx.Client, authorization: bytes, scheme: bytes, path: str) -> None:
    headers = {"Authorization": scheme + authorization}
    response = client.request("GET" if path == "/models/spaces" else "POST", path, headers=headers, json={})  # type: ignore[arg-type]
    _check(response)
    if response.status_code != 200:
        assert response.status_code == 401, response.text


@FUZZ
@given(form=st.binary(max_size=80), basic=st.none() | st.binary(max_size=30))
def test_token_endpoint(client: httpx.Client, form: bytes, basic: bytes | None) -> None:
    headers: dict[str, Any] = {"content-type": "application/x-www-form-urlencoded"}
    if basic is not None:
        headers["Authorization"] = b"Basic " + basic.replace(b"\r", b"").replace(b"\n", b"").replace(b"\0", b"")
    base = str(client.base_url).split("/api/")[0]
    response = client.post(f"{base}/oauth2/token", content=form, headers=headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert isinstance(response.json().get("error"), str), response.text  # OAuth's error shape


def test_the_fuzzed_emulator_still_works(client: httpx.Client) -> None:
    ok = client.post("/models/instances/list", json={"limit": 1}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200, ok.text
