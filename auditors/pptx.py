"""PowerPoint (.pptx) auditor: python-pptx.

``audit_pptx`` is a pure function: a SourceFile in, a Report out. It gathers facts slide by slide
(``rules.pptx.facts.inspect_pptx``) and runs every rule of ``rules.pptx`` on them.
"""

from __future__ import annotations

from access.auditing import FileAuditor
from access.context import Context
from access.models import AuditedPart, AuditOptions, Report, SourceFile
from auditors.docreport import audit_office
from rules.pptx import RULES
from rules.pptx.facts import inspect_pptx


def audit_pptx(source: SourceFile, options: AuditOptions, ctx: Context) -> Report:
    return audit_office(
        source, options, ctx, kind="pptx", stage="reading presentation", inspect=inspect_pptx, rules=RULES,
        parts=lambda facts: [AuditedPart(id=f"slide {s.number}", title=s.title) for s in facts.slides],
        metadata=lambda facts: {"slides": len(facts.slides), "title": facts.title,
                                "languages": sorted(facts.languages)})


AUDITOR = FileAuditor("pptx", audit_pptx,
                      description="PowerPoint accessibility checks (Microsoft checker rules and more)")
