"""The static HTML auditor: an uploaded .html file, or a zip of HTML pages, audited without a browser.

Each page is parsed with lxml (no network, no entities, nothing executed) and every rule in
``rules.html`` runs on it. Per page and rule the report keeps each violation and needs-review
finding with its place, plus one ``pass`` finding (the rule applied and nothing failed) or one
``inapplicable`` finding (nothing on the page for the rule to check), so JUnit and EARL reports can
show what was tested. Findings whose WCAG criteria all lie outside the chosen standard are dropped.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

from access import access_version
from access.auditing import FileAuditor
from access.catalogue import Rule
from access.context import Context
from access.errors import AccessError, InvalidDocument
from access.formats import HTML_SUFFIXES
from access.limits import tree_limits
from access.models import (
    AuditedPart,
    AuditOptions,
    EngineInfo,
    Location,
    Report,
    SourceFile,
    Standard,
)
from access.rulerun import RuleRun, run_rules
from access.safezip import check_zip_for, read_member
from auditors.docreport import check_size
from rules.html import RULES
from rules.html.dom import Page

ENGINE = "access-html"


def engine_info() -> list[EngineInfo]:
    return [EngineInfo(name=ENGINE, version=access_version()), EngineInfo(name="lxml", version=etree.__version__)]


def audit_page(page: Page, standard: Standard = Standard.WCAG22AA, rules: list[Rule] | None = None) -> RuleRun:
    """The report findings of one parsed page (each flagged finding with its source line)."""
    run = run_rules(rules or RULES.rules(), page, standard=standard, where=Location(url=page.name))
    for f in run.findings:
        if f.location.line is None and f.location.selector:
            f.location.line = page.line_of(f.location.selector)
    return run


def audit_html(source: SourceFile, options: AuditOptions, ctx: Context) -> Report:
    """Audit one uploaded HTML file."""
    name = source.filename or Path(source.path).name
    report = Report(target=name, target_kind="html", standard=options.standard, engines=engine_info())
    ctx.progress(0, "parsing")
    check_size(Path(source.path), ctx.settings)
    page = Page.parse(Path(source.path).read_bytes(), name=name, **tree_limits(ctx.settings))
    ctx.check_cancelled()
    ctx.progress(30, "checking")
    run = audit_page(page, options.standard)
    report.findings = run.findings
    report.parts = [AuditedPart(id=name, title=page.title), *run.failed_parts(name)]
    ctx.progress(100, "done")
    return report.finish()


def html_members(names: list[str]) -> list[str]:
    return sorted(n for n in names if n.lower().endswith(HTML_SUFFIXES) and not n.endswith("/")
                  and not PurePosixPath(n).name.startswith(".") and "__MACOSX/" not in n)


def audit_zip(source: SourceFile, options: AuditOptions, ctx: Context) -> Report:
    """Audit every HTML page in a zip (a course export, a static site); one part per page."""
    settings = ctx.settings
    path = Path(source.path)
    name = source.filename or path.name
    members = html_members(check_zip_for(path, settings))
    if not members:
        raise InvalidDocument("The zip file holds no HTML pages (.html, .htm).")
    report = Report(target=name, target_kind="html", standard=options.standard, engines=engine_info(),
                    metadata={"pages_in_zip": len(members)})
    limit = min(options.max_pages, settings.max_pages) if "max_pages" in options.model_fields_set \
        else settings.max_pages
    with zipfile.ZipFile(path) as zf:
        for i, member in enumerate(members):
            ctx.check_cancelled()
            ctx.progress(100 * i / len(members), f"page {i + 1} of {len(members)}")
            if i >= limit:
                report.parts.append(AuditedPart(id=member, status="skipped",
                                                error={"code": "limit_exceeded",
                                                       "message": f"Only the first {limit} pages are audited."}))
                continue
            try:
                page = Page.parse(read_member(zf, member), name=member, **tree_limits(settings))
            except AccessError as exc:
                report.parts.append(AuditedPart(id=member, status="failed",
                                                error={"code": exc.code, "message": exc.message}))
                continue
            run = audit_page(page, options.standard)
            report.findings.extend(run.findings)
            report.parts += [AuditedPart(id=member, title=page.title), *run.failed_parts(member)]
    ctx.progress(100, "done")
    return report.finish()


HTML_AUDITOR = FileAuditor("html", audit_html, description="Static audit of an HTML file (no browser).")
ZIP_AUDITOR = FileAuditor("zip", audit_zip, description="Static audit of every HTML page in a zip.")
