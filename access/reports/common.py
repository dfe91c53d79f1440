"""What every report renderer needs: which part a finding belongs to (from :mod:`access.rollup`),
rule metadata, and a finding's place in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from access.catalogue import Rule
from access.models import Finding, Outcome
from access.rollup import PartIndex, part_of, part_order

__all__ = ["PROBLEMS", "PartIndex", "RuleInfo", "RuleTable", "part_of", "part_order", "rule_info", "where"]

RuleTable = Mapping[str, Rule]
PROBLEMS = (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)


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
    if loc.line is not None:
        bits.append(f"line {loc.line}")
    if loc.viewport:
        bits.append(f"viewport {loc.viewport}")
    if loc.state:
        bits.append(f"state “{loc.state}”")
    return ", ".join(bits)
