"""Document → spoken script: what is said and how (pure, no engine)."""

from __future__ import annotations

import pytest

from access.document import (
    Cell,
    Document,
    Figure,
    Heading,
    ListBlock,
    ListItem,
    Metadata,
    PageBreak,
    Paragraph,
    Row,
    Span,
    Table,
)
from access.errors import EmptyFile
from converters.speech.normalise import is_page_artefact, normalise
from converters.speech.script import build_script, split_sentences


def para(text: str, **kw) -> Paragraph:
    return Paragraph(inlines=[Span(text=text, **kw)])


def spoken(doc: Document) -> list[str]:
    return [s.spoken for s in build_script(doc).segments() if s.spoken]


def test_headings_start_chapters_with_a_pause() -> None:
    doc = Document(metadata=Metadata(title="T", language="en"), blocks=[
        para("Before any heading."), Heading(level=1, inlines=[Span(text="One")]), para("Text one."),
        Heading(level=2, inlines=[Span(text="One point one")]), para("Text two.")])
    script = build_script(doc)
    assert [(c.title, c.level) for c in script.chapters] == [("T", 0), ("One", 1), ("One point one", 2)]
    heading = script.chapters[1].items[0].segments[0]
    assert heading.spoken == "One" and heading.pause >= 700
    assert [len(p) for p in script.parts()] == [1, 2]


def test_lists_are_numbered_after_an_announcement() -> None:
    doc = Document(metadata=Metadata(language="en"), blocks=[ListBlock(items=[
        ListItem(blocks=[para("Apples")]),
        ListItem(blocks=[para("Pears"), ListBlock(ordered=True, items=[ListItem(blocks=[para("Green")])])])])])
    assert spoken(doc) == ["List of 2 items.", "1. Apples", "2. Pears", "1. Green"]


def test_table_cells_are_read_with_their_headers() -> None:
    def cell(text: str, header: bool = False) -> Cell:
        return Cell(blocks=[para(text)] if text else [], header=header)
    table = Table(caption="Timetable", header_rows=1, header_cols=1, rows=[
        Row(cells=[cell("", True), cell("Subject", True), cell("Room", True)]),
        Row(cells=[cell("Monday"), cell("Biology"), cell("B12")])])
    said = spoken(Document(metadata=Metadata(language="en"), blocks=[table]))
    assert said == ["Table: Timetable. 2 rows, 3 columns.", "Monday, Subject: Biology", "Monday, Room: B12"]


def test_figures_are_announced_with_their_alt_text_or_its_absence() -> None:
    doc = Document(metadata=Metadata(language="en"), blocks=[
        Figure(alt="A map of Africa"), Figure(alt=None, caption="Figure 2. Results"),
        Figure(alt="", decorative=True), para("End.")])
    assert spoken(doc) == ["Figure: A map of Africa", "Figure without description.", "Figure 2. Results",
                           "End."]


def test_page_artefacts_dropped_pages_announced_urls_by_domain() -> None:
    doc = Document(metadata=Metadata(language="en"), blocks=[
        para("12"), para("Page 3 of 10"), PageBreak(label="4"),
        para("Read more at https://www.unesco.org/en/education/report.pdf today.")])
    assert spoken(doc) == ["Page 4.", "Read more at link: unesco.org today."]


def test_language_spans_become_their_own_utterances() -> None:
    doc = Document(metadata=Metadata(language="en"), blocks=[Paragraph(inlines=[
        Span(text="The greeting "), Span(text="habari yako", lang="sw"), Span(text=" means how are you.")])])
    segments = [s for s in build_script(doc).segments() if s.spoken]
    assert [(s.text, s.lang) for s in segments] == [
        ("The greeting", "en"), ("habari yako", "sw"), ("means how are you.", "en")]


def test_announcements_follow_the_document_language() -> None:
    doc = Document(metadata=Metadata(language="sw"), blocks=[Figure(alt="Ramani ya Afrika"), para("Mwisho.")])
    assert spoken(doc)[0] == "Kielelezo: Ramani ya Afrika"


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("See e.g. the 2022–2025 plan.", "en", "See for example the 2022 to 2025 plan."),
    ("Il y a 1 000 élèves, p. ex. ici.", "fr", "Il y a 1000 élèves, par exemple ici."),
    ("Introduction ........ 5", "en", "Introduction"),
    ("Siehe z. B. Seite 4–6.", "de", "Siehe zum Beispiel Seite 4 bis 6."),
    ("Contact www.example.org/path?x=1 now", "en", "Contact link: example.org now"),
])
def test_normalise(text: str, language: str, expected: str) -> None:
    assert normalise(text, language) == expected


def test_page_artefact_detection() -> None:
    assert all(is_page_artefact(t) for t in ["7", "- 12 -", "Page 3 of 10", "iv"])
    assert not any(is_page_artefact(t) for t in ["2022 was a good year", "I", "Mix"])


def test_sentences_are_not_split_after_abbreviations() -> None:
    assert split_sentences("Ask Dr. Banda. She knows, e.g. Zambia. Yes!", "en") == [
        "Ask Dr. Banda.", "She knows, e.g. Zambia.", "Yes!"]
    assert split_sentences("ሰላም ነው። እንዴት ነህ።", "am") == ["ሰላም ነው።", "እንዴት ነህ።"]


def test_document_without_text_is_refused_with_an_ocr_hint() -> None:
    scanned = Document(metadata=Metadata(source_format="pdf"), blocks=[PageBreak(label="1"), Figure(alt=None)])
    with pytest.raises(EmptyFile, match="OCR"):
        build_script(scanned)
    with pytest.raises(EmptyFile):
        build_script(Document(blocks=[para("   ")]))
