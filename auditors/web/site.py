"""The site audit as a plan (:class:`access.auditing.Auditor`), one unit per page:

- ``discover``: the start URL through the URL guard, robots.txt (RFC 9309, its Crawl-delay) and
  the sitemaps read (the one named by the ``sitemap`` option, .xml or .xml.gz), the crawl's limits
  set; the first units are the start page and the sitemaps' in-scope pages, up to the page limit;
- ``audit_unit``: one page in a pooled browser session (axe-core + our own checks,
  :mod:`auditors.web.page_audit`), loaded when the host's politeness limit allows
  (:mod:`auditors.web.politeness`); its links, and the final URL after redirects as an alias;
- ``expand``: the page's new same-site, in-scope links one level deeper (pure: no I/O);
- ``assemble``: one Report in crawl order with the crawl's account (:mod:`auditors.web.account`:
  every URL found, audited, failed or skipped and why) and the linked documents (audited too with
  ``audit_documents``); the findings rolled up across pages (:mod:`access.rollup`).

The CLI, the embedded worker and the benchmark run the plan in one process
(:func:`access.auditing.run_audit`, ``browser_pool_size`` pages at once); with a broker the job
runner (:mod:`access.jobs`) fans the pages out over the workers, ``web_batch_pages`` per task.
Either way every page is loaded once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version as package_version

from pydantic import BaseModel, Field

from access.auditing import Discovery, Subject, Unit, UnitResult
from access.config import Settings, plugin_settings
from access.context import Context
from access.errors import UrlForbidden
from access.models import AuditOptions, EngineInfo, Report, SitemapRead, utcnow
from access.netguard import check_url
from auditors.web.account import Tally, crawl_account
from auditors.web.browser import BrowserSession, close_all_pools, get_pool
from auditors.web.crawl import Skip, crawl_scope, document_kind, new_links, normalize_url, url_key
from auditors.web.fetch import read_site_maps
from auditors.web.page_audit import PageResult, audit_page
from auditors.web.politeness import wait_turn
from auditors.web.settings import WebSettings


class Crawl(BaseModel):
    """What later steps need from discovery (``Discovery.data``, JSON so it crosses the broker)."""

    start: str
    robots: str | None = None          # robots.txt as read (None: the site has none)
    crawl_delay: float = 0.0           # seconds between requests robots.txt asks for
    sitemap_urls: int = 0
    sitemaps: list[SitemapRead] = Field(default_factory=list)
    sitemap_skips: dict[str, Tally] = Field(default_factory=dict)   # account list -> sitemap pages left out
    workers: int = 1
    started_at: datetime

    @property
    def robots_skipped(self) -> int:
        tally = self.sitemap_skips.get("skipped_robots")
        return tally.total if tally else 0

    def skip(self, name: str, url: str) -> None:
        self.sitemap_skips.setdefault(name, Tally()).add(url)


def start_url(url: str, options: AuditOptions, ctx: Context) -> str:
    checked = check_url(url, ctx.settings, allow_private=options.allow_private)
    normal = normalize_url(checked)
    if normal is None:
        raise UrlForbidden(f"{url!r} is not an http(s) URL.")
    return normal


def page_unit(url: str, depth: int) -> Unit:
    """A page to audit: keyed by :func:`url_key` (one page with or without a trailing slash),
    loaded at the URL first found."""
    return Unit(key=url_key(url), depth=depth, data={"url": url})


def page_limit(options: AuditOptions, settings: Settings) -> int:
    return max(1, min(options.max_pages, settings.max_crawl_pages))


def engines_of(session: BrowserSession | None) -> list[EngineInfo]:
    engines = []
    if session is not None:
        engines += [EngineInfo(name="chromium", version=session.browser_version),
                    EngineInfo(name="axe-core", version=session.axe_version)]
    engines.append(EngineInfo(name="selenium", version=package_version("selenium")))
    return engines


def audit_in_browser(url: str, options: AuditOptions, settings: Settings, crawl_delay: float = 0.0,
                     check_cancelled: Callable[[], None] | None = None) -> tuple[PageResult, list[EngineInfo]]:
    """One page in a session of this process's pool; once more in a fresh browser when the
    browser died under it (a page that timed out is not loaded again). Every load waits its turn
    under the host's politeness limit (``crawl_delay``: what the site's robots.txt asks for)."""
    pool = get_pool(settings)
    guarded = not options.allow_private
    timeout = plugin_settings(WebSettings, settings).page_timeout
    for attempt in (0, 1):
        session = pool.acquire(guarded)
        broken = False
        try:
            wait_turn(url, settings, crawl_delay, check_cancelled)     # once the browser is ready to go
            result = audit_page(session, url, options, timeout)
            broken = result.session_broken
            engines = engines_of(session)
        except Exception:
            broken = not session.alive()
            raise
        finally:
            pool.release(session, guarded, broken=broken)
        if not broken or attempt or (result.part.error or {}).get("code") == "timeout":
            break
    return result, engines


def linked_documents(results: list[UnitResult]) -> list[str]:
    """The documents (PDF, Office, EPUB) the pages link to, in crawl order, each once."""
    return list(dict.fromkeys(link for r in results for link in r.links if document_kind(link)))


@dataclass(frozen=True)
class WebAuditor:
    format: str = "web"
    queue: str = "browser"
    description: str = ("Site crawl in headless Chromium: axe-core + keyboard, focus, reflow, text spacing, media, "
                        "table and reading-level checks")
    unit_noun: str = "page"

    def discover(self, subject: Subject, options: AuditOptions, ctx: Context) -> Discovery:
        if subject.url is None:
            raise ValueError("the web auditor audits URLs, not files")
        started_at = utcnow()
        start = start_url(subject.url, options, ctx)
        site = read_site_maps(start, ctx.settings, allow_private=options.allow_private, sitemap=options.sitemap,
                              check_cancelled=ctx.check_cancelled)
        crawl = Crawl(start=start, robots=site.robots or None, crawl_delay=site.crawl_delay if
                      options.respect_robots else 0.0, sitemap_urls=len(site.pages), sitemaps=site.sitemaps,
                      started_at=started_at)
        scope = crawl_scope(start, crawl.robots, options)
        limit = page_limit(options, ctx.settings)
        crawl.workers = min(self.workers(ctx.settings), limit)
        units = {url_key(start): page_unit(start, 0)}
        for page_url in site.pages:
            normal = normalize_url(page_url, start)
            if normal is None or url_key(normal) in units:
                continue
            why = scope.why_not(normal)
            if why is Skip.ROBOTS:
                crawl.skip("skipped_robots", normal)
            elif why is Skip.EXCLUDE:
                crawl.skip("skipped_exclude", normal)
            elif why is not None:
                continue                                  # another site's page, or not a page
            elif options.max_depth < 1:
                crawl.skip("skipped_depth", normal)
            elif len(units) >= limit:
                crawl.skip("skipped_limit", normal)
            else:
                units[url_key(normal)] = page_unit(normal, 1)
        return Discovery(target=start, units=list(units.values()), limit=limit, data=crawl.model_dump(mode="json"))

    def audit_unit(self, unit: Unit, discovery: Discovery, options: AuditOptions, ctx: Context) -> UnitResult:
        ctx.check_cancelled()
        url = str(unit.data["url"])
        page, engines = audit_in_browser(url, options, ctx.settings, float(discovery.data.get("crawl_delay") or 0),
                                         ctx.check_cancelled)
        base = page.final_url or url
        links = [u for u in dict.fromkeys(normalize_url(href, base) for href in page.links) if u]
        final = normalize_url(page.final_url) if page.final_url else None
        aliases = [url_key(final)] if final and url_key(final) != unit.key else []
        return UnitResult(key=unit.key, parts=[page.part], findings=page.findings, engines=engines, links=links,
                          aliases=aliases)

    def expand(self, unit: Unit, result: UnitResult, discovery: Discovery, options: AuditOptions) -> list[Unit]:
        if unit.depth >= options.max_depth:
            return []
        scope = crawl_scope(str(discovery.data["start"]), discovery.data.get("robots"), options)
        pages, _ = new_links(result.links, str(unit.data["url"]), scope)
        return [page_unit(url, unit.depth + 1) for url in pages]

    def assemble(self, discovery: Discovery, results: list[UnitResult], options: AuditOptions,
                 ctx: Context) -> Report:
        crawl = Crawl.model_validate(discovery.data)
        parts = [p for r in results for p in r.parts]
        findings = [f for r in results for f in r.findings]
        documents = linked_documents(results)
        account = crawl_account(discovery, results, crawl_scope(crawl.start, crawl.robots, options),
                                crawl.sitemap_skips, requested=options.max_pages, max_depth=options.max_depth,
                                crawl_delay=crawl.crawl_delay, sitemaps=crawl.sitemaps)
        facts = {"pages_audited": sum(p.status == "audited" for p in parts),
                 "pages_failed": sum(p.status == "failed" for p in parts),
                 "pages_not_audited": account.count("skipped_limit"),
                 "robots_skipped": crawl.robots_skipped, "sitemap_urls": crawl.sitemap_urls,
                 "max_pages": discovery.limit, "max_depth": options.max_depth, "workers": crawl.workers}
        if options.audit_documents and documents:
            from auditors.web.documents import audit_linked_documents

            ctx.progress(99, "auditing linked documents")
            doc_parts, doc_findings = audit_linked_documents(documents, options, ctx, crawl.crawl_delay)
            parts += doc_parts
            findings += doc_findings
        # no standard filter here: our own checks come filtered by run_rules, axe-core runs only the
        # standard's tags, and linked documents come filtered by their auditors
        # (tests/auditors/web/test_standard_filter.py)
        return Report(target=crawl.start, target_kind="web", standard=options.standard,
                      engines=next((r.engines for r in results if r.engines), engines_of(None)), parts=parts,
                      findings=findings, documents=documents, crawl=account,
                      metadata={"crawl": facts, "axe_only": options.axe_only},
                      started_at=crawl.started_at).finish()

    def batch_size(self, settings: Settings) -> int:
        web = plugin_settings(WebSettings, settings)
        return web.web_batch_pages if web.web_fanout else 0

    def workers(self, settings: Settings) -> int:
        return plugin_settings(WebSettings, settings).browser_pool_size

    def close(self) -> None:
        close_all_pools()


AUDITOR = WebAuditor()
