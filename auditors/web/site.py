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

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version as package_version

from pydantic import BaseModel, Field

from access.auditing import Discovery, Subject, Unit, UnitResult
from access.browsing import PageState, parse_viewport
from access.config import Settings, plugin_settings
from access.context import Context
from access.errors import SessionLost, UrlForbidden
from access.models import AuditedPart, AuditOptions, EngineInfo, Finding, Report, SitemapRead, utcnow
from access.netguard import check_url
from auditors.web.account import Tally, crawl_account
from auditors.web.browser import BrowserSession, close_all_pools, get_pool
from auditors.web.crawl import Skip, crawl_scope, document_kind, new_links, normalize_url, origin, url_key
from auditors.web.fetch import read_site_maps
from auditors.web.page_audit import PageRecipe, PageResult, audit_page
from auditors.web.politeness import wait_turn
from auditors.web.session import Browsing, Keeper, begin, drop_keepers, keeper_for
from auditors.web.settings import WebSettings

AfterPage = Callable[[BrowserSession, PageResult], None]


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


def audit_in_browser(url: str, options: AuditOptions, settings: Settings, recipe: PageRecipe | None = None,
                     viewport: tuple[int, int] | None = None, *, after: AfterPage | None = None,
                     crawl_delay: float = 0.0, check_cancelled: Callable[[], None] | None = None,
                     ) -> tuple[PageResult, list[EngineInfo]]:
    """One page in a session of this process's pool, with the audit's session (cookies, storage,
    headers: ``recipe.keeper``) and at ``viewport``; once more in a fresh browser when the browser
    died under it (a page that timed out is not loaded again). Every load waits its turn under the
    host's politeness limit (``crawl_delay``: what the site's robots.txt asks for). ``after`` runs
    on the session with the audited page still loaded (another auditor's extra checks, e.g. the
    EPUB auditor's best-practice axe rules) when the page was audited."""
    pool = get_pool(settings)
    guarded = not options.allow_private
    timeout = plugin_settings(WebSettings, settings).page_timeout
    recipe = recipe or PageRecipe()
    for attempt in (0, 1):
        session = pool.acquire(guarded)
        broken = False
        try:
            session.use_viewport(viewport)
            if recipe.keeper is not None:
                recipe.keeper.enter(session)
            session.origins.add(origin(url))
            wait_turn(url, settings, crawl_delay, check_cancelled)     # once the browser is ready to go
            result = audit_page(session, url, options, timeout, recipe)
            if result.session_lost and recipe.keeper is not None:
                result = again_signed_in(session, url, options, timeout, recipe, recipe.keeper)
            elif recipe.keeper is not None and result.part.status == "audited":
                recipe.keeper.kept()
            if after is not None and result.part.status == "audited" and not result.session_broken:
                after(session, result)
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


def again_signed_in(session: BrowserSession, url: str, options: AuditOptions, timeout: float, recipe: PageRecipe,
                    keeper: Keeper) -> PageResult:
    """A page that showed the session was lost: sign in again (once) and audit it again; when the
    session cannot be had back, the page is a ``session_lost`` part saying why."""
    result = None
    for _ in (0, 1):
        if not keeper.sign_in_again(session, session.identity, timeout):
            break
        keeper.enter(session)
        result = audit_page(session, url, options, timeout, recipe)
        if not result.session_lost:
            keeper.kept()
            return result
    part = AuditedPart(id=url, status="failed", error={"code": SessionLost.code, "message": keeper.broken or ""})
    return PageResult(url, part, session_lost=True, session_broken=result.session_broken if result else False)


# ----------------------------------------------------------------------------- sign-in, states, viewports


def sign_in_first(start: str, options: AuditOptions, ctx: Context) -> dict[str, object]:
    """The audit's session (``Discovery.data["browsing"]``): signed in once, before the crawl, in a
    browser of this process's pool, and sealed (:func:`auditors.web.session.begin`)."""
    if options.sign_in is None:
        return Browsing(audit_id=uuid.uuid4().hex).model_dump(mode="json")
    ctx.progress(0, "signing in")
    timeout = plugin_settings(WebSettings, ctx.settings).page_timeout
    with get_pool(ctx.settings).session(not options.allow_private) as browser:
        browsing = begin(browser, options.sign_in, start, timeout, ctx.settings)
    return browsing.model_dump(mode="json")


def start_and_state_units(start: str, options: AuditOptions, same_site: Callable[[str], bool]) -> list[Unit]:
    """More start pages (``urls``, same site) and one unit per named state (audited as its own part)."""
    units = []
    for url in options.urls:
        normal = normalize_url(url, start)
        if normal is None or not same_site(normal):
            raise UrlForbidden(f"{url!r}: more start URLs must be on the site of the first ({origin(start)}).")
        units.append(page_unit(normal, 0))
    for state in options.states:
        url = normalize_url(state.url or start, start)
        if url is None or not same_site(url):
            raise UrlForbidden(f"state {state.name!r}: its URL must be on the site audited ({origin(start)}).")
        units.append(Unit(key=f"state:{state.name}", depth=options.max_depth, data={"url": url, "state": state.name}))
    return units


def renderings(options: AuditOptions) -> list[tuple[str | None, tuple[int, int] | None]]:
    """(label, size) of each viewport a page is audited at: the configured ones, else the browser's
    window (desktop, untagged)."""
    return [(v, parse_viewport(v)) for v in options.viewports] or [(None, None)]


def is_page(part: AuditedPart, options: AuditOptions) -> bool:
    """A page as loaded at the first viewport (not a state, not another viewport)."""
    return part.state is None and part.viewport in (None, renderings(options)[0][0])


def audit_renderings(url: str, state: PageState | None, options: AuditOptions, ctx: Context, keeper: Keeper,
                     crawl_delay: float = 0.0) -> tuple[PageResult, list[EngineInfo], list[AuditedPart], list[Finding]]:
    """The page (or its state) at every viewport: each rendering its own part, each finding tagged
    with its viewport and state. The first rendering's result gives the links."""
    shots = ctx.artifacts_dir if options.screenshots else None
    first: tuple[PageResult, list[EngineInfo]] | None = None
    parts: list[AuditedPart] = []
    findings: list[Finding] = []
    for n, (label, size) in enumerate(renderings(options)):
        name = state.name if state else None
        recipe = PageRecipe.of(options, keeper=keeper, actions=tuple(state.actions) if state else (), shots=shots,
                               shot_key=f"{label or ''}|{name or ''}")
        page, engines = audit_in_browser(url, options, ctx.settings, recipe, size, crawl_delay=crawl_delay,
                                         check_cancelled=ctx.check_cancelled)
        first = first or (page, engines)
        tags = [t for t in ((label if n else None), (f"state: {name}" if name else None)) if t]
        page.part.id = url + (f" [{', '.join(tags)}]" if tags else "")
        page.part.viewport, page.part.state = label, name
        for f in page.findings:
            f.location.viewport, f.location.state = label, name
        parts.append(page.part)
        findings += page.findings
    assert first is not None
    return first[0], first[1], parts, findings


def browsing_summary(discovery: Discovery, results: list[UnitResult], options: AuditOptions) -> dict[str, object]:
    """The report's ``sign_in`` record (when the audit signed in): how often the site signed the
    audit out and it signed in again, and the pages lost to a session that did not come back."""
    if not Browsing.model_validate(discovery.data.get("browsing") or {"audit_id": ""}).signed_in:
        return {}
    lost = [p.id for r in results for p in r.parts if (p.error or {}).get("code") == SessionLost.code]
    return {"sign_in": {"signed_in": True, "signed_in_again": sum(int(r.data.get("signed_in_again", 0))
                                                                   for r in results),
                        "session_lost_pages": lost, "states": [s.name for s in options.states],
                        "viewports": list(options.viewports)}}


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
        pages = {url_key(start): page_unit(start, 0)}
        for page_url in site.pages:
            normal = normalize_url(page_url, start)
            if normal is None or url_key(normal) in pages:
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
            elif len(pages) >= limit:
                crawl.skip("skipped_limit", normal)
            else:
                pages[url_key(normal)] = page_unit(normal, 1)
        units = list(pages.values())
        units += start_and_state_units(start, options, scope.same_site)
        data = crawl.model_dump(mode="json")
        data["browsing"] = sign_in_first(start, options, ctx)
        return Discovery(target=start, units=units, limit=limit + len(options.states), data=data)

    def audit_unit(self, unit: Unit, discovery: Discovery, options: AuditOptions, ctx: Context) -> UnitResult:
        ctx.check_cancelled()
        url = str(unit.data["url"])
        keeper = keeper_for(discovery.data.get("browsing"), options.sign_in, discovery.target, ctx.settings)
        state = next((s for s in options.states if s.name == unit.data.get("state")), None)
        if keeper.broken is not None:          # signed out for good: the sign-in page is not audited again
            part = AuditedPart(id=url, status="failed", state=state.name if state else None,
                               error={"code": SessionLost.code, "message": keeper.broken})
            return UnitResult(key=unit.key, parts=[part], engines=engines_of(None))
        again = keeper.signed_in_again
        page, engines, parts, findings = audit_renderings(url, state, options, ctx, keeper,
                                                          float(discovery.data.get("crawl_delay") or 0))
        base = page.final_url or url
        links = [u for u in dict.fromkeys(normalize_url(href, base) for href in page.links) if u]
        final = normalize_url(page.final_url) if page.final_url else None
        aliases = [url_key(final)] if final and url_key(final) != unit.key and state is None else []
        return UnitResult(key=unit.key, parts=parts, findings=findings, engines=engines, links=links,
                          aliases=aliases, data={"signed_in_again": keeper.signed_in_again - again})

    def expand(self, unit: Unit, result: UnitResult, discovery: Discovery, options: AuditOptions) -> list[Unit]:
        if unit.depth >= options.max_depth:
            return []
        scope = crawl_scope(str(discovery.data["start"]), discovery.data.get("robots"), options)
        pages, _ = new_links(result.links, str(unit.data["url"]), scope)
        return [page_unit(url, unit.depth + 1) for url in pages]

    def assemble(self, discovery: Discovery, results: list[UnitResult], options: AuditOptions,
                 ctx: Context) -> Report:
        crawl = Crawl.model_validate(discovery.data)
        drop_keepers(discovery.data.get("browsing") or {})        # the audit is over: its session too
        parts = [p for r in results for p in r.parts]
        findings = [f for r in results for f in r.findings]
        documents = linked_documents(results)
        account = crawl_account(discovery, results, crawl_scope(crawl.start, crawl.robots, options),
                                crawl.sitemap_skips, requested=options.max_pages, max_depth=options.max_depth,
                                crawl_delay=crawl.crawl_delay, sitemaps=crawl.sitemaps)
        facts = {"pages_audited": sum(p.status == "audited" and is_page(p, options) for p in parts),
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
        metadata = {"crawl": facts, "axe_only": options.axe_only, **browsing_summary(discovery, results, options)}
        return Report(target=crawl.start, target_kind="web", standard=options.standard,
                      engines=next((r.engines for r in results if r.engines), engines_of(None)), parts=parts,
                      findings=findings, documents=documents, crawl=account, metadata=metadata,
                      started_at=crawl.started_at).finish()

    def batch_size(self, settings: Settings) -> int:
        web = plugin_settings(WebSettings, settings)
        return web.web_batch_pages if web.web_fanout else 0

    def workers(self, settings: Settings) -> int:
        return plugin_settings(WebSettings, settings).browser_pool_size

    def close(self) -> None:
        close_all_pools()
        drop_keepers()


AUDITOR = WebAuditor()
