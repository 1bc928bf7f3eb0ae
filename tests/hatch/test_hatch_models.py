"""Where the hook gets each model: the project's snapshot, then the user cache, then CDF (the emulator here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _hatch_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    TOKEN,
    FakeGenerator,
    MemoryKeyring,
    cdf_table,
    load_model,
    make_project,
    run_hook,
)

from pygen.emulator.testing import EmulatorProcess
from pygen.generator.config import ConfigError, load_config
from pygen.generator.fetch import CacheKey, CredentialsError, ModelCache, ModelRef, SnapshotError, load_snapshot
from pygen.generator.fetch._refresh import obtain_models

OMNISUB = "sp_pygen_models:OmniSub/1"
PYGEN = f'[tool.pygen]\nmodels = ["{OMNISUB}"]\npackage = "omni_sdk"\n'


def _sources(root: Path) -> list[tuple[str, str]]:
    return [(str(item.ref), item.source) for item in obtain_models(load_config(root), root)]


def test_view_names_reach_the_generator(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    table = PYGEN + '[tool.pygen.view-names]\n"sp_pygen_models:ConnectionItemA/1" = "ItemA"\n'
    root = make_project(tmp_path / "p", table, snapshots={"pygen-snapshots": load_model("OmniSub")})
    run_hook(root)
    assert fake_generator.calls[0]["view_names"] == {"sp_pygen_models:ConnectionItemA/1": "ItemA"}


def test_a_bad_view_name_in_the_project_is_a_config_error(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    table = PYGEN + '[tool.pygen.view-names]\n"ConnectionItemA" = "ItemA"\n'
    root = make_project(tmp_path / "p", table, snapshots={"pygen-snapshots": load_model("OmniSub")})
    with pytest.raises(ConfigError) as info:
        run_hook(root)
    assert "[tool.pygen] `view-names` must be a table of" in str(info.value)
    assert '("ConnectionItemA" is not a view id ("space:externalId/version"))' in str(info.value)
    assert fake_generator.calls == []


def test_snapshot_first_without_any_cdf_config(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    root = make_project(tmp_path / "p", PYGEN, snapshots={"pygen-snapshots": load_model("OmniSub")})
    hook, build_data, app = run_hook(root)
    assert fake_generator.calls[0]["models"] == [load_model("OmniSub")]
    assert sorted(build_data["force_include"].values()) == [
        "omni_sdk/__init__.py",
        "omni_sdk/_client.py",
        "omni_sdk/py.typed",
    ]
    assert build_data["dependencies"] == ["cognite-pygen-runtime>=0.1.0,<0.2"]
    assert (
        "pygen: sp_pygen_models:OmniSub/1 from the snapshot pygen-snapshots/sp_pygen_models.OmniSub.1.json"
        in app.text()
    )
    assert ("display_waiting", "pygen: generating the Python SDK for sp_pygen_models:OmniSub/1") in app.messages


RUNTIME = "cognite-pygen-runtime>=0.1.0,<0.2"


def test_runtime_listed_in_project_dependencies_is_not_added_again(
    tmp_path: Path, fake_generator: FakeGenerator
) -> None:
    snapshots = {"pygen-snapshots": load_model("OmniSub")}
    root = make_project(tmp_path / "p", PYGEN, snapshots=snapshots, dependencies=["cognite-pygen-runtime~=0.1.0"])
    _, build_data, app = run_hook(root)
    assert build_data["dependencies"] == []
    assert not [message for kind, message in app.messages if kind == "display_warning"]


def test_runtime_missing_from_project_dependencies_is_added_with_a_warning(
    tmp_path: Path, fake_generator: FakeGenerator
) -> None:
    root = make_project(tmp_path / "p", PYGEN, snapshots={"pygen-snapshots": load_model("OmniSub")})
    _, build_data, app = run_hook(root)
    assert build_data["dependencies"] == [RUNTIME]
    warnings = [message for kind, message in app.messages if kind == "display_warning"]
    assert warnings == [
        f'pygen: [project] `dependencies` does not list the runtime, so the hook adds "{RUNTIME}" to the wheel. '
        "Installers that read dependencies from pyproject.toml without building (uv, for local and editable "
        f'installs) will not install it: add "{RUNTIME}" to [project] dependencies.'
    ]


def test_runtime_range_that_excludes_this_runtime_is_an_error(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    snapshots = {"pygen-snapshots": load_model("OmniSub")}
    root = make_project(tmp_path / "p", PYGEN, snapshots=snapshots, dependencies=["httpx", "cognite-pygen-runtime<0.1"])
    with pytest.raises(ConfigError) as info:
        run_hook(root)
    assert str(info.value) == (
        'pyproject.toml: [project] `dependencies` lists "cognite-pygen-runtime<0.1", which excludes the runtime '
        f'0.1.0 this pygen generates code for; use "{RUNTIME}"'
    )
    assert fake_generator.calls == []


def test_snapshot_of_another_model_is_an_error_naming_both(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", PYGEN)
    other = load_model("OmniSub")
    other["version"] = "9"
    target = root / "pygen-snapshots" / "sp_pygen_models.OmniSub.1.json"
    target.parent.mkdir()
    target.write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(SnapshotError) as info:
        run_hook(root)
    assert str(info.value).startswith(
        "pygen-snapshots/sp_pygen_models.OmniSub.1.json: the snapshot holds data model sp_pygen_models:OmniSub/9, "
        "but pyproject.toml [tool.pygen] `models` pins sp_pygen_models:OmniSub/1"
    )


def test_no_snapshot_and_no_cdf_table(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p", PYGEN.replace("OmniSub/1", "OmniSub/2"), snapshots={"pygen-snapshots": load_model("OmniSub")}
    )
    with pytest.raises(SnapshotError) as info:
        run_hook(root)
    text = str(info.value)
    assert text.startswith("pygen-snapshots/sp_pygen_models.OmniSub.2.json: no snapshot of sp_pygen_models:OmniSub/2")
    assert "the folder has sp_pygen_models.OmniSub.1.json" in text
    assert "[tool.pygen.cdf]" in text and "pygen refresh" in text


def test_no_snapshot_and_no_credentials_says_what_to_run(tmp_path: Path, emulator: EmulatorProcess) -> None:
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    with pytest.raises(CredentialsError) as info:
        run_hook(root)
    text = str(info.value)
    assert "no snapshot of sp_pygen_models:OmniSub/1" in text and "not in the user cache" in text
    assert f"keyring set 'pygen:{emulator.base_url}' {CLIENT_ID}" in text
    assert "set the environment variable PYGEN_CLIENT_SECRET" in text
    assert "set the environment variable PYGEN_TOKEN" not in text  # client-id is set: a token would not be used
    assert "pygen refresh" in text and "hatch run pygen:refresh" in text
    assert not (root / "pygen-snapshots").exists()


def test_cache_before_cdf(tmp_path: Path, emulator: EmulatorProcess, fake_generator: FakeGenerator) -> None:
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    model = load_model("OmniSub")
    ModelCache().put(CacheKey(emulator.base_url, "emulated", ModelRef.parse(OMNISUB)), model)
    _, build_data, app = run_hook(root)  # no credentials needed
    assert "from the user cache" in app.text()
    assert load_snapshot(root / "pygen-snapshots" / "sp_pygen_models.OmniSub.1.json") == model
    assert _sources(root) == [(OMNISUB, "snapshot")]


def test_fetch_with_env_secret_writes_snapshot_and_cache(
    tmp_path: Path, emulator: EmulatorProcess, fake_generator: FakeGenerator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYGEN_CLIENT_SECRET", CLIENT_SECRET)
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    _, build_data, app = run_hook(root)
    assert (
        "display_waiting",
        f"pygen: fetching {OMNISUB} from project 'emulated' at {emulator.base_url}",
    ) in app.messages
    snapshot = root / "pygen-snapshots" / "sp_pygen_models.OmniSub.1.json"
    fetched = load_snapshot(snapshot, expected=OMNISUB)
    assert [view["externalId"] for view in fetched["views"]] == [
        "ConnectionItemA",
        "ConnectionItemB",
        "ConnectionItemC",
    ]
    assert ModelCache().get(CacheKey(emulator.base_url, "emulated", ModelRef.parse(OMNISUB))) == fetched
    assert CLIENT_SECRET not in app.text()
    assert _sources(root) == [(OMNISUB, "snapshot")]


def test_fetch_in_a_build_from_an_unpacked_sdist_writes_no_snapshot_and_says_so(
    tmp_path: Path, emulator: EmulatorProcess, fake_generator: FakeGenerator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m build` builds the wheel in a temporary copy of the sdist: a snapshot written there is lost."""
    monkeypatch.setenv("PYGEN_CLIENT_SECRET", CLIENT_SECRET)
    root = make_project(tmp_path / "unpacked-sdist", PYGEN + cdf_table(emulator))
    (root / "PKG-INFO").write_text("Metadata-Version: 2.4\nName: demo-sdk\nVersion: 1.0.0\n", encoding="utf-8")
    _, build_data, app = run_hook(root)
    assert fake_generator.calls  # the build goes on with the fetched model
    assert not (root / "pygen-snapshots").exists()
    assert "wrote the snapshot" not in app.text()
    warnings = [message for kind, message in app.messages if kind == "display_warning"]
    assert warnings[-1] == (
        f"pygen: {OMNISUB} came from CDF or the user cache, not from a snapshot. This build runs from an unpacked "
        f"sdist in a temporary folder ({root}), so no snapshot was written to your project. To build offline, run "
        "`pygen refresh` in the project and commit pygen-snapshots/sp_pygen_models.OmniSub.1.json; or run the hook "
        "for the sdist too ([tool.hatch.build.hooks.pygen] instead of [tool.hatch.build.targets.wheel.hooks.pygen]), "
        "so that the sdist build writes the snapshot into the project and packs it."
    )


def test_sdist_build_from_the_project_writes_the_fetched_snapshot_into_it_and_packs_it(
    tmp_path: Path, emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYGEN_CLIENT_SECRET", CLIENT_SECRET)
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    _, build_data, app = run_hook(root, target="sdist")
    snapshot = root / "pygen-snapshots" / "sp_pygen_models.OmniSub.1.json"
    assert snapshot.is_file()
    assert build_data["force_include"] == {str(snapshot): "pygen-snapshots/sp_pygen_models.OmniSub.1.json"}
    assert "pygen: wrote the snapshot pygen-snapshots/sp_pygen_models.OmniSub.1.json; commit it" in app.text()


def test_fetch_with_keyring_secret(tmp_path: Path, emulator: EmulatorProcess, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(f"pygen:{emulator.base_url}", CLIENT_ID, CLIENT_SECRET)
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    assert _sources(root) == [(OMNISUB, "cdf")]


def test_fetch_with_static_token(tmp_path: Path, emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGEN_TOKEN", TOKEN)
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator, oauth=False))
    assert _sources(root) == [(OMNISUB, "cdf")]


def test_unknown_model_in_cdf(tmp_path: Path, emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    from pygen.generator.fetch import ModelNotFoundError

    monkeypatch.setenv("PYGEN_TOKEN", TOKEN)
    root = make_project(tmp_path / "p", PYGEN.replace("OmniSub/1", "Nope/1") + cdf_table(emulator, oauth=False))
    with pytest.raises(ModelNotFoundError, match="data model sp_pygen_models:Nope/1 not found in project 'emulated'"):
        run_hook(root)


def test_sdist_target_includes_the_snapshots(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    root = make_project(tmp_path / "p", PYGEN, snapshots={"pygen-snapshots": load_model("OmniSub")})
    _, build_data, _ = run_hook(root, target="sdist")
    assert list(build_data["force_include"].values()) == ["pygen-snapshots/sp_pygen_models.OmniSub.1.json"]
    assert fake_generator.calls == []  # the sdist carries the model, not generated code


def test_generator_diagnostics_and_errors(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    from _hatch_support import FakeDiagnostic

    from pygen.transport import PygenError

    root = make_project(tmp_path / "p", PYGEN, snapshots={"pygen-snapshots": load_model("OmniSub")})
    fake_generator.diagnostics = [FakeDiagnostic("warning", "sp:V/1.x", "unknown-property-type", "skipped")]
    _, _, app = run_hook(root)
    assert ("display_warning", "pygen: warning: sp:V/1.x: skipped [unknown-property-type]") in app.messages
    fake_generator.fail = True
    with pytest.raises(PygenError) as info:
        run_hook(root)
    assert "cannot generate the SDK for sp_pygen_models:OmniSub/1" in str(info.value)
    assert "error: sp:V/1: broken [no-views]" in str(info.value)


def test_generated_paths_must_stay_in_the_package(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    from pygen.transport import PygenError

    root = make_project(tmp_path / "p", PYGEN, snapshots={"pygen-snapshots": load_model("OmniSub")})
    fake_generator.files = lambda package: {f"{package}/__init__.py": "", "../evil.py": ""}
    with pytest.raises(PygenError, match="produced the file '../evil.py' outside the package 'omni_sdk'"):
        run_hook(root)


def test_temporary_folder_is_removed_in_finalize(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    root = make_project(tmp_path / "p", PYGEN, snapshots={"pygen-snapshots": load_model("OmniSub")})
    hook, build_data, _ = run_hook(root)
    sources = [Path(source) for source in build_data["force_include"]]
    assert all(path.is_file() and root not in path.parents for path in sources)
    hook.finalize("standard", build_data, str(tmp_path / "x.whl"))
    assert not any(path.exists() for path in sources)


def test_missing_generator_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from pygen.transport import PygenError

    monkeypatch.setitem(sys.modules, "pygen.generator._generate", None)  # import raises ModuleNotFoundError
    root = make_project(tmp_path / "p", PYGEN, snapshots={"pygen-snapshots": load_model("OmniSub")})
    with pytest.raises(PygenError, match=r"has no generator \(pygen.generator._generate\)"):
        run_hook(root)


def test_corrupt_snapshot_names_the_project_file(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", PYGEN)
    target = root / "pygen-snapshots" / "sp_pygen_models.OmniSub.1.json"
    target.parent.mkdir()
    target.write_text('{"space": "sp_pygen_models", "views": [', encoding="utf-8")
    with pytest.raises(SnapshotError) as info:
        run_hook(root)
    assert str(info.value).startswith(
        "pygen-snapshots/sp_pygen_models.OmniSub.1.json: not valid JSON: unexpected end of file"
    )
    assert "run pygen refresh" in str(info.value)


def test_sdist_without_snapshots_says_so(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", PYGEN)
    (root / "PKG-INFO").write_text("Metadata-Version: 2.4\nName: demo-sdk\nVersion: 1.0.0\n", encoding="utf-8")
    with pytest.raises(SnapshotError) as info:
        run_hook(root)
    assert "This build runs from an sdist that has no `pygen-snapshots/` folder: include it in the sdist" in str(
        info.value
    )
