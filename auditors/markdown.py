"""The Markdown auditor: ``access audit lesson.md`` audits the page the Markdown renders to
(:func:`access.markdown.render_markdown`: front matter, attribute lists, fenced divs) with the
static HTML rules, and points every finding at the Markdown line it comes from
(``Location.line``), so SARIF results land on the author's own lines in code scanning.

A title and a language come from the front matter (``title:``, ``lang:``); without them the page
has none, and the findings say so at line 1 (or at the front matter's line).
"""

from __future__ import annotations

from pathlib import Path

from access.auditing import FileAuditor
from access.context import Context
from access.errors import InvalidDocument
from access.limits import tree_limits
from access.markdown import render_markdown
from access.models import AuditedPart, AuditOptions, Report, SourceFile
from auditors.docreport import check_size
from auditors.html import audit_page, engine_info
from rules.html.dom import Page


def decode_markdown(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise InvalidDocument("The Markdown file is neither UTF-8 nor Windows-1252 text.")


def page_line(selector: str | None) -> int | None:
    """The page's own line an element without a source line is on: the ``html`` start tag (the
    language), the ``head`` (the title); None for anything else."""
    if selector == "html":
        return 2
    if selector and selector.startswith(("html > head", "head", "title")):
        return 3
    return None


def audit_markdown(source: SourceFile, options: AuditOptions, ctx: Context) -> Report:
    name = source.filename or Path(source.path).name
    check_size(Path(source.path), ctx.settings)
    ctx.progress(0, "rendering")
    rendered = render_markdown(decode_markdown(Path(source.path).read_bytes()))
    page = Page.parse(rendered.html, name=name, **tree_limits(ctx.settings))
    ctx.check_cancelled()
    ctx.progress(30, "checking")
    run = audit_page(page, options.standard)
    for f in run.findings:
        f.location.url = name
        line = rendered.source_line(f.location.line or f.data.get("line") or page_line(f.location.selector))
        if line:
            f.location.line = line
            f.data["line"] = line
        else:                                   # an HTML line with no Markdown line: say nothing
            f.location.line = None
            f.data.pop("line", None)
    report = Report(target=name, target_kind="markdown", standard=options.standard, engines=engine_info(),
                    parts=[AuditedPart(id=name, title=page.title), *run.failed_parts(name)], findings=run.findings,
                    metadata={"front_matter": {k: v for k, v in rendered.front_matter.items()
                                               if isinstance(v, str | int | float | bool)}})
    ctx.progress(100, "done")
    return report.finish()


AUDITOR = FileAuditor("markdown", audit_markdown, description="Markdown: the page it renders to (static HTML rules), "
                                                              "each finding at its Markdown line")
