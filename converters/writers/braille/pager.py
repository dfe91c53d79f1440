"""Braille page layout: lines of at most ``cells`` cells, pages of at most ``lines`` lines.

Conventions (after BANA *Braille Formats* 2016, simplified):

- line 1 of every page carries the braille page number at the right margin;
- a print page change is a line of dots 3-6 (``-`` in BRF) ending with the print page number;
- centred headings keep at least three blank cells each side; paragraphs are 3-1 (first line in
  cell 3, runover in cell 1); list items are 1-3, nested lists step by two cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

MIN_CENTRE_MARGIN = 3
PAGE_NUMBER_GAP = 3          # blank cells between text and the page number on line 1


@dataclass
class Pager:
    cells: int = 40
    lines: int = 25
    number: Callable[[int], str] = str      # braille page number, already in BRF
    pages: list[list[str]] = field(default_factory=list)
    _current: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._new_page()

    # ------------------------------------------------------------------------- pages

    def _new_page(self) -> None:
        if self._current:
            self.pages.append(self._current)
        page_no = self.number(len(self.pages) + 1)
        header = page_no.rjust(self.cells) if len(page_no) <= self.cells else page_no[: self.cells]
        self._current = [header]

    @property
    def at_top(self) -> bool:
        return len(self._current) <= 1

    @property
    def room(self) -> int:
        return self.lines - len(self._current)

    def put(self, text: str) -> None:
        if len(self._current) >= self.lines:
            self._new_page()
        self._current.append(text[: self.cells])

    def blank(self) -> None:
        """A blank line, never at the top of a page nor doubled."""
        if self.at_top or not self._current[-1].strip():
            return
        if len(self._current) >= self.lines:
            self._new_page()
            return
        self._current.append("")

    def keep_together(self, n_lines: int) -> None:
        """Start a new page unless ``n_lines`` more lines fit (headings with their first line)."""
        if n_lines <= self.lines - 1 and self.room < n_lines:
            self._new_page()

    def finish(self) -> list[list[str]]:
        if self._current and (len(self._current) > 1 or not self.pages):
            self.pages.append(self._current)
        self._current = []
        return self.pages

    # ------------------------------------------------------------------------- blocks

    def print_page(self, label: str) -> None:
        """Print page indicator: dots 3-6 across the line, print page number at the right."""
        label = label[: self.cells - 4]
        self.put("-" * (self.cells - len(label)) + label)

    def paragraph(self, words: list[str], first: int = 2, runover: int = 0) -> None:
        for line in wrap(words, self.cells, first, runover):
            self.put(line)

    def centred(self, words: list[str]) -> None:
        width = self.cells - 2 * MIN_CENTRE_MARGIN
        lines = [ln.strip() for ln in wrap(words, width, 0, 0)]
        self.blank()
        self.keep_together(len(lines) + 2)
        for line in lines:
            pad = (self.cells - len(line)) // 2
            self.put(" " * pad + line)
        self.blank()

    def cell_heading(self, words: list[str], cell: int) -> None:
        """A heading starting in ``cell`` (1-based), runover in the same cell, blank line before."""
        lines = wrap(words, self.cells, cell - 1, cell - 1)
        self.blank()
        self.keep_together(len(lines) + 1)
        for line in lines:
            self.put(line)


def wrap(words: list[str], cells: int, first: int, runover: int) -> list[str]:
    """Greedy word wrap; a word longer than a line is cut (the only case a word is split)."""
    lines: list[str] = []
    indent = first
    current = ""
    for word in words:
        if not word:
            continue
        width = cells - indent
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(" " * indent + current)
            indent = runover
            width = cells - indent
        while len(word) > width:
            lines.append(" " * indent + word[:width])
            word = word[width:]
            indent = runover
            width = cells - indent
        current = word
    if current:
        lines.append(" " * indent + current)
    return lines
