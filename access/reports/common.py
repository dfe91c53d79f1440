"""What every report renderer needs: which part a finding belongs to, and rule metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from access.catalogue import Rule
from access.models import Finding, Outcome, Report

RuleTable = Mapping[str, Rule]
PROBLEMS = (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)


def part_of(finding: Finding, report: Report) -> str:
    """The id of the page/slide/part a finding belongs to (a part id of the report when one fits)."""
    ids = [p.id for p in report.parts]
    loc = finding.location
    candidates = [loc.url,
                  f"page {loc.page}" if loc.page is not None else None,
                  f"slide {loc.slide}" if loc.slide is not None else None]
    for c in candidates:
        if c and c in ids:
            return c
    if loc.url:
        return loc.url
    if len(ids) == 1:
        return ids[0]
    if loc.page is not None:
        return f"page {loc.page}"
    if loc.slide is not None:
        return f"slide {loc.slide}"
    return report.target


def part_order(report: Report) -> list[str]:
    """Part ids in report order, then any part a finding names that the report does not list."""
    order = [p.id for p in report.parts]
    for f in report.findings:
        pid = part_of(f, report)
        if pid not in order:
            order.append(pid)
    return order


@dataclass
class RuleInfo:
    """Rule metadata for a finding: from the catalogue when the rule is there, else from the finding."""

    id: str
    title: str
    help: str
    help_url: str | None
    wcag: list[str]
    refs: list[str]
    impact: str | None
    body: str = ""


def rule_info(rule_id: str, rules: RuleTable | None, example: Finding | None = None) -> RuleInfo:
    r = (rules or {}).get(rule_id)
    if r is not None:
        return RuleInfo(r.id, r.title, r.help, r.help_url, list(r.wcag), list(r.standard_refs),
                        r.impact.value, r.body)
    return RuleInfo(rule_id, rule_id, example.help if example else "", example.help_url if example else None,
                    list(example.wcag) if example else [], list(example.standard_refs) if example else [],
                    example.impact.value if example and example.impact else None)


def where(finding: Finding) -> str:
    """A one-line human description of a finding's place."""
    loc = finding.location
    bits = []
    if loc.page is not None:
        bits.append(f"page {loc.page}")
    if loc.slide is not None:
        bits.append(f"slide {loc.slide}")
    if loc.shape:
        bits.append(f"shape {loc.shape}")
    if loc.paragraph is not None:
        bits.append(f"paragraph {loc.paragraph + 1}")
    if loc.table is not None:
        bits.append(f"table {loc.table + 1}")
    if loc.image is not None:
        bits.append(f"image {loc.image + 1}")
    if loc.path:
        bits.append(loc.path)
    if loc.selector:
        bits.append(loc.selector)
    if "line" in finding.data:
        bits.append(f"line {finding.data['line']}")
    return ", ".join(bits)
