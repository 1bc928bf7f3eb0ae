from __future__ import annotations

from _emulator_unit import SPACE, VIEW, pump
from testdata import MODELS_DIR as MODELS

from pygen.emulator._instances import InstanceService
from pygen.emulator._loader import load_model_file
from pygen.emulator._query import QueryService, tokenize
from pygen.emulator._schema import SchemaService
from pygen.emulator._store import Store


def test_snapshot_keeps_inherited_properties_on_the_parent_only() -> None:
    schema = SchemaService(Store())
    load_model_file(schema, MODELS / "Omni.json")
    key = ("sp_pygen_models", "Implementation1", "1")
    own = schema.view_read(key, include_inherited=False)["properties"]
    merged = schema.view_read(key)["properties"]
    assert set(own) == {"value1", "value2"}
    assert {"mainValue", "subValue", "value1", "value2"} <= set(merged)
    container = schema.container(("sp_pygen_models", "Implementation1"))
    assert container is not None
    assert container["properties"]["requiredImplementation1Value"]["nullable"] is False


def test_loading_twice_changes_nothing() -> None:
    schema = SchemaService(Store())
    load_model_file(schema, MODELS / "OmniSub.json")
    before = {kind: dict(objs) for kind, objs in schema.store.schema.items()}
    load_model_file(schema, MODELS / "OmniSub.json")
    assert schema.store.schema == before


def test_tokenize_is_case_insensitive_words() -> None:
    assert tokenize("Centrifugal PUMP-42, north") == ["centrifugal", "pump", "42", "north"]


def _edge(xid: str, start: str, end: str) -> dict[str, object]:
    return {
        "instanceType": "edge",
        "space": SPACE,
        "externalId": xid,
        "type": {"space": SPACE, "externalId": "flows"},
        "startNode": {"space": SPACE, "externalId": start},
        "endNode": {"space": SPACE, "externalId": end},
    }


def test_query_follows_edges_to_any_depth(services: tuple[SchemaService, InstanceService]) -> None:
    instances = services[1]
    instances.apply({"items": [pump(x, name=x) for x in "abcd"]})
    instances.apply({"items": [_edge("ab", "a", "b"), _edge("bc", "b", "c"), _edge("cd", "c", "d")]})
    query = QueryService(instances)
    start = {"nodes": {"filter": {"equals": {"property": ["node", "externalId"], "value": "a"}}}}

    def reached(max_distance: int | None) -> list[str]:
        edges: dict[str, object] = {"from": "start", "direction": "outwards"}
        if max_distance is not None:
            edges["maxDistance"] = max_distance
        body = {
            "with": {"start": start, "hops": {"edges": edges}, "ends": {"nodes": {"from": "hops"}}},
            "select": {"ends": {"sources": [{"source": VIEW, "properties": ["name"]}]}},
        }
        return sorted(item["externalId"] for item in query.query(body)["items"]["ends"])

    assert reached(1) == ["b"]
    assert reached(2) == ["b", "c"]
    assert reached(None) == ["b", "c", "d"]


def test_sync_reports_updates_and_soft_deletes(services: tuple[SchemaService, InstanceService]) -> None:
    instances = services[1]
    query = QueryService(instances)
    instances.apply({"items": [pump("a", name="A"), pump("b", name="B")]})
    body: dict[str, object] = {"with": {"p": {"nodes": {"filter": {"hasData": [VIEW]}}}}, "select": {"p": {}}}
    first = query.query(body, sync=True)
    assert sorted(item["externalId"] for item in first["items"]["p"]) == ["a", "b"]
    body["cursors"] = {"p": first["nextCursor"]["p"]}
    instances.apply({"items": [pump("a", name="A2")]})
    instances.delete({"items": [{"instanceType": "node", "space": SPACE, "externalId": "b"}]})
    changes = {item["externalId"]: item for item in query.query(body, sync=True)["items"]["p"]}
    assert set(changes) == {"a", "b"}
    assert "deletedTime" in changes["b"] and "deletedTime" not in changes["a"]


def test_instances_file_keeps_versions_and_timestamps() -> None:
    from pygen.emulator._loader import load_instances_file

    store = Store()
    schema = SchemaService(store)
    load_model_file(schema, MODELS / "Omni.json")
    instances = InstanceService(store, schema)
    path = MODELS.parent / "instances" / "Omni.nodes.json"
    assert load_instances_file(instances, path) == 90
    node = store.get("sp_omni_instances", "CDFExternalReferences:Austin")
    assert node is not None
    assert (node.version, node.created, node.updated) == (1, 1729356272492, 1729356272492)


def test_model_and_instance_files_may_be_given_as_strings() -> None:
    from testdata import OMNI_NODES

    from pygen.emulator import EmulatorSettings, create_app

    app = create_app(EmulatorSettings(model_files=[str(MODELS / "Omni.json")], instance_files=[str(OMNI_NODES)]))
    assert (
        app.emulator.store.schema["view"]
        and app.emulator.store.conn.execute("SELECT count(*) FROM instances").fetchone()[0] == 90
    )
