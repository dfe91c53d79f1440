"""The HTTP edge of ``access serve``: what uvicorn accepts before a request reaches the app.

- Request headers are capped (``http_max_header_bytes``): more is answered ``431 Request Header
  Fields Too Large`` and the connection closed, before any key is looked at.
- A request's headers must arrive within ``http_header_timeout`` seconds of the connection (or of
  the previous response on a kept-alive one): a slow-loris client trickling bytes, or one that
  sends nothing, gets ``408`` and is closed. Idle kept-alive connections close after
  ``http_keep_alive`` seconds.
- At most ``http_max_connections`` connections and requests at once; past that uvicorn answers 503.

These bound one process; in production run ``access serve`` behind a reverse proxy (nginx, Caddy,
a cloud load balancer) that buffers requests and limits clients (README "Reliability").
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from access.config import Settings, get_settings

log = logging.getLogger(__name__)
TIMEOUT_RESPONSE = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                    b"content-length: 37\r\nconnection: close\r\n\r\nThe request headers came too slowly.\n")


class EdgeH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on request headers and 431 for oversized ones."""

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(get_settings().http_header_timeout, self._headers_too_slow)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.warning("closed a connection whose request headers did not arrive within %.0f s",
                        get_settings().http_header_timeout)
            self.transport.write(TIMEOUT_RESPONSE)
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        """h11 only bounds a head that is still incomplete: one that arrives whole in a read is
        parsed whatever its size. The head is measured here first, while headers are awaited."""
        limit = self.config.h11_max_incomplete_event_size
        if limit is not None and self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            pending = self.conn.trailing_data[0]
            end = (pending + data[:limit + 4]).find(b"\r\n\r\n") if len(pending) <= limit + 4 else -1
            if (end == -1 and len(pending) + len(data) > limit) or end > limit:
                self._too_large(limit)
                return
        super().data_received(data)

    def _too_large(self, limit: int) -> None:
        log.warning("refused a request whose headers are larger than %d bytes (431)", limit)
        self._cancel_header_timer()
        body = f"The request headers are larger than the limit of {limit // 1024} KiB.\n".encode()
        self.transport.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; "
                             b"charset=utf-8\r\ncontent-length: " + str(len(body)).encode()
                             + b"\r\nconnection: close\r\n\r\n" + body)
        self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:      # the headers are in (or the connection is done)
            self._cancel_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_header_timer()                    # the next request on this connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What ``access serve`` gives ``uvicorn.run`` for the edge limits above."""
    return {"http": EdgeH11Protocol, "h11_max_incomplete_event_size": settings.http_max_header_bytes,
            "timeout_keep_alive": settings.http_keep_alive, "limit_concurrency": settings.http_max_connections}
