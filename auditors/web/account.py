"""The crawl account, pure: where every same-site page URL a site audit met ended up.

Each URL the crawl met (the start URL, the sitemaps' pages, every page's links) lands in exactly
one list of :class:`access.models.CrawlAccount`, the first that applies:

1. ``audited`` / ``failed``: a page the audit loaded (a redirect's target counts as the page);
2. ``skipped_limit``: in scope, but the page limit (``max_pages``) was reached — the ledger's
   refused keys, and sitemap pages past the limit;
3. ``skipped_exclude``: an exclude pattern matched, or no include pattern did;
4. ``skipped_robots``: robots.txt disallows it;
5. ``skipped_depth``: in scope, but only linked from pages at ``max_depth``.

Links to other sites and to non-pages (images, documents) are not pages of the site and are not
counted (linked documents are listed in ``Report.documents``). Lists keep at most
:data:`LIST_CAP` URLs, sorted; ``totals`` has every list's full count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from access.auditing import Discovery, UnitResult
from access.models import CRAWL_LISTS, CrawlAccount, SitemapRead
from auditors.web.crawl import CrawlScope, Skip, normalize_url, url_key

LIST_CAP = 1000
REASONS = {Skip.EXCLUDE: "skipped_exclude", Skip.ROBOTS: "skipped_robots"}


class Tally(BaseModel):
    """URLs set aside for one reason during discovery (JSON, in ``Discovery.data``): the first
    :data:`LIST_CAP` of them, and how many there were."""

    urls: list[str] = Field(default_factory=list)
    total: int = 0

    def add(self, url: str) -> None:
        self.total += 1
        if len(self.urls) < LIST_CAP:
            self.urls.append(url)


@dataclass
class Sorting:
    """Each URL key to the list it belongs in; the first list a key is put in keeps it."""

    lists: dict[str, dict[str, str]] = field(default_factory=lambda: {name: {} for name in CRAWL_LISTS})
    placed: set[str] = field(default_factory=set)
    unlisted: dict[str, int] = field(default_factory=dict)     # URLs only counted (a tally's overflow)

    def put(self, name: str, url: str, key: str | None = None) -> None:
        key = key or url_key(url)
        if key not in self.placed:
            self.placed.add(key)
            self.lists[name][key] = url

    def account(self, **facts: object) -> CrawlAccount:
        totals = {name: len(urls) + self.unlisted.get(name, 0) for name, urls in self.lists.items()}
        lists = {name: sorted(urls.values())[:LIST_CAP] for name, urls in self.lists.items()}
        return CrawlAccount(found=sum(totals.values()), totals=totals, **lists, **facts)  # type: ignore[arg-type]


def crawl_account(discovery: Discovery, results: list[UnitResult], scope: CrawlScope,
                  sitemap_skips: dict[str, Tally], *, requested: int, max_depth: int, crawl_delay: float,
                  sitemaps: list[SitemapRead]) -> CrawlAccount:
    """The account of a site audit from its discovery, the page results and the crawl's scope."""
    sorting = Sorting()
    urls = _urls_met(discovery, results)
    for r in results:
        if normalize_url(r.key) is None:          # a unit that is not a page (a named state of one)
            continue
        status = "audited" if any(p.status == "audited" for p in r.parts) else "failed"
        sorting.put(status, urls.get(r.key, r.key), r.key)
        sorting.placed.update(r.aliases)          # the same page under the address it redirected to
    for key in discovery.data.get("over_limit_keys", []):
        sorting.put("skipped_limit", urls.get(key, key), key)
    for name, tally in sitemap_skips.items():
        for url in tally.urls:
            sorting.put(name, url)
        sorting.unlisted[name] = sorting.unlisted.get(name, 0) + tally.total - len(tally.urls)
    for key, url in urls.items():
        why = scope.why_not(url)
        if why in REASONS:
            sorting.put(REASONS[why], url, key)
        elif why is None:
            sorting.put("skipped_depth", url, key)
    return sorting.account(requested=requested, max_depth=max_depth, crawl_delay=crawl_delay or None,
                           sitemaps=sitemaps)


def _urls_met(discovery: Discovery, results: list[UnitResult]) -> dict[str, str]:
    """Every URL key the crawl met to the URL it was first met as: units first, then links."""
    urls: dict[str, str] = {}
    for unit in discovery.units:
        urls.setdefault(unit.key, str(unit.data.get("url", unit.key)))
    for r in results:
        for url in _absolute(r.links):
            urls.setdefault(url_key(url), url)
    return urls


def _absolute(links: Iterable[str]) -> Iterable[str]:
    for link in links:
        url = normalize_url(link)
        if url:
            yield url
