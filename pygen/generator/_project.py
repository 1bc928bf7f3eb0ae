"""A project folder in, its SDK out: the one entry that ``pygen generate --project``, the build hooks and the
npm build script share, and what the build-backend integrations (the hatch hook, the setuptools plugin) need
beside it.

:func:`generate_project` reads ``[tool.pygen]`` (:func:`pygen.generator.config.load_config`), obtains the models
(:func:`obtain_project_models`: the snapshot, the user cache, CDF, or the project's model files), generates the
SDK and checks that every file lands inside the generated package. :func:`report_diagnostics` reports the
diagnostics the same way in every build (warnings one per line, expected renames in one line). The wheel's runtime
requirement is :func:`runtime_requirement`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from pygen.errors import PygenError

if TYPE_CHECKING:
    from pygen.generator._generate import GenerationResult
    from pygen.generator.config import PygenConfig
    from pygen.generator.fetch import ObtainedModel
    from pygen.generator.ir import Diagnostic

__all__ = [
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
]

RUNTIME_DISTRIBUTION = "cognite-pygen-runtime"


def runtime_requirement(version: str | None = None) -> str:
    """The requirement a generated SDK needs: ``cognite-pygen-runtime>=X.Y.Z,<X.(Y+1)``.

    The generated code is written against this pygen's runtime, so the lower bound is this version;
    the runtime keeps its API within a minor series, so the next minor is excluded.

    Example:
        >>> runtime_requirement("0.1.0")
        'cognite-pygen-runtime>=0.1.0,<0.2'
    """
    from packaging.version import Version

    if version is None:
        from pygen import __version__

        version = __version__
    parsed = Version(version)
    return f"{RUNTIME_DISTRIBUTION}>={parsed.public},<{parsed.major}.{parsed.minor + 1}"


def build_requirement_hint(distribution: str, extra: str) -> str:
    """How to give a build the ``extra`` of the plugin ``distribution`` (the ``install_fetch`` of obtain_models).

    Example:
        >>> build_requirement_hint("hatch-cognite-pygen", "fetch")[:70]
        'Add it to the build requirements: [build-system] requires = [..., "hat'
    """
    return (
        f'Add it to the build requirements: [build-system] requires = [..., "{distribution}[{extra}]"] in '
        f'pyproject.toml (for a build without isolation, install "{distribution}[{extra}]" into the Python that builds)'
    )


def lists_runtime(dependencies: Iterable[str]) -> bool:
    """Whether ``[project] dependencies`` lists the runtime; a range that excludes this pygen's runtime is an error.

    Requirements that do not parse are skipped: the build backend refuses them itself.
    """
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    from pygen import __version__
    from pygen.generator.config import ConfigError

    for text in dependencies:
        try:
            listed = Requirement(str(text))
        except InvalidRequirement:
            continue
        if canonicalize_name(listed.name) != RUNTIME_DISTRIBUTION:
            continue
        if not listed.specifier.contains(__version__, prereleases=True):
            raise ConfigError(
                f'pyproject.toml: [project] `dependencies` lists "{text}", which excludes the runtime '
                f'{__version__} this pygen generates code for; use "{runtime_requirement()}"'
            )
        return True
    return False


def check_package_is_free(root: Path, package: str, config: PygenConfig, *, shipped: Iterable[Path] = ()) -> None:
    """The generated ``package`` must not be one the project in ``root`` has (``shipped``: more of its package paths).

    Raises :class:`pygen.generator.config.ConfigError` naming the path that exists.
    """
    candidates = [Path(package), Path("src") / package, Path(f"{package}.py"), *shipped]
    for candidate in candidates:
        if (root / candidate).exists():
            from pygen.generator.config import ConfigError

            key = "`package`" if config.package else "`package` (not set, so the generator chose it)"
            raise ConfigError(
                f"pyproject.toml: [tool.pygen] {key} must name a package the project does not have, "
                f'got "{package}" ({candidate.as_posix()} exists, and the generated package would be mixed '
                f'into it); set `package` to another name, e.g. "{package}_sdk"'
            )


Report = Callable[[str], None]


@dataclass(frozen=True)
class GeneratedProject:
    """What :func:`generate_project` made: the project's configuration, its models, and the SDK.

    ``result.files`` maps POSIX paths, each inside ``result.package``, to file text.
    """

    config: PygenConfig
    models: list[ObtainedModel]
    result: GenerationResult


def obtain_project_models(
    project_dir: str | os.PathLike[str],
    *,
    config: PygenConfig | None = None,
    source: str | None = None,
    report: Report | None = None,
    waiting: Report | None = None,
    install_fetch: str | None = None,
) -> tuple[PygenConfig, list[ObtainedModel]]:
    """The configuration of the project in ``project_dir`` and its models, in the configured order.

    ``source`` names ``pyproject.toml`` in messages (default: its path). A project unpacked from an sdist (it has
    ``PKG-INFO``) runs in a temporary copy, so a fetched model's snapshot is not written there; when such a build
    finds no snapshots folder, the error says that the sdist lacks it. ``report``/``waiting`` get progress lines;
    ``install_fetch`` says how to install the ``fetch`` extra when a model must be fetched without it. Raises a
    :class:`~pygen.errors.PygenError` (configuration, snapshot, credentials, CDF).
    """
    from pygen.generator.config import load_config
    from pygen.generator.fetch import PygenFetchError, obtain_models

    if config is None:
        config = load_config(project_dir, source=source)
    from_sdist = (Path(project_dir) / "PKG-INFO").is_file()
    try:
        models = obtain_models(
            config,
            project_dir,
            report=report,
            waiting=waiting,
            write_snapshots=not from_sdist,
            install_fetch=install_fetch,
        )
    except PygenFetchError as exc:
        if from_sdist and not config.snapshot_dir(project_dir).is_dir():
            raise type(exc)(
                f"{exc}\nThis build runs from an sdist that has no `{config.snapshots}/` folder: include it in the "
                f'sdist (e.g. [tool.hatch.build.targets.sdist] include = [..., "/{config.snapshots}"]).'
            ) from None
        raise
    return config, models


def generate_project(
    project_dir: str | os.PathLike[str],
    *,
    language: Literal["python", "typescript"] = "python",
    config: PygenConfig | None = None,
    package: str | None = None,
    client_name: str | None = None,
    instance_space: str | None = None,
    view_names: Mapping[str, str] | None = None,
    source: str | None = None,
    report: Report | None = None,
    waiting: Report | None = None,
    install_fetch: str | None = None,
) -> GeneratedProject:
    """Generate the SDK of the project in ``project_dir`` as its ``[tool.pygen]`` says.

    ``package``, ``client_name``, ``instance_space`` override the configured ones; ``view_names`` add to
    the configured ones. The other options are :func:`obtain_project_models`'s. Nothing is written but a
    fetched model's snapshot. Raises :class:`~pygen.generator.GenerationError` (every diagnostic in
    ``diagnostics``) when the models cannot give an SDK, and the errors of :func:`obtain_project_models`.
    """
    from pygen.generator._generate import GenerationError, generate

    config, models = obtain_project_models(
        project_dir, config=config, source=source, report=report, waiting=waiting, install_fetch=install_fetch
    )
    refs = ", ".join(str(item.ref) for item in models)
    if waiting is not None:
        waiting(f"pygen: generating the {'Python' if language == 'python' else 'TypeScript'} SDK for {refs}")
    try:
        result = generate(
            [item.model for item in models],
            language=language,
            package=package or config.package,
            client_name=client_name or config.client_name,
            instance_space=instance_space or config.instance_space,
            view_names={**config.view_names, **(view_names or {})},
        )
    except GenerationError as exc:
        detail = "" if exc.diagnostics else f" {exc}"
        raise GenerationError(f"cannot generate the SDK for {refs}:{detail}", exc.diagnostics) from None
    checked = check_generated_files(result.package, result.files)
    return GeneratedProject(config, models, replace(result, files=checked))


def report_diagnostics(
    diagnostics: Sequence[Diagnostic], *, warn: Report, info: Report, verbose: bool, verbose_hint: str
) -> None:
    """Warnings (and errors) to ``warn`` one per line; expected renames (``info`` diagnostics) to ``info``, each with
    ``verbose``, else counted in one line that ends with ``verbose_hint`` (how to list them)."""
    from pygen.generator.ir import summarize_infos

    infos = [d for d in diagnostics if d.level == "info"]
    for diagnostic in diagnostics:
        if diagnostic.level != "info":
            warn(f"pygen: {diagnostic}")
        elif verbose:
            info(f"pygen: {diagnostic}")
    summary = None if verbose else summarize_infos(infos)
    if summary is not None:
        info(f"pygen: {summary}; {verbose_hint} lists them")


def check_generated_files(package: str, files: Mapping[str, str]) -> dict[str, str]:
    """``files`` with POSIX paths, refusing any path that would land outside the generated package."""
    checked: dict[str, str] = {}
    for relative, text in files.items():
        path = PurePosixPath(relative)
        if path.is_absolute() or ".." in path.parts or "\\" in relative or path.parts[:1] != (package,):
            raise PygenError(f"pygen: the generator produced the file {relative!r} outside the package {package!r}")
        checked[path.as_posix()] = text
    if not checked:
        raise PygenError(f"pygen: the generator produced no files for the package {package!r}")
    return checked


def write_files(files: Mapping[str, str], out: str | os.PathLike[str]) -> None:
    """Write ``files`` (POSIX relative path -> text) under ``out``, as UTF-8 bytes with "\n" line ends on every OS
    (a wheel must be the same everywhere)."""
    for relative, text in files.items():
        target = Path(out, *PurePosixPath(relative).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))


def project_model_files(project_dir: str | os.PathLike[str], models: Sequence[ObtainedModel]) -> list[str]:
    """The files the models came from, relative to the project (POSIX, sorted): each pinned model's snapshot, and
    the files a model defined in the project was read from. What an sdist must ship so that a wheel built from it
    needs no network. A snapshot that was not written (a build from an unpacked sdist) is left out."""
    root = Path(project_dir).resolve()
    found = {path.resolve() for item in models for path in (item.files or (item.snapshot,)) if path.is_file()}
    return sorted(path.relative_to(root).as_posix() for path in found)
