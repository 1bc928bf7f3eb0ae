"""Resource APIs for spaces, containers, views and data models, sync and async.

Request building and response parsing live in ``_ResourceCore`` and are shared; the sync and async
classes only differ in how they send requests. Apply, byids and delete requests are split into
batches of 100 items (the API limit) and sent one after another, in input order.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
from pydantic import ValidationError

from pygen.transport import AsyncHTTPClient, HTTPClient, PygenError

from ._base import DMSModel
from ._containers import Container, ContainerApply
from ._data_models import DataModel, DataModelApply
from ._refs import ContainerReference, DataModelReference, SpaceReference, ViewReference
from ._spaces import Space, SpaceApply
from ._views import View, ViewApply

__all__ = [
    "AsyncContainersAPI",
    "AsyncDataModelsAPI",
    "AsyncSpacesAPI",
    "AsyncViewsAPI",
    "ContainerId",
    "ContainersAPI",
    "DataModelId",
    "DataModelsAPI",
    "Page",
    "SpaceId",
    "SpacesAPI",
    "UnexpectedResponseError",
    "ViewId",
    "ViewsAPI",
]

#: Items per apply, byids and delete request (docs/dms.md, Schema resources).
MAX_ITEMS_PER_REQUEST = 100
#: Largest ``limit`` of a GET list request.
MAX_LIST_LIMIT = 1000

_R = TypeVar("_R", bound=DMSModel)
_W = TypeVar("_W", bound=DMSModel)
_I = TypeVar("_I", bound=DMSModel)

#: A space: its id string, a reference, or a space object.
SpaceId = str | SpaceReference | Space | SpaceApply
#: A container: a reference, ``(space, external_id)`` or a container object.
ContainerId = ContainerReference | tuple[str, str] | Container | ContainerApply
#: A view: a reference, ``(space, external_id, version)``, ``(space, external_id)`` (all versions; retrieve only)
#: or a view object.
ViewId = ViewReference | tuple[str, str, str] | tuple[str, str] | View | ViewApply
#: A data model, like :data:`ViewId`.
DataModelId = DataModelReference | tuple[str, str, str] | tuple[str, str] | DataModel | DataModelApply


class UnexpectedResponseError(PygenError):
    """A 2xx response whose body is not what the DMS API documents."""


@dataclass(frozen=True)
class Page(Generic[_R]):
    """One page of a list: its items and the cursor of the next page (None on the last page)."""

    items: list[_R]
    cursor: str | None


@dataclass(frozen=True)
class _IdShape:
    """How ids of one resource look in a request body."""

    resource: str
    keys: tuple[str, ...]  # body keys, in tuple order
    optional_last: bool  # the last key (version) may be left out in byids

    def body(self, value: object, *, allow_partial: bool) -> dict[str, str]:
        as_reference = getattr(value, "as_reference", None)
        if callable(as_reference):
            value = as_reference()
        as_id = getattr(value, "as_id", None)
        if callable(as_id):
            body: dict[str, str] = as_id()
            return body
        if isinstance(value, str) and len(self.keys) == 1:
            return {self.keys[0]: value}
        if isinstance(value, tuple) and all(isinstance(part, str) for part in value):
            partial_ok = allow_partial and self.optional_last and len(value) == len(self.keys) - 1
            if len(value) == len(self.keys) or partial_ok:
                return dict(zip(self.keys, value, strict=False))
        expected = " or ".join(self._expected(allow_partial))
        raise ValueError(f"{self.resource}: {value!r} is not a valid id; expected {expected}")

    def _expected(self, allow_partial: bool) -> list[str]:
        if len(self.keys) == 1:
            return ["a string", "a SpaceReference"]
        full = "(" + ", ".join(_SNAKE.get(key, key) for key in self.keys) + ")"
        shapes = ["a reference", f"a tuple {full}"]
        if allow_partial and self.optional_last:
            shapes.append("(" + ", ".join(_SNAKE.get(key, key) for key in self.keys[:-1]) + ") for all versions")
        return shapes

    def is_single(self, value: object) -> bool:
        if isinstance(value, str):
            return True
        if isinstance(value, tuple):
            return bool(value) and all(isinstance(part, str) for part in value)
        return isinstance(value, DMSModel)


_SNAKE = {"externalId": "external_id"}


def _batches(items: Sequence[Any], size: int = MAX_ITEMS_PER_REQUEST) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


class _ResourceCore(Generic[_R, _W, _I]):
    """Request building and response parsing for one schema resource; no I/O."""

    def __init__(self, path: str, read: type[_R], write: type[_W], ref: type[_I], ids: _IdShape) -> None:
        self._path = path
        self._read = read
        self._write = write
        self._ref = ref
        self._ids = ids

    # -- requests
    def _list_params(self, limit: int | None, page_size: int, filters: Mapping[str, object]) -> dict[str, object]:
        if limit is not None and limit < 0:
            raise ValueError(f"{self._ids.resource}: limit must be >= 0, or None or -1 for all, got {limit}")
        if not 1 <= page_size <= MAX_LIST_LIMIT:
            raise ValueError(f"{self._ids.resource}: page_size must be 1-{MAX_LIST_LIMIT}, got {page_size}")
        size = page_size if limit is None else max(1, min(limit, page_size))
        # The cursor is only valid with the same parameters, so the page size stays fixed.
        return {"limit": size, **{key: value for key, value in filters.items() if value is not None}}

    def _id_bodies(self, ids: object, *, allow_partial: bool) -> list[dict[str, str]]:
        values = [ids] if self._ids.is_single(ids) else ids
        if not isinstance(values, Sequence) or isinstance(values, (str, bytes)):
            raise TypeError(f"{self._ids.resource}: ids must be an id or a sequence of ids, got {type(ids).__name__}")
        return [self._ids.body(value, allow_partial=allow_partial) for value in values]

    def _write_bodies(self, items: _W | Sequence[_W]) -> list[dict[str, Any]]:
        values: Sequence[Any] = [items] if isinstance(items, DMSModel) else items
        bodies: list[dict[str, Any]] = []
        for index, item in enumerate(values):
            if not isinstance(item, self._write):
                raise TypeError(
                    f"{self._ids.resource}.apply: item {index} is a {type(item).__name__}, expected "
                    f"{self._write.__name__} (use .as_write() to convert a read object)"
                )
            bodies.append(item.dump())
        return bodies

    # -- responses
    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise UnexpectedResponseError(f"{what}: the response is not JSON: {response.text[:200]!r}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise UnexpectedResponseError(f"{what}: expected an object with an 'items' list, got {str(data)[:200]}")
        return data

    def _parse(self, cls: type[_R] | type[_I], data: dict[str, Any], what: str) -> list[Any]:
        out = []
        for index, raw in enumerate(data["items"]):
            try:
                out.append(cls.model_validate(raw))
            except ValidationError as exc:
                raise UnexpectedResponseError(f"{what}: items[{index}] is not a valid {cls.__name__}: {exc}") from exc
        return out

    def _page(self, response: httpx.Response) -> Page[_R]:
        data = self._json(response, f"GET {self._path}")
        cursor = data.get("nextCursor")
        return Page(self._parse(self._read, data, f"GET {self._path}"), cursor if isinstance(cursor, str) else None)

    def _items(self, response: httpx.Response, suffix: str) -> list[_R]:
        what = f"POST {self._path}{suffix}"
        return self._parse(self._read, self._json(response, what), what)

    def _deleted(self, response: httpx.Response) -> list[_I]:
        what = f"POST {self._path}/delete"
        return self._parse(self._ref, self._json(response, what), what)

    @staticmethod
    def _cut(page: Page[_R], remaining: int | None) -> tuple[Page[_R], int | None, bool]:
        """Trim a page to the remaining limit; also say whether to stop."""
        if remaining is None:
            return page, None, page.cursor is None
        items = page.items[:remaining]
        remaining -= len(items)
        return Page(items, page.cursor), remaining, remaining <= 0 or page.cursor is None


class _SyncResource(_ResourceCore[_R, _W, _I]):
    def __init__(self, http: HTTPClient, *args: Any) -> None:
        super().__init__(*args)
        self._http = http

    def _pages(
        self, limit: int | None, page_size: int, cursor: str | None, filters: Mapping[str, object]
    ) -> Iterator[Page[_R]]:
        limit = None if limit == -1 else limit
        params = self._list_params(limit, page_size, filters)
        remaining = limit
        if remaining == 0:
            return
        while True:
            page = self._page(self._http.get(self._path, params={**params, "cursor": cursor}))
            page, remaining, stop = self._cut(page, remaining)
            yield page
            if stop:
                return
            cursor = page.cursor

    def _each(
        self, limit: int | None, page_size: int, cursor: str | None, filters: Mapping[str, object]
    ) -> Iterator[_R]:
        for page in self._pages(limit, page_size, cursor, filters):
            yield from page.items

    def _list(self, limit: int | None, filters: Mapping[str, object]) -> list[_R]:
        return list(self._each(limit, MAX_LIST_LIMIT, None, filters))

    def _retrieve(self, ids: object, params: Mapping[str, object]) -> list[_R]:
        out: list[_R] = []
        for batch in _batches(self._id_bodies(ids, allow_partial=True)):
            response = self._http.request("POST", f"{self._path}/byids", json={"items": batch}, params=params)
            out.extend(self._items(response, "/byids"))
        return out

    def apply(self, items: _W | Sequence[_W]) -> list[_R]:
        """Create or update (upsert) items, 100 per request; returns them as read back."""
        out: list[_R] = []
        for batch in _batches(self._write_bodies(items)):
            out.extend(self._items(self._http.post(self._path, json={"items": batch}), ""))
        return out

    def _delete(self, ids: object) -> list[_I]:
        out: list[_I] = []
        for batch in _batches(self._id_bodies(ids, allow_partial=False)):
            out.extend(self._deleted(self._http.post(f"{self._path}/delete", json={"items": batch})))
        return out


class _AsyncResource(_ResourceCore[_R, _W, _I]):
    def __init__(self, http: AsyncHTTPClient, *args: Any) -> None:
        super().__init__(*args)
        self._http = http

    async def _pages(
        self, limit: int | None, page_size: int, cursor: str | None, filters: Mapping[str, object]
    ) -> AsyncIterator[Page[_R]]:
        limit = None if limit == -1 else limit
        params = self._list_params(limit, page_size, filters)
        remaining = limit
        if remaining == 0:
            return
        while True:
            page = self._page(await self._http.get(self._path, params={**params, "cursor": cursor}))
            page, remaining, stop = self._cut(page, remaining)
            yield page
            if stop:
                return
            cursor = page.cursor

    async def _each(
        self, limit: int | None, page_size: int, cursor: str | None, filters: Mapping[str, object]
    ) -> AsyncIterator[_R]:
        async for page in self._pages(limit, page_size, cursor, filters):
            for item in page.items:
                yield item

    async def _list(self, limit: int | None, filters: Mapping[str, object]) -> list[_R]:
        return [item async for item in self._each(limit, MAX_LIST_LIMIT, None, filters)]

    async def _retrieve(self, ids: object, params: Mapping[str, object]) -> list[_R]:
        out: list[_R] = []
        for batch in _batches(self._id_bodies(ids, allow_partial=True)):
            response = await self._http.request("POST", f"{self._path}/byids", json={"items": batch}, params=params)
            out.extend(self._items(response, "/byids"))
        return out

    async def apply(self, items: _W | Sequence[_W]) -> list[_R]:
        """Create or update (upsert) items, 100 per request; returns them as read back."""
        out: list[_R] = []
        for batch in _batches(self._write_bodies(items)):
            out.extend(self._items(await self._http.post(self._path, json={"items": batch}), ""))
        return out

    async def _delete(self, ids: object) -> list[_I]:
        out: list[_I] = []
        for batch in _batches(self._id_bodies(ids, allow_partial=False)):
            out.extend(self._deleted(await self._http.post(f"{self._path}/delete", json={"items": batch})))
        return out


_SPACE_IDS = _IdShape("spaces", ("space",), optional_last=False)
_CONTAINER_IDS = _IdShape("containers", ("space", "externalId"), optional_last=False)
_VIEW_IDS = _IdShape("views", ("space", "externalId", "version"), optional_last=True)
_DATA_MODEL_IDS = _IdShape("data models", ("space", "externalId", "version"), optional_last=True)


# ---- spaces ----------------------------------------------------------------------------------------


class SpacesAPI(_SyncResource[Space, SpaceApply, SpaceReference]):
    """``/models/spaces``: list, retrieve, apply and delete spaces (``client.spaces`` of a :class:`DMSClient`).

    :class:`DMSClient`'s example applies a space.
    """

    def __init__(self, http: HTTPClient) -> None:
        super().__init__(http, "/models/spaces", Space, SpaceApply, SpaceReference, _SPACE_IDS)

    def list(self, *, limit: int | None = None, include_global: bool = False) -> builtins.list[Space]:
        """Spaces, following cursors until ``limit`` items (None: all)."""
        return self._list(limit, {"includeGlobal": include_global})

    def pages(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        cursor: str | None = None,
        include_global: bool = False,
    ) -> Iterator[Page[Space]]:
        """Pages of spaces (up to ``limit`` items in all; None: all), one request each, from ``cursor``."""
        return self._pages(limit, page_size, cursor, {"includeGlobal": include_global})

    def iterate(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        include_global: bool = False,
    ) -> Iterator[Space]:
        """Every one of the spaces (or the first ``limit``), fetched page by page."""
        return self._each(limit, page_size, None, {"includeGlobal": include_global})

    def retrieve(self, ids: SpaceId | Sequence[SpaceId]) -> builtins.list[Space]:
        """The spaces with these ids; missing ones are left out."""
        return self._retrieve(ids, {})

    def delete(self, ids: SpaceId | Sequence[SpaceId]) -> builtins.list[SpaceReference]:
        """Delete (empty) spaces; returns the ids the API reports deleted."""
        return self._delete(ids)


class AsyncSpacesAPI(_AsyncResource[Space, SpaceApply, SpaceReference]):
    """``/models/spaces``, async: see :class:`SpacesAPI`."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        super().__init__(http, "/models/spaces", Space, SpaceApply, SpaceReference, _SPACE_IDS)

    async def list(self, *, limit: int | None = None, include_global: bool = False) -> builtins.list[Space]:
        """Spaces, following cursors until ``limit`` items (None: all)."""
        return await self._list(limit, {"includeGlobal": include_global})

    def pages(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        cursor: str | None = None,
        include_global: bool = False,
    ) -> AsyncIterator[Page[Space]]:
        """Pages of spaces (up to ``limit`` items in all; None: all), one request each, from ``cursor``."""
        return self._pages(limit, page_size, cursor, {"includeGlobal": include_global})

    def iterate(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        include_global: bool = False,
    ) -> AsyncIterator[Space]:
        """Every one of the spaces (or the first ``limit``), fetched page by page."""
        return self._each(limit, page_size, None, {"includeGlobal": include_global})

    async def retrieve(self, ids: SpaceId | Sequence[SpaceId]) -> builtins.list[Space]:
        """The spaces with these ids; missing ones are left out."""
        return await self._retrieve(ids, {})

    async def delete(self, ids: SpaceId | Sequence[SpaceId]) -> builtins.list[SpaceReference]:
        """Delete (empty) spaces; returns the ids the API reports deleted."""
        return await self._delete(ids)


# ---- containers ------------------------------------------------------------------------------------


def _container_filters(space: str | None, include_global: bool, used_for: Sequence[str] | None) -> dict[str, object]:
    return {"space": space, "includeGlobal": include_global, "usedFor": list(used_for) if used_for else None}


class ContainersAPI(_SyncResource[Container, ContainerApply, ContainerReference]):
    """``/models/containers``: list, retrieve, apply and delete containers."""

    def __init__(self, http: HTTPClient) -> None:
        super().__init__(http, "/models/containers", Container, ContainerApply, ContainerReference, _CONTAINER_IDS)

    def list(
        self,
        *,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        used_for: Sequence[str] | None = None,
    ) -> builtins.list[Container]:
        """Containers, following cursors until ``limit`` items (None: all)."""
        return self._list(limit, _container_filters(space, include_global, used_for))

    def pages(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        cursor: str | None = None,
        space: str | None = None,
        include_global: bool = False,
        used_for: Sequence[str] | None = None,
    ) -> Iterator[Page[Container]]:
        """Pages of containers (up to ``limit`` items in all; None: all), one request each, from ``cursor``."""
        return self._pages(limit, page_size, cursor, _container_filters(space, include_global, used_for))

    def iterate(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        used_for: Sequence[str] | None = None,
    ) -> Iterator[Container]:
        """Every one of the containers (or the first ``limit``), fetched page by page."""
        return self._each(limit, page_size, None, _container_filters(space, include_global, used_for))

    def retrieve(self, ids: ContainerId | Sequence[ContainerId]) -> builtins.list[Container]:
        """The containers with these ids; missing ones are left out."""
        return self._retrieve(ids, {})

    def delete(self, ids: ContainerId | Sequence[ContainerId]) -> builtins.list[ContainerReference]:
        """Delete containers (and their data); returns the ids the API reports deleted."""
        return self._delete(ids)


class AsyncContainersAPI(_AsyncResource[Container, ContainerApply, ContainerReference]):
    """``/models/containers``, async: see :class:`ContainersAPI`."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        super().__init__(http, "/models/containers", Container, ContainerApply, ContainerReference, _CONTAINER_IDS)

    async def list(
        self,
        *,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        used_for: Sequence[str] | None = None,
    ) -> builtins.list[Container]:
        """Containers, following cursors until ``limit`` items (None: all)."""
        return await self._list(limit, _container_filters(space, include_global, used_for))

    def pages(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        cursor: str | None = None,
        space: str | None = None,
        include_global: bool = False,
        used_for: Sequence[str] | None = None,
    ) -> AsyncIterator[Page[Container]]:
        """Pages of containers (up to ``limit`` items in all; None: all), one request each, from ``cursor``."""
        return self._pages(limit, page_size, cursor, _container_filters(space, include_global, used_for))

    def iterate(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        used_for: Sequence[str] | None = None,
    ) -> AsyncIterator[Container]:
        """Every one of the containers (or the first ``limit``), fetched page by page."""
        return self._each(limit, page_size, None, _container_filters(space, include_global, used_for))

    async def retrieve(self, ids: ContainerId | Sequence[ContainerId]) -> builtins.list[Container]:
        """The containers with these ids; missing ones are left out."""
        return await self._retrieve(ids, {})

    async def delete(self, ids: ContainerId | Sequence[ContainerId]) -> builtins.list[ContainerReference]:
        """Delete containers (and their data); returns the ids the API reports deleted."""
        return await self._delete(ids)


# ---- views -----------------------------------------------------------------------------------------


def _view_filters(space: str | None, include_global: bool, all_versions: bool, inherited: bool) -> dict[str, object]:
    return {
        "space": space,
        "includeGlobal": include_global,
        "allVersions": all_versions,
        "includeInheritedProperties": inherited,
    }


class ViewsAPI(_SyncResource[View, ViewApply, ViewReference]):
    """``/models/views``: list, retrieve, apply and delete views (``client.views`` of a :class:`DMSClient`).

    :class:`DMSClient`'s example retrieves a view.
    """

    def __init__(self, http: HTTPClient) -> None:
        super().__init__(http, "/models/views", View, ViewApply, ViewReference, _VIEW_IDS)

    def list(
        self,
        *,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        include_inherited_properties: bool = True,
    ) -> builtins.list[View]:
        """Views (latest versions unless ``all_versions``), following cursors until ``limit`` items (None: all)."""
        return self._list(limit, _view_filters(space, include_global, all_versions, include_inherited_properties))

    def pages(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        cursor: str | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        include_inherited_properties: bool = True,
    ) -> Iterator[Page[View]]:
        """Pages of views (up to ``limit`` items in all; None: all), one request each, from ``cursor``."""
        filters = _view_filters(space, include_global, all_versions, include_inherited_properties)
        return self._pages(limit, page_size, cursor, filters)

    def iterate(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        include_inherited_properties: bool = True,
    ) -> Iterator[View]:
        """Every one of the views (or the first ``limit``), fetched page by page."""
        filters = _view_filters(space, include_global, all_versions, include_inherited_properties)
        return self._each(limit, page_size, None, filters)

    def retrieve(
        self, ids: ViewId | Sequence[ViewId], *, include_inherited_properties: bool = True
    ) -> builtins.list[View]:
        """The views with these ids (a ``(space, external_id)`` id gives all versions); missing ones are left out."""
        return self._retrieve(ids, {"includeInheritedProperties": include_inherited_properties})

    def delete(self, ids: ViewId | Sequence[ViewId]) -> builtins.list[ViewReference]:
        """Delete view versions; returns the ids the API reports deleted."""
        return self._delete(ids)


class AsyncViewsAPI(_AsyncResource[View, ViewApply, ViewReference]):
    """``/models/views``, async: see :class:`ViewsAPI`."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        super().__init__(http, "/models/views", View, ViewApply, ViewReference, _VIEW_IDS)

    async def list(
        self,
        *,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        include_inherited_properties: bool = True,
    ) -> builtins.list[View]:
        """Views (latest versions unless ``all_versions``), following cursors until ``limit`` items (None: all)."""
        return await self._list(limit, _view_filters(space, include_global, all_versions, include_inherited_properties))

    def pages(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        cursor: str | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        include_inherited_properties: bool = True,
    ) -> AsyncIterator[Page[View]]:
        """Pages of views (up to ``limit`` items in all; None: all), one request each, from ``cursor``."""
        filters = _view_filters(space, include_global, all_versions, include_inherited_properties)
        return self._pages(limit, page_size, cursor, filters)

    def iterate(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        include_inherited_properties: bool = True,
    ) -> AsyncIterator[View]:
        """Every one of the views (or the first ``limit``), fetched page by page."""
        filters = _view_filters(space, include_global, all_versions, include_inherited_properties)
        return self._each(limit, page_size, None, filters)

    async def retrieve(
        self, ids: ViewId | Sequence[ViewId], *, include_inherited_properties: bool = True
    ) -> builtins.list[View]:
        """The views with these ids (a ``(space, external_id)`` id gives all versions); missing ones are left out."""
        return await self._retrieve(ids, {"includeInheritedProperties": include_inherited_properties})

    async def delete(self, ids: ViewId | Sequence[ViewId]) -> builtins.list[ViewReference]:
        """Delete view versions; returns the ids the API reports deleted."""
        return await self._delete(ids)


# ---- data models -----------------------------------------------------------------------------------


def _model_filters(space: str | None, include_global: bool, all_versions: bool, inline: bool) -> dict[str, object]:
    return {"space": space, "includeGlobal": include_global, "allVersions": all_versions, "inlineViews": inline}


class DataModelsAPI(_SyncResource[DataModel, DataModelApply, DataModelReference]):
    """``/models/datamodels``: list, retrieve, apply and delete data models (``client.data_models``).

    :class:`DMSClient`'s example retrieves a data model with its views inline.
    """

    def __init__(self, http: HTTPClient) -> None:
        super().__init__(http, "/models/datamodels", DataModel, DataModelApply, DataModelReference, _DATA_MODEL_IDS)

    def list(
        self,
        *,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        inline_views: bool = False,
    ) -> builtins.list[DataModel]:
        """Data models (latest versions unless ``all_versions``), following cursors until ``limit`` (None: all)."""
        return self._list(limit, _model_filters(space, include_global, all_versions, inline_views))

    def pages(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        cursor: str | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        inline_views: bool = False,
    ) -> Iterator[Page[DataModel]]:
        """Pages of data models (up to ``limit`` items in all; None: all), one request each, from ``cursor``."""
        return self._pages(limit, page_size, cursor, _model_filters(space, include_global, all_versions, inline_views))

    def iterate(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        inline_views: bool = False,
    ) -> Iterator[DataModel]:
        """Every one of the data models (or the first ``limit``), fetched page by page."""
        return self._each(limit, page_size, None, _model_filters(space, include_global, all_versions, inline_views))

    def retrieve(
        self, ids: DataModelId | Sequence[DataModelId], *, inline_views: bool = False
    ) -> builtins.list[DataModel]:
        """The data models with these ids (``(space, external_id)``: all versions); missing ones are left out."""
        return self._retrieve(ids, {"inlineViews": inline_views})

    def delete(self, ids: DataModelId | Sequence[DataModelId]) -> builtins.list[DataModelReference]:
        """Delete data model versions (not their views); returns the ids the API reports deleted."""
        return self._delete(ids)


class AsyncDataModelsAPI(_AsyncResource[DataModel, DataModelApply, DataModelReference]):
    """``/models/datamodels``, async: see :class:`DataModelsAPI`."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        super().__init__(http, "/models/datamodels", DataModel, DataModelApply, DataModelReference, _DATA_MODEL_IDS)

    async def list(
        self,
        *,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        inline_views: bool = False,
    ) -> builtins.list[DataModel]:
        """Data models (latest versions unless ``all_versions``), following cursors until ``limit`` (None: all)."""
        return await self._list(limit, _model_filters(space, include_global, all_versions, inline_views))

    def pages(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        cursor: str | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        inline_views: bool = False,
    ) -> AsyncIterator[Page[DataModel]]:
        """Pages of data models (up to ``limit`` items in all; None: all), one request each, from ``cursor``."""
        return self._pages(limit, page_size, cursor, _model_filters(space, include_global, all_versions, inline_views))

    def iterate(
        self,
        *,
        page_size: int = MAX_LIST_LIMIT,
        limit: int | None = None,
        space: str | None = None,
        include_global: bool = False,
        all_versions: bool = False,
        inline_views: bool = False,
    ) -> AsyncIterator[DataModel]:
        """Every one of the data models (or the first ``limit``), fetched page by page."""
        return self._each(limit, page_size, None, _model_filters(space, include_global, all_versions, inline_views))

    async def retrieve(
        self, ids: DataModelId | Sequence[DataModelId], *, inline_views: bool = False
    ) -> builtins.list[DataModel]:
        """The data models with these ids (``(space, external_id)``: all versions); missing ones are left out."""
        return await self._retrieve(ids, {"inlineViews": inline_views})

    async def delete(self, ids: DataModelId | Sequence[DataModelId]) -> builtins.list[DataModelReference]:
        """Delete data model versions (not their views); returns the ids the API reports deleted."""
        return await self._delete(ids)
