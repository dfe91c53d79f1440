"""PowerPoint (.pptx) auditor: python-pptx.

``audit_pptx`` is a pure function: a SourceFile in, a Report out. It gathers facts slide by slide
(``rules.pptx.facts.inspect_pptx``) and runs every rule of ``rules.pptx`` on them.
"""

from __future__ import annotations

import time
from pathlib import Path

from access.auditing import FileAuditor
from access.context import Context
from access.models import AuditedPart, AuditOptions, Report, SourceFile
from access.rulerun import run_rules
from auditors.docreport import build_report, check_size
from rules.pptx import RULES
from rules.pptx.facts import inspect_pptx


def audit_pptx(source: SourceFile, options: AuditOptions, ctx: Context) -> Report:
    started = time.perf_counter()
    check_size(Path(source.path), ctx.settings)
    ctx.progress(0, "reading presentation")
    facts = inspect_pptx(Path(source.path), max_pages=ctx.settings.max_pages)
    ctx.check_cancelled()
    ctx.progress(60, "checking rules")
    run = run_rules(RULES.rules(), facts, standard=options.standard)
    ctx.progress(100, "done")
    return build_report(
        target=source.filename or Path(source.path).name, kind="pptx", options=options,
        engines=facts.engine_versions,
        parts=[AuditedPart(id=f"slide {s.number}", title=s.title) for s in facts.slides],
        run=run, started=started,
        metadata={"slides": len(facts.slides), "title": facts.title, "languages": sorted(facts.languages)})


AUDITOR = FileAuditor("pptx", audit_pptx,
                      description="PowerPoint accessibility checks (Microsoft checker rules and more)")
