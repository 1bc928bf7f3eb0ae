"""Getting data models to the generator: snapshot files, the user cache, and credentials.

Generator side only (needs the ``generator`` extra: keyring, platformdirs, filelock); generated
SDKs never import this package.

- :func:`load_snapshot` / :func:`write_snapshot`: the committed, deterministic JSON of a model.
- :func:`fetch_model`: one model version from CDF, as the raw API JSON a snapshot holds.
- :func:`obtain_models` / :func:`refresh` / :func:`diff_models`: the build hook's model sources (snapshot,
  cache, CDF) and `pygen refresh` with its change report.
- :class:`ModelCache`: models fetched before, shared by all projects on the machine, safe for
  concurrent builds (:meth:`ModelCache.get_or_fetch` fetches once).
- :func:`resolve_client_secret` / :func:`resolve_token`: explicit value, then ``PYGEN_CLIENT_SECRET`` /
  ``PYGEN_TOKEN``, then the keyring (service ``pygen:<base_url>``, user = client id or ``token``).
"""

from pygen.fetch._cache import ENV_CACHE_DIR, CacheKey, ModelCache, default_cache_dir
from pygen.fetch._credentials import (
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
from pygen.fetch._diff import ModelDiff, PropertyChange, ViewChange, diff_models
from pygen.fetch._errors import (
    CacheError,
    CredentialsError,
    ModelNotFoundError,
    ModelRefError,
    PygenFetchError,
    SnapshotError,
)
from pygen.fetch._local import LocalModel, LocalModelError, load_model_files
from pygen.fetch._ref import HasModelId, ModelRef, ModelRefLike
from pygen.fetch._refresh import ModelChange, ObtainedModel, obtain_models, refresh
from pygen.fetch._remote import fetch_model
from pygen.fetch._snapshot import dump_snapshot, load_snapshot, snapshot_path, write_snapshot
from pygen.fetch._urls import normalize_base_url

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
    "snapshot_path",
    "store_secret",
    "write_snapshot",
]
