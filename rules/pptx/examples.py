"""Generated pass/fail example .pptx files for every PowerPoint rule (test data, built at test time).

``build_pptx(out, **faults)`` writes a three-slide lesson with python-pptx that passes every
PowerPoint rule; each keyword turns on exactly one fault. ``CASES[rule_id] = {"pass": [names],
"fail": [names]}`` names entries of ``VARIANTS``.
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

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
WEBVTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nA leaf turns towards the light.\n"


def png(width: int = 160, height: int = 100) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 60)).save(buf, "PNG")
    buf.seek(0)
    return buf


def _strip_lang(prs: Any) -> None:
    parts = [prs.part, *(s.part for s in prs.slides), *(layout.part for layout in prs.slide_layouts),
             *(m.part for m in prs.slide_masters)]
    for part in parts:
        for el in part._element.iter(f"{{{A}}}rPr", f"{{{A}}}defRPr", f"{{{A}}}endParaRPr"):
            el.attrib.pop("lang", None)


def _dark_master(prs: Any) -> None:
    c_sld = prs.slide_master._element.find(f"{{{P}}}cSld")
    for old in c_sld.findall(f"{{{P}}}bg"):
        c_sld.remove(old)
    bg = etree.fromstring(f'<p:bg xmlns:p="{P}" xmlns:a="{A}"><p:bgPr><a:solidFill><a:srgbClr val="1F1F1F"/>'
                          '</a:solidFill><a:effectLst/></p:bgPr></p:bg>')
    c_sld.insert(0, bg)


def _textbox(slide: Any, top: float, text: str, *, color: RGBColor | None = None, link: str | None = None,
             fill: RGBColor | None = None) -> Any:
    box = slide.shapes.add_textbox(Pt(40), Pt(top), Pt(600), Pt(40))
    if fill is not None:
        box.fill.solid()
        box.fill.fore_color.rgb = fill
    run = box.text_frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(20)
    if color is not None:
        run.font.color.rgb = color
    if link:
        run.hyperlink.address = link
    return box


def build_pptx(out: Path, **faults: Any) -> Path:
    f = faults.get
    prs = pptx.Presentation()
    prs.core_properties.title = "Photosynthesis"
    s1 = prs.slides.add_slide(prs.slide_layouts[0])
    s1.shapes.title.text = "Photosynthesis"
    s1.placeholders[1].text = "Biology 101, week 3"

    layout = prs.slide_layouts[6] if f("no_title") else prs.slide_layouts[5]      # blank / title only
    s2 = prs.slides.add_slide(layout)
    if not f("no_title"):
        s2.shapes.title.text = "What plants need"
    if f("reading_order"):          # drawn bottom-first: the link is read before the picture
        _textbox(s2, 460, "See the course reading list.", link="https://example.org/reading")
    pic = s2.shapes.add_picture(png(), Pt(40), Pt(130), Pt(160), Pt(100))
    alt = f("alt", "Diagram of a leaf taking in light, water and air")
    pic._element.nvPicPr.cNvPr.set("descr", alt or "")
    if f("filename_alt"):
        pic._element.nvPicPr.cNvPr.set("descr", "leaf.png")
    table = s2.shapes.add_table(3, 2, Pt(260), Pt(130), Pt(300), Pt(100)).table
    for r, row in enumerate([("Need", "Where from"), ("Water", "Roots"), ("Light", "Sun")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.first_row = not f("no_table_header")
    if f("low_contrast"):
        _textbox(s2, 400, "Exam on Friday", color=RGBColor(0xFF, 0xFF, 0xFF), fill=RGBColor(0xFF, 0xE0, 0x80))
    else:
        _textbox(s2, 400, "Exam on Friday", color=RGBColor(0xFF, 0xFF, 0xFF), fill=RGBColor(0x1F, 0x3A, 0x6E))
    if not f("reading_order"):
        link_text = f("link_text", "See the course reading list.")
        _textbox(s2, 460, link_text, link="https://example.org/reading")

    s3 = prs.slides.add_slide(prs.slide_layouts[5])
    s3.shapes.title.text = "What plants need" if f("duplicate_title") else "A leaf at work"
    if f("media"):
        clip = io.BytesIO(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64))
        movie = s3.shapes.add_movie(clip, Pt(40), Pt(130), Pt(320), Pt(180), poster_frame_image=png(),
                                    mime_type="video/mp4")
        movie._element.nvPicPr.cNvPr.set("descr", "Time-lapse of a leaf turning towards light")
        if f("captions"):
            part = Part(PackURI("/ppt/media/captions1.vtt"), "text/vtt", s3.part.package, WEBVTT)
            s3.part.relate_to(part, RT.MEDIA)
    if f("dark_master"):            # a dark design: the master's background, not the slide's
        _dark_master(prs)
        _textbox(s3, 400, "Observe the leaf each day.",
                 color=RGBColor(0x33, 0x33, 0x33) if f("dark_text") else RGBColor(0xFF, 0xFF, 0xFF))
    if f("no_language"):
        _strip_lang(prs)
    prs.save(str(out))
    return out


VARIANTS: dict[str, dict[str, Any]] = {
    "good": {},
    "no-title": {"no_title": True},
    "duplicate-title": {"duplicate_title": True},
    "reading-order": {"reading_order": True},
    "no-alt": {"alt": None},
    "filename-alt": {"filename_alt": True},
    "no-table-header": {"no_table_header": True},
    "raw-url-link": {"link_text": "https://example.org/reading"},
    "click-here-link": {"link_text": "Click here"},
    "no-language": {"no_language": True},
    "media-captions": {"media": True, "captions": True},
    "media-no-captions": {"media": True},
    "low-contrast": {"low_contrast": True},
    "dark-master-light-text": {"dark_master": True},
    "dark-master-dark-text": {"dark_master": True, "dark_text": True},
}

CASES: dict[str, dict[str, list[str]]] = {
    "pptx-slide-title": {"pass": ["good"], "fail": ["no-title"]},
    "pptx-duplicate-title": {"pass": ["good"], "fail": ["duplicate-title"]},
    "pptx-reading-order": {"pass": ["good"], "fail": ["reading-order"]},
    "pptx-alt-text": {"pass": ["good"], "fail": ["no-alt", "filename-alt"]},
    "pptx-table-header": {"pass": ["good"], "fail": ["no-table-header"]},
    "pptx-link-text": {"pass": ["good"], "fail": ["raw-url-link", "click-here-link"]},
    "pptx-language": {"pass": ["good"], "fail": ["no-language"]},
    "pptx-media-captions": {"pass": ["media-captions"], "fail": ["media-no-captions"]},
    "pptx-contrast": {"pass": ["good", "dark-master-light-text"],
                      "fail": ["low-contrast", "dark-master-dark-text"]},
}


class Examples:
    """Builds example files into ``workdir`` on demand and caches them."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        out = self.dir / f"{name}.pptx"
        if not out.exists():
            build_pptx(out, **VARIANTS[name])
        return out


__all__ = ["CASES", "VARIANTS", "Examples", "build_pptx"]
