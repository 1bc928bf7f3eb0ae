"""Python names for everything the emitter declares: classes, modules, fields, client attributes.

Rules (the README of ``pygen.generator.ir`` lists the diagnostic codes):

- Words come from the id: runs of ASCII letters and digits, split at case changes (``maxPressure`` ->
  ``max``, ``pressure``; ``Cognite3DModel`` -> ``Cognite``, ``3D``, ``Model``). Accented letters lose
  their accents (``é`` -> ``e``, ``ø`` -> ``o``); other non-ASCII letters become ``u`` + their decimal code point.
- Classes are PascalCase of the view's IR ``identifier`` (an id that is already PascalCase is kept as
  it is); per view the emitter gets ``X``, ``XWrite``, ``XList``, ``XFields``, ``XAPI`` and ``AsyncXAPI``.
  Modules and client attributes are snake_case; fields are snake_case of the property id.
- A name that is a keyword or soft keyword, a name the runtime uses on the base classes (``space``,
  ``version``, ``dump``, ``model_dump``...), or a builtin used in annotations (``list``, ``type``,
  ``date``...) gets ``_`` appended; a name starting with a digit, or with nothing left, gets a prefix
  (``field_``, ``View``, ``view_``); two names that come out equal are told apart with ``_2``, ``_3``...
  in the order of the sorted ids. Each change is a warning naming the original and the new name.

Everything is deterministic: the same IR gives the same names, whatever order it was built from.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pygen.generator._package_names import package_name_problem
from pygen.generator.emit._files import MAX_FILE_STEM, short_stem
from pygen.generator.emit.python._runtime_names import (
    CLIENT_ATTRIBUTES,
    INSTANCE_ATTRIBUTES,
    RESOURCE_ATTRIBUTES,
    RUNTIME_EXPORTS,
)
from pygen.generator.ir import Diagnostic, Level, SDKModel, ViewRef

__all__ = [
    "ANNOTATION_NAMES",
    "PYTHON_CODES",
    "PythonNames",
    "RESERVED_MODULES",
    "ViewNames",
    "check_python_names",
    "split_words",
    "py_ident",
    "python_names",
    "runtime_attribute_names",
    "to_pascal",
    "to_snake",
]

_TOKEN = re.compile(
    # "3D" alone; "3d"/"2nd"; an upper-case run (HTTP in HTTPServer); a word; bare digits. Digits stay with
    # the word before them (images360, float32List) unless a lone capital follows (model3D -> model, 3D).
    r"\d+[A-Z](?![a-z])|\d+[a-z]+|[A-Z]+(?![a-z])(?:\d+(?![A-Z](?![a-z])))?|[A-Z]?[a-z]+(?:\d+(?![A-Z](?![a-z])))?|\d+"
)
# Letters NFKD does not decompose into ASCII.
_LETTERS = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ð": "d", "Ð": "D"}
_LETTERS |= {"þ": "th", "Þ": "TH", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}

#: Builtins and imported names that annotations in a generated class body use: a field of that name
#: would shadow them inside the class (and a keyword argument of that name inside a method).
ANNOTATION_NAMES = frozenset(
    {
        "bool", "bytes", "classmethod", "date", "datetime", "dict", "float", "frozenset", "int", "list",
        "object", "property", "set", "staticmethod", "str", "super", "tuple", "type",
        # modules that annotations may name (``builtins.list`` where a method called ``list`` shadows it)
        "builtins", "collections", "pydantic", "pygen", "typing", "typing_extensions",
    }
)  # fmt: skip
# pydantic's protected namespaces: a field starting with these warns (pydantic >= 2.10; older: all "model_").
_PROTECTED_PREFIXES = ("model_dump", "model_validate")
_PROTECTED = "in pydantic's protected namespace (model_dump*, model_validate*)"
_KEYWORD = "a Python keyword or soft keyword"
# The runtime's names when this was written: always reserved (names only grow, so generated names stay
# stable). _runtime_names adds whatever the runtime gained later.
_RUNTIME_FALLBACK = frozenset(
    {
        "as_write", "construct", "copy", "created_time", "deleted_time", "dict", "dump", "edge_id", "end_node",
        "existing_version", "external_id", "from_orm", "id", "json", "last_updated_time", "load",
        "model_computed_fields", "model_config", "model_construct", "model_copy", "model_dump", "model_dump_json",
        "model_extra", "model_fields", "model_fields_set", "model_json_schema", "model_parametrized_name",
        "model_post_init", "model_rebuild", "model_validate", "model_validate_json", "model_validate_strings",
        "node_id", "parse_file", "parse_obj", "parse_raw", "schema", "schema_json", "space", "start_node", "type",
        "update_forward_refs", "validate", "version",
    }
)  # fmt: skip
# The client's instance attributes (set in __init__, so not visible to dir()) plus its methods.
_CLIENT_FALLBACK = frozenset({"aclose", "close", "delete", "http", "instance_space", "upsert", "validate"})
_TYPING_NAMES = frozenset(
    {
        "Annotated", "Any", "AsyncIterator", "Callable", "ClassVar", "Field", "Generic", "Iterable", "Iterator",
        "Literal", "Mapping", "Optional", "Sequence", "TYPE_CHECKING", "TypeVar", "Union", "BaseModel", "ConfigDict",
        "JsonValue", "cached_property",
    }
)  # fmt: skip
#: Every diagnostic code of Python naming and its level.
PYTHON_CODES: dict[str, Level] = {
    # Renames by the documented rules (README "Naming rules"): infos, summarised in one line.
    "python-keyword": "info",
    "python-reserved-name": "info",
    "python-invalid-identifier": "info",
    "python-long-name": "info",
    "python-name-collision": "warning",
    "python-invalid-name": "error",
}
#: Module names the emitter's own files use.
RESERVED_MODULES = frozenset({"client", "py", "typing", "types"})


def runtime_attribute_names() -> frozenset[str]:
    """Public attribute names of the runtime's instance bases (read, write, Fields) and their fields.

    From :mod:`pygen.generator.emit.python._runtime_names` (the runtime's names written down and checked against it
    by a test): generating never imports the runtime.
    """
    return _RUNTIME_FALLBACK | INSTANCE_ATTRIBUTES


def _client_attribute_names() -> frozenset[str]:
    return _CLIENT_FALLBACK | CLIENT_ATTRIBUTES


# ---------------------------------------------------------------------------------------------- words


def _ascii(text: str) -> str:
    """Accents dropped, a few letters transliterated, other non-ASCII letters/digits as ``u<hex>`` words."""
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            out.append(char)
        elif unicodedata.combining(char):
            continue
        elif char in _LETTERS:
            out.append(_LETTERS[char])
        elif char.isalnum():
            out.append(f" u{ord(char)} ")  # decimal: hex letters would split into words
        else:
            out.append(" ")
    return "".join(out)


def split_words(text: str) -> list[str]:
    """The words of ``text``: ASCII letter/digit runs split at case changes."""
    return [token for chunk in re.findall(r"[A-Za-z0-9]+", _ascii(text)) for token in _TOKEN.findall(chunk)]


def to_snake(text: str) -> str:
    """snake_case of ``text`` (may be empty or start with a digit; see ``py_ident``).

    Example:
        >>> to_snake("maxPressure"), to_snake("Cognite3DModel"), to_snake("images360"), to_snake("HTTPServer")
        ('max_pressure', 'cognite_3d_model', 'images360', 'http_server')
    """
    return "_".join(word.lower() for word in split_words(text))


def to_pascal(text: str) -> str:
    """PascalCase of ``text``: each letter/digit run gets a capital first letter, the rest is kept.

    Example:
        >>> to_pascal("Cognite3DModel"), to_pascal("pump_station"), to_pascal("my-view.v2")
        ('Cognite3DModel', 'PumpStation', 'MyViewV2')
    """
    chunks = re.findall(r"[A-Za-z0-9]+", _ascii(text))
    return "".join(chunk[:1].upper() + chunk[1:] for chunk in chunks)


def _is_keyword(name: str) -> bool:
    # "type" is a soft keyword from 3.12; "_" would be private to pydantic anyway.
    return keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in ("type", "_")


def py_ident(text: str, style: str = "snake", prefix: str = "field_") -> str:
    """A valid, non-keyword Python identifier for any string (no reserved-name or collision handling).

    Example:
        >>> py_ident("class"), py_ident("3d"), py_ident("ø"), py_ident("")
        ('class_', 'field_3d', 'o', 'field')
    """
    name = to_pascal(text) if style == "pascal" else to_snake(text)
    if not name:
        return prefix.rstrip("_") or "x"
    if name[0].isdigit():
        name = prefix + name
    while _is_keyword(name):
        name += "_"
    return name


# ---------------------------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class ViewNames:
    """The Python names of one view's declarations."""

    read_class: str
    write_class: str
    list_class: str
    fields_class: str
    api_class: str
    async_api_class: str
    filters_class: str
    module: str
    client_attribute: str

    @property
    def classes(self) -> tuple[str, ...]:
        """Every class name of the view."""
        return (
            self.read_class,
            self.write_class,
            self.list_class,
            self.fields_class,
            self.api_class,
            self.async_api_class,
            self.filters_class,
        )


def _class_set(base: str) -> tuple[str, str, str, str, str, str, str]:
    return (base, f"{base}Write", f"{base}List", f"{base}Fields", f"{base}API", f"Async{base}API", f"{base}Filters")


@dataclass(frozen=True)
class PythonNames:
    """Every Python name of an SDK: per view (``ViewNames``) and per (view, property id).

    ``fields`` holds the attribute name of each field and connection (read, write and Fields classes);
    the filter keywords of a view are derived from them (see ``pygen.instances._keywords``).
    """

    views: Mapping[ViewRef, ViewNames]
    fields: Mapping[tuple[ViewRef, str], str]
    client_class: str
    async_client_class: str
    package: str

    def view(self, ref: ViewRef) -> ViewNames:
        """The names of view ``ref``."""
        return self.views[ref]

    def field(self, ref: ViewRef, property_id: str) -> str:
        """The attribute name of ``property_id`` in view ``ref``."""
        return self.fields[(ref, property_id)]


# ---------------------------------------------------------------------------------------------- resolution


@dataclass
class _Namer:
    out: list[Diagnostic]

    def resolve(
        self,
        item: str,
        original: str,
        what: str,
        candidate: str,
        taken: Callable[[str], bool],
        reserved: Callable[[str], str | None],
        collision: Callable[[str], str],
    ) -> str:
        """Fix ``candidate`` until it is free; one warning per kind of change, naming old and new name."""
        start = candidate
        why = reserved(candidate)
        while (reason := reserved(candidate)) is not None:
            # A reserved prefix cannot be fixed by a suffix: prepend instead.
            candidate = "field_" + candidate if reason == _PROTECTED else candidate + "_"
        if candidate != start:
            code = "python-keyword" if why == _KEYWORD else "python-reserved-name"
            self.out.append(
                Diagnostic(
                    PYTHON_CODES[code],
                    item,
                    code,
                    f"{what} {original!r} would be {start!r}, {why}: named {candidate!r}",
                )
            )
        if taken(candidate):
            base, number = candidate, 2
            while taken(candidate) or reserved(candidate) is not None:
                candidate = f"{base}{'' if base.endswith('_') else '_'}{number}"
                number += 1
            self.out.append(
                Diagnostic(
                    "warning",
                    item,
                    "python-name-collision",
                    f"{what} {original!r} would be {base!r}, the same as {collision(base)}: named {candidate!r}",
                )
            )
        return candidate

    def invalid(self, item: str, original: str, what: str, name: str, problem: str) -> None:
        self.out.append(
            Diagnostic(
                PYTHON_CODES["python-invalid-identifier"],
                item,
                "python-invalid-identifier",
                f"{what} {original!r} {problem}: named {name!r}",
            )
        )


def _base_name(namer: _Namer, item: str, original: str, what: str, style: str, prefix: str) -> str:
    name = to_pascal(original) if style == "pascal" else to_snake(original)
    if not name:
        name = prefix.rstrip("_")
        namer.invalid(item, original, what, name, "has no ASCII letter or digit")
        return name
    if re.search(r"[^A-Za-z0-9_-]", original):
        namer.invalid(item, original, what, name, "has characters a Python name cannot hold")
    elif original.startswith("_"):
        namer.invalid(item, original, what, name, "starts with '_' (private in Python)")
    if name[0].isdigit():
        fixed = prefix + name
        namer.invalid(item, original, what, fixed, "starts with a digit")
        name = fixed
    return name


def python_names(
    sdk: SDKModel,
    *,
    client_name: str | None = None,
    package: str | None = None,
    reserved_modules: Iterable[str] = RESERVED_MODULES,
) -> tuple[PythonNames, list[Diagnostic]]:
    """Every Python name of ``sdk`` plus warnings for each name that had to differ from the plain conversion.

    Example:
        >>> from pygen.dms import DataModel
        >>> from pygen.generator.fetch import load_snapshot
        >>> from pygen.generator.ir import build_ir
        >>> sdk, _ = build_ir([DataModel.load(load_snapshot("example_project/snapshots/cdf_cdm.CogniteCore.v1.json"))])
        >>> names, diagnostics = python_names(sdk, package="cognite_core")
        >>> asset = next(view.id for view in sdk.views if view.id.external_id == "CogniteAsset")
        >>> names.view(asset).read_class, names.field(asset, "sourceCreatedTime")
        ('CogniteAsset', 'source_created_time')
        >>> print(diagnostics[0].message)
        property 'type' would be 'type', an attribute of the runtime's instance classes: named 'type_'
    """
    out: list[Diagnostic] = []
    namer = _Namer(out)
    first = sdk.models[0].id.external_id if sdk.models else "Data"
    client = client_name or f"{to_pascal(first) or 'Data'}Client"
    if client[0].isdigit():
        client = "Sdk" + client
    package_name = package or (py_ident(first, prefix="sdk_") + "_sdk")
    # Names the user chose are used as given: one that cannot be a Python name is the only naming error.
    if client_name is not None and not _valid_name(client_name):
        out.append(
            Diagnostic(
                "error", "client name", "python-invalid-name", f"client name {client_name!r} is not a Python identifier"
            )
        )
    if package is not None and any(len(part) > MAX_FILE_STEM for part in package.split(".")):
        out.append(
            Diagnostic(
                "error",
                "package name",
                "python-invalid-name",
                f"package name {package[:40]!r}... has a part longer than {MAX_FILE_STEM} characters (a folder name)",
            )
        )
    elif package is not None and not all(_valid_name(part) for part in package.split(".")):
        out.append(
            Diagnostic(
                "error", "package name", "python-invalid-name", f"package name {package!r} is not a Python module path"
            )
        )
    elif package is not None and (taken := package_name_problem(package)) is not None:
        out.append(Diagnostic("error", "package name", "python-invalid-name", f"package name {package!r}: {taken}"))
    runtime = runtime_attribute_names()
    module_level = (
        _TYPING_NAMES | frozenset(dir(builtins)) | _runtime_exports() | {client, f"Async{client}"} | {"True", "False"}
    )
    modules_reserved = frozenset(reserved_modules)
    client_reserved = _client_attribute_names()

    used_classes: dict[str, ViewRef] = {}
    used_modules: dict[str, ViewRef] = {}
    used_attributes: dict[str, ViewRef] = {}
    views: dict[ViewRef, ViewNames] = {}
    for view in sorted(sdk.views, key=lambda v: v.id):
        item = str(view.id)
        base = _base_name(namer, item, view.identifier, "view identifier", "pascal", "View")

        def class_reserved(name: str) -> str | None:
            if keyword.iskeyword(name):
                return _KEYWORD
            clash = [c for c in _class_set(name) if c in module_level]
            return f"a name the generated modules use ({clash[0]})" if clash else None

        base = namer.resolve(
            item,
            view.identifier,
            "class name of view identifier",
            base,
            lambda name: any(c in used_classes for c in _class_set(name)),
            class_reserved,
            lambda name: _owner(used_classes, _class_set(name)),
        )
        for name in _class_set(base):
            used_classes[name] = view.id
        snake = _base_name(namer, item, view.identifier, "module of view identifier", "snake", "view_")
        module_stem = short_stem(snake, item)
        if module_stem != snake:
            out.append(
                Diagnostic(
                    PYTHON_CODES["python-long-name"],
                    item,
                    "python-long-name",
                    f"the view's module would be a file name of {len(snake) + 3} characters, more than file "
                    f"systems allow: named {module_stem!r} (at most {MAX_FILE_STEM} characters, ending in a hash "
                    "of the view id)",
                )
            )
        module = namer.resolve(
            item,
            view.identifier,
            "module of view identifier",
            module_stem,
            lambda name: name in used_modules,
            lambda name: (
                _KEYWORD if _is_keyword(name) else ("a module of the SDK" if name in modules_reserved else None)
            ),
            lambda name: f"the module of {used_modules[name]}",
        )
        used_modules[module] = view.id
        attribute = namer.resolve(
            item,
            view.identifier,
            "client attribute of view identifier",
            snake,
            lambda name: name in used_attributes,
            lambda name: _KEYWORD if _is_keyword(name) else ("a client attribute" if name in client_reserved else None),
            lambda name: f"the client attribute of {used_attributes[name]}",
        )
        used_attributes[attribute] = view.id
        views[view.id] = ViewNames(*_class_set(base), module=module, client_attribute=attribute)

    fields: dict[tuple[ViewRef, str], str] = {}
    for view in sorted(sdk.views, key=lambda v: v.id):
        # The read class of a view whose nodes are resources has the helpers of its runtime base too.
        field_reserved = runtime | RESOURCE_ATTRIBUTES if view.resource else runtime
        _name_properties(namer, view.id, view.property_ids, field_reserved, fields)
    names = PythonNames(views, fields, client, f"Async{client}", package_name)
    return names, out


def _owner(used: Mapping[str, ViewRef], names: Iterable[str]) -> str:
    for name in names:
        if name in used:
            return f"a class of view {used[name]} ({name})"
    return "another name"  # pragma: no cover - only called when a name is taken


def _field_reserved(runtime: frozenset[str]) -> Callable[[str], str | None]:
    def reserved(name: str) -> str | None:
        if name.startswith(_PROTECTED_PREFIXES):
            return _PROTECTED
        if name in runtime:
            return "an attribute of the runtime's instance classes"
        if name in ANNOTATION_NAMES:
            return "a type name used in annotations"
        if _is_keyword(name):
            return _KEYWORD
        return None

    return reserved


def _name_properties(
    namer: _Namer,
    ref: ViewRef,
    property_ids: Sequence[str],
    runtime: frozenset[str],
    fields: dict[tuple[ViewRef, str], str],
) -> None:
    used: dict[str, str] = {}
    reserved = _field_reserved(runtime)
    for prop_id in sorted(property_ids):
        item = f"{ref}.{prop_id}"
        base = _base_name(namer, item, prop_id, "property", "snake", "field_")
        name = namer.resolve(
            item,
            prop_id,
            "property",
            base,
            lambda n: n in used,
            reserved,
            lambda n: f"property {used[n]!r}",
        )
        used[name] = prop_id
        fields[(ref, prop_id)] = name


def _valid_name(name: str) -> bool:
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def _runtime_exports() -> frozenset[str]:
    return RUNTIME_EXPORTS


def check_python_names(sdk: SDKModel) -> list[Diagnostic]:
    """The Python-specific diagnostics of ``sdk`` (renamed names); an empty list when every name is plain."""
    return python_names(sdk)[1]
