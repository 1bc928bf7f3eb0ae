"""What every build-backend integration of pygen shares (the hatch hook, the setuptools plugin).

Each integration reads ``[tool.pygen]``, obtains the models (:func:`pygen.fetch.obtain_models`: the
snapshot, the user cache, CDF, or the project's model files), then calls :func:`generate_package`,
which generates the Python SDK, reports the diagnostics the same way everywhere (warnings one per line,
expected renames in one line), and checks that every file lands inside the generated package. The
wheel's runtime requirement is :func:`runtime_requirement`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pygen._errors import PygenError

if TYPE_CHECKING:
    from pygen.config import PygenConfig
    from pygen.fetch import ObtainedModel

__all__ = [
    "RUNTIME_DISTRIBUTION",
    "build_requirement_hint",
    "check_generated_files",
    "check_package_is_free",
    "generate_package",
    "lists_runtime",
    "runtime_requirement",
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
    from pygen.config import ConfigError

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

    Raises :class:`pygen.config.ConfigError` naming the path that exists.
    """
    candidates = [Path(package), Path("src") / package, Path(f"{package}.py"), *shipped]
    for candidate in candidates:
        if (root / candidate).exists():
            from pygen.config import ConfigError

            key = "`package`" if config.package else "`package` (not set, so the generator chose it)"
            raise ConfigError(
                f"pyproject.toml: [tool.pygen] {key} must name a package the project does not have, "
                f'got "{package}" ({candidate.as_posix()} exists, and the generated package would be mixed '
                f'into it); set `package` to another name, e.g. "{package}_sdk"'
            )


def generate_package(
    config: PygenConfig,
    models: Sequence[ObtainedModel],
    *,
    warn: Callable[[str], None],
    info: Callable[[str], None],
    verbose: bool,
    verbose_hint: str,
) -> tuple[str, dict[str, str]]:
    """Generate the Python SDK of ``models`` as ``config`` says; returns ``(package, {relative path: text})``.

    Warnings go to ``warn`` one per line; expected renames (``info`` diagnostics) to ``info``, each with
    ``verbose`` or else counted in one line that ends with ``verbose_hint`` (how to list them). Raises
    :class:`PygenError` when the models cannot give an SDK (the message lists every diagnostic).
    """
    from pygen.generate import GenerationError, generate
    from pygen.ir import summarize_infos

    refs = ", ".join(str(item.ref) for item in models)
    try:
        result = generate(
            [item.model for item in models],
            language="python",
            package=config.package,
            client_name=config.client_name,
            instance_space=config.instance_space,
            view_names=config.view_names,
        )
    except GenerationError as exc:
        raise PygenError(f"pygen: cannot generate the SDK for {refs}: {exc}") from None
    infos = [d for d in result.diagnostics if d.level == "info"]
    for diagnostic in result.diagnostics:
        if diagnostic.level != "info":
            warn(f"pygen: {diagnostic}")
        elif verbose:
            info(f"pygen: {diagnostic}")
    summary = None if verbose else summarize_infos(infos)
    if summary is not None:
        info(f"pygen: {summary}; {verbose_hint} lists them")
    return result.package, check_generated_files(result.package, result.files)


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
