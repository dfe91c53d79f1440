"""Page layout: wrapping, page numbers, headings, print page indicators, lists and tables."""

from __future__ import annotations

from pathlib import Path

from access.conversion import GateResult, OutputFolder
from access.document import (
    Cell,
    Document,
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
from access.models import ConvertOptions
from access.services import make_context
from converters.gates.brf import check_brf, check_brf_files
from converters.writers.braille.brf import BRF_SET, brf_pages, to_unicode_braille
from converters.writers.braille.pager import Pager, wrap
from converters.writers.brf import write_brf


def para(text: str) -> Paragraph:
    return Paragraph(inlines=[Span(text=text)])


def test_wrap_keeps_width_and_indents() -> None:
    lines = wrap(("ABC " * 30).split(), 20, 2, 0)
    assert all(len(ln) <= 20 for ln in lines)
    assert lines[0].startswith("  ABC") and lines[1].startswith("ABC")


def test_wrap_cuts_only_overlong_words() -> None:
    lines = wrap(["X" * 45, "AB"], 20, 0, 0)
    assert [len(ln) for ln in lines] == [20, 20, 8]


def test_pager_numbers_pages_top_right() -> None:
    pager = Pager(cells=20, lines=5, number=lambda n: f"#{n}")
    for i in range(10):
        pager.put(f"LINE {i}")
    pages = pager.finish()
    assert all(len(page) <= 5 for page in pages)
    assert [page[0].strip() for page in pages] == ["#1", "#2", "#3"]
    assert all(page[0].endswith(page[0].strip()) and len(page[0]) == 20 for page in pages)


def small_doc() -> Document:
    table = Table(header_rows=1, rows=[
        Row(cells=[Cell(blocks=[para("Year")], header=True), Cell(blocks=[para("Learners")], header=True)]),
        Row(cells=[Cell(blocks=[para("2021")]), Cell(blocks=[para("1200")])]),
    ])
    return Document(metadata=Metadata(title="Braille sample", language="en", source_name="sample.txt"), blocks=[
        Heading(level=1, inlines=[Span(text="Braille sample")]),
        para("A first paragraph of text that is long enough to wrap across more than one braille line."),
        PageBreak(label="2"),
        Heading(level=2, inlines=[Span(text="A list")]),
        ListBlock(ordered=True, items=[ListItem(blocks=[para("First item")]), ListItem(blocks=[para("Second")])]),
        table,
    ])


def test_formatted_document(tmp_path: Path) -> None:
    options = ConvertOptions(targets=["brf"])
    ctx = make_context()
    doc = small_doc()
    arts = write_brf(doc, OutputFolder.for_document(tmp_path, doc), options, ctx)
    names = sorted(a.name for a in arts)
    assert names == ["sample-braille.txt", "sample.brf", "sample.pef"]
    brf = (tmp_path / "sample.brf").read_bytes().decode("ascii")
    pages = brf_pages(brf)
    body = pages[0]
    assert body[0].rstrip().endswith("#A")
    heading = body[1]
    assert heading.startswith(" ") and heading.strip() == ",BRL SAMPLE"      # centred title
    assert body[2] == "" and body[3].startswith("  ,A F/")                     # paragraph in cell 3
    assert any(ln.startswith("-" * 10) and ln.endswith("#B") for ln in body)  # print page 2
    assert any(ln.startswith("    ,A L") for ln in body)                      # level-2 heading in cell 5
    assert any(ln.startswith("#A4 ,F") for ln in body)                         # ordered item "1. First"
    assert any(",YE>3 #BJBA" in ln for ln in body)                             # table cell labelled by header
    gate = check_brf_files(arts, options, ctx)
    assert gate.passed, gate.problems
    back = next(c for c in gate.checks if c.name == "back_translation")
    assert back.facts["words_recovered_percent"] >= 95.0     # liblouis reads "L;G 5" back as "long en"
    unicode_text = (tmp_path / "sample-braille.txt").read_text(encoding="utf-8")
    assert to_unicode_braille(",HELLO") in to_unicode_braille(",HELLO ,W")
    assert all(0x2800 <= ord(ch) <= 0x28FF for ch in unicode_text if ch not in "\n\f ")
    assert "<page><row>" in (tmp_path / "sample.pef").read_text(encoding="utf-8")


def brf_verdict(brf: str) -> GateResult:
    return GateResult.of("brf", check_brf(brf, 40, 25))


def test_gate_catches_bad_brf() -> None:
    good = "".join(ln + "\r\n" for ln in ["#A".rjust(40), ",HELLO"]) + "\f"
    assert brf_verdict(good).passed
    too_long = "".join(ln + "\r\n" for ln in ["#A".rjust(40), "X" * 41]) + "\f"
    assert not brf_verdict(too_long).passed
    too_many = "".join(f"LINE{i}\r\n" for i in range(26)) + "\f"
    assert not brf_verdict(too_many).passed
    lower = "".join(ln + "\r\n" for ln in ["#A".rjust(40), "hello"]) + "\f"
    result = brf_verdict(lower)
    assert not result.passed and result.problems == ["brf_characters: characters outside Braille ASCII: 'ehlo'"]
    assert set(",HELLO") <= BRF_SET


def test_unknown_language_falls_back_to_ueb_with_a_warning(tmp_path: Path) -> None:
    doc = small_doc()
    doc.metadata.language = "xx"
    arts = write_brf(doc, OutputFolder.for_document(tmp_path, doc), ConvertOptions(targets=["brf"]), make_context())
    assert arts[0].metadata["table"] == "en-us-brf.dis,en-ueb-g2.ctb"
    assert "xx" in arts[0].metadata["warning"]
