"""``pygen validate``: every diagnostic generating an SDK would give, grouped by severity; no file is written.

The models come from ``--model-file`` (DMS JSON or Cognite Toolkit YAML, as ``pygen generate`` reads them)
or from a project's ``[tool.pygen]`` (``--project``: its committed snapshots and model files; validate
never fetches from CDF and never writes a snapshot or the user cache). The generator runs in memory
exactly as ``pygen generate`` runs it (naming, emitting), without laying the code out.

Text output (the default)::

    pygen validate: sp_pygen_models:Omni/1 -> package omni, client OmniClient (python)
    errors (0)
    warnings (1)
      warning: sp:Pump/v1.x: type 'vector' is unknown [unknown-property-type]
    renames (2)
      info: sp:Pump/v1.type: ... [python-reserved-name]
    pygen validate: generatable: 0 errors, 1 warning, 2 renames

``--format json`` prints one JSON object: :meth:`pygen.generator.ValidationReport.as_json` (schema
``pygen-validate/1``; keys are only ever added). The report and :func:`pygen.generator.validate`, which makes it,
live in the generator: ``pygen serve``'s ``POST /v1/validate`` answers the same report.

Exit status: 0 generatable (warnings and renames allowed), 1 errors (nothing would be generated),
2 bad input (a file that cannot be read, a wrong ``[tool.pygen]``, a missing snapshot, bad options).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pygen.cli._generate import add_naming_arguments, parse_view_names
from pygen.generator import VALIDATE_SCHEMA, ValidationReport, validate

__all__ = ["SCHEMA", "Report", "main", "validate"]

#: The names this module had before the report moved into the generator.
SCHEMA = VALIDATE_SCHEMA
Report = ValidationReport


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pygen validate",
        description="Print every diagnostic generating the SDK would give (errors, warnings, and the renames by the "
        "naming rules), grouped by severity. Writes nothing.",
        epilog="exit status: 0 generatable, 1 errors, 2 bad input.\n"
        "example:\n  pygen validate --project .\n  pygen validate --model-file Omni.json --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--model-file",
        action="append",
        type=Path,
        metavar="FILE",
        help="a data model: a snapshot (DMS JSON, views inline) or Cognite Toolkit YAML; repeat for several",
    )
    source.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help="a project folder: its [tool.pygen] gives the models (committed snapshots and model files; nothing is "
        "fetched) and names; options given here win",
    )
    add_naming_arguments(parser)
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    return parser


class _BadInput(Exception):
    pass


def _load(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The models and the generator options, or :class:`_BadInput`."""
    from pygen.errors import PygenError

    options: dict[str, Any] = {"package": None, "client_name": None, "instance_space": None, "view_names": {}}
    models: list[dict[str, Any]] = []
    try:
        if args.project is not None:
            models = _project_models(args.project, options)
        for path in args.model_file or ():
            from pygen.generator.fetch import load_model_files

            models.extend(dict(local.model) for local in load_model_files(path))
    except PygenError as exc:
        raise _BadInput(str(exc)) from None
    try:
        options["view_names"].update(parse_view_names(args.view_name))
    except ValueError as exc:
        raise _BadInput(str(exc)) from None
    for key in ("package", "client_name", "instance_space"):
        if getattr(args, key):
            options[key] = getattr(args, key)
    return models, options


def _project_models(project: Path, options: dict[str, Any]) -> list[dict[str, Any]]:
    from pygen.generator.config import load_config
    from pygen.generator.fetch import obtain_models

    config = load_config(project)
    missing = [
        f"{ref} ({config.snapshot_file(project, ref)})"
        for ref in config.refs
        if not config.snapshot_file(project, ref).is_file()
    ]
    if missing:
        raise _BadInput(
            f"no snapshot of {', '.join(missing)}: pygen validate reads the committed snapshots and model files and "
            f"never fetches; run `pygen refresh --project {project}` first"
        )
    obtained = obtain_models(config, project, write_snapshots=False)
    options.update(
        package=config.package,
        client_name=config.client_name,
        instance_space=config.instance_space,
        view_names=dict(config.view_names),
    )
    return [dict(item.model) for item in obtained]


def main(argv: Sequence[str]) -> int:
    """Run ``pygen validate``; returns the exit code (0 generatable, 1 errors, 2 bad input)."""
    args = _parser().parse_args(list(argv))
    try:
        models, options = _load(args)
        report = validate(models, language=args.language, **options)
    except _BadInput as exc:
        report = Report(args.language, input_error=str(exc))
    if args.format == "json":
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        print(report.as_text(), end="", file=sys.stderr if report.input_error is not None else sys.stdout)
    return report.exit_code
