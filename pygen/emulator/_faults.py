"""Fault injection for ``/api/...`` requests: 429, 503, slow responses, dropped connections and lost answers."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import random
import uuid
from typing import Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pygen.emulator._errors import bad_request
from pygen.emulator._settings import FaultSettings


def parse_fault_settings(body: object) -> FaultSettings:
    """FaultSettings from a JSON object (missing fields take their defaults)."""
    if not isinstance(body, dict):
        raise bad_request("the fault settings must be a JSON object")
    names = {field.name: field for field in dataclasses.fields(FaultSettings)}
    unknown = sorted(set(body) - set(names))
    if unknown:
        raise bad_request(f"unknown fault settings {unknown}; known: {sorted(names)}")
    values: dict[str, Any] = {}
    for key, value in body.items():
        if key == "retry_after":
            if not isinstance(value, bool):
                raise bad_request("retry_after must be a boolean")
        elif key == "seed":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise bad_request("seed must be an integer or null")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise bad_request(f"{key} must be a non-negative number")
        elif key.startswith("rate_") and value > 1:
            raise bad_request(f"{key} must be between 0 and 1")
        values[key] = value
    return FaultSettings(**values)


class FaultInjector:
    """ASGI middleware in front of the app; the rates can be changed while it runs."""

    def __init__(self, app: ASGIApp, settings: FaultSettings) -> None:
        self.app = app
        self.configure(settings)

    def configure(self, settings: FaultSettings) -> None:
        self.settings = settings
        self.rng = random.Random(settings.seed)

    def choose(self) -> str | None:
        """Pick the fault for one request (``None`` = answer normally)."""
        settings = self.settings
        roll = self.rng.random()
        for name, rate in (
            ("drop", settings.rate_drop),
            ("lost", settings.rate_lost),
            ("429", settings.rate_429),
            ("503", settings.rate_503),
            ("slow", settings.rate_slow),
        ):
            if roll < rate:
                return name
            roll -= rate
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith("/api/"):
            await self.app(scope, receive, send)
            return
        fault = self.choose()
        if fault is None:
            await self.app(scope, receive, send)
        elif fault == "slow":
            await asyncio.sleep(self.settings.slow_seconds)
            await self.app(scope, receive, send)
        elif fault == "drop":
            await _drain(receive)
            await self._drop(receive, send)
        elif fault == "lost":
            # Carry the request out (the app reads the body and stores what it says), throw the answer away.
            async def discard(message: Message) -> None:
                pass

            await self.app(scope, receive, discard)
            await self._drop(receive, send)
        else:
            status = int(fault)
            message = (
                "Too many requests: the emulator injected a 429 fault"
                if status == 429
                else "Service unavailable: the emulator injected a 503 fault"
            )
            headers = [(b"content-type", b"application/json"), (b"x-request-id", uuid.uuid4().hex[:16].encode())]
            if status == 429 and self.settings.retry_after:
                headers.append((b"retry-after", b"1"))
            payload = json.dumps({"error": {"code": status, "message": message}}).encode()
            await _drain(receive)
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": payload})

    @staticmethod
    async def _drop(receive: Receive, send: Send) -> None:
        """Close the connection without an answer (the request body has been read)."""
        # Under uvicorn, ``send`` is bound to the request cycle, which holds the connection's transport:
        # aborting it closes the socket without a response, as a failing proxy would.
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is not None:
            transport.abort()
            # Wait until uvicorn notices the disconnect, so it neither answers nor logs a missing response.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(receive(), timeout=1.0)
            return
        # In-process (httpx.ASGITransport / TestClient) there is no socket: raise what httpx raises.
        raise httpx.RemoteProtocolError("Server disconnected without sending a response (emulated fault)")


async def _drain(receive: Receive) -> None:
    while True:
        message: Message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
