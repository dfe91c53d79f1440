"""Render a page-body partial inside a minimal test-only page and audit it with our own web auditor
in the real headless Chromium (axe-core plus our keyboard, focus, reflow and text-spacing checks,
WCAG 2.2 AA), at a desktop width, at half of it (200 % zoom) and at 320 CSS px.

The page around the partial is a template string here, not the app's base.html: what is audited
is the partial's own markup with its stylesheet (webapp/static/report.css), served from 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined

from access import services
from access.config import Settings
from access.context import Context
from access.models import AuditOptions, Finding, Outcome, Report
from tests.auditors.web.local_site import local_site

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "webapp" / "templates"
CSS = REPO / "webapp" / "static" / "report.css"
VIEWPORTS = ["1280x1024", "640x512", "320x640"]       # desktop, 200 % zoom of it, 400 % (reflow)
# the test-only page: the partial under an h1 in a main landmark, as the app's pages will have it
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title><style>h1 { overflow-wrap: anywhere; }</style></head>
<body><main><h1>{{ title }}</h1>
{% include partial %}
</main></body></html>"""
# the reading level (3.1.5, AAA advice, never a violation) may ask for review: the pages are made
# of the rules' own technical help
ADVICE = {"web-reading-level"}


def render(partial: str, title: str, **context: Any) -> str:
    env = Environment(loader=ChoiceLoader([DictLoader({"test-page.html": PAGE}), FileSystemLoader(TEMPLATES)]),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("test-page.html").render(partial=partial, title=title, **context)


def browser_settings() -> Settings:
    return Settings(_env_file=None, page_timeout=20.0, allow_private_networks=[], host_rate=0.0)


def audit_page(html: str, path: Path, settings: Settings) -> Report:
    """Write the page to ``path`` and audit it, served with the stylesheet, at every width of VIEWPORTS."""
    path.write_text(html, encoding="utf-8")
    pages = {"/page.html": path.read_bytes(), "/static/app/report.css": CSS.read_bytes()}
    with local_site(pages) as served:
        return services.audit_url(served.url("/page.html"), AuditOptions(max_pages=1, max_depth=0,
                                  allow_private=True, viewports=VIEWPORTS), Context(settings=settings))


def problems(report: Report) -> list[Finding]:
    """Every violation, and every finding to review other than advice."""
    return [f for f in report.findings if f.outcome is Outcome.VIOLATION
            or (f.outcome is Outcome.NEEDS_REVIEW and f.rule not in ADVICE)]


def assert_clean(report: Report) -> None:
    assert [(p.id, p.viewport, p.status, p.error) for p in report.parts if p.status != "audited"] == []
    assert {p.viewport for p in report.parts} == set(VIEWPORTS)
    bad = [(f.rule, f.location.viewport, f.message, f.location.selector, (f.location.html or "")[:120])
           for f in problems(report)]
    assert bad == [], "\n".join(map(str, bad))
    ran = {f.rule for f in report.findings if f.outcome is Outcome.PASS}
    assert {"web-keyboard-trap", "web-focus-visible", "web-focus-order", "web-reflow",
            "web-text-spacing"} <= ran, sorted(ran)


def course_pages(version: int, n: int = 4) -> dict[str, bytes]:
    """A small course site built from one template. Version 1: the logo link has no text
    alternative on every page (a template barrier), page 2 has an unlabelled field and page 1 grey
    text. Version 2, a month later: the logo is fixed, the field and the grey text are not, and
    page 3 has a new image without a text alternative."""
    logo = '<img src="/logo.png" width="30" height="30">' if version == 1 else \
        '<img src="/logo.png" width="30" height="30" alt="Biology course home">'
    pages = {}
    for i in range(n):
        nav = "".join(f'<li><a href="/p{j}.html">Lesson {j}</a></li>' for j in range(n))
        own = {1: '<p style="color:#aaa;background:#fff">Due on Friday.</p>',
               2: '<form><input type="text" name="answer"></form>',
               3: '<img src="/cell.png" width="40" height="40">' if version == 2 else ""}.get(i, "")
        pages[f"/p{i}.html"] = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lesson {i}</title></head><body>'
            f'<header><a href="/p0.html">{logo}</a></header><nav aria-label="Lessons"><ul>{nav}</ul></nav>'
            f"<main><h1>Lesson {i}</h1><p>Plants turn light into food.</p>{own}</main></body></html>").encode()
    return pages


def audit_site(pages: dict[str, bytes], settings: Settings) -> Report:
    """A real site audit of ``pages`` (from /p0.html)."""
    with local_site(pages) as served:
        return services.audit_url(served.url("/p0.html"), AuditOptions(max_pages=10, allow_private=True),
                                  Context(settings=settings))
