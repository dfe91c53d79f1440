"""The conformance claim (EPUB Accessibility 1.1 §3.5): its form in the package document, who
evaluated the publication, and whether the claim holds against what the whole audit found."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from pydantic import BaseModel, Field

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import CRITERIA, EpubA11y
from rules.epub import CLAIM, PACKAGE
from rules.epub.facts import EpubFacts

CLAIM_PATTERN = re.compile(r"^EPUB Accessibility (1\.\d+) - WCAG (2\.[0-9]) Level (A{1,3})$")
EPUB_A11Y_10 = re.compile(r"^http://www\.idpf\.org/epub/a11y/accessibility-20170105\.html#wcag-(a{1,3})$")
CONFORMS_TO = "dcterms:conformsTo"


def claims_of(facts: EpubFacts) -> list[str]:
    """The publication's conformance statements: ``dcterms:conformsTo`` metadata, and the links
    EPUB Accessibility 1.0 used."""
    return [*facts.values(CONFORMS_TO), *(link.href for link in facts.links if link.rel == CONFORMS_TO)]


def claimed_level(claim: str) -> tuple[str, str] | None:
    """(WCAG version, level) a claim states: ``("2.2", "AA")``; None when it is not one."""
    match = CLAIM_PATTERN.match(" ".join(claim.split()))
    if match:
        return match.group(2), match.group(3)
    old = EPUB_A11Y_10.match(claim.strip())
    return ("2.0", old.group(1).upper()) if old else None


@rule(id="epub-conformance-claim", target="epub", impact="moderate", reads=PACKAGE,
      requirements=(EpubA11y("3.5.2"), EpubA11y("3.5.3")),
      messages={"none": "The publication makes no conformance claim (dcterms:conformsTo): nobody states that it "
                        "meets EPUB Accessibility.",
                "malformed": "The conformance claim {claim!r} does not have the form 'EPUB Accessibility 1.1 - "
                             "WCAG 2.x Level A/AA/AAA'.",
                "no-evaluator": "The publication claims {claim!r} but does not say who evaluated it "
                                "(a11y:certifiedBy).",
                "claimed": "The publication claims {claim!r}, evaluated by {evaluator}."})
def conformance_claim(facts: EpubFacts) -> Iterator[Finding]:
    """The conformance claim is well formed and names its evaluator

    To state that it meets EPUB Accessibility 1.1, a publication carries a ``dcterms:conformsTo``
    statement whose value is exactly ``EPUB Accessibility 1.1 - WCAG 2.x Level A|AA|AAA`` (or the
    EPUB Accessibility 1.0 link), and an ``a11y:certifiedBy`` statement naming who evaluated it.
    A publication without a claim needs review; a malformed claim or a claim without an evaluator
    fails.

    **Why it matters**: reading systems and catalogues recognise only the exact form of the claim;
    a claim they cannot read leaves the learner without the assurance the publisher meant to give,
    and a claim without an evaluator cannot be trusted.

    **How to fix**: write the claim in the exact form of §3.5.2 and add
    ``<meta property="a11y:certifiedBy">`` with the organisation that evaluated the publication.
    """
    r = conformance_claim
    claims = claims_of(facts)
    where = facts.location(f'meta[property="{CONFORMS_TO}"]')
    if not claims:
        yield r.finding(Outcome.NEEDS_REVIEW, "none", facts.location(), impact="minor")
        return
    evaluators = [m.value for m in facts.meta if m.property == "a11y:certifiedBy" and m.value]
    for claim in claims:
        if claimed_level(claim) is None:
            yield r.finding(Outcome.VIOLATION, "malformed", where, claim=claim)
        elif not evaluators:
            yield r.finding(Outcome.VIOLATION, "no-evaluator", where, claim=claim)
        else:
            yield r.finding(Outcome.PASS, "claimed", where, claim=claim, evaluator=evaluators[0])


class FoundViolation(BaseModel):
    rule: str
    wcag: list[str] = Field(default_factory=list)
    count: int = 1


class ClaimFacts(BaseModel):
    """The claim and what the whole audit found (made by the EPUB auditor once every document
    is audited): every violation's rule and criteria, and the package document's place."""

    claims: list[str] = Field(default_factory=list)
    violations: list[FoundViolation] = Field(default_factory=list)
    package: str = "OEBPS/content.opf"


# EPUB rules whose failure alone breaks an EPUB Accessibility 1.1 claim (a MUST of the specification)
REQUIRED_EPUB_RULES = frozenset({"epub-meta-access-mode", "epub-meta-accessibility-feature",
                                 "epub-meta-accessibility-hazard", "epub-page-list", "epub-page-source",
                                 "epub-conformance-claim"})


@rule(id="epub-conformance-consistent", target="epub", impact="serious", reads=CLAIM,
      requirements=(EpubA11y("3.3"), EpubA11y("3.5.2")),
      messages={"broken": "The publication claims {claim!r}, but the audit found {count} violation(s) of what "
                          "the claim covers: {failed}.",
                "holds": "The claim {claim!r} is consistent with this audit ({checked} violation(s) outside it)."})
def conformance_consistent(facts: ClaimFacts) -> Iterator[Finding]:
    """The conformance claim holds against what the audit found

    A claim of EPUB Accessibility 1.1 at WCAG 2.x Level A or AA means every content document meets
    every success criterion of that version and level, and the publication meets the EPUB
    requirements (discovery metadata, page navigation when present). Fails when the audit found a
    violation of a criterion the claim covers, or of a required EPUB rule. A claim that holds here
    still needs the manual review no automatic tool replaces.

    **Why it matters**: a false claim sends a book to a learner who cannot use it, with the
    publisher's word that they can; it also exposes the publisher under accessibility law.

    **How to fix**: fix the violations listed (the report names each document and element), or
    withdraw the claim until they are fixed.
    """
    r = conformance_consistent
    where = Location(url=facts.package, selector=f'meta[property="{CONFORMS_TO}"]')
    for claim in facts.claims:
        level = claimed_level(claim)
        if level is None:
            continue
        failed = claim_failures(facts.violations, *level)
        if failed:
            shown = "; ".join(f"{name} ×{n}" for name, n in failed.most_common(8))
            yield r.finding(Outcome.VIOLATION, "broken", where, claim=claim, count=sum(failed.values()),
                            failed=shown)
        else:
            outside = sum(v.count for v in facts.violations)
            yield r.finding(Outcome.PASS, "holds", where, claim=claim, checked=outside)


def claim_failures(violations: list[FoundViolation], version: str, level: str) -> Counter[str]:
    """The violations that break a claim of WCAG ``version`` at ``level`` (A, AA, AAA) together
    with EPUB Accessibility 1.1: criteria the claim covers, and the required EPUB rules."""
    levels = {"A": ("A",), "AA": ("A", "AA"), "AAA": ("A", "AA", "AAA")}[level]
    failed: Counter[str] = Counter()
    for v in violations:
        covered = [sc for sc in v.wcag if sc in CRITERIA and CRITERIA[sc].level in levels
                   and CRITERIA[sc].version <= version]
        if covered:
            failed[f"{v.rule} ({', '.join(covered)})"] += v.count
        elif v.rule in REQUIRED_EPUB_RULES:
            failed[v.rule] += v.count
    return failed
