"""The "epub" gate: epubcheck with zero errors and zero fatal messages, DAISY Ace with no failed
assertion, and our auditor on every XHTML content document. The EPUB writer audits the content
documents once, as packed, to decide its conformance claim, and keeps that audit in the artifact;
the gate reuses it rather than auditing the same documents again (and audits them itself only when
the writer did not).

The conformance claim (``dcterms:conformsTo``) is made only when every gate passed: the writer makes
none when the document-quality gate failed or its audit found a violation, and this gate withdraws a
claim from the package when epubcheck, Ace or the audit fails here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from access.conversion import GateCheck, GateResult, GateSpec
from converters.gates import Verdict, each_file

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions


def check_epub(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
    from converters.gates.ace import ace_check
    from converters.gates.audit import CONTENT_DOCUMENTS, audit_check, missing_alt_review
    from converters.gates.epubcheck import epubcheck
    from converters.writers.epub import withdraw_conformance_claim

    def check(art: ArtifactOut) -> Verdict:
        recorded = art.metadata.get("audit")
        if recorded:
            audit, flagged = GateCheck.model_validate(recorded["check"]), list(recorded["needs_review"])
        else:
            audit, flagged = audit_check(Path(art.path), "zip", art.name, ctx, CONTENT_DOCUMENTS)
        missing = missing_alt_review(len(art.metadata.get("missing_alt_figures", [])))
        checks = [epubcheck(Path(art.path)), ace_check(Path(art.path), ctx), audit]
        if not all(c.passed for c in checks) and withdraw_conformance_claim(Path(art.path)):
            art.metadata["conforms_to"] = None
            checks.append(GateCheck.of("conformance claim", True, informational=True, withdrawn=True))
        return checks, flagged + missing

    return each_file("epub", artifacts, "application/epub+zip", check)


GATE = GateSpec("epub", check_epub, "epubcheck, DAISY Ace and our auditor on each content document")
