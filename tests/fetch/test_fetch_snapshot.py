"""The snapshot store: deterministic bytes, atomic writes under concurrency, and clear errors for broken files."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from testdata import MODELS_DIR

from pygen.generator.fetch import ModelRef, SnapshotError, dump_snapshot, load_snapshot, snapshot_path, write_snapshot
from pygen.generator.fetch import _snapshot as snapshot_module

MODEL_FILES = sorted(MODELS_DIR.glob("*.json"))
REPO_ROOT = Path(__file__).resolve().parents[2]


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# --- determinism -----------------------------------------------------------------------------------


def test_dump_format(omni: dict[str, Any]) -> None:
    text = dump_snapshot(omni)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "createdTime": ')  # sorted keys, 2-space indent
    assert json.loads(text) == omni


def test_dump_is_deterministic_and_ignores_key_order(omni: dict[str, Any]) -> None:
    shuffled = _reversed_keys(omni)
    assert list(shuffled) != list(omni)
    assert dump_snapshot(omni) == dump_snapshot(copy.deepcopy(omni)) == dump_snapshot(shuffled)


def test_dump_keeps_list_order(omni: dict[str, Any]) -> None:
    reordered = dict(omni, views=list(reversed(omni["views"])))
    assert dump_snapshot(reordered) != dump_snapshot(omni)


def test_dump_keeps_unicode_readable() -> None:
    model = {"space": "sp", "externalId": "M", "version": "1", "views": [], "description": "Vindmølle ✓ \u2028"}
    text = dump_snapshot(model)
    assert "Vindmølle ✓" in text
    assert json.loads(text)["description"] == model["description"]


def test_dump_rejects_what_json_cannot_hold() -> None:
    with pytest.raises(SnapshotError, match="cannot serialize the data model as JSON"):
        dump_snapshot({"space": "sp", "views": [{1, 2}]})
    with pytest.raises(SnapshotError, match="cannot serialize"):
        dump_snapshot({"x": float("nan")})


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.stem)
def test_shared_models_round_trip(path: Path, tmp_path: Path) -> None:
    original = json.loads(path.read_text(encoding="utf-8"))
    model = load_snapshot(path, expected=ModelRef.from_model(original))
    assert model == original
    target = snapshot_path(tmp_path, ModelRef.from_model(model))
    write_snapshot(target, model)
    assert target.read_bytes() == dump_snapshot(original).encode("utf-8")
    again = load_snapshot(target)
    assert again == original
    assert dump_snapshot(again) == dump_snapshot(model)


def test_write_creates_parents_and_ordinary_permissions(omni: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "model.json"
    assert write_snapshot(target, omni) == target
    assert load_snapshot(target) == omni
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o644
    assert _leftovers(target.parent) == []


def test_write_refuses_a_non_model(tmp_path: Path) -> None:
    target = tmp_path / "model.json"
    with pytest.raises(
        SnapshotError, match=r"cannot write snapshot .*model\.json: not a data model: missing key 'views'"
    ):
        write_snapshot(target, {"space": "sp", "externalId": "M", "version": "1"})
    assert not target.exists()


# --- atomicity ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_write_leaves_old_file_and_no_temp(
    failing: str, omni: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "model.json"
    write_snapshot(target, omni)
    before = target.read_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot_module.os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        write_snapshot(target, dict(omni, description="new"))
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def _big_model(omni: dict[str, Any], writer: int) -> dict[str, Any]:
    # About 1 MB, so a torn write would be very likely to be observed by a reader.
    return dict(omni, description=f"writer {writer} " + "x" * 1_000_000)


def _read_until(stop: threading.Event, target: Path, seen: list[str], bad: list[str]) -> None:
    while not stop.is_set() or not seen:
        try:
            model = json.loads(target.read_bytes())
            seen.append(model["description"][:8])
        except Exception as exc:  # any partial read is a failure of atomicity
            bad.append(repr(exc)[:200])


WRITER_SCRIPT = """
import json, sys
from pygen.generator.fetch import write_snapshot
target, model_file, writer, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
model = json.load(open(model_file, encoding="utf-8"))
model["description"] = f"writer {writer} " + "x" * 1_000_000
for _ in range(rounds):
    write_snapshot(target, model)
"""


@pytest.mark.once  # processes and os.replace: the same on every Python (the thread twin runs on each)
def test_concurrent_writer_processes_never_expose_a_partial_file(omni: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "snap" / "model.json"
    write_snapshot(target, _big_model(omni, 0))
    stop, seen, bad = threading.Event(), [], []  # type: ignore[var-annotated]
    readers = [threading.Thread(target=_read_until, args=(stop, target, seen, bad)) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER_SCRIPT, str(target), str(MODELS_DIR / "Omni.json"), str(n), "15"],
                cwd=REPO_ROOT,
            )
            for n in (1, 2, 3)
        ]
        codes = [w.wait(timeout=120) for w in writers]
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert codes == [0, 0, 0]
    assert bad == []
    assert seen and set(seen) <= {f"writer {n}" for n in range(4)}
    assert _leftovers(target.parent) == []
    assert load_snapshot(target)["description"].startswith("writer ")


def test_concurrent_writer_threads_never_expose_a_partial_file(omni: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "model.json"
    write_snapshot(target, _big_model(omni, 0))
    stop, seen, bad = threading.Event(), [], []  # type: ignore[var-annotated]
    reader = threading.Thread(target=_read_until, args=(stop, target, seen, bad))
    reader.start()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            model = _big_model(omni, n)
            for _ in range(10):
                write_snapshot(target, model)
        except BaseException as exc:
            errors.append(exc)

    writers = [threading.Thread(target=write, args=(n,)) for n in (1, 2, 3, 4)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    stop.set()
    reader.join()
    assert errors == [] and bad == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


# --- broken files ------------------------------------------------------------------------------------


def _model_with_view(view: dict[str, Any]) -> bytes:
    return json.dumps({"space": "sp", "externalId": "M", "version": "1", "views": [view]}).encode()


VALID = {
    "space": "sp",
    "externalId": "M",
    "version": "1",
    "views": [{"space": "sp", "externalId": "V", "version": "1", "properties": {}}],
}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "snapshot file is empty"),
        (b"  \n", "snapshot file is empty"),
        (
            b'{"space": "sp", "externalId": "M", "views": [',
            r"unexpected end of file at line 1, column 46 \(the file looks truncated\)",
        ),
        (b'{\n  "space": "sp",\n  "ext', r"unexpected end of file at line 3, column 7 \(the file looks truncated\)"),
        (b"space: sp\n", r"not valid JSON: Expecting value at line 1, column 1"),
        (
            b'{"space": "sp",, "views": []}',
            r"not valid JSON: Expecting property name enclosed in double quotes at line 1, column 16",
        ),
        (b"\xff\xfe{}", r"not UTF-8 text \(bad byte at offset 0\)"),
        (b"[]", r"expected a JSON object \(a data model\), got a list"),
        (b'"model"', r"expected a JSON object \(a data model\), got a string"),
        (b"null", r"expected a JSON object \(a data model\), got null"),
        (b'{"space": "sp", "externalId": "M"}', r"not a data model: missing keys 'version', 'views'"),
        (b'{"space": "sp", "externalId": "M", "version": 1, "views": []}', "version must be a string, got a number"),
        (b'{"space": "sp", "externalId": "M/x", "version": "1", "views": []}', r"externalId 'M/x' is not valid"),
        (b'{"space": "sp", "externalId": "M", "version": "1", "views": {}}', "views must be a list, got an object"),
        (
            b'{"space": "sp", "externalId": "M", "version": "1", "views": ["V"]}',
            r"views\[0\] must be a view object, got a string",
        ),
        (
            _model_with_view({"type": "view", "space": "sp", "externalId": "V", "version": "2"}),
            r"views\[0\] \(sp:V/2\) is a view reference, not an inline view definition; "
            r"fetch the data model with inlineViews=true",
        ),
        (
            _model_with_view({"space": "sp", "externalId": "V", "version": "2"}),
            r"views\[0\] \(sp:V/2\) has no 'properties'",
        ),
        (
            _model_with_view({"space": "sp", "externalId": "V", "version": "2", "properties": []}),
            r"views\[0\]\.properties must be an object, got a list",
        ),
        (b'{"space": "sp", "space": "sp2", "externalId": "M", "version": "1", "views": []}', "duplicate key 'space'"),
    ],
    ids=lambda v: v[:24].decode("utf-8", "replace") if isinstance(v, bytes) else None,
)
def test_broken_files_name_the_file_and_the_problem(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    text = str(info.value)
    assert text.startswith(f"{path}: "), text
    assert re.search(message, text), text
    # A clear message, not a chained traceback.
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


def test_truncated_real_model(tmp_path: Path) -> None:
    data = (MODELS_DIR / "Omni.json").read_bytes()
    path = tmp_path / "Omni.json"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        SnapshotError, match=r"Omni\.json: not valid JSON: unexpected end of file at line \d+, column \d+"
    ):
        load_snapshot(path)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "sp.M.1.json"
    with pytest.raises(SnapshotError, match=rf"^{re.escape(str(path))}: snapshot file not found$"):
        load_snapshot(path)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="is a directory, expected a snapshot file"):
        load_snapshot(tmp_path)


def test_wrong_model_or_version_names_both(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    write_snapshot(path, VALID)
    assert load_snapshot(path, expected="sp:M/1") == VALID
    assert load_snapshot(path, expected=ModelRef("sp", "M", "1")) == VALID
    with pytest.raises(SnapshotError, match=r"m\.json: holds data model sp:M/1, expected sp:M/2$"):
        load_snapshot(path, expected="sp:M/2")
    with pytest.raises(SnapshotError, match=r"holds data model sp:M/1, expected other:Model/1$"):
        load_snapshot(path, expected=ModelRef("other", "Model", "1"))


def test_bad_expected_reference_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    write_snapshot(path, VALID)
    with pytest.raises(ValueError, match="expected 'space:externalId/version'"):
        load_snapshot(path, expected="sp-M-1")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(VALID).encode())
    assert load_snapshot(path) == VALID


# --- schema errors -----------------------------------------------------------------------------------


def test_schema_error_message_names_the_json_path() -> None:
    from typing import Annotated, Literal

    import pydantic

    from pygen.generator.fetch._snapshot import schema_error_message

    class Ref(pydantic.BaseModel):
        type: Literal["view"]
        space: str

    class Prop(pydantic.BaseModel):
        type: dict[str, str]

    class View(pydantic.BaseModel):
        space: str
        properties: dict[str, Prop]

    def tag(value: Any) -> str:
        return "reference" if isinstance(value, dict) and value.get("type") == "view" else "view"

    Entry = Annotated[
        Annotated[Ref, pydantic.Tag("reference")] | Annotated[View, pydantic.Tag("view")],
        pydantic.Discriminator(tag),
    ]

    class Model(pydantic.BaseModel):
        space: str
        views: list[Entry]

    data = {
        "space": "sp",
        "views": [
            {"space": "sp", "externalId": "A", "version": "1", "properties": {}},
            {"space": "sp", "externalId": "Pump", "version": "v1", "properties": {"name": {}, "x": {"type": 1}}},
        ],
    }
    with pytest.raises(pydantic.ValidationError) as info:
        Model.model_validate(data)
    message = schema_error_message(info.value, data, "m.json")
    assert message == "m.json: views[1] (sp:Pump/v1).properties.name.type: Field required (and 1 more problem)"

    with pytest.raises(pydantic.ValidationError) as info:
        Model.model_validate({"views": []})
    assert schema_error_message(info.value, {"views": []}, "m.json") == "m.json: space: Field required"


def test_replace_is_retried_where_open_files_block_it(
    omni: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file that a reader has open; the writer retries for a while."""
    failures = [PermissionError(13, "Access is denied"), PermissionError(13, "Access is denied")]
    real_replace = os.replace

    def flaky_replace(src: str, dst: Path) -> None:
        if failures:
            raise failures.pop()
        real_replace(src, dst)

    monkeypatch.setattr(snapshot_module, "_RETRY_REPLACE", True)
    monkeypatch.setattr(snapshot_module, "_REPLACE_RETRY_DELAYS", (0.0, 0.0, 0.0))
    monkeypatch.setattr(snapshot_module.os, "replace", flaky_replace)
    write_snapshot(tmp_path / "m.json", omni)
    assert failures == []
    assert load_snapshot(tmp_path / "m.json") == omni

    failures.extend([PermissionError(13, "Access is denied")] * 4)
    with pytest.raises(PermissionError):
        write_snapshot(tmp_path / "m.json", dict(omni, description="new"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]


def _first_property(model: dict[str, Any], view: int) -> dict[str, Any]:
    properties: dict[str, Any] = model["views"][view]["properties"]
    return properties[next(iter(properties))]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda m: _first_property(m, 3).__setitem__("type", 5),
            r"views\[3\] \(sp_pygen_models:ConnectionItemA/1\)\.properties\.name\.type: Input should be",
        ),
        (
            lambda m: _first_property(m, 3).pop("type"),
            r"views\[3\] \(sp_pygen_models:ConnectionItemA/1\)\.properties\.name\.type: Field required$",
        ),
        (
            lambda m: m["views"][3].__setitem__("implements", "x"),
            r"views\[3\] \(sp_pygen_models:ConnectionItemA/1\)\.implements: Input should be a valid list$",
        ),
        (lambda m: m.__setitem__("isGlobal", "maybe"), r": isGlobal: Input should be a valid boolean"),
    ],
    ids=["property-type", "missing-type", "implements", "isGlobal"],
)
def test_schema_errors_from_pygen_dms_name_file_and_json_path(
    mutate: Any, message: str, omni: dict[str, Any], tmp_path: Path
) -> None:
    broken = copy.deepcopy(omni)
    mutate(broken)
    path = tmp_path / "Omni.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert str(info.value).startswith(f"{path}: views[") or str(info.value).startswith(f"{path}: isGlobal")
    assert re.search(message, str(info.value)), str(info.value)
    with pytest.raises(SnapshotError, match=f"^cannot write snapshot {re.escape(str(path))}: "):
        write_snapshot(path, broken)
