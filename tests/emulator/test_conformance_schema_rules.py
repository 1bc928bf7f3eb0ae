"""Schema applies: each item named once per request, and view versions that do not change."""

from __future__ import annotations

from typing import Any

import pytest
from _conformance import Api, pump_view, view_ref


def test_a_space_twice_in_one_apply_is_refused(api: Api, make_space: Any) -> None:
    space = make_space()
    error = api.post_error("/models/spaces", {"items": [{"space": space}, {"space": space, "name": "again"}]})
    assert error["duplicated"] == [{"space": space}]


def test_a_container_or_view_twice_in_one_apply_is_refused(api: Api, schema_space: str) -> None:
    space = schema_space
    site = {"space": space, "externalId": "Site", "properties": {"name": {"type": {"type": "text"}}}}
    error = api.post_error("/models/containers", {"items": [site, site]})
    assert error["duplicated"] == [{"space": space, "externalId": "Site"}]
    view = pump_view(space)
    error = api.post_error("/models/views", {"items": [view, view]})
    assert error["duplicated"] == [{"space": space, "externalId": "Pump", "version": "v1"}]
    model = {"space": space, "externalId": "M", "version": "1", "views": [view_ref(space, "Pump")]}
    error = api.post_error("/models/datamodels", {"items": [model, model]})
    assert error["duplicated"] == [{"space": space, "externalId": "M", "version": "1"}]


@pytest.mark.unconfirmed
def test_an_existing_view_version_cannot_change_its_properties(api: Api, schema_space: str) -> None:
    space = schema_space
    view = pump_view(space)
    api.post("/models/views", {"items": [view]})  # the same definition again: accepted, nothing changes
    renamed = {**view, "name": "Pump (renamed)", "description": "a pump"}
    assert api.post("/models/views", {"items": [renamed]})["items"][0]["name"] == "Pump (renamed)"
    fewer = {**view, "properties": {"name": view["properties"]["name"]}}
    error = api.post_error("/models/views", {"items": [fewer]})
    assert f"{space}:Pump/v1" in error["message"] and "properties" in error["message"]
    implements = {**view, "implements": [view_ref(space, "Site")]}
    error = api.post_error("/models/views", {"items": [implements]})
    assert "implements" in error["message"]
    # A new version may change anything.
    v2 = {**fewer, "version": "v2"}
    assert api.post("/models/views", {"items": [v2]})["items"][0]["version"] == "v2"
    assert set(api.post("/models/views/byids", {"items": [view_ref(space, "Pump")]})["items"][0]["properties"]) == set(
        view["properties"]
    )
