"""The guarding proxy on its own: it forwards to allowed hosts and refuses private ones."""

from __future__ import annotations

import http.server
import threading

import httpx
import pytest

from access.config import Settings
from auditors.web.guard_proxy import GuardProxy, parse_target


def test_parse_target() -> None:
    assert parse_target("GET", "http://example.org/a?b=1") == ("example.org", 80, "/a?b=1")
    assert parse_target("GET", "http://example.org:8080") == ("example.org", 8080, "/")
    assert parse_target("GET", "http://[::1]:81/x") == ("::1", 81, "/x")
    assert parse_target("CONNECT", "example.org:443") == ("example.org", 443, "")
    with pytest.raises(ValueError):
        parse_target("GET", "/relative")


@pytest.fixture()
def upstream():
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f"hello from {self.server.server_address[0]} {self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    servers = []
    first = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    port = first.server_address[1]
    servers = [first, http.server.ThreadingHTTPServer(("127.0.0.2", port), Hello)]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    yield port
    for s in servers:
        s.shutdown()
        s.server_close()


def test_proxy_forwards_allowed_and_refuses_private(upstream: int) -> None:
    proxy = GuardProxy(Settings(_env_file=None, allow_private_networks=["127.0.0.1/32"]), timeout=5).start()
    try:
        with httpx.Client(proxy=f"http://127.0.0.1:{proxy.port}", trust_env=False, timeout=5) as client:
            ok = client.get(f"http://127.0.0.1:{upstream}/lesson")
            assert ok.status_code == 200 and ok.text == "hello from 127.0.0.1 /lesson"
            for url in (f"http://127.0.0.2:{upstream}/secret", f"http://2130706434:{upstream}/",
                        "http://169.254.169.254/latest/meta-data/", f"http://[::1]:{upstream}/"):
                refused = client.get(url)
                assert refused.status_code == 403, url
                assert refused.headers["x-access-blocked"] == "1"
            with pytest.raises(httpx.ProxyError):
                client.get(f"https://127.0.0.2:{upstream}/")          # CONNECT is checked too
        assert any(host == "127.0.0.2" for host, _ in proxy.blocked)
    finally:
        proxy.stop()
