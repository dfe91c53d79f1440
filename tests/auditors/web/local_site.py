"""A local site for the report-side web tests: pages served from a dict on 127.0.0.1 (``{origin}``
in a page becomes the site's address), with every request's path and time (the server's clock)
recorded, so a test can measure how fast the audit asked for pages."""

from __future__ import annotations

import http.server
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

TYPES = {".gz": "application/gzip", ".xml": "application/xml", ".txt": "text/plain", ".css": "text/css"}
JITTER = 0.2                 # seconds a request may take from its slot to the server on a loaded machine


def assert_spaced(times: list[float], interval: float) -> None:
    """The server saw the requests at most at the allowed rate: any run of k + 1 requests spans at
    least k intervals, less the time one request may take on its way (the limiter keeps its slots
    exactly; a request reaches the server a little after its slot, more on a busy machine)."""
    times = sorted(times)
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(times)]
    for i, j in itertools.combinations(range(len(times)), 2):
        assert times[j] - times[i] >= (j - i) * interval - JITTER, (i, j, gaps)


@dataclass
class Served:
    origin: str
    pages: dict[str, bytes]
    hits: list[tuple[float, str]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.origin + path

    def times(self, *, skip: tuple[str, ...] = ("/favicon.ico", "/logo.png")) -> list[float]:
        """When each request came, in order (the browser's own requests for icons and images left out)."""
        return sorted(t for t, path in self.hits if path not in skip)


def _handler(served: Served) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.hits.append((time.monotonic(), self.path))
            body = served.pages.get(self.path)
            kind = next((t for ext, t in TYPES.items() if self.path.endswith(ext)), "text/html; charset=utf-8")
            self.reply(404, b"", kind) if body is None else self.reply(
                200, body.replace(b"{origin}", served.origin.encode()), kind)

        def reply(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            for name, value in (("Content-Type", kind), ("Content-Length", str(len(body)))):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def local_site(pages: dict[str, bytes]) -> Iterator[Served]:
    served = Served("", pages)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    server.daemon_threads = True
    served.origin = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
