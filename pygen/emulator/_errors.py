"""The one exception the emulator raises for an API error, rendered in CDF's error shape."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any


class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message", "missing"?, "duplicated"?}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        missing: Sequence[dict[str, Any]] | None = None,
        duplicated: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.missing = list(missing) if missing else []
        self.duplicated = list(duplicated) if duplicated else []

    def body(self) -> dict[str, Any]:
        """The JSON body CDF sends for this error."""
        error: dict[str, Any] = {"code": self.status, "message": self.message}
        if self.missing:
            error["missing"] = self.missing
        if self.duplicated:
            error["duplicated"] = self.duplicated
        return {"error": error}


def bad_request(message: str, **kwargs: Any) -> ApiError:
    """A 400 with CDF's wording for a rejected request."""
    return ApiError(400, message, **kwargs)


def show(value: object, limit: int = 200) -> str:
    """``value`` as JSON for a message (``false``, ``null``, ``"text"``: never a Python repr), cut at ``limit``
    characters. Non-ASCII is escaped, so a lone surrogate from the request cannot break the answer."""
    try:
        text = json.dumps(value, separators=(", ", ": "), default=str)
    except (ValueError, RecursionError):  # a circular or too deeply nested value
        text = "<value>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
