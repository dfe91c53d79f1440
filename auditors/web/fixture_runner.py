"""The browser rule family (``RULES``, registered as ``web`` in the ``access.rules`` group): the
rules of ``rules.web``, and how one of their fixture cases becomes the facts the rules read.

A case's HTML is served from memory by a local HTTP server (127.0.0.1), loaded in a pooled
Chromium session, and the collector of the fact the case's rule reads runs on it
(:func:`rules.web.gather`), exactly as in a page audit; the shared catalogue test then runs the
rule on those facts with :func:`access.rulefixtures.run_case`, like every other family.
"""

from __future__ import annotations

import atexit
import http.server
import threading
import uuid
from functools import cache
from typing import Any

from access.config import get_settings
from access.rulefixtures import FixtureCase
from access.ruleset import RuleSet
from auditors.web.browser import get_pool
from rules.web import gather


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


def case_facts(case: FixtureCase) -> dict[str, Any]:
    """The fact the case's rule reads, gathered from the case's page in the real browser."""
    reads = RULES.by_id()[case.rule].reads
    url = serve_page(case.inputs["html"])
    with get_pool(get_settings()).session(guarded=False) as session:
        session.driver.get(url)
        gathered = gather(session, url, only={reads} if reads else None)
    if gathered.errors:
        raise RuntimeError(f"{case.id}: gathering the page's facts failed: {gathered.errors}")
    return gathered.facts


RULES = RuleSet(target="web", package="rules.web", description="Web pages (checks in a real browser)",
                case_facts=case_facts)
