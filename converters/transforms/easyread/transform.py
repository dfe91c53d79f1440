"""Document → easy-read Document, with the before/after measurements.

The easy-read Document keeps the source's headings and order. Every paragraph becomes one
Paragraph per sentence (one idea per line), enumerations become lists, each section opens with a
summary box (a ``Section`` labelled ``summary``: *This part is about …*), and a ``Words to know``
section (label ``glossary``) comes before the text. Key words (glossary terms, the section's
most frequent content words) are marked strong. Tables, figures, code and maths are kept as they
are. Long institutional names, once written out, are then called by a defined short form
(:mod:`.shortforms`). The figures go to ``metadata.extra["easy_read"]``: ``after`` is measured on
the easy-read text sections (what the issue's targets are about, the same formula as ``before``);
``after_whole_page`` also counts the note, the glossary and the summary boxes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from access import document as model
from converters.blocks import text_paragraph
from converters.transforms.easyread.content import content_kept
from converters.transforms.easyread.glossary import (
    Entry,
    build_glossary,
    defined_abbreviations,
    explain_first_use,
)
from converters.transforms.easyread.lexicon import Lexicon, load_lexicon
from converters.transforms.easyread.protect import protect
from converters.transforms.easyread.readability import measure, zipf
from converters.transforms.easyread.shortforms import ShortForms, repeated_definitions
from converters.transforms.easyread.simplify import COMMON_VERBS, MAX_WORDS, Line, RuleRewriter
from converters.transforms.easyread.text import split_sentences, word_set, words

TARGETS = {"fk_grade_max": 6.0, "max_sentence_words": MAX_WORDS, "numbers_percent": 100.0,
           "dates_percent": 100.0, "entities_percent_min": 95.0}
NOTE = ("This easy-read version was made by a computer program. It is a first draft. "
        "Easy-read reviewers and readers must check it before it is used.")
KEY_WORDS_PER_SECTION = 3
KEY_WORD_MAX_ZIPF = 5.3          # words more common than this ("world", "through") are not key words
STOP = word_set(
    "the a an and or but to of in on at for with by from as is are was were be been it its this that "
    "these those they their them we our you your he she his her will can may must should would could "
    "has have had do does did not no so also all some many more most other such than then there here "
    "what which who when where how why into over under about after before up out new use used make "
    "made way ways part one two each every very much only just like")


class Rewriter(Protocol):
    """What a rewriter provides (the rule-based one, or :class:`llm.LLMRewriter`)."""

    name: str

    def rewrite_lines(self, paragraph: str) -> list[Line]: ...


@dataclass
class Group:
    """A heading and the blocks under it, until the next heading."""

    heading: model.Heading | None
    blocks: list[Any] = field(default_factory=list)


def _groups(blocks: list[Any]) -> list[Group]:
    groups = [Group(None)]

    def visit(items: list[Any]) -> None:
        for block in items:
            if isinstance(block, model.Heading):
                groups.append(Group(block))
            elif isinstance(block, model.Section):
                if block.kind == "slide" and block.label:
                    groups.append(Group(model.Heading(level=2, inlines=[model.Span(text=block.label)])))
                visit(block.blocks)
            elif isinstance(block, model.Quote | model.Notes):
                visit(block.blocks)
            else:
                groups[-1].blocks.append(block)

    visit(blocks)
    return [g for g in groups if g.heading is not None or g.blocks]


@dataclass
class EasyReader:
    rewriter: Rewriter
    lexicon: Lexicon
    source_sentences: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    short_forms: ShortForms = field(default_factory=lambda: ShortForms({}))

    def paragraph(self, text: str, code: list[str] | None = None) -> list[Any]:
        """A paragraph → one Paragraph per sentence; list items gathered into a ListBlock. Numbers,
        dates, addresses, commands and ``code`` (the paragraph's inline code) are never rewritten."""
        self.source_sentences.extend(split_sentences(text))
        blocks: list[Any] = []
        protected = protect(text, code)
        for line in self.rewriter.rewrite_lines(protected.text):
            line.text = protected.restore(line.text)
            if not words(line.text):
                continue
            line_text, definitions = self.short_forms.apply(line.text)
            self.lines.append(line_text)
            para = text_paragraph(line_text)
            if line.item:
                if not (blocks and isinstance(blocks[-1], model.ListBlock)):
                    blocks.append(model.ListBlock(items=[]))
                blocks[-1].items.append(model.ListItem(blocks=[para]))
            else:
                blocks.append(para)
            for sentence in definitions:             # "In this text, Key Aim means Strategic Objective."
                self.lines.append(sentence)
                blocks.append(text_paragraph(sentence))
        return blocks

    def list_block(self, block: model.ListBlock) -> model.ListBlock:
        items: list[model.ListItem] = []
        for item in block.items:
            out: list[Any] = []
            for sub in item.blocks:
                if isinstance(sub, model.ListBlock):
                    out.append(self.list_block(sub))
                else:
                    out.extend(self.paragraph(model.block_text(sub), _code_of(sub)))
            if out:
                items.append(model.ListItem(blocks=out))
        return model.ListBlock(ordered=block.ordered, start=block.start, items=items)

    def blocks(self, blocks: list[Any]) -> list[Any]:
        out: list[Any] = []
        for block in blocks:
            if isinstance(block, model.Paragraph):
                out.extend(self.paragraph(block.text, _code_of(block)))
            elif isinstance(block, model.ListBlock):
                new = self.list_block(block)
                if new.items:
                    out.append(new)
            elif isinstance(block, model.Table | model.Figure | model.Code | model.Math):
                out.append(block)
        return out


def _code_of(block: Any) -> list[str]:
    """The inline code of a paragraph (commands, identifiers), which easy-read keeps as it is."""
    if not isinstance(block, model.Paragraph):
        return []
    return [i.text for i in block.inlines if isinstance(i, model.Span) and i.code]


def _summary(heading: model.Heading | None, title: str, section_lines: list[str]) -> tuple[str, list[str]]:
    topic = heading.text.strip() if heading else title
    first = topic.split(" ", 1)[0] if topic else ""
    if first and first[0].isupper() and first[1:].islower() and zipf(first) >= 4.0:
        topic = first.lower() + topic[len(first):]
        if " " not in topic.strip() and first.lower() not in STOP:
            topic = f"the {topic}"                       # "Introduction" → "the introduction"
    counts: Counter[str] = Counter()
    for line in section_lines:
        for w in words(line):
            lw = w.lower()
            if w.islower() and lw not in STOP and len(lw) > 3 and w.isalpha() and zipf(lw) < KEY_WORD_MAX_ZIPF \
                    and not _verb_form(lw):
                counts[lw] += 1
    keys = [w for w, n in counts.most_common(KEY_WORDS_PER_SECTION) if n > 1]
    text = f"This part is about {topic.rstrip('.:')}." if topic else "This part is about the text below."
    if keys:
        listed = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]
        text += f" It talks about {listed}."
    return text, keys


def _verb_form(word: str) -> bool:
    """Verbs make poor key words: *helps*, *building*, *shared*."""
    stems = {word, word[:-1], word[:-2], word[:-3], word[:-3] + "e", word[:-2] + "e", word[:-1] + "e"}
    return bool(stems & COMMON_VERBS) and (word in COMMON_VERBS or word.endswith(("s", "ing", "ed")))


def _key_pattern(keys: set[str]) -> re.Pattern[str] | None:
    if not keys:
        return None
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
                      + r")(?![\w-])", re.IGNORECASE)


def _strong_spans(text: str, keys: set[str] | re.Pattern[str] | None) -> list[model.Span]:
    """Mark key words strong (whole words, any case)."""
    pattern = keys if isinstance(keys, re.Pattern) or keys is None else _key_pattern(keys)
    if pattern is None:
        return [model.Span(text=text)]
    spans: list[model.Span] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            spans.append(model.Span(text=text[pos: m.start()]))
        spans.append(model.Span(text=m.group(), strong=True))
        pos = m.end()
    if pos < len(text):
        spans.append(model.Span(text=text[pos:]))
    return spans or [model.Span(text=text)]


def _mark(blocks: list[Any], keys: set[str] | re.Pattern[str] | None) -> None:
    if isinstance(keys, set):
        keys = _key_pattern(keys)
    for block in blocks:
        if isinstance(block, model.Paragraph):
            block.inlines = _strong_spans(block.text, keys)
        elif isinstance(block, model.ListBlock):
            for item in block.items:
                _mark(item.blocks, keys)


def _insert_explanations(blocks: list[Any], inserts: dict[str, str]) -> None:
    """After the first Paragraph whose text has an explanation due, add 'ABBR means …'."""
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, model.Paragraph) and block.text in inserts:
            blocks.insert(i + 1, text_paragraph(inserts.pop(block.text)))
            i += 1
        elif isinstance(block, model.ListBlock):
            for item in block.items:
                _insert_explanations(item.blocks, inserts)
        i += 1


def easy_read_document(doc: model.Document, rewriter: Rewriter | None = None,
                       language: str | None = None) -> model.Document:
    """The pure transform. ``rewriter`` defaults to the rule-based :class:`RuleRewriter`."""
    lang = (language or doc.metadata.language or "en").split("-")[0].lower()
    lexicon = load_lexicon(lang)
    rewriter = rewriter or RuleRewriter(lang, lexicon=lexicon)
    title = doc.metadata.title or (doc.headings()[0].text if doc.headings() else "")
    source_text = doc.plain_text()
    defined = defined_abbreviations(" ".join(source_text.split()))
    abbreviations = {**lexicon.abbreviations, **defined}
    repeated = repeated_definitions(defined)
    reader = EasyReader(rewriter, lexicon, short_forms=ShortForms({**repeated, **lexicon.short_forms},
                                                                  silent=frozenset(repeated)))

    sections: list[tuple[Group, list[Any], list[str]]] = []
    for group in _groups(doc.blocks):
        start = len(reader.lines)
        blocks = reader.blocks(group.blocks)
        sections.append((group, blocks, reader.lines[start:]))

    inserts_by_index = explain_first_use(reader.lines, abbreviations)
    inserts = {reader.lines[i]: text for i, text in inserts_by_index.items()}
    entries, unexplained = build_glossary(reader.lines, lexicon, abbreviations)
    entries += [Entry(short, f"{long[0].upper() + long[1:]}.", "short form")
                for short, long in reader.short_forms.defined.items()]
    glossary_terms = {e.term for e in entries if e.kind == "word"}

    # the highest level among the headings that open a section (a slide's label counts as level 2)
    top = min((g.heading.level for g, _, _ in sections if g.heading is not None), default=1)
    out: list[Any] = [model.Heading(level=1, inlines=[model.Span(text=title or "Easy read")])]
    out.append(model.Section(kind="part", label="note", blocks=[text_paragraph(NOTE)]))
    if entries:
        out.append(model.Section(kind="part", label="glossary", blocks=[
            model.Heading(level=2, inlines=[model.Span(text="Words to know")]),
            model.ListBlock(items=[model.ListItem(blocks=[model.Paragraph(inlines=[
                model.Span(text=e.term, strong=True), model.Span(text=f": {e.explanation}")])]) for e in entries]),
        ]))
    summaries: list[dict[str, Any]] = []
    for group, blocks, section_lines in sections:
        if not blocks and group.heading is None:
            continue
        if group.heading is not None and group.heading.text.strip() != (title or "").strip():
            out.append(model.Heading(level=max(2, min(6, group.heading.level - top + 2)),
                                     inlines=list(group.heading.inlines),
                                     id=group.heading.id))
        if not blocks:
            continue
        summary, keys = _summary(group.heading, title, section_lines)
        summaries.append({"heading": group.heading.text if group.heading else None, "summary": summary,
                          "key_words": keys})
        _insert_explanations(blocks, inserts)
        _mark(blocks, glossary_terms | set(keys))
        summary_para = model.Paragraph(inlines=_strong_spans(summary, set(keys)))
        out.append(model.Section(kind="part", label="summary", blocks=[summary_para]))
        out.append(model.Section(kind="part", label="text", blocks=blocks))

    after_lines = body_lines(out)
    before = measure(reader.source_sentences)
    after = measure(after_lines)
    page = measure(page_lines(out))          # the whole page: note, Words to know, summaries and text
    kept = content_kept(reader.source_sentences, after_lines)
    stats = rewriter.stats.as_dict() if hasattr(rewriter, "stats") else {}
    figures = {
        "rewriter": getattr(rewriter, "name", type(rewriter).__name__),
        "language": lang,
        "readability_formula": "Flesch-Kincaid grade and Flesch reading ease (English)"
        + ("" if lang == "en" else "; not calibrated for this language"),
        "before": before.as_dict(),
        "after": after.as_dict(),
        "after_whole_page": page.as_dict(),
        "measured_on": "after = the easy-read text sections the learner reads (sentences, list items, "
                       "definition lines), the same formula as before; after_whole_page also counts the "
                       "note, the Words to know glossary and the summary boxes",
        "content_kept": kept.as_dict(),
        "targets": TARGETS,
        "targets_met": {
            "fk_grade": after.fk_grade <= TARGETS["fk_grade_max"],
            "max_sentence_words": after.max_sentence_words <= TARGETS["max_sentence_words"],
            "numbers": kept.numbers_percent >= TARGETS["numbers_percent"],
            "dates": kept.dates_percent >= TARGETS["dates_percent"],
            "entities": kept.entities_percent >= TARGETS["entities_percent_min"],
        },
        "glossary": [{"term": e.term, "explanation": e.explanation, "kind": e.kind} for e in entries],
        "unexplained_words": unexplained[:100],
        "summaries": summaries,
        "rewriter_stats": stats,
        "note": NOTE,
    }
    meta = model.Metadata(**{**doc.metadata.model_dump(), "title": title or doc.metadata.title, "language":
                             doc.metadata.language or lang})
    meta.extra = {**doc.metadata.extra, "easy_read": figures}
    return model.Document(metadata=meta, blocks=out, footnotes={}, warnings=list(doc.warnings),
                          quality_warnings=list(doc.quality_warnings))


def page_lines(blocks: list[Any]) -> list[str]:
    """Every paragraph and list item of the page (all sections, glossary entries as one line each)."""
    lines: list[str] = []

    def visit(items: list[Any]) -> None:
        for block in items:
            if isinstance(block, model.Paragraph) and block.text.strip():
                lines.append(block.text)
            elif isinstance(block, model.ListBlock):
                for item in block.items:
                    visit(item.blocks)
            elif isinstance(block, model.Section):
                visit(block.blocks)

    visit(blocks)
    return lines


def body_lines(blocks: list[Any]) -> list[str]:
    """The easy-read text lines (sentences and list items) inside the ``text`` sections."""
    lines: list[str] = []

    def visit(items: list[Any]) -> None:
        for block in items:
            if isinstance(block, model.Paragraph):
                if block.text.strip():
                    lines.append(block.text)
            elif isinstance(block, model.ListBlock):
                for item in block.items:
                    visit(item.blocks)

    for block in blocks:
        if isinstance(block, model.Section) and block.label == "text":
            visit(block.blocks)
    return lines
