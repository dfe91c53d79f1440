"""PDF auditor: PDF/UA-1 (Matterhorn) and WCAG checks with pymupdf and pikepdf.

``audit_pdf`` is a pure function: a SourceFile in, a Report out. It gathers facts in one streaming
pass over the pages (``rules.pdf.facts.inspect_pdf``) and runs every rule of ``rules.pdf`` on them;
each PDF/UA finding cites the clauses of the part the file claims (``ISO14289-1`` with Matterhorn, or
``ISO14289-2``).
"""

from __future__ import annotations

import time
from pathlib import Path

from access.auditing import FileAuditor
from access.context import Context
from access.models import AuditedPart, AuditOptions, Report, SourceFile
from access.rulerun import run_rules
from auditors.docreport import build_report, check_size
from rules.pdf import RULES
from rules.pdf.facts import inspect_pdf
from rules.pdf.uafacts import cite_part


def audit_pdf(source: SourceFile, options: AuditOptions, ctx: Context) -> Report:
    started = time.perf_counter()
    check_size(Path(source.path), ctx.settings)
    ctx.progress(0, "opening PDF")
    facts = inspect_pdf(Path(source.path), max_pages=ctx.settings.max_pages,
                        max_stream_bytes=ctx.settings.max_stream_bytes,
                        progress=lambda pct, stage: ctx.progress(pct * 0.9, stage),
                        check_cancelled=ctx.check_cancelled)
    inspected = time.perf_counter()
    ctx.progress(90, "checking rules")
    run = run_rules(RULES.rules(), facts, standard=options.standard)
    run.findings = [f.model_copy(update={"standard_refs": cite_part(f.standard_refs, facts.ua_version)})
                    for f in run.findings]
    parts = [AuditedPart(id=f"page {p.number}",
                         error={"code": "engine_failed", "message": "the page could not be rendered for the "
                                "contrast check"} if p.render_failed else None)
             for p in facts.pages]
    ctx.progress(100, "done")
    return build_report(
        target=source.filename or Path(source.path).name, kind="pdf", options=options,
        engines=facts.engine_versions, parts=parts, run=run, started=started,
        metadata={"pages": facts.page_count, "tagged": facts.tagged, "pdf_version": facts.version,
                  "structure_elements": facts.struct_elements, "language": facts.lang,
                  "title": facts.xmp_title or facts.info_title,
                  "pages_rendered_for_contrast": sum(p.rendered for p in facts.pages),
                  "repaired": facts.repaired,
                  "inspect_seconds": round(inspected - started, 3)})


AUDITOR = FileAuditor("pdf", audit_pdf, description="PDF/UA-1 (Matterhorn) and WCAG 2.2 checks of PDF files")
