"""What callers send to ``pygen serve``: the request bodies (pydantic models: they check a body and give the
OpenAPI schemas), and the limits on how large a request and its models may be."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "FORMATS",
    "GenerateRequest",
    "RequestProblem",
    "ValidateRequest",
    "check_sizes",
    "parse_request",
]

Format = Literal["tar.gz", "zip", "wheel", "npm"]
FORMATS: tuple[str, ...] = ("tar.gz", "zip", "wheel", "npm")


class ValidateRequest(BaseModel):
    """The models and the options that shape the SDK; ``POST /v1/validate`` takes exactly this."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    models: list[dict[str, Any]] = Field(
        default_factory=list,
        description="data models in the DMS API's JSON (views inline, as `pygen generate --model-file` reads them)",
    )
    model_ids: list[str] = Field(
        default_factory=list,
        description='models to fetch from the service\'s CDF project: "space:externalId/version"',
        examples=[["cdf_cdm:CogniteCore/v1"]],
    )
    language: Literal["python", "typescript"] = "python"
    package: str | None = Field(default=None, description="package name (default: from the first model)")
    client_name: str | None = Field(default=None, description="client class name (default: <Model>Client)")
    instance_space: str | None = Field(default=None, description="default instance space of the client")
    view_names: dict[str, str] = Field(
        default_factory=dict, description='name views yourself: {"space:externalId/version": "Name"}'
    )


class GenerateRequest(ValidateRequest):
    """:class:`ValidateRequest` plus what to answer with; ``POST /v1/generate`` takes this."""

    format: Format = Field(
        default="tar.gz",
        description="tar.gz or zip: the package tree as `pygen generate` writes it; wheel (python): a wheel to "
        "install; npm (typescript): an npm package (package.json + sources) as `npm pack` makes it",
    )
    version: str = Field(default="0.1.0", description="version of the wheel or npm package")
    distribution: str | None = Field(
        default=None, description="the wheel's distribution name or the npm package's name (default: the package)"
    )


@dataclass
class RequestProblem(Exception):
    """A request the service refuses: the status, a code for programs, a message for people, details."""

    status: int
    code: str
    message: str
    details: Mapping[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **(self.details or {})}}


def parse_request(kind: type[ValidateRequest], body: bytes) -> ValidateRequest:
    """The body as ``kind``, or a :class:`RequestProblem` (400 not JSON, 422 not the expected shape)."""
    if not body.strip():
        raise RequestProblem(400, "invalid-json", "the request body is empty: send a JSON object")
    try:
        return kind.model_validate_json(body)
    except ValidationError as exc:
        json_errors = [error for error in exc.errors() if error["type"] in ("json_invalid", "json_type")]
        if json_errors:
            raise RequestProblem(
                400, "invalid-json", f"the request body is not JSON: {json_errors[0]['msg']}"
            ) from None
        problems = [_describe(error) for error in exc.errors(include_url=False, include_input=False)]
        raise RequestProblem(
            422, "invalid-request", "the request is not valid: " + "; ".join(problems[:5]), {"problems": problems}
        ) from None


def _describe(error: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ())) or "the body"
    return f"{where}: {error.get('msg', 'invalid')}"


def check_sizes(models: Sequence[Any], *, max_models: int, max_views: int, max_properties: int) -> None:
    """Refuse (422, naming the limit) models with more models, views or properties than the service takes.

    Counted as the generator would read them: each model's ``views`` list, each view's ``properties`` table;
    what is not of that shape counts nothing here (the generator reports it).
    """
    views = [view for model in models if isinstance(model, Mapping) for view in _list(model.get("views"))]
    properties = sum(len(view["properties"]) for view in views if isinstance(view, Mapping) and _is_map(view))
    for limit, value, most, what in (
        ("max-models", len(models), max_models, "data models"),
        ("max-views", len(views), max_views, "views"),
        ("max-properties", properties, max_properties, "properties"),
    ):
        if value > most:
            raise RequestProblem(
                422,
                "model-too-large",
                f"the request has {value} {what}; this service takes at most {most} ({limit})",
                {"limit": limit, "value": value, "max": most},
            )


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_map(view: Mapping[str, Any]) -> bool:
    return isinstance(view.get("properties"), Mapping)
