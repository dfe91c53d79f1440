"""The rule catalogue: every registered rule is well documented, and every rule's fixture cases
(YAML beside the rule, registered as ``rule-fixtures:<target>`` extras) pass through ONE runner.

To plug another rule package in: give it ``fixtures/<rule-id>.yml`` files and register
``FixtureSuite(target, cases, run_case, rule_ids)`` (access.rulefixtures) from its plugin.
"""

from __future__ import annotations

import re

import pytest

from access.catalogue import HELP_BASE
from access.models import WCAG_CRITERIA, Outcome
from access.registry import get_registry
from access.rulefixtures import FIXTURE_EXTRA_PREFIX, FixtureCase, FixtureSuite, case_problems

REGISTRY = get_registry()
RULES = sorted(REGISTRY.rules.values(), key=lambda r: r.id)
SUITES: list[FixtureSuite] = [v for k, v in sorted(REGISTRY.extras.items()) if k.startswith(FIXTURE_EXTRA_PREFIX)]
CASES: list[tuple[FixtureSuite, FixtureCase]] = [(s, c) for s in SUITES for c in s.cases()]
REF = re.compile(r"^[a-z0-9-]+:\S")        # "act:23a2a8", "axe:image-alt", "matterhorn:13-004"


def test_there_are_rules_and_fixture_suites() -> None:
    assert len(RULES) >= 10
    assert any(s.target == "html" for s in SUITES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_well_formed(rule) -> None:
    assert rule.validate() == []
    assert rule.title and rule.title != rule.id
    assert "**Why it matters**" in rule.body and "**How to fix**" in rule.body
    assert rule.help and rule.help != rule.title
    assert all(sc in WCAG_CRITERIA for sc in rule.wcag)
    bad_refs = [ref for ref in rule.standard_refs if not REF.match(ref)]
    assert not bad_refs, f"standard_refs must be 'scheme:value' (act:…, axe:…, matterhorn:…): {bad_refs}"
    assert rule.help_url == HELP_BASE + rule.id


def test_rule_ids_are_unique_across_suites() -> None:
    ids = [i for s in SUITES for i in s.rule_ids()]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(REGISTRY.rules)


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.target)
def test_every_checked_rule_has_failing_and_passing_fixtures(suite: FixtureSuite) -> None:
    by_rule: dict[str, set[Outcome]] = {}
    for case in suite.cases():
        by_rule.setdefault(case.rule, set()).add(case.expect)
    for rule_id in suite.rule_ids():
        expects = by_rule.get(rule_id, set())
        assert expects & {Outcome.PASS, Outcome.INAPPLICABLE}, f"{rule_id} has no passing fixture"
        assert expects & {Outcome.VIOLATION, Outcome.NEEDS_REVIEW}, f"{rule_id} has no failing fixture"
    unknown = set(by_rule) - set(REGISTRY.rules)
    assert not unknown, f"fixtures for unregistered rules: {unknown}"


@pytest.mark.parametrize(("suite", "case"), CASES, ids=[c.id for _, c in CASES])
def test_fixture_case(suite: FixtureSuite, case: FixtureCase) -> None:
    findings = suite.run_case(case)
    assert case_problems(case, findings) == []
    assert all(f.help and f.help_url and f.wcag for f in findings)


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
