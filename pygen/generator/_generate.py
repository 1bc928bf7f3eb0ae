"""Generate a typed SDK from data model snapshots: the one entry point of the generator.

``generate`` returns the files in memory (``{relative path: text}``); ``load_sdk`` generates and imports
an SDK without writing files (for notebooks). The ``pygen generate`` command and the build hook both
call ``generate``.

Example:
    >>> from pygen.generator import generate, load_sdk
    >>> from pygen.generator.fetch import load_snapshot
    >>> model = load_snapshot("example_project/snapshots/cdf_cdm.CogniteCore.v1.json")
    >>> result = generate([model])
    >>> "class CogniteCoreClient(" in result.files["cognite_core/_client.py"]  # the client module's text
    True
    >>> sdk = load_sdk([model])
    >>> sdk.CogniteCoreClient.__module__
    'cognite_core._client'
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import linecache
import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pygen._extras import require_extra
from pygen.errors import PygenError
from pygen.generator.ir import Diagnostic, sort_diagnostics

if TYPE_CHECKING:
    from pygen.generator.ir import SDKModel

__all__ = ["GenerationError", "GenerationResult", "generate", "load_sdk"]


@dataclass(frozen=True)
class GenerationResult:
    """The generated files (``{"my_sdk/__init__.py": text, ...}``), every diagnostic, and the names used."""

    files: dict[str, str]
    diagnostics: list[Diagnostic]
    package: str
    client_name: str


class GenerationError(PygenError):
    """The model has errors (or the language is not available): nothing was generated.

    ``diagnostics`` holds every diagnostic (warnings too); the message lists them all.
    """

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        self.diagnostics = list(diagnostics)
        lines = [message, *(f"  {diagnostic}" for diagnostic in self.diagnostics)]
        super().__init__("\n".join(lines))


def _models(models: Sequence[Mapping[str, Any]]) -> tuple[list[Any], list[Diagnostic]]:
    """Each model read for the IR; pydantic (``pygen.dms``) is imported only for what the plain reader leaves to it."""
    from pygen.generator.ir import Fallback, from_dms, read_model

    loaded: list[Any] = []
    out: list[Diagnostic] = []
    if isinstance(models, Mapping):
        raise TypeError("generate() takes a list of data models; wrap a single model in a list")
    for index, raw in enumerate(models):
        item = _model_item(raw, index)
        if not isinstance(raw, Mapping):
            out.append(
                Diagnostic("error", item, "invalid-model", f"expected a data model object, got {type(raw).__name__}")
            )
            continue
        try:
            loaded.append(read_model(raw))
            continue
        except Fallback:
            pass
        from pydantic import ValidationError

        from pygen.dms import DataModel

        try:
            loaded.append(from_dms(DataModel.load(dict(raw))))
        except (ValidationError, ValueError, TypeError, KeyError) as exc:
            first = str(exc).strip().splitlines()
            out.append(Diagnostic("error", item, "invalid-model", f"not a DMS data model: {' '.join(first[:3])[:300]}"))
    return loaded, out


def _model_item(raw: object, index: int) -> str:
    if isinstance(raw, Mapping):
        space, xid, version = raw.get("space"), raw.get("externalId"), raw.get("version")
        if all(isinstance(part, str) for part in (space, xid, version)):
            return f"{space}:{xid}/{version}"
    return f"models[{index}]"


def _default_package(external_id: str) -> str:
    from pygen.generator._package_names import package_name_problem
    from pygen.generator.emit import short_stem
    from pygen.generator.emit.python import py_ident

    # A folder name: a 255-character external id keeps its start and a hash (pygen/generator/emit/_files.py).
    name = short_stem(py_ident(external_id, prefix="sdk_"), external_id)
    # Never another distribution's import package, a stdlib module, test, a dunder name... (_package_names.py)
    if package_name_problem(name) is not None:
        name += "_sdk"
    return name


def generate(
    models: Sequence[Mapping[str, Any]],
    *,
    language: Literal["python", "typescript"] = "python",
    package: str | None = None,
    client_name: str | None = None,
    instance_space: str | None = None,
    view_names: Mapping[str, str] | None = None,
    format: bool = True,
) -> GenerationResult:
    """Generate one SDK over ``models`` (DMS API JSON of data models with views inline).

    Defaults come from the first model's external id (``CogniteCore`` -> package ``cognite_core``,
    client ``CogniteCoreClient``). Warnings are returned; errors raise :class:`GenerationError`.
    ``view_names`` (``{"space:externalId/version": "Name"}``) names views yourself; views that share an
    external id are otherwise told apart by space, then version (see ``pygen/generator/ir/README.md``).
    Python code is laid out by ruff (``format=False`` skips that: valid code, for code never read).

    Example:
        >>> from pygen.generator.fetch import load_snapshot
        >>> result = generate([load_snapshot("example_project/snapshots/cdf_cdm.CogniteCore.v1.json")], package="core")
        >>> result.package, result.client_name, "core/__init__.py" in result.files
        ('core', 'CogniteCoreClient', True)
        >>> print(result.diagnostics[0].item, result.diagnostics[0].code)  # CogniteCore gives a few renames
        cdf_cdm:Cognite360ImageCollection/v1.type python-reserved-name
    """
    if language not in ("python", "typescript"):
        raise GenerationError(f"unknown language {language!r}: use 'python' or 'typescript'")
    require_extra("generator", "pygen.generator._generate", "jinja2")
    from pygen.generator.ir import build_ir

    loaded, diagnostics = _models(models)
    sdk, ir_diagnostics = build_ir(loaded, default_instance_space=instance_space, view_names=view_names)
    diagnostics += ir_diagnostics
    if sdk is None or any(d.is_error for d in diagnostics):
        raise GenerationError("cannot generate the SDK:", sort_diagnostics(diagnostics))
    first = sdk.models[0].id.external_id if sdk.models else "data"
    if language == "typescript":
        return _generate_typescript(sdk, diagnostics, package or _default_package(first), client_name)
    from pygen.generator.emit.python import emit_python, python_names

    names, name_diagnostics = python_names(sdk, client_name=client_name, package=package or _default_package(first))
    diagnostics += name_diagnostics
    if any(d.is_error for d in diagnostics):
        raise GenerationError("cannot generate the SDK:", sort_diagnostics(diagnostics))
    files, emit_diagnostics = emit_python(sdk, names)
    diagnostics += emit_diagnostics
    if format:
        from pygen.generator.emit.python import format_python

        files = format_python(files)
    return GenerationResult(files, sort_diagnostics(diagnostics), names.package, names.client_class)


def _generate_typescript(
    sdk: SDKModel, diagnostics: list[Diagnostic], package: str, client_name: str | None
) -> GenerationResult:
    from pygen.generator.emit.typescript import emit_typescript, typescript_names

    names, name_diagnostics = typescript_names(sdk, package=package, client_name=client_name)
    diagnostics = diagnostics + name_diagnostics
    if any(d.is_error for d in diagnostics):
        raise GenerationError("cannot generate the SDK:", sort_diagnostics(diagnostics))
    files = emit_typescript(sdk, names)
    return GenerationResult(files, sort_diagnostics(diagnostics), names.package, names.client_class)


class _MemoryFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the modules of one generated package from memory."""

    def __init__(self, package: str, files: Mapping[str, str]) -> None:
        self.package = package
        root = package.replace(".", "/")
        self.sources: dict[str, tuple[str, bool, str]] = {}
        for path, text in files.items():
            if not path.endswith(".py"):
                continue
            parts = path[: -len(".py")].split("/")
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            self.sources[name] = (text, is_package, f"<pygen:{root}/{path.split('/', 1)[-1]}>")

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = self.sources.get(fullname)
        if source is None:
            return None
        spec = importlib.util.spec_from_loader(fullname, self, origin=source[2], is_package=source[1])
        if spec is not None:
            spec.has_location = True  # sets __file__ (the linecache key), so inspect finds the source
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        text, _, origin = self.sources[module.__name__]
        # Tracebacks and inspect show the generated source although no file exists.
        linecache.cache[origin] = (len(text), None, text.splitlines(keepends=True), origin)
        exec(compile(text, origin, "exec"), module.__dict__)


def load_sdk(
    models: Sequence[Mapping[str, Any]],
    *,
    package: str | None = None,
    client_name: str | None = None,
    instance_space: str | None = None,
    view_names: Mapping[str, str] | None = None,
) -> types.ModuleType:
    """Generate an SDK and import it from memory (no files written): for notebooks and tests.

    The options are :func:`generate`'s.

    Loading the same package name again replaces the earlier modules.

    Example:
        >>> from pygen.generator.fetch import load_snapshot
        >>> from pygen.transport import ClientConfig, Token
        >>> sdk = load_sdk([load_snapshot("example_project/snapshots/cdf_cdm.CogniteCore.v1.json")], package="core")
        >>> client = sdk.CogniteCoreClient(ClientConfig("my-project", Token("my-token")), instance_space="my_space")
        >>> type(client.cognite_asset).__name__
        'CogniteAssetAPI'
        >>> client.close()
    """
    # Formatting is for readers; code imported from memory has none.
    result = generate(
        models,
        package=package,
        client_name=client_name,
        instance_space=instance_space,
        view_names=view_names,
        format=False,
    )
    package_name = result.package
    for name in [name for name in sys.modules if name == package_name or name.startswith(package_name + ".")]:
        del sys.modules[name]
    sys.meta_path[:] = [
        finder for finder in sys.meta_path if not (isinstance(finder, _MemoryFinder) and finder.package == package_name)
    ]
    sys.meta_path.insert(0, _MemoryFinder(package_name, result.files))
    importlib.invalidate_caches()
    return importlib.import_module(package_name)
