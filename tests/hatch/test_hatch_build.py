"""Wheels built by hatchling in this process (with a stand-in generator): contents, metadata, reproducibility,
projects without their own code, editable wheels, and no secret anywhere."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from _hatch_support import (
    CLIENT_SECRET,
    EXAMPLE_PROJECT,
    FakeGenerator,
    build_in_process,
    cdf_table,
    load_model,
    make_project,
)

from pygen.emulator.testing import EmulatorProcess

PYGEN = '[tool.pygen]\nmodels = ["sp_pygen_models:OmniSub/1"]\npackage = "omni_sdk"\n'


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "dist" not in p.parts
    }


def _metadata(wheel: Path) -> tuple[list[str], dict[str, list[str]]]:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        text = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    message = Parser().parsestr(text)
    return names, {key: message.get_all(key) or [] for key in ("Name", "Requires-Dist")}


def _copy_example(target: Path) -> Path:
    shutil.copytree(EXAMPLE_PROJECT, target, ignore=shutil.ignore_patterns("dist", "build", "node_modules", ".*"))
    return target


def test_example_wheel_contents_and_metadata(tmp_path: Path) -> None:
    project = _copy_example(tmp_path / "example")
    before = _tree(project)
    wheel = build_in_process(project, tmp_path / "dist")  # the real generator
    names, meta = _metadata(wheel)
    assert wheel.name == "cognite_core_example-0.1.0-py3-none-any.whl"
    ours = [n for n in names if not n.startswith("cognite_core_example-0.1.0.dist-info/")]
    assert ours[:2] == ["core_tools/__init__.py", "core_tools/assets.py"]
    generated = ours[2:]
    assert {"cognite_core/__init__.py", "cognite_core/_client.py", "cognite_core/cognite_asset.py"} <= set(generated)
    assert all(name.startswith("cognite_core/") for name in generated)
    assert generated == sorted(generated)
    assert not any("snapshot" in name for name in names)
    assert meta["Requires-Dist"] == ["cognite-pygen-runtime<0.2,>=0.1.0"]
    assert _tree(project) == before  # nothing written into the source tree


def test_expected_renames_are_one_line_in_the_build_output(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    project = _copy_example(tmp_path / "example")
    build_in_process(project, tmp_path / "dist")
    output = "".join(capfd.readouterr())
    assert (
        "pygen: 12 names renamed by the naming rules (python-reserved-name: 12), as documented; "
        "`hatch build -v` lists them"
    ) in output
    assert "[python-reserved-name]" not in output  # not one line per rename


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    hashes = set()
    for name in ("one", "two"):
        project = _copy_example(tmp_path / name)
        (project / "src" / "core_tools" / "assets.py").touch()  # different mtimes must not matter
        wheel = build_in_process(project, tmp_path / f"dist-{name}")
        hashes.add(hashlib.sha256(wheel.read_bytes()).hexdigest())
    assert len(hashes) == 1


def test_project_with_nothing_but_tool_pygen(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    root = make_project(tmp_path / "p", PYGEN, own_code=False, snapshots={"pygen-snapshots": load_model("OmniSub")})
    names, meta = _metadata(build_in_process(root, tmp_path / "dist"))
    assert [n for n in names if "dist-info" not in n] == [
        "omni_sdk/__init__.py",
        "omni_sdk/_client.py",
        "omni_sdk/py.typed",
    ]
    assert meta["Name"] == ["demo-sdk"]


def test_editable_wheel_makes_both_packages_importable(tmp_path: Path, fake_generator: FakeGenerator) -> None:
    # dev-mode-dirs: hatchling's .pth mode (the default mode needs the `editables` package, which
    # frontends install into the build environment; the frontend tests cover that one).
    root = make_project(
        tmp_path / "p",
        PYGEN,
        snapshots={"pygen-snapshots": load_model("OmniSub")},
        extra='dev-mode-dirs = ["src"]\n',
    )
    wheel = build_in_process(root, tmp_path / "dist", version="editable")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    assert (site / "omni_sdk" / "__init__.py").is_file()
    code = (
        f"import site; site.addsitedir({str(site)!r})\n"
        "import omni_sdk, demo_tools\n"
        "print(omni_sdk.VIEWS[0], demo_tools.ANSWER, demo_tools.__file__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert out.split()[:2] == ["sp_pygen_models:ConnectionItemA/1", "42"]
    assert out.split()[2] == str(root / "src" / "demo_tools" / "__init__.py")  # the editable source, not a copy


def test_no_secret_in_wheel_sdist_snapshot_cache_or_output(
    tmp_path: Path,
    emulator: EmulatorProcess,
    fake_generator: FakeGenerator,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    _isolated: Path,
) -> None:
    from hatchling.builders.sdist import SdistBuilder

    monkeypatch.setenv("PYGEN_CLIENT_SECRET", CLIENT_SECRET)
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator))
    wheel = build_in_process(root, tmp_path / "dist")  # fetches from the emulator with the secret
    (sdist,) = SdistBuilder(str(root)).build(directory=str(tmp_path / "dist"), versions=["standard"])
    secret = CLIENT_SECRET.encode()
    with zipfile.ZipFile(wheel) as zf:
        assert all(secret not in zf.read(name) for name in zf.namelist())
    with tarfile.open(sdist) as tf:
        members = [m for m in tf.getmembers() if m.isfile()]
        assert "demo_sdk-1.0.0/pygen-snapshots/sp_pygen_models.OmniSub.1.json" in [m.name for m in members]
        assert all(secret not in tf.extractfile(m).read() for m in members)  # type: ignore[union-attr]
    written = [p for p in [*root.rglob("*"), *_isolated.rglob("*")] if p.is_file()]
    assert any(p.name == "sp_pygen_models.OmniSub.1.json" for p in written)
    assert all(secret not in p.read_bytes() for p in written)
    captured = capfd.readouterr()
    assert "fetching sp_pygen_models:OmniSub/1" in captured.out + captured.err
    assert CLIENT_SECRET not in captured.out + captured.err


def test_generated_files_are_removed_at_exit_without_finalize(tmp_path: Path) -> None:
    """`hatch build --hooks-only` runs initialize but never finalize: the temporary folder must still go."""
    root = make_project(tmp_path / "p", PYGEN, snapshots={"pygen-snapshots": load_model("OmniSub")})
    code = (
        "import sys; sys.path[:0] = [sys.argv[2], sys.argv[3]]\n"
        "from pathlib import Path\n"
        "from _hatch_support import run_hook\n"
        "_, data, _ = run_hook(Path(sys.argv[1]))\n"
        "print('\\n'.join(data['force_include']))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(root), str(Path(__file__).parent), str(Path(__file__).parents[1])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    generated = [Path(line) for line in out.splitlines()]
    assert len(generated) > 3 and all(path.name.endswith((".py", ".typed")) for path in generated)
    assert not any(path.exists() for path in generated)


def test_generated_package_must_not_clash_with_a_configured_package(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path / "p", PYGEN, own_code=False, snapshots={"pygen-snapshots": load_model("OmniSub")})
    (root / "lib" / "omni_sdk").mkdir(parents=True)
    (root / "lib" / "omni_sdk" / "__init__.py").write_text("", encoding="utf-8")
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(
        text.replace("[tool.pygen]", '[tool.hatch.build.targets.wheel]\npackages = ["lib/omni_sdk"]\n\n[tool.pygen]'),
        encoding="utf-8",
    )
    # hatchling's own app stops the build with app.abort: the message on stderr, exit status 1, no traceback.
    with pytest.raises(SystemExit) as info:
        build_in_process(root, tmp_path / "dist")
    assert info.value.code == 1
    expected = "pygen: pyproject.toml: [tool.pygen] `package` must name a package the project does not have, "
    assert expected + 'got "omni_sdk" (lib/omni_sdk exists' in capfd.readouterr().err
