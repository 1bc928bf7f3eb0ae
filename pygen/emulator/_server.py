"""Running the emulator as an HTTP server on a socket (uvicorn): what ``pygen emulator`` starts."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import uvicorn

from pygen._uvicorn import SignalServer, listening_socket
from pygen.emulator._app import create_app
from pygen.emulator._loader import LoadError
from pygen.emulator._settings import DEFAULT_TOKEN, EmulatorSettings
from pygen.emulator._store import StoreError

__all__ = ["EmulatorStartError", "is_loopback", "listening_socket", "serve"]


class EmulatorStartError(Exception):
    """The emulator cannot start: a model or instance file it was given, its database, or its address."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` only serves this machine (``127.0.0.1``, ``::1``, ``localhost``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may be reachable from elsewhere
        return False


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
    server = SignalServer(config)
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()
        app.emulator.store.close()
