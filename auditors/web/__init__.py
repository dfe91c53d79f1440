"""The web auditor: crawl a learning site in headless Chromium and audit each page with
axe-core and our own browser rules (``rules/web``); every axe rule has a catalogue entry
(``rules/axe``). ``AUDITOR`` is registered in the ``access.auditors`` group as ``web``.
"""

from __future__ import annotations

from dataclasses import dataclass

from access.auditing import Discovery, Subject, Unit, UnitResult
from access.config import Settings
from access.context import Context
from access.models import AuditOptions, Report


@dataclass(frozen=True)
class SiteAuditor:
    """TRANSITION: the whole crawl as one unit, until the crawl becomes discover → pages → assemble."""

    format: str = "web"
    queue: str = "browser"
    description: str = ("Site crawl in headless Chromium: axe-core + keyboard, focus, reflow, text spacing, media, "
                        "table and reading-level checks")
    unit_noun: str = "site"

    def discover(self, subject: Subject, options: AuditOptions, ctx: Context) -> Discovery:
        assert subject.url is not None
        return Discovery(target=subject.url, units=[Unit(key=subject.url)], limit=1)

    def audit_unit(self, unit: Unit, discovery: Discovery, options: AuditOptions, ctx: Context) -> UnitResult:
        from auditors.web.site import audit_site

        return UnitResult(key=unit.key, report=audit_site(unit.key, options, ctx))

    def expand(self, unit: Unit, result: UnitResult, discovery: Discovery, options: AuditOptions) -> list[Unit]:
        return []

    def assemble(self, discovery: Discovery, results: list[UnitResult], options: AuditOptions,
                 ctx: Context) -> Report:
        assert results[0].report is not None
        return results[0].report

    def batch_size(self, settings: Settings) -> int:
        return 0

    def workers(self, settings: Settings) -> int:
        return 1

    def close(self) -> None:
        from auditors.web.browser import close_all_pools

        close_all_pools()


AUDITOR = SiteAuditor()
