"""Several data models in one SDK, views that share an external id told apart (tests/data/models/collide/).

The three models collide in every way: ``Asset`` in two spaces, ``Pump`` in two versions, ``Site`` in two
models, and ``Gauge`` has ``maxPressure`` and ``max_pressure``. The golden case ``multi`` checks the
generated code with ruff, mypy and tsc; here the SDK writes and reads through every colliding view
against the emulator (or the run's copies of the models on a CDF target, tests/sdk_target.py), and the
names can be chosen through every entry point.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _emit_support import MULTI, load_model
from sdk_target import TARGET, Deployment, on_target, sdk_http, space
from testdata import MODELS_DIR

from pygen.cli import main as pygen_main
from pygen.emulator import EmulatorSettings
from pygen.generator import GenerationError, generate, load_sdk
from pygen.generator.fetch import ModelRef
from pygen.instances import NodeId
from pygen.transport import ClientConfig, Token

TOKEN = "multi-test-token"
SPACE = space("sp_multi")
A, B = space("collide_a"), space("collide_b")


def _models() -> list[dict[str, Any]]:
    return [load_model(name) for name in MULTI]


@pytest.fixture(scope="module")
def sdk() -> types.ModuleType:
    # The two Assets are told apart by their spaces' names: the run's copies on a CDF target keep those names.
    names = None if TARGET is None else {f"{A}:Asset/1": "AssetCollideA", f"{B}:Asset/1": "AssetCollideB"}
    models = [on_target(model) for model in _models()]
    return load_sdk(models, package="plant_multi", client_name="PlantClient", view_names=names)


@pytest.fixture
def client(sdk: types.ModuleType, cdf_run: Deployment | None) -> Iterator[Any]:
    settings = EmulatorSettings(token=TOKEN, model_files=[MODELS_DIR / f"{name}.json" for name in MULTI])
    config = ClientConfig("multi", Token(TOKEN), base_url="http://emulator")
    with sdk_http(cdf_run, config, settings, [SPACE]) as http:
        yield sdk.PlantClient(http, instance_space=SPACE)


def test_colliding_views_get_one_class_and_one_accessor_each(sdk: types.ModuleType) -> None:
    views = {name: getattr(sdk, name)._view_id for name in ("AssetCollideA", "AssetCollideB", "Pump", "PumpV1")}
    assert {name: str(view) for name, view in views.items()} == {
        "AssetCollideA": f"{A}:Asset/1",
        "AssetCollideB": f"{B}:Asset/1",
        "Pump": f"{A}:Pump/2",  # the newest version keeps the name
        "PumpV1": f"{A}:Pump/1",
    }
    assert str(sdk.Site._view_id) == f"{A}:Site/1"  # in two models, one class
    client_attributes = {name for name in vars(sdk.PlantClient) if not name.startswith("_")}
    assert client_attributes == {"asset_collide_a", "asset_collide_b", "gauge", "pump", "pump_v1", "site"}
    assert {"max_pressure", "max_pressure_2"} <= set(sdk.GaugeWrite.model_fields)


def test_write_and_read_through_every_colliding_view(client: Any, sdk: types.ModuleType) -> None:
    client.upsert(
        [
            sdk.SiteWrite(external_id="site1", name="North"),
            sdk.PumpWrite(external_id="p2", name="new pump", rated_power=7.5, site="site1"),
            sdk.PumpV1Write(external_id="p1", name="old pump", site="site1"),
            sdk.AssetCollideAWrite(external_id="a", name="plant asset", pump="p2"),
            sdk.AssetCollideBWrite(external_id="b", tag="T-1", pump="p1"),
            sdk.GaugeWrite(external_id="g", max_pressure=10.0, max_pressure_2=9.5, asset="a"),
        ]
    )
    # Both versions of Pump map one container, so each lists both pumps (as CDF does), each in its shape.
    assert sorted((p.external_id, p.rated_power) for p in client.pump.list()) == [("p1", None), ("p2", 7.5)]
    assert sorted(p.external_id for p in client.pump_v1.list()) == ["p1", "p2"]
    old = client.pump_v1.retrieve("p1")
    assert isinstance(old, sdk.PumpV1) and old.name == "old pump" and old.site == NodeId(SPACE, "site1")
    (plant,) = client.asset_collide_a.list(connections=True)
    assert isinstance(plant.pump, sdk.Pump) and plant.pump.name == "new pump"
    (other,) = client.asset_collide_b.list(connections=True)
    assert isinstance(other.pump, sdk.PumpV1) and other.pump.name == "old pump" and other.tag == "T-1"
    gauge = client.gauge.retrieve("g", connections=True)
    assert (gauge.max_pressure, gauge.max_pressure_2) == (10.0, 9.5)
    assert isinstance(gauge.asset, sdk.AssetCollideA)
    # The API keeps the two properties apart (`max_pressure_raw` in the container).
    raw = client.http.post(
        "/models/instances/byids",
        json={
            "items": [{"instanceType": "node", "space": SPACE, "externalId": "g"}],
            "sources": [{"source": {"type": "view", "space": B, "externalId": "Gauge", "version": "1"}}],
        },
    ).json()
    assert raw["items"][0]["properties"][B]["Gauge/1"] == {
        "maxPressure": 10.0,
        "max_pressure": 9.5,
        "asset": {"space": SPACE, "externalId": "a"},
    }
    assert [s.name for s in client.site.list(name_prefix="No")] == ["North"]


def test_view_names_through_generate_and_load_sdk() -> None:
    names = {"collide_a:Pump/1": "LegacyPump", "collide_b:Asset/1": "TeamAsset"}
    result = generate(_models(), package="named_multi", view_names=names)
    assert {"named_multi/legacy_pump.py", "named_multi/team_asset.py", "named_multi/asset.py"} <= set(result.files)
    renamed = [d for d in result.diagnostics if d.code == "view-renamed"]
    assert renamed == []  # each group is told apart by the names given
    sdk = load_sdk(_models(), package="named_multi_memory", view_names=names)
    assert str(sdk.LegacyPump._view_id) == "collide_a:Pump/1" and str(sdk.Asset._view_id) == "collide_a:Asset/1"
    ts = generate(_models(), language="typescript", package="named_multi_ts", view_names=names)
    assert any(path.endswith("views/LegacyPump.ts") for path in ts.files)


@pytest.mark.parametrize(
    ("names", "code", "message"),
    [
        ({"collide_a:Nope/1": "X"}, "unknown-view-name", "view_names names a view that is not in the model"),
        ({"collide_a:Pump/1": "1bad"}, "invalid-view-name", "view_names gives '1bad'"),
        ({"collide_a:Pump/1": "Gauge"}, "duplicate-view-name", "would have one name"),
    ],
)
def test_a_bad_view_name_is_an_error_naming_it(names: dict[str, str], code: str, message: str) -> None:
    with pytest.raises(GenerationError) as info:
        generate(_models(), view_names=names)
    errors = [d for d in info.value.diagnostics if d.is_error]
    assert errors and all(d.code == code for d in errors)
    assert any(message in d.message for d in errors)
    assert any(item in {d.item for d in errors} for item in names)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = pygen_main(["generate", *args])
    return code, capsys.readouterr().err


def test_view_names_on_the_command_line_and_in_the_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [arg for name in MULTI for arg in ("--model-file", str(MODELS_DIR / f"{name}.json"))]
    code, err = _run(capsys, *files, "--output", str(tmp_path / "cli"), "--view-name", "collide_a:Pump/1=OldPump")
    assert code == 0, err
    assert (tmp_path / "cli" / "legacy_model" / "old_pump.py").is_file()
    code, err = _run(capsys, *files, "--output", str(tmp_path / "bad"), "--view-name", "collide_a:Pump/1")
    assert code == 2 and "--view-name 'collide_a:Pump/1' must be \"space:externalId/version=Name\"" in err
    assert not (tmp_path / "bad").exists()
    code, err = _run(capsys, *files, "--output", str(tmp_path / "bad"), "--view-name", "collide_a:Nope/1=X")
    assert code == 1 and "collide_a:Nope/1: view_names names a view that is not in the model" in err
    assert not (tmp_path / "bad").exists()
    # A project: [tool.pygen] view-names, and --view-name on top of it.
    project = tmp_path / "project"
    snapshots = project / "pygen-snapshots"
    snapshots.mkdir(parents=True)
    refs = []
    for name in MULTI:
        model = load_model(name)
        ref = ModelRef(model["space"], model["externalId"], model["version"])
        refs.append(str(ref))
        (snapshots / ref.snapshot_filename()).write_text(json.dumps(model))
    (project / "pyproject.toml").write_text(
        "[tool.pygen]\n"
        f"models = {json.dumps(refs)}\n"
        'package = "plant"\n'
        '[tool.pygen.view-names]\n"collide_b:Asset/1" = "TeamAsset"\n'
    )
    args = ["--project", str(project), "--output", str(tmp_path / "out")]
    code, err = _run(capsys, *args, "--view-name", "collide_a:Pump/1=OldPump")
    assert code == 0, err
    assert {"team_asset.py", "old_pump.py", "asset.py", "pump.py"} <= {
        p.name for p in (tmp_path / "out" / "plant").iterdir()
    }
