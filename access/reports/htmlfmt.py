"""The HTML report, for people: summary by WCAG principle and impact with an accessible chart (an
SVG bar chart plus the same numbers as a table), then each page or part with its findings grouped
by rule, with the place, the code snippet, and how to fix it.

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

from access.models import PRINCIPLES, Finding, Impact, Outcome, Report
from access.registry import ReportFormat
from access.reports.common import PROBLEMS, RuleInfo, RuleTable, part_of, part_order, rule_info, where
from access.reports.wcag import principle_of, ref_url, sc_label, sc_url

TEMPLATE = "report.html"
BAR_WIDTH = 420


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


def _chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    top = max((r["violations"] + r["reviews"] for r in rows), default=0) or 1
    bars = []
    for i, r in enumerate(rows):
        v = round(BAR_WIDTH * r["violations"] / top)
        n = round(BAR_WIDTH * r["reviews"] / top)
        bars.append({**r, "y": 10 + i * 40, "v_width": v, "r_width": n, "label_x": 130 + v + n + 8})
    return {"bars": bars, "height": 20 + 40 * len(rows), "width": 130 + BAR_WIDTH + 190}


def build_view(report: Report, rules: RuleTable | None = None) -> dict[str, Any]:
    per_part: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in report.findings:
        per_part[part_of(f, report)][f.rule].append(f)
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
    return {
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
