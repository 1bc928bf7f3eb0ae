"""Hostile models: names and descriptions full of quotes, triple quotes, backslashes, newlines, ``*/``,
unicode; ids that are keywords, dunders or runtime names. Every generated file must parse, no model
text may leave its string literal, the SDK must import, and a sample must pass ``mypy --strict``.
"""

from __future__ import annotations

import ast
import importlib
import io
import os
import random
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Any

import pytest
from _emit_support import REPO_ROOT, SENTINEL, direct, edge, mapped, model, reverse, view
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pygen.cli._generate import write_tree
from pygen.generator import generate, load_sdk

NASTY_PIECES = ['"', "'", '"""', "'''", "\\", "\\n", "\n", "\r\n", "\t", "*/", "/*", "#", "{", "}", "{{", "%s"]
NASTY_PIECES += ["\x00", "\u2028", "\ufeff", "é", "日本", "\U0001f600", "# noqa", "type: ignore", "fmt: off", " "]
IDS = ["class", "def", "None", "True", "match", "type", "_", "__init__", "__class__", "model_dump", "model_config"]
IDS += ["space", "externalId", "version", "dump", "load", "as_write", "filter", "limit", "list", "str", "self"]
IDS += ["json", "id", "fields", "node_id", "exists", "found", "isinstance", "min_x", "x", "X", "Ünï", "名前", "a-b"]
TYPES = ["text", "int32", "int64", "float32", "float64", "boolean", "timestamp", "date", "json"]

nasty_text = st.lists(st.sampled_from(NASTY_PIECES) | st.text(max_size=4), max_size=8).map(
    lambda parts: "".join(parts) + SENTINEL
)
ident = st.sampled_from(IDS) | st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,12}", fullmatch=True)


@st.composite
def hostile_models(draw: st.DrawFn) -> dict[str, Any]:
    view_ids = draw(st.lists(ident, min_size=1, max_size=3, unique_by=lambda s: s.lower()))
    views = []
    for index, view_id in enumerate(view_ids):
        prop_ids = draw(st.lists(ident, min_size=1, max_size=6, unique=True))
        props: dict[str, dict[str, Any]] = {}
        for prop_id in prop_ids:
            kind = draw(st.sampled_from([*TYPES, "enum", "direct", "edge", "reverse"]))
            text = draw(st.none() | nasty_text)
            if kind == "enum":
                keys = draw(st.lists(st.text(min_size=1, max_size=6) | st.sampled_from(IDS), min_size=1, max_size=3))
                props[prop_id] = mapped("enum", values={key: {"description": text} for key in keys}, name=text)
            elif kind == "direct":
                props[prop_id] = direct(draw(st.sampled_from(view_ids)), description=text)
            elif kind == "edge":
                props[prop_id] = edge(draw(st.sampled_from(view_ids)), "link", name=text, description=text)
            elif kind == "reverse":
                continue  # needs a matching direct relation; the golden hostile case covers reverses
            else:
                props[prop_id] = mapped(kind, is_list=draw(st.booleans()), name=text, description=text)
        views.append(
            view(
                view_id,
                props,
                name=draw(st.none() | nasty_text),
                description=draw(st.none() | nasty_text),
                writable=index % 2 == 0 or draw(st.booleans()),
            )
        )
    return model(draw(ident), views, name=draw(nasty_text), description=draw(nasty_text))


def _check_sources(files: dict[str, str]) -> None:
    for path, text in files.items():
        if not path.endswith(".py"):
            continue
        ast.parse(text, filename=path)
        # Model text may only sit inside string tokens (literals and docstrings): never in code or comments.
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if SENTINEL in token.string:
                assert token.type == tokenize.STRING, f"{path}:{token.start}: model text outside a string: {token}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_models())
def test_hostile_models_give_valid_code(raw: dict[str, Any]) -> None:
    result = generate([raw], package="hostile_hypothesis", format=False)  # validity, not layout: no ruff pass
    _check_sources(result.files)
    sdk = load_sdk([raw], package="hostile_hypothesis")
    for path in result.files:
        if path.endswith(".py") and not path.endswith("__init__.py"):
            importlib.import_module(path[: -len(".py")].replace("/", "."))
    for name in sdk.__all__:
        getattr(sdk, name)


def test_hostile_golden_model_keeps_text_in_strings() -> None:
    from _emit_support import hostile_model

    result = generate([hostile_model()])
    _check_sources(result.files)
    docs = [
        ast.get_docstring(node) or ""
        for text in result.files.values()
        if text
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.Module, ast.ClassDef))
    ]
    assert any(SENTINEL in doc and '"""triple"""' in doc for doc in docs)


def _random_model(rng: random.Random) -> dict[str, Any]:
    def text() -> str:
        return "".join(rng.choice(NASTY_PIECES) for _ in range(rng.randint(1, 8))) + SENTINEL

    view_ids = rng.sample(["class", "Pump", "model_dump", "Ünï", "match", "View", "x"], 4)
    views = []
    for view_id in view_ids:
        props: dict[str, dict[str, Any]] = {}
        for prop_id in rng.sample(IDS, 8):
            kind = rng.choice([*TYPES, "enum", "direct", "edge"])
            if kind == "enum":
                props[prop_id] = mapped("enum", values={"a": {}, 'b"': {}, "None": {}}, description=text())
            elif kind == "direct":
                props[prop_id] = direct(rng.choice(view_ids), is_list=rng.random() < 0.5, description=text())
            elif kind == "edge":
                props[prop_id] = edge(rng.choice(view_ids), "link", description=text())
            else:
                props[prop_id] = mapped(kind, is_list=rng.random() < 0.3, name=text(), description=text())
        views.append(view(view_id, props, name=text(), description=text(), writable=rng.random() < 0.7))
    first = views[0]
    for prop_id, prop in list(first["properties"].items()):
        if prop.get("type", {}).get("type") == "direct" and not prop["type"].get("list"):
            first["properties"]["backRefs"] = reverse(first["externalId"], prop_id)
            break
    return model("Sample", views, description=text())


@pytest.mark.once  # the same generated files on every Python, checked by mypy for python_version 3.10
def test_a_random_hostile_sample_passes_mypy_strict(tmp_path: Path) -> None:
    raw = _random_model(random.Random(20261128))
    result = generate([raw], format=False)  # types, not layout: no ruff pass
    _check_sources(result.files)
    write_tree(result.files, tmp_path)
    env = dict(os.environ, MYPYPATH=str(tmp_path))
    run = subprocess.run(
        [str(Path(sys.executable).parent / "mypy"), "--config-file", "pyproject.toml", "-p", result.package],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
