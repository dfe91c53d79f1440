"""One generic builder for test PDFs, driven by a declarative description (a fixture case's ``pdf:``).

A tagged PDF is an HTML page printed by headless Chromium, then changed by a short list of
structure edits made with pikepdf; an untagged PDF is pages drawn with pymupdf::

    page: lecture                  # fixtures/pages/lecture.html, printed to a tagged PDF
    html: <p lang="fr">…</p>       # … or the page itself
    pages:                         # … or untagged pages drawn with pymupdf, each a list of items:
      - - {text: Plants make food, size: 12, font: tiro}   # a paragraph, flowed down the page
        - {text: Plants make food, repeat: 3}               # three such paragraphs
        - {text: Exam, box: [80, 320, 530, 390], color: [1, 1, 1]}   # text in a box
        - {text: Name, at: [72, 90]}                        # one line of text at a point
        - {rect: [72, 300, 540, 400], fill: [0.15, 0.15, 0.3]}   # a filled rectangle
        - {field: student_number, box: [180, 75, 400, 95], tooltip: Student number}   # a text field
        - {note: Check your units, at: [300, 80]}          # a sticky-note annotation
        - {scan: Plants make food, box: [72, 72, 540, 700], dpi: 100}   # the page is a picture of text
      - {repeat: 22, items: [{text: "Chapter {n}"}]}        # 22 pages (see rules.fixturebuild.expand)
    edits:                         # structure edits (pikepdf), applied in order:
      - {rename: {from: H2, to: H4, first: true}}           # structure element type (parent: LI …)
      - {delete_key: {tag: Figure, key: Alt}}               # a key of structure elements …
      - {delete_key: {in: viewer-preferences, key: DisplayDocTitle}}   # … or of: catalog, info,
      - {set_key: {in: links, key: Contents, value: Reading list}}   # viewer-preferences, pages, fonts, links
      - {xmp: {"dc:title": Week 3, "pdfuaid:part": "1"}}   # XMP metadata entries
      - {set_key: {in: role-map, key: Para, value: /P}}     # more places: role-map, mark-info,
      #   struct-tree-root, cid-fonts (the descendant fonts of composite fonts), font-resources
      - {set_key: {in: catalog, key: OCProperties, value: {D: {AS: []}}}}   # values: /Name, text,
      #   numbers, true/false, lists, dicts, and {stream: text} for a stream
      - {add_annot: {annot: {Subtype: /TrapNet, Rect: [0, 0, 50, 50]}, tag: Annot}}   # an annotation on
      #   page 1, optionally owned (OBJR) by a new structure element of type ``tag`` under the first one
      - {add_content: {ops: "/Artifact BMC 0 0 m 10 0 l S EMC"}}   # operators appended to page 1's content
    draw: [{page: 1, text: DRAFT, at: [72, 780]}]          # items drawn onto built pages (untagged)
    title: Example                 # the Info title
    bookmarks: true                # one bookmark per page
    encrypt: {accessibility: false}   # AES-128 with owner password "owner", no user password

Colours are ``[r, g, b]`` from 0 to 1; sizes in points; fonts are pymupdf's base-14 names
(``helv``, ``tiro`` …). An edit that changes nothing is an error, so a fixture cannot silently stop
testing what it claims to.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pymupdf

from access.config import get_settings
from access.errors import EngineFailed
from rules.fixturebuild import cached_file, checked, expand

PAGES = Path(__file__).parent / "fixtures" / "pages"
DOCUMENT_KEYS = "page html pages edits draw title bookmarks encrypt"
ITEM_KEYS = "text size font color box at rect fill field tooltip note scan dpi page"
EDIT_KEYS = {"rename": "from to first parent", "set_key": "tag in key value first parent",
             "delete_key": "tag in key first parent", "add_annot": "annot tag", "add_content": "ops"}
XMP_NAMESPACES = {"pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}
OWNER_PASSWORD = "owner"


def build_pdf(description: dict[str, Any], out: Path | None = None) -> Path:
    """The PDF ``description`` describes (built once per process; copied to ``out`` when given)."""
    return cached_file(description, ".pdf", lambda path: _make(description, path), out)


def chromium_print(html: str, out: Path) -> Path:
    """Print HTML to a tagged PDF with headless Chromium (outline and tags on)."""
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="access-pdf-") as tmp:
        src = Path(tmp) / "page.html"
        src.write_text(html, encoding="utf-8")
        cmd = [settings.chromium_path, "--headless=new", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp}/profile",
               "--no-pdf-header-footer", "--generate-pdf-document-outline", f"--print-to-pdf={out}",
               src.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
    if not out.exists() or out.stat().st_size == 0:
        raise EngineFailed(f"Chromium did not print the PDF: {proc.stderr[-400:]!r}")
    return out


def _make(d: dict[str, Any], out: Path) -> None:
    checked(d, DOCUMENT_KEYS, "PDF description")
    with tempfile.TemporaryDirectory(prefix="access-pdf-build-") as tmp:
        doc: pymupdf.Document | None = None
        if "pages" in d:
            doc = pymupdf.open()
            for items in expand(d["pages"]):
                page = doc.new_page()
                _draw(page, checked(items, "items", "PDF page")["items"] if isinstance(items, dict) else items)
            source = None
        else:
            html = d["html"] if "html" in d else (PAGES / f"{d['page']}.html").read_text(encoding="utf-8")
            source = cached_file({"html": html}, ".pdf", lambda path: chromium_print(html, path))
        if d.get("edits"):
            if doc is not None:
                source = Path(tmp) / "drawn.pdf"
                doc.save(source)
                doc.close()
            edited = Path(tmp) / "edited.pdf"
            with pikepdf.open(source) as pdf:
                for edit in d["edits"]:
                    _edit(pdf, edit)
                pdf.save(edited)
            doc, source = None, edited
        if doc is None and not {"draw", "title", "bookmarks", "encrypt"} & set(d):
            shutil.copyfile(source, out)                 # the printed (and edited) file as it is
            return
        _finish(doc or pymupdf.open(source), d, out)


def _finish(doc: pymupdf.Document, d: dict[str, Any], out: Path) -> None:
    for item in d.get("draw", []):
        _draw(doc[int(item["page"]) - 1], [item])
    if "title" in d:
        doc.set_metadata({"title": d["title"]})
    if d.get("bookmarks"):
        doc.set_toc([[1, f"Page {i}", i] for i in range(1, doc.page_count + 1)])
    encrypt = d.get("encrypt")
    if encrypt is None:
        doc.save(out)
    else:
        allowed = pymupdf.PDF_PERM_PRINT | (pymupdf.PDF_PERM_ACCESSIBILITY if encrypt.get("accessibility") else 0)
        doc.save(out, encryption=pymupdf.PDF_ENCRYPT_AES_128, owner_pw=OWNER_PASSWORD,
                 user_pw=encrypt.get("user", ""), permissions=allowed)
    doc.close()


# ----------------------------------------------------------------------------- drawing (pymupdf)


def _draw(page: pymupdf.Page, items: list[dict[str, Any]]) -> None:
    y = 72.0                                             # where the next flowed paragraph starts
    for item in expand(items):
        checked(item, ITEM_KEYS, "PDF page item")
        size = float(item.get("size", 12))
        text_style = {"fontsize": size, "fontname": item.get("font", "helv")}
        if "color" in item:
            text_style["color"] = tuple(item["color"])
        if "scan" in item:
            _scan(page, item["scan"], item.get("box", [72, 72, 540, 700]), size, int(item.get("dpi", 100)))
        elif "field" in item:
            widget = pymupdf.Widget()
            widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
            widget.field_name = item["field"]
            widget.rect = pymupdf.Rect(item["box"])
            if item.get("tooltip"):
                widget.field_label = item["tooltip"]
            page.add_widget(widget)
        elif "note" in item:
            page.add_text_annot(tuple(item["at"]), item["note"])
        elif "rect" in item:
            page.draw_rect(pymupdf.Rect(item["rect"]), color=None, fill=tuple(item["fill"]))
        elif "at" in item:
            page.insert_text(tuple(item["at"]), item["text"], **text_style)
        elif "box" in item:
            page.insert_textbox(pymupdf.Rect(item["box"]), item["text"], **text_style)
        else:
            page.insert_textbox(pymupdf.Rect(72, y, 540, 760), item["text"], **text_style)
            y += size * 1.4 * (1 + len(item["text"]) // 80) + 12


def _scan(page: pymupdf.Page, text: str, box: list[float], size: float, dpi: int) -> None:
    """The whole page becomes a picture of ``text`` (as a scanner makes it): no text layer."""
    scratch = pymupdf.open()
    drawn = scratch.new_page(width=page.rect.width, height=page.rect.height)
    drawn.insert_textbox(pymupdf.Rect(box), text, fontsize=size)
    page.insert_image(page.rect, pixmap=drawn.get_pixmap(dpi=dpi))
    scratch.close()


# ----------------------------------------------------------------------------- structure edits (pikepdf)


def _edit(pdf: pikepdf.Pdf, edit: dict[str, Any]) -> None:
    if not isinstance(edit, dict) or len(edit) != 1:
        raise ValueError(f"a PDF edit is one of {', '.join([*EDIT_KEYS, 'xmp'])}: {edit!r}")
    (kind, spec), = edit.items()
    if kind in EDIT_KEYS:
        checked(spec, EDIT_KEYS[kind], f"PDF edit {kind}")
    if kind == "xmp":
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            for key, value in spec.items():
                prefix = key.split(":")[0]
                if prefix in XMP_NAMESPACES:
                    meta.register_xml_namespace(XMP_NAMESPACES[prefix], prefix)
                meta[key] = value
        return
    if kind == "add_annot":
        _add_annot(pdf, spec["annot"], spec.get("tag"))
        return
    if kind == "add_content":
        pdf.pages[0].contents_add(pdf.make_stream(("\n" + spec["ops"] + "\n").encode()), prepend=False)
        return
    if kind == "rename":
        targets = list(_elements(pdf, spec["from"], spec.get("parent")))
        targets = targets[:1] if spec.get("first") else targets
        for el in targets:
            el.S = pikepdf.Name("/" + spec["to"])
    elif kind in ("set_key", "delete_key"):
        key = "/" + spec["key"]
        targets = list(_elements(pdf, spec["tag"], spec.get("parent")) if "tag" in spec else _objects(pdf, spec["in"]))
        targets = targets[:1] if spec.get("first") else targets
        if kind == "delete_key":
            targets = [t for t in targets if key in t]
        for obj in targets:
            if kind == "set_key":
                obj[key] = _value(spec["value"], pdf)
            elif key in obj:                             # a font shared by several pages is one object
                del obj[key]
    else:
        raise ValueError(f"unknown PDF edit {kind!r}")
    if not targets:
        raise ValueError(f"the PDF edit {edit} changed nothing")


def _value(value: Any, pdf: pikepdf.Pdf | None = None) -> Any:
    """A YAML value as a PDF object: ``/Name``, text, number, boolean, list, dictionary, or
    ``{stream: text}`` (a stream, which needs the ``pdf`` it goes into)."""
    if isinstance(value, str):
        return pikepdf.Name(value) if value.startswith("/") else pikepdf.String(value)
    if isinstance(value, list):
        return pikepdf.Array([_value(v, pdf) for v in value])
    if isinstance(value, dict):
        if set(value) == {"stream"} and pdf is not None:
            return pdf.make_stream(str(value["stream"]).encode())
        return pikepdf.Dictionary({"/" + k: _value(v, pdf) for k, v in value.items()})
    return value


def _add_annot(pdf: pikepdf.Pdf, annot: dict[str, Any], tag: str | None) -> None:
    page = pdf.pages[0]
    obj = pdf.make_indirect(_value({"Type": "/Annot", **annot}, pdf))
    obj.P = page.obj
    if "/Annots" not in page.obj:
        page.obj.Annots = pikepdf.Array()
    page.obj.Annots.append(obj)
    if tag is None:
        return
    top = next(_elements(pdf, "Document"), None)
    if top is None:
        raise ValueError("add_annot with a tag needs a Document structure element")
    elem = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + tag), P=top, Pg=page.obj,
        K=pikepdf.Array([pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=obj, Pg=page.obj)])))
    kids = top.get("/K")
    top.K = pikepdf.Array([*(list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []),
                           elem])


def _elements(pdf: pikepdf.Pdf, typ: str, parent: str | None = None) -> Iterator[pikepdf.Dictionary]:
    """Structure elements of type ``typ`` (under a ``parent`` type, when given), in document order."""
    tree = pdf.Root.get("/StructTreeRoot")
    stack: list[tuple[Iterator[Any], str | None]] = [(_kids(tree.get("/K") if tree is not None else None), None)]
    while stack:
        kids, parent_type = stack[-1]
        kid = next(kids, _END)
        if kid is _END:
            stack.pop()
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if str(kid.S) == "/" + typ and (parent is None or parent_type == parent):
                yield kid
            stack.append((_kids(kid.get("/K")), str(kid.S)[1:]))


_END = object()


def _kids(k: Any) -> Iterator[Any]:
    return iter(list(k) if isinstance(k, pikepdf.Array) else [k])


def _objects(pdf: pikepdf.Pdf, place: str) -> list[pikepdf.Dictionary]:
    """The dictionaries ``in:`` names: catalog, info, viewer-preferences, pages, fonts, links."""
    if place == "catalog":
        return [pdf.Root]
    if place == "info":
        return [pdf.docinfo]
    if place == "viewer-preferences":
        return [pdf.Root.ViewerPreferences] if "/ViewerPreferences" in pdf.Root else []
    if place == "pages":
        return [page.obj for page in pdf.pages]
    if place == "fonts":
        return [font for page in pdf.pages for _, font in page.obj.Resources.get("/Font", {}).items()]
    if place in ("role-map", "struct-tree-root"):
        tree = pdf.Root.get("/StructTreeRoot")
        if not isinstance(tree, pikepdf.Dictionary):
            return []
        if place == "role-map" and "/RoleMap" not in tree:
            tree.RoleMap = pikepdf.Dictionary()
        return [tree.RoleMap if place == "role-map" else tree]
    if place == "mark-info":
        return [pdf.Root.MarkInfo] if "/MarkInfo" in pdf.Root else []
    if place == "font-resources":
        return [page.obj.Resources.Font for page in pdf.pages if "/Font" in page.obj.get("/Resources", {})]
    if place == "cid-fonts":
        return [f.DescendantFonts[0] for f in _objects(pdf, "fonts") if "/DescendantFonts" in f]
    if place == "links":
        return [a for page in pdf.pages for a in page.obj.get("/Annots", [])
                if a.get("/Subtype") == pikepdf.Name("/Link")]
    raise ValueError(f"unknown PDF place {place!r} (catalog, info, viewer-preferences, pages, fonts, links, "
                     "role-map, struct-tree-root, mark-info, cid-fonts, font-resources)")
