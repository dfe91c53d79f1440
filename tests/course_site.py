"""A small course site behind a real sign-in, served on 127.0.0.1 for the sign-in tests.

- Sign-in over two screens, as several LMSs do: ``/login`` asks for the user name, ``/login/password``
  for the password; each form carries a CSRF token bound to a cookie; success sets an HttpOnly
  session cookie and lands on ``/my/``.
- Pages only visible when signed in (anonymous requests are redirected to ``/login``): the dashboard,
  three course pages with one barrier each, a hash-routed app (``/app/#/topics/N``) whose links and
  pages are rendered by script after a fetch, and a page whose menu shows its barrier only when open.
- A sign-out link on every page (``/logout``: counted, and it ends the session).
- The first session expires after ``expire_after`` signed-in pages (the server forgets it once).

- ``lock_after``: after that many signed-in pages no session is honoured any more (the site "keeps
  signing the audit out").
- HTTP basic auth as the teacher also counts as signed in.

Everything the server saw is kept (``sign_ins``, ``logouts``, ``paths``) for the tests to check.
"""

from __future__ import annotations

import base64
import html
import http.server
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

USER = "teacher"

LAYOUT = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
          '<meta name="viewport" content="width=device-width, initial-scale=1">{head}</head><body>'
          '<header><nav class="usermenu" aria-label="User">Signed in as {user} · <a href="/my/">Dashboard</a> · '
          '<a href="/logout">Sign out</a></nav></header>'
          '<main><h1>{title}</h1>{body}</main></body></html>')
LOGIN = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body><main>'
         '<h1>Sign in</h1><form method="post" action="{action}"><input type="hidden" name="csrf" value="{csrf}">'
         '{field}<button id="{button}" type="submit">{label}</button></form></main></body></html>')
USER_FIELD = '<label for="username">User name</label> <input id="username" name="username" autocomplete="username">'
PASSWORD_FIELD = ('<label for="password">Password</label> <input id="password" name="password" type="password" '
                  'autocomplete="current-password">')

COURSE_PAGES = {
    "/course/1": ("Cells", '<style>.phone-tip{display:none;color:#c8c8c8;background:#fff}@media (max-width:600px)'
                  '{.phone-tip{display:block}}</style><p class="phone-tip">Turn your phone sideways.</p>'
                  '<p>A plant cell:</p><img src="/cell.png" width="40" height="40">'
                  ' <p><a href="/course/2">Next: photosynthesis</a></p>'),
    "/course/2": ("Photosynthesis", '<p style="color:#b0b0b0;background:#fff">Hand in by Friday.</p>'
                  '<p><a href="/course/3">Next: quiz</a></p>'),
    "/course/3": ("Quiz", '<form><p>Which organelle makes food?</p><input type="text" name="answer"></form>'),
}
DASHBOARD = ('<p>Your courses:</p><ul><li><a href="/course/1">Cells</a></li><li><a href="/app/">Topics app</a></li>'
             '<li><a href="/menu.html">Course menu</a></li></ul>')
APP = ('<div id="app">Loading…</div><script>'
       'const app = document.getElementById("app");'
       'function render() {'
       '  const route = location.hash.replace(/^#!?/, "");'
       '  const m = route.match(/^\\/topics\\/(\\d+)$/);'
       '  if (m && m[1] === "1") { app.innerHTML = "<h2>Topic 1: roots</h2><p>Roots take in water.</p>'
       '<button class=\\"icon\\"><svg width=\\"16\\" height=\\"16\\"></svg></button>"; return; }'
       '  if (m) { app.innerHTML = "<h2>Topic " + m[1] + "</h2><p>More about plants.</p>"; return; }'
       '  fetch("/api/topics").then(r => r.json()).then(topics => { app.innerHTML = "<ul>" + topics.map(t =>'
       '    "<li><a href=\\"#/topics/" + t.id + "\\">" + t.title + "</a></li>").join("") + "</ul>'
       '<p><a href=\\"#top\\">Back to top</a></p>"; });'
       '}'
       'window.addEventListener("hashchange", render); render();'
       '</script>')
MENU = ('<button id="menu-button" aria-expanded="false" aria-controls="drawer">Course menu</button>'
        '<nav id="drawer" aria-label="Course" hidden><a href="/course/1"><img src="/cell.png" width="20" '
        'height="20"></a> <a href="/course/2">Photosynthesis</a></nav><script>'
        'document.getElementById("menu-button").addEventListener("click", e => {'
        '  const d = document.getElementById("drawer"); d.hidden = !d.hidden;'
        '  e.currentTarget.setAttribute("aria-expanded", String(!d.hidden)); });'
        '</script>')

# content a script adds well after the page settled (only a `wait_for` selector catches it)
LATE = ('<div id="late"></div><p class="cookie-banner">We use cookies. <input type="checkbox"></p><script>'
        'setTimeout(() => { document.getElementById("late").innerHTML = '
        '"<img id=\\"chart\\" src=\\"/cell.png\\" width=\\"30\\" height=\\"30\\">"; }, 900);</script>')


@dataclass
class CourseSite:
    password: str = field(default_factory=lambda: "pw-" + secrets.token_hex(12))
    expire_after: int = 0                  # signed-in pages the first session serves; 0: never expires
    lock_after: int = 0                    # signed-in pages after which no session is honoured again; 0: never
    origin: str = ""
    sign_ins: int = 0
    logouts: int = 0
    expired: int = 0
    served: int = 0                        # signed-in pages served
    embedded: str = ""                     # /embed shows an image from this other origin
    paths: list[str] = field(default_factory=list)
    _csrf: dict[str, str] = field(default_factory=dict)      # pre-session id -> token
    _pending: dict[str, str] = field(default_factory=dict)   # pre-session id -> user name
    _sessions: dict[str, int] = field(default_factory=dict)  # session id -> pages served
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: http.server.ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        return self.origin + path

    def start(self) -> CourseSite:
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def config(self, name: str = "course", extra: str = "") -> str:
        """The site as a config file (the secret comes from ${LMS_PASSWORD})."""
        return f"""sites:
  - name: {name}
    url: {self.origin}/my/
    max_pages: 20
    max_depth: 3
    login:
      - navigate: {self.origin}/login
      - fill: {{selector: "#username", value: "${{LMS_USER}}"}}
      - click: "#next"
      - fill: {{selector: "#password", value: "${{LMS_PASSWORD}}"}}
      - click: "#signin"
      - wait_for: {{url: "/my/"}}
    signed_in: ".usermenu"
    states:
      - name: menu open
        url: {self.origin}/menu.html
        actions: [{{click: "#menu-button"}}, {{wait_for: {{selector: "#drawer"}}}}]
    hide: [".cookie-banner"]
    disable_rules: ["axe-region"]
    threshold: {{impact: serious, max: 0}}
{extra}"""

    def site_json(self, **extra: object) -> dict[str, object]:
        """The same site as the JSON document of ``POST /v1/audits`` (values as sent)."""
        return {"name": "course", "url": self.url("/my/"), "max_pages": 20, "max_depth": 3,
                "login": [{"navigate": self.url("/login")},
                          {"fill": {"selector": "#username", "value": USER}}, {"click": "#next"},
                          {"fill": {"selector": "#password", "value": self.password}}, {"click": "#signin"},
                          {"wait_for": {"url": "/my/"}}],
                "signed_in": ".usermenu",
                "states": [{"name": "menu open", "url": self.url("/menu.html"),
                            "actions": [{"click": "#menu-button"}, {"wait_for": {"selector": "#drawer"}}]}],
                "threshold": {"impact": "serious", "max": 0}, **extra}


def _handler(site: CourseSite) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _cookies(self) -> dict[str, str]:
            jar = SimpleCookie(self.headers.get("Cookie", ""))
            return {k: m.value for k, m in jar.items()}

        def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, to: str, cookie: str | None = None) -> None:
            headers = {"Location": to}
            if cookie:
                headers["Set-Cookie"] = cookie
            self._send(303 if self.command == "POST" else 302, headers=headers)

        def _signed_in(self, page: bool) -> bool:
            """Whether the request is signed in; ``page``: it counts toward the session's expiry."""
            sid = self._cookies().get("sid")
            basic = "Basic " + base64.b64encode(f"{USER}:{site.password}".encode()).decode()
            with site._lock:
                if site.lock_after and site.served >= site.lock_after:
                    return False
                if self.headers.get("Authorization") == basic:
                    site.served += page
                    return True
                if sid not in site._sessions:
                    return False
                site.served += page
                site._sessions[sid] += page
                if site.expire_after and not site.expired and site._sessions[sid] > site.expire_after:
                    del site._sessions[sid]            # the server forgets the session, once
                    site.expired += 1
                    return False
                return True

        def _login_form(self, action: str, field_html: str, button: str, label: str) -> None:
            pre = self._cookies().get("pre") or uuid.uuid4().hex
            token = secrets.token_hex(8)
            with site._lock:
                site._csrf[pre] = token
            body = LOGIN.format(action=action, csrf=token, field=field_html, button=button, label=label)
            self._send(200, body.encode(), headers={"Set-Cookie": f"pre={pre}; Path=/; HttpOnly"})

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            with site._lock:
                site.paths.append(self.path)
            if path == "/login":
                return self._login_form("/login", USER_FIELD, "next", "Next")
            if path == "/login/password":
                if self._cookies().get("pre") not in site._pending:
                    return self._redirect("/login")
                return self._login_form("/login/password", PASSWORD_FIELD, "signin", "Sign in")
            if path == "/logout":
                with site._lock:
                    site.logouts += 1
                    site._sessions.pop(self._cookies().get("sid", ""), None)
                return self._redirect("/login")
            if path == "/cell.png":
                return self._send(200, b"\x89PNG\r\n\x1a\n", "image/png")
            if path in ("/robots.txt", "/sitemap.xml", "/favicon.ico"):
                return self._send(404, b"")
            if path == "/api/topics":     # public data (a fetch racing an expiring session would lose the links)
                return self._send(200, json.dumps([{"id": 1, "title": "Roots"}, {"id": 2, "title": "Leaves"}])
                                  .encode(), "application/json")
            if not self._signed_in(page=True):
                return self._redirect(f"/login?next={path}")
            pages = {"/my/": ("Dashboard", DASHBOARD), "/app/": ("Topics", APP), "/menu.html": ("Course menu", MENU),
                     "/embed": ("Embedded", f'<img src="{site.embedded}/pixel.png" alt="A pixel">'),
                     "/late": ("Late", LATE), **COURSE_PAGES}
            if path not in pages:
                return self._send(404, b"not found", "text/plain")
            title, body = pages[path]
            page = LAYOUT.format(title=html.escape(title), head="", user=USER, body=body)
            self._send(200, page.encode())

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            with site._lock:
                site.paths.append(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            pre = self._cookies().get("pre", "")
            with site._lock:
                token_ok = bool(pre) and site._csrf.pop(pre, None) == form.get("csrf")
            if not token_ok:
                return self._send(403, b"bad CSRF token", "text/plain")
            if path == "/login":
                if form.get("username") != USER:
                    return self._redirect("/login")
                with site._lock:
                    site._pending[pre] = form["username"]
                return self._redirect("/login/password")
            if path == "/login/password":
                with site._lock:
                    ok = site._pending.get(pre) == USER and form.get("password") == site.password
                    if ok:
                        sid = secrets.token_hex(16)
                        site._sessions[sid] = 0
                        site.sign_ins += 1
                if not ok:
                    return self._redirect("/login")
                return self._redirect("/my/", cookie=f"sid={sid}; Path=/; HttpOnly")
            self._send(404, b"")

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def files_holding(secret: str, *roots: object) -> list[str]:
    """Every file under ``roots`` (folders or files) whose bytes hold ``secret`` (SQLite databases
    and their WAL included, read as raw bytes)."""
    from pathlib import Path

    needle = secret.encode()
    found = []
    for root in map(Path, roots):
        for path in [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()):
            if needle in path.read_bytes():
                found.append(str(path))
    return found
