"""The setuptools plugin that generates a pygen SDK into the wheel: the hatch hook's twin.

A project enables it by listing ``setuptools-cognite-pygen`` in ``[build-system] requires``; setuptools
then calls :func:`finalize_distribution_options` (the ``setuptools.finalize_distribution_options``
entry point, setuptools' documented extension point for plugins) for every project it builds. Where
``pyproject.toml`` has a ``[tool.pygen]`` table, it adds the command ``build_pygen`` as a sub-command of
``build`` (through the public ``Distribution.cmdclass`` mapping, following setuptools' protocol for
build sub-commands), which:

- obtains each model as the hatch hook does (the project's snapshot, the user cache, CDF with the
  keyring's credentials, or the project's model files; :func:`pygen.generator.fetch.obtain_models`),
- generates the Python package (:func:`pygen.generator.generate_project`) into ``build_lib``,
  never into the source tree, and lists the files in ``get_outputs()`` (so editable installs get them),
- names the snapshots and model files in ``get_source_files()``, which setuptools adds to the sdist, so
  a wheel built from the sdist needs no network.

The runtime the SDK imports must be in ``[project] dependencies`` (setuptools does not let a plugin
change static metadata; a missing or excluding requirement is an error that names the line to write).
Every problem is one message without a traceback (``SystemExit``), the same text as under hatch.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from setuptools import Distribution

    from pygen.generator.config import PygenConfig

__all__ = ["finalize_distribution_options"]


def finalize_distribution_options(dist: Distribution) -> None:
    """Add pygen's `build_pygen` to `build` where the project's pyproject.toml has [tool.pygen]; else nothing."""
    root = Path(os.getcwd())  # setuptools builds with the project folder as the working directory
    if not _uses_pygen(root / "pyproject.toml"):
        return
    from pygen.errors import PygenError
    from pygen.generator.config import load_config

    try:
        config = load_config(root, source="pyproject.toml")
        _check_runtime_dependency(root / "pyproject.toml")
        _check_no_clash(root, config)
    except PygenError as exc:
        raise SystemExit(str(exc)) from None
    from setuptools.command.build import build as setuptools_build
    from setuptools.command.install import install as setuptools_install

    build_pygen, build = _commands(root, config, dist.cmdclass.get("build", setuptools_build))
    dist.cmdclass["build_pygen"] = build_pygen
    dist.cmdclass["build"] = build
    dist.cmdclass["install"] = _install(dist.cmdclass.get("install", setuptools_install))


def _uses_pygen(pyproject: Path) -> bool:
    if not pyproject.is_file():
        return False
    data = _read_toml(pyproject)
    tool = data.get("tool")
    return isinstance(tool, Mapping) and "pygen" in tool


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        return {}  # setuptools reports a broken pyproject.toml itself


def _check_runtime_dependency(pyproject: Path) -> None:
    """``[project] dependencies`` must list the runtime in a range that admits this pygen's runtime."""
    from pygen.generator import lists_runtime, runtime_requirement
    from pygen.generator.config import ConfigError

    project = _read_toml(pyproject).get("project")
    if not isinstance(project, Mapping) or "dependencies" in (project.get("dynamic") or []):
        return  # dependencies come from elsewhere (setup.py, setup.cfg): the user keeps them
    if not lists_runtime(project.get("dependencies") or []):
        raise ConfigError(
            "pyproject.toml: [project] `dependencies` must list the runtime the generated SDK imports: add "
            f'"{runtime_requirement()}" (setuptools does not let a plugin add it to the wheel\'s metadata)'
        )


def _check_no_clash(root: Path, config: PygenConfig, package: str | None = None) -> None:
    """The generated package must not be one the project has (``package``: the generator's choice)."""
    from pygen.generator import check_package_is_free

    package = package or config.package
    if package is not None:  # else the generator chooses it: checked again after generation
        check_package_is_free(root, package, config)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _commands(root: Path, config: PygenConfig, build: type[Any]) -> tuple[type[Any], type[Any]]:
    """A ``build_pygen`` command, and ``build`` (the project's or setuptools') with it as a sub-command.

    ``build_pygen`` follows setuptools' protocol for build sub-commands (``setuptools.command.build.
    SubCommand``): it writes into ``build_py``'s ``build_lib``, names its outputs (editable installs take
    generated files from there) and its sources (the sdist takes those), all without having to run first.
    """
    from setuptools import Command

    class build_pygen(Command):  # type: ignore[misc]  # (setuptools ships no types for Command)
        """Generate the SDK that ``[tool.pygen]`` describes into ``build_lib``."""

        description = "generate the pygen SDK of [tool.pygen] into the build directory"
        user_options: list[tuple[str, str | None, str]] = []
        editable_mode: bool = False
        build_lib: str | None = None

        def initialize_options(self) -> None:
            self.build_lib = None
            self.editable_mode = False

        def finalize_options(self) -> None:
            self.set_undefined_options("build_py", ("build_lib", "build_lib"))

        def run(self) -> None:
            from pygen.generator import write_files

            package, files = _generated(root, config)
            # An editable wheel maps the project's own packages to its source folders and ignores build_lib;
            # the generated package has no source folder, so it goes into the wheel itself (setuptools
            # points `install`'s install_lib at the unpacked editable wheel): an ordinary copy, as under hatch.
            out = self.get_finalized_command("install").install_lib if self.editable_mode else self._build_lib()
            write_files(files, out)
            _say(f"pygen: added package {package} ({len(files)} files)")

        def get_outputs(self) -> list[str]:
            _, files = _generated(root, config)
            return [os.path.join(self._build_lib(), *PurePosixPath(relative).parts) for relative in sorted(files)]

        def get_output_mapping(self) -> dict[str, str]:
            return {}  # every output is generated: none is a copy of a source file

        def get_source_files(self) -> list[str]:
            return _model_sources(root, config)

        def _build_lib(self) -> str:
            if self.build_lib is None:
                self.finalize_options()
            assert self.build_lib is not None
            return self.build_lib

    class build_with_pygen(build):  # type: ignore[misc]
        sub_commands = [*build.sub_commands, ("build_pygen", None)]

    return build_pygen, build_with_pygen


def _install(install: type[Any]) -> type[Any]:
    """``install`` that always installs ``build_lib``: a project may have no package of its own, only the SDK.

    (setuptools runs ``install_lib`` only when the project declares Python packages, and the generated one
    exists only in ``build_lib``; ``bdist_wheel`` builds the wheel through ``install``.)
    """

    class install_with_pygen(install):  # type: ignore[misc]
        sub_commands = [
            (name, (lambda command: True) if name == "install_lib" else predicate)
            for name, predicate in install.sub_commands
        ]

    return install_with_pygen


_CACHE: dict[Path, tuple[str, dict[str, str]]] = {}


def _generated(root: Path, config: PygenConfig) -> tuple[str, dict[str, str]]:
    """The generated package of the project in ``root`` (once per build process)."""
    if root not in _CACHE:
        from pygen.errors import PygenError
        from pygen.generator import build_requirement_hint, generate_project, report_diagnostics

        # setuptools has no way to ask for more build requirements: a build that fetches lists the extra itself.
        install_fetch = build_requirement_hint("setuptools-cognite-pygen", "fetch")
        try:
            project = generate_project(root, config=config, report=_say, install_fetch=install_fetch)
            report_diagnostics(
                project.result.diagnostics,
                warn=_say,
                info=_say,
                verbose=bool(os.environ.get("PYGEN_VERBOSE")),
                verbose_hint="PYGEN_VERBOSE=1",
            )
            _check_no_clash(root, config, project.result.package)
            _CACHE[root] = project.result.package, project.result.files
        except PygenError as exc:
            message = str(exc) if str(exc).startswith("pygen: ") else f"pygen: {exc}"
            raise SystemExit(message) from None
    return _CACHE[root]


def _model_sources(root: Path, config: PygenConfig) -> list[str]:
    """The project's snapshots and model files (relative paths): what a wheel built from the sdist needs."""
    from pygen.errors import PygenError
    from pygen.generator.fetch import load_model_files

    found = [config.snapshot_file(root, ref) for ref in config.refs]
    for entry in config.model_files:
        try:
            found += [path for local in load_model_files(root / entry, shown=entry) for path in local.files]
        except PygenError as exc:
            raise SystemExit(str(exc)) from None
    return sorted({path.relative_to(root).as_posix() for path in found if path.is_file()})
