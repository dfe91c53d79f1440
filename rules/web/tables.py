"""Data tables whose header row or column is only visual (1.3.1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import WCAG
from rules.web.page import BrowserPage, Probe, script

Tables = Probe[list[dict[str, Any]]]


def collect(page: BrowserPage, url: str) -> Tables:
    """Every data table: whether it has header cells, and whether its first row or column looks like headers."""
    return Probe(url, page.run(script("tables")) or [])


@rule(id="web-table-headers", target="web", impact="serious", requirements=(WCAG("1.3.1"),), reads="tables",
      messages={"marked-up": "This table marks its header cells up as headers.",
                "visual-row": "This {rows}×{cols} table styles its first row as headers but has no header "
                              "cells (<th>).",
                "visual-column": "This {rows}×{cols} table styles its first column as headers but has no header "
                                 "cells (<th>).",
                "visual-both": "This {rows}×{cols} table styles its first row and first column as headers but "
                               "has no header cells (<th>)."})
def table_headers(tables: Tables) -> Iterator[Finding]:
    """Data tables must mark their header cells up as headers

    Finds tables without any `<th>` (or header role) whose first row or first column is styled
    to look like headers — bold, uppercase or on a different background — so sighted readers
    see headers that assistive technology does not know about.

    **Why it matters**: Timetables, grade rubrics and data sets in a lesson are read cell by
    cell with a screen reader. Without real header cells each number is announced alone, and
    the learner has to memorise the whole table to know what "42" means.

    **How to fix**: Use `<th scope="col">` for column headers and `<th scope="row">` for row
    headers (and a `<caption>`). If the table is only for layout, give it `role="presentation"`
    — better, use CSS layout instead.
    """
    for t in tables.data:
        if t.get("headers"):
            yield table_headers.finding(Outcome.PASS, "marked-up", tables.at(t))
            continue
        if not (t["rowHead"] or t["colHead"]):
            continue
        key = "visual-both" if t["rowHead"] and t["colHead"] else "visual-row" if t["rowHead"] else "visual-column"
        yield table_headers.finding(Outcome.VIOLATION, key, tables.at(t), rows=t["rows"], cols=t["cols"],
                                    row_headers=t["rowHead"], column_headers=t["colHead"])
