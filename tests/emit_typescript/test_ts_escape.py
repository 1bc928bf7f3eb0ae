"""The escaping filters (ts_str, ts_key, ts_doc, ts_comment) and ts_ident, with Hypothesis.

Also one node run that evaluates many ``ts_str`` literals and checks the values come back exactly.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from _ts_lexer import lex
from hypothesis import given
from hypothesis import strategies as st

from pygen.generator.emit.typescript import jsdoc, ts_comment, ts_doc, ts_ident, ts_key, ts_str
from pygen.generator.emit.typescript._naming import KEYWORDS

# Text with everything that could break out: quotes, backslashes, comment markers, template syntax,
# line terminators, NUL, bidi controls, lone surrogates.
_HOSTILE = st.sampled_from(
    ['"', "'", "`", "\\", "*/", "/*", "${", "}", "\n", "\r", "\u2028", "\u2029", "\u0085", "\x00", "\u202e", "@"]
)
TEXT = st.lists(st.one_of(st.text(), _HOSTILE, st.just("\ud800"), st.just("\udfff")), max_size=12).map("".join)
_LINE_TERMINATORS = re.compile("[\n\r\u2028\u2029]")


def _utf16(value: str) -> bytes:
    # JavaScript strings are UTF-16 code units: a surrogate pair given as two code points is one character.
    return value.encode("utf-16-le", "surrogatepass")


@given(TEXT)
def test_ts_str_is_one_exact_json_string_literal(value: str) -> None:
    literal = ts_str(value)
    assert _utf16(json.loads(literal)) == _utf16(value)
    assert literal.isascii() and literal.isprintable()
    assert [token.kind for token in lex(literal)] == ["string"]
    assert "`" not in literal or value.count("`") == literal.count("`")


@given(TEXT)
def test_ts_key_is_an_identifier_or_a_literal(value: str) -> None:
    key = ts_key(value)
    if value == "__proto__":
        assert key == '["__proto__"]'
    elif re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", value):
        assert key == value
    else:
        assert _utf16(json.loads(key)) == _utf16(value)


@given(TEXT)
def test_ts_doc_lines_cannot_end_the_comment(value: str) -> None:
    lines = ts_doc(value)
    for line in lines:
        assert "*/" not in line and "/*" not in line
        assert not _LINE_TERMINATORS.search(line)
        assert "\x00" not in line and "\u202e" not in line and "\u0085" not in line
        assert "@" not in line.replace("\\@", "")
        line.encode("utf-8")  # no lone surrogate
    block = jsdoc(value, "  ")
    if block:
        assert [token.kind for token in lex(block)] == ["code", "comment", "code"]


@given(TEXT)
def test_ts_comment_is_one_line(value: str) -> None:
    text = ts_comment(value)
    assert not _LINE_TERMINATORS.search(text)
    assert [token.kind for token in lex("// " + text + "\nx")] == ["comment", "code"]
    text.encode("utf-8")


@given(st.text())
def test_ts_ident_is_a_plain_identifier(value: str) -> None:
    name = ts_ident(value, reserved={"Node"})
    assert re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", name)
    assert name not in KEYWORDS and name != "Node"
    camel = ts_ident(value, style="camel")
    assert re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", camel) and camel not in KEYWORDS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("class", "class_"),
        ("constructor", "constructor_"),
        ("3d", "view3d"),
        ("Ünïcödé", "unicode"),
        ("", "view"),
        ("my-view", "myView"),
        ("HTTPServer", "httpServer"),
    ],
)
def test_ts_ident_camel_examples(text: str, expected: str) -> None:
    assert ts_ident(text, style="camel") == expected


def test_doc_examples() -> None:
    assert ts_doc("a */ b\r\n\r\n@ts-ignore\u2028c") == ["a *\\/ b", "", "\\@ts-ignore", "c"]
    assert jsdoc(None) == "" and jsdoc("   ") == ""
    assert jsdoc("one") == "/** one */\n"
    assert jsdoc("one\ntwo", "  ") == "  /**\n   * one\n   * two\n   */\n"


def test_node_reads_every_literal_back() -> None:
    """Node evaluates a module of ts_str literals: each value equals the Python string (one process)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (the TypeScript checks need node >= 20)")
    samples = [
        "",
        'a"b',
        "a'b",
        "`${x}`",
        "*/",
        "\\",
        "\u2028\u2029",
        "\x00\x1f\x7f",
        "\ud800",
        "\U0001f600",
        "</script>",
        "é名前",
    ]
    body = "[" + ", ".join(ts_str(sample) for sample in samples) + "]"
    script = f"process.stdout.write(JSON.stringify({body}));"
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True, timeout=60).stdout
    assert json.loads(out) == samples
