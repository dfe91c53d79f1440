"""Our own auditor as a gate check: the written HTML (or a zip of XHTML content documents) audited
through the registry, as every caller reaches it. Violations are problems; what needs review is
kept apart."""

from __future__ import annotations

from pathlib import Path

from access.context import Context
from access.conversion import GateCheck
from access.errors import AccessError
from access.models import AuditOptions, Outcome, SourceFile

AUDITOR = "auditor"
CONTENT_DOCUMENTS = "auditor (content documents)"


def audit_check(path: Path, fmt: str, name: str, ctx: Context, check: str = AUDITOR) -> tuple[GateCheck, list[str]]:
    """The check named ``check`` and the needs-review findings of auditing ``path`` as ``fmt``."""
    from access import services

    try:
        report = services.audit_file(SourceFile(path=str(path), filename=name, format=fmt), AuditOptions(), ctx)
    except AccessError as exc:
        return GateCheck.of(check, False, [f"{exc.message} [{exc.code}]"], error=exc.code), []
    violations = [f for f in report.findings if f.outcome is Outcome.VIOLATION]
    reviews = [f for f in report.findings if f.outcome is Outcome.NEEDS_REVIEW]
    failed_parts = [p for p in report.parts if p.status == "failed"]
    problems = [f"{f.rule}: {f.message} ({' '.join(filter(None, [f.location.url or name, f.location.selector]))})"
                for f in violations]
    problems += [f"{p.id}: {(p.error or {}).get('message', 'could not be audited')}" for p in failed_parts]
    result = GateCheck.of(check, not violations and not failed_parts, problems,
                          violations=len(violations), needs_review=len(reviews),
                          rules_passed=sum(1 for f in report.findings if f.outcome is Outcome.PASS),
                          rules=sorted({f.rule for f in violations}), parts=len(report.parts),
                          engines=[e.model_dump() for e in report.engines])
    return result, [f.message for f in reviews]


def missing_alt_review(count: int) -> list[str]:
    """What a reviewer is told about images the writer marked for lack of a text alternative."""
    if not count:
        return []
    return [f"{count} image(s) had no text alternative in the source; each is marked in the output for a "
            "reviewer to describe."]
