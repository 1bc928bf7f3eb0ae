"""``pygen serve`` as a real process, for tests and benchmarks.

``ServeProcess(token="...", env={"PYGEN_SERVE_MAX_VIEWS": "50"})`` starts ``python -m pygen serve --port 0`` on a
free port for a ``with`` block; ``client()`` is then an httpx client with its base URL and token, and
``log_lines()`` what it logged (JSON lines).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from pygen._process import ListeningProcess
from pygen.serve._server import LISTENING

__all__ = ["ServeProcess"]


class ServeProcess(ListeningProcess):
    """Run ``python -m pygen serve --port 0 ARGS...`` with ``env`` (added to this environment) for a ``with``
    block; ``token`` is given as ``PYGEN_SERVE_TOKEN`` unless None."""

    stop_timeout = 30.0

    def __init__(
        self,
        *args: str,
        token: str | None = "serve-test-token-0123456789",
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 120.0,
    ) -> None:
        super().__init__("serve", args, prefix=LISTENING, name="pygen serve", startup_timeout=startup_timeout, env=env)
        self.token = token

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client with the base URL and (when there is one) the bearer token set."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        kwargs.setdefault("timeout", 120.0)
        return httpx.Client(base_url=self.base_url, headers=headers, **kwargs)

    def _environment(self) -> dict[str, str]:
        env = super()._environment()
        if self.token is not None:
            env["PYGEN_SERVE_TOKEN"] = self.token
        return env

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far (a line that is not JSON fails: every line must be)."""
        return [json.loads(line) for line in self.stderr().splitlines() if line.strip()]
