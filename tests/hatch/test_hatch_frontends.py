"""Real build frontends on the example project, hermetic (PIP_NO_INDEX=1 + a local wheelhouse).

They use the real generator inside the isolated build environment. They are slow (a wheelhouse,
virtualenvs): the wheelhouse is kept between runs in build/test-wheelhouse, and third-party wheels
are downloaded (from PyPI, the only network use) only when a pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from _hatch_support import EXAMPLE_PROJECT, REPO_ROOT
from testdata import DATA_DIR, MODELS_DIR

# One worker runs the whole module under pytest-xdist (--dist loadgroup): its fixtures share a wheelhouse folder.
# `once`: pip, build and uv drive the same flows whatever Python they run on; the hook and the generator run
# on every Python in the in-process builds of test_hatch_build.py.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("frontends"), pytest.mark.once]

BUILD_WHEEL = EXAMPLE_PROJECT / "build-wheel"
WHEEL_NAME = "cognite_core_example-0.1.0-py3-none-any.whl"


WHEELHOUSE = REPO_ROOT / "build" / "test-wheelhouse"
UV = Path(sys.executable).parent / "uv"
# The example's tests also need pytest and the emulator in the fresh virtualenv.
WHEELHOUSE_ARGS = ["--wheelhouse", str(WHEELHOUSE), "--runtime-extra", "emulator", "--extra", "pytest"]


def _build_wheel(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(BUILD_WHEEL), *WHEELHOUSE_ARGS, *args]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYGEN_VENV": sys.prefix})
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="session")
def wheelhouse() -> Path:
    _build_wheel("--wheelhouse-only")  # downloads third-party wheels only on the first run
    return WHEELHOUSE


@pytest.fixture(scope="session")
def built(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example wheel from `python -m build` (via the sdist, offline) and from `pip wheel` (source tree)."""
    out = tmp_path_factory.mktemp("built")
    for frontend in ("build", "pip"):
        _build_wheel("--reuse-wheelhouse", "--frontend", frontend, "--outdir", str(out / frontend))
    return {"build": out / "build" / WHEEL_NAME, "pip": out / "pip" / WHEEL_NAME, "sdist": out / "build"}


def _fresh_venv(path: Path) -> Path:
    """A new, empty virtualenv. uv (a dev dependency) makes it and installs into it in seconds; the pip path
    is what the `built` fixture exercises (pip's isolated build environments, `pip wheel`)."""
    assert UV.is_file(), f"{UV} is missing: uv is a dev dependency of this repository (./tests/run installs it)"
    subprocess.run([UV, "venv", "--quiet", "--python", sys.executable, path], check=True, env=_clean_env())
    return path / "bin" / "python"


def _clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return {**env, **extra}


def _install(python: Path, wheelhouse: Path, *requirements: str) -> None:
    """Install from the wheelhouse alone (no index), as the README tells users to until the runtime is on PyPI."""
    # --refresh: uv caches wheels by name and version, and ours are rebuilt from the checkout with the same version.
    command = [
        UV,
        "pip",
        "install",
        "--quiet",
        "--refresh",
        "--python",
        python,
        "--no-index",
        "--find-links",
        wheelhouse,
    ]
    subprocess.run([*command, *requirements], check=True, env=_clean_env())


def test_python_m_build_and_pip_wheel_give_the_same_wheel(built: dict[str, Path]) -> None:
    from_sdist, from_tree = built["build"], built["pip"]
    assert (built["sdist"] / "cognite_core_example-0.1.0.tar.gz").is_file()
    digest = [hashlib.sha256(path.read_bytes()).hexdigest() for path in (from_sdist, from_tree)]
    assert digest[0] == digest[1]
    with zipfile.ZipFile(from_sdist) as zf:
        names = zf.namelist()
        metadata = Parser().parsestr(zf.read("cognite_core_example-0.1.0.dist-info/METADATA").decode())
    assert "cognite_core/__init__.py" in names and "core_tools/assets.py" in names
    assert "cognite_core/py.typed" in names
    assert not any(name.startswith("snapshots/") for name in names)
    assert metadata.get_all("Requires-Dist") == ["cognite-pygen-runtime<0.2,>=0.1.0"]


def test_installed_wheel_passes_the_example_tests_against_the_emulator(
    tmp_path: Path, wheelhouse: Path, built: dict[str, Path]
) -> None:
    wheel = built["build"]
    python = _fresh_venv(tmp_path / "venv")
    _install(python, wheelhouse, str(wheel), "cognite-pygen-runtime[emulator]", "pytest")
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE_PROJECT / "tests")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The SDK's runtime is the wheel's (not this checkout), and it brought no generator dependency.
    code = "import pygen, cognite_core, sys; print(pygen.__file__); print('jinja2' in sys.modules)"
    out = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path, env=_clean_env()
    ).stdout
    assert str(tmp_path / "venv") in out.splitlines()[0] and out.splitlines()[1] == "False"


def test_editable_install_gives_an_importable_sdk(tmp_path: Path, wheelhouse: Path) -> None:
    python = _fresh_venv(tmp_path / "venv")
    _install(python, wheelhouse, "-e", str(EXAMPLE_PROJECT))
    code = "import cognite_core, core_tools; print(core_tools.__file__)"
    out = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path, env=_clean_env()
    ).stdout
    assert out.strip() == str(EXAMPLE_PROJECT / "src" / "core_tools" / "__init__.py")


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
        _build_wheel("--reuse-wheelhouse", "--project", str(project), "--outdir", str(out))
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
        _build_wheel(
            "--reuse-wheelhouse", "--project", str(project), "--frontend", frontend, "--outdir", str(out / frontend)
        )
    env = _clean_env(UV_NO_INDEX="1", UV_FIND_LINKS=str(wheelhouse), SOURCE_DATE_EPOCH="1580601600")
    subprocess.run(
        [UV, "build", "--quiet", "--refresh", "--out-dir", str(out / "uv"), str(project)], check=True, env=env
    )
    return {"build": out / "build" / TWIN_WHEEL, "pip": out / "pip" / TWIN_WHEEL, "uv": out / "uv" / TWIN_WHEEL}


def _generated(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name.startswith("cognite_core/")}


def test_the_setuptools_twin_gives_one_wheel_with_every_frontend(
    twin_built: dict[str, Path], built: dict[str, Path]
) -> None:
    digests = {frontend: hashlib.sha256(path.read_bytes()).hexdigest() for frontend, path in twin_built.items()}
    assert len(set(digests.values())) == 1, digests
    # The same generated files as the hatch example's wheel.
    assert _generated(twin_built["build"]) == _generated(built["build"])
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
    python = _fresh_venv(tmp_path / "venv")
    _install(python, wheelhouse, str(twin_built["build"]), "cognite-pygen-runtime[emulator]", "pytest")
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TWIN / "tests")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_setuptools_twin_editable_install_gives_an_importable_sdk(tmp_path: Path, wheelhouse: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(TWIN, project, ignore=shutil.ignore_patterns("dist", "build", "*.egg-info", "__pycache__"))
    python = _fresh_venv(tmp_path / "venv")
    _install(python, wheelhouse, "-e", str(project))
    code = "import cognite_core; from cognite_core import CogniteCoreClient; print(cognite_core.__file__)"
    out = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path, env=_clean_env()
    ).stdout
    assert out.strip().startswith(str(tmp_path / "venv"))
    assert not (project / "cognite_core").exists()  # nothing generated into the source tree


def test_the_twins_snapshot_is_the_examples() -> None:
    assert (TWIN / "snapshots" / "cdf_cdm.CogniteCore.v1.json").read_bytes() == (
        EXAMPLE_PROJECT / "snapshots" / "cdf_cdm.CogniteCore.v1.json"
    ).read_bytes()
