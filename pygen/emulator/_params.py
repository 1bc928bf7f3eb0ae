"""Request plumbing the endpoints share: the ``limit`` and true/false query parameters of the GET lists,
the opaque cursors that lists, query and sync hand out and take back, and the millisecond clock behind
``createdTime``/``lastUpdatedTime``."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from pygen.emulator._errors import bad_request, show


def now_ms() -> int:
    return int(time.time() * 1000)


def encode_cursor(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: object) -> dict[str, Any]:
    if not isinstance(cursor, str):
        raise bad_request("cursor must be a string")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError as exc:
        raise bad_request(f"Invalid cursor {show(cursor)}") from exc
    if not isinstance(payload, dict):
        raise bad_request(f"Invalid cursor {show(cursor)}")
    return payload


def body_flag(body: dict[str, Any], name: str, default: bool = False, where: str = "") -> bool:
    """A true/false member of a JSON body (``where``: the prefix naming the object it is in)."""
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad_request(f"{where}{name} must be true or false, got {show(value)}")
    return value


def bool_param(params: dict[str, str], name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None:
        return default
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise bad_request(f"Query parameter {name} must be true or false, got {show(value)}")


def limit_param(params: dict[str, str], default: int = 10, maximum: int = 1000) -> int:
    value = params.get("limit")
    if value is None:
        return default
    try:
        limit = int(value)
    except ValueError as exc:
        raise bad_request(f"limit must be an integer, got {show(value)}") from exc
    if not 1 <= limit <= maximum:
        raise bad_request(f"limit must be between 1 and {maximum}, got {limit}")
    return limit
