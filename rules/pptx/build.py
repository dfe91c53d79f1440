"""One generic builder for test PowerPoint files, driven by a declarative description (a fixture
case's ``pptx:``): presentation properties and slides with shapes, written with python-pptx (and its
lxml tree where python-pptx has no API)::

    title: Photosynthesis            # the Title property
    language: false                  # drop every lang attribute (python-pptx's template says en-US)
    master: {background: 1F1F1F}     # a plain background colour on the slide master
    slides:
      - layout: Title Slide          # a layout of python-pptx's template, by name (Title Only, Blank …)
        title: Photosynthesis        # the title placeholder's text
        subtitle: Biology 101        # the second placeholder's text
        notes: Transcript below      # the speaker notes
        shapes:                      # in reading order; boxes are [left, top, width, height] in points
          - {picture: {alt: Diagram of a leaf, box: [40, 130, 160, 100]}}   # no alt: empty alt text
          - {table: {rows: [[Need, Where from], [Water, Roots]], header: true, box: [260, 130, 300, 100]}}
          - {text: Exam on Friday, color: FFFFFF, fill: 1F3A6E, size: 20, box: [40, 400, 600, 40]}
          - {text: Reading list, link: "https://example.org/reading", box: [40, 460, 600, 40]}
          - {video: {alt: Time-lapse of a leaf, captions: true, box: [40, 130, 320, 180]}}

Text boxes are 20 pt unless ``size`` says otherwise; colours are hex.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pptx
from lxml import etree
from PIL import Image
from pptx.dml.color import RGBColor
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.util import Pt

from rules.fixturebuild import cached_file, checked, expand, hex_colour

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
DOCUMENT_KEYS = "title language master slides"
SLIDE_KEYS = "layout title subtitle notes shapes"
SHAPE_KEYS = {"picture": "alt box", "table": "rows header box", "video": "alt captions box"}
TEXT_KEYS = "text color fill size box link"
IMAGE_SIZE = (160, 100)
IMAGE_FILL = (40, 120, 60)
TEXT_PT = 20
# a few bytes with an MP4 header: enough for PowerPoint's media part, no real video needed
CLIP = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64)
WEBVTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nA leaf turns towards the light.\n"


def build_pptx(description: dict[str, Any], out: Path | None = None) -> Path:
    """The presentation ``description`` describes (built once per process; copied to ``out`` when given)."""
    return cached_file(description, ".pptx", lambda path: _make(description, path), out)


def _make(d: dict[str, Any], out: Path) -> None:
    checked(d, DOCUMENT_KEYS, "PowerPoint description")
    prs = pptx.Presentation()
    if "title" in d:
        prs.core_properties.title = d["title"]
    for spec in expand(d.get("slides", [])):
        checked(spec, SLIDE_KEYS, "slide")
        slide = prs.slides.add_slide(prs.slide_layouts.get_by_name(spec.get("layout", "Title Only")))
        if "title" in spec:
            slide.shapes.title.text = spec["title"]
        if "subtitle" in spec:
            slide.placeholders[1].text = spec["subtitle"]
        if "notes" in spec:
            slide.notes_slide.notes_text_frame.text = spec["notes"]
        for shape in spec.get("shapes", []):
            _shape(slide, shape)
    if "master" in d:
        _master_background(prs, d["master"]["background"])
    if d.get("language") is False:
        parts = [prs.part, *(s.part for s in prs.slides), *(layout.part for layout in prs.slide_layouts),
                 *(m.part for m in prs.slide_masters)]
        for part in parts:
            for el in part._element.iter(f"{{{A}}}rPr", f"{{{A}}}defRPr", f"{{{A}}}endParaRPr"):
                el.attrib.pop("lang", None)
    prs.save(str(out))


def _png() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", IMAGE_SIZE, IMAGE_FILL).save(buf, "PNG")
    buf.seek(0)
    return buf


def _shape(slide: Any, spec: dict[str, Any]) -> None:
    kind = next((k for k in SHAPE_KEYS if k in spec), None)
    if kind is not None:
        checked(spec, kind, "shape")
        checked(spec[kind], SHAPE_KEYS[kind], kind)
    elif "text" in spec:
        checked(spec, TEXT_KEYS, "text box")
    if "picture" in spec:
        pic = spec["picture"]
        shape = slide.shapes.add_picture(_png(), *map(Pt, pic["box"]))
        shape._element.nvPicPr.cNvPr.set("descr", pic.get("alt", ""))
    elif "table" in spec:
        rows = spec["table"]["rows"]
        table = slide.shapes.add_table(len(rows), max(map(len, rows)), *map(Pt, spec["table"]["box"])).table
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = str(value)
        table.first_row = bool(spec["table"].get("header"))
    elif "video" in spec:
        video = spec["video"]
        movie = slide.shapes.add_movie(io.BytesIO(CLIP), *map(Pt, video["box"]), poster_frame_image=_png(),
                                       mime_type="video/mp4")
        movie._element.nvPicPr.cNvPr.set("descr", video.get("alt", ""))
        if video.get("captions"):
            captions = Part(PackURI("/ppt/media/captions1.vtt"), "text/vtt", slide.part.package, WEBVTT)
            slide.part.relate_to(captions, RT.MEDIA)
    elif "text" in spec:
        box = slide.shapes.add_textbox(*map(Pt, spec["box"]))
        if "fill" in spec:
            box.fill.solid()
            box.fill.fore_color.rgb = RGBColor.from_string(hex_colour(spec["fill"]))
        run = box.text_frame.paragraphs[0].add_run()
        run.text = spec["text"]
        run.font.size = Pt(spec.get("size", TEXT_PT))
        if "color" in spec:
            run.font.color.rgb = RGBColor.from_string(hex_colour(spec["color"]))
        if "link" in spec:
            run.hyperlink.address = spec["link"]
    else:
        raise ValueError(f"unknown PowerPoint shape {spec}")


def _master_background(prs: Any, colour: str) -> None:
    c_sld = prs.slide_master._element.find(f"{{{P}}}cSld")
    for old in c_sld.findall(f"{{{P}}}bg"):
        c_sld.remove(old)
    c_sld.insert(0, etree.fromstring(
        f'<p:bg xmlns:p="{P}" xmlns:a="{A}"><p:bgPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'
        '<a:effectLst/></p:bgPr></p:bg>'))
