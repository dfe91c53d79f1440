"""Running rules: the one loop every auditor uses.

``run_rules`` calls each rule's check on the facts an auditor gathered (a parsed page, a PDF's
facts, a browser page's keyboard log ...) and gives every auditor the same result shape:

- **crash guard**: a rule that raises becomes an ``internal_error`` part of the report
  (:meth:`RuleRun.failed_parts`), never a failed job, and the other rules still run;
- **missing facts**: a rule that reads a fact the auditor could not gather (its collector failed,
  which the auditor reports) is skipped and listed in :attr:`RuleRun.skipped`, not reported as a
  crash of its own;
- **standard filter**: findings whose WCAG criteria all lie outside the chosen standard are
  dropped (:meth:`access.models.Finding.counts_toward`), in this one place;
- **summary**: per rule, every violation and needs-review finding is kept, up to ``cap`` (the rest
  become one "N more" finding); a rule that flagged nothing leaves one ``pass`` finding (its own,
  or "N element(s) checked"), or one ``inapplicable`` finding when it found nothing to check, so
  JUnit and EARL reports can say what was tested.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from access.catalogue import Rule
from access.models import AuditedPart, Finding, Location, Outcome
from access.requirements import DEFAULT_STANDARD, Standard

log = logging.getLogger(__name__)
MAX_FINDINGS_PER_RULE = 200
FLAGGED = (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)


@dataclass
class RuleRun:
    findings: list[Finding] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)      # rule id -> what went wrong
    skipped: list[str] = field(default_factory=list)          # rule ids whose fact was not gathered

    def failed_parts(self, where: str = "") -> list[AuditedPart]:
        """One failed part per rule that crashed (``internal_error``), for the report's parts."""
        suffix = f" on {where}" if where else ""
        return [AuditedPart(id=f"rule {rule_id}{suffix}", status="failed",
                            error={"code": "internal_error", "message": message})
                for rule_id, message in self.errors.items()]

    def extend(self, other: RuleRun) -> None:
        self.findings.extend(other.findings)
        self.errors.update(other.errors)
        self.skipped.extend(other.skipped)


def facts_for(r: Rule, facts: Any) -> Any:
    """What a rule's check reads: the auditor's one fact object, or, when the rule names the fact
    it reads (``reads="keyboard"``), that entry of the gathered facts."""
    if r.reads is None:
        return facts
    if not isinstance(facts, Mapping):
        raise TypeError(f"rule {r.id} reads {r.reads!r} but the auditor gathered one fact object")
    return facts[r.reads]


def run_rules(rules: Iterable[Rule], facts: Any, *, standard: Standard | str = DEFAULT_STANDARD,
              where: Location | None = None, cap: int = MAX_FINDINGS_PER_RULE) -> RuleRun:
    """Run every rule that has a check on ``facts`` (see the module docstring)."""
    run = RuleRun()
    where = where or Location()
    for r in rules:
        if r.check is None:
            continue
        if r.reads is not None and isinstance(facts, Mapping) and r.reads not in facts:
            run.skipped.append(r.id)
            continue
        try:     # the standard filter: a flagged finding outside the standard is dropped here
            produced = [f for f in r.check(facts_for(r, facts))
                        if f.outcome not in FLAGGED or f.counts_toward(standard)]
        except Exception as exc:  # one broken rule must not lose the whole report
            log.exception("rule %s failed", r.id)
            first_line = str(exc).splitlines()[0][:300] if str(exc) else ""
            run.errors[r.id] = f"{type(exc).__name__}: {first_line}"
            continue
        run.findings.extend(f for f in summarise(r, produced, where, cap) if f.counts_toward(standard))
    return run


def summarise(r: Rule, produced: list[Finding], where: Location, cap: int) -> list[Finding]:
    """One rule's findings on one unit → what the report keeps."""
    flagged = [f for f in produced if f.outcome in FLAGGED]
    if flagged:
        if len(flagged) <= cap:
            return flagged
        rest = len(flagged) - cap
        return [*flagged[:cap], r.finding(Outcome.NEEDS_REVIEW, "omitted", where, omitted=rest)]
    passed = [f for f in produced if f.outcome is Outcome.PASS]
    if len(passed) == 1:
        return passed
    if passed:
        return [r.finding(Outcome.PASS, "checked", where, elements=len(passed))]
    return [r.finding(Outcome.INAPPLICABLE, "nothing-to-check", where)]
