"""Superscripts, subscripts and footnote references carried inside a line's text while the PDF
readers join lines into paragraphs, then turned into ``Span(position=...)`` and ``NoteRef`` inlines.

A line of a PDF is a string while paragraphs are assembled (hyphenation, column and page joins work
on strings), so a raised or lowered run is wrapped in control characters that no extracted text
contains (the readers drop control characters first): ``83,190,556`` followed by a raised ``2`` is
``"83,190,556\\x0e2\\x0f"`` and becomes ``[Span("83,190,556"), Span("2", position="super")]`` —
never ``"83,190,5562"``. A mark that was matched with a footnote body becomes a ``NoteRef``.
"""

from __future__ import annotations

import re
from typing import Literal

from access.document import NoteRef, Paragraph, Span
from converters.readers.reflow import join_lines

SUP, SUP_END, SUB, SUB_END, NOTE, NOTE_END = "\x0e", "\x0f", "\x10", "\x11", "\x12", "\x13"
NOTE_SEP = "\x14"                     # inside a note mark: id, separator, label
MARKED = re.compile(f"{SUP}([^{SUP_END}]*){SUP_END}|{SUB}([^{SUB_END}]*){SUB_END}|{NOTE}([^{NOTE_END}]*){NOTE_END}")
ANY_MARK = re.compile("[\x0e-\x14]")


def mark(text: str, position: Literal["super", "sub"] | None) -> str:
    if position == "super":
        return f"{SUP}{text}{SUP_END}"
    if position == "sub":
        return f"{SUB}{text}{SUB_END}"
    return text


def note_mark(note_id: str, label: str) -> str:
    return f"{NOTE}{note_id}{NOTE_SEP}{label}{NOTE_END}"


def plain(text: str) -> str:
    """The text as read aloud before marks are resolved: raised and lowered runs kept, note marks
    dropped, no control characters."""
    return ANY_MARK.sub("", re.sub(f"{NOTE}[^{NOTE_END}]*{NOTE_END}", "", text))


INSIDE_WORD = re.compile(f"(?<=[^\\W\\d_])[{SUP}{SUB}]([^\\W\\d_]{{1,2}})[{SUP_END}{SUB_END}](?=[^\\W\\d_{SUP}{SUB}])")


def unmark_inside_words(text: str) -> str:
    """Raised or lowered letters between two letters of one word are a logo's kerning (the LaTeX
    and TeX logos: L, raised A, T, lowered E, X), not a superscript."""
    return INSIDE_WORD.sub(lambda m: m.group(1), text)


def merge_adjacent(text: str) -> str:
    """``\\x0e1\\x0f\\x0e2\\x0f`` (one raised run split by the PDF) → ``\\x0e12\\x0f``."""
    return text.replace(SUP_END + SUP, "").replace(SUB_END + SUB, "")


def to_inlines(text: str) -> list[Span | NoteRef]:
    """Marked text → spans and note references; white space collapsed, ends trimmed."""
    text = " ".join(merge_adjacent(text).split())
    out: list[Span | NoteRef] = []
    pos = 0
    for m in MARKED.finditer(text):
        if m.start() > pos:
            out.append(Span(text=text[pos:m.start()]))
        if m.group(1) is not None and m.group(1).strip():
            out.append(Span(text=m.group(1).strip(), position="super"))
        elif m.group(2) is not None and m.group(2).strip():
            out.append(Span(text=m.group(2).strip(), position="sub"))
        elif m.group(3) is not None:
            note_id, _, label = m.group(3).partition(NOTE_SEP)
            out.append(NoteRef(id=note_id, label=label))
        pos = m.end()
    if pos < len(text):
        out.append(Span(text=text[pos:]))
    return [i for i in out if not isinstance(i, Span) or i.text]


def marked_paragraph(text: str) -> Paragraph:
    return Paragraph(inlines=to_inlines(text))


def continue_paragraph(paragraph: Paragraph, text: str, lang: str = "en") -> None:
    """Append marked ``text`` to a paragraph a page or column break cut (hyphenation undone)."""
    new = to_inlines(text)
    last = paragraph.inlines[-1] if paragraph.inlines else None
    if isinstance(last, Span) and last.position is None and new and isinstance(new[0], Span) \
            and new[0].position is None:
        paragraph.inlines[-1] = last.model_copy(update={"text": join_lines(last.text, new[0].text, lang)})
        new = new[1:]
    elif new and isinstance(new[0], Span):
        new[0] = new[0].model_copy(update={"text": " " + new[0].text})
    paragraph.inlines.extend(new)
