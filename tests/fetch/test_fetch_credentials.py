"""Credential resolution: explicit -> environment -> keyring, and one clear message for every keyring failure.

No test touches the OS keyring: each selects its backend (in-memory, null, fail, a missing module).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from typing import Any

import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from pygen.generator.fetch import (
    ENV_CLIENT_SECRET,
    ENV_TOKEN,
    TOKEN_USERNAME,
    CredentialsError,
    Secret,
    credentials_help,
    keyring_service,
    keyring_set_command,
    resolve_client_secret,
    resolve_token,
    store_secret,
)

URL = "https://api.cognitedata.com"
SERVICE = "pygen:https://api.cognitedata.com"
SET_COMMAND = "keyring set 'pygen:https://api.cognitedata.com' my-client"
SECRET = "s3cr3t-Value-never-printed"


def _assert_clear(error: CredentialsError, *fragments: str) -> None:
    text = str(error)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert SECRET not in text
    assert "Traceback" not in text
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


# --- names -------------------------------------------------------------------------------------------


def test_names() -> None:
    assert (ENV_CLIENT_SECRET, ENV_TOKEN, TOKEN_USERNAME) == ("PYGEN_CLIENT_SECRET", "PYGEN_TOKEN", "token")
    assert keyring_service(URL) == SERVICE
    assert keyring_service("HTTPS://API.CogniteData.com/") == SERVICE
    assert keyring_service("http://127.0.0.1:8123") == "pygen:http://127.0.0.1:8123"
    assert keyring_set_command(URL, "my-client") == SET_COMMAND
    assert (
        keyring_set_command(URL, "id with space") == "keyring set 'pygen:https://api.cognitedata.com' 'id with space'"
    )


def test_base_url_with_credentials_is_refused_without_echo() -> None:
    with pytest.raises(CredentialsError) as info:
        resolve_client_secret("https://me:hunter2@api.cognitedata.com", "my-client")
    assert "hunter2" not in str(info.value)


# --- resolution order ----------------------------------------------------------------------------------


def test_explicit_wins(monkeypatch: pytest.MonkeyPatch, memory_keyring: Any) -> None:
    monkeypatch.setenv(ENV_CLIENT_SECRET, "from-env")
    memory_keyring.entries[(SERVICE, "my-client")] = "from-keyring"
    secret = resolve_client_secret(URL, "my-client", explicit="explicit")
    assert (secret.value, secret.source, secret.origin) == ("explicit", "explicit", "an explicit argument")


def test_environment_before_keyring(monkeypatch: pytest.MonkeyPatch, memory_keyring: Any) -> None:
    monkeypatch.setenv(ENV_CLIENT_SECRET, "from-env")
    memory_keyring.entries[(SERVICE, "my-client")] = "from-keyring"
    secret = resolve_client_secret(URL, "my-client")
    assert (secret.value, secret.source, secret.origin) == (
        "from-env",
        "environment",
        "environment variable PYGEN_CLIENT_SECRET",
    )


def test_keyring_last(monkeypatch: pytest.MonkeyPatch, memory_keyring: Any) -> None:
    monkeypatch.setenv(ENV_CLIENT_SECRET, "   ")  # blank counts as unset
    memory_keyring.entries[(SERVICE, "my-client")] = "from-keyring"
    secret = resolve_client_secret(URL + "/", "my-client", explicit="")
    assert (secret.value, secret.source) == ("from-keyring", "keyring")
    assert secret.origin == "keyring service 'pygen:https://api.cognitedata.com', user 'my-client'"


def test_token_uses_its_own_names(monkeypatch: pytest.MonkeyPatch, memory_keyring: Any) -> None:
    memory_keyring.entries[(SERVICE, "token")] = "tok-from-keyring"
    assert resolve_token(URL).value == "tok-from-keyring"
    monkeypatch.setenv(ENV_TOKEN, "tok-from-env")
    assert resolve_token(URL).value == "tok-from-env"
    monkeypatch.setenv(ENV_CLIENT_SECRET, "not-a-token")
    assert resolve_token(URL, explicit="tok").value == "tok"


def test_client_id_required() -> None:
    with pytest.raises(CredentialsError, match="a client id is required"):
        resolve_client_secret(URL, " ")


def test_secret_never_shows_in_str_or_repr() -> None:
    secret = Secret(SECRET, "environment", "environment variable PYGEN_CLIENT_SECRET")
    assert SECRET not in str(secret) and SECRET not in repr(secret) and SECRET not in f"{secret}"
    assert str(secret) == "<secret from environment variable PYGEN_CLIENT_SECRET>"


# --- keyring backends and failures -----------------------------------------------------------------


def test_null_backend_gives_a_clear_error() -> None:
    # tests/conftest.py selects keyring.backends.null.Keyring for every test.
    with pytest.raises(CredentialsError) as info:
        resolve_client_secret(URL, "my-client")
    _assert_clear(
        info.value,
        "no client secret for client id 'my-client' found for https://api.cognitedata.com",
        "PYGEN_CLIENT_SECRET is not set",
        "keyring (backend keyring.backends.null.Keyring) has no entry for service "
        "'pygen:https://api.cognitedata.com', user 'my-client'",
        SET_COMMAND,
        "set the environment variable PYGEN_CLIENT_SECRET",
    )


def test_null_backend_for_a_token() -> None:
    with pytest.raises(CredentialsError) as info:
        resolve_token(URL)
    _assert_clear(
        info.value,
        "no token found for",
        "PYGEN_TOKEN is not set",
        "keyring set 'pygen:https://api.cognitedata.com' token",
    )


def test_fail_backend_says_there_is_no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with pytest.raises(CredentialsError) as info:
        resolve_client_secret(URL, "my-client")
    _assert_clear(
        info.value,
        "the keyring could not be used: no keyring backend is available",
        "PYTHON_KEYRING_BACKEND",
        SET_COMMAND,
        "PYGEN_CLIENT_SECRET",
    )


def test_backend_module_that_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "pygen_no_such_backend_module.file.PlaintextKeyring")
    with pytest.raises(CredentialsError) as info:
        resolve_client_secret(URL, "my-client")
    _assert_clear(
        info.value,
        "the backend selected by PYTHON_KEYRING_BACKEND=pygen_no_such_backend_module.file.PlaintextKeyring "
        "needs the module 'pygen_no_such_backend_module', which is not installed",
        SET_COMMAND,
        "PYGEN_CLIENT_SECRET",
    )


def test_missing_backend_module_says_how_to_install_it_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.pygen_missing.file.PlaintextKeyring")
    monkeypatch.delenv("HATCH_ENV_ACTIVE", raising=False)
    with pytest.raises(CredentialsError) as info:
        resolve_client_secret(URL, "my-client")
    assert (
        "the backend selected by PYTHON_KEYRING_BACKEND=keyrings.pygen_missing.file.PlaintextKeyring needs the "
        f"module 'keyrings.pygen_missing', which is not installed in this Python environment ({sys.prefix}): "
        f"install it with `{sys.executable} -m pip install keyrings.pygen_missing`"
    ) in str(info.value)


def test_missing_backend_module_in_a_hatch_environment_names_the_table_to_edit(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hatch run pygen:refresh` runs in hatch's own environment: pip-installing into it by hand does not last."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.pygen_missing.file.PlaintextKeyring")
    monkeypatch.setenv("HATCH_ENV_ACTIVE", "pygen")
    with pytest.raises(CredentialsError) as info:
        resolve_client_secret(URL, "my-client")
    assert (
        "which is not installed in this Python environment (" + sys.prefix + '): add "keyrings.pygen_missing" to '
        "[tool.hatch.envs.pygen] dependencies in pyproject.toml (this runs in hatch's 'pygen' environment, which "
        "hatch installs from that list at the next `hatch run`)"
    ) in str(info.value)


def test_environment_still_works_when_the_keyring_is_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "pygen_no_such_backend_module.Keyring")
    monkeypatch.setenv(ENV_CLIENT_SECRET, SECRET)
    assert resolve_client_secret(URL, "my-client").value == SECRET


def test_keyring_package_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "keyring", None)  # makes `import keyring` fail
    with pytest.raises(CredentialsError) as info:
        resolve_client_secret(URL, "my-client")
    _assert_clear(info.value, "the 'keyring' package is not installed", "PYGEN_CLIENT_SECRET")


@pytest.mark.parametrize(
    ("exc", "shown"),
    [
        (
            keyring.errors.KeyringLocked("Failed to unlock the collection!"),
            "KeyringLocked: Failed to unlock the collection!",
        ),
        (keyring.errors.InitError("cannot init"), "InitError: cannot init"),
        (RuntimeError("dbus went away\nmore detail"), "RuntimeError: dbus went away"),
        (OSError(), "OSError"),
    ],
    ids=["locked", "init", "runtime", "bare"],
)
def test_any_backend_exception_is_one_clear_message(
    exc: Exception, shown: str, raising_keyring: Callable[[Exception], KeyringBackend]
) -> None:
    raising_keyring(exc)
    with pytest.raises(CredentialsError) as info:
        resolve_client_secret(URL, "my-client")
    _assert_clear(info.value, f"the keyring could not be used: {shown}", SET_COMMAND, "PYGEN_CLIENT_SECRET")
    assert "more detail" not in str(info.value)


def test_auto_detection_finding_no_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """No backend configured and none viable (like this machine without D-Bus): keyring falls back to fail.Keyring."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setattr("keyring.core.load_config", lambda: None)
    monkeypatch.setattr("keyring.backend.get_all_keyring", lambda: [])  # nothing viable: fail.Keyring
    with pytest.raises(CredentialsError) as info:
        resolve_client_secret(URL, "my-client")
    _assert_clear(info.value, "no keyring backend is available", SET_COMMAND)


# --- store_secret ----------------------------------------------------------------------------------------


def test_store_then_resolve(memory_keyring: Any) -> None:
    assert store_secret(URL + "/", "my-client", SECRET) == SERVICE
    assert memory_keyring.entries == {(SERVICE, "my-client"): SECRET}
    assert resolve_client_secret(URL, "my-client").value == SECRET


def test_store_into_null_backend_is_an_error() -> None:
    with pytest.raises(CredentialsError) as info:
        store_secret(URL, "my-client", SECRET)
    _assert_clear(info.value, "keyring.backends.null.Keyring did not keep the secret", "PYGEN_CLIENT_SECRET")


def test_store_into_failing_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with pytest.raises(CredentialsError) as info:
        store_secret(URL, TOKEN_USERNAME, SECRET)
    _assert_clear(info.value, "could not store the secret in the keyring", "no keyring backend", "PYGEN_TOKEN")


def test_store_never_echoes_the_secret_even_if_the_backend_does(
    raising_keyring: Callable[[Exception], KeyringBackend],
) -> None:
    raising_keyring(keyring.errors.PasswordSetError(f"could not write {SECRET} to the vault"))
    with pytest.raises(CredentialsError) as info:
        store_secret(URL, "my-client", SECRET)
    _assert_clear(info.value, "PasswordSetError: could not write *** to the vault")


@pytest.mark.parametrize(("user", "secret", "message"), [("", SECRET, "user name"), ("my-client", " ", "empty secret")])
def test_store_validates_input(user: str, secret: str, message: str) -> None:
    with pytest.raises(CredentialsError, match=message):
        store_secret(URL, user, secret)


# --- help and logging ------------------------------------------------------------------------------


def test_credentials_help_with_a_client_id_offers_only_the_client_secret() -> None:
    text = credentials_help(URL + "/", "my-client", refresh_command="hatch run pygen:refresh")
    assert text == (
        "pygen needs the OAuth client secret of client id 'my-client' to fetch the data model from "
        "https://api.cognitedata.com. Provide it:\n"
        "  - set the environment variable PYGEN_CLIENT_SECRET, or\n"
        "  - store it in the keyring (the command prompts for it):\n"
        f"        {SET_COMMAND}\n"
        "  ([tool.pygen.cdf] sets client-id, so a static token (PYGEN_TOKEN) is not used; remove client-id to "
        "authenticate with one.)\n"
        "  - or run `hatch run pygen:refresh` where credentials are available and commit the snapshot it writes;\n"
        "    builds then use the snapshot and need no credentials."
    )


def test_credentials_help_without_a_client_id_offers_a_token() -> None:
    text = credentials_help(URL)
    assert text == (
        "pygen needs a token to fetch the data model from https://api.cognitedata.com. Provide one:\n"
        "  - set the environment variable PYGEN_TOKEN, or\n"
        "  - store it in the keyring (the command prompts for it):\n"
        "        keyring set 'pygen:https://api.cognitedata.com' token\n"
        "  - or authenticate with OAuth client credentials: set client-id (and tenant-id or token-url) in "
        "[tool.pygen.cdf], and the secret in PYGEN_CLIENT_SECRET or the keyring."
    )


def test_no_secret_in_logs(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    memory_keyring.entries[(SERVICE, "my-client")] = SECRET
    resolve_client_secret(URL, "my-client")
    store_secret(URL, "other", SECRET)
    monkeypatch.setenv(ENV_TOKEN, SECRET)
    resolve_token(URL)
    resolve_client_secret(URL, "x", explicit=SECRET)
    assert caplog.records, "expected debug logs saying where secrets came from"
    assert all(SECRET not in r.getMessage() for r in caplog.records)
    assert re.search(r"from keyring service 'pygen:https://api.cognitedata.com', user 'my-client'", caplog.text)
