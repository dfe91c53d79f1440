"""The EPUB rules: what an EPUB publication must do beyond each content document's own HTML
(which the EPUB auditor audits in the browser, like a web page): accessibility metadata and the
conformance claim, navigation (table of contents, landmarks, page list and page source), reading
order, languages, media overlays and the package itself (EPUB Accessibility 1.1, EPUB 3.3).

Most rules read the publication's :class:`~rules.epub.facts.EpubFacts` (``reads="package"``);
the claim rule reads :class:`~rules.epub.claim.ClaimFacts` (``reads="claim"``): the conformance
claim set against what the whole audit found, which only exists once every document is audited.
A fixture case describes its EPUB (:mod:`rules.epub.build`) or its claim and findings.
"""

from __future__ import annotations

from typing import Any

from access.rulefixtures import FixtureCase
from access.ruleset import RuleSet

PACKAGE = "package"
CLAIM = "claim"


def case_facts(case: FixtureCase) -> dict[str, Any]:
    from rules.epub.build import DictFiles, build_epub
    from rules.epub.claim import ClaimFacts
    from rules.epub.facts import read_epub

    if CLAIM in case.inputs:
        return {CLAIM: ClaimFacts.model_validate(case.inputs[CLAIM])}
    return {PACKAGE: read_epub(DictFiles(build_epub(case.inputs.get("epub"))))}


RULES = RuleSet(target="epub", package=__name__, description="EPUB publications (package, navigation, metadata)",
                case_facts=case_facts)
