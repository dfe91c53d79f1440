"""Document -> formatted BRF (North American Braille ASCII), plus Unicode braille and PEF.

Every text goes through liblouis (:mod:`.louis`); :mod:`.pager` lays the braille out on pages.
The print text of everything translated is kept alongside (``print_text``), so the gate can
back-translate the BRF and count how many of the source words come back.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from access import document as model
from access.errors import EngineFailed
from converters.writers.braille.charset import BRF_CHARS, BRF_SET, TableCharset, to_brf_cells
from converters.writers.braille.louis import Louis
from converters.writers.braille.pager import Pager

__all__ = ["BRF_CHARS", "BRF_SET", "BrfBuilder", "brf_pages", "pages_to_brf", "pef", "recovered_percent",
           "to_unicode_braille"]
_TO_UNICODE = {c: chr(0x2800 + i) for i, c in enumerate(BRF_CHARS)}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def to_unicode_braille(brf: str) -> str:
    return "".join(_TO_UNICODE.get(c, c) for c in brf)


def words_of(text: str) -> list[str]:
    """Comparable words: lower case letters and digits, punctuation dropped."""
    return [w.lower() for w in _WORD.findall(text)]


def recovered_percent(source: Mapping[str, int], back_translated: str) -> float:
    """How many of the source words (with their counts) come back, in per cent."""
    back = Counter(words_of(back_translated))
    total = sum(source.values())
    if not total:
        return 100.0
    return round(100.0 * sum(min(n, back[w]) for w, n in source.items()) / total, 2)


def word_counts(text: str) -> dict[str, int]:
    """How often each comparable word occurs (what the back-translation check compares with)."""
    return dict(Counter(words_of(text)))


def printable(text: str) -> str:
    """Text liblouis can render: no control characters, emoji or other pictographs."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat.startswith("C") or (cat == "So" and ord(ch) > 0xFFFF):
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


@dataclass
class BrfBuilder:
    louis: Louis
    table: str
    cells: int = 40
    lines: int = 25
    print_text: list[str] = field(default_factory=list)
    left_out: int = 0              # cells outside Braille ASCII no stand-in could replace (none expected)
    note_labels: dict[str, str] = field(default_factory=dict)    # note id -> the mark the text showed

    def __post_init__(self) -> None:
        self.charset = TableCharset(self.louis, self.table)
        self.pager = Pager(self.cells, self.lines, number=self._number)

    def _number(self, n: int) -> str:
        return self.braille(str(n))

    def braille(self, text: str) -> str:
        """BRF of a text: never a character outside Braille ASCII. Characters the table cannot write are
        replaced first (:class:`TableCharset`); a text the table still refuses is translated word by word."""
        text = self.charset.prepare(text)
        try:
            cells = to_brf_cells(self.louis.translate(self.table, text, undefined=False))
        except EngineFailed:
            cells = " ".join(self._word_cells(word) for word in text.split())
        kept = "".join(c for c in cells if c in BRF_SET)
        self.left_out += len(cells) - len(kept)
        return kept

    def _word_cells(self, word: str) -> str:
        try:
            return to_brf_cells(self.louis.translate(self.table, word, undefined=False))
        except EngineFailed:
            self.left_out += len(word)
            return ""

    def inline_text(self, inlines: list[Any]) -> str:
        """A paragraph's text for braille: superscripts and subscripts (and note references) in the
        characters that carry the table's indicators where it has them (UEB writes ² with its
        superscript indicator), else marked ``^n`` / ``_2``, never glued into the number before them."""
        from converters.speech.normalise import lowered, raised

        out: list[str] = []
        for item in inlines:
            if isinstance(item, model.NoteRef):
                label = self.note_labels.setdefault(item.id, item.label or str(len(self.note_labels) + 1))
                item = model.Span(text=label, position="super")
            if item.position is None or not item.text.strip():
                out.append(item.text)
                continue
            form = raised(item.text) if item.position == "super" else lowered(item.text).strip()
            if not self.charset.writes_all(form):
                mark = "^" if item.position == "super" else "_"
                text = item.text.strip()
                form = f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"
            out.append(form)
        return "".join(out)

    def words(self, text: str) -> list[str] | None:
        text = " ".join(self.charset.prepare(printable(text)).split())
        if not text:
            return None
        self.print_text.append(text)
        return self.braille(text).split(" ")

    # ------------------------------------------------------------------------- blocks

    def document(self, doc: model.Document) -> list[list[str]]:
        first = next((b for b in doc.blocks if not isinstance(b, model.PageBreak)), None)
        title = doc.metadata.title
        if title and not (isinstance(first, model.Heading) and first.text.strip() == title.strip()):
            words = self.words(title)
            if words:
                self.pager.centred(words)
        self.blocks(doc.blocks, depth=0)
        if doc.footnotes:
            words = self.words("Notes")
            if words:
                self.pager.centred(words)
            for key, blocks in doc.footnotes.items():
                text = " ".join(model.block_text(b) for b in blocks)
                words = self.words(f"{self.note_labels.get(key, key)}. {text}")
                if words:
                    self.pager.paragraph(words, 2, 0)
        return self.pager.finish()

    def blocks(self, blocks: list[Any], depth: int) -> None:
        for block in blocks:
            self.block(block, depth)

    def block(self, block: Any, depth: int) -> None:
        if isinstance(block, model.Heading):
            words = self.words(block.text)
            if words:
                if block.level == 1:
                    self.pager.centred(words)
                else:
                    self.pager.cell_heading(words, 5 if block.level == 2 else 7)
        elif isinstance(block, model.Paragraph):
            words = self.words(self.inline_text(block.inlines))
            if words:
                self.pager.paragraph(words, 2, 0)
        elif isinstance(block, model.Math | model.Code):
            words = self.words(model.block_text(block))
            if words:
                self.pager.paragraph(words, 2, 0)
        elif isinstance(block, model.ListBlock):
            self.list_block(block, depth)
        elif isinstance(block, model.Table):
            self.table_block(block)
        elif isinstance(block, model.Figure):
            described = block.alt or block.caption
            if described and not block.decorative:
                words = self.words(f"Figure: {described}")
                if words:
                    self.pager.paragraph(words, 2, 0)
        elif isinstance(block, model.PageBreak):
            label = printable(block.label)
            if label:
                self.pager.print_page(self.braille(label).replace(" ", ""))
        elif isinstance(block, model.Quote):
            self.pager.blank()
            self.blocks(block.blocks, depth)
            self.pager.blank()
        elif isinstance(block, model.Notes):
            words = self.words("Notes")
            if words:
                self.pager.cell_heading(words, 5)
            self.blocks(block.blocks, depth)
        elif isinstance(block, model.Section):
            if block.label and block.kind == "slide":
                words = self.words(block.label)
                if words:
                    self.pager.cell_heading(words, 5)
            self.blocks(block.blocks, depth)

    def list_block(self, block: model.ListBlock, depth: int) -> None:
        first, runover = 2 * depth, 2 * depth + 2
        for n, item in enumerate(block.items, start=block.start):
            lead = f"{n}. " if block.ordered else ""
            for i, sub in enumerate(item.blocks):
                if isinstance(sub, model.ListBlock):
                    self.list_block(sub, depth + 1)
                    continue
                text = model.block_text(sub)
                words = self.words(lead + text if i == 0 else text)
                if words:
                    self.pager.paragraph(words, first if i == 0 else runover, runover)

    def table_block(self, table: model.Table) -> None:
        """Linearised: one 1-3 entry per body row, each cell labelled with its column header."""
        if table.caption:
            words = self.words(table.caption)
            if words:
                self.pager.paragraph(words, 2, 0)
        heads = [c.text for c in table.rows[0].cells] if table.header_rows and table.rows else []
        for row in table.rows[table.header_rows:]:
            parts = []
            for i, cell in enumerate(row.cells):
                value = cell.text
                head = heads[i] if i < len(heads) else ""
                parts.append(f"{head}: {value}" if head and value else value or head)
            words = self.words("; ".join(p for p in parts if p))
            if words:
                self.pager.paragraph(words, 0, 2)


def pages_to_brf(pages: list[list[str]]) -> str:
    """Lines end CR LF, each page ends with a form feed (what embossers expect)."""
    return "".join("".join(line.rstrip() + "\r\n" for line in page) + "\f" for page in pages)


def brf_pages(brf: str) -> list[list[str]]:
    pages = brf.split("\f")
    if pages and not pages[-1].strip("\r\n"):
        pages = pages[:-1]
    return [page.split("\r\n")[:-1] if page.endswith("\r\n") else page.split("\r\n") for page in pages]


def body_text(pages: list[list[str]]) -> str:
    """The braille of the text itself: page-number lines and print page indicators removed."""
    lines = []
    for page in pages:
        for line in page[1:]:
            if re.fullmatch(r"-{3,}\S*", line.strip()):
                continue
            lines.append(line.strip())
    return " ".join(line for line in lines if line)


def pef(pages: list[list[str]], cells: int, lines: int, title: str, language: str) -> str:
    """PEF 2008-1: one volume, one section, the same pages in Unicode braille."""
    from xml.sax.saxutils import escape

    body = []
    for page in pages:
        rows = "".join(f"<row>{to_unicode_braille(line.rstrip())}</row>" for line in page)
        body.append(f"<page>{rows}</page>")
    ident = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-") or "document"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<pef version="2008-1" xmlns="http://www.daisy.org/ns/2008/pef">'
        '<head><meta xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:format>application/x-pef+xml</dc:format><dc:identifier>{escape(ident)}</dc:identifier>"
        f"<dc:title>{escape(title)}</dc:title><dc:language>{escape(language)}</dc:language>"
        "</meta></head><body>"
        f'<volume cols="{cells}" rows="{lines}" rowgap="0" duplex="false"><section>'
        + "".join(body)
        + "</section></volume></body></pef>\n"
    )
