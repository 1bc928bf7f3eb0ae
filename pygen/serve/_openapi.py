"""The OpenAPI 3.1 document of ``pygen serve`` (``GET /v1/openapi.json``) and a page that shows it (``GET /v1/docs``).

The request schemas come from the pydantic models that check the requests (:mod:`pygen.serve._requests`), so
the document cannot drift from what the service accepts. The page is self-contained: no script, no style or
font from elsewhere (a browser without network shows it too).
"""

from __future__ import annotations

import html
import json
from typing import Any

from pygen.serve._requests import GenerateRequest, ValidateRequest

__all__ = ["docs_page", "openapi_document"]


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "examples": ["model-too-large"]},
                "message": {"type": "string"},
                "limit": {"type": "string", "description": "the limit a request went over (413, 422)"},
                "value": {"type": "integer"},
                "max": {"type": "integer"},
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}

_REPORT = {
    "type": "object",
    "description": "pygen validate --format json's report (schema pygen-validate/1)",
    "properties": {
        "schema": {"const": "pygen-validate/1"},
        "ok": {"type": "boolean"},
        "input_error": {"type": ["string", "null"]},
        "language": {"type": "string"},
        "models": {"type": "array", "items": {"type": "string"}},
        "package": {"type": ["string", "null"]},
        "client_name": {"type": ["string", "null"]},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "diagnostics": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "level": {"enum": ["error", "warning", "info"]},
                    "item": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

_COMMON = {
    "401": _error("no token, or a wrong or expired one"),
    "413": _error("the body is larger than max-request-bytes"),
    "422": _error("not a valid request, models over a size limit (the error names it), or models with errors"),
    "503": _error("busy: no worker free within queue-timeout (see Retry-After)"),
    "504": _error("the generation took longer than generation-timeout"),
}


def openapi_document(version: str) -> dict[str, Any]:
    """The document; ``version`` is pygen's."""
    schemas: dict[str, Any] = {"Error": _ERROR, "ValidationReport": _REPORT}
    for model in (ValidateRequest, GenerateRequest):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema

    def body(name: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}

    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "pygen serve",
            "version": version,
            "description": "Typed Python and TypeScript SDKs for CDF data models, generated on request. Every "
            "response carries the pygen version in the `pygen-version` header.",
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "oauth": {
                    "type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": "/oauth2/token", "scopes": {}}},
                },
            },
        },
        "security": [{"bearer": []}, {"oauth": []}],
        "paths": {
            "/v1/generate": {
                "post": {
                    "summary": "Generate an SDK: an archive of the package, a wheel, or an npm package",
                    "requestBody": body("GenerateRequest"),
                    "responses": {
                        "200": {
                            "description": "the archive (Content-Disposition names the file); headers pygen-package, "
                            "pygen-client-name, pygen-diagnostics, pygen-cache (hit or miss)",
                            "content": {"application/gzip": binary, "application/zip": binary},
                        },
                        "404": _error("a model id not found in the service's CDF project"),
                        **_COMMON,
                    },
                }
            },
            "/v1/validate": {
                "post": {
                    "summary": "Every diagnostic generating would give (as `pygen validate --format json`)",
                    "requestBody": body("ValidateRequest"),
                    "responses": {
                        "200": {
                            "description": "the report (`ok` is false when the models have errors)",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/ValidationReport"}}
                            },
                        },
                        **_COMMON,
                    },
                }
            },
            "/v1/health": {
                "get": {
                    "summary": "Liveness and load: the version, workers running and waiting, the cache",
                    "security": [],
                    "responses": {"200": {"description": "the service is up", "content": {"application/json": {}}}},
                }
            },
            "/oauth2/token": {
                "post": {
                    "summary": "OAuth 2 client credentials (form: grant_type, client_id, client_secret; or Basic)",
                    "security": [],
                    "responses": {"200": {"description": "access_token, token_type, expires_in"}},
                }
            },
        },
    }


def docs_page(document: dict[str, Any]) -> str:
    """A plain HTML page listing the endpoints and the request schemas of ``document``."""
    rows = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            statuses = ", ".join(operation.get("responses", {}))
            rows.append(
                f"<tr><td><code>{method.upper()} {html.escape(path)}</code></td>"
                f"<td>{html.escape(operation['summary'])}</td><td>{html.escape(statuses)}</td></tr>"
            )
    schemas = "".join(
        f"<h3>{html.escape(name)}</h3><pre>{html.escape(json.dumps(schema, indent=2))}</pre>"
        for name, schema in document["components"]["schemas"].items()
    )
    info = document["info"]
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(info['title'])} {html.escape(info['version'])}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td{padding:.3em .8em;"
        "vertical-align:top}pre{background:#f4f4f4;padding:.8em;overflow:auto}</style></head><body>"
        f"<h1>{html.escape(info['title'])} {html.escape(info['version'])}</h1>"
        f"<p>{html.escape(info['description'])} The machine-readable document: "
        "<a href='/v1/openapi.json'>/v1/openapi.json</a>.</p>"
        f"<table><tr><th>endpoint</th><th>what</th><th>statuses</th></tr>{''.join(rows)}</table>"
        f"<h2>Schemas</h2>{schemas}</body></html>"
    )
