"""Running ``pygen serve``: the workers, then uvicorn on a socket, until SIGTERM or SIGINT.

A stop is graceful: uvicorn stops accepting connections, lets the requests under way finish (at most
``shutdown-timeout`` seconds), and then the workers are stopped. A second signal stops at once.
"""

from __future__ import annotations

import asyncio
import math
import signal
import socket

import uvicorn

from pygen._uvicorn import SignalServer, listening_socket
from pygen._version import __version__
from pygen.errors import PygenError
from pygen.serve._app import Service, create_app
from pygen.serve._log import configure_logging, log_event
from pygen.serve._settings import ServeSettings, check_startable

__all__ = ["ServeStartError", "serve"]

#: The first line ``pygen serve`` prints on stdout once it accepts connections (tests and scripts wait for it).
LISTENING = "pygen serve listening on "


class ServeStartError(PygenError):
    """The service cannot start: its settings, its address, or its workers."""


def _bind(host: str, port: int) -> socket.socket:
    sock = listening_socket(host)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeStartError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(512)
    return sock


def _stopping(sig: int) -> None:
    log_event("stopping", signal=signal.Signals(sig).name)


def serve(settings: ServeSettings) -> None:
    """Serve until stopped. Prints ``pygen serve listening on http://HOST:PORT`` on stdout when ready; logs JSON
    lines on stderr. Raises :class:`ServeStartError` when it cannot start."""
    try:
        check_startable(settings)
    except PygenError as exc:
        raise ServeStartError(str(exc)) from None
    configure_logging()
    service = Service(settings)
    sock = _bind(settings.host, settings.port)
    try:
        try:
            service.start()
        except RuntimeError as exc:
            raise ServeStartError(str(exc)) from None
        bound = sock.getsockname()[1]
        shown = f"[{settings.host}]" if sock.family == socket.AF_INET6 else settings.host
        log_event("started", version=__version__, url=f"http://{shown}:{bound}", settings=settings.public())
        print(f"{LISTENING}http://{shown}:{bound}", flush=True)
        config = uvicorn.Config(
            create_app(service),
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=max(1, math.ceil(settings.shutdown_timeout)),
            server_header=False,
            limit_concurrency=None,
        )
        asyncio.run(SignalServer(config, on_signal=_stopping).serve(sockets=[sock]))
    finally:
        sock.close()
        service.close()
        log_event("stopped")
