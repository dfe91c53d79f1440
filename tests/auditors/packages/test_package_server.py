"""The package server: a package's files from 127.0.0.1 under an unguessable prefix, with the media
types a reading system uses, a Content-Security-Policy that keeps pages inside the package, and
nothing outside the package answered."""

from __future__ import annotations

import httpx
import pytest

from auditors.packages.archive import OverlayFiles
from auditors.packages.serve import CSP, PackageServer, insert_in_head
from rules.epub.build import DictFiles


@pytest.fixture()
def server():
    files = DictFiles({"OEBPS/ch1.xhtml": b"<html xmlns='http://www.w3.org/1999/xhtml'><head><title>1</title></head>"
                                          b"<body><p>One</p></body></html>",
                       "OEBPS/style.css": b"p{color:black}", "secret.txt": b"inside"})
    s = PackageServer(OverlayFiles(files, {"gen/page.html": b"<html><head></head><body>made</body></html>"}),
                      head_snippet=b"<script>window.API={}</script>").start()
    yield s
    s.close()


def test_files_are_served_with_reading_system_media_types_and_the_sandbox_policy(server) -> None:
    r = httpx.get(server.url_of("OEBPS/ch1.xhtml"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/xhtml+xml"
    assert r.headers["content-security-policy"] == CSP and "default-src 'self'" in CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert httpx.get(server.url_of("OEBPS/style.css")).headers["content-type"] == "text/css"
    assert b"window.API" in r.content                      # the runtime snippet, at the top of the page
    assert b"window.API" not in httpx.get(server.url_of("OEBPS/style.css")).content
    assert httpx.head(server.url_of("OEBPS/ch1.xhtml")).content == b""


def test_rendered_pages_are_served_beside_the_package_files(server) -> None:
    assert b"made" in httpx.get(server.url_of("gen/page.html")).content


@pytest.mark.parametrize("path", ["OEBPS/../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "OEBPS/missing.xhtml", ""])
def test_nothing_outside_the_package_is_answered(server, path) -> None:
    assert httpx.get(server.base_url + path).status_code == 404


def test_the_prefix_is_required(server) -> None:
    assert httpx.get(f"http://127.0.0.1:{server.port}/OEBPS/ch1.xhtml").status_code == 404
    assert httpx.get(f"http://127.0.0.1:{server.port}/secret.txt").status_code == 404


def test_member_of_maps_served_urls_back_to_package_paths(server) -> None:
    assert server.member_of(server.url_of("OEBPS/ch1.xhtml", "p3")) == "OEBPS/ch1.xhtml"
    assert server.member_of("https://example.org/OEBPS/ch1.xhtml") is None


def test_snippet_goes_after_the_head_start_tag() -> None:
    page = b'<html><HEAD lang="en"><title>t</title>'
    assert insert_in_head(page, b"<x>") == b'<html><HEAD lang="en"><x><title>t</title>'
    assert insert_in_head(b"<p>no head</p>", b"<x>") == b"<p>no head</p>"
