"""Clients built on an HTTP client: use a given one, or create one from a config and own it.

DMS and instance clients (and the SDK clients generated on top of them) take either a
``ClientConfig`` or an existing ``HTTPClient``. They close only an HTTP client they created, so a
shared one stays usable by its owner.
"""

from __future__ import annotations

from types import TracebackType

import httpx
from typing_extensions import Self

from pygen.transport._config import ClientConfig
from pygen.transport._http import AsyncHTTPClient, HTTPClient

__all__ = ["AsyncHTTPHolder", "HTTPHolder"]


class HTTPHolder:
    """Holds ``self.http``: the given :class:`HTTPClient`, or one made (and later closed) from a config."""

    http: HTTPClient
    _owns_http: bool

    def _hold(self, config_or_http: ClientConfig | HTTPClient, transport: httpx.BaseTransport | None = None) -> None:
        name = type(self).__name__
        if isinstance(config_or_http, HTTPClient):
            if transport is not None:
                raise ValueError(f"transport= only applies when {name} creates the HTTPClient from a ClientConfig")
            self.http, self._owns_http = config_or_http, False
        elif isinstance(config_or_http, ClientConfig):
            self.http, self._owns_http = HTTPClient(config_or_http, transport=transport), True
        else:
            raise TypeError(f"{name} needs a ClientConfig or an HTTPClient, got {type(config_or_http).__name__}")

    def close(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncHTTPHolder:
    """The async twin of :class:`HTTPHolder` (``aclose``, ``async with``)."""

    http: AsyncHTTPClient
    _owns_http: bool

    def _hold(
        self, config_or_http: ClientConfig | AsyncHTTPClient, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        name = type(self).__name__
        if isinstance(config_or_http, AsyncHTTPClient):
            if transport is not None:
                raise ValueError(f"transport= only applies when {name} creates the AsyncHTTPClient from a ClientConfig")
            self.http, self._owns_http = config_or_http, False
        elif isinstance(config_or_http, ClientConfig):
            self.http, self._owns_http = AsyncHTTPClient(config_or_http, transport=transport), True
        else:
            raise TypeError(f"{name} needs a ClientConfig or an AsyncHTTPClient, got {type(config_or_http).__name__}")

    async def aclose(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
