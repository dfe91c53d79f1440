"""A site report holds only findings the chosen standard includes: the web plan's assemble drops
the rest (the same step in one process and fanned out), and axe-core, run with the standard's tags
only, never gives a finding the standard would drop."""

from __future__ import annotations

import pytest

from access.auditing import Discovery, UnitResult
from access.config import Settings
from access.context import Context
from access.models import AuditOptions, Finding, Location, Outcome, Standard, utcnow
from auditors.web.axe_run import axe_tags
from auditors.web.site import AUDITOR, Crawl
from rules.axe import axe_metadata, axe_rule


def test_assemble_drops_criteria_outside_the_standard() -> None:
    url = "http://example.org/unit-1"
    findings = [
        Finding(rule="web-reflow", outcome=Outcome.VIOLATION, wcag=["1.4.10"], message="m",
                location=Location(url=url, selector="table")),
        Finding(rule="web-focus-visible", outcome=Outcome.VIOLATION, wcag=["2.4.7"], message="m",
                location=Location(url=url, selector="a")),
        Finding(rule="web-reading-level", outcome=Outcome.NEEDS_REVIEW, wcag=["3.1.5"], message="m",
                location=Location(url=url)),
    ]
    discovery = Discovery(target=url, limit=1, data=Crawl(start=url, started_at=utcnow()).model_dump(mode="json"))
    ctx = Context(settings=Settings(_env_file=None))

    def kept(standard: Standard) -> list[str]:
        result = UnitResult(key=url, findings=list(findings))
        report = AUDITOR.assemble(discovery, [result], AuditOptions(standard=standard), ctx)
        return [f.rule for f in report.findings]

    assert kept(Standard.WCAG2AA) == ["web-focus-visible", "web-reading-level"]
    assert kept(Standard.WCAG21AA) == ["web-reflow", "web-focus-visible", "web-reading-level"]


@pytest.mark.parametrize("standard", list(Standard))
def test_axe_findings_always_count_toward_the_standard_they_ran_for(standard: Standard) -> None:
    tags = set(axe_tags(standard))
    ran = [meta["id"] for meta in axe_metadata()["rules"] if tags & set(meta["tags"])]
    assert ran
    dropped = [(rule_id, outcome.value) for rule_id in ran for outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)
               if not axe_rule(rule_id).finding(outcome, "engine", Location(url="http://example.org/"),
                                                engine_message="m", engine="axe-core").counts_toward(standard)]
    assert dropped == []
