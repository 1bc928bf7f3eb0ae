"""Which names a generated Python package must not take: the one rule behind `[tool.pygen] package` and `--package`.

A wheel that ships a top-level package of the same name as another distribution's import package
overwrites that package's files when installed (and deletes them when uninstalled): an SDK named
``pydantic_core`` breaks ``import pydantic`` for good. A name is refused (case-insensitively, since
macOS and Windows file systems are) when it is

- a dunder name (``__init__``, ``__main__``): Python gives those a meaning of their own;
- ``sitecustomize`` or ``usercustomize``: the ``site`` module imports them at every start-up;
- ``test`` or ``tests``: Python's own regression tests, and a folder many distributions ship by mistake;
- a module of the standard library on any supported Python (``sys.stdlib_module_names``, 3.10 to 3.14);
- one of pygen's own packages;
- the import package of a distribution the runtime depends on, directly or not: derived from the
  installed runtime's declared requirements (every extra of ``cognite-pygen-runtime``, and the
  dependencies of those), plus the list below so the answer does not depend on what happens to be installed;
- the import package of a build or install tool (pip, setuptools, hatchling, build, ...).

Example:
    >>> package_name_problem("my_sdk") is None
    True
    >>> package_name_problem("pip").startswith("it is the import package of the build tool 'pip'")
    True
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterable

__all__ = ["package_name_problem", "reserved_package_names", "runtime_imports"]

_RUNTIME = "cognite-pygen-runtime"
_OVERWRITE = "installing the SDK would overwrite it, and uninstalling the SDK would delete it"

#: pygen's own import packages (the runtime, the build plugins).
PYGEN_PACKAGES = frozenset({"pygen", "pygen_hatch", "pygen_setuptools"})

#: The runtime's dependencies and theirs, as of this pygen (so the rule holds where they are not installed).
RUNTIME_IMPORTS: dict[str, str] = {
    "httpx": "httpx",
    "httpcore": "httpcore",
    "h11": "h11",
    "h2": "h2",
    "anyio": "anyio",
    "sniffio": "sniffio",
    "certifi": "certifi",
    "idna": "idna",
    "exceptiongroup": "exceptiongroup",
    "pydantic": "pydantic",
    "pydantic_core": "pydantic-core",
    "typing_extensions": "typing-extensions",
    "annotated_types": "annotated-types",
    "typing_inspection": "typing-inspection",
    # the generator, fetch, emulator and pandas extras
    "jinja2": "jinja2",
    "markupsafe": "markupsafe",
    "keyring": "keyring",
    "platformdirs": "platformdirs",
    "filelock": "filelock",
    "tomli": "tomli",
    "ruff": "ruff",
    "yaml": "pyyaml",
    "starlette": "starlette",
    "uvicorn": "uvicorn",
    "click": "click",
    "pandas": "pandas",
    "numpy": "numpy",
    "dateutil": "python-dateutil",
    "pytz": "pytz",
    "tzdata": "tzdata",
    "six": "six",
}

#: Import packages of the tools that build and install wheels: an SDK must never replace one of them.
BUILD_TOOLS: dict[str, str] = {
    "pip": "pip",
    "setuptools": "setuptools",
    "pkg_resources": "setuptools",
    "_distutils_hack": "setuptools",
    "distutils": "setuptools",
    "wheel": "wheel",
    "hatchling": "hatchling",
    "hatch": "hatch",
    "build": "build",
    "packaging": "packaging",
    "pyproject_hooks": "pyproject-hooks",
    "pluggy": "pluggy",
    "pathspec": "pathspec",
    "trove_classifiers": "trove-classifiers",
    "editables": "editables",
    "installer": "installer",
    "virtualenv": "virtualenv",
    "flit_core": "flit-core",
    "poetry": "poetry-core",
    "pdm": "pdm-backend",
    "uv": "uv",
    "pipx": "pipx",
    "tomli_w": "tomli-w",
}

#: Standard-library modules of the supported Pythons (3.10 to 3.14) that this Python may not list itself,
#: so that a name valid on one Python is valid on all of them.
_OTHER_STDLIB = frozenset(
    {
        "aifc", "annotationlib", "asynchat", "asyncore", "audioop", "binhex", "cgi", "cgitb", "chunk",
        "compression", "crypt", "distutils", "imghdr", "imp", "lib2to3", "mailcap", "msilib", "nis", "nntplib",
        "ossaudiodev", "pipes", "smtpd", "sndhdr", "spwd", "sunau", "telnetlib", "tomllib", "uu", "xdrlib",
        "_android_support", "_bootsubprocess", "_colorize", "_crypt", "_interpchannels", "_interpqueues",
        "_interpreters", "_ios_support", "_msi", "_opcode_metadata", "_pydatetime", "_pylong", "_pyrepl",
        "_sha2", "_sha256", "_sha512", "_suggestions", "_sysconfig", "_tokenize", "_typing", "_wmi",
    }
)  # fmt: skip

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_IMPORT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def package_name_problem(name: str) -> str | None:
    """Why a generated package must not be called ``name`` (its top-level part), or None when it may.

    The reason is one clause that fits after "got ..." in a message (it starts with "it is").
    """
    top = name.split(".", 1)[0]
    key = top.lower()
    if len(top) > 4 and top.startswith("__") and top.endswith("__"):
        return f"it is a dunder name, which Python reserves ({top}.py and {top}/ have a meaning of their own)"
    if key in {"sitecustomize", "usercustomize"}:
        return f"it is the module Python's `site` imports at every start-up ({key}): the SDK would run or replace it"
    if key in {"test", "tests"}:
        what = "the standard library's regression-test package, and a folder" if key == "test" else "a folder"
        return (
            f"it is {what} many distributions ship by mistake ({key}): their files and the SDK's would overwrite "
            "each other"
        )
    if key in _stdlib():
        return f"it is a module of Python's standard library ({key}); the SDK would hide it"
    if key in PYGEN_PACKAGES:
        return f"it is one of pygen's own packages ({key})"
    tools = {import_name.lower(): dist for import_name, dist in BUILD_TOOLS.items()}
    if key in tools:
        return f"it is the import package of the build tool {tools[key]!r}: {_OVERWRITE}"
    static = {name.lower(): dist for name, dist in RUNTIME_IMPORTS.items()}
    if key not in static and not _may_be_installed(key):
        return None  # nothing installed could give the name: no need to read every distribution's metadata
    runtime = runtime_imports()
    if key in runtime:
        return f"it is the import package of {runtime[key]!r}, which the runtime ({_RUNTIME}) depends on: {_OVERWRITE}"
    return None


_REQUIRES_DIST = re.compile(r"(?im)^Requires-Dist:[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)")
_LINE_NAME = re.compile(r"(?m)^[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _may_be_installed(key: str) -> bool:
    """False only when :func:`runtime_imports` cannot hold ``key`` (lower case), decided without importlib.metadata.

    That function adds, for each distribution the runtime depends on (directly or not): its name, the
    ``top_level.txt`` lines and the top-level entries of its RECORD, which are files and folders in a
    ``sys.path`` folder. So when no file or folder on ``sys.path`` is called ``key``, no installed
    distribution is, and the runtime's requirements (followed through installed distributions, extras
    included) neither name nor list it, the answer is known without reading every distribution's RECORD
    through importlib.metadata (about a tenth of a second). True means "ask importlib.metadata".
    """
    infos: dict[str, str] = {}  # normalized distribution name -> its metadata folder, first on sys.path wins
    for entry in sys.path:
        folder = entry or os.getcwd()
        if not os.path.isdir(folder):
            if os.path.exists(folder):
                return True  # a zip file (or something else) on sys.path: do not guess
            continue
        try:
            with os.scandir(folder) as found:
                names = [(item.name, item.path) for item in found]
        except OSError:
            return True
        for name, path in names:
            lower = name.lower()
            if lower.split(".", 1)[0] == key:
                return True
            if lower.endswith((".dist-info", ".egg-info")):
                infos.setdefault(_normal(lower.rsplit(".", 1)[0].split("-", 1)[0]), path)
            elif lower.endswith(".egg"):  # an old egg: its metadata is in EGG-INFO (a zipped one: do not guess)
                if not os.path.isdir(path):
                    return True
                infos.setdefault(_normal(lower[: -len(".egg")].split("-", 1)[0]), os.path.join(path, "EGG-INFO"))
    if key in infos:
        return True
    queue, seen = [_normal(_RUNTIME)], set()
    while queue:
        dist = queue.pop()
        if dist in seen:
            continue
        seen.add(dist)
        if dist == key:
            return True
        info = infos.get(dist)
        if info is None:
            continue
        requirements, top_level = _read_info(info)
        if requirements is None or key in top_level:
            return True
        queue.extend(requirements)
    return False


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _read_info(info: str) -> tuple[list[str] | None, set[str]]:
    """(every requirement's name, extras included; the top_level.txt names) of a ``*.dist-info``/``*.egg-info``.

    None for the requirements when the metadata cannot be read (the caller then asks importlib.metadata).
    """
    if not os.path.isdir(info):  # an old egg-info file is the PKG-INFO itself
        header = _header(info)
        return (None if header is None else [_normal(n) for n in _REQUIRES_DIST.findall(header)]), set()
    header = _header(os.path.join(info, "METADATA")) or _header(os.path.join(info, "PKG-INFO"))
    if header is None:
        return None, set()
    names = [_normal(name) for name in _REQUIRES_DIST.findall(header)]
    requires = _text(os.path.join(info, "requires.txt"))  # egg-info: requirements there, extras as [sections]
    names += [_normal(name) for name in _LINE_NAME.findall(requires or "")]
    top_level = {_normal(name) for name in _LINE_NAME.findall(_text(os.path.join(info, "top_level.txt")) or "")}
    return names, top_level


def _header(path: str) -> str | None:
    """The header of a METADATA/PKG-INFO file (up to the first blank line: the long description is not needed)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = ""
            while chunk := handle.read(16384):
                text += chunk
                end = text.find("\n\n")
                if end >= 0:
                    return text[:end]
            return text
    except OSError:
        return None


def _text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def reserved_package_names() -> frozenset[str]:
    """Every name :func:`package_name_problem` refuses by list (lower case; dunder names are refused by shape)."""
    return frozenset(
        {"sitecustomize", "usercustomize", "test", "tests"}
        | _stdlib()
        | PYGEN_PACKAGES
        | {name.lower() for name in BUILD_TOOLS}
        | set(runtime_imports())
    )


@functools.lru_cache(maxsize=1)
def _stdlib() -> frozenset[str]:
    return frozenset(name.lower() for name in sys.stdlib_module_names) | _OTHER_STDLIB


@functools.lru_cache(maxsize=1)
def runtime_imports() -> dict[str, str]:
    """``{import name (lower case): distribution}`` for the runtime's dependencies, direct or not.

    :data:`RUNTIME_IMPORTS`, plus whatever the installed runtime's metadata declares: every requirement
    of ``cognite-pygen-runtime`` (all extras: a project may install the generator or the emulator
    beside its SDK) and the unconditional requirements of those, followed through installed distributions.
    """
    found = {name.lower(): dist for name, dist in RUNTIME_IMPORTS.items()}
    seen: set[str] = set()
    queue = [_canonical(text) for text in _requires(_RUNTIME, with_extras=True)]
    while queue:
        dist = queue.pop()
        if not dist or dist in seen or dist == _RUNTIME:
            continue
        seen.add(dist)
        for import_name in _import_names(dist):
            found.setdefault(import_name.lower(), dist)
        queue.extend(_canonical(text) for text in _requires(dist, with_extras=False))
    return found


def _requires(dist: str, *, with_extras: bool) -> list[str]:
    from importlib import metadata

    try:
        texts = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:
        return []
    # A dependency's own extras are optional: follow only what it always needs.
    return [text for text in texts if with_extras or "extra" not in text.partition(";")[2]]


def _canonical(requirement: str) -> str:
    match = _NAME.match(requirement.strip())
    return re.sub(r"[-_.]+", "-", match.group(0)).lower() if match else ""


def _import_names(dist: str) -> set[str]:
    """The top-level import names of distribution ``dist``: from its files when installed, else its name."""
    from importlib import metadata

    names = {dist.replace("-", "_")}
    try:
        distribution = metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        return names
    top_level = distribution.read_text("top_level.txt")
    if top_level:
        names.update(line.strip() for line in top_level.splitlines() if _IMPORT_NAME.fullmatch(line.strip()))
    names.update(_top_level_of(str(path) for path in distribution.files or ()))
    return names


def _top_level_of(paths: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for path in paths:
        parts = path.replace("\\", "/").split("/")
        first = parts[0]
        if len(parts) > 1:
            if first.endswith((".dist-info", ".data", ".egg-info")) or first in {"..", "__pycache__"}:
                continue
            candidate = first
        else:
            # a module file: name.py, or an extension such as name.cpython-311-x86_64-linux-gnu.so / name.pyd
            if not first.endswith((".py", ".so", ".pyd")):
                continue
            candidate = first.split(".", 1)[0]
        if _IMPORT_NAME.fullmatch(candidate):
            out.add(candidate)
    return out
