"""TypeScript names for what the emitter declares: per-view types and API classes, client members, files.

Property ids are never renamed: they are the keys of the read/write interfaces and of ``fields`` (quoted
when they are not plain identifiers, see ``ts_key``), exactly as the runtime and the API use them, so two
properties can never collide and no property can shadow a member of a runtime class.

What is renamed, with a warning naming the original and the new name:

- Classes and types are PascalCase of the view's IR ``identifier``; per view the emitter declares
  ``X`` (the read shape), ``XProperties``, ``XWrite``, ``XWriteProperties``, ``XApi`` and (node views)
  ``XLinks``. A name that is a reserved word, a global the generated code uses (``Date``,
  ``Record``...), or a name the runtime exports (``Node``, ``Filter``...) gets ``_`` appended
  (``typescript-reserved-name``); names that start with a digit get a ``View`` prefix and non-ASCII
  letters are transliterated (``typescript-invalid-identifier``); views whose names would meet get
  ``_2``, ``_3``... in the order of their sorted ids (``typescript-name-collision``).
- Client members are camelCase; the client's own members (``instances``, ``datapoints``, ``files``...) and
  ``Object.prototype``'s are reserved.
- Connection methods are camelCase; the members of the runtime's view API classes are reserved (for a view whose
  nodes are time series or files also the helpers of ``TimeSeriesNodeApi``/``FileNodeApi``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pygen.generator.emit._files import MAX_FILE_STEM, short_stem
from pygen.generator.emit.typescript._escape import TS_IDENTIFIER
from pygen.generator.ir import Diagnostic, Level, SDKModel, ViewRef

__all__ = [
    "API_MEMBERS",
    "RESOURCE_API_MEMBERS",
    "KEYWORDS",
    "TS_CODES",
    "TypeScriptNames",
    "ViewNames",
    "runtime_exports",
    "to_camel",
    "to_pascal",
    "ts_ident",
    "typescript_names",
]

#: Reserved words (ECMAScript, strict mode, TypeScript's own and contextual type names), and names with a
#: special meaning as a binding (``arguments``, ``eval``) or a type (``string``, ``never``...).
KEYWORDS = frozenset(
    """
    break case catch class const continue debugger default delete do else enum export extends false finally
    for function if import in instanceof new null return super switch this throw true try typeof var void
    while with implements interface let package private protected public static yield await arguments eval
    abstract accessor any as asserts assert async bigint boolean constructor declare from get global infer
    intrinsic is keyof module namespace never number object of out override readonly require satisfies set
    string symbol type undefined unique unknown using
    """.split()
)
#: Globals the generated code (or a reader's code beside it) relies on: never the name of a generated type.
GLOBAL_NAMES = frozenset(
    """
    Array ArrayBuffer AsyncGenerator AsyncIterable AsyncIterator BigInt Boolean DataView Date Error EvalError
    Exclude Extract Function Generator Infinity Intl Iterable Iterator JSON Map Math NaN NonNullable Number
    Object Omit Partial Pick Promise PromiseLike Proxy RangeError Readonly ReadonlyArray ReadonlyMap
    ReadonlySet Record ReferenceError Reflect RegExp Required ReturnType Set String Symbol SyntaxError
    TypeError URIError URL URLSearchParams Uint8Array WeakMap WeakRef WeakSet AbortSignal AbortController
    Response Request Headers globalThis
    """.split()
)
#: Members of ``Object.prototype`` (and ``__proto__``): a client member of that name would shadow them.
OBJECT_MEMBERS = frozenset(
    """
    constructor hasOwnProperty isPrototypeOf propertyIsEnumerable toLocaleString toString valueOf __proto__
    __defineGetter__ __defineSetter__ __lookupGetter__ __lookupSetter__
    """.split()
)
#: Members of the runtime's ``ViewApi``/``NodeApi``/``EdgeApi`` and of the generated API classes (``fields``,
#: ``VIEW``, ``CONNECTIONS``, ``query``): a connection method of that name would override them.
API_MEMBERS = frozenset(
    """
    client view instanceType parse toApply viewProperties parseProperties source writeSources ref textProperty
    numberProperty timestampProperty dateProperty booleanProperty enumProperty jsonProperty
    directRelationProperty listProperty directRelationListProperty retrieve page pages iterate list search
    aggregate count sum avg min max histogram upsert delete fields VIEW prototype name length fromJson query
    CONNECTIONS
    """.split()
)
#: Members the runtime's ``TimeSeriesNodeApi``/``FileNodeApi`` add to the API of a view whose nodes are a CDF
#: resource (``ViewClass.resource``): a connection method of that name would override them.
RESOURCE_API_MEMBERS: dict[str, frozenset[str]] = {
    "timeseries": frozenset({"datapointsApi", "datapoints", "latestDatapoint", "insertDatapoints", "deleteDatapoints"}),
    "file": frozenset({"filesApi", "upload", "download", "downloadStream", "uploadUrl", "downloadUrl"}),
}
#: The generated client's own members.
CLIENT_MEMBERS = frozenset({"instances", "http", "instanceSpace", "upsert", "delete", "datapoints", "files"})
#: Diagnostic codes of TypeScript naming and their levels.
TS_CODES: dict[str, Level] = {
    # Renames by the documented rules: infos, summarised in one line.
    "typescript-reserved-name": "info",
    "typescript-invalid-identifier": "info",
    "typescript-long-name": "info",
    "typescript-name-collision": "warning",
    "typescript-invalid-name": "error",
}
_SUFFIXES = ("", "Properties", "Write", "WriteProperties", "Api", "Links")
_RUNTIME_INDEX = Path(__file__).resolve().parents[3] / "ts_runtime" / "index.ts"
# Letters NFKD does not decompose into ASCII.
_LETTERS = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ð": "d", "Ð": "D"}
_LETTERS |= {"þ": "th", "Þ": "TH", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}


def runtime_exports(index: Path = _RUNTIME_INDEX) -> frozenset[str]:
    """Every name the runtime's ``index.ts`` exports (an SDK's ``index.ts`` re-exports them all)."""
    text = index.read_text(encoding="utf-8")
    names: set[str] = set()
    for block in re.findall(r"export\s*\{([^}]*)\}", text):
        for part in block.split(","):
            words = part.replace("type ", " ").split()
            if words:
                names.add(words[-1])  # "X as Y" exports Y
    return frozenset(names)


def _ascii_words(text: str) -> list[str]:
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            out.append(char)
        elif unicodedata.combining(char):
            continue
        elif char in _LETTERS:
            out.append(_LETTERS[char])
        elif char.isalnum():
            out.append(f" U{ord(char)} ")
        else:
            out.append(" ")
    return re.findall(r"[A-Za-z0-9]+", "".join(out))


def to_pascal(text: str) -> str:
    """PascalCase of ``text``: each letter/digit run gets a capital first letter, the rest is kept.

    Example:
        >>> to_pascal("CogniteAsset"), to_pascal("pump_station"), to_pascal("Ünïcödé")
        ('CogniteAsset', 'PumpStation', 'Unicode')
    """
    return "".join(word[:1].upper() + word[1:] for word in _ascii_words(text))


def to_camel(text: str) -> str:
    """camelCase of ``text`` (the PascalCase form with its first run lower-cased).

    Example:
        >>> to_camel("CogniteAsset"), to_camel("HTTPServer"), to_camel("my_view")
        ('cogniteAsset', 'httpServer', 'myView')
    """
    pascal = to_pascal(text)
    head = re.match(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]+|[^A-Z]*", pascal)
    run = head.group(0) if head else ""
    return run.lower() + pascal[len(run) :]


def ts_ident(text: str, *, style: str = "pascal", prefix: str = "View", reserved: Iterable[str] = ()) -> str:
    """A valid ASCII TypeScript identifier for any string, never a reserved word or a name in ``reserved``.

    Example:
        >>> ts_ident("class", style="camel"), ts_ident("3d"), ts_ident("Node", reserved={"Node"}), ts_ident("")
        ('class_', 'View3d', 'Node_', 'View')
    """
    name = to_camel(text) if style == "camel" else to_pascal(text)
    if not name:
        name = prefix[:1].lower() + prefix[1:] if style == "camel" else prefix
    elif name[0].isdigit():
        name = (prefix[:1].lower() + prefix[1:] if style == "camel" else prefix) + name
    taken = frozenset(reserved)
    while name in KEYWORDS or name in taken:
        name += "_"
    return name


@dataclass(frozen=True, slots=True)
class ViewNames:
    """The TypeScript names of one view's declarations, its file and its client member."""

    base: str
    file: str
    member: str

    @property
    def read(self) -> str:
        """The read shape: ``Node<XProperties>`` (or ``Edge<...>``)."""
        return self.base

    @property
    def properties(self) -> str:
        """The read properties interface."""
        return f"{self.base}Properties"

    @property
    def write(self) -> str:
        """The write shape: ``NodeWrite<XWriteProperties>``."""
        return f"{self.base}Write"

    @property
    def write_properties(self) -> str:
        """The write properties interface."""
        return f"{self.base}WriteProperties"

    @property
    def api(self) -> str:
        """The API class (extends ``NodeApi``/``EdgeApi``)."""
        return f"{self.base}Api"

    @property
    def declared(self) -> tuple[str, ...]:
        """Every name the view's module exports."""
        return tuple(self.base + suffix for suffix in _SUFFIXES)


@dataclass(frozen=True)
class TypeScriptNames:
    """Every TypeScript name of an SDK: per view, the client class and the package folder."""

    views: Mapping[ViewRef, ViewNames]
    client_class: str
    package: str
    #: The method name of each generated connection (edges, reverse direct relations), by (view, property id).
    connections: Mapping[tuple[ViewRef, str], str]

    def view(self, ref: ViewRef) -> ViewNames:
        """The names of view ``ref``."""
        return self.views[ref]


def _warn(out: list[Diagnostic], item: str, code: str, message: str) -> None:
    out.append(Diagnostic(TS_CODES[code], item, code, message))


def typescript_names(
    sdk: SDKModel, *, package: str, client_name: str | None = None
) -> tuple[TypeScriptNames, list[Diagnostic]]:
    """The names of every declaration of ``sdk``'s TypeScript SDK, plus warnings for names that changed.

    ``package`` is the folder the SDK is written to; ``client_name`` defaults to ``<FirstModel>Client``.
    An invalid ``package`` or ``client_name`` is an error diagnostic.
    """
    out: list[Diagnostic] = []
    reserved = KEYWORDS | GLOBAL_NAMES | runtime_exports()
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", package) or package in (".", ".."):
        _warn(out, "package", "typescript-invalid-name", f"package folder {package!r} must be letters, digits, _ . -")
    elif len(package) > MAX_FILE_STEM:
        _warn(
            out,
            "package",
            "typescript-invalid-name",
            f"package folder {package[:40]!r}... is longer than {MAX_FILE_STEM} characters (a folder name)",
        )
    first = sdk.models[0].id.external_id if sdk.models else "Data"
    client = client_name or ts_ident(first, prefix="Sdk") + "Client"
    if not TS_IDENTIFIER.fullmatch(client) or client in reserved:
        _warn(
            out,
            "client-name",
            "typescript-invalid-name",
            f"client name {client!r} is not a TypeScript identifier, or is reserved",
        )
    taken: set[str] = {client}
    files: set[str] = set()
    views: dict[ViewRef, ViewNames] = {}
    for view in sorted(sdk.views, key=lambda v: v.id):
        item = str(view.id)
        base = ts_ident(view.identifier)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", view.identifier):
            _warn(
                out,
                item,
                "typescript-invalid-identifier",
                f"view {view.identifier!r} is not a plain ASCII name starting with a letter: types named {base}",
            )
        elif base != to_pascal(view.identifier):
            _warn(out, item, "typescript-reserved-name", f"{to_pascal(view.identifier)} is reserved: using {base}")
        while any(name in reserved for name in (base + suffix for suffix in _SUFFIXES)):
            new = base + "_"
            _warn(out, item, "typescript-reserved-name", f"{base} (or a name made from it) is reserved: using {new}")
            base = new
        candidate, n = base, 1
        while any(name in taken for name in (candidate + suffix for suffix in _SUFFIXES)):
            n += 1
            candidate = f"{base}_{n}"
        if candidate != base:
            _warn(out, item, "typescript-name-collision", f"{base} is taken by another view: using {candidate}")
        taken.update(candidate + suffix for suffix in _SUFFIXES)
        # File names within file-system limits, and unique ignoring case (macOS and Windows file systems).
        short = short_stem(candidate, item)
        if short != candidate:
            _warn(
                out,
                item,
                "typescript-long-name",
                f"the view's file would be a name of {len(candidate) + 3} characters, more than file systems allow: "
                f"named {short}.ts (at most {MAX_FILE_STEM} characters, ending in a hash of the view id)",
            )
        stem, n = short, 1
        while stem.lower() in files:
            n += 1
            stem = f"{short}_{n}"
        files.add(stem.lower())
        views[view.id] = ViewNames(candidate, stem, "")
    members: set[str] = set()
    member_reserved = KEYWORDS | OBJECT_MEMBERS | CLIENT_MEMBERS
    final: dict[ViewRef, ViewNames] = {}
    for ref, names in views.items():
        member = ts_ident(sdk.view(ref).identifier, style="camel", reserved=member_reserved)
        candidate, n = member, 1
        while candidate in members:
            n += 1
            candidate = f"{member}_{n}"
        plain = to_camel(sdk.view(ref).identifier)
        if candidate != plain and plain:
            code = "typescript-name-collision" if candidate != member else "typescript-reserved-name"
            _warn(out, str(ref), code, f"the client member {plain} is reserved or taken: using {candidate}")
        members.add(candidate)
        final[ref] = ViewNames(names.base, names.file, candidate)
    return TypeScriptNames(final, client, package, _connection_names(sdk, out)), out


def _connection_names(sdk: SDKModel, out: list[Diagnostic]) -> dict[tuple[ViewRef, str], str]:
    names: dict[tuple[ViewRef, str], str] = {}
    for view in sdk.views:
        reserved = KEYWORDS | OBJECT_MEMBERS | API_MEMBERS
        if view.resource is not None and view.instance_kind != "edge":
            reserved |= RESOURCE_API_MEMBERS[view.resource]
        used: set[str] = set()
        for connection in view.connections:
            if connection.is_stored or connection.target is None:
                continue
            plain = to_camel(connection.property_id)
            name = ts_ident(connection.property_id, style="camel", prefix="connection", reserved=reserved)
            candidate, n = name, 1
            while candidate in used:
                n += 1
                candidate = f"{name}_{n}"
            if candidate != plain:
                code = "typescript-name-collision" if candidate != name else "typescript-reserved-name"
                what = f"the method of connection {connection.property_id!r}"
                _warn(out, f"{view.id}.{connection.property_id}", code, f"{what} is named {candidate}")
            used.add(candidate)
            names[(view.id, connection.property_id)] = candidate
    return names
