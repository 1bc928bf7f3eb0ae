"""Uniqueness constraints of containers are enforced on instance applies."""

from __future__ import annotations

from typing import Any

import pytest
from _conformance import Api, container_ref, node_write

APPLY = "/models/instances"


def _tagged_schema(api: Api, space: str, *, by_space: bool = False) -> dict[str, str]:
    container = {
        "space": space,
        "externalId": "Tagged",
        "properties": {"tag": {"type": {"type": "text"}}, "site": {"type": {"type": "text"}}},
        "constraints": {
            "uniqueTag": {"constraintType": "uniqueness", "properties": ["tag", "site"], "bySpace": by_space}
        },
    }
    api.post("/models/containers", {"items": [container]})
    return container_ref(space, "Tagged")


def _write(space: str, xid: str, source: dict[str, str], **values: Any) -> dict[str, Any]:
    return node_write(space, xid, source, values)


@pytest.mark.unconfirmed
def test_two_instances_cannot_hold_the_same_unique_values(api: Api, make_space: Any) -> None:
    space = make_space()
    tagged = _tagged_schema(api, space)
    api.post(APPLY, {"items": [_write(space, "a", tagged, tag="T-1", site="north")]})
    # Other values, or a value missing (not constrained), or the same instance again: fine.
    api.post(
        APPLY, {"items": [_write(space, "b", tagged, tag="T-1", site="south"), _write(space, "c", tagged, tag="T-1")]}
    )
    api.post(APPLY, {"items": [_write(space, "a", tagged, tag="T-1", site="north")]})
    error = api.post_error(APPLY, {"items": [_write(space, "d", tagged, tag="T-1", site="north")]}, status=409)
    assert "uniqueTag" in error["message"] and f"{space}:a" in error["message"] and f"{space}:d" in error["message"]
    # Two new instances of one request with the same values.
    error = api.post_error(
        APPLY,
        {"items": [_write(space, "e", tagged, tag="T-9", site="x"), _write(space, "f", tagged, tag="T-9", site="x")]},
        status=409,
    )
    assert f"{space}:e" in error["message"] and f"{space}:f" in error["message"]
    # Moving the values off one instance and onto another in one request is fine.
    api.post(
        APPLY,
        {
            "items": [
                _write(space, "a", tagged, tag="T-2", site="north"),
                _write(space, "d", tagged, tag="T-1", site="north"),
            ]
        },
    )


@pytest.mark.unconfirmed
def test_by_space_constraints_compare_within_a_space(api: Api, make_space: Any) -> None:
    schema_space, other = make_space(), make_space()
    tagged = _tagged_schema(api, schema_space, by_space=True)
    api.post(APPLY, {"items": [_write(schema_space, "a", tagged, tag="T", site="s")]})
    api.post(APPLY, {"items": [_write(other, "a2", tagged, tag="T", site="s")]})  # another space: allowed
    error = api.post_error(APPLY, {"items": [_write(schema_space, "b", tagged, tag="T", site="s")]}, status=409)
    assert "uniqueTag" in error["message"]
