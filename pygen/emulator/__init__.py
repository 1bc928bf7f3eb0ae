"""``pygen emulator``: a local server that behaves like CDF's Data Modeling Service.

Not part of the SDK runtime: it needs the ``emulator`` extra (starlette, uvicorn).

Example:
    The ASGI app, served here in process through httpx (``pygen emulator`` serves it on a port):

    >>> import asyncio
    >>> import httpx
    >>> from pygen.emulator import EmulatorSettings, create_app
    >>> app = create_app(EmulatorSettings(token="secret"))
    >>> async def status() -> int:
    ...     async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
    ...         return (await client.get("/api/v1/projects/any/models/spaces")).status_code
    >>> asyncio.run(status())  # a request without the token
    401
"""

from pygen.emulator._app import EmulatorApp, create_app
from pygen.emulator._server import EmulatorStartError, is_loopback, serve
from pygen.emulator._settings import DEFAULT_TOKEN, EmulatorSettings, FaultSettings

__all__ = [
    "DEFAULT_TOKEN",
    "EmulatorApp",
    "EmulatorSettings",
    "EmulatorStartError",
    "FaultSettings",
    "create_app",
    "is_loopback",
    "serve",
]
