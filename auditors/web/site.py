"""Audit a whole site: same-origin breadth-first crawl from the start URL (seeded from
sitemap.xml, honouring robots.txt), each page audited in a pooled browser session, linked
documents listed (and audited with ``audit_documents``), one Report at the end.

The pieces are also exposed separately (``discover``, ``audit_pages``, ``assemble``) so the
Celery fan-out in ``workers/web_tasks.py`` can spread pages over workers.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from typing import Any
from urllib.parse import urljoin

from access.context import Context
from access.errors import AccessError, UrlForbidden
from access.models import AuditedPart, AuditOptions, EngineInfo, Finding, Report, utcnow
from access.netguard import check_url
from auditors.web.browser import BrowserSession, get_pool
from auditors.web.crawl import (
    CrawlScope,
    new_links,
    normalize_url,
    parse_robots,
    parse_sitemap,
    sitemaps_in_robots,
    url_key,
)
from auditors.web.fetch import fetch
from auditors.web.page_audit import PageResult, audit_page

log = logging.getLogger(__name__)
MAX_SITEMAP_BYTES = 5 * 1024 * 1024
MAX_SITEMAPS = 5


@dataclass
class CrawlState:
    """What the crawl has seen so far."""

    scope: CrawlScope
    max_pages: int
    max_depth: int
    queue: deque[tuple[str, int]] = field(default_factory=deque)
    seen: set[str] = field(default_factory=set)
    documents: dict[str, None] = field(default_factory=dict)
    robots_skipped: int = 0

    def offer(self, url: str, depth: int) -> None:
        key = url_key(url)
        if key in self.seen or depth > self.max_depth:
            return
        self.seen.add(key)
        self.queue.append((url, depth))

    def take_links(self, page: PageResult, depth: int) -> None:
        base = page.final_url or page.url
        pages, docs = new_links(page.links, base, self.scope)
        self.documents.update(dict.fromkeys(docs))
        for url in pages:
            self.offer(url, depth + 1)


def page_limit(options: AuditOptions, ctx: Context) -> int:
    return max(1, min(options.max_pages, ctx.settings.max_crawl_pages))


def start_url(url: str, options: AuditOptions, ctx: Context) -> str:
    checked = check_url(url, ctx.settings, allow_private=options.allow_private)
    normal = normalize_url(checked)
    if normal is None:
        raise UrlForbidden(f"{url!r} is not an http(s) URL.")
    return normal


def read_robots_and_sitemaps(start: str, options: AuditOptions, ctx: Context) -> tuple[Any, list[str]]:
    """(robots parser or None, page URLs listed in the site's sitemaps)."""
    robots_text = ""
    try:
        got = fetch(urljoin(start, "/robots.txt"), ctx.settings, allow_private=options.allow_private,
                    max_bytes=512 * 1024, timeout=min(10.0, ctx.settings.page_timeout))
        if got.status == 200:
            robots_text = got.body.decode("utf-8", "replace")
    except AccessError as exc:
        log.info("no robots.txt for %s: %s", start, exc.message)
    robots = parse_robots(robots_text) if robots_text else None
    queue = list(dict.fromkeys([*sitemaps_in_robots(robots_text), urljoin(start, "/sitemap.xml")]))
    pages: list[str] = []
    done = 0
    while queue and done < MAX_SITEMAPS:
        sitemap = queue.pop(0)
        done += 1
        try:
            got = fetch(sitemap, ctx.settings, allow_private=options.allow_private,
                        max_bytes=MAX_SITEMAP_BYTES, timeout=min(10.0, ctx.settings.page_timeout))
        except AccessError:
            continue
        if got.status != 200:
            continue
        urls, nested = parse_sitemap(got.body)
        pages.extend(urls)
        queue.extend(nested)
    return robots, pages


def _engines(session: BrowserSession | None) -> list[EngineInfo]:
    engines = []
    if session is not None:
        engines += [EngineInfo(name="chromium", version=session.browser_version),
                    EngineInfo(name="axe-core", version=session.axe_version)]
    engines.append(EngineInfo(name="selenium", version=package_version("selenium")))
    return engines


def crawl(url: str, options: AuditOptions, ctx: Context, *, audit: bool = True) -> dict[str, Any]:
    """Breadth-first crawl; audits each page unless ``audit`` is False (discovery only).
    Returns parts, findings, documents, engines and crawl facts."""
    settings = ctx.settings
    start = start_url(url, options, ctx)
    robots, sitemap_pages = read_robots_and_sitemaps(start, options, ctx)
    scope = CrawlScope.of(start, options, robots)
    state = CrawlState(scope=scope, max_pages=page_limit(options, ctx), max_depth=options.max_depth)
    state.offer(start, 0)
    for page_url in sitemap_pages:
        normal = normalize_url(page_url, start)
        if normal and scope.wants(normal):
            state.offer(normal, 1)
        elif normal and scope.same_site(normal) and not scope.robots_allow(normal):
            state.robots_skipped += 1
    pool = get_pool(settings)
    guarded = not options.allow_private
    workers = max(1, min(settings.browser_pool_size, state.max_pages))
    parts: list[AuditedPart] = []
    findings: list[Finding] = []
    first_session: list[BrowserSession] = []
    lock = threading.Lock()

    def run_one(page_url: str, attempt: int = 0) -> PageResult:
        ctx.check_cancelled()
        session = pool.acquire(guarded)
        if not first_session:
            first_session.append(session)
        broken = False
        try:
            if audit:
                result = audit_page(session, page_url, options, settings.page_timeout)
            else:
                session.use_timeout(settings.page_timeout)
                result = discover_page(session, page_url, options)
            broken = result.session_broken
        except Exception:
            broken = not session.alive()
            raise
        finally:
            pool.release(session, guarded, broken=broken)
        if broken and attempt == 0 and (result.part.error or {}).get("code") != "timeout":
            return run_one(page_url, attempt + 1)      # the browser died: once more in a fresh one
        return result

    started = 0
    finished = 0
    ctx.progress(0, "crawling")
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="access-web") as executor:
        running: dict[Future[PageResult], tuple[str, int]] = {}
        while state.queue or running:
            while state.queue and len(running) < workers and started < state.max_pages:
                page_url, depth = state.queue.popleft()
                running[executor.submit(run_one, page_url)] = (page_url, depth)
                started += 1
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                page_url, depth = running.pop(future)
                result = future.result()
                finished += 1
                with lock:
                    parts.append(result.part)
                    findings.extend(result.findings)
                    if result.part.status == "audited" or result.links:
                        state.take_links(result, depth)
                    if result.final_url:
                        final = normalize_url(result.final_url)
                        if final:
                            state.seen.add(url_key(final))
                total = min(state.max_pages, started + len(state.queue))
                ctx.progress(min(99.0, 100.0 * finished / max(total, 1)),
                             f"page {finished}/{total}: {page_url}")
    not_audited = [u for u, _ in state.queue]
    return {
        "start": start, "parts": parts, "findings": findings, "documents": list(state.documents),
        "engines": _engines(first_session[0] if first_session else None),
        "pages": [p.id for p in parts],
        "facts": {"pages_audited": sum(p.status == "audited" for p in parts),
                  "pages_failed": sum(p.status == "failed" for p in parts),
                  "pages_not_audited": len(not_audited), "robots_skipped": state.robots_skipped,
                  "sitemap_urls": len(sitemap_pages), "max_pages": state.max_pages,
                  "max_depth": state.max_depth, "workers": workers},
    }


def discover_page(session: BrowserSession, url: str, options: AuditOptions) -> PageResult:
    """Load a page for its links only (the fan-out's discovery step)."""
    from auditors.web.page_audit import PAGE_FACTS

    try:
        session.driver.get(url)
        facts = session.run(PAGE_FACTS) or {}
    except Exception as exc:
        alive = session.alive()
        part = AuditedPart(id=url, status="failed",
                           error={"code": "url_unreachable", "message": str(exc).splitlines()[0][:300]})
        return PageResult(url, part, session_broken=not alive)
    return PageResult(url, AuditedPart(id=url, title=facts.get("title") or None, status="skipped"),
                      links=list(facts.get("links", [])), final_url=facts.get("url"))


def assemble(start: str, options: AuditOptions, parts: list[AuditedPart], findings: list[Finding],
             documents: list[str], engines: list[EngineInfo], facts: dict[str, Any],
             started_at: Any = None) -> Report:
    report = Report(target=start, target_kind="web", standard=options.standard, engines=engines,
                    parts=parts, findings=[f for f in findings if f.counts_toward(options.standard)],
                    documents=documents,
                    metadata={"crawl": facts, "axe_only": options.axe_only})
    if started_at is not None:
        report.started_at = started_at
    return report.finish()


def audit_site(url: str, options: AuditOptions, ctx: Context) -> Report:
    """The web auditor: ``services.audit_url`` calls this (CLI, API task, benchmark)."""
    started_at = utcnow()
    crawled = crawl(url, options, ctx)
    documents = crawled["documents"]
    parts, findings = crawled["parts"], crawled["findings"]
    if options.audit_documents and documents:
        from auditors.web.documents import audit_linked_documents

        ctx.progress(99, "auditing linked documents")
        doc_parts, doc_findings = audit_linked_documents(documents, options, ctx)
        parts += doc_parts
        findings += doc_findings
    report = assemble(crawled["start"], options, parts, findings, documents, crawled["engines"],
                      crawled["facts"], started_at)
    ctx.progress(100, "done")
    return report
