"""Running the emulator as an HTTP server on a socket (uvicorn): what ``pygen emulator`` starts."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import signal
import socket
import threading
from collections.abc import Generator
from types import FrameType

import uvicorn

from pygen.emulator._app import create_app
from pygen.emulator._loader import LoadError
from pygen.emulator._settings import DEFAULT_TOKEN, EmulatorSettings
from pygen.emulator._store import StoreError

__all__ = ["EmulatorStartError", "is_loopback", "listening_socket", "serve"]


class EmulatorStartError(Exception):
    """The emulator cannot start: a model or instance file it was given, its database, or its address."""


class _Server(uvicorn.Server):
    """uvicorn's server, but SIGINT/SIGTERM just stop it (uvicorn would re-raise the signal afterwards)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self._on_signal) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)

    def _on_signal(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True


def is_loopback(host: str) -> bool:
    """Whether ``host`` only serves this machine (``127.0.0.1``, ``::1``, ``localhost``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may be reachable from elsewhere
        return False


def listening_socket(host: str) -> socket.socket:
    """The server's socket (not yet bound). TCP by protocol number, not 0: asyncio turns TCP_NODELAY on for
    the connections of a TCP socket only, and without it every response on a kept-alive connection waits
    about 40 ms for the client's delayed ACK (Nagle)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


def serve(settings: EmulatorSettings, host: str, port: int) -> None:
    """Serve the emulator on ``host:port`` (0: any free port) until SIGINT/SIGTERM.

    Prints ``pygen emulator listening on http://HOST:PORT`` (and the default token when no credentials are set)
    once it accepts connections. Raises :class:`EmulatorStartError` when it cannot start.
    """
    try:
        app = create_app(settings)
    except (LoadError, StoreError) as exc:
        raise EmulatorStartError(str(exc)) from None
    sock = listening_socket(host)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        app.emulator.store.close()
        raise EmulatorStartError(f"cannot bind {host}:{port}: {exc}") from None
    sock.listen(128)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
    print(f"pygen emulator listening on http://{shown}:{bound}", flush=True)
    if settings.token is None and settings.client_id is None:
        print(f"token: {DEFAULT_TOKEN}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=5)
    server = _Server(config)
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()
        app.emulator.store.close()
