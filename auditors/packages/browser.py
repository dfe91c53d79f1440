"""A package's page audited in the web auditor's pooled Chromium, exactly as a site's page is
(axe-core and our own browser checks, :func:`auditors.web.site.audit_in_browser`), served from
this process (:mod:`auditors.packages.serve`). Guarded sessions (API audits) reach the package's
loopback port and nothing else private; the package's own Content-Security-Policy keeps the page
off the network.

``best_practice`` adds axe-core's best-practice rules on the same loaded page (what DAISY Ace runs
on EPUB content documents, less the rules that make no sense for a chapter of a book), so an EPUB
audit finds everything Ace finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from access.config import Settings
from access.models import AuditedPart, AuditOptions, EngineInfo, Finding
from auditors.packages.serve import PackageServer
from auditors.web.axe_run import RUN_AXE, adapt, decode
from auditors.web.browser import BrowserSession, get_pool
from auditors.web.page_audit import PageResult
from auditors.web.site import audit_in_browser

# axe-core best-practice rules that judge a whole web page, not a chapter of a book: DAISY Ace leaves
# out the first four; a chapter needs no main landmark either (the publication's landmarks nav says
# where the body starts; Ace does not report it)
NOT_FOR_CHAPTERS = ("bypass", "region", "page-has-heading-one", "landmark-complementary-is-top-level",
                    "landmark-one-main")


@dataclass
class ServedPage:
    """One audited page, its places given as package paths (not the server's URLs)."""

    member: str
    part: AuditedPart
    findings: list[Finding] = field(default_factory=list)
    links: list[str] = field(default_factory=list)        # package members the page links to
    engines: list[EngineInfo] = field(default_factory=list)


def best_practice_options() -> dict[str, object]:
    return {"runOnly": {"type": "tag", "values": ["best-practice"]},
            "rules": {rule: {"enabled": False} for rule in NOT_FOR_CHAPTERS},
            "resultTypes": ["violations", "incomplete"], "elementRef": False}


def _best_practice(session: BrowserSession, result: PageResult) -> None:
    raw = decode(session.run_async(RUN_AXE, best_practice_options()))
    if not raw.get("error"):
        result.findings.extend(adapt(raw, result.url))


def audit_served_page(server: PackageServer, member: str, options: AuditOptions, settings: Settings, *,
                      best_practice: bool = False) -> ServedPage:
    """Audit the package's file ``member`` in the browser; every location names the package path."""
    url = server.url_of(member)
    with get_pool(settings).local_port(server.port):
        page, engines = audit_in_browser(url, options, settings, after=_best_practice if best_practice else None)
    final = server.member_of(page.final_url or url)
    part = page.part
    if part.status == "audited" and final is None:
        part = AuditedPart(id=member, status="failed", timings=part.timings,
                           error={"code": "url_forbidden",
                                  "message": f"The page left the package (it went to {page.final_url})."})
        return ServedPage(member, part, engines=engines)
    part.id = member
    for f in page.findings:
        f.location.url = (server.member_of(f.location.url) if f.location.url else None) or member
    links = list(dict.fromkeys(m for m in (server.member_of(link) for link in page.links) if m and m != member))
    return ServedPage(member, part, page.findings, links, engines)
