"""Identifier rules of the DMS API (docs/dms.md, Identifiers and formats), as pure functions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pygen.dms import (
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

Validator = Callable[[str], "str | None"]

VALID: list[tuple[Validator, str]] = [
    (validate_space, "a"),
    (validate_space, "my_space-1"),
    (validate_space, "a" * 43),
    (validate_space, "cdf_cdm"),
    (validate_space, "ends_"),  # the documented pattern allows a trailing "_" or "-"
    (validate_external_id, "Pump"),
    (validate_external_id, "a" * 255),
    (validate_external_id, "Cognite360Image"),
    (validate_version, "v1"),
    (validate_version, "1.0.0-beta_2"),
    (validate_version, "1"),
    (validate_property_id, "name"),
    (validate_property_id, "1st"),
    (validate_property_id, "with-dash_and_underscore"),
    (validate_property_id, "version"),  # cdf_cdm:CogniteSourceSystem has one
    (validate_container_property_identifier, "is_damaged"),
    (validate_enum_value, "_running"),
    (validate_enum_value, "Approved"),
    (validate_index_or_constraint_id, "byName"),
]
INVALID: list[tuple[Validator, str, str]] = [
    (validate_space, "", "is invalid"),
    (validate_space, "1space", "is invalid"),
    (validate_space, "a" * 44, "is invalid"),
    (validate_space, "has space", "is invalid"),
    (validate_space, "cdf", "is reserved"),
    (validate_space, "edge", "is reserved"),
    (validate_space, "property_group_index", "is reserved"),
    (validate_external_id, "_Pump", "is invalid"),
    (validate_external_id, "Pump-1", "is invalid"),
    (validate_external_id, "a" * 256, "is invalid"),
    (validate_external_id, "TimeSeries", "is reserved"),
    (validate_version, "v1.", "is invalid"),
    (validate_version, "a" * 44, "is invalid"),
    (validate_version, "", "is invalid"),
    (validate_property_id, "-x", "is invalid"),
    (validate_property_id, "a" * 256, "is invalid"),
    (validate_property_id, "externalId", "is reserved"),
    (validate_property_id, "tg_table_name", "is reserved"),
    (validate_container_property_identifier, "with-dash", "is invalid"),
    (validate_container_property_identifier, "1st", "is invalid"),
    (validate_enum_value, "1st", "is invalid"),
    (validate_enum_value, "null", "is reserved"),
    (validate_index_or_constraint_id, "", "must be 1-43 characters"),
]


@pytest.mark.parametrize(("check", "value"), VALID, ids=lambda v: getattr(v, "__name__", repr(v)[:20]))
def test_valid(check: Validator, value: str) -> None:
    assert check(value) is None


@pytest.mark.parametrize(("check", "value", "fragment"), INVALID, ids=lambda v: getattr(v, "__name__", repr(v)[:20]))
def test_invalid_messages_name_the_value(check: Validator, value: str, fragment: str) -> None:
    message = check(value)
    assert message is not None
    assert fragment in message
    assert repr(value) in message


def test_non_string_is_reported() -> None:
    assert validate_space(12) == "space must be a string, got int"  # type: ignore[arg-type]


def test_name_and_description_lengths() -> None:
    assert validate_name(None) is None and validate_name("n" * 255) is None
    assert validate_name("n" * 256) == "name must be at most 255 characters, got 256"
    assert validate_description("d" * 1024) is None
    assert validate_description("d" * 1025) == "description must be at most 1024 characters, got 1025"
