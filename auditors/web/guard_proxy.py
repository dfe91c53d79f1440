"""A small forward proxy that lets the audit browser reach public addresses only.

In guarded mode (API audits) Chromium sends every request — page, redirect hop, image, script,
iframe, fetch — through this proxy (``--proxy-server`` with ``<-loopback>`` so loopback goes
through it too). For each request the proxy resolves the host once with
:func:`access.netguard.check_host`, refuses private/loopback/metadata addresses with a 403, and
connects to the address it checked, so a DNS answer that changes between check and connect
(rebinding) cannot slip through. HTTPS goes through ``CONNECT`` tunnels, which are checked the
same way; the proxy never sees inside them.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import select
import socket
import socketserver
import threading
from collections import Counter, deque
from collections.abc import Iterator

from access.config import Settings, plugin_settings
from access.errors import AccessError
from access.netguard import check_host
from auditors.web.settings import WebSettings

log = logging.getLogger(__name__)
MAX_HEAD = 64 * 1024
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
HOP_HEADERS = {"proxy-connection", "connection", "keep-alive", "proxy-authorization"}


def parse_target(method: str, target: str) -> tuple[str, int, str]:
    """(host, port, origin-form path) of a proxy request line target."""
    if method == "CONNECT":
        host, _, port = target.rpartition(":")
        return host.strip("[]"), int(port or 443), ""
    if not target.lower().startswith("http://"):
        raise ValueError(f"not an absolute http URL: {target[:100]}")
    rest = target[7:]
    authority, slash, path = rest.partition("/")
    host, port = authority, 80
    if authority.startswith("["):
        host, _, tail = authority[1:].partition("]")
        port = int(tail[1:]) if tail.startswith(":") else 80
    elif ":" in authority:
        host, _, p = authority.rpartition(":")
        port = int(p)
    return host, port, "/" + path if slash else "/"


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        client: socket.socket = self.request
        client.settimeout(self.server.guard.timeout)
        try:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(8192)
                if not chunk:
                    return
                head += chunk
                if len(head) > MAX_HEAD:
                    return self._refuse(client, 431, "request head too large")
            head, _, body = head.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ", 2)
            host, port, path = parse_target(method.upper(), target)
        except (ValueError, OSError) as exc:
            return self._refuse(client, 400, f"bad proxy request: {exc}")
        try:
            addresses = self.server.guard.check(host, port)
        except AccessError as exc:
            self.server.guard.record_block(host, exc.message)
            return self._refuse(client, 403, exc.message)
        try:
            upstream = socket.create_connection((str(addresses[0]), port), timeout=self.server.guard.timeout)
        except OSError as exc:
            return self._refuse(client, 502, f"could not connect to {host}: {exc}")
        with upstream:
            if method.upper() == "CONNECT":
                client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                if body:
                    upstream.sendall(body)
            else:
                headers = [h for h in lines[1:] if h.split(":", 1)[0].strip().lower() not in HOP_HEADERS]
                request = "\r\n".join([f"{method} {path} {version}", *headers, "Connection: close", "", ""])
                upstream.sendall(request.encode("latin-1") + body)
            self._pipe(client, upstream)

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        sockets = [a, b]
        while True:
            readable, _, errored = select.select(sockets, [], sockets, self.server.guard.timeout)
            if errored or not readable:
                return
            for s in readable:
                try:
                    data = s.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                (b if s is a else a).sendall(data)

    @staticmethod
    def _refuse(client: socket.socket, status: int, reason: str) -> None:
        body = f"access audit proxy: {reason}\n".encode()
        text = {400: "Bad Request", 403: "Forbidden", 431: "Request Header Fields Too Large",
                502: "Bad Gateway"}[status]
        with contextlib.suppress(OSError):
            client.sendall(f"HTTP/1.1 {status} {text}\r\nContent-Type: text/plain\r\nX-Access-Blocked: 1\r\n"
                           f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    guard: GuardProxy


class GuardProxy:
    """The proxy, listening on 127.0.0.1 on a free port, in a daemon thread."""

    def __init__(self, settings: Settings, timeout: float | None = None) -> None:
        self.settings = settings
        self.timeout = timeout or plugin_settings(WebSettings, settings).page_timeout
        self.blocked: deque[tuple[str, str]] = deque(maxlen=200)
        # loopback ports this process serves a package on (auditors.packages): reachable while open
        self.local_ports: Counter[int] = Counter()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "proxy not started"
        return int(self._server.server_address[1])

    def check(self, host: str, port: int) -> list:
        if self.local_ports[port] > 0 and host.strip("[]").lower() in LOOPBACK_NAMES:
            return [ipaddress.ip_address("127.0.0.1")]
        return check_host(host, port, self.settings)

    @contextlib.contextmanager
    def local_port(self, port: int) -> Iterator[None]:
        """Let the browser reach ``127.0.0.1:port`` while the block runs: a server of this process
        (a course package served to the browser, :mod:`auditors.packages.serve`), nothing else on
        the loopback interface."""
        self.local_ports[port] += 1
        try:
            yield
        finally:
            self.local_ports[port] -= 1

    def record_block(self, host: str, reason: str) -> None:
        log.info("audit proxy blocked %s: %s", host, reason)
        self.blocked.append((host, reason))

    def start(self) -> GuardProxy:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.guard = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="access-guard-proxy",
                                        kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
