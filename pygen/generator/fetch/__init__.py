"""Getting data models to the generator: snapshot files, the user cache, and credentials.

Generator side only; generated SDKs never import this package. Snapshots and model files need the
``generator`` extra; the user cache and credentials (what fetching from CDF needs) the ``fetch`` extra
(keyring, platformdirs, filelock), imported only when a model is fetched.

- :func:`load_snapshot` / :func:`write_snapshot`: the committed, deterministic JSON of a model.
- :func:`fetch_model`: one model version from CDF, as the raw API JSON a snapshot holds.
- :func:`obtain_models` / :func:`refresh` / :func:`diff_models`: the build hook's model sources (snapshot,
  cache, CDF) and `pygen refresh` with its change report.
- :class:`ModelCache`: models fetched before, shared by all projects on the machine, safe for
  concurrent builds (:meth:`ModelCache.get_or_fetch` fetches once).
- :func:`connect`: an HTTP client for a ``[tool.pygen.cdf]`` table, its secret resolved as below.
- :func:`resolve_client_secret` / :func:`resolve_token`: explicit value, then ``PYGEN_CLIENT_SECRET`` /
  ``PYGEN_TOKEN``, then the keyring (service ``pygen:<base_url>``, user = client id or ``token``).
"""

import importlib
from typing import TYPE_CHECKING, Any

# The names below are imported on first use (PEP 562): `pygen generate` reads model files through this
# package and must not pay for the cache, the credentials or the HTTP client a fetch needs.
if TYPE_CHECKING:
    from pygen.generator.fetch._cache import ENV_CACHE_DIR, CacheKey, ModelCache, default_cache_dir
    from pygen.generator.fetch._credentials import (
        ENV_CLIENT_SECRET,
        ENV_TOKEN,
        TOKEN_USERNAME,
        Secret,
        SecretSource,
        credentials_help,
        keyring_service,
        keyring_set_command,
        resolve_client_secret,
        resolve_secret,
        resolve_token,
        store_secret,
    )
    from pygen.generator.fetch._diff import ModelDiff, PropertyChange, ViewChange, diff_models
    from pygen.generator.fetch._errors import (
        CacheError,
        CredentialsError,
        ModelNotFoundError,
        ModelRefError,
        PygenFetchError,
        SnapshotError,
    )
    from pygen.generator.fetch._local import LocalModel, LocalModelError, load_model_files
    from pygen.generator.fetch._ref import HasModelId, ModelRef, ModelRefLike
    from pygen.generator.fetch._refresh import ModelChange, ObtainedModel, connect, obtain_models, refresh, shown_path
    from pygen.generator.fetch._remote import fetch_model
    from pygen.generator.fetch._snapshot import dump_snapshot, load_snapshot, snapshot_path, write_snapshot
    from pygen.generator.fetch._urls import normalize_base_url

__all__ = [
    "CacheError",
    "CacheKey",
    "CredentialsError",
    "ENV_CACHE_DIR",
    "ENV_CLIENT_SECRET",
    "ENV_TOKEN",
    "HasModelId",
    "LocalModel",
    "LocalModelError",
    "ModelCache",
    "ModelChange",
    "ModelDiff",
    "ModelNotFoundError",
    "ModelRef",
    "ModelRefError",
    "ModelRefLike",
    "ObtainedModel",
    "PropertyChange",
    "PygenFetchError",
    "Secret",
    "SecretSource",
    "SnapshotError",
    "TOKEN_USERNAME",
    "ViewChange",
    "connect",
    "credentials_help",
    "default_cache_dir",
    "diff_models",
    "dump_snapshot",
    "fetch_model",
    "keyring_service",
    "keyring_set_command",
    "load_model_files",
    "load_snapshot",
    "normalize_base_url",
    "obtain_models",
    "refresh",
    "resolve_client_secret",
    "resolve_secret",
    "resolve_token",
    "shown_path",
    "snapshot_path",
    "store_secret",
    "write_snapshot",
]

#: Which submodule defines each public name.
_WHERE = {
    "CacheError": "_errors",
    "CacheKey": "_cache",
    "CredentialsError": "_errors",
    "ENV_CACHE_DIR": "_cache",
    "ENV_CLIENT_SECRET": "_credentials",
    "ENV_TOKEN": "_credentials",
    "HasModelId": "_ref",
    "LocalModel": "_local",
    "LocalModelError": "_local",
    "ModelCache": "_cache",
    "ModelChange": "_refresh",
    "ModelDiff": "_diff",
    "ModelNotFoundError": "_errors",
    "ModelRef": "_ref",
    "ModelRefError": "_errors",
    "ModelRefLike": "_ref",
    "ObtainedModel": "_refresh",
    "PropertyChange": "_diff",
    "PygenFetchError": "_errors",
    "Secret": "_credentials",
    "SecretSource": "_credentials",
    "SnapshotError": "_errors",
    "TOKEN_USERNAME": "_credentials",
    "ViewChange": "_diff",
    "connect": "_refresh",
    "credentials_help": "_credentials",
    "default_cache_dir": "_cache",
    "diff_models": "_diff",
    "dump_snapshot": "_snapshot",
    "fetch_model": "_remote",
    "keyring_service": "_credentials",
    "keyring_set_command": "_credentials",
    "load_model_files": "_local",
    "load_snapshot": "_snapshot",
    "normalize_base_url": "_urls",
    "obtain_models": "_refresh",
    "refresh": "_refresh",
    "shown_path": "_refresh",
    "resolve_client_secret": "_credentials",
    "resolve_secret": "_credentials",
    "resolve_token": "_credentials",
    "snapshot_path": "_snapshot",
    "store_secret": "_credentials",
    "write_snapshot": "_snapshot",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
