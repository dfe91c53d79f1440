"""Extra HTTP headers (and HTTP basic auth) for the audited site's own requests only.

``Network.setExtraHTTPHeaders`` would send a site's token or password with every request a page
makes, to every CDN and tracker it embeds. Instead the browser pauses only the requests to the
site's origin (the DevTools ``Fetch`` domain, on a DevTools connection of its own) and a thread
continues each one with the headers added; requests to any other origin are never touched.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from typing import Any

import websocket

from auditors.web.devtools import DevToolsSocket

log = logging.getLogger(__name__)


class SiteHeaders:
    """Adds ``headers`` to every request the tab makes to ``origin``, until :meth:`close`."""

    def __init__(self, address: str, target: str, origin: str, headers: dict[str, str]) -> None:
        self.origin = origin
        self.headers = {k.lower(): (k, v) for k, v in headers.items()}
        self.socket = DevToolsSocket.connect(address, target)
        self.socket.call("Fetch.enable", {"patterns": [{"urlPattern": f"{origin}/*", "requestStage": "Request"}]},
                         time.monotonic() + 10)
        self.added = 0
        self._thread = threading.Thread(target=self._serve, name="access-site-headers", daemon=True)
        self._thread.start()

    def _continue(self, event: dict[str, Any]) -> dict[str, Any]:
        params = event.get("params") or {}
        request = params.get("request") or {}
        merged = {k.lower(): (k, v) for k, v in (request.get("headers") or {}).items()}
        same_origin = str(request.get("url", "")).startswith(self.origin + "/")
        if same_origin:                                   # the pattern says so; checked all the same
            merged.update(self.headers)
            self.added += 1
        return {"method": "Fetch.continueRequest",
                "params": {"requestId": params.get("requestId"),
                           **({"headers": [{"name": k, "value": v} for k, v in merged.values()]} if same_origin
                              else {})}}

    def _serve(self) -> None:
        ws = self.socket.ws
        ws.settimeout(None)
        while not self.socket.closed:
            try:
                message = json.loads(ws.recv())
                if message.get("method") == "Fetch.requestPaused":
                    self.socket.next_id += 1
                    ws.send(json.dumps({"id": self.socket.next_id, **self._continue(message)}))
            except (OSError, ValueError, websocket.WebSocketException):
                if not self.socket.closed:
                    log.debug("site headers connection ended", exc_info=True)
                return

    def close(self) -> None:
        """Stop adding headers (Fetch is disabled when its connection closes)."""
        self.socket.closed = True
        with contextlib.suppress(Exception):   # wakes the thread's blocking recv() at once (close() alone does not)
            self.socket.ws.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            self.socket.ws.shutdown()
        self._thread.join(timeout=5)
