"""Debug logging of HTTP traffic with secrets removed.

All messages go to the ``pygen.transport`` logger. Turn them on with
``logging.getLogger("pygen.transport").setLevel(logging.DEBUG)``. Request lines carry method, URL,
status, elapsed time, attempt and ``x-request-id``. Credentials are replaced by ``"***"`` before
anything is formatted: the Authorization header, ``client_secret`` in token requests and
``access_token`` in token responses. Debug logs end up in bug reports, so this holds at every level.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

__all__ = ["REDACTED", "logger", "redact_form", "redact_headers", "redact_json_text"]

logger = logging.getLogger("pygen.transport")

REDACTED = "***"

SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "api-key", "x-api-key"})
SENSITIVE_FIELDS = frozenset(
    {"client_secret", "access_token", "refresh_token", "id_token", "password", "client_assertion", "assertion"}
)


def redact_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` that is safe to log (credential headers become ``***``)."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: (REDACTED if name.lower() in SENSITIVE_HEADERS else value) for name, value in items}


def redact_form(body: bytes | str) -> str:
    """A form-encoded body (a token request) with secret fields replaced; unparseable -> a placeholder."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        # Cannot tell which part is secret, so show none of it.
        return f"<{len(text)} characters, not form-encoded>"
    return urlencode([(key, REDACTED if key.lower() in SENSITIVE_FIELDS else value) for key, value in pairs])


def redact_json_text(body: bytes | str) -> str:
    """A JSON body (a token response) with secret fields replaced at any depth; non-JSON -> a placeholder."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        return f"<{len(text)} characters, not JSON>"
    return json.dumps(_redact_value(data), sort_keys=True)


def _redact_value(value: object) -> object:
    if isinstance(value, dict):
        return {
            key: (REDACTED if isinstance(key, str) and key.lower() in SENSITIVE_FIELDS else _redact_value(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    return value
