"""``pygen serve``: SDK generation as an HTTP service.

``POST /v1/generate`` answers the generated package (a ``.tar.gz`` or ``.zip`` of the tree ``pygen generate``
writes, a wheel, or an npm package), ``POST /v1/validate`` every diagnostic (the report of ``pygen validate
--format json``), for data models sent inline or fetched by id from the service's CDF project. Every request
needs a token; sizes, time and concurrency are bounded; identical requests are answered from a cache. The
manual: ``pygen/serve/README.md``.

Not part of the SDK runtime: it needs the ``service`` extra (the generator, fetch, starlette, uvicorn).

Example:
    The settings, from a TOML file and the environment (here a dict):

    >>> from pygen.serve import load_settings
    >>> settings = load_settings(environ={"PYGEN_SERVE_TOKEN": "a-long-enough-secret", "PYGEN_SERVE_MAX_VIEWS": "500"})
    >>> settings.max_views, settings.port, settings.token is not None, "a-long" in repr(settings)
    (500, 8080, True, False)
"""

from pygen.serve._app import Service, create_app
from pygen.serve._requests import GenerateRequest, ValidateRequest
from pygen.serve._server import LISTENING, ServeStartError, serve
from pygen.serve._settings import SETTINGS_HELP, ServeSettings, SettingsError, load_settings

__all__ = [
    "LISTENING",
    "SETTINGS_HELP",
    "GenerateRequest",
    "ServeSettings",
    "ServeStartError",
    "Service",
    "SettingsError",
    "ValidateRequest",
    "create_app",
    "load_settings",
    "serve",
]
