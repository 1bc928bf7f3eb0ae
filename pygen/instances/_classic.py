"""Classic resources a ``timeseries``/``file`` property can hold on write, and how ``upsert`` writes them.

:class:`ClassicTimeSeries` and :class:`ClassicFile` are what v1 wrote as part of a nested upsert: given as the
value of such a property, ``client.upsert`` creates them (or updates those that exist) before it writes any
instance, and the property is written as the resource's external id (a read gives back a
``TimeSeriesRef``/``FileRef``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from pygen.instances._references import FileRef, TimeSeriesRef
from pygen.transport import APIError, PygenError

if TYPE_CHECKING:
    from pygen.transport import AsyncHTTPClient, Deadline, HTTPClient

__all__ = [
    "ClassicFile",
    "ClassicResourceError",
    "ClassicTimeSeries",
    "awrite_classic",
    "classic_values",
    "write_classic",
]


# ---------------------------------------------------------------------------------------------- classic resources


class _Classic(BaseModel):
    """A classic resource to create or update with the instance that names it."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_assignment=True)
    _resource: ClassVar[str] = "resource"
    #: The API fields of the resource (attribute -> JSON key); the rest of the model is not sent.
    _keys: ClassVar[dict[str, str]] = {}
    #: Fields CDF cannot change after creation (left out of an update).
    _fixed: ClassVar[frozenset[str]] = frozenset()

    external_id: str = Field(min_length=1, max_length=255)

    def dump(self) -> dict[str, Any]:
        """The item CDF's create request takes (unset fields left out)."""
        out: dict[str, Any] = {"externalId": self.external_id}
        for name, key in self._keys.items():
            value = getattr(self, name)
            if value is not None:
                out[key] = value
        return out

    def update(self) -> dict[str, Any]:
        """The item CDF's update request takes: every field set here is set (``metadata`` replaced whole)."""
        changes = {
            key: {"set": value} for key, value in self.dump().items() if key != "externalId" and key not in self._fixed
        }
        return {"externalId": self.external_id, "update": changes}


class ClassicTimeSeries(_Classic):
    """A classic time series to create (or update) with the node whose ``timeseries`` property names it.

    Example:
        >>> ts = ClassicTimeSeries(external_id="pump42.flow", name="Pump 42 flow", unit="m3/h")
        >>> ts.dump()
        {'externalId': 'pump42.flow', 'name': 'Pump 42 flow', 'unit': 'm3/h', 'isString': False}
        >>> ts.ref, ts.update()["update"]["unit"]
        (TimeSeriesRef('pump42.flow'), {'set': 'm3/h'})
    """

    _resource: ClassVar[str] = "time series"
    _keys: ClassVar[dict[str, str]] = {
        "name": "name",
        "description": "description",
        "unit": "unit",
        "unit_external_id": "unitExternalId",
        "is_string": "isString",
        "is_step": "isStep",
        "metadata": "metadata",
        "asset_id": "assetId",
        "data_set_id": "dataSetId",
        "security_categories": "securityCategories",
    }
    _fixed: ClassVar[frozenset[str]] = frozenset({"isString"})

    name: str | None = Field(default=None, max_length=255)
    description: str | None = Field(default=None, max_length=1000)
    unit: str | None = Field(default=None, max_length=32)
    unit_external_id: str | None = Field(default=None, max_length=256)
    is_string: bool = False
    is_step: bool | None = None
    metadata: dict[str, str] | None = None
    asset_id: int | None = None
    data_set_id: int | None = None
    security_categories: list[int] | None = None

    if TYPE_CHECKING:  # typed keywords for every checker (the pydantic mypy plugin leaves them untyped by default)

        def __init__(
            self,
            *,
            external_id: str,
            name: str | None = None,
            description: str | None = None,
            unit: str | None = None,
            unit_external_id: str | None = None,
            is_string: bool = False,
            is_step: bool | None = None,
            metadata: dict[str, str] | None = None,
            asset_id: int | None = None,
            data_set_id: int | None = None,
            security_categories: list[int] | None = None,
        ) -> None: ...

    @property
    def ref(self) -> TimeSeriesRef:
        """The reference a read gives back for this resource."""
        return TimeSeriesRef(self.external_id)


class ClassicFile(_Classic):
    """A classic file's metadata to create (or overwrite) with the node whose ``file`` property names it; its
    content is uploaded with ``client.files.upload(FileRef(external_id), ...)`` (an overwrite keeps the content).

    Example:
        >>> ClassicFile(external_id="pid-1", name="P&ID 1.pdf", mime_type="application/pdf").dump()
        {'externalId': 'pid-1', 'name': 'P&ID 1.pdf', 'mimeType': 'application/pdf'}
    """

    _resource: ClassVar[str] = "file"
    _keys: ClassVar[dict[str, str]] = {
        "name": "name",
        "directory": "directory",
        "mime_type": "mimeType",
        "source": "source",
        "metadata": "metadata",
        "asset_ids": "assetIds",
        "data_set_id": "dataSetId",
        "source_created_time": "sourceCreatedTime",
        "source_modified_time": "sourceModifiedTime",
        "security_categories": "securityCategories",
    }

    name: str = Field(min_length=1, max_length=256)
    directory: str | None = Field(default=None, max_length=512)
    mime_type: str | None = Field(default=None, max_length=256)
    source: str | None = Field(default=None, max_length=128)
    metadata: dict[str, str] | None = None
    asset_ids: list[int] | None = None
    data_set_id: int | None = None
    source_created_time: int | None = Field(default=None, ge=0, description="epoch milliseconds")
    source_modified_time: int | None = Field(default=None, ge=0, description="epoch milliseconds")
    security_categories: list[int] | None = None

    if TYPE_CHECKING:

        def __init__(
            self,
            *,
            external_id: str,
            name: str,
            directory: str | None = None,
            mime_type: str | None = None,
            source: str | None = None,
            metadata: dict[str, str] | None = None,
            asset_ids: list[int] | None = None,
            data_set_id: int | None = None,
            source_created_time: int | None = None,
            source_modified_time: int | None = None,
            security_categories: list[int] | None = None,
        ) -> None: ...

    @property
    def ref(self) -> FileRef:
        """The reference a read gives back for this resource."""
        return FileRef(self.external_id)


def classic_values(value: object) -> Iterable[_Classic]:
    """The classic resources a property value holds (one, or those in a list)."""
    if isinstance(value, _Classic):
        yield value
    elif isinstance(value, list):
        yield from (item for item in value if isinstance(item, _Classic))


# ---------------------------------------------------------------------------------------------- writing them

#: Time series per create/update request (CDF's limit); files are created one a request.
MAX_CLASSIC_ITEMS = 1000


def _series_batches(resources: Sequence[_Classic]) -> list[list[ClassicTimeSeries]]:
    series = [item for item in resources if isinstance(item, ClassicTimeSeries)]
    return [series[i : i + MAX_CLASSIC_ITEMS] for i in range(0, len(series), MAX_CLASSIC_ITEMS)]


def _files(resources: Sequence[_Classic]) -> list[ClassicFile]:
    return [item for item in resources if isinstance(item, ClassicFile)]


def _taken(exc: APIError, pending: Sequence[ClassicTimeSeries]) -> set[str] | None:
    """The external ids a create was refused for because they exist (None: refused for another reason)."""
    if exc.status != 409 or not exc.duplicated:
        return None
    taken = {str(item.get("externalId")) for item in exc.duplicated}
    return taken if taken & {item.external_id for item in pending} else None


#: One request of a plan: (path, JSON body, query parameters).
_Request = tuple[str, Any, "dict[str, str] | None"]
#: The requests that write some resources: each gets back the request's error (None when it succeeded).
_Plan = Generator[_Request, "APIError | None", None]


def _plans(resources: Sequence[_Classic]) -> Iterator[_Plan]:
    for batch in _series_batches(resources):
        yield _series_plan(batch)
    for file in _files(resources):
        yield _file_plan(file)


def _series_plan(batch: list[ClassicTimeSeries]) -> _Plan:
    """Create a batch of series; those CDF says exist are updated instead."""
    pending = batch
    for _ in range(3):  # a create can race another writer's: what it made is updated on the next round
        error = yield "/timeseries", {"items": [item.dump() for item in pending]}, None
        if error is None:
            return
        taken = _taken(error, pending)
        if taken is None:
            raise _classic_error(error, pending) from error
        existing = [item for item in pending if item.external_id in taken]
        error = yield "/timeseries/update", {"items": [item.update() for item in existing]}, None
        if error is not None:
            raise _classic_error(error, existing) from error
        pending = [item for item in pending if item.external_id not in taken]
        if not pending:
            return


def _file_plan(file: ClassicFile) -> _Plan:
    """Create a file, or overwrite its metadata (``overwrite`` keeps the content until a new upload)."""
    error = yield "/files", file.dump(), {"overwrite": "true"}
    if error is not None:
        raise _classic_error(error, [file]) from error


def write_classic(http: HTTPClient, resources: Sequence[_Classic], deadline: Deadline) -> None:
    """Create the classic resources ``upsert`` found in its items, or update those that exist: time series in
    batches (created; those CDF says exist are updated), files one by one (created with ``overwrite``)."""
    for plan in _plans(resources):
        request: _Request | None = next(plan)
        while request is not None:
            path, body, params = request
            error: APIError | None = None
            try:
                http.request("POST", path, json=body, params=params, kind="write", deadline=deadline)
            except APIError as exc:
                error = exc
            request = _advance(plan, error)


async def awrite_classic(http: AsyncHTTPClient, resources: Sequence[_Classic], deadline: Deadline) -> None:
    """Async :func:`write_classic`."""
    for plan in _plans(resources):
        request: _Request | None = next(plan)
        while request is not None:
            path, body, params = request
            error: APIError | None = None
            try:
                await http.request("POST", path, json=body, params=params, kind="write", deadline=deadline)
            except APIError as exc:
                error = exc
            request = _advance(plan, error)


def _advance(plan: _Plan, error: APIError | None) -> _Request | None:
    try:
        return plan.send(error)
    except StopIteration:
        return None


def _classic_error(exc: APIError, items: Sequence[_Classic]) -> ClassicResourceError:
    names = ", ".join(repr(item.external_id) for item in items[:5]) + (" ..." if len(items) > 5 else "")
    return ClassicResourceError(
        f"writing the classic {items[0]._resource} {names} failed ({exc.status}: {exc.message}); no instance was "
        "written",
        items=list(items),
        cause=exc,
    )


class ClassicResourceError(PygenError):
    """``upsert`` could not create or update a classic resource its items hold (before writing any instance).

    ``items`` are the resources of the refused request; ``cause`` is CDF's answer.
    """

    def __init__(self, message: str, *, items: list[_Classic], cause: APIError) -> None:
        super().__init__(message)
        self.items = items
        self.cause = cause
