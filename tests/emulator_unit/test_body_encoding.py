"""Request body decoding (``Content-Encoding``) without a server, and the server socket."""

from __future__ import annotations

import gzip
import zlib

import pytest

from pygen.emulator._app import decode_body
from pygen.emulator._errors import ApiError


def test_no_encoding_and_identity_pass_through() -> None:
    assert decode_body(b"{}", None) == b"{}"
    assert decode_body(b"{}", "identity") == b"{}"


def test_stacked_encodings_are_undone_last_first() -> None:
    body = b'{"items": []}'
    assert decode_body(gzip.compress(zlib.compress(body)), "deflate, gzip") == body


def test_a_body_that_inflates_beyond_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from pygen.emulator import _app

    monkeypatch.setattr(_app, "MAX_INFLATED_BODY", 1024 * 1024)
    bomb = gzip.compress(b"\0" * (_app.MAX_INFLATED_BODY + 1024))
    assert len(bomb) < 2048  # what makes it a bomb
    with pytest.raises(ApiError) as caught:
        decode_body(bomb, "gzip")
    assert caught.value.status == 413 and "inflates to more than" in str(caught.value)


def test_the_server_socket_is_tcp_so_connections_get_no_delay() -> None:
    import socket

    from pygen.emulator._server import listening_socket

    with listening_socket("127.0.0.1") as sock:
        # asyncio sets TCP_NODELAY on accepted connections only when the listening socket's protocol is TCP.
        assert sock.proto == socket.IPPROTO_TCP
