"""Rule fixtures as data: passing and failing examples stored beside each rule.

Every rule package keeps YAML files ``fixtures/<rule-id>.yml``::

    rule: html-img-alt
    cases:
      - name: image without alt
        html: <img src="heart.png">          # the input; its keys are the rule set's business
        expect: violation                    # violation | needs-review | pass | inapplicable
        count: 1                             # optional: how many findings have that outcome

A binary format describes its small input in the case (a PDF as HTML printed with edits, a Word
file as a list of blocks) and the rule set's ``case_facts`` builds it. :func:`run_case` runs a case
through the same :func:`access.rulerun.run_rules` the auditors use, and :func:`case_problems` says
how the result differs from the expectation. The expected outcome is the rule's overall outcome on
the input: violation if any finding is a violation, else needs-review, else pass, else inapplicable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from access.models import Finding, Outcome

if TYPE_CHECKING:
    from access.ruleset import RuleSet

PRECEDENCE = (Outcome.VIOLATION, Outcome.NEEDS_REVIEW, Outcome.PASS)


@dataclass(frozen=True)
class FixtureCase:
    rule: str
    name: str
    expect: Outcome
    inputs: dict[str, Any]                 # the case's own keys (html, file, ...)
    source: Path                           # the YAML file it came from
    count: int | None = None

    @property
    def id(self) -> str:
        return f"{self.rule}::{self.name}"


def load_fixture_cases(directory: Path) -> list[FixtureCase]:
    """Read every ``*.yml`` in ``directory`` into cases (sorted by file, then file order)."""
    cases: list[FixtureCase] = []
    for path in sorted(directory.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"rule fixture file {path} is not valid YAML: {exc}") from exc
        rule_id = data.get("rule") or path.stem
        for raw in data.get("cases", []):
            raw = dict(raw)
            name = str(raw.pop("name"))
            expect = Outcome(raw.pop("expect"))
            count = raw.pop("count", None)
            cases.append(FixtureCase(rule=rule_id, name=name, expect=expect, inputs=raw, source=path,
                                     count=None if count is None else int(count)))
    return cases


def outcome_of(findings: list[Finding], rule_id: str) -> Outcome:
    """The overall outcome of one rule on one input."""
    outcomes = {f.outcome for f in findings if f.rule == rule_id}
    for outcome in PRECEDENCE:
        if outcome in outcomes:
            return outcome
    return Outcome.INAPPLICABLE


def case_problems(case: FixtureCase, findings: list[Finding]) -> list[str]:
    """Why the findings do not meet the case's expectation (empty when they do)."""
    problems = []
    got = outcome_of(findings, case.rule)
    if got is not case.expect:
        problems.append(f"{case.id}: expected {case.expect.value}, got {got.value}: "
                        + "; ".join(f"{f.outcome.value}: {f.message}" for f in findings if f.rule == case.rule))
    if case.count is not None:
        n = sum(1 for f in findings if f.rule == case.rule and f.outcome is case.expect)
        if n != case.count:
            problems.append(f"{case.id}: expected {case.count} {case.expect.value} finding(s), got {n}")
    stray = sorted({f.rule for f in findings} - {case.rule})
    if stray:
        problems.append(f"{case.id}: run_case returned findings of other rules: {stray}")
    return problems


def run_case(ruleset: RuleSet, case: FixtureCase) -> list[Finding]:
    """The findings of the case's rule on the case's input, through the auditors' rule runner."""
    from access.rulerun import run_rules

    if ruleset.case_facts is None:
        raise ValueError(f"the {ruleset.target} rule set has no fixture runner")
    rule = ruleset.by_id()[case.rule]
    run = run_rules([rule], ruleset.case_facts(case))
    if run.errors:
        raise AssertionError(f"{case.id}: the rule crashed: {run.errors[rule.id]}")
    return run.findings
