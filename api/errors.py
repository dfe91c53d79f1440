"""Every error leaves the API in one shape: ``{"error": {"code": ..., "message": ...}}``.

Also the request-body guard: a body larger than the upload limit is refused with 413
``file_too_large`` from its Content-Length, or while it streams in, before it is all read."""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from access.errors import AccessError, FileTooLarge, StoreUnavailable, TooManyRequests
from access.storage import human_size
from access.store import is_transient

log = logging.getLogger(__name__)
UNAVAILABLE_RETRY_AFTER = 5      # s: a 503 while the job store is away
FORM_SLACK = 1024 * 1024          # multipart boundaries and option fields around the file
STATUS_CODES = {400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
                413: "file_too_large", 415: "unsupported_format", 416: "range_not_satisfiable",
                422: "invalid_request", 429: "too_many_requests", 503: "unavailable"}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header"))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return "Invalid request: " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AccessError)
    async def _access_error(_: Request, exc: AccessError) -> JSONResponse:
        if isinstance(exc, TooManyRequests):
            return JSONResponse({"error": {"code": exc.code, "message": exc.message, "limit": exc.limit,
                                           "retry_after": exc.retry_after}},
                                status_code=429, headers={"Retry-After": str(exc.retry_after)})
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        if exc.http_status == 503:
            headers = {"Retry-After": str(UNAVAILABLE_RETRY_AFTER)}
        return error_response(exc.http_status, exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and wants_page(request.url.path, request.headers.get("accept", "")):
            return error_page(404, "Page not found", "There is no page at this address.")
        code = STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 404 and message == "Not Found":
            message = "No such resource."
        if exc.status_code == 405:          # Allow names every method of the path, not one route's
            allowed = [*allowed_methods(request.scope), "OPTIONS"]
            headers = {**(headers or {}), "Allow": ", ".join(allowed)}
            message = f"{request.method} is not allowed here (allowed: {', '.join(allowed)})."
        return error_response(exc.status_code, code, message, headers)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        if is_transient(exc):           # the database away, past the store's own retries
            log.warning("job store unavailable: %s", type(exc).__name__)
            return error_response(503, StoreUnavailable.code, "The job store is unavailable; try again in a moment.",
                                  {"Retry-After": str(UNAVAILABLE_RETRY_AFTER)})
        log.exception("unexpected error")
        return error_response(500, "internal_error", "An unexpected error occurred; it has been logged.")


CANDIDATE_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(scope: Scope) -> list[str]:
    """Every method some route answers at the request's path, found by asking the router whether
    it would take the same request with each method; empty when no route has the path."""
    routes = scope["app"].router.routes
    return [m for m in CANDIDATE_METHODS
            if any(route.matches({**scope, "method": m})[0] is Match.FULL for route in routes)]


class OptionsMiddleware:
    """``OPTIONS`` answers ``204`` with ``Allow`` listing every method of the path (``GET, DELETE,
    OPTIONS`` on a job), or ``404`` for a path that does not exist."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        allowed = allowed_methods(scope)
        if not allowed:
            response: Response = error_response(404, "not_found", "No such resource.")
        else:
            response = Response(status_code=204, headers={"Allow": ", ".join([*allowed, "OPTIONS"])})
        await response(scope, receive, send)


class BodyTooLarge(FileTooLarge):
    pass


ERROR_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Error: {title} · access</title>
<link rel="stylesheet" href="/static/app/app.css"></head><body><main id="main"><h1>{title}</h1>
<p>{message}</p><p><a href="/convert">Convert a document</a> ·
<a href="/audit">Audit a site or a document</a> · <a href="/">Start page</a></p></main></body></html>"""


def error_page(status: int, title: str, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    """An error as a page, for a person's browser outside the API (the web app's paths)."""
    return HTMLResponse(ERROR_PAGE.format(title=html.escape(title), message=html.escape(message)),
                        status_code=status, headers=headers)


def wants_page(request_path: str, accept: str) -> bool:
    return not request_path.startswith("/v1") and "text/html" in accept


def too_large(path: str, message: str) -> Response:
    """413 as the API's JSON error, or as a page for the web app's forms (every path outside /v1)."""
    if path.startswith("/v1"):
        return error_response(413, "file_too_large", message, {"Connection": "close"})
    return error_page(413, "The file is too large", f"{message} Make it smaller (for example, compress its "
                      "images), or ask an administrator to raise the limit (setting ACCESS_MAX_UPLOAD_BYTES).",
                      {"Connection": "close"})


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit`` bytes without reading them whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        message = f"The upload is larger than the limit of {human_size(self.limit - FORM_SLACK)}."
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await too_large(scope["path"], message)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(message)
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await too_large(scope["path"], exc.message)(scope, receive, send)


def json_error_example(code: str, message: str) -> dict[str, Any]:
    return {"application/json": {"example": {"error": {"code": code, "message": message}}}}
