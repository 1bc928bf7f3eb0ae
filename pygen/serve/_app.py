"""The ASGI application of ``pygen serve``: starlette routes over the worker pool, the answer cache and the models
fetched from CDF, inside a frame that stamps every response (``pygen-version``, ``pygen-request-id``) and logs it.

A request to ``/v1/generate`` or ``/v1/validate`` goes: token checked (401) before a byte of the body is read;
body read up to ``max-request-bytes`` (413); parsed and checked (400, 422); models fetched by id (404, 502, 503,
504); sizes checked (422 naming the limit); then the answer kept for an identical request, or a worker's (503
busy, 504 too long).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pygen._version import __version__
from pygen.serve._auth import Authority
from pygen.serve._cache import Answer, AnswerCache
from pygen.serve._fetch import ModelSource, parse_model_ids
from pygen.serve._log import log_event
from pygen.serve._openapi import docs_page, openapi_document
from pygen.serve._pool import WorkerPool
from pygen.serve._requests import GenerateRequest, RequestProblem, ValidateRequest, check_sizes, parse_request
from pygen.serve._settings import ServeSettings

__all__ = ["Service", "create_app"]

_PROTECTED = ("/v1/generate", "/v1/validate")
_MAX_TOKEN_REQUEST = 64 * 1024
_MAX_LOGGED_IDS = 20


class Service:
    """What the routes share: the settings, the token authority, the workers, the cache and the model source."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.authority = Authority(
            token=settings.token,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            token_ttl=settings.token_ttl,
        )
        self.pool = WorkerPool(
            settings.max_concurrency, queue_timeout=settings.queue_timeout, max_waiting=settings.max_waiting
        )
        self.cache = AnswerCache(settings.cache_entries, settings.cache_bytes)
        self.models = ModelSource(settings.cdf, settings.model_cache_dir)
        self.openapi = openapi_document(__version__)
        self.started = time.time()

    def start(self) -> None:
        """Start the worker processes (blocks until they are ready)."""
        self.pool.start()

    def close(self) -> None:
        self.pool.close()
        self.models.close()

    # -- the requests

    def authorize(self, request: Request) -> None:
        reason = self.authority.check(request.headers.get("authorization"))
        if reason is not None:
            raise RequestProblem(401, "unauthorized", f"unauthorized: {reason}")

    async def read_body(self, request: Request, limit: int) -> bytes:
        """The body, refused (413) once it is known to be over ``limit``: by Content-Length before reading, else
        while reading (never more than the limit in memory)."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise _too_large(int(declared), limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(size, limit, more=True)
            chunks.append(chunk)
        return b"".join(chunks)

    async def handle(self, request: Request, kind: type[ValidateRequest], log: dict[str, Any]) -> Answer:
        self.authorize(request)
        content_type = request.headers.get("content-type", "application/json")
        if "json" not in content_type.lower():
            message = "send the request as JSON (Content-Type: application/json)"
            raise RequestProblem(415, "unsupported-media-type", message)
        body = await self.read_body(request, self.settings.max_request_bytes)
        endpoint = "generate" if kind is GenerateRequest else "validate"
        digest = hashlib.sha256(f"pygen {__version__} {endpoint}\n".encode() + body)
        # The same bytes as an earlier request with its models inline: its answer, without parsing them again. (A
        # request with model ids is kept under a key that adds the fetched models, which this one never matches.)
        answer = self.cache.get(digest.hexdigest())
        cached = answer is not None
        if answer is None:
            answer, cached = await self._answer(parse_request(kind, body), digest, log)
        log.update(answer.log)
        log["cache"] = "hit" if cached else "miss"
        return Answer(answer.status, answer.body, answer.content_type, {**answer.headers, "pygen-cache": log["cache"]})

    async def _answer(self, parsed: ValidateRequest, digest: Any, log: dict[str, Any]) -> tuple[Answer, bool]:
        settings = self.settings
        if not parsed.models and not parsed.model_ids:
            message = "send at least one data model: in `models` (DMS JSON, views inline) or `model_ids`"
            raise RequestProblem(422, "invalid-request", message)
        described: dict[str, Any] = {"language": parsed.language}
        described["model_ids"] = [text[:100] for text in parsed.model_ids[:_MAX_LOGGED_IDS]]
        log.update(described)
        limits = {"max_models": settings.max_models, "max_views": settings.max_views}
        limits["max_properties"] = settings.max_properties
        check_sizes([*parsed.models, *([None] * len(parsed.model_ids))], **limits)  # before fetching anything
        job: dict[str, Any] = {"kind": "validate"}
        if isinstance(parsed, GenerateRequest):
            job = self._generate_job(parsed)
            described["format"] = parsed.format
        models = list(parsed.models)
        if parsed.model_ids:
            fetched = await self._fetch(parsed.model_ids)
            digest.update(json.dumps(fetched, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "replace"))
            models += fetched
            check_sizes(models, **limits)
        from pygen.generator import model_label

        labels = [model_label(model, index)[:200] for index, model in enumerate(models)]
        described["models"] = labels[:_MAX_LOGGED_IDS]
        log.update(described)
        options = parsed.model_dump(include={"language", "package", "client_name", "instance_space", "view_names"})
        job.update(models=models, options=options, labels=labels)
        timeout = settings.generation_timeout

        async def work() -> Answer:
            done = await self._work(job, timeout)
            return Answer(done.status, done.body, done.content_type, done.headers, described)

        return await self.cache.get_or_compute(
            digest.hexdigest(), work, keep=lambda answer: answer.status in (200, 422)
        )

    def _generate_job(self, parsed: GenerateRequest) -> dict[str, Any]:
        wanted = {"wheel": "python", "npm": "typescript"}.get(parsed.format)
        if wanted is not None and parsed.language != wanted:
            raise RequestProblem(
                422,
                "invalid-request",
                f"format {parsed.format!r} is for {wanted} SDKs; for {parsed.language} use 'tar.gz', 'zip' or "
                f"{'wheel' if parsed.language == 'python' else 'npm'}",
            )
        if parsed.language == "python" and parsed.package:
            from pygen.generator import package_name_problem

            problem = package_name_problem(parsed.package)
            if problem is not None:  # as `pygen generate --package` refuses it
                raise RequestProblem(422, "invalid-request", f"package {parsed.package!r} cannot be used: {problem}")
        return {
            "kind": "generate",
            "format": parsed.format,
            "version": parsed.version,
            "distribution": parsed.distribution,
        }

    async def _fetch(self, texts: list[str]) -> list[dict[str, Any]]:
        refs = parse_model_ids(texts)
        timeout = self.settings.fetch_timeout
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.models.fetch, refs), timeout)
        except asyncio.TimeoutError:
            raise RequestProblem(
                504, "fetch-timeout", f"fetching the models from CDF took longer than {timeout:g} s (fetch-timeout)"
            ) from None

    async def _work(self, job: dict[str, Any], timeout: float) -> Answer:
        done = await self.pool.run(job, timeout)
        # Header values are latin-1 on the wire; names come from the models: anything beyond printable ASCII is '?'.
        headers = {key: _ascii(value) for key, value in (done.get("headers") or {}).items()}
        if "json" in done:
            body = json.dumps(done["json"], ensure_ascii=False).encode("utf-8")
            return Answer(done["status"], body, "application/json", headers)
        headers["content-disposition"] = f'attachment; filename="{_ascii(done["filename"]).replace(chr(34), "?")}"'
        headers["etag"] = '"' + hashlib.sha256(done["body"]).hexdigest()[:32] + '"'
        return Answer(done["status"], done["body"], done["content_type"], headers)


def _ascii(text: str) -> str:
    return "".join(char if " " <= char <= "~" else "?" for char in text)


def _too_large(size: int, limit: int, *, more: bool = False) -> RequestProblem:
    said = f"more than {limit}" if more else str(size)
    return RequestProblem(
        413,
        "request-too-large",
        f"the request body is {said} bytes; this service takes at most {limit} (max-request-bytes)",
        {"limit": "max-request-bytes", "max": limit},
    )


def _problem_response(problem: RequestProblem, authority: Authority) -> Response:
    headers = {}
    if problem.status == 401:
        headers["www-authenticate"] = authority.challenge
    if problem.status == 503 and problem.details and "retry_after" in problem.details:
        headers["retry-after"] = str(problem.details["retry_after"])
    return JSONResponse(problem.body(), problem.status, headers=headers)


def create_app(service: Service) -> ASGIApp:
    """The ASGI app over ``service`` (whose workers :meth:`Service.start` starts)."""

    def endpoint(kind: type[ValidateRequest]) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            log: dict[str, Any] = request.scope["state"]["log"]
            try:
                answer = await service.handle(request, kind, log)
            except RequestProblem as problem:
                log["error"] = problem.code
                return _problem_response(problem, service.authority)
            return Response(answer.body, answer.status, headers=answer.headers, media_type=answer.content_type)

        return handler

    async def health(request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "version": __version__,
                "uptime_seconds": round(time.time() - service.started, 1),
                "workers": service.pool.stats.as_json(),
                "cache": service.cache.as_json(),
                "fetch": service.models.cdf is not None,
            }
        )

    async def openapi(request: Request) -> Response:
        return JSONResponse(service.openapi)

    async def docs(request: Request) -> Response:
        page = docs_page(service.openapi)
        return HTMLResponse(page, headers={"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'"})

    async def token(request: Request) -> Response:
        try:
            body = await service.read_body(request, _MAX_TOKEN_REQUEST)
        except RequestProblem as problem:
            return _problem_response(problem, service.authority)
        status, answer = service.authority.issue(body, request.headers.get("authorization"))
        request.scope["state"]["log"]["token"] = "issued" if status == 200 else answer["error"]
        return JSONResponse(answer, status, headers={"cache-control": "no-store"})

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        message = f"{request.method} {request.url.path[:200]}: {exc.detail}"
        return JSONResponse({"error": {"code": code, "message": message}}, exc.status_code, headers=exc.headers)

    async def internal(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": {"code": "internal", "message": "internal error (see the service's log)"}}, 500)

    routes = [
        Route("/v1/generate", endpoint(GenerateRequest), methods=["POST"]),
        Route("/v1/validate", endpoint(ValidateRequest), methods=["POST"]),
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/openapi.json", openapi, methods=["GET"]),
        Route("/v1/docs", docs, methods=["GET"]),
        Route("/oauth2/token", token, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: internal})
    return _Frame(app)


class _Frame:
    """Stamps every response with ``pygen-version`` and ``pygen-request-id`` and logs one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        log: dict[str, Any] = {}
        scope.setdefault("state", {})["log"] = log
        started = time.perf_counter()
        sent = {"status": 0, "bytes": 0}

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                headers = MutableHeaders(scope=message)
                headers["pygen-version"] = __version__
                headers["pygen-request-id"] = request_id
            elif message["type"] == "http.response.body":
                sent["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, stamped)
        except Exception:  # the 500 is sent (starlette's error middleware); the log says where, not what
            log_event("error", level=40, exc_info=True, request_id=request_id, path=scope["path"])
        finally:
            log_event(
                "request",
                request_id=request_id,
                method=scope["method"],
                path=scope["path"],
                status=sent["status"],
                ms=round((time.perf_counter() - started) * 1000, 1),
                bytes=sent["bytes"],
                **log,
            )
