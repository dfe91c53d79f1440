"""The roll-up (access/rollup.py): one group per rule, outcome and element across pages, the same
template element found on every page whatever its volatile ids and indexes, sorted violations
first then by impact × pages affected; groups of one for one-page and document reports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from access.models import (
    AuditedPart,
    AuditOptions,
    CrawlAccount,
    Finding,
    Impact,
    Location,
    Outcome,
    Report,
)
from access.rollup import element_fingerprint, grouped, normalise_selector, normalise_snippet, part_order
from access.services import audit_file, make_context, render_report, source_file
from tests.access.test_sarif import course_zip


def finding(url: str | None, rule: str = "axe-image-alt", outcome: Outcome = Outcome.VIOLATION,
            impact: Impact = Impact.CRITICAL, **where: object) -> Finding:
    return Finding(rule=rule, outcome=outcome, impact=impact, wcag=["1.1.1"], message=f"{rule} on {url}",
                   location=Location(url=url, **where))


def site_report(findings: list[Finding], pages: int) -> Report:
    urls = [f"https://lms.example.org/course/{i}" for i in range(pages)]
    report = Report(target=urls[0], target_kind="web", parts=[AuditedPart(id=u) for u in urls],
                    crawl=CrawlAccount(found=pages, audited=urls))
    report.findings = findings
    return report.finish()


@pytest.mark.parametrize(("a", "b"), [
    ("#page-wrapper > header > div:nth-child(2) > a > img", "#page-wrapper > header > div:nth-child(3) > a > img"),
    ("#yui_3_17_2_1_1702 > a.nav-link", "#yui_3_17_2_1_1913 > a.nav-link"),
    ("#action-menu-toggle-0", "#action-menu-toggle-7"),
    ("nav > a.nav-link.active", "nav > a.nav-link"),
    ("ul > li:nth-of-type(2) > a", "ul > li:nth-of-type(5) > a"),
])
def test_selectors_of_one_template_element_normalise_alike(a: str, b: str) -> None:
    assert normalise_selector(a) == normalise_selector(b)


@pytest.mark.parametrize(("a", "b"), [
    ('<a href="/mod/page/view.php?id=42&amp;sesskey=Xy12Ab34Cd56" id="nav-12">Next</a>',
     '<a href="/mod/page/view.php?id=43&amp;sesskey=Qr98St76Uv54" id="nav-13">Next</a>'),
    ('<a class="nav-link active" aria-current="page" href="/home">Home</a>',
     '<a class="nav-link" href="/home">Home</a>'),
    ('<button aria-expanded="true" aria-controls="drawer-31"></button>',
     '<button aria-expanded="false" aria-controls="drawer-7"></button>'),
    ('<input type="hidden" name="logintoken" value="a8f5f167f44f4964e6c998dee827110c">',
     '<input type="hidden" name="logintoken" value="0cc175b9c0f1b6a831c399e269772661">'),
    ('<img   src="/logo.png"\n  data-id="123">', '<img src="/logo.png" data-id="456">'),
    ('<div class="css-1q2w3e">x</div>', '<div class="css-9z8y7x">x</div>'),
])
def test_snippets_of_one_template_element_normalise_alike(a: str, b: str) -> None:
    assert normalise_snippet(a) == normalise_snippet(b)


@pytest.mark.parametrize(("a", "b"), [
    ('<img src="photo1.jpg">', '<img src="photo2.jpg">'),                  # two different images
    ('<a href="/unit-1">Unit 1</a>', '<a href="/unit-2">Unit 2</a>'),       # two different links
    ('<button>Save</button>', '<button>Send</button>'),
    ('<input type="submit" value="Search">', '<input type="submit" value="Go">'),
])
def test_different_elements_stay_different(a: str, b: str) -> None:
    assert normalise_snippet(a) != normalise_snippet(b)


def test_fingerprint_leaves_out_the_page_and_the_rendering() -> None:
    here = Location(url="https://x.org/a", selector="header > img", html='<img src="/l.png">', line=3,
                    viewport="320x640", state="menu open")
    there = Location(url="https://x.org/b", selector="header > img", html='<img src="/l.png">', line=9)
    assert element_fingerprint(here) == element_fingerprint(there)
    assert element_fingerprint(here) != element_fingerprint(Location(url="https://x.org/a", selector="main > img"))
    assert len(element_fingerprint(here)) == 16


def test_a_template_barrier_is_one_group_on_n_of_n_pages() -> None:
    findings = []
    for i in range(40):
        url = f"https://lms.example.org/course/{i}"
        findings.append(finding(url, selector=f"#yui_3_{i} > header > a:nth-child({i % 3 + 1}) > img",
                                html=f'<img src="/logo.png" id="logo-{i}">'))
        if i < 3:                        # a page's own image: its own group
            findings.append(finding(url, selector="main > img", html=f'<img src="/figure-{i}.png">'))
    report = site_report(findings, 40)
    template = report.groups[0]
    assert (template.rule, template.count, len(template.pages), template.pages_total) == ("axe-image-alt", 40, 40, 40)
    assert template.pages == [f"https://lms.example.org/course/{i}" for i in range(40)]
    assert template.selector == "#yui_3_0 > header > a:nth-child(1) > img"       # the first, as found
    assert template.impact is Impact.CRITICAL and template.weight == 160
    assert [len(g.pages) for g in report.groups[1:]] == [1, 1, 1]
    assert sum(g.count for g in report.groups) == report.summary.violations


def test_groups_sort_violations_first_then_impact_times_pages() -> None:
    urls = [f"https://lms.example.org/course/{i}" for i in range(5)]
    findings = [finding(u, rule="axe-region", impact=Impact.MODERATE, selector="div.banner") for u in urls]   # 2×5
    findings += [finding(urls[0], rule="axe-label", impact=Impact.CRITICAL, selector="#q")]                   # 4×1
    findings += [finding(u, rule="axe-color-contrast", impact=Impact.SERIOUS, selector="footer a")
                 for u in urls[:2]]                                                                        # 3×2
    findings += [finding(u, rule="web-reading-level", outcome=Outcome.NEEDS_REVIEW, impact=Impact.SERIOUS)
                 for u in urls]                                                                            # review
    report = site_report(findings, 5)
    assert [(g.rule, g.weight) for g in report.groups] == [
        ("axe-region", 10), ("axe-color-contrast", 6), ("axe-label", 4), ("web-reading-level", 15)]
    assert report.groups[-1].outcome is Outcome.NEEDS_REVIEW and report.groups[-1].selector is None


def test_outcomes_group_apart_and_passes_are_not_grouped() -> None:
    url = "https://lms.example.org/course/0"
    report = site_report([finding(url, selector="a.x"), finding(url, selector="a.x", outcome=Outcome.NEEDS_REVIEW),
                          finding(url, outcome=Outcome.PASS), finding(url, outcome=Outcome.INAPPLICABLE)], 1)
    assert [(g.outcome, g.count) for g in report.groups] == [(Outcome.VIOLATION, 1), (Outcome.NEEDS_REVIEW, 1)]
    assert report.groups[0].key() != report.groups[1].key()


def test_viewports_and_states_are_named_in_the_group() -> None:
    url = "https://lms.example.org/course/0"
    report = site_report([finding(url, selector="nav button", viewport="1280x1024"),
                          finding(url, selector="nav button", viewport="320x640"),
                          finding(url, selector="nav button", viewport="320x640", state="menu open")], 1)
    (group,) = report.groups
    assert group.viewports == ["1280x1024", "320x640"] and group.states == ["menu open"]
    assert group.pages == [url] and group.count == 3


def test_the_first_screenshot_of_a_group_is_the_groups() -> None:
    urls = [f"https://x.org/{i}" for i in range(3)]
    findings = [finding(u, selector="header img") for u in urls]
    findings[1].screenshot, findings[2].screenshot = "shot-b.png", "shot-c.png"
    assert site_report(findings, 3).groups[0].screenshot == "shot-b.png"


def test_document_reports_get_groups_of_one_and_repeats_roll_up() -> None:
    report = Report(target="notes.pdf", target_kind="pdf", parts=[AuditedPart(id=f"page {i}") for i in (1, 2, 3)])
    report.findings = [
        Finding(rule="pdf-figure-alt", outcome=Outcome.VIOLATION, impact=Impact.CRITICAL, message="no alt",
                location=Location(page=1, path="Document/Figure[1]")),
        Finding(rule="pdf-figure-alt", outcome=Outcome.VIOLATION, impact=Impact.CRITICAL, message="no alt",
                location=Location(page=2, path="Document/Figure[2]")),
        *[Finding(rule="pdf-tab-order", outcome=Outcome.VIOLATION, impact=Impact.SERIOUS, message="no /Tabs",
                  location=Location(page=p)) for p in (1, 2, 3)],
    ]
    report.finish()
    assert [(g.rule, g.pages, g.pages_total) for g in report.groups] == [
        ("pdf-tab-order", ["page 1", "page 2", "page 3"], 3),
        ("pdf-figure-alt", ["page 1"], 3), ("pdf-figure-alt", ["page 2"], 3)]


def test_a_one_page_report_has_a_group_per_problem() -> None:
    report = audit_file(source_file(Path(__file__).parents[1] / "auditors" / "data" / "course-barriers.html"),
                        AuditOptions(), make_context())
    problems = [f for f in report.findings if f.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)]
    assert sum(g.count for g in report.groups) == len(problems)
    assert all(g.pages == ["course-barriers.html"] and g.pages_total == 1 for g in report.groups)
    assert report.model_dump(mode="json")["groups"][0]["fingerprint"]


def test_a_zip_of_pages_rolls_its_template_up(tmp_path: Path) -> None:
    report = audit_file(source_file(course_zip(tmp_path / "course.zip", pages=6)), AuditOptions(), make_context())
    assert {(g.rule, len(g.pages), g.pages_total) for g in report.groups} == {
        ("html-img-alt", 6, 6), ("html-link-name", 6, 6)}
    rows = list(csv.DictReader(io.StringIO(render_report(report, "csv")[0].decode("utf-8-sig"))))
    logo = [r for r in rows if r["rule"] == "html-img-alt"]
    assert len(logo) == 6 and {r["group"] for r in logo} == {"1"}
    assert {(r["pages_affected"], r["pages_total"]) for r in logo} == {("6", "6")}
    assert all(r["line"] == "1" for r in logo)
    assert {r["group"] for r in rows if r["outcome"] == "pass"} == {""}


def test_groups_follow_the_findings_when_they_change() -> None:
    urls = [f"https://lms.example.org/course/{i}" for i in range(3)]
    report = site_report([finding(u, selector="header img") for u in urls], 3)
    report.findings = report.findings[:1]                 # e.g. a baseline filter, without finish()
    ((group, members),) = grouped(report)
    assert group.pages == [urls[0]] and len(members) == 1
    assert part_order(report) == urls
