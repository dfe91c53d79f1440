"""CSV: one row per finding, for spreadsheets. Cells that a spreadsheet would run as a formula are
prefixed with an apostrophe (CSV injection)."""

from __future__ import annotations

import csv
import io

from access.models import Report
from access.registry import ReportFormat
from access.reports.common import RuleTable, part_of, rule_info

COLUMNS = ["part", "rule", "title", "outcome", "impact", "wcag", "standard_refs", "url", "selector", "line",
           "page", "slide", "shape", "paragraph", "excerpt", "html", "message", "help", "help_url"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def render_csv(report: Report, rules: RuleTable | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for f in report.findings:
        loc = f.location
        info = rule_info(f.rule, rules, f)
        row = [part_of(f, report), f.rule, info.title, f.outcome.value, f.impact.value if f.impact else "",
               " ".join(f.wcag), " ".join(f.standard_refs), loc.url, loc.selector, f.data.get("line"),
               loc.page, loc.slide, loc.shape, loc.paragraph, loc.excerpt, loc.html, f.message, f.help,
               f.help_url]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")   # the BOM makes Excel read UTF-8


FORMAT = ReportFormat("csv", "text/csv; charset=utf-8", render_csv)
