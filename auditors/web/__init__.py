"""The web auditor: crawl a learning site in headless Chromium and audit each page with
axe-core and our own browser rules (``rules/web``); every axe rule has a catalogue entry
(``rules/axe``).

``plugin`` registers the auditor for ``web`` (URL) audits on the ``browser`` queue, the rules,
and the pieces the Celery fan-out uses (``web.discover``, ``web.audit_pages``, ``web.assemble``).
"""

from __future__ import annotations

from typing import Any

from access.registry import Registry
from auditors.web.browser import close_all_pools
from auditors.web.fanout import assemble_partials, audit_pages, discover
from auditors.web.fixture_runner import fixture_suite
from auditors.web.site import audit_site
from rules.axe import axe_rules
from rules.web import WEB_RULES

FANOUT_TASK = "access.web.audit_site"       # workers/web_tasks.py


def plugin(registry: Registry) -> None:
    registry.add_auditor("web", audit_site, queue="browser", task=FANOUT_TASK,
                         description="Site crawl in headless Chromium: axe-core + keyboard, focus, reflow, "
                                     "text spacing, media, table and reading-level checks")
    registry.add_rules([*WEB_RULES, *axe_rules().values()])
    registry.add_extra("web.discover", discover)
    registry.add_extra("web.audit_pages", audit_pages)
    registry.add_extra("web.assemble", assemble_partials)
    registry.add_extra("rule-fixtures:web", fixture_suite())
    registry.add_extra("web.close_browsers", close_all_pools)


__all__: list[Any] = ["audit_site", "plugin"]
