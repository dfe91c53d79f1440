"""PDF → Document (pymupdf for text, images and tables; pikepdf + pdfplumber for structure trees
MuPDF does not report; Tesseract for scanned pages and pages whose fonts have no Unicode mapping).

Tagged content first: a tagged PDF is read from its structure tree (pdf_tagged.py through MuPDF,
else pdf_struct.py straight from the tree). Otherwise the structure is inferred from the layout
(pdf_layout.py) from lines whose raised and lowered runs are marked (pdf_text.py). Every reader
fills ``metadata.quality``: unmapped and OCR'd pages, the OCR packs and confidence, the declared
language, the furniture removed and the source's own text layer.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path
from typing import Any

from access.context import Context
from access.conversion import ReaderSpec
from access.document import Document, Figure, Metadata, SourceQuality
from access.errors import EmptyFile, EncryptedDocument, InvalidDocument
from access.limits import check_pdf_streams
from access.models import ConvertOptions, SourceFile
from converters.readers.common import SOURCE_TEXT_CAP, check_page_limit, clean_language, display_name, finish
from converters.readers.language import contradicts, identify
from converters.readers.links import apply_links, page_links
from converters.readers.ocr import OcrRun
from converters.readers.pdf_layout import Layout, Line, PageItems, build_blocks, table_from_rows
from converters.readers.pdf_text import line_of
from converters.readers.textnorm import looks_mis_mapped, normalise_text, unreadable_count

MIN_IMAGE_SIDE = 24          # points: smaller images are decoration (bullets, rules)
OCR_DPI_RANGE = (200, 300)     # render scans at their own resolution, within this range
SCANNED_TEXT_CHARS = 20      # a page with less text than this and a page-sized image is scanned
BOLD_STROKE_RATIO = 1.25     # an OCR line whose strokes are this much wider than the median line's is bold
UNMAPPED_MIN_GLYPHS = 20     # a page with at least this many unreadable glyphs,
UNMAPPED_SHARE = 0.1         # making up this share of its text, is OCR'd
MAX_LAYOUT_CONTENT = 4 * 2**20  # bytes of page content past which tables and boxes are not searched
MAX_DRAWINGS = 2000          # pages drawn with more vector paths (charts, maps) are not searched for infoboxes
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif"}


def read_pdf(source: SourceFile, options: ConvertOptions, ctx: Context) -> Document:
    path = Path(source.path)
    if path.stat().st_size == 0:
        raise EmptyFile(f"The file {display_name(source)!r} is empty.")
    with tempfile.TemporaryDirectory(prefix="access-pdf-") as tmp:
        pdf, fixed = open_pdf(path, Path(tmp))
        return _read_pdf(pdf, fixed, source, options, ctx, damaged=fixed != path)


def open_pdf(path: Path, tmp: Path) -> tuple[Any, Path]:
    """The PDF opened with pymupdf, and the path the other engines should read. A damaged file
    (pymupdf had to rebuild its cross-reference table) is first rewritten by qpdf (pikepdf) into
    ``tmp`` and read from there: MuPDF's own repair left some damaged files in a state where text
    extraction freed memory twice and aborted the worker process (found by the fuzz test). The
    structure-collecting text extraction (tagged PDFs) is not used on damaged files either (MuPDF
    1.28 aborts on some of them even once qpdf repaired them): their layout is inferred."""
    import pikepdf
    import pymupdf

    try:
        pdf = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # pymupdf raises its own FileDataError / RuntimeError types
        raise InvalidDocument(f"The PDF could not be opened: {exc}") from exc
    if not pdf.is_repaired or pdf.needs_pass or pdf.is_encrypted:
        return pdf, path
    pdf.close()
    fixed = tmp / "repaired.pdf"
    try:
        with pikepdf.open(path) as damaged:
            damaged.save(fixed)
        return pymupdf.open(fixed, filetype="pdf"), fixed
    except Exception as exc:
        raise InvalidDocument(f"The PDF is damaged and could not be repaired: {exc}") from exc


def _read_pdf(pdf: Any, path: Path, source: SourceFile, options: ConvertOptions, ctx: Context, *,
              damaged: bool) -> Document:
    with pdf:
        if pdf.needs_pass or pdf.is_encrypted:
            raise EncryptedDocument("The PDF is password-protected; remove the password and submit it again.")
        if pdf.page_count == 0:
            raise InvalidDocument("The PDF has no pages.")
        check_page_limit(pdf.page_count, ctx)
        check_pdf_streams(pdf, ctx.settings.max_stream_bytes)
        meta = pdf.metadata or {}
        declared = clean_language(_catalog_string(pdf, "Lang"))
        tagged = _is_tagged(pdf)
        unmapped = unmapped_pages(pdf)
        language = working_language(pdf, options.language or declared, set(unmapped))
        warnings: list[str] = []
        quality = SourceQuality(declared_language=declared, unmapped_pages=unmapped)
        layout: Layout | None = None
        blocks = read_structure(pdf, ctx, figure_alts(path), warnings, language) \
            if tagged and not unmapped and not damaged else None
        structure = "tags" if blocks is not None else "inferred"
        if blocks is None and tagged and not unmapped:
            from converters.readers.pdf_struct import read_struct_tree

            layout = read_struct_tree(path, pdf, ctx, language, warnings)
            if layout is not None:
                blocks, structure = layout.blocks, "tags (structure tree)"
                quality.furniture_removed = layout.furniture
        if blocks is None:
            ocr = OcrRun(language)
            pages = extract_pages(pdf, options, ctx, ocr, set(unmapped), warnings, quality)
            layout = build_blocks(pages, language or "en")
            blocks = layout.blocks
            quality.furniture_removed = layout.furniture
            quality.ocr_languages = ocr.packs_used
            quality.ocr_confidence = ocr.confidence
        else:
            quality.source_text = normalise_text("\n".join(pdf[n].get_text("text")
                                                           for n in range(pdf.page_count)))[:SOURCE_TEXT_CAP]
        if unmapped:
            pages_text = _page_list(unmapped)
            warnings.append(f"Page(s) {pages_text} use fonts without a Unicode mapping: their text layer is "
                            + ("unreadable, so they were recognised by OCR." if options.ocr else
                               "unreadable and OCR is switched off, so their text is missing or garbled."))
        page_count = pdf.page_count
        apply_links(blocks, [link for page in pdf for link in page_links(page)])
    doc = Document(metadata=Metadata(title=_good_title(meta.get("title")), language=declared,
                                     authors=[a for a in [meta.get("author", "").strip()] if a],
                                     subject=meta.get("subject") or None, page_count=page_count,
                                     quality=quality))
    doc.blocks = blocks
    if layout is not None:
        doc.footnotes.update(layout.footnotes)
    doc.metadata.extra.update({"tagged": tagged, "structure": structure, "ocr_pages": quality.ocr_pages})
    doc.warnings.extend(warnings)
    return finish(doc, source, options, "pdf")


def working_language(pdf: Any, given: str | None, unmapped: set[int]) -> str | None:
    """The language to hyphenate and OCR with before the document is read: the one given or declared,
    unless the readable text layer of the first pages clearly says otherwise; else that text's."""
    sample = "".join(pdf[n].get_text("text") for n in range(min(pdf.page_count, 12)) if n + 1 not in unmapped)
    letters = sum(c.isalpha() for c in sample[:20_000])
    found = identify(normalise_text(sample))
    if given and not contradicts(given, found, letters):
        return given
    return found.language if found is not None else given


def unmapped_pages(pdf: Any) -> list[int]:
    """1-based pages whose text layer is mostly glyphs without Unicode (U+FFFD, unmapped private use,
    control characters: a font without a ToUnicode map) or mapped to the wrong code page (Cyrillic
    that reads as Latin-1 letters). Those pages are OCR'd instead."""
    out = []
    for n in range(pdf.page_count):
        text = normalise_text("".join(pdf[n].get_text("text").split()))
        bad = unreadable_count(text)
        if (bad >= UNMAPPED_MIN_GLYPHS and bad >= UNMAPPED_SHARE * len(text)) or looks_mis_mapped(text):
            out.append(n + 1)
    return out


def _page_list(pages: list[int]) -> str:
    """1, 2, 3, 7 → "1-3, 7"."""
    runs: list[list[int]] = []
    for p in pages:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def read_structure(pdf: Any, ctx: Context, alts: list[str | None], warnings: list[str],
                   language: str | None = None) -> list[Any] | None:
    """Blocks from the structure tree, or None when the tags do not cover the text (then the
    layout is inferred instead): a page with text but no structure elements, or a scanned page."""
    import pymupdf

    from converters.readers.pdf_tagged import TaggedBuilder, has_structure

    flags = pymupdf.TEXT_COLLECT_STRUCTURE | pymupdf.TEXT_PRESERVE_IMAGES | pymupdf.TEXT_MEDIABOX_CLIP
    builder = TaggedBuilder(lambda img, page_no, alt: _figure(img, page_no, alt, warnings), alts, language or "en")
    labels = _labels(pdf)
    for n, page in enumerate(pdf):
        ctx.check_cancelled()
        ctx.progress(100 * n / pdf.page_count, f"reading page {n + 1} of {pdf.page_count}")
        blocks = page.get_text("dict", flags=flags).get("blocks", [])
        if not has_structure(blocks) and (page.get_text("text").strip() or page.get_images(full=False)):
            return None
        builder.add_page(n + 1, labels[n] if labels else str(n + 1), blocks)
    if not any(getattr(b, "type", "") != "pagebreak" for b in builder.out):
        return None
    return builder.out


def _good_title(title: str | None) -> str | None:
    if not title or not title.strip():
        return None
    t = title.strip()
    if t.lower() in {"untitled", "document", "microsoft word"} or t.lower().endswith((".pdf", ".doc", ".docx")):
        return None
    return t


def _catalog_string(pdf: Any, key: str) -> str | None:
    try:
        kind, value = pdf.xref_get_key(pdf.pdf_catalog(), key)
    except Exception:
        return None
    if kind == "string":
        return value
    if kind == "name":
        return value.lstrip("/")
    return None


def _is_tagged(pdf: Any) -> bool:
    try:
        kind, value = pdf.xref_get_key(pdf.pdf_catalog(), "MarkInfo/Marked")
        has_tree = pdf.xref_get_key(pdf.pdf_catalog(), "StructTreeRoot")[0] != "null"
    except Exception:
        return False
    return kind == "bool" and value == "true" and has_tree


def figure_alts(path: Path) -> list[str | None]:
    """The /Alt of every Figure structure element, in structure (reading) order."""
    import pikepdf

    alts: list[str | None] = []
    try:
        with pikepdf.open(path) as pdf:
            root = pdf.Root.get("/StructTreeRoot")
            if root is None:
                return []
            stack = [root.get("/K")]
            seen = 0
            while stack and seen < 200_000:
                node = stack.pop()
                seen += 1
                if node is None:
                    continue
                if isinstance(node, pikepdf.Array):
                    stack.extend(reversed(list(node)))
                    continue
                if not isinstance(node, pikepdf.Dictionary):
                    continue
                if node.get("/S") == pikepdf.Name("/Figure") and not _has_figure_kid(node):
                    alt = node.get("/Alt")
                    alts.append(str(alt) if alt is not None else None)
                    continue
                kids = node.get("/K")
                if kids is not None:
                    stack.append(kids)
    except Exception:
        return []
    return alts


def _has_figure_kid(node: Any, depth: int = 0) -> bool:
    """A Figure wrapping other Figures (HTML <figure> around <img>) is a container, not a figure."""
    import pikepdf

    kids = node.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and (
                kid.get("/S") == pikepdf.Name("/Figure") or (depth < 8 and _has_figure_kid(kid, depth + 1))):
            return True
    return False


def extract_pages(pdf: Any, options: ConvertOptions, ctx: Context, ocr: OcrRun, unmapped: set[int],
                  warnings: list[str], quality: SourceQuality) -> list[PageItems]:
    """Every page's lines (with raised/lowered runs marked), figures, ruled tables and filled boxes;
    scanned pages and pages whose fonts have no Unicode mapping are recognised by OCR. Fills the
    OCR pages and the text layer in ``quality``."""
    import pymupdf

    pages: list[PageItems] = []
    text_layer: list[str] = []
    labels = _labels(pdf)
    for n, page in enumerate(pdf):
        ctx.check_cancelled()
        ctx.progress(100 * n / pdf.page_count, f"reading page {n + 1} of {pdf.page_count}")
        rect = page.rect
        items = PageItems(number=n + 1, label=labels[n] if labels else str(n + 1),
                          width=rect.width, height=rect.height)
        # ligatures kept as the font maps them (ﬁ, ﳋ) and expanded by normalise_text: MuPDF's own expansion
        # puts the letters of an Arabic ligature in visual order
        data = page.get_text("dict", flags=pymupdf.TEXT_PRESERVE_IMAGES | pymupdf.TEXT_MEDIABOX_CLIP
                             | pymupdf.TEXT_PRESERVE_LIGATURES)
        text_chars = 0
        big_image = False
        scan_dpi = OCR_DPI_RANGE[0]
        for b_no, block in enumerate(data.get("blocks", [])):
            if block.get("type") == 1:
                x0, y0, x1, y1 = block["bbox"]
                if (x1 - x0) * (y1 - y0) > 0.5 * rect.width * rect.height:
                    big_image = True
                    native = block.get("width", 0) / max((x1 - x0) / 72, 0.1)
                    scan_dpi = int(min(max(native, OCR_DPI_RANGE[0]), OCR_DPI_RANGE[1]))
                if min(x1 - x0, y1 - y0) < MIN_IMAGE_SIDE:
                    continue
                items.figures.append((x0, y0, x1, y1, _figure(block, n + 1, None, warnings)))
                continue
            for line in block.get("lines", []):
                made = line_of(line, b_no)
                if made is not None:
                    text_chars += len(made.text)
                    items.lines.append(made)
        scanned = text_chars < SCANNED_TEXT_CHARS and (big_image or not items.lines)
        if (scanned or n + 1 in unmapped) and options.ocr and (big_image or items.figures or _has_images(page)
                                                               or n + 1 in unmapped):
            items.lines = []
            _ocr_page(page, items, ocr, scan_dpi)
            if big_image:
                items.figures = [f for f in items.figures
                                 if (f[2] - f[0]) * (f[3] - f[1]) <= 0.5 * rect.width * rect.height]
            quality.ocr_pages.append(n + 1)
        else:
            if scanned and big_image and not options.ocr:
                warnings.append(f"Page {n + 1} is a scanned image and OCR is switched off: its text is missing.")
            text_layer.append(page.get_text("text"))
            if _drawing_heavy(page):
                warnings.append(f"Page {n + 1} is drawn with more than {MAX_LAYOUT_CONTENT // 2**20} MB of "
                                "drawing instructions: it was not searched for tables and boxes.")
            else:
                if _has_rules(page):
                    items.tables = _tables(page)
                items.boxes = _filled_boxes(page)
        pages.append(items)
    if quality.ocr_pages:
        warnings.append(f"Text of {len(quality.ocr_pages)} page(s) was recognised by OCR "
                        f"({'+'.join(ocr.packs_used) or 'no text found'}, mean confidence "
                        f"{ocr.confidence if ocr.confidence is not None else 0:.0f} %); check it against the original.")
    quality.source_text = normalise_text("\n".join(text_layer))[:SOURCE_TEXT_CAP] or None
    return pages


def _labels(pdf: Any) -> list[str] | None:
    """The printed page labels (iv, 12, A-3) when the PDF defines them, else None (1, 2, 3…)."""
    try:
        if not pdf.has_page_labels():
            return None
        return [p.get_label() or str(k + 1) for k, p in enumerate(pdf)]
    except Exception:       # a damaged /PageLabels tree: fall back to page numbers
        return None


def _figure(block: dict[str, Any] | None, page_no: int, alt: str | None, warnings: list[str]) -> Figure:
    if block is None:          # a tagged figure drawn with vector graphics: no raster image to keep
        return Figure(alt=alt, source_ref=f"page {page_no} (vector figure)")
    ext = str(block.get("ext", "")).lower()
    media_type = IMAGE_TYPES.get(ext)
    image = block.get("image")
    if media_type is None and image:
        media_type, image = _to_png(image)
        if media_type is None:
            warnings.append(f"An image on page {page_no} is in a format that could not be converted ({ext}); "
                            "it is kept as a marked figure without the image.")
    return Figure(image=image if media_type else None, media_type=media_type, alt=alt,
                  source_ref=f"page {page_no}")


def _to_png(data: bytes) -> tuple[str | None, bytes | None]:
    import pymupdf

    try:
        pix = pymupdf.Pixmap(data)
        if pix.alpha or pix.n not in (1, 3):
            pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
        return "image/png", pix.tobytes("png")
    except Exception:
        return None, None


def _has_images(page: Any) -> bool:
    return bool(page.get_images(full=False))


def _drawing_heavy(page: Any) -> bool:
    """Whether a page's content stream is too big for the table and box searches, which list every
    vector path (a 48 MB stream of paths held a conversion for minutes)."""
    try:
        return len(page.read_contents()) > MAX_LAYOUT_CONTENT
    except Exception:
        return False


def _has_rules(page: Any) -> bool:
    try:
        drawings = page.get_cdrawings()
    except Exception:
        return False
    return len(drawings) >= 4


def _tables(page: Any) -> list[tuple[float, float, float, float, Any]]:
    out = []
    try:
        with contextlib.redirect_stdout(io.StringIO()):      # pymupdf prints an advert for pymupdf_layout
            found = page.find_tables()
    except Exception:
        return []
    for tab in found.tables:
        rows = tab.extract()
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        header_rows = 1 if tab.header is not None and not tab.header.external else 0
        if header_rows == 0 and tab.header is not None and tab.header.names:
            header_rows = 1
        x0, y0, x1, y1 = tab.bbox
        grid = [list(getattr(row, "cells", [])) for row in getattr(tab, "rows", [])]
        table = table_from_rows(rows, header_rows, grid if len(grid) == len(rows) else None)
        out.append((x0, y0, x1, y1, table))
    return out


def _ocr_page(page: Any, items: PageItems, ocr: OcrRun, dpi: int) -> None:
    import pymupdf

    from converters.readers.ocr import stroke_width

    zoom = dpi / 72
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY)
    lines = [ln for ln in ocr.recognise(pix.tobytes("png")) if ln.text.strip()]
    # bold type has wider strokes: compare each line with the page's typical (median) line
    strokes = [stroke_width(pix.samples, pix.stride, ln) for ln in lines]
    typical = sorted(strokes)[len(strokes) // 2] if strokes else 0.0
    for ln, stroke in zip(lines, strokes, strict=True):
        # pixels → points; height of capital letters ≈ 0.7 of the font size
        size = round(ln.height / zoom / 0.7)
        bold = typical > 0 and stroke > BOLD_STROKE_RATIO * typical
        items.lines.append(Line(normalise_text(ln.text), ln.x0 / zoom, ln.y0 / zoom, ln.x1 / zoom, ln.y1 / zoom,
                                float(size), bold, ln.block * 1000 + ln.par))


def _filled_boxes(page: Any) -> list[tuple[float, float, float, float]]:
    """Rectangles filled with a colour that is not white, smaller than the page: where infoboxes and
    sidebars sit."""
    try:
        drawings = page.get_drawings()
    except Exception:
        return []
    if len(drawings) > MAX_DRAWINGS:
        return []
    area = page.rect.width * page.rect.height
    out = []
    for d in drawings:
        fill = d.get("fill")
        r = d.get("rect")
        if fill is None or r is None or sum(fill) >= 2.9 or d.get("fill_opacity", 1) < 0.2:
            continue
        share = r.width * r.height / area
        if 0.02 <= share <= 0.6 and r.width >= 0.2 * page.rect.width and r.height >= 24:
            out.append((r.x0, r.y0, r.x1, r.y1))
    return out


READER = ReaderSpec("pdf", read_pdf, "PDF: structure tree when tagged, layout otherwise; OCR of scanned pages")
