"""The PDF/UA facts a structure-and-font check decides (ISO 14289-1 and -2), gathered with pikepdf.

:func:`ua_document` reads the catalog-level facts (XMP identification, MarkInfo /Suspects, optional
content, embedded files, XFA, outline), :func:`ua_fonts` the font dictionaries of a page (CID systems,
CMaps, encodings, ToUnicode) and :func:`scan_content` one page's content stream for marked-content
nesting and the language of its text. Everything here is dictionary reading: no font program is
parsed and no page is rendered, so the checks stay as fast as the structure walk.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

import pikepdf

PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
# ISO 32000-1 Table 118: the predefined CMaps a file may use without embedding them
_CMAP_NAMES = """
GB-EUC-H GB-EUC-V GBpc-EUC-H GBpc-EUC-V GBK-EUC-H GBK-EUC-V GBKp-EUC-H GBKp-EUC-V GBK2K-H GBK2K-V UniGB-UCS2-H
UniGB-UCS2-V UniGB-UTF16-H UniGB-UTF16-V B5pc-H B5pc-V HKscs-B5-H HKscs-B5-V ETen-B5-H ETen-B5-V ETenms-B5-H
ETenms-B5-V CNS-EUC-H CNS-EUC-V UniCNS-UCS2-H UniCNS-UCS2-V UniCNS-UTF16-H UniCNS-UTF16-V 83pv-RKSJ-H
90ms-RKSJ-H 90ms-RKSJ-V 90msp-RKSJ-H 90msp-RKSJ-V 90pv-RKSJ-H Add-RKSJ-H Add-RKSJ-V EUC-H EUC-V Ext-RKSJ-H
Ext-RKSJ-V H V UniJIS-UCS2-H UniJIS-UCS2-V UniJIS-UCS2-HW-H UniJIS-UCS2-HW-V UniJIS-UTF16-H UniJIS-UTF16-V
KSC-EUC-H KSC-EUC-V KSCms-UHC-H KSCms-UHC-V KSCms-UHC-HW-H KSCms-UHC-HW-V KSCpc-EUC-H UniKS-UCS2-H UniKS-UCS2-V
UniKS-UTF16-H UniKS-UTF16-V Identity-H Identity-V
"""
PREDEFINED_CMAPS = frozenset(_CMAP_NAMES.split())
# the character collection of each predefined CMap family (Registry is Adobe for all)
_ORDERING = (("GB", "GB1"), ("UniGB", "GB1"), ("B5", "CNS1"), ("HKscs", "CNS1"), ("ETen", "CNS1"),
             ("CNS", "CNS1"), ("UniCNS", "CNS1"), ("KSC", "Korea1"), ("UniKS", "Korea1"))
CJK_ORDERINGS = {"GB1", "CNS1", "Japan1", "Korea1"}
MARKUP_ANNOTS = {"Text", "FreeText", "Line", "Square", "Circle", "Polygon", "PolyLine", "Highlight", "Underline",
                 "Squiggly", "StrikeOut", "Caret", "Stamp", "Ink", "FileAttachment", "Sound", "Redact"}
LANG_SHAPE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
PAINT_PATH = {"f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh"}
SCAN_OPS = "BDC BMC EMC Tj TJ ' \" Do f F f* B B* b b* S s sh"


def name(value: Any) -> str | None:
    """A PDF name without its slash (``/Identity-H`` → ``Identity-H``), or None."""
    return str(value)[1:] if isinstance(value, pikepdf.Name) else None


def text(value: Any) -> str | None:
    if isinstance(value, pikepdf.String):
        try:
            return str(value)
        except Exception:
            return None
    return None


def cmap_ordering(cmap: str) -> str | None:
    """The Adobe character collection a predefined CMap encodes (None for Identity)."""
    if cmap.startswith("Identity"):
        return None
    for prefix, ordering in _ORDERING:
        if cmap.startswith(prefix):
            return ordering
    return "Japan1"


# ----------------------------------------------------------------------------- document


@dataclass
class UaDocument:
    """Catalog-level PDF/UA facts."""

    part: str | None = None                     # pdfuaid:part
    rev: str | None = None                      # pdfuaid:rev (PDF/UA-2)
    wrong_prefixes: list[str] = field(default_factory=list)   # pdfuaid properties under another prefix
    title_x_default: bool = False               # XMP holds a language alternative with x-default
    suspects: bool = False                      # MarkInfo /Suspects true
    oc_configs: list[dict[str, Any]] = field(default_factory=list)   # {"name": str|None, "as": bool, "d": bool}
    oc_has_configs: bool = False
    embedded_files: list[dict[str, Any]] = field(default_factory=list)   # {"f","uf","desc","af"}
    xfa: bool = False
    xfa_dynamic: bool = False
    outline_items: int = 0
    reference_xobjects: int = 0
    struct_destinations_missing: int = 0        # outline items going to this document without a structure
    #                                             destination (PDF/UA-2 8.8)

    @property
    def version(self) -> int:
        """The PDF/UA part the file claims (1 when it claims none)."""
        return 2 if (self.part or "").strip() == "2" else 1


def _xmp(pdf: pikepdf.Pdf, ua: UaDocument) -> None:
    meta = pdf.Root.get("/Metadata")
    if not isinstance(meta, pikepdf.Stream):
        return
    try:
        raw = meta.read_bytes().decode("utf-8", "replace")
    except Exception:
        return
    for prefix, uri in re.findall(r'xmlns:([\w.-]+)\s*=\s*["\']([^"\']+)["\']', raw):
        if uri == PDFUAID:
            for prop in ("part", "rev", "amd", "corr"):
                for m in re.finditer(rf"<{re.escape(prefix)}:{prop}\b[^>]*>\s*([^<]*)<|{re.escape(prefix)}:{prop}\s*="
                                     rf"\s*[\"']([^\"']*)[\"']", raw):
                    value = (m.group(1) or m.group(2) or "").strip()
                    if prop == "part" and ua.part is None:
                        ua.part = value
                    if prop == "rev" and ua.rev is None:
                        ua.rev = value
                    if prefix != "pdfuaid":
                        ua.wrong_prefixes.append(f"{prefix}:{prop}")
    # a language alternative with only an x-default entry says nothing of its language (7.2)
    for alt in re.findall(r"<rdf:Alt>(.*?)</rdf:Alt>", raw, re.S):
        langs = re.findall(r"xml:lang\s*=\s*[\"']([^\"']+)[\"']", alt)
        if langs and all(lang.lower() == "x-default" for lang in langs):
            ua.title_x_default = True


def file_spec(spec: Any) -> dict[str, Any] | None:
    """What PDF/UA asks of an embedded file's specification (None when it embeds no file)."""
    if not isinstance(spec, pikepdf.Dictionary) or "/EF" not in spec:
        return None
    return {"f": text(spec.get("/F")), "uf": text(spec.get("/UF")), "desc": "/Desc" in spec,
            "af": "/AFRelationship" in spec}


def link_target(a: pikepdf.Dictionary) -> str | None:
    """Where a link (or outline item) goes, as comparable text: a URI, a destination, a named one."""
    action = a.get("/A")
    if isinstance(action, pikepdf.Dictionary):
        if "/URI" in action:
            return "uri:" + (text(action.get("/URI")) or "")
        target = action.get("/SD", action.get("/D"))
        return None if target is None else "dest:" + repr(target)
    dest = a.get("/Dest")
    return None if dest is None else "dest:" + repr(dest)


def is_struct_destination(a: pikepdf.Dictionary) -> bool:
    """Whether a link or outline item that goes to a place in this document does so through a structure
    destination (PDF 2.0: a GoTo action with /SD); anything going elsewhere counts as fine."""
    action = a.get("/A")
    if isinstance(action, pikepdf.Dictionary):
        return action.get("/S") != pikepdf.Name("/GoTo") or "/SD" in action or _to_structure(action.get("/D"))
    return "/Dest" not in a or _to_structure(a.get("/Dest"))


def _to_structure(dest: Any) -> bool:
    """A destination array whose target is a structure element (PDF 2.0), not a page."""
    return isinstance(dest, pikepdf.Array) and len(dest) > 0 and isinstance(dest[0], pikepdf.Dictionary) \
        and ("/S" in dest[0] or dest[0].get("/Type") == pikepdf.Name("/StructElem"))


def plain_outline_destinations(pdf: pikepdf.Pdf, limit: int = 2000) -> int:
    """Outline items going to a place in this document without a structure destination."""
    outlines = pdf.Root.get("/Outlines")
    first = outlines.get("/First") if isinstance(outlines, pikepdf.Dictionary) else None
    stack, seen, count = [first], set(), 0
    while stack and len(seen) < limit:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary) or item.objgen in seen:
            continue
        seen.add(item.objgen)
        count += not is_struct_destination(item)
        stack += [item.get("/Next"), item.get("/First")]
    return count


def ua_document(pdf: pikepdf.Pdf, outline_items: int) -> UaDocument:
    ua = UaDocument(outline_items=outline_items)
    root = pdf.Root
    ua.struct_destinations_missing = plain_outline_destinations(pdf) if outline_items else 0
    _xmp(pdf, ua)
    mark = root.get("/MarkInfo")
    ua.suspects = bool(isinstance(mark, pikepdf.Dictionary) and mark.get("/Suspects") is True)
    ocp = root.get("/OCProperties")
    if isinstance(ocp, pikepdf.Dictionary):
        configs = ocp.get("/Configs")
        ua.oc_has_configs = isinstance(configs, pikepdf.Array) and len(configs) > 0
        items = [(ocp.get("/D"), True)] + [(c, False) for c in (configs if isinstance(configs, pikepdf.Array) else [])]
        for conf, is_default in items:
            if isinstance(conf, pikepdf.Dictionary):
                ua.oc_configs.append({"name": text(conf.get("/Name")), "as": "/AS" in conf, "d": is_default})
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and isinstance(names.get("/EmbeddedFiles"), pikepdf.Dictionary):
        try:
            tree = pikepdf.NameTree(names.EmbeddedFiles)
            for _key, spec in list(tree.items())[:500]:
                facts = file_spec(spec)
                if facts is not None:
                    ua.embedded_files.append(facts)
        except Exception:
            pass
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        ua.xfa = True
        ua.xfa_dynamic = _xfa_dynamic(form.get("/XFA"))
    return ua


def _xfa_dynamic(xfa: Any) -> bool:
    """Whether the XFA config says dynamicRender required."""
    streams = []
    if isinstance(xfa, pikepdf.Stream):
        streams = [xfa]
    elif isinstance(xfa, pikepdf.Array):
        streams = [v for v in xfa if isinstance(v, pikepdf.Stream)]
    for s in streams:
        try:
            if re.search(rb"<dynamicRender>\s*required\s*</dynamicRender>", s.read_bytes()):
                return True
        except Exception:
            continue
    return False


# ----------------------------------------------------------------------------- fonts


@dataclass
class UaFont:
    """What PDF/UA asks of one font dictionary (a Type0 font carries its descendant's facts)."""

    name: str
    subtype: str
    page: int
    embedded: bool = True
    to_unicode: bool = False
    to_unicode_bad: bool = False          # maps a code to U+0000, U+FEFF or U+FFFE
    encoding: str | None = None           # a name, or "stream" for an embedded CMap / dictionary
    base_encoding: str | None = None
    differences: bool = False
    symbolic: bool | None = None
    cid_subtype: str | None = None        # CIDFontType0 / CIDFontType2
    cid_to_gid: bool = True
    cid_system: tuple[str, str, int] | None = None      # the CIDFont's Registry, Ordering, Supplement
    cmap_system: tuple[str, str, int] | None = None     # the embedded CMap's
    cmap_embedded: bool = True
    cmap_wmode_mismatch: bool = False
    cmap_uses_other: bool = False         # an embedded CMap that uses a non-predefined CMap


def _system(d: Any) -> tuple[str, str, int] | None:
    if not isinstance(d, pikepdf.Dictionary):
        return None
    try:
        return (text(d.get("/Registry")) or "", text(d.get("/Ordering")) or "", int(d.get("/Supplement", -1)))
    except (TypeError, ValueError):
        return None


def _descriptor_embedded(desc: Any) -> bool:
    return isinstance(desc, pikepdf.Dictionary) and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


_BAD_UNICODE = re.compile(rb"<\s*(?:0000|feff|fffe)\s*>", re.I)


def _to_unicode(font: pikepdf.Dictionary, out: UaFont) -> None:
    tu = font.get("/ToUnicode")
    if isinstance(tu, pikepdf.Stream):
        out.to_unicode = True
        try:
            data = tu.read_bytes()
        except Exception:
            return
        # destination values: the last hex string of each bfchar line / bfrange line
        for line in data.splitlines():
            strings = re.findall(rb"<[0-9A-Fa-f\s]*>", line)
            if len(strings) >= 2 and _BAD_UNICODE.fullmatch(strings[-1]):
                out.to_unicode_bad = True
                return
    elif isinstance(tu, pikepdf.Name):
        out.to_unicode = str(tu) in ("/Identity-H", "/Identity-V")


def font_facts(font: pikepdf.Dictionary, label: str, page: int) -> UaFont:
    subtype = name(font.get("/Subtype")) or "?"
    out = UaFont(name=(name(font.get("/BaseFont")) or label), subtype=subtype, page=page)
    _to_unicode(font, out)
    enc = font.get("/Encoding")
    if isinstance(enc, pikepdf.Name):
        out.encoding = name(enc)
    elif isinstance(enc, pikepdf.Stream):               # an embedded CMap
        out.encoding = "stream"
    elif isinstance(enc, pikepdf.Dictionary):           # a simple font's encoding dictionary
        out.encoding = "dictionary"
        out.base_encoding = name(enc.get("/BaseEncoding"))
        out.differences = "/Differences" in enc
    if subtype == "Type0":
        kids = font.get("/DescendantFonts")
        cid = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) else None
        if isinstance(cid, pikepdf.Dictionary):
            out.cid_subtype = name(cid.get("/Subtype"))
            desc = cid.get("/FontDescriptor")
            out.embedded = _descriptor_embedded(desc)
            out.cid_system = _system(cid.get("/CIDSystemInfo"))
            if out.cid_subtype == "CIDFontType2" and out.embedded:
                gid_map = cid.get("/CIDToGIDMap")
                out.cid_to_gid = isinstance(gid_map, pikepdf.Stream) or gid_map == pikepdf.Name("/Identity")
        if isinstance(enc, pikepdf.Stream):
            out.cmap_system = _system(enc.get("/CIDSystemInfo"))
            try:
                body = enc.read_bytes()
            except Exception:
                body = b""
            m = re.search(rb"/WMode\s+(\d)", body)
            if m is not None:
                out.cmap_wmode_mismatch = int(m.group(1)) != int(enc.get("/WMode", 0))
            use = enc.get("/UseCMap")
            if isinstance(use, pikepdf.Stream) or (isinstance(use, pikepdf.Name) and name(use) not in PREDEFINED_CMAPS):
                out.cmap_uses_other = True
        elif out.encoding is not None:
            out.cmap_embedded = out.encoding in PREDEFINED_CMAPS
    elif subtype != "Type3":
        desc = font.get("/FontDescriptor")
        out.embedded = _descriptor_embedded(desc)
        if isinstance(desc, pikepdf.Dictionary):
            with contextlib.suppress(TypeError, ValueError):
                out.symbolic = bool(int(desc.get("/Flags", 0)) & 4)
    return out


def ua_fonts(page: pikepdf.Page, number: int, seen: set[tuple[int, int]], out: list[UaFont]) -> None:
    """The fonts a page's resources (and its form XObjects', one level down) use, once each."""
    resources = [page.obj.get("/Resources")]
    res = resources[0]
    if isinstance(res, pikepdf.Dictionary) and isinstance(res.get("/XObject"), pikepdf.Dictionary):
        for _, xo in res.XObject.items():
            if isinstance(xo, pikepdf.Stream) and xo.get("/Subtype") == pikepdf.Name("/Form"):
                resources.append(xo.get("/Resources"))
    for r in resources:
        fonts = r.get("/Font") if isinstance(r, pikepdf.Dictionary) else None
        if not isinstance(fonts, pikepdf.Dictionary):
            continue
        for label, font in fonts.items():
            if not isinstance(font, pikepdf.Dictionary):
                continue
            key = font.objgen if font.is_indirect else (id(font), -1)
            if key in seen:
                continue
            seen.add(key)
            try:
                out.append(font_facts(font, label[1:], number))
            except Exception:                      # a damaged font dictionary: nothing to say about it
                continue


def reference_xobjects(page: pikepdf.Page) -> int:
    res = page.obj.get("/Resources")
    if not isinstance(res, pikepdf.Dictionary) or not isinstance(res.get("/XObject"), pikepdf.Dictionary):
        return 0
    return sum(1 for _, xo in res.XObject.items() if isinstance(xo, pikepdf.Stream) and "/Ref" in xo)


# ----------------------------------------------------------------------------- content streams


@dataclass
class ContentScan:
    """One page's marked content: what is neither tagged nor artifact, nesting errors, language."""

    untagged: int = 0                 # painting operators outside tagged content and artifacts
    artifact_in_tagged: int = 0       # an Artifact sequence inside tagged content (7.1-t01)
    tagged_in_artifact: int = 0       # tagged content inside an Artifact sequence (7.1-t02)
    text_without_lang: int = 0        # text whose language nothing determines
    span_text_without_lang: int = 0   # Span marked content with Alt/ActualText/E and no language
    langs: list[str] = field(default_factory=list)   # /Lang values of marked-content property lists
    mcids: set[int] = field(default_factory=set)


def _props(operands: list[Any], resources: Any) -> pikepdf.Dictionary | None:
    if len(operands) < 2:
        return None
    p = operands[1]
    if isinstance(p, pikepdf.Dictionary):
        return p
    if isinstance(p, pikepdf.Name) and isinstance(resources, pikepdf.Dictionary):
        props = resources.get("/Properties")
        if isinstance(props, pikepdf.Dictionary):
            found = props.get(str(p))
            return found if isinstance(found, pikepdf.Dictionary) else None
    return None


def scan_content(page: pikepdf.Page, *, mcid_lang: dict[int, bool], catalog_lang: bool) -> ContentScan:
    """Walk the page's content stream once (``mcid_lang``: whether the structure element owning each
    marked-content id of this page determines a language)."""
    scan = ContentScan()
    try:
        ops = pikepdf.parse_content_stream(page, SCAN_OPS)
    except Exception:
        return scan
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    # stack entries: (tag, mcid or None, has language)
    stack: list[tuple[str, int | None, bool]] = []
    for operands, op in ops:
        o = str(op)
        if o in ("BDC", "BMC"):
            tag = name(operands[0]) if operands else None
            props = _props(list(operands), resources) if o == "BDC" else None
            mcid = None
            lang = False
            if props is not None:
                raw = props.get("/MCID")
                mcid = int(raw) if isinstance(raw, int) else None
                lang = "/Lang" in props
                if lang and len(scan.langs) < 50:
                    scan.langs.append(text(props.get("/Lang")) or "")
                if mcid is not None:
                    scan.mcids.add(mcid)
                    lang = lang or mcid_lang.get(mcid, False)
            tagged = any(m is not None for _, m, _ in stack)
            in_artifact = any(t == "Artifact" for t, _, _ in stack)
            if tag == "Artifact" and tagged:
                scan.artifact_in_tagged += 1
            if mcid is not None and in_artifact:
                scan.tagged_in_artifact += 1
            if tag == "Span" and props is not None and not catalog_lang and not lang \
                    and not any(h for _, _, h in stack) and any(k in props for k in ("/Alt", "/ActualText", "/E")):
                scan.span_text_without_lang += 1
            stack.append((tag or "", mcid, lang))
        elif o == "EMC":
            if stack:
                stack.pop()
        else:
            if o == "Do":
                xo = xobjects.get(str(operands[0])) if isinstance(xobjects, pikepdf.Dictionary) and operands else None
                if not isinstance(xo, pikepdf.Stream) or xo.get("/Subtype") != pikepdf.Name("/Image"):
                    continue                      # form XObjects carry their own marked content
            in_artifact = any(t == "Artifact" for t, _, _ in stack)
            if in_artifact:
                continue
            if not any(m is not None for _, m, _ in stack):
                scan.untagged += 1
            elif o in ("Tj", "TJ", "'", '"') and not catalog_lang and not any(h for _, _, h in stack):
                scan.text_without_lang += 1
    return scan


# ----------------------------------------------------------------------------- citing the part


def cite_part(refs: list[str], part: int) -> list[str]:
    """A PDF/UA finding's references narrowed to the part the file claims: ISO 14289-1 clauses and
    Matterhorn checkpoints for PDF/UA-1, ISO 14289-2 clauses for PDF/UA-2 (Matterhorn covers part 1
    only). When a rule cites nothing of that part, its references stay as they are."""
    other = ("ISO14289-1:", "matterhorn:") if part == 2 else ("ISO14289-2:",)
    own = "ISO14289-2:" if part == 2 else "ISO14289-1:"
    if not any(r.startswith(own) for r in refs):
        return refs
    return [r for r in refs if not r.startswith(other)]
