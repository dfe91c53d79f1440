"""Generated inputs for the conversion-core tests, built once per session with real engines:
pymupdf (untagged, two-column, table and scanned PDFs), headless Chromium print-to-PDF (tagged PDF),
python-docx and python-pptx."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

LESSON_HTML = """
<h1>Photosynthesis</h1>
<p>Plants make their own food. This process is called photosynthesis and it happens in the leaves,
where light is captured by chlorophyll in the chloroplasts of every cell.</p>
<h2>What plants need</h2>
<ul><li>Light from the sun</li><li>Water from the soil</li><li>Carbon dioxide from the air</li></ul>
<p>The products are sugar and oxygen. The sugar feeds the plant and the oxygen is released.</p>
<h2>Steps of the process</h2>
<ol><li>Light is absorbed</li><li>Water is split</li><li>Sugar is built</li></ol>
"""


def png(width: int = 60, height: int = 40, grey: int = 150) -> bytes:
    import pymupdf

    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, width, height), 0)
    pix.clear_with(grey)
    return pix.tobytes("png")


def story_pdf(path: Path, html: str, *, columns: int = 1) -> Path:
    import pymupdf

    story = pymupdf.Story(html=html)
    writer = pymupdf.DocumentWriter(str(path))
    page = pymupdf.paper_rect("a4")
    if columns == 1:
        rects = [pymupdf.Rect(50, 60, page.width - 50, page.height - 60)]
    else:
        mid = page.width / 2
        rects = [pymupdf.Rect(50, 60, mid - 15, page.height - 60), pymupdf.Rect(mid + 15, 60, page.width - 50,
                                                                                   page.height - 60)]
    more = 1
    while more:
        dev = writer.begin_page(page)
        for rect in rects:
            more, _ = story.place(rect)
            story.draw(dev)
            if not more:
                break
        writer.end_page()
    writer.close()
    return path


@pytest.fixture(scope="session")
def fixtures_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("convert-fixtures")


@pytest.fixture(scope="session")
def untagged_pdf(fixtures_dir: Path) -> Path:
    return story_pdf(fixtures_dir / "lesson.pdf", LESSON_HTML * 2)


@pytest.fixture(scope="session")
def two_column_pdf(fixtures_dir: Path) -> Path:
    left = "".join(f"<p>Left column sentence number {i} explains the first idea in detail.</p>" for i in range(12))
    right = "".join(f"<p>Right column sentence number {i} explains the second idea.</p>" for i in range(12))
    return story_pdf(fixtures_dir / "columns.pdf", f"<h1>Two columns</h1>{left}{right}", columns=2)


@pytest.fixture(scope="session")
def table_pdf(fixtures_dir: Path) -> Path:
    """A ruled table drawn with lines, as word processors draw them."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Results", fontsize=20, fontname="hebo")
    rows = [["Plant", "Height"], ["Bean", "12 cm"], ["Pea", "9 cm"]]
    x = [72, 222, 372]
    y0 = 100
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            page.insert_text((x[c] + 5, y0 + 20 * r + 14), text, fontsize=11, fontname="hebo" if r == 0 else "helv")
    for r in range(len(rows) + 1):
        page.draw_line((72, y0 + 20 * r), (372, y0 + 20 * r))
    for cx in x:
        page.draw_line((cx, y0), (cx, y0 + 20 * len(rows)))
    path = fixtures_dir / "table.pdf"
    doc.save(path)
    return path


@pytest.fixture(scope="session")
def scanned_pdf(fixtures_dir: Path, untagged_pdf: Path) -> Path:
    """The first page of the lesson as a 200 dpi image in a PDF: no text layer at all."""
    import pymupdf

    src = pymupdf.open(untagged_pdf)
    out = pymupdf.open()
    pix = src[0].get_pixmap(dpi=200)
    page = out.new_page(width=src[0].rect.width, height=src[0].rect.height)
    page.insert_image(page.rect, stream=pix.tobytes("png"))
    path = fixtures_dir / "scanned.pdf"
    out.save(path)
    return path


@pytest.fixture(scope="session")
def tagged_pdf(fixtures_dir: Path) -> Path:
    """Headless Chromium's print-to-PDF writes a tagged PDF (structure tree, Figure /Alt)."""
    import base64

    chromium = shutil.which("chromium")
    assert chromium, "Debian chromium is required for the tagged PDF fixture"
    img = base64.b64encode(png()).decode()
    html = (f'<html lang="en"><head><title>Leaves</title></head><body>{LESSON_HTML}'
            "<table><caption>Inputs and outputs</caption><thead><tr><th>Input</th><th>Output</th></tr></thead>"
            "<tbody><tr><td>Water</td><td>Oxygen</td></tr></tbody></table>"
            f'<figure><img src="data:image/png;base64,{img}" alt="A green leaf in sunlight" width="120" '
            'height="80"><figcaption>Figure 1. A leaf</figcaption></figure>'
            "</body></html>")
    src = fixtures_dir / "tagged.html"
    src.write_text(html, encoding="utf-8")
    out = fixtures_dir / "tagged.pdf"
    profile = fixtures_dir / "chromium-profile"
    subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
                    "--no-pdf-header-footer", f"--print-to-pdf={out}", src.as_uri()],
                   check=True, capture_output=True, timeout=120)
    return out


@pytest.fixture(scope="session")
def lesson_docx(fixtures_dir: Path) -> Path:
    import docx
    from docx.shared import Inches

    d = docx.Document()
    d.core_properties.title = "Cells"
    d.add_heading("Cells", 1)
    p = d.add_paragraph("All living things are made of ")
    p.add_run("cells").bold = True
    p.add_run(".")
    d.add_heading("Parts of a cell", 2)
    d.add_paragraph("Nucleus", style="List Bullet")
    d.add_paragraph("Membrane", style="List Bullet")
    d.add_paragraph("Look at the slide", style="List Number")
    d.add_paragraph("Draw the cell", style="List Number")
    t = d.add_table(rows=3, cols=2)
    for r, row in enumerate([["Part", "Role"], ["Nucleus", "Control"], ["Membrane", "Boundary"]]):
        for c, text in enumerate(row):
            t.rows[r].cells[c].text = text
    t.rows[0]._tr.get_or_add_trPr().append(_tbl_header())
    d.add_picture(io.BytesIO(png()), width=Inches(1))
    shape = d.inline_shapes[0]
    shape._inline.docPr.set("descr", "A round cell with a dark nucleus")
    d.add_picture(io.BytesIO(png(grey=90)), width=Inches(1))     # no alt text: must stay missing
    path = fixtures_dir / "cells.docx"
    d.save(path)
    return path


def _tbl_header():  # type: ignore[no-untyped-def]
    from docx.oxml import OxmlElement

    return OxmlElement("w:tblHeader")


@pytest.fixture(scope="session")
def lesson_pptx(fixtures_dir: Path) -> Path:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    s = prs.slides.add_slide(prs.slide_layouts[1])
    s.shapes.title.text = "Water cycle"
    tf = s.placeholders[1].text_frame
    tf.text = "Evaporation"
    tf.add_paragraph().text = "Condensation"
    sub = tf.add_paragraph()
    sub.text = "Clouds form"
    sub.level = 1
    s.notes_slide.notes_text_frame.text = "Ask the class where rain comes from."
    s2 = prs.slides.add_slide(prs.slide_layouts[5])
    s2.shapes.title.text = "A diagram"
    pic = s2.shapes.add_picture(io.BytesIO(png()), Inches(1), Inches(2))
    pic._element.xpath("./*[1]/p:cNvPr")[0].set("descr", "Arrows from sea to cloud to rain")
    path = fixtures_dir / "water.pptx"
    prs.save(path)
    return path


@pytest.fixture(scope="session")
def png_bytes() -> bytes:
    return png()
