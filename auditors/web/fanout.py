"""The crawl split in three for the Celery fan-out (``workers/web_tasks.py``): discover the pages
once, audit batches of pages on any number of workers, assemble one Report.

Everything crosses the queue as plain JSON (dicts and lists), so workers never import this
package: they find these functions as registry extras ``web.discover``, ``web.audit_pages`` and
``web.assemble``.
"""

from __future__ import annotations

from typing import Any

from access.models import AuditedPart, AuditOptions, EngineInfo, Finding, Report
from access.registry import Context
from auditors.web.browser import get_pool
from auditors.web.page_audit import audit_page
from auditors.web.site import assemble, crawl, start_url


def discover(url: str, options: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Crawl for links only (no axe, no own checks): the pages a site audit will cover."""
    opts = AuditOptions.model_validate(options)
    crawled = crawl(url, opts, ctx, audit=False)
    pages = [p.id for p in crawled["parts"] if p.status != "failed"]
    failed = [p.model_dump(mode="json") for p in crawled["parts"] if p.status == "failed"]
    return {"start": crawled["start"], "pages": pages, "failed": failed, "documents": crawled["documents"],
            "facts": crawled["facts"]}


def audit_pages(urls: list[str], options: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Audit a batch of pages in this worker's browser pool."""
    opts = AuditOptions.model_validate(options)
    for url in urls:                               # each URL is re-checked on the worker that loads it
        start_url(url, opts, ctx)
    pool = get_pool(ctx.settings)
    guarded = not opts.allow_private
    parts: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    engines: list[dict[str, Any]] = []
    for i, url in enumerate(urls):
        ctx.check_cancelled()
        session = pool.acquire(guarded)
        broken = True
        try:
            result = audit_page(session, url, opts, ctx.settings.page_timeout)
            broken = result.session_broken
            engines = [{"name": "chromium", "version": session.browser_version},
                       {"name": "axe-core", "version": session.axe_version}]
        finally:
            pool.release(session, guarded, broken=broken)
        parts.append(result.part.model_dump(mode="json"))
        findings.extend(f.model_dump(mode="json") for f in result.findings)
        ctx.progress(100.0 * (i + 1) / len(urls), f"page {i + 1}/{len(urls)}: {url}")
    return {"parts": parts, "findings": findings, "engines": engines}


def assemble_partials(discovered: dict[str, Any], partials: list[dict[str, Any]],
                      options: dict[str, Any], ctx: Context | None = None) -> Report:
    """One Report from the discovery result and every batch's partial result, in crawl order
    (with ``audit_documents`` and a ``ctx``, the linked documents are audited here)."""
    opts = AuditOptions.model_validate(options)
    by_page: dict[str, AuditedPart] = {}
    findings: list[Finding] = []
    engines: list[EngineInfo] = []
    for partial in partials:
        for p in partial.get("parts", []):
            part = AuditedPart.model_validate(p)
            by_page[part.id] = part
        findings.extend(Finding.model_validate(f) for f in partial.get("findings", []))
        engines = engines or [EngineInfo.model_validate(e) for e in partial.get("engines", [])]
    ordered = [by_page[u] for u in discovered["pages"] if u in by_page]
    ordered += [AuditedPart.model_validate(p) for p in discovered.get("failed", [])]
    facts = dict(discovered.get("facts", {}))
    facts.update(pages_audited=sum(p.status == "audited" for p in ordered),
                 pages_failed=sum(p.status == "failed" for p in ordered), fanned_out_batches=len(partials))
    documents = discovered.get("documents", [])
    if opts.audit_documents and documents and ctx is not None:
        from auditors.web.documents import audit_linked_documents

        doc_parts, doc_findings = audit_linked_documents(documents, opts, ctx)
        ordered += doc_parts
        findings += doc_findings
    return assemble(discovered["start"], opts, ordered, findings, documents, engines, facts)
