"""Everything the Word rules ask about a .docx, gathered in one pass over python-docx's lxml tree.

``inspect_docx(path)`` opens the file (damaged → InvalidDocument), builds the style map once
(style id → name, heading level, list, colour, size, language — per-paragraph ``paragraph.style``
look-ups dominated audit time), then walks the body in order: paragraphs get a body paragraph
index, tables a table index, and every run, link and drawing is recorded with the place it sits.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
from lxml import etree

from access.errors import LimitExceeded
from access.models import Location
from rules.office import open_office, reading
from rules.textmetrics import Rgb, excerpt, hex_to_rgb

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
}
HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.I)
HIGHLIGHT: dict[str, Rgb] = {
    "yellow": (255, 255, 0), "green": (0, 255, 0), "cyan": (0, 255, 255), "magenta": (255, 0, 255),
    "blue": (0, 0, 255), "red": (255, 0, 0), "darkBlue": (0, 0, 139), "darkCyan": (0, 139, 139),
    "darkGreen": (0, 100, 0), "darkMagenta": (128, 0, 128), "darkRed": (139, 0, 0),
    "darkYellow": (128, 128, 0), "darkGray": (169, 169, 169), "lightGray": (211, 211, 211),
    "black": (0, 0, 0), "white": (255, 255, 255),
}
GRAPHIC_KINDS = {
    "picture": "picture", "chart": "chart", "diagram": "SmartArt", "wordprocessingShape": "shape",
    "wordprocessingGroup": "group", "wordprocessingCanvas": "canvas",
}


def q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


X_TEXT = etree.XPath(".//w:t|.//w:tab|.//w:br", namespaces=NS)
X_DRAWINGS = etree.XPath(".//w:drawing[not(ancestor::mc:Fallback)]|.//w:pict[not(ancestor::mc:Fallback)]",
                         namespaces=NS)


@dataclass
class Style:
    name: str
    heading: int | None = None
    is_list: bool = False
    color: Rgb | None = None
    size: float | None = None
    lang: str | None = None
    based_on: str | None = None


@dataclass
class RunFacts:
    text: str
    color: Rgb | None
    background: Rgb | None
    size: float | None
    bold: bool


@dataclass
class Drawing:
    index: int
    kind: str                     # picture, chart, SmartArt, shape, group, canvas, vml
    inline: bool
    alt: str                      # descr, or title when descr is empty
    name: str
    decorative: bool
    where: Location


@dataclass
class Link:
    text: str
    target: str
    where: Location


@dataclass
class Para:
    index: int | None             # body paragraph index; None inside a table
    text: str
    style: str
    heading: int | None
    is_list: bool
    runs: list[RunFacts]
    where: Location
    has_drawing: bool = False


@dataclass
class TableFacts:
    index: int
    rows: int
    cols: int
    header_row: bool
    merged: int
    nested: bool
    where: Location


@dataclass
class DocxFacts:
    path: str
    title: str | None = None
    language: str | None = None
    page_background: Rgb | None = None
    paragraphs: list[Para] = field(default_factory=list)       # body and table paragraphs, in order
    tables: list[TableFacts] = field(default_factory=list)
    drawings: list[Drawing] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    headers_footers: list[tuple[str, str]] = field(default_factory=list)   # (part name, text)
    words: int = 0
    engine_versions: dict[str, str] = field(default_factory=dict)

    @property
    def body_paragraphs(self) -> list[Para]:
        return [p for p in self.paragraphs if p.index is not None]


def _val(el: etree._Element | None, attr: str = "w:val") -> str | None:
    return None if el is None else el.get(q(attr))


def _rpr_props(rpr: etree._Element | None) -> tuple[Rgb | None, float | None, str | None]:
    if rpr is None:
        return None, None, None
    color = _val(rpr.find(q("w:color")))
    size = _val(rpr.find(q("w:sz")))
    lang = _val(rpr.find(q("w:lang")))
    return (hex_to_rgb(color) if color and color != "auto" else None,
            int(size) / 2 if size and size.isdigit() else None, lang)


def style_map(document: docx.document.Document) -> tuple[dict[str, Style], Style]:
    """Style id → resolved Style, plus the document defaults."""
    root = document.styles.element
    defaults = Style(name="(defaults)")
    rpr_default = root.find(f"{q('w:docDefaults')}/{q('w:rPrDefault')}/{q('w:rPr')}")
    defaults.color, defaults.size, defaults.lang = _rpr_props(rpr_default)
    raw: dict[str, Style] = {}
    for st in root.findall(q("w:style")):
        sid = st.get(q("w:styleId")) or ""
        name = _val(st.find(q("w:name"))) or sid
        s = Style(name=name, based_on=_val(st.find(q("w:basedOn"))))
        m = HEADING_NAME.match(name)
        outline = st.find(f"{q('w:pPr')}/{q('w:outlineLvl')}")
        if m:
            s.heading = int(m.group(1))
        elif outline is not None and (_val(outline) or "").isdigit() and int(_val(outline) or 9) < 9:
            s.heading = int(_val(outline) or 0) + 1
        s.is_list = st.find(f"{q('w:pPr')}/{q('w:numPr')}") is not None
        s.color, s.size, s.lang = _rpr_props(st.find(q("w:rPr")))
        raw[sid] = s
    for s in raw.values():            # inherit colour, size, language, list along basedOn
        seen = set()
        parent = s.based_on
        while parent and parent in raw and parent not in seen:
            seen.add(parent)
            p = raw[parent]
            s.color = s.color or p.color
            s.size = s.size or p.size
            s.lang = s.lang or p.lang
            s.is_list = s.is_list or p.is_list
            parent = p.based_on
    return raw, defaults


def _text(el: etree._Element) -> str:
    out = []
    for t in X_TEXT(el):
        tag = etree.QName(t).localname
        out.append(t.text or "" if tag == "t" else ("\t" if tag == "tab" else "\n"))
    return "".join(out)


class _Walker:
    def __init__(self, document: docx.document.Document, facts: DocxFacts, styles: dict[str, Style],
                 defaults: Style) -> None:
        self.document = document
        self.facts = facts
        self.styles = styles
        self.defaults = defaults
        self.normal = styles.get("Normal", Style(name="Normal"))
        self.rels = {rid: rel for rid, rel in document.part.rels.items()}
        self.p_index = 0
        self.t_index = 0
        self.image_index = 0

    def body(self, body: etree._Element) -> None:
        for child in body.iterchildren():
            tag = child.tag
            if tag == q("w:p"):
                self.paragraph(child, Location(paragraph=self.p_index), self.p_index, None)
                self.p_index += 1
            elif tag == q("w:tbl"):
                self.table(child, nested=False)
            elif tag == q("w:sdt"):
                content = child.find(q("w:sdtContent"))
                if content is not None:
                    self.body(content)

    def table(self, tbl: etree._Element, nested: bool) -> None:
        t = self.t_index
        self.t_index += 1
        rows = tbl.findall(q("w:tr"))
        cols = max((len(r.findall(q("w:tc"))) for r in rows), default=0)
        first = rows[0] if rows else None
        header = first is not None and first.find(f"{q('w:trPr')}/{q('w:tblHeader')}") is not None \
            and _val(first.find(f"{q('w:trPr')}/{q('w:tblHeader')}")) not in ("0", "false")
        merged = len(tbl.findall(f".//{q('w:gridSpan')}")) + len(
            [v for v in tbl.findall(f".//{q('w:vMerge')}") if _val(v) == "restart"])
        first_text = excerpt(" | ".join(_text(tc) for tc in first.findall(q("w:tc"))), 60) \
            if first is not None else ""
        has_nested = tbl.find(f".//{q('w:tc')}/{q('w:tbl')}") is not None
        where = Location(table=t, excerpt=first_text or None, path=f"table {t + 1}")
        self.facts.tables.append(TableFacts(index=t, rows=len(rows), cols=cols, header_row=header,
                                            merged=merged, nested=nested or has_nested, where=where))
        for r_i, row in enumerate(rows):
            for c_i, cell in enumerate(row.findall(q("w:tc"))):
                cell_bg = hex_to_rgb(_val(cell.find(f"{q('w:tcPr')}/{q('w:shd')}"), "w:fill") or "")
                for child in cell.iterchildren():
                    if child.tag == q("w:p"):
                        loc = Location(table=t, path=f"table {t + 1}/row {r_i + 1}/cell {c_i + 1}")
                        self.paragraph(child, loc, None, cell_bg)
                    elif child.tag == q("w:tbl"):
                        self.table(child, nested=True)

    def paragraph(self, p: etree._Element, where: Location, index: int | None, cell_bg: Rgb | None) -> None:
        ppr = p.find(q("w:pPr"))
        sid = _val(ppr.find(q("w:pStyle"))) if ppr is not None else None
        style = self.styles.get(sid or "Normal", self.normal)
        is_list = style.is_list or (ppr is not None and ppr.find(q("w:numPr")) is not None)
        p_bg = hex_to_rgb(_val(ppr.find(q("w:shd")), "w:fill") or "") if ppr is not None else None
        text = _text(p)
        where = where.model_copy(update={"excerpt": excerpt(text) or None})
        runs = []
        for r in p.iter(q("w:r")):
            rtext = "".join(t.text or "" for t in r.iter(q("w:t")))
            if not rtext.strip():
                continue
            rpr = r.find(q("w:rPr"))
            color, size, _lang = _rpr_props(rpr)
            rstyle = self.styles.get(_val(rpr.find(q("w:rStyle"))) or "", None) if rpr is not None else None
            bg = None
            bold = False
            if rpr is not None:
                hl = _val(rpr.find(q("w:highlight")))
                shd = hex_to_rgb(_val(rpr.find(q("w:shd")), "w:fill") or "")
                bg = shd or (HIGHLIGHT.get(hl) if hl and hl != "none" else None)
                b = rpr.find(q("w:b"))
                bold = b is not None and _val(b) not in ("0", "false")
            runs.append(RunFacts(
                text=rtext,
                color=color or (rstyle.color if rstyle else None) or style.color or self.defaults.color,
                background=bg or p_bg or cell_bg or self.facts.page_background,
                size=size or (rstyle.size if rstyle else None) or style.size or self.defaults.size,
                bold=bold))
        para = Para(index=index, text=text, style=style.name, heading=style.heading, is_list=is_list,
                    runs=runs, where=where)
        for h in p.iter(q("w:hyperlink")):
            rid = h.get(q("r:id"))
            rel = self.rels.get(rid) if rid else None
            target = rel.target_ref if rel is not None else "#" + (h.get(q("w:anchor")) or "")
            self.facts.links.append(Link(text=_text(h), target=target,
                                         where=where.model_copy(update={"excerpt": excerpt(_text(h))})))
        for d in X_DRAWINGS(p):
            para.has_drawing = True
            self.drawing(d, where)
        self.facts.paragraphs.append(para)

    def drawing(self, d: etree._Element, where: Location) -> None:
        if d.tag == q("w:pict"):
            shape = next(iter(d.iter(q("v:shape"), q("v:rect"), q("v:group"))), None)
            alt = (shape.get("alt") or "") if shape is not None else ""
            kind, inline, name, decorative = "vml", True, "", False
        else:
            holder = d[0] if len(d) else None
            if holder is None:
                return
            inline = holder.tag == q("wp:inline")
            pr = holder.find(q("wp:docPr"))
            alt = ((pr.get("descr") or "").strip() or (pr.get("title") or "").strip()) if pr is not None else ""
            name = pr.get("name", "") if pr is not None else ""
            decorative = pr is not None and any(
                e.get("val") in ("1", "true") for e in pr.iter(q("adec:decorative")))
            gd = holder.find(f"{q('a:graphic')}/{q('a:graphicData')}")
            uri = gd.get("uri", "") if gd is not None else ""
            kind = GRAPHIC_KINDS.get(uri.rsplit("/", 1)[-1], "object")
        i = self.image_index
        self.image_index += 1
        self.facts.drawings.append(Drawing(index=i, kind=kind, inline=inline, alt=alt.strip(), name=name,
                                           decorative=decorative,
                                           where=where.model_copy(update={"image": i})))


def inspect_docx(path: Path, *, max_pages: int = 1000) -> DocxFacts:
    document = open_office(path, "Word", docx.Document)
    pages = _app_pages(path)
    if pages and pages > max_pages:
        raise LimitExceeded(f"The document has {pages} pages; this service audits at most {max_pages}.")
    with reading("Word"):
        return _inspect(document, path)


def _inspect(document: docx.document.Document, path: Path) -> DocxFacts:
    facts = DocxFacts(path=str(path), engine_versions={"python-docx": docx.__version__,
                                                       "lxml": etree.__version__})
    facts.title = (document.core_properties.title or "").strip() or None
    body = document.element.body
    bg = document.element.find(q("w:background"))
    facts.page_background = hex_to_rgb(_val(bg, "w:color") or "") if bg is not None else None
    styles, defaults = style_map(document)
    _Walker(document, facts, styles, defaults).body(body)
    facts.language = _language(document, styles, defaults)
    facts.words = sum(len(p.text.split()) for p in facts.paragraphs)
    for section in document.sections:
        for kind, part in (("header", section.header), ("footer", section.footer)):
            if part.is_linked_to_previous:
                continue
            text = " ".join(_text(p) for p in part._element.iter(q("w:p"))).strip()
            if text:
                facts.headers_footers.append((kind, text))
    return facts


def _language(document: docx.document.Document, styles: dict[str, Style], defaults: Style) -> str | None:
    if defaults.lang:
        return defaults.lang
    normal = styles.get("Normal")
    if normal is not None and normal.lang:
        return normal.lang
    for lang in document.element.body.iter(q("w:lang")):
        if _val(lang):
            return _val(lang)
    return None


def _app_pages(path: Path) -> int | None:
    try:
        with zipfile.ZipFile(path) as zf:
            if "docProps/app.xml" not in zf.namelist():
                return None
            m = re.search(rb"<(?:\w+:)?Pages>(\d+)</", zf.read("docProps/app.xml"))
            return int(m.group(1)) if m else None
    except (zipfile.BadZipFile, OSError):
        return None
