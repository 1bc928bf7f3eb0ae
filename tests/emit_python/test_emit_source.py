"""The emitter's layout helpers: docstrings that cannot break out, calls laid out the way ruff writes them."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pygen.generator.emit.python._source import LINE_LENGTH, call, docstring


def _doc_value(source: str) -> str:
    module = ast.parse(f"class C:\n    {source}\n")
    value = ast.get_docstring(module.body[0], clean=False)  # type: ignore[arg-type]
    assert value is not None
    return value


@given(st.text())
def test_docstring_keeps_the_words_and_never_ends_early(text: str) -> None:
    source = docstring(text, "    ")
    assert _doc_value(source).split() == text.split()


@given(st.text(alphabet=st.sampled_from('ab "\\\n'), max_size=400))
def test_docstring_lines_fit(text: str) -> None:
    for line in f"    {docstring(text, '    ')}".splitlines():
        assert len(line) <= LINE_LENGTH or " " not in line.strip()


def test_docstring_example_is_trusted_text_only() -> None:
    doc = docstring("Summary.", "    ", 'Example:\n    x = f("a")')
    assert doc == '"""Summary.\n\n    Example:\n        x = f("a")\n    """'
    with pytest.raises(ValueError, match="triple quote"):
        docstring("Summary.", "", 'x = """')


def test_call_fits_on_one_line_or_explodes_with_trailing_commas() -> None:
    assert call("f(", ["a", "b"], "") == "f(a, b)"
    long = ["x" * 70, "y" * 70]
    assert call("f(", long, "    ") == f"f(\n        {long[0]},\n        {long[1]},\n    )"
    assert call("g(", [call("f(", long, "        ")], "    ").startswith("g(\n        f(\n")
