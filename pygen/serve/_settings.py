"""``pygen serve``'s configuration: defaults, then a TOML file (``--config``), then environment variables, then flags.

Every setting has one name, used as the TOML key (``max-views``) and, upper-cased with ``PYGEN_SERVE_`` in front
and ``_`` for ``-``, as its environment variable (``PYGEN_SERVE_MAX_VIEWS``). The CDF project the service fetches
models from is the TOML table ``[cdf]`` (the keys of ``[tool.pygen.cdf]``) or ``PYGEN_SERVE_CDF_<KEY>``.

Secrets are never read from the file: the service's own bearer token is ``PYGEN_SERVE_TOKEN``, the secret of its
OAuth client ``PYGEN_SERVE_CLIENT_SECRET``; the secret for CDF is found as the generator finds it
(``PYGEN_CLIENT_SECRET`` or ``PYGEN_TOKEN``, then the keyring).
"""

from __future__ import annotations

import difflib
import math
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pygen.errors import PygenError

if TYPE_CHECKING:
    from pygen.generator.config import CDFConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["ENV_PREFIX", "SETTINGS_HELP", "ServeSettings", "SettingsError", "load_settings"]

ENV_PREFIX = "PYGEN_SERVE_"
ENV_TOKEN = "PYGEN_SERVE_TOKEN"
ENV_CLIENT_SECRET = "PYGEN_SERVE_CLIENT_SECRET"
ENV_CONFIG = "PYGEN_SERVE_CONFIG"
_MIB = 1024 * 1024
_CDF_KEYS = ("cluster", "base-url", "project", "client-id", "tenant-id", "token-url", "scopes", "audience")
_SECRET_KEYS = {"token", "client-secret", "client_secret", "secret", "password", "api-key", "api_key"}


class SettingsError(PygenError):
    """A setting is wrong; the message names where it came from (file and key, or variable) and what is expected."""


def _default_concurrency() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ServeSettings:
    """Everything ``pygen serve`` is configured with (see :data:`SETTINGS_HELP` for each one's meaning)."""

    host: str = "127.0.0.1"
    port: int = 8080
    client_id: str | None = None
    token: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    token_ttl: int = 3600
    max_request_bytes: int = 16 * _MIB
    max_models: int = 10
    max_views: int = 1000
    max_properties: int = 20000
    generation_timeout: float = 60.0
    fetch_timeout: float = 60.0
    max_concurrency: int = field(default_factory=_default_concurrency)
    queue_timeout: float = 30.0
    max_waiting: int = 100
    cache_entries: int = 256
    cache_bytes: int = 256 * _MIB
    shutdown_timeout: float = 30.0
    model_cache_dir: str | None = None
    cdf: CDFConfig | None = None

    def public(self) -> dict[str, Any]:
        """The settings without secrets (whether each is set instead), as ``--print-config`` shows them."""
        shown: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in ("token", "client_secret"):
                shown[item.name] = "(set)" if value else None
            elif item.name == "cdf":
                shown["cdf"] = None if value is None else {"base_url": value.base_url, "project": value.project}
            else:
                shown[item.name] = value
        return shown


@dataclass(frozen=True)
class _Setting:
    name: str  # the TOML key
    kind: type
    help: str
    check: Callable[[Any], str | None] | None = None  # None when fine, else what is expected

    @property
    def attribute(self) -> str:
        return self.name.replace("-", "_")

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper().replace("-", "_")


def _positive(value: Any) -> str | None:
    return None if value > 0 and math.isfinite(value) else "a positive number"


def _not_negative(value: Any) -> str | None:
    return None if value >= 0 and math.isfinite(value) else "a number, 0 or more"


def _port(value: Any) -> str | None:
    return None if 0 <= value <= 65535 else "a port number from 0 to 65535 (0: any free port)"


def _not_blank(value: Any) -> str | None:
    return None if value.strip() else "a non-empty string"


#: The settings, in the order the README and ``--print-config`` list them.
SETTINGS: tuple[_Setting, ...] = (
    _Setting("host", str, "interface to listen on (0.0.0.0: every interface, as in a container)", _not_blank),
    _Setting("port", int, "port to listen on (0: any free port)", _port),
    _Setting(
        "client-id", str, "the OAuth client id POST /oauth2/token accepts (its secret: PYGEN_SERVE_CLIENT_SECRET)"
    ),
    _Setting("token-ttl", int, "lifetime in seconds of the tokens POST /oauth2/token issues", _positive),
    _Setting("max-request-bytes", int, "largest request body (larger: 413)", _positive),
    _Setting("max-models", int, "most data models in one request, inline and by id (more: 422)", _positive),
    _Setting("max-views", int, "most views in one request, over all its models (more: 422)", _positive),
    _Setting("max-properties", int, "most properties in one request, over all its views (more: 422)", _positive),
    _Setting("generation-timeout", float, "seconds one generation may take; then it is stopped (504)", _positive),
    _Setting("fetch-timeout", float, "seconds fetching the models of one request from CDF may take (504)", _positive),
    _Setting(
        "max-concurrency", int, "generations run at once, each in its own worker process (default: CPUs)", _positive
    ),
    _Setting(
        "queue-timeout", float, "seconds a request waits for a free worker; then 503 with Retry-After", _not_negative
    ),
    _Setting("max-waiting", int, "most requests waiting for a worker; one more gets 503 at once", _not_negative),
    _Setting("cache-entries", int, "most answers kept for identical requests (0: no cache)", _not_negative),
    _Setting("cache-bytes", int, "most bytes of answers kept for identical requests", _not_negative),
    _Setting("shutdown-timeout", float, "seconds a stop (SIGTERM) waits for requests under way", _not_negative),
    _Setting("model-cache-dir", str, "folder of models fetched by id (default: the user cache, PYGEN_CACHE_DIR)"),
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}

#: One line per setting: ``name (ENV): help``, for ``pygen serve --help`` and the README.
SETTINGS_HELP = "\n".join(f"  {s.name} ({s.env}): {s.help}" for s in SETTINGS)


def _convert(setting: _Setting, raw: Any, where: str, *, from_text: bool) -> Any:
    value: Any = raw
    expected = {int: "an integer", float: "a number", str: "a string"}[setting.kind]
    if from_text and setting.kind is not str:
        try:
            value = setting.kind(raw.strip())
        except ValueError:
            raise SettingsError(f"{where} must be {expected}, got {raw!r}") from None
    elif setting.kind is float and isinstance(raw, int) and not isinstance(raw, bool):
        value = float(raw)
    if not isinstance(value, setting.kind) or isinstance(value, bool):
        raise SettingsError(f"{where} must be {expected}, got {_show(raw)}")
    problem = setting.check(value) if setting.check is not None else None
    if problem is not None:
        raise SettingsError(f"{where} must be {problem}, got {_show(raw)}")
    return value


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"cannot read the configuration file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    return data


def _refuse_secrets(table: Mapping[str, Any], where: str) -> None:
    for key in table:
        if key.lower() in _SECRET_KEYS:
            raise SettingsError(
                f"{where} `{key}`: secrets never go into the configuration file; set {ENV_TOKEN} (the service's "
                f"bearer token), {ENV_CLIENT_SECRET} (its OAuth client), or PYGEN_CLIENT_SECRET / PYGEN_TOKEN / the "
                "keyring (CDF) instead"
            )


def _unknown(key: str, known: list[str], where: str) -> SettingsError:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return SettingsError(f"{where} `{key}` is not a known setting{hint}; known: {', '.join(known)}")


def _cdf_config(table: Mapping[str, Any], source: str) -> CDFConfig:
    """``[cdf]`` checked as ``[tool.pygen.cdf]`` is (the same keys and rules), its messages naming ``[cdf]``."""
    from pygen.generator.config import ConfigError, parse_config

    try:
        config = parse_config({"models": ["serve:model/1"], "cdf": dict(table)}, source=source)
    except ConfigError as exc:
        raise SettingsError(str(exc).replace("[tool.pygen.cdf]", "[cdf]").replace("[tool.pygen]", "[cdf]")) from None
    assert config.cdf is not None
    return config.cdf


def load_settings(
    config: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> ServeSettings:
    """The settings: defaults, then the TOML file ``config`` (or ``$PYGEN_SERVE_CONFIG``), then ``environ``
    (default ``os.environ``), then ``overrides`` (flags: ``host=``, ``port=``; ``None`` values are skipped).
    Raises :class:`SettingsError` naming the file and key or the variable of a wrong value."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    cdf_table: dict[str, Any] = {}
    cdf_sources: list[str] = []
    path_text = os.fspath(config) if config is not None else env.get(ENV_CONFIG, "").strip() or None
    if path_text is not None:
        path = Path(path_text)
        data = _read_toml(path)
        _refuse_secrets(data, f"{path}:")
        for key, raw in data.items():
            if key == "cdf":
                if not isinstance(raw, dict):
                    raise SettingsError(f"{path}: `cdf` must be a table ([cdf]) with the CDF project to fetch from")
                _refuse_secrets(raw, f"{path}: [cdf]")
                cdf_table.update(raw)
                cdf_sources.append(str(path))
                continue
            setting = _BY_NAME.get(key)
            if setting is None:
                raise _unknown(key, [*_BY_NAME, "cdf"], f"{path}:")
            values[setting.attribute] = _convert(setting, raw, f"{path}: `{key}`", from_text=False)
    for setting in SETTINGS:
        raw_text = env.get(setting.env)
        if raw_text is not None and raw_text.strip():
            values[setting.attribute] = _convert(setting, raw_text, setting.env, from_text=True)
    for key in _CDF_KEYS:
        raw_text = env.get(f"{ENV_PREFIX}CDF_{key.upper().replace('-', '_')}", "").strip()
        if raw_text:
            cdf_table[key] = raw_text.replace(",", " ").split() if key == "scopes" else raw_text
            cdf_sources.append(f"{ENV_PREFIX}CDF_*")
    for name, value in overrides.items():
        if value is not None:
            setting = _BY_NAME[name.replace("_", "-")]
            values[setting.attribute] = _convert(setting, value, f"--{setting.name}", from_text=False)
    token = env.get(ENV_TOKEN, "").strip() or None
    secret = env.get(ENV_CLIENT_SECRET, "").strip() or None
    cdf = _cdf_config(cdf_table, " and ".join(dict.fromkeys(cdf_sources))) if cdf_table else None
    return replace(ServeSettings(**values), token=token, client_secret=secret, cdf=cdf)


def check_startable(settings: ServeSettings) -> None:
    """Refuse settings the service cannot run safely with: it always asks for a token, so one must be configured."""
    if settings.token is None and (settings.client_id is None or settings.client_secret is None):
        if settings.client_id is not None:
            raise SettingsError(f"`client-id` is set but {ENV_CLIENT_SECRET} is not: set the client's secret there")
        raise SettingsError(
            f"no credentials: every request must carry a token, so set {ENV_TOKEN} (a bearer token the callers send), "
            f"or `client-id` and {ENV_CLIENT_SECRET} (callers get tokens from POST /oauth2/token), or both"
        )
    if settings.token is not None and len(settings.token) < 16:
        raise SettingsError(f"{ENV_TOKEN} is too short: use at least 16 characters (e.g. `openssl rand -hex 32`)")
