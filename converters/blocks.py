"""Small builders of Document blocks that readers and transforms share."""

from __future__ import annotations

from typing import Literal

from access.document import Cell, Paragraph, Span


def text_paragraph(text: str) -> Paragraph:
    """A paragraph of plain text."""
    return Paragraph(inlines=[Span(text=text)])


def text_cell(text: str, header: bool = False, scope: Literal["col", "row"] | None = None) -> Cell:
    """A table cell holding one paragraph of plain text (no block when the text is empty)."""
    return Cell(blocks=[text_paragraph(text)] if text else [], header=header, scope=scope)
