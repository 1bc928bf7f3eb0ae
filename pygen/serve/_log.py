"""Structured logs: one JSON object per line on stderr, from the service and from uvicorn alike.

What the service logs is chosen field by field (method, path, status, timings, model ids, sizes, the cache): a
log line never holds a header value (so no token), a request body, or model content beyond the models' ids.
Errors are logged by exception type and the places in the code, without their message (which could quote
the input).
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from typing import Any

__all__ = ["JsonFormatter", "configure_logging", "log_event", "logger"]

logger = logging.getLogger("pygen.serve")
_MAX_TEXT = 200


class JsonFormatter(logging.Formatter):
    """``{"time": ..., "level": ..., "logger": ..., "event": ..., ...fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line["event"] = record.getMessage()
            line.update(fields)
        else:  # another library's message (uvicorn's start and stop lines)
            line["event"] = "log"
            line["message"] = _short(record.getMessage())
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            line["where"] = [f"{frame.filename}:{frame.lineno}" for frame in traceback.extract_tb(record.exc_info[2])]
        return json.dumps(line, ensure_ascii=True, default=str)


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def configure_logging(level: int = logging.INFO) -> None:
    """Send ``pygen.serve``'s and uvicorn's records to stderr as JSON lines (uvicorn's access log stays off)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("pygen.serve", "uvicorn", "uvicorn.error"):
        target = logging.getLogger(name)
        target.handlers = [handler] if name != "uvicorn.error" else []
        target.setLevel(level if name == "pygen.serve" else logging.WARNING)
        target.propagate = name == "uvicorn.error"
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)


def log_event(event: str, *, level: int = logging.INFO, exc_info: bool = False, **fields: Any) -> None:
    """Log ``event`` with ``fields`` (values the service chose; strings are cut to 200 characters)."""
    cleaned = {key: _short(value) if isinstance(value, str) else value for key, value in fields.items()}
    logger.log(level, event, extra={"fields": cleaned}, exc_info=exc_info)
