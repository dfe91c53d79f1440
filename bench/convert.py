"""Conversion benchmark: pages/s per stage (read, OCR, write HTML, write EPUB), peak memory, and
PDF → structure recovery compared with pymupdf4llm on a generated PDF whose true structure is known.

    .venv/bin/python bench/convert.py            # writes bench/results/convert.json

Inputs (generated, nothing downloaded): a 100-page text PDF (chapters, sections, bullet and
numbered lists, ruled tables), a 20-page scanned PDF (the first 20 pages rendered to 150 dpi
images) and the corpus text (shared/corpus/unesco-iite-strategy-2022-2025.txt).
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import re
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pymupdf

from access.conversion import OutputFolder
from access.document import Document, ListBlock, Table
from access.models import ConvertOptions, SourceFile
from access.services import make_context
from converters.readers.pdf import read_pdf
from converters.readers.text import read_text
from converters.writers.epub import write_epub
from converters.writers.html import write_html

RUNNING_HEADER = "Learning guide - generated lecture notes"
RESULTS = Path(__file__).parent / "results" / "convert.json"
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "unesco-iite-strategy-2022-2025.txt"
WORDS = [
    "learners", "teachers", "classroom", "light", "water", "energy", "plants", "cells", "growth",
    "evidence", "method", "result", "question", "answer", "reading", "writing", "numbers",
    "science", "history", "language", "practice",
]


def sentence(i: int, n: int = 14) -> str:
    words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(n)]
    return " ".join(words).capitalize() + "."


def build_text_pdf(path: Path, pages_wanted: int = 100) -> dict[str, Any]:
    """Chapters of sections with paragraphs and lists until the PDF has ``pages_wanted`` pages;
    then ruled tables drawn on their own pages. Returns the true structure."""
    truth: dict[str, Any] = {"headings": [], "list_items": [], "tables": 0}
    html_parts = []
    ch = 0
    while True:
        ch += 1
        html_parts.append(f"<h1>Chapter {ch} on learning topic {ch}</h1>")
        truth["headings"].append((1, f"Chapter {ch} on learning topic {ch}"))
        for s in range(1, 4):
            title = f"Section {ch}.{s} about {WORDS[(ch + s) % len(WORDS)]}"
            html_parts.append(f"<h2>{title}</h2>")
            truth["headings"].append((2, title))
            html_parts.append("".join(f"<p>{' '.join(sentence(ch * 31 + s * 7 + k + j) for j in range(5))}</p>"
                                      for k in range(2)))
            minor = f"Key idea {ch}.{s} in practice"        # a bold line at body size: a minor heading
            html_parts.append(f"<p><b>{minor}</b></p><p>{' '.join(sentence(ch + s + j) for j in range(4))}</p>")
            truth["headings"].append((3, minor))
            items = [f"Point {ch}.{s}.{k} {WORDS[(ch * s + k) % len(WORDS)]} matters" for k in range(1, 4)]
            # a long item that wraps over two lines, as real bullet points do
            items.append(f"Point {ch}.{s}.4 " + " ".join(WORDS[(ch + s + k) % len(WORDS)] for k in range(24)))
            tag = "ol" if s == 2 else "ul"
            html_parts.append(f"<{tag}>" + "".join(f"<li>{it}</li>" for it in items) + f"</{tag}>")
            truth["list_items"] += items
        story = pymupdf.Story(html="".join(html_parts))
        writer = pymupdf.DocumentWriter(str(path))
        rect = pymupdf.paper_rect("a4")
        more, count = 1, 0
        while more:
            dev = writer.begin_page(rect)
            more, _ = story.place(pymupdf.Rect(56, 56, rect.width - 56, rect.height - 56))
            story.draw(dev)
            writer.end_page()
            count += 1
        writer.close()
        if count >= pages_wanted - 5:
            break
    doc = pymupdf.open(path)
    for t in range(pages_wanted - doc.page_count):
        page = doc.new_page()
        page.insert_text((72, 72), f"Data table {t + 1}", fontsize=16, fontname="hebo")
        truth["headings"].append((2, f"Data table {t + 1}"))
        rows = [["Group", "Score", "Change"]] + [[f"Class {r}", str(50 + r), f"+{r}"] for r in range(1, 6)]
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                page.insert_text((77 + 130 * c, 114 + 20 * r), text, fontsize=11, fontname="hebo" if r == 0 else "helv")
        for r in range(len(rows) + 1):
            page.draw_line((72, 100 + 20 * r), (462, 100 + 20 * r))
        for c in range(4):
            page.draw_line((72 + 130 * c, 100), (72 + 130 * c, 100 + 20 * len(rows)))
        truth["tables"] += 1
    for n, page in enumerate(doc, start=1):          # running header and footer on every page
        page.insert_text((56, 34), RUNNING_HEADER, fontsize=9, fontname="helv")
        page.insert_text((page.rect.width - 110, page.rect.height - 24), f"Page {n} of {doc.page_count}",
                         fontsize=9, fontname="helv")
    doc.save(path.with_suffix(".tmp.pdf"))
    doc.close()
    os.replace(path.with_suffix(".tmp.pdf"), path)
    return truth


def build_scanned_pdf(src: Path, path: Path, pages: int = 20, dpi: int = 150) -> None:
    doc = pymupdf.open(src)
    out = pymupdf.open()
    for n in range(pages):
        pix = doc[n].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        page = out.new_page(width=doc[n].rect.width, height=doc[n].rect.height)
        page.insert_image(page.rect, stream=pix.tobytes("png"))
    out.save(path)


def truth_of_pages(path: Path, truth: dict[str, Any], pages: int) -> dict[str, Any]:
    """The part of the true structure printed on the first ``pages`` pages."""
    with pymupdf.open(path) as doc:
        text = norm(" ".join(doc[n].get_text() for n in range(pages)))
    return {"headings": [h for h in truth["headings"] if norm(h[1]) in text],
            "list_items": [i for i in truth["list_items"] if norm(i) in text], "tables": 0}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def norm(text: str) -> str:
    return " ".join(re.sub(r"[*_`#]", "", text).split()).strip().lower()


def ours_structure(doc: Document) -> dict[str, Any]:
    heads = [(h.level, norm(h.text)) for h in doc.headings()]
    items = [norm(it.blocks[0].text) for b in doc.walk() if isinstance(b, ListBlock) for it in b.items
             if it.blocks and hasattr(it.blocks[0], "text")]
    return {"headings": heads, "list_items": items, "tables": sum(1 for b in doc.walk() if isinstance(b, Table))}


def md_structure(md: str) -> dict[str, Any]:
    heads, items, tables = [], [], 0
    for line in md.splitlines():
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            heads.append((len(m.group(1)), norm(m.group(2))))
        m = re.match(r"^\s*(?:[-*+•]|\d+[.)])\s+(.*)$", line)
        if m:
            items.append(norm(m.group(1)))
        if re.match(r"^\|\s*-{3,}", line) or re.match(r"^\|(\s*:?-+:?\s*\|)+\s*$", line):
            tables += 1
    return {"headings": heads, "list_items": items, "tables": tables}


def score(found: dict[str, Any], truth: dict[str, Any], text: str = "") -> dict[str, Any]:
    true_heads = [(lvl, norm(t)) for lvl, t in truth["headings"]]
    found_texts = {t for _, t in found["headings"]}
    text_hits = sum(1 for _, t in true_heads if t in found_texts)
    true_levels = {t: lvl for lvl, t in true_heads}
    # hierarchy: for consecutive true headings that were found, is the level relation (deeper,
    # same, shallower) the same in the output? Absolute numbers may differ; the tree must not.
    level_of = {t: lvl for lvl, t in found["headings"]}
    pairs = [(a, b) for a, b in itertools.pairwise(true_heads) if a[1] in level_of and b[1] in level_of]
    kept = sum(1 for (la, ta), (lb, tb) in pairs
               if (la > lb) - (la < lb) == (level_of[ta] > level_of[tb]) - (level_of[ta] < level_of[tb]))
    false_heads = sum(1 for _, t in found["headings"] if t not in true_levels)
    true_items = [norm(i) for i in truth["list_items"]]
    found_items = set(found["list_items"])
    item_hits = sum(1 for i in true_items if i in found_items)
    return {"heading_recall": round(text_hits / len(true_heads), 3),
            "heading_hierarchy_kept": round(kept / len(pairs), 3) if pairs else 0.0,
            "false_headings": false_heads,
            "list_item_recall": round(item_hits / len(true_items), 3),
            "tables_found": found["tables"], "tables_true": truth["tables"],
            "running_header_or_page_number_lines_left": len(re.findall(
                rf"{re.escape(RUNNING_HEADER.lower())}|page \d+ of \d+", text.lower()))}


def main() -> None:
    ctx = make_context()
    results: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                               "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                                          f"Python {sys.version.split()[0]}",
                               "stages": {}, "comparison": {}}
    with tempfile.TemporaryDirectory(prefix="bench-convert-") as tmp:
        tmpdir = Path(tmp)
        text_pdf = tmpdir / "lecture-100.pdf"
        truth = build_text_pdf(text_pdf)
        pages = pymupdf.open(text_pdf).page_count
        scanned = tmpdir / "scanned-20.pdf"
        build_scanned_pdf(text_pdf, scanned)
        opts = ConvertOptions(targets=["html", "epub"])
        out = tmpdir / "out"
        out.mkdir()

        doc, t_read = timed(read_pdf, SourceFile(path=str(text_pdf), format="pdf"), opts, ctx)
        _, t_html = timed(write_html, doc, OutputFolder.for_document(out, doc), opts, ctx)
        _, t_epub = timed(write_epub, doc, OutputFolder.for_document(out, doc), opts, ctx)
        results["stages"]["text_pdf"] = {
            "pages": pages, "read_s": round(t_read, 3), "read_pages_per_s": round(pages / t_read, 1),
            "write_html_s": round(t_html, 3), "write_html_pages_per_s": round(pages / t_html, 1),
            "write_epub_s": round(t_epub, 3), "write_epub_pages_per_s": round(pages / t_epub, 1),
            "pdf_to_html_pages_per_s": round(pages / (t_read + t_html), 1), "peak_rss_mb": round(peak_mb(), 1)}
        ours = score(ours_structure(doc), truth, doc.plain_text())

        sdoc, t_ocr = timed(read_pdf, SourceFile(path=str(scanned), format="pdf"), opts, ctx)
        _, t_shtml = timed(write_html, sdoc, OutputFolder.for_document(out, sdoc), opts, ctx)
        results["stages"]["scanned_pdf"] = {
            "pages": 20, "read_with_ocr_s": round(t_ocr, 2), "ocr_pages_per_s": round(20 / t_ocr, 2),
            "write_html_s": round(t_shtml, 3), "ocr_pages": len(sdoc.metadata.extra.get("ocr_pages", [])),
            "words_recognised": sdoc.word_count(), "peak_rss_mb": round(peak_mb(), 1),
            "structure_vs_truth_first_20_pages": score(ours_structure(sdoc), truth_of_pages(text_pdf, truth, 20))}
        cdoc, t_cread = timed(read_text, SourceFile(path=str(CORPUS), format="text"), opts, ctx)
        _, t_chtml = timed(write_html, cdoc, OutputFolder.for_document(out, cdoc), opts, ctx)
        _, t_cepub = timed(write_epub, cdoc, OutputFolder.for_document(out, cdoc), opts, ctx)
        results["stages"]["corpus_text"] = {
            "words": cdoc.word_count(), "read_s": round(t_cread, 3), "write_html_s": round(t_chtml, 3),
            "write_epub_s": round(t_cepub, 3), "headings": len(cdoc.headings()),
            "lists": sum(1 for b in cdoc.walk() if isinstance(b, ListBlock)), "peak_rss_mb": round(peak_mb(), 1)}

        import pymupdf4llm

        md, t_llm = timed(pymupdf4llm.to_markdown, str(text_pdf))
        theirs = score(md_structure(md), truth, md)
        results["comparison"] = {
            "input": f"generated {pages}-page PDF ({len(truth['headings'])} headings of 3 levels, the third "
                     "bold at body size, running header and page numbers, list items of one and two lines, "
                     f"{len(truth['list_items'])} list items, {truth['tables']} ruled tables)",
            "access": {"pdf_to_html_s": round(t_read + t_html, 3),
                       "pages_per_s": round(pages / (t_read + t_html), 1), **ours},
            "pymupdf4llm": {"version": getattr(pymupdf4llm, "__version__", "?"), "pdf_to_markdown_s": round(t_llm, 3),
                            "pages_per_s": round(pages / t_llm, 1), **theirs}}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"conversion benchmark — {results['machine']} — {results['date']}")
    for name, row in results["stages"].items():
        print(f"\n{name}")
        for k, v in row.items():
            print(f"  {k:32} {v}")
    print("\nPDF → HTML/Markdown on the generated PDF")
    for tool, row in results["comparison"].items():
        if isinstance(row, dict):
            print(f"  {tool:12} " + ", ".join(f"{k}={v}" for k, v in row.items()))
    print(f"\nwritten {RESULTS}")


if __name__ == "__main__":
    main()
