"""Reader behaviour on small made inputs: alt texts that only name a file, SVG, sup/sub, navigation."""

from __future__ import annotations

import io
from pathlib import Path

from access.document import Figure, Paragraph, Span
from access.models import ConvertOptions, SourceFile
from access.services import make_context
from converters.readers.docx import read_docx
from converters.readers.html import parse_html
from converters.readers.markdown import render_markdown


def test_file_name_alt_texts_count_as_missing(tmp_path: Path) -> None:
    import docx
    import pymupdf

    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 30), 0)
    pix.clear_with(120)
    d = docx.Document()
    d.add_paragraph("Three pictures.")
    for alt in ("C:\\Users\\ann\\Pictures\\pic.jpg", "A heron standing in a river", "Picture 3"):
        d.add_picture(io.BytesIO(pix.tobytes("png")))
        d.inline_shapes[-1]._inline.docPr.set("descr", alt)
    path = tmp_path / "pictures.docx"
    d.save(path)
    doc = read_docx(SourceFile(path=str(path), format="docx"), ConvertOptions(), make_context())
    assert [f.alt for f in doc.figures()] == [None, "A heron standing in a river", None]
    assert any("2 image description(s) only named a file" in w for w in doc.warnings)


def test_html_svg_sup_sub_and_navigation() -> None:
    doc = parse_html("<body><div class='navheader'><a href='p.html'>Previous</a></div><p>E=mc<sup>2</sup>, "
                     "H<sub>2</sub>O</p><figure><svg viewBox='0 0 9 9' onload='x()'><title>A red dot</title>"
                     "<script>alert(1)</script><circle r='4'/></svg></figure></body>")
    para = next(b for b in doc.blocks if isinstance(b, Paragraph))
    assert [(i.text, i.position) for i in para.inlines if isinstance(i, Span)] == [
        ("E=mc", None), ("2", "super"), (", H", None), ("2", "sub"), ("O", None)]
    svg = next(b for b in doc.blocks if isinstance(b, Figure))
    assert svg.media_type == "image/svg+xml" and svg.alt == "A red dot"
    assert svg.image and b"script" not in svg.image and b"onload" not in svg.image and b"viewBox" in svg.image
    assert "Previous" not in doc.plain_text()


def test_markdown_rendered_with_source_lines_and_front_matter() -> None:
    out = render_markdown("---\ntitle: Cells\nlang: de\n---\n\n# Zellen\n\n::: callout\nAchtung\n:::\n\n"
                          "![](cell.png){alt=\"Eine runde Zelle\"}\n")
    assert out.front_matter == {"title": "Cells", "lang": "de"}
    assert '<h1 data-source-line="6">Zellen</h1>' in out.html
    assert '<div class="callout" data-source-line="8">' in out.html
    assert 'alt="Eine runde Zelle"' in out.html
