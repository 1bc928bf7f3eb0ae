"""Validating data models: every diagnostic generating their SDK would give, grouped by severity; nothing is written.

:func:`validate` runs the generator in memory exactly as :func:`pygen.generator.generate` runs it (naming,
emitting), without laying the code out, and returns a :class:`ValidationReport`. ``pygen validate`` prints it
(text or JSON) and ``pygen serve``'s ``POST /v1/validate`` answers it, so both give the same diagnostics.

The JSON form (:meth:`ValidationReport.as_json`, schema ``pygen-validate/1``; keys are only ever added)::

    {
      "schema": "pygen-validate/1",
      "ok": true,                      // false when there are errors or the input is bad
      "input_error": null,             // the message when the input could not be read
      "language": "python",
      "models": ["sp_pygen_models:Omni/1"],
      "package": "omni",               // null unless generatable
      "client_name": "OmniClient",     // null unless generatable
      "counts": {"error": 0, "warning": 1, "info": 2},
      "diagnostics": [                 // errors, then warnings, then infos (renames); each by item, code
        {"level": "warning", "item": "sp:Pump/v1.x", "code": "unknown-property-type", "message": "..."}
      ]
    }

Example:
    >>> from pygen.generator.fetch import load_snapshot
    >>> report = validate([load_snapshot("tests/data/models/OmniSub.json")])
    >>> report.ok, report.package, report.counts["error"]
    (True, 'omni_sub', 0)
    >>> validate([{"space": "sp", "externalId": "Empty", "version": "1", "views": []}]).as_json()["counts"]
    {'error': 1, 'warning': 0, 'info': 0}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygen.generator.ir import Diagnostic

__all__ = ["VALIDATE_SCHEMA", "ValidationReport", "model_label", "validate"]

#: The ``schema`` of :meth:`ValidationReport.as_json`.
VALIDATE_SCHEMA = "pygen-validate/1"
_GROUPS = (("error", "errors"), ("warning", "warnings"), ("info", "renames"))


@dataclass
class ValidationReport:
    """What validating found: the models, the names the SDK would get, and every diagnostic (sorted).

    ``input_error`` is set (and ``diagnostics`` empty) when the input could not be read as data models.
    """

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
    def ok(self) -> bool:
        """Whether the SDK can be generated: the input was read and nothing is an error."""
        return self.input_error is None and not self.counts["error"]

    @property
    def exit_code(self) -> int:
        """0 generatable, 1 errors, 2 bad input (``pygen validate``'s exit status)."""
        if self.input_error is not None:
            return 2
        return 1 if self.counts["error"] else 0

    def as_json(self) -> dict[str, Any]:
        """The report as JSON data (schema ``pygen-validate/1``)."""
        return {
            "schema": VALIDATE_SCHEMA,
            "ok": self.ok,
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
        """The report as ``pygen validate`` prints it: a header, the diagnostics by group, a verdict."""
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
) -> ValidationReport:
    """Run the generator over ``models`` in memory and return every diagnostic it gives (nothing is written)."""
    from pygen.generator._generate import GenerationError, generate
    from pygen.generator.emit import template_cache_read_only

    report = ValidationReport(language, [model_label(model, index) for index, model in enumerate(models)])
    try:
        # Nothing is written: the compiled templates of earlier runs are read, none is added.
        with template_cache_read_only():
            result = generate(
                models,
                language=language,  # type: ignore[arg-type]  # generate() refuses an unknown one (input_error)
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


def model_label(model: object, index: int) -> str:
    """``space:externalId/version`` of a model (DMS JSON), or ``models[index]`` when it has no such id."""
    if isinstance(model, Mapping):
        parts = (model.get("space"), model.get("externalId"), model.get("version"))
        if all(isinstance(part, str) for part in parts):
            return "{}:{}/{}".format(*parts)
    return f"models[{index}]"
