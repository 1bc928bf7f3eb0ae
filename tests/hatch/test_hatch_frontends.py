"""Real build frontends on the example project, hermetic (PIP_NO_INDEX=1 + a local wheelhouse).

They use the real generator inside the isolated build environment. They are slow (a wheelhouse,
virtualenvs): the wheelhouse is kept between runs in build/test-wheelhouse, and third-party wheels
are downloaded (from PyPI, the only network use) only when a pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from _frontends import EXAMPLE_PROJECT, build_wheel, clean_env, fill_wheelhouse, fresh_venv, install
from _hatch_support import TOKEN, cdf_table, make_project

from pygen._extras import FETCH_REQUIREMENTS
from pygen.emulator.testing import EmulatorProcess

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# One worker runs the whole module under pytest-xdist (--dist loadgroup); the setuptools frontends run beside
# it on the other worker (tests/setuptools_plugin/test_setuptools_frontends.py), sharing the wheelhouse
# (tests/_frontends.py).
# `once`: pip, build and uv drive the same flows whatever Python they run on; the hook and the generator run
# on every Python in the in-process builds of test_hatch_build.py.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("frontends"), pytest.mark.once]

WHEEL_NAME = "cognite_core_example-0.1.0-py3-none-any.whl"
PYGEN = '[tool.pygen]\nmodels = ["sp_pygen_models:OmniSub/1"]\n'


@pytest.fixture(scope="session")
def wheelhouse(testrun_uid: str) -> Path:
    return fill_wheelhouse(testrun_uid)


@pytest.fixture(scope="session")
def built(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example wheel from `python -m build` (via the sdist, offline) and from `pip wheel` (source tree)."""
    out = tmp_path_factory.mktemp("built")
    for frontend in ("build", "pip"):
        build_wheel(
            "--reuse-wheelhouse",
            "--project",
            str(EXAMPLE_PROJECT),
            "--frontend",
            frontend,
            "--outdir",
            str(out / frontend),
        )
    return {"build": out / "build" / WHEEL_NAME, "pip": out / "pip" / WHEEL_NAME, "sdist": out / "build"}


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
    python = fresh_venv(tmp_path / "venv")
    install(python, wheelhouse, str(wheel), "cognite-pygen-runtime[emulator]", "pytest")
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE_PROJECT / "tests")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The SDK's runtime is the wheel's (not this checkout), and it brought no generator dependency.
    code = "import pygen, cognite_core, sys; print(pygen.__file__); print('jinja2' in sys.modules)"
    out = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path, env=clean_env()
    ).stdout
    assert str(tmp_path / "venv") in out.splitlines()[0] and out.splitlines()[1] == "False"


def test_editable_install_gives_an_importable_sdk(tmp_path: Path, wheelhouse: Path) -> None:
    python = fresh_venv(tmp_path / "venv")
    install(python, wheelhouse, "-e", str(EXAMPLE_PROJECT))
    code = "import cognite_core, core_tools; print(core_tools.__file__)"
    out = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path, env=clean_env()
    ).stdout
    assert out.strip() == str(EXAMPLE_PROJECT / "src" / "core_tools" / "__init__.py")


# ---------------------------------------------------------------------------------------------- the fetch extra

FETCH_CHAIN = ["keyring", "cryptography", "secretstorage", "jeepney", "platformdirs", "filelock"]


def test_the_hook_alone_brings_no_fetch_machinery_and_builds_from_the_snapshot(
    tmp_path: Path, wheelhouse: Path, built: dict[str, Path]
) -> None:
    """What every isolated build environment of the example gets (its build requirements): no keyring and no chain."""
    python = fresh_venv(tmp_path / "venv")
    install(python, wheelhouse, "hatchling>=1.27", "hatch-cognite-pygen")
    names = "import importlib.metadata as m; print(sorted(d.metadata['Name'].lower() for d in m.distributions()))"
    installed = subprocess.run([python, "-c", names], capture_output=True, text=True, check=True).stdout
    assert "hatch-cognite-pygen" in installed and "ruff" in installed
    assert not [name for name in FETCH_CHAIN if f"'{name}'" in installed], installed
    # The wheel, built by hatchling in that environment (the backend a frontend would call there): the same bytes.
    project = tmp_path / "example"
    shutil.copytree(EXAMPLE_PROJECT, project, ignore=shutil.ignore_patterns("dist", "node_modules", "setuptools"))
    hatchling = python.parent / "hatchling"
    command = [hatchling, "build", "--target", "wheel", "--directory", tmp_path / "out"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=project, env=clean_env())
    assert result.returncode == 0, result.stdout + result.stderr
    digest = [hashlib.sha256(path.read_bytes()).hexdigest() for path in (tmp_path / "out" / WHEEL_NAME, built["build"])]
    assert digest[0] == digest[1]


def test_an_isolated_build_that_must_fetch_gets_the_fetch_extra(
    tmp_path: Path, wheelhouse: Path, emulator: EmulatorProcess
) -> None:
    """`python -m build` (pip's isolated environment) of a project without its snapshot: the hook asks for the fetch
    extra, the frontend installs it from the wheelhouse, and the build fetches the model."""
    root = make_project(tmp_path / "p", PYGEN + cdf_table(emulator, oauth=False), own_code=False)
    env = clean_env(
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PYGEN_TOKEN=TOKEN,  # the secret comes from the environment: the real OS keyring is never asked
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "out"), str(root)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # build lists what get_requires_for_build_wheel added before installing it.
    assert "Getting build dependencies for wheel..." in output
    extra = output.split("Getting build dependencies for wheel...")[1].split("Building wheel...")[0]
    assert all(f"- {requirement}" in extra for requirement in FETCH_REQUIREMENTS), output
    assert "pygen: fetching sp_pygen_models:OmniSub/1" in output
    assert (root / "pygen-snapshots" / "sp_pygen_models.OmniSub.1.json").is_file()
    assert [path.name for path in (tmp_path / "out").glob("*.whl")] == ["demo_sdk-1.0.0-py3-none-any.whl"]


def test_the_example_pygen_environment_has_the_fetch_extra(tmp_path: Path, wheelhouse: Path) -> None:
    """`hatch run pygen:refresh`: the example's hatch environment, installed from its dependency list as hatch
    would, has the fetch machinery (the secret lookup reaches a keyring backend, not "keyring is not installed")."""
    with open(EXAMPLE_PROJECT / "pyproject.toml", "rb") as handle:
        environment = tomllib.load(handle)["tool"]["hatch"]["envs"]["pygen"]
    python = fresh_venv(tmp_path / "venv")
    install(python, wheelhouse, *environment["dependencies"])
    command = environment["scripts"]["refresh"].replace("{root}", str(EXAMPLE_PROJECT)).replace(" {args}", "")
    assert command.split()[0] == "pygen"
    env = clean_env(HATCH_ENV_ACTIVE="pygen", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    env.pop("PYGEN_CLIENT_SECRET", None)
    result = subprocess.run([python.parent / "pygen", *command.split()[1:]], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    expected = "the keyring (backend keyring.backends.null.Keyring) has no entry for service"
    assert expected in result.stderr, result.stderr
    assert "not installed" not in result.stderr
