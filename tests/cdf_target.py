"""Which service the end-to-end suites talk to: the emulator (the default) or a real CDF project.

One set of environment variables points the conformance suite (``tests/emulator``), the official-SDK
tour (``tests/official_sdk``) and the generated-SDK suites (``tests/instances``, the end-to-end parts of
``tests/emit_python``; their deployment is tests/sdk_target.py) at a CDF project instead of the emulator:

- ``PYGEN_TEST_CDF_BASE_URL`` (``https://<cluster>.cognitedata.com``) and ``PYGEN_TEST_CDF_PROJECT``;
- credentials: ``PYGEN_TEST_CDF_TOKEN`` (a bearer token), or the client-credentials flow with
  ``PYGEN_TEST_CDF_CLIENT_ID``, ``_CLIENT_SECRET``, ``_TOKEN_URL`` and ``_SCOPES``.

Against CDF, every test works in spaces it creates itself (random names) and deletes at the end;
:func:`check_own_space` refuses a destructive step anywhere else. Pointing the variables at a running
``pygen emulator`` (``PYGEN_TEST_CDF_BASE_URL=http://127.0.0.1:PORT``, ``PYGEN_TEST_CDF_TOKEN=<its token>``)
runs the same suites over real HTTP.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import httpx

PREFIX = "PYGEN_TEST_CDF_"


@dataclass(frozen=True)
class CdfTarget:
    """A CDF project (or a ``pygen emulator`` over HTTP) named by the environment."""

    base_url: str
    project: str
    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_url: str | None = None
    scopes: str | None = None

    def bearer(self) -> str:
        """The token to send: the given one, or one from the client-credentials flow."""
        if self.token is not None:
            return self.token
        response = httpx.post(
            str(self.token_url),
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": self.scopes,
            },
            timeout=60,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    @property
    def api_url(self) -> str:
        """The project's API root: ``<base>/api/v1/projects/<project>``."""
        return f"{self.base_url.rstrip('/')}/api/v1/projects/{self.project}"


def cdf_target(environ: Mapping[str, str] | None = None) -> CdfTarget | None:
    """The target the environment names, or None (then the suites use the emulator).

    A partial configuration is an error, not a silent fallback to the emulator.
    """
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        return env.get(PREFIX + name) or None

    given = sorted(key for key in env if key.startswith(PREFIX) and env[key])
    if not given:
        return None
    base_url, project, token = get("BASE_URL"), get("PROJECT"), get("TOKEN")
    flow = [get(name) for name in ("CLIENT_ID", "CLIENT_SECRET", "TOKEN_URL", "SCOPES")]
    if not base_url or not project or (token is None and not all(flow)):
        raise RuntimeError(
            f"{', '.join(given)} set, but a CDF target needs {PREFIX}BASE_URL, {PREFIX}PROJECT and either "
            f"{PREFIX}TOKEN or {PREFIX}CLIENT_ID, _CLIENT_SECRET, _TOKEN_URL and _SCOPES"
        )
    return CdfTarget(base_url, project, token, *flow)


def check_own_space(space: str, created: Collection[str]) -> None:
    """Refuse a destructive step (deleting instances, schema or the space) in a space this run did not create."""
    if space not in created:
        raise RuntimeError(
            f"refusing to delete in space {space!r}: this test run did not create it (it created {sorted(created)})"
        )
