"""Benchmark of what signing in, screenshots and viewports cost a site audit, on the 50-page local
site of bench/web_audit.py served behind a sign-in form (session cookie).

    .venv/bin/python bench/signed_in_audit.py [--pages 50]

Runs, each in one process as the CLI runs it (axe-only, one warm browser):
- the open site (no sign-in): the baseline;
- the same site behind the sign-in: sign-in steps before the crawl, the session put into the
  browser, every page checked for a lost session (the ``signed_in`` marker);
- the same with a screenshot of each violation;
- the same at two viewports (1280x1024 and 320x640: every page audited twice).
Prints pages/minute, the sign-in time and the median per-page split; writes
bench/results/signed_in_audit.json.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from web_audit import make_site, serve_with

from access import services
from access.browsing import SignIn
from access.config import Settings
from access.context import Context
from access.models import AuditOptions
from auditors.web.browser import close_all_pools, get_pool

RESULTS = Path(__file__).resolve().parent / "results"
LOGIN = (b'<!doctype html><html lang="en"><head><title>Sign in</title></head><body><main><h1>Sign in</h1>'
         b'<form method="post" action="/login"><label for="u">User</label> <input id="u" name="u">'
         b'<label for="p">Password</label> <input id="p" name="p" type="password">'
         b'<button id="go">Sign in</button></form></main></body></html>')


def serve(root: Path, guarded: bool) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Site(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: Any, **kw: Any) -> None:
            super().__init__(*a, directory=str(root), **kw)

        def do_GET(self) -> None:
            if self.path.startswith("/login"):
                self._answer(200, LOGIN)
            elif guarded and "sid=ok" not in (self.headers.get("Cookie") or "") and not self.path.endswith(".png"):
                self._answer(302, b"", {"Location": "/login"})
            else:
                super().do_GET()

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer(303, b"", {"Location": "/index.html", "Set-Cookie": "sid=ok; Path=/; HttpOnly"})

        def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return serve_with(Site)


def run(label: str, base: str, pages: int, shots: Path | None = None, **options: Any) -> dict[str, Any]:
    settings = Settings(_env_file=None, page_timeout=30)
    get_pool(settings).release(get_pool(settings).acquire(False), False)      # a warm browser, as a worker has
    stages: list[tuple[float, str]] = []
    ctx = Context(settings=settings, artifacts_dir=shots, progress=lambda p, s: stages.append((time.perf_counter(), s)))
    opts = AuditOptions(max_pages=pages, max_depth=10, axe_only=True, allow_private=True, screenshots=shots is not None,
                        **options)
    t = time.perf_counter()
    report = services.audit_url(base + "/index.html", opts, ctx)
    elapsed = time.perf_counter() - t
    close_all_pools()
    signing = [at for at, stage in stages if stage == "signing in"]
    first_page = next((at for at, stage in stages if stage.startswith("audited ")), None)
    audited = [p for p in report.parts if p.status == "audited"]
    split = {k: round(statistics.median(p.timings.get(k, 0.0) for p in audited) * 1000, 1)
             for k in ("load", "prepare", "axe", "screenshots", "total")}
    return {"run": label, "parts": len(audited), "failed": len(report.parts) - len(audited),
            "seconds": round(elapsed, 2), "parts_per_min": round(60 * len(audited) / elapsed, 1),
            "sign_in_and_first_page_s": round(first_page - signing[0], 2) if signing and first_page else None,
            "screenshots": sum(1 for f in report.findings if f.screenshot), "median_ms": split,
            "signed_in_again": report.metadata.get("sign_in", {}).get("signed_in_again")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="access-bench-signin-"))
    make_site(root, args.pages)
    sign_in = SignIn.model_validate({"login": [{"navigate": "/login"}, {"fill": {"selector": "#u", "value": "t"}},
                                               {"fill": {"selector": "#p", "value": "secret"}}, {"click": "#go"},
                                               {"wait_for": {"url": "/index.html"}}], "signed_in": "main h1"})
    open_server, open_base = serve(root, guarded=False)
    server, base = serve(root, guarded=True)
    try:
        runs = [run("open site", open_base, args.pages),
                run("signed in", base, args.pages, sign_in=sign_in),
                run("signed in + screenshots", base, args.pages, Path(tempfile.mkdtemp(prefix="shots-")),
                    sign_in=sign_in),
                run("signed in, 2 viewports", base, args.pages, sign_in=sign_in, viewports=["1280x1024", "320x640"])]
    finally:
        server.shutdown()
        open_server.shutdown()
    print(f"signed-in audit benchmark — {args.pages}-page local site, axe-only, one browser, "
          f"{os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"{'run':28} {'parts':>5} {'s':>7} {'parts/min':>10} {'prepare ms':>10} {'shots ms':>9} {'sign-in s':>9}")
    for r in runs:
        m = r["median_ms"]
        print(f"{r['run']:28} {r['parts']:>5} {r['seconds']:>7} {r['parts_per_min']:>10} {m['prepare']:>10} "
              f"{m['screenshots']:>9} {r['sign_in_and_first_page_s'] or '':>9}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "signed_in_audit.json"
    out.write_text(json.dumps({"date": datetime.now(UTC).isoformat(), "pages": args.pages, "cores": os.cpu_count(),
                               "runs": runs}, indent=2), encoding="utf-8")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
