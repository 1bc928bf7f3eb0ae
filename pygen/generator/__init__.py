"""The generator: a project's ``[tool.pygen]`` and data models in, SDK source files out.

Everything that turns data models into code lives in this package; generated SDKs never import it.
The data flow, one subpackage per step:

- :mod:`pygen.generator.config`: the ``[tool.pygen]`` table of a project's ``pyproject.toml``;
- :mod:`pygen.generator.fetch`: the models: committed snapshots, project model files, the user cache, CDF;
- :mod:`pygen.generator.ir`: the language-neutral model of an SDK (names, types, diagnostics);
- :mod:`pygen.generator.emit`: the Python and TypeScript emitters (templates, naming, escaping).

The entry every caller goes through (``pygen generate``, ``pygen validate``, the hatch hook, the setuptools
plugin, the npm build script via ``pygen generate --project``) is here: :func:`generate` for models in
memory, :func:`generate_project` for a project folder; :func:`validate` reports what generating would say
(``pygen validate``, ``pygen serve``). Names are imported on first use (PEP 562), so that
``import pygen.generator`` costs nothing until something is used.

Example:
    >>> from pygen.generator import generate_project
    >>> project = generate_project("example_project", language="python")
    >>> project.result.package, len(project.result.files) > 10
    ('cognite_core', True)
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygen._extras import FETCH_REQUIREMENTS, missing_fetch_module
    from pygen.generator._generate import GenerationError, GenerationResult, generate, load_sdk
    from pygen.generator._package_names import package_name_problem
    from pygen.generator._project import (
        RUNTIME_DISTRIBUTION,
        GeneratedProject,
        build_requirement_hint,
        check_generated_files,
        check_package_is_free,
        generate_project,
        lists_runtime,
        obtain_project_models,
        project_model_files,
        report_diagnostics,
        runtime_requirement,
        write_files,
    )
    from pygen.generator._validate import VALIDATE_SCHEMA, ValidationReport, model_label, validate
    from pygen.generator.config import ConfigError, PygenConfig, load_config

__all__ = [
    "FETCH_REQUIREMENTS",
    "RUNTIME_DISTRIBUTION",
    "VALIDATE_SCHEMA",
    "ConfigError",
    "GeneratedProject",
    "GenerationError",
    "GenerationResult",
    "PygenConfig",
    "ValidationReport",
    "build_requirement_hint",
    "check_generated_files",
    "check_package_is_free",
    "generate",
    "generate_project",
    "lists_runtime",
    "load_config",
    "load_sdk",
    "missing_fetch_module",
    "model_label",
    "obtain_project_models",
    "package_name_problem",
    "project_model_files",
    "report_diagnostics",
    "runtime_requirement",
    "validate",
    "write_files",
]

#: Which module defines each public name.
_WHERE = {
    "FETCH_REQUIREMENTS": "pygen._extras",
    "missing_fetch_module": "pygen._extras",
    "GenerationError": "pygen.generator._generate",
    "GenerationResult": "pygen.generator._generate",
    "generate": "pygen.generator._generate",
    "load_sdk": "pygen.generator._generate",
    "package_name_problem": "pygen.generator._package_names",
    "VALIDATE_SCHEMA": "pygen.generator._validate",
    "ValidationReport": "pygen.generator._validate",
    "validate": "pygen.generator._validate",
    "model_label": "pygen.generator._validate",
    "ConfigError": "pygen.generator.config",
    "PygenConfig": "pygen.generator.config",
    "load_config": "pygen.generator.config",
    **dict.fromkeys(
        [
            "RUNTIME_DISTRIBUTION",
            "GeneratedProject",
            "build_requirement_hint",
            "check_generated_files",
            "check_package_is_free",
            "generate_project",
            "lists_runtime",
            "obtain_project_models",
            "project_model_files",
            "report_diagnostics",
            "runtime_requirement",
            "write_files",
        ],
        "pygen.generator._project",
    ),
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
