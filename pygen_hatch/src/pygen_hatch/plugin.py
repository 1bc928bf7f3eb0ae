"""The hatchling build hook that generates a pygen SDK into the wheel.

For the wheel (standard and editable builds) the hook reads ``[tool.pygen]`` from the project's
``pyproject.toml``, takes each pinned data model from the project's snapshot, the user cache, or
CDF (in that order, see :func:`pygen.generator.obtain_project_models`), generates the Python package
into a temporary folder outside the project, adds those files to the wheel with ``force_include``,
and adds the runtime requirement (``cognite-pygen-runtime``, same minor version) to the wheel's
dependencies. The source tree is never written to, except for a snapshot after a fetch (it is
meant to be committed). The temporary folder is removed in ``finalize`` and at interpreter exit
(``hatch build --hooks-only`` never calls ``finalize``).

If the hook is also enabled for the sdist (``[tool.hatch.build.hooks.pygen]``), it only makes sure
the snapshots exist and are in the sdist, so that a wheel built from the sdist needs no network.

The distribution depends on what a build from a committed snapshot needs (the generator). A build that
must fetch a model also needs the ``fetch`` extra (keyring, platformdirs, filelock): :meth:`dependencies`
names it to hatchling, which asks the frontend to install it into the isolated build environment before
the build; where no frontend does (a build without isolation), the build stops with a message that says
what to add (``hatch-cognite-pygen[fetch]``) or to refresh and commit the snapshot instead.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

from pygen.generator import build_requirement_hint, check_package_is_free, lists_runtime, runtime_requirement

if TYPE_CHECKING:
    from pygen.generator import PygenConfig
    from pygen.generator.fetch import ObtainedModel

__all__ = ["PygenBuildHook", "runtime_requirement"]

# The generic options hatchling itself reads from every hook table; anything else belongs in [tool.pygen].
_HATCH_HOOK_OPTIONS = {"dependencies", "enable-by-default", "require-runtime-dependencies", "require-runtime-features"}
#: This hook's distribution, as a project lists it in [build-system] requires.
DISTRIBUTION = "hatch-cognite-pygen"
#: [tool.pygen] `snapshots` when it is not set (pygen.generator.config.DEFAULT_SNAPSHOTS; a test keeps them equal).
DEFAULT_SNAPSHOTS = "pygen-snapshots"


class PygenBuildHook(BuildHookInterface[BuilderConfig]):
    """Generate the SDK for ``[tool.pygen]`` into the wheel (``[tool.hatch.build.targets.wheel.hooks.pygen]``)."""

    PLUGIN_NAME = "pygen"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._temp_dirs: list[str] = []

    def dependencies(self) -> list[str]:
        """What this build needs beyond ``[build-system] requires``: the ``fetch`` extra when it must fetch a model.

        Hatchling calls this when the frontend asks for the build's requirements (PEP 517
        ``get_requires_for_build_wheel``/``_sdist``, in a process of its own before the build); an isolated
        build environment then gets keyring and the cache's two packages only when a pinned model has no
        snapshot. Nothing when they are installed or every snapshot is there, and nothing when the table is
        not as expected: the build reports the problem. It reads the ``[tool.pygen]`` table hatchling has
        parsed (not :func:`pygen.generator.config.load_config`, which imports pydantic: this runs in every build).
        """
        from pygen.generator import FETCH_REQUIREMENTS, missing_fetch_module

        if self.target_name not in {"wheel", "sdist"} or missing_fetch_module() is None:
            return []
        tool = self.metadata.config.get("tool")
        table = tool.get("pygen") if isinstance(tool, dict) else None
        if not isinstance(table, dict) or not isinstance(table.get("cdf"), dict):
            return []  # no [tool.pygen.cdf]: a missing snapshot cannot be fetched, and the build says so
        models, folder = table.get("models", []), table.get("snapshots", DEFAULT_SNAPSHOTS)
        if not isinstance(models, list) or not isinstance(folder, str):
            return []
        from pygen.generator.fetch import ModelRef, PygenFetchError

        try:
            files = [Path(self.root, folder, ModelRef.parse(str(text)).snapshot_filename()) for text in models]
        except PygenFetchError:
            return []
        return [] if all(path.is_file() for path in files) else list(FETCH_REQUIREMENTS)

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Wheel: obtain the models, generate into a temporary folder, force-include the files. Sdist: the snapshots.

        A problem pygen reports (``PygenError``: the configuration, a snapshot, credentials, CDF, the model)
        stops the build through hatchling's ``app.abort``, which prints the message and exits 1: what
        hatchling itself does for errors it expects. An exception escaping the hook would be printed by the
        frontend's backend process with a Python traceback in front of the message.
        """
        from pygen.errors import PygenError

        try:
            self._initialize(version, build_data)
        except PygenError as exc:
            self._cleanup()
            message = str(exc) if str(exc).startswith("pygen: ") else f"pygen: {exc}"
            abort = getattr(self.app, "abort", None)
            if abort is not None:
                abort(message)  # exits; an app whose abort returns (a test double) gets the exception
            raise

    def _initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name not in {"wheel", "sdist"}:
            self.app.display_info(f"pygen: nothing to do for the {self.target_name!r} target")
            return
        self._check_hook_table()
        from pygen.generator import generate_project, load_config, obtain_project_models, report_diagnostics

        config = load_config(self.root, source="pyproject.toml")
        requirement = self._runtime_dependency() if self.target_name == "wheel" else None
        # A build from an unpacked sdist (python -m build, uv build) runs in a temporary copy of the project:
        # no snapshot is written there (obtain_project_models), and the user is told where fetched models went.
        from_sdist = (Path(self.root) / "PKG-INFO").is_file()
        install_fetch = build_requirement_hint(DISTRIBUTION, "fetch")
        if self.target_name == "sdist":
            config, models = obtain_project_models(
                self.root,
                source="pyproject.toml",
                report=self._info,
                waiting=self._waiting,
                install_fetch=install_fetch,
            )
            if from_sdist:
                self._say_where_fetched_models_went(config, models)
            self._include_snapshots(models, build_data)
            return
        project = generate_project(
            self.root, config=config, report=self._info, waiting=self._waiting, install_fetch=install_fetch
        )
        if from_sdist:
            self._say_where_fetched_models_went(project.config, project.models)
        # Warnings each; expected renames (infos) in one line, or each with `hatch build -v`.
        report_diagnostics(
            project.result.diagnostics,
            warn=self.app.display_warning,
            info=self._info,
            verbose=getattr(self.app, "verbosity", 0) > 0,
            verbose_hint="`hatch build -v`",
        )
        package, files = project.result.package, project.result.files
        self._check_no_clash(package, project.config)
        out = self._write(files)
        forced = {os.path.join(out, *PurePosixPath(relative).parts): relative for relative in sorted(files)}
        build_data["force_include"].update(forced)
        # In editable builds hatchling uses force_include_editable instead when another hook filled it.
        if build_data.get("force_include_editable"):
            build_data["force_include_editable"].update(forced)
        if requirement is not None:
            build_data["dependencies"].append(requirement)
        added = f" and the requirement {requirement}" if requirement else ""
        self._info(f"pygen: added package {package} ({len(files)} files){added}")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the temporary folder with the generated files."""
        self._cleanup()

    def clean(self, versions: list[str]) -> None:
        """Nothing to clean: the hook never writes build output into the project."""

    def _runtime_dependency(self) -> str | None:
        """The runtime requirement to add to the wheel, or None when ``[project] dependencies`` lists a fitting one.

        Installers may take a project's dependencies from the static ``[project]`` table without building
        it (uv does for local and editable installs), so the requirement belongs there; when it is missing
        the hook still adds it to the wheel and says what to add.
        """
        wanted = runtime_requirement()
        if lists_runtime(self.metadata.core.dependencies):
            return None
        self.app.display_warning(
            f'pygen: [project] `dependencies` does not list the runtime, so the hook adds "{wanted}" to the wheel. '
            "Installers that read dependencies from pyproject.toml without building (uv, for local and editable "
            f'installs) will not install it: add "{wanted}" to [project] dependencies.'
        )
        return wanted

    def _check_hook_table(self) -> None:
        unknown = sorted(set(self.config) - _HATCH_HOOK_OPTIONS)
        if unknown:
            from pygen.generator.config import ConfigError

            raise ConfigError(
                f"pyproject.toml: [tool.hatch.build.targets.{self.target_name}.hooks.pygen] `{unknown[0]}` is not "
                "an option of the pygen hook; configure pygen in the [tool.pygen] table (the hook table only takes "
                f"hatch's own options: {', '.join(sorted(_HATCH_HOOK_OPTIONS))})"
            )

    def _say_where_fetched_models_went(self, config: PygenConfig, models: Sequence[ObtainedModel]) -> None:
        fetched = [item for item in models if item.source in ("cache", "cdf")]
        if not fetched:
            return
        refs = ", ".join(str(item.ref) for item in fetched)
        shown = ", ".join(f"{config.snapshots}/{item.snapshot.name}" for item in fetched)
        self.app.display_warning(
            f"pygen: {refs} came from CDF or the user cache, not from a snapshot. This build runs from an unpacked "
            f"sdist in a temporary folder ({self.root}), so no snapshot was written to your project. To build "
            f"offline, run `pygen refresh` in the project and commit {shown}; or run the hook for the sdist too "
            "([tool.hatch.build.hooks.pygen] instead of [tool.hatch.build.targets.wheel.hooks.pygen]), so that "
            "the sdist build writes the snapshot into the project and packs it."
        )

    def _include_snapshots(self, models: Sequence[ObtainedModel], build_data: dict[str, Any]) -> None:
        from pygen.generator import project_model_files

        for relative in project_model_files(self.root, models):
            build_data["force_include"][os.path.join(self.root, relative)] = relative
        pinned = sum(1 for item in models if item.source != "file")
        self._info(
            f"pygen: {pinned} snapshot(s) and {len(models) - pinned} model(s) from model files included in the sdist"
        )

    def _check_no_clash(self, package: str, config: PygenConfig) -> None:
        # Packages the wheel target ships from elsewhere, e.g. packages = ["lib/cognite_core"].
        # (The raw table: the `packages` property would run hatchling's file selection before our files exist.)
        target_config = getattr(self.build_config, "target_config", None) or {}
        shipped = target_config.get("packages", []) if isinstance(target_config, dict) else []
        mine = [Path(item) for item in shipped if Path(item).name == package]
        check_package_is_free(Path(self.root), package, config, shipped=mine)

    def _write(self, files: Mapping[str, str]) -> str:
        from pygen.generator import write_files

        out = tempfile.mkdtemp(prefix="pygen-build-")
        self._temp_dirs.append(out)
        atexit.register(shutil.rmtree, out, ignore_errors=True)
        try:
            write_files(files, out)
        except BaseException:
            self._cleanup()
            raise
        return out

    def _cleanup(self) -> None:
        while self._temp_dirs:
            shutil.rmtree(self._temp_dirs.pop(), ignore_errors=True)

    def _info(self, message: str) -> None:
        self.app.display_info(message)

    def _waiting(self, message: str) -> None:
        self.app.display_waiting(message)
