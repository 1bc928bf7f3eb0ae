"""The generator's plain reader of DMS JSON (``pygen.generator.ir._read``) against ``pygen.dms`` (pydantic),
the authority.

The rule is one-sided: whatever ``read_model`` accepts, ``pygen.dms`` accepts, and the two give the same
objects (and the same ``View.dump()``); anything else is a ``Fallback`` to ``pygen.dms``. Checked on every
shared model and on variants of them with one key changed (deleted, null, another JSON type, snake_case,
an extra key), deduplicated by where in a view the change is.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from testdata import MODELS_DIR

from pygen.dms import DataModel as DmsDataModel
from pygen.generator import generate
from pygen.generator.ir import ViewRef, build_ir
from pygen.generator.ir._read import DataModel, Fallback, View, from_dms, read_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "emit_python"))
from _emit_support import GOLDEN_CASES, golden_models  # noqa: E402


def _shared_models() -> list[tuple[str, dict[str, Any]]]:
    out = [(f"golden:{case}:{i}", model) for case in GOLDEN_CASES for i, model in enumerate(golden_models(case))]
    for path in sorted(MODELS_DIR.rglob("*.json")):
        data = json.loads(path.read_text())
        out += [(f"{path.name}:{i}", model) for i, model in enumerate(data if isinstance(data, list) else [data])]
    return out


SHARED = _shared_models()


def assert_same(plain: DataModel, full: DataModel) -> None:
    assert (plain.ref, plain.name, plain.description) == (full.ref, full.name, full.description)
    assert (plain.views is None) == (full.views is None)
    for mine, theirs in zip(plain.views or (), full.views or (), strict=True):
        if isinstance(mine, ViewRef):
            assert mine == theirs
            continue
        assert isinstance(mine, View) and isinstance(theirs, View)
        # repr: 1 and True (or 1.0) are equal in Python but not the same JSON
        assert repr(mine) == repr(theirs)
        assert list(mine.properties) == list(theirs.properties)
        assert [repr(p) for p in mine.properties.values()] == [repr(p) for p in theirs.properties.values()]
        assert json.dumps(mine.filter, sort_keys=True) == json.dumps(theirs.filter, sort_keys=True)
        assert json.dumps(mine.dump(), sort_keys=True) == json.dumps(theirs.dump(), sort_keys=True)


@pytest.mark.parametrize(("name", "model"), SHARED, ids=[name for name, _ in SHARED])
def test_every_shared_model_is_read_without_pydantic_and_as_pydantic_reads_it(name: str, model: dict[str, Any]) -> None:
    plain = read_model(copy.deepcopy(model))  # no Fallback: generation never needs pydantic for these
    assert_same(plain, from_dms(DmsDataModel.load(copy.deepcopy(model))))
    assert build_ir([plain]) == build_ir([DmsDataModel.load(copy.deepcopy(model))])


# ---------------------------------------------------------------------------------------------- variants

_CHANGES: list[tuple[str, Any]] = [
    ("delete", None),
    ("null", None),
    ("int", 7),
    ("float", 1.5),
    ("nan", float("nan")),
    ("bool", True),
    ("text", "x"),
    ("digits", "12"),
    ("list", []),
    ("dict", {}),
    ("snake", None),
    ("extra", None),
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _shape(view: dict[str, Any], path: tuple[Any, ...]) -> tuple[Any, ...]:
    """Where in a view ``path`` points, property ids and enum keys replaced by kinds (to deduplicate)."""
    if len(path) >= 2 and path[0] == "properties":
        prop = view["properties"][path[1]]
        prop_type = prop.get("type") if isinstance(prop.get("type"), dict) else {}
        kind = prop.get("connectionType") or f"{prop_type.get('type')}:{sorted(prop_type)}"
        rest = list(path[2:])
        if rest[:2] == ["type", "values"] and len(rest) > 2:
            rest[2] = "*"
        return ("properties", kind, *rest)
    if path[:1] == ("filter",):
        return tuple("#" if isinstance(part, int) else part for part in path[:4])
    return tuple("#" if isinstance(part, int) else part for part in path)


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key) if key != "list" else "is_list"


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))  # faster than deepcopy for plain JSON


def _changed(model: dict[str, Any], path: tuple[Any, ...], change: str, value: Any) -> dict[str, Any] | None:
    if not path:
        return None
    out = _copy(model)
    *parent_path, last = path
    parent: Any = out
    for part in parent_path:
        parent = parent[part]
    if change == "delete":
        del parent[last]
    elif change == "snake":
        if not isinstance(last, str) or _snake(last) == last:
            return None
        parent[_snake(last)] = parent.pop(last)
    elif change == "extra":
        target = parent[last]
        if not isinstance(target, dict):
            return None
        target["someExtraKey"] = [1, {"a": None}]
    else:
        parent[last] = copy.deepcopy(value)
    return out


def _variants() -> Iterator[tuple[str, dict[str, Any]]]:
    seen: set[tuple[Any, ...]] = set()
    for name, model in SHARED:
        base = {key: value for key, value in model.items() if key != "views"}
        small = {**base, "views": model.get("views", [])[:1]}
        for path in _paths(base):
            for change, value in _CHANGES:
                key = ("model", path, change)
                if key in seen:
                    continue
                seen.add(key)
                variant = _changed(small, path, change, value)
                if variant is not None:
                    yield f"{name} {path} {change}", variant
        for view in model.get("views", []):
            for path in _paths(view):
                shape = _shape(view, path)
                for change, value in _CHANGES:
                    key = ("view", shape, change)
                    if key in seen:
                        continue
                    seen.add(key)
                    variant = _changed({**base, "views": [view]}, ("views", 0, *path), change, value)
                    if variant is not None:
                        yield f"{name} {view.get('externalId')} {path} {change}", variant


def test_what_the_plain_reader_accepts_pydantic_accepts_with_the_same_values() -> None:
    accepted = fallbacks = 0
    for label, variant in _variants():
        try:
            plain = read_model(variant)
        except Fallback:
            fallbacks += 1
            continue
        accepted += 1
        try:
            full = DmsDataModel.load(variant)
        except ValidationError as exc:  # pragma: no cover - the failure this test exists for
            raise AssertionError(f"{label}: the plain reader accepted what pygen.dms refuses: {exc}") from None
        try:
            assert_same(plain, from_dms(full))
        except AssertionError as exc:  # pragma: no cover
            raise AssertionError(f"{label}: {exc}") from None
    assert accepted > 500 and fallbacks > 500, (accepted, fallbacks)


def test_a_variant_only_pydantic_reads_generates_the_same_sdk() -> None:
    """A snake_case key and a number as a string: the plain reader leaves them to pygen.dms, with one result."""
    model = json.loads((MODELS_DIR / "OmniSub.json").read_text())
    variant = copy.deepcopy(model)
    variant["external_id"] = variant.pop("externalId")
    variant["createdTime"] = str(variant.get("createdTime", 1))
    with pytest.raises(Fallback):
        read_model(variant)
    assert generate([variant]).files == generate([model]).files


def test_invalid_models_still_get_pydantic_s_message() -> None:
    model = json.loads((MODELS_DIR / "OmniSub.json").read_text())
    del model["views"][0]["properties"][next(iter(model["views"][0]["properties"]))]["type"]
    with pytest.raises(Exception, match="not a DMS data model") as info:
        generate([model])
    assert "Field required" in str(info.value)
