"""Plain-HTTP helpers for the DMS conformance suite (no pygen client code: the suite is black-box).

``Api`` wraps an ``httpx.Client`` whose base URL is the project URL; ``api.post(path, body)`` returns the
parsed JSON and fails with the whole exchange in the message when the status is not the expected one.
The builders below produce the small, readable fixtures the tests work on (a ``Pump`` container and view,
a ``Site`` view, a ``Flow`` edge view) so that expected results can be worked out by hand.

Negative checks say what the error is about, not only its status, in one line::

    api.post_error(path, body, status=400, mentions=["maxPressure"], missing=[view_ref(space, "Pump")])

``mentions`` and ``missing``/``duplicated`` are facts a correct answer from CDF also contains, so they are
checked on every target; ``emulator_wording`` is the emulator's own sentence, checked only against the emulator
(see ``check_error``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import httpx
from cdf_target import check_own_space

PROJECT = "test-project"
TOKEN = "test-token"
CLIENT_ID = "conformance-client"
CLIENT_SECRET = "conformance-secret"
ASGI_ROOT = "http://emulator"
PROJECT_URL = f"{ASGI_ROOT}/api/v1/projects/{PROJECT}"

Json = Any
_C = TypeVar("_C", httpx.Client, httpx.AsyncClient)


def _show(value: object, limit: int = 3000) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


class Api:
    """Send DMS requests and check statuses; every failure shows the request and the response body.

    Example: ``api.post("/models/instances/list", {"limit": 10})["items"]``.
    """

    def __init__(self, client: httpx.Client, *, target: str = "emulator") -> None:
        self.client = client
        self.target = target

    @property
    def is_emulator(self) -> bool:
        return self.target == "emulator"

    def send(
        self, method: str, path: str, body: Json = None, *, params: Mapping[str, Any] | None = None
    ) -> httpx.Response:
        """The raw response (no status check)."""
        return self.client.request(method, path, json=body, params=params)

    def call(
        self,
        method: str,
        path: str,
        body: Json = None,
        *,
        params: Mapping[str, Any] | None = None,
        expect: int = 200,
    ) -> Json:
        """Send and return the parsed JSON body, asserting the status is ``expect``."""
        response = self.send(method, path, body, params=params)
        if response.status_code != expect:
            raise AssertionError(
                f"{method} {path} params={params!r}: expected HTTP {expect}, got {response.status_code}\n"
                f"request body: {_show(body)}\nresponse body: {_show(response.text)}"
            )
        try:
            return response.json()
        except ValueError as exc:
            raise AssertionError(f"{method} {path}: response is not JSON: {_show(response.text)}") from exc

    def post(self, path: str, body: Json, *, params: Mapping[str, Any] | None = None, expect: int = 200) -> Json:
        return self.call("POST", path, body, params=params, expect=expect)

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, expect: int = 200) -> Json:
        return self.call("GET", path, params=params, expect=expect)

    def error(
        self,
        method: str,
        path: str,
        body: Json = None,
        *,
        status: int,
        params: Mapping[str, Any] | None = None,
        mentions: Sequence[str] = (),
        missing: Sequence[Mapping[str, Any]] | None = None,
        duplicated: Sequence[Mapping[str, Any]] | None = None,
        emulator_wording: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Send; assert the status, the error shape and what the error is about (``check_error``); return ``error``."""
        response = self.send(method, path, body, params=params)
        try:
            return self.check_error(
                response,
                status,
                mentions=mentions,
                missing=missing,
                duplicated=duplicated,
                emulator_wording=emulator_wording,
            )
        except AssertionError as exc:
            raise AssertionError(f"{method} {path} params={params!r}: {exc}\nrequest body: {_show(body)}") from None

    def post_error(
        self,
        path: str,
        body: Json,
        *,
        status: int = 400,
        mentions: Sequence[str] = (),
        missing: Sequence[Mapping[str, Any]] | None = None,
        duplicated: Sequence[Mapping[str, Any]] | None = None,
        emulator_wording: Sequence[str] = (),
    ) -> dict[str, Any]:
        """``api.post_error(path, body, status=400, mentions=["maxPressure"])``: see ``check_error``."""
        return self.error(
            "POST",
            path,
            body,
            status=status,
            mentions=mentions,
            missing=missing,
            duplicated=duplicated,
            emulator_wording=emulator_wording,
        )

    def check_error(
        self,
        response: httpx.Response | Json,
        status: int,
        *,
        mentions: Sequence[str] = (),
        missing: Sequence[Mapping[str, Any]] | None = None,
        duplicated: Sequence[Mapping[str, Any]] | None = None,
        emulator_wording: Sequence[str] = (),
    ) -> dict[str, Any]:
        """``check_error`` for this target (the emulator's wording is checked only when it is the emulator)."""
        return check_error(
            response,
            status,
            mentions=mentions,
            missing=missing,
            duplicated=duplicated,
            emulator_wording=emulator_wording,
            emulator=self.is_emulator,
        )

    def get_all(self, path: str, params: Mapping[str, Any] | None = None) -> tuple[list[Json], int]:
        """All items of a GET list endpoint following ``nextCursor``; returns ``(items, pages)``."""
        query = dict(params or {})
        items: list[Json] = []
        pages = 0
        while True:
            page = self.get(path, query)
            pages += 1
            items.extend(page["items"])
            cursor = page.get("nextCursor")
            if not cursor:
                return items, pages
            query["cursor"] = cursor
            assert pages < 1000, f"GET {path}: cursor loop"

    def list_all(self, body: Mapping[str, Any]) -> tuple[list[Json], list[int]]:
        """All instances of ``/models/instances/list`` following ``nextCursor``; returns ``(items, page_sizes)``."""
        request = dict(body)
        items: list[Json] = []
        sizes: list[int] = []
        while True:
            page = self.post("/models/instances/list", request)
            items.extend(page["items"])
            sizes.append(len(page["items"]))
            cursor = page.get("nextCursor")
            if not cursor:
                return items, sizes
            request["cursor"] = cursor
            assert len(sizes) < 1000, "instances/list: cursor loop"


def check_error_shape(payload: Json, status: int) -> dict[str, Any]:
    """Assert ``payload`` is ``{"error": {"code": status, "message": <non-empty str>, ...}}``."""
    assert isinstance(payload, dict) and isinstance(payload.get("error"), dict), f"not a CDF error body: {payload!r}"
    error: dict[str, Any] = payload["error"]
    assert error.get("code") == status, f"error.code should be {status}: {payload!r}"
    assert isinstance(error.get("message"), str) and error["message"], f"error.message missing: {payload!r}"
    return error


def _names(needle: str, text: str) -> bool:
    """``needle`` occurs in ``text`` as a whole identifier: ``count`` is found in "property 'count'" and in
    ``sp:Pump/count``, not in ``counts`` or ``account``."""
    before = r"(?<![A-Za-z0-9_])" if re.match(r"\w", needle[:1]) else ""
    after = r"(?![A-Za-z0-9_])" if re.match(r"\w", needle[-1:]) else ""
    return re.search(before + re.escape(needle) + after, text) is not None


def _ids_match(expected: Sequence[Mapping[str, Any]], actual: Any) -> bool:
    """Same number of ids, and each expected id is part of a distinct listed one (extra keys are allowed)."""
    if not isinstance(actual, list) or len(actual) != len(expected):
        return False
    left = [item for item in actual if isinstance(item, Mapping)]
    for want in expected:
        found = next((item for item in left if all(item.get(k) == v for k, v in want.items())), None)
        if found is None:
            return False
        left.remove(found)
    return True


def check_error(
    response: httpx.Response | Json,
    status: int,
    *,
    mentions: Sequence[str] = (),
    missing: Sequence[Mapping[str, Any]] | None = None,
    duplicated: Sequence[Mapping[str, Any]] | None = None,
    emulator_wording: Sequence[str] = (),
    emulator: bool,
) -> dict[str, Any]:
    """Assert an error answer is about what the test did wrong; return its ``error`` object.

    - ``response``: an ``httpx.Response`` (its status is checked too) or the parsed body; the body must have
      CDF's shape ``{"error": {"code": status, "message": str, "missing"?: [...], "duplicated"?: [...]}}``.
    - ``mentions``: identifiers at fault (a space, an externalId, a property, a view or container id, a request
      field such as ``limit``), each found exactly, as a whole identifier, in the message or the values of
      ``missing``/``duplicated``. A correct answer from CDF names them too, so they are checked on every target.
    - ``missing`` / ``duplicated``: the ids the error lists there (order-free; each expected id is a subset of a
      listed one). Against the emulator the list is required; CDF's is compared when it sends one, and
      otherwise its message must name each id's ``externalId`` (or ``space``).
    - ``emulator_wording``: words of the emulator's own message (case-insensitive substrings), checked only
      when ``emulator`` is true: CDF words its messages differently.
    """
    if isinstance(response, httpx.Response):
        assert response.status_code == status, (
            f"expected HTTP {status}, got {response.status_code}\nresponse body: {_show(response.text)}"
        )
        try:
            payload = response.json()
        except ValueError as exc:
            raise AssertionError(f"the error response is not JSON: {_show(response.text)}") from exc
    else:
        payload = response
    error = check_error_shape(payload, status)
    message: str = error["message"]
    listed = [item for key in ("missing", "duplicated") for item in error.get(key) or [] if isinstance(item, dict)]
    haystack = "\n".join([message, *(str(value) for item in listed for value in item.values())])
    problems = [f"does not name {needle!r}" for needle in mentions if not _names(needle, haystack)]
    for key, expected in (("missing", missing), ("duplicated", duplicated)):
        if expected is None:
            continue
        if key in error:
            if not _ids_match(expected, error[key]):
                problems.append(f"lists {key} {error[key]!r} instead of {list(expected)!r}")
        elif emulator:
            problems.append(f"has no {key!r} list (expected {list(expected)!r})")
        else:
            for ref in expected:
                name = str(ref.get("externalId", ref.get("space")))
                if not _names(name, message):
                    problems.append(f"neither lists {key} nor names {name!r}")
    if emulator:
        lowered = message.lower()
        problems += [f"does not say {word!r}" for word in emulator_wording if word.lower() not in lowered]
    assert not problems, f"the HTTP {status} error {', '.join(problems)}: {_show(payload)}"
    return error


# ---------------------------------------------------------------------------------------------- identifiers


def unique_space(prefix: str = "pgc") -> str:
    """A fresh space name (valid per the space pattern, unlikely to clash in a shared project)."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def view_ref(space: str, external_id: str, version: str = "v1") -> dict[str, str]:
    return {"type": "view", "space": space, "externalId": external_id, "version": version}


def container_ref(space: str, external_id: str) -> dict[str, str]:
    return {"type": "container", "space": space, "externalId": external_id}


def node_ref(space: str, external_id: str) -> dict[str, str]:
    return {"space": space, "externalId": external_id}


def node_id(space: str, external_id: str) -> dict[str, str]:
    return {"instanceType": "node", "space": space, "externalId": external_id}


def edge_id(space: str, external_id: str) -> dict[str, str]:
    return {"instanceType": "edge", "space": space, "externalId": external_id}


def xids(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """The externalIds of ``items`` in response order."""
    return [item["externalId"] for item in items]


def node_write(
    space: str,
    external_id: str,
    view: Mapping[str, str] | None = None,
    properties: Mapping[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A node apply item writing ``properties`` through ``view`` (no sources when ``view`` is None)."""
    item: dict[str, Any] = {"instanceType": "node", "space": space, "externalId": external_id, **extra}
    if view is not None:
        item["sources"] = [{"source": dict(view), "properties": dict(properties or {})}]
    return item


def edge_write(
    space: str,
    external_id: str,
    edge_type: Mapping[str, str],
    start: Mapping[str, str],
    end: Mapping[str, str],
    view: Mapping[str, str] | None = None,
    properties: Mapping[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An edge apply item."""
    item: dict[str, Any] = {
        "instanceType": "edge",
        "space": space,
        "externalId": external_id,
        "type": dict(edge_type),
        "startNode": dict(start),
        "endNode": dict(end),
        **extra,
    }
    if view is not None:
        item["sources"] = [{"source": dict(view), "properties": dict(properties or {})}]
    return item


def props(instance: Mapping[str, Any], view: Mapping[str, str]) -> dict[str, Any]:
    """The property map of ``instance`` for ``view`` (``{}`` when absent)."""
    key = f"{view['externalId']}/{view['version']}" if "version" in view else view["externalId"]
    result: dict[str, Any] = instance.get("properties", {}).get(view["space"], {}).get(key, {})
    return result


def parse_ts(value: str) -> dt.datetime:
    """Parse any ISO 8601 timestamp the server may return (``Z`` or an offset, 0-9 fractional digits)."""
    text = value.replace("Z", "+00:00")
    if "." in text:  # fromisoformat on 3.10 wants exactly 3 or 6 fractional digits
        head, rest = text.split(".", 1)
        digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]  # the fraction only, not the offset
        tail = rest[len(digits) :]
        text = f"{head}.{(digits + '000000')[:6]}{tail}"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


# ---------------------------------------------------------------------------------------------- the Pump schema

PUMP_PROPERTY_TYPES: dict[str, dict[str, Any]] = {
    "name": {"type": "text"},
    "description": {"type": "text"},
    "tags": {"type": "text", "list": True, "maxListSize": 5},
    "count": {"type": "int64"},
    "pressure": {"type": "float64"},
    "active": {"type": "boolean"},
    "installed": {"type": "date"},
    "lastSeen": {"type": "timestamp"},
    "meta": {"type": "json"},
    "status": {
        "type": "enum",
        "values": {"running": {"name": "Running"}, "stopped": {}, "unknown": {}},
        "unknownValue": "unknown",
    },
    "site": {"type": "direct"},
    "levels": {"type": "int64", "list": True},
    "validFrom": {"type": "timestamp"},
    "validTo": {"type": "timestamp"},
}


def pump_container(space: str) -> dict[str, Any]:
    properties: dict[str, Any] = {name: {"type": dict(kind)} for name, kind in PUMP_PROPERTY_TYPES.items()}
    properties["name"]["nullable"] = False
    return {"space": space, "externalId": "Pump", "name": "Pump", "usedFor": "node", "properties": properties}


def pump_view(space: str) -> dict[str, Any]:
    properties: dict[str, Any] = {
        name: {"container": container_ref(space, "Pump"), "containerPropertyIdentifier": name}
        for name in PUMP_PROPERTY_TYPES
    }
    properties["site"]["source"] = view_ref(space, "Site")
    return {"space": space, "externalId": "Pump", "version": "v1", "name": "Pump", "properties": properties}


def create_pump_schema(api: Api, space: str) -> None:
    """Containers ``Pump``, ``Site`` (node) and ``Flow`` (edge) and views ``Pump/v1``, ``Site/v1``, ``Flow/v1``."""
    containers = [
        pump_container(space),
        {"space": space, "externalId": "Site", "properties": {"name": {"type": {"type": "text"}}}},
        {
            "space": space,
            "externalId": "Flow",
            "usedFor": "edge",
            "properties": {"rate": {"type": {"type": "float64"}}},
        },
    ]
    api.post("/models/containers", {"items": containers})
    views = [
        pump_view(space),
        {
            "space": space,
            "externalId": "Site",
            "version": "v1",
            "properties": {"name": {"container": container_ref(space, "Site"), "containerPropertyIdentifier": "name"}},
        },
        {
            "space": space,
            "externalId": "Flow",
            "version": "v1",
            "properties": {"rate": {"container": container_ref(space, "Flow"), "containerPropertyIdentifier": "rate"}},
        },
    ]
    api.post("/models/views", {"items": views})


def ts(day: str) -> str:
    """``"2024-01-01"`` -> ``"2024-01-01T00:00:00.000+00:00"``."""
    return f"{day}T00:00:00.000+00:00"


# The dataset every read-only test works on. Nodes without a value for a property simply omit it.
#   id | name          | description | tags      | count | pressure | active | installed  | status  | site | levels
#   p1 | "Alpha pump"  | "first pump"| [a, b]    | 10    | 1.5      | true   | 2021-05-04 | running | s1   | [1,2,3]
#   p2 | "Beta pump"   |             | [b, c]    | 20    | 2.5      | false  | 2022-01-01 | stopped | s2   | [2]
#   p3 | "Gamma valve" | "a valve"   |           | 30    |          | true   |            | running | s1   |
#   p4 | "Alpha two"   |             | [d]       |       | 10.0     |        | 2020-12-31 |         |      | [5]
#   p5 | "Delta"       |             | [c]       | 25    | 7.0      | false  | 2023-07-01 | stopped | s2   | [1,5]
# validFrom/validTo: p1 01-01..02-01 2024, p2 01-15..03-01 2024, p3 03-01..04-01 2024, p4 05-01..06-01 2024,
#                    p5 2023-01-01..2023-12-31.
# lastSeen: p1 2024-01-01T12:00, p2 2024-06-01T00:00, p4 2023-12-31T23:59:59.999. meta: p1 {"k":1}, p2 {"k":2}.
# Site nodes s1 "North", s2 "South". Plain nodes: "plain" (no data), "flows-to" (edge type), "PumpType".
# p1 and p2 have node type PumpType. Edges (type flows-to, view Flow/v1): e1 p1->p2 rate 1.0, e2 p2->p3 rate
# 2.0, e3 p1->p3 rate 3.0.
PUMPS: dict[str, dict[str, Any]] = {
    "p1": {
        "name": "Alpha pump",
        "description": "first pump",
        "tags": ["a", "b"],
        "count": 10,
        "pressure": 1.5,
        "active": True,
        "installed": "2021-05-04",
        "lastSeen": "2024-01-01T12:00:00.000+00:00",
        "meta": {"k": 1},
        "status": "running",
        "site": "s1",
        "levels": [1, 2, 3],
        "validFrom": ts("2024-01-01"),
        "validTo": ts("2024-02-01"),
    },
    "p2": {
        "name": "Beta pump",
        "tags": ["b", "c"],
        "count": 20,
        "pressure": 2.5,
        "active": False,
        "installed": "2022-01-01",
        "lastSeen": "2024-06-01T00:00:00.000+00:00",
        "meta": {"k": 2},
        "status": "stopped",
        "site": "s2",
        "levels": [2],
        "validFrom": ts("2024-01-15"),
        "validTo": ts("2024-03-01"),
    },
    "p3": {
        "name": "Gamma valve",
        "description": "a valve",
        "count": 30,
        "active": True,
        "status": "running",
        "site": "s1",
        "validFrom": ts("2024-03-01"),
        "validTo": ts("2024-04-01"),
    },
    "p4": {
        "name": "Alpha two",
        "tags": ["d"],
        "pressure": 10.0,
        "installed": "2020-12-31",
        "lastSeen": "2023-12-31T23:59:59.999+00:00",
        "levels": [5],
        "validFrom": ts("2024-05-01"),
        "validTo": ts("2024-06-01"),
    },
    "p5": {
        "name": "Delta",
        "tags": ["c"],
        "count": 25,
        "pressure": 7.0,
        "active": False,
        "installed": "2023-07-01",
        "status": "stopped",
        "site": "s2",
        "levels": [1, 5],
        "validFrom": ts("2023-01-01"),
        "validTo": ts("2023-12-31"),
    },
}
PUMP_TYPED = {"p1", "p2"}
ALL_NODES = ["p1", "p2", "p3", "p4", "p5", "s1", "s2", "plain", "flows-to", "PumpType"]
EDGES = {"e1": ("p1", "p2", 1.0), "e2": ("p2", "p3", 2.0), "e3": ("p1", "p3", 3.0)}


def pump_properties(space: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Dataset values as written: the ``site`` shorthand becomes a node reference."""
    result = dict(values)
    if "site" in result and isinstance(result["site"], str):
        result["site"] = node_ref(space, result["site"])
    return result


def write_dataset(api: Api, space: str) -> None:
    """Create the schema and the dataset described above in ``space``."""
    create_pump_schema(api, space)
    pump, site, flow = view_ref(space, "Pump"), view_ref(space, "Site"), view_ref(space, "Flow")
    items: list[dict[str, Any]] = [
        node_write(space, "plain"),
        node_write(space, "flows-to"),
        node_write(space, "PumpType"),
        node_write(space, "s1", site, {"name": "North"}),
        node_write(space, "s2", site, {"name": "South"}),
    ]
    for xid, values in PUMPS.items():
        extra: dict[str, Any] = {"type": node_ref(space, "PumpType")} if xid in PUMP_TYPED else {}
        items.append(node_write(space, xid, pump, pump_properties(space, values), **extra))
    for xid, (start, end, rate) in EDGES.items():
        items.append(
            edge_write(
                space,
                xid,
                node_ref(space, "flows-to"),
                node_ref(space, start),
                node_ref(space, end),
                flow,
                {"rate": rate},
            )
        )
    api.post("/models/instances", {"items": items})


def in_space(space: str, filter_: Mapping[str, Any] | None = None, instance_type: str = "node") -> dict[str, Any]:
    """``filter_`` restricted to ``space`` (lists run over the whole project)."""
    scope = {"equals": {"property": [instance_type, "space"], "value": space}}
    return {"and": [scope, dict(filter_)]} if filter_ is not None else scope


def sorted_ids(values: Sequence[str]) -> list[str]:
    return sorted(values)


# ---------------------------------------------------------------------------------------------- spaces


def delete_space_contents(api: Api, space: str) -> None:
    """Empty and delete ``space``: instances (edges first), data models, views, containers, then the space."""
    for instance_type in ("edge", "node"):
        items, _ = api.list_all(
            {
                "instanceType": instance_type,
                "filter": {"equals": {"property": [instance_type, "space"], "value": space}},
            }
        )
        ids = [{"instanceType": instance_type, "space": space, "externalId": item["externalId"]} for item in items]
        for start in range(0, len(ids), 1000):
            api.post("/models/instances/delete", {"items": ids[start : start + 1000]})
    for resource, key in (("datamodels", True), ("views", True), ("containers", False)):
        params: dict[str, Any] = {"space": space, "limit": 1000}
        if key:
            params["allVersions"] = "true"
        items, _ = api.get_all(f"/models/{resource}", params)
        ids = [
            {k: item[k] for k in ("space", "externalId", "version") if k in item}
            for item in items
            if item["space"] == space
        ]
        for start in range(0, len(ids), 100):
            api.post(f"/models/{resource}/delete", {"items": ids[start : start + 100]})
    api.post("/models/spaces/delete", {"items": [{"space": space}]})


class SpaceFactory(AbstractContextManager["SpaceFactory"]):
    """Creates uniquely named spaces; against CDF, deletes them (and everything in them) on exit.

    The in-process emulator is simply discarded at the end of the session, so cleanup is skipped there:
    the delete endpoints have their own tests.
    """

    def __init__(self, api: Api) -> None:
        self.api = api
        self.created: list[str] = []

    def __call__(self, prefix: str = "pgc") -> str:
        space = unique_space(prefix)
        self.api.post("/models/spaces", {"items": [{"space": space, "name": f"conformance {space}"}]})
        self.created.append(space)
        return space

    def __exit__(self, *exc: object) -> None:
        if self.api.is_emulator:
            return
        for space in self.created:
            check_own_space(space, self.created)
            delete_space_contents(self.api, space)


# ---------------------------------------------------------------------------------------------- in-process


def emulator_settings(**overrides: Any) -> Any:
    """``EmulatorSettings`` with the suite's static token and client credentials, plus ``overrides``."""
    from pygen.emulator import EmulatorSettings

    values: dict[str, Any] = {"token": TOKEN, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    values.update(overrides)
    return EmulatorSettings(**values)


def _on_project(client: _C, token: str | None) -> _C:
    client.base_url = httpx.URL(PROJECT_URL)
    if token:
        client.headers["Authorization"] = f"Bearer {token}"
    return client


def sync_asgi_client(settings: Any, *, token: str | None = TOKEN) -> httpx.Client:
    """A sync client on the project URL of a fresh in-process emulator (``pygen.emulator.testing.asgi_client``)."""
    from pygen.emulator.testing import asgi_client

    return _on_project(asgi_client(settings), token)


def async_asgi_client(settings: Any, *, token: str | None = TOKEN) -> httpx.AsyncClient:
    """An async client on the project URL of a fresh in-process emulator (``httpx.ASGITransport``)."""
    from pygen.emulator.testing import async_asgi_client as make

    return _on_project(make(settings), token)
