"""Word (.docx) auditor: python-docx and its lxml tree.

``audit_docx`` is a pure function: a SourceFile in, a Report out. It gathers facts in one pass
(``rules.docx.facts.inspect_docx``) and runs every rule of ``rules.docx`` on them.
"""

from __future__ import annotations

import time
from pathlib import Path

from access.auditing import FileAuditor
from access.context import Context
from access.models import AuditedPart, AuditOptions, Report, SourceFile
from access.rulerun import run_rules
from auditors.docreport import build_report, check_size
from rules.docx import RULES
from rules.docx.facts import inspect_docx


def audit_docx(source: SourceFile, options: AuditOptions, ctx: Context) -> Report:
    started = time.perf_counter()
    check_size(Path(source.path), ctx.settings)
    ctx.progress(0, "reading Word document")
    facts = inspect_docx(Path(source.path), max_pages=ctx.settings.max_pages)
    ctx.check_cancelled()
    ctx.progress(60, "checking rules")
    run = run_rules(RULES.rules(), facts, standard=options.standard)
    ctx.progress(100, "done")
    return build_report(
        target=source.filename or Path(source.path).name, kind="docx", options=options,
        engines=facts.engine_versions, parts=[AuditedPart(id="document", title=facts.title)],
        run=run, started=started,
        metadata={"paragraphs": len(facts.body_paragraphs), "tables": len(facts.tables),
                  "images": len(facts.drawings), "links": len(facts.links), "words": facts.words,
                  "title": facts.title, "language": facts.language})


AUDITOR = FileAuditor("docx", audit_docx, description="Word accessibility checks (Microsoft checker rules and more)")
