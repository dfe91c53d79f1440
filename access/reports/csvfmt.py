"""CSV: one row per finding, for spreadsheets. Cells that a spreadsheet would run as a formula are
prefixed with an apostrophe (CSV injection).

The roll-up is in the first columns: ``group`` is the finding's problem in the roll-up's order
(1 = fix first: violations, then impact × pages affected), ``pages_affected`` and ``pages_total``
how widely it occurs ("on 40 of 40 pages"). Sorting by ``group`` lists each template problem's
instances together; filtering ``group`` to one number shows every page one problem is on; a pivot
on ``group`` gives one line per problem. Pass and inapplicable rows have no group."""

from __future__ import annotations

import csv
import io

from access.models import Report
from access.registry import ReportFormat
from access.reports.common import PartIndex, RuleTable, rule_info
from access.rollup import grouped

COLUMNS = ["group", "pages_affected", "pages_total", "part", "rule", "title", "outcome", "impact", "wcag",
           "standard_refs", "url", "selector", "line", "page", "slide", "shape", "paragraph", "excerpt", "html",
           "message", "help", "help_url", "viewport", "state", "screenshot"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def render_csv(report: Report, rules: RuleTable | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    rank = {id(f): (i, g) for i, (g, findings) in enumerate(grouped(report), start=1) for f in findings}
    parts = PartIndex(report)
    for f in report.findings:
        loc = f.location
        info = rule_info(f.rule, rules, f)
        number, group = rank.get(id(f), (None, None))
        row = [number, len(group.pages) if group else None, group.pages_total if group else None,
               parts.of(f), f.rule, info.title, f.outcome.value, f.impact.value if f.impact else "",
               " ".join(f.wcag), " ".join(f.standard_refs), loc.url, loc.selector, loc.line,
               loc.page, loc.slide, loc.shape, loc.paragraph, loc.excerpt, loc.html, f.message, f.help,
               f.help_url, loc.viewport, loc.state, f.screenshot]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")   # the BOM makes Excel read UTF-8


FORMAT = ReportFormat("csv", "text/csv; charset=utf-8", render_csv)
