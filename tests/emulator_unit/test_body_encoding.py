"""Request body decoding (``Content-Encoding``) without a server: limits and combinations."""

from __future__ import annotations

import gzip
import zlib

import pytest

from pygen.emulator._app import MAX_INFLATED_BODY, decode_body
from pygen.emulator._errors import ApiError


def test_no_encoding_and_identity_pass_through() -> None:
    assert decode_body(b"{}", None) == b"{}"
    assert decode_body(b"{}", "identity") == b"{}"


def test_stacked_encodings_are_undone_last_first() -> None:
    body = b'{"items": []}'
    assert decode_body(gzip.compress(zlib.compress(body)), "deflate, gzip") == body


def test_a_body_that_inflates_beyond_the_limit_is_refused() -> None:
    bomb = gzip.compress(b"\0" * (MAX_INFLATED_BODY + 1024))
    with pytest.raises(ApiError) as caught:
        decode_body(bomb, "gzip")
    assert caught.value.status == 413 and "inflates to more than" in str(caught.value)
