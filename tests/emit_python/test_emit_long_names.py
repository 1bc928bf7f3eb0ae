"""255-character identifiers (valid in DMS) give file names within file-system limits: each view's module or
TypeScript file keeps its start and ends in a hash of the view id, with an info naming the view."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from _emit_support import SPACE, mapped, model, view

from pygen.cli._generate import write_tree
from pygen.generator import GenerationError, generate
from pygen.generator.config import ConfigError, parse_config
from pygen.generator.emit._files import MAX_FILE_STEM

LONG = ("Pump" + "Station" * 40)[:255]  # a valid 255-character external id
LONG_TWIN = LONG[:-1] + "X"  # the same first 254 characters


def _long_model(data_model: str = "Plant") -> dict[str, object]:
    views = [view(LONG, {"name": mapped("text")}), view(LONG_TWIN, {"name": mapped("text")}), view("Pump", {})]
    return model(data_model, views)


def test_python_modules_of_long_view_ids_fit_a_file_name_and_import(tmp_path: Path) -> None:
    result = generate([_long_model()], package="plant_long")
    modules = sorted(name.split("/")[1] for name in result.files if name.count("/") == 1)
    long_modules = [name for name in modules if name.startswith("pump_station")]
    assert len(long_modules) == 2 and long_modules[0] != long_modules[1]
    assert all(len(name) <= MAX_FILE_STEM + len(".py") for name in modules)
    infos = [d for d in result.diagnostics if d.code == "python-long-name"]
    assert sorted(d.item for d in infos) == sorted(f"{SPACE}:{xid}/1" for xid in (LONG, LONG_TWIN))
    assert "the view's module would be a file name of" in infos[0].message
    assert generate([_long_model()], package="plant_long").files == result.files  # deterministic
    write_tree(result.files, tmp_path)  # no "File name too long"
    code = f"import plant_long; c = plant_long.{LONG}; print(c.__module__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith("plant_long.pump_station")


def test_typescript_files_of_long_view_ids_fit_a_file_name(tmp_path: Path) -> None:
    result = generate([_long_model()], language="typescript", package="plant_long")
    views = sorted(name for name in result.files if name.startswith("plant_long/views/"))
    assert len(views) == 3 and all(len(Path(name).name) <= MAX_FILE_STEM + len(".ts") for name in views)
    infos = [d for d in result.diagnostics if d.code == "typescript-long-name"]
    assert sorted(d.item for d in infos) == sorted(f"{SPACE}:{xid}/1" for xid in (LONG, LONG_TWIN))
    write_tree(result.files, tmp_path)


def test_a_long_data_model_id_gives_a_short_default_package() -> None:
    result = generate([_long_model(LONG)])
    assert len(result.package) <= MAX_FILE_STEM and result.package.startswith("pump_station")
    assert generate([_long_model(LONG)]).package == result.package


def test_a_long_package_name_is_refused() -> None:
    name = "p" * (MAX_FILE_STEM + 1)
    with pytest.raises(ConfigError, match=r"it has 101 characters; a package is a folder: at most 100"):
        parse_config({"models": ["a:b/1"], "package": name})
    with pytest.raises(GenerationError, match="has a part longer than 100 characters"):
        generate([_long_model()], package=name)
