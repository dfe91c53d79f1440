"""Generated pass/fail example .docx files for every Word rule (test data, built at test time).

``build_docx(out, **faults)`` writes a small course handout with python-docx that passes every
Word rule; each keyword turns on exactly one fault (a picture without alt text, a skipped heading
level, a table without a header row ...), editing python-docx's lxml tree where python-docx has no
API. ``CASES[rule_id] = {"pass": [names], "fail": [names]}`` names entries of ``VARIANTS``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from lxml import etree
from PIL import Image

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def png(width: int = 120, height: int = 80) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 60)).save(buf, "PNG")
    buf.seek(0)
    return buf


def add_link(paragraph: Any, text: str, url: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def set_header_row(table: Any) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def make_floating(inline_shape: Any) -> None:
    """Turn an inline picture into an anchored (floating, square-wrapped) one."""
    inline = inline_shape._inline
    anchor = etree.SubElement(inline.getparent(), f"{{{WP}}}anchor")
    for k, v in {"distT": "0", "distB": "0", "distL": "114300", "distR": "114300", "simplePos": "0",
                 "relativeHeight": "1", "behindDoc": "0", "locked": "0", "layoutInCell": "1",
                 "allowOverlap": "1"}.items():
        anchor.set(k, v)
    etree.SubElement(anchor, f"{{{WP}}}simplePos", x="0", y="0")
    for axis, rel in (("positionH", "column"), ("positionV", "paragraph")):
        pos = etree.SubElement(anchor, f"{{{WP}}}{axis}", relativeFrom=rel)
        etree.SubElement(pos, f"{{{WP}}}posOffset").text = "0"
    for child in list(inline):
        if etree.QName(child).localname == "docPr":
            etree.SubElement(anchor, f"{{{WP}}}wrapSquare", wrapText="bothSides")
        anchor.append(child)
    inline.getparent().remove(inline)


def _strip_lang(document: Any) -> None:
    for el in list(document.styles.element.iter(qn("w:lang"))):
        el.getparent().remove(el)


def build_docx(out: Path, **faults: Any) -> Path:
    f = faults.get
    d = docx.Document()
    if not f("no_language"):
        d.styles["Normal"].element.get_or_add_rPr()   # template default keeps w:lang en-US
    else:
        _strip_lang(d)
    d.core_properties.title = "" if f("no_title") else "Week 3 handout: Photosynthesis"
    header = d.sections[0].header.paragraphs[0]
    header.text = ("Biology 101 — " + "Remember to bring your lab coat, goggles and signed safety "
                   "form to every practical session or you will not be admitted to the lab. " * 2) \
        if f("long_header") else "Biology 101"
    for level in (1, 2, 3):       # the template's blue headings fail contrast: use a darker blue
        d.styles[f"Heading {level}"].font.color.rgb = RGBColor(0x1F, 0x3A, 0x6E)
    if f("heading_empty"):
        d.add_heading("", level=1)
    if f("no_headings") or f("long"):
        if f("no_headings"):
            d.add_paragraph("Photosynthesis")
        for i in range(25):
            d.add_paragraph(f"Paragraph {i + 1}: plants use light to turn water and air into sugar and "
                            "oxygen, which they use to grow.")
    if not f("no_headings"):
        d.add_heading("Photosynthesis", level=1)
    d.add_paragraph("Plants make food from light, water and air. This handout explains how.")
    if not f("no_headings"):
        d.add_heading("What plants need", level=3 if f("skip_heading") else 2)
    pic = d.add_picture(png())
    shape_alt = f("alt", "Diagram of a leaf taking in light, water and air")
    if shape_alt is not None:
        pic._inline.docPr.set("descr", shape_alt)
    if f("floating"):
        make_floating(pic)
    rows = [("Need", "Where from"), ("Water", "Roots"), ("Light", "Sun")]
    if f("layout_table"):
        rows = [("Name: ____", "Date: ____")]
    table = d.add_table(rows=len(rows), cols=2)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if not f("no_table_header") and not f("layout_table"):
        set_header_row(table)
    if f("merged"):
        table.cell(1, 0).merge(table.cell(2, 0))
    for item in ("Water", "Light", "Air"):
        if f("typed_list"):
            d.add_paragraph(f"- {item}")
        else:
            d.add_paragraph(item, style="List Bullet")
    if f("blank_paragraphs"):
        for _ in range(4):
            d.add_paragraph("")
    if f("spaces"):
        d.add_paragraph("Name:          Date:          Group:")
    p = d.add_paragraph("Read more: ")
    add_link(p, f("link_text", "the course reading list"), "https://example.org/reading")
    p = d.add_paragraph()
    run = p.add_run("Key term: chlorophyll is the green pigment that catches light.")
    run.font.color.rgb = RGBColor(0xAA, 0xAA, 0xAA) if f("low_contrast") else RGBColor(0x1F, 0x3A, 0x6E)
    note = d.add_paragraph().add_run("Source: school science textbook, chapter 4.")
    note.font.size = Pt(6 if f("small_font") else 10)
    d.save(str(out))
    return out


VARIANTS: dict[str, dict[str, Any]] = {
    "good": {},
    "no-alt": {"alt": None},
    "filename-alt": {"alt": "IMG_2041.png"},
    "floating": {"floating": True},
    "text-image": {"alt": "Screenshot of the assignment instructions text"},
    "no-title": {"no_title": True},
    "no-language": {"no_language": True},
    "long-header": {"long_header": True},
    "skip-heading": {"skip_heading": True},
    "no-headings": {"no_headings": True},
    "long": {"long": True},
    "heading-empty": {"heading_empty": True},
    "no-table-header": {"no_table_header": True},
    "merged": {"merged": True},
    "layout-table": {"layout_table": True},
    "raw-url-link": {"link_text": "https://example.org/reading"},
    "click-here-link": {"link_text": "click here"},
    "typed-list": {"typed_list": True},
    "blank-paragraphs": {"blank_paragraphs": True},
    "spaces": {"spaces": True},
    "low-contrast": {"low_contrast": True},
    "small-font": {"small_font": True},
}

CASES: dict[str, dict[str, list[str]]] = {
    "docx-image-alt": {"pass": ["good"], "fail": ["no-alt", "filename-alt"]},
    "docx-floating-object": {"pass": ["good"], "fail": ["floating"]},
    "docx-image-of-text": {"pass": ["good"], "fail": ["text-image"]},
    "docx-title": {"pass": ["good"], "fail": ["no-title"]},
    "docx-language": {"pass": ["good"], "fail": ["no-language"]},
    "docx-header-footer-content": {"pass": ["good"], "fail": ["long-header"]},
    "docx-heading-order": {"pass": ["good"], "fail": ["skip-heading"]},
    "docx-headings-present": {"pass": ["long"], "fail": ["no-headings"]},
    "docx-heading-empty": {"pass": ["good"], "fail": ["heading-empty"]},
    "docx-table-header": {"pass": ["good"], "fail": ["no-table-header"]},
    "docx-table-merged": {"pass": ["good"], "fail": ["merged"]},
    "docx-table-layout": {"pass": ["good"], "fail": ["layout-table"]},
    "docx-link-text": {"pass": ["good"], "fail": ["raw-url-link", "click-here-link"]},
    "docx-typed-list": {"pass": ["good"], "fail": ["typed-list"]},
    "docx-blank-layout": {"pass": ["good"], "fail": ["blank-paragraphs", "spaces"]},
    "docx-contrast": {"pass": ["good"], "fail": ["low-contrast"]},
    "docx-small-font": {"pass": ["good"], "fail": ["small-font"]},
}


class Examples:
    """Builds example files into ``workdir`` on demand and caches them."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        out = self.dir / f"{name}.docx"
        if not out.exists():
            build_docx(out, **VARIANTS[name])
        return out
