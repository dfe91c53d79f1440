"""A package served to the audit browser from 127.0.0.1, as a reading system or an LMS serves it.

Each package gets a small HTTP server on a free loopback port, its files under an unguessable
prefix (``/<token>/OEBPS/chapter-1.xhtml``), with the media types a reading system uses (XHTML as
``application/xhtml+xml``, so it is parsed as XML, with its own CSS). Every answer carries a
Content-Security-Policy that keeps the page inside the package: scripts run (as in an LMS), but
images, styles, scripts, frames, fetches and form posts may only come from the package itself,
``data:`` or ``blob:``; nothing reaches the network. Only GET and HEAD are answered, names that
leave the package are refused, and a listing of folders is never given.

The auditor can overlay files of its own (:class:`auditors.packages.archive.OverlayFiles`) and ask
for a snippet to be inserted at the top of every HTML page (the SCORM runtime an LMS provides).
"""

from __future__ import annotations

import http.server
import logging
import mimetypes
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from auditors.packages.archive import PackageFiles
from auditors.packages.cache import ClosingCache
from rules.paths import clean_member

log = logging.getLogger(__name__)
CSP = ("default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; form-action 'self'; "
       "frame-ancestors 'self'; base-uri 'self'; worker-src 'self' blob:")
MEDIA_TYPES = {
    ".xhtml": "application/xhtml+xml", ".xht": "application/xhtml+xml", ".html": "text/html",
    ".htm": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
    ".svg": "image/svg+xml", ".smil": "application/smil+xml", ".opf": "application/oebps-package+xml",
    ".ncx": "application/x-dtbncx+xml", ".xml": "application/xml", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
    ".mp4": "video/mp4", ".webm": "video/webm", ".vtt": "text/vtt", ".woff": "font/woff", ".woff2": "font/woff2",
    ".otf": "font/otf", ".ttf": "font/ttf", ".json": "application/json", ".txt": "text/plain",
}
HTML_TYPES = ("text/html", "application/xhtml+xml")
HEAD_TAG = re.compile(rb"<head(\s[^>]*)?>", re.I)


def media_type_of(name: str) -> str:
    suffix = PurePosixPath(name.lower()).suffix
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def insert_in_head(body: bytes, snippet: bytes) -> bytes:
    """``snippet`` right after the ``<head>`` start tag (before the page's own scripts)."""
    match = HEAD_TAG.search(body[:65536])
    if match is None:
        return body
    return body[: match.end()] + snippet + body[match.end():]


@dataclass
class PackageServer:
    files: PackageFiles
    head_snippet: bytes = b""              # inserted into every HTML page (e.g. the SCORM runtime)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    media_type: Callable[[str], str] = media_type_of
    _server: http.server.ThreadingHTTPServer | None = field(default=None, repr=False)

    def start(self) -> PackageServer:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name="access-package-server",
                         kwargs={"poll_interval": 0.2}, daemon=True).start()
        self._server = server
        return self

    @property
    def port(self) -> int:
        assert self._server is not None, "package server not started"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.token}/"

    def url_of(self, member: str, fragment: str = "") -> str:
        from urllib.parse import quote

        return self.base_url + quote(member) + (f"#{fragment}" if fragment else "")

    def member_of(self, url: str) -> str | None:
        """The package path a served URL points at (None for anything else)."""
        if not url.startswith(self.base_url):
            return None
        return clean_member(unquote(urlsplit(url).path[len(f"/{self.token}/"):]))

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _handler(package: PackageServer) -> type[http.server.BaseHTTPRequestHandler]:
    prefix = f"/{package.token}/"

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "access-package"
        sys_version = ""

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            path = urlsplit(self.path).path
            member = clean_member(unquote(path[len(prefix):])) if path.startswith(prefix) else None
            body = None
            if member is not None:
                try:
                    body = package.files.read(member)
                except KeyError:
                    body = None
            if body is None:
                self._send(404, b"Not in the package.\n", "text/plain; charset=utf-8", send_body)
                return
            ctype = package.media_type(member or "")
            if package.head_snippet and ctype in HTML_TYPES:
                body = insert_in_head(body, package.head_snippet)
            self._send(200, body, ctype, send_body)

        def _send(self, status: int, body: bytes, ctype: str, send_body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


# the servers of this process, one per package (by a key the auditor chooses)
SERVED: ClosingCache[str, PackageServer] = ClosingCache()
