"""A site audit's report side in the real headless Chromium: the roll-up on a multi-page site with
a template barrier (one group, N of N pages), the crawl account for every reason a page is left out,
explicit and gzip sitemaps, robots.txt's Crawl-delay and the per-host politeness limit measured by
the server's own request times, SARIF that validates, and an HTML report that passes our own
auditor in the browser, keyboard included."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from typer.testing import CliRunner

from access import services
from access.config import Settings
from access.context import Context
from access.models import AuditOptions, Outcome, Report
from tests.auditors.web.local_site import Served, assert_spaced, local_site
from tests.sarif import check_sarif

pytestmark = pytest.mark.browser
PAGES = 6


def template_page(i: int, n: int = PAGES) -> bytes:
    """A course page built from one template: the logo link has no text alternative (a template
    barrier), the wrapper ids change on every load, the current page's link is marked. Page 2
    also has a barrier of its own."""
    current = ' aria-current="page" class="active"'
    nav = "".join(f'<li><a href="/p{j}.html"{current if j == i else ""}>Lesson {j}</a></li>' for j in range(n))
    own = '<form><input type="text" name="answer"></form>' if i == 2 else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lesson {i}</title></head><body>'
            f'<div id="yui_3_17_2_1_{1000 + i * 37}"><header><a href="/p0.html" id="logo-{i}"><img src="/logo.png" '
            f'width="30" height="30"></a></header></div><nav aria-label="Lessons"><ul>{nav}</ul></nav>'
            f"<main><h1>Lesson {i}</h1><p>Plants turn light into food.</p>{own}</main></body></html>").encode()


@pytest.fixture()
def serve() -> Iterator[Callable[[dict[str, bytes]], Served]]:
    """Start a local site for the test (as many as it needs); all stop at its end."""
    with ExitStack() as stack:
        yield lambda pages: stack.enter_context(local_site(pages))


def fast(web_settings: Settings, **values: object) -> Context:
    """The session's settings (its browser pool) with no politeness limit unless one is given, and
    a page timeout that a loaded machine's full checks fit in (no page here is meant to hang)."""
    return Context(settings=web_settings.model_copy(update={"host_rate": 0.0, "page_timeout": 15.0, **values}))


def site_of(n: int = PAGES) -> dict[str, bytes]:
    return {f"/p{i}.html": template_page(i, n) for i in range(n)}


@pytest.fixture()
def template_report(serve, web_settings: Settings) -> tuple[Served, Report]:
    site = serve(site_of())
    report = services.audit_url(site.url("/p0.html"), AuditOptions(max_pages=20, allow_private=True),
                                fast(web_settings))
    return site, report


def test_a_template_barrier_is_one_group_on_every_page(template_report) -> None:
    site, report = template_report
    pages = [site.url(f"/p{i}.html") for i in range(PAGES)]
    assert sorted(p.id for p in report.parts) == sorted(pages)
    logo = [g for g in report.groups if g.rule == "axe-image-alt"]
    assert len(logo) == 1, [(g.rule, g.selector, g.html) for g in logo]
    assert sorted(logo[0].pages) == sorted(pages) and logo[0].pages_total == PAGES and logo[0].count == PAGES
    assert logo[0].outcome is Outcome.VIOLATION and logo[0].selector and "logo.png" in (logo[0].html or "")
    link = [g for g in report.groups if g.rule == "axe-link-name"]
    assert len(link) == 1 and len(link[0].pages) == PAGES
    label = [g for g in report.groups if g.rule == "axe-label"]
    assert [g.pages for g in label] == [[site.url("/p2.html")]]                  # a page's own barrier
    top = report.groups[0]
    assert top.outcome is Outcome.VIOLATION and len(top.pages) == PAGES          # template problems first
    assert report.crawl is not None and report.crawl.count("audited") == PAGES


def test_web_sarif_is_one_result_per_group_and_validates(template_report) -> None:
    site, report = template_report
    run = check_sarif(services.render_report(report, "sarif")[0])["runs"][0]
    assert len(run["results"]) == len(report.groups)
    assert {e["name"] for e in run["tool"]["extensions"]} >= {"axe-core", "chromium"}
    logo = next(r for r in run["results"] if r["ruleId"] == "axe-image-alt")
    places = [loc["physicalLocation"]["artifactLocation"]["uri"]
              for loc in logo["locations"] + logo["relatedLocations"]]
    assert sorted(places) == sorted(site.url(f"/p{i}.html") for i in range(PAGES))
    first = logo["locations"][0]
    assert "region" not in first["physicalLocation"]                # a page has no source line
    assert first["logicalLocations"][0]["kind"] == "element" and first["properties"]["snippet"].startswith("<img")
    assert run["properties"]["crawl"]["totals"]["audited"] == PAGES
    assert run["automationDetails"]["id"] == f"access/web/{site.origin.removeprefix('http://').replace(':', '-')}/"


def test_html_report_passes_our_own_auditor_in_the_browser(template_report, serve, web_settings) -> None:
    _, report = template_report
    html = services.render_report(report, "html")[0]
    text = html.decode()
    assert "Problems across the pages" in text and f"on {PAGES} of {PAGES} pages" in text
    assert "Pages found and audited" in text
    assert text.index("Problems across the pages") < text.index("Findings by page or part")
    served = serve({"/report.html": html})
    audited = services.audit_url(served.url("/report.html"), AuditOptions(max_pages=1, max_depth=0,
                                                                          allow_private=True), fast(web_settings))
    assert [(p.status, p.error) for p in audited.parts] == [("audited", None)]
    # the only things left to review: the reading level (3.1.5, AAA advice: a report is made of the
    # rules' own technical help) and whether the title describes the page (ACT c4a8a4, a person's call)
    advice = {"web-reading-level", "web-title-descriptive"}
    bad = [(f.rule, f.message, f.location.selector) for f in audited.findings
           if f.outcome is Outcome.VIOLATION or (f.outcome is Outcome.NEEDS_REVIEW and f.rule not in advice)]
    assert bad == [], "\n".join(map(str, bad))
    ran = {f.rule for f in audited.findings if f.outcome is Outcome.PASS}
    assert {"web-keyboard-trap", "web-focus-visible", "web-focus-order", "web-reflow"} <= ran, sorted(ran)


def account_site(origin: str) -> dict[str, bytes]:
    def page(title: str, links: str = "") -> bytes:
        return (f'<!doctype html><html lang="en"><head><title>{title}</title></head><body><main><h1>{title}</h1>'
                f"<p>{links}</p></main></body></html>").encode()

    sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               + "".join(f"<url><loc>{origin}{p}</loc></url>" for p in
                         ("/acct/s1", "/acct/s2", "/acct/s3", "/acct/private/y", "/acct/skip-z",
                          "https://elsewhere.example/x"))
               + "</urlset>").encode()
    return {
        "/robots.txt": b"User-agent: *\nDisallow: /acct/private/\nSitemap: /not-this-one.xml\n",
        "/acct/sitemap.xml.gz": gzip.compress(sitemap),
        "/acct/": page("Start", '<a href="/acct/missing">Missing</a> <a href="/acct/a">A</a> <a href="/acct/b">B'
                       '</a> <a href="/acct/c">C</a> <a href="/acct/private/x">Private</a> <a href="/acct/skip-x">'
                       'Skip</a> <a href="/acct/handout.pdf">Handout</a> <a href="https://elsewhere.example/">'
                       "Elsewhere</a>"),
        "/acct/a": page("A", '<a href="/acct/a/deep">Deeper</a> <a href="/acct/">Back</a>'),
        **{f"/acct/{name}": page(name) for name in ("b", "c", "s1", "s2", "s3", "a/deep", "skip-x")},
    }


def test_crawl_account_names_every_reason(serve, web_settings) -> None:
    site = serve({})
    site.pages.update(account_site(site.origin))
    options = AuditOptions(max_pages=6, max_depth=1, exclude=["skip-"], sitemap="/acct/sitemap.xml.gz",
                           axe_only=True, allow_private=True)
    report = services.audit_url(site.url("/acct/"), options, fast(web_settings))
    crawl = report.crawl
    assert crawl is not None
    urls = {name: [u.removeprefix(site.origin) for u in getattr(crawl, name)] for name in
            ("audited", "failed", "skipped_limit", "skipped_depth", "skipped_robots", "skipped_exclude")}
    assert urls == {"audited": ["/acct/", "/acct/a", "/acct/s1", "/acct/s2", "/acct/s3"],
                    "failed": ["/acct/missing"],
                    "skipped_limit": ["/acct/b", "/acct/c"],
                    "skipped_depth": ["/acct/a/deep"],
                    "skipped_robots": ["/acct/private/x", "/acct/private/y"],
                    "skipped_exclude": ["/acct/skip-x", "/acct/skip-z"]}
    assert crawl.found == 13 and crawl.requested == 6 and crawl.max_depth == 1
    assert [(s.url.removeprefix(site.origin), s.pages, s.error) for s in crawl.sitemaps] == [
        ("/acct/sitemap.xml.gz", 6, None)]
    assert "/not-this-one.xml" not in [path for _, path in site.hits]       # the named sitemap only
    line = crawl.describe()
    assert line.startswith("13 pages found: 5 audited, 1 failed, 2 over the page limit of 6, 1 deeper than 1 link")
    assert report.documents == [site.url("/acct/handout.pdf")]
    html = services.render_report(report, "html")[0].decode()
    assert "Not audited: over the page limit (2)" in html and site.url("/acct/b") in html


def test_a_named_sitemap_that_cannot_be_read_is_reported(serve, web_settings) -> None:
    site = serve({"/": b"<!doctype html><html lang='en'><head><title>Home</title></head><body><main><h1>Home</h1>"
                      b"</main></body></html>", "/bad.xml.gz": b"\x1f\x8bnot gzip"})
    for name, why in (("/none.xml", "HTTP 404"), ("/bad.xml.gz", "not valid gzip")):
        report = services.audit_url(site.url("/"), AuditOptions(max_pages=2, sitemap=name, axe_only=True,
                                                                allow_private=True), fast(web_settings))
        assert report.crawl is not None
        (read,) = report.crawl.sitemaps
        assert read.error and why in read.error
        assert "sitemap not read" in report.crawl.describe()


def test_politeness_limit_spaces_every_request_to_the_host(serve, web_settings) -> None:
    site = serve({"/robots.txt": b"User-agent: *\nAllow: /\n", **site_of()})
    options = AuditOptions(max_pages=PAGES, axe_only=True, allow_private=True)
    report = services.audit_url(site.url("/p0.html"), options, fast(web_settings, host_rate=4.0))
    assert report.crawl is not None and report.crawl.count("audited") == PAGES
    times = site.times()
    assert len(times) >= PAGES + 2                              # robots.txt, /sitemap.xml, the pages
    assert_spaced(times, 0.25)


def test_crawl_delay_holds_for_two_browsers_at_once(serve, web_settings) -> None:
    site = serve({"/robots.txt": b"User-agent: *\nCrawl-delay: 0.6\n", **site_of(4)})
    ctx = fast(web_settings, browser_pool_size=2)
    report = services.audit_url(site.url("/p0.html"), AuditOptions(max_pages=4, axe_only=True, allow_private=True),
                                ctx)
    assert report.crawl is not None and report.crawl.crawl_delay == 0.6 and report.crawl.count("audited") == 4
    assert "robots.txt asked for 0.6 s between requests" in report.crawl.describe()
    pages = sorted(t for t, path in site.hits if path.startswith("/p"))
    assert len(pages) == 4
    assert_spaced(site.times(), 0.6)


def test_cli_prints_the_crawl_account(serve, tmp_path, monkeypatch) -> None:
    from access.cli import app

    site = serve(site_of(3))
    monkeypatch.setenv("ACCESS_HOST_RATE", "0")
    monkeypatch.setenv("ACCESS_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(app, ["audit", site.url("/p0.html"), "--max-pages", "2", "--axe-only",
                                      "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Crawl: 3 pages found: 2 audited, 1 over the page limit of 2." in result.output
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("group,pages_affected,pages_total,part,rule")
