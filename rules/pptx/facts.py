"""Everything the PowerPoint rules ask about a .pptx, gathered slide by slide with python-pptx.

``inspect_pptx(path)`` opens the file (damaged → InvalidDocument, more slides than the limit →
LimitExceeded) and records, per slide, the title and every shape in reading order (the order of
the slide's shape tree, which is what PowerPoint's Reading Order pane shows and screen readers
follow) with its kind, alt text, position, text runs (colour and what lies behind them), links,
and media.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pptx
from lxml import etree
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

from access.errors import LimitExceeded
from access.models import Location
from rules.office import open_office, reading
from rules.textmetrics import Rgb, hex_to_rgb

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
}
TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
X_SOLID_RGB = etree.XPath("./a:solidFill/a:srgbClr/@val", namespaces=NS)
X_LANG = etree.XPath(".//a:rPr/@lang|.//a:defRPr/@lang|.//a:endParaRPr/@lang", namespaces=NS)
CAPTION_SUFFIXES = (".vtt", ".srt", ".ttml", ".dfxp")


@dataclass
class Run:
    text: str
    color: Rgb | None
    size: float | None
    bold: bool


@dataclass
class ShapeFacts:
    id: int
    name: str
    kind: str                     # picture, chart, group, table, smartart, media, text, shape, placeholder
    alt: str
    decorative: bool
    box: tuple[float, float, float, float] | None     # left, top, width, height in points
    is_title: bool = False
    text: str = ""
    runs: list[Run] = field(default_factory=list)
    fill: Rgb | None = None
    links: list[tuple[str, str]] = field(default_factory=list)   # (text, address)
    table_header: bool | None = None
    media: str | None = None       # video | audio

    def where(self, slide: int) -> Location:
        return Location(slide=slide, shape=f"{self.name} (id {self.id})",
                        excerpt=(self.text[:80] or self.alt[:80] or None))


@dataclass
class SlideFacts:
    number: int
    title: str | None
    has_title_placeholder: bool
    shapes: list[ShapeFacts]
    background: Rgb
    background_known: bool = True
    caption_files: int = 0
    notes: str = ""


@dataclass
class PptxFacts:
    path: str
    slides: list[SlideFacts] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    title: str | None = None
    engine_versions: dict[str, str] = field(default_factory=dict)


def _pt(v: int | None) -> float | None:
    return None if v is None else round(Emu(v).pt, 1)


def _alt(shape: pptx.shapes.base.BaseShape) -> tuple[str, bool]:
    cnv = shape._element.find(".//p:cNvPr", NS)
    if cnv is None:
        return "", False
    alt = (cnv.get("descr") or "").strip() or (cnv.get("title") or "").strip()
    decorative = any(e.get("val") in ("1", "true") for e in cnv.iter(f"{{{NS['adec']}}}decorative"))
    return alt, decorative


def _kind(shape: pptx.shapes.base.BaseShape) -> str:
    st = shape.shape_type
    if st == MSO_SHAPE_TYPE.PICTURE or (shape.is_placeholder and shape._element.tag.endswith("}pic")):
        return "picture"
    if st == MSO_SHAPE_TYPE.GROUP:
        return "group"
    if st == MSO_SHAPE_TYPE.MEDIA:
        return "media"
    if getattr(shape, "has_chart", False) and shape.has_chart:
        return "chart"
    if getattr(shape, "has_table", False) and shape.has_table:
        return "table"
    if shape._element.tag.endswith("}graphicFrame"):
        uri = shape._element.find(".//a:graphicData", NS)
        if uri is not None and uri.get("uri", "").endswith("/diagram"):
            return "smartart"
        return "object"
    if shape.is_placeholder:
        return "placeholder"
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame and shape.text_frame.text.strip():
        return "text"
    return "shape"


def _fill(shape: pptx.shapes.base.BaseShape) -> Rgb | None:
    sppr = shape._element.find("./p:spPr", NS)
    if sppr is None:
        return None
    vals = X_SOLID_RGB(sppr)
    return hex_to_rgb(vals[0]) if vals else None


def _runs(shape: pptx.shapes.base.BaseShape, facts: ShapeFacts) -> None:
    if not (getattr(shape, "has_text_frame", False) and shape.has_text_frame):
        return
    facts.text = shape.text_frame.text.strip()
    for para in shape.text_frame.paragraphs:
        for run in para.runs:
            if not run.text.strip():
                continue
            rpr = run._r.find("./a:rPr", NS)
            color = None
            if rpr is not None:
                vals = X_SOLID_RGB(rpr)
                color = hex_to_rgb(vals[0]) if vals else None
            size = run.font.size.pt if run.font.size is not None else None
            facts.runs.append(Run(text=run.text, color=color, size=size, bold=bool(run.font.bold)))
            if run.hyperlink is not None and run.hyperlink.address:
                facts.links.append((run.text, run.hyperlink.address))


def _shape(shape: pptx.shapes.base.BaseShape) -> ShapeFacts:
    alt, decorative = _alt(shape)
    box = None
    if shape.left is not None and shape.top is not None:
        box = (_pt(shape.left) or 0.0, _pt(shape.top) or 0.0, _pt(shape.width) or 0.0, _pt(shape.height) or 0.0)
    is_title = shape.is_placeholder and shape.placeholder_format.type in TITLE_TYPES
    sf = ShapeFacts(id=shape.shape_id, name=shape.name, kind=_kind(shape), alt=alt, decorative=decorative,
                    box=box, is_title=is_title, fill=_fill(shape))
    _runs(shape, sf)
    if sf.kind == "table":
        sf.table_header = bool(shape.table.first_row)
    if sf.kind in ("media", "picture"):
        nvpr = shape._element.find(".//p:nvPr", NS)
        if nvpr is not None:
            if nvpr.find("./a:videoFile", NS) is not None:
                sf.media, sf.kind = "video", "media"
            elif nvpr.find("./a:audioFile", NS) is not None:
                sf.media, sf.kind = "audio", "media"
    return sf


SCHEME_ALIASES = {"bg1": "lt1", "bg2": "lt2", "tx1": "dk1", "tx2": "dk2"}


def theme_colors(master: pptx.slide.SlideMaster) -> dict[str, Rgb]:
    """The master's theme colour scheme: dk1, lt1, dk2, lt2, accent1-6, hlink → RGB."""
    try:
        theme = master.part.part_related_by(RT.THEME)
    except KeyError:
        return {}
    root = etree.fromstring(theme.blob)
    scheme = root.find(".//a:clrScheme", NS)
    out: dict[str, Rgb] = {}
    for child in scheme if scheme is not None else []:
        name = etree.QName(child).localname
        for c in child:
            value = c.get("val") if etree.QName(c).localname == "srgbClr" else c.get("lastClr")
            rgb = hex_to_rgb(value or "")
            if rgb:
                out[name] = rgb
    return out


def _colour(el: etree._Element, theme: dict[str, Rgb]) -> Rgb | None:
    local = etree.QName(el).localname
    if local == "srgbClr":
        return hex_to_rgb(el.get("val") or "")
    if local == "schemeClr":
        val = el.get("val") or ""
        return theme.get(SCHEME_ALIASES.get(val, val))
    return None


def _own_background(owner: etree._Element, theme: dict[str, Rgb]) -> tuple[bool, Rgb | None]:
    """(declares a background, its colour or None when it is not one plain colour)."""
    bg = owner.find("./p:cSld/p:bg", NS)
    if bg is None:
        return False, None
    pr = bg.find("./p:bgPr", NS)
    if pr is not None:
        solid = pr.find("./a:solidFill", NS)
        return True, (_colour(solid[0], theme) if solid is not None and len(solid) else None)
    ref = bg.find("./p:bgRef", NS)
    if ref is not None and len(ref):
        return True, _colour(ref[0], theme)
    return True, None


def slide_background(slide: pptx.slide.Slide, theme: dict[str, Rgb]) -> tuple[bool, Rgb]:
    """(known, colour): the slide's, else its layout's, else its master's plain background colour.
    Unknown when the first one declared is a picture, gradient or unresolvable theme colour."""
    for owner in (slide, slide.slide_layout, slide.slide_layout.slide_master):
        declared, colour = _own_background(owner._element, theme)
        if declared:
            return (colour is not None), (colour or (255, 255, 255))
    return True, (255, 255, 255)


def inspect_pptx(path: Path, *, max_pages: int = 1000) -> PptxFacts:
    prs = open_office(path, "PowerPoint", pptx.Presentation)
    with reading("PowerPoint", (KeyError, ValueError, etree.XMLSyntaxError)):
        count = len(prs.slides)
    if count > max_pages:
        raise LimitExceeded(f"The presentation has {count} slides; this service audits at most {max_pages}.")
    with reading("PowerPoint"):
        return _inspect(prs, path)


def _inspect(prs: pptx.presentation.Presentation, path: Path) -> PptxFacts:
    facts = PptxFacts(path=str(path), title=(prs.core_properties.title or "").strip() or None,
                      engine_versions={"python-pptx": pptx.__version__, "lxml": etree.__version__})
    default_style = prs.part._element.find("./p:defaultTextStyle", NS)
    if default_style is not None:
        facts.languages.update(v for v in X_LANG(default_style) if v)
    themes: dict[int, dict[str, Rgb]] = {}
    for number, slide in enumerate(prs.slides, start=1):
        master = slide.slide_layout.slide_master
        theme = themes.setdefault(id(master), theme_colors(master))
        known, background = slide_background(slide, theme)
        shapes = [_shape(s) for s in slide.shapes]
        titles = [s for s in shapes if s.is_title]
        captions = sum(1 for rel in slide.part.rels.values()
                       if str(rel.target_ref).lower().endswith(CAPTION_SUFFIXES))
        notes = ""
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame.text if slide.notes_slide.notes_text_frame else ""
        facts.slides.append(SlideFacts(
            number=number, title=(titles[0].text if titles and titles[0].text else None),
            has_title_placeholder=bool(titles), shapes=shapes, background=background,
            background_known=known,
            caption_files=captions, notes=notes))
        facts.languages.update(v for v in X_LANG(slide._element) if v)
    return facts
