"""``[tool.pygen]``: the project configuration shared by the hatch hook, ``pygen refresh`` and the npm build script.

```toml
[tool.pygen]
models = ["cdf_cdm:CogniteCore/v1"]     # the data models to generate, pinned to a version
package = "cognite_core"                # the generated Python package (default: chosen by the generator);
                                        # never another distribution's package (pygen/generator/_package_names.py)
client-name = "CogniteCoreClient"       # the generated client class (default: chosen by the generator)
instance-space = "my_instances"         # default space for instances written through the SDK
snapshots = "pygen-snapshots"           # committed folder with one JSON snapshot per model (the default)
model-files = ["toolkit/modules/plant"] # optional: models defined in the project (DMS JSON or Toolkit YAML)
view-names = { "my_space:Pump/v1" = "LegacyPump" }   # optional: name views yourself (see pygen/generator/ir/README.md)

[tool.pygen.cdf]                        # only needed to fetch or refresh models; never holds a secret
cluster = "westeurope-1"                # or base-url = "https://my-cluster.cognitedata.com"
project = "my-project"
client-id = "my-client-id"              # omit to use a static token (PYGEN_TOKEN or the keyring)
tenant-id = "my-entra-tenant"           # or token-url = "https://idp.example.com/oauth2/token"
scopes = ["https://westeurope-1.cognitedata.com/.default"]   # optional
audience = "https://..."                # optional
```

Every problem is reported with one template that names the file, the table, the key and what is
expected, for example::

    pyproject.toml: [tool.pygen] `models` must be a list of "space:externalId/version" strings, got 42

Unknown keys are errors (with a did-you-mean), and a key that looks like a secret is refused with a
hint on where secrets go instead.

Example:
    >>> config = load_config(".")  # reads ./pyproject.toml
    >>> [str(ref) for ref in config.refs]
    ['cdf_cdm:CogniteCore/v1']
"""

from __future__ import annotations

import difflib
import json
import keyword
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pygen._visible import visible
from pygen.generator._package_names import package_name_problem
from pygen.generator.emit import MAX_FILE_STEM
from pygen.generator.fetch import ModelRef, PygenFetchError, normalize_base_url
from pygen.transport import PygenError, cluster_base_url

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["CDFConfig", "ConfigError", "DEFAULT_SNAPSHOTS", "PygenConfig", "load_config", "parse_config"]

DEFAULT_SNAPSHOTS = "pygen-snapshots"
TABLE = "tool.pygen"
CDF_TABLE = "tool.pygen.cdf"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VIEW_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,254}")
_SPACE = re.compile(r"[a-zA-Z][a-zA-Z0-9_-]{0,41}[a-zA-Z0-9]?")
_PROJECT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,253}[A-Za-z0-9_])?")
# Keys someone might reach for to put a secret into pyproject.toml: refused with a pointer to the right place.
_SECRET_KEYS = {"client-secret", "client_secret", "secret", "token", "password", "api-key", "api_key"}

#: What each key must be, as the error messages say it.
EXPECTED: dict[tuple[str, str], str] = {
    (TABLE, "models"): 'a list of "space:externalId/version" strings, e.g. ["cdf_cdm:CogniteCore/v1"]',
    (TABLE, "package"): 'a Python package name (an identifier such as "my_sdk")',
    (TABLE, "client-name"): 'a Python class name (an identifier such as "MyClient")',
    (TABLE, "instance-space"): 'a DMS space id (a letter, then letters, digits, "_" or "-"; at most 43)',
    (TABLE, "snapshots"): 'a relative folder inside the project, e.g. "pygen-snapshots"',
    (TABLE, "model-files"): (
        "a list of files or folders inside the project with data models (DMS JSON, or Toolkit YAML: "
        '*.DataModel.yaml, *.View.yaml, *.Container.yaml), e.g. ["toolkit/modules/plant"]'
    ),
    (TABLE, "view-names"): 'a table of "space:externalId/version" = "Name", e.g. { "my_space:Pump/v1" = "OldPump" }',
    (TABLE, "cdf"): "a table ([tool.pygen.cdf]) with the CDF connection",
    (CDF_TABLE, "cluster"): 'a CDF cluster name such as "westeurope-1"',
    (CDF_TABLE, "base-url"): 'the cluster URL, e.g. "https://westeurope-1.cognitedata.com"',
    (CDF_TABLE, "project"): 'the CDF project name, e.g. "my-project"',
    (CDF_TABLE, "client-id"): "the OAuth client id (a string)",
    (CDF_TABLE, "tenant-id"): "the Entra ID tenant id (a string)",
    (CDF_TABLE, "token-url"): 'the OAuth token URL, e.g. "https://idp.example.com/oauth2/token"',
    (CDF_TABLE, "scopes"): "a list of OAuth scope strings",
    (CDF_TABLE, "audience"): "the OAuth audience (a string)",
}


class ConfigError(PygenError, ValueError):
    """``[tool.pygen]`` is missing or wrong; the message names the file, the key and what is expected."""


class _Table(BaseModel):
    # strict: TOML already has types, so 42 is never silently turned into "42".
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False)


class CDFConfig(_Table):
    """``[tool.pygen.cdf]``: where and as whom to fetch models. Never holds a secret."""

    cluster: str | None = None
    base_url_: str | None = Field(None, alias="base-url")
    project: str
    client_id: str | None = Field(None, alias="client-id")
    tenant_id: str | None = Field(None, alias="tenant-id")
    token_url: str | None = Field(None, alias="token-url")
    scopes: list[str] | None = None
    audience: str | None = None

    @field_validator("cluster")
    @classmethod
    def _cluster(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                cluster_base_url(value)
            except ValueError as exc:
                raise ValueError(str(exc).replace("base_url=...", "`base-url`")) from None
        return value

    @field_validator("base_url_")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return normalize_base_url(value)
        except PygenFetchError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("project")
    @classmethod
    def _project(cls, value: str) -> str:
        if not _PROJECT.fullmatch(value):
            raise ValueError("use letters, digits, '-', '_' and '.', starting with a letter or digit")
        return value

    @field_validator("client_id", "tenant_id", "audience")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("it is empty")
        return None if value is None else value.strip()

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^/\s]+", value):
            raise ValueError("it is not an http(s) URL")
        return value

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and (not value or any(not scope.strip() for scope in value)):
            raise ValueError("give at least one non-empty scope, or leave `scopes` out for the default")
        return value

    @property
    def base_url(self) -> str:
        """The cluster URL: ``https://{cluster}.cognitedata.com`` or the normalized ``base-url``."""
        if self.base_url_ is not None:
            return self.base_url_
        assert self.cluster is not None  # parse_config checks that one of the two is set
        return cluster_base_url(self.cluster)


class PygenConfig(_Table):
    """``[tool.pygen]``: the pinned data models, names for the generated code, snapshots, and the CDF connection."""

    models: list[str] = Field(default_factory=list)
    model_files: list[str] = Field(default_factory=list, alias="model-files")
    package: str | None = None
    client_name: str | None = Field(None, alias="client-name")
    instance_space: str | None = Field(None, alias="instance-space")
    snapshots: str = DEFAULT_SNAPSHOTS
    view_names: dict[str, str] = Field(default_factory=dict, alias="view-names")
    cdf: CDFConfig | None = None

    @field_validator("models")
    @classmethod
    def _models(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("the list is empty")
        # ModelRefError is a ValueError, so pydantic reports its message as the detail.
        refs = [ModelRef.parse(text) for text in value]
        seen: dict[tuple[str, str], ModelRef] = {}
        for ref in refs:
            key = (ref.space, ref.external_id)
            if key in seen:
                what = "lists it twice" if seen[key] == ref else f"pins two versions ({seen[key]} and {ref})"
                raise ValueError(f"{what}; give each data model once")
            seen[key] = ref
        return [str(ref) for ref in refs]

    @field_validator("package")
    @classmethod
    def _package(cls, value: str | None) -> str | None:
        if value is None:
            return None
        _check_identifier(value)
        if len(value) > MAX_FILE_STEM:
            raise ValueError(f"it has {len(value)} characters; a package is a folder: at most {MAX_FILE_STEM}")
        # Not another distribution's import package, a stdlib module, a dunder name... (_package_names.py)
        problem = package_name_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("client_name")
    @classmethod
    def _client_name(cls, value: str | None) -> str | None:
        if value is not None:
            _check_identifier(value)
        return value

    @field_validator("instance_space")
    @classmethod
    def _instance_space(cls, value: str | None) -> str | None:
        if value is not None and not _SPACE.fullmatch(value):
            raise ValueError("it is not a valid space id")
        return value

    @field_validator("snapshots")
    @classmethod
    def _snapshots(cls, value: str) -> str:
        text = value.strip().replace("\\", "/")
        if not text or text in {".", "./"}:
            raise ValueError("it must name a folder (the snapshots are committed and travel in the sdist)")
        return _inside_project(text)

    @field_validator("model_files")
    @classmethod
    def _model_files(cls, value: list[str]) -> list[str]:
        out = []
        for text in value:
            cleaned = text.strip().replace("\\", "/")
            if not cleaned or cleaned in {".", "./"}:
                raise ValueError(f"{text!r} must name a file or folder of the project")
            try:
                out.append(_inside_project(cleaned))
            except ValueError as exc:
                raise ValueError(f"{text!r}: {exc}") from None
        if len(set(out)) != len(out):
            raise ValueError("it names one path twice")
        return out

    @field_validator("view_names")
    @classmethod
    def _view_names(cls, value: dict[str, str]) -> dict[str, str]:
        for key, name in value.items():
            try:
                ModelRef.parse(key)  # a view id has the same shape as a model id
            except ValueError:
                raise ValueError(f'"{key}" is not a view id ("space:externalId/version")') from None
            if not _VIEW_NAME.fullmatch(name):
                raise ValueError(f'"{key}" = "{name}": a name is a letter followed by letters, digits and "_"')
        return value

    @property
    def refs(self) -> list[ModelRef]:
        """The pinned models as :class:`~pygen.generator.fetch.ModelRef` objects, in the configured order."""
        return [ModelRef.parse(text) for text in self.models]

    def snapshot_dir(self, project_dir: str | os.PathLike[str]) -> Path:
        """The snapshots folder of the project in ``project_dir``."""
        return Path(project_dir) / self.snapshots

    def snapshot_file(self, project_dir: str | os.PathLike[str], ref: ModelRef) -> Path:
        """Where the snapshot of ``ref`` lives in the project (see :meth:`ModelRef.snapshot_filename`)."""
        return self.snapshot_dir(project_dir) / ref.snapshot_filename()


def _inside_project(text: str) -> str:
    path = PurePosixPath(text)
    if path.is_absolute() or re.match(r"[A-Za-z]:", text):
        raise ValueError("it must be relative to the project, so that it travels in the sdist")
    if ".." in path.parts:
        raise ValueError("it must stay inside the project (no '..'), so that it travels in the sdist")
    return str(path)


def _check_identifier(value: str) -> None:
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError("use letters, digits and '_', not starting with a digit")
    if keyword.iskeyword(value):
        raise ValueError(f"{value!r} is a Python keyword")


def parse_config(table: object, *, source: str = "pyproject.toml") -> PygenConfig:
    """Validate the ``[tool.pygen]`` table (already parsed from TOML); raise :class:`ConfigError` otherwise.

    ``source`` is the file name the messages start with.
    """
    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: [{TABLE}] must be {_EXPECTED_TABLE}, got {_show(table)}")
    from pygen.generator.v1 import v1_table_message  # pygen v1's table: one message naming `pygen migrate`

    v1 = v1_table_message(table, source)
    if v1 is not None:
        raise ConfigError(v1)
    problems: list[str] = []
    problems += _secret_keys(table, TABLE, source)
    cdf = table.get("cdf")
    if isinstance(cdf, Mapping):
        problems += _secret_keys(cdf, CDF_TABLE, source)
    if problems:
        raise ConfigError("\n".join(problems))
    try:
        config = PygenConfig.model_validate(dict(table))
    except pydantic.ValidationError as exc:
        raise ConfigError("\n".join(_render(exc, table, source))) from None
    if not config.models and not config.model_files:
        raise ConfigError(
            f"{source}: [{TABLE}] `models` is missing; it must be {EXPECTED[(TABLE, 'models')]} (or list data "
            f"models defined in the project in `model-files`: {EXPECTED[(TABLE, 'model-files')]})"
        )
    if config.cdf is not None:
        problems += _check_cdf(config.cdf, table["cdf"], source)
    if problems:
        raise ConfigError("\n".join(problems))
    return config


_EXPECTED_TABLE = 'a table with at least `models = ["space:externalId/version"]`'


def load_config(project_dir: str | os.PathLike[str] = ".", *, source: str | None = None) -> PygenConfig:
    """Read ``pyproject.toml`` in ``project_dir`` and validate its ``[tool.pygen]`` table.

    Example:
        >>> load_config("example_project").refs
        [ModelRef(space='cdf_cdm', external_id='CogniteCore', version='v1')]
    """
    path = Path(project_dir) / "pyproject.toml"
    name = source or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{name}: file not found; pygen needs a pyproject.toml with a [{TABLE}] table") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: cannot read the file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: not valid TOML: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, Mapping) or TABLE.split(".")[1] not in tool:
        raise ConfigError(
            f"{name}: [{TABLE}] is missing; add it with at least the data models to generate, e.g.\n"
            f'    [{TABLE}]\n    models = ["cdf_cdm:CogniteCore/v1"]'
        )
    return parse_config(tool["pygen"], source=name)


def _secret_keys(table: Mapping[Any, Any], where: str, source: str) -> list[str]:
    # Never echo the value: it is probably a secret.
    return [
        f"{source}: [{where}] `{key}` must not be in {source}: secrets never go into project files. "
        "Set the environment variable PYGEN_CLIENT_SECRET (or PYGEN_TOKEN), or store the secret in the keyring "
        "(see `keyring set 'pygen:<base-url>' <client-id>`)"
        for key in table
        if isinstance(key, str) and key.lower() in _SECRET_KEYS
    ]


def _check_cdf(cdf: CDFConfig, raw: Mapping[str, Any], source: str) -> list[str]:
    prefix = f"{source}: [{CDF_TABLE}]"
    problems: list[str] = []
    if cdf.cluster is None and cdf.base_url_ is None:
        problems.append(f'{prefix} `cluster` is missing; set `cluster` (e.g. "westeurope-1") or `base-url`')
    elif cdf.cluster is not None and cdf.base_url_ is not None:
        problems.append(f"{prefix} `base-url` must be left out when `cluster` is set (give one of the two)")
    if cdf.client_id is not None:
        if cdf.tenant_id is None and cdf.token_url is None:
            problems.append(
                f"{prefix} `tenant-id` is missing; with `client-id` set `tenant-id` (Entra ID) or `token-url`"
            )
        elif cdf.tenant_id is not None and cdf.token_url is not None:
            problems.append(f"{prefix} `token-url` must be left out when `tenant-id` is set (give one of the two)")
    else:
        for key in ("tenant-id", "token-url", "scopes", "audience"):
            if key in raw:
                problems.append(
                    f"{prefix} `{key}` is only used with `client-id` (OAuth client credentials); "
                    "set `client-id` too, or remove it to authenticate with a static token (PYGEN_TOKEN)"
                )
    return problems


def _render(exc: pydantic.ValidationError, table: Mapping[str, Any], source: str) -> list[str]:
    """One line per wrong key, in the template ``<file>: [<table>] `<key>` must be <expected>, got <value>``."""
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors():
        loc = list(error["loc"])
        where, raw = TABLE, table
        if loc and loc[0] == "cdf" and len(loc) > 1 and isinstance(table.get("cdf"), Mapping):
            where, raw = CDF_TABLE, table["cdf"]
            loc = loc[1:]
        key = str(loc[0]) if loc else ""
        if (where, key) in seen:
            continue
        seen.add((where, key))
        prefix = f"{source}: [{where}]"
        known = sorted(k for (t, k) in EXPECTED if t == where)
        if error["type"] == "extra_forbidden":
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            lines.append(f"{prefix} `{key}` is not a known key{hint}; known keys: {', '.join(known)}")
        elif error["type"] == "missing":
            lines.append(f"{prefix} `{key}` is missing; it must be {EXPECTED[(where, key)]}")
        else:
            detail = ""
            if error["type"] == "value_error":
                detail = f" ({error.get('ctx', {}).get('error', error['msg'])})"
            lines.append(f"{prefix} `{key}` must be {EXPECTED[(where, key)]}, got {_show(raw.get(key))}{detail}")
    # Keys and values are the user's text: nothing invisible or reordering reaches the terminal (pygen/_visible.py).
    return [visible(line) for line in lines]


def _show(value: object) -> str:
    """A TOML-ish rendering of a value for a message, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    # A URL with a user name or password carries a secret: never echo that part.
    text = visible(re.sub(r"://[^/@\s\"]+@", "://***@", text))
    return text if len(text) <= 80 else text[:77] + "..."
