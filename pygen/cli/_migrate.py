"""``pygen migrate``: rewrite a pygen v1 ``[tool.pygen]`` table into pygen's format, in place.

The table is edited with tomlkit, so everything else in ``pyproject.toml`` keeps its bytes, and the
migrated keys keep their comments (a comment line directly above a key moves with it) and layout:

======================  ======================================================================
v1 key                  pygen
======================  ======================================================================
``data_models``         ``models = ["space:externalId/version", ...]``
``space``,              ``models`` (v1 used the three, when all were set, instead of
``external_id``,        ``data_models``)
``version``
``top_level_package``   ``package`` (a dotted v1 package ``a.b`` becomes ``a_b``)
``client_name``         ``client-name``
``instance_space``      ``instance-space``
``cdf_cluster``         ``[tool.pygen.cdf] cluster`` (a URL: ``base-url``)
``cdf_url``             ``[tool.pygen.cdf] base-url``
``cdf_project``         ``[tool.pygen.cdf] project``
``client_id``           ``[tool.pygen.cdf] client-id``
``tenant_id``           ``[tool.pygen.cdf] tenant-id``
``token_url``           ``[tool.pygen.cdf] token-url``
``scopes``              ``[tool.pygen.cdf] scopes`` (v1's space-separated text becomes a list)
``audience``            ``[tool.pygen.cdf] audience``
``output_dir``,         removed: pygen generates into the wheel (or ``pygen generate --output``),
``overwrite``,          always replaces the whole package atomically and always lays the code
``format_code``         out with ruff
``client_secret``       refused, as v1 refused it: the table is left as it is
======================  ======================================================================

v1's ``.secret.toml`` (``[cognite] client_secret = ...``) is read only to say what to do by hand: the
secret goes into the keyring (the exact ``keyring set`` command is printed) or ``PYGEN_CLIENT_SECRET``;
no value of that file is copied or printed. The file is written atomically (a temporary file in the same
folder, then a rename), and only when the whole migration succeeded.

Exit status: 0 migrated (the new table is valid), 1 migrated but the new table still needs the fixes
printed, 2 nothing written (no ``pyproject.toml``, no table, already pygen's format, unreadable TOML,
a secret in the table, values v1 would not have taken).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pygen.generator.v1 import GUIDE, V1_KEYS, V2_KEYS

__all__ = ["Migration", "MigrationRefused", "main", "migrate_text"]

#: v1 keys that move to ``[tool.pygen.cdf]``, with their pygen names (``cdf_cluster`` is decided per value).
_CDF_KEYS = {
    "cdf_project": "project",
    "cdf_url": "base-url",
    "client_id": "client-id",
    "tenant_id": "tenant-id",
    "token_url": "token-url",
    "scopes": "scopes",
    "audience": "audience",
}
#: v1 keys that stay in ``[tool.pygen]`` under another name.
_TOP_KEYS = {"top_level_package": "package", "client_name": "client-name", "instance_space": "instance-space"}
#: v1 keys with no pygen equivalent, and why.
_DROPPED = {
    "output_dir": "pygen generates the SDK into the wheel at build time, or where `pygen generate --output` says",
    "overwrite": "pygen always replaces the whole generated package, atomically",
    "format_code": "pygen always lays the generated code out with ruff",
}
_SINGLE_MODEL = ("space", "external_id", "version")
_STRING_KEYS = set(V1_KEYS) - {"overwrite", "format_code", "data_models", "client_secret"}


class MigrationRefused(Exception):
    """The table cannot be migrated as it is; the message says why. Nothing was written."""


@dataclass
class Migration:
    """The new ``pyproject.toml`` text, the changes made, what is left to do by hand, and remaining problems."""

    old_text: str
    new_text: str
    changes: list[str] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def diff(self, name: str = "pyproject.toml") -> str:
        """The change as a unified diff."""
        lines = difflib.unified_diff(
            self.old_text.splitlines(keepends=True),
            self.new_text.splitlines(keepends=True),
            fromfile=f"{name} (v1)",
            tofile=f"{name} (pygen)",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass
class _Entry:
    """One key of the table (with the comment lines directly above it), a free comment, or whitespace."""

    key: Any  # tomlkit Key, or None for comments and whitespace
    item: Any
    comments: list[Any] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        return None if self.key is None else str(self.key.key)

    @property
    def is_whitespace(self) -> bool:
        from tomlkit.items import Whitespace

        return self.key is None and isinstance(self.item, Whitespace)


def _group(body: Sequence[tuple[Any, Any]]) -> list[_Entry]:
    """Body items as entries: comment lines directly above a key belong to that key."""
    from tomlkit.items import Comment

    entries: list[_Entry] = []
    pending: list[Any] = []
    for key, item in body:
        if key is None and isinstance(item, Comment):
            pending.append(item)
            continue
        entries += [_Entry(None, comment) for comment in pending] if key is None else []
        entries.append(_Entry(key, item, pending if key is not None else []))
        pending = []
    entries += [_Entry(None, comment) for comment in pending]
    return entries


def _renamed(key: Any, name: str) -> Any:
    """A bare key ``name`` with ``key``'s spacing around ``=``."""
    from tomlkit.items import SingleKey

    original = str(key.as_string())
    padding = original[len(original.rstrip()) :]
    return SingleKey(name, sep=key.sep, original=name + padding)


def _with_trivia(new: Any, old: Any) -> Any:
    """``new`` with ``old``'s indentation and end-of-line comment."""
    trivia, source = new.trivia, old.trivia
    trivia.indent, trivia.comment_ws, trivia.comment, trivia.trail = (
        source.indent,
        source.comment_ws,
        source.comment,
        source.trail,
    )
    return new


def _string_array(values: Sequence[str], old: Any) -> Any:
    import tomlkit

    array = tomlkit.array()
    array.extend(values)
    return _with_trivia(array, old)


def _is_url(text: str) -> bool:
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text))


def _toml_value(value: object) -> str:
    import tomlkit

    return str(tomlkit.item(value).as_string())


def migrate_text(text: str, *, secret_file: Path | None = None, source: str = "pyproject.toml") -> Migration:
    """Migrate the v1 ``[tool.pygen]`` table of ``text`` (a ``pyproject.toml``); raise :class:`MigrationRefused`.

    ``secret_file`` is v1's ``.secret.toml`` beside it (read for its key names only; never copied).
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError
    from tomlkit.items import AoT, Table, Whitespace

    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise MigrationRefused(f"{source}: not valid TOML: {exc}") from None
    tool = document.get("tool")
    table = tool.get("pygen") if isinstance(tool, dict) else None
    if table is None:
        raise MigrationRefused(f"{source}: has no [tool.pygen] table: nothing to migrate")
    if not isinstance(table, Table):
        raise MigrationRefused(
            f"{source}: [tool.pygen] is written as an inline table or dotted keys; pygen migrate rewrites a "
            "[tool.pygen] table section: write it as one, or migrate it by hand (see " + GUIDE + ")"
        )
    keys = [str(key) for key in table]
    if any(key.lower() in {"client_secret", "client-secret"} for key in keys):
        raise MigrationRefused(
            f'{source}: [tool.pygen] holds `client_secret`, which v1 refused too ("client_secret should not be set '
            'in pyproject.toml"): a secret in a project file is leaked with it. Remove the key (and revoke the '
            "secret if the file was ever committed or shared), keep the secret in the keyring or "
            "PYGEN_CLIENT_SECRET, then run pygen migrate again. Nothing was changed"
        )
    v1_keys = [key for key in keys if key in V1_KEYS]
    if not v1_keys:
        if any(key in V2_KEYS for key in keys):
            raise MigrationRefused(f"{source}: [tool.pygen] is already in pygen's format: nothing to migrate")
        raise MigrationRefused(f"{source}: [tool.pygen] has no pygen v1 key ({', '.join(V1_KEYS)}): nothing to migrate")
    values: dict[str, Any] = {key: table[key] for key in v1_keys}
    _check_values(values, source)

    migration = Migration(text, text)
    say, todo = migration.changes.append, migration.manual.append
    present = {key: value for key, value in values.items() if not (isinstance(value, str) and not value.strip())}
    for key in values.keys() - present.keys():
        say(f"{key}: removed (empty: v1 took it as not set)")

    # What each v1 key becomes: (table, new name, new item) or None (removed).
    top: dict[str, tuple[str, Any] | None] = {}
    cdf: dict[str, tuple[str, Any] | None] = {}
    single = [key for key in _SINGLE_MODEL if key in present]
    models_from: str | None = None
    if len(single) == 3:
        ref = "{}:{}/{}".format(*(str(present[key]) for key in _SINGLE_MODEL))
        models_from = min(single, key=keys.index)
        top[models_from] = ("models", _string_array([ref], table[models_from]))
        top.update({key: None for key in single if key != models_from})
        say(f"space, external_id, version -> models = {_toml_value([ref])}")
        if "data_models" in present:
            top["data_models"] = None
            refs = [_ref(entry) for entry in present["data_models"]]
            say(
                "data_models: removed (v1 generated from space/external_id/version when all three were set, and "
                f"ignored data_models = {_toml_value(refs)})"
            )
            todo(f"add the models of v1's data_models to `models` if you meant them: {', '.join(refs)}")
    elif "data_models" in present:
        array = table["data_models"]
        refs = [_ref(entry) for entry in present["data_models"]]
        for index, ref in enumerate(refs):
            array[index] = ref
        top["data_models"] = ("models", array)
        say(f"data_models -> models = {_toml_value(refs)}")
    for key in _SINGLE_MODEL:
        if key in present and key not in top:
            top[key] = None
            say(f"{key}: removed (v1 used space, external_id and version only when all three were set)")
    partial = [f"{key} = {_toml_value(present[key])}" for key in _SINGLE_MODEL if key in present and len(single) < 3]
    if partial:
        todo(
            f"v1's {', '.join(partial)} named part of a model id (the rest came from `pygen generate` options): "
            'list the model in `models` as "space:externalId/version"'
        )
    elif "models" not in {target[0] for target in top.values() if target is not None}:
        todo('add the data models to generate: models = ["space:externalId/version"]')

    for key, name in _TOP_KEYS.items():
        if key not in present:
            continue
        item = table[key]
        if key == "top_level_package" and "." in str(present[key]):
            package = str(present[key]).replace(".", "_")
            item = _with_trivia(tomlkit.item(package), item)
            say(f"top_level_package -> package = {_toml_value(package)} (v1's {_toml_value(present[key])})")
            todo(
                f"imports change: pygen generates one top-level package, so `from {present[key]} import ...` "
                f"becomes `from {package} import ...` (or choose another `package`)"
            )
        else:
            say(f"{key} -> {name}")
        top[key] = (name, item)
    for key, reason in _DROPPED.items():
        if key in present:
            top[key] = None
            say(f"{key}: removed ({reason})")
    if "output_dir" in present:
        todo(
            f"v1 wrote the SDK into output_dir ({_toml_value(present['output_dir'])}): build your wheel with the "
            "hatch-cognite-pygen or setuptools-cognite-pygen plugin (README: 'Quick start: a typed SDK in your "
            "wheel'), or run `pygen generate --project . --output DIR`; then remove v1's generated package"
        )

    token_url = "token_url" in present
    if token_url and "tenant_id" in present:
        cdf["tenant_id"] = None
        say("tenant_id: removed (v1 used token_url when both were set)")
    for key, name in _CDF_KEYS.items():
        if key not in present or key in cdf:
            continue
        item = table[key]
        if key == "scopes":
            scopes = str(present[key]).split()
            item = _string_array(scopes, item)
            say(f"scopes -> [tool.pygen.cdf] scopes = {_toml_value(scopes)} (v1's space-separated text)")
        else:
            say(f"{key} -> [tool.pygen.cdf] {name}")
        cdf[key] = (name, item)
    if "cdf_cluster" in present:
        cluster = str(present["cdf_cluster"])
        if "cdf_url" in present:
            if "tenant_id" in present and not token_url and "scopes" not in present:
                scope = f"https://{cluster}.cognitedata.com/.default"
                cdf["cdf_cluster"] = ("scopes", _string_array([scope], table["cdf_cluster"]))
                say(
                    f"cdf_cluster -> [tool.pygen.cdf] scopes = {_toml_value([scope])} (with cdf_url, v1 used the "
                    "cluster for the token's scope only)"
                )
            else:
                cdf["cdf_cluster"] = None
                say("cdf_cluster: removed (cdf_url, now base-url, says where CDF is)")
        elif _is_url(cluster):
            cdf["cdf_cluster"] = ("base-url", table["cdf_cluster"])
            say("cdf_cluster -> [tool.pygen.cdf] base-url (it is a URL)")
        else:
            cdf["cdf_cluster"] = ("cluster", table["cdf_cluster"])
            say("cdf_cluster -> [tool.pygen.cdf] cluster")
    for key in values.keys() - present.keys():
        (cdf if key in _CDF_KEYS or key == "cdf_cluster" else top)[key] = None

    # In the order of the keys in the file.
    migration.changes.sort(key=lambda line: keys.index(re.match(r"[a-z_]+", line)[0]))  # type: ignore[index]
    _conflicts(keys, top, cdf, source)
    _rewrite(table, top, cdf, AoT, Table, Whitespace, "\r\n" if "\r\n" in text else "\n")
    migration.new_text = document.as_string()

    plain: dict[str, Any] = tomlkit.parse(migration.new_text).unwrap()["tool"]["pygen"]
    _secrets_by_hand(plain, secret_file, todo, migration.changes)
    for key in keys:
        if key not in V1_KEYS and key not in V2_KEYS:
            todo(f"`{key}` is not a v1 key (v1 ignored it) and pygen does not know it: remove it")
    migration.problems = _validate(plain, source)
    return migration


def _ref(entry: Sequence[str]) -> str:
    space, external_id, version = entry  # checked by _check_values
    return f"{space}:{external_id}/{version}"


def _check_values(values: dict[str, Any], source: str) -> None:
    prefix = f"{source}: [tool.pygen]"
    for key, value in values.items():
        if key in _STRING_KEYS and not isinstance(value, str):
            raise MigrationRefused(
                f"{prefix} `{key}` must be a string, got {_toml_value(value)} (v1 ignored a value that is not a "
                "string): fix or remove it, then run pygen migrate again. Nothing was changed"
            )
    models = values.get("data_models")
    if models is None:
        return
    if not isinstance(models, list) or not all(
        isinstance(entry, list) and len(entry) == 3 and all(isinstance(part, str) for part in entry) for entry in models
    ):
        raise MigrationRefused(
            f"{prefix} `data_models` must be a list of [space, external_id, version] lists of strings, e.g. "
            '[["my_space", "MyModel", "1"]], as v1 read it: fix it, then run pygen migrate again. Nothing was changed'
        )


def _conflicts(
    keys: list[str], top: dict[str, tuple[str, Any] | None], cdf: dict[str, tuple[str, Any] | None], source: str
) -> None:
    targets: dict[str, list[str]] = {}
    for key, target in top.items():
        if target is not None:
            targets.setdefault(target[0], []).append(key)
    for name, sources in targets.items():
        if name in keys:
            raise MigrationRefused(
                f"{source}: [tool.pygen] has both v1's `{sources[0]}` and pygen's `{name}`: remove one, then run "
                "pygen migrate again. Nothing was changed"
            )
    moved = [key for key, target in cdf.items() if target is not None]
    if moved and "cdf" in keys:
        raise MigrationRefused(
            f"{source}: [tool.pygen] has v1's `{moved[0]}` and a pygen [tool.pygen.cdf] table: move the v1 CDF keys "
            "into it by hand or remove the table, then run pygen migrate again. Nothing was changed"
        )


def _rewrite(
    table: Any,
    top: dict[str, tuple[str, Any] | None],
    cdf: dict[str, tuple[str, Any] | None],
    aot: type,
    table_type: type,
    whitespace: type,
    newline: str,
) -> None:
    """Rebuild ``table``'s body: keys renamed in place, CDF keys (with their comments) into a new sub-table."""
    from tomlkit.container import Container
    from tomlkit.items import Trivia

    body = list(table.value.body)
    split = next((i for i, (_, item) in enumerate(body) if isinstance(item, (table_type, aot))), len(body))
    values, tables = body[:split], body[split:]
    tail: list[tuple[Any, Any]] = []
    while values and values[-1][0] is None and isinstance(values[-1][1], whitespace):
        tail.insert(0, values.pop())
    entries = _group(values)

    kept: list[_Entry] = []
    moved: list[_Entry] = []
    removed_before = False
    for entry in entries:
        name = entry.name
        if name is not None and name in cdf:
            target = cdf[name]
            if target is not None:
                moved.append(_Entry(_renamed(entry.key, target[0]), target[1], entry.comments))
            removed_before = True
            continue
        if name is not None and name in top:
            target = top[name]
            if target is None:
                removed_before = True
                continue
            entry = _Entry(_renamed(entry.key, target[0]), target[1], entry.comments)
        if entry.is_whitespace and removed_before and (not kept or kept[-1].is_whitespace):
            continue  # a gap left by removed keys: keep one blank line, none at the top
        kept.append(entry)
        removed_before = False
    while kept and kept[-1].is_whitespace and (moved or tail):
        kept.pop()

    new = Container(True)
    for entry in kept:
        for comment in entry.comments:
            new.append(None, comment)
        new.append(entry.key, entry.item)
    if moved:
        last = kept[-1].item if kept else None
        if last is not None and not isinstance(last, whitespace) and "\n" not in last.trivia.trail:
            last.trivia.trail += newline  # the table ended the file without a line break
        section = Container(True)
        for entry in moved:
            for comment in entry.comments:
                section.append(None, comment)
            section.append(entry.key, entry.item)
        # A blank line before the new header, and after the section when a header follows.
        for key, item in tail or ([(None, whitespace(newline))] if tables else []):
            section.append(key, item)
        new.append(None, whitespace(newline))
        new.append("cdf", table_type(section, Trivia(trail=newline), False))
    else:
        for key, item in tail:
            new.append(key, item)
    for key, item in tables:
        new.append(key, item)
    # A container built as the parser builds one (parsed=True) keeps the order given: tomlkit's append would
    # otherwise move keys above trailing whitespace. It then replaces the table's own.
    new.parsing(False)
    table._value = new


def _secrets_by_hand(table: dict[str, Any], secret_file: Path | None, todo: Any, changes: list[str]) -> None:
    """What to do about the client secret: the keyring command (v1 kept the secret in ``.secret.toml``)."""
    cdf = table.get("cdf") if isinstance(table.get("cdf"), dict) else {}
    assert isinstance(cdf, dict)
    secret_keys: list[str] = []
    note = ""
    if secret_file is not None and secret_file.is_file():
        secret_keys, note = _secret_file_keys(secret_file)
    client_id = cdf.get("client-id")
    if "client_id" in secret_keys and not client_id:
        todo(
            f"{secret_file.name if secret_file else '.secret.toml'} sets client_id, which v1 used over pyproject.toml; "
            "pygen reads only pyproject.toml: add `client-id` to [tool.pygen.cdf] (pygen migrate copies nothing from "
            "that file)"
        )
    others = [key for key in secret_keys if key not in {"client_secret", "client_id"}]
    if others:
        todo(
            f"{secret_file.name if secret_file else '.secret.toml'} also sets {', '.join(others)}, which v1 used over "
            "pyproject.toml; pygen reads only pyproject.toml: put what belongs there into [tool.pygen.cdf] by hand"
        )
    if note:
        todo(note)
    if "client_secret" not in secret_keys and not client_id:
        return
    from pygen.generator.fetch import keyring_set_command

    base_url = _base_url(cdf)
    command = keyring_set_command(base_url, str(client_id)) if base_url else None
    if command is None:
        command = "keyring set 'pygen:<base-url>' <client-id>"
    elif not client_id:
        command = command.rsplit(" ", 1)[0] + " <client-id>"
    where = (
        " (v1 kept it in .secret.toml, [cognite] client_secret; pygen never reads that file)"
        if "client_secret" in secret_keys
        else ""
    )
    todo(
        f"store the client secret where pygen reads it{where}: run\n"
        f"      {command}\n"
        "    (it prompts for the secret), or set PYGEN_CLIENT_SECRET"
        + ("; then delete .secret.toml" if "client_secret" in secret_keys and not others else "")
    )
    if "client_secret" in secret_keys:
        changes.append(".secret.toml: left as it is (no value of it is copied)")


def _secret_file_keys(path: Path) -> tuple[list[str], str]:
    """The key names of ``[cognite]`` in v1's ``.secret.toml`` (never the values), or a note why there are none."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return [], f"{path.name}: could not be read as TOML; pygen does not read it (v1 read [cognite] from it)"
    section = data.get("cognite")
    if not isinstance(section, dict):
        return [], f"{path.name} has no [cognite] table (v1 refused such a file); pygen does not read it"
    return [str(key) for key in section], ""


def _base_url(cdf: dict[str, Any]) -> str | None:
    """The keyring's spelling of the cluster URL, or None when the table has none (or a wrong one, reported later)."""
    from pygen._urls import cluster_base_url
    from pygen.generator.fetch import PygenFetchError, normalize_base_url

    try:
        if isinstance(cdf.get("base-url"), str):
            return normalize_base_url(cdf["base-url"])
        if isinstance(cdf.get("cluster"), str):
            return cluster_base_url(cdf["cluster"])
    except (ValueError, PygenFetchError):
        return None
    return None


def _validate(table: dict[str, Any], source: str) -> list[str]:
    from pygen.generator.config import ConfigError, parse_config

    try:
        parse_config(table, source=source)
    except ConfigError as exc:
        return str(exc).splitlines()
    return []


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename (its permissions kept); nothing half-written on failure."""
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_EPILOG = f"""example:
  pygen migrate --dry-run          (print the change to ./pyproject.toml; write nothing)
  pygen migrate --project my-sdk   (rewrite my-sdk/pyproject.toml in place)

exit status: 0 migrated, 1 migrated but the new table needs the fixes printed, 2 nothing written.
{GUIDE} maps v1's generated API (list, retrieve, select, upsert, ...) to pygen's.
"""


def main(argv: Sequence[str]) -> int:
    """Run ``pygen migrate``; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="pygen migrate",
        description="Rewrite a pygen v1 (cognite-pygen) [tool.pygen] table into pygen's format, in place, keeping "
        "comments and layout; print what changed and what is left to do by hand.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--project", type=Path, default=Path("."), metavar="DIR", help="the project folder (default: .)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the change as a diff; write nothing")
    args = parser.parse_args(list(argv))
    path = args.project / "pyproject.toml"
    shown = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _refuse(f"{shown}: file not found; run pygen migrate in the project folder, or pass --project DIR")
    except OSError as exc:
        return _refuse(f"{shown}: cannot read the file ({exc.strerror or exc})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _refuse(f"{shown}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    try:
        migration = migrate_text(text, secret_file=args.project / ".secret.toml", source=shown)
    except MigrationRefused as exc:
        return _refuse(str(exc))
    if args.dry_run:
        print(migration.diff(shown), end="")
    print(f"pygen migrate: {shown}: [tool.pygen] {'would change' if args.dry_run else 'changed'} from v1:")
    for line in migration.changes:
        print(f"  {line}")
    if not args.dry_run:
        try:
            _write_atomically(path, migration.new_text)
        except OSError as exc:
            return _refuse(f"{shown}: cannot write the file ({exc.strerror or exc})")
    if migration.manual:
        print("to do by hand:")
        for line in migration.manual:
            print(f"  - {line}")
    print(f"the generated API changed too: {GUIDE} maps v1's calls to pygen's")
    if migration.problems:
        print("the new [tool.pygen] table still needs these fixes:", file=sys.stderr)
        for line in migration.problems:
            print(f"  {line}", file=sys.stderr)
    print(
        f"pygen migrate: dry run: nothing written (run without --dry-run to write {shown})"
        if args.dry_run
        else f"pygen migrate: wrote {shown}"
    )
    return 1 if migration.problems else 0


def _refuse(message: str) -> int:
    from pygen._visible import visible

    print(f"pygen migrate: error: {visible(message)}", file=sys.stderr)
    return 2
