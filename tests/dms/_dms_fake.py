"""A small in-memory DMS schema server for ``httpx.MockTransport``: enough to test paging and batching."""

from __future__ import annotations

import json
from typing import Any

import httpx

PROJECT_PATH = "/api/v1/projects/proj"
KINDS = {"spaces": ("space",), "containers": ("space", "externalId"), "views": ("space", "externalId", "version")}
KINDS["datamodels"] = KINDS["views"]


def key_of(kind: str, item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(item[key] for key in KINDS[kind])


class FakeDMS:
    """Stores schema objects by kind; cursors are offsets. Every request is recorded in ``requests``."""

    def __init__(self) -> None:
        self.store: dict[str, dict[tuple[str, ...], dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.requests: list[httpx.Request] = []
        self.fail_with: httpx.Response | None = None

    def bodies(self, suffix: str = "") -> list[Any]:
        return [json.loads(r.content) for r in self.requests if r.url.path.endswith(suffix) and r.method == "POST"]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail_with is not None:
            return self.fail_with
        path = request.url.path.removeprefix(PROJECT_PATH + "/models/")
        kind, _, action = path.partition("/")
        items = self.store[kind]
        if request.method == "GET":
            return self._list(items, request)
        body = json.loads(request.content)
        if action == "":
            out = []
            for raw in body["items"]:
                stored = {**raw, "isGlobal": False, "createdTime": 1, "lastUpdatedTime": 1}
                if kind == "views":
                    stored.setdefault("properties", {})
                items[key_of(kind, raw)] = stored
                out.append(stored)
            return httpx.Response(200, json={"items": out})
        if action == "byids":
            found: list[dict[str, Any]] = []
            for ident in body["items"]:
                found.extend(v for k, v in items.items() if all(v[key] == ident[key] for key in ident))
            return httpx.Response(200, json={"items": found})
        if action == "delete":
            deleted = [ident for ident in body["items"] if items.pop(key_of(kind, ident), None) is not None]
            return httpx.Response(200, json={"items": deleted})
        return httpx.Response(404, json={"error": {"code": 404, "message": f"no route {path}"}})

    @staticmethod
    def _list(items: dict[tuple[str, ...], dict[str, Any]], request: httpx.Request) -> httpx.Response:
        params = request.url.params
        limit = int(params.get("limit", "10"))
        start = int(params.get("cursor") or 0)
        values = list(items.values())
        if "space" in params:
            values = [v for v in values if v["space"] == params["space"]]
        page = values[start : start + limit]
        body: dict[str, Any] = {"items": page}
        if start + limit < len(values):
            body["nextCursor"] = str(start + limit)
        return httpx.Response(200, json=body)
