"""Outcomes of writes and deletes, and the errors of the instance runtime.

Nothing is dropped silently: every item of an ``upsert`` ends up in exactly one of the result's
lists (created, updated, unchanged, skipped, uncertain) or, on failure, in :attr:`UpsertError.failed`
with the reason, next to everything that did succeed.

Lost answers: when the answer to a write is lost after CDF applied it (a read timeout, a dropped
connection, a gateway timeout) the transport sends it again, and the second answer describes the
second application: CDF reports the items as not modified (they already hold what was sent) and a
version-guarded item as a conflict with the first write. Such items are reported ``uncertain``, never
``unchanged`` or ``skipped``: this call wrote them or found them written, and which one is unknown.
The same holds for deletes: an instance a retried delete no longer finds is ``uncertain``, not
``not_found``. Items of a batch that failed are :class:`FailedItem` with ``maybe_applied`` telling
whether the server may have carried the write out anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pygen.instances._ids import EdgeId, NodeId
from pygen.transport import APIError, PygenError

__all__ = [
    "DeleteError",
    "DeleteResult",
    "FailedItem",
    "InstanceResult",
    "InstanceValidationError",
    "UpsertError",
    "UpsertResult",
]

Status = Literal["created", "updated", "unchanged", "skipped", "uncertain"]


@dataclass(frozen=True)
class InstanceResult:
    """What one write did to one instance: ``status`` is created, updated, unchanged, skipped or uncertain."""

    id: NodeId | EdgeId
    status: Status
    version: int | None = None

    @property
    def instance_type(self) -> Literal["node", "edge"]:
        """``"node"`` or ``"edge"``."""
        return "edge" if isinstance(self.id, EdgeId) else "node"


@dataclass(frozen=True)
class FailedItem:
    """An instance that was not written (or deleted), and why.

    ``maybe_applied`` is True when the server may have carried the write out although no success came
    back (an answer lost after sending); False when it certainly did not (refused, or never sent).
    """

    id: NodeId | EdgeId
    reason: str
    status: int | None = None
    error: BaseException | None = field(default=None, compare=False, repr=False)
    maybe_applied: bool = False


def _by_status(items: Iterable[InstanceResult], status: Status) -> list[InstanceResult]:
    return [item for item in items if item.status == status]


@dataclass
class UpsertResult:
    """The outcome of every item of an ``upsert``, in write order (nodes, then edges).

    :class:`~pygen.instances.InstanceClient`'s example prints the items of one.
    """

    items: list[InstanceResult] = field(default_factory=list)

    @property
    def created(self) -> list[InstanceResult]:
        """Instances that did not exist before."""
        return _by_status(self.items, "created")

    @property
    def updated(self) -> list[InstanceResult]:
        """Instances that existed and changed."""
        return _by_status(self.items, "updated")

    @property
    def unchanged(self) -> list[InstanceResult]:
        """Instances written with the values they already had (no new version)."""
        return _by_status(self.items, "unchanged")

    @property
    def skipped(self) -> list[InstanceResult]:
        """Instances skipped on a version conflict (``skip_on_version_conflict=True``)."""
        return _by_status(self.items, "skipped")

    @property
    def uncertain(self) -> list[InstanceResult]:
        """Instances whose first answer was lost: written by this call or found written, which one is unknown.

        When CDF answered the retry with "not modified" they hold what was sent; with
        ``skip_on_version_conflict`` one may instead have conflicted with another writer (see the module doc).
        """
        return _by_status(self.items, "uncertain")

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class DeleteResult:
    """The ids that were deleted (missing instances are not errors and are listed as not found).

    ``uncertain`` holds ids a retried request (after a lost answer) did not find: gone, but whether this
    call deleted them or they were missing before is unknown.
    """

    deleted: list[NodeId | EdgeId] = field(default_factory=list)
    not_found: list[NodeId | EdgeId] = field(default_factory=list)
    uncertain: list[NodeId | EdgeId] = field(default_factory=list)


def _describe_failures(failed: Sequence[FailedItem], shown: int = 5) -> str:
    lines = [
        f"{item.id} ({'node' if isinstance(item.id, NodeId) else 'edge'}): {item.reason}" for item in failed[:shown]
    ]
    if len(failed) > shown:
        lines.append(f"... and {len(failed) - shown} more (see .failed)")
    return "\n  ".join(lines)


class UpsertError(PygenError):
    """Some items of an upsert failed: ``failed`` names each with its reason, ``result`` has what succeeded."""

    def __init__(self, result: UpsertResult, failed: list[FailedItem]) -> None:
        self.result = result
        self.failed = failed
        super().__init__(
            f"{len(failed)} of {len(failed) + len(result.items)} instances were not written "
            f"({len(result.items)} succeeded):\n  {_describe_failures(failed)}"
        )


class DeleteError(PygenError):
    """Some deletes failed: ``failed`` names them, ``result`` has what was deleted."""

    def __init__(self, result: DeleteResult, failed: list[FailedItem]) -> None:
        self.result = result
        self.failed = failed
        super().__init__(f"{len(failed)} instances were not deleted:\n  {_describe_failures(failed)}")


class InstanceValidationError(PygenError, ValueError):
    """An instance from CDF does not fit its class (schema drift): names the instance and the property.

    ``errors`` holds one dict per problem: ``instance`` (``space:externalId``), ``property``, ``message``
    and ``input``. Turn validation off per client (``validate=False``) to read such data anyway.
    """

    def __init__(self, cls_name: str, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        lines = [
            f"{err['instance']} property {err['property']!r}: {err['message']} (got {err['input']!r})"
            for err in errors[:5]
        ]
        more = f"\n  ... and {len(errors) - 5} more" if len(errors) > 5 else ""
        super().__init__(f"{len(errors)} value(s) from CDF do not fit {cls_name}:\n  " + "\n  ".join(lines) + more)


def failure_reason(exc: BaseException) -> tuple[str, int | None]:
    """A one-line reason and the HTTP status (if any) of a failed request."""
    if isinstance(exc, APIError):
        return exc.message + (f" (not retried: {exc.gave_up})" if exc.gave_up else ""), exc.status
    return f"{type(exc).__name__}: {exc}", None
