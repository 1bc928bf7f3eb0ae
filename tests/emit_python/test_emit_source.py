"""The emitter's layout helpers: docstrings that cannot break out, brackets that ask ruff for one item per line."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pygen.generator.emit.python import format_python
from pygen.generator.emit.python._source import LINE_LENGTH, bracketed, docstring


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


def test_bracketed_fits_on_one_line_or_asks_for_one_item_per_line() -> None:
    assert bracketed("f(", ["a", "b"], "") == "f(a, b)"
    long = ["x" * 70, "y" * 70]
    assert bracketed("f(", long, "    ") == f"f({long[0]}, {long[1]},)"
    # Ruff keeps the items one per line (a magic trailing comma), where alone it would put them on one line.
    line = bracketed("return f(", ["x" * 55, "y" * 55], "    ")
    formatted = format_python({"m.py": f"def g():\n    {line}\n"})["m.py"]
    assert formatted == f"def g():\n    return f(\n        {'x' * 55},\n        {'y' * 55},\n    )\n"
