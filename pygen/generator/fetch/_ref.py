"""``ModelRef``: the identity of one data model version, parsed from ``"space:externalId/version"``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

from pygen.generator.fetch._errors import ModelRefError

__all__ = ["HasModelId", "ModelRef", "ModelRefLike"]

# Identifier rules of the DMS API (docs/dms.md, Identifiers and formats). Checking them here is also
# what makes ``snapshot_filename()`` safe: none of the three parts can hold a path separator, and
# only ``version`` can hold a ".", which is why it comes last in the file name.
_SPACE = re.compile(r"[a-zA-Z][a-zA-Z0-9_-]{0,41}[a-zA-Z0-9]?")
_EXTERNAL_ID = re.compile(r"[a-zA-Z]([a-zA-Z0-9_]{0,253}[a-zA-Z0-9])?")
_VERSION = re.compile(r"[a-zA-Z0-9]([.a-zA-Z0-9_-]{0,41}[a-zA-Z0-9])?")
_RULES = {
    "space": (_SPACE, "1-43 characters: a letter, then letters, digits, '_' or '-'"),
    "externalId": (_EXTERNAL_ID, "1-255 characters: a letter, then letters, digits or '_'"),
    "version": (
        _VERSION,
        "1-43 characters: letters, digits, '.', '_' or '-', not starting or ending with '.', '_', '-'",
    ),
}
# Windows refuses these names even with an extension ("CON.Model.1.json"); no DMS space starts with "_".
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
_EXAMPLE = "cdf_cdm:CogniteCore/v1"


class HasModelId(Protocol):
    """Anything with ``space``, ``external_id`` and ``version`` (e.g. ``pygen.dms.DataModelReference``)."""

    @property
    def space(self) -> str: ...
    @property
    def external_id(self) -> str: ...
    @property
    def version(self) -> str | None: ...


@dataclass(frozen=True, order=True)
class ModelRef:
    """The identity of a data model version: ``space``, ``external_id`` and ``version``.

    Example:
        >>> ref = ModelRef.parse("cdf_cdm:CogniteCore/v1")
        >>> ref.external_id, str(ref), ref.snapshot_filename()
        ('CogniteCore', 'cdf_cdm:CogniteCore/v1', 'cdf_cdm.CogniteCore.v1.json')
    """

    space: str
    external_id: str
    version: str

    def __post_init__(self) -> None:
        for key, value in (("space", self.space), ("externalId", self.external_id), ("version", self.version)):
            _check_part(key, value, context=None)

    @classmethod
    def parse(cls, text: str) -> ModelRef:
        """Parse ``"space:externalId/version"``; raise :class:`ModelRefError` naming the bad part."""
        if not isinstance(text, str):
            raise ModelRefError(f"a data model reference must be a string like {_EXAMPLE!r}, got {type(text).__name__}")
        stripped = text.strip()
        space, colon, rest = stripped.partition(":")
        external_id, slash, version = rest.partition("/")
        if not (colon and slash) or not (space and external_id and version):
            raise ModelRefError(
                f"invalid data model reference {text!r}: expected 'space:externalId/version', e.g. {_EXAMPLE!r}"
            )
        for key, value in (("space", space), ("externalId", external_id), ("version", version)):
            _check_part(key, value, context=text)
        return cls(space, external_id, version)

    @classmethod
    def from_model(cls, model: Mapping[str, Any]) -> ModelRef:
        """The reference of a data model given as DMS API JSON (``space``, ``externalId``, ``version``)."""
        return cls(model["space"], model["externalId"], model["version"])

    @classmethod
    def coerce(cls, value: ModelRefLike | object) -> ModelRef:
        """Accept a ``ModelRef``, a ``"space:externalId/version"`` string, or any object with
        ``space``, ``external_id`` and ``version`` attributes (such as ``pygen.dms.DataModelId``)."""
        if isinstance(value, ModelRef):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        try:
            space, external_id, version = value.space, value.external_id, value.version  # type: ignore[attr-defined]
        except AttributeError:
            raise ModelRefError(
                f"expected a data model reference like {_EXAMPLE!r}, got {type(value).__name__}"
            ) from None
        if version is None:
            raise ModelRefError(f"data model reference {space}:{external_id} has no version")
        return cls(str(space), str(external_id), str(version))

    def as_id(self) -> dict[str, str]:
        """The DMS API identifier object, e.g. for ``/models/datamodels/byids``."""
        return {"space": self.space, "externalId": self.external_id, "version": self.version}

    def snapshot_filename(self) -> str:
        """A readable, filesystem-safe and unique file name: ``space.externalId.version.json``.

        Unique because neither ``space`` nor ``externalId`` may contain a ".".
        """
        space = f"_{self.space}" if self.space.lower() in _WINDOWS_RESERVED else self.space
        return f"{space}.{self.external_id}.{self.version}.json"

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}/{self.version}"


def _check_part(key: str, value: object, *, context: str | None) -> None:
    pattern, rule = _RULES[key]
    where = f"invalid data model reference {context!r}: " if context is not None else "invalid data model reference: "
    if not isinstance(value, str):
        raise ModelRefError(f"{where}{key} must be a string, got {type(value).__name__}")
    if pattern.fullmatch(value) is None:
        raise ModelRefError(f"{where}{key} {value!r} is not valid ({rule})")


#: What functions taking a data model identity accept: see :meth:`ModelRef.coerce`.
ModelRefLike: TypeAlias = ModelRef | str | HasModelId
