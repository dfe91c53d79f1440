"""Runs the web rules' fixture pages (``rules/web/fixtures/*.yml``) in the real browser, for the
shared catalogue test (``rule-fixtures:web``). Each case's HTML is served from memory by a local
HTTP server (127.0.0.1) and audited by our own checks in a pooled Chromium session."""

from __future__ import annotations

import atexit
import http.server
import threading
import uuid
from functools import cache
from pathlib import Path

from access.config import get_settings
from access.models import Finding
from access.rulefixtures import FixtureCase
from access.ruleset import RuleSet
from auditors.web.browser import get_pool

FIXTURES = Path(__file__).resolve().parents[2] / "rules" / "web" / "fixtures"


class _Pages(http.server.BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}

    def do_GET(self) -> None:
        body = self.pages.get(self.path.split("?")[0])
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body or b"not found")

    def log_message(self, *args: object) -> None:
        pass


@cache
def _server() -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="access-web-fixtures").start()
    atexit.register(server.shutdown)
    return f"http://127.0.0.1:{server.server_address[1]}"


def serve_page(html: str) -> str:
    """A URL on 127.0.0.1 that serves ``html``."""
    path = f"/{uuid.uuid4().hex}.html"
    _Pages.pages[path] = html.encode("utf-8")
    return _server() + path


def run_case(case: FixtureCase) -> list[Finding]:
    from rules.web import run_own_checks

    url = serve_page(case.inputs["html"])
    with get_pool(get_settings()).session(guarded=False) as session:
        session.driver.get(url)
        result = run_own_checks(session, url)
    assert not result.errors, result.errors
    return [f for f in result.findings if f.rule == case.rule]


RULES = RuleSet(target="web", package="rules.web", description="Web pages (checks in a real browser)",
                fixtures=FIXTURES)
