"""Crawl scope, pure: URL normalisation, same-origin and include/exclude filters, robots.txt,
sitemaps, and which links are documents rather than pages."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from lxml import etree

from access.errors import ValidationFailed
from access.models import AuditOptions

USER_AGENT = "access-audit"
DOCUMENT_EXTENSIONS = {".pdf": "pdf", ".docx": "docx", ".pptx": "pptx", ".doc": "doc", ".ppt": "ppt",
                       ".odt": "odt", ".epub": "epub"}
SKIPPED_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".ico", ".css", ".js", ".json",
                      ".xml", ".zip", ".gz", ".mp3", ".mp4", ".webm", ".ogg", ".wav", ".avi", ".mov",
                      ".woff", ".woff2", ".ttf", ".txt", ".csv", ".xlsx", ".xls", ".rss", ".atom")
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str, base: str | None = None) -> str | None:
    """The URL to fetch: absolute, lower-case scheme and host, no default port, no fragment (but an
    app's route, :func:`route_of`), dot
    segments and repeated slashes resolved, query parameters sorted. A trailing slash is kept
    (servers may answer differently); :func:`url_key` ignores it for de-duplication.
    None for anything that is not an http(s) URL."""
    try:
        parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if path != "/":
        trailing = path.endswith("/")
        path = posixpath.normpath(path)
        path = "/" if path in (".", "/") else path + ("/" if trailing else "")
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((scheme, netloc, path, query, route_of(parts.fragment)))


def route_of(fragment: str) -> str:
    """The fragment when it is an app's route (``#/topics/2``, ``#!/topics/2``): then the URL is a page
    of its own; "" for an in-page anchor (``#intro``) or the app's root route."""
    return fragment if fragment.startswith(("/", "!/")) and fragment not in ("/", "!/") else ""


def url_key(url: str) -> str:
    """De-duplication key of a normalised URL: the same page with or without a trailing slash."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, route_of(parts.fragment)))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def document_kind(url: str) -> str | None:
    path = urlsplit(url).path.lower()
    for ext, kind in DOCUMENT_EXTENSIONS.items():
        if path.endswith(ext):
            return kind
    return None


def looks_like_page(url: str) -> bool:
    return not urlsplit(url).path.lower().endswith(SKIPPED_EXTENSIONS) and document_kind(url) is None


def parse_robots(text: str) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


def sitemaps_in_robots(text: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.lower().startswith("sitemap:") and ":" in line]


def parse_sitemap(xml: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) of a sitemap or sitemap index; ([], []) when unreadable."""
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True,
                                                            huge_tree=False))
    except etree.XMLSyntaxError:
        return [], []
    locs = [(el.getparent(), (el.text or "").strip()) for el in root.iter("{*}loc")]
    pages = [u for parent, u in locs if u and etree.QName(parent).localname == "url"]
    nested = [u for parent, u in locs if u and etree.QName(parent).localname == "sitemap"]
    return pages, nested


@dataclass
class CrawlScope:
    """Which URLs a crawl may visit."""

    start: str
    include: list[re.Pattern[str]] = field(default_factory=list)
    exclude: list[re.Pattern[str]] = field(default_factory=list)
    robots: RobotFileParser | None = None

    @classmethod
    def of(cls, start: str, options: AuditOptions, robots: RobotFileParser | None = None) -> CrawlScope:
        try:
            include = [re.compile(p) for p in options.include]
            exclude = [re.compile(p) for p in options.exclude]
        except re.error as exc:
            raise ValidationFailed(f"Invalid include/exclude pattern: {exc}") from exc
        return cls(start=start, include=include, exclude=exclude,
                   robots=robots if options.respect_robots else None)

    def same_site(self, url: str) -> bool:
        return origin(url) == origin(self.start)

    def robots_allow(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(USER_AGENT, url)

    def wants(self, url: str) -> bool:
        """A page this crawl should audit (the start URL always passes the patterns)."""
        if not self.same_site(url) or not looks_like_page(url) or not self.robots_allow(url):
            return False
        if url == self.start:
            return True
        if self.include and not any(p.search(url) for p in self.include):
            return False
        return not any(p.search(url) for p in self.exclude)


def new_links(links: Iterable[str], base: str, scope: CrawlScope) -> tuple[list[str], list[str]]:
    """(pages to crawl, documents) among the hrefs found on ``base``, normalised and deduplicated."""
    pages: dict[str, None] = {}
    documents: dict[str, None] = {}
    for href in links:
        url = normalize_url(href, base)
        if url is None:
            continue
        if document_kind(url):
            documents[url] = None
        elif scope.wants(url):
            pages[url] = None
    return list(pages), list(documents)


def crawl_scope(start: str, robots: str | None, options: AuditOptions) -> CrawlScope:
    """The scope of a crawl from its start URL, its robots.txt text and the options; made once per
    crawl and process (the crawl asks for it page after page)."""
    exclude = (*options.exclude, *options.sign_out_patterns())     # sign-out links are never followed
    return _scope(start, robots, tuple(options.include), exclude, options.respect_robots)


@lru_cache(maxsize=32)
def _scope(start: str, robots: str | None, include: tuple[str, ...], exclude: tuple[str, ...],
           respect_robots: bool) -> CrawlScope:
    options = AuditOptions(include=list(include), exclude=list(exclude), respect_robots=respect_robots)
    return CrawlScope.of(start, options, parse_robots(robots) if robots else None)
