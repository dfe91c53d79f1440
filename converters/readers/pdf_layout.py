"""Structure inference for PDFs without a usable structure tree (pure functions, no I/O).

Input: per page, text lines with their box, font size and weight (from pymupdf, or from OCR), with
raised/lowered runs marked (see marks.py), plus images, tables and filled boxes placed on the page.
Output: Document blocks, footnotes and how much page furniture was taken out.

- page furniture: lines in the top or bottom band of the page whose text (digits ignored) repeats on
  several pages — running headers and footers, whatever their exact position — small lines at the
  same height at the top of most pages (running section titles), and page numbers in any form
  ("12", "- 12 -", "Page 3 of 10", "iv") are dropped and counted;
- footnotes: small lines at the foot of a page that start with the label of a raised mark found in
  the page's body become the note's text; the mark becomes a NoteRef. Raised marks without a note
  stay superscripts — never glued into the number before them;
- body size = the most common font size (weighted by characters); sizes clearly above it become
  heading levels (largest = 1); bold short lines at body size become the lowest heading level;
- reading order: the column gutter is found where no text crosses; regions spanning the width cut
  the page into bands and in each band the left column is read before the right one; text inside
  a filled box (an infobox) is read as one unit, and narrow notes in the outer margin are placed as
  asides after the paragraph they sit beside;
- paragraphs: lines of one text block are joined (line-end hyphenation undone by dictionary, see
  reflow.join_lines); a paragraph cut by a column or page break continues when the next text
  starts in lower case;
- lists: lines starting with a bullet or a number start list items.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from access import document as model
from converters.blocks import text_cell
from converters.readers.marks import SUP, SUP_END, marked_paragraph, note_mark, plain
from converters.readers.reflow import BULLET, NUMBERED, ends_sentence, join_lines

FURNITURE_BAND = 0.12          # top and bottom share of the page where running headers/footers live
PAGE_NUMBER = re.compile(r"^\s*(page|seite|страница|стр\.?|p\.)?\s*[-–—|]?\s*(\d{1,4}|[ivxlcdm]{1,7})\s*[-–—|]?"
                         r"(\s*(of|/|von|из)\s*\d+)?\s*$", re.I)
NOTE_LABEL = re.compile(r"^(\d{1,3}|[*†‡§¶])$")
FOOTNOTE_START = re.compile(f"^(?:{SUP}(\\d{{1,3}}|[*†‡§¶]){SUP_END}|(\\d{{1,3}}|[*†‡§¶])(?=[\\s.)]))\\s*[.)]?\\s*")
MARGIN_NOTE_WIDTH = 0.22       # a margin note is narrower than this share of the page
Box = tuple[float, float, float, float]


@dataclass
class Line:
    text: str                         # with raised/lowered runs marked (marks.py)
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
    boxes: list[Box] = field(default_factory=list)       # filled rectangles: infobox candidates


@dataclass
class Layout:
    blocks: list[Any]
    footnotes: dict[str, list[Any]]
    furniture: int


def norm_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(plain(text).lower().split()))


def is_page_number(text: str, label: str = "") -> bool:
    bare = plain(text).strip()
    return bool(PAGE_NUMBER.match(bare)) or (bool(label) and bare == label)


def furniture(pages: list[PageItems], body: float) -> set[tuple[int, int]]:
    """(page index, line index) of running headers/footers and page numbers."""
    drop: set[tuple[int, int]] = set()
    pages_with: Counter[str] = Counter()
    band_lines: list[tuple[int, int, str]] = []
    top_slots: dict[tuple[int, int], list[tuple[int, int, Line]]] = defaultdict(list)
    for p, page in enumerate(pages):
        seen: set[str] = set()
        topmost = min(range(len(page.lines)), key=lambda k: page.lines[k].y0, default=None)
        for i, ln in enumerate(page.lines):
            top = ln.y1 <= page.height * FURNITURE_BAND
            bottom = ln.y0 >= page.height * (1 - FURNITURE_BAND)
            if not (top or bottom):
                continue
            if is_page_number(ln.text, page.label):
                drop.add((p, i))
                continue
            key = ("t:" if top else "b:") + norm_key(ln.text)
            band_lines.append((p, i, key))
            if key not in seen:
                pages_with[key] += 1
                seen.add(key)
            if top and i == topmost and ln.size <= body * 1.05 and len(plain(ln.text)) <= 90:
                top_slots[(round(ln.y0 / 3), round(ln.size))].append((p, i, ln))
    repeat = 2 if len(pages) <= 6 else 3
    if len(pages) >= 2:
        for p, i, key in band_lines:
            if pages_with[key] >= repeat:
                drop.add((p, i))
    # running section titles: the topmost line of most pages, small, at the same height
    for slot in top_slots.values():
        covered = len({p for p, _, _ in slot})
        if (len(pages) >= 4 and covered >= max(4, 0.5 * len(pages))) or (2 <= len(pages) < 4 and covered == len(pages)):
            drop.update((p, i) for p, i, _ in slot)
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


def footnotes_of(page: PageItems, body: float, dropped: set[int]) -> tuple[set[int], dict[str, str]]:
    """Lines of the page's footnotes and the note text per label: small lines in the lower half that
    start with the label of a raised mark in the page's body."""
    labels = {m.strip() for ln in page.lines for m in re.findall(f"{SUP}([^{SUP_END}]*){SUP_END}", ln.text)
              if NOTE_LABEL.match(m.strip())}
    if not labels:
        return set(), {}
    notes: dict[str, str] = {}
    used: set[int] = set()
    current: str | None = None
    order = sorted((i for i in range(len(page.lines)) if i not in dropped), key=lambda i: page.lines[i].y0)
    for i in order:
        ln = page.lines[i]
        small = ln.size <= body * 0.93
        if ln.y0 < page.height * 0.45 or not small:
            current = None
            continue
        m = FOOTNOTE_START.match(ln.text)
        label = (m.group(1) or m.group(2)) if m else None
        if label in labels and label not in notes:
            current = label
            notes[label] = ln.text[m.end():].strip() if m else ""
            used.add(i)
        elif current is not None:
            notes[current] = join_lines(notes[current], ln.text)
            used.add(i)
    return used, notes


def link_notes(text: str, page: int, notes: dict[str, str]) -> str:
    """Raised marks whose note was found become note references."""
    def repl(m: re.Match[str]) -> str:
        label = m.group(1).strip()
        return note_mark(f"fn{page}-{label}", label) if label in notes else m.group(0)

    return re.sub(f"{SUP}([^{SUP_END}]*){SUP_END}", repl, text)


@dataclass
class TextBlock:
    lines: list[Line]


@dataclass
class BoxGroup:
    """Text blocks inside one filled box (an infobox): read together, kept apart as an aside."""

    blocks: list[TextBlock]


@dataclass
class MarginNote:
    block: TextBlock


def group_blocks(lines: list[Line]) -> list[TextBlock]:
    blocks: dict[int, list[Line]] = {}
    for ln in lines:
        blocks.setdefault(ln.block, []).append(ln)
    return [TextBlock(v) for v in blocks.values()]


def box(lines: list[Line]) -> Box:
    return (min(ln.x0 for ln in lines), min(ln.y0 for ln in lines), max(ln.x1 for ln in lines),
            max(ln.y1 for ln in lines))


def gutter(page: PageItems, items: list[tuple[float, float, float, float, Any]]) -> float | None:
    """The x of a column gutter: a vertical line in the middle of the page that no text crosses,
    with text on both sides (at least two blocks each); None on a one-column page."""
    narrow = [b for b in items if isinstance(b[4], TextBlock) and b[2] - b[0] < 0.6 * page.width]
    if len(narrow) < 4:
        return None
    best: tuple[int, float] | None = None
    x = page.width * 0.3
    while x <= page.width * 0.7:
        left = [b for b in narrow if b[2] <= x]
        right = [b for b in narrow if b[0] >= x]
        sides = left + right
        # text crossing the gutter is allowed only where no column runs beside it (centred title lines)
        blocked = any(b[0] < x < b[2] and any(o[1] < b[3] and b[1] < o[3] for o in sides) for b in narrow)
        balance = min(len(left), len(right))
        if not blocked and balance >= 2 and (best is None or balance > best[0]):
            best = (balance, x)
        x += 2
    return best[1] if best else None


def reading_order(page: PageItems, items: list[tuple[float, float, float, float, Any]]) -> list[Any]:
    """Order boxes (x0, y0, x1, y1, payload) top to bottom, left column before right column."""
    ordered = sorted(items, key=lambda b: (round(b[1], 1), b[0]))
    split = gutter(page, items)
    if split is None:
        return [b[4] for b in ordered]
    tol = page.width * 0.01

    def column(b: tuple[float, float, float, float, Any]) -> int:
        if b[2] <= split + tol:
            return 0
        if b[0] >= split - tol:
            return 1
        return -1

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


def _inside(inner: Box, outer: Box, slack: float = 2.0) -> bool:
    return inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack and inner[2] <= outer[2] + slack \
        and inner[3] <= outer[3] + slack


def page_items(page: PageItems, kept: list[Line]) -> list[tuple[float, float, float, float, Any]]:
    """The page's text blocks, infoboxes, margin notes, figures and tables with their boxes."""
    blocks = [(*box(tb.lines), tb) for tb in group_blocks(kept)]
    items: list[tuple[float, float, float, float, Any]] = []
    in_box: set[int] = set()
    for rect in page.boxes:
        inside = [k for k, b in enumerate(blocks) if k not in in_box and _inside(b[:4], rect)]
        if inside and len(inside) < len(blocks):
            in_box.update(inside)
            items.append((*rect, BoxGroup([blocks[k][4] for k in inside])))
    rest = [b for k, b in enumerate(blocks) if k not in in_box]
    wide = [b for b in rest if b[2] - b[0] >= 0.35 * page.width]
    if wide:
        left = min(b[0] for b in wide)
        right = max(b[2] for b in wide)
        for b in rest:
            narrow = b[2] - b[0] <= MARGIN_NOTE_WIDTH * page.width
            if narrow and (b[2] <= left + 2 or b[0] >= right - 2):
                items.append((*b[:4], MarginNote(b[4])))
            else:
                items.append(b)
    else:
        items.extend(rest)
    items += [(x0, y0, x1, y1, fig) for x0, y0, x1, y1, fig in page.figures]
    items += [(x0, y0, x1, y1, tab) for x0, y0, x1, y1, tab in page.tables]
    return items


def build_blocks(pages: list[PageItems], lang: str = "en") -> Layout:
    """Pages → Document blocks, footnotes and the count of furniture lines removed."""
    body, levels = size_levels(pages)
    drop = furniture(pages, body)
    out: list[Any] = []
    notes: dict[str, list[Any]] = {}
    builder = _Builder(out, body, levels, lang)
    for p, page in enumerate(pages):
        dropped = {i for (q, i) in drop if q == p}
        note_lines, page_notes = footnotes_of(page, body, dropped)
        for label, text in page_notes.items():
            notes[f"fn{page.number}-{label}"] = [marked_paragraph(text)] if text else []
        kept = [ln for i, ln in enumerate(page.lines)
                if i not in dropped and i not in note_lines and plain(ln.text).strip()]
        kept = [ln for ln in kept if not _inside_table(ln, page.tables)]
        if page_notes:
            kept = [Line(link_notes(ln.text, page.number, page_notes), ln.x0, ln.y0, ln.x1, ln.y1, ln.size,
                         ln.bold, ln.block) for ln in kept]
        builder.page_break(model.PageBreak(label=page.label))
        items = page_items(page, kept)
        ordered = reading_order(page, [i for i in items if not isinstance(i[4], MarginNote)])
        margin = sorted((i for i in items if isinstance(i[4], MarginNote)), key=lambda b: b[1])
        for item in ordered:
            if isinstance(item, TextBlock):
                builder.text_block(item)
            elif isinstance(item, BoxGroup):
                builder.aside(item.blocks)
            else:
                builder.close_list()
                builder.flush()
                out.append(item)
        for note in margin:                  # placed after the paragraph it sits beside
            builder.aside([note[4].block])
    builder.close_list()
    builder.flush()
    return Layout(out, notes, len(drop))


def _inside_table(ln: Line, tables: list[tuple[float, float, float, float, model.Table]]) -> bool:
    cx, cy = (ln.x0 + ln.x1) / 2, (ln.y0 + ln.y1) / 2
    return any(x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1 for x0, y0, x1, y1, _ in tables)


class _Builder:
    """Accumulates paragraphs and list items across blocks, columns and pages."""

    def __init__(self, out: list[Any], body: float, levels: dict[float, int], lang: str) -> None:
        self.out = out
        self.body = body
        self.levels = levels
        self.lang = lang
        self.bold_level = min(6, (max(levels.values()) + 1) if levels else 2)
        self.para: str | None = None
        self.list: model.ListBlock | None = None
        self.item_text: str | None = None
        self.pending_breaks: list[model.PageBreak] = []
        self.pending_asides: list[model.Section] = []

    def page_break(self, pb: model.PageBreak) -> None:
        if self.para is None and self.item_text is None:
            self.out.append(pb)
        else:
            self.pending_breaks.append(pb)   # placed after the paragraph the page cut

    def aside(self, blocks: list[TextBlock]) -> None:
        """An infobox or margin note: its own blocks in a Section(kind="aside"), after the paragraph
        being read (which may continue after it on the page)."""
        inner: list[Any] = []
        sub = _Builder(inner, self.body, self.levels, self.lang)
        for tb in blocks:
            sub.text_block(tb)
        sub.close_list()
        sub.flush()
        content = [b for b in inner if not isinstance(b, model.PageBreak)]
        if not content:
            return
        section = model.Section(kind="aside", blocks=content)
        if self.para is None and self.item_text is None and self.list is None:
            self.out.append(section)
        else:
            self.pending_asides.append(section)

    def heading_level(self, lines: list[Line]) -> int | None:
        text = " ".join(plain(ln.text).strip() for ln in lines)
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
            self.out.append(model.Heading(level=level, inlines=marked_paragraph(text).inlines))
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
                self.item_text = join_lines(self.item_text, text, self.lang)
            elif self.para is not None and (k > 0 or (text[:1].islower() and not ends_sentence(plain(self.para)))):
                self.para = join_lines(self.para, text, self.lang)
            else:
                self.close_list()
                self.flush()
                self.para = text
        if self.para is not None and ends_sentence(plain(self.para)):
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
            self.list.items.append(model.ListItem(blocks=[marked_paragraph(self.item_text)]))
        self.item_text = None

    def close_list(self) -> None:
        self._end_item()
        if self.list is not None and self.list.items:
            self.out.append(self.list)
        self.list = None
        self._emit_pending()

    def flush(self) -> None:
        if self.para:
            self.out.append(marked_paragraph(self.para))
        self.para = None
        if self.list is None:
            self._emit_pending()

    def _emit_pending(self) -> None:
        if self.para is None and self.item_text is None and self.list is None:
            self.out.extend(self.pending_asides)
            self.out.extend(self.pending_breaks)
            self.pending_asides = []
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


def table_from_rows(rows: list[list[str | None]], header_rows: int,
                    grid: list[list[tuple[float, float, float, float] | None]] | None = None) -> model.Table:
    """A table from the table finder's rows. With its cell boxes (``grid``: a box per grid position,
    None where a merged cell covers it) merged cells keep their extent (colspan, rowspan) instead of
    leaving empty cells; header rows that span rows extend the header; an empty top-left cell over a
    header row makes the first column row headers."""
    spans = _spans(grid) if grid else None
    out_rows = []
    for r, row in enumerate(rows):
        header = r < header_rows
        cells = []
        for c, text in enumerate(row):
            if spans is not None and spans[r][c] is None:
                continue                              # covered by a merged cell to the left or above
            cell = text_cell(" ".join((text or "").split()), header, "col" if header else None)
            if spans is not None:
                cell.colspan, cell.rowspan = spans[r][c]   # type: ignore[misc]
            cells.append(cell)
        out_rows.append(model.Row(cells=cells))
    if header_rows and spans is not None:
        header_rows = max([header_rows] + [r + s[1] for r in range(header_rows) for s in spans[r] if s])
        for row in out_rows[:header_rows]:
            for cell in row.cells:
                cell.header, cell.scope = True, "col"
    header_cols = 0
    if header_rows and out_rows and out_rows[0].cells and not out_rows[0].cells[0].text \
            and all(r.cells for r in out_rows[header_rows:]):
        header_cols = 1
        for row in out_rows[header_rows:]:
            row.cells[0].header, row.cells[0].scope = True, "row"
    return model.Table(rows=out_rows, header_rows=header_rows, header_cols=header_cols)


def _spans(grid: list[list[tuple[float, float, float, float] | None]]) -> list[list[tuple[int, int] | None]]:
    """(colspan, rowspan) of each cell that starts at a grid position, None where one is covered."""
    cols = max((len(r) for r in grid), default=0)
    col_x = [min((r[c][0] for r in grid if c < len(r) and r[c]), default=0.0) for c in range(cols)]
    row_y = [min((b[1] for b in r if b), default=0.0) for r in grid]
    out: list[list[tuple[int, int] | None]] = [[None] * len(r) for r in grid]
    for r, row in enumerate(grid):
        for c, b in enumerate(row):
            if b is None:
                continue
            colspan = 1
            while c + colspan < len(row) and row[c + colspan] is None and b[2] > col_x[c + colspan] + 1:
                colspan += 1
            rowspan = 1
            while r + rowspan < len(grid) and c < len(grid[r + rowspan]) and grid[r + rowspan][c] is None \
                    and b[3] > row_y[r + rowspan] + 1:
                rowspan += 1
            out[r][c] = (colspan, rowspan)
    return out
