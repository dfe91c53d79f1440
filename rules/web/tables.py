"""Data tables whose header row or column is only visual (1.3.1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG
from rules.web.page import BrowserPage, script


def collect(page: BrowserPage) -> list[dict[str, Any]]:
    return page.run(script("tables")) or []


@rule(id="web-table-headers", target="web", impact="serious", requirements=(WCAG("1.3.1"),))
def table_headers(tables: list[dict[str, Any]], url: str) -> Iterator[Finding]:
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
    for t in tables:
        if t.get("headers"):
            yield table_headers.finding(Outcome.PASS, "This table marks its header cells up as headers.",
                                        Location(url=url, selector=t["selector"], html=t["html"]))
            continue
        if not (t["rowHead"] or t["colHead"]):
            continue
        which = " and ".join(w for w, on in (("first row", t["rowHead"]), ("first column", t["colHead"])) if on)
        yield table_headers.finding(
            Outcome.VIOLATION, f"This {t['rows']}×{t['cols']} table styles its {which} as headers but has no "
            "header cells (<th>).", Location(url=url, selector=t["selector"], html=t["html"]),
            row_headers=t["rowHead"], column_headers=t["colHead"])


RULES = [table_headers]
