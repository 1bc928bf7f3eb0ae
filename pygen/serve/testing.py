"""``pygen serve`` as a real process, for tests and benchmarks.

``ServeProcess(token="...", env={"PYGEN_SERVE_MAX_VIEWS": "50"})`` starts ``python -m pygen serve --port 0`` on a
free port for a ``with`` block; ``client()`` is then an httpx client with its base URL and token, and
``log_lines()`` what it logged (JSON lines).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import IO, Any

import httpx

from pygen.serve._server import LISTENING

__all__ = ["ServeProcess"]


class ServeProcess:
    """Run ``python -m pygen serve --port 0 ARGS...`` with ``env`` (added to this environment) for a ``with``
    block; ``token`` is given as ``PYGEN_SERVE_TOKEN`` unless None."""

    def __init__(
        self,
        *args: str,
        token: str | None = "serve-test-token-0123456789",
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 120.0,
    ) -> None:
        self.args = [str(arg) for arg in args]
        self.token = token
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.base_url = ""
        self.process: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client with the base URL and (when there is one) the bearer token set."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        kwargs.setdefault("timeout", 120.0)
        return httpx.Client(base_url=self.base_url, headers=headers, **kwargs)

    def __enter__(self) -> ServeProcess:
        self._stderr = tempfile.TemporaryFile()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        if self.token is not None:
            env["PYGEN_SERVE_TOKEN"] = self.token
        command = [sys.executable, "-m", "pygen", "serve", "--port", "0", *self.args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=env)
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None

        def read() -> None:
            for line in stdout:
                lines.put(line)
            lines.put("")

        threading.Thread(target=read, daemon=True).start()
        try:
            first = lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            self.stop()
            raise RuntimeError(f"pygen serve did not start within {self.startup_timeout} s\n{self.stderr()}") from None
        if not first.startswith(LISTENING):
            self.stop()
            raise RuntimeError(f"pygen serve did not start: {first!r}\n{self.stderr()}")
        self.base_url = first[len(LISTENING) :].strip()
        return self

    def stderr(self) -> str:
        """What the process wrote to stderr so far."""
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far (a line that is not JSON fails: every line must be)."""
        return [json.loads(line) for line in self.stderr().splitlines() if line.strip()]

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, then wait (then kill); returns the exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
