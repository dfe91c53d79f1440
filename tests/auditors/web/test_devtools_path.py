"""Axe-only audits load the page and run axe-core straight down the tab's DevTools socket: the
results must equal the WebDriver path's, and failures must be recorded the same way."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from access.config import Settings
from access.models import AuditOptions
from auditors.web.browser import BrowserSession, get_pool
from auditors.web.devtools import DevToolsUnavailable
from auditors.web.page_audit import PageResult, audit_page

if TYPE_CHECKING:
    from tests.auditors.web.conftest import Site

AXE_ONLY = AuditOptions(axe_only=True, allow_private=True)


def _signature(result: PageResult) -> tuple[object, ...]:
    findings = sorted((f.rule, f.outcome.value, f.location.selector, f.location.html or "") for f in result.findings)
    return result.part.status, result.part.title, result.final_url, sorted(result.links), findings


def _no_devtools() -> None:
    raise DevToolsUnavailable("disabled by the test")


def _audit_both_ways(session: BrowserSession, url: str, timeout: float) -> tuple[PageResult, PageResult]:
    fast = audit_page(session, url, AXE_ONLY, timeout)
    assert session._socket is not None and session._socket.page_events        # it took the DevTools path
    session.devtools = _no_devtools                                            # type: ignore[method-assign]
    try:
        slow = audit_page(session, url, AXE_ONLY, timeout)
    finally:
        del session.devtools
    return fast, slow


def test_devtools_path_finds_what_the_webdriver_path_finds(site: Site, web_settings: Settings) -> None:
    with get_pool(web_settings).session(False) as session:
        for path in ("/barriers/img.html", "/clean.html"):
            fast, slow = _audit_both_ways(session, site.url(path), web_settings.page_timeout)
            assert fast.part.status == "audited", fast.part.error
            assert _signature(fast) == _signature(slow)
            assert set(fast.part.timings) >= {"load", "axe", "total"}
        assert any(f.rule == "axe-image-alt" for f in fast.findings) or path == "/clean.html"


def test_dialog_on_load_is_dismissed_and_the_page_audited(site: Site, web_settings: Settings) -> None:
    with get_pool(web_settings).session(False) as session:
        result = audit_page(session, site.url("/dialog.html"), AXE_ONLY, web_settings.page_timeout)
        assert (result.part.status, result.part.title) == ("audited", "Dialog")
        assert not result.session_broken
        after = audit_page(session, site.url("/clean.html"), AXE_ONLY, web_settings.page_timeout)
        assert after.part.status == "audited"


def test_unreachable_and_missing_pages_are_failed_parts(site: Site, web_settings: Settings) -> None:
    with get_pool(web_settings).session(False) as session:
        with socket.socket() as probe:                 # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        refused = audit_page(session, f"http://127.0.0.1:{closed_port}/", AXE_ONLY, web_settings.page_timeout)
        assert (refused.part.status, refused.part.error["code"]) == ("failed", "url_unreachable")
        assert "net::ERR_CONNECTION_REFUSED" in refused.part.error["message"]
        assert not refused.session_broken
        missing = audit_page(session, site.url("/nowhere.html"), AXE_ONLY, web_settings.page_timeout)
        assert (missing.part.status, missing.part.error["code"]) == ("failed", "url_unreachable")
        assert not missing.findings                 # an error page is not audited
        after = audit_page(session, site.url("/barriers/img.html"), AXE_ONLY, web_settings.page_timeout)
        assert after.part.status == "audited" and after.findings
