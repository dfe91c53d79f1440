"""The PDF reader on generated PDFs: untagged, tagged (Chromium), two columns, ruled table, scanned."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.config import Settings
from access.document import Document, Figure, ListBlock, PageBreak, Paragraph, Table
from access.errors import EmptyFile, EncryptedDocument, InvalidDocument, LimitExceeded
from access.models import ConvertOptions, SourceFile
from access.services import make_context
from converters.readers.pdf import read_pdf


def read(path: Path, **options: object) -> Document:
    return read_pdf(SourceFile(path=str(path), format="pdf"), ConvertOptions(**options), make_context())


def test_untagged_pdf_headings_lists_pages(untagged_pdf: Path) -> None:
    doc = read(untagged_pdf)
    assert doc.metadata.extra["structure"] == "inferred"
    heads = [(h.level, h.text) for h in doc.headings()]
    assert heads[:3] == [(1, "Photosynthesis"), (2, "What plants need"), (2, "Steps of the process")]
    lists = [b for b in doc.walk() if isinstance(b, ListBlock)]
    assert [it.blocks[0].text for it in lists[0].items] == ["Light from the sun", "Water from the soil",
                                                           "Carbon dioxide from the air"]
    assert lists[1].ordered and next(it.blocks[0].text for it in lists[1].items) == "Light is absorbed"
    para = next(b for b in doc.walk() if isinstance(b, Paragraph))
    assert "captured by chlorophyll in the chloroplasts" in para.text and "\n" not in para.text
    assert next(b.label for b in doc.blocks if isinstance(b, PageBreak)) == "1"
    assert doc.metadata.extra["tagged"] is False


def test_tagged_pdf_keeps_figure_alt(tagged_pdf: Path) -> None:
    doc = read(tagged_pdf)
    assert doc.metadata.extra["tagged"] is True and doc.metadata.extra["structure"] == "tags"
    figs = doc.figures()
    assert figs and figs[0].alt == "A green leaf in sunlight" and figs[0].image
    assert figs[0].caption == "Figure 1. A leaf"
    assert [(h.level, h.text) for h in doc.headings()][:3] == [(1, "Photosynthesis"), (2, "What plants need"),
                                                              (2, "Steps of the process")]
    lists = [b for b in doc.blocks if isinstance(b, ListBlock)]
    assert [lst.ordered for lst in lists] == [False, True]
    assert lists[1].items[0].blocks[0].text == "Light is absorbed"        # the "1." label is not text
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.caption == "Inputs and outputs" and table.header_rows == 1
    assert doc.metadata.title == "Leaves"


def test_two_columns_read_left_then_right(two_column_pdf: Path) -> None:
    doc = read(two_column_pdf)
    text = doc.plain_text()
    assert text.index("Left column sentence number 11") < text.index("Right column sentence number 0")


def test_ruled_table_is_a_table_with_header(table_pdf: Path) -> None:
    doc = read(table_pdf)
    table = next(b for b in doc.walk() if isinstance(b, Table))
    assert [c.text for c in table.rows[1].cells] == ["Bean", "12 cm"]
    assert table.header_rows == 1 and table.rows[0].cells[0].text == "Plant"


def test_scanned_pdf_is_ocred_into_structure(scanned_pdf: Path) -> None:
    doc = read(scanned_pdf)
    assert doc.metadata.extra["ocr_pages"] == [1]
    text = doc.plain_text().lower()
    assert "photosynthesis" in text and "chlorophyll" in text
    assert "Photosynthesis" in [h.text for h in doc.headings()]
    assert not [f for f in doc.figures() if f.image]        # the page image is not kept as a figure
    assert any("OCR" in w for w in doc.warnings)


def test_scanned_pdf_without_ocr_warns(scanned_pdf: Path) -> None:
    doc = read(scanned_pdf, ocr=False)
    assert any("OCR is switched off" in w for w in doc.warnings)


def test_bad_pdfs_have_stable_codes(tmp_path: Path, untagged_pdf: Path) -> None:
    import pymupdf

    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(InvalidDocument):
        read(corrupt)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile):
        read(empty)
    locked = tmp_path / "locked.pdf"
    with pymupdf.open(untagged_pdf) as d:
        d.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="secret")
    with pytest.raises(EncryptedDocument):
        read(locked)
    three = tmp_path / "three.pdf"
    d = pymupdf.open()
    for _ in range(3):
        d.new_page().insert_text((72, 72), "A page")
    d.save(three)
    with pytest.raises(LimitExceeded):
        read_pdf(SourceFile(path=str(three), format="pdf"), ConvertOptions(),
                 make_context(Settings(max_pages=2)))


def test_pdf_round_trip(tagged_pdf: Path) -> None:
    doc = read(tagged_pdf)
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc and isinstance(again.figures()[0], Figure)


def test_pdf_web_links_are_kept_on_their_text(tmp_path: Path) -> None:
    import pymupdf

    d = pymupdf.open()
    page = d.new_page()
    page.insert_text((72, 100), "Read the UNESCO guide online before class.", fontsize=11)
    page.insert_link({"kind": pymupdf.LINK_URI, "from": page.search_for("UNESCO guide")[0],
                      "uri": "https://www.unesco.org/en/education"})
    page.insert_text((72, 130), "Also see the notes.", fontsize=11)
    page.insert_link({"kind": pymupdf.LINK_URI, "from": page.search_for("notes")[0], "uri": "javascript:alert(1)"})
    path = tmp_path / "links.pdf"
    d.save(path)
    doc = read(path)
    first, second = (b for b in doc.blocks if isinstance(b, Paragraph))
    assert [(s.text, s.href) for s in first.inlines] == [
        ("Read the ", None), ("UNESCO guide", "https://www.unesco.org/en/education"), (" online before class.", None)]
    assert all(s.href is None for s in second.inlines)              # unsafe schemes are dropped
