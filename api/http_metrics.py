"""Counts every HTTP request by route template (``/v1/jobs/{job_id}``, never the id itself), method
and status, and times it (:mod:`access.metrics`); the phases a request went through
(:mod:`access.phases`: auth, form, upload, insert, publish) go back in a ``Server-Timing`` header."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from access import metrics
from access.phases import collecting, server_timing

UNMATCHED = "unmatched"        # no route: a 404 for an unknown path, or refused before routing (413)


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                if phases:
                    message = {**message, "headers": [*message.get("headers", []),
                                                      (b"server-timing", server_timing(phases).encode())]}
            await send(message)

        try:
            with collecting() as phases:
                await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            metrics.http_request(scope["method"], route, status, time.perf_counter() - started)
