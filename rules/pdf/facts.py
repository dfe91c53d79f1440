"""Everything the PDF rules ask about a file, gathered in one streaming pass.

``inspect_pdf(path)`` opens the file with pymupdf (pages, text, fonts, annotations, rendering) and
pikepdf (catalog, structure tree, content-stream marking), validates it (encrypted → EncryptedDocument,
damaged → InvalidDocument, no pages → EmptyFile, over the page limit → LimitExceeded), then walks
the pages one at a time. Per page it keeps only small facts (counts, a few spans, annotation
summaries); a page is rendered — at 72 dpi, in a child process, streamed back one page at a time —
only when something other than the white page lies under text, for the contrast check. Rules are pure functions of
:class:`PdfFacts`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
import pymupdf

from access.errors import EmptyFile, EncryptedDocument, InvalidDocument, LimitExceeded
from access.limits import check_pdf_streams
from rules.pdf.render import RenderedPage, render_pages
from rules.pdf.uafacts import (
    ContentScan,
    UaDocument,
    UaFont,
    file_spec,
    is_struct_destination,
    link_target,
    reference_xobjects,
    scan_content,
    ua_document,
    ua_fonts,
)
from rules.textmetrics import Rgb, contrast_ratio, int_to_rgb, required_contrast

STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody",
    "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference",
    "BibEntry", "Code", "Link", "Annot", "Ruby", "Warichu", "RB", "RT", "RP", "WT", "WP", "Figure",
    "Formula", "Form", "Artifact",
}
# PDF 2.0 standard structure namespace (ISO 32000-2, 14.8.6): standard for a PDF/UA-2 file
PDF2_TYPES = {
    "DocumentFragment", "Aside", "Title", "FENote", "Sub", "Em", "Strong", "Artifact",
}
MATHML = "http://www.w3.org/1998/Math/MathML"
MAX_ELEMENTS = 300_000          # a structure tree larger than this is cut (and said so)
MAX_SPANS_PER_PAGE = 30         # small/low-contrast spans kept per page
MAX_PENDING_SPANS = 400         # spans per page judged against the rendered background
RENDER_BATCH = 50               # pages rendered per child process (bounds the spans held)
READING_SAMPLE_WORDS = 20_000   # words kept for the reading-level estimate
TEXT_OPS = {"Tj", "TJ", "'", '"'}
WHITE: Rgb = (255, 255, 255)
GARBLED = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(slots=True)
class Elem:
    """One structure element, role-mapped to its standard type."""

    type: str
    raw_type: str
    path: str
    page: int | None = None
    alt: str | None = None
    actual_text: str | None = None
    lang: str | None = None
    id: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    children: list[Elem] = field(default_factory=list)
    objr: list[str] = field(default_factory=list)     # subtypes of annotations it owns (OBJR)
    mcids: int = 0                                     # marked-content kids
    e: str | None = None                               # /E, the expansion of an abbreviation
    has_p: bool = True                                 # has its /P (parent) entry
    has_ref: bool = False                              # has /Ref (PDF 2.0)
    ns: str | None = None                              # the namespace URI (PDF 2.0 /NS)
    mapping: str = "standard"                          # standard | mapped | unmapped | circular | remapped
    parent: Elem | None = field(default=None, repr=False, compare=False)

    @property
    def kid_types(self) -> list[str]:
        return [c.type for c in self.children]

    @property
    def inherited_lang(self) -> str | None:
        """Its own /Lang or the nearest ancestor's."""
        el: Elem | None = self
        while el is not None:
            if el.lang is not None:
                return el.lang
            el = el.parent
        return None

    def iter(self) -> Any:
        stack = [self]
        while stack:
            el = stack.pop()
            yield el
            stack.extend(reversed(el.children))


@dataclass
class Annot:
    subtype: str
    rect: tuple[float, float, float, float]
    contents: str | None
    tagged: bool                  # has /StructParent
    field_name: str | None = None
    tooltip: str | None = None    # /TU
    field_type: str | None = None
    flags: int = 0                # /F
    hidden: bool = False          # Hidden flag set, or the rectangle lies outside the crop box
    parent_type: str | None = None        # the standard type of the structure element that owns it (OBJR)
    parent_raw: str | None = None
    parent_alt: str | None = None
    parent: Elem | None = field(default=None, repr=False)
    has_contents: bool = False    # /Contents present (possibly empty)
    name: str | None = None       # /Name (stamps)
    media_missing: list[str] = field(default_factory=list)   # media clip keys missing (CT, Alt)
    file_spec_af: bool | None = None      # a file attachment's spec has /AFRelationship
    file_spec: dict[str, Any] | None = None   # the embedded file it attaches (uafacts.file_spec)
    target: str | None = None     # a link's destination or URI
    plain_destination: bool = False   # a link to a place in this document without a structure destination
    has_aa: bool = False
    width: float = 0.0
    height: float = 0.0


@dataclass
class Span:
    text: str
    size: float
    bold: bool
    bbox: tuple[float, float, float, float]
    fg: Rgb
    bg: Rgb = WHITE
    ratio: float = 21.0


@dataclass
class PageFacts:
    number: int                       # 1-based
    width: float
    height: float
    chars: int = 0                    # non-space characters of extractable text
    garbled: int = 0                  # replacement / private-use / control characters
    image_cover: float = 0.0          # share of the page covered by images (only computed when no text)
    images: int = 0
    annots: list[Annot] = field(default_factory=list)
    tabs: str | None = None
    untagged_ops: int = 0             # text/image painting operators outside marked content
    content: ContentScan | None = None   # marked content of a tagged page (PDF/UA 7.1, 7.2)
    all_annots: int = 0               # annotations of any subtype (Popup and PrinterMark included)
    small_spans: list[Span] = field(default_factory=list)
    low_contrast: list[Span] = field(default_factory=list)
    rendered: bool = False
    render_failed: bool = False       # the page could not be rendered: contrast not measured
    pending: list[Span] = field(default_factory=list, repr=False)   # spans waiting for the render


@dataclass
class FontFacts:
    name: str
    type: str
    embedded: bool
    to_unicode: bool
    encoding: str
    pages: list[int] = field(default_factory=list)


@dataclass
class PdfFacts:
    path: str
    page_count: int
    version: str = ""
    repaired: bool = False          # MuPDF had to repair the file (damaged xref)
    marked: bool = False
    struct_root: Elem | None = None
    struct_elements: int = 0
    struct_truncated: bool = False
    lang: str | None = None
    info_title: str | None = None
    xmp_title: str | None = None
    has_xmp: bool = False
    pdfua_part: str | None = None
    display_doc_title: bool | None = None
    encrypted: bool = False
    accessibility_permitted: bool = True
    outline_items: int = 0
    pages: list[PageFacts] = field(default_factory=list)
    fonts: list[FontFacts] = field(default_factory=list)
    text_sample: str = ""
    words: int = 0
    engine_versions: dict[str, str] = field(default_factory=dict)
    ua: UaDocument | None = None
    ua_fonts: list[UaFont] = field(default_factory=list)
    role_map: dict[str, str] = field(default_factory=dict)
    mcid_lang: dict[int, dict[int, bool]] = field(default_factory=dict)   # page → MCID → language known
    annot_owner: dict[tuple[int, int], Elem] = field(default_factory=dict, repr=False)

    @property
    def ua_version(self) -> int:
        """The PDF/UA part the file claims (1 unless it claims part 2)."""
        return self.ua.version if self.ua is not None else 1

    @property
    def tagged(self) -> bool:
        return self.marked and self.struct_root is not None

    def elements(self, *types: str) -> list[Elem]:
        if self.struct_root is None:
            return []
        return [e for e in self.struct_root.iter() if not types or e.type in types]


# ----------------------------------------------------------------------------- opening


def open_checked(path: Path, max_pages: int, max_stream_bytes: int = 256 * 1024 * 1024,
                 ) -> tuple[pymupdf.Document, pikepdf.Pdf]:
    """Open both engines or raise the right AccessError (``limit_exceeded`` for too many pages or
    streams that inflate to more than ``max_stream_bytes``)."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile("The PDF file is empty.")
    with path.open("rb") as fh:
        fh.seek(max(0, size - 2048))
        if b"%%EOF" not in fh.read():
            raise InvalidDocument("The PDF file is truncated (it has no end-of-file marker); upload the "
                                  "complete file.")
    try:
        doc = pymupdf.open(str(path), filetype="pdf")
    except Exception as exc:
        raise InvalidDocument(f"The PDF file is damaged and cannot be read ({exc}).") from exc
    if doc.needs_pass:
        doc.close()
        raise EncryptedDocument("The PDF is password-protected; remove the password and submit it again.")
    try:
        pdf = pikepdf.open(str(path))
    except pikepdf.PasswordError as exc:
        doc.close()
        raise EncryptedDocument("The PDF is password-protected; remove the password and submit it again.") from exc
    except Exception as exc:
        doc.close()
        raise InvalidDocument(f"The PDF file is damaged and cannot be read ({exc}).") from exc
    count = doc.page_count
    if count and len(pdf.pages) and count != len(pdf.pages):
        doc.close()
        pdf.close()
        raise InvalidDocument(f"The PDF file is damaged: its page tree is inconsistent ({count} or "
                              f"{len(pdf.pages)} pages, depending on how it is repaired).")
    if count == 0 or len(pdf.pages) == 0:
        doc.close()
        pdf.close()
        raise EmptyFile("The PDF has no pages.")
    if count > max_pages:
        doc.close()
        pdf.close()
        raise LimitExceeded(f"The PDF has {count} pages; this service audits at most {max_pages}.")
    try:
        check_pdf_streams(doc, max_stream_bytes)
    except LimitExceeded:
        doc.close()
        pdf.close()
        raise
    return doc, pdf


# ----------------------------------------------------------------------------- structure tree


def _text(obj: Any) -> str | None:
    if obj is None:
        return None
    try:
        return str(obj)
    except Exception:
        return None


def _attrs(a: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    items = list(a) if isinstance(a, pikepdf.Array) else [a]
    for item in items:
        if isinstance(item, pikepdf.Dictionary):
            for key, value in item.items():
                if key == "/O":
                    continue
                if isinstance(value, pikepdf.Name):
                    out[key[1:]] = str(value)[1:]
                elif isinstance(value, pikepdf.Array):
                    out[key[1:]] = [str(v) for v in value]
                else:
                    out[key[1:]] = _text(value) if isinstance(value, pikepdf.String) else value
    return out


PDF17_NS = "http://iso.org/pdf/ssn"
PDF2_NS = "http://iso.org/pdf2/ssn"


def _role(raw: str, role_map: dict[str, str], standard: set[str] | frozenset[str] = frozenset(STANDARD_TYPES)
          ) -> tuple[str, str]:
    """The standard type ``raw`` maps to and how: standard, mapped, remapped (a standard type the role
    map maps to another: ISO 14289-1 7.1), circular, or unmapped (ends on a non-standard type)."""
    if raw in standard:
        if raw not in role_map:
            return raw, "standard"
        return raw, ("circular" if role_map[raw] == raw else "remapped")
    seen = {raw}
    current = raw
    while current in role_map:
        current = role_map[current]
        if current in standard:
            return current, "mapped"
        if current in seen:
            return current, "circular"
        seen.add(current)
    return current, "unmapped"


def _ns_role(kid: pikepdf.Dictionary, raw: str, role_map: dict[str, str],
             standard: set[str]) -> tuple[str, str, str | None]:
    """Like :func:`_role` for an element with a PDF 2.0 namespace (/NS)."""
    ns = kid.get("/NS")
    uri = _text(ns.get("/NS")) if isinstance(ns, pikepdf.Dictionary) else None
    if uri is None:
        return (*_role(raw, role_map, standard), None)
    if uri == MATHML:
        return raw, "standard", uri
    own = ns.get("/RoleMapNS")
    if uri in (PDF17_NS, PDF2_NS):
        types = STANDARD_TYPES if uri == PDF17_NS else STANDARD_TYPES | PDF2_TYPES
        if raw in types:
            return raw, "standard", uri
    if isinstance(own, pikepdf.Dictionary) and ("/" + raw) in own:
        target = own.get("/" + raw)
        if isinstance(target, pikepdf.Array) and len(target):
            tname = str(target[0])[1:]
            tns = target[1] if len(target) > 1 and isinstance(target[1], pikepdf.Dictionary) else None
            turi = _text(tns.get("/NS")) if tns is not None else None
            if turi == uri:
                return tname, "same-namespace", uri
            if turi == MATHML or tname in standard:
                return tname, "mapped", uri
            return tname, "unmapped", uri
        if isinstance(target, pikepdf.Name):
            tname = str(target)[1:]
            return tname, ("mapped" if tname in standard else "unmapped"), uri
    return (*_role(raw, role_map, standard), uri)


@dataclass
class Structure:
    """The structure tree as Elem objects, with what the walk learnt on the way."""

    root: Elem | None = None
    count: int = 0
    truncated: bool = False
    role_map: dict[str, str] = field(default_factory=dict)
    mcid_lang: dict[int, dict[int, bool]] = field(default_factory=dict)     # page → MCID → language known
    annot_owner: dict[tuple[int, int], Elem] = field(default_factory=dict)  # annotation objgen → its element


def walk_structure(pdf: pikepdf.Pdf, page_numbers: dict[tuple[int, int], int], *, ua2: bool = False) -> Structure:
    """The structure tree as Elem objects (cut after MAX_ELEMENTS)."""
    out = Structure()
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return out
    rm = tree.get("/RoleMap")
    if isinstance(rm, pikepdf.Dictionary):
        out.role_map = role_map = {k[1:]: str(v)[1:] for k, v in rm.items() if isinstance(v, pikepdf.Name)}
    else:
        role_map = {}
    standard = STANDARD_TYPES | PDF2_TYPES if ua2 else STANDARD_TYPES
    root = Elem(type="StructTreeRoot", raw_type="StructTreeRoot", path="")
    out.root = root
    count = 0
    seen: set[tuple[int, int]] = set()
    counters: dict[int, Counter[str]] = {}

    def page_of(d: pikepdf.Dictionary) -> int | None:
        pg = d.get("/Pg")
        if isinstance(pg, pikepdf.Dictionary) and pg.is_indirect:
            return page_numbers.get(pg.objgen)
        return None

    stack: list[tuple[Any, Elem, int | None]] = [(tree.get("/K"), root, None)]
    while stack:
        kids, parent, parent_pg = stack.pop()
        if kids is None:
            continue
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        new: list[tuple[Any, Elem, int | None]] = []
        for kid in items:
            if isinstance(kid, int) and not isinstance(kid, bool):
                parent.mcids += 1
                if parent_pg is not None:
                    out.mcid_lang.setdefault(parent_pg, {})[int(kid)] = parent.inherited_lang is not None
                continue
            if not isinstance(kid, pikepdf.Dictionary):
                continue
            if "/S" not in kid:                 # MCR or OBJR
                kind = kid.get("/Type")
                if kind == "/OBJR":
                    obj = kid.get("/Obj")
                    sub = obj.get("/Subtype") if isinstance(obj, pikepdf.Dictionary) else None
                    parent.objr.append(str(sub)[1:] if sub is not None else "?")
                    if isinstance(obj, pikepdf.Dictionary) and obj.is_indirect:
                        out.annot_owner[obj.objgen] = parent
                else:
                    parent.mcids += 1
                    mcid = kid.get("/MCID")
                    pg = page_of(kid) or parent_pg
                    if isinstance(mcid, int) and pg is not None:
                        out.mcid_lang.setdefault(pg, {})[int(mcid)] = parent.inherited_lang is not None
                if parent.page is None:
                    parent.page = page_of(kid)
                continue
            if kid.is_indirect:
                if kid.objgen in seen:
                    continue
                seen.add(kid.objgen)
            count += 1
            if count > MAX_ELEMENTS:
                out.count, out.truncated = count, True
                _fill_pages(root)
                return out
            raw = str(kid.get("/S"))[1:]
            typ, mapping, ns = (_ns_role(kid, raw, role_map, standard) if "/NS" in kid
                                else (*_role(raw, role_map, standard), None))
            n = counters.setdefault(id(parent), Counter())
            n[typ] += 1
            own_pg = page_of(kid)
            el = Elem(type=typ, raw_type=raw, path=f"{parent.path}/{typ}[{n[typ]}]",
                      page=own_pg or parent.page,
                      alt=_text(kid.get("/Alt")), actual_text=_text(kid.get("/ActualText")),
                      lang=_text(kid.get("/Lang")), id=_text(kid.get("/ID")),
                      attrs=_attrs(kid.get("/A")) if "/A" in kid else {},
                      e=_text(kid.get("/E")), has_p="/P" in kid, has_ref="/Ref" in kid, ns=ns,
                      mapping=mapping, parent=parent)
            parent.children.append(el)
            new.append((kid.get("/K"), el, own_pg or parent_pg))
        stack.extend(reversed(new))
    _fill_pages(root)
    out.count = count
    return out


def _fill_pages(root: Elem) -> None:
    """Elements without /Pg take the page of their first descendant that has one."""
    order = list(root.iter())
    for el in reversed(order):
        if el.page is None:
            el.page = next((c.page for c in el.children if c.page is not None), None)


# ----------------------------------------------------------------------------- document level


def _xmp(pdf: pikepdf.Pdf) -> tuple[bool, str | None, str | None]:
    if "/Metadata" not in pdf.Root:
        return False, None, None
    try:
        meta = pdf.open_metadata()
        title = meta.get("dc:title")
        part = meta.get("pdfuaid:part")
        return True, (str(title) if title else None), (str(part) if part else None)
    except Exception:
        return True, None, None


def document_facts(doc: pymupdf.Document, pdf: pikepdf.Pdf, path: Path) -> PdfFacts:
    root = pdf.Root
    facts = PdfFacts(path=str(path), page_count=doc.page_count, version=str(pdf.pdf_version),
                     repaired=bool(doc.is_repaired))
    mark = root.get("/MarkInfo")
    facts.marked = bool(isinstance(mark, pikepdf.Dictionary) and mark.get("/Marked") is True)
    facts.lang = (_text(root.get("/Lang")) or "").strip() or None
    facts.info_title = (doc.metadata or {}).get("title") or None
    facts.has_xmp, facts.xmp_title, facts.pdfua_part = _xmp(pdf)
    prefs = root.get("/ViewerPreferences")
    if isinstance(prefs, pikepdf.Dictionary) and "/DisplayDocTitle" in prefs:
        facts.display_doc_title = bool(prefs.get("/DisplayDocTitle"))
    facts.encrypted = bool(pdf.is_encrypted)
    facts.accessibility_permitted = bool(pdf.encryption.P & 512) if pdf.is_encrypted else True  # bit 10
    facts.outline_items = len(doc.get_toc(simple=True))
    page_numbers = {p.obj.objgen: i + 1 for i, p in enumerate(pdf.pages)}
    facts.ua = ua_document(pdf, facts.outline_items)
    if facts.ua.part is None and facts.pdfua_part:
        facts.ua.part = facts.pdfua_part
    structure = walk_structure(pdf, page_numbers, ua2=facts.ua.version == 2)
    facts.struct_root, facts.struct_elements = structure.root, structure.count
    facts.struct_truncated = structure.truncated
    facts.role_map, facts.mcid_lang, facts.annot_owner = structure.role_map, structure.mcid_lang, structure.annot_owner
    facts.engine_versions = {"pymupdf": pymupdf.VersionBind, "pikepdf": pikepdf.__version__,
                             "qpdf": pikepdf.__libqpdf_version__}
    return facts


# ----------------------------------------------------------------------------- pages


def _field(a: pikepdf.Dictionary) -> pikepdf.Dictionary:
    """The form field a widget belongs to: the widget itself when it is a merged field (it has /T),
    else the nearest ancestor with /T."""
    node: Any = a
    for _ in range(20):
        if not isinstance(node, pikepdf.Dictionary) or "/T" in node:
            break
        node = node.get("/Parent")
    return node if isinstance(node, pikepdf.Dictionary) else a


def _inherited(a: pikepdf.Dictionary, key: str) -> Any:
    """A form field's key, from the widget or the nearest field up its /Parent chain."""
    node: Any = a
    for _ in range(20):
        if not isinstance(node, pikepdf.Dictionary):
            return None
        if key in node:
            return node.get(key)
        node = node.get("/Parent")
    return None


def _media_missing(a: pikepdf.Dictionary) -> list[str]:
    """Keys a Screen annotation's media clip data lacks (ISO 14289-1 7.18.6.2: CT and Alt)."""
    action = a.get("/A")
    rendition = action.get("/R") if isinstance(action, pikepdf.Dictionary) else None
    clip = rendition.get("/C") if isinstance(rendition, pikepdf.Dictionary) else None
    if not isinstance(clip, pikepdf.Dictionary) or clip.get("/S") != pikepdf.Name("/MCD"):
        return []
    missing = [] if "/CT" in clip else ["CT"]
    alt = clip.get("/Alt")
    texts = [_text(alt[i]) for i in range(1, len(alt), 2)] if isinstance(alt, pikepdf.Array) else []
    if not (isinstance(alt, pikepdf.Array) and len(alt) % 2 == 0 and any((t or "").strip() for t in texts)):
        missing.append("Alt")
    return missing


def _annots(page: pymupdf.Page, pk_page: pikepdf.Page, owners: dict[tuple[int, int], Elem]) -> list[Annot]:
    out = []
    try:
        crop = [float(v) for v in pk_page.cropbox]
    except Exception:
        crop = [0.0, 0.0, page.rect.width, page.rect.height]
    cx0, cy0, cx1, cy1 = min(crop[0], crop[2]), min(crop[1], crop[3]), max(crop[0], crop[2]), max(crop[1], crop[3])
    for a in pk_page.obj.get("/Annots", []) or []:
        if not isinstance(a, pikepdf.Dictionary):
            continue
        sub = str(a.get("/Subtype", "/?"))[1:]
        try:
            rect = tuple(float(v) for v in a.get("/Rect", [0, 0, 0, 0]))[:4]
        except (TypeError, ValueError):
            rect = (0.0, 0.0, 0.0, 0.0)
        # PDF user space (y up) → pymupdf page space (y down)
        h = page.rect.height
        bbox = (rect[0], h - rect[3], rect[2], h - rect[1]) if len(rect) == 4 else (0, 0, 0, 0)
        try:
            flags = int(a.get("/F", 0))
        except (TypeError, ValueError):
            flags = 0
        outside = len(rect) == 4 and (max(rect[0], rect[2]) < cx0 or min(rect[0], rect[2]) > cx1
                                      or max(rect[1], rect[3]) < cy0 or min(rect[1], rect[3]) > cy1)
        owner = owners.get(a.objgen) if a.is_indirect else None
        widget = sub == "Widget"
        ft = _inherited(a, "/FT") if widget else None
        fs = a.get("/FS") if sub == "FileAttachment" else None
        out.append(Annot(
            subtype=sub, rect=bbox, contents=_text(a.get("/Contents")), tagged="/StructParent" in a,
            field_name=_text(_inherited(a, "/T")) if widget else None,
            tooltip=_text(_field(a).get("/TU")) if widget else None,
            field_type=str(ft)[1:] if ft is not None else None,
            flags=flags, hidden=bool(flags & 2) or outside,
            parent_type=owner.type if owner is not None else None,
            parent_raw=owner.raw_type if owner is not None else None,
            parent_alt=owner.alt if owner is not None else None, parent=owner,
            has_contents="/Contents" in a, name=str(a.get("/Name"))[1:] if "/Name" in a else None,
            media_missing=_media_missing(a) if sub == "Screen" else [],
            file_spec_af=("/AFRelationship" in fs) if isinstance(fs, pikepdf.Dictionary) else None,
            file_spec=file_spec(fs), target=link_target(a) if sub == "Link" else None,
            plain_destination=sub == "Link" and not is_struct_destination(a),
            has_aa="/AA" in a, width=abs(rect[2] - rect[0]) if len(rect) == 4 else 0.0,
            height=abs(rect[3] - rect[1]) if len(rect) == 4 else 0.0))
    return out


def _has_backdrop(page: pymupdf.Page, text_area: pymupdf.Rect) -> bool:
    """Whether anything but the white page may lie under text: an image or a non-white fill."""
    if page.get_images(full=False):
        return True
    for path in page.get_cdrawings():
        fill = path.get("fill")
        if fill and tuple(round(c, 3) for c in fill) != (1.0, 1.0, 1.0) and \
                pymupdf.Rect(path["rect"]).intersects(text_area):
            return True
    return False


def _background(page: RenderedPage, bbox: tuple[float, float, float, float], fg: Rgb) -> Rgb:
    """The most common colour on a 1-point ring around the span, ignoring text-coloured pixels."""
    x0, y0, x1, y1 = (round(v) for v in bbox)
    w, h, stride, samples = page.width, page.height, page.stride, page.samples
    xs = range(max(0, x0 - 1), min(w, x1 + 1), max(1, (x1 - x0) // 40 or 1))
    ys = range(max(0, y0), min(h, y1), max(1, (y1 - y0) // 10 or 1))
    points = [(x, max(0, y0 - 1)) for x in xs] + [(x, min(h - 1, y1)) for x in xs]
    points += [(max(0, x0 - 1), y) for y in ys] + [(min(w - 1, x1), y) for y in ys]
    counts: Counter[Rgb] = Counter()
    for x, y in points:
        i = y * stride + x * 3
        rgb = (samples[i], samples[i + 1], samples[i + 2])
        if contrast_ratio(rgb, fg) > 1.3:
            counts[rgb] += 1
    return counts.most_common(1)[0][0] if counts else WHITE


def page_facts(page: pymupdf.Page, pk_page: pikepdf.Page, *, tagged: bool, small_pt: float,
               sample: list[str], sample_words: list[int], text: bool = True,
               facts: PdfFacts | None = None) -> PageFacts:
    rect = page.rect
    pf = PageFacts(number=page.number + 1, width=rect.width, height=rect.height)
    tabs = pk_page.obj.get("/Tabs")
    pf.tabs = str(tabs)[1:] if tabs is not None else None
    pf.annots = _annots(page, pk_page, facts.annot_owner if facts is not None else {})
    if tagged:
        pf.content = scan_content(pk_page, mcid_lang=(facts.mcid_lang.get(pf.number, {}) if facts else {}),
                                  catalog_lang=bool(facts is not None and facts.lang))
        pf.untagged_ops = pf.content.untagged
    if not text:
        return pf
    data = page.get_text("dict", flags=pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP)
    spans: list[Span] = []
    text_area = pymupdf.Rect()
    for block in data["blocks"]:
        if block.get("type") != 0:
            continue
        for line in block["lines"]:
            line_text = []
            for s in line["spans"]:
                t = s["text"]
                stripped = t.strip()
                if not stripped:
                    continue
                line_text.append(t)
                pf.chars += len(stripped.replace(" ", ""))
                pf.garbled += len(GARBLED.findall(t))
                if s.get("alpha", 255) == 0:         # invisible (e.g. an OCR layer): no contrast to see
                    continue
                span = Span(text=stripped, size=round(s["size"], 1), bold=bool(s["flags"] & 16),
                            bbox=tuple(round(v, 1) for v in s["bbox"]), fg=int_to_rgb(s["color"]))
                spans.append(span)
                text_area |= s["bbox"]
            if line_text and sample_words[0] < READING_SAMPLE_WORDS:
                joined = "".join(line_text)
                sample.append(joined)
                sample_words[0] += len(joined.split())
    pf.small_spans = [s for s in spans if s.size < small_pt][:MAX_SPANS_PER_PAGE]
    pf.images = len(page.get_images(full=False))
    if pf.chars == 0 and pf.images:
        covered = 0.0
        for img in page.get_images(full=False):
            try:
                rects = page.get_image_rects(img[0])
            except Exception:                   # a damaged image: it still covers its place
                rects = [rect]
            for r in rects:
                covered += abs(r & rect)
        pf.image_cover = min(1.0, covered / max(1.0, abs(rect)))
    if spans:
        if _has_backdrop(page, text_area):
            pf.pending = spans[:MAX_PENDING_SPANS]       # judged once the page is rendered
        else:
            judge_contrast(pf, spans)                    # on the white page
    return pf


def judge_contrast(pf: PageFacts, spans: list[Span]) -> None:
    for s in spans:
        s.ratio = round(contrast_ratio(s.fg, s.bg), 2)
        if s.ratio < required_contrast(s.size, s.bold) and len(pf.low_contrast) < MAX_SPANS_PER_PAGE:
            pf.low_contrast.append(s)


def flush_rendering(path: Path, pages: list[PageFacts]) -> None:
    """Render the pages waiting for a background (in a child process) and judge their spans."""
    waiting = {p.number: p for p in pages if p.pending}
    for rendered in render_pages(str(path), sorted(waiting)):
        pf = waiting.pop(rendered.number)
        sx, sy = rendered.width / pf.width, rendered.height / pf.height
        for s in pf.pending:
            box = (s.bbox[0] * sx, s.bbox[1] * sy, s.bbox[2] * sx, s.bbox[3] * sy)
            s.bg = _background(rendered, box, s.fg)
        pf.rendered = True
        judge_contrast(pf, pf.pending)
        pf.pending = []
    for pf in waiting.values():          # the renderer failed before reaching these pages
        pf.render_failed = True
        pf.pending = []


def fonts_of(doc: pymupdf.Document, page: pymupdf.Page, fonts: dict[int, FontFacts]) -> None:
    for xref, ext, ftype, basefont, _name, encoding in page.get_fonts(full=False):
        if xref in fonts:
            if len(fonts[xref].pages) < 20:
                fonts[xref].pages.append(page.number + 1)
            continue
        embedded = ftype == "Type3" or ext not in ("n/a", "")     # Type3 glyphs live in the file
        tu = xref > 0 and doc.xref_get_key(xref, "ToUnicode")[0] != "null"   # 0: a direct font dictionary
        fonts[xref] = FontFacts(name=basefont or _name, type=ftype, embedded=embedded, to_unicode=tu,
                                encoding=encoding or "", pages=[page.number + 1])


def inspect_pdf(path: Path, *, max_pages: int = 1000, max_stream_bytes: int = 256 * 1024 * 1024,
                small_pt: float = 7.0, text: bool = True,
                progress: Callable[[float, str], None] | None = None,
                check_cancelled: Callable[[], None] | None = None) -> PdfFacts:
    """Open, validate and inspect a PDF; pages are visited one at a time.

    ``text=False`` gathers only the structure facts (catalog, structure tree, annotations, tab
    order, untagged content) and skips text extraction, fonts and contrast rendering.
    """
    doc, pdf = open_checked(path, max_pages, max_stream_bytes)
    try:
        facts = document_facts(doc, pdf, path)
        sample: list[str] = []
        words = [0]
        fonts: dict[int, FontFacts] = {}
        seen_fonts: set[tuple[int, int]] = set()
        waiting: list[PageFacts] = []
        for i in range(doc.page_count):
            if check_cancelled is not None and i % 10 == 0:
                check_cancelled()
            page = doc.load_page(i)
            facts.pages.append(page_facts(page, pdf.pages[i], tagged=facts.tagged, small_pt=small_pt,
                                          sample=sample, sample_words=words, text=text, facts=facts))
            ua_fonts(pdf.pages[i], i + 1, seen_fonts, facts.ua_fonts)
            if facts.ua is not None:
                facts.ua.reference_xobjects += reference_xobjects(pdf.pages[i])
            if text:
                fonts_of(doc, page, fonts)
            del page
            if facts.pages[-1].pending:
                waiting.append(facts.pages[-1])
            if len(waiting) >= RENDER_BATCH:
                flush_rendering(path, waiting)
                waiting = []
            if progress is not None and i % 10 == 0:
                progress(100.0 * i / doc.page_count, f"page {i + 1} of {doc.page_count}")
        flush_rendering(path, waiting)
        facts.fonts = list(fonts.values())
        facts.text_sample = "\n".join(sample)
        facts.words = words[0]
        return facts
    except (EmptyFile, EncryptedDocument, InvalidDocument, LimitExceeded):
        raise
    except (RuntimeError, ValueError, pikepdf.PdfError) as exc:   # damaged objects found mid-way
        raise InvalidDocument(f"The PDF file is damaged and cannot be read ({exc}).") from exc
    finally:
        doc.close()
        pdf.close()
