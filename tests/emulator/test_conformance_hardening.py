"""Hostile and malformed input gets a 4xx in CDF's error shape, never a 500 (README, "What the emulator refuses").

Over HTTP against the in-process app, or a real process where the socket matters (a huge ``Content-Length``);
the CLI's refusals are checked by exit code and stderr. Emulator-only: these are the emulator's own limits
and a real CDF project would be needlessly hammered.
"""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _conformance import (
    CLIENT_ID,
    PROJECT_URL,
    TOKEN,
    Api,
    check_error,
    check_error_shape,
    emulator_settings,
    in_space,
    node_write,
    view_ref,
)

pytestmark = pytest.mark.emulator_only

MakeApi = Callable[..., Api]
LIST = "/models/instances/list"


def _raw(api: Api, path: str, content: bytes, **headers: str) -> httpx.Response:
    return api.client.post(path, content=content, headers={"content-type": "application/json", **headers})


# ---------------------------------------------------------------------------------------------- credentials


def test_non_ascii_authorization_header_is_401(api: Api) -> None:
    for header in ("Bearer tøken".encode(), b"Bearer \xff\xfe", "Basic ÿÿ".encode("latin-1")):
        response = api.client.get("/models/spaces", headers={"Authorization": header})  # type: ignore[dict-item]
        check_error(response, 401, emulator_wording=["Unauthorized"], emulator=True)


def test_non_ascii_token_is_accepted_when_it_is_the_token(make_api: MakeApi) -> None:
    api = make_api(token="tøken", auth_token=None)
    ok = api.client.get("/models/spaces", headers={"Authorization": "Bearer tøken".encode()})  # type: ignore[dict-item]
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize(
    ("client_id", "secret"), [("mé", "conformance-secret"), (CLIENT_ID, "sécret"), ("\u0000", "\udfff")]
)
def test_non_ascii_client_credentials_are_401(make_api: MakeApi, client_id: str, secret: str) -> None:
    api = make_api()
    form = f"grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
    token_url = f"{PROJECT_URL.split('/api/')[0]}/oauth2/token"
    response = api.client.post(
        token_url,
        content=form.encode("utf-8", "surrogatepass"),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"


def test_non_ascii_basic_credentials_are_401(make_api: MakeApi) -> None:
    api = make_api()
    token_url = f"{PROJECT_URL.split('/api/')[0]}/oauth2/token"
    for header in (b"Basic \xc3\xa9\xc3\xa9", b"Basic w6k6w6k=", b"Basic !!!"):  # not base64 / "é:é" / junk
        response = api.client.post(
            token_url,
            content=b"grant_type=client_credentials",
            headers={"content-type": "application/x-www-form-urlencoded", "Authorization": header},  # type: ignore[dict-item]
        )
        assert response.status_code == 401, response.text


# ---------------------------------------------------------------------------------------------- nesting and size


def _nested_not(depth: int) -> dict[str, Any]:
    spec: dict[str, Any] = {"matchAll": {}}
    for _ in range(depth):
        spec = {"not": spec}
    return spec


@pytest.mark.parametrize("depth", [101, 400, 975, 3000])
def test_deeply_nested_filters_are_400(api: Api, depth: int) -> None:
    text = '{"filter": ' + '{"not": ' * depth + '{"matchAll": {}}' + "}" * depth + "}"  # beyond json.dumps, too
    error = check_error(_raw(api, LIST, text.encode()), 400, emulator=True)
    assert "nested" in error["message"], error
    if depth <= 400:
        assert "more than 100 levels" in error["message"] and error["message"].startswith("filter.not"), error


def test_filters_nested_100_deep_work(api: Api, space: str) -> None:
    assert api.post(LIST, {"filter": in_space(space, _nested_not(98))})["items"] == []


def test_deeply_nested_view_filter_is_400(api: Api, space: str) -> None:
    view = {"space": space, "externalId": "Deep", "version": "v1", "properties": {}, "filter": _nested_not(150)}
    error = api.post_error("/models/views", {"items": [view]}, mentions=["filter"])
    assert "100 levels" in error["message"], error


@pytest.mark.parametrize("clauses", [998, 1500])
def test_a_very_long_and_is_answered(api: Api, schema_space: str, clauses: int) -> None:
    space = schema_space
    has_pump = {"hasData": [view_ref(space, "Pump")]}
    same_space = {"equals": {"property": ["node", "space"], "value": space}}
    refs = {"instanceReferences": [{"space": space, "externalId": f"x{i}"} for i in range(400)]}
    body = {"filter": {"and": [has_pump, same_space, refs] * (clauses // 3)}}
    assert api.post(LIST, body)["items"] == []


def test_deeply_nested_json_value_is_400(api: Api, schema_space: str) -> None:
    space = schema_space
    value: Any = {"leaf": 1}
    for _ in range(250):
        value = {"k": value}
    item = node_write(space, "deep", view_ref(space, "Pump"), {"name": "n", "meta": value})
    error = api.post_error("/models/instances", {"items": [item]}, mentions=["meta"])
    assert "nested" in error["message"], error


def test_deeply_nested_body_is_400(api: Api) -> None:
    body = b'{"filter": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    check_error(_raw(api, LIST, body), 400, emulator_wording=["nested too deeply"], emulator=True)


@pytest.mark.parametrize(
    "text", [b'{"limit": NaN}', b'{"limit": Infinity}', b'{"limit": -Infinity}', b"\xff\xfe{}", b'{"a": 1'], ids=str
)
def test_bodies_that_are_not_strict_json_are_400(api: Api, text: bytes) -> None:
    check_error(_raw(api, LIST, text), 400, emulator_wording=["not valid JSON"], emulator=True)


# ---------------------------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("raw_item", "mentions"),
    [
        (b'{"instanceType": "node", "space": "SPACE", "externalId": "a\\ud800b"}', ["externalId"]),
        (b'{"instanceType": "node", "space": "SPACE", "externalId": "\\udfff"}', ["externalId"]),
        (b'{"instanceType": "node", "space": "SPACE", "externalId": "ok", "\\ud83d": 1}', []),
    ],
    ids=["lone-high", "lone-low", "in-a-key"],
)
def test_lone_surrogates_are_400(api: Api, space: str, raw_item: bytes, mentions: list[str]) -> None:
    body = b'{"items": [' + raw_item.replace(b"SPACE", space.encode()) + b"]}"
    response = _raw(api, "/models/instances", body)
    error = check_error(response, 400, mentions=mentions, emulator_wording=["surrogate"], emulator=True)
    assert "items[0]" in error["message"], error


def test_lone_surrogate_in_a_property_value_is_400(api: Api, schema_space: str) -> None:
    space = schema_space
    item = json.dumps(node_write(space, "s", view_ref(space, "Pump"), {"name": "NAME"}))
    body = ('{"items": [' + item.replace("NAME", "\\udc80") + "]}").encode()
    error = check_error(_raw(api, "/models/instances", body), 400, mentions=["name"], emulator=True)
    assert "surrogate" in error["message"], error


def test_a_surrogate_pair_is_a_character(api: Api, space: str) -> None:
    body = '{"items": [{"instanceType": "node", "space": "SPACE", "externalId": "\\ud83d\\ude00"}]}'
    body = body.replace("SPACE", space)
    assert _raw(api, "/models/instances", body.encode()).status_code == 200
    got = api.post("/models/instances/byids", {"items": [{"space": space, "externalId": "\U0001f600"}]})
    assert [item["externalId"] for item in got["items"]] == ["\U0001f600"]


@pytest.mark.parametrize(
    ("path", "body", "mentions"),
    [
        ("/models/spaces", {"items": [{"space": "relsec\n"}]}, ["space"]),
        ("/models/containers", {"items": [{"space": "SPACE", "externalId": "C\n", "properties": {}}]}, ["externalId"]),
        (
            "/models/views",
            {"items": [{"space": "SPACE", "externalId": "V", "version": "v1\n", "properties": {}}]},
            ["version"],
        ),
        (
            "/models/containers",
            {"items": [{"space": "SPACE", "externalId": "C", "properties": {"p\n": {"type": {"type": "text"}}}}]},
            ["p"],
        ),
        (
            "/models/instances",
            {"items": [{"instanceType": "node", "space": "SPACE", "externalId": "x" * 256 + "\n"}]},
            [],
        ),
    ],
    ids=["space", "container", "version", "property", "instance-257-chars"],
)
def test_identifiers_with_a_trailing_newline_are_400(
    api: Api, space: str, path: str, body: dict[str, Any], mentions: list[str]
) -> None:
    text = json.dumps(body).replace("SPACE", space)
    check_error(_raw(api, path, text.encode()), 400, mentions=mentions, emulator=True)


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("lastSeen", "2024-01-01T00:00:00.000Z\n"),
        ("installed", "2024-01-31\n"),
        ("installed", "٢٠٢٤-٠١-٣١"),  # Arabic-Indic digits
    ],
    ids=["timestamp-newline", "date-newline", "date-other-digits"],
)
def test_times_must_be_exactly_iso(api: Api, schema_space: str, prop: str, value: str) -> None:
    space = schema_space
    item = node_write(space, "t", view_ref(space, "Pump"), {"name": "n", prop: value})
    api.post_error("/models/instances", {"items": [item]}, mentions=[prop])


# ---------------------------------------------------------------------------------------------- request size


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    from pygen.emulator import _app

    monkeypatch.setattr(_app, "MAX_BODY", 1024 * 1024)
    return _app.MAX_BODY


def test_body_over_the_limit_is_413(api: Api, small_limit: int) -> None:
    body = json.dumps({"items": [{"space": "x" * 1000}] * 1100}).encode()
    assert len(body) > small_limit
    error = check_error(_raw(api, "/models/spaces", body), 413, emulator_wording=["limit"], emulator=True)
    assert str(small_limit) in error["message"]


def test_streamed_body_over_the_limit_is_413(api: Api, small_limit: int) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: only the streaming cap can stop it
        yield b'{"items": ['
        for _ in range(small_limit // 1000 + 10):
            yield b'{"space": "' + b"y" * 1000 + b'"},'
        yield b'{"space": "z"}]}'

    request = api.client.build_request("POST", "/models/spaces", content=chunks())
    assert "content-length" not in request.headers
    check_error(api.client.send(request), 413, emulator_wording=["limit"], emulator=True)


def _exchange(conn: socket.socket, head: str) -> tuple[bytes, bytes]:
    """Send a request head (and no body); read one response: its status line and its body."""
    conn.sendall(head.encode())
    answer = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        answer += chunk
        head_part, sep, body = answer.partition(b"\r\n\r\n")
        length = [line for line in head_part.split(b"\r\n") if line.lower().startswith(b"content-length:")]
        if sep and length and len(body) >= int(length[0].split(b":")[1]):
            break
    return answer.partition(b"\r\n")[0], answer.partition(b"\r\n\r\n")[2]


def _head(host: str, length: str) -> str:
    return (
        f"POST /api/v1/projects/p/models/instances HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )


@pytest.mark.slow
@pytest.mark.once  # the emulator's process and CLI: see tests/emulator/conftest.py
def test_content_length_is_judged_before_the_body() -> None:
    from pygen.emulator.testing import EmulatorProcess

    with EmulatorProcess("--token", TOKEN) as process:
        host, port = process.base_url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            # 10 GB announced and no body sent: the answer must not wait for it.
            status_line, body = _exchange(conn, _head(host, "10000000000"))
        assert b" 413 " in status_line, status_line
        check_error_shape(json.loads(body), 413)
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            # Malformed framing: the HTTP server itself answers (a plain 400, before the app; README).
            status_line, _ = _exchange(conn, _head(host, "12abc"))
        assert b" 400 " in status_line, status_line


# ---------------------------------------------------------------------------------------------- 500s


def test_a_server_bug_is_a_500_without_internals(caplog: pytest.LogCaptureFixture) -> None:
    from pygen.emulator import create_app
    from pygen.emulator.testing import SyncASGITransport

    app = create_app(emulator_settings())

    def broken(body: dict[str, Any]) -> dict[str, Any]:
        raise sqlite3.OperationalError("secret sqlite detail: expression tree is too large")

    app.emulator.instances.list_instances = broken  # type: ignore[method-assign]
    client = httpx.Client(transport=SyncASGITransport(app), base_url=PROJECT_URL)
    with client, caplog.at_level(logging.ERROR, logger="pygen.emulator"):
        response = client.post(LIST, json={}, headers={"Authorization": f"Bearer {TOKEN}"})
    error = check_error(response, 500, emulator_wording=["internal emulator error"], emulator=True)
    for secret in ("OperationalError", "sqlite", "expression tree"):
        assert secret not in error["message"], error
    request_id = response.headers["x-request-id"]
    assert request_id in error["message"]
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert request_id in logged and "OperationalError" in "".join(
        str(record.exc_info[1].__class__.__name__) for record in caplog.records if record.exc_info
    )


def test_a_server_bug_outside_the_api_handlers_is_a_json_500(caplog: pytest.LogCaptureFixture) -> None:
    from pygen.emulator import create_app
    from pygen.emulator.testing import SyncASGITransport

    app = create_app(emulator_settings())

    def broken(body: bytes, authorization: str | None) -> tuple[int, dict[str, object]]:
        raise KeyError("secret internal key")

    app.emulator.auth.issue = broken  # type: ignore[method-assign]
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://emulator") as client:
        with caplog.at_level(logging.ERROR, logger="pygen.emulator"):
            response = client.post("/oauth2/token", data={"grant_type": "client_credentials"})
    error = check_error(response, 500, emulator_wording=["internal emulator error"], emulator=True)
    assert "KeyError" not in error["message"] and "secret" not in error["message"], error
    assert response.headers["x-request-id"] in error["message"]
    assert any(response.headers["x-request-id"] in record.getMessage() for record in caplog.records)


def test_settings_that_lock_everyone_out_are_refused() -> None:
    from pygen.emulator import EmulatorSettings, create_app

    with pytest.raises(ValueError, match="token"):
        create_app(EmulatorSettings(token=""))
    with pytest.raises(ValueError, match="token_ttl_seconds"):
        create_app(EmulatorSettings(token_ttl_seconds=0))


# ---------------------------------------------------------------------------------------------- the CLI


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pygen", "emulator", "--port", "0", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def _one_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def _missing_folder(tmp: Path) -> Path:
    return tmp / "no" / "such" / "folder.db"


def _directory(tmp: Path) -> Path:
    return tmp


def _not_a_database(tmp: Path) -> Path:
    (tmp / "text.db").write_text("not sqlite at all, just text")
    return tmp / "text.db"


def _corrupt_rows(tmp: Path) -> Path:
    path = tmp / "corrupt.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE schema_objects (seq INTEGER PRIMARY KEY, kind TEXT, skey TEXT, body TEXT)")
        conn.execute("INSERT INTO schema_objects (kind, skey, body) VALUES ('space', 'x', '{not json')")
    conn.close()
    return path


@pytest.mark.slow
@pytest.mark.once  # the emulator's process and CLI: see tests/emulator/conftest.py
@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_missing_folder, ["does not exist"]),
        (_directory, ["is a directory"]),
        (_not_a_database, ["not a usable"]),
        (_corrupt_rows, ["corrupt", "row 1"]),
    ],
    ids=["missing-folder", "directory", "not-a-database", "corrupt-rows"],
)
def test_db_problems_are_one_line_with_exit_code_2(
    tmp_path: Path, make: Callable[[Path], Path], words: list[str]
) -> None:
    target = make(tmp_path)
    _one_line(_cli("--token", TOKEN, "--db", str(target)), str(target), *words)


@pytest.mark.slow
@pytest.mark.once  # the emulator's process and CLI: see tests/emulator/conftest.py
def test_a_second_emulator_on_the_same_db_is_refused(tmp_path: Path) -> None:
    from pygen.emulator.testing import EmulatorProcess

    db = tmp_path / "shared.db"
    with EmulatorProcess("--token", TOKEN, "--db", str(db)):
        _one_line(_cli("--token", TOKEN, "--db", str(db)), "another pygen emulator", str(db))
    with EmulatorProcess("--token", TOKEN, "--db", str(db)) as again:  # the lock goes with the first process
        assert again.base_url


@pytest.mark.slow
@pytest.mark.once  # the emulator's process and CLI: see tests/emulator/conftest.py
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--token", ""], ["--token", "non-empty"]),
        (["--token", "two words"], ["--token", "without spaces"]),
        (["--client-id", "", "--client-secret", "s"], ["--client-id"]),
        (["--token", TOKEN, "--token-ttl", "0"], ["--token-ttl", "positive"]),
        (["--token", TOKEN, "--token-ttl", "-5"], ["--token-ttl", "positive"]),
    ],
    ids=["empty-token", "token-with-space", "empty-client-id", "ttl-0", "ttl-negative"],
)
def test_credentials_nobody_could_use_are_refused(args: list[str], words: list[str]) -> None:
    result = _cli(*args)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    for word in words:
        assert word in last, (word, last)


@pytest.mark.slow
@pytest.mark.once  # the emulator's process and CLI: see tests/emulator/conftest.py
@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_default_token_beyond_loopback_is_refused(host: str) -> None:
    _one_line(_cli("--host", host), host, "--token", "pygen-emulator")


@pytest.mark.slow
@pytest.mark.once  # the emulator's process and CLI: see tests/emulator/conftest.py
def test_beyond_loopback_with_a_token_starts() -> None:
    from pygen.emulator.testing import EmulatorProcess

    with EmulatorProcess("--host", "0.0.0.0", "--token", TOKEN) as process:
        assert process.base_url.startswith("http://0.0.0.0:")
