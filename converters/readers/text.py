"""Plain text → Document: headings, paragraphs and lists recovered from a text dump.

Text exported from PDFs is messy: lines broken at the page width, running footers ("Page 4 of 22"),
footnote web addresses dropped between the lines of a paragraph, paragraphs split by page breaks,
bullets as "•" / "o" / "". This reader rebuilds the structure with a few measured signals:

- the wrap width W (the 90th percentile of line lengths): a line that would have had room for the
  next word was ended on purpose (end of a paragraph or a heading);
- a heading is a short unit that starts a block, has no sentence punctuation at its end, does not
  end with a function word, and is followed by a new sentence;
- a block that starts in lower case continues the paragraph or list item before it (a page break
  or a footnote cut it);
- bare web addresses on their own line are footnotes: they leave the flow and become notes.

Form feeds (``\\f``) are page boundaries and become PageBreak blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from access.context import Context
from access.conversion import ReaderSpec
from access.document import Document, ListBlock, ListItem, Metadata, PageBreak, Paragraph, Span
from access.document import Heading as HeadingBlock
from access.errors import InvalidDocument
from access.limits import check_lines
from access.models import ConvertOptions, SourceFile
from converters.readers.common import finish, read_bytes
from converters.readers.reflow import (
    BULLET,
    NUMBERED,
    STOPWORDS,
    SUB_BULLETS,
    clean_space,
    ends_sentence,
    first_word,
    join_lines,
    last_word,
)

FOOTER = re.compile(r"^\s*(page\s+\d+(\s*(of|/)\s*\d+)?|[-–—]?\s*\d{1,4}\s*[-–—]?|\d+\s*/\s*\d+)\s*$", re.I)
URL_LINE = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.I)
CAPTION = re.compile(r"^(figure|fig\.|table|chart|source)\s*\d*[:.]", re.I)
MAX_HEADING_WORDS = 16
WEAK_BULLETS = frozenset("-–—*o")
ATX_HEADING = re.compile(r"^(#{1,6})\s+(\S.*?)\s*#*\s*$")


@dataclass
class Unit:
    kind: str                       # heading | para | item
    text: str
    level: int = 1                  # list nesting (items)
    ordered: bool = False
    number: int | None = None
    heading_lines: int = 0
    pages_before: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidDocument("The text file is neither UTF-8 nor Windows-1252 text.")


def read_text(source: SourceFile, options: ConvertOptions, ctx: Context) -> Document:
    text = decode(read_bytes(source))
    if "\x00" in text:
        raise InvalidDocument("The file holds binary data, not text.")
    check_lines(text.replace("\r", "\n"), ctx.settings.max_paragraph_chars)
    doc = parse_text(text)
    return finish(doc, source, options, "text")


def parse_text(text: str) -> Document:
    """The pure part: text in, Document out (no metadata beyond structure)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    lines, links = _prepare(text)
    width = _wrap_width([ln for ln in lines if ln not in ("", "\f")])
    units = _units(lines, width)
    doc = Document(metadata=Metadata())
    doc.blocks = _blocks(units)
    for i, url in enumerate(links, start=1):
        doc.footnotes[f"link-{i}"] = [Paragraph(inlines=[Span(text=url, href=url)])]
    pages = sum(1 for ln in lines if ln == "\f")
    if pages:
        doc.metadata.page_count = pages + 1
    return doc


def _prepare(text: str) -> tuple[list[str], list[str]]:
    """Lines with footers removed and bare URLs taken out (returned apart, de-duplicated)."""
    lines: list[str] = []
    links: list[str] = []
    for raw in text.split("\n"):
        parts = raw.split("\f")
        for k, part in enumerate(parts):
            if k:
                lines.append("\f")
            line = part.rstrip()
            if URL_LINE.match(line):
                url = line.strip()
                if url not in links:
                    links.append(url)
                continue
            if FOOTER.match(line.lstrip()):        # (stripped: leading spaces made it backtrack n²)
                continue
            lines.append(line if line.strip() else "")
    return lines, links


def _wrap_width(lines: list[str]) -> int:
    lengths = sorted(len(ln.strip()) for ln in lines if ln.strip())
    if not lengths:
        return 80
    return max(40, lengths[int(len(lengths) * 0.9)])


def _short(line: str, following: str | None, width: int) -> bool:
    """True when the next word would have fitted: the line was ended on purpose."""
    if following is None:
        return True
    return len(line.strip()) + 1 + len(first_word(following)) < width - 2


def _starts_sentence(line: str | None) -> bool:
    if line is None:
        return True
    stripped = line.strip()
    if BULLET.match(stripped) or NUMBERED.match(stripped):
        return True
    word = first_word(stripped)
    return bool(word) and (word[0].isupper() or word[0].isdigit() or word[0] in "“‘\"'")


def _heading_text_ok(text: str, max_words: int = MAX_HEADING_WORDS) -> bool:
    text = clean_space(text)
    words = text.split()
    if not words or len(words) > max_words or len(text) < 2:
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    if text.endswith((".", ",", ";", ":", "!", "-", "–", "—")) or last_word(text) in STOPWORDS:
        return False
    return not CAPTION.match(text) and not text.startswith(("(", "["))


def _next_content(lines: list[str], i: int) -> tuple[str | None, bool]:
    """The next non-empty line after i and whether a blank line lies between."""
    gap = False
    for j in range(i + 1, len(lines)):
        if lines[j] in ("", "\f"):
            gap = True
            continue
        return lines[j], gap
    return None, True


def _heading_here(lines: list[str], i: int, width: int, unit_start: bool, soft: bool = False) -> int:
    """How many lines (0, 1 or 2) from i form a heading. ``soft``: the previous line ended a
    sentence but was full width, so only a clearly short line counts."""
    if not unit_start and not soft:
        return 0
    line = lines[i].strip()
    body = NUMBERED.sub("", line, count=1) if NUMBERED.match(line) else line
    if BULLET.match(line) or (NUMBERED.match(line) and body[:1].islower()):
        return 0
    nxt, gap = _next_content(lines, i)
    after, _ = _next_content(lines, i + 1)
    single_ok = _heading_text_ok(body)
    if NUMBERED.match(line) and nxt is not None and NUMBERED.match(nxt.strip()) and not gap:
        return 0                              # "1. A ruler" / "2. A pencil": a numbered list
    if single_ok and nxt is not None and BULLET.match(nxt.strip()):
        return 1 if _short(line, nxt, width) and not NUMBERED.match(line) else 0
    if single_ok and _short(line, nxt, width) and (nxt is None or _starts_sentence(nxt)):
        # not the first line of a two-line paragraph whose tail ends the paragraph
        tail = nxt is not None and not gap and ends_sentence(nxt) and len(line) > 0.75 * width \
            and _short(nxt, after, width) and len(nxt) < 0.5 * width
        return 0 if tail else 1
    if soft:
        return 0
    # a two-line heading: the second line ends short, with no sentence punctuation
    if not gap and nxt is not None and _heading_text_ok(line + " " + nxt.strip(), MAX_HEADING_WORDS + 6) \
            and _short(nxt, after, width) and _starts_sentence(after) and len(nxt) < 0.6 * width:
        return 2
    if single_ok and not gap and nxt is not None:
        word = first_word(nxt.strip())
        if word[:1].isupper() and not word.isupper() and word.isalpha() and len(line) <= width:
            return 1 if len(line.split()) <= 12 else 0
    return 0


def _units(lines: list[str], width: int) -> list[Unit]:
    units: list[Unit] = []
    pending_pages: list[str] = []
    page = 1
    gap = True
    prev_line_ended = True
    prev_ends_sentence = True
    i = 0
    while i < len(lines):
        line = lines[i]
        if line == "\f":
            page += 1
            pending_pages.append(str(page))
            gap = True
            i += 1
            continue
        if line == "":
            gap = True
            i += 1
            continue
        stripped = clean_space(line)
        last = units[-1] if units else None
        unit_start = gap or last is None or last.kind == "heading" or prev_line_ended
        atx = ATX_HEADING.match(stripped)
        if atx:                               # "## Heading" as in Markdown-flavoured text
            units.append(Unit("heading", atx.group(2).strip(), level=len(atx.group(1)), heading_lines=-1,
                              pages_before=pending_pages))
            pending_pages = []
            i += 1
            gap = False
            prev_line_ended = prev_ends_sentence = True
            continue
        soft = not unit_start and prev_ends_sentence
        heading_lines = _heading_here(lines, i, width, unit_start, soft)
        if heading_lines and NUMBERED.match(stripped) and last is not None and last.kind == "item" and last.ordered:
            heading_lines = 0                 # the numbering of the list before continues
        bullet = BULLET.match(stripped)
        after_item = last is not None and last.kind == "item"
        if bullet and bullet.group(1) in WEAK_BULLETS and not (unit_start or prev_ends_sentence or after_item):
            bullet = None
        number = NUMBERED.match(stripped) if unit_start or prev_ends_sentence or after_item else None
        if heading_lines:
            text = stripped if heading_lines == 1 else join_lines(stripped, clean_space(lines[i + 1]))
            units.append(Unit("heading", text, heading_lines=heading_lines, pages_before=pending_pages))
            pending_pages = []
            i += heading_lines
            gap = False
            prev_line_ended = True
            prev_ends_sentence = True
            continue
        if bullet or number:
            marker = (bullet or number).group(1)  # type: ignore[union-attr]
            body = stripped[(bullet or number).end():]  # type: ignore[union-attr]
            indent = len(line) - len(line.lstrip())
            level = 2 if (bullet and marker in SUB_BULLETS and marker != "-") or indent >= 6 else 1
            ordered = bool(number) and not bullet
            num = _number_value(marker) if ordered else None
            units.append(Unit("item", body, level=level, ordered=ordered, number=num,
                              pages_before=pending_pages))
            pending_pages = []
        elif last is not None and last.kind in ("para", "item") and _continues(last, stripped, gap,
                                                                                prev_line_ended):
            last.text = join_lines(last.text, stripped)
        else:
            units.append(Unit("para", stripped, pages_before=pending_pages))
            pending_pages = []
        nxt = lines[i + 1] if i + 1 < len(lines) and lines[i + 1] not in ("", "\f") else None
        prev_ends_sentence = ends_sentence(stripped)
        prev_line_ended = (prev_ends_sentence or bool(CAPTION.match(stripped))) and _short(stripped, nxt, width)
        gap = False
        i += 1
    if pending_pages:
        units.append(Unit("para", "", pages_before=pending_pages))
    return units


def _continues(last: Unit, line: str, gap: bool, prev_line_ended: bool) -> bool:
    if not gap:
        return not prev_line_ended
    # after a blank line: only a lower-case start continues a sentence cut by a page or footnote
    if last.text.rstrip().endswith((".", "!", "?")):
        return False
    return line[:1].islower() or last_word(last.text) in STOPWORDS or last.text.rstrip().endswith(",")


def _number_value(marker: str) -> int | None:
    core = marker.strip("().")
    if core.isdigit():
        return int(core)
    if len(core) == 1 and core.isalpha():
        return ord(core.lower()) - ord("a") + 1
    return None


def _blocks(units: list[Unit]) -> list:
    _assign_heading_levels(units)
    blocks: list = []
    stack: list[ListBlock] = []          # open lists, outermost first
    for unit in units:
        for label in unit.pages_before:
            blocks.append(PageBreak(label=label)) if not stack else None
            if stack:
                stack = []
                blocks.append(PageBreak(label=label))
        if unit.kind == "item":
            _add_item(blocks, stack, unit)
            continue
        stack = []
        if unit.kind == "heading":
            blocks.append(HeadingBlock(level=unit.level, inlines=[Span(text=unit.text)]))
        elif unit.text:
            blocks.append(Paragraph(inlines=[Span(text=unit.text)]))
    return blocks


def _add_item(blocks: list, stack: list[ListBlock], unit: Unit) -> None:
    item = ListItem(blocks=[Paragraph(inlines=[Span(text=unit.text)])])
    level = min(unit.level, len(stack) + 1) if stack else 1
    while len(stack) > level:
        stack.pop()
    if len(stack) == level and stack[-1].ordered != unit.ordered and level == 1:
        stack.clear()
    if len(stack) < level:
        new = ListBlock(ordered=unit.ordered, start=unit.number or 1, items=[])
        if stack:
            parent_item = stack[-1].items[-1] if stack[-1].items else None
            if parent_item is None:
                stack[-1].items.append(ListItem(blocks=[new]))
            else:
                parent_item.blocks.append(new)
        else:
            blocks.append(new)
        stack.append(new)
    stack[-1].items.append(item)


def _assign_heading_levels(units: list[Unit]) -> None:
    """Level 1 for a heading that directly introduces another heading (a part title), level 2
    otherwise, one deeper for numbered headings under a part."""
    current_part = False
    for k, unit in enumerate(units):
        if unit.kind != "heading" or unit.heading_lines == -1:      # explicit levels stay
            continue
        nxt = units[k + 1] if k + 1 < len(units) else None
        numbered = bool(NUMBERED.match(unit.text))
        if nxt is not None and nxt.kind == "heading" and not numbered:
            unit.level = 1
            current_part = True
        elif numbered and current_part:
            unit.level = 2
        else:
            unit.level = 2


READER = ReaderSpec("text", read_text, "Plain text (broken lines, bullets and page footers of PDF exports cleaned up)")
