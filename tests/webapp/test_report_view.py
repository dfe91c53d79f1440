"""The report page's view model (pure) and its partial, audited by our own web auditor in the real
browser with zero violations, at a desktop width and at 320 CSS px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.datastructures import QueryParams

from access.config import Settings
from access.models import AuditedPart, CrawlAccount, Finding, Impact, Location, Outcome, Report
from access.registry import get_registry
from auditors.web.browser import close_all_pools
from tests.webapp.page_audit import assert_clean, audit_page, audit_site, browser_settings, course_pages, render
from webapp.report_view import ReportFilters, headline, levels_of, report_view

URLS = [f"https://lms.example.org/course/{i}" for i in range(22)]


def finding(url: str, rule: str, impact: Impact, wcag: list[str], outcome: Outcome = Outcome.VIOLATION,
            selector: str = "header > a > img", html: str = '<img src="/logo.png">') -> Finding:
    return Finding(rule=rule, outcome=outcome, impact=impact, wcag=wcag, message=f"{rule} here",
                   help="Give it `alt` text.", location=Location(url=url, selector=selector, html=html))


def site_report() -> Report:
    """22 pages: the logo (critical, 1.1.1) on all of them, grey text (serious, 1.4.3) on 2 pages,
    a field without a label (critical, 4.1.2 and 1.3.1) on 1 page, a review (moderate) on 12 pages,
    a best-practice finding (minor, no criterion) on 1 page."""
    findings = [finding(u, "axe-image-alt", Impact.CRITICAL, ["1.1.1"]) for u in URLS]
    findings += [finding(u, "axe-color-contrast", Impact.SERIOUS, ["1.4.3"], selector="p.due", html="<p>Due</p>")
                 for u in URLS[3:5]]
    findings += [finding(URLS[7], "axe-label", Impact.CRITICAL, ["4.1.2", "1.3.1"], selector="input",
                         html='<input name="a">')]
    findings += [finding(u, "web-focus-order", Impact.MODERATE, ["2.4.3"], Outcome.NEEDS_REVIEW, selector="nav",
                         html="<nav>") for u in URLS[:12]]
    findings += [finding(URLS[9], "axe-region", Impact.MINOR, [], selector="div.x", html="<div>")]
    findings += [Finding(rule="axe-image-alt", outcome=Outcome.PASS, message="ok", location=Location(url=URLS[0]))]
    report = Report(target=URLS[0], target_kind="web", parts=[AuditedPart(id=u) for u in URLS],
                    crawl=CrawlAccount(found=22, audited=URLS), findings=findings)
    return report.finish()


def test_issues_roll_up_across_pages_sorted_by_impact_times_pages() -> None:
    view = report_view(site_report(), rules=get_registry().rules)
    assert [(i.rule, i.pages_affected) for i in view.issues] == [
        ("axe-image-alt", 22), ("axe-color-contrast", 2), ("axe-label", 1), ("axe-region", 1), ("web-focus-order", 12)]
    logo = view.issues[0]
    assert logo.headline == "The same element on 22 of 22 pages, probably the site template: fix it once."
    assert logo.fix_once and logo.impact == "critical" and logo.pages_total == 22 and logo.count == 22
    assert logo.selector == "header > a > img" and logo.snippet == '<img src="/logo.png">'
    assert logo.title == get_registry().rules["axe-image-alt"].title          # the catalogue's words
    assert logo.how_to_fix == get_registry().rules["axe-image-alt"].help and logo.how_to_fix
    assert logo.help_url and logo.help_url.endswith("#axe-image-alt")
    assert [c.label for c in logo.criteria] == ["1.1.1 Non-text Content (A)"]
    assert logo.pages[0].link == URLS[0]
    assert view.issues[1].headline == "The same element on 2 of 22 pages." and not view.issues[1].fix_once
    assert view.issues[2].headline == "On 1 of 22 pages."
    review = view.issues[-1]
    assert review.outcome_label == "Needs review"
    assert review.headline.startswith("The same element on 12 of 22 pages, probably a shared component")
    assert (view.violations, view.needs_review, view.passes, view.issues_total, view.violation_issues) == (
        26, 12, 1, 5, 4)
    assert view.shown == "5 issues."


def test_summary_by_principle_and_impact_counts_violations() -> None:
    view = report_view(site_report())
    rows = {r.label: r.values for r in view.chart.rows}
    assert rows["Perceivable"] == {"critical": 23, "serious": 2, "moderate": 0, "minor": 0}   # 1.3.1 counts here too
    assert rows["Robust"] == {"critical": 1, "serious": 0, "moderate": 0, "minor": 0}
    assert rows["Operable"] == {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}       # reviews are not counted
    assert rows["Best practice"]["minor"] == 1
    table = str(view.chart.table())
    assert "<th scope=\"row\">Perceivable</th><td>23</td><td>2</td><td>0</td><td>0</td><td>25</td>" in table


@pytest.mark.parametrize(("query", "rules"), [
    ({"impact": "critical"}, ["axe-image-alt", "axe-label"]),
    ([("impact", "serious"), ("impact", "minor")], ["axe-color-contrast", "axe-region"]),
    ({"level": "AA"}, ["axe-color-contrast"]),
    ({"level": "A"}, ["axe-image-alt", "axe-label", "web-focus-order"]),
    ({"level": "none"}, ["axe-region"]),
    ({"rule": "axe-label"}, ["axe-label"]),
    ({"page": URLS[4]}, ["axe-image-alt", "axe-color-contrast", "web-focus-order"]),
    ({"outcome": "needs-review"}, ["web-focus-order"]),
    ({"impact": "critical", "page": URLS[7]}, ["axe-image-alt", "axe-label"]),
    ({"impact": "bogus", "level": "AAAA", "outcome": "x"}, ["axe-image-alt", "axe-color-contrast", "axe-label",
                                                            "axe-region", "web-focus-order"]),
])
def test_filters(query, rules) -> None:
    filters = ReportFilters.from_query(query)
    view = report_view(site_report(), filters)
    assert [i.rule for i in view.issues] == rules
    if filters.active:
        assert view.shown == f"Showing {len(rules)} of 5 issues."
    assert ReportFilters.from_query(filters.query()) == filters           # links keep the filters


def test_filters_from_the_request_query_keep_every_impact() -> None:
    params = QueryParams("impact=critical&impact=serious&level=&rule=axe-label&page=")
    assert ReportFilters.from_query(params) == ReportFilters(impacts=("critical", "serious"), rule="axe-label")
    assert not ReportFilters.from_query(QueryParams("")).active


def test_filter_options_list_what_the_report_holds() -> None:
    view = report_view(site_report(), ReportFilters.from_query({"rule": "html-nothing"}), rules=get_registry().rules)
    assert [(o.value, o.count) for o in view.options.impacts] == [
        ("critical", 2), ("serious", 1), ("moderate", 1), ("minor", 1)]
    assert [(o.value, o.count) for o in view.options.levels] == [("A", 3), ("AA", 1), ("AAA", 0), ("none", 1)]
    assert [o.value for o in view.options.rules] == sorted(
        ["axe-image-alt", "axe-color-contrast", "axe-label", "axe-region", "web-focus-order"])
    assert view.options.rules[0].label.startswith("axe-color-contrast: ")
    pages = {o.value: o.count for o in view.options.pages}
    assert list(pages) == URLS                      # pages with an issue (the logo is on all), in report order
    assert (pages[URLS[7]], pages[URLS[4]], pages[URLS[20]]) == (3, 3, 1)
    assert view.issues == [] and view.notes == ["This report has no issue of the rule html-nothing."]


def test_levels_and_headlines_of_documents() -> None:
    assert levels_of(["1.4.3", "1.1.1"]) == {"AA", "A"} and levels_of([]) == {"none"} and levels_of(["2.4.9"]) == {
        "AAA"}
    doc = Report(target="handout.pdf", target_kind="pdf", parts=[AuditedPart(id=f"page {i}") for i in (1, 2, 3)],
                 findings=[Finding(rule="pdf-figure-alt", outcome=Outcome.VIOLATION, impact=Impact.CRITICAL,
                                   wcag=["1.1.1"], message="m", location=Location(page=p, path="/Figure"))
                           for p in (1, 2, 3)]).finish()
    group = doc.groups[0]
    assert headline(group, "pdf") == ("The same problem on all 3 pages: fix it once.", True)
    one = Report(target="a.docx", target_kind="docx", parts=[AuditedPart(id="document")],
                 findings=[Finding(rule="docx-image-alt", outcome=Outcome.VIOLATION, impact=Impact.CRITICAL,
                                   message="m", location=Location(image=i)) for i in (0, 1)]).finish()
    assert [headline(g, "docx")[0] for g in one.groups] == ["Found once.", "Found once."]


def test_the_form_shows_the_filters_applied() -> None:
    filters = ReportFilters.from_query([("impact", "critical"), ("impact", "minor"), ("page", URLS[7]),
                                        ("level", "A"), ("outcome", "violation")])
    html = render("partials/report_body.html", "Report", view=report_view(site_report(), filters),
                  history_url="/history?site=https%3A%2F%2Flms.example.org%2Fcourse")
    checked = re.findall(r'<input type="checkbox" name="impact" value="(\w+)" id="[^"]+" checked>', html)
    assert checked == ["critical", "minor"]
    assert f'<option value="{URLS[7]}" selected>' in html and '<option value="A" selected>' in html
    assert '<option value="violation" selected>Violations only (4)</option>' in html
    assert "Showing 2 of 5 issues." in html and '<a href="?">Clear the filters</a>' in html
    assert 'href="/history?site=https%3A%2F%2Flms.example.org%2Fcourse">How this site changed' in html
    assert 'method="get"' in html and "<script" not in html                    # works without script


def test_a_screenshot_of_the_element_is_linked_from_the_jobs_artifacts() -> None:
    shot = finding(URLS[0], "axe-image-alt", Impact.CRITICAL, ["1.1.1"]).model_copy(update={"screenshot": "el 1.png"})
    report = Report(target=URLS[0], target_kind="web", parts=[AuditedPart(id=URLS[0])], findings=[shot]).finish()
    view = report_view(report)
    assert view.issues[0].screenshot == "el 1.png"
    html = render("partials/report_body.html", "Report", view=view, artifact_url="/jobs/j1/artifacts/")
    assert '<a href="/jobs/j1/artifacts/el%201.png">Picture of the element (el 1.png)</a>' in html
    assert "Picture of the element" not in render("partials/report_body.html", "Report", view=view)


def test_everything_from_the_audited_site_is_escaped() -> None:
    evil = '<script>alert(1)</script>'
    report = Report(target="https://x.example/<b>", target_kind="web", parts=[AuditedPart(id=URLS[0])],
                    findings=[finding(URLS[0], "axe-image-alt", Impact.CRITICAL, ["1.1.1"], selector=evil,
                                      html=evil)]).finish()
    html = render("partials/report_body.html", "Report", view=report_view(report),
                  export_links=[("JSON", "/x?format=json")])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ----------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def settings() -> Iterator[Settings]:
    yield browser_settings()
    close_all_pools()


@pytest.mark.browser
def test_report_page_passes_our_own_auditor(settings: Settings, tmp_path: Path) -> None:
    """A real site audit's report, rendered with every issue listed, audited in the browser."""
    report = audit_site(course_pages(1), settings)
    assert {g.rule for g in report.groups} >= {"axe-image-alt", "axe-label", "axe-color-contrast"}
    view = report_view(report, rules=get_registry().rules)
    logo = next(i for i in view.issues if i.rule == "axe-image-alt")
    assert logo.headline.startswith("The same element on 4 of 4 pages, probably the site template")
    exports = [(f"{fmt.upper()} report", f"/jobs/1/report?format={fmt}") for fmt in ("json", "html", "csv")]
    html = render("partials/report_body.html", "Accessibility report", view=view, export_links=exports)
    assert html.count("<details>") == len(view.issues) and "CSV report" in html
    # every issue expanded, as a reader who opened them all sees the page
    audited = audit_page(html.replace("<details>", "<details open>"), tmp_path / "report.html", settings)
    assert_clean(audited)


@pytest.mark.browser
def test_filtered_report_page_passes_our_own_auditor(settings: Settings, tmp_path: Path) -> None:
    """The page with filters applied and no issue left (the other shape of the page)."""
    view = report_view(site_report(), ReportFilters.from_query({"impact": "minor", "level": "AAA"}),
                       rules=get_registry().rules)
    assert view.issues == []
    html = render("partials/report_body.html", "Accessibility report", view=view)
    assert "No issue matches these filters." in html
    assert_clean(audit_page(html, tmp_path / "filtered.html", settings))
