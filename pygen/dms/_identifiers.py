"""Identifier rules of the DMS API (docs/dms.md, Identifiers and formats) as pure functions.

The rules themselves live in ``pygen._identifiers`` (standard library only, so the generator checks
identifiers without pydantic); this module re-exports them and adds the pydantic key types of the
apply objects. Each ``validate_*`` function returns ``None`` for a valid value, else a sentence saying
what is wrong. Apply (write) objects use them; read objects do not, so anything CDF returns still loads.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from pygen._identifiers import (
    RESERVED_EXTERNAL_IDS,
    RESERVED_PROPERTY_IDS,
    RESERVED_SPACES,
    ensure_valid,
    validate_container_property_identifier,
    validate_description,
    validate_enum_value,
    validate_external_id,
    validate_index_or_constraint_id,
    validate_name,
    validate_property_id,
    validate_space,
    validate_version,
)

__all__ = [
    "RESERVED_EXTERNAL_IDS",
    "RESERVED_PROPERTY_IDS",
    "RESERVED_SPACES",
    "ensure_valid",
    "validate_container_property_identifier",
    "validate_description",
    "validate_enum_value",
    "validate_external_id",
    "validate_index_or_constraint_id",
    "validate_name",
    "validate_property_id",
    "validate_space",
    "validate_version",
]


def _check_property_id(value: str) -> str:
    return ensure_valid(value, validate_property_id(value))


def _check_index_or_constraint_id(value: str) -> str:
    return ensure_valid(value, validate_index_or_constraint_id(value))


# Dict key types of apply objects: pydantic reports a bad key at its own location.
PropertyId = Annotated[str, AfterValidator(_check_property_id)]
IndexOrConstraintId = Annotated[str, AfterValidator(_check_index_or_constraint_id)]
