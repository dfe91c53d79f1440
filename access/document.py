"""The Document model: the pivot every conversion goes through.

Readers turn PDF, DOCX, PPTX, HTML and text into a :class:`Document`; transforms (OCR, easy-read)
map a Document to a Document; writers (HTML, EPUB, audio, DAISY, braille) turn it into files.

It is a small typed tree that serialises to JSON and back without loss
(``Document.model_validate_json(doc.model_dump_json())``):

- ``Document`` = ``metadata`` + ``blocks``
- blocks: ``Section`` (a slide or a chapter, holding blocks), ``Heading``, ``Paragraph``, ``ListBlock``
  (items hold blocks, so lists nest), ``Table`` (rows of cells, header flags, caption), ``Figure``
  (image bytes, alt text, caption; ``alt`` is ``None`` when the source had none — never invented),
  ``PageBreak`` (a page/slide boundary kept as a page-list anchor), ``Math``, ``Quote``, ``Code``,
  ``Notes`` (speaker notes)
- inlines: ``Span`` (text with emphasis/strong/code flags, optional ``lang``, optional ``href``)
  and ``NoteRef`` (a footnote reference; the footnote bodies live in ``Document.footnotes``)
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_serializer, field_validator

# ----------------------------------------------------------------------------- inlines


class Span(BaseModel):
    type: Literal["span"] = "span"
    text: str
    strong: bool = False
    emphasis: bool = False
    code: bool = False
    href: str | None = None
    lang: str | None = None     # BCP 47 tag when the span's language differs from the document's
    position: Literal["super", "sub"] | None = None   # superscript / subscript (aⁿ, H₂O), never glued into text


class NoteRef(BaseModel):
    type: Literal["noteref"] = "noteref"
    id: str                     # key into Document.footnotes
    label: str = ""             # what the source showed, e.g. "3"


Inline = Annotated[Span | NoteRef, Field(discriminator="type")]


def inline_text(inlines: list[Span | NoteRef]) -> str:
    return "".join(i.text if isinstance(i, Span) else "" for i in inlines)


# ----------------------------------------------------------------------------- blocks


class InlineText(BaseModel):
    """A block made of inlines; ``text`` is their plain text."""

    inlines: list[Inline]

    @property
    def text(self) -> str:
        return inline_text(self.inlines)


class Heading(InlineText):
    type: Literal["heading"] = "heading"
    level: int = Field(ge=1, le=6)
    id: str | None = None


class Paragraph(InlineText):
    type: Literal["paragraph"] = "paragraph"
    lang: str | None = None


class ListItem(BaseModel):
    blocks: list[Block]


class ListBlock(BaseModel):
    type: Literal["list"] = "list"
    ordered: bool = False
    start: int = 1
    items: list[ListItem]


class Cell(BaseModel):
    blocks: list[Block] = Field(default_factory=list)
    header: bool = False
    scope: Literal["col", "row"] | None = None
    colspan: int = 1
    rowspan: int = 1

    @property
    def text(self) -> str:
        return " ".join(block_text(b) for b in self.blocks).strip()


class Row(BaseModel):
    cells: list[Cell]


class Table(BaseModel):
    type: Literal["table"] = "table"
    rows: list[Row]
    caption: str | None = None
    header_rows: int = 0        # leading rows that are column headers
    header_cols: int = 0        # leading columns that are row headers


class Figure(BaseModel):
    type: Literal["figure"] = "figure"
    image: bytes | None = None
    media_type: str | None = None     # image/png, image/jpeg, image/svg+xml ...
    alt: str | None = None            # None: the source gave no text alternative
    caption: str | None = None
    decorative: bool = False
    source_ref: str | None = None     # where in the source (page 3 image 1, word/media/image2.png)

    @property
    def alt_missing(self) -> bool:
        return not self.decorative and not (self.alt and self.alt.strip())

    @field_serializer("image")
    def _ser_image(self, value: bytes | None) -> str | None:
        return base64.b64encode(value).decode("ascii") if value is not None else None

    @field_validator("image", mode="before")
    @classmethod
    def _val_image(cls, value: Any) -> Any:
        if isinstance(value, str):
            return base64.b64decode(value)
        return value


class PageBreak(BaseModel):
    """A page or slide boundary in the source. The page with this label starts here."""

    type: Literal["pagebreak"] = "pagebreak"
    label: str                        # "1", "iv", "Slide 3"
    kind: Literal["page", "slide"] = "page"


class Math(BaseModel):
    type: Literal["math"] = "math"
    mathml: str | None = None
    text: str = ""                    # a spoken/linear form, always present
    display: bool = False


class Quote(BaseModel):
    type: Literal["quote"] = "quote"
    blocks: list[Block]


class Code(BaseModel):
    type: Literal["code"] = "code"
    text: str
    language: str | None = None


class Notes(BaseModel):
    """Speaker notes of a slide."""

    type: Literal["notes"] = "notes"
    blocks: list[Block]


class Section(BaseModel):
    """A slide or a chapter; sections may hold headings and nest. ``aside``: a margin note, sidebar
    or infobox kept apart from the body, placed after the paragraph it sits beside."""

    type: Literal["section"] = "section"
    kind: Literal["chapter", "slide", "part", "aside"] = "part"
    label: str | None = None          # "Slide 3"
    blocks: list[Block]


Block = Annotated[
    Heading | Paragraph | ListBlock | Table | Figure | PageBreak | Math | Quote | Code | Notes | Section,
    Field(discriminator="type"),
]

ListItem.model_rebuild()
Cell.model_rebuild()
Quote.model_rebuild()
Notes.model_rebuild()
Section.model_rebuild()


# ----------------------------------------------------------------------------- document


class SourceQuality(BaseModel):
    """What the reader measured about its source, for the quality gates and the warnings every output
    shows at its top: how much text came out unmapped, what OCR was needed and how sure it was, what
    language was declared and what the text is, and the source's own text for recall checks."""

    replacement_chars: int = 0               # U+FFFD and unmapped glyphs left in the text
    text_chars: int = 0                      # all characters of text read
    unmapped_pages: list[int] = Field(default_factory=list)   # 1-based pages whose glyphs had no Unicode
    ocr_pages: list[int] = Field(default_factory=list)        # 1-based pages recognised by OCR
    ocr_confidence: float | None = None      # mean word confidence of those pages, 0-100
    ocr_languages: list[str] = Field(default_factory=list)    # Tesseract models used, e.g. ["rus"]
    declared_language: str | None = None     # what the source said
    detected_language: str | None = None     # what the text is (language identification)
    detected_confidence: float | None = None # 0-1
    furniture_removed: int = 0               # running headers, footers, page numbers taken out
    source_text: str | None = None           # the source's own text layer (capped), for word and number recall


class Metadata(BaseModel):
    title: str | None = None
    language: str | None = None           # BCP 47, declared or detected
    language_detected: bool = False       # True when the reader guessed the language
    authors: list[str] = Field(default_factory=list)
    source_format: str | None = None      # pdf, docx, pptx, html, text, markdown
    source_name: str | None = None
    page_count: int | None = None
    subject: str | None = None
    quality: SourceQuality = Field(default_factory=SourceQuality)
    extra: dict[str, Any] = Field(default_factory=dict)


class Document(BaseModel):
    metadata: Metadata = Field(default_factory=Metadata)
    blocks: list[Block] = Field(default_factory=list)
    footnotes: dict[str, list[Block]] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    # what the document-quality gate found wrong with the text (garbled glyphs, OCR, language, lost words
    # or numbers); every writer puts these at the top of its output, visibly
    quality_warnings: list[str] = Field(default_factory=list)

    def walk(self) -> Iterator[Any]:
        """Every block, depth first, in reading order (containers before their children)."""
        yield from walk_blocks(self.blocks)

    def headings(self) -> list[Heading]:
        return [b for b in self.walk() if isinstance(b, Heading)]

    def figures(self) -> list[Figure]:
        return [b for b in self.walk() if isinstance(b, Figure)]

    def plain_text(self) -> str:
        return "\n\n".join(t for t in (block_text(b) for b in self.blocks) if t)

    def word_count(self) -> int:
        return len(self.plain_text().split())


def walk_blocks(blocks: list[Any]) -> Iterator[Any]:
    for block in blocks:
        yield block
        if isinstance(block, ListBlock):
            for item in block.items:
                yield from walk_blocks(item.blocks)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from walk_blocks(cell.blocks)
        elif isinstance(block, Quote | Notes | Section):
            yield from walk_blocks(block.blocks)


def block_text(block: Any) -> str:
    """The plain text of a block (and its children), blocks separated by newlines."""
    if isinstance(block, Heading | Paragraph):
        return block.text
    if isinstance(block, ListBlock):
        return "\n".join(block_text(b) for item in block.items for b in item.blocks)
    if isinstance(block, Table):
        return "\n".join(" | ".join(c.text for c in row.cells) for row in block.rows)
    if isinstance(block, Figure):
        return block.caption or ""
    if isinstance(block, Math | Code):
        return block.text
    if isinstance(block, Quote | Section):
        return "\n".join(t for t in (block_text(b) for b in block.blocks) if t)
    return ""


# ----------------------------------------------------------------------------- control characters

# C0 and C1 control characters (tab, line feed and carriage return excepted), DEL, the non-characters
# U+FFFE/U+FFFF and lone surrogates: invalid in XML 1.0, spoken as noise, refused by braille tables.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_SEPARATORS = re.compile("[\x0b\x0c]")        # vertical tab, form feed: a break, so a space


def strip_control_characters(text: str) -> str:
    """``text`` without control characters (see :data:`CONTROL_CHARACTERS`)."""
    return CONTROL_CHARACTERS.sub("", _LINE_SEPARATORS.sub(" ", text))


def without_control_characters(value: Any) -> Any:
    """Strip control characters from every string of a Document (or any part of one), in place; image
    bytes are left alone. The conversion plan does this once, after reading, before any writer."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            current = getattr(value, name)
            cleaned = without_control_characters(current)
            if cleaned is not current:
                setattr(value, name, cleaned)
        return value
    if isinstance(value, str):
        cleaned_text = strip_control_characters(value)
        return value if cleaned_text == value else cleaned_text
    if isinstance(value, list):
        for k, item in enumerate(value):
            value[k] = without_control_characters(item)
        return value
    if isinstance(value, dict):
        for key in list(value):
            value[key] = without_control_characters(value[key])
        return value
    return value
