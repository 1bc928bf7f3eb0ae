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
        Against the emulator with the example project's model, run in process (for CDF, leave out ``transport``):

        >>> from pygen.dms import SpaceApply
        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.emulator.testing import SyncASGITransport
        >>> from pygen.transport import ClientConfig, Token
        >>> snapshot = "example_project/snapshots/cdf_cdm.CogniteCore.v1.json"
        >>> emulator = SyncASGITransport(create_app(EmulatorSettings(model_files=[snapshot])))
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> with DMSClient(config, transport=emulator) as client:
        ...     spaces = client.spaces.apply(SpaceApply(space="my_space"))
        ...     views = client.views.retrieve([("cdf_cdm", "CogniteAsset", "v1")])
        ...     model = client.data_models.retrieve(("cdf_cdm", "CogniteCore", "v1"), inline_views=True)[0]
        >>> [space.space for space in spaces], [view.external_id for view in views], len(model.inline_views())
        (['my_space'], ['CogniteAsset'], 33)
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
        Against the emulator, run in process (for CDF, leave out ``transport``):

        >>> import asyncio
        >>> import httpx
        >>> from pygen.dms import SpaceApply
        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.transport import ClientConfig, Token
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> async def main() -> list[str]:
        ...     emulator = httpx.ASGITransport(app=create_app(EmulatorSettings()))
        ...     async with AsyncDMSClient(config, transport=emulator) as client:
        ...         await client.spaces.apply(SpaceApply(space="my_space"))
        ...         return [space.space for space in await client.spaces.list()]
        >>> asyncio.run(main())
        ['my_space']
    """

    def __init__(
        self, config_or_http: ClientConfig | AsyncHTTPClient, *, transport: httpx.AsyncBaseTransport | None = None
    ):
        self._hold(config_or_http, transport)
        self.spaces = AsyncSpacesAPI(self.http)
        self.containers = AsyncContainersAPI(self.http)
        self.views = AsyncViewsAPI(self.http)
        self.data_models = AsyncDataModelsAPI(self.http)
