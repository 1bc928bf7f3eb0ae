"""``DMSClient`` / ``AsyncDMSClient``: the schema resource APIs over one HTTP client."""

from __future__ import annotations

from types import TracebackType

import httpx
from typing_extensions import Self

from pygen.transport import AsyncHTTPClient, ClientConfig, HTTPClient

from ._api import (
    AsyncContainersAPI,
    AsyncDataModelsAPI,
    AsyncSpacesAPI,
    AsyncViewsAPI,
    ContainersAPI,
    DataModelsAPI,
    SpacesAPI,
    ViewsAPI,
)

__all__ = ["AsyncDMSClient", "DMSClient"]


class DMSClient:
    """Spaces, containers, views and data models of one CDF project (sync).

    Pass a ``ClientConfig`` (the client then owns, and closes, its ``HTTPClient``) or an existing
    ``HTTPClient`` to share its connection pool and limits (closing is then up to its owner).
    Generated SDK clients subclass this and add their own APIs on ``self.http``.

    Example:
        ```python
        from pygen.dms import DMSClient, SpaceApply
        from pygen.transport import ClientConfig, Token

        with DMSClient(ClientConfig("my-project", Token(token))) as client:
            client.spaces.apply(SpaceApply(space="my_space"))
            model = client.data_models.retrieve(("cdf_cdm", "CogniteCore", "v1"), inline_views=True)[0]
        ```
    """

    def __init__(self, config_or_http: ClientConfig | HTTPClient, *, transport: httpx.BaseTransport | None = None):
        if isinstance(config_or_http, HTTPClient):
            if transport is not None:
                raise ValueError("transport= only applies when DMSClient creates the HTTPClient from a ClientConfig")
            self.http = config_or_http
            self._owns_http = False
        elif isinstance(config_or_http, ClientConfig):
            self.http = HTTPClient(config_or_http, transport=transport)
            self._owns_http = True
        else:
            raise TypeError(f"DMSClient needs a ClientConfig or an HTTPClient, got {type(config_or_http).__name__}")
        self.spaces = SpacesAPI(self.http)
        self.containers = ContainersAPI(self.http)
        self.views = ViewsAPI(self.http)
        self.data_models = DataModelsAPI(self.http)

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


class AsyncDMSClient:
    """Spaces, containers, views and data models of one CDF project (async twin of :class:`DMSClient`).

    Example:
        ```python
        async with AsyncDMSClient(config) as client:
            views = await client.views.list(space="my_space")
        ```
    """

    def __init__(
        self, config_or_http: ClientConfig | AsyncHTTPClient, *, transport: httpx.AsyncBaseTransport | None = None
    ):
        if isinstance(config_or_http, AsyncHTTPClient):
            if transport is not None:
                raise ValueError(
                    "transport= only applies when AsyncDMSClient creates the AsyncHTTPClient from a ClientConfig"
                )
            self.http = config_or_http
            self._owns_http = False
        elif isinstance(config_or_http, ClientConfig):
            self.http = AsyncHTTPClient(config_or_http, transport=transport)
            self._owns_http = True
        else:
            raise TypeError(
                f"AsyncDMSClient needs a ClientConfig or an AsyncHTTPClient, got {type(config_or_http).__name__}"
            )
        self.spaces = AsyncSpacesAPI(self.http)
        self.containers = AsyncContainersAPI(self.http)
        self.views = AsyncViewsAPI(self.http)
        self.data_models = AsyncDataModelsAPI(self.http)

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
