"""WebRTC from audited pages: a page (and a cross-site iframe in another renderer process) that
opens an RTCPeerConnection with stun:/turn: servers on 127.0.0.1 must send no UDP packet there,
in guarded (API) and local (CLI) audits. Real Chromium, real UDP listeners on 127.0.0.1.

The control test starts the same browser without the WebRTC preferences: the cross-site iframe
(which the preload script does not reach) then does send packets, so the listeners and pages work
and the other tests can fail.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from access import services
from access.config import Settings
from access.context import Context
from access.models import AuditOptions
from auditors.web import browser as browser_module
from auditors.web.browser import BrowserSession, close_all_pools

WAIT = 1.5          # seconds to keep listening after the page ran (STUN is sent within milliseconds)


def rtc_script(port: int) -> str:
    servers = (f"{{urls: 'stun:127.0.0.1:{port}'}}, "
               f"{{urls: 'turn:127.0.0.1:{port}?transport=udp', username: 'u', credential: 'p'}}")
    return (f"<script>const out = document.getElementById('s'); try {{"
            f"const pc = new RTCPeerConnection({{iceServers: [{servers}]}}); pc.createDataChannel('x');"
            f"pc.createOffer().then(o => pc.setLocalDescription(o)).then(() => out.textContent = 'offered');"
            f"}} catch (e) {{ out.textContent = 'refused: ' + e.name; }}</script>")


@dataclass
class RtcSite:
    main: socket.socket          # UDP listener the top page's STUN/TURN servers point at
    frame: socket.socket         # ... and the cross-site iframe's
    url: str

    def packets(self, seconds: float) -> dict[str, int]:
        counts = {"main": 0, "frame": 0}
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for name, sock in (("main", self.main), ("frame", self.frame)):
                try:
                    while True:
                        sock.recvfrom(4096)
                        counts[name] += 1
                except BlockingIOError:
                    pass
            time.sleep(0.02)
        return counts


@pytest.fixture()
def rtc_site() -> Iterator[RtcSite]:
    listeners = []
    for _ in range(2):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        listeners.append(sock)
    main, frame = listeners
    servers: list[http.server.ThreadingHTTPServer] = []

    class Pages(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/frame":
                body = "<!doctype html><html lang='en'><title>f</title><p id='s'>frame</p>" + rtc_script(
                    frame.getsockname()[1])
            else:
                body = ("<!doctype html><html lang='en'><title>Call us</title><main><h1>Call us</h1>"
                        f"<p id='s'>start</p><iframe title='call' src='http://127.0.0.2:{servers[1].server_port}"
                        "/frame'></iframe></main>" + rtc_script(main.getsockname()[1]))
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    for host in ("127.0.0.1", "127.0.0.2"):
        server = http.server.ThreadingHTTPServer((host, 0), Pages)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield RtcSite(main, frame, f"http://127.0.0.1:{servers[0].server_port}/")
    for server in servers:
        server.shutdown()
        server.server_close()
    for sock in listeners:
        sock.close()


@pytest.fixture(scope="module")
def rtc_settings() -> Iterator[Settings]:
    yield Settings(_env_file=None, page_timeout=5.0, host_rate=0.0,
                   allow_private_networks=["127.0.0.1/32", "127.0.0.2/32"])
    close_all_pools()


@pytest.mark.parametrize("guarded", [True, False], ids=["api-guarded", "cli-local"])
def test_audited_page_sends_no_webrtc_packet(rtc_site: RtcSite, rtc_settings: Settings, guarded: bool) -> None:
    report = services.audit_url(rtc_site.url, AuditOptions(max_pages=1, axe_only=True, allow_private=not guarded),
                                Context(settings=rtc_settings))
    assert [p.status for p in report.parts] == ["audited"]
    assert rtc_site.packets(WAIT) == {"main": 0, "frame": 0}


def test_page_script_sees_no_rtcpeerconnection(rtc_site: RtcSite, rtc_settings: Settings) -> None:
    session = BrowserSession(rtc_settings).start()
    try:
        session.driver.get(rtc_site.url)
        assert session.run("return document.getElementById('s').textContent") == "refused: NotSupportedError"
        assert rtc_site.packets(WAIT) == {"main": 0, "frame": 0}
    finally:
        session.close()


def test_control_without_the_webrtc_preferences_packets_do_arrive(
        rtc_site: RtcSite, rtc_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser_module, "WEBRTC_PREFS", {})
    session = BrowserSession(rtc_settings).start()
    try:
        session.driver.get(rtc_site.url)
        counts = rtc_site.packets(WAIT + 1.5)
    finally:
        session.close()
    assert counts["main"] == 0           # the preload script still refuses the top page
    assert counts["frame"] > 0           # the cross-site iframe's STUN/TURN packets reach 127.0.0.1
