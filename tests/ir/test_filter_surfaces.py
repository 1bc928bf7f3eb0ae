"""What a property can filter is decided once, by the IR (``Field.filters``); both languages offer exactly that.

For a field of every IR data type, single and list, both SDKs are generated and each field's builder is looked
up in its runtime: Python's ``<View>Fields`` attribute (the class in ``pygen.instances``: its methods) and
TypeScript's ``fields`` entry (the ``ViewApi`` method, the class it returns in ``runtime/filters.ts``: its
methods, ``where`` objects take the same operators). Both must offer the IR's operators, no more and no fewer,
and Python's filter keywords must be the ones the runtime's naming rule gives them. An emitter that decides on
its own (another builder, other keywords) fails here, and so does a runtime builder that gains or loses one.
"""

from __future__ import annotations

import json
import re
import typing
from typing import Any

import pytest
from _ir_support import mapped, model, view
from testdata import REPO_ROOT

import pygen.instances
from pygen.generator import generate
from pygen.generator.ir import DataType, Field, FilterOp, ViewClass, build_ir, filter_ops

#: The builder method of each operator, per language.
PYTHON_METHODS: dict[FilterOp, str] = {
    "equals": "equals",
    "in": "in_",
    "prefix": "prefix",
    "range": "range",
    "exists": "exists",
    "contains_any": "contains_any",
    "contains_all": "contains_all",
}
TYPESCRIPT_METHODS: dict[FilterOp, str] = {
    "equals": "equals",
    "in": "in",
    "prefix": "prefix",
    "range": "range",
    "exists": "exists",
    "contains_any": "containsAny",
    "contains_all": "containsAll",
}

#: A DMS property type of every IR data type (the enum and the direct relation with what they need).
DMS_TYPES: dict[str, dict[str, Any]] = {
    "text": {"type": "text"},
    "int32": {"type": "int32"},
    "int64": {"type": "int64"},
    "float32": {"type": "float32"},
    "float64": {"type": "float64"},
    "boolean": {"type": "boolean"},
    "timestamp": {"type": "timestamp"},
    "date": {"type": "date"},
    "json": {"type": "json"},
    "enum": {"type": "enum", "values": {"low": {}, "high": {}}},
    "direct": {"type": "direct"},
    "timeseries": {"type": "timeseries"},
    "file": {"type": "file"},
    "sequence": {"type": "sequence"},
}


def _every_type() -> tuple[ViewClass, dict[str, str]]:
    """The IR view with a field of every type (``<kind>One``, ``<kind>Many``), and the generated files."""
    properties = {
        f"{kind}{'Many' if is_list else 'One'}": mapped({**type_, "list": is_list})
        for kind, type_ in DMS_TYPES.items()
        for is_list in (False, True)
    }
    every = model(view("EveryType", properties))
    raw = every.dump()
    sdk, diagnostics = build_ir([every])
    assert sdk is not None, diagnostics
    files = {
        **generate([raw], package="every_type", format=False).files,
        **generate([raw], language="typescript", package="every_type").files,
    }
    return sdk.views[0], files


VIEW, FILES = _every_type()
FIELDS = {field.property_id: field for field in VIEW.fields}


def _ops(methods: dict[FilterOp, str], has: typing.Callable[[str], bool]) -> tuple[FilterOp, ...]:
    return tuple(sorted(op for op, method in methods.items() if has(method)))


# ---------------------------------------------------------------------------------------------- Python


def _python_source() -> str:
    (text,) = [text for path, text in FILES.items() if path.endswith("/every_type.py")]
    return text


def _python_builders() -> dict[str, str]:
    """Property id -> the runtime class of its ``EveryTypeFields`` attribute."""
    found = re.findall(r"^    \w+ = (\w+)(?:\[[^\]]*\])?\(_ref\((\"[^\"]*\")\)\)$", _python_source(), re.MULTILINE)
    return {json.loads(prop): builder for builder, prop in found}


def _python_keywords() -> dict[str, str]:
    """Keyword -> annotation, of ``EveryTypeFilters``."""
    body = _python_source().split("class EveryTypeFilters(TypedDict, total=False):", 1)[1].split("\n\n\n", 1)[0]
    return dict(re.findall(r"^    (\w+): (.+)$", body, re.MULTILINE))


def _python_ops(builder: str) -> tuple[FilterOp, ...]:
    cls = getattr(pygen.instances, builder)
    return _ops(PYTHON_METHODS, lambda method: callable(getattr(cls, method, None)))


# ---------------------------------------------------------------------------------------------- TypeScript


def _typescript_builders() -> dict[str, str]:
    """Property id -> the ``ViewApi`` method that builds its ``fields`` entry."""
    (text,) = [text for path, text in FILES.items() if path.endswith("/views/EveryType.ts")]
    found = re.findall(r"this\.(\w+)(?:<[^>]*>)?\(\s*(\"[^\"]*\")\s*\)", text)
    return {json.loads(prop): method for method, prop in found}


def _runtime_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted((REPO_ROOT / "pygen/ts_runtime").glob("*.ts")))


def _typescript_class(method: str) -> str:
    """The class a ``ViewApi`` builder method returns."""
    match = re.search(rf"\b{method}(?:<[^(]*>)?\(name: string\): (\w+)", _runtime_text())
    assert match is not None, f"ViewApi.{method} not found in pygen/ts_runtime"
    return match.group(1)


def _typescript_methods(cls: str) -> set[str]:
    """The methods of a class of ``runtime/filters.ts`` (with those of the class it extends)."""
    text = (REPO_ROOT / "pygen/ts_runtime/filters.ts").read_text(encoding="utf-8")
    head = rf"^export class {cls}\b(?:<[^{{]*?>)?(?:\s+extends\s+(\w+)(?:<[^{{]*?>)?)?\s*\{{"
    match = re.search(head, text, re.MULTILINE)
    assert match is not None, f"class {cls} not found in runtime/filters.ts"
    depth, end = 1, match.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        end += 1
    methods = set(re.findall(r"^  (?:override )?(\w+)(?:<[^(]*>)?\(", text[match.end() : end], re.MULTILINE))
    return methods | (_typescript_methods(match.group(1)) if match.group(1) else set())


def _typescript_ops(method: str) -> tuple[FilterOp, ...]:
    methods = _typescript_methods(_typescript_class(method))
    return _ops(TYPESCRIPT_METHODS, lambda name: name in methods)


# ---------------------------------------------------------------------------------------------- tests


def test_every_ir_data_type_is_covered() -> None:
    covered = {type(field.type) for field in VIEW.fields}
    assert covered == set(typing.get_args(DataType))
    assert len(VIEW.fields) == 2 * len(DMS_TYPES)


@pytest.mark.parametrize("prop", sorted(FIELDS))
def test_the_ir_decides_the_filters(prop: str) -> None:
    field = FIELDS[prop]
    assert field.filters == filter_ops(field.type, field.is_list)
    assert "exists" in field.filters


@pytest.mark.parametrize("prop", sorted(FIELDS))
def test_both_languages_offer_exactly_the_ir_filters(prop: str) -> None:
    field = FIELDS[prop]
    python = _python_builders()[field.property_id]
    typescript = _typescript_builders()[field.property_id]
    assert (_python_ops(python), _typescript_ops(typescript)) == (field.filters, field.filters), (python, typescript)


@pytest.mark.parametrize("prop", sorted(FIELDS))
def test_python_keywords_are_the_ir_filters_by_the_naming_rule(prop: str) -> None:
    field = FIELDS[prop]
    attr = _python_attribute(field)
    ops, keywords = field.filters, _python_keywords()
    expected = set()
    if {"equals", "in", "contains_any"} & set(ops):
        expected.add(attr)
    if "prefix" in ops:
        expected.add(f"{attr}_prefix")
    if "range" in ops:
        expected |= {f"min_{attr}", f"max_{attr}"}
    own = {name for name in keywords if name in (attr, f"{attr}_prefix", f"min_{attr}", f"max_{attr}")}
    assert own == expected
    if attr in keywords:  # one value (equals), or a list of them ("in", "contains any")
        many = "in" in ops or "contains_any" in ops
        assert ("Sequence[" in keywords[attr]) == many, keywords[attr]
        assert (" | Sequence[" in keywords[attr]) == ("in" in ops and "equals" in ops), keywords[attr]


def _python_attribute(field: Field) -> str:
    """The Python attribute of a field (``EveryTypeFields``), by its builder line."""
    line = rf"^    (\w+) = \w+(?:\[[^\]]*\])?\(_ref\({re.escape(json.dumps(field.property_id))}\)\)$"
    found = re.search(line, _python_source(), re.MULTILINE)
    assert found is not None, field.property_id
    return found.group(1)
