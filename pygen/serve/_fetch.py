"""Models by id: fetched from the service's CDF project with its own credentials, through the generator's fetch
API (:func:`pygen.generator.fetch.connect`, :func:`~pygen.generator.fetch.fetch_model`, and the
:class:`~pygen.generator.fetch.ModelCache` that builds share), so a model version is fetched once per machine."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pygen.errors import PygenError
from pygen.serve._log import log_event
from pygen.serve._requests import RequestProblem

if TYPE_CHECKING:
    from pygen.generator.config import CDFConfig
    from pygen.generator.fetch import ModelCache, ModelRef
    from pygen.transport import HTTPClient

__all__ = ["ModelSource", "parse_model_ids"]


def parse_model_ids(texts: Sequence[str]) -> list[ModelRef]:
    """``"space:externalId/version"`` strings as refs; a 422 names the first malformed one."""
    from pygen.generator.fetch import ModelRef, ModelRefError

    refs = []
    for index, text in enumerate(texts):
        try:
            refs.append(ModelRef.parse(text))
        except ModelRefError as exc:
            raise RequestProblem(422, "invalid-request", f"model_ids.{index}: {exc}") from None
    return refs


class ModelSource:
    """Fetches models from one CDF project (``[cdf]``); None of it is set up before the first fetch."""

    def __init__(self, cdf: CDFConfig | None, cache_dir: str | None) -> None:
        self.cdf = cdf
        self._cache_dir = cache_dir
        self._cache: ModelCache | None = None
        self._client: HTTPClient | None = None
        self._lock = threading.Lock()

    def fetch(self, refs: Sequence[ModelRef]) -> list[dict[str, Any]]:
        """The models (blocking: run it in a thread); :class:`RequestProblem` when they cannot be had."""
        if self.cdf is None:
            raise RequestProblem(
                422,
                "fetch-not-configured",
                "this service has no CDF project configured ([cdf] in its configuration), so it cannot fetch "
                "models by id: send the models themselves in `models`",
            )
        try:
            return [self._one(ref) for ref in refs]
        except RequestProblem:
            raise
        except PygenError as exc:
            return self._failed(exc)

    def _one(self, ref: ModelRef) -> dict[str, Any]:
        from pygen.generator.fetch import CacheKey, ModelCache, dump_snapshot, fetch_model

        assert self.cdf is not None
        key = CacheKey(self.cdf.base_url, self.cdf.project, ref)
        with self._lock:  # one fetch at a time: a model version is fetched once, then read from the cache
            if self._cache is None:
                self._cache = ModelCache(self._cache_dir)
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            client = self._connect()
            log_event("fetch", model=str(ref), project=self.cdf.project, base_url=self.cdf.base_url)
            model = self._cache.get_or_fetch(key, lambda: fetch_model(client, ref))
        # As the cache (and a snapshot) holds it, keys sorted: the first answer equals the later ones, and what
        # `pygen refresh` + `pygen generate --model-file <snapshot>` give.
        loaded: dict[str, Any] = json.loads(dump_snapshot(model))
        return loaded

    def _connect(self) -> HTTPClient:
        from pygen.generator.fetch import connect

        if self._client is None:
            assert self.cdf is not None
            self._client = connect(self.cdf, client_name="pygen-serve")
        return self._client

    def _failed(self, exc: PygenError) -> list[dict[str, Any]]:
        from pygen.generator.fetch import CredentialsError, ModelNotFoundError

        if isinstance(exc, ModelNotFoundError):
            raise RequestProblem(404, "model-not-found", str(exc)) from None
        # The details (which variable or keyring entry is missing, what CDF answered) are for the operator.
        log_event("fetch-failed", level=40, error=type(exc).__name__, detail=str(exc).splitlines()[0])
        if isinstance(exc, CredentialsError) or isinstance(exc, ImportError):
            raise RequestProblem(
                503, "fetch-unavailable", "this service cannot sign in to its CDF project (see the service's log)"
            ) from None
        raise RequestProblem(
            502, "fetch-failed", f"fetching the models from CDF failed: {type(exc).__name__} (see the service's log)"
        ) from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
