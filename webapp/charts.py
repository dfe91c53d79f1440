"""Accessible SVG charts for the report and history pages, with the same numbers as a real table.

One kind of chart serves both pages: horizontal bars, one per row (a WCAG principle, an audit), each
split into its impacts. What makes it readable without the colours, and for screen readers:

- every bar has a text label above it with its total and, on a second line, its count by impact,
  so no number needs the colour or the bar length to be read; the labels are HTML text (so they
  reflow, take the reader's text spacing and zoom, and every checker can measure their contrast);
- each bar is an ``<svg role="img">`` named by its ``<title>`` ("Perceivable: 3 critical, 5
  serious"); the chart starts with a sentence that says what is plotted;
- each impact has its own fill *and* pattern (solid, stripes, dots, lines), shown in a legend with
  its name; every fill is at least 4.5:1 against white (WCAG 1.4.11 asks 3:1), and every text is
  near-black on white;
- the same numbers are in a ``<table>`` (:meth:`Chart.table`) placed right after the chart.

Bars are sized in percentages of their container, so the chart reflows at 320 CSS px. All text
taken from reports (labels) is escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

TEXT = "#1a1a1a"            # the legend swatches' outline
BAR = 16                    # px


@dataclass(frozen=True)
class Series:
    """One part of every bar (an impact): its name, fill colour and pattern."""

    key: str
    label: str
    colour: str
    pattern: str            # solid | stripes | dots | lines


# the impacts, worst first; each fill is ≥ 4.5:1 against white, and has its own pattern
IMPACT_SERIES = (
    Series("critical", "Critical", "#8b0000", "solid"),
    Series("serious", "Serious", "#a34400", "stripes"),
    Series("moderate", "Moderate", "#5f5500", "dots"),
    Series("minor", "Minor", "#1f5f8b", "lines"),
)

PATTERN_MARKS = {
    "solid": "",
    "stripes": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" stroke-width="1.5"/>',
    "dots": '<circle cx="4" cy="4" r="1.4" fill="#ffffff"/>',
    "lines": '<path d="M0,4 h8" stroke="#ffffff" stroke-width="1.5"/>',
}


@dataclass(frozen=True)
class BarRow:
    """One bar: its label and its value per series key."""

    label: str
    values: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.values.values())


@dataclass(frozen=True)
class Chart:
    """A bar chart and the table of its numbers.

    ``id`` makes its element ids unique on the page; ``row_header`` heads the table's first column
    ("Principle", "Audit"); ``unit`` names what is counted ("violations")."""

    id: str
    title: str
    description: str
    row_header: str
    rows: list[BarRow]
    unit: str = "violations"
    series: tuple[Series, ...] = IMPACT_SERIES
    empty: str = "Nothing to show."
    notes: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9-]+", "-", self.id.lower()).strip("-") or "chart"

    def counts_line(self, row: BarRow) -> str:
        """``3 critical, 5 serious`` (the series with a value), or ``none``."""
        parts = [f"{row.values.get(s.key, 0)} {s.label.lower()}" for s in self.series if row.values.get(s.key)]
        return ", ".join(parts) or "none"

    def _unit(self, n: int) -> str:
        return self.unit if n != 1 else self.unit.removesuffix("s")

    def _pattern(self, pid: str, s: Series) -> str:
        return (f'<defs><pattern id="{pid}" patternUnits="userSpaceOnUse" width="8" height="8">'
                f'<rect width="8" height="8" fill="{s.colour}"/>{PATTERN_MARKS[s.pattern]}</pattern></defs>')

    def render(self) -> Markup:
        """The chart: a legend, then one labelled bar per row. Labels and numbers are HTML text;
        each bar is an ``<svg role="img">`` whose ``<title>`` says the same numbers."""
        slug = self.slug
        top = max((r.total for r in self.rows), default=0) or 1
        out = [f'<div class="chart" id="{slug}">', f'<p class="chart-desc" id="{slug}-desc">'
               f"{escape(self.description)} The numbers are also in the table below.</p>",
               '<ul class="chart-legend">']
        for s in self.series:
            pid = f"{slug}-legend-{s.key}"
            out.append(f'<li><svg aria-hidden="true" focusable="false" width="18" height="18">{self._pattern(pid, s)}'
                       f'<rect x="1" y="1" width="16" height="16" fill="url(#{pid})" stroke="{TEXT}" '
                       f'stroke-width="1"/></svg> {escape(s.label)}</li>')
        out.append("</ul>")
        if not self.rows:
            out.append(f"<p>{escape(self.empty)}</p>")
        for n, row in enumerate(self.rows, start=1):
            rid = f"{slug}-row-{n}"
            out.append(f'<div class="chart-row"><p class="chart-label"><strong>{escape(row.label)}: {row.total} '
                       f"{escape(self._unit(row.total))}</strong><br>{escape(self.counts_line(row))}</p>")
            out.append(f'<svg class="chart-bar" role="img" aria-labelledby="{rid}-title" width="100%" '
                       f'height="{BAR}" xmlns="http://www.w3.org/2000/svg"><title id="{rid}-title">'
                       f"{escape(row.label)}: {escape(self.counts_line(row))}</title>")
            x = 0.0
            for s in self.series:
                value = row.values.get(s.key, 0)
                if not value:
                    continue
                pid = f"{rid}-{s.key}"
                width = 100 * value / top
                out.append(f'{self._pattern(pid, s)}<rect x="{x:.3f}%" y="0" width="{width:.3f}%" height="{BAR}" '
                           f'fill="url(#{pid})" stroke="#ffffff" stroke-width="1"/>')
                x += width
            out.append("</svg></div>")
        out.append("</div>")
        return Markup("".join(out))

    def table(self) -> Markup:
        """The chart's numbers as a table (caption = the chart's title), in a region that scrolls
        sideways by itself if it ever is wider than the screen."""
        slug = self.slug
        head = "".join(f'<th scope="col">{escape(s.label)}</th>' for s in self.series)
        body = []
        for row in self.rows:
            cells = "".join(f"<td>{row.values.get(s.key, 0)}</td>" for s in self.series)
            body.append(f'<tr><th scope="row">{escape(row.label)}</th>{cells}<td>{row.total}</td></tr>')
        if not self.rows:
            body.append(f'<tr><td colspan="{len(self.series) + 2}">{escape(self.empty)}</td></tr>')
        return Markup(f'<div class="table-scroll" role="region" aria-labelledby="{slug}-caption" tabindex="0">'
                      f'<table class="numbers"><caption id="{slug}-caption">{escape(self.title)}</caption>'
                      f'<thead><tr><th scope="col">{escape(self.row_header)}</th>{head}'
                      f'<th scope="col">Total</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>')
