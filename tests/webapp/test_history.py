"""A site's or document's audits over time: the trend and the diff by roll-up group (pure), the job
store's query for a tenant's audits of one site or document (SQLite and PostgreSQL), the history
page's view model, and its partial audited by our own web auditor in the real browser (two real
audits of a local site, a month apart) with zero violations, at a desktop width and at 320 CSS px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from access.config import Settings
from access.errors import ValidationFailed
from access.history import HistoryEntry, diff, history, load_history, subject_of
from access.jobs import REPORT_ARTIFACT
from access.models import AuditedPart, CrawlAccount, Finding, Impact, JobKind, JobStatus, Location, Outcome, Report
from access.registry import get_registry
from access.requirements import Standard
from access.store import Store
from auditors.web.browser import close_all_pools
from tests.webapp.page_audit import assert_clean, audit_page, audit_site, browser_settings, course_pages, render
from webapp.history_view import history_view

T0 = datetime(2026, 11, 7, 9, 30, tzinfo=UTC)
URLS = [f"https://lms.example.org/course/{i}" for i in range(4)]


def f(url: str, rule: str, selector: str, impact: Impact = Impact.SERIOUS,
      outcome: Outcome = Outcome.VIOLATION) -> Finding:
    return Finding(rule=rule, outcome=outcome, impact=impact, wcag=["1.1.1"], message=f"{rule} {selector}",
                   location=Location(url=url, selector=selector, html=f"<x id='{selector}'>"))


def report(findings: list[Finding], pages: int = 4, standard: Standard = Standard.WCAG22AA) -> Report:
    urls = URLS[:pages]
    return Report(target=urls[0], target_kind="web", standard=standard, parts=[AuditedPart(id=u) for u in urls],
                  crawl=CrawlAccount(found=pages, audited=urls), findings=findings).finish()


def entry(job_id: str, days: int, findings: list[Finding], **kw) -> HistoryEntry:
    return HistoryEntry(job_id, T0 + timedelta(days=days), report(findings, **kw))


def november() -> HistoryEntry:
    """The logo on every page (critical), the menu on 2 pages, a field on 1, a review on 1."""
    return entry("nov", 0, [f(u, "axe-image-alt", "header img", Impact.CRITICAL) for u in URLS]
                 + [f(u, "axe-link-name", "nav a.menu") for u in URLS[:2]]
                 + [f(URLS[2], "axe-label", "input")]
                 + [f(URLS[3], "web-focus-order", "main", Impact.MODERATE, Outcome.NEEDS_REVIEW)])


def december() -> HistoryEntry:
    """The logo fixed; the menu now on 3 pages; the field unchanged; a new grey text (minor)."""
    return entry("dec", 30, [f(u, "axe-link-name", "nav a.menu") for u in URLS[:3]]
                 + [f(URLS[2], "axe-label", "input")]
                 + [f(URLS[1], "axe-color-contrast", "p.due", Impact.MINOR)])


def test_the_diff_by_rollup_group() -> None:
    d = diff(november(), december())
    assert d.summary() == "1 fixed, 1 new, 2 unchanged"
    assert [c.group.rule for c in d.fixed] == ["axe-image-alt"] and d.fixed[0].pages_before == 4
    assert [c.group.rule for c in d.new] == ["axe-color-contrast"] and d.new[0].status == "new"
    assert [(c.group.rule, c.pages_before, c.pages_after) for c in d.unchanged] == [
        ("axe-link-name", 2, 3), ("axe-label", 1, 1)]
    assert d.fixed[0].after is None and d.new[0].before is None and d.notes == []
    # the review is not a violation: only with include_reviews is it compared (and fixed here)
    assert diff(november(), december(), include_reviews=True).summary() == "2 fixed, 1 new, 2 unchanged"


def test_the_same_template_element_matches_across_audits_whatever_its_volatile_ids() -> None:
    before = entry("a", 0, [f(u, "axe-image-alt", f"#yui_3_17_2_1_{100 + i} > img") for i, u in enumerate(URLS)])
    after = entry("b", 1, [f(u, "axe-image-alt", f"#yui_3_17_2_1_{900 + i} > img") for i, u in enumerate(URLS)])
    assert diff(before, after).summary() == "0 fixed, 0 new, 1 unchanged"


def test_the_trend_counts_violations_by_impact_oldest_first() -> None:
    h = history([december(), november()])                       # any order in, oldest first out
    assert [p.job_id for p in h.trend] == ["nov", "dec"] and h.latest and h.latest.job_id == "dec"
    nov, dec = h.trend
    assert nov.by_impact == {"critical": 4, "serious": 3, "moderate": 0, "minor": 0, "unrated": 0}
    assert (nov.violations, nov.problems, nov.pages) == (7, 3, 4)
    assert dec.by_impact == {"critical": 0, "serious": 4, "moderate": 0, "minor": 1, "unrated": 0}
    assert h.diff is not None and (h.diff.previous, h.diff.latest) == ("nov", "dec")


def test_one_audit_has_a_trend_and_no_diff() -> None:
    h = history([november()])
    assert len(h.trend) == 1 and h.diff is None
    assert history([]).diff is None and history([]).latest is None


def test_the_diff_says_what_makes_two_audits_less_comparable() -> None:
    d = diff(entry("a", 0, [], pages=4, standard=Standard.WCAG21AA), entry("b", 1, [], pages=2))
    assert d.notes == ["The previous audit was against WCAG 2.1 level AA, the latest against WCAG 2.2 level AA.",
                       "The previous audit covered 4 pages, the latest 2."]


def test_history_view() -> None:
    view = history_view(history([november(), december()]), "https://lms.example.org/course", rules=get_registry().rules)
    assert view.status == "Since the previous audit: 1 fixed, 1 new, 2 unchanged."
    assert [a.job_id for a in view.audits] == ["dec", "nov"]                 # newest first
    assert view.audits[0].report_url == "/jobs/dec/report" and view.audits[1].when == "7 Nov 2026, 09:30 UTC"
    assert [r.label for r in view.chart.rows] == ["7 Nov 2026, 09:30 UTC", "7 Dec 2026, 09:30 UTC"]
    assert view.chart.rows[0].values == {"critical": 4, "serious": 3, "moderate": 0, "minor": 0}
    assert view.diff is not None
    fixed = view.diff.fixed[0]
    assert fixed.issue.title == get_registry().rules["axe-image-alt"].title
    assert fixed.change == "Was on 4 pages in the previous audit; gone from the latest."
    assert [c.change for c in view.diff.unchanged] == ["Was on 2 pages, now on 3 pages.", "Still on 1 page."]
    assert view.diff.new[0].change == "Not in the previous audit; now on 1 page."
    same_minute = history_view(history([november(), HistoryEntry("x", T0 + timedelta(seconds=20), report([]))]),
                               "s", report_link=lambda job: f"/r/{job}")
    assert [a.when for a in same_minute.audits] == ["7 Nov 2026, 09:30:20 UTC", "7 Nov 2026, 09:30:00 UTC"]
    assert same_minute.audits[0].report_url == "/r/x"
    assert history_view(history([]), "handout.pdf", "document").status == "No finished audit of this document yet."


# ----------------------------------------------------------------------------- the job store


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          pg_database_factory) -> Iterator[Store]:
    url = (f"sqlite:///{tmp_path_factory.mktemp('history') / 'jobs.sqlite'}" if request.param == "sqlite"
           else pg_database_factory())
    s = Store(url)
    s.ensure_schema()
    yield s
    s.dispose()


def finished_audit(store: Store, tmp: Path, tenant: str, input: dict, rep: Report | None,
                   status: JobStatus = JobStatus.SUCCEEDED) -> str:
    job, _ = store.create_job(tenant=tenant, kind=JobKind.AUDIT, input=input, options={})
    store.mark_running(job.id)
    if rep is not None:
        path = tmp / f"{job.id}.json"
        path.write_text(rep.model_dump_json(), encoding="utf-8")
        store.add_artifact(job.id, name=REPORT_ARTIFACT, media_type="application/json", size=path.stat().st_size,
                           path=str(path))
    store.finish(job.id, status)
    return job.id


def test_the_store_lists_a_tenants_audits_of_one_site_or_document(store: Store, tmp_path: Path) -> None:
    tenant = f"t-{tmp_path.name}"
    site = {"url": "https://Example.org/courses/bio/"}
    first = finished_audit(store, tmp_path, tenant, site, november().report)
    second = finished_audit(store, tmp_path, tenant, {"url": "https://example.org/courses/bio?x=1"}, december().report)
    finished_audit(store, tmp_path, tenant, site, None, JobStatus.FAILED)                    # not finished well
    finished_audit(store, tmp_path, tenant, {"url": "https://example.org/courses/bio/unit-1"}, None)  # a sub-path
    finished_audit(store, tmp_path, tenant, {"url": "https://example.org/courses"}, None)    # a parent path
    finished_audit(store, tmp_path, "someone-else", site, november().report)                 # another tenant
    conversion, _ = store.create_job(tenant=tenant, kind=JobKind.CONVERSION, input={"filename": "Handout.PDF"},
                                     options={})
    store.finish(conversion.id, JobStatus.SUCCEEDED)
    doc = finished_audit(store, tmp_path, tenant, {"filename": "handout.pdf"}, november().report)

    assert [j.id for j in store.audit_history(tenant, site="https://example.org/courses/bio")] == [first, second]
    assert [j.id for j in store.audit_history(tenant, site="https://example.org/courses/bio", limit=1)] == [second]
    assert [j.id for j in store.audit_history(tenant, document="HANDOUT.pdf")] == [doc]
    assert store.audit_history("nobody", site="https://example.org/courses/bio") == []
    with pytest.raises(ValidationFailed):
        store.audit_history(tenant)
    with pytest.raises(ValidationFailed):
        store.audit_history(tenant, site="ftp://example.org/")

    h = load_history(store, tenant, site="https://example.org/courses/bio/")
    assert [e.job_id for e in h.entries] == [first, second]
    assert h.diff is not None and h.diff.summary() == "1 fixed, 1 new, 2 unchanged"
    job = store.get_job(first)
    assert job is not None and subject_of(job) == {"site": "https://example.org/courses/bio"}
    doc_job = store.get_job(doc)
    assert doc_job is not None and subject_of(doc_job) == {"document": "handout.pdf"}


# ----------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def settings() -> Iterator[Settings]:
    yield browser_settings()
    close_all_pools()


@pytest.mark.browser
def test_history_page_of_two_real_audits_passes_our_own_auditor(settings: Settings, tmp_path: Path) -> None:
    """Two real audits of a local course site, the second after the logo was fixed and a new image
    was added: the diff finds exactly that, and the page passes our own auditor."""
    entries = [HistoryEntry("audit-1", T0, audit_site(course_pages(1), settings)),
               HistoryEntry("audit-2", T0 + timedelta(days=30), audit_site(course_pages(2), settings))]
    h = history(entries)
    assert h.diff is not None
    fixed = {(c.group.rule, c.pages_before) for c in h.diff.fixed}
    new = {(c.group.rule, c.pages_after) for c in h.diff.new}
    unchanged = {c.group.rule for c in h.diff.unchanged}
    assert ("axe-image-alt", 4) in fixed and ("axe-link-name", 4) in fixed     # the logo link, on every page
    assert ("axe-image-alt", 1) in new                                         # the new image on page 3
    assert {"axe-label", "axe-color-contrast"} <= unchanged
    view = history_view(h, "http://127.0.0.1/", rules=get_registry().rules)
    html = render("partials/history_body.html", "History of http://127.0.0.1/", view=view)
    assert h.diff.summary() in html
    assert html.count("<details>") == len(h.diff.fixed) + len(h.diff.new) + len(h.diff.unchanged)
    # every change expanded, as a reader who opened them all sees the page
    assert_clean(audit_page(html.replace("<details>", "<details open>"), tmp_path / "history.html", settings))


@pytest.mark.browser
def test_history_page_of_one_audit_passes_our_own_auditor(settings: Settings, tmp_path: Path) -> None:
    view = history_view(history([november()]), "https://lms.example.org/course")
    html = render("partials/history_body.html", "History", view=view)
    assert "the next one will be compared with it" in html and "Changes since" not in html
    assert_clean(audit_page(html, tmp_path / "one.html", settings))
