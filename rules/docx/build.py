"""One generic builder for test Word files, driven by a declarative description (a fixture case's
``docx:``): document properties and a list of blocks, written with python-docx (and its lxml tree
where python-docx has no API)::

    title: Week 3 handout           # the Title property (python-docx's template has none)
    language: false                 # drop the template's w:lang (en-US) from every style
    header: Biology 101             # the text of the first section's header
    styles: {Heading 2: {color: 1F3A6E}}   # style font colour (hex) or size (pt)
    blocks:
      - {heading: Photosynthesis, level: 1}          # an empty heading is heading: ""
      - {paragraph: Plants make food from light.}    # one run of text …
      - paragraph:                                   # … or runs: text, coloured/sized text, links
          - "Read more: "
          - {link: https://example.org/reading, text: the course reading list}
          - {text: chlorophyll, color: AAAAAA, size: 6, bold: true}
        style: List Bullet                           # a paragraph style (optional)
      - {image: {alt: Diagram of a leaf, floating: true}}   # no alt key: no alt text; size: [w, h] px
      - {table: {rows: [[Need, Where from], [Water, Roots]], header: true, merge: [[1, 0], [2, 0]]}}
      - {list: [Water, Light, Air]}                  # List Bullet paragraphs
      - {repeat: 25, paragraph: "Paragraph {n}: …"}  # see rules.fixturebuild.expand
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

from rules.fixturebuild import cached_file, checked, expand, hex_colour

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
DOCUMENT_KEYS = "title language header styles blocks"
BLOCK_KEYS = {"heading": "heading level", "paragraph": "paragraph style", "list": "list", "image": "image",
              "table": "table"}
IMAGE_SIZE = (120, 80)
IMAGE_FILL = (40, 120, 60)


def build_docx(description: dict[str, Any], out: Path | None = None) -> Path:
    """The Word file ``description`` describes (built once per process; copied to ``out`` when given)."""
    return cached_file(description, ".docx", lambda path: _make(description, path), out)


def _make(d: dict[str, Any], out: Path) -> None:
    checked(d, DOCUMENT_KEYS, "Word description")
    document = docx.Document()
    if d.get("language") is False:
        for el in list(document.styles.element.iter(qn("w:lang"))):
            el.getparent().remove(el)
    if "title" in d:
        document.core_properties.title = d["title"]
    if "header" in d:
        document.sections[0].header.paragraphs[0].text = d["header"]
    for name, props in d.get("styles", {}).items():
        font = document.styles[name].font
        if "color" in props:
            font.color.rgb = RGBColor.from_string(hex_colour(props["color"]))
        if "size" in props:
            font.size = Pt(props["size"])
    for block in expand(d.get("blocks", [])):
        _block(document, block)
    document.save(str(out))


def _block(document: Any, block: dict[str, Any]) -> None:
    kind = next((k for k in BLOCK_KEYS if k in block), None)
    if kind is None:
        raise ValueError(f"unknown Word block {block}; blocks: {', '.join(BLOCK_KEYS)}")
    checked(block, BLOCK_KEYS[kind], f"Word {kind} block")
    if "heading" in block:
        document.add_heading(block["heading"], level=int(block.get("level", 1)))
    elif "paragraph" in block:
        runs = block["paragraph"]
        paragraph = document.add_paragraph(style=block.get("style"))
        for run in [runs] if isinstance(runs, str) else runs:
            _run(paragraph, run)
    elif "list" in block:
        for item in block["list"]:
            document.add_paragraph(item, style="List Bullet")
    elif "image" in block:
        _image(document, checked(block["image"] or {}, "alt floating size", "Word image"))
    else:
        _table(document, checked(block["table"], "rows header merge", "Word table"))


def _run(paragraph: Any, run: str | dict[str, Any]) -> None:
    if isinstance(run, str):
        if run:
            paragraph.add_run(run)
        return
    checked(run, "link text" if "link" in run else "text color size bold", "Word run")
    if "link" in run:
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), paragraph.part.relate_to(run["link"], RT.HYPERLINK, is_external=True))
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = run["text"]
        r.append(t)
        link.append(r)
        paragraph._p.append(link)
        return
    added = paragraph.add_run(run["text"])
    if "color" in run:
        added.font.color.rgb = RGBColor.from_string(hex_colour(run["color"]))
    if "size" in run:
        added.font.size = Pt(run["size"])
    if "bold" in run:
        added.font.bold = bool(run["bold"])


def _image(document: Any, spec: dict[str, Any]) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", tuple(spec.get("size", IMAGE_SIZE)), IMAGE_FILL).save(buf, "PNG")
    buf.seek(0)
    picture = document.add_picture(buf)
    if "alt" in spec:
        picture._inline.docPr.set("descr", spec["alt"])
    if spec.get("floating"):
        _float(picture._inline)


def _float(inline: Any) -> None:
    """Turn an inline picture into an anchored (floating, square-wrapped) one."""
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


def _table(document: Any, spec: dict[str, Any]) -> None:
    rows = spec["rows"]
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = str(value)
    if spec.get("header"):
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for (r1, c1), (r2, c2) in [spec["merge"]] if "merge" in spec else []:
        table.cell(r1, c1).merge(table.cell(r2, c2))
