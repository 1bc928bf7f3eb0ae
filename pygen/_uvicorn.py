"""What pygen's two servers (``pygen emulator``, ``pygen serve``) share about running uvicorn on a socket.

Imports uvicorn, so only those two import this module (their extras bring uvicorn).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Generator
from types import FrameType

import uvicorn

__all__ = ["SignalServer", "listening_socket"]


class SignalServer(uvicorn.Server):
    """uvicorn's server, but SIGINT/SIGTERM only stop it (uvicorn would raise the signal again afterwards): the
    first lets the requests under way finish (uvicorn's graceful shutdown; ``on_signal`` hears it), a second
    stops at once."""

    def __init__(self, config: uvicorn.Config, on_signal: Callable[[int], None] | None = None) -> None:
        super().__init__(config)
        self._on_first_signal = on_signal

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
        elif self._on_first_signal is not None:
            self._on_first_signal(sig)
        self.should_exit = True


def listening_socket(host: str) -> socket.socket:
    """The server's socket (not yet bound). TCP by protocol number, not 0: asyncio turns TCP_NODELAY on for
    the connections of a TCP socket only, and without it every response on a kept-alive connection waits
    about 40 ms for the client's delayed ACK (Nagle)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock
