"""Document → spoken script: what is said, in which language, in which order, with which pauses,
and which piece of text each utterance highlights in a talking book.

A :class:`Script` is a list of :class:`Chapter` (one per heading; text before the first heading is
chapter 0). A chapter holds :class:`Item` (heading, paragraph, list, table, figure, page, code) and
each item holds :class:`Segment` — one utterance: a sentence, a table cell, a list entry, an
announcement. A segment is shown (``text``), spoken (``spoken``) or both; ``target`` is the id of
the element a reading system highlights while it plays.

How things are read:
- headings on their own, with a pause before and after;
- list entries numbered ("1. …"), after "List of N items";
- table data cells with their headers ("Monday, Subject: Biology"), after "Table: caption, R rows, C columns";
- figures as "Figure: <alt>" or "Figure without description", then the caption;
- page breaks as "Page 12" (the NCC and page list point there), page-number artefacts dropped;
- URLs as "link: <domain>", abbreviations and number ranges normalised (``normalise.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from access import document as model
from access.errors import EmptyFile
from converters.speech.normalise import base_language, is_page_artefact, lowered, normalise, phrase, raised

SENTENCE_PAUSE = 250          # ms of silence after a sentence
CLAUSE_PAUSE = 0              # after a run that does not end a sentence (a language switch)
HEADING_PAUSE = 800
PAUSE_BEFORE_HEADING = 600
ITEM_PAUSE = 400
PAGE_PAUSE = 300
SENTENCE_END_RE = re.compile(r"[.!?…։።።፧。！？:;]['\"”’)\]]*$")
NO_CASE_STOPS = "።፧。！？"
DISPLAY_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}


@dataclass
class Segment:
    id: str
    text: str                      # shown ("" = not shown: an announcement)
    spoken: str                    # said ("" = shown only, e.g. a header cell)
    lang: str
    pause: int = SENTENCE_PAUSE    # ms of silence after it
    target: str = ""               # the element highlighted while it plays


@dataclass
class Cell:
    header: bool
    segment: Segment


@dataclass
class Entry:                       # one entry of a (flattened) list
    label: str
    depth: int
    segments: list[Segment]
    ordered: bool = False          # numbered in print (the spoken script numbers every list)


@dataclass
class Item:
    id: str
    kind: str                      # heading | paragraph | list | table | figure | page | code
    segments: list[Segment] = field(default_factory=list)
    level: int = 0                 # heading level
    label: str = ""                # page label
    entries: list[Entry] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    caption: Segment | None = None
    image: bytes | None = None
    media_type: str | None = None
    alt: str = ""
    lang: str = ""
    style: str = ""                # quote | notes


@dataclass
class Chapter:
    id: str
    title: str
    level: int                     # heading level; 0 = text before the first heading
    part: int = 0                  # the top-level section it belongs to
    items: list[Item] = field(default_factory=list)

    def segments(self) -> list[Segment]:
        out: list[Segment] = []
        for item in self.items:
            out.extend(item.segments)
            for entry in item.entries:
                out.extend(entry.segments)
            for row in item.rows:
                out.extend(cell.segment for cell in row)
            if item.caption is not None and item.kind == "figure":
                out.append(item.caption)
        return out


@dataclass
class Script:
    title: str
    language: str
    authors: list[str]
    chapters: list[Chapter]

    def segments(self) -> list[Segment]:
        return [s for c in self.chapters for s in c.segments()]

    def spoken_words(self) -> int:
        return sum(len(s.spoken.split()) for s in self.segments())

    def pages(self) -> list[tuple[str, Chapter, Item]]:
        return [(i.label, c, i) for c in self.chapters for i in c.items if i.kind == "page"]

    def headings(self) -> list[tuple[Chapter, Item]]:
        return [(c, i) for c in self.chapters for i in c.items if i.kind == "heading"]

    def parts(self) -> list[list[Chapter]]:
        grouped: dict[int, list[Chapter]] = {}
        for chapter in self.chapters:
            grouped.setdefault(chapter.part, []).append(chapter)
        return [grouped[k] for k in sorted(grouped)]


def split_sentences(text: str, language: str) -> list[str]:
    """Sentences of ``text``: a full stop (or ! ? …) followed by space and a capital, digit or quote —
    unless the word before is a known abbreviation or an initial. Scripts without case (Amharic,
    Chinese, Japanese) split on their own sentence marks."""
    text = " ".join(text.split())
    if not text:
        return []
    pattern = r"(?<=[.!?…])\s+(?=[\"“‘(\[]?[A-ZÀ-ÖØ-ÞĀ-ſА-Я0-9])" + f"|(?<=[{NO_CASE_STOPS}])\\s*"
    pieces = re.split(pattern, text)
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if out and _ends_with_abbreviation(out[-1], language):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


_COMMON_ABBREVIATIONS = {"e.g.", "i.e.", "etc.", "vs.", "dr.", "prof.", "mr.", "mrs.", "ms.", "no.", "fig.",
                         "p.", "pp.", "cf.", "al.", "st.", "z.", "b.", "d.", "h.", "m.", "ca.", "nr.", "s.",
                         "bzw.", "sr.", "sra.", "k.m.", "n.k.", "bw.", "bi.", "vol.", "ch.", "approx."}


def _ends_with_abbreviation(sentence: str, language: str) -> bool:
    last = sentence.rsplit(" ", 1)[-1].lower()
    return last in _COMMON_ABBREVIATIONS or bool(re.fullmatch(r"[a-zà-ÿ]\.", last))


class ScriptBuilder:
    """Walks a Document once, in reading order, and builds its Script."""

    def __init__(self, doc: model.Document, language: str) -> None:
        self.doc = doc
        self.language = language
        self.counter = {"s": 0, "b": 0, "c": 0}
        self.chapters: list[Chapter] = []
        self.notes: dict[str, str] = {}           # footnote id → label, in order of reference
        self.pending_notes: list[str] = []        # referenced in the block being read, read after it
        self.chapter = self._new_chapter(doc.metadata.title or phrase("start", language)[0], 0)

    # -- ids and containers -----------------------------------------------------------------
    def _next(self, kind: str) -> str:
        self.counter[kind] += 1
        width = 3 if kind == "c" else 5
        return f"{kind}{self.counter[kind]:0{width}d}"

    def _new_chapter(self, title: str, level: int) -> Chapter:
        chapter = Chapter(id=self._next("c"), title=title, level=level)
        self.chapters.append(chapter)
        return chapter

    def _item(self, kind: str, **kwargs: Any) -> Item:
        item = Item(id=self._next("b"), kind=kind, **kwargs)
        self.chapter.items.append(item)
        return item

    def _segment(self, text: str, spoken: str, lang: str, pause: int, target: str = "") -> Segment:
        sid = self._next("s")
        return Segment(id=sid, text=text, spoken=spoken, lang=lang, pause=pause,
                       target=target or (sid if text else ""))

    def _announce(self, key: str, item: Item, pause: int = ITEM_PAUSE, **values: Any) -> Segment:
        words, lang = phrase(key, self.language, **values)
        return self._segment("", words + ".", lang, pause, target=item.id)

    def _sentences(self, inlines: list[Any], lang: str | None, pause: int = SENTENCE_PAUSE) -> list[Segment]:
        """One segment per sentence per language run of the inlines. A footnote reference is not read
        where it stands (its note is read after the block, :meth:`read_notes`); a superscript is a power
        ("a to the power n"), an ordinal ending, or a citation mark that is not read; a subscript is
        read as a word of its own, never glued into a number."""
        runs: list[tuple[str, str]] = []
        for inline in inlines:
            if isinstance(inline, model.NoteRef):
                if inline.id not in self.notes:
                    self.notes[inline.id] = inline.label or str(len(self.notes) + 1)
                    self.pending_notes.append(inline.id)
                continue
            run_lang = inline.lang or lang or self.language
            text = self._positioned(inline, "".join(text for text, _ in runs))
            if runs and runs[-1][1] == run_lang:
                runs[-1] = (runs[-1][0] + text, run_lang)
            else:
                runs.append((text, run_lang))
        runs = word_boundary_runs(runs)
        segments: list[Segment] = []
        for text, run_lang in runs:
            for sentence in split_sentences(text, run_lang):
                spoken = normalise(sentence, run_lang)
                ends = bool(SENTENCE_END_RE.search(sentence))
                segments.append(self._segment(sentence, spoken, run_lang, pause if ends else CLAUSE_PAUSE))
        if segments:
            segments[-1].pause = max(segments[-1].pause, pause)
        return segments

    def _positioned(self, span: model.Span, before: str) -> str:
        """The text of a span as shown and then read: a superscript in superscript characters (aⁿ, the
        mark of a citation, Firefox⁴) or ``^(…)``, an ordinal ending as it is (1st), a subscript in
        subscript characters (H₂O); :func:`normalise` reads them (a power, or a mark not read)."""
        text = span.text
        if span.position is None or not text.strip():
            return text
        if span.position == "sub":
            return lowered(text)
        if ORDINAL_RE.fullmatch(text.strip()) and before[-1:].isdigit():
            return text.strip()                            # 1st, 2nd, 1er, 2e
        return raised(text)

    def read_notes(self) -> None:
        """The notes first referenced in the block just read, each as "Note 2: … End of note."."""
        pending, self.pending_notes = self.pending_notes, []
        note_word, _ = phrase("note", self.language)
        for note_id in pending:
            text = " ".join(" ".join(model.block_text(b).split()) for b in self.doc.footnotes.get(note_id, []))
            if not text.strip():
                continue
            item = self._item("paragraph", style="footnote")
            segments = self._plain(f"{self.notes[note_id]}. {text}")
            if segments:
                segments[0].spoken = f"{note_word} {segments[0].spoken}"
                item.segments = [*segments, self._announce("end-note", item)]

    def _plain(self, text: str, lang: str | None = None, pause: int = SENTENCE_PAUSE) -> list[Segment]:
        return self._sentences([model.Span(text=text)], lang, pause)

    # -- blocks -----------------------------------------------------------------------------
    def build(self) -> Script:
        self.blocks(self.doc.blocks)
        self.footnotes()
        chapters = [c for c in self.chapters if c.items]
        top = min((c.level for c in chapters if c.level), default=1)
        part = 0
        for chapter in chapters:
            if chapter.level and chapter.level <= top and chapter is not chapters[0]:
                part += 1
            chapter.part = part
        return Script(title=self.doc.metadata.title or (chapters[0].title if chapters else ""),
                      language=self.language, authors=list(self.doc.metadata.authors), chapters=chapters)

    def blocks(self, blocks: list[Any], lang: str | None = None, style: str = "") -> list[Item]:
        made: list[Item] = []
        for block in blocks:
            before = len(self.chapter.items), self.chapter
            self.block(block, lang, style)
            if self.chapter is before[1]:
                made.extend(self.chapter.items[before[0]:])
            else:
                made.extend(self.chapter.items)
        return made

    def block(self, block: Any, lang: str | None, style: str) -> None:
        self._block(block, lang, style)
        if self.pending_notes:
            self.read_notes()

    def _block(self, block: Any, lang: str | None, style: str) -> None:
        if isinstance(block, model.Heading):
            self.heading(block)
        elif isinstance(block, model.Paragraph):
            text = block.text
            if not text.strip() or is_page_artefact(text):
                return
            segments = self._sentences(block.inlines, block.lang or lang)
            if segments:
                self._item("paragraph", segments=segments, style=style, lang=block.lang or lang or "")
        elif isinstance(block, model.ListBlock):
            self.list_block(block, lang, style)
        elif isinstance(block, model.Table):
            self.table(block, lang)
        elif isinstance(block, model.Figure):
            self.figure(block, lang)
        elif isinstance(block, model.PageBreak):
            self.page(block)
        elif isinstance(block, model.Math):
            if block.text.strip():
                item = self._item("paragraph", style=style)
                words, wlang = phrase("equation", self.language)
                item.segments = [self._segment("", words + ".", wlang, 0, target=item.id),
                                 *self._plain(block.text, lang)]
        elif isinstance(block, model.Code):
            if block.text.strip():
                item = self._item("code")
                item.segments = [self._announce("code", item, 200),
                                 self._segment(block.text, normalise(block.text, lang or self.language),
                                               lang or self.language, ITEM_PAUSE)]
        elif isinstance(block, model.Quote | model.Notes):
            key, end = ("quote", "end-quote") if isinstance(block, model.Quote) else ("notes", "")
            items = [i for i in self.blocks(block.blocks, lang, key) if i.segments]
            if items:
                items[0].segments.insert(0, self._announce(key, items[0], 200))
                if end:
                    items[-1].segments.append(self._announce(end, items[-1]))
        elif isinstance(block, model.Section):
            self.blocks(block.blocks, lang, style)

    def heading(self, block: model.Heading) -> None:
        text = " ".join(block.text.split())
        if not text:
            return
        spoken_before = [s for s in self.chapter.segments() if s.spoken]
        if spoken_before:                                  # a pause before the heading, too
            spoken_before[-1].pause = max(spoken_before[-1].pause, PAUSE_BEFORE_HEADING)
        self.chapter = self._new_chapter(text, block.level)
        item = self._item("heading", level=block.level)
        item.segments = self._sentences(block.inlines, None, HEADING_PAUSE)

    def list_block(self, block: model.ListBlock, lang: str | None, style: str, depth: int = 0,
                   item: Item | None = None) -> None:
        if item is None:
            item = self._item("list", style=style)
            item.segments = [self._announce("list", item, 300, n=len(block.items))]
        for n, li in enumerate(block.items, start=block.start):
            entry = first = Entry(label=f"{n}.", depth=depth, segments=[], ordered=block.ordered)
            item.entries.append(entry)
            for inner in li.blocks:
                if isinstance(inner, model.ListBlock):
                    self.list_block(inner, lang, style, depth + 1, item)
                    entry = Entry(label="", depth=depth, segments=[])
                    item.entries.append(entry)
                    continue
                text = model.block_text(inner)
                inlines = inner.inlines if isinstance(inner, model.Paragraph) else [model.Span(text=text)]
                entry.segments.extend(self._sentences(inlines, lang, ITEM_PAUSE))
            if first.segments:
                first.segments[0].spoken = f"{first.label} {first.segments[0].spoken}"
        item.entries = [e for e in item.entries if e.segments]

    def table(self, block: model.Table, lang: str | None) -> None:
        grid = [[cell for cell in row.cells] for row in block.rows]
        if not any(c.text for row in grid for c in row):
            return
        item = self._item("table")
        n_rows = len(grid)
        n_cols = max((sum(c.colspan for c in row) for row in grid), default=0)
        words, wlang = phrase("table", self.language)
        rows_w, _ = phrase("rows", self.language)
        cols_w, _ = phrase("columns", self.language)
        caption = f"{words}: {block.caption}. " if block.caption else f"{words}. "
        item.segments = [self._segment("", normalise(f"{caption}{n_rows} {rows_w}, {n_cols} {cols_w}.",
                                                     wlang), wlang, ITEM_PAUSE, target=item.id)]
        if block.caption:
            item.caption = self._segment(block.caption, "", lang or self.language, 0)
        header_rows = block.header_rows or (1 if grid and all(c.header for c in grid[0]) else 0)
        col_headers: dict[int, str] = {}
        for r, row in enumerate(grid):
            out_row: list[Cell] = []
            row_header = ""
            col = 0
            for c, cell in enumerate(row):
                text = " ".join(cell.text.split())
                is_header = r < header_rows or c < block.header_cols or cell.header
                if r < header_rows:
                    for k in range(cell.colspan):
                        col_headers[col + k] = text
                    spoken = ""
                elif is_header:
                    row_header = row_header or text
                    spoken = ""
                else:
                    labels = [x for x in (row_header, col_headers.get(col, "")) if x]
                    prefix = ", ".join(labels)
                    spoken = f"{prefix}: {text}" if prefix and text else text
                seg_lang = lang or self.language
                out_row.append(Cell(header=is_header,
                                    segment=self._segment(text, normalise(spoken, seg_lang) if spoken else "",
                                                          seg_lang, SENTENCE_PAUSE)))
                col += cell.colspan
            if out_row and header_rows <= r and not any(c.segment.spoken for c in out_row) and row_header:
                out_row[0].segment.spoken = normalise(row_header, lang or self.language)
            item.rows.append(out_row)
        spoken_cells = [c.segment for row in item.rows for c in row if c.segment.spoken]
        if spoken_cells:
            spoken_cells[-1].pause = ITEM_PAUSE

    def figure(self, block: model.Figure, lang: str | None) -> None:
        if block.decorative:
            return
        item = self._item("figure", image=block.image if block.media_type in DISPLAY_IMAGE_TYPES else None,
                          media_type=block.media_type, alt=(block.alt or "").strip())
        if block.alt_missing:
            item.segments = [self._announce("figure-no-alt", item)]
        else:
            words, wlang = phrase("figure", self.language)
            alt_lang = lang or self.language
            if base_language(wlang) == base_language(alt_lang):
                item.segments = [self._segment("", normalise(f"{words}: {item.alt}", alt_lang), alt_lang,
                                               ITEM_PAUSE, target=item.id)]
            else:
                item.segments = [self._segment("", f"{words}:", wlang, 0, target=item.id),
                                 self._segment("", normalise(item.alt, alt_lang), alt_lang, ITEM_PAUSE,
                                               target=item.id)]
        if block.caption and block.caption.strip():
            caption = " ".join(block.caption.split())
            item.caption = self._segment(caption, normalise(caption, lang or self.language),
                                         lang or self.language, ITEM_PAUSE)

    def page(self, block: model.PageBreak) -> None:
        label = block.label.strip()
        if not label:
            return
        words, wlang = phrase("page", self.language)
        text = label if block.kind == "slide" else f"{words} {label}"
        item = self._item("page", label=label, lang=wlang)
        item.segments = [self._segment(text, text + ".", wlang, PAGE_PAUSE)]

    def footnotes(self) -> None:
        """Notes no reference in the text points to, read at the end under "Notes"."""
        unreferenced = [nid for nid in self.doc.footnotes if nid not in self.notes]
        bodies = [(nid if len(nid) <= 4 else str(k), self.doc.footnotes[nid])
                  for k, nid in enumerate(unreferenced, start=len(self.notes) + 1)]
        bodies = [(label, blocks) for label, blocks in bodies if blocks]
        if not bodies:
            return
        title, tlang = phrase("footnotes", self.language)
        self.chapter = self._new_chapter(title, 1)
        heading = self._item("heading", level=1)
        heading.segments = [self._segment(title, title + ".", tlang, HEADING_PAUSE)]
        note_word, _ = phrase("note", self.language)
        for label, blocks in bodies:
            text = " ".join(" ".join(model.block_text(b).split()) for b in blocks).strip()
            if text:
                segments = self._plain(f"{label}. {text}")
                if segments:
                    segments[0].spoken = f"{note_word} {segments[0].spoken}"
                    self._item("paragraph", segments=segments)


ORDINAL_RE = re.compile(r"st|nd|rd|th|er|re|e|ème|o|a|º|ª|os|as|ten|te", re.IGNORECASE)
WORD_CHAR_RE = re.compile(r"\w")


def word_boundary_runs(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Language runs that change only between words: a run that starts inside a word (a language tag
    around part of a word, "Defi" + "nition") gives that part of the word to the run before it, so the
    voice never changes inside a word."""
    out: list[tuple[str, str]] = []
    for text, lang in runs:
        if out and out[-1][1] != lang and out[-1][0][-1:] and WORD_CHAR_RE.match(out[-1][0][-1]) \
                and WORD_CHAR_RE.match(text[:1]):
            head = re.match(r"\w+", text)
            assert head is not None
            out[-1] = (out[-1][0] + head.group(), out[-1][1])
            text = text[head.end():]
            if not text:
                continue
        if out and out[-1][1] == lang:
            out[-1] = (out[-1][0] + text, lang)
        else:
            out.append((text, lang))
    return out


def build_script(doc: model.Document, language: str | None = None) -> Script:
    """The spoken script of ``doc`` (``language`` overrides the document's own).

    Raises EmptyFile when nothing in the document can be read aloud."""
    lang = (language or doc.metadata.language or "en").strip()
    script = ScriptBuilder(doc, lang).build()
    readable = [i for c in script.chapters for i in c.items
                if i.kind not in ("page", "figure") or (i.kind == "figure" and (i.alt or i.caption))]
    if not readable or not any(s.spoken.strip() for s in script.segments()):
        scanned = doc.figures() or (doc.metadata.source_format == "pdf")
        hint = (" It looks like a scanned document: convert it with OCR first (option ocr=true), or "
                "submit a version with real text." if scanned else "")
        raise EmptyFile(f"The document has no text to read aloud.{hint}")
    return script
