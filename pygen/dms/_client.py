"""``DMSClient`` / ``AsyncDMSClient``: the schema resource APIs over one HTTP client."""

from __future__ import annotations

import httpx

from pygen.transport import AsyncHTTPClient, AsyncHTTPHolder, ClientConfig, HTTPClient, HTTPHolder

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


class DMSClient(HTTPHolder):
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
        self._hold(config_or_http, transport)
        self.spaces = SpacesAPI(self.http)
        self.containers = ContainersAPI(self.http)
        self.views = ViewsAPI(self.http)
        self.data_models = DataModelsAPI(self.http)


class AsyncDMSClient(AsyncHTTPHolder):
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
        self._hold(config_or_http, transport)
        self.spaces = AsyncSpacesAPI(self.http)
        self.containers = AsyncContainersAPI(self.http)
        self.views = AsyncViewsAPI(self.http)
        self.data_models = AsyncDataModelsAPI(self.http)
