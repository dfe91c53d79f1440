"""The "epub" gate: epubcheck with zero errors and zero fatal messages, and our auditor on every
XHTML content document. The EPUB writer audits the content documents once, as packed, to decide its
conformance claim, and keeps that audit in the artifact; the gate reuses it rather than auditing the
same documents again (and audits them itself only when the writer did not)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from access.conversion import GateCheck, GateResult, GateSpec
from converters.gates import Verdict, each_file

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions


def check_epub(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
    from converters.gates.audit import CONTENT_DOCUMENTS, audit_check, missing_alt_review
    from converters.gates.epubcheck import epubcheck

    def check(art: ArtifactOut) -> Verdict:
        recorded = art.metadata.get("audit")
        if recorded:
            audit, flagged = GateCheck.model_validate(recorded["check"]), list(recorded["needs_review"])
        else:
            audit, flagged = audit_check(Path(art.path), "zip", art.name, ctx, CONTENT_DOCUMENTS)
        missing = missing_alt_review(len(art.metadata.get("missing_alt_figures", [])))
        return [epubcheck(Path(art.path)), audit], flagged + missing

    return each_file("epub", artifacts, "application/epub+zip", check)


GATE = GateSpec("epub", check_epub, "epubcheck and our auditor on each content document")
