"""A small fake of CDF's time series data and file endpoints, as an ``httpx.MockTransport`` handler.

It keeps CDF's request limits (100 series and 100,000 raw / 10,000 aggregate datapoints a retrieve;
100,000 datapoints and 10,000 series an insert; 10,000 ranges a delete; 100 series a latest), pages with
``nextCursor``, and answers an unknown series with 400 and ``missing``, so the runtime's request shapes,
chunking and paging are checked against the rules, not against whatever the runtime sends. Every request is
recorded (``fake.requests``: method, path, parsed JSON body or byte count).
"""

from __future__ import annotations

import bisect
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from pygen.instances import InstanceClient
from pygen.transport import ClientConfig, HTTPClient, RetryPolicy, Token

BASE = "http://cdf.test"
STORAGE = "http://storage.test"
PREFIX = "/api/v1/projects/dp-test"
SPACE = "sp"
TOKEN = "secret-token"


def config() -> ClientConfig:
    """A config for the fake, with quick retries."""
    return ClientConfig("dp-test", Token(TOKEN), base_url=BASE, retry=RetryPolicy(max_retries=2, backoff_base=0.001))


@contextmanager
def connect(fake: FakeCDF) -> Iterator[InstanceClient]:
    """An instance client (default space ``SPACE``) on ``fake``, retrying without waiting."""
    with HTTPClient(config(), transport=httpx.MockTransport(fake), sleep=lambda _: None) as http:
        yield InstanceClient(http, instance_space=SPACE)


def _key(identifier: dict[str, Any]) -> tuple[str, ...]:
    if "instanceId" in identifier:
        return ("instanceId", identifier["instanceId"]["space"], identifier["instanceId"]["externalId"])
    return ("externalId", identifier["externalId"])


class Series:
    """One series' datapoints: a dict by timestamp, with sorted lists built when read after a write."""

    def __init__(self, is_string: bool = False) -> None:
        self.is_string = is_string
        self.points: dict[int, Any] = {}
        self._sorted: tuple[list[int], list[Any]] | None = None

    def put(self, timestamp: int, value: Any) -> None:
        self.points[timestamp] = value
        self._sorted = None

    def set(self, times: list[int], values: list[Any]) -> None:
        self.points = dict(zip(times, values, strict=True))
        self._sorted = None

    def _lists(self) -> tuple[list[int], list[Any]]:
        if self._sorted is None:
            times = sorted(self.points)
            self._sorted = (times, [self.points[t] for t in times])
        return self._sorted

    @property
    def times(self) -> list[int]:
        return self._lists()[0]

    @property
    def values(self) -> list[Any]:
        return self._lists()[1]


_UNIT = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def _bucket_ms(granularity: str) -> int:
    number = granularity.rstrip("smhd") or "1"
    return int(number) * _UNIT[granularity[-1]]


class FakeCDF:
    """The fake's state: series by key (``("instanceId", space, xid)`` or ``("externalId", xid)``), files."""

    def __init__(self) -> None:
        self.series: dict[tuple[str, ...], Series] = {}
        self.files: dict[tuple[str, ...], bytes] = {}
        self.requests: list[tuple[str, str, Any]] = []
        self.storage_headers: list[dict[str, str]] = []
        self.fail_storage: int = 0  # answer the next N storage requests with 503
        self.same_origin = False  # links on the cluster (BASE/storage/...) instead of another host
        self._lock = threading.Lock()

    def add(self, identifier: dict[str, Any], is_string: bool = False) -> None:
        self.series[_key(identifier)] = Series(is_string)

    # ------------------------------------------------------------------------------------------ handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:  # the runtime sends inserts from several threads
            return self._handle(request)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.url.host == "storage.test" or path.startswith("/storage/"):
            return self._storage(request)
        assert path.startswith(PREFIX), path
        path = path[len(PREFIX) :]
        body = json.loads(request.content) if request.content else None
        self.requests.append((request.method, path, body))
        handler = {
            "/timeseries/data/list": self._list,
            "/timeseries/data": self._insert,
            "/timeseries/data/delete": self._delete,
            "/timeseries/data/latest": self._latest,
            "/files/uploadlink": self._upload_link,
            "/files/downloadlink": self._download_link,
        }[path]
        return handler(body)

    def _error(self, message: str, missing: list[dict[str, Any]] | None = None) -> httpx.Response:
        error: dict[str, Any] = {"code": 400, "message": message}
        if missing:
            error["missing"] = missing
        return httpx.Response(400, json={"error": error})

    def _known(self, items: list[dict[str, Any]], ignore: bool) -> httpx.Response | None:
        missing = [_identifier(item) for item in items if _key(item) not in self.series]
        if missing and not ignore:
            return self._error("time series not found", missing)
        return None

    def _out(self, item: dict[str, Any], series: Series) -> dict[str, Any]:
        out = _identifier(item)
        out.update({"isString": series.is_string, "isStep": False, "type": "string" if series.is_string else "numeric"})
        return out

    def _list(self, body: dict[str, Any]) -> httpx.Response:
        items = body["items"]
        if not 1 <= len(items) <= 100:
            return self._error(f"items must have 1-100 elements, got {len(items)}")
        aggregate = any("aggregates" in item for item in items)
        budget = 10_000 if aggregate else 100_000
        if sum(item.get("limit", 100) for item in items) > budget:
            return self._error(f"the limits add up to more than {budget}")
        if (refused := self._known(items, body.get("ignoreUnknownIds", False))) is not None:
            return refused
        out = []
        for item in items:
            series = self.series.get(_key(item))
            if series is None:
                continue
            limit = item.get("limit", 100)
            start = int(item.get("cursor") or item.get("start", 0))
            end = item.get("end", 2**62)
            if "aggregates" in item:
                points, next_start = self._aggregates(series, item, start, end, limit)
            else:
                lo = bisect.bisect_left(series.times, start)
                hi = bisect.bisect_left(series.times, end)
                picked = range(lo, min(hi, lo + limit))
                points = [{"timestamp": series.times[i], "value": series.values[i]} for i in picked]
                next_start = series.times[lo + limit] if lo + limit < hi else None
            result = self._out(item, series)
            result["datapoints"] = points
            if next_start is not None:
                result["nextCursor"] = str(next_start)
            out.append(result)
        return httpx.Response(200, json={"items": out})

    def _aggregates(
        self, series: Series, item: dict[str, Any], start: int, end: int, limit: int
    ) -> tuple[list[dict[str, Any]], int | None]:
        size = _bucket_ms(item["granularity"])
        buckets: dict[int, list[float]] = {}
        lo = bisect.bisect_left(series.times, start - start % size)
        hi = bisect.bisect_left(series.times, end)
        for i in range(lo, hi):
            buckets.setdefault(series.times[i] - series.times[i] % size, []).append(series.values[i])
        points = []
        keys = sorted(key for key in buckets if key >= start - start % size)
        for key in keys[:limit]:
            values = buckets[key]
            point: dict[str, Any] = {"timestamp": key}
            for name in item["aggregates"]:
                point[name] = {
                    "average": sum(values) / len(values),
                    "min": min(values),
                    "max": max(values),
                    "count": len(values),
                    "sum": sum(values),
                }[name]
            points.append(point)
        return points, (keys[limit] if len(keys) > limit else None)

    def _insert(self, body: dict[str, Any]) -> httpx.Response:
        items = body["items"]
        if not 1 <= len(items) <= 10_000:
            return self._error(f"items must have 1-10000 elements, got {len(items)}")
        if sum(len(item["datapoints"]) for item in items) > 100_000:
            return self._error("more than 100000 datapoints")
        if (refused := self._known(items, False)) is not None:
            return refused
        for item in items:
            series = self.series[_key(item)]
            for point in item["datapoints"]:
                series.put(point["timestamp"], point["value"])
        return httpx.Response(200, json={})

    def _delete(self, body: dict[str, Any]) -> httpx.Response:
        items = body["items"]
        if not 1 <= len(items) <= 10_000:
            return self._error(f"items must have 1-10000 elements, got {len(items)}")
        if (refused := self._known(items, False)) is not None:
            return refused
        for item in items:
            series = self.series[_key(item)]
            begin, end = item["inclusiveBegin"], item["exclusiveEnd"]
            series.points = {t: v for t, v in series.points.items() if not begin <= t < end}
            series.set(list(series.points), list(series.points.values()))
        return httpx.Response(200, json={})

    def _latest(self, body: dict[str, Any]) -> httpx.Response:
        items = body["items"]
        if not 1 <= len(items) <= 100:
            return self._error(f"items must have 1-100 elements, got {len(items)}")
        if (refused := self._known(items, body.get("ignoreUnknownIds", False))) is not None:
            return refused
        out = []
        for item in items:
            series = self.series.get(_key(item))
            if series is None:
                continue
            before = item.get("before", 2**62)
            at = bisect.bisect_left(series.times, before) - 1
            result = self._out(item, series)
            result["datapoints"] = [{"timestamp": series.times[at], "value": series.values[at]}] if at >= 0 else []
            out.append(result)
        return httpx.Response(200, json={"items": out})

    def _upload_link(self, body: dict[str, Any]) -> httpx.Response:
        item = body["items"][0]
        token = json.dumps(_key(item))
        url = f"{self._storage_base()}/up?f={token}"
        return httpx.Response(200, json={"items": [{**_identifier(item), "uploadUrl": url}]})

    def _download_link(self, body: dict[str, Any]) -> httpx.Response:
        item = body["items"][0]
        if _key(item) not in self.files:
            return self._error("file not found", [_identifier(item)])
        token = json.dumps(_key(item))
        url = f"{self._storage_base()}/down?f={token}"
        return httpx.Response(200, json={"items": [{**_identifier(item), "downloadUrl": url}]})

    def _storage_base(self) -> str:
        return f"{BASE}/storage" if self.same_origin else STORAGE

    def _storage(self, request: httpx.Request) -> httpx.Response:
        self.storage_headers.append(dict(request.headers))
        if self.fail_storage:
            self.fail_storage -= 1
            request.read()
            return httpx.Response(503, text="<Error>busy</Error>")
        key = tuple(json.loads(request.url.params["f"]))
        if request.method == "PUT":
            self.files[key] = request.read()
            self.requests.append(("PUT", "storage", len(self.files[key])))
            return httpx.Response(200)
        self.requests.append(("GET", "storage", len(self.files[key])))
        return httpx.Response(200, content=self.files[key])


def _identifier(item: dict[str, Any]) -> dict[str, Any]:
    return {"instanceId": item["instanceId"]} if "instanceId" in item else {"externalId": item["externalId"]}
