"""Text lines of a PDF page as pymupdf reads them, cleaned and with raised/lowered runs marked
(shared by the layout and the structure-tree readers)."""

from __future__ import annotations

from typing import Any, Literal

from converters.readers.marks import mark, plain, unmark_inside_words
from converters.readers.pdf_layout import Line
from converters.readers.textnorm import normalise_text


def line_of(line: dict[str, Any], block_no: int) -> Line | None:
    """One text line of pymupdf's dict output: its spans cleaned (symbol fonts mapped, ligatures
    expanded, soft hyphens removed) and raised or lowered runs marked (superscripts, subscripts,
    footnote marks: never glued into the word or number before them)."""
    spans = [s for s in line.get("spans", []) if s.get("text", "").strip()]
    if not spans:
        return None
    main = max(spans, key=lambda s: len(s["text"].strip()) * s["size"])
    parts = []
    for s in line["spans"]:
        text = normalise_text(s.get("text", ""), s.get("font", ""))
        parts.append(mark(text, span_position(s, main)) if text.strip() else text)
    text = unmark_inside_words("".join(parts).strip())
    if not plain(text).strip():
        return None
    bold = all((s.get("flags", 0) & 16) or "bold" in s.get("font", "").lower() for s in spans)
    x0, y0, x1, y1 = line["bbox"]
    return Line(text, x0, y0, x1, y1, round(main["size"], 1), bool(bold), block_no)


def span_position(span: dict[str, Any], main: dict[str, Any]) -> Literal["super", "sub"] | None:
    """Raised or lowered: MuPDF's superscript flag, or a smaller run whose baseline sits above or
    below the line's main run."""
    if span is main:
        return None
    size, main_size = span.get("size", 0), main.get("size", 0)
    if size > 0.85 * main_size:
        return None
    if span.get("flags", 0) & 1:
        return "super"
    base, main_base = span.get("origin", (0, 0))[1], main.get("origin", (0, 0))[1]
    if base < main_base - 0.2 * main_size:
        return "super"
    if base > main_base + 0.1 * main_size:
        return "sub"
    return None
