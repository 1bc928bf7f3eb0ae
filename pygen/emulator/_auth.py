"""Bearer-token checks and the OAuth2 client-credentials token endpoint."""

from __future__ import annotations

import base64
import secrets
import time
from urllib.parse import parse_qs

from pygen.emulator._settings import EmulatorSettings


def _same(given: bytes, expected: str) -> bool:
    """Constant-time comparison of secrets as bytes (``compare_digest`` refuses non-ASCII ``str``)."""
    return secrets.compare_digest(given, expected.encode("utf-8", "surrogatepass"))


class TokenAuthority:
    """Issues short-lived tokens for the configured client and checks bearer tokens on every API call."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.static = settings.static_token()
        self.client_id = settings.client_id
        self.client_secret = settings.client_secret
        self.ttl = settings.token_ttl_seconds
        self._issued: dict[str, float] = {}

    def check(self, authorization: str | None) -> str | None:
        """``None`` if the header carries an accepted token, else the reason for a 401."""
        if not authorization:
            return "Unauthorized: missing Authorization header (expected 'Bearer <token>')"
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "Unauthorized: the Authorization header must be 'Bearer <token>'"
        token = token.strip()
        # Header values arrive decoded as latin-1: encoding them back gives the bytes the client sent.
        if self.static is not None and _same(token.encode("latin-1", "replace"), self.static):
            return None
        expires = self._issued.get(token)
        if expires is None:
            return "Unauthorized: invalid token"
        if expires < time.monotonic():
            del self._issued[token]
            return "Unauthorized: the token has expired"
        return None

    def issue(self, body: bytes, authorization: str | None) -> tuple[int, dict[str, object]]:
        """Answer a form-encoded client-credentials token request: ``(status, json body)``."""
        form = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
            except ValueError:  # not base64, or not UTF-8 text
                decoded = ""
            if ":" in decoded:
                client_id, client_secret = decoded.split(":", 1)
        if form.get("grant_type") != "client_credentials":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "only grant_type=client_credentials is supported",
            }
        if self.client_id is None or self.client_secret is None:
            return 401, {
                "error": "invalid_client",
                "error_description": "this emulator has no client credentials configured (start it with "
                "--client-id and --client-secret)",
            }
        if (
            client_id is None
            or client_secret is None
            or not _same(client_id.encode("utf-8", "surrogatepass"), self.client_id)
            or not _same(client_secret.encode("utf-8", "surrogatepass"), self.client_secret)
        ):
            return 401, {"error": "invalid_client", "error_description": "unknown client_id or wrong client_secret"}
        token = secrets.token_urlsafe(24)
        self._issued[token] = time.monotonic() + self.ttl
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.ttl}
