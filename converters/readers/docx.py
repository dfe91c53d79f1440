"""DOCX → Document (python-docx + lxml, no entities resolved, no network).

Styles become headings (Heading 1-6, Title, outline levels), numbering becomes lists (bullet or
ordered, nested by level), tables keep their header rows (w:tblHeader, or the first row when the
table style marks it), images keep their alt text (wp:docPr/@descr; never invented), hyperlinks,
footnotes and the declared language (w:lang).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from access import document as model
from access.context import Context
from access.conversion import ReaderSpec
from access.errors import InvalidDocument
from access.models import ConvertOptions, SourceFile
from access.safezip import check_zip_for
from converters.readers.common import display_name, finish

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
NS = {"w": W, "r": R, "a": A, "wp": WP, "m": M}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


def read_docx(source: SourceFile, options: ConvertOptions, ctx: Context) -> model.Document:
    import docx

    path = Path(source.path)
    check_zip_for(path, ctx.settings)
    try:
        word = docx.Document(str(path))
    except Exception as exc:
        raise InvalidDocument(f"The Word file {display_name(source)!r} could not be read: {exc}") from exc
    reader = _DocxReader(word)
    doc = reader.read()
    return finish(doc, source, options, "docx")


class _DocxReader:
    def __init__(self, word: Any) -> None:
        self.word = word
        self.part = word.part
        self.styles = {s.style_id: s for s in word.styles}
        self.numbering = self._numbering_formats()
        self.warnings: list[str] = []
        self.footnotes: dict[str, list[Any]] = {}
        self.default_lang: str | None = None

    def read(self) -> model.Document:
        props = self.word.core_properties
        self.default_lang = props.language or self._default_lang()
        meta = model.Metadata(title=(props.title or None), authors=[props.author] if props.author else [],
                              subject=props.subject or None, language=self.default_lang)
        blocks: list[Any] = []
        body = self.word.element.body
        for child in body.iterchildren():
            if child.tag == q("w:p"):
                self._paragraph(child, blocks)
            elif child.tag == q("w:tbl"):
                blocks.append(self._table(child))
        doc = model.Document(metadata=meta, blocks=blocks, footnotes=self.footnotes, warnings=self.warnings)
        self._read_footnotes(doc)
        return doc

    # ------------------------------------------------------------------ metadata
    def _default_lang(self) -> str | None:
        styles = self.word.styles.element
        lang = styles.find(".//w:docDefaults//w:lang", NS)
        if lang is not None:
            return lang.get(q("w:val"))
        for el in self.word.element.body.iter(q("w:lang")):
            return el.get(q("w:val"))
        return None

    def _numbering_formats(self) -> dict[tuple[str, str], str]:
        """(numId, ilvl) → numFmt (bullet, decimal, ...)."""
        try:
            numbering = self.part.numbering_part.element
        except Exception:
            return {}
        abstract: dict[str, dict[str, str]] = {}
        for an in numbering.findall("w:abstractNum", NS):
            levels = {}
            for lvl in an.findall("w:lvl", NS):
                fmt = lvl.find("w:numFmt", NS)
                levels[lvl.get(q("w:ilvl"))] = fmt.get(q("w:val")) if fmt is not None else "decimal"
            abstract[an.get(q("w:abstractNumId"))] = levels
        out: dict[tuple[str, str], str] = {}
        for num in numbering.findall("w:num", NS):
            ref = num.find("w:abstractNumId", NS)
            if ref is None:
                continue
            for ilvl, fmt in abstract.get(ref.get(q("w:val")), {}).items():
                out[(num.get(q("w:numId")), ilvl)] = fmt
        return out

    # ------------------------------------------------------------------ paragraphs
    def _style_name(self, p: Any) -> str:
        sid = p.find("w:pPr/w:pStyle", NS)
        if sid is None:
            return "Normal"
        style = self.styles.get(sid.get(q("w:val")))
        return style.name if style is not None and style.name else sid.get(q("w:val"))

    def _heading_level(self, p: Any, style: str) -> int | None:
        m = re.match(r"^heading\s*(\d)$", style.strip(), re.I)
        if m:
            return max(1, min(6, int(m.group(1))))
        if style.lower() == "title":
            return 1
        outline = p.find("w:pPr/w:outlineLvl", NS)
        if outline is not None and outline.get(q("w:val"), "9").isdigit() and int(outline.get(q("w:val"))) < 6:
            return int(outline.get(q("w:val"))) + 1
        return None

    def _paragraph(self, p: Any, blocks: list[Any]) -> None:
        inlines, figures = self._inlines(p)
        style = self._style_name(p)
        level = self._heading_level(p, style)
        lang_el = p.find("w:pPr/w:rPr/w:lang", NS)
        has_text = any(isinstance(i, model.Span) and i.text.strip() for i in inlines)
        if level is not None and has_text:
            blocks.append(model.Heading(level=level, inlines=_trim(inlines)))
        elif has_text:
            para = model.Paragraph(inlines=_trim(inlines), lang=None)
            num = p.find("w:pPr/w:numPr", NS)
            if num is not None and num.find("w:numId", NS) is not None \
                    and num.find("w:numId", NS).get(q("w:val")) != "0":
                num_id = num.find("w:numId", NS).get(q("w:val"))
                ilvl_el = num.find("w:ilvl", NS)
                ilvl = ilvl_el.get(q("w:val")) if ilvl_el is not None else "0"
                fmt = self.numbering.get((num_id, ilvl), "bullet")
                _add_list_item(blocks, para, int(ilvl), ordered=fmt not in ("bullet", "none"))
            elif style.lower().startswith("list bullet") or style.lower().startswith("list number"):
                m = re.search(r"(\d)$", style)
                _add_list_item(blocks, para, int(m.group(1)) - 1 if m else 0,
                               ordered=style.lower().startswith("list number"))
            elif style.lower() in ("quote", "intense quote"):
                blocks.append(model.Quote(blocks=[para]))
            else:
                blocks.append(para)
            if lang_el is not None and lang_el.get(q("w:val")):
                para.lang = lang_el.get(q("w:val"))
        blocks.extend(figures)

    def _inlines(self, p: Any) -> tuple[list[Any], list[model.Figure]]:
        inlines: list[Any] = []
        figures: list[model.Figure] = []
        for child in p.iterchildren():
            if child.tag == q("w:r"):
                self._run(child, inlines, figures, None)
            elif child.tag == q("w:hyperlink"):
                rid = child.get(q("r:id"))
                href = None
                if rid and rid in self.part.rels:
                    rel = self.part.rels[rid]
                    href = rel.target_ref if rel.is_external else None
                for r in child.findall("w:r", NS):
                    self._run(r, inlines, figures, href)
            elif child.tag in (q("w:ins"), q("w:smartTag"), q("w:customXml")):
                for r in child.iter(q("w:r")):
                    self._run(r, inlines, figures, None)
            elif child.tag in (q("m:oMath"), q("m:oMathPara")):
                # an equation: kept as its linear text (the reader hears "x = 2", not nothing)
                linear = "".join(t.text or "" for t in child.iter(q("m:t"))).strip()
                if linear:
                    inlines.append(model.Span(text=f" {linear} ", code=False))
        return _merge(inlines), figures

    def _run(self, r: Any, inlines: list[Any], figures: list[model.Figure], href: str | None) -> None:
        rpr = r.find("w:rPr", NS)
        strong = rpr is not None and _on(rpr.find("w:b", NS))
        emphasis = rpr is not None and _on(rpr.find("w:i", NS))
        align = rpr.find("w:vertAlign", NS) if rpr is not None else None
        position = {"superscript": "super", "subscript": "sub"}.get(align.get(q("w:val"), "")) \
            if align is not None else None
        lang_el = rpr.find("w:lang", NS) if rpr is not None else None
        lang = lang_el.get(q("w:val")) if lang_el is not None else None
        if lang and self.default_lang and lang.split("-")[0].lower() == self.default_lang.split("-")[0].lower():
            lang = None                          # only a change of language is worth marking
        for el in r.iterchildren():
            if el.tag == q("w:t"):
                inlines.append(model.Span(text=el.text or "", strong=strong, emphasis=emphasis, href=href, lang=lang,
                                          position=position))
            elif el.tag == q("w:tab") or el.tag in (q("w:br"), q("w:cr")):
                inlines.append(model.Span(text=" "))
            elif el.tag == q("w:footnoteReference"):
                fid = el.get(q("w:id"))
                inlines.append(model.NoteRef(id=f"fn{fid}", label=str(len(self.footnotes) + 1)))
                self.footnotes.setdefault(f"fn{fid}", [])
            elif el.tag == q("w:drawing"):
                fig = self._drawing(el)
                if fig is not None:
                    figures.append(fig)

    def _drawing(self, drawing: Any) -> model.Figure | None:
        doc_pr = drawing.find(".//wp:docPr", NS)
        blip = drawing.find(".//a:blip", NS)
        if blip is None:
            return None
        alt = doc_pr.get("descr") if doc_pr is not None else None
        decorative = drawing.find(".//{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative")
        rid = blip.get(q("r:embed"))
        image, media_type = None, None
        if rid and rid in self.part.related_parts:
            part = self.part.related_parts[rid]
            media_type = getattr(part, "content_type", None)
            image = part.blob
        if media_type not in IMAGE_TYPES:
            self.warnings.append(f"An image in an unsupported format ({media_type}) was kept as a marked figure "
                                 "without the image.")
            image = None
        ref = doc_pr.get("name") if doc_pr is not None else None
        return model.Figure(image=image, media_type=media_type if image else None, alt=alt or None,
                            decorative=decorative is not None and decorative.get("val") in ("1", "true"),
                            source_ref=ref)

    # ------------------------------------------------------------------ tables
    def _table(self, tbl: Any) -> model.Table:
        rows = []
        header_rows = 0
        look = tbl.find("w:tblPr/w:tblLook", NS)
        first_row_flag = look is not None and (look.get(q("w:firstRow")) in ("1", "true")
                                               or (int(look.get(q("w:val"), "0"), 16) & 0x20 if
                                                   re.fullmatch(r"[0-9A-Fa-f]+", look.get(q("w:val"), "0") or "0")
                                                   else False))
        for k, tr in enumerate(tbl.findall("w:tr", NS)):
            is_header = tr.find("w:trPr/w:tblHeader", NS) is not None
            if is_header and k == header_rows:
                header_rows += 1
            cells = []
            col = 0
            for tc in tr.findall("w:tc", NS):
                blocks: list[Any] = []
                for p in tc.findall("w:p", NS):
                    self._paragraph(p, blocks)
                span = tc.find("w:tcPr/w:gridSpan", NS)
                colspan = int(span.get(q("w:val"), "1")) if span is not None and \
                    span.get(q("w:val"), "1").isdigit() else 1
                merge = tc.find("w:tcPr/w:vMerge", NS)
                if merge is not None and merge.get(q("w:val"), "continue") != "restart":
                    above = _cell_at(rows, col)             # continues the merged cell above: one taller cell
                    if above is not None:
                        above.rowspan += 1
                        col += colspan
                        continue
                cells.append(model.Cell(blocks=blocks, colspan=colspan))
                col += colspan
            rows.append(model.Row(cells=cells))
        if header_rows == 0 and first_row_flag and len(rows) > 1:
            header_rows = 1
        if header_rows:                        # header cells that span rows make those rows header rows too
            header_rows = min(len(rows), max([header_rows] + [k + c.rowspan for k, r in enumerate(rows[:header_rows])
                                                              for c in r.cells]))
        for r in rows[:header_rows]:
            for c in r.cells:
                c.header, c.scope = True, "col"
        return model.Table(rows=rows, header_rows=header_rows)

    # ------------------------------------------------------------------ footnotes
    def _read_footnotes(self, doc: model.Document) -> None:
        if not self.footnotes:
            return
        part = None
        for rel in self.part.rels.values():
            if rel.reltype.endswith("/footnotes"):
                part = rel.target_part
        if part is None:
            return
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(part.blob, parser)
        for fn in root.findall("w:footnote", NS):
            key = f"fn{fn.get(q('w:id'))}"
            if key in doc.footnotes:
                blocks: list[Any] = []
                for p in fn.findall(".//w:p", NS):
                    self._paragraph(p, blocks)
                doc.footnotes[key] = blocks


def _cell_at(rows: list[model.Row], col: int) -> model.Cell | None:
    """The cell that covers grid column ``col`` in the nearest row above that has one starting there."""
    for row in reversed(rows):
        start = 0
        for cell in row.cells:
            if start == col:
                return cell
            start += cell.colspan
    return None


def _on(el: Any) -> bool:
    return el is not None and el.get(q("w:val"), "true") not in ("0", "false", "none")


def _merge(inlines: list[Any]) -> list[Any]:
    out: list[Any] = []
    for i in inlines:
        prev = out[-1] if out else None
        if isinstance(i, model.Span) and isinstance(prev, model.Span) and \
                (i.strong, i.emphasis, i.href, i.lang, i.position) == (prev.strong, prev.emphasis, prev.href,
                                                                       prev.lang, prev.position):
            out[-1] = prev.model_copy(update={"text": prev.text + i.text})
        else:
            out.append(i)
    return out


def _trim(inlines: list[Any]) -> list[Any]:
    if inlines and isinstance(inlines[0], model.Span):
        inlines[0] = inlines[0].model_copy(update={"text": inlines[0].text.lstrip()})
    if inlines and isinstance(inlines[-1], model.Span):
        inlines[-1] = inlines[-1].model_copy(update={"text": inlines[-1].text.rstrip()})
    return inlines


def _add_list_item(blocks: list[Any], para: model.Paragraph, level: int, *, ordered: bool) -> None:
    """Append an item at nesting ``level`` (0-based) to the list that ends ``blocks``."""
    if not blocks or not isinstance(blocks[-1], model.ListBlock) or (level == 0 and blocks[-1].ordered != ordered):
        blocks.append(model.ListBlock(ordered=ordered, items=[]))
    lst: model.ListBlock = blocks[-1]
    for _ in range(level):
        if not lst.items:
            lst.items.append(model.ListItem(blocks=[]))
        parent = lst.items[-1]
        if not parent.blocks or not isinstance(parent.blocks[-1], model.ListBlock):
            parent.blocks.append(model.ListBlock(ordered=ordered, items=[]))
        lst = parent.blocks[-1]
    lst.items.append(model.ListItem(blocks=[para]))


READER = ReaderSpec("docx", read_docx, "Word: heading styles, lists, tables, images with alt text, links, footnotes")
