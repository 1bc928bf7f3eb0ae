"""Escaping filters: any text gives valid code that holds exactly that text and nothing else."""

from __future__ import annotations

import ast
import io
import random
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pygen.generator.emit.python import py_comment, py_doc, py_literal, py_str

HOSTILE = [
    "",
    '"',
    '"""',
    "'''",
    '\\"""',
    'ends with quote"',
    "ends with backslash\\",
    'x"""; import os; os.system("rm -rf /"); """',
    "\x00nul",
    "\ud800 lone surrogate",
    "line\r\nwindows\rold mac\nunix",
    "tab\there",
    "\u2028line separator\u2029",
    "*/ /* */",
    "# noqa",
    "noqa: E501",
    "# type: ignore",
    "type: ignore",
    "-*- coding: latin-1 -*-",
    "vim: set fileencoding=latin-1 :",
    "fmt: off",
    "ruff: noqa",
    "x # noqa",
    "æøå 温度 🙂",
    "   leading and trailing   ",
    "  \n\n  indented\n    more\n",
    "\\N{BULLET} \\x41 \\u0041",
    "{{ jinja }} {% raw %}",
]

# Text with every kind of character, biased towards the ones that matter in source code.
SPECIAL = st.sampled_from(
    list("\"'\\\n\r\t\x00\x0b\x0c\x1c\x85\u2028\u2029 #:=*/{}%") + ["\ud800", "\udfff", "ø", "🙂"]
)
ANY_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=())),
    st.text(st.one_of(SPECIAL, st.sampled_from(list("abc noqatypecoding")))),
    st.sampled_from(HOSTILE),
)


@given(ANY_TEXT)
@example("\ud800")
def test_py_str_round_trips(value: str) -> None:
    literal = py_str(value)
    assert ast.literal_eval(literal) == value
    module = ast.parse(f"x = {literal}\n")
    assert len(module.body) == 1
    literal.encode("utf-8")  # writable to a UTF-8 source file: no lone surrogates left
    assert "\n" not in literal and "\r" not in literal


@pytest.mark.parametrize(
    ("value", "expected"),
    [("abc", '"abc"'), ("it's", '"it\'s"'), ('say "hi"', "'say \"hi\"'"), ("both ' and \"", '"both \' and \\""')],
)
def test_py_str_prefers_double_quotes_like_ruff(value: str, expected: str) -> None:
    assert py_str(value) == expected


def _docstring_module(value: str) -> str:
    return f'def f() -> None:\n    """{py_doc(value, indent="    ")}"""\n'


@given(ANY_TEXT)
def test_py_doc_never_ends_the_docstring(value: str) -> None:
    source = _docstring_module(value)
    source.encode("utf-8")
    module = ast.parse(source)
    assert len(module.body) == 1
    function = module.body[0]
    assert isinstance(function, ast.FunctionDef) and len(function.body) == 1
    docstring = ast.get_docstring(function, clean=False)
    assert docstring is not None
    # Only whitespace is normalized: the words are exactly the input's.
    assert docstring.split() == value.split()


def test_py_doc_examples() -> None:
    assert py_doc('a "quote" and \\ backslash') == 'a \\"quote\\" and \\\\ backslash'
    assert py_doc("one\r\n  two\r\n    three  \n") == "one\ntwo\n  three"
    assert py_doc("one\n  two", indent="    ") == "one\n    two"
    assert py_doc("nul\x00 and tab\t") == "nul\\x00 and tab"
    assert py_doc("para\n\n  next", indent="  ") == "para\n\n  next"


def _comment_token(line: str) -> str:
    tokens = tokenize.generate_tokens(io.StringIO(f"x = 1  {line}\n").readline)
    return next(tok.string for tok in tokens if tok.type == tokenize.COMMENT)


DIRECTIVES = [
    re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)"),  # PEP 263
    re.compile(r"#\s*type:"),  # mypy / pyright type comments
    re.compile(r"#\s*noqa", re.IGNORECASE),
    re.compile(r"#\s*(fmt|isort|mypy|pyright|pylint|ruff|pragma|flake8|yapf)\s*:", re.IGNORECASE),
    re.compile(r"#\s*nosec", re.IGNORECASE),
]


@given(ANY_TEXT)
def test_py_comment_is_one_inert_line(value: str) -> None:
    line = "# " + py_comment(value)
    line.encode("utf-8")
    assert line.splitlines() == [line] and "\x00" not in line
    assert _comment_token(line).rstrip() == line.rstrip()
    assert len(ast.parse(f"x = 1  {line}\ny = 2\n").body) == 2
    for directive in DIRECTIVES:
        assert not directive.search(line), (directive.pattern, line)


def test_py_comment_examples() -> None:
    assert py_comment("two\nlines") == "two lines"
    assert py_comment("-*- coding: latin-1 -*-") == "-*- coding\\x3a latin-1 -*-"
    assert py_comment("noqa") == "\\x6eoqa"
    assert py_comment("Type: pump") == "\\x54ype: pump"
    assert py_comment("Type of pump") == "Type of pump"
    assert py_comment("a" * 50, max_length=10) == "aaaaaaa..."
    assert py_comment("aaaaaa\x00bbb", max_length=10) == "aaaaaa..."


@given(ANY_TEXT, st.integers(min_value=0, max_value=40))
def test_py_comment_max_length(value: str, limit: int) -> None:
    text = py_comment(value, max_length=limit)
    assert len(text) <= max(limit, 3)
    line = "# " + text
    assert _comment_token(line).rstrip() == line.rstrip()


def _random_texts(count: int) -> list[str]:
    rng = random.Random(20261128)
    alphabet = list("\"'\\\n\r\t\x00\x0c #:=*/ abcXYZ09ø🙂") + ["\ud800", "\u2028", '"""']
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def test_generated_sample_is_ruff_clean(tmp_path: Path) -> None:
    """The filters' output is already in ruff's format: a module built from them needs no change."""
    texts = HOSTILE + _random_texts(300)
    lines = ['"""Escaping sample."""', ""]
    for index, value in enumerate(texts):
        lines.append(f"# {py_comment(value)}".rstrip())
        lines.append(f"x{index} = {py_str(value)}")
    samples: list[object] = [None, True, -1, 0.5, 1e16, -2.5e-08, 1e-300, 1.5e300, 1e22, 123456789.0, 10**30, []]
    samples += [{}, {"b": [1, None], "a": {"c": '"'}}, texts[:3], [random.Random(1).uniform(-1e20, 1e20)] * 3]
    for index, sample in enumerate(samples):
        lines.append(f"y{index} = {py_literal(sample)}")
    for index, value in enumerate(texts):
        if not value.split():
            continue  # an empty docstring is the emitter's to avoid
        lines += ["", "", f"def f{index}() -> None:", f'    """{py_doc(value, indent="    ")}"""']
    path = tmp_path / "sample.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    fmt = subprocess.run(
        [str(ruff), "format", "--isolated", "--line-length", "120", "--diff", str(path)],
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout[-3000:] + fmt.stderr[-2000:]
    check = subprocess.run(
        [str(ruff), "check", "--isolated", "--select", "E,F,W,B,UP", "--ignore", "E501", str(path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout[-3000:]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | ANY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=12,
)


@given(JSON)
def test_py_literal_round_trips(value: object) -> None:
    literal = py_literal(value)
    assert ast.literal_eval(literal) == value
    assert "\n" not in literal
    literal.encode("utf-8")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {1: "x"}, {"a": object()}, (1, 2)])
def test_py_literal_refuses_what_is_not_json(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        py_literal(value)


@pytest.mark.once  # ruff over the text of a pure function: the same on every Python
def test_docstrings_of_every_length_are_ruff_clean(tmp_path: Path) -> None:
    """``docstring`` lays text out as ruff format would, around every length where the layout changes.

    A one-line docstring gets its closing quotes on the same row from ruff, however long that makes it,
    so text that would not fit with them must already be wrapped.
    """
    from pygen.generator.emit.python._source import docstring

    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma".split()
    lines = ['"""Docstring sample."""']
    for indent in ("    ", "        "):
        for length in range(95, 130):
            text, n = "", 0
            while len(text) < length:
                text += ("" if not text else " ") + words[n % len(words)]
                n += 1
            text = text[:length].rstrip()
            for tail in (None, "x = 1"):
                if indent == "    ":
                    lines += ["", "", f"def f{len(lines)}() -> None:"]
                else:
                    lines += ["", "", f"class C{len(lines)}:", "    def m(self) -> None:"]
                lines.append(indent + docstring(text, indent, tail))
    path = tmp_path / "docs.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    fmt = subprocess.run(
        [str(ruff), "format", "--isolated", "--line-length", "120", "--diff", str(path)], capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout[-3000:]
    check = subprocess.run(
        [str(ruff), "check", "--isolated", "--line-length", "120", "--select", "E501", str(path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout[-3000:]
