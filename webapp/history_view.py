"""The history page's view model: every audit of one site or document, the trend of its violations
by impact, and what changed since the previous audit ("12 fixed, 3 new, 40 unchanged", with the
lists). Built from :class:`access.history.History`; ``templates/partials/history_body.html``
renders it. Pure: the route loads the history (:func:`access.history.load_history`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from access.history import Diff, GroupChange, History, TrendPoint
from access.reports.common import RuleTable
from webapp.charts import BarRow, Chart
from webapp.report_view import IMPACTS, IssueView, issue_view

ReportLink = Callable[[str], str]


def default_report_link(job_id: str) -> str:
    """The web app's report page of a job."""
    return f"/jobs/{job_id}/report"


@dataclass(frozen=True)
class AuditRow:
    job_id: str
    when: str                   # 7 Dec 2026, 14:05 UTC
    report_url: str
    by_impact: dict[str, int]
    violations: int
    problems: int
    pages: int
    standard: str


@dataclass(frozen=True)
class ChangeView:
    issue: IssueView
    status: str                 # fixed | new | unchanged
    change: str                 # "was on 22 pages, now on 20", "on 3 pages before this audit"


@dataclass(frozen=True)
class DiffView:
    summary: str                # 12 fixed, 3 new, 40 unchanged
    previous: AuditRow
    latest: AuditRow
    fixed: list[ChangeView]
    new: list[ChangeView]
    unchanged: list[ChangeView]
    notes: list[str]


@dataclass(frozen=True)
class HistoryView:
    subject: str                # the site's URL or the document's name
    subject_kind: str           # site | document
    audits: list[AuditRow]      # newest first
    chart: Chart                # oldest first, as time goes
    diff: DiffView | None
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """One sentence for the top of the page."""
        if not self.audits:
            return f"No finished audit of this {self.subject_kind} yet."
        if self.diff is None:
            return f"One audit of this {self.subject_kind} so far: the next one will be compared with it."
        return f"Since the previous audit: {self.diff.summary}."


def when(moment: datetime, seconds: bool = False) -> str:
    """``7 Dec 2026, 14:05 UTC`` (with seconds when two audits share a minute)."""
    return moment.strftime(f"%-d %b %Y, %H:%M{':%S' if seconds else ''} UTC")


def _pages(n: int) -> str:
    return f"{n} page{'s' if n != 1 else ''}"


def _change(c: GroupChange) -> str:
    if c.status == "fixed":
        return f"Was on {_pages(c.pages_before)} in the previous audit; gone from the latest."
    if c.status == "new":
        return f"Not in the previous audit; now on {_pages(c.pages_after)}."
    if c.pages_before == c.pages_after:
        return f"Still on {_pages(c.pages_after)}."
    return f"Was on {_pages(c.pages_before)}, now on {_pages(c.pages_after)}."


def history_view(history: History, subject: str, subject_kind: str = "site", *, rules: RuleTable | None = None,
                 report_link: ReportLink = default_report_link) -> HistoryView:
    """The page of ``history``; ``subject`` names the site (its URL) or document (its name)."""
    points = history.trend
    minutes = [when(p.finished_at) for p in points]
    precise = len(set(minutes)) != len(minutes)
    rows = {p.job_id: _row(p, when(p.finished_at, precise), report_link) for p in points}
    chart = Chart(id="trend-chart", title="Violations by impact in each audit", row_header="Audit",
                  description="Horizontal bars, one per audit from the oldest to the latest, each split by impact "
                              "(critical, serious, moderate, minor); the length is the number of violations.",
                  rows=[BarRow(rows[p.job_id].when, {i: p.by_impact.get(i, 0) for i in IMPACTS}) for p in points],
                  empty="No audit yet.")
    kind = history.latest.report.target_kind if history.latest else "web"
    diff = _diff(history.diff, rows, rules, kind) if history.diff else None
    return HistoryView(subject=subject, subject_kind=subject_kind, audits=list(reversed(rows.values())),
                       chart=chart, diff=diff)


def _row(p: TrendPoint, label: str, report_link: ReportLink) -> AuditRow:
    return AuditRow(job_id=p.job_id, when=label, report_url=report_link(p.job_id), by_impact=p.by_impact,
                    violations=p.violations, problems=p.problems, pages=p.pages, standard=p.standard)


def _diff(diff: Diff, rows: dict[str, AuditRow], rules: RuleTable | None, kind: str) -> DiffView:
    def views(changes: list[GroupChange], status: str) -> list[ChangeView]:
        return [ChangeView(issue_view(c.group, rules, kind, f"{status}-{i}"), status, _change(c))
                for i, c in enumerate(changes, start=1)]

    return DiffView(summary=diff.summary(), previous=rows[diff.previous], latest=rows[diff.latest],
                    fixed=views(diff.fixed, "fixed"), new=views(diff.new, "new"),
                    unchanged=views(diff.unchanged, "unchanged"), notes=diff.notes)
