"""Finding the secret pygen needs to fetch a data model: an explicit value, then the environment, then the keyring.

The names below are a user-facing contract (documented, used in messages); do not change them lightly.

=========================  ==================================================================
Environment variables      ``PYGEN_CLIENT_SECRET``: the OAuth client secret (client credentials).
                           ``PYGEN_TOKEN``: a static bearer token.
Keyring service            ``pygen:<base_url>`` with the normalized base URL, e.g.
                           ``pygen:https://api.cognitedata.com``.
Keyring user name          the OAuth client id, or ``token`` for a static token.
=========================  ==================================================================

Store a secret with the keyring CLI (it prompts, so the secret stays out of the shell history)::

    keyring set 'pygen:https://api.cognitedata.com' my-client-id

or with :func:`store_secret`. Blank values count as unset. Any keyring failure (no backend, a
configured backend module that is not installed, a locked keyring, ...) becomes one
:class:`CredentialsError` that says how to provide the secret; no secret ever appears in a message
or a log line.

Example:
    >>> import os
    >>> from pygen.transport import OAuthClientCredentials
    >>> os.environ["PYGEN_CLIENT_SECRET"] = "my-client-secret"  # as a CI job sets it
    >>> secret = resolve_client_secret("https://api.cognitedata.com", client_id="my-client-id")
    >>> secret.source, secret.origin
    ('environment', 'environment variable PYGEN_CLIENT_SECRET')
    >>> print(secret)
    <secret from environment variable PYGEN_CLIENT_SECRET>
    >>> credentials = OAuthClientCredentials("my-client-id", secret.value, tenant_id="my-tenant")
    >>> del os.environ["PYGEN_CLIENT_SECRET"]
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
from dataclasses import dataclass, field
from typing import Literal

from pygen.generator.fetch._errors import CredentialsError, PygenFetchError
from pygen.generator.fetch._urls import normalize_base_url

__all__ = [
    "ENV_CLIENT_SECRET",
    "ENV_TOKEN",
    "Secret",
    "SecretSource",
    "TOKEN_USERNAME",
    "credentials_help",
    "keyring_service",
    "keyring_set_command",
    "resolve_client_secret",
    "resolve_secret",
    "resolve_token",
    "store_secret",
]

ENV_CLIENT_SECRET = "PYGEN_CLIENT_SECRET"
ENV_TOKEN = "PYGEN_TOKEN"
TOKEN_USERNAME = "token"
_SERVICE_PREFIX = "pygen:"

SecretSource = Literal["explicit", "environment", "keyring"]

logger = logging.getLogger("pygen.generator.fetch")


@dataclass(frozen=True)
class Secret:
    """A resolved secret and where it came from. ``str()`` and ``repr()`` never show the value."""

    value: str = field(repr=False)
    source: SecretSource
    origin: str

    def __str__(self) -> str:
        return f"<secret from {self.origin}>"


def keyring_service(base_url: str) -> str:
    """The keyring service name for a cluster: ``pygen:<normalized base URL>``."""
    return _SERVICE_PREFIX + _base_url(base_url)


def keyring_set_command(base_url: str, username: str) -> str:
    """The shell command that stores a secret, e.g. ``keyring set 'pygen:https://api.cognitedata.com' my-id``."""
    service = keyring_service(base_url)
    # Always quote the service (shlex.quote would leave "pygen:https://..." bare) so it reads as one word.
    quoted = "'" + service.replace("'", "'\"'\"'") + "'"
    return f"keyring set {quoted} {shlex.quote(username)}"


def resolve_secret(
    *, base_url: str, username: str, env_var: str, explicit: str | None = None, what: str = "secret"
) -> Secret:
    """Return the first non-blank of: ``explicit``, ``$env_var``, keyring entry (``pygen:<base_url>``, ``username``).

    Raises :class:`CredentialsError` (one message, saying how to provide the secret) when none is found
    or the keyring cannot be used and nothing else gave a secret.
    """
    service = keyring_service(base_url)
    if explicit is not None and explicit.strip():
        return _found(Secret(explicit, "explicit", "an explicit argument"), what)
    from_env = os.environ.get(env_var, "")
    if from_env.strip():
        return _found(Secret(from_env, "environment", f"environment variable {env_var}"), what)
    value, problem = _keyring_lookup(service, username)
    if value:
        return _found(Secret(value, "keyring", f"keyring service {service!r}, user {username!r}"), what)
    for_whom = f" for client id {username!r}" if username != TOKEN_USERNAME else ""
    raise CredentialsError(
        f"no {what}{for_whom} found for {_base_url(base_url)}: {env_var} is not set, and {problem}.\n"
        + _how_to(base_url, username, env_var, what)
    )


def resolve_client_secret(base_url: str, client_id: str, explicit: str | None = None) -> Secret:
    """The OAuth client secret of ``client_id``: explicit, ``$PYGEN_CLIENT_SECRET``, or the keyring."""
    if not client_id or not client_id.strip():
        raise CredentialsError("a client id is required to look up a client secret")
    return resolve_secret(
        base_url=base_url, username=client_id, env_var=ENV_CLIENT_SECRET, explicit=explicit, what="client secret"
    )


def resolve_token(base_url: str, explicit: str | None = None) -> Secret:
    """A static token: explicit, ``$PYGEN_TOKEN``, or the keyring (user ``token``)."""
    return resolve_secret(
        base_url=base_url, username=TOKEN_USERNAME, env_var=ENV_TOKEN, explicit=explicit, what="token"
    )


def store_secret(base_url: str, username: str, secret: str) -> str:
    """Save ``secret`` in the keyring under ``pygen:<base_url>`` / ``username``; return the service name.

    For a ``pygen login``-like command. Checks that the backend really kept it (the null backend
    silently drops everything) and raises :class:`CredentialsError` otherwise.
    """
    service = keyring_service(base_url)
    if not username or not username.strip():
        raise CredentialsError("a user name (the client id, or 'token') is required to store a secret")
    if not secret or not secret.strip():
        raise CredentialsError(f"refusing to store an empty secret for {service!r}, user {username!r}")
    env_var = ENV_TOKEN if username == TOKEN_USERNAME else ENV_CLIENT_SECRET
    try:
        import keyring

        backend = keyring.get_keyring()
        backend.set_password(service, username, secret)
        kept = backend.get_password(service, username) == secret
    except Exception as exc:  # noqa: BLE001 - any backend failure is one user-facing message
        reason = _describe_keyring_failure(exc).replace(secret, "***")
        raise CredentialsError(
            f"could not store the secret in the keyring (service {service!r}, user {username!r}): {reason}.\n"
            f"Set the environment variable {env_var} instead."
        ) from None
    if not kept:
        raise CredentialsError(
            f"the keyring backend {_backend_name(backend)} did not keep the secret (service {service!r}, "
            f"user {username!r}); configure a real backend or set the environment variable {env_var} instead."
        )
    logger.debug("pygen: stored a secret in keyring service %r, user %r", service, username)
    return service


def credentials_help(base_url: str, client_id: str | None = None, *, refresh_command: str | None = None) -> str:
    """The full "no credentials" help for the configured way of authenticating.

    With a ``client_id`` (``[tool.pygen.cdf] client-id``) only the OAuth client secret is used, so
    only it is offered; without one, a static token. ``refresh_command`` (e.g.
    ``"hatch run pygen:refresh"``) adds the option of refreshing the snapshot on a machine that has
    credentials, so that builds need none.
    """
    url = _base_url(base_url)
    if client_id:
        lines = [
            f"pygen needs the OAuth client secret of client id {client_id!r} to fetch the data model from {url}. "
            "Provide it:",
            f"  - set the environment variable {ENV_CLIENT_SECRET}, or",
            "  - store it in the keyring (the command prompts for it):",
            f"        {keyring_set_command(url, client_id)}",
            f"  ([tool.pygen.cdf] sets client-id, so a static token ({ENV_TOKEN}) is not used; remove client-id "
            "to authenticate with one.)",
        ]
    else:
        lines = [
            f"pygen needs a token to fetch the data model from {url}. Provide one:",
            f"  - set the environment variable {ENV_TOKEN}, or",
            "  - store it in the keyring (the command prompts for it):",
            f"        {keyring_set_command(url, TOKEN_USERNAME)}",
            "  - or authenticate with OAuth client credentials: set client-id (and tenant-id or token-url) in "
            f"[tool.pygen.cdf], and the secret in {ENV_CLIENT_SECRET} or the keyring.",
        ]
    if refresh_command:
        lines.append(
            f"  - or run `{refresh_command}` where credentials are available and commit the snapshot it writes;"
        )
        lines.append("    builds then use the snapshot and need no credentials.")
    return "\n".join(lines)


def _how_to(base_url: str, username: str, env_var: str, what: str) -> str:
    return (
        f"To provide the {what}, either set the environment variable {env_var}, or store it in the keyring "
        f"(the command prompts for it):\n    {keyring_set_command(base_url, username)}"
    )


def _keyring_lookup(service: str, username: str) -> tuple[str | None, str]:
    """``(value, "")`` or ``(None, why-not)``; never raises."""
    try:
        import keyring

        backend = keyring.get_keyring()
        value = backend.get_password(service, username)
    except Exception as exc:  # noqa: BLE001 - NoKeyringError, ModuleNotFoundError, locked keyrings, ...
        logger.debug("pygen: keyring lookup failed with %s", type(exc).__name__)
        return None, f"the keyring could not be used: {_describe_keyring_failure(exc)}"
    if isinstance(value, str) and value.strip():
        return value, ""
    return (
        None,
        f"the keyring (backend {_backend_name(backend)}) has no entry for service {service!r}, user {username!r}",
    )


def _describe_keyring_failure(exc: Exception) -> str:
    if isinstance(exc, ModuleNotFoundError):
        if exc.name == "keyring":
            from pygen._extras import install_hint

            hint = _lower(install_hint("fetch"))
            return f"the 'keyring' package is not installed (it comes with the 'fetch' extra; {hint})"
        configured = os.environ.get("PYTHON_KEYRING_BACKEND")
        where = f"PYTHON_KEYRING_BACKEND={configured}" if configured else "the keyring configuration (keyringrc.cfg)"
        return (
            f"the backend selected by {where} needs the module {exc.name!r}, which is not installed in this "
            f"Python environment ({sys.prefix}): {_install_hint(_backend_distribution(configured, exc.name))}"
        )
    if type(exc).__name__ == "NoKeyringError":
        return (
            "no keyring backend is available (install one, e.g. keyrings.alt, or select one with "
            "PYTHON_KEYRING_BACKEND)"
        )
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(detail) > 200:
        detail = detail[:200] + "..."
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _backend_distribution(configured: str | None, module: str | None) -> str:
    """The distribution to install for a missing backend module (``keyrings.alt.file.X`` -> ``keyrings.alt``)."""
    top = (module or "").split(".")[0]
    if top == "keyrings" and configured and configured.startswith("keyrings."):
        return ".".join(configured.split(".")[:2])  # the keyrings.* namespace: keyrings.alt, keyrings.cryptfile, ...
    return top or "the backend's package"


def _install_hint(distribution: str) -> str:
    """How to install ``distribution`` where pygen runs: a hatch environment is set up from pyproject.toml."""
    environment = os.environ.get("HATCH_ENV_ACTIVE")
    if environment:
        return (
            f'add "{distribution}" to [tool.hatch.envs.{environment}] dependencies in pyproject.toml (this runs in '
            f"hatch's {environment!r} environment, which hatch installs from that list at the next `hatch run`)"
        )
    return f"install it with `{shlex.quote(sys.executable)} -m pip install {shlex.quote(distribution)}`"


def _backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _found(secret: Secret, what: str) -> Secret:
    logger.debug("pygen: using the %s from %s", what, secret.origin)
    return secret


def _base_url(base_url: str) -> str:
    try:
        return normalize_base_url(base_url)
    except PygenFetchError as exc:
        raise CredentialsError(str(exc)) from None
