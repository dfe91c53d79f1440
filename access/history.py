"""A site's or a document's audits over time: the trend and what changed since the previous audit.

The audits of one *subject* are the finished audits of one tenant with the same site (origin and
start path, :func:`access.jobfilters.site_of`) or the same document name (any case,
:func:`access.jobfilters.document_key`); :meth:`access.store.Store.audit_history` lists them. From
their reports, :func:`history` computes

- the **trend**: for each audit, its violations by impact (findings, as the report counts them) and
  how many distinct problems (roll-up groups) they are;
- the **diff** of the latest audit against the one before it, by roll-up group key (rule, outcome
  and the element's fingerprint, :mod:`access.rollup`): which problems were **fixed** (in the
  previous audit, not in the latest), which are **new** and which are **unchanged** (in both; the
  pages they are on may have changed), "12 fixed, 3 new, 40 unchanged".

The diff compares violations by default (what a team fixes); ``include_reviews=True`` compares the
needs-review groups too. Everything here is pure except :func:`load_history`, which reads the job
store and the stored reports.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from access.jobs import load_report
from access.models import FindingGroup, Impact, Outcome, Report
from access.rollup import grouped, pages_total
from access.store import Job, Store

IMPACTS = tuple(sorted(Impact, key=lambda i: -i.rank))     # critical first
UNRATED = "unrated"                                        # a violation without an impact


@dataclass(frozen=True)
class HistoryEntry:
    """One finished audit of the subject."""

    job_id: str
    finished_at: datetime
    report: Report


@dataclass(frozen=True)
class TrendPoint:
    """One audit's violations: ``by_impact`` has every impact (0 when none) and ``unrated`` ones."""

    job_id: str
    finished_at: datetime
    by_impact: dict[str, int]
    violations: int              # violation findings in all
    problems: int                # distinct violations (roll-up groups)
    pages: int                   # pages (parts) audited
    standard: str


@dataclass(frozen=True)
class GroupChange:
    """One problem in the diff: as it was in the previous audit (``before``) and is in the latest
    (``after``); a fixed one has no ``after``, a new one no ``before``."""

    key: str
    before: FindingGroup | None
    after: FindingGroup | None

    @property
    def group(self) -> FindingGroup:
        """The group as last seen."""
        return self.after or self.before  # type: ignore[return-value]

    @property
    def status(self) -> str:
        return "fixed" if self.after is None else "new" if self.before is None else "unchanged"

    @property
    def pages_before(self) -> int:
        return len(self.before.pages) if self.before else 0

    @property
    def pages_after(self) -> int:
        return len(self.after.pages) if self.after else 0


@dataclass(frozen=True)
class Diff:
    """The latest audit against the previous one."""

    previous: str                # job ids
    latest: str
    fixed: list[GroupChange] = field(default_factory=list)
    new: list[GroupChange] = field(default_factory=list)
    unchanged: list[GroupChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # what makes the two audits less comparable

    def summary(self) -> str:
        """``12 fixed, 3 new, 40 unchanged``."""
        return f"{len(self.fixed)} fixed, {len(self.new)} new, {len(self.unchanged)} unchanged"


@dataclass(frozen=True)
class History:
    """The subject's audits oldest first, their trend, and the diff of the last two (None with fewer
    than two audits)."""

    entries: list[HistoryEntry]
    trend: list[TrendPoint]
    diff: Diff | None

    @property
    def latest(self) -> HistoryEntry | None:
        return self.entries[-1] if self.entries else None


def _problems(report: Report, outcomes: tuple[Outcome, ...]) -> dict[str, FindingGroup]:
    """The report's roll-up groups with one of ``outcomes``, by key, in roll-up order."""
    return {g.key(): g for g, _ in grouped(report) if g.outcome in outcomes}


def trend_point(entry: HistoryEntry) -> TrendPoint:
    report = entry.report
    violations = [f for f in report.findings if f.outcome is Outcome.VIOLATION]
    counts = Counter(f.impact.value if f.impact else UNRATED for f in violations)
    by_impact = {i.value: counts[i.value] for i in IMPACTS} | {UNRATED: counts[UNRATED]}
    return TrendPoint(job_id=entry.job_id, finished_at=entry.finished_at, by_impact=by_impact,
                      violations=len(violations), problems=len(_problems(report, (Outcome.VIOLATION,))),
                      pages=pages_total(report), standard=report.standard.label)


def diff(previous: HistoryEntry, latest: HistoryEntry, *, include_reviews: bool = False) -> Diff:
    """What changed from ``previous`` to ``latest``, by roll-up group key. Each list keeps roll-up
    order (violations first, then impact × pages affected); fixed ones in the previous report's order."""
    outcomes = (Outcome.VIOLATION, Outcome.NEEDS_REVIEW) if include_reviews else (Outcome.VIOLATION,)
    before = _problems(previous.report, outcomes)
    after = _problems(latest.report, outcomes)
    notes = []
    if previous.report.standard is not latest.report.standard:
        notes.append(f"The previous audit was against {previous.report.standard.label}, the latest against "
                     f"{latest.report.standard.label}.")
    pages_then, pages_now = pages_total(previous.report), pages_total(latest.report)
    if pages_then != pages_now:
        notes.append(f"The previous audit covered {pages_then} page{'s' if pages_then != 1 else ''}, "
                     f"the latest {pages_now}.")
    return Diff(previous=previous.job_id, latest=latest.job_id,
                fixed=[GroupChange(k, g, None) for k, g in before.items() if k not in after],
                new=[GroupChange(k, None, g) for k, g in after.items() if k not in before],
                unchanged=[GroupChange(k, before[k], g) for k, g in after.items() if k in before],
                notes=notes)


def history(entries: list[HistoryEntry], *, include_reviews: bool = False) -> History:
    """The trend of ``entries`` (any order; sorted oldest first here) and the diff of the last two."""
    ordered = sorted(entries, key=lambda e: (e.finished_at, e.job_id))
    change = diff(ordered[-2], ordered[-1], include_reviews=include_reviews) if len(ordered) > 1 else None
    return History(entries=ordered, trend=[trend_point(e) for e in ordered], diff=change)


def load_history(store: Store, tenant: str, *, site: str | None = None, document: str | None = None,
                 limit: int = 20, include_reviews: bool = False) -> History:
    """The history of a tenant's site (any URL of it: origin and start path count) or document
    name: its last ``limit`` finished audits that still have their report."""
    entries = []
    for job in store.audit_history(tenant, site=site, document=document, limit=limit):
        report = load_report(job)
        if report is not None and job.finished_at is not None:
            entries.append(HistoryEntry(job.id, job.finished_at, report))
    return history(entries, include_reviews=include_reviews)


def subject_of(job: Job) -> dict[str, str] | None:
    """The query naming the history a job belongs to (``{"site": "https://x.org/courses"}`` or
    ``{"document": "handout.pdf"}``), for a link from its report; None for a job with neither."""
    if job.site_origin:
        return {"site": job.site_origin + (job.site_path or "/")}
    if job.document_name:
        return {"document": job.document_name}
    return None
