"""Crawl scope, pure: normalisation, dedupe keys, robots (RFC 9309 edge cases), sitemaps (.xml
and .xml.gz), link sorting, why a URL is left out."""

from __future__ import annotations

import gzip

import pytest

from access.errors import FileTooLarge, ValidationFailed
from access.models import AuditOptions
from auditors.web.crawl import (
    USER_AGENT,
    CrawlScope,
    Skip,
    document_kind,
    new_links,
    normalize_url,
    parse_robots,
    parse_sitemap,
    robots_delay,
    sitemap_xml,
    sitemaps_in_robots,
    url_key,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("HTTP://Example.ORG:80/a/b#frag", "http://example.org/a/b"),
    ("https://example.org:443/", "https://example.org/"),
    ("https://example.org", "https://example.org/"),
    ("http://example.org:8080/x/../y/./z", "http://example.org:8080/y/z"),
    ("http://example.org//a///b/", "http://example.org/a/b/"),
    ("http://example.org/p?b=2&a=1&a=0", "http://example.org/p?a=0&a=1&b=2"),
    ("http://[::1]:8000/x", "http://[::1]:8000/x"),
    ("mailto:teacher@example.org", None), ("javascript:void(0)", None), ("ftp://example.org/", None),
    ("http://example.org:99999/", None),
])
def test_normalize_url(raw: str, expected: str | None) -> None:
    assert normalize_url(raw) == expected


def test_relative_links_resolve_against_the_page() -> None:
    assert normalize_url("../b?x=1#top", "http://example.org/a/page") == "http://example.org/b?x=1"


def test_url_key_ignores_trailing_slash_only() -> None:
    assert url_key("http://example.org/a/") == url_key("http://example.org/a")
    assert url_key("http://example.org/") == "http://example.org/"
    assert url_key("http://example.org/a?x=1") != url_key("http://example.org/a")


def test_robots_and_sitemap_lines() -> None:
    text = "User-agent: *\nDisallow: /private/\nSitemap: https://example.org/sm.xml\n"
    robots = parse_robots(text)
    assert not robots.can_fetch("https://example.org/private/x", USER_AGENT)
    assert robots.can_fetch("https://example.org/public", USER_AGENT)
    assert sitemaps_in_robots(text, "https://example.org/robots.txt") == ["https://example.org/sm.xml"]
    relative = "User-agent: *\nSitemap: /maps/site.xml.gz\n"
    assert sitemaps_in_robots(relative, "http://127.0.0.1:8000/robots.txt") == [
        "http://127.0.0.1:8000/maps/site.xml.gz"]


SITE = "https://example.org"


def allowed(robots: str, path: str, agent: str = USER_AGENT) -> bool:
    return parse_robots(robots).can_fetch(SITE + path, agent)


@pytest.mark.parametrize(("robots", "path", "expected"), [
    # the longest matching rule wins, whichever comes first (RFC 9309 §2.2.2)
    ("User-agent: *\nDisallow: /course\nAllow: /course/public\n", "/course/public/unit-1", True),
    ("User-agent: *\nAllow: /course/public\nDisallow: /course\n", "/course/public/unit-1", True),
    ("User-agent: *\nAllow: /course\nDisallow: /course/private\n", "/course/private/notes", False),
    ("User-agent: *\nAllow: /course\nDisallow: /course/private\n", "/course/unit-1", True),
    # an Allow and a Disallow of the same length: Allow wins (either order)
    ("User-agent: *\nDisallow: /page\nAllow: /page\n", "/page", True),
    ("User-agent: *\nAllow: /page\nDisallow: /page\n", "/page", True),
    # wildcards: * matches any run of characters, $ anchors the end
    ("User-agent: *\nDisallow: /*/private/\n", "/course/private/x", False),
    ("User-agent: *\nDisallow: /*/private/\n", "/private/x", True),
    ("User-agent: *\nDisallow: /*.php$\n", "/mod/view.php", False),
    ("User-agent: *\nDisallow: /*.php$\n", "/mod/view.php?id=3", True),
    ("User-agent: *\nDisallow: /\nAllow: /$\n", "/", True),
    ("User-agent: *\nDisallow: /\nAllow: /$\n", "/course", False),
    # a wildcard rule is as long as its pattern: the longer pattern wins
    ("User-agent: *\nAllow: /page\nDisallow: /*.html\n", "/page.html", False),
    ("User-agent: *\nAllow: /page/*.html\nDisallow: /page/\n", "/page/a.html", True),
    # our own group wins over *, matched case-insensitively; an empty Disallow allows everything
    ("User-agent: *\nDisallow: /\n\nUser-agent: Access-Audit\nAllow: /\n", "/course", True),
    ("User-agent: *\nAllow: /\n\nUser-agent: access-audit\nDisallow: /quiz\n", "/quiz/1", False),
    ("User-agent: googlebot\nDisallow: /\n", "/course", True),
    ("User-agent: *\nDisallow:\n", "/course", True),
    # percent-encoding is compared decoded (%3C and %3c are one character)
    ("User-agent: *\nDisallow: /a%3cd.html\n", "/a%3Cd.html", False),
    # no robots.txt: everything is allowed
    ("", "/anything", True),
])
def test_robots_rfc9309_edge_cases(robots: str, path: str, expected: bool) -> None:
    assert allowed(robots, path) is expected


def test_crawl_delay_and_request_rate() -> None:
    assert robots_delay("") == 0
    assert robots_delay("User-agent: *\nCrawl-delay: 2.5\n") == 2.5
    assert robots_delay("User-agent: *\nRequest-rate: 1/4\n") == 4
    assert robots_delay("User-agent: *\nCrawl-delay: 1\nRequest-rate: 1/3\n") == 3        # the slower
    assert robots_delay("User-agent: *\nCrawl-delay: 9\n\nUser-agent: access-audit\nCrawl-delay: 1\n") == 1
    assert robots_delay("User-agent: *\nCrawl-delay: soon\n") == 0


def test_gzip_sitemaps_are_read_with_a_size_limit() -> None:
    xml = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://example.org/a</loc>'
           b"</url></urlset>")
    assert sitemap_xml(xml) == xml
    assert parse_sitemap(sitemap_xml(gzip.compress(xml))) == (["https://example.org/a"], [])
    bomb = gzip.compress(b"<urlset>" + b" " * (2 * 1024 * 1024) + b"</urlset>")
    assert len(bomb) < 10_000
    with pytest.raises(FileTooLarge):
        sitemap_xml(bomb, limit=1024 * 1024)
    with pytest.raises(ValidationFailed):
        sitemap_xml(b"\x1f\x8b" + b"not gzip at all")


def test_parse_sitemap_and_index() -> None:
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc> https://example.org/a </loc></url><url><loc>https://example.org/b</loc></url></urlset>")
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>'
             b"https://example.org/s1.xml</loc></sitemap></sitemapindex>")
    assert parse_sitemap(urlset) == (["https://example.org/a", "https://example.org/b"], [])
    assert parse_sitemap(index) == ([], ["https://example.org/s1.xml"])
    assert parse_sitemap(b"<not xml") == ([], [])
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]>'
           b"<urlset><url><loc>&a;</loc></url></urlset>")
    assert parse_sitemap(xxe) == ([], [])              # entities are never resolved


def test_scope_and_new_links() -> None:
    options = AuditOptions(include=[r"/course"], exclude=[r"draft"])
    robots = parse_robots("User-agent: *\nDisallow: /course/secret")
    scope = CrawlScope.of("https://example.org/course/", options, robots)
    pages, docs = new_links([
        "/course/a#x", "/course/a/", "https://example.org/course/b?z=1&y=2", "/course/draft-1",
        "/course/secret/x", "/other", "https://elsewhere.org/course/c", "/course/notes.PDF",
        "https://cdn.example.net/handout.docx", "/course/pic.png", "mailto:x@y.z",
    ], "https://example.org/course/", scope)
    assert pages == ["https://example.org/course/a", "https://example.org/course/a/",
                     "https://example.org/course/b?y=2&z=1"]
    assert docs == ["https://example.org/course/notes.PDF", "https://cdn.example.net/handout.docx"]
    assert scope.wants("https://example.org/course/")
    assert document_kind("https://x.org/a/slides.pptx") == "pptx"


def test_robots_ignored_when_asked() -> None:
    robots = parse_robots("User-agent: *\nDisallow: /")
    assert not CrawlScope.of("https://example.org/", AuditOptions(), robots).wants("https://example.org/a")
    assert CrawlScope.of("https://example.org/", AuditOptions(respect_robots=False), robots).wants(
        "https://example.org/a")


def test_why_a_url_is_left_out() -> None:
    robots = parse_robots("User-agent: *\nDisallow: /course/private/\nDisallow: /course/drafts/")
    scope = CrawlScope.of("https://example.org/course/", AuditOptions(include=["/course/"], exclude=["drafts"]),
                          robots)
    assert scope.why_not("https://example.org/course/unit-1") is None
    assert scope.why_not("https://example.org/course/private/notes") is Skip.ROBOTS
    assert scope.why_not("https://example.org/course/drafts/x") is Skip.EXCLUDE      # the user's pattern first
    assert scope.why_not("https://example.org/news") is Skip.EXCLUDE                  # no include pattern matched
    assert scope.why_not("https://elsewhere.org/course/") is Skip.OTHER_SITE
    assert scope.why_not("https://example.org/course/diagram.png") is Skip.NOT_A_PAGE
    assert scope.why_not("https://example.org/course/") is None                       # the start always passes


def test_bad_patterns_are_a_clear_error() -> None:
    with pytest.raises(ValidationFailed):
        CrawlScope.of("https://example.org/", AuditOptions(include=["("]))
