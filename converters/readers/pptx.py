"""PPTX → Document (python-pptx): one Section (kind "slide") per slide, the title as its heading,
the other shapes in reading order (top to bottom, left to right), bulleted text as lists, tables,
pictures with their alt text (cNvPr/@descr; never invented) and the speaker notes (a Notes block)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from access import document as model
from access.context import Context
from access.conversion import ReaderSpec
from access.errors import InvalidDocument
from access.models import ConvertOptions, SourceFile
from access.safezip import check_zip_for
from converters.blocks import text_cell, text_paragraph
from converters.readers.common import check_page_limit, clean_language, display_name, finish

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}


def read_pptx(source: SourceFile, options: ConvertOptions, ctx: Context) -> model.Document:
    from pptx import Presentation

    path = Path(source.path)
    check_zip_for(path, ctx.settings)
    try:
        prs = Presentation(str(path))
    except Exception as exc:
        raise InvalidDocument(f"The PowerPoint file {display_name(source)!r} could not be read: {exc}") from exc
    try:
        slides = list(prs.slides)           # a slide part missing or misnamed: a KeyError here
    except (KeyError, ValueError, AttributeError) as exc:
        raise InvalidDocument(f"The PowerPoint file {display_name(source)!r} is damaged: a slide cannot be "
                              f"read ({exc}).") from exc
    check_page_limit(len(slides), ctx, "slides")
    props = prs.core_properties
    doc = model.Document(metadata=model.Metadata(
        title=props.title or None, authors=[props.author] if props.author else [],
        language=clean_language(props.language), page_count=len(slides)))
    for n, slide in enumerate(slides, start=1):
        ctx.check_cancelled()
        doc.blocks.append(_slide(slide, n, doc.warnings))
    return finish(doc, source, options, "pptx")


def _slide(slide: Any, n: int, warnings: list[str]) -> model.Section:
    blocks: list[Any] = [model.PageBreak(label=f"Slide {n}", kind="slide")]
    title_shape = slide.shapes.title
    title = title_shape.text_frame.text.strip() if title_shape is not None and title_shape.has_text_frame else ""
    blocks.append(model.Heading(level=2, inlines=[model.Span(text=title or f"Slide {n}")]))
    shapes = [s for s in slide.shapes if title_shape is None or s.shape_id != title_shape.shape_id]
    shapes.sort(key=lambda s: ((s.top or 0) // 10000, s.left or 0))
    for shape in shapes:
        _shape(shape, blocks, warnings)
    if slide.has_notes_slide:
        text = slide.notes_slide.notes_text_frame.text if slide.notes_slide.notes_text_frame else ""
        paras = [text_paragraph(t.strip()) for t in text.split("\n") if t.strip()]
        if paras:
            blocks.append(model.Notes(blocks=paras))
    return model.Section(kind="slide", label=f"Slide {n}", blocks=blocks)


def _shape(shape: Any, blocks: list[Any], warnings: list[str]) -> None:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        for s in sorted(shape.shapes, key=lambda s: ((s.top or 0) // 10000, s.left or 0)):
            _shape(s, blocks, warnings)
        return
    if getattr(shape, "has_table", False) and shape.has_table:
        blocks.append(_table(shape.table))
        return
    if shape.shape_type == MSO_SHAPE_TYPE.PICTURE or hasattr(shape, "image"):
        blocks.append(_picture(shape, warnings))
        return
    if shape.has_text_frame:
        _text(shape.text_frame, blocks)


def _picture(shape: Any, warnings: list[str]) -> model.Figure:
    c_nv_pr = shape._element.xpath("./*[1]/p:cNvPr")
    alt = c_nv_pr[0].get("descr") if c_nv_pr else None
    try:
        image = shape.image
        media_type, blob = image.content_type, image.blob
    except Exception:
        media_type, blob = None, None
    if media_type not in IMAGE_TYPES:
        warnings.append(f"A picture ({shape.name}) is in an unsupported format; kept as a marked figure.")
        media_type, blob = None, None
    return model.Figure(image=blob, media_type=media_type, alt=alt or None, source_ref=shape.name)


def _text(frame: Any, blocks: list[Any]) -> None:
    current: model.ListBlock | None = None
    for para in frame.paragraphs:
        spans = [model.Span(text=r.text, strong=bool(r.font.bold), emphasis=bool(r.font.italic),
                            href=r.hyperlink.address if r.hyperlink and r.hyperlink.address else None,
                            position=_baseline(r))
                 for r in para.runs if r.text]
        if not "".join(s.text for s in spans).strip():
            continue
        bulleted = para.level > 0 or para._p.find(
            "{http://schemas.openxmlformats.org/drawingml/2006/main}pPr/"
            "{http://schemas.openxmlformats.org/drawingml/2006/main}buChar") is not None \
            or _inherits_bullets(frame)
        p = model.Paragraph(inlines=spans)
        if bulleted:
            if current is None:
                current = model.ListBlock(items=[])
                blocks.append(current)
            target = current
            for _ in range(para.level):
                if not target.items:
                    target.items.append(model.ListItem(blocks=[]))
                last = target.items[-1]
                if not last.blocks or not isinstance(last.blocks[-1], model.ListBlock):
                    last.blocks.append(model.ListBlock(items=[]))
                target = last.blocks[-1]
            target.items.append(model.ListItem(blocks=[p]))
        else:
            current = None
            blocks.append(p)


def _baseline(run: Any) -> Literal["super", "sub"] | None:
    """A run raised or lowered by its baseline offset (a:rPr/@baseline, in thousandths of a percent)."""
    rpr = run._r.find("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr")
    value = rpr.get("baseline") if rpr is not None else None
    if not value or not value.lstrip("-").isdigit() or int(value) == 0:
        return None
    return "super" if int(value) > 0 else "sub"


def _inherits_bullets(frame: Any) -> bool:
    """Body placeholders show bullets from the slide master unless told otherwise."""
    shape = frame._parent
    try:
        return bool(shape.is_placeholder and shape.placeholder_format.type is not None
                    and int(shape.placeholder_format.type) in (2, 7))    # BODY, OBJECT
    except Exception:
        return False


def _table(table: Any) -> model.Table:
    rows = []
    first_row = bool(getattr(table, "first_row", False))
    for r, row in enumerate(table.rows):
        cells = []
        for cell in row.cells:
            text = cell.text.strip()
            header = first_row and r == 0
            cells.append(text_cell(text, header, "col" if header else None))
        rows.append(model.Row(cells=cells))
    return model.Table(rows=rows, header_rows=1 if first_row and len(rows) > 1 else 0)


READER = ReaderSpec("pptx", read_pptx, "PowerPoint: one section per slide, shapes in reading order, notes, alt text")
