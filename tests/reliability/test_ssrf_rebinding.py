"""DNS rebinding: a name that answers a public address when checked and 127.0.0.1 when connected
to must never reach 127.0.0.1, for webhooks and for every server-side fetch of a site audit
(robots.txt, sitemaps, linked documents).

The "DNS" is a stub in front of ``socket.getaddrinfo`` for one name (``rebind.test``); every other
lookup goes to the real resolver. The listener on 127.0.0.1 is a real HTTP server that counts the
connections it accepts: the tests assert none arrives. A control test (the operator allows
127.0.0.1) proves the same listener does receive a pinned request, with the URL's Host header and,
over TLS, the URL's name as SNI.
"""

from __future__ import annotations

import datetime
import http.server
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from access.config import Settings
from access.errors import AccessError, UrlForbidden
from access.netguard import guarded_client
from access.webhooks import headers_for, post
from auditors.web.fetch import fetch, read_site_maps

NAME = "rebind.test"
PUBLIC = "93.184.215.14"                 # a global address: connecting to it here fails (no internet)


class Recorder(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that counts accepted connections and records requests."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self.requests: list[tuple[str, str, str]] = []      # (method, path, Host)
        self.sni: list[str | None] = []

    def get_request(self):  # type: ignore[no-untyped-def]
        conn, addr = super().get_request()
        self.connections += 1
        return conn, addr


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Recorder

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.server.requests.append((self.command, self.path, self.headers.get("host", "")))
        body = b"User-agent: *\nSitemap: /sitemap.xml\n" if self.path == "/robots.txt" else b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[Recorder]:
    server = Recorder()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


class RebindingDns:
    """Answers ``rebind.test`` with the next address of ``answers`` (the last one forever after)."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.lookups = 0

    def __call__(self, real):  # type: ignore[no-untyped-def]
        def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # type: ignore[no-untyped-def]
            if host != NAME:
                return real(host, port, family, type, proto, flags)
            address = self.answers[min(self.lookups, len(self.answers) - 1)]
            self.lookups += 1
            return real(address, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        return getaddrinfo


def install(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> RebindingDns:
    dns = RebindingDns(answers)
    monkeypatch.setattr(socket, "getaddrinfo", dns(socket.getaddrinfo))
    return dns


def settings(**extra: object) -> Settings:
    values: dict[str, object] = {"allow_private_networks": [], "webhook_timeout": 1.0, **extra}
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- webhooks


def test_webhook_rebinding_to_loopback_reaches_nothing(monkeypatch: pytest.MonkeyPatch, listener: Recorder) -> None:
    dns = install(monkeypatch, [PUBLIC, "127.0.0.1"])
    body = b'{"id": "job_1"}'
    result = post(f"http://{NAME}:{listener.server_port}/hook", body, headers_for("msg_1", body, "s"), settings())
    assert not result.ok and result.status_code is None
    assert dns.lookups == 1                           # resolved once, and connected to that answer
    assert listener.connections == 0 and listener.requests == []


def test_webhook_to_a_name_answering_loopback_is_refused_for_good(monkeypatch: pytest.MonkeyPatch,
                                                                 listener: Recorder) -> None:
    install(monkeypatch, ["127.0.0.1"])
    body = b"{}"
    result = post(f"http://{NAME}:{listener.server_port}/hook", body, headers_for("msg_2", body, "s"), settings())
    assert not result.ok and not result.retry and "loopback" in (result.error or "")
    assert listener.connections == 0


def test_pinned_webhook_keeps_the_host_header_when_allowed(monkeypatch: pytest.MonkeyPatch,
                                                           listener: Recorder) -> None:
    """The control: an operator who allows 127.0.0.1 gets the delivery, addressed to the name."""
    dns = install(monkeypatch, ["127.0.0.1"])
    body = b"{}"
    result = post(f"http://{NAME}:{listener.server_port}/hook", body, headers_for("msg_3", body, "s"),
                  settings(allow_private_networks=["127.0.0.1/32"]))
    assert result.ok
    assert dns.lookups == 1
    assert listener.requests == [("POST", "/hook", f"{NAME}:{listener.server_port}")]


# ----------------------------------------------------------------------------- site audit fetches


def test_robots_and_sitemaps_rebinding_reach_nothing(monkeypatch: pytest.MonkeyPatch, listener: Recorder) -> None:
    install(monkeypatch, [PUBLIC, "127.0.0.1"])
    s = settings()
    found = read_site_maps(f"http://{NAME}:{listener.server_port}/", s, allow_private=False)
    assert found.robots == "" and found.pages == []
    assert listener.connections == 0


def test_linked_document_rebinding_reaches_nothing(monkeypatch: pytest.MonkeyPatch, listener: Recorder) -> None:
    install(monkeypatch, [PUBLIC, "127.0.0.1"])
    with pytest.raises(AccessError):
        fetch(f"http://{NAME}:{listener.server_port}/handout.pdf", settings(), allow_private=False,
              max_bytes=1000, timeout=1.0)
    assert listener.connections == 0


def test_a_redirect_to_a_rebinding_name_is_checked_at_connect(monkeypatch: pytest.MonkeyPatch,
                                                              listener: Recorder) -> None:
    """A public page (here: an allowed 127.0.0.2 server) redirects to the rebinding name."""

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"http://{NAME}:{listener.server_port}/secret")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    first = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Redirect)
    threading.Thread(target=first.serve_forever, daemon=True).start()
    install(monkeypatch, ["127.0.0.1"])
    try:
        with pytest.raises(UrlForbidden):
            fetch(f"http://127.0.0.2:{first.server_port}/start", settings(allow_private_networks=["127.0.0.2/32"]),
                  allow_private=False, max_bytes=1000, timeout=2.0)
    finally:
        first.shutdown()
        first.server_close()
    assert listener.connections == 0


# ----------------------------------------------------------------------------- TLS keeps the name


def _certificate(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_pinned_tls_connection_sends_the_name_as_sni_and_checks_its_certificate(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    seen: list[str | None] = []

    def remember(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        seen.append(name)

    server_ctx.sni_callback = remember  # type: ignore[assignment]
    server = Recorder()
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    install(monkeypatch, ["127.0.0.1"])
    client_ctx = ssl.create_default_context(cafile=str(cert))
    try:
        with guarded_client(settings(allow_private_networks=["127.0.0.1/32"]), verify=client_ctx,
                            timeout=5) as client:
            answer = client.get(f"https://{NAME}:{server.server_port}/x")
        assert answer.status_code == 200 and answer.text == "ok"
        assert seen == [NAME]
        assert server.requests == [("GET", "/x", f"{NAME}:{server.server_port}")]
        # refused when loopback is not allowed, before any TLS byte is sent
        with guarded_client(settings(), verify=client_ctx, timeout=5) as client, pytest.raises(UrlForbidden):
            client.get(f"https://{NAME}:{server.server_port}/x")
        assert server.connections == 1
    finally:
        server.shutdown()
        server.server_close()
