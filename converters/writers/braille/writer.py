"""The ``brf`` target: writer (BRF + Unicode braille + PEF) and its quality gate."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from access.context import Context
from access.document import Document
from access.errors import EngineFailed, ValidationFailed
from access.models import ArtifactOut, ConvertOptions
from converters.writers.braille.brf import (
    BRF_SET,
    BrfBuilder,
    body_text,
    brf_pages,
    pages_to_brf,
    pef,
    to_unicode_braille,
    words_of,
)
from converters.writers.braille.louis import choose_table, get_louis

EXTRA_KEY = "braille"            # ctx.extra[EXTRA_KEY][brf path] = the print text translated
MIN_RECOVERED_PERCENT = 95.0


def safe_stem(name: str | None) -> str:
    stem = Path(name or "document").stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "document"


def write_brf(doc: Document, outdir: Path, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    language = options.language or doc.metadata.language or "en"
    warning = None
    try:
        table = choose_table(language, options.braille_grade, options.braille_table)
    except ValidationFailed:
        if options.braille_table:
            raise
        warning = f"No liblouis table for language {language!r}: English UEB was used."
        table = choose_table("en", options.braille_grade)
    louis = get_louis()
    ctx.progress(5, "translating to braille")
    builder = BrfBuilder(louis, table, options.braille_cells, options.braille_lines)
    pages = builder.document(doc)
    ctx.check_cancelled()
    brf = pages_to_brf(pages)
    if set(brf) - BRF_SET - {"\r", "\n", "\f"}:
        raise EngineFailed("liblouis produced characters outside Braille ASCII.")
    stem = safe_stem(doc.metadata.source_name)
    outdir.mkdir(parents=True, exist_ok=True)
    brf_path = outdir / f"{stem}.brf"
    brf_path.write_bytes(brf.encode("ascii"))
    txt_path = outdir / f"{stem}-braille.txt"
    txt_path.write_text("\n\f".join("\n".join(to_unicode_braille(ln.rstrip()) for ln in page)
                                    for page in pages) + "\n", encoding="utf-8")
    pef_path = outdir / f"{stem}.pef"
    pef_path.write_text(pef(pages, options.braille_cells, options.braille_lines,
                            doc.metadata.title or stem, language), encoding="utf-8")
    ctx.extra.setdefault(EXTRA_KEY, {})[str(brf_path)] = "\n".join(builder.print_text)
    meta: dict[str, Any] = {"table": table, "liblouis": louis.version, "pages": len(pages),
                            "cells": options.braille_cells, "lines": options.braille_lines}
    if warning:
        meta["warning"] = warning
    ctx.progress(100, "braille written")
    return [
        ArtifactOut(name=brf_path.name, media_type="application/x-brf", path=str(brf_path), metadata=meta),
        ArtifactOut(name=txt_path.name, media_type="text/plain; charset=utf-8", path=str(txt_path),
                    metadata={"table": table, "encoding": "Unicode braille patterns"}),
        ArtifactOut(name=pef_path.name, media_type="application/x-pef+xml", path=str(pef_path),
                    metadata={"table": table}),
    ]


def recovered_percent(source_text: str, back_translated: str) -> float:
    source = Counter(words_of(source_text))
    back = Counter(words_of(back_translated))
    total = sum(source.values())
    if not total:
        return 100.0
    return round(100.0 * sum((source & back).values()) / total, 2)


def check_brf(brf: str, cells: int, lines: int, table: str | None = None,
              source_text: str | None = None) -> dict[str, Any]:
    """Formatting and round-trip checks of one BRF text."""
    problems: list[str] = []
    pages = brf_pages(brf)
    long_lines = [(p + 1, i + 1) for p, page in enumerate(pages) for i, ln in enumerate(page) if len(ln) > cells]
    long_pages = [p + 1 for p, page in enumerate(pages) if len(page) > lines]
    bad_chars = sorted(set(brf) - BRF_SET - {"\r", "\n", "\f"})
    if long_lines:
        problems.append(f"{len(long_lines)} lines longer than {cells} cells (first: page/line {long_lines[0]})")
    if long_pages:
        problems.append(f"{len(long_pages)} pages longer than {lines} lines (first: page {long_pages[0]})")
    if bad_chars:
        problems.append(f"characters outside Braille ASCII: {''.join(bad_chars)[:20]!r}")
    checks = [
        {"check": "line_length", "passed": not long_lines, "max_cells": cells,
         "longest": max((len(ln) for page in pages for ln in page), default=0)},
        {"check": "page_length", "passed": not long_pages, "max_lines": lines,
         "longest": max((len(page) for page in pages), default=0)},
        {"check": "brf_characters", "passed": not bad_chars},
    ]
    if table and source_text is not None:
        back = get_louis().back_translate(table, body_text(pages))
        percent = recovered_percent(source_text, back)
        ok = percent >= MIN_RECOVERED_PERCENT
        checks.append({"check": "back_translation", "passed": ok, "words_recovered_percent": percent,
                       "threshold": MIN_RECOVERED_PERCENT})
        if not ok:
            problems.append(f"back-translation recovers only {percent} % of the source words")
    return {"passed": not problems, "checks": checks, "problems": problems, "pages": len(pages)}


def gate_brf(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    results = []
    sources = ctx.extra.get(EXTRA_KEY, {})
    for art in artifacts:
        if not art.name.endswith(".brf"):
            continue
        brf = Path(art.path).read_bytes().decode("ascii", errors="replace")
        result = check_brf(brf, options.braille_cells, options.braille_lines,
                           art.metadata.get("table"), sources.get(art.path))
        result["artifact"] = art.name
        results.append(result)
    if not results:
        return {"passed": False, "checks": [], "problems": ["no BRF file was written"]}
    return {"passed": all(r["passed"] for r in results),
            "checks": [c | {"artifact": r["artifact"]} for r in results for c in r["checks"]],
            "problems": [p for r in results for p in r["problems"]]}
