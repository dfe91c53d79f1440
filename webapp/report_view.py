"""The report page's view model: an audit report as a trainer reads it, "what to fix first".

:func:`report_view` turns a :class:`~access.models.Report` and the page's :class:`ReportFilters`
into a :class:`ReportView`, which ``templates/partials/report_body.html`` renders:

- the summary: totals, and the violations by WCAG principle and impact as a chart with the same
  numbers in a table (:mod:`webapp.charts`);
- the issues: the report's problems rolled up across pages (:mod:`access.rollup`, the one roll-up
  every report format reads), violations first, then by impact × pages affected, each with a
  headline ("the same element on 22 of 22 pages, probably the site template: fix it once"), its
  pages, element (selector, snippet) and how to fix it (the rule's catalogue documentation);
- the filter options (impact, WCAG level, rule, page, outcome) with what the report holds.

Pure: no request, no store; the route parses the query with :meth:`ReportFilters.from_query`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from access.models import Finding, FindingGroup, Impact, Outcome, Report
from access.reports.common import RuleTable, rule_info
from access.reports.htmlfmt import PAGES_SHOWN, inline_code, safe_url
from access.reports.wcag import principle_of, sc_label, sc_url
from access.requirements import CRITERIA, PRINCIPLES
from access.rollup import grouped, pages_total, part_order
from webapp.charts import BarRow, Chart

IMPACTS = tuple(i.value for i in sorted(Impact, key=lambda i: -i.rank))      # critical first
IMPACT_LABELS = {i: i.capitalize() for i in IMPACTS}
LEVELS = {"A": "Level A", "AA": "Level AA", "AAA": "Level AAA", "none": "Best practice (no WCAG criterion)"}
OUTCOMES = {"violation": "Violations", "needs-review": "Needs review"}
OUTCOME_LABELS = {"violation": "Violation", "needs-review": "Needs review"}
PRINCIPLE_ROWS = (*PRINCIPLES.values(), "other")
PRINCIPLE_LABELS = {**{p: p.capitalize() for p in PRINCIPLES.values()}, "other": "Best practice"}
TEMPLATE_SHARE = 0.5          # an element on at least half of the pages (and 2 or more) is a shared one


@dataclass(frozen=True)
class ReportFilters:
    """What the issue list is narrowed to; empty means everything. Several impacts may be chosen."""

    impacts: tuple[str, ...] = ()
    level: str | None = None            # A | AA | AAA | none (best practice)
    rule: str | None = None
    page: str | None = None             # a part id (the page's URL, "page 3" ...)
    outcome: str | None = None          # violation | needs-review

    @classmethod
    def from_query(cls, params: Mapping[str, str] | Iterable[tuple[str, str]]) -> ReportFilters:
        """From query parameters (``impact`` may repeat): Starlette's ``request.query_params``, a
        mapping, or (name, value) pairs. Unknown values are dropped (the form cannot send them)."""
        multi = getattr(params, "multi_items", None)      # Starlette's QueryParams: every value of a key
        pairs = list(multi()) if callable(multi) else list(params.items()) if isinstance(params, Mapping) \
            else list(params)
        values: dict[str, list[str]] = {}
        for name, value in pairs:
            if value is not None and str(value).strip():
                values.setdefault(name, []).append(str(value).strip())

        def one(name: str, allowed: Iterable[str] | None = None) -> str | None:
            value = (values.get(name) or [None])[-1]
            return value if value is None or allowed is None or value in allowed else None

        impacts = tuple(i for i in IMPACTS if i in {v.lower() for v in values.get("impact", [])})
        return cls(impacts=impacts, level=one("level", LEVELS), rule=one("rule"), page=one("page"),
                   outcome=one("outcome", OUTCOMES))

    @property
    def active(self) -> bool:
        return bool(self.impacts or self.level or self.rule or self.page or self.outcome)

    def query(self) -> list[tuple[str, str]]:
        """The filters as query parameters (``impact`` repeated), for links that keep them."""
        pairs = [("impact", i) for i in self.impacts]
        pairs += [(k, v) for k, v in (("level", self.level), ("rule", self.rule), ("page", self.page),
                                      ("outcome", self.outcome)) if v]
        return pairs

    def matches(self, group: FindingGroup) -> bool:
        if self.impacts and (group.impact.value if group.impact else "minor") not in self.impacts:
            return False
        if self.level and self.level not in levels_of(group.wcag):
            return False
        if self.rule and group.rule != self.rule:
            return False
        if self.page and self.page not in group.pages:
            return False
        return not self.outcome or group.outcome.value == self.outcome


def levels_of(wcag: Iterable[str]) -> set[str]:
    """The WCAG levels of some success criteria; ``{"none"}`` for best practice (none listed)."""
    levels = {CRITERIA[sc].level for sc in wcag if sc in CRITERIA}
    return levels or {"none"}


# ----------------------------------------------------------------------------- the view


@dataclass(frozen=True)
class PageRef:
    id: str                     # the part id (a URL, "page 3")
    link: str | None            # an http(s) link to it, when it is one


@dataclass(frozen=True)
class Criterion:
    label: str                  # 1.4.3 Contrast (Minimum) (AA)
    url: str


@dataclass(frozen=True)
class IssueView:
    """One problem rolled up across pages."""

    anchor: str
    key: str                    # the roll-up key (rule/outcome/fingerprint): the same in every audit
    rule: str
    title: str
    outcome: str
    outcome_label: str
    impact: str | None
    impact_label: str
    headline: str               # where it is, in words ("the same element on 22 of 22 pages ...")
    fix_once: bool              # a shared element: one fix repairs every page
    message: str
    criteria: list[Criterion]
    pages: list[PageRef]
    more_pages: int             # pages not listed (over PAGES_SHOWN)
    pages_affected: int
    pages_total: int
    count: int                  # findings in the group
    selector: str | None
    snippet: str | None
    how_to_fix: str
    help_url: str | None
    viewports: list[str]
    states: list[str]
    screenshot: str | None      # the name of the job's artifact picturing the element, if any
    weight: int                 # impact × pages affected (the sort order)

    @property
    def fix_html(self) -> Markup:
        """How to fix, escaped, with its `backticked` code as code."""
        return inline_code(self.how_to_fix)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int = 0              # issues in the whole report with this value


@dataclass(frozen=True)
class FilterOptions:
    impacts: list[Option]
    levels: list[Option]
    rules: list[Option]
    pages: list[Option]
    outcomes: list[Option]


@dataclass(frozen=True)
class ReportView:
    target: str
    target_link: str | None
    kind: str                   # web | pdf | docx ...
    standard: str               # WCAG 2.2 level AA
    finished_at: datetime | None
    pages_audited: int
    violations: int             # findings
    needs_review: int
    passes: int
    issues_total: int           # problems (groups) in the whole report
    violation_issues: int       # of which violations
    chart: Chart
    issues: list[IssueView]     # after the filters, in roll-up order
    filters: ReportFilters
    options: FilterOptions
    notes: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        """``Showing 5 of 40 issues.``"""
        if not self.filters.active:
            return f"{_count(self.issues_total, 'issue')}."
        return f"Showing {len(self.issues)} of {_count(self.issues_total, 'issue')}."


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def headline(group: FindingGroup, kind: str) -> tuple[str, bool]:
    """Where the problem is, in words, and whether one fix repairs it everywhere."""
    affected, total = len(group.pages), max(group.pages_total, len(group.pages))
    element = bool(group.selector or group.html)
    thing = "The same element" if element else "The same problem"
    unit = "slide" if kind == "pptx" else "page"
    if affected > 1 and affected == total:
        return (f"{thing} on {affected} of {total} {unit}s, probably the site template: fix it once."
                if kind == "web" else f"{thing} on all {total} {unit}s: fix it once."), True
    if affected > 1 and affected >= TEMPLATE_SHARE * total:
        return f"{thing} on {affected} of {total} {unit}s, probably a shared component: fix it once.", True
    if affected > 1:
        return f"{thing} on {affected} of {total} {unit}s.", False
    times = f", {group.count} times" if group.count > 1 else ""
    if total > 1:
        return f"On 1 of {total} {unit}s{times}.", False
    return (f"Found {group.count} times." if group.count > 1 else "Found once."), False


def issue_view(group: FindingGroup, rules: RuleTable | None, kind: str, anchor: str,
               example: Finding | None = None) -> IssueView:
    """One rolled-up problem for a page (``example``, a finding of the group, gives the help of a
    rule the catalogue does not have)."""
    info = rule_info(group.rule, rules, example)
    text, once = headline(group, kind)
    return IssueView(
        anchor=anchor, key=group.key(), rule=group.rule, title=info.title, outcome=group.outcome.value,
        outcome_label=OUTCOME_LABELS.get(group.outcome.value, group.outcome.value),
        impact=group.impact.value if group.impact else None,
        impact_label=IMPACT_LABELS[group.impact.value] if group.impact else "Not rated",
        headline=text, fix_once=once, message=group.message,
        criteria=[Criterion(sc_label(sc), sc_url(sc)) for sc in group.wcag],
        pages=[PageRef(p, safe_url(p) if p.startswith(("http://", "https://")) else None)
               for p in group.pages[:PAGES_SHOWN]],
        more_pages=max(0, len(group.pages) - PAGES_SHOWN), pages_affected=len(group.pages),
        pages_total=max(group.pages_total, len(group.pages)), count=group.count, selector=group.selector,
        snippet=group.html, how_to_fix=info.help, help_url=safe_url(info.help_url),
        viewports=group.viewports, states=group.states, screenshot=group.screenshot, weight=group.weight)


def summary_chart(report: Report, chart_id: str = "summary-chart") -> Chart:
    """Violations by WCAG principle (a finding under criteria of two principles counts in both;
    one under none is best practice) and impact."""
    counts: dict[str, Counter[str]] = {p: Counter() for p in PRINCIPLE_ROWS}
    for f in report.findings:
        if f.outcome is Outcome.VIOLATION:
            for p in {principle_of(sc) for sc in f.wcag} or {"other"}:
                counts[p][f.impact.value if f.impact else "minor"] += 1
    rows = [BarRow(PRINCIPLE_LABELS[p], {i: counts[p][i] for i in IMPACTS}) for p in PRINCIPLE_ROWS]
    return Chart(id=chart_id, title="Violations by WCAG principle and impact", row_header="Principle",
                 description="Horizontal bars, one per WCAG principle and one for best practice, each split by "
                             "impact (critical, serious, moderate, minor); the length is the number of violations.",
                 rows=rows)


def _options(report: Report, issues: list[tuple[FindingGroup, list[Finding]]],
             rules: RuleTable | None) -> FilterOptions:
    groups = [g for g, _ in issues]
    impacts = Counter(g.impact.value if g.impact else "minor" for g in groups)
    levels = Counter(level for g in groups for level in levels_of(g.wcag))
    by_rule = Counter(g.rule for g in groups)
    by_page = Counter(p for g in groups for p in g.pages)
    outcomes = Counter(g.outcome.value for g in groups)
    titles = {g.rule: rule_info(g.rule, rules, fs[0]).title for g, fs in issues}
    return FilterOptions(
        impacts=[Option(i, IMPACT_LABELS[i], impacts[i]) for i in IMPACTS],
        levels=[Option(k, label, levels[k]) for k, label in LEVELS.items()],
        rules=[Option(r, f"{r}: {titles[r]}", n) for r, n in sorted(by_rule.items())],
        pages=[Option(p, p, by_page[p]) for p in part_order(report) if p in by_page],
        outcomes=[Option(k, label, outcomes[k]) for k, label in OUTCOMES.items()])


def report_view(report: Report, filters: ReportFilters | None = None, rules: RuleTable | None = None) -> ReportView:
    """The report page of ``report`` narrowed by ``filters``; ``rules`` is the rule catalogue
    (``registry.rules``) the titles and "how to fix" come from (without it, the findings' own help)."""
    filters = filters or ReportFilters()
    issues = grouped(report)
    options = _options(report, issues, rules)
    notes = []
    if filters.rule and filters.rule not in {o.value for o in options.rules}:
        notes.append(f"This report has no issue of the rule {filters.rule}.")
    if filters.page and filters.page not in {o.value for o in options.pages}:
        notes.append(f"This report has no issue on the page {filters.page}.")
    shown = [issue_view(g, rules, report.target_kind, f"issue-{i}", fs[0])
             for i, (g, fs) in enumerate(issues, start=1) if filters.matches(g)]
    outcomes = Counter(f.outcome for f in report.findings)
    return ReportView(
        target=report.target, target_link=safe_url(report.target) if "://" in report.target else None,
        kind=report.target_kind, standard=report.standard.label, finished_at=report.finished_at,
        pages_audited=pages_total(report), violations=outcomes[Outcome.VIOLATION],
        needs_review=outcomes[Outcome.NEEDS_REVIEW], passes=outcomes[Outcome.PASS], issues_total=len(issues),
        violation_issues=sum(1 for g, _ in issues if g.outcome is Outcome.VIOLATION),
        chart=summary_chart(report), issues=shown, filters=filters, options=options, notes=notes)
