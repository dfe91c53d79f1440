"""Plain HTTP fetches the crawl needs besides the browser (robots.txt, sitemaps, linked
documents): every connection is resolved once, checked by the URL guard and made to the checked
address (:func:`access.netguard.guarded_client`, no DNS-rebinding gap), every redirect hop waits its
turn under the per-host politeness limit (:mod:`auditors.web.politeness`), and bodies are size-limited."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from access.config import Settings, plugin_settings
from access.errors import AccessError, FileTooLarge, Timeout, UrlUnreachable
from access.models import SitemapRead
from access.netguard import guarded_client, url_target
from auditors.web.crawl import parse_sitemap, robots_delay, sitemap_xml, sitemaps_in_robots
from auditors.web.politeness import wait_turn
from auditors.web.settings import WebSettings

log = logging.getLogger(__name__)
MAX_REDIRECTS = 5
MAX_ROBOTS_BYTES = 512 * 1024
MAX_SITEMAP_BYTES = 10 * 1024 * 1024       # as sent (a .xml.gz file); 50 MB once decompressed
MAX_SITEMAPS = 10                          # sitemap files read per audit (an index and its sitemaps)
USER_AGENT_HEADER = "access-audit (+accessibility audit)"


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str
    body: bytes


def fetch(url: str, settings: Settings, *, allow_private: bool, max_bytes: int,
          timeout: float | None = None, crawl_delay: float = 0.0,
          check_cancelled: Callable[[], None] | None = None) -> Fetched:
    """GET ``url`` following at most five redirects, each checked like the first URL and each
    waiting its turn under the host's politeness limit (``crawl_delay``: what its robots.txt asks)."""
    url_target(url)
    current = url.strip()
    headers = {"User-Agent": USER_AGENT_HEADER}
    timeout = timeout or plugin_settings(WebSettings, settings).page_timeout
    with guarded_client(settings, allow_private=allow_private, follow_redirects=False, timeout=timeout) as client:
        for _ in range(MAX_REDIRECTS + 1):
            wait_turn(current, settings, crawl_delay, check_cancelled)
            try:
                with client.stream("GET", current, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        url_target(current)
                        continue
                    declared = int(response.headers.get("content-length") or 0)
                    if declared > max_bytes:
                        raise FileTooLarge(f"{current} is {declared} bytes; the limit is {max_bytes}.")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise FileTooLarge(f"{current} is larger than the limit of {max_bytes} bytes.")
                    return Fetched(url=current, status=response.status_code,
                                   content_type=response.headers.get("content-type", ""), body=bytes(body))
            except httpx.TimeoutException as exc:
                raise Timeout(f"{current} did not answer in time.") from exc
            except httpx.HTTPError as exc:
                raise UrlUnreachable(f"{current} could not be fetched: {exc}") from exc
    raise UrlUnreachable(f"{url} redirects more than {MAX_REDIRECTS} times.")


@dataclass
class SiteMaps:
    """What a site says about crawling it: robots.txt ("" when it has none), the pause between
    requests it asks for, the page URLs its sitemaps list, and each sitemap read."""

    robots: str = ""
    crawl_delay: float = 0.0
    pages: list[str] = field(default_factory=list)
    sitemaps: list[SitemapRead] = field(default_factory=list)


def read_site_maps(start: str, settings: Settings, *, allow_private: bool, sitemap: str | None = None,
                   check_cancelled: Callable[[], None] | None = None) -> SiteMaps:
    """robots.txt and the sitemaps: the one named (``sitemap``, .xml or .xml.gz, a sitemap index
    too), else those robots.txt lists and ``/sitemap.xml``. A sitemap the user or robots.txt named
    that cannot be read is in ``sitemaps`` with why; the guessed ``/sitemap.xml`` only when read."""
    timeout = min(10.0, plugin_settings(WebSettings, settings).page_timeout)
    found = SiteMaps()
    robots_url = urljoin(start, "/robots.txt")
    try:
        got = fetch(robots_url, settings, allow_private=allow_private, max_bytes=MAX_ROBOTS_BYTES,
                    timeout=timeout, check_cancelled=check_cancelled)
        if got.status == 200:
            found.robots = got.body.decode("utf-8", "replace")
    except AccessError as exc:
        log.info("no robots.txt for %s: %s", start, exc.message)
    found.crawl_delay = robots_delay(found.robots)
    guess = urljoin(start, "/sitemap.xml")
    queue = [urljoin(start, sitemap)] if sitemap else list(dict.fromkeys(
        [*sitemaps_in_robots(found.robots, robots_url), guess]))
    done = 0
    while queue and done < MAX_SITEMAPS:
        url = queue.pop(0)
        done += 1
        read = SitemapRead(url=url)
        try:
            got = fetch(url, settings, allow_private=allow_private, max_bytes=MAX_SITEMAP_BYTES, timeout=timeout,
                        crawl_delay=found.crawl_delay, check_cancelled=check_cancelled)
            if got.status != 200:
                raise UrlUnreachable(f"HTTP {got.status}")
            pages, nested = parse_sitemap(sitemap_xml(got.body))
            if not pages and not nested:
                raise AccessError("not a sitemap (no <url> or <sitemap> entries)")
        except AccessError as exc:
            log.info("sitemap %s not read: %s", url, exc.message)
            if sitemap or url != guess:         # one the user or the site named: say why
                read.error = exc.message
                found.sitemaps.append(read)
            continue
        read.pages = len(pages)
        found.sitemaps.append(read)
        found.pages.extend(pages)
        queue.extend(nested)
    return found
