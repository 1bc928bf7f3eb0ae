"""What keeps ``pygen generate`` fast: it imports only what generation needs, and templates compile once.

- generation (both languages) imports neither the HTTP client, nor the runtime, nor pydantic, nor the
  fetch machinery;
- compiled templates are cached in the user cache folder (jinja's bytecode cache): a second run in a new
  process compiles none; a corrupt or unwritable cache is ignored, with the same output;
- ruff's E501 pass is skipped only when no line can be too long.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import MODELS_DIR

from pygen._version import __version__
from pygen.generator.emit import _templates
from pygen.generator.emit.python import _format

#: Never imported by `pygen generate --model-file`: the HTTP client, the runtime, pydantic, fetch machinery.
NOT_IMPORTED = [
    "httpx",
    "pygen.transport",
    "pygen.instances",
    "pygen.dms",
    "pydantic",
    "keyring",
    "filelock",
    "platformdirs",
    "importlib.metadata",
]

_RUN = """
import json, sys
import jinja2
compiled = []
original = jinja2.Environment.compile
def counting(self, source, name=None, *args, **kwargs):
    compiled.append(name)
    return original(self, source, name, *args, **kwargs)
jinja2.Environment.compile = counting
from pygen.cli import main
code = main(["generate", "--model-file", sys.argv[1], "--output", sys.argv[2], "--language", sys.argv[3]])
print(json.dumps({"code": code, "compiled": compiled, "modules": sorted(sys.modules)}))
"""


def _generate(tmp_path: Path, cache: Path | str, out: str, language: str = "python", **env: str) -> dict:
    environ = {key: value for key, value in os.environ.items() if key != "PYGEN_TEMPLATE_CACHE"}
    environ.update(PYGEN_CACHE_DIR=str(cache), **env)
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(MODELS_DIR / "OmniSub.json"), str(tmp_path / out), language],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environ,
    )
    assert done.returncode == 0, done.stderr
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    return result


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_generation_imports_only_what_it_needs(tmp_path: Path, language: str) -> None:
    modules = set(_generate(tmp_path, tmp_path / "cache", "out", language)["modules"])
    loaded = sorted(m for m in modules for name in NOT_IMPORTED if m == name or m.startswith(name + "."))
    assert loaded == []


def test_a_second_run_compiles_no_template(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _generate(tmp_path, cache, "first")
    assert sorted(first["compiled"]) == ["client.py.jinja", "init.py.jinja", "view.py.jinja"]
    folder = _templates.template_cache_dir("pygen.generator.emit.python").relative_to(_templates.user_cache_dir())
    assert len(list((cache / folder).glob("*.cache"))) == 3
    second = _generate(tmp_path, cache, "second")
    assert second["compiled"] == []
    assert _tree(tmp_path / "first") == _tree(tmp_path / "second")


def test_the_cache_folder_is_keyed_by_pygen_jinja_and_python(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(tmp_path))
    folder = _templates.template_cache_dir("pygen.generator.emit.python")
    assert folder.is_relative_to(tmp_path / "templates")
    import jinja2

    release = folder.parent.name
    assert __version__ in release and jinja2.__version__ in release and sys.implementation.cache_tag in release
    assert _templates.template_cache_dir("pygen.generator.emit.typescript") != folder


def test_a_corrupt_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _generate(tmp_path, cache, "clean")
    files = sorted(cache.rglob("*.cache"))
    assert files
    for index, path in enumerate(files):
        path.write_bytes([b"", b"garbage", path.read_bytes()[:40]][index % 3])
    again = _generate(tmp_path, cache, "again")
    assert sorted(again["compiled"]) == ["client.py.jinja", "init.py.jinja", "view.py.jinja"]
    assert _tree(tmp_path / "clean") == _tree(tmp_path / "again")
    assert _generate(tmp_path, cache, "third")["compiled"] == []  # rewritten


def test_an_unusable_cache_folder_or_none_gives_the_same_output(tmp_path: Path) -> None:
    reference = _generate(tmp_path, tmp_path / "cache", "reference")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    blocked = _generate(tmp_path, blocker, "blocked")  # the cache folder cannot be created
    off = _generate(tmp_path, tmp_path / "unused", "off", PYGEN_TEMPLATE_CACHE="0")
    assert blocked["compiled"] and off["compiled"] and reference["compiled"]
    assert not (tmp_path / "unused").exists()
    assert _tree(tmp_path / "reference") == _tree(tmp_path / "blocked") == _tree(tmp_path / "off")
    assert blocker.read_text() == "not a folder"


def test_an_edited_template_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pkg" / "my_templates"
    (package / "templates").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    template = package / "templates" / "t.jinja"
    template.write_text("one {{ x }}\n")
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(tmp_path / "cache"))
    assert _templates.template_environment("my_templates", filters={}).get_template("t.jinja").render(x=1) == "one 1\n"
    template.write_text("two {{ x }}\n")
    fresh = _templates.template_environment("my_templates", filters={})  # a new environment: no in-memory cache
    assert fresh.get_template("t.jinja").render(x=1) == "two 1\n"


def test_a_read_only_cache_is_read_but_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``pygen validate`` uses: the compiled templates of earlier runs, and no file or folder of its own."""
    import jinja2

    package = tmp_path / "pkg" / "read_only_templates"
    (package / "templates").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "templates" / "t.jinja").write_text("one {{ x }}\n")
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    cache = tmp_path / "cache"
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(cache))
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(
        self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kwargs: object
    ) -> object:
        compiled.append(str(name))
        return original(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)

    def render() -> str:  # a new environment each time: no in-memory cache
        return _templates.template_environment("read_only_templates", filters={}).get_template("t.jinja").render(x=1)

    with _templates.template_cache_read_only():
        assert render() == "one 1\n"
    assert compiled == ["t.jinja"] and not cache.exists()
    assert render() == "one 1\n"  # writes
    written = _tree(cache)
    assert len(written) == 1 and compiled == ["t.jinja"] * 2
    with _templates.template_cache_read_only():
        assert render() == "one 1\n"
    assert compiled == ["t.jinja"] * 2 and _tree(cache) == written  # read, not compiled, nothing written


# ---------------------------------------------------------------------------------------------- E501 pass


@pytest.mark.parametrize(
    ("text", "long"),
    [
        ("x = 1\n" + "y" * 120 + "\n", False),
        ("x = 1\n" + "y" * 121 + "\n", True),
        ("s = '" + "é" * 55 + "'\n", False),  # 61 columns, 116 bytes
        ("s = '" + "語" * 40 + "'\n", True),  # 86 columns but 126 bytes: may be long, so ruff checks
        ("s = '" + "語" * 70 + "'\n", True),  # 146 columns
        ("s = 'a\tb'\n", True),  # a tab's width depends on its column
        ("s = '" + "y" * 60 + "\x0c" + "y" * 60 + "'\n", True),  # one line for ruff, two for str.splitlines
    ],
)
def test_the_e501_pass_is_skipped_only_when_no_line_can_be_long(text: str, long: bool) -> None:
    assert _format._may_be_too_long(text) is long


def test_skipping_the_e501_pass_changes_no_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    from pygen.generator import generate

    models = [json.loads((MODELS_DIR / name).read_text()) for name in ("Omni.json",)]
    skipped = generate(models).files
    monkeypatch.setattr(_format, "_may_be_too_long", lambda text: True)
    assert generate(models).files == skipped


@pytest.mark.parametrize("xdg", [None, "", "relative/cache", "/abs/cache"])
def test_the_user_cache_folder_follows_xdg_like_platformdirs(monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    platformdirs = pytest.importorskip("platformdirs")
    monkeypatch.delenv("PYGEN_CACHE_DIR", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert _templates.user_cache_dir() == platformdirs.user_cache_path("pygen", appauthor=False)
