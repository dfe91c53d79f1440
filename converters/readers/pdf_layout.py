"""Structure inference for PDFs without a usable structure tree (pure functions, no I/O).

Input: per page, text lines with their box, font size and weight (from pymupdf, or from OCR), plus
images and tables placed on the page. Output: Document blocks.

- body size = the most common font size (weighted by characters); sizes clearly above it become
  heading levels (largest = 1); bold short lines at body size become the lowest heading level;
- running headers/footers = lines in the top/bottom margin whose text (digits ignored) repeats on
  at least half of the pages, and bare page numbers there; both are dropped;
- reading order: per page, regions spanning the width cut the page into bands; in each band the
  left column is read before the right one;
- paragraphs: lines of one text block are joined (soft hyphens undone, see reflow.join_lines); a
  paragraph cut by a column or page break continues when the next text starts in lower case;
- lists: lines starting with a bullet or a number start list items.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from access import document as model
from converters.blocks import text_cell, text_paragraph
from converters.readers.reflow import BULLET, NUMBERED, ends_sentence, join_lines

MARGIN = 0.08
PAGE_NUMBER = re.compile(r"^\s*(page\s+)?[-–—]?\s*(\d{1,4}|[ivxlc]{1,6})\s*[-–—]?(\s*(of|/)\s*\d+)?\s*$", re.I)


@dataclass
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool = False
    block: int = 0                    # text block number on its page (lines of a paragraph share it)


@dataclass
class PageItems:
    number: int                       # 1-based
    label: str
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    figures: list[tuple[float, float, float, float, model.Figure]] = field(default_factory=list)
    tables: list[tuple[float, float, float, float, model.Table]] = field(default_factory=list)


def norm_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def running_lines(pages: list[PageItems]) -> set[tuple[int, int]]:
    """(page index, line index) of running headers/footers and page numbers."""
    drop: set[tuple[int, int]] = set()
    counts: Counter[str] = Counter()
    margin_lines: list[tuple[int, int, str]] = []
    for p, page in enumerate(pages):
        seen: set[str] = set()
        for i, ln in enumerate(page.lines):
            in_margin = ln.y1 <= page.height * MARGIN or ln.y0 >= page.height * (1 - MARGIN)
            if not in_margin:
                continue
            if PAGE_NUMBER.match(ln.text):
                drop.add((p, i))
                continue
            key = norm_key(ln.text)
            margin_lines.append((p, i, key))
            if key not in seen:
                counts[key] += 1
                seen.add(key)
    if len(pages) >= 3:
        for p, i, key in margin_lines:
            if counts[key] >= max(2, len(pages) // 2):
                drop.add((p, i))
    return drop


def size_levels(pages: list[PageItems]) -> tuple[float, dict[float, int]]:
    """Body font size and heading level per larger size."""
    weights: Counter[float] = Counter()
    for page in pages:
        for ln in page.lines:
            weights[round(ln.size, 1)] += len(ln.text)
    if not weights:
        return 10.0, {}
    body = weights.most_common(1)[0][0]
    total = sum(weights.values())
    larger = sorted({s for s, w in weights.items() if s >= body * 1.15 and w < total * 0.3}, reverse=True)
    merged: list[float] = []
    for s in larger:                       # sizes within 5% are one level
        if not merged or s < merged[-1] * 0.95:
            merged.append(s)
    levels: dict[float, int] = {}
    for s in larger:
        level = next(k for k, m in enumerate(merged, start=1) if s >= m * 0.95)
        levels[s] = min(level, 5)
    return body, levels


def reading_order(page: PageItems, items: list[tuple[float, float, float, float, Any]]) -> list[Any]:
    """Order boxes (x0, y0, x1, y1, payload) top to bottom, left column before right column."""
    mid = page.width / 2
    tol = page.width * 0.04

    def column(b: tuple[float, float, float, float, Any]) -> int:
        if b[2] <= mid + tol:
            return 0
        if b[0] >= mid - tol:
            return 1
        return -1

    ordered = sorted(items, key=lambda b: (round(b[1], 1), b[0]))
    two_columns = sum(1 for b in ordered if column(b) == 1) >= 2 and sum(1 for b in ordered if column(b) == 0) >= 2
    if not two_columns:
        return [b[4] for b in ordered]
    out: list[Any] = []
    band: list[tuple[float, float, float, float, Any]] = []
    for b in ordered:
        if column(b) == -1:
            out += [x[4] for x in sorted(band, key=lambda x: (column(x), x[1]))]
            band = []
            out.append(b[4])
        else:
            band.append(b)
    out += [x[4] for x in sorted(band, key=lambda x: (column(x), x[1]))]
    return out


@dataclass
class TextBlock:
    lines: list[Line]


def group_blocks(lines: list[Line]) -> list[TextBlock]:
    blocks: dict[int, list[Line]] = {}
    for ln in lines:
        blocks.setdefault(ln.block, []).append(ln)
    return [TextBlock(v) for v in blocks.values()]


def box(lines: list[Line]) -> tuple[float, float, float, float]:
    return (min(ln.x0 for ln in lines), min(ln.y0 for ln in lines), max(ln.x1 for ln in lines),
            max(ln.y1 for ln in lines))


def build_blocks(pages: list[PageItems]) -> list[Any]:
    """Pages → Document blocks (see the module docstring)."""
    drop = running_lines(pages)
    body, levels = size_levels(pages)
    out: list[Any] = []
    builder = _Builder(out, body, levels)
    for p, page in enumerate(pages):
        kept = [ln for i, ln in enumerate(page.lines) if (p, i) not in drop and ln.text.strip()]
        kept = [ln for ln in kept if not _inside_table(ln, page.tables)]
        builder.page_break(model.PageBreak(label=page.label))
        items: list[tuple[float, float, float, float, Any]] = []
        for tb in group_blocks(kept):
            items.append((*box(tb.lines), tb))
        items += [(x0, y0, x1, y1, fig) for x0, y0, x1, y1, fig in page.figures]
        items += [(x0, y0, x1, y1, tab) for x0, y0, x1, y1, tab in page.tables]
        for item in reading_order(page, items):
            if isinstance(item, TextBlock):
                builder.text_block(item)
            else:
                builder.close_list()
                builder.flush()
                out.append(item)
    builder.flush()
    return out


def _inside_table(ln: Line, tables: list[tuple[float, float, float, float, model.Table]]) -> bool:
    cx, cy = (ln.x0 + ln.x1) / 2, (ln.y0 + ln.y1) / 2
    return any(x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1 for x0, y0, x1, y1, _ in tables)


class _Builder:
    """Accumulates paragraphs and list items across blocks, columns and pages."""

    def __init__(self, out: list[Any], body: float, levels: dict[float, int]) -> None:
        self.out = out
        self.body = body
        self.levels = levels
        self.bold_level = min(6, (max(levels.values()) + 1) if levels else 2)
        self.para: str | None = None
        self.list: model.ListBlock | None = None
        self.item_text: str | None = None
        self.pending_breaks: list[model.PageBreak] = []

    def page_break(self, pb: model.PageBreak) -> None:
        if self.para is None and self.item_text is None:
            self.out.append(pb)
        else:
            self.pending_breaks.append(pb)   # placed after the paragraph the page cut

    def heading_level(self, lines: list[Line]) -> int | None:
        text = " ".join(ln.text.strip() for ln in lines)
        if len(text) > 200 or len(lines) > 3 or not any(c.isalpha() for c in text):
            return None
        size = max(round(ln.size, 1) for ln in lines)
        if size in self.levels:
            return self.levels[size]
        if all(ln.bold for ln in lines) and abs(size - self.body) < 0.6 and len(text.split()) <= 14 \
                and not ends_sentence(text) and not BULLET.match(text):
            return self.bold_level
        return None

    def text_block(self, tb: TextBlock) -> None:
        level = self.heading_level(tb.lines)
        if level is not None:
            self.close_list()
            self.flush()
            text = " ".join(" ".join(ln.text.split()) for ln in tb.lines)
            self.out.append(model.Heading(level=level, inlines=[model.Span(text=text)]))
            return
        lines = _merge_lone_bullets(tb.lines)
        for k, ln in enumerate(lines):
            text = " ".join(ln.text.split())
            bullet = BULLET.match(text)
            number = NUMBERED.match(text)
            starts_item = bullet is not None or (number is not None and (k == 0 or self.item_text is not None))
            if starts_item:
                m = bullet or number
                assert m is not None
                self.start_item(text[m.end():], ordered=bullet is None, marker=m.group(1))
            elif self.item_text is not None and (k > 0 or text[:1].islower()):
                self.item_text = join_lines(self.item_text, text)
            elif self.para is not None and (k > 0 or (text[:1].islower() and not ends_sentence(self.para))):
                self.para = join_lines(self.para, text)
            else:
                self.close_list()
                self.flush()
                self.para = text
        if self.para is not None and ends_sentence(self.para):
            self.flush()

    def start_item(self, text: str, *, ordered: bool, marker: str) -> None:
        self.flush()
        self._end_item()
        if self.list is None or self.list.ordered != ordered:
            self.close_list()
            start = int(marker.strip("().")) if ordered and marker.strip("().").isdigit() else 1
            self.list = model.ListBlock(ordered=ordered, start=start, items=[])
        self.item_text = text

    def _end_item(self) -> None:
        if self.list is not None and self.item_text is not None:
            self.list.items.append(model.ListItem(blocks=[text_paragraph(self.item_text)]))
        self.item_text = None

    def close_list(self) -> None:
        self._end_item()
        if self.list is not None and self.list.items:
            self.out.append(self.list)
        self.list = None
        self._emit_breaks()

    def flush(self) -> None:
        if self.para:
            self.out.append(text_paragraph(self.para))
        self.para = None
        if self.list is None:
            self._emit_breaks()

    def _emit_breaks(self) -> None:
        if self.para is None and self.item_text is None and self.list is None:
            self.out.extend(self.pending_breaks)
            self.pending_breaks = []


def _merge_lone_bullets(lines: list[Line]) -> list[Line]:
    """A bullet drawn as its own span/line, followed by the item's text: one line."""
    out: list[Line] = []
    for ln in lines:
        if out and BULLET.fullmatch(out[-1].text.strip() + " ") and out[-1].text.strip():
            prev = out.pop()
            ln = Line(prev.text.strip() + " " + ln.text, prev.x0, min(prev.y0, ln.y0), ln.x1, max(prev.y1, ln.y1),
                      ln.size, ln.bold, ln.block)
        out.append(ln)
    return out


def table_from_rows(rows: list[list[str | None]], header_rows: int) -> model.Table:
    out_rows = []
    for r, row in enumerate(rows):
        header = r < header_rows
        cells = [text_cell(" ".join((c or "").split()), header, "col" if header else None) for c in row]
        out_rows.append(model.Row(cells=cells))
    return model.Table(rows=out_rows, header_rows=header_rows)
