"""What the test harnesses of pygen's two servers share: ``python -m pygen <command> --port 0`` as a child process.

``pygen.emulator.testing.EmulatorProcess`` and ``pygen.serve.testing.ServeProcess`` subclass
:class:`ListeningProcess`: it starts the server on a free port with ``PYTHONUNBUFFERED=1``, a thread reads its
stdout, the first line must be ``<prefix><base URL>`` within the startup time limit (else the process is stopped
and ``RuntimeError`` says why, with what it wrote to stderr, which goes to a temporary file); leaving the ``with``
block stops it (SIGTERM, then SIGKILL when it does not end in time).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import IO, TypeVar

__all__ = ["ListeningProcess"]

_Self = TypeVar("_Self", bound="ListeningProcess")


class ListeningProcess:
    """Run ``python -m pygen COMMAND --port 0 ARGS...`` for the duration of a ``with`` block.

    ``prefix`` starts the line the server prints once it listens (the base URL follows it); ``name`` is what the
    startup errors call the server; ``env`` is added to this process's environment.
    """

    stop_timeout = 10.0
    """How long leaving the ``with`` block waits after SIGTERM before it kills the process."""

    def __init__(
        self,
        command: str,
        args: Sequence[str],
        *,
        prefix: str,
        name: str,
        startup_timeout: float,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.args = [str(arg) for arg in args]
        self.startup_timeout = startup_timeout
        self.base_url = ""
        self.process: subprocess.Popen[str] | None = None
        self.env = dict(env or {})
        self._command = command
        self._prefix = prefix
        self._name = name
        self._stderr: IO[bytes] | None = None

    def __enter__(self: _Self) -> _Self:
        self._stderr = tempfile.TemporaryFile()
        command = [sys.executable, "-m", "pygen", self._command, "--port", "0", *self.args]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=self._environment()
        )
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
            self.stop(self.stop_timeout)
            raise RuntimeError(
                f"{self._name} did not start within {self.startup_timeout} s{self._startup_detail()}"
            ) from None
        if not first.startswith(self._prefix):
            self.stop(self.stop_timeout)
            raise RuntimeError(f"{self._name} did not start: {first!r}{self._startup_detail()}")
        self.base_url = first[len(self._prefix) :].strip()
        return self

    def _environment(self) -> dict[str, str]:
        """The child's environment: this one, unbuffered output, and ``env``."""
        return {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}

    def _startup_detail(self) -> str:
        """What a startup error adds after its first line: here, a newline and the whole stderr."""
        return f"\n{self.stderr()}"

    def stderr(self) -> str:
        """What the process wrote to stderr so far."""
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, then wait up to ``timeout`` seconds (then kill); returns the exit status."""
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
        self.stop(self.stop_timeout)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
