"""docs/migrating-from-v1.md: its pygen snippets run, and it covers what v1 users meet.

The snippets themselves run in ``test_runnable_docs.py`` (the guide's ```` ```python runnable ````
blocks, in order, against ``pygen emulator`` with the generated CogniteCore SDK); this file checks
that every Python block of the guide is either run there or marked as v1 code, that every public
v1 API of a generated SDK has a section, that the tables agree with ``pygen migrate`` and ``pygen
validate``, and that the README links the guide from its top.
"""

from __future__ import annotations

import re

from test_runnable_docs import DOCUMENTS, runnable_blocks
from testdata import REPO_ROOT

from pygen.cli._validate import Report
from pygen.generator.v1 import GUIDE, V1_KEYS

PATH = REPO_ROOT / GUIDE
TEXT = PATH.read_text(encoding="utf-8")


def test_the_guide_s_snippets_are_run() -> None:
    assert PATH in DOCUMENTS
    assert len(runnable_blocks(TEXT)) >= 9


def test_every_python_block_is_run_or_marked_as_v1() -> None:
    fences = re.findall(r"^```python([^\n]*)$", TEXT, flags=re.MULTILINE)
    assert fences and set(fences) == {" runnable", " v1"}, fences


def test_every_public_v1_api_has_a_section() -> None:
    headings = " ".join(re.findall(r"^### (.*)$", TEXT, flags=re.MULTILINE))
    for api in (
        "list",
        "retrieve",
        "search",
        "aggregate",
        "histogram",
        "select",
        "query",
        "apply",
        "upsert",
        "delete",
        "to_pandas",
        "as_write",
        "graphql",
    ):
        assert re.search(rf"\b{api}", headings), f"no section for v1's {api}"
    assert "### graphql_query: not supported" in TEXT and "### What else is gone, and why" in TEXT


def test_the_key_table_names_every_v1_key() -> None:
    table = TEXT.split("| v1 key | pygen |", 1)[1].split("\n\n", 1)[0]
    for key in V1_KEYS:
        assert f"`{key}" in table, f"the guide's key table does not name v1's {key}"


def test_the_json_schema_table_names_every_key() -> None:
    table = TEXT.split("| key | value |", 1)[1].split("\n\n", 1)[0]
    keys = Report("python").as_json().keys()
    for key in keys:
        assert f"`{key}`" in table, f"the guide does not document the JSON key {key}"


def test_the_readme_links_the_guide_from_its_top() -> None:
    head = (REPO_ROOT / "README.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert f"]({GUIDE})" in head
