"""The setuptools plugin (pygen_setuptools): a project whose backend is setuptools gets the same SDK in its wheel.

Builds run ``python -m build --no-isolation`` with this environment's setuptools and the plugin installed
(editable) in it, offline from the committed snapshot. The isolated frontends (pip, uv, ``python -m
build`` with a wheelhouse) are the hatch tests' business for now.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from testdata import MODELS_DIR

from pygen.generator import generate
from pygen.generator.fetch import ModelRef, snapshot_path, write_snapshot

# `once`: setuptools and the build frontend behave the same whatever Python runs pytest (the plugin's code
# runs in the build subprocess on the main Python); `slow`: builds and a virtualenv.
pytestmark = [pytest.mark.once, pytest.mark.slow]

OMNISUB = json.loads((MODELS_DIR / "OmniSub.json").read_text(encoding="utf-8"))
RUNTIME = "cognite-pygen-runtime>=0.1.0,<0.2"


def _project(root: Path, *, pygen: str | None = None, dependencies: list[str] | None = None) -> Path:
    root.mkdir(parents=True)
    table = (
        pygen
        if pygen is not None
        else '[tool.pygen]\nmodels = ["sp_pygen_models:OmniSub/1"]\npackage = "omni_sub"\nsnapshots = "snapshots"\n'
    )
    (root / "pyproject.toml").write_text(
        "[build-system]\n"
        'requires = ["setuptools>=70", "setuptools-cognite-pygen"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        "[project]\n"
        'name = "omni-sub-sdk"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
        f"dependencies = {json.dumps([RUNTIME] if dependencies is None else dependencies)}\n\n"
        "[tool.setuptools]\npackages = []\n\n" + table,
        encoding="utf-8",
    )
    write_snapshot(snapshot_path(root / "snapshots", ModelRef.from_model(OMNISUB)), OMNISUB)
    return root


def _build(
    project: Path, out: Path, *args: str, epoch: str | None = None, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value for key, value in os.environ.items() if key not in {"PYTHONPATH"} and not key.startswith("PYGEN_")
    }
    # Never the real keyring or user cache: the build runs in a subprocess, out of the fixtures' reach.
    env.update(
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        PYGEN_CACHE_DIR=str(out.parent / "cache"),
        XDG_CONFIG_HOME=str(out.parent / "xdg"),
    )
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    command = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), *args, str(project)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=project, check=False)


def _wheel_files(wheel: Path, package: str) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as zf:
        return {name: zf.read(name).decode() for name in zf.namelist() if name.startswith(f"{package}/")}


def test_the_wheel_holds_the_generated_sdk_and_the_sdist_the_snapshot(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    done = _build(project, tmp_path / "dist")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pygen: sp_pygen_models:OmniSub/1 from the snapshot snapshots/sp_pygen_models.OmniSub.1.json" in done.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")  # built from the sdist
    expected = generate([OMNISUB], package="omni_sub").files
    assert _wheel_files(wheel, "omni_sub") == dict(expected)
    with zipfile.ZipFile(wheel) as zf:
        metadata = Parser().parsestr(zf.read("omni_sub_sdk-0.1.0.dist-info/METADATA").decode())
    assert metadata.get_all("Requires-Dist") == ["cognite-pygen-runtime<0.2,>=0.1.0"]
    (sdist,) = (tmp_path / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as tf:
        names = tf.getnames()
    assert "omni_sub_sdk-0.1.0/snapshots/sp_pygen_models.OmniSub.1.json" in names
    assert not any("/omni_sub/" in name for name in names)  # generated code is not in the sdist
    assert not (project / "omni_sub").exists()  # nor in the source tree


def test_setuptools_and_hatch_give_the_same_generated_files(tmp_path: Path) -> None:
    hatch_project = _project(tmp_path / "h")
    text = (hatch_project / "pyproject.toml").read_text()
    text = text.replace(
        'requires = ["setuptools>=70", "setuptools-cognite-pygen"]', 'requires = ["hatchling", "hatch-cognite-pygen"]'
    )
    text = text.replace('build-backend = "setuptools.build_meta"', 'build-backend = "hatchling.build"')
    text = text.replace("[tool.setuptools]\npackages = []\n", "[tool.hatch.build.targets.wheel.hooks.pygen]\n")
    (hatch_project / "pyproject.toml").write_text(text)
    done = _build(hatch_project, tmp_path / "hatch-dist", "--wheel")
    assert done.returncode == 0, done.stderr
    (hatch_wheel,) = (tmp_path / "hatch-dist").glob("*.whl")
    project = _project(tmp_path / "s")
    assert _build(project, tmp_path / "dist", "--wheel").returncode == 0
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    assert _wheel_files(wheel, "omni_sub") == _wheel_files(hatch_wheel, "omni_sub")


def test_rebuilds_are_byte_identical_with_source_date_epoch(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    digests = set()
    for run in ("one", "two"):
        assert _build(project, tmp_path / run, "--wheel", epoch="1700000000").returncode == 0
        (wheel,) = (tmp_path / run).glob("*.whl")
        digests.add(hashlib.sha256(wheel.read_bytes()).hexdigest())
    assert len(digests) == 1


@pytest.mark.parametrize(
    ("pygen", "dependencies", "message"),
    [
        (
            '[tool.pygen]\nmodels = ["sp_pygen_models:OmniSub/1"]\nmodle = "x"\n',
            None,
            "pyproject.toml: [tool.pygen] `modle` is not a known key (did you mean `models`?)",
        ),
        (
            '[tool.pygen]\nmodels = ["sp_pygen_models:Omni/1"]\nsnapshots = "snapshots"\n',
            None,
            "snapshots/sp_pygen_models.Omni.1.json: no snapshot of sp_pygen_models:Omni/1",
        ),
        (
            '[tool.pygen]\nmodels = ["sp_pygen_models:Omni/1"]\nsnapshots = "snapshots"\n'
            '[tool.pygen.cdf]\nbase-url = "http://localhost:9"\nproject = "p"\nclient-id = "c"\n'
            'token-url = "http://localhost:9/token"\n',
            None,
            "snapshots/sp_pygen_models.Omni.1.json: no snapshot of sp_pygen_models:Omni/1 and it is not in the user "
            "cache",
        ),
        (
            None,
            ["httpx"],
            'pyproject.toml: [project] `dependencies` must list the runtime the generated SDK imports: add "'
            + RUNTIME
            + '"',
        ),
        (
            None,
            ["cognite-pygen-runtime<0.1"],
            'pyproject.toml: [project] `dependencies` lists "cognite-pygen-runtime<0.1", which excludes the runtime',
        ),
    ],
)
def test_errors_are_one_message_without_a_traceback(
    tmp_path: Path, pygen: str | None, dependencies: list[str] | None, message: str
) -> None:
    project = _project(tmp_path / "p", pygen=pygen, dependencies=dependencies)
    done = _build(project, tmp_path / "dist", "--wheel")
    assert done.returncode != 0
    assert message in done.stderr, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not list((tmp_path / "dist").glob("*.whl"))


def test_a_build_that_must_fetch_without_the_fetch_extra_names_the_plugins_extra(tmp_path: Path) -> None:
    """Built where keyring, platformdirs and filelock are not installed (a sitecustomize hides them)."""
    pygen = (
        '[tool.pygen]\nmodels = ["sp_pygen_models:Omni/1"]\nsnapshots = "snapshots"\n'
        '[tool.pygen.cdf]\nbase-url = "http://localhost:9"\nproject = "p"\n'
    )
    project = _project(tmp_path / "p", pygen=pygen)
    site = tmp_path / "no-fetch-extra"
    site.mkdir()
    blocker = "".join(f"sys.modules[{name!r}] = None\n" for name in ("keyring", "platformdirs", "filelock"))
    (site / "sitecustomize.py").write_text("import sys\n" + blocker, encoding="utf-8")
    done = _build(project, tmp_path / "dist", "--wheel", pythonpath=site)
    assert done.returncode != 0
    assert (
        "snapshots/sp_pygen_models.Omni.1.json: no snapshot of sp_pygen_models:Omni/1, so pygen must fetch it (from "
        "the user cache or CDF), which needs the 'fetch' extra (keyring is not installed).\n"
        '  - add it to the build requirements: [build-system] requires = [..., "setuptools-cognite-pygen[fetch]"]'
    ) in done.stderr, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not list((tmp_path / "dist").glob("*.whl"))


@pytest.mark.parametrize("package", ['package = "omni_sub"\n', ""])
def test_the_generated_package_must_not_be_one_of_the_projects(tmp_path: Path, package: str) -> None:
    """Named or chosen by the generator (OmniSub -> omni_sub), the package must not mix into the project's own."""
    table = f'[tool.pygen]\nmodels = ["sp_pygen_models:OmniSub/1"]\nsnapshots = "snapshots"\n{package}'
    project = _project(tmp_path / "p", pygen=table)
    (project / "src" / "omni_sub").mkdir(parents=True)
    done = _build(project, tmp_path / "dist", "--wheel")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    key = "`package`" if package else "`package` (not set, so the generator chose it)"
    assert (
        f'pyproject.toml: [tool.pygen] {key} must name a package the project does not have, got "omni_sub" '
        "(src/omni_sub exists, and the generated package would be mixed into it)"
    ) in done.stderr


def test_a_project_without_tool_pygen_is_left_alone(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", pygen="")
    (project / "plain.py").write_text("X = 1\n")
    with open(project / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write('py-modules = ["plain"]\n')  # (appended to [tool.setuptools])
    text = (project / "pyproject.toml").read_text().replace("packages = []\n", "")
    (project / "pyproject.toml").write_text(text)
    done = _build(project, tmp_path / "dist", "--wheel")
    assert done.returncode == 0, done.stderr
    assert "pygen:" not in done.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert [name for name in zf.namelist() if not name.startswith("omni_sub_sdk-")] == ["plain.py"]


def test_an_editable_install_gives_an_importable_sdk(tmp_path: Path) -> None:
    """PEP 660: the generated package goes into the editable wheel as a copy (it has no source folder)."""
    uv = Path(sys.executable).parent / "uv"
    repo = Path(__file__).resolve().parents[2]
    venv = tmp_path / "venv"
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, venv], check=True, env=env)
    python = venv / "bin" / "python"
    install = [uv, "pip", "install", "--quiet", "--python", python]
    subprocess.run(
        [*install, "pip", "setuptools>=70", "-e", f"{repo}[generator]", "-e", str(repo / "pygen_setuptools")],
        check=True,
        env=env,
    )
    project = _project(tmp_path / "p")
    pip = [python, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-deps", "--no-index"]
    subprocess.run([*pip, "-e", str(project)], check=True, env=env)  # pip's PEP 660 path
    code = "import omni_sub; from omni_sub import OmniSubClient, ConnectionItemA; print(omni_sub.__file__)"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path, env=env)
    assert out.stdout.strip().startswith(str(venv))
    assert not (project / "omni_sub").exists() and not (project / "build" / "lib" / "omni_sub").exists()
