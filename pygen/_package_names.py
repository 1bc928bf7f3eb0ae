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
import re
import sys
from collections.abc import Iterable
from importlib import metadata

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
    # the generator, emulator and pandas extras
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
    runtime = runtime_imports()
    if key in runtime:
        return f"it is the import package of {runtime[key]!r}, which the runtime ({_RUNTIME}) depends on: {_OVERWRITE}"
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
