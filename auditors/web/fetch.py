"""Plain HTTP fetches the crawl needs besides the browser (robots.txt, sitemaps, linked
documents): every redirect hop is checked by the URL guard, and bodies are size-limited."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from access.config import Settings, plugin_settings
from access.errors import AccessError, FileTooLarge, Timeout, UrlUnreachable
from access.netguard import check_redirect, check_url
from auditors.web.crawl import parse_sitemap, sitemaps_in_robots
from auditors.web.settings import WebSettings

log = logging.getLogger(__name__)
MAX_REDIRECTS = 5
MAX_ROBOTS_BYTES = 512 * 1024
MAX_SITEMAP_BYTES = 5 * 1024 * 1024
MAX_SITEMAPS = 5


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str
    body: bytes


def fetch(url: str, settings: Settings, *, allow_private: bool, max_bytes: int,
          timeout: float | None = None) -> Fetched:
    """GET ``url`` following at most five redirects, each checked like the first URL."""
    current = check_url(url, settings, allow_private=allow_private)
    headers = {"User-Agent": "access-audit (+accessibility audit)"}
    timeout = timeout or plugin_settings(WebSettings, settings).page_timeout
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                with client.stream("GET", current, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = check_redirect(current, response.headers["location"], settings,
                                                 allow_private=allow_private)
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


def read_robots_and_sitemaps(start: str, settings: Settings, *, allow_private: bool) -> tuple[str, list[str]]:
    """(the site's robots.txt, "" when it has none; the page URLs its sitemaps list)."""
    timeout = min(10.0, plugin_settings(WebSettings, settings).page_timeout)
    robots = ""
    try:
        got = fetch(urljoin(start, "/robots.txt"), settings, allow_private=allow_private,
                    max_bytes=MAX_ROBOTS_BYTES, timeout=timeout)
        if got.status == 200:
            robots = got.body.decode("utf-8", "replace")
    except AccessError as exc:
        log.info("no robots.txt for %s: %s", start, exc.message)
    queue = list(dict.fromkeys([*sitemaps_in_robots(robots), urljoin(start, "/sitemap.xml")]))
    pages: list[str] = []
    done = 0
    while queue and done < MAX_SITEMAPS:
        sitemap = queue.pop(0)
        done += 1
        try:
            got = fetch(sitemap, settings, allow_private=allow_private, max_bytes=MAX_SITEMAP_BYTES, timeout=timeout)
        except AccessError:
            continue
        if got.status != 200:
            continue
        urls, nested = parse_sitemap(got.body)
        pages.extend(urls)
        queue.extend(nested)
    return robots, pages
