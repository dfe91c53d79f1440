"""The HTML report, for people: the totals, then the problems rolled up across pages
(:mod:`access.rollup`: each problem once, "on 40 of 40 pages", violations first, then by impact ×
pages affected, each expanding to its pages, element, snippet and how to fix it), the crawl's
account (site audits: every page found, audited or skipped and why), the summary by WCAG principle
and impact (a bar chart in HTML, hidden from screen readers, above a table of the same numbers), then each
page or part with its findings grouped by rule, with the place, the code snippet, and how to fix it.

The page is self-contained (inline CSS, no script, no external resource) and everything taken from
the audited input is escaped by Jinja2's autoescaping; it passes our own HTML auditor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from access.models import CRAWL_LISTS, PRINCIPLES, CrawlAccount, Finding, FindingGroup, Impact, Outcome, Report
from access.registry import ReportFormat
from access.reports.common import PROBLEMS, PartIndex, RuleInfo, RuleTable, part_order, rule_info, where
from access.reports.wcag import principle_of, ref_url, sc_label, sc_url
from access.rollup import grouped

TEMPLATE = "report.html"
PAGES_SHOWN = 100            # pages listed under one problem (the CSV and JSON reports have them all)
CRAWL_LABELS = {"audited": "Audited", "failed": "Could not be audited",
                "skipped_limit": "Not audited: over the page limit",
                "skipped_depth": "Not audited: more links deep than the crawl goes",
                "skipped_robots": "Not audited: disallowed by the site's robots.txt",
                "skipped_exclude": "Not audited: left out by the include/exclude patterns"}


@dataclass
class RuleGroup:
    info: RuleInfo
    findings: list[Finding]

    @property
    def violations(self) -> int:
        return sum(1 for f in self.findings if f.outcome is Outcome.VIOLATION)

    @property
    def reviews(self) -> int:
        return sum(1 for f in self.findings if f.outcome is Outcome.NEEDS_REVIEW)


@dataclass
class GroupView:
    """One rolled-up problem as the report shows it."""

    group: FindingGroup
    info: RuleInfo
    anchor: str
    help: str
    pages: list[tuple[str, str | None]]       # (page, anchor of its section) for the first PAGES_SHOWN
    more_pages: int


@dataclass
class CrawlRow:
    name: str
    label: str
    count: int
    urls: list[str]


@dataclass
class PartView:
    id: str
    anchor: str
    title: str | None = None
    status: str = "audited"
    error: dict[str, str] | None = None
    groups: list[RuleGroup] = field(default_factory=list)
    passed: list[RuleInfo] = field(default_factory=list)
    inapplicable: list[RuleInfo] = field(default_factory=list)


def safe_url(url: str | None) -> str | None:
    """Only http(s) and relative links are rendered as links."""
    if not url:
        return None
    lowered = url.strip().lower()
    if lowered.startswith(("http://", "https://")) or ":" not in lowered.split("/", 1)[0]:
        return url
    return None


def inline_code(text: str) -> Markup:
    """Escape ``text`` and show `backticked` spans as code."""
    parts = str(escape(text)).split("`")
    if len(parts) % 2 == 0:            # an unmatched backtick: show the text as it is
        return Markup("`".join(parts))
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(sc_label=sc_label, sc_url=sc_url, ref_url=ref_url, where=where, safe_url=safe_url,
                       inline_code=inline_code)
    return env


def _chart(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bars of the chart: each row's violations and reviews as percentages of the longest bar."""
    top = max((r["violations"] + r["reviews"] for r in rows), default=0) or 1
    return [{**r, "v_pct": round(100 * r["violations"] / top, 1), "r_pct": round(100 * r["reviews"] / top, 1)}
            for r in rows]


def _groups(report: Report, rules: RuleTable | None, anchors: dict[str, str]) -> list[GroupView]:
    views = []
    for i, (group, findings) in enumerate(grouped(report), start=1):
        info = rule_info(group.rule, rules, findings[0])
        views.append(GroupView(group=group, info=info, anchor=f"problem-{i}", help=info.help or findings[0].help,
                               pages=[(p, anchors.get(p)) for p in group.pages[:PAGES_SHOWN]],
                               more_pages=max(0, len(group.pages) - PAGES_SHOWN)))
    return views


def _crawl_rows(crawl: CrawlAccount | None) -> list[CrawlRow]:
    if crawl is None:
        return []
    return [CrawlRow(name, CRAWL_LABELS[name], crawl.count(name), getattr(crawl, name)) for name in CRAWL_LISTS]


def build_view(report: Report, rules: RuleTable | None = None) -> dict[str, Any]:
    per_part: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    index = PartIndex(report)
    for f in report.findings:
        per_part[index.of(f)][f.rule].append(f)
    known = {p.id: p for p in report.parts}
    parts: list[PartView] = []
    for i, pid in enumerate(part_order(report)):
        p = known.get(pid)
        view = PartView(id=pid, anchor=f"part-{i + 1}", title=p.title if p else None,
                        status=p.status if p else "audited", error=p.error if p else None)
        for rule_id, findings in per_part.get(pid, {}).items():
            info = rule_info(rule_id, rules, findings[0])
            problems = [f for f in findings if f.outcome in PROBLEMS]
            if problems:
                view.groups.append(RuleGroup(info, problems))
            elif any(f.outcome is Outcome.PASS for f in findings):
                view.passed.append(info)
            else:
                view.inapplicable.append(info)
        view.groups.sort(key=lambda g: (-g.violations, -max((f.impact.rank for f in g.findings if f.impact),
                                                             default=0), g.info.id))
        parts.append(view)

    principle_rows = []
    for name in PRINCIPLES.values():
        counts = Counter(f.outcome for f in report.findings if f.outcome in PROBLEMS
                         and name in ({principle_of(sc) for sc in f.wcag} or {"other"}))
        principle_rows.append({"name": name.capitalize(), "violations": counts[Outcome.VIOLATION],
                               "reviews": counts[Outcome.NEEDS_REVIEW]})
    impact_rows = []
    for impact in sorted(Impact, key=lambda i: -i.rank):
        counts = Counter(f.outcome for f in report.findings if f.outcome in PROBLEMS and f.impact is impact)
        impact_rows.append({"name": impact.value.capitalize(), "violations": counts[Outcome.VIOLATION],
                            "reviews": counts[Outcome.NEEDS_REVIEW]})
    by_outcome = Counter(f.outcome for f in report.findings)
    duration = (report.finished_at - report.started_at).total_seconds() if report.finished_at else None
    groups = _groups(report, rules, {p.id: p.anchor for p in parts})
    return {
        "violation_groups": [g for g in groups if g.group.outcome is Outcome.VIOLATION],
        "review_groups": [g for g in groups if g.group.outcome is not Outcome.VIOLATION],
        "crawl": report.crawl,
        "crawl_rows": _crawl_rows(report.crawl),
        "report": report,
        "standard": report.standard.label,
        "duration": duration,
        "violations": by_outcome[Outcome.VIOLATION],
        "reviews": by_outcome[Outcome.NEEDS_REVIEW],
        "passes": by_outcome[Outcome.PASS],
        "inapplicable": by_outcome[Outcome.INAPPLICABLE],
        "principles": principle_rows,
        "impacts": impact_rows,
        "chart": _chart(principle_rows),
        "parts": parts,
        "failed_parts": [p for p in parts if p.status != "audited"],
        "documents": report.documents,
    }


def render_html(report: Report, rules: RuleTable | None = None) -> bytes:
    return _environment().get_template(TEMPLATE).render(**build_view(report, rules)).encode()


FORMAT = ReportFormat("html", "text/html; charset=utf-8", render_html)
