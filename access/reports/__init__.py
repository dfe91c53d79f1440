"""Report renderers (html, csv, sarif, junit, earl); json is built into access.services.

Each renderer is ``render(report, rules) -> bytes``; the plugin binds ``rules`` to the registry's
rule catalogue, so reports carry each rule's title, help and documentation link.
"""

from __future__ import annotations

from functools import partial

from access.registry import Registry
from access.reports.csvfmt import render_csv
from access.reports.earl import render_earl
from access.reports.htmlfmt import render_html
from access.reports.junit import render_junit
from access.reports.sarif import render_sarif

FORMATS = {
    "html": ("text/html; charset=utf-8", render_html),
    "csv": ("text/csv; charset=utf-8", render_csv),
    "sarif": ("application/sarif+json", render_sarif),
    "junit": ("application/xml", render_junit),
    "earl": ("application/ld+json", render_earl),
}


def plugin(registry: Registry) -> None:
    """Register every report format, bound to the registry's rule catalogue."""
    for name, (media_type, render) in FORMATS.items():
        registry.add_report_format(name, media_type, partial(render, rules=registry.rules))
