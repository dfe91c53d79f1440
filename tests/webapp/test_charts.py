"""The SVG charts: every number as text and in a table, each impact its own pattern and name, fills
and text with enough contrast (computed here: WCAG relative luminance), escaped labels. The charts
are audited in the browser as part of both pages (test_report_view.py, test_history.py)."""

from __future__ import annotations

import re
from pathlib import Path

from webapp.charts import IMPACT_SERIES, PATTERN_MARKS, TEXT, BarRow, Chart

CSS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "report.css"


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def chart(rows: list[BarRow] | None = None) -> Chart:
    return Chart(id="Trend chart!", title="Violations by impact", description="Bars by impact.", row_header="Audit",
                 rows=[BarRow("Nov", {"critical": 3, "serious": 1}), BarRow("Dec", {"minor": 2})]
                 if rows is None else rows)


def test_fills_and_text_have_enough_contrast_and_each_impact_its_own_pattern() -> None:
    for s in IMPACT_SERIES:
        assert contrast(s.colour, "#ffffff") >= 4.5, s          # 1.4.11 asks 3:1; the CSS uses them as text too
    assert contrast(TEXT, "#ffffff") >= 4.5
    assert len({s.pattern for s in IMPACT_SERIES}) == len(IMPACT_SERIES)
    assert set(PATTERN_MARKS) >= {s.pattern for s in IMPACT_SERIES}
    css = CSS.read_text(encoding="utf-8")
    for colour in set(re.findall(r"#[0-9a-fA-F]{6}\b", css)) - {"#f4f4f4", "#767676"}:   # text colours
        assert contrast(colour, "#ffffff") >= 4.5 and contrast(colour, "#f4f4f4") >= 4.5, colour
    assert contrast("#767676", "#ffffff") >= 4.5                                          # the borders


def test_every_bar_is_a_named_image_with_its_numbers_in_text() -> None:
    html = str(chart().render())
    assert html.count('role="img"') == 2
    titles = re.findall(r'<svg class="chart-bar" role="img" aria-labelledby="([^"]+)"[^>]*><title id="([^"]+)">'
                        r"([^<]*)<", html)
    assert [(a == b, t) for a, b, t in titles] == [(True, "Nov: 3 critical, 1 serious"), (True, "Dec: 2 minor")]
    assert "<strong>Nov: 4 violations</strong><br>3 critical, 1 serious" in html
    assert "<strong>Dec: 2 violations</strong><br>2 minor" in html
    for s in IMPACT_SERIES:                                  # the legend names every impact next to its swatch
        assert f"</svg> {s.label}</li>" in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+%" y="0" width="([\d.]+)%"', html)]
    assert widths == [75.0, 25.0, 50.0]                      # bars share one scale: the longest is 100 %


def test_the_table_has_the_same_numbers() -> None:
    table = str(chart().table())
    assert '<caption id="trend-chart-caption">Violations by impact</caption>' in table
    assert ('<th scope="col">Audit</th><th scope="col">Critical</th><th scope="col">Serious</th>'
            '<th scope="col">Moderate</th><th scope="col">Minor</th><th scope="col">Total</th>') in table
    assert '<tr><th scope="row">Nov</th><td>3</td><td>1</td><td>0</td><td>0</td><td>4</td></tr>' in table
    assert '<tr><th scope="row">Dec</th><td>0</td><td>0</td><td>0</td><td>2</td><td>2</td></tr>' in table
    assert 'role="region" aria-labelledby="trend-chart-caption" tabindex="0"' in table


def test_an_empty_chart_and_a_single_violation() -> None:
    empty = chart([])
    assert "<p>Nothing to show.</p>" in str(empty.render()) and 'colspan="6">Nothing to show.' in str(empty.table())
    one = str(chart([BarRow("Only", {"serious": 1})]).render())
    assert "Only: 1 violation</strong>" in one and 'width="100.000%"' in one
    none = str(chart([BarRow("Clean", {})]).render())
    assert "Clean: 0 violations</strong><br>none" in none and '%" y="0"' not in none


def test_labels_are_escaped() -> None:
    evil = "<script>alert(1)</script>"
    html = str(chart([BarRow(evil, {"minor": 1})]).render()) + str(chart([BarRow(evil, {"minor": 1})]).table())
    assert "<script>" not in html and "&lt;script&gt;" in html
