"""The setuptools plugin with real build frontends, hermetic (PIP_NO_INDEX / UV_NO_INDEX + a local wheelhouse):
the example's setuptools twin with `python -m build`, `pip wheel` and `uv build`, installed and editable; and a
project whose models are its own files (hatch), built twice.

Slow: it runs on its own pytest-xdist worker beside tests/hatch/test_hatch_frontends.py, sharing the wheelhouse
(tests/_frontends.py).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from _frontends import EXAMPLE_PROJECT, UV, build_wheel, clean_env, fill_wheelhouse, fresh_venv, install
from testdata import DATA_DIR, MODELS_DIR

from pygen.generator import generate
from pygen.generator.fetch import load_snapshot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("frontends-setuptools"), pytest.mark.once]


@pytest.fixture(scope="session")
def wheelhouse(testrun_uid: str) -> Path:
    return fill_wheelhouse(testrun_uid)


LOCAL_MODELS_PROJECT = """\
[build-system]
requires = ["hatchling>=1.27", "hatch-cognite-pygen>=0.1,<0.2"]
build-backend = "hatchling.build"

[project]
name = "plant-sdk"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["cognite-pygen-runtime>=0.1.0,<0.2"]

[tool.hatch.build.targets.wheel.hooks.pygen]

[tool.pygen]
model-files = ["toolkit/plant", "models/other.json"]
package = "plant"
"""


def test_a_project_of_model_files_builds_offline_and_reproducibly(tmp_path: Path, wheelhouse: Path) -> None:
    """`python -m build` (sdist, then the wheel from it) of a project whose models are its own files, twice."""
    project = tmp_path / "plant-sdk"
    project.mkdir()
    shutil.copytree(DATA_DIR / "toolkit" / "plant", project / "toolkit" / "plant")
    (project / "models").mkdir()
    shutil.copy(MODELS_DIR / "collide" / "OtherModel.json", project / "models" / "other.json")
    (project / "pyproject.toml").write_text(LOCAL_MODELS_PROJECT)
    wheels = []
    for run in ("one", "two"):
        out = tmp_path / run
        build_wheel("--reuse-wheelhouse", "--project", str(project), "--outdir", str(out))
        (wheel,) = out.glob("*.whl")
        wheels.append(wheel)
    assert hashlib.sha256(wheels[0].read_bytes()).digest() == hashlib.sha256(wheels[1].read_bytes()).digest()
    with zipfile.ZipFile(wheels[0]) as zf:
        names = zf.namelist()
    assert {"plant/__init__.py", "plant/pump.py", "plant/site.py", "plant/gauge.py", "plant/asset.py"} <= set(names)
    with tarfile.open(next((tmp_path / "one").glob("*.tar.gz"))) as tf:
        members = tf.getnames()
    assert "plant_sdk-0.1.0/toolkit/plant/data_modeling/views/Pump.View.yaml" in members  # the wheel's source


# ---------------------------------------------------------------------------------------------- the setuptools twin

TWIN = EXAMPLE_PROJECT / "setuptools"
TWIN_WHEEL = "cognite_core_example_setuptools-0.1.0-py3-none-any.whl"


@pytest.fixture(scope="session")
def twin_built(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The setuptools twin from `python -m build` (via the sdist), `pip wheel` and `uv build`, all offline."""
    out = tmp_path_factory.mktemp("twin")
    project = out / "project"  # a copy: setuptools writes build/ and *.egg-info into the project it builds
    shutil.copytree(TWIN, project, ignore=shutil.ignore_patterns("dist", "build", "*.egg-info", "__pycache__"))
    for frontend in ("build", "pip"):
        build_wheel(
            "--reuse-wheelhouse", "--project", str(project), "--frontend", frontend, "--outdir", str(out / frontend)
        )
    env = clean_env(UV_NO_INDEX="1", UV_FIND_LINKS=str(wheelhouse), SOURCE_DATE_EPOCH="1580601600")
    subprocess.run(
        [UV, "build", "--quiet", "--refresh", "--out-dir", str(out / "uv"), str(project)], check=True, env=env
    )
    return {"build": out / "build" / TWIN_WHEEL, "pip": out / "pip" / TWIN_WHEEL, "uv": out / "uv" / TWIN_WHEEL}


def _generated(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name.startswith("cognite_core/")}


def test_the_setuptools_twin_gives_one_wheel_with_every_frontend(twin_built: dict[str, Path]) -> None:
    digests = {frontend: hashlib.sha256(path.read_bytes()).hexdigest() for frontend, path in twin_built.items()}
    assert len(set(digests.values())) == 1, digests
    # The generated files the hatch hook puts into the example's wheel (the same [tool.pygen] and snapshot).
    model = load_snapshot(TWIN / "snapshots" / "cdf_cdm.CogniteCore.v1.json")
    expected = generate([model], package="cognite_core", client_name="CogniteCoreClient").files
    assert _generated(twin_built["build"]) == {path: text.encode() for path, text in expected.items()}
    with zipfile.ZipFile(twin_built["build"]) as zf:
        metadata = Parser().parsestr(zf.read("cognite_core_example_setuptools-0.1.0.dist-info/METADATA").decode())
    assert metadata.get_all("Requires-Dist") == ["cognite-pygen-runtime<0.2,>=0.1.0"]
    (sdist,) = (twin_built["build"].parent).glob("*.tar.gz")
    with tarfile.open(sdist) as tf:
        names = tf.getnames()
    assert "cognite_core_example_setuptools-0.1.0/snapshots/cdf_cdm.CogniteCore.v1.json" in names
    assert not any("/cognite_core/" in name for name in names)


def test_the_setuptools_twin_installed_works_against_the_emulator(
    tmp_path: Path, wheelhouse: Path, twin_built: dict[str, Path]
) -> None:
    python = fresh_venv(tmp_path / "venv")
    install(python, wheelhouse, str(twin_built["build"]), "cognite-pygen-runtime[emulator]", "pytest")
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TWIN / "tests")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_setuptools_twin_editable_install_gives_an_importable_sdk(tmp_path: Path, wheelhouse: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(TWIN, project, ignore=shutil.ignore_patterns("dist", "build", "*.egg-info", "__pycache__"))
    python = fresh_venv(tmp_path / "venv")
    install(python, wheelhouse, "-e", str(project))
    code = "import cognite_core; from cognite_core import CogniteCoreClient; print(cognite_core.__file__)"
    out = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path, env=clean_env()
    ).stdout
    assert out.strip().startswith(str(tmp_path / "venv"))
    assert not (project / "cognite_core").exists()  # nothing generated into the source tree


def test_the_twins_snapshot_is_the_examples() -> None:
    assert (TWIN / "snapshots" / "cdf_cdm.CogniteCore.v1.json").read_bytes() == (
        EXAMPLE_PROJECT / "snapshots" / "cdf_cdm.CogniteCore.v1.json"
    ).read_bytes()
