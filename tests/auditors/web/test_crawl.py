"""Crawl scope, pure: normalisation, dedupe keys, robots, sitemaps, link sorting."""

from __future__ import annotations

import pytest

from access.errors import ValidationFailed
from access.models import AuditOptions
from auditors.web.crawl import (
    CrawlScope,
    document_kind,
    new_links,
    normalize_url,
    parse_robots,
    parse_sitemap,
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
    assert not robots.can_fetch("access-audit", "https://example.org/private/x")
    assert robots.can_fetch("access-audit", "https://example.org/public")
    assert sitemaps_in_robots(text) == ["https://example.org/sm.xml"]


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


def test_bad_patterns_are_a_clear_error() -> None:
    with pytest.raises(ValidationFailed):
        CrawlScope.of("https://example.org/", AuditOptions(include=["("]))
