"""Audio that does not break on real books: more than 255 chapters nest in an ID3 CTOC hierarchy
(read back with mutagen, walked as a player walks it, and spoken for real by espeak-ng), citation marks
and footnote marks are not read or glued into numbers, superscripts are read as powers, URLs as their
domain, notes after the block that refers to them, and the voice never changes language inside a word."""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import ID3, CTOCFlags

from access.config import Settings
from access.document import Document, Heading, Metadata, NoteRef, Paragraph, Span
from access.models import ConvertOptions
from access.services import make_context
from converters.gates.mp3 import check_mp3, walk_tocs
from converters.speech.normalise import normalise
from converters.speech.script import build_script
from converters.writers.mp3 import MAX_TOC_ENTRIES, tag


def spoken(doc: Document) -> list[tuple[str, str]]:
    return [(s.lang, s.spoken) for s in build_script(doc).segments() if s.spoken]


def test_more_than_255_chapters_nest_in_ctoc_tables(tmp_path: Path) -> None:
    path = tmp_path / "book.mp3"
    n = 700
    tag(path, title="Lecture notes", authors=["A"], language="en",
        chapters=[(f"Section {k}", k * 2.0, k * 2.0 + 2.0) for k in range(n)], parts=[k // 300 for k in range(n)])
    tags = ID3(path)
    tocs = tags.getall("CTOC")
    tops = [t for t in tocs if t.flags & CTOCFlags.TOP_LEVEL]
    assert len(tops) == 1 and all(len(t.child_element_ids) <= MAX_TOC_ENTRIES for t in tocs)
    assert all(t.flags & CTOCFlags.ORDERED for t in tocs)
    reached, facts = walk_tocs(tocs)
    assert reached == [c.element_id for c in sorted(tags.getall("CHAP"), key=lambda c: c.start_time)]
    assert len(reached) == n and facts["table_depth"] == 2
    # a section's table is titled with its first chapter; a short book keeps one flat table
    titles = {t.element_id: str(t.sub_frames["TIT2"].text[0]) for t in tocs}
    assert titles["toc1"] == "Section 0" and titles["toc"] == "Lecture notes"
    tag(path, title="Short", authors=[], language="en", chapters=[("One", 0.0, 1.0), ("Two", 1.0, 2.0)])
    assert [len(t.child_element_ids) for t in ID3(path).getall("CTOC")] == [2]


def test_a_300_heading_document_speaks_to_one_mp3_the_gate_passes(tmp_path: Path) -> None:
    """The 117-page lecture notes failed: more than 255 ID3 chapters. Spoken for real here."""
    from access.registry import get_registry

    blocks: list = []
    for k in range(1, 301):
        blocks += [Heading(level=2, inlines=[Span(text=f"Part {k}")]), Paragraph(inlines=[Span(text="Cells grow.")])]
    doc = Document(metadata=Metadata(title="Long notes", language="en"), blocks=blocks)
    registry = get_registry()
    options = ConvertOptions(targets=["mp3"])
    ctx = make_context(Settings(data_dir=tmp_path / "data"))
    book = registry.transforms["speech"].run(doc, options, ctx)
    try:
        from access.conversion import OutputFolder

        arts = registry.writers["mp3"].write(book, OutputFolder(tmp_path, "long-notes"), options, ctx)
    finally:
        book.release()
    gate = check_mp3(arts, options, ctx)
    assert gate.passed, gate.problems
    chapters = next(c for c in gate.checks if c.name == "id3 chapters")
    assert chapters.facts["chapters"] == 300 and chapters.facts["table_depth"] == 2


def test_marks_powers_and_subscripts_are_read_sensibly() -> None:
    doc = Document(metadata=Metadata(title="Facts", language="en"), blocks=[Paragraph(inlines=[
        Span(text="The population was 83,190,556"), NoteRef(id="n2", label="2"), Span(text=" in 2019. We know a"),
        Span(text="n", position="super"), Span(text=" + b"), Span(text="n", position="super"), Span(text=" = c"),
        Span(text="n", position="super"), Span(text=". Firefox"), Span(text="4", position="super"),
        Span(text=" runs on the 1"), Span(text="st", position="super"), Span(text=" floor. Water is H"),
        Span(text="2", position="sub"), Span(text="O. A 10"), Span(text="6", position="super"), Span(text=" gain.")])],
        footnotes={"n2": [Paragraph(inlines=[Span(text="Federal census.")])]})
    said = " ".join(text for _, text in spoken(doc))
    assert "83,190,556 in 2019" in said and "5562" not in said
    assert "a to the power n + b to the power n = c to the power n" in said
    assert "Firefox runs on the 1st floor" in said and "four" not in said.lower()
    assert "H 2 O" in said and "10 to the power 6" in said
    # the note is read right after the paragraph that refers to it, then the text goes on
    assert said.index("Note 2") > said.index("10 to the power 6") and "End of note" in said
    shown = [s.text for s in build_script(doc).segments() if s.text]
    assert any("aⁿ + bⁿ = cⁿ" in t for t in shown) and any("H₂O" in t for t in shown)


def test_citations_and_urls() -> None:
    assert normalise("Firefox [4] is fast.[12, 13] See pages [3–5].", "en") == "Firefox is fast. See pages."
    assert normalise("[1] Smith, J. (2020).", "en") == "[1] Smith, J. (2020)."       # a reference list entry
    assert normalise("Read https://www.example.org/a/b?c=1 or doi.org/10.1000/182.", "en") == \
        "Read link: example.org or link: doi.org."
    assert normalise("x² and Firefox⁴ and 83,190,556²", "en") == "x to the power 2 and Firefox and 83,190,556"


def test_the_voice_never_changes_language_inside_a_word() -> None:
    doc = Document(metadata=Metadata(title="T", language="en"), blocks=[Paragraph(inlines=[
        Span(text="The word Defi"), Span(text="nition ist lang", lang="de"), Span(text=" and back.")])])
    assert spoken(doc)[:2] == [("en", "The word Definition"), ("de", "ist lang")]
