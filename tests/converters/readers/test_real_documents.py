"""Each input-side defect class of issue 11, on a real document of the corpus (tests/corpus/SOURCES.md),
and every truth check of the corpus documents (the fixed sample by default, all with ACCESS_CORPUS=all)."""

from __future__ import annotations

import pytest

from access.document import Figure, NoteRef, Paragraph, Section, Span, Table
from bench.corpus import Entry, document
from bench.fidelity import checks, render_access
from tests.converters.readers.corpus_docs import corpus_params, read_entry


@pytest.mark.parametrize("entry", corpus_params())
def test_corpus_truth(entry: Entry) -> None:
    path = document(entry)
    if path is None:
        pytest.skip(f"{entry.original_name} is not in the corpus cache (tests/corpus/SOURCES.md)")
    failed = [name for name, ok in checks(entry.truth, render_access(path, entry.format)) if not ok]
    assert not failed, f"{entry.id}: {failed}"


def test_tagged_pdf_mupdf_cannot_structure_is_read_from_its_tree() -> None:
    doc = read_entry("latex-two-column-tagged-en")
    assert doc.metadata.extra["structure"] == "tags (structure tree)"
    figure = next(f for f in doc.figures() if f.alt)
    assert figure.alt == "small skull in a diamond" and figure.image          # the alt on the right image
    table = next(b for b in doc.walk() if isinstance(b, Table))
    assert table.header_rows >= 1 and [c.text for c in table.rows[-1].cells] == ["That", "2"]
    assert any(isinstance(b, Section) and b.kind == "aside" for b in doc.walk())   # the margin note


def test_superscripts_kept_apart_and_footnote_linked() -> None:
    doc = read_entry("latex-two-column-tagged-en")
    fermat = next(b for b in doc.walk() if isinstance(b, Paragraph) and "non-zero integers" in b.text)
    raised = [i.text for i in fermat.inlines if isinstance(i, Span) and i.position == "super"]
    assert raised == ["𝑛", "𝑛", "𝑛"]                                         # aⁿ + bⁿ = cⁿ
    para = next(b for b in doc.walk() if isinstance(b, Paragraph) and "heading rows of tables" in b.text)
    assert any(isinstance(i, NoteRef) for i in para.inlines)
    assert "tables.1" not in para.text


def test_footnotes_of_a_latex_pdf_are_notes_not_text() -> None:
    doc = read_entry("hausarbeit-jura-de")
    notes = [" ".join(b.text for b in body if isinstance(b, Paragraph)) for body in doc.footnotes.values()]
    assert any("Tobias Hirning" in n for n in notes)
    assert "Vielen Dank an Tobias Hirning" not in doc.plain_text()          # not in the reading stream
    refs = [i for b in doc.walk() if isinstance(b, Paragraph) for i in b.inlines if isinstance(i, NoteRef)]
    assert refs and all(r.id in doc.footnotes for r in refs)


def test_declared_language_contradicted_by_the_text() -> None:
    doc = read_entry("kreate-declared-fi")
    q = doc.metadata.quality
    assert (q.declared_language, q.detected_language, doc.metadata.language) == ("fi", "en", "en")
    assert any("declares its language as 'fi'" in w for w in doc.warnings)


def test_running_headers_and_page_numbers_removed() -> None:
    doc = read_entry("debian-faq-ru")
    text = doc.plain_text()
    assert "ГЛАВА 1. ОПРЕДЕЛЕНИЯ" not in text and doc.metadata.quality.furniture_removed >= 8
    assert doc.metadata.language == "ru"


def test_wikipedia_infobox_kept_apart_from_the_body() -> None:
    doc = read_entry("wikipedia-pdfjs-en")
    infobox = next(b for b in doc.walk() if isinstance(b, Table))
    assert ["Type", "PDF viewer"] in [[c.text for c in r.cells] for r in infobox.rows]
    body = next(b for b in doc.walk() if isinstance(b, Paragraph) and b.text.startswith("PDF.js is a JavaScript"))
    assert "Developer" not in body.text


def test_scan_in_russian_read_with_the_russian_model() -> None:
    doc = read_entry("scan-ru")
    q = doc.metadata.quality
    assert q.ocr_pages == [1, 2] and q.ocr_languages[0] == "rus" and (q.ocr_confidence or 0) > 80
    assert "операционной системы" in doc.plain_text()


def test_markdown_as_authors_write_it() -> None:
    doc = read_entry("shell-novice-create-md")
    assert doc.metadata.title == "Working With Files and Directories"
    alts = [f.alt for f in doc.figures()]
    assert any(a and a.startswith("screenshot of nano text editor") for a in alts)
    text = doc.plain_text()
    assert ":::" not in text and "{alt=" not in text and "teaching: 30" not in text


def test_word_merged_header_cells() -> None:
    doc = read_entry("pandoc-rowspan-docx")
    table = next(b for b in doc.walk() if isinstance(b, Table))
    first = table.rows[0].cells
    assert [(c.text, c.rowspan, c.colspan) for c in first] == [
        ("A", 2, 1), ("B", 2, 1), ("C", 2, 1), ("D", 2, 1), ("E", 1, 3), ("F", 2, 1)]
    assert [c.text for c in table.rows[1].cells] == ["G", "H", "I"]


def test_image_description_of_a_word_file() -> None:
    doc = read_entry("pandoc-image-docx")
    assert [f.alt for f in doc.figures() if isinstance(f, Figure)] == ["He realizes he's making the file-size too big."]
