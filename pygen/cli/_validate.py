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

``--format json`` prints one JSON object (schema ``pygen-validate/1``; keys are only ever added)::

    {
      "schema": "pygen-validate/1",
      "ok": true,                      // false when there are errors or the input is bad
      "input_error": null,             // the message when the input could not be read (exit 2)
      "language": "python",
      "models": ["sp_pygen_models:Omni/1"],
      "package": "omni",               // null unless generatable
      "client_name": "OmniClient",     // null unless generatable
      "counts": {"error": 0, "warning": 1, "info": 2},
      "diagnostics": [                 // errors, then warnings, then infos (renames); each by item, code
        {"level": "warning", "item": "sp:Pump/v1.x", "code": "unknown-property-type", "message": "..."}
      ]
    }

Exit status: 0 generatable (warnings and renames allowed), 1 errors (nothing would be generated),
2 bad input (a file that cannot be read, a wrong ``[tool.pygen]``, a missing snapshot, bad options).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pygen.cli._generate import add_naming_arguments, parse_view_names

if TYPE_CHECKING:
    from pygen.generator.ir import Diagnostic

__all__ = ["SCHEMA", "Report", "main", "validate"]

SCHEMA = "pygen-validate/1"
_GROUPS = (("error", "errors"), ("warning", "warnings"), ("info", "renames"))


@dataclass
class Report:
    """What validating found: the models, the names the SDK would get, and every diagnostic (sorted)."""

    language: str
    models: list[str] = field(default_factory=list)
    package: str | None = None
    client_name: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    input_error: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for diagnostic in self.diagnostics:
            counts[diagnostic.level] += 1
        return counts

    @property
    def exit_code(self) -> int:
        if self.input_error is not None:
            return 2
        return 1 if self.counts["error"] else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "ok": self.exit_code == 0,
            "input_error": self.input_error,
            "language": self.language,
            "models": self.models,
            "package": self.package,
            "client_name": self.client_name,
            "counts": self.counts,
            "diagnostics": [
                {"level": d.level, "item": d.item, "code": d.code, "message": d.message} for d in self.diagnostics
            ],
        }

    def as_text(self) -> str:
        from pygen._visible import visible

        if self.input_error is not None:
            return f"pygen validate: error: {visible(self.input_error)}\n"
        models = ", ".join(visible(model) for model in self.models) or "no models"
        names = f"package {self.package}, client {self.client_name}" if self.package else "no SDK"
        lines = [f"pygen validate: {models} -> {names} ({self.language})"]
        for level, title in _GROUPS:
            group = [d for d in self.diagnostics if d.level == level]
            lines.append(f"{title} ({len(group)})")
            lines += [f"  {diagnostic}" for diagnostic in group]
        counts = self.counts
        summary = (
            f"{_count(counts['error'], 'error')}, {_count(counts['warning'], 'warning')}, "
            f"{_count(counts['info'], 'rename')}"
        )
        verdict = "not generatable (fix the errors above)" if counts["error"] else "generatable"
        lines.append(f"pygen validate: {verdict}: {summary}")
        return "\n".join(lines) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def validate(
    models: Sequence[Mapping[str, Any]],
    *,
    language: str = "python",
    package: str | None = None,
    client_name: str | None = None,
    instance_space: str | None = None,
    view_names: Mapping[str, str] | None = None,
) -> Report:
    """Run the generator over ``models`` in memory and return every diagnostic it gives (nothing is written)."""
    from pygen.generator import GenerationError, generate
    from pygen.generator.emit import template_cache_read_only

    report = Report(language, [_model_id(model, index) for index, model in enumerate(models)])
    try:
        # Nothing is written: the compiled templates of earlier runs are read, none is added.
        with template_cache_read_only():
            result = generate(
                models,
                language=language,  # type: ignore[arg-type]  # checked by the option's choices
                package=package,
                client_name=client_name,
                instance_space=instance_space,
                view_names=view_names,
                format=False,
            )
    except GenerationError as exc:
        if not exc.diagnostics:
            report.input_error = str(exc)
        report.diagnostics = list(exc.diagnostics)
        return report
    report.diagnostics = list(result.diagnostics)
    report.package, report.client_name = result.package, result.client_name
    return report


def _model_id(model: object, index: int) -> str:
    if isinstance(model, Mapping):
        parts = (model.get("space"), model.get("externalId"), model.get("version"))
        if all(isinstance(part, str) for part in parts):
            return "{}:{}/{}".format(*parts)
    return f"models[{index}]"


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
