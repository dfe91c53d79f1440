"""Tagged PDF whose structure MuPDF does not report → Document, from the structure tree itself.

MuPDF's structure device misses many real tagged PDFs (PDF 2.0 files from LaTeX's tagpdf, Chrome's
Skia PDFs, files with role maps or marked-content references spread over pages). Here the tree is
walked with pikepdf — role maps resolved, ``/Alt``, ``/ActualText``, ``/Lang`` and table attributes
(``/Scope``, ``/RowSpan``, ``/ColSpan``) read on each element — and the text of each marked-content
sequence comes from pdfplumber (pdfminer.six decodes the fonts and reports each character's MCID).
Tagged content is the first source of truth: the author's reading order, headings, lists, tables
with their header cells and merged cells, figures with their alt text and notes; content outside
the tree is an artifact (running headers, page numbers) and is left out and counted.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from access import document as model
from access.context import Context
from access.errors import AccessError
from converters.readers.marks import SUB, SUP, continue_paragraph, mark, marked_paragraph, plain
from converters.readers.pdf_layout import Layout
from converters.readers.pdf_tagged import add_nested, headed_table, labelled_list
from converters.readers.reflow import join_lines
from converters.readers.textnorm import SOFT_HYPHEN, normalise_text

MAX_NODES = 200_000
HEADING = re.compile(r"^H([1-6])?$")
NOTE_LABEL = re.compile(r"^(\d{1,3}|[*†‡§¶])$")
CONTAINERS = {"Document", "DocumentFragment", "Part", "Art", "Sect", "Div", "NonStruct", "Private", "Form", "Index",
              "Quote", "Reference", "BibEntry", "Annot", "Ruby", "Warichu", "Title", "Sub", "Artifact"}
INLINE = {"Span", "Link", "Em", "Strong", "Code", "Quote", "Reference", "Annot", "Ruby", "Warichu", "Sub", "Sup",
          "Lbl", "BibEntry", "Formula"}
STANDARD = CONTAINERS | INLINE | {"H", "H1", "H2", "H3", "H4", "H5", "H6", "P", "L", "LI", "LBody", "Table", "TR",
                                  "TH", "TD", "THead", "TBody", "TFoot", "Caption", "Figure", "BlockQuote", "TOC",
                                  "TOCI", "Note", "FENote", "Aside", "Formula"}


@dataclass
class MC:
    page: int           # 0-based
    mcid: int


@dataclass
class MCText:
    """The text of one marked-content sequence and where it starts and ends on its line."""

    text: str
    first: tuple[float, float, float]      # x0, baseline, size of its first glyph
    last: tuple[float, float, float]       # x1, baseline, size of its last glyph


@dataclass
class Artifacts:
    """Text outside the structure tree: running headers, footers, page numbers."""

    chars: int = 0
    lines: set[tuple[int, int]] = field(default_factory=set)      # (page, baseline)


@dataclass
class Node:
    role: str
    alt: str | None = None
    actual: str | None = None
    lang: str | None = None
    scope: str | None = None
    rowspan: int = 1
    colspan: int = 1
    kids: list[Node | MC] = field(default_factory=list)


def read_struct_tree(path: Path, pdf: Any, ctx: Context, language: str | None,
                     warnings: list[str]) -> Layout | None:
    """Blocks, notes and the count of artifact lines left out, from the structure tree; None when the
    tree cannot be read or its marked content covers too little of the text."""
    try:
        root = struct_tree(path)
    except Exception:                           # a damaged tree: infer the layout instead
        return None
    if root is None:
        return None
    try:
        texts, boxes, artifacts = marked_content(path, ctx)
    except AccessError:                         # cancelled
        raise
    except Exception:                           # pdfminer cannot read what pymupdf repaired: infer
        return None
    covered = sum(len(t.text) for t in texts.values())
    if covered == 0 or covered < 0.5 * (covered + artifacts.chars):
        return None
    builder = StructBuilder(texts, boxes, pdf, language or "en")
    builder.walk(root, builder.out)
    builder.finish()
    warnings.extend(builder.warnings)
    if not any(not isinstance(b, model.PageBreak) for b in builder.out):
        return None
    return Layout(builder.out, builder.footnotes, len(artifacts.lines))


# ----------------------------------------------------------------------------- the tree (pikepdf)


def struct_tree(path: Path) -> Node | None:
    import pikepdf

    with pikepdf.open(path) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return None
        role_map = {str(k): str(v) for k, v in (root.get("/RoleMap") or {}).items()}
        for ns in root.get("/Namespaces") or []:          # PDF 2.0: each namespace has its own role map
            for k, v in (ns.get("/RoleMapNS") or {}).items() if isinstance(ns, pikepdf.Dictionary) else []:
                target = v[0] if isinstance(v, pikepdf.Array) and len(v) else v
                role_map.setdefault(str(k), str(target))
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        count = [0]

        def role_of(name: str) -> str:
            seen = 0
            while name not in STANDARD and f"/{name}" in role_map and seen < 10:
                name = role_map[f"/{name}"].lstrip("/")
                seen += 1
            return name

        def node(obj: Any, page: int | None, depth: int) -> Node | None:
            count[0] += 1
            if count[0] > MAX_NODES or depth > 200:
                return None
            role = role_of(str(obj.get("/S", "/Div")).lstrip("/"))
            pg = obj.get("/Pg")
            if pg is not None and pg.objgen in pages:
                page = pages[pg.objgen]
            made = Node(role, alt=_text(obj.get("/Alt")), actual=_text(obj.get("/ActualText")),
                        lang=_text(obj.get("/Lang")))
            _attributes(obj.get("/A"), made)
            kids = obj.get("/K")
            items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            for kid in items:
                if isinstance(kid, int):          # pikepdf gives PDF integers as int
                    if page is not None:
                        made.kids.append(MC(page, int(kid)))
                elif isinstance(kid, pikepdf.Dictionary):
                    kind = str(kid.get("/Type", ""))
                    if kind == "/MCR":
                        kpg = kid.get("/Pg")
                        kpage = pages.get(kpg.objgen, page) if kpg is not None else page
                        if kpage is not None and "/MCID" in kid:
                            made.kids.append(MC(kpage, int(kid.MCID)))
                    elif kind == "/OBJR":
                        continue
                    elif "/S" in kid:
                        child = node(kid, page, depth + 1)
                        if child is not None:
                            made.kids.append(child)
            return made

        top = root.get("/K")
        children = list(top) if isinstance(top, pikepdf.Array) else [top] if top is not None else []
        out = Node("Document")
        for kid in children:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                child = node(kid, None, 0)
                if child is not None:
                    out.kids.append(child)
        return out


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _attributes(attrs: Any, node: Node) -> None:
    import pikepdf

    items = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []
    for a in items:
        if not isinstance(a, pikepdf.Dictionary):
            continue
        scope = a.get("/Scope")
        if scope is not None:
            node.scope = {"/Column": "col", "/Row": "row", "/Both": "col"}.get(str(scope))
        for key, attr in (("/RowSpan", "rowspan"), ("/ColSpan", "colspan")):
            value = a.get(key)
            if value is not None:
                with contextlib.suppress(TypeError, ValueError):
                    setattr(node, attr, max(1, min(int(value), 1000)))


# ----------------------------------------------------------------------------- content (pdfplumber)


def marked_content(path: Path, ctx: Context) -> tuple[dict[tuple[int, int], MCText],
                                                     dict[tuple[int, int], tuple], Artifacts]:
    """Text and box of every marked-content sequence, keyed by (page, MCID); and the text that lies
    outside any sequence (artifacts)."""
    import pdfplumber

    texts: dict[tuple[int, int], MCText] = {}
    boxes: dict[tuple[int, int], tuple] = {}
    artifacts = Artifacts()
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages):
            ctx.check_cancelled()
            ctx.progress(100 * n / max(1, len(pdf.pages)), f"reading tagged page {n + 1} of {len(pdf.pages)}")
            groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
            chars = page.chars
            mark_positions(chars)
            for char in chars:
                if char.get("mcid") is None:
                    if char["text"].strip():
                        artifacts.chars += 1
                        artifacts.lines.add((n, round(char["bottom"])))
                else:
                    groups[char["mcid"]].append(char)
            for mcid, group in groups.items():
                first, last = group[0], group[-1]
                texts[(n, mcid)] = MCText(chars_text(group), (first["x0"], first["bottom"], first["size"]),
                                          (last["x1"], last["bottom"], last["size"]))
            for kind in ("image", "rect", "curve", "line", "char"):
                for obj in page.objects.get(kind, []):
                    if obj.get("mcid") is None:
                        continue
                    key = (n, obj["mcid"])
                    b = (obj["x0"], obj["top"], obj["x1"], obj["bottom"])
                    old = boxes.get(key)
                    boxes[key] = b if old is None else (min(old[0], b[0]), min(old[1], b[1]), max(old[2], b[2]),
                                                        max(old[3], b[3]))
            page.close()
    return texts, boxes, artifacts


def mark_positions(chars: list[dict[str, Any]]) -> None:
    """Set ``_pos`` ("super", "sub" or None) on each character of a page, in content order: a glyph
    clearly smaller than the last ordinary glyph before it on the same line, with its baseline raised
    or lowered, is a superscript or subscript (aⁿ, H₂O, a footnote mark). Marked-content sequences
    may split a formula glyph by glyph, so this is judged on the page, not per sequence."""
    anchor: dict[str, Any] | None = None
    for c in chars:
        c["_pos"] = None
        if not c["text"].strip():
            continue
        if anchor is not None and c["size"] < 0.85 * anchor["size"] and \
                -anchor["size"] < c["x0"] - anchor["x1"] < 2 * anchor["size"] and \
                abs(c["bottom"] - anchor["bottom"]) < anchor["size"]:
            if c["bottom"] < anchor["bottom"] - 0.2 * anchor["size"]:
                c["_pos"] = "super"
                continue
            if c["bottom"] > anchor["bottom"] + 0.1 * anchor["size"]:
                c["_pos"] = "sub"
                continue
        anchor = c


def chars_text(chars: list[dict[str, Any]]) -> str:
    """Characters of one sequence → text: spaces where glyphs are apart, lines joined (hyphenation
    undone), raised and lowered runs marked, symbol fonts mapped."""
    out: list[str] = []
    prev: dict[str, Any] | None = None
    for c in chars:
        ch = c["text"] if c["text"] == SOFT_HYPHEN else normalise_text(c["text"], c.get("fontname", ""))
        if prev is not None:
            size = min(c["size"], prev["size"])
            if c.get("_pos") is None and prev.get("_pos") is None and abs(c["bottom"] - prev["bottom"]) > 0.6 * size:
                out.append("\n")
            elif c["x0"] - prev["x1"] > 0.2 * size and ch.strip() and not (out and out[-1].endswith(" ")):
                out.append(" ")
        position = c.get("_pos")
        out.append(mark(ch, position) if position and ch.strip() else ch)
        prev = c
    raw = "".join(out)
    text = ""
    for line in raw.split("\n"):
        text = join_lines(text, line) if text else line.strip()
    if text and raw[:1].isspace():            # a space glyph at either end separates this run from its
        text = " " + text                      # neighbours (tagged LaTeX writes real spaces)
    if text and raw[-1:].isspace():
        text += " "
    return text.replace("\x0f\x0e", "").replace("\x11\x10", "")


# ----------------------------------------------------------------------------- tree → blocks


class StructBuilder:
    def __init__(self, texts: dict[tuple[int, int], MCText], boxes: dict[tuple[int, int], tuple], pdf: Any,
                 lang: str) -> None:
        self.texts = texts
        self.boxes = boxes
        self.pdf = pdf
        self.lang = lang
        self.out: list[Any] = []
        self.footnotes: dict[str, list[Any]] = {}
        self.warnings: list[str] = []
        self.pages_seen: set[int] = set()
        self.page_labels = _labels(pdf)
        self.breaks: list[model.PageBreak] = []       # page breaks waiting for the next block

    # -- text of a subtree
    def text(self, node: Node) -> str:
        if node.actual:
            return node.actual
        return " ".join(self._text(node).text.split())

    def _text(self, node: Node) -> MCText:
        """The text of a subtree with where it starts and ends, so that runs on one line join
        without a space when they touch (a formula tagged glyph by glyph, "Lua" "TeX")."""
        joined: MCText | None = None
        for kid in node.kids:
            if isinstance(kid, MC):
                self._page(kid.page)
                part = self.texts.get((kid.page, kid.mcid))
            elif kid.role in ("Note", "FENote", "Figure", "Artifact"):
                continue
            else:
                part = self._text(kid) if not kid.actual else MCText(kid.actual, (0, 0, 0), (0, 0, 0))
                if part is not None and kid.role in ("Sup", "Sub") and plain(part.text).strip():
                    part = MCText(mark(plain(part.text), "super" if kid.role == "Sup" else "sub"), part.first,
                                  part.last)
            if part is None or not part.text:
                continue
            joined = part if joined is None else MCText(self._join(joined, part), joined.first, part.last)
        return joined or MCText("", (0, 0, 0), (0, 0, 0))

    def _join(self, left: MCText, right: MCText) -> str:
        a, b = left.text, right.text
        if a.endswith(" ") or b.startswith((" ", SUP, SUB)):
            return a + b
        (x1, base1, size1), (x0, base0, size0) = left.last, right.first
        size = max(min(size0, size1), 1.0)
        if size0 and size1 and abs(base0 - base1) < 0.4 * size and -size < x0 - x1 < 0.15 * size:
            return a + b                            # the next run touches this one on the same line
        if size0 and size1 and abs(base0 - base1) < 0.4 * size:
            return f"{a} {b}"
        return join_lines(a, b, self.lang)

    def _page(self, page: int) -> None:
        """Page breaks go where a page's content first appears in reading order."""
        if page in self.pages_seen:
            return
        for p in range(min(self.pages_seen, default=-1) + 1, page + 1):
            if p not in self.pages_seen:
                self.pages_seen.add(p)
                label = self.page_labels[p] if self.page_labels else str(p + 1)
                self.breaks.append(model.PageBreak(label=label))

    def walk(self, node: Node, out: list[Any]) -> None:
        self._walk(node, out)

    def _flush_breaks(self, out: list[Any]) -> None:
        if self.breaks:
            out.extend(self.breaks)
            self.breaks = []

    def _walk(self, node: Node, out: list[Any]) -> None:
        """A container's children; text and inline elements directly inside it flow together into
        paragraphs (Chrome tags a web page's text runs and links this way, with no P around them)."""
        pending: MCText | None = None
        for kid in node.kids:
            if isinstance(kid, MC) or kid.role in INLINE - {"Formula", "Lbl"} or _inline_run(kid):
                if isinstance(kid, MC):
                    self._page(kid.page)
                    part = self.texts.get((kid.page, kid.mcid))
                else:
                    part = self._text(kid) if not kid.actual else MCText(kid.actual, (0, 0, 0), (0, 0, 0))
                if part is not None and part.text:
                    pending = part if pending is None else MCText(self._join(pending, part), pending.first, part.last)
                if isinstance(kid, Node):
                    for inner in _embedded(kid):
                        self._flow(pending, out)
                        pending = None
                        self.element(inner, out)
                continue
            self._flow(pending, out)
            pending = None
            self.element(kid, out)
        self._flow(pending, out)

    def _flow(self, pending: MCText | None, out: list[Any]) -> None:
        if pending is not None:
            self._flush_breaks(out)
            self.paragraph(" ".join(pending.text.split()), out, None)

    def element(self, node: Node, out: list[Any]) -> None:
        r = node.role
        m = HEADING.match(r)
        if m:
            text = self.text(node)
            self._flush_breaks(out)
            if plain(text).strip():
                out.append(model.Heading(level=int(m.group(1) or 2), inlines=marked_paragraph(text).inlines))
            return
        if r in ("P", "TOCI", "Caption", "Formula") or r in INLINE:
            text = self.text(node)
            self._flush_breaks(out)
            if r == "Caption" and out and isinstance(out[-1], model.Figure | model.Table) and not out[-1].caption:
                out[-1].caption = plain(text)
            elif r == "Formula":
                out.append(model.Math(text=node.alt or plain(text), display=True))
            else:
                self.paragraph(text, out, node.lang)
            for inner in _embedded(node):      # notes and figures inside the paragraph's text
                self.element(inner, out)
            return
        if r in ("L", "TOC"):
            lst = self.list_block(node)
            self._flush_breaks(out)
            if lst.items:
                out.append(lst)
            return
        if r == "Table":
            table = self.table(node)
            self._flush_breaks(out)
            out.append(table)
            return
        if r == "Figure":
            self._flush_breaks(out)
            out.append(self.figure(node))
            return
        if r in ("Note", "FENote"):
            self.note(node, out)
            return
        if r in ("Aside",):
            inner: list[Any] = []
            self._walk(node, inner)
            self._flush_breaks(out)
            out.append(model.Section(kind="aside", blocks=[b for b in inner if not isinstance(b, model.PageBreak)]))
            out.extend(b for b in inner if isinstance(b, model.PageBreak))
            return
        if r == "BlockQuote":
            inner = []
            self._walk(node, inner)
            self._flush_breaks(out)
            out.append(model.Quote(blocks=inner))
            return
        if r == "Code":
            self._flush_breaks(out)
            out.append(model.Code(text=plain(self.text(node))))
            return
        if r == "Artifact":
            return
        self._walk(node, out)

    def paragraph(self, text: str, out: list[Any], lang: str | None) -> None:
        if not plain(text).strip():
            return
        if len(out) >= 2 and isinstance(out[-1], model.PageBreak) and isinstance(out[-2], model.Paragraph) \
                and text[:1].islower() and not plain(out[-2].text).rstrip().endswith((".", "!", "?", ":")):
            continue_paragraph(out[-2], text, self.lang)
            return
        para = marked_paragraph(text)
        para.lang = lang
        out.append(para)

    def note(self, node: Node, out: list[Any]) -> None:
        """A note: its body goes to the footnotes, a reference to it stays where it was."""
        key = f"note{len(self.footnotes) + 1}"
        body: list[Any] = []
        self._walk(node, body)
        body = [b for b in body if not isinstance(b, model.PageBreak)]
        label = ""
        first = body[0] if body else None
        if isinstance(first, model.Paragraph) and first.inlines and isinstance(first.inlines[0], model.Span):
            head = first.inlines[0]
            if head.position == "super" or (len(first.inlines) == 1 and NOTE_LABEL.match(head.text.strip())):
                label = head.text.strip()
                first.inlines = first.inlines[1:]
                if not first.inlines:
                    body = body[1:]
        self.footnotes[key] = body
        last = next((b for b in reversed(out) if not isinstance(b, model.PageBreak)), None)
        ref = model.NoteRef(id=key, label=label or str(len(self.footnotes)))
        if isinstance(last, model.Paragraph):
            marks = [k for k, i in enumerate(last.inlines) if isinstance(i, model.Span) and i.position == "super"
                     and i.text.strip() == label]
            if marks:
                last.inlines[marks[-1]] = ref      # the raised mark is the reference
            else:
                last.inlines.append(ref)
        else:
            out.append(model.Paragraph(inlines=[ref]))

    def list_block(self, node: Node) -> model.ListBlock:
        items: list[model.ListItem] = []
        labels: list[str] = []
        for li in node.kids:
            if not isinstance(li, Node):
                continue
            if li.role in ("L", "TOC"):
                add_nested(items, self.list_block(li))
                continue
            blocks: list[Any] = []
            for part in li.kids if li.role in ("LI", "TOCI") else [li]:
                if isinstance(part, Node) and part.role == "Lbl":
                    labels.append(plain(self.text(part)))
                elif isinstance(part, Node):
                    self.element(part, blocks)
                else:
                    mc = self.texts.get((part.page, part.mcid))
                    self.paragraph(mc.text if mc else "", blocks, None)
            self._flush_breaks(blocks)
            content = [b for b in blocks if not isinstance(b, model.PageBreak)]
            if content:
                items.append(model.ListItem(blocks=content))
        return labelled_list(items, labels)

    def table(self, node: Node) -> model.Table:
        rows: list[model.Row] = []
        caption: str | None = None
        head_rows = 0

        def collect(el: Node, in_head: bool) -> None:
            nonlocal caption, head_rows
            for kid in el.kids:
                if not isinstance(kid, Node):
                    continue
                if kid.role in ("THead", "TBody", "TFoot"):
                    collect(kid, kid.role == "THead")
                elif kid.role == "Caption":
                    caption = plain(self.text(kid))
                elif kid.role == "TR":
                    cells = []
                    for c in kid.kids:
                        if isinstance(c, Node) and c.role in ("TH", "TD"):
                            blocks: list[Any] = []
                            text = self.text(c)
                            if plain(text).strip():
                                blocks.append(marked_paragraph(text))
                            for inner in _embedded(c):
                                self.element(inner, blocks)
                            cells.append(model.Cell(blocks=blocks, header=c.role == "TH", scope=c.scope,
                                                    rowspan=c.rowspan, colspan=c.colspan))
                    if cells and (in_head or all(x.header for x in cells)) and len(rows) == head_rows:
                        head_rows += 1
                    rows.append(model.Row(cells=cells))

        collect(node, False)
        return headed_table(rows, head_rows, caption)

    def figure(self, node: Node) -> model.Figure:
        """The figure's picture is what its marked content covers on the page, rendered; its alt text
        is the element's /Alt (None when the author gave none)."""
        mcs = list(_mcs(node))
        page = mcs[0].page if mcs else None
        boxes = [self.boxes[(mc.page, mc.mcid)] for mc in mcs if (mc.page, mc.mcid) in self.boxes and mc.page == page]
        image = None
        if page is not None and boxes:
            self._page(page)
            x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
            x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
            if x1 - x0 >= 4 and y1 - y0 >= 4:
                import pymupdf

                pix = self.pdf[page].get_pixmap(clip=pymupdf.Rect(x0, y0, x1, y1), dpi=150)
                image = pix.tobytes("png")
        return model.Figure(image=image, media_type="image/png" if image else None, alt=node.alt,
                            source_ref=f"page {page + 1} (tagged figure)" if page is not None else "tagged figure")

    def finish(self) -> None:
        self._flush_breaks(self.out)


def _inline_run(node: Node) -> bool:
    """A NonStruct or Span grouping only text and inline elements (how Chrome tags a run of text)."""
    return node.role in ("NonStruct", "Span") and all(
        isinstance(k, MC) or k.role in INLINE or k.role in ("Figure", "Note", "FENote") or _inline_run(k)
        for k in node.kids)


def _embedded(node: Node) -> Any:
    """Notes and figures tagged inside a paragraph or an inline element, outermost first."""
    for kid in node.kids:
        if isinstance(kid, Node):
            if kid.role in ("Note", "FENote", "Figure"):
                yield kid
            else:
                yield from _embedded(kid)


def _mcs(node: Node) -> Any:
    for kid in node.kids:
        if isinstance(kid, MC):
            yield kid
        else:
            yield from _mcs(kid)


def _labels(pdf: Any) -> list[str] | None:
    try:
        if not pdf.has_page_labels():
            return None
        return [p.get_label() or str(k + 1) for k, p in enumerate(pdf)]
    except Exception:
        return None
