"""Who may call ``pygen serve``: a configured bearer token, or tokens from its OAuth client-credentials endpoint.

Issued tokens are signed, not stored: ``<expiry>.<HMAC-SHA256 of the expiry under a key made at start>``, so the
service keeps no table of tokens that callers could grow, and a restart invalidates them all (a client asks for
a new one on the 401, as OAuth clients do). Secrets are compared in constant time and never logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from urllib.parse import parse_qs

__all__ = ["Authority"]

_REALM = 'Bearer realm="pygen serve"'


class Authority:
    """Checks the ``Authorization`` header of every API request and answers ``POST /oauth2/token``."""

    challenge = _REALM

    def __init__(
        self, *, token: str | None, client_id: str | None, client_secret: str | None, token_ttl: int = 3600
    ) -> None:
        self._token = token.encode("utf-8") if token else None
        self._client_id = client_id
        self._client_secret = client_secret
        self._ttl = token_ttl
        self._key = secrets.token_bytes(32)

    @property
    def issues_tokens(self) -> bool:
        return self._client_id is not None and self._client_secret is not None

    def check(self, authorization: str | None) -> str | None:
        """``None`` when the header carries an accepted token, else the reason for the 401."""
        if not authorization:
            return "missing Authorization header: send 'Authorization: Bearer <token>'"
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return "the Authorization header must be 'Bearer <token>'"
        # Header values arrive decoded as latin-1: encoding them back gives the bytes the client sent.
        given = token.encode("latin-1", "replace")
        if self._token is not None and hmac.compare_digest(given, self._token):
            return None
        expiry = self._expiry(given)
        if expiry is None:
            return "invalid token"
        if expiry < time.time():
            return "the token has expired: get a new one from POST /oauth2/token"
        return None

    def _expiry(self, token: bytes) -> int | None:
        stamp, dot, signature = token.partition(b".")
        if not dot or not stamp.isdigit() or len(stamp) > 12:
            return None
        expected = base64.urlsafe_b64encode(hmac.digest(self._key, stamp, hashlib.sha256)).rstrip(b"=")
        return int(stamp) if hmac.compare_digest(signature, expected) else None

    def _sign(self, expiry: int) -> str:
        stamp = str(expiry).encode("ascii")
        signature = base64.urlsafe_b64encode(hmac.digest(self._key, stamp, hashlib.sha256)).rstrip(b"=")
        return (stamp + b"." + signature).decode("ascii")

    def issue(self, body: bytes, authorization: str | None) -> tuple[int, dict[str, object]]:
        """Answer a form-encoded client-credentials request (RFC 6749 4.4): ``(status, JSON body)``.

        The client authenticates in the form (``client_id``, ``client_secret``) or with HTTP Basic.
        """
        form = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization[:6].lower() == "basic ":
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            if ":" in decoded:
                client_id, client_secret = decoded.split(":", 1)
        if form.get("grant_type") != "client_credentials":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "only grant_type=client_credentials is supported",
            }
        if not self.issues_tokens:
            return 400, {
                "error": "unauthorized_client",
                "error_description": "this service issues no tokens (it has no OAuth client configured): "
                "send its configured bearer token",
            }
        assert self._client_id is not None and self._client_secret is not None
        if not (
            client_id is not None
            and client_secret is not None
            and hmac.compare_digest(client_id.encode("utf-8", "replace"), self._client_id.encode("utf-8"))
            and hmac.compare_digest(client_secret.encode("utf-8", "replace"), self._client_secret.encode("utf-8"))
        ):
            return 401, {"error": "invalid_client", "error_description": "unknown client_id or wrong client_secret"}
        token = self._sign(int(time.time()) + self._ttl)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self._ttl}
