"""Error messages name what is wrong, where it is, in the request's own terms (JSON values, JSON paths).

Each check reads the message (or the ``missing`` items), not only the status: a 400 for the wrong reason fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from _conformance import (
    Api,
    container_ref,
    in_space,
    node_write,
    view_ref,
)

LIST = "/models/instances/list"


def test_unknown_view_in_a_filter_is_listed_as_missing(api: Api, schema_space: str) -> None:
    space = schema_space
    body = {"filter": in_space(space, {"equals": {"property": [space, "Ghost/v1", "name"], "value": "x"}})}
    api.post_error(LIST, body, mentions=["Ghost"], missing=[view_ref(space, "Ghost")])


def test_unknown_view_in_has_data_is_listed_as_missing(api: Api, schema_space: str) -> None:
    space = schema_space
    body = {"filter": {"hasData": [view_ref(space, "Pump"), view_ref(space, "Ghost", "v7")]}}
    api.post_error(LIST, body, mentions=["Ghost"], missing=[view_ref(space, "Ghost", "v7")])


def test_unknown_container_in_a_filter_is_listed_as_missing(api: Api, schema_space: str) -> None:
    space = schema_space
    for filter_ in (
        {"exists": {"property": [space, "Nowhere", "name"]}},
        {"hasData": [container_ref(space, "Nowhere")]},
    ):
        api.post_error(LIST, {"filter": filter_}, mentions=["Nowhere"], missing=[container_ref(space, "Nowhere")])


def test_unknown_view_in_a_query_filter_is_listed_as_missing(api: Api, schema_space: str) -> None:
    space = schema_space
    nested = {"nested": {"scope": [space, "Pump/v1", "site"], "filter": {"exists": {"property": [space, "X/v1", "a"]}}}}
    body = {"with": {"pumps": {"nodes": {"filter": nested}}}, "select": {"pumps": {}}}
    api.post_error("/models/instances/query", body, mentions=["X"], missing=[view_ref(space, "X")])


def test_a_bad_list_element_is_named_by_its_index(api: Api, schema_space: str) -> None:
    space = schema_space
    item = node_write(space, "p", view_ref(space, "Pump"), {"name": "P", "tags": ["a", 5]})
    error = api.post_error("/models/instances", {"items": [item]}, mentions=["tags"], emulator_wording=["[1]"])
    if api.is_emulator:
        assert "list element [1]" in error["message"] and "v1[1]" not in error["message"], error


def test_an_edge_connection_without_type_names_type(api: Api, schema_space: str) -> None:
    space = schema_space
    connection = {"connectionType": "multi_edge_connection", "source": view_ref(space, "Pump")}
    view = {"space": space, "externalId": "Linked", "version": "v1", "properties": {"links": connection}}
    api.post_error("/models/views", {"items": [view]}, mentions=["links", "type"], emulator_wording=["needs type"])
    connection["type"] = {"space": space}  # a node reference without externalId
    api.post_error("/models/views", {"items": [view]}, mentions=["externalId"], emulator_wording=["links"])


@pytest.mark.parametrize(
    ("path", "body", "mentions", "json_text"),
    [
        ("/models/instances/list", {"instanceType": False}, ["instanceType"], "got false"),
        ("/models/spaces", {"items": [{"space": None}]}, ["space"], "got null"),
        ("/models/instances/list", {"filter": {"equals": {"property": True, "value": 1}}}, ["property"], "got true"),
        ("/models/instances/list", {"filter": {"nope": None}}, ["nope"], '"nope"'),
    ],
    ids=["instance-type-false", "space-null", "property-true", "filter-name"],
)
def test_values_in_messages_are_json(
    api: Api, path: str, body: dict[str, Any], mentions: list[str], json_text: str
) -> None:
    error = api.post_error(path, body, mentions=mentions, emulator_wording=[json_text])
    if api.is_emulator:
        for python_repr in ("False", "None", "True", "'nope'"):
            assert python_repr not in error["message"], error


def test_a_too_long_space_name_is_worded_like_cdf(api: Api, space: str) -> None:
    # CDF: "Request had 1 constraint violations. Please fix the request and try again. [items[0].name size must
    # be between 0 and 255]": the location is the request path, inside the brackets, nothing else there.
    body = {"items": [{"space": space, "name": "n" * 256}]}
    error = api.post_error("/models/spaces", body, mentions=["name", "255"])
    if api.is_emulator:
        assert error["message"].endswith("[items[0].name size must be between 0 and 255]"), error


def test_a_too_long_view_property_description_names_its_path(api: Api, schema_space: str) -> None:
    space = schema_space
    prop = {
        "container": container_ref(space, "Pump"),
        "containerPropertyIdentifier": "name",
        "description": "d" * 1025,
    }
    view = {"space": space, "externalId": "Long", "version": "v1", "properties": {"title": prop}}
    error = api.post_error("/models/views", {"items": [view]}, mentions=["description", "1024"])
    if api.is_emulator:
        assert "[items[0].properties.title.description size must be between 0 and 1024]" in error["message"], error


def test_direct_relation_value_in_a_message_is_json(api: Api, schema_space: str) -> None:
    space = schema_space
    item = node_write(space, "p", view_ref(space, "Pump"), {"name": "P", "site": {"space": space, "externalId": None}})
    error = api.post_error("/models/instances", {"items": [item]}, mentions=["site"], emulator_wording=["null"])
    if api.is_emulator:
        assert "None" not in error["message"], error
