"""``pygen emulator``: a local server that behaves like CDF's Data Modeling Service.

Not part of the SDK runtime: it needs the ``emulator`` extra (starlette, uvicorn).

Example::

    from pygen.emulator import EmulatorSettings, create_app
    app = create_app(EmulatorSettings(token="secret"))
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
