"""DOCX, PPTX and HTML readers on generated files, and their bad-input errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from access.document import Document, Heading, ListBlock, Notes, Section, Table
from access.errors import InvalidDocument
from access.models import ConvertOptions, SourceFile
from access.services import make_context
from converters.readers.docx import read_docx
from converters.readers.html import parse_html
from converters.readers.pptx import read_pptx


def test_docx_structure(lesson_docx: Path) -> None:
    doc = read_docx(SourceFile(path=str(lesson_docx), format="docx"), ConvertOptions(), make_context())
    assert [(h.level, h.text) for h in doc.headings()] == [(1, "Cells"), (2, "Parts of a cell")]
    lists = [b for b in doc.blocks if isinstance(b, ListBlock)]
    assert [lst.ordered for lst in lists] == [False, True]
    assert [it.blocks[0].text for it in lists[0].items] == ["Nucleus", "Membrane"]
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.header_rows == 1 and table.rows[0].cells[1].text == "Role" and table.rows[0].cells[0].header
    figs = doc.figures()
    assert figs[0].alt == "A round cell with a dark nucleus" and figs[0].media_type == "image/png"
    assert figs[1].alt is None and figs[1].alt_missing                  # never invented
    assert doc.metadata.language == "en-US" and not doc.metadata.language_detected
    para = doc.blocks[1]
    assert [s.strong for s in para.inlines] == [False, True, False]
    assert Document.model_validate_json(doc.model_dump_json()) == doc


def test_pptx_slides_notes_alt(lesson_pptx: Path) -> None:
    doc = read_pptx(SourceFile(path=str(lesson_pptx), format="pptx"), ConvertOptions(), make_context())
    slides = [b for b in doc.blocks if isinstance(b, Section)]
    assert [s.kind for s in slides] == ["slide", "slide"]
    first = slides[0].blocks
    assert isinstance(first[1], Heading) and first[1].text == "Water cycle"
    lst = next(b for b in first if isinstance(b, ListBlock))
    assert lst.items[0].blocks[0].text == "Evaporation"
    nested = lst.items[1].blocks[1]
    assert isinstance(nested, ListBlock) and nested.items[0].blocks[0].text == "Clouds form"
    notes = next(b for b in first if isinstance(b, Notes))
    assert notes.blocks[0].text == "Ask the class where rain comes from."
    assert doc.figures()[0].alt == "Arrows from sea to cloud to rain"


def test_html_main_content_without_script() -> None:
    doc = parse_html('<html lang="fr"><head><title>Leçon</title><script>alert(1)</script></head><body>'
                     '<nav><a href="/">Accueil</a></nav><main><h1>Bonjour</h1><p>Un <a href="https://e.org">'
                     'lien</a> <em>utile</em>.</p><script>steal()</script><table><tr><th>A</th><th>B</th></tr>'
                     '<tr><td>1</td><td>2</td></tr></table></main><footer>pied</footer></body></html>')
    assert doc.metadata.language == "fr" and doc.metadata.title == "Leçon"
    assert [b.type for b in doc.blocks] == ["heading", "paragraph", "table"]
    text = doc.plain_text()
    assert "Accueil" not in text and "steal" not in text and "pied" not in text
    assert doc.blocks[2].header_rows == 1


def test_docx_zip_bomb_and_xxe_are_invalid(tmp_path: Path, lesson_docx: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<a>" + b" " * 50_000_000 + b"</a>")
    with pytest.raises(InvalidDocument):
        read_docx(SourceFile(path=str(bomb), format="docx"), ConvertOptions(), make_context())
    xxe = tmp_path / "xxe.docx"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    with zipfile.ZipFile(lesson_docx) as src, zipfile.ZipFile(xxe, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
                                    f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
                                    .encode())
                data = data.replace(b"All living things", b"&x; All living things")
            dst.writestr(item, data)
    try:
        doc = read_docx(SourceFile(path=str(xxe), format="docx"), ConvertOptions(), make_context())
    except InvalidDocument:
        return
    assert "TOP-SECRET-VALUE" not in doc.plain_text()


def test_corrupt_pptx_is_invalid(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pptx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InvalidDocument):
        read_pptx(SourceFile(path=str(bad), format="pptx"), ConvertOptions(), make_context())


def test_docx_unknown_image_format_is_kept_as_marked_figure(tmp_path: Path, lesson_docx: Path) -> None:
    """An image type we cannot show: the figure stays (with its alt text), without the image, with a warning."""
    odd = tmp_path / "odd.docx"
    with zipfile.ZipFile(lesson_docx) as src, zipfile.ZipFile(odd, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b'Extension="png" ContentType="image/png"',
                                    b'Extension="png" ContentType="image/x-unknown"')
            dst.writestr(item, data)
    doc = read_docx(SourceFile(path=str(odd), format="docx"), ConvertOptions(), make_context())
    figs = doc.figures()
    assert len(figs) == 2 and figs[0].image is None and figs[0].alt == "A round cell with a dark nucleus"
    assert any("unsupported format" in w for w in doc.warnings)
    from converters.writers.html import render_html

    assert 'data-access-review="image-not-converted"' in render_html(doc)


def test_docx_hyperlink_is_kept(tmp_path: Path) -> None:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    p = d.add_paragraph("Read ")
    rid = d.part.relate_to("https://www.unesco.org/en/education", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "the UNESCO page"
    run.append(text)
    link.append(run)
    p._p.append(link)
    path = tmp_path / "link.docx"
    d.save(path)
    doc = read_docx(SourceFile(path=str(path), format="docx"), ConvertOptions(), make_context())
    spans = doc.blocks[0].inlines
    assert spans[-1].text == "the UNESCO page" and spans[-1].href == "https://www.unesco.org/en/education"


def test_docx_language_change_and_equation_text(tmp_path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    d = docx.Document()
    p = d.add_paragraph("The French word ")
    run = p.add_run("bonjour")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "fr-FR")
    run._r.get_or_add_rPr().append(lang)
    p.add_run(" means hello.")
    eq = d.add_paragraph("Solve ")
    eq._p.append(parse_xml('<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
                           "<m:r><m:t>x+2=5</m:t></m:r></m:oMath>"))
    path = tmp_path / "lang.docx"
    d.save(path)
    doc = read_docx(SourceFile(path=str(path), format="docx"), ConvertOptions(), make_context())
    spans = doc.blocks[0].inlines
    assert [(s.text, s.lang) for s in spans] == [("The French word ", None), ("bonjour", "fr-FR"),
                                                  (" means hello.", None)]
    assert "x+2=5" in doc.blocks[1].text
