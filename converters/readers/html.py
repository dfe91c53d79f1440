"""HTML → Document (lxml, no network, nothing executed): the main content (``<main>``, else
``<article>``, else ``<body>`` without nav/header/footer/aside boilerplate), semantic elements kept
(headings, paragraphs, lists, tables with header cells, figures with alt, blockquote, pre, links,
emphasis, lang), scripts, styles, forms and embedded objects dropped."""

from __future__ import annotations

import base64
import re
from typing import Any

from lxml import etree, html

from access import document as model
from access.context import Context
from access.conversion import ReaderSpec
from access.errors import InvalidDocument
from access.limits import MAX_DEPTH, MAX_NODES, check_markup, check_tree, tree_limits
from access.models import ConvertOptions, SourceFile
from converters.readers.common import finish, read_bytes
from converters.readers.text import decode

DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "form", "button", "input",
        "select", "textarea", "canvas", "video", "audio", "nav", "header", "footer", "head"}
BLOCK_TAGS = {"p", "div", "section", "article", "main", "ul", "ol", "table", "figure", "blockquote", "pre",
              "h1", "h2", "h3", "h4", "h5", "h6", "img", "dl", "hr", "address", "details", "summary", "svg", "aside"}
DATA_URI = re.compile(r"^data:(image/(png|jpeg|gif|webp|svg\+xml));base64,(.+)$", re.S)
SVG_NS = "http://www.w3.org/2000/svg"
SVG_UNSAFE = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
# the HTML parser lower-cases attribute names; SVG's are case-sensitive
SVG_CASE = {n.lower(): n for n in ("viewBox", "preserveAspectRatio", "gradientUnits", "gradientTransform",
                                   "patternUnits", "patternTransform", "clipPathUnits", "markerWidth",
                                   "markerHeight", "refX", "refY", "textLength", "lengthAdjust", "stdDeviation",
                                   "baseFrequency", "numOctaves", "pathLength", "markerUnits", "maskUnits")}


def read_html(source: SourceFile, options: ConvertOptions, ctx: Context) -> model.Document:
    doc = parse_html(decode(read_bytes(source)), **tree_limits(ctx.settings))
    return finish(doc, source, options, "html")


def parse_html(text: str, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> model.Document:
    check_markup(text, max_nodes)
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True,
                             encoding="utf-8")
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InvalidDocument(f"The HTML could not be parsed: {exc}") from exc
    check_tree(root, max_nodes=max_nodes, max_depth=max_depth)
    title_el = root.find(".//title")
    meta = model.Metadata(title=" ".join(title_el.text_content().split()) if title_el is not None else None,
                          language=root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"))
    author = root.find(".//meta[@name='author']")
    if author is not None and author.get("content"):
        meta.authors = [author.get("content")]
    main = next((el for el in (root.find(".//main"), root.find(".//article"), root.find(".//body"))
                 if el is not None), root)
    walker = _Walker()
    blocks = walker.blocks(main)
    return model.Document(metadata=meta, blocks=blocks, warnings=walker.warnings)


class _Walker:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def blocks(self, el: Any) -> list[Any]:
        out: list[Any] = []
        pending: list[Any] = []          # inline content between block elements

        def flush() -> None:
            spans = _clean(pending)
            if spans:
                out.append(model.Paragraph(inlines=spans))
            pending.clear()

        if el.text and el.text.strip():
            pending.append(model.Span(text=el.text))
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in DROP or is_navigation(child):
                pass
            elif tag in BLOCK_TAGS or tag in ("li", "dt", "dd"):
                flush()
                out.extend(self.block(child, tag))
            elif tag:
                pending.extend(self.inlines(child))
                pictures = self.pictures(child)
                if pictures:                    # an image inside a link or a span: a figure of its own
                    flush()
                    out.extend(pictures)
            if child.tail and child.tail.strip():
                pending.append(model.Span(text=child.tail))
        flush()
        return out

    def block(self, el: Any, tag: str) -> list[Any]:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            spans = _clean(self.inlines(el, top=True))
            return [model.Heading(level=int(tag[1]), inlines=spans)] if spans else []
        if tag == "p":
            spans = _clean(self.inlines(el, top=True))
            para = [model.Paragraph(inlines=spans, lang=el.get("lang"))] if spans else []
            return para + self.pictures(el)
        if tag in ("ul", "ol"):
            items = [model.ListItem(blocks=self.blocks(li)) for li in el if getattr(li, "tag", "") == "li"]
            start = el.get("start", "1")
            return [model.ListBlock(ordered=tag == "ol", start=int(start) if start.isdigit() else 1, items=items)] \
                if items else []
        if tag == "table":
            return [self.table(el)]
        if tag == "img":
            return [self.image(el, None)]
        if tag == "svg":
            return [svg_figure(el, None)]
        if tag == "aside":
            inner = self.blocks(el)
            return [model.Section(kind="aside", blocks=inner)] if inner else []
        if tag == "figure":
            cap = el.find(".//figcaption")
            caption = " ".join(cap.text_content().split()) if cap is not None else None
            pictures = [p for p in el.iter() if getattr(p, "tag", "") in ("img", "svg")
                        and not any(getattr(a, "tag", "") == "svg" for a in p.iterancestors())]
            if pictures:
                return [self.image(p, caption) if p.tag == "img" else svg_figure(p, caption) for p in pictures]
            return self.blocks(el)
        if tag == "blockquote":
            return [model.Quote(blocks=self.blocks(el))]
        if tag == "pre":
            return [model.Code(text=el.text_content())]
        if tag == "hr":
            return []
        return self.blocks(el)

    def pictures(self, el: Any) -> list[model.Figure]:
        """The images and inline SVGs inside an inline element or a paragraph, as figures."""
        out: list[model.Figure] = []
        for pic in el.iter():
            tag = pic.tag if isinstance(pic.tag, str) else ""
            if tag == "img":
                out.append(self.image(pic, None))
            elif tag == "svg" and not any(getattr(a, "tag", "") == "svg" for a in pic.iterancestors()):
                out.append(svg_figure(pic, None))
        return out

    def inlines(self, el: Any, top: bool = False, **flags: Any) -> list[Any]:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in DROP or tag == "svg":
            return []
        f = dict(flags)
        if tag in ("strong", "b"):
            f["strong"] = True
        elif tag in ("em", "i"):
            f["emphasis"] = True
        elif tag == "code":
            f["code"] = True
        elif tag == "a" and el.get("href"):
            f["href"] = el.get("href")
        elif tag in ("sup", "sub"):
            f["position"] = "super" if tag == "sup" else "sub"
        if el.get("lang") and not top:
            f["lang"] = el.get("lang")
        out: list[Any] = []
        if tag == "br":
            out.append(model.Span(text=" ", **f))
        if el.text:
            out.append(model.Span(text=el.text, **f))
        for child in el:
            out.extend(self.inlines(child, **f))
            if child.tail:
                out.append(model.Span(text=child.tail, **flags))
        return out

    def image(self, img: Any, caption: str | None) -> model.Figure:
        alt = img.get("alt")
        src = img.get("src") or ""
        m = DATA_URI.match(src.strip())
        image = media_type = None
        if m:
            try:
                image, media_type = base64.b64decode(m.group(3)), m.group(1)
            except ValueError:
                image = None
        else:
            self.warnings.append(f"The image {src[:80]!r} is not embedded; the figure is kept without it "
                                 "(images are never downloaded).")
        return model.Figure(image=image, media_type=media_type if image else None, alt=alt,
                            decorative=alt == "" or img.get("role") in ("presentation", "none"),
                            caption=caption, source_ref=src[:200] if not m else None)

    def table(self, el: Any) -> model.Table:
        rows = []
        header_rows = 0
        cap = el.find("caption")
        for tr in own_rows(el):
            cells = []
            for c in tr:
                if getattr(c, "tag", "") not in ("td", "th"):
                    continue
                header = c.tag == "th"
                scope = c.get("scope") if c.get("scope") in ("col", "row") else None
                cells.append(model.Cell(blocks=self.blocks(c), header=header, scope=scope,
                                        colspan=_int(c.get("colspan")), rowspan=_int(c.get("rowspan"))))
            if cells and all(c.header for c in cells) and len(rows) == header_rows:
                header_rows += 1
            rows.append(model.Row(cells=cells))
        header_cols = 1 if rows[header_rows:] and all(r.cells and r.cells[0].header for r in rows[header_rows:]) \
            else 0
        return model.Table(rows=rows, header_rows=header_rows, header_cols=header_cols,
                           caption=" ".join(cap.text_content().split()) if cap is not None else None)


def own_rows(table: Any) -> list[Any]:
    """A table's own rows (its ``tr`` children and those of its thead/tbody/tfoot), not the rows
    of tables nested in its cells: walking every descendant ``tr`` made nested tables cost
    2^depth (10,000 nested tables never ended)."""
    rows = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    return rows


NAVIGATION_CLASS = re.compile(r"\bnav(?:header|footer|bar|igation|-links)?\b|\bbreadcrumbs?\b", re.I)


def is_navigation(el: Any) -> bool:
    """Page navigation that is not content: role="navigation", or a class such as DocBook's
    navheader/navfooter (its "Previous / Next / Home" tables)."""
    return el.get("role") == "navigation" or bool(NAVIGATION_CLASS.search(el.get("class") or ""))


def svg_figure(svg: Any, caption: str | None) -> model.Figure:
    """An inline SVG kept as an image/svg+xml figure (scripts, event handlers and foreign content
    removed); its text alternative is its aria-label or <title>, else None."""
    from copy import deepcopy

    clean = deepcopy(svg)
    for el in list(clean.iter()):
        local = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if local in SVG_UNSAFE:
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
            continue
        for name in list(el.attrib):
            value = el.attrib[name].strip().lower()
            if name.lower().startswith("on") or (name.endswith("href") and not value.startswith("#")):
                del el.attrib[name]
            elif name in SVG_CASE:
                el.attrib[SVG_CASE[name]] = el.attrib.pop(name)
    title = next((t for t in svg.iter() if isinstance(t.tag, str) and etree.QName(t).localname == "title"), None)
    alt = svg.get("aria-label") or (" ".join(title.text_content().split()) if title is not None else None)
    decorative = svg.get("aria-hidden") == "true" or svg.get("role") in ("presentation", "none")
    clean.set("xmlns", SVG_NS)
    data = etree.tostring(clean, encoding="utf-8", method="xml")
    return model.Figure(image=data, media_type="image/svg+xml", alt=alt or None, decorative=decorative,
                        caption=caption, source_ref="inline svg")


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 1000 else 1


def _clean(spans: list[Any]) -> list[Any]:
    """Collapse white space across spans; drop empty ones."""
    out: list[Any] = []
    for s in spans:
        text = re.sub(r"\s+", " ", s.text)
        if not text:
            continue
        if out and out[-1].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        if text:
            out.append(s.model_copy(update={"text": text}))
    if out:
        out[0] = out[0].model_copy(update={"text": out[0].text.lstrip()})
        out[-1] = out[-1].model_copy(update={"text": out[-1].text.rstrip()})
    return [s for s in out if s.text]


READER = ReaderSpec("html", read_html, "HTML (main content only; scripts and navigation dropped)")
