"""``pygen generate``: data model snapshots in, an SDK package tree out (written atomically).

Errors and warnings are printed to stderr, one per line, naming the item; expected renames by the
naming rules (``info``) are counted in one line (``--verbose`` lists them). Errors exit non-zero and
write nothing. The tree is rendered in memory, written to a staging folder on ``--output``'s file system
(in the temporary directory when it is on that file system, else beside ``--output``), then moved into
place, so an interrupted run never leaves half a tree; a run killed outright leaves its staging folder,
which the next run removes (see :func:`remove_stale_staging`).
"""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pygen.generator.ir import Diagnostic

__all__ = ["main", "print_diagnostics", "remove_stale_staging", "write_tree"]

_DESCRIPTION = "Generate a typed SDK package from data model snapshots (DMS JSON with views inline)."
_EPILOG = """example:
  pygen generate --model-file CogniteCore.json --language python --output src
  (writes src/cognite_core/: one module per view, a client, py.typed)
  pygen generate --project .. --language typescript --output src/generated
  (the models and names of ../pyproject.toml [tool.pygen]: what the wheel build uses)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pygen generate",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--model-file",
        action="append",
        type=Path,
        metavar="FILE",
        help="a data model: a snapshot (DMS JSON, views inline), or Cognite Toolkit YAML (a *.DataModel.yaml "
        "file, or a folder with the data model, view and container files); repeat for several models: one SDK "
        "with one client",
    )
    source.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help="a project folder: its pyproject.toml [tool.pygen] gives the models (from the snapshots, the user "
        "cache, or CDF, as in a wheel build), package, client name and instance space; options given here win",
    )
    parser.add_argument(
        "--output", required=True, type=Path, metavar="DIR", help="folder to write the package folder into"
    )
    add_naming_arguments(parser)
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="list every expected rename by the naming rules (otherwise counted in one line)",
    )
    return parser


def add_naming_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that shape the SDK, as ``pygen generate`` and ``pygen validate`` take them: ``--language``,
    ``--package``, ``--client-name``, ``--instance-space`` and ``--view-name`` (read by :func:`parse_view_names`)."""
    parser.add_argument("--language", choices=["python", "typescript"], default="python")
    parser.add_argument("--package", help="package name (default: snake_case of the first model's external id)")
    parser.add_argument("--client-name", help="client class name (default: <ModelExternalId>Client)")
    parser.add_argument("--instance-space", help="default instance space of the generated client")
    parser.add_argument(
        "--view-name",
        action="append",
        default=[],
        metavar="VIEW=NAME",
        help='name a view yourself: "space:externalId/version=Name" (repeat for several; with --project, '
        "added to [tool.pygen] view-names)",
    )


def parse_view_names(texts: Sequence[str]) -> dict[str, str]:
    """``--view-name`` values as ``{view: name}``; a ValueError names the first malformed one."""
    view_names: dict[str, str] = {}
    for text in texts:
        view, equals, name = text.rpartition("=")
        if not equals or not view.strip() or not name.strip():
            raise ValueError(f'--view-name {text!r} must be "space:externalId/version=Name"')
        view_names[view.strip()] = name.strip()
    return view_names


def print_diagnostics(diagnostics: Sequence[Diagnostic], *, verbose: bool) -> None:
    """Errors and warnings one per line on stderr; infos (expected renames) too with ``verbose``, else one line."""
    from pygen.generator.ir import summarize_infos

    for diagnostic in diagnostics:
        if diagnostic.level != "info" or verbose:
            print(diagnostic, file=sys.stderr)
    summary = None if verbose else summarize_infos(diagnostics)
    if summary is not None:
        print(f"pygen generate: {summary}; --verbose lists them", file=sys.stderr)


#: Staging folders are named ``.pygen-staging-<pid>-<random>``: a later run can tell a dead process's from a live one's.
STAGING_PREFIX = ".pygen-staging-"
#: A staging folder this old is stale whoever made it (Windows, where a process id cannot be checked safely).
_STALE_AFTER = 24 * 3600.0


def write_tree(files: Mapping[str, str], output: Path) -> list[Path]:
    """Write ``files`` under ``output`` atomically per top-level entry; returns the entries replaced.

    The whole tree is written into a staging folder on ``output``'s file system and then swapped in with
    renames, so readers never see a partial package. The staging folder lives in the temporary directory
    when that is on the same file system (a run killed with SIGKILL leaves nothing in the user's tree),
    else beside ``output``. Either way each run first removes the staging folders of runs that died.
    """
    output.mkdir(parents=True, exist_ok=True)
    fallback = output.resolve().parent
    area = _temp_area(output) or fallback
    for place in dict.fromkeys((area, fallback)):  # where this run or an earlier one staged
        remove_stale_staging(place)
    try:
        return _write_via(files, output, area)
    except OSError as exc:
        # Same device number, different mounts (a bind mount): renames across them fail. Stage beside output.
        if exc.errno != errno.EXDEV or area == fallback:
            raise
        return _write_via(files, output, fallback)


def _temp_area(output: Path) -> Path | None:
    """The temporary directory, when renames from it into ``output`` can work (the same file system)."""
    try:
        temp = Path(tempfile.gettempdir())
        return temp if _same_file_system(temp, output) and os.access(temp, os.W_OK) else None
    except OSError:
        return None


def _same_file_system(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


def _write_via(files: Mapping[str, str], output: Path, area: Path) -> list[Path]:
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=area))
    new, old = staging / "new", staging / "old"
    try:
        for relative, text in files.items():
            path = new / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            # newline="\n": the same bytes on every platform (determinism).
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        old.mkdir()
        replaced: list[Path] = []
        for entry in sorted(new.iterdir()) if new.is_dir() else []:
            target = output / entry.name
            if target.exists() or target.is_symlink():
                os.replace(target, old / entry.name)
            os.replace(entry, target)
            replaced.append(target)
        return replaced
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_stale_staging(area: Path) -> list[Path]:
    """Remove the staging folders in ``area`` whose process is gone (a run killed mid-write); returns them.

    A folder counts as stale when its process id (``.pygen-staging-<pid>-...``) names no running process
    (POSIX), or when it is older than a day (everywhere, and for folders of earlier pygen versions).
    """
    removed: list[Path] = []
    try:
        entries = list(area.iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.startswith(STAGING_PREFIX) or entry.is_symlink() or not entry.is_dir():
            continue
        pid_text = entry.name[len(STAGING_PREFIX) :].split("-", 1)[0]
        try:
            old = now - entry.stat().st_mtime > _STALE_AFTER
        except OSError:
            continue
        dead = pid_text.isdigit() and int(pid_text) != os.getpid() and not _process_alive(int(pid_text))
        if dead or old:
            shutil.rmtree(entry, ignore_errors=True)
            if not entry.exists():
                removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate it on Windows: rely on the age rule there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def main(argv: Sequence[str]) -> int:
    """Run ``pygen generate``; returns the exit code (0 ok, 1 model errors, 2 usage or input errors)."""
    args = _parser().parse_args(list(argv))
    from pygen.errors import PygenError
    from pygen.generator import GenerationError, generate, generate_project, package_name_problem
    from pygen.generator.fetch import load_model_files

    # A TypeScript package is a folder under --output; a Python one is installed beside every other package.
    taken = package_name_problem(args.package) if args.package and args.language == "python" else None
    if taken is not None:
        print(f"pygen generate: error: --package {args.package!r} cannot be used: {taken}", file=sys.stderr)
        return 2
    try:
        view_names = parse_view_names(args.view_name)
    except ValueError as exc:
        print(f"pygen generate: error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.project is not None:
            # What a wheel build does (pygen.generator.generate_project), with the options given here winning.
            result = generate_project(
                args.project,
                language=args.language,
                package=args.package,
                client_name=args.client_name,
                instance_space=args.instance_space,
                view_names=view_names,
                report=_stderr,
            ).result
        else:
            models = [local.model for path in args.model_file for local in load_model_files(path)]
            result = generate(
                models,
                language=args.language,
                package=args.package,
                client_name=args.client_name,
                instance_space=args.instance_space,
                view_names=view_names,
            )
    except GenerationError as exc:
        print_diagnostics(exc.diagnostics, verbose=args.verbose)
        if not exc.diagnostics:
            print(f"pygen generate: error: {exc}", file=sys.stderr)
        else:
            print("pygen generate: errors above: nothing was written", file=sys.stderr)
        return 1
    except ImportError:
        raise  # a missing extra (MissingExtraError): `pygen` says which one to install
    except PygenError as exc:
        print(f"pygen generate: error: {exc}", file=sys.stderr)
        return 2
    print_diagnostics(result.diagnostics, verbose=args.verbose)
    try:
        written = write_tree(result.files, args.output)
    except OSError as exc:
        print(f"pygen generate: error: cannot write to {args.output}: {exc}", file=sys.stderr)
        return 2
    package_dir = written[0] if written else args.output
    print(f"pygen generate: wrote {len(result.files)} files to {package_dir} (client {result.client_name})")
    return 0


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)
