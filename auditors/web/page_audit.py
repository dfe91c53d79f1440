"""Audit one page in a browser session: load, axe-core, our own checks, links."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_selenium_python import Axe
from selenium.common.exceptions import TimeoutException, WebDriverException

from access.models import AuditedPart, AuditOptions, Finding
from auditors.web.axe_run import RUN_AXE, adapt, axe_options, decode
from auditors.web.browser import BrowserSession, axe_script_path
from rules.web import run_own_checks

log = logging.getLogger(__name__)

# The page facts alone (discovery without auditing); RUN_AXE reads the same facts.
PAGE_FACTS = """
const nav = performance.getEntriesByType("navigation")[0];
const hrefs = Array.from(document.querySelectorAll("a[href], area[href]"), a => a.href);
for (const f of document.querySelectorAll("iframe[src]")) hrefs.push(f.src);
return {title: document.title, status: nav && nav.responseStatus ? nav.responseStatus : 0,
        url: location.href, links: hrefs.slice(0, 5000), contentType: document.contentType};
"""


@dataclass
class PageResult:
    url: str
    part: AuditedPart
    findings: list[Finding] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    final_url: str | None = None
    session_broken: bool = False


def _failed(url: str, code: str, message: str, timings: dict[str, float]) -> AuditedPart:
    return AuditedPart(id=url, status="failed", error={"code": code, "message": message}, timings=timings)


def audit_page(session: BrowserSession, url: str, options: AuditOptions,
               page_timeout: float | None = None) -> PageResult:
    """Everything about one page; a page that fails to load is a failed part, never an exception."""
    if page_timeout:
        session.use_timeout(page_timeout)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        session.driver.get(url)
        session.pages_loaded += 1
    except TimeoutException:
        # the tab may be hung (a script loop, a server that never answers): a fresh browser is
        # quicker and safer than waiting on it again
        timings["load"] = round(time.perf_counter() - started, 4)
        return PageResult(url, _failed(url, "timeout", f"The page did not load within "
                                       f"{session.timeout:g} s.", timings), session_broken=True)
    except WebDriverException as exc:
        timings["load"] = round(time.perf_counter() - started, 4)
        message = (exc.msg or str(exc)).splitlines()[0][:300]
        blocked = _blocked(session, url)
        return PageResult(url, _failed(url, "url_forbidden" if blocked else "url_unreachable",
                                       f"The page could not be loaded: {blocked or message}", timings),
                          session_broken=not session.alive())
    timings["load"] = round(time.perf_counter() - started, 4)
    result = PageResult(url, AuditedPart(id=url, timings=timings))
    try:
        t = time.perf_counter()
        raw = decode(session.run_async(RUN_AXE, axe_options(options.standard)))
        if raw.get("error") == "axe-missing":        # a document the preload did not reach
            Axe(session.driver, script_url=str(axe_script_path(session.settings))).inject()
            raw = decode(session.run_async(RUN_AXE, axe_options(options.standard)))
        facts = raw.get("facts") or {}
        result.final_url = facts.get("url") or url
        result.links = list(facts.get("links", []))
        result.part.title = facts.get("title") or None
        status = int(facts.get("status") or 0)
        if status >= 400 or result.final_url.startswith("chrome-error:"):
            blocked = _blocked(session, result.final_url if status else url)
            message = (f"The address is not allowed: {blocked}" if blocked else
                       f"The server answered HTTP {status}." if status else "The page could not be loaded.")
            result.part = _failed(url, "url_forbidden" if blocked else "url_unreachable", message, timings)
            return result
        if raw.get("error"):
            raise WebDriverException(f"axe-core failed: {raw['error']}")
        session.axe_version = str(raw.get("version") or session.axe_version)     # the version that ran
        result.findings.extend(adapt(raw, url))
        timings["axe"] = round(time.perf_counter() - t, 4)
        if not options.axe_only:
            t = time.perf_counter()
            own = run_own_checks(session, url)
            result.findings.extend(own.findings)
            timings["own_checks"] = round(time.perf_counter() - t, 4)
            if own.errors:
                result.part.error = {"code": "engine_failed",
                                     "message": "; ".join(f"{k}: {v}" for k, v in own.errors.items())}
    except TimeoutException:
        result.part = _failed(url, "timeout", "The page's scripts did not finish within "
                              f"{session.timeout:g} s.", timings)
        result.findings = []
        result.session_broken = True
    except WebDriverException as exc:
        alive = session.alive()
        message = (exc.msg or str(exc)).splitlines()[0][:300]
        result.part = _failed(url, "url_unreachable" if not alive else "engine_failed",
                              f"The page could not be audited: {message}", timings)
        result.findings = []
        result.session_broken = not alive
    timings["total"] = round(time.perf_counter() - started, 4)
    result.part.timings = timings
    return result


def _blocked(session: BrowserSession, url: str) -> str | None:
    """Why the guarding proxy refused this URL's host, if it did."""
    if session.proxy is None:
        return None
    host = (urlsplit(url).hostname or "").lower()
    for blocked_host, reason in reversed(session.proxy.blocked):
        if blocked_host.strip("[]").lower() == host:
            return reason
    return None
