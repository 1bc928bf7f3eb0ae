"""Helpers for tests: the emulator as a real process, or in-process httpx clients.

``EmulatorProcess("--model-file", path)`` starts ``pygen emulator`` on a free port for a ``with`` block (its
``client()`` then talks to it); the in-process clients need no port, no process.

Example:
    >>> from pygen.emulator.testing import asgi_client
    >>> with asgi_client() as client:
    ...     client.get("/api/v1/projects/any/models/spaces", headers={"Authorization": "Bearer pygen-emulator"}).json()
    {'items': []}
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

from pygen._process import ListeningProcess
from pygen.emulator._app import create_app
from pygen.emulator._settings import DEFAULT_TOKEN, EmulatorSettings

_PREFIX = "pygen emulator listening on "


class EmulatorProcess(ListeningProcess):
    """Run ``python -m pygen emulator --port 0 ARGS...`` for the duration of a ``with`` block."""

    def __init__(self, *args: str, startup_timeout: float = 30.0) -> None:
        super().__init__("emulator", args, prefix=_PREFIX, name="the emulator", startup_timeout=startup_timeout)
        self.token = self._arg("--token") or ("" if self._arg("--client-id") else DEFAULT_TOKEN)

    def _arg(self, name: str) -> str | None:
        if name in self.args:
            index = self.args.index(name)
            return self.args[index + 1] if index + 1 < len(self.args) else None
        return None

    def project_url(self, project: str = "emulated") -> str:
        """The base of API paths for ``project`` (any project name works)."""
        return f"{self.base_url}/api/v1/projects/{project}"

    def client(self, **kwargs: object) -> httpx.Client:
        """An httpx client with the base URL and the bearer token set."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, **kwargs)  # type: ignore[arg-type]

    def _startup_detail(self) -> str:
        text = self.stderr().strip()
        return f"\nstderr:\n{text}" if text else ""


class SyncASGITransport(httpx.BaseTransport):
    """Drive an ASGI app from sync code: an event loop in a daemon thread runs httpx's ASGI transport."""

    def __init__(self, app: Any) -> None:
        self._async = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=content)

        async def send() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            response = await self._async.handle_async_request(forwarded)
            body = await response.aread()
            return response.status_code, list(response.headers.raw), body

        status, headers, body = asyncio.run_coroutine_threadsafe(send(), self._loop).result()
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop.close()


def asgi_client(settings: EmulatorSettings | None = None) -> httpx.Client:
    """A sync httpx client wired to an in-process emulator (no socket); no auth header is preset."""
    transport = SyncASGITransport(create_app(settings or EmulatorSettings()))
    return httpx.Client(transport=transport, base_url="http://emulator")


def async_asgi_client(settings: EmulatorSettings | None = None) -> httpx.AsyncClient:
    """An async httpx client wired to an in-process emulator (no socket); no auth header is preset."""
    transport = httpx.ASGITransport(app=create_app(settings or EmulatorSettings()))
    return httpx.AsyncClient(transport=transport, base_url="http://emulator")
