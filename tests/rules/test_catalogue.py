"""The rule catalogue: every registered rule is well documented, and every rule's fixture cases
(YAML beside the rule) pass through ONE runner, :func:`access.rulefixtures.run_case`, which runs
them through the auditors' own :func:`access.rulerun.run_rules`.

To plug another rule family in: a package of ``@rule`` modules with ``fixtures/<rule-id>.yml`` and a
``RuleSet`` in the ``access.rules`` entry-point group (access/ruleset.py).
"""

from __future__ import annotations

import re

import pytest

from access.catalogue import HELP_BASE
from access.models import Outcome
from access.registry import get_registry
from access.requirements import CRITERIA, Requirement
from access.rulefixtures import FixtureCase, case_problems, run_case
from access.ruleset import RuleSet

REGISTRY = get_registry()
SETS: list[RuleSet] = list(REGISTRY.rulesets.load_all().values())
RULES = sorted(REGISTRY.rules.values(), key=lambda r: r.id)
# the families whose fixtures run in headless Chromium (select or skip them with `-m browser`)
BROWSER_FAMILIES = {"web"}
CASES = [pytest.param(s, c, id=c.id, marks=[pytest.mark.browser] if s.target in BROWSER_FAMILIES else [])
         for s in SETS for c in s.cases()]
DOCUMENTS = {"pdf", "docx", "pptx"}


def test_there_are_rules_and_rule_sets() -> None:
    assert len(RULES) >= 10
    assert {s.target for s in SETS} >= {"html", "web", "axe", "pdf", "docx", "pptx"}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_well_formed(rule) -> None:
    assert rule.validate() == []
    assert rule.title and rule.title != rule.id
    assert "**Why it matters**" in rule.body and "**How to fix**" in rule.body
    assert rule.help and rule.help != rule.title
    assert all(sc in CRITERIA for sc in rule.wcag)
    assert all(isinstance(r, Requirement) for r in rule.requirements)
    assert all(re.match(r"^[A-Za-z0-9-]+:\S", ref) for ref in rule.standard_refs)   # ISO14289-1:7.2
    assert rule.help_url == HELP_BASE + rule.id
    if rule.target == "pdf":                # PDF rules state the failure condition they check
        assert rule.condition


@pytest.mark.parametrize("ruleset", SETS, ids=lambda s: s.target)
def test_every_checked_rule_has_failing_and_passing_fixtures(ruleset: RuleSet) -> None:
    by_rule: dict[str, set[Outcome]] = {}
    for case in ruleset.cases():
        by_rule.setdefault(case.rule, set()).add(case.expect)
    for rule in ruleset.checked_rules():
        expects = by_rule.get(rule.id, set())
        assert expects & {Outcome.PASS, Outcome.INAPPLICABLE}, f"{rule.id} has no passing fixture"
        assert expects & {Outcome.VIOLATION, Outcome.NEEDS_REVIEW}, f"{rule.id} has no failing fixture"
    unknown = set(by_rule) - set(ruleset.by_id())
    assert not unknown, f"fixtures for rules not in the {ruleset.target} set: {unknown}"


@pytest.mark.parametrize(("ruleset", "case"), CASES)
def test_fixture_case(ruleset: RuleSet, case: FixtureCase) -> None:
    findings = run_case(ruleset, case)
    assert case_problems(case, findings) == []
    rule = ruleset.by_id()[case.rule]
    assert all(f.help and f.help_url for f in findings)
    # what a finding breaks is its rule's requirements, or fewer of them (a PDF/UA-only condition)
    assert all(set(f.wcag) <= set(rule.wcag) and set(f.standard_refs) <= set(rule.standard_refs)
               and bool(f.wcag or f.standard_refs) == bool(rule.requirements) for f in findings)
    if ruleset.target in DOCUMENTS:         # a document finding to fix says where: page, slide, paragraph ...
        assert all(any(v is not None for v in (f.location.page, f.location.slide, f.location.paragraph,
                                               f.location.table, f.location.image, f.location.path))
                   for f in findings if f.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)), findings


def test_rule_reference_is_up_to_date() -> None:
    """docs/rules.md is generated: regenerate with `.venv/bin/python -m access.ruledocs > docs/rules.md`."""
    from pathlib import Path

    from access.ruledocs import render_rule_reference

    docs = Path(__file__).parents[2] / "docs" / "rules.md"
    expected = render_rule_reference(REGISTRY)
    assert docs.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is out of date: run `.venv/bin/python -m access.ruledocs > docs/rules.md`")
    for rule in RULES:
        anchor = rule.help_url.rsplit("#", 1)[1]
        assert f"\n### {anchor}\n" in expected
        assert rule.title in expected
