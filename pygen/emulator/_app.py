"""The ASGI application: starlette routes over the schema, instance and query services."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import uuid
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pygen.emulator._auth import TokenAuthority
from pygen.emulator._datapoints import DatapointService, as_json
from pygen.emulator._errors import ApiError, bad_request, show
from pygen.emulator._faults import FaultInjector, parse_fault_settings
from pygen.emulator._files import FileService
from pygen.emulator._ids import items_of
from pygen.emulator._instances import InstanceService
from pygen.emulator._loader import load_instances_file, load_model_file
from pygen.emulator._protobuf import encode_response
from pygen.emulator._query import QueryService
from pygen.emulator._schema import SchemaService
from pygen.emulator._settings import EmulatorSettings
from pygen.emulator._store import Store
from pygen.emulator._timeseries import TimeSeriesService

Handler = Callable[[Request], Awaitable[Response]]
_log = logging.getLogger("pygen.emulator")


#: The most bytes a request body may have as sent (checked against Content-Length before anything is read,
#: then while reading) and after decompression: 1000 large instances are a few MB. README, "Request bodies".
MAX_BODY = 32 * 1024 * 1024
MAX_INFLATED_BODY = MAX_BODY
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


async def read_body(request: Request) -> bytes:
    """The raw request body, refused with a 413 once it is known to exceed :data:`MAX_BODY`: from its
    ``Content-Length`` before a byte is read, else while streaming (never more than the limit in memory)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise bad_request(f"Content-Length must be a number of bytes, got {show(declared)}")
        if int(declared) > MAX_BODY:
            raise ApiError(413, f"The request body is {int(declared)} bytes, more than the limit of {MAX_BODY} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ApiError(413, f"The request body is more than the limit of {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _lone_surrogate(body: Any) -> str | None:
    """The path of the first string (or key) holding a lone UTF-16 surrogate, which no UTF-8 text can hold."""
    stack: list[tuple[str, Any]] = [("", body)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return path or "the body"
        elif isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    return f"{path}.{show(key)} (a key)" if path else f"{show(key)} (a key)"
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """A request body as a JSON object: strict JSON (no NaN/Infinity), valid Unicode (no lone surrogates)."""
    if not raw:
        return {}
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except RecursionError as exc:
        raise bad_request("The request body is nested too deeply") from exc
    except ValueError as exc:
        raise bad_request(f"The request body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    if _ESCAPED_SURROGATE.search(raw):  # rare: only then walk the body (the scan costs ~1 ms per MB)
        where = _lone_surrogate(body)
        if where is not None:
            raise bad_request(f"{where}: the text holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not valid")
    return body


def decode_body(raw: bytes, encoding: str | None) -> bytes:
    """The request body after its ``Content-Encoding`` (``gzip`` and ``deflate``, as Cognite's SDKs send them)."""
    codings = [part.strip().lower() for part in (encoding or "").split(",") if part.strip()]
    for coding in reversed(codings):  # applied in the order listed: undo the last first
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            # RFC 9110's deflate is zlib-wrapped; some clients send raw deflate: accept both.
            inflater = zlib.decompressobj(zlib.MAX_WBITS if raw[:1] and raw[0] & 0x0F == 8 else -zlib.MAX_WBITS)
        else:
            raise ApiError(415, f"Content-Encoding {show(coding)} is not supported; send gzip, deflate or no encoding")
        try:
            raw = inflater.decompress(raw, MAX_INFLATED_BODY + 1)
        except zlib.error as exc:
            raise bad_request(
                f"The request body is not valid {coding} data (Content-Encoding: {coding}): {exc}"
            ) from exc
        if len(raw) > MAX_INFLATED_BODY or inflater.unconsumed_tail:
            raise ApiError(413, f"The request body inflates to more than {MAX_INFLATED_BODY} bytes")
        if not inflater.eof:
            raise bad_request(f"The request body is not valid {coding} data (Content-Encoding: {coding}): truncated")
    return raw


_REQUEST_ID = "pygen.emulator.request_id"  # scope key: the id a 500 answer gave, for the log line


def _request_id() -> str:
    return uuid.uuid4().hex[:16]


def _error_response(status: int, body: dict[str, Any], request_id: str | None = None) -> Response:
    # ASCII-escaped JSON: an error may quote request text, which must never break the answer.
    return Response(
        json.dumps(body, separators=(",", ":")),
        status_code=status,
        media_type="application/json",
        headers={"x-request-id": request_id or _request_id()},
    )


def _internal_error(request_id: str) -> Response:
    """A 500 that tells nothing of the emulator's insides (the traceback goes to the log with the id)."""
    message = f"Internal emulator error (request id {request_id}); the emulator's log has the details"
    return _error_response(500, {"error": {"code": 500, "message": message}}, request_id)


class _Guard:
    """Innermost safety net: an exception that escapes the app becomes a logged 500 in CDF's shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            # The app's own 500 handler may have answered already, with the id it put in the scope.
            request_id = scope.get(_REQUEST_ID) or _request_id()
            method, path = scope.get("method"), scope.get("path")
            _log.exception("emulator error on %s %s (request id %s)", method, path, request_id)
            if not started:
                await _internal_error(request_id)(scope, receive, send)


class Emulator:
    """The services behind one app (exposed as ``app.state.emulator`` for tests and tools)."""

    def __init__(self, settings: EmulatorSettings) -> None:
        if settings.token is not None and not settings.token.strip():
            raise ValueError("EmulatorSettings.token must not be empty (no request could authenticate)")
        if settings.token_ttl_seconds <= 0:
            raise ValueError(f"EmulatorSettings.token_ttl_seconds must be positive, got {settings.token_ttl_seconds}")
        self.settings = settings
        self.store = Store(settings.db_path)
        self.schema = SchemaService(self.store)
        self.instances = InstanceService(self.store, self.schema)
        self.queries = QueryService(self.instances)
        self.timeseries = TimeSeriesService(self.store)
        self.datapoints = DatapointService(self.store, self.timeseries)
        self.files = FileService(self.store, self.instances)
        self.auth = TokenAuthority(settings)
        for path in settings.model_files:
            load_model_file(self.schema, path)
        for path in settings.instance_files:
            load_instances_file(self.instances, path)

    def space_statistics(self, body: dict[str, Any] | None) -> list[dict[str, Any]]:
        spaces = list(self.store.schema["space"])
        if body is not None:
            wanted = {str(item.get("space")) for item in items_of(body, 100) if isinstance(item, dict)}
            spaces = [space for space in spaces if space in wanted]
        counts: dict[tuple[str, int], int] = {}
        for space, kind, count in self.store.conn.execute(
            "SELECT space, kind, count(*) FROM instances GROUP BY space, kind"
        ):
            counts[(space, kind)] = count
        out = []
        for space in spaces:
            row: dict[str, Any] = {"space": space}
            for kind in ("container", "view", "datamodel"):
                key = "dataModels" if kind == "datamodel" else f"{kind}s"
                row[key] = sum(1 for obj in self.store.schema[kind].values() if obj["space"] == space)
            row.update(
                nodes=counts.get((space, 0), 0), edges=counts.get((space, 1), 0), softDeletedNodes=0, softDeletedEdges=0
            )
            out.append(row)
        return out

    def statistics(self) -> dict[str, Any]:
        schema = self.store.schema
        nodes, edges = self.store.count("node"), self.store.count("edge")
        return {
            "spaces": {"count": len(schema["space"]), "limit": 100},
            "containers": {"count": len(schema["container"]), "limit": 1000},
            "views": {"count": len(schema["view"]), "limit": 2000},
            "dataModels": {"count": len(schema["datamodel"]), "limit": 500},
            "containerProperties": {
                "count": sum(len(c["properties"]) for c in schema["container"].values()),
                "limit": 25000,
            },
            "instances": {
                "nodes": nodes,
                "edges": edges,
                "softDeletedNodes": 0,
                "softDeletedEdges": 0,
                "instances": nodes + edges,
                "instancesLimit": 5_000_000,
                "softDeletedInstances": 0,
                "softDeletedInstancesLimit": 10_000_000,
            },
            "concurrentReadLimit": 8,
            "concurrentWriteLimit": 4,
            "concurrentDeleteLimit": 2,
        }


class EmulatorApp(FaultInjector):
    """The ASGI app returned by :func:`create_app`: fault injection in front of the routes."""

    def __init__(self, app: Starlette, emulator: Emulator) -> None:
        super().__init__(_Guard(app), emulator.settings.faults)
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # CDF answers `.../models/spaces/` as `.../models/spaces` (`@cognite/sdk` lists with the slash):
        # served directly, not redirected (a 307 costs clients a round trip).
        path = scope.get("path", "")
        if scope.get("type") == "http" and len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
        await super().__call__(scope, receive, send)


def create_app(settings: EmulatorSettings) -> EmulatorApp:
    """Build the emulator's ASGI app; mount it with ``httpx.ASGITransport(app=create_app(settings))``.

    Example:
        >>> import asyncio
        >>> import httpx
        >>> app = create_app(EmulatorSettings(token="t"))
        >>> token = {"Authorization": "Bearer t"}
        >>> async def spaces() -> list[str]:
        ...     transport = httpx.ASGITransport(app=app)
        ...     async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        ...         response = await client.get("/api/v1/projects/my-project/models/spaces", headers=token)
        ...     return response.json()["items"]
        >>> asyncio.run(spaces())
        []
    """
    emulator = Emulator(settings)
    injector: EmulatorApp | None = None

    def api(func: Callable[[Request, Any], Any], *, method: str = "POST") -> Handler:
        async def handler(request: Request) -> Response:
            request_id = _request_id()
            try:
                problem = emulator.auth.check(request.headers.get("authorization"))
                if problem is not None:
                    return _error_response(401, {"error": {"code": 401, "message": problem}}, request_id)
                if method == "POST":
                    raw = decode_body(await read_body(request), request.headers.get("content-encoding"))
                    result = func(request, parse_json_body(raw))
                else:
                    params = dict(request.query_params)
                    for name in ("usedFor",):  # array parameters: repeated or comma-separated
                        values = request.query_params.getlist(name)
                        if values:
                            params[name] = ",".join(values)
                    result = func(request, params)
                if isinstance(result, Response):  # an answer that is not JSON (protobuf datapoints)
                    result.headers["x-request-id"] = request_id
                    return result
                return JSONResponse(result, headers={"x-request-id": request_id})
            except ApiError as exc:
                return _error_response(exc.status, exc.body(), request_id)
            except RecursionError:  # input nested deeper than the checks along the way allow
                _log.warning("request nested too deeply on %s %s", request.method, request.url.path)
                message = "The request is nested too deeply (filters, expressions or JSON values)"
                return _error_response(400, {"error": {"code": 400, "message": message}}, request_id)
            except Exception:  # a bug in the emulator: answer in CDF's shape, keep the traceback in the log
                _log.exception("emulator error on %s %s (request id %s)", request.method, request.url.path, request_id)
                return _internal_error(request_id)

        return handler

    schema, instances, queries = emulator.schema, emulator.instances, emulator.queries

    def items(values: list[dict[str, Any]]) -> dict[str, Any]:
        return {"items": values}

    def flag(request: Request, name: str, default: bool) -> bool:
        value = request.query_params.get(name)
        return default if value is None else value.lower() in ("true", "1")

    prefix = "/api/v1/projects/{project}/models"
    table: list[tuple[str, str, Callable[[Request, Any], Any]]] = [
        ("GET", "/spaces", lambda r, p: schema.list_spaces(p)),
        ("POST", "/spaces", lambda r, b: items(schema.apply_spaces(b))),
        ("POST", "/spaces/byids", lambda r, b: items(schema.spaces_byids(b))),
        ("POST", "/spaces/delete", lambda r, b: items(schema.delete_spaces(b))),
        ("GET", "/containers", lambda r, p: schema.list_containers(p)),
        ("POST", "/containers", lambda r, b: items(schema.apply_containers(b))),
        ("POST", "/containers/byids", lambda r, b: items(schema.containers_byids(b))),
        ("POST", "/containers/delete", lambda r, b: items(schema.delete_containers(b))),
        ("POST", "/containers/indexes/delete", lambda r, b: items(schema.delete_container_parts(b, "indexes"))),
        ("POST", "/containers/constraints/delete", lambda r, b: items(schema.delete_container_parts(b, "constraints"))),
        ("GET", "/views", lambda r, p: schema.list_views(p)),
        ("POST", "/views", lambda r, b: items(schema.apply_views(b))),
        (
            "POST",
            "/views/byids",
            lambda r, b: items(
                schema.views_byids(
                    b, bool(b.get("includeInheritedProperties", flag(r, "includeInheritedProperties", True)))
                )
            ),
        ),
        ("POST", "/views/delete", lambda r, b: items(schema.delete_versioned("view", b))),
        ("GET", "/datamodels", lambda r, p: schema.list_datamodels(p)),
        ("POST", "/datamodels", lambda r, b: items(schema.apply_datamodels(b))),
        (
            "POST",
            "/datamodels/byids",
            lambda r, b: items(schema.datamodels_byids(b, bool(b.get("inlineViews", flag(r, "inlineViews", False))))),
        ),
        ("POST", "/datamodels/delete", lambda r, b: items(schema.delete_versioned("datamodel", b))),
        ("POST", "/instances", lambda r, b: instances.apply(b)),
        ("POST", "/instances/delete", lambda r, b: instances.delete(b)),
        ("POST", "/instances/byids", lambda r, b: instances.byids(b)),
        ("POST", "/instances/list", lambda r, b: instances.list_instances(b)),
        ("POST", "/instances/search", lambda r, b: queries.search(b)),
        ("POST", "/instances/aggregate", lambda r, b: queries.aggregate(b)),
        ("POST", "/instances/query", lambda r, b: queries.query(b)),
        ("POST", "/instances/sync", lambda r, b: queries.query(b, sync=True)),
        ("GET", "/statistics", lambda r, p: emulator.statistics()),
        ("GET", "/statistics/spaces", lambda r, p: items(emulator.space_statistics(None))),
        ("POST", "/statistics/spaces/byids", lambda r, b: items(emulator.space_statistics(b))),
        ("POST", "/instances/inspect", lambda r, b: instances.inspect(b)),
    ]
    routes = [Route(prefix + path, api(func, method=method), methods=[method]) for method, path, func in table]

    datapoints, timeseries, files = emulator.datapoints, emulator.timeseries, emulator.files

    def datapoint_list(request: Request, body: dict[str, Any]) -> Any:
        found = datapoints.retrieve(body)
        if "application/protobuf" in request.headers.get("accept", ""):  # what cognite-sdk asks for
            return Response(encode_response(found), media_type="application/protobuf")
        return Response(as_json(found), media_type="application/json")

    resources: list[tuple[str, Callable[[Request, Any], Any]]] = [
        ("/timeseries", lambda r, b: timeseries.create(b)),
        ("/timeseries/byids", lambda r, b: timeseries.byids(b)),
        ("/timeseries/list", lambda r, b: timeseries.list_series(b)),
        ("/timeseries/delete", lambda r, b: timeseries.delete(b)),
        ("/timeseries/update", lambda r, b: timeseries.update(b)),
        ("/timeseries/data", lambda r, b: datapoints.insert(b)),
        ("/timeseries/data/list", datapoint_list),
        ("/timeseries/data/latest", lambda r, b: datapoints.latest(b)),
        ("/timeseries/data/delete", lambda r, b: datapoints.delete(b)),
        ("/files", lambda r, b: files.create(b, r)),
        ("/files/byids", lambda r, b: files.byids(b)),
        ("/files/delete", lambda r, b: files.delete(b)),
        ("/files/uploadlink", lambda r, b: files.upload_link(b, r)),
        ("/files/multiuploadlink", lambda r, b: files.multipart_upload_link(b, r)),
        ("/files/initmultipartupload", lambda r, b: files.init_multipart(b, r)),
        ("/files/completemultipartupload", lambda r, b: files.complete_multipart(b)),
        ("/files/downloadlink", lambda r, b: files.download_link(b, r)),
    ]
    routes += [Route(f"/api/v1/projects/{{project}}{path}", api(func), methods=["POST"]) for path, func in resources]

    async def token(request: Request) -> Response:
        try:
            raw = await read_body(request)
        except ApiError as exc:  # the token endpoint answers in OAuth's error shape
            error = {"error": "invalid_request", "error_description": exc.message}
            return JSONResponse(error, status_code=exc.status, headers={"cache-control": "no-store"})
        status, body = emulator.auth.issue(raw, request.headers.get("authorization"))
        return JSONResponse(body, status_code=status, headers={"cache-control": "no-store"})

    async def faults(request: Request) -> Response:
        problem = emulator.auth.check(request.headers.get("authorization"))
        if problem is not None:
            return _error_response(401, {"error": {"code": 401, "message": problem}})
        assert injector is not None
        if request.method == "POST":
            try:
                raw = decode_body(await read_body(request), request.headers.get("content-encoding"))
                injector.configure(parse_fault_settings(parse_json_body(raw)))
            except ApiError as exc:
                return _error_response(exc.status, exc.body())
        return JSONResponse(dataclasses.asdict(injector.settings))

    async def reset(request: Request) -> Response:
        problem = emulator.auth.check(request.headers.get("authorization"))
        if problem is not None:
            return _error_response(401, {"error": {"code": 401, "message": problem}})
        emulator.store.reset()
        return JSONResponse({})

    async def file_content(request: Request) -> Response:
        """The upload (PUT) and download (GET) links of /files: no bearer token, the token in the path is the key."""
        request_id = _request_id()
        token = request.path_params["token"]
        try:
            if request.method == "PUT":
                await files.receive(token, request)
                return Response(b"", headers={"x-request-id": request_id})
            path, media_type = files.content(token)
            return FileResponse(path, media_type=media_type, headers={"x-request-id": request_id})
        except ApiError as exc:
            return _error_response(exc.status, exc.body(), request_id)
        except ClientDisconnect:  # the upload broke off: nothing was stored, and nobody is left to answer
            return _error_response(400, {"error": {"code": 400, "message": "The upload broke off"}}, request_id)

    routes += [
        Route("/_emulator/files/{token}", file_content, methods=["GET", "PUT"]),
        Route("/oauth2/token", token, methods=["POST"]),
        Route("/_emulator/faults", faults, methods=["GET", "POST"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 500:  # answered here, logged with its traceback by _Guard
            request_id = request.scope[_REQUEST_ID] = _request_id()
            return _internal_error(request_id)
        message = exc.detail if isinstance(exc, HTTPException) else "Internal error"
        if status == 404:
            message = f"Not found: {request.method} {request.url.path}"
        return _error_response(status, {"error": {"code": status, "message": message}})

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: http_error})
    app.state.emulator = emulator
    injector = EmulatorApp(app, emulator)
    return injector
