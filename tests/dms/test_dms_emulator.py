"""The resource APIs against the in-process emulator: real request shapes, end to end."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from testdata import MODELS_DIR

from pygen.dms import (
    AsyncDMSClient,
    ContainerApply,
    ContainerPropertyApply,
    ContainerReference,
    DataModelApply,
    DataModelReference,
    DirectRelationType,
    DMSClient,
    MappedPropertyApply,
    MultiReverseDirectRelation,
    MultiReverseDirectRelationApply,
    PropertyReference,
    SpaceApply,
    TextType,
    View,
    ViewApply,
    ViewReference,
)
from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
from pygen.emulator.testing import SyncASGITransport
from pygen.transport import ClientConfig, Token

CONFIG = ClientConfig("emulated", Token(DEFAULT_TOKEN), base_url="http://emulator")


@pytest.fixture
def client() -> Iterator[DMSClient]:
    app = create_app(EmulatorSettings(model_files=[MODELS_DIR / "OmniSub.json"]))
    with DMSClient(CONFIG, transport=SyncASGITransport(app)) as dms:
        yield dms


def _schema() -> tuple[ContainerApply, ViewApply, ViewApply, DataModelApply]:
    container = ContainerApply(
        space="pump_space",
        external_id="Pump",
        properties={
            "name": ContainerPropertyApply(type=TextType()),
            "parent": ContainerPropertyApply(type=DirectRelationType()),
        },
    )
    pump_ref = ContainerReference("pump_space", "Pump")
    pump = ViewApply(
        space="pump_space",
        external_id="Pump",
        version="v1",
        properties={
            "name": MappedPropertyApply(container=pump_ref, container_property_identifier="name"),
            "parent": MappedPropertyApply(
                container=pump_ref,
                container_property_identifier="parent",
                source=ViewReference("pump_space", "Pump", "v1"),
            ),
            "children": MultiReverseDirectRelationApply(
                source=ViewReference("pump_space", "Pump", "v1"),
                through=PropertyReference(ViewReference("pump_space", "Pump", "v1"), "parent"),
            ),
        },
    )
    special = ViewApply(
        space="pump_space",
        external_id="SpecialPump",
        version="v1",
        implements=[ViewReference("pump_space", "Pump", "v1")],
    )
    model = DataModelApply(
        space="pump_space",
        external_id="Pumps",
        version="1",
        views=[pump.as_reference(), special.as_reference()],
    )
    return container, pump, special, model


def test_schema_life_cycle(client: DMSClient) -> None:
    container, pump, special, model = _schema()
    (space,) = client.spaces.apply(SpaceApply(space="pump_space", name="Pumps"))
    assert space.space == "pump_space" and space.created_time is not None
    client.containers.apply(container)
    views = client.views.apply([pump, special])
    assert [view.as_reference() for view in views] == [pump.as_reference(), special.as_reference()]
    client.data_models.apply(model)

    (read,) = client.data_models.retrieve(model.as_reference(), inline_views=True)
    inline = {view.external_id: view for view in read.inline_views()}
    assert set(inline) == {"Pump", "SpecialPump"}
    assert set(inline["SpecialPump"].properties) == {"name", "parent", "children"}  # inherited
    assert isinstance(inline["Pump"].properties["children"], MultiReverseDirectRelation)
    # What we read back converts into what we applied.
    assert inline["Pump"].as_write().dump()["properties"] == pump.dump()["properties"]

    (own,) = client.views.retrieve(special.as_reference(), include_inherited_properties=False)
    assert own.properties == {}
    assert [v.external_id for v in client.views.list(space="pump_space")] == ["Pump", "SpecialPump"]
    assert client.data_models.list(space="pump_space")[0].views == model.views

    assert client.data_models.delete(model) == [DataModelReference("pump_space", "Pumps", "1")]
    assert client.views.delete([pump, special]) == [pump.as_reference(), special.as_reference()]
    assert client.containers.delete(container) == [ContainerReference("pump_space", "Pump")]
    assert [ref.space for ref in client.spaces.delete("pump_space")] == ["pump_space"]
    assert client.spaces.retrieve("pump_space") == []


def test_a_loaded_model_file_reads_back_as_it_was(client: DMSClient) -> None:
    import json

    original = json.loads((MODELS_DIR / "OmniSub.json").read_text(encoding="utf-8"))
    (model,) = client.data_models.retrieve(("sp_pygen_models", "OmniSub", "1"), inline_views=True)
    assert model.view_references() == [View.load(view).as_reference() for view in original["views"]]
    first = model.inline_views()[0]
    assert set(first.properties) == set(original["views"][0]["properties"])


@pytest.mark.anyio
async def test_async_client_against_the_emulator() -> None:
    app = create_app(EmulatorSettings())
    async with AsyncDMSClient(CONFIG, transport=httpx.ASGITransport(app=app)) as client:
        await client.spaces.apply([SpaceApply(space=f"space{index}") for index in range(120)])
        spaces = await client.spaces.list()
        assert len(spaces) == 120
        pages = [page async for page in client.spaces.pages(page_size=50)]
        assert [len(page.items) for page in pages] == [50, 50, 20]
        deleted = await client.spaces.delete([space.space for space in spaces])
        assert len(deleted) == 120
