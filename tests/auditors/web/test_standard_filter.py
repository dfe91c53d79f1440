"""A site report holds only findings the chosen standard includes, on both the local and the fan-out path."""

from __future__ import annotations

from access.models import AuditOptions, Finding, Location, Outcome, Standard
from auditors.web.site import assemble


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
    kept = {std: [f.rule for f in assemble(url, AuditOptions(standard=std), [], list(findings), [], [], {}).findings]
            for std in (Standard.WCAG2AA, Standard.WCAG21AA)}
    assert kept[Standard.WCAG2AA] == ["web-focus-visible", "web-reading-level"]
    assert kept[Standard.WCAG21AA] == ["web-reflow", "web-focus-visible", "web-reading-level"]
