"""Tagged PDF → Document blocks from the structure tree (pymupdf's TEXT_COLLECT_STRUCTURE gives,
per page, the structure elements with the text and images they own, in logical order).

Roles: H/H1-H6 → Heading; P and other text containers → Paragraph; L/LI/Lbl/LBody → lists
(ordered when the labels are numbers); Table/TR/TH/TD → Table with header cells; Figure → Figure
(its /Alt, read with pikepdf, in order); Caption → the caption of the figure or table; BlockQuote →
Quote; Code → Code. Content outside the structure tree is an artifact (running headers, page
numbers) and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from access import document as model
from converters.blocks import text_cell
from converters.readers.marks import continue_paragraph, marked_paragraph, plain
from converters.readers.pdf_text import line_of
from converters.readers.reflow import ends_sentence, join_lines

CONTAINERS = {"Document", "Part", "Art", "Sect", "Div", "NonStruct", "Private", "Form", "TOC", "TOCI", "Index",
              "Span", "Quote", "Note", "Reference", "BibEntry", "Link", "Annot", "Ruby", "Warichu", "Title",
              "Aside", "DocumentFragment", "FENote", "Sub", "Em", "Strong"}
HEADING = re.compile(r"^H([1-6])?$")
NUMBER_LABEL = re.compile(r"^\(?\d{1,3}[.)]?$|^[a-zA-Z][.)]$")


def role(block: dict[str, Any]) -> str:
    std = block.get("std") or ""
    raw = block.get("raw") or ""
    if std == "NonDtruct":          # pymupdf 1.28 spells NonStruct this way in "std"
        return "NonStruct"
    return std or raw


def has_structure(page_blocks: list[dict[str, Any]]) -> bool:
    return any(b.get("type") == 2 for b in page_blocks)


def text_of(block: dict[str, Any], lang: str = "en") -> str:
    """All text owned by a block (structure element or text block), lines joined, raised and lowered
    runs marked (marks.py)."""
    out = ""
    prev = None
    for line in _lines(block):
        made = line_of(line, 0)
        if made is None:
            continue
        same_line = prev is not None and abs(made.y1 - prev.y1) < 0.3 * made.size and made.x0 >= prev.x1 - 1
        if not out:
            out = made.text
        elif same_line:           # one printed line split into runs (marked content, a change of font)
            out += made.text if made.x0 - prev.x1 < 0.2 * made.size else " " + made.text
        else:
            out = join_lines(out, made.text, lang)
        prev = made
    return " ".join(out.split())


def _lines(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if block.get("type") == 0:
        yield from block.get("lines", [])
    elif block.get("type") == 2:
        for child in block.get("blocks", []):
            yield from _lines(child)


def _images(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if block.get("type") == 1:
        yield block
    elif block.get("type") == 2:
        for child in block.get("blocks", []):
            yield from _images(child)


def _has_figure_child(block: dict[str, Any]) -> bool:
    return any(c.get("type") == 2 and (role(c) == "Figure" or _has_figure_child(c)) for c in block.get("blocks", []))


def add_nested(items: list[model.ListItem], nested: model.ListBlock) -> None:
    """A list tagged directly inside a list belongs to the item before it."""
    if items:
        items[-1].blocks.append(nested)
    else:
        items.append(model.ListItem(blocks=[nested]))


def labelled_list(items: list[model.ListItem], labels: list[str]) -> model.ListBlock:
    """Ordered when every label (Lbl) is a number or a letter; numbering starts at the first label."""
    ordered = bool(labels) and all(NUMBER_LABEL.match(lbl.strip()) for lbl in labels if lbl.strip())
    start = 1
    if ordered and labels and labels[0].strip().strip("().").isdigit():
        start = int(labels[0].strip().strip("()."))
    return model.ListBlock(ordered=ordered, start=start, items=items)


def headed_table(rows: list[model.Row], header_rows: int, caption: str | None) -> model.Table:
    """A tagged table: its leading header rows are column headers; when every body row starts with a
    header cell, the first column is row headers. Scopes the tags gave are kept."""
    for row in rows[:header_rows]:
        for c in row.cells:
            c.header, c.scope = True, c.scope or "col"
    body = rows[header_rows:]
    header_cols = 1 if body and all(r.cells and r.cells[0].header for r in body) else 0
    for row in body:
        if row.cells and row.cells[0].header:
            row.cells[0].scope = row.cells[0].scope or "row"
    return model.Table(rows=rows, caption=caption, header_rows=header_rows, header_cols=header_cols)


class TaggedBuilder:
    """Walks each page's structure blocks and appends Document blocks to ``out``."""

    def __init__(self, make_figure: Any, alts: list[str | None], lang: str = "en") -> None:
        self.out: list[Any] = []
        self.lang = lang
        self.make_figure = make_figure          # (image block or None, page number, alt) -> Figure
        self.alts = iter(alts)                  # /Alt of the Figure elements, in structure order
        self.page = 0

    def add_page(self, number: int, label: str, blocks: list[dict[str, Any]]) -> None:
        self.page = number
        self.out.append(model.PageBreak(label=label))
        for b in blocks:
            if b.get("type") == 2:
                self.element(b, self.out)
            # top-level text and images outside the structure tree are artifacts

    def element(self, b: dict[str, Any], out: list[Any]) -> None:
        r = role(b)
        m = HEADING.match(r)
        if m:
            text = text_of(b, self.lang)
            if plain(text).strip():
                out.append(model.Heading(level=int(m.group(1) or 2), inlines=marked_paragraph(text).inlines))
            return
        if r in ("P", "Lbl", "LBody", "TOCI"):
            self.paragraph(text_of(b, self.lang), out)
            return
        if r == "L":
            lst = self.list_block(b)
            if lst.items:
                out.append(lst)
            return
        if r == "Table":
            out.append(self.table(b))
            return
        if r == "Figure" and _has_figure_child(b):
            inner: list[Any] = []
            self.children(b, inner)            # <figure> around <img>: the inner Figure carries the alt
            out.extend(inner)
            return
        if r in ("Figure", "Formula"):
            alt = next(self.alts, None) if r == "Figure" else None
            images = list(_images(b))
            if images:
                out.extend(self.make_figure(img, self.page, alt) for img in images)
            else:
                out.append(self.make_figure(None, self.page, alt))
            return
        if r == "Caption":
            caption = plain(text_of(b, self.lang))
            last = out[-1] if out else None
            if isinstance(last, model.Figure | model.Table) and not last.caption:
                last.caption = caption
            else:
                self.paragraph(caption, out)
            return
        if r == "BlockQuote":
            inner: list[Any] = []
            self.children(b, inner)
            out.append(model.Quote(blocks=inner))
            return
        if r == "Code":
            out.append(model.Code(text=plain(text_of(b, self.lang))))
            return
        self.children(b, out)

    def children(self, b: dict[str, Any], out: list[Any]) -> None:
        for child in b.get("blocks", []):
            if child.get("type") == 2:
                self.element(child, out)
            elif child.get("type") == 0:
                self.paragraph(text_of(child, self.lang), out)
            elif child.get("type") == 1:
                out.append(self.make_figure(child, self.page, None))

    def paragraph(self, text: str, out: list[Any]) -> None:
        if not plain(text).strip():
            return
        # a paragraph the page cut: continue it (the PageBreak is moved after it)
        if len(out) >= 2 and isinstance(out[-1], model.PageBreak) and isinstance(out[-2], model.Paragraph) \
                and text[:1].islower() and not ends_sentence(out[-2].text):
            continue_paragraph(out[-2], text, self.lang)
            return
        out.append(marked_paragraph(text))

    def list_block(self, b: dict[str, Any]) -> model.ListBlock:
        items: list[model.ListItem] = []
        labels: list[str] = []
        for li in b.get("blocks", []):
            if li.get("type") != 2:
                continue
            if role(li) == "L":              # a nested list directly in L
                add_nested(items, self.list_block(li))
                continue
            blocks: list[Any] = []
            for part in li.get("blocks", []):
                if part.get("type") == 2 and role(part) == "Lbl":
                    labels.append(plain(text_of(part, self.lang)))
                    continue
                if part.get("type") == 2:
                    if role(part) in ("LBody", "NonStruct", "Span", "P", "Div"):
                        nested = [c for c in part.get("blocks", []) if c.get("type") == 2 and role(c) == "L"]
                        if nested:
                            self.children(part, blocks)
                        else:
                            self.paragraph(text_of(part, self.lang), blocks)
                    else:
                        self.element(part, blocks)
                elif part.get("type") == 0:
                    self.paragraph(text_of(part, self.lang), blocks)
            if blocks:
                items.append(model.ListItem(blocks=blocks))
        return labelled_list(items, labels)

    def table(self, b: dict[str, Any]) -> model.Table:
        rows: list[model.Row] = []
        caption = None
        header_rows = 0

        def collect(el: dict[str, Any], in_head: bool) -> None:
            nonlocal caption, header_rows
            for child in el.get("blocks", []):
                if child.get("type") != 2:
                    continue
                r = role(child)
                if r in ("THead", "TBody", "TFoot"):
                    collect(child, r == "THead")
                elif r == "Caption":
                    caption = plain(text_of(child, self.lang))
                elif r == "TR":
                    cells = []
                    for c in child.get("blocks", []):
                        if c.get("type") == 2 and role(c) in ("TH", "TD"):
                            text = plain(text_of(c, self.lang))
                            header = role(c) == "TH"
                            cells.append(text_cell(text, header))
                    if cells and (in_head or all(c.header for c in cells)) and len(rows) == header_rows:
                        header_rows += 1
                    rows.append(model.Row(cells=cells))

        collect(b, False)
        return headed_table(rows, header_rows, caption)
