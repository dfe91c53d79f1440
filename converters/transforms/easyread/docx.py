"""Easy-read DOCX (python-docx) an editor can finish by hand.

Large Arial text, left aligned, 1.5 line spacing, space after each line; every idea is its own
paragraph with a wide left indent, so a picture can be placed beside it; the glossary and the
summary boxes use shaded, bordered paragraphs; headings use Word's heading styles (so the
navigation pane and accessibility checker work). Document language and title are set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from access.document import Document, Heading, ListBlock, Paragraph, Section, Span, Table, block_text

FONT = "Arial"
BODY_PT = 16
IDEA_INDENT_CM = 4.0


def _shade(paragraph: Any, fill: str, border: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "18")
        el.set(qn("w:space"), "6")
        el.set(qn("w:color"), border)
        borders.append(el)
    ppr.append(borders)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


def _set_language(doc: Any, lang: str) -> None:
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults"))
    if rpr_default is None:
        return
    for lang_el in rpr_default.iter(qn("w:lang")):
        lang_el.set(qn("w:val"), lang)


def _runs(paragraph: Any, spans: list[Any]) -> None:
    for span in spans:
        if isinstance(span, Span) and span.text:
            run = paragraph.add_run(span.text)
            run.bold = span.strong or None


def _style_base(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
    fmt = normal.paragraph_format
    fmt.line_spacing = 1.5
    fmt.space_after = Pt(12)
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    rfonts = normal.element.rPr.find(qn("w:rFonts")) if normal.element.rPr is not None else None
    if rfonts is not None:
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), FONT)
    for name, size in (("Title", 28), ("Heading 1", 24), ("Heading 2", 20), ("Heading 3", 18)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)


def _idea(doc: Any, spans: list[Any]) -> None:
    para = doc.add_paragraph()
    para.paragraph_format.left_indent = Cm(IDEA_INDENT_CM)
    para.paragraph_format.space_after = Pt(18)
    _runs(para, spans)


def _list(doc: Any, block: ListBlock, depth: int = 0) -> None:
    for item in block.items:
        for sub in item.blocks:
            if isinstance(sub, ListBlock):
                _list(doc, sub, depth + 1)
            elif isinstance(sub, Paragraph):
                para = doc.add_paragraph()
                para.style = _styles(doc)["List Bullet" if depth == 0 else "List Bullet 2"]
                para.paragraph_format.left_indent = Cm(IDEA_INDENT_CM + 0.8 * (depth + 1))
                _runs(para, sub.inlines)


_STYLE_CACHE: dict[int, dict[str, Any]] = {}


def _styles(doc: Any) -> dict[str, Any]:
    """Styles resolved once per document (python-docx looks names up slowly)."""
    key = id(doc)
    if key not in _STYLE_CACHE:
        _STYLE_CACHE.clear()
        _STYLE_CACHE[key] = {s.name: s for s in doc.styles}
    return _STYLE_CACHE[key]


def _table(doc: Any, table: Table) -> None:
    n_cols = max((len(r.cells) for r in table.rows), default=0)
    if not n_cols:
        return
    out = doc.add_table(rows=0, cols=n_cols)
    out.style = "Table Grid"
    for row in table.rows:
        cells = out.add_row().cells
        for i, cell in enumerate(row.cells[:n_cols]):
            cells[i].text = cell.text


def write_docx(doc: Document, path: Path) -> Path:
    out = new_docx()
    _style_base(out)
    lang = doc.metadata.language or "en"
    _set_language(out, lang)
    out.core_properties.title = f"Easy read: {doc.metadata.title or ''}".strip()
    out.core_properties.language = lang
    out.core_properties.comments = "Machine-simplified draft: needs a check by easy-read reviewers."
    for warning in doc.quality_warnings:         # the document-quality gate's findings, first of all
        para = out.add_paragraph()
        para.add_run("Warning: ").bold = True
        para.add_run(warning)
        _shade(para, "FDECEA", "A4262C")
    for block in doc.blocks:
        if isinstance(block, Heading):
            if block.level == 1:
                out.add_heading(block.text, level=0)
            else:
                out.add_heading(block.text, level=min(block.level - 1, 9))
        elif isinstance(block, Section) and block.label == "note":
            para = out.add_paragraph()
            para.add_run("Please note: ").bold = True
            para.add_run(block_text(block))
            _shade(para, "FFF4D6", "8A5A00")
        elif isinstance(block, Section) and block.label == "glossary":
            out.add_heading("Words to know", level=1)
            for lst in block.blocks:
                if isinstance(lst, ListBlock):
                    for item in lst.items:
                        for sub in item.blocks:
                            if isinstance(sub, Paragraph):
                                para = out.add_paragraph()
                                _runs(para, sub.inlines)
                                _shade(para, "F2F2F2", "767676")
        elif isinstance(block, Section) and block.label == "summary":
            for sub in block.blocks:
                if isinstance(sub, Paragraph):
                    para = out.add_paragraph()
                    _runs(para, sub.inlines)
                    _shade(para, "EAF2FB", "1F5FA8")
        elif isinstance(block, Section):
            for sub in block.blocks:
                if isinstance(sub, Paragraph):
                    _idea(out, sub.inlines)
                elif isinstance(sub, ListBlock):
                    _list(out, sub)
                elif isinstance(sub, Table):
                    _table(out, sub)
                elif block_text(sub):
                    _idea(out, [Span(text=block_text(sub))])
    path.parent.mkdir(parents=True, exist_ok=True)
    out.save(str(path))
    return path
