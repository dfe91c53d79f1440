"""A site report holds only findings the chosen standard includes: the web plan's assemble drops
the rest (the same step in one process and fanned out), and axe-core, run with the standard's tags
only, never gives a finding the standard would drop."""

from __future__ import annotations

from dataclasses import replace

import pytest

from access.models import Location, Outcome, Standard
from auditors.web.axe_run import axe_tags
from rules.axe import axe_metadata, axe_rule


def test_own_checks_are_filtered_by_the_rule_runner() -> None:
    """Our browser rules run through run_rules with the audit's standard: reflow (1.4.10, WCAG 2.1) is
    dropped at 2.0 AA, focus visible (2.4.7) kept, reading level (3.1.5, AAA advice) always kept."""
    from access.rulerun import run_rules
    from rules.web.keyboard import focus_visible
    from rules.web.layout import reflow
    from rules.web.reading_level import reading_level

    def rule_of(name: str) -> object:
        return {"reflow": reflow, "focus": focus_visible, "reading": reading_level}[name]

    for standard, expected in ((Standard.WCAG2AA, {"focus", "reading"}), (Standard.WCAG21AA,
                                                                            {"reflow", "focus", "reading"})):
        kept = set()
        for name in ("reflow", "focus", "reading"):
            r = rule_of(name)
            flagged = r.finding(Outcome.NEEDS_REVIEW, next(iter(r.messages)), Location(url="http://x/"),
                                **dict.fromkeys(_fields(r), 1))
            run = run_rules([replace(r, check=lambda fact, f=flagged: [f])], {r.reads: None}, standard=standard)
            assert not run.errors
            if any(f.outcome is Outcome.NEEDS_REVIEW for f in run.findings):
                kept.add(name)
        assert kept == expected, standard


def _fields(rule: object) -> set[str]:
    import string

    return {name for text in rule.messages.values() for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("standard", list(Standard))
def test_axe_findings_always_count_toward_the_standard_they_ran_for(standard: Standard) -> None:
    tags = set(axe_tags(standard))
    ran = [meta["id"] for meta in axe_metadata()["rules"] if tags & set(meta["tags"])]
    assert ran
    dropped = [(rule_id, outcome.value) for rule_id in ran for outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)
               if not axe_rule(rule_id).finding(outcome, "engine", Location(url="http://example.org/"),
                                                engine_message="m", engine="axe-core").counts_toward(standard)]
    assert dropped == []
