"""Fixture sites served from a local HTTP server thread, and ONE browser pool for the session.

``site`` serves in-memory pages on 127.0.0.1 (and the same server on 127.0.0.2, whose hits are
recorded, to prove that guarded audits never reach a private address). Pages are plain data
(``SITES``); special paths: ``/slow`` never answers within the test page timeout, ``/go-private``
redirects to 127.0.0.2.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from access.config import Settings
from access.context import Context
from auditors.web.browser import close_all_pools

PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        '<body><header><a href="#main">Skip to content</a></header><main id="main" tabindex="-1">'
        '<h1>{title}</h1>{body}</main></body></html>')


def page(title: str, body: str) -> bytes:
    return PAGE.format(title=title, body=body).encode()


def untagged_pdf() -> bytes:
    """A one-page PDF written by pymupdf (untagged, no title, no language)."""
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Unit 1 handout: photosynthesis.")
    data = doc.tobytes()
    doc.close()
    return bytes(data)


SITES: dict[str, bytes] = {
    # --- barriers: each page has one known barrier
    "/barriers/img.html": page("Image", '<p>Cell diagram:</p><img src="/cell.png" width="40" height="40">'),
    "/barriers/contrast.html": page("Contrast", '<p style="color:#aaa;background:#fff">Due Friday</p>'),
    "/barriers/label.html": page("Form", '<form><input type="text" name="answer"></form>'),
    "/barriers/nolang.html": b'<!doctype html><html><head><title>No lang</title></head><body><main>'
                             b'<h1>No language</h1><p>Hello</p></main></body></html>',
    "/barriers/target.html": page("Targets", '<style>button{width:14px;height:14px;padding:0;margin:0;'
                                  'border:0}</style><div style="display:flex"><button>A</button>'
                                  '<button>B</button></div>'),
    "/barriers/focus.html": page("Focus", '<style>a:focus{outline:none}</style><p><a href="#x">Lesson</a></p>'),
    "/barriers/trap.html": page("Trap", '<p><a href="#a">Before</a></p><input id="t" aria-label="Answer">'
                                '<script>document.getElementById("t").addEventListener("keydown",'
                                'e=>{if(e.key==="Tab")e.preventDefault()})</script><p><a href="#b">After</a></p>'),
    # --- a clean page: no violation from axe or our checks
    "/clean.html": page("Photosynthesis", '<p>Plants turn light into food. <a href="/clean.html">Read again</a>'
                        '</p><img src="/cell.png" alt="A plant cell" width="40" height="40"><form><label '
                        'for="q">Your answer</label> <input id="q" type="text"> <button>Check</button></form>'
                        '<table><caption>Marks</caption><tr><th scope="col">Name</th><th scope="col">Mark</th>'
                        '</tr><tr><td>Ann</td><td>8</td></tr></table>'),
    # --- a small multi-page site
    "/course/": page("Course", '<p><a href="/course/unit-1#intro">Unit 1</a> <a href="/course/unit-1/">Unit 1 '
                     'again</a> <a href="/course/unit-2?b=2&amp;a=1">Unit 2</a> <a href="/course/unit-2?a=1&amp;'
                     'b=2">Unit 2 again</a> <a href="/course/private/notes">Notes</a> <a href="/course/'
                     'slides.pdf">Slides (PDF)</a> <a href="https://elsewhere.example/">Elsewhere</a> '
                     '<a href="mailto:t@example.org">Mail</a> <a href="/course/skip-me">Skip</a></p>'),
    "/course/unit-1": page("Unit 1", '<p><a href="/course/unit-1/deep">Deeper</a> <a href="/course/">Up</a></p>'),
    "/course/unit-1/deep": page("Deep", '<p><a href="/course/unit-1/deeper">Deeper still</a></p>'),
    "/course/unit-1/deeper": page("Deeper", "<p>Bottom.</p>"),
    "/course/unit-2?a=1&b=2": page("Unit 2", '<p>Two. <a href="/course/handout.docx">Handout</a></p>'),
    "/course/private/notes": page("Private", "<p>Robots may not see this.</p>"),
    "/course/skip-me": page("Skip", "<p>Excluded by pattern.</p>"),
    "/course/from-sitemap": page("Only in the sitemap", "<p>Not linked from anywhere.</p>"),
    "/robots.txt": b"User-agent: *\nDisallow: /course/private/\nSitemap: /sitemap.xml\n",
    "/sitemap.xml": b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                    b'sitemap/0.9"><url><loc>{origin}/course/from-sitemap</loc></url><url><loc>{origin}/course/'
                    b'private/notes</loc></url></urlset>',
    # --- linked documents
    "/docs/": page("Handouts", '<p><a href="/docs/handout.pdf">Handout (PDF)</a> '
                   '<a href="/docs/missing.docx">Missing (DOCX)</a></p>'),
    "/docs/handout.pdf": untagged_pdf(),
    # --- a site with a page that hangs
    "/hang/": page("Start", '<p><a href="/slow">Slow page</a> <a href="/hang/loop">Endless script</a> '
                   '<a href="/hang/after">After</a></p>'),
    "/hang/loop": page("Loop", "<p>Busy.</p><script>while (true) {}</script>"),
    "/hang/after": page("After", "<p>Still audited.</p>"),
    # --- a page that opens a dialog while it loads (it must not block the audit)
    "/dialog.html": page("Dialog", "<p>Welcome.</p><script>alert('Welcome to the course')</script>"),
    # --- guarded mode: a page pulling from and redirecting to a private address
    "/leak/": page("Leak", '<p><a href="/go-private">Go</a></p><img alt="beacon" src="{private}/beacon.png">'
                   '<iframe title="x" src="{private}/frame.html"></iframe>'),
}


@dataclass
class Site:
    origin: str
    private_origin: str
    private_hits: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.origin + path


def _handler(site: Site, slow_seconds: float) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.server.server_address[0] == "127.0.0.2":
                site.private_hits.append(self.path)
            if self.path == "/slow":
                time.sleep(slow_seconds)
            if self.path == "/go-private":
                self.send_response(302)
                self.send_header("Location", site.private_origin + "/secret")
                self.end_headers()
                return
            body = SITES.get(self.path) or SITES.get(self.path.split("#")[0])
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            body = body.replace(b"{origin}", site.origin.encode())
            body = body.replace(b"{private}", site.private_origin.encode())
            self.send_response(200)
            ctype = {".xml": "application/xml", ".txt": "text/plain", ".pdf": "application/pdf"}.get(
                Path(self.path).suffix, "text/html; charset=utf-8")
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    servers = []
    public = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    port = public.server_address[1]
    public.server_close()
    s = Site(origin=f"http://127.0.0.1:{port}", private_origin=f"http://127.0.0.2:{port}")
    for host in ("127.0.0.1", "127.0.0.2"):
        server = http.server.ThreadingHTTPServer((host, port), _handler(s, slow_seconds=6))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield s
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def web_settings() -> Iterator[Settings]:
    """Settings of every browser test: short page timeout; the browser pool is shared; no politeness
    limit on the local fixture servers (test_politeness.py and test_site_report.py measure it)."""
    yield Settings(_env_file=None, page_timeout=3.0, allow_private_networks=[], host_rate=0.0)
    close_all_pools()


class ProgressLog(list[tuple[float, str]]):
    """A progress callback that keeps every (percent, stage) it is given."""

    def __call__(self, percent: float, stage: str) -> None:
        self.append((percent, stage))


@pytest.fixture()
def ctx(web_settings: Settings) -> Context:
    return Context(settings=web_settings, progress=ProgressLog())
