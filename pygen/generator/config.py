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
    >>> config = load_config("example_project")  # reads example_project/pyproject.toml
    >>> [str(ref) for ref in config.refs], config.package, config.cdf.project
    (['cdf_cdm:CogniteCore/v1'], 'cognite_core', 'my-project')
"""

from __future__ import annotations

import difflib
import functools
import json
import keyword
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pygen._urls import cluster_base_url
from pygen._visible import visible
from pygen.errors import PygenError
from pygen.generator._package_names import package_name_problem
from pygen.generator.emit import MAX_FILE_STEM
from pygen.generator.fetch import ModelRef, normalize_base_url

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


# The standard library only: the hatch hook reads [tool.pygen] in every build, and a validation library or
# the HTTP client would cost more to import than the rest of a build of a snapshot takes.


@dataclass(frozen=True, kw_only=True)
class CDFConfig:
    """``[tool.pygen.cdf]``: where and as whom to fetch models. Never holds a secret.

    Made by :func:`parse_config`, which validates and normalizes every value.
    """

    cluster: str | None = None
    base_url_: str | None = None  # `base-url`, normalized
    project: str
    client_id: str | None = None
    tenant_id: str | None = None
    token_url: str | None = None
    scopes: list[str] | None = None
    audience: str | None = None

    @property
    def base_url(self) -> str:
        """The cluster URL: ``https://{cluster}.cognitedata.com`` or the normalized ``base-url``."""
        if self.base_url_ is not None:
            return self.base_url_
        assert self.cluster is not None  # parse_config checks that one of the two is set
        return cluster_base_url(self.cluster)


@dataclass(frozen=True, kw_only=True)
class PygenConfig:
    """``[tool.pygen]``: the pinned data models, names for the generated code, snapshots, and the CDF connection.

    Made by :func:`parse_config` (or :func:`load_config`), which validates and normalizes every value.
    """

    models: list[str] = field(default_factory=list)
    model_files: list[str] = field(default_factory=list)
    package: str | None = None
    client_name: str | None = None
    instance_space: str | None = None
    snapshots: str = DEFAULT_SNAPSHOTS
    view_names: dict[str, str] = field(default_factory=dict)
    cdf: CDFConfig | None = None

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


# -- the checks of single values: each gets a value of the right type, returns it (normalized) or raises
# ValueError, whose text the message shows in parentheses after the value.


def _cluster(value: str) -> str:
    cluster_base_url(value, base_url_option="`base-url`")
    return value


def _matching(pattern: re.Pattern[str], why: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(why)
        return value

    return check


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("it is empty")
    return value.strip()


def _token_url(value: str) -> str:
    if not re.match(r"https?://[^/\s]+", value):
        raise ValueError("it is not an http(s) URL")
    return value


def _scopes(value: list[str]) -> list[str]:
    if not value or any(not scope.strip() for scope in value):
        raise ValueError("give at least one non-empty scope, or leave `scopes` out for the default")
    return value


def _models(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("the list is empty")
    refs = [ModelRef.parse(text) for text in value]  # a ModelRefError is a ValueError naming the bad part
    seen: dict[tuple[str, str], ModelRef] = {}
    for ref in refs:
        key = (ref.space, ref.external_id)
        if key in seen:
            what = "lists it twice" if seen[key] == ref else f"pins two versions ({seen[key]} and {ref})"
            raise ValueError(f"{what}; give each data model once")
        seen[key] = ref
    return [str(ref) for ref in refs]


def _package(value: str) -> str:
    _check_identifier(value)
    if len(value) > MAX_FILE_STEM:
        raise ValueError(f"it has {len(value)} characters; a package is a folder: at most {MAX_FILE_STEM}")
    # Not another distribution's import package, a stdlib module, a dunder name... (_package_names.py)
    problem = package_name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _client_name(value: str) -> str:
    _check_identifier(value)
    return value


def _snapshots(value: str) -> str:
    text = value.strip().replace("\\", "/")
    if not text or text in {".", "./"}:
        raise ValueError("it must name a folder (the snapshots are committed and travel in the sdist)")
    return _inside_project(text)


def _model_files(value: list[str]) -> list[str]:
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


def _view_names(value: dict[str, str]) -> dict[str, str]:
    for key, name in value.items():
        try:
            ModelRef.parse(key)  # a view id has the same shape as a model id
        except ValueError:
            raise ValueError(f'"{key}" is not a view id ("space:externalId/version")') from None
        if not _VIEW_NAME.fullmatch(name):
            raise ValueError(f'"{key}" = "{name}": a name is a letter followed by letters, digits and "_"')
    return value


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


# -- the tables: each key's type and check, in the order the messages list them.


@dataclass(frozen=True)
class _Key:
    name: str  # as written in TOML
    attribute: str
    kind: str  # "str", "list" (of strings), "table" (of strings) or "cdf"
    check: Callable[[Any], Any] | None = None
    optional: bool = True  # a Python None (from parse_config) is accepted for "not given"
    required: bool = False


_CDF_KEYS = (
    _Key("cluster", "cluster", "str", _cluster),
    _Key("base-url", "base_url_", "str", functools.partial(normalize_base_url, error=ValueError)),
    _Key(
        "project",
        "project",
        "str",
        _matching(_PROJECT, "use letters, digits, '-', '_' and '.', starting with a letter or digit"),
        optional=False,
        required=True,
    ),
    _Key("client-id", "client_id", "str", _not_blank),
    _Key("tenant-id", "tenant_id", "str", _not_blank),
    _Key("token-url", "token_url", "str", _token_url),
    _Key("scopes", "scopes", "list", _scopes),
    _Key("audience", "audience", "str", _not_blank),
)
_KEYS = (
    _Key("models", "models", "list", _models, optional=False),
    _Key("model-files", "model_files", "list", _model_files, optional=False),
    _Key("package", "package", "str", _package),
    _Key("client-name", "client_name", "str", _client_name),
    _Key("instance-space", "instance_space", "str", _matching(_SPACE, "it is not a valid space id")),
    _Key("snapshots", "snapshots", "str", _snapshots, optional=False),
    _Key("view-names", "view_names", "table", _view_names, optional=False),
    _Key("cdf", "cdf", "cdf"),
)


def _has_type(value: object, kind: str) -> bool:
    # Strict: TOML already has types, so 42 is never silently turned into "42" (nor true into 1).
    if kind == "str":
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if kind == "table":
        return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    return False  # "cdf": a table is checked key by key (_check_table)


def _check_table(
    table: Mapping[Any, Any], keys: tuple[_Key, ...], where: str, source: str
) -> tuple[dict[str, Any], list[str]]:
    """The checked values of ``table`` by attribute, and one line per wrong key.

    The lines follow the order of ``keys`` (a wrong ``[tool.pygen.cdf]`` reports its keys where `cdf` stands),
    then the unknown keys in the order of the table.
    """
    prefix = f"{source}: [{where}]"
    values: dict[str, Any] = {}
    lines: list[str] = []
    for key in keys:
        if key.name not in table:
            if key.required:
                lines.append(f"{prefix} `{key.name}` is missing; it must be {EXPECTED[(where, key.name)]}")
            continue
        value = table[key.name]
        if value is None and key.optional:
            values[key.attribute] = None
            continue
        detail = ""
        if key.kind == "cdf" and isinstance(value, dict):
            inner, inner_lines = _check_table(value, _CDF_KEYS, CDF_TABLE, source)
            lines += inner_lines
            values[key.attribute] = None if inner_lines else CDFConfig(**inner)
            continue
        if key.kind == "cdf" and isinstance(value, CDFConfig):
            values[key.attribute] = value
            continue
        if _has_type(value, key.kind):
            copy = list(value) if key.kind == "list" else dict(value) if key.kind == "table" else value
            try:
                values[key.attribute] = copy if key.check is None else key.check(copy)
                continue
            except ValueError as exc:
                detail = f" ({exc})"
        lines.append(f"{prefix} `{key.name}` must be {EXPECTED[(where, key.name)]}, got {_show(value)}{detail}")
    known = sorted(key.name for key in keys)
    for name in table:
        if name not in known:
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            lines.append(f"{prefix} `{name}` is not a known key{hint}; known keys: {', '.join(known)}")
    return values, lines


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
    values, lines = _check_table(table, _KEYS, TABLE, source)
    if lines:
        # Keys and values are the user's text: nothing invisible or reordering reaches the terminal (_visible.py).
        raise ConfigError("\n".join(visible(line) for line in lines))
    config = PygenConfig(**values)
    if not config.models and not config.model_files:
        raise ConfigError(
            f"{source}: [{TABLE}] `models` is missing; it must be {EXPECTED[(TABLE, 'models')]} (or list data "
            f"models defined in the project in `model-files`: {EXPECTED[(TABLE, 'model-files')]})"
        )
    if config.cdf is not None:
        problems += _check_cdf(config.cdf, cdf if isinstance(cdf, Mapping) else {}, source)
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
