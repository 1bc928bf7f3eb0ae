"""Where the generated-SDK end-to-end tests run: a fresh in-process emulator per test, or the CDF target.

The Omni SDK tests (``tests/instances``) and the end-to-end parts of ``tests/emit_python`` describe what a
test needs as ``EmulatorSettings`` (model files, node files) and get their client from :func:`sdk_http` /
:func:`sdk_ahttp`. By default that is an in-process emulator app built from those settings, as it always was.
When the ``PYGEN_TEST_CDF_*`` variables name a target (tests/cdf_target.py), the same tests talk HTTP to it:

- every space gets a name of this run's own: :func:`space` turns ``sp_test`` into ``pygen_e2e_<run>_sp_test``.
  The tests take their space names from constants built with it, and generate their SDKs from models
  renamed by :func:`on_target`, so that the SDK's views are the ones this run deployed;
- :class:`Deployment` (the session fixture ``cdf_run`` of tests/conftest.py) deploys each model file (its
  spaces, the containers its views map, the views and the data model) and each node file once, empties a
  test's instance spaces before the test, and at the end deletes everything it created, refusing to delete
  in any space it did not create (``check_own_space``).

Without the variables :func:`space` and :func:`on_target` change nothing and no deployment exists.
Tests that need the emulator itself (fault injection, its processes) are marked ``emulator_only``.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
from cdf_target import CdfTarget, cdf_target, check_own_space

from pygen.transport import (
    AsyncHTTPClient,
    ClientConfig,
    Credentials,
    HTTPClient,
    OAuthClientCredentials,
    RetryPolicy,
    Token,
)

TARGET = cdf_target()
#: The prefix of every space this run creates on a CDF target (one per process: xdist workers differ).
PREFIX = f"pygen_e2e_{secrets.token_hex(4)}_"
_MAX_SPACE = 43  # the longest space name DMS accepts


def space(name: str) -> str:
    """The run's name for space ``name``: ``name`` on the emulator, ``pygen_e2e_<run>_<name>`` on a CDF target."""
    if TARGET is None or name.startswith(PREFIX):
        return name
    renamed = PREFIX + name
    if len(renamed) > _MAX_SPACE:
        raise ValueError(f"space {name!r} is too long to rename for the CDF target ({renamed!r})")
    return renamed


def _spaces_in(doc: Any) -> set[str]:
    """Every value of a ``space`` key in ``doc`` (models: theirs, their views' and containers')."""
    if isinstance(doc, dict):
        found = {doc["space"]} if isinstance(doc.get("space"), str) else set()
        return found.union(*(_spaces_in(value) for value in doc.values()))
    if isinstance(doc, list):
        return set().union(*(_spaces_in(value) for value in doc))
    return set()


def _rename(doc: Any, names: set[str]) -> Any:
    """``doc`` with every string (values, keys, list items) that is one of ``names`` replaced by :func:`space`."""
    if isinstance(doc, str):
        return space(doc) if doc in names else doc
    if isinstance(doc, dict):
        return {_rename(key, names): _rename(value, names) for key, value in doc.items()}
    if isinstance(doc, list):
        return [_rename(value, names) for value in doc]
    return doc


def on_target(model: dict[str, Any]) -> dict[str, Any]:
    """A model dump as the run deploys it: unchanged on the emulator, its spaces renamed on a CDF target.

    Generate the SDK under test from this, so that it reads and writes the views the run deployed.
    """
    return model if TARGET is None else _rename(model, _spaces_in(model))


# ---------------------------------------------------------------------------------------------- clients


@contextmanager
def sdk_http(
    run: Deployment | None,
    config: ClientConfig,
    settings: Any,
    spaces: Sequence[str] = (),
    wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] = lambda transport: transport,
) -> Iterator[HTTPClient]:
    """A client on what ``settings`` (``EmulatorSettings``) describe, with the empty instance ``spaces``.

    ``run`` None: a fresh in-process emulator app built from ``settings``. Otherwise the CDF target, where
    ``run`` has deployed the settings' model and node files and emptied ``spaces``. ``wrap`` wraps the
    transport (to watch requests).
    """
    if run is not None:
        run.prepare(settings, spaces)
        with HTTPClient(run.config(config), transport=wrap(httpx.HTTPTransport())) as http:
            yield http
        return
    from pygen.emulator import create_app
    from pygen.emulator.testing import SyncASGITransport

    transport = SyncASGITransport(create_app(settings))
    with HTTPClient(config, transport=wrap(transport)) as http:
        for name in spaces:
            http.post("/models/spaces", json={"items": [{"space": name}]})
        yield http
    transport.close()


@asynccontextmanager
async def sdk_ahttp(
    run: Deployment | None, config: ClientConfig, settings: Any, spaces: Sequence[str] = ()
) -> AsyncIterator[AsyncHTTPClient]:
    """The async twin of :func:`sdk_http`."""
    if run is not None:
        run.prepare(settings, spaces)
        async with AsyncHTTPClient(run.config(config)) as http:
            yield http
        return
    from pygen.emulator import create_app

    async with AsyncHTTPClient(config, transport=httpx.ASGITransport(app=create_app(settings))) as http:
        for name in spaces:
            await http.post("/models/spaces", json={"items": [{"space": name}]})
        yield http


# ---------------------------------------------------------------------------------------------- deployment


def _read(path: Path | str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _containers(views: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The containers the views' mapped properties use, each with the properties the views map.

    Every property is nullable: the node dump holds nodes without a value of a required property (the
    emulator loads dumps leniently; DMS would refuse them). The generated write classes, which come from
    the model, still require what the model requires.
    """
    containers: dict[tuple[str, str], dict[str, Any]] = {}
    for view in views:
        used_for = view.get("usedFor", "node")
        for prop in view["properties"].values():
            if "container" not in prop:
                continue
            ref = prop["container"]
            container = containers.setdefault(
                (ref["space"], ref["externalId"]),
                {"space": ref["space"], "externalId": ref["externalId"], "usedFor": used_for, "properties": {}},
            )
            if container["usedFor"] != used_for:
                container["usedFor"] = "all"
            container["properties"].setdefault(
                prop["containerPropertyIdentifier"],
                {
                    "type": {key: value for key, value in prop["type"].items() if key != "source"},
                    "nullable": True,
                    "immutable": prop.get("immutable", False),
                    "autoIncrement": prop.get("autoIncrement", False),
                    "defaultValue": prop.get("defaultValue"),
                },
            )
    return containers


_SORTABLE = {"text", "int32", "int64", "float32", "float64", "timestamp", "date"}


def _sort_indexes(container: dict[str, Any]) -> dict[str, Any]:
    """A cursorable btree index on each of the container's first ten sortable properties.

    DMS pages through a custom sort only when such an index backs it, and the model dumps do not hold the
    containers' own indexes (the emulator does not check sorts on containers derived from a dump).
    """
    sortable = [
        prop_id
        for prop_id, prop in container["properties"].items()
        if prop["type"]["type"] in _SORTABLE and not prop["type"].get("list")
    ]
    index = {"indexType": "btree", "cursorable": True}
    return {f"sort_{prop_id}"[:43]: {**index, "properties": [prop_id]} for prop_id in sortable[:10]}


def _node_writes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Instances in the API's read shape (a node dump) as apply items."""
    items = []
    for node in nodes:
        item = {key: node[key] for key in ("instanceType", "space", "externalId", "type") if key in node}
        sources = []
        for view_space, by_view in (node.get("properties") or {}).items():
            for view, properties in by_view.items():
                external_id, version = view.split("/", 1)
                ref = {"type": "view", "space": view_space, "externalId": external_id, "version": version}
                # No properties: "has data in the view, all null" (DMS refuses an empty properties object).
                sources.append({"source": ref, "properties": properties} if properties else {"source": ref})
        items.append({**item, "sources": sources} if sources else item)
    return items


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def credentials(target: CdfTarget) -> Credentials:
    """pygen's credentials for the target: its token, or its client-credentials flow (tokens refreshed as needed)."""
    if target.token is not None:
        return Token(target.token)
    return OAuthClientCredentials(
        str(target.client_id), str(target.client_secret), token_url=target.token_url, scopes=target.scopes
    )


class Deployment:
    """What this run put on the CDF target, and the client it uses for that (see the module docstring)."""

    def __init__(self, target: CdfTarget) -> None:
        self.target = target
        self.credentials = credentials(target)
        self.http = HTTPClient(self.config(ClientConfig(target.project, self.credentials, timeout=120)))
        self.created: list[str] = []  # the spaces this run created, in order
        self.loaded: set[str] = set()  # the model and node files deployed
        self.containers: dict[tuple[str, str], dict[str, Any]] = {}  # as deployed (several models may share one)

    def config(self, like: ClientConfig) -> ClientConfig:
        """``like`` pointed at the target (its URL, project and credentials), with the default retries for CDF."""
        return dataclasses.replace(
            like,
            project=self.target.project,
            base_url=self.target.base_url,
            credentials=self.credentials,
            retry=RetryPolicy(),
        )

    def prepare(self, settings: Any, spaces: Sequence[str]) -> None:
        """Deploy the model and node files of ``settings`` (once each) and give ``spaces`` empty."""
        models = [path for path in settings.model_files if str(path) not in self.loaded]
        if models:
            self._deploy_models([model for path in models for model in self._models(path)])
            self.loaded.update(str(path) for path in models)
        for path in settings.instance_files:
            if str(path) not in self.loaded:
                self._load_nodes(_read(path))
                self.loaded.add(str(path))
        for name in spaces:
            if name in self.created:
                self._empty(name)
            else:
                self._create_spaces([name])

    @staticmethod
    def _models(path: Path | str) -> list[dict[str, Any]]:
        data = _read(path)
        return [on_target(model) for model in (data if isinstance(data, list) else [data])]

    def _create_spaces(self, names: Iterable[str]) -> None:
        new = [name for name in dict.fromkeys(names) if name not in self.created]
        if new:
            self.http.post("/models/spaces", json={"items": [{"space": name, "name": "pygen e2e"} for name in new]})
            self.created.extend(new)

    def _deploy_models(self, models: list[dict[str, Any]]) -> None:
        from pygen.dms import DataModel

        views = [view for model in models for view in model["views"] if "properties" in view]
        self._create_spaces(sorted(_spaces_in([{"space": model["space"]} for model in models] + views)))
        containers = []
        for key, container in _containers(views).items():
            known = self.containers.setdefault(key, container)  # a container several models map: all properties
            known["properties"] = {**container["properties"], **known["properties"]}
            if known["usedFor"] != container["usedFor"]:
                known["usedFor"] = "all"
            known["indexes"] = _sort_indexes(known)
            containers.append(known)
        for batch in _chunks(containers, 100):
            self.http.post("/models/containers", json={"items": batch})
        loaded = [DataModel.load(model) for model in models]
        view_writes = {view.as_reference(): view.as_write().dump() for model in loaded for view in model.inline_views()}
        for batch in _chunks(list(view_writes.values()), 100):  # a view in several models once
            self.http.post("/models/views", json={"items": batch})
        self.http.post("/models/datamodels", json={"items": [model.as_write().dump() for model in loaded]})

    def _load_nodes(self, nodes: list[dict[str, Any]]) -> None:
        names = _spaces_in(nodes) | {name for node in nodes for name in node.get("properties") or {}}
        items = _node_writes(_rename(nodes, names))
        self._create_spaces(sorted({item["space"] for item in items}))
        for batch in _chunks(items, 1000):
            self.http.post("/models/instances", json={"items": batch, "autoCreateDirectRelations": True})

    def _instances(self, name: str, instance_type: str) -> Iterator[dict[str, str]]:
        body: dict[str, Any] = {
            "instanceType": instance_type,
            "filter": {"equals": {"property": [instance_type, "space"], "value": name}},
            "limit": 1000,
        }
        while True:
            page = self.http.post("/models/instances/list", json=body).json()
            for item in page["items"]:
                yield {"instanceType": instance_type, "space": name, "externalId": item["externalId"]}
            if not page.get("nextCursor"):
                return
            body["cursor"] = page["nextCursor"]

    def _empty(self, name: str) -> None:
        """Delete the instances in space ``name`` (edges first)."""
        check_own_space(name, self.created)
        for instance_type in ("edge", "node"):
            for batch in _chunks(list(self._instances(name, instance_type)), 1000):
                self.http.post("/models/instances/delete", json={"items": batch})

    def _delete_schema(self, name: str) -> None:
        check_own_space(name, self.created)
        for resource in ("datamodels", "views", "containers"):
            params = {"space": name, "limit": 1000, **({} if resource == "containers" else {"allVersions": "true"})}
            items = self.http.get(f"/models/{resource}", params=params).json()["items"]
            ids = [{key: item[key] for key in ("space", "externalId", "version") if key in item} for item in items]
            for batch in _chunks([item for item in ids if item["space"] == name], 100):
                self.http.post(f"/models/{resource}/delete", json={"items": batch})

    def close(self) -> None:
        """Delete everything the run created: instances, then data models, views and containers, then the spaces."""
        try:
            for name in self.created:
                self._empty(name)
            for name in self.created:
                self._delete_schema(name)
            for batch in _chunks(self.created, 100):
                self.http.post("/models/spaces/delete", json={"items": [{"space": name} for name in batch]})
        finally:
            self.http.close()
