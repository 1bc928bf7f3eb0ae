"""Data models from files in the project: DMS JSON, or the YAML resource files of Cognite's Toolkit.

A team that defines its model in files wants the SDK before (or without) deploying it.
:func:`load_model_files` reads one path of ``[tool.pygen] model-files`` (or ``pygen generate
--model-file``):

- a ``.json`` file: one data model with its views inline (what ``pygen refresh`` writes), or a list;
- a ``.yaml``/``.yml`` file or a folder of them: Toolkit resources, recognised by their suffix
  (``*.DataModel.yaml``, ``*.View.yaml``, ``*.Container.yaml``, any case; in a folder other YAML files,
  spaces and nodes for example, are skipped). Each file holds one resource or a list.

Toolkit files use the API's *write* shape: a data model lists its views by id, a view maps container
properties without their types. The API's read shape, which the generator takes, is built from them
here: each listed view is inlined, with the properties of the views it implements (its own win), and
each mapped property gets its type, nullability and defaults from its container (the view's name,
description and direct-relation ``source`` win). Every view, implemented view and container a model
needs must be in the files: anything missing, a Toolkit variable left unresolved (``{{ space }}``: point
at the folder ``cdf build`` writes), or a file that is not valid YAML is a :class:`LocalModelError`
naming the file and the item. Files are read in sorted order, so the result is the same on every
machine.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pygen.generator.fetch._errors import SnapshotError
from pygen.generator.fetch._ref import ModelRef
from pygen.generator.fetch._snapshot import check_model, parse_snapshot

__all__ = ["LocalModel", "LocalModelError", "load_model_files"]

_KINDS = {"datamodel": "data model", "view": "view", "container": "container"}
_SUFFIX = re.compile(r"\.(datamodel|view|container)\.ya?ml$", re.IGNORECASE)
_VARIABLE = re.compile(r"\{\{\s*[^}]*\}\}")


class LocalModelError(SnapshotError):
    """A model file (JSON or Toolkit YAML) cannot give a data model; the message names the file and item."""


@dataclass(frozen=True)
class LocalModel:
    """A data model read from the project's files, and the files it was read from."""

    ref: ModelRef
    model: dict[str, Any]
    files: tuple[Path, ...]


def load_model_files(path: str | os.PathLike[str], *, shown: str | None = None) -> list[LocalModel]:
    """Every data model in ``path`` (a JSON file, a Toolkit YAML file, or a folder of Toolkit YAML files).

    ``shown`` is how messages name ``path`` (the project-relative form); default ``str(path)``.
    """
    source = Path(path)
    name = shown or str(source)
    if source.is_dir():
        files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in (".yaml", ".yml"))
        kinds = [(p, _kind(p)) for p in files]
        found = [(p, kind) for p, kind in kinds if kind is not None]  # spaces, nodes...: not for pygen
        if not found:
            json_files = sorted(p.relative_to(source).as_posix() for p in source.rglob("*.json") if p.is_file())
            hint = (
                f"; it holds JSON files ({', '.join(json_files[:3])}{', ...' if len(json_files) > 3 else ''}), but a "
                "folder is read as Cognite Toolkit YAML: give each JSON data model file itself"
                if json_files
                else ""
            )
            raise LocalModelError(
                f"{name}: no *.DataModel.yaml, *.View.yaml or *.Container.yaml file in the folder{hint}"
            )
        return _from_toolkit(found, name, lambda p: _shown(p, source, name))
    if not source.is_file():
        raise LocalModelError(f"{name}: no such file or folder")
    if source.suffix.lower() == ".json":
        return _from_json(source, name)
    if source.suffix.lower() in (".yaml", ".yml"):
        kind = _kind(source)
        if kind is None:
            raise LocalModelError(
                f"{name}: not a Toolkit data model, view or container file (name it *.DataModel.yaml, "
                "*.View.yaml or *.Container.yaml), or give the folder that holds them"
            )
        return _from_toolkit([(source, kind)], name, lambda p: name)
    raise LocalModelError(f"{name}: expected a .json data model, Toolkit .yaml files, or a folder of them")


def _shown(path: Path, folder: Path, name: str) -> str:
    return f"{name.rstrip('/')}/{path.relative_to(folder).as_posix()}"


def _kind(path: Path) -> str | None:
    match = _SUFFIX.search(path.name)
    return match.group(1).lower() if match else None


def _from_json(path: Path, name: str) -> list[LocalModel]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LocalModelError(f"{name}: cannot read the file ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None  # parse_snapshot gives the precise message
    if isinstance(data, list):
        models = [check_model(item, source=f"{name} [{index}]") for index, item in enumerate(data)]
    else:
        models = [parse_snapshot(raw, source=name)]
    if not models:
        raise LocalModelError(f"{name}: the list holds no data model")
    return [LocalModel(ModelRef.from_model(model), model, (path,)) for model in models]


# ---------------------------------------------------------------------------------------------- Toolkit YAML


def _from_toolkit(files: Sequence[tuple[Path, str]], name: str, show: Callable[[Path], str]) -> list[LocalModel]:
    try:
        import yaml
    except ModuleNotFoundError:  # pragma: no cover - the generator extra installs it
        raise LocalModelError(
            f"{name}: reading Toolkit YAML needs PyYAML: pip install 'cognite-pygen-runtime[generator]'"
        ) from None
    containers: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    views: dict[tuple[str, str, str], tuple[dict[str, Any], str]] = {}
    models: list[tuple[dict[str, Any], str, Path]] = []
    for path, kind in files:
        where = show(path)
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8-sig")))
        except OSError as exc:
            raise LocalModelError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
        except UnicodeDecodeError as exc:
            raise LocalModelError(f"{where}: not UTF-8 text (bad byte at offset {exc.start})") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise LocalModelError(f"{where}: not valid YAML: {problem}{at}") from None
        items = _items(documents)
        for index, item in enumerate(items):
            at = where if len(items) == 1 else f"{where} [{index}]"
            if not isinstance(item, dict):
                raise LocalModelError(f"{at}: expected a {_KINDS[kind]} (a mapping), got {type(item).__name__}")
            _no_variables(item, at)
            if kind == "container":
                key = (_text(item, "space", at), _text(item, "externalId", at))
                _once(containers, key, item, at, "container", f"{key[0]}:{key[1]}")
            elif kind == "view":
                key3 = (_text(item, "space", at), _text(item, "externalId", at), _version(item, at))
                _once(views, key3, item, at, "view", f"{key3[0]}:{key3[1]}/{key3[2]}")
            else:
                models.append((item, at, path))
    if not models:
        raise LocalModelError(f"{name}: no *.DataModel.yaml file: nothing says which views make the data model")
    out = []
    for item, at, _path in models:
        model = _data_model(item, at, views, containers)
        checked = check_model(model, source=at)
        # The model is built from the set of files as a whole: all of them travel with it (in the sdist).
        out.append(LocalModel(ModelRef.from_model(checked), checked, tuple(path for path, _ in files)))
    return out


def _items(documents: list[Any]) -> list[Any]:
    items: list[Any] = []
    for document in documents:
        if document is None:
            continue
        items.extend(document if isinstance(document, list) else [document])
    return items


def _no_variables(value: Any, at: str, path: str = "") -> None:
    if isinstance(value, str) and _VARIABLE.search(value):
        raise LocalModelError(
            f"{at}: {path or 'a value'} holds the Toolkit variable {_VARIABLE.search(value).group(0)!r}"  # type: ignore[union-attr]
            " that only `cdf build` resolves: point pygen at the folder `cdf build` writes"
        )
    if isinstance(value, Mapping):
        for key, item in value.items():
            _no_variables(item, at, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _no_variables(item, at, f"{path}[{index}]")


def _text(item: Mapping[str, Any], key: str, at: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise LocalModelError(f"{at}: `{key}` must be a non-empty string, got {value!r}")
    return value


def _version(item: Mapping[str, Any], at: str) -> str:
    value = item.get("version")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # `version: 1` in YAML is a number; the API's versions are strings
    return _text(item, "version", at)


def _once(
    found: dict[Any, tuple[dict[str, Any], str]], key: Any, item: dict[str, Any], at: str, what: str, ident: str
) -> None:
    if key in found:
        raise LocalModelError(f"{at}: {what} {ident} is defined twice (also in {found[key][1]})")
    found[key] = (item, at)


def _ref_of(value: Any, at: str, what: str) -> tuple[str, str, str]:
    if not isinstance(value, Mapping):
        raise LocalModelError(f"{at}: {what} must be a view reference (space, externalId, version), got {value!r}")
    return (_text(value, "space", at), _text(value, "externalId", at), _version(value, at))


def _data_model(
    item: dict[str, Any],
    at: str,
    views: Mapping[tuple[str, str, str], tuple[dict[str, Any], str]],
    containers: Mapping[tuple[str, str], tuple[dict[str, Any], str]],
) -> dict[str, Any]:
    space, external_id, version = _text(item, "space", at), _text(item, "externalId", at), _version(item, at)
    listed = item.get("views") or []
    if not isinstance(listed, list):
        raise LocalModelError(f"{at}: `views` must be a list of view references")
    inline = []
    for index, entry in enumerate(listed):
        ref = _ref_of(entry, at, f"views[{index}]")
        inline.append(_read_view(ref, f"{at}: views[{index}]", views, containers, ()))
    model: dict[str, Any] = {"space": space, "externalId": external_id, "version": version, "views": inline}
    for key in ("name", "description"):
        if item.get(key) is not None:
            model[key] = item[key]
    model["isGlobal"] = False
    return model


def _read_view(
    ref: tuple[str, str, str],
    why: str,
    views: Mapping[tuple[str, str, str], tuple[dict[str, Any], str]],
    containers: Mapping[tuple[str, str], tuple[dict[str, Any], str]],
    seen: tuple[tuple[str, str, str], ...],
) -> dict[str, Any]:
    """The API's read shape of view ``ref``: inherited properties included, mapped ones typed."""
    shown = f"{ref[0]}:{ref[1]}/{ref[2]}"
    if ref not in views:
        raise LocalModelError(f"{why} names the view {shown}, which no *.View.yaml file in the model files defines")
    if ref in seen:
        chain = " -> ".join(f"{s[0]}:{s[1]}/{s[2]}" for s in (*seen, ref))
        raise LocalModelError(f"{views[ref][1]}: views implement each other ({chain})")
    item, at = views[ref]
    properties: dict[str, Any] = {}
    implements = item.get("implements") or []
    if not isinstance(implements, list):
        raise LocalModelError(f"{at}: `implements` must be a list of view references")
    for index, parent in enumerate(implements):
        parent_ref = _ref_of(parent, at, f"implements[{index}]")
        inherited = _read_view(parent_ref, f"{at}: implements[{index}]", views, containers, (*seen, ref))
        properties.update(inherited["properties"])
    own = item.get("properties") or {}
    if not isinstance(own, Mapping):
        raise LocalModelError(f"{at}: `properties` must be a mapping of property id to definition")
    used_for: set[str] = set()
    for prop_id, prop in own.items():
        if not isinstance(prop, Mapping):
            raise LocalModelError(f"{at}: properties.{prop_id} must be a mapping, got {prop!r}")
        if "container" in prop:
            properties[str(prop_id)], kind = _mapped(str(prop_id), prop, at, containers)
            used_for.add(kind)
        else:
            properties[str(prop_id)] = _connection(prop)
    view: dict[str, Any] = {
        "space": ref[0],
        "externalId": ref[1],
        "version": ref[2],
        "name": item.get("name"),
        "description": item.get("description"),
        "filter": item.get("filter"),
        "implements": [
            {"type": "view", "space": parent[0], "externalId": parent[1], "version": parent[2]}
            for parent in (_ref_of(entry, at, "implements") for entry in implements)
        ],
        "writable": True,
        "usedFor": "all" if len(used_for) > 1 or "all" in used_for else (used_for.pop() if used_for else "node"),
        "isGlobal": False,
        "properties": properties,
    }
    return view


def _mapped(
    prop_id: str, prop: Mapping[str, Any], at: str, containers: Mapping[tuple[str, str], tuple[dict[str, Any], str]]
) -> tuple[dict[str, Any], str]:
    container_ref = prop["container"]
    if not isinstance(container_ref, Mapping):
        raise LocalModelError(f"{at}: properties.{prop_id}.container must be a container reference")
    key = (_text(container_ref, "space", at), _text(container_ref, "externalId", at))
    identifier = prop.get("containerPropertyIdentifier", prop_id)
    if key not in containers:
        raise LocalModelError(
            f"{at}: properties.{prop_id} maps the container {key[0]}:{key[1]}, which no *.Container.yaml file in "
            "the model files defines"
        )
    container, container_at = containers[key]
    definition = (container.get("properties") or {}).get(identifier)
    if not isinstance(definition, Mapping) or not isinstance(definition.get("type"), Mapping):
        raise LocalModelError(
            f"{at}: properties.{prop_id} maps {key[0]}:{key[1]}.{identifier}, which {container_at} does not define"
        )
    type_ = dict(definition["type"])
    if type_.get("type") == "direct" and prop.get("source") is not None:
        type_["source"] = dict(prop["source"])
    read: dict[str, Any] = {
        "container": {"space": key[0], "externalId": key[1]},
        "containerPropertyIdentifier": identifier,
        "type": type_,
        "nullable": definition.get("nullable", True),
        "immutable": definition.get("immutable", False),
        "autoIncrement": definition.get("autoIncrement", False),
        "defaultValue": definition.get("defaultValue"),
        "name": prop.get("name", definition.get("name")),
        "description": prop.get("description", definition.get("description")),
    }
    return read, str(container.get("usedFor", "node"))


def _connection(prop: Mapping[str, Any]) -> dict[str, Any]:
    """Edges and reverse direct relations have the same shape in both directions of the API."""
    read = dict(prop)
    if "connectionType" not in read and "direction" in read:  # the write shape's edges may leave it out
        read["connectionType"] = "multi_edge_connection"
    return read
