"""The document-quality gate: it runs once after reading, fails on garbage (unmapped glyphs, weak OCR,
the wrong language, lost words or numbers, running headers made headings), and its failures reach the
top of every output, the job's warnings, the EPUB's conformance claim and, with validation=abort, the
job's verdict and the CLI's exit code."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html

from access.document import (
    Document,
    Heading,
    Metadata,
    NoteRef,
    PageBreak,
    Paragraph,
    SourceQuality,
    Span,
    strip_control_characters,
    without_control_characters,
)
from access.errors import QualityGateFailed
from access.models import ConvertOptions
from access.services import convert, make_context, source_file
from converters.gates.document import check_document, comparable_numbers

ENGLISH = ("Plants make food from light. They take in water through their roots and air through their leaves. "
           "The green parts of the leaf catch the light, and the plant uses it to join water and air into sugar. ")


def doc_of(*texts: str, quality: SourceQuality | None = None, language: str = "en") -> Document:
    return Document(metadata=Metadata(title="Plants", language=language, quality=quality or SourceQuality()),
                    blocks=[Paragraph(inlines=[Span(text=t)]) for t in texts])


def failed(doc: Document) -> dict[str, list[str]]:
    gate = check_document(doc, ConvertOptions(), make_context())
    return {c.name: c.problems for c in gate.checks if not c.passed and not c.informational}


def test_a_clean_document_passes() -> None:
    quality = SourceQuality(source_text=ENGLISH * 3, declared_language="en", detected_language="en",
                            detected_confidence=0.99)
    gate = check_document(doc_of(ENGLISH * 3, quality=quality), ConvertOptions(), make_context())
    assert gate.passed, gate.problems


def test_unmapped_glyphs_fail() -> None:
    """A body font without a Unicode map: U+FFFD where the text should be (the German review case)."""
    garbled = "ein halb " + "\ufffd" * 40 + " ein halb " + "\ufffd\ufffd \ufffd" * 20
    problems = failed(doc_of(ENGLISH, garbled))
    assert "unmapped glyphs" in problems and "could not be read" in problems["unmapped glyphs"][0]
    # the reader's own count and pages left unrecognised count too
    quality = SourceQuality(replacement_chars=0, unmapped_pages=[3, 4, 5, 9], ocr_pages=[9])
    assert "pages 3-5" in failed(doc_of(ENGLISH, quality=quality))["unmapped glyphs"][0]


def test_weak_ocr_fails_and_names_the_model() -> None:
    quality = SourceQuality(ocr_pages=[1, 2], ocr_confidence=41.0, ocr_languages=["eng"])
    problems = failed(doc_of(ENGLISH, quality=quality))
    assert "ocr confidence" in problems and "eng" in problems["ocr confidence"][0]
    quality.ocr_confidence = 93.0
    assert "ocr confidence" not in failed(doc_of(ENGLISH, quality=quality))


def test_declared_language_contradicted_by_the_text() -> None:
    """An English report declared Finnish: failing while the document still says Finnish, passing once
    the reader followed the text."""
    quality = SourceQuality(declared_language="fi", detected_language="en", detected_confidence=0.98)
    assert "language" in failed(doc_of(ENGLISH, quality=quality, language="fi"))
    assert "language" not in failed(doc_of(ENGLISH, quality=quality, language="en"))
    # no detection from the reader: the gate detects on its own when there is text enough
    assert "language" in failed(doc_of(ENGLISH * 4, quality=SourceQuality(declared_language="fi"), language="fi"))


def test_words_lost_against_the_source_text_layer() -> None:
    quality = SourceQuality(source_text=ENGLISH * 2 + "Photosynthesis happens in chloroplasts. " * 30)
    problems = failed(doc_of(ENGLISH * 2, quality=quality))
    assert "word recall" in problems and "chloroplasts" in problems["word recall"][0]


def test_a_footnote_mark_glued_into_a_number_is_caught() -> None:
    """83,190,556 with footnote 2 read as 83,190,5562 changes a fact."""
    source = "The population was 83,190,556 in 2019. The area is 357,588 square kilometres."
    quality = SourceQuality(source_text=source)
    problems = failed(doc_of("The population was 83,190,5562 in 2019. The area is 357,588 square kilometres.",
                             quality=quality))
    assert "numbers kept" in problems and "83190556" in problems["numbers kept"][0]
    # kept apart (a note reference), nothing is missing
    doc = Document(metadata=Metadata(title="P", language="en", quality=quality), blocks=[Paragraph(inlines=[
        Span(text="The population was 83,190,556"), NoteRef(id="n2", label="2"),
        Span(text=" in 2019. The area is 357,588 square kilometres.")])])
    assert "numbers kept" not in failed(doc)
    assert comparable_numbers("83 190 556 and 83.190.556 and 3,5") == {"83190556", "3,5"}


def test_running_headers_made_headings_are_caught() -> None:
    blocks: list = []
    for page in range(1, 13):
        blocks += [PageBreak(label=str(page)), Heading(level=2, inlines=[Span(text=f"{page} CITATIONS 2")]),
                   Paragraph(inlines=[Span(text=ENGLISH)])]
    doc = Document(metadata=Metadata(title="Notes", language="en"), blocks=blocks)
    assert "furniture headings" in failed(doc)
    # chapters that each start on a page are not furniture
    for k, block in enumerate(b for b in blocks if isinstance(b, Heading)):
        block.inlines = [Span(text=f"Chapter about topic {chr(65 + k)}")]
    assert "furniture headings" not in failed(doc)


def test_control_characters_are_stripped_everywhere() -> None:
    doc = doc_of("A\x1aB\x00C\x0cD\u0085E")
    doc.metadata.title = "T\x1a"
    doc.footnotes = {"n": [Paragraph(inlines=[Span(text="x\x07y")])]}
    without_control_characters(doc)
    assert doc.blocks[0].text == "ABC DE" and doc.metadata.title == "T"
    assert doc.footnotes["n"][0].text == "xy"
    assert strip_control_characters("tab\tand\nnewline") == "tab\tand\nnewline"


@pytest.fixture(scope="module")
def garbled_result(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    folder = tmp_path_factory.mktemp("garbled")
    source = folder / "review.txt"
    source.write_text("Review\n\n" + ENGLISH + "\n\n" + ("\ufffd\ufffd\ufffd \ufffd\ufffd " * 60) + "\n\n"
                      + "A control character \x1a in the text.\n", encoding="utf-8")
    result = convert(source_file(source), ConvertOptions(targets=["html", "epub", "easy-read"]), folder / "out",
                     make_context())
    return result, source


def test_the_gate_runs_once_and_its_warning_tops_every_output(garbled_result: tuple) -> None:
    result, _ = garbled_result
    gate = result.gate["document"]
    assert not gate["passed"] and any("could not be read" in p for p in gate["problems"])
    assert any("could not be read" in w for w in result.warnings)
    html_art = next(a for a in result.artifacts if a.name.endswith(".html"))
    tree = lxml_html.fromstring(Path(html_art.path).read_text(encoding="utf-8"))
    header = tree.find(".//header")
    first = header[0]
    assert first.get("class") == "quality-warning" and first.get("role") == "note"
    assert "could not be read" in first.text_content()
    assert "\x1a" not in Path(html_art.path).read_text(encoding="utf-8")
    assert result.gate["html"]["passed"], result.gate["html"]["problems"]     # the notice is accessible
    epub = next(a for a in result.artifacts if a.name.endswith(".epub"))
    with zipfile.ZipFile(epub.path) as zf:
        opf = zf.read("OEBPS/content.opf").decode()
        first_chapter = zf.read("OEBPS/chapter-001.xhtml").decode()
    assert "dcterms:conformsTo" not in opf and epub.metadata["conforms_to"] is None
    assert first_chapter.index("quality-warning") < first_chapter.index("<h1")
    assert result.gate["epub"]["passed"], result.gate["epub"]["problems"]
    easy = next(a for a in result.artifacts if a.name.endswith("-easy-read.html"))
    main = lxml_html.fromstring(Path(easy.path).read_text(encoding="utf-8")).find(".//main")
    assert main[0].get("class") == "quality-warning" and "could not be read" in main[0].text_content()


def test_abort_fails_the_job_and_the_cli(garbled_result: tuple, tmp_path: Path) -> None:
    _, source = garbled_result
    with pytest.raises(QualityGateFailed, match="document's text failed"):
        convert(source_file(source), ConvertOptions(targets=["html"], validation="abort"), tmp_path / "a",
                make_context())
    assert not (tmp_path / "a" / "review.html").exists()          # nothing handed over
    cli = [sys.executable, "-m", "access.cli", "convert", str(source), "--to", "html", "-o", str(tmp_path / "b")]
    aborted = subprocess.run([*cli, "--validation", "abort"], capture_output=True, text=True, check=False)
    assert aborted.returncode == 1 and "quality_gate_failed" in aborted.stderr
    reported = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert reported.returncode == 0 and "quality gate document: failed" in reported.stderr
