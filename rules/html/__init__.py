"""The static HTML rules: checks that need only the markup, not a browser.

``RULES`` lists them; ``check_page`` runs them on a parsed :class:`~rules.html.dom.Page` and
returns the element-level findings; ``fixture_suite`` exposes the YAML examples beside each rule to
the shared fixture runner.
"""

from __future__ import annotations

from pathlib import Path

from access.catalogue import Rule, collect_rules
from access.models import Finding
from access.rulefixtures import FixtureCase, FixtureSuite, load_fixture_cases
from rules.html import aria, document, forms, images, links, media, structure, timing
from rules.html.dom import Page

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fixture</title></head>'
                "<body>{html}</body></html>")

RULES: list[Rule] = [
    *collect_rules(vars(images)),
    *collect_rules(vars(document)),
    *collect_rules(vars(forms)),
    *collect_rules(vars(links)),
    *collect_rules(vars(structure)),
    *collect_rules(vars(media)),
    *collect_rules(vars(aria)),
    *collect_rules(vars(timing)),
]


def check_page(page: Page, rules: list[Rule] | None = None) -> list[Finding]:
    """Every finding (per element, all outcomes) of ``rules`` (default: all) on one page."""
    findings: list[Finding] = []
    for r in rules or RULES:
        assert r.check is not None
        findings.extend(r.check(page))
    return findings


def fixture_page(html: str) -> str:
    """A fixture's HTML as a page: fragments are wrapped in a minimal valid document."""
    head = html.lstrip()[:15].lower()
    return html if head.startswith(("<!doctype", "<html")) else FIXTURE_PAGE.format(html=html)


def run_case(case: FixtureCase) -> list[Finding]:
    by_id = {r.id: r for r in RULES}
    page = Page.parse(fixture_page(case.inputs["html"]), name="fixture.html")
    return check_page(page, [by_id[case.rule]])


def fixture_suite() -> FixtureSuite:
    return FixtureSuite(target="html", cases=lambda: load_fixture_cases(FIXTURES), run_case=run_case,
                        rule_ids=lambda: [r.id for r in RULES])
