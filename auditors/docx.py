"""Word (.docx) auditor: python-docx and its lxml tree.

``audit_docx`` is a pure function: a SourceFile in, a Report out. It gathers facts in one pass
(``rules.docx.facts.inspect_docx``) and runs every rule of ``rules.docx`` on them.
"""

from __future__ import annotations

from access.auditing import FileAuditor
from access.context import Context
from access.models import AuditedPart, AuditOptions, Report, SourceFile
from auditors.docreport import audit_office
from rules.docx import RULES
from rules.docx.facts import inspect_docx


def audit_docx(source: SourceFile, options: AuditOptions, ctx: Context) -> Report:
    return audit_office(
        source, options, ctx, kind="docx", stage="reading Word document", inspect=inspect_docx, rules=RULES,
        parts=lambda facts: [AuditedPart(id="document", title=facts.title)],
        metadata=lambda facts: {"paragraphs": len(facts.body_paragraphs), "tables": len(facts.tables),
                                "images": len(facts.drawings), "links": len(facts.links), "words": facts.words,
                                "title": facts.title, "language": facts.language})


AUDITOR = FileAuditor("docx", audit_docx, description="Word accessibility checks (Microsoft checker rules and more)")
