"""The "brf" target: formatted BRF (North American Braille ASCII, 40 x 25 by default) through
liblouis, plus Unicode braille text and PEF. The layout is :mod:`.braille`; the artifact carries the
print words that were translated, so the gate can back-translate the BRF and count how many come back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from access.conversion import DOCUMENT, OutputFolder, WriterSpec

if TYPE_CHECKING:
    from access.context import Context
    from access.document import Document
    from access.models import ArtifactOut, ConvertOptions


def write_brf(doc: Document, folder: OutputFolder, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    from access.errors import ValidationFailed
    from access.models import ArtifactOut
    from converters.writers.braille.brf import (
        BrfBuilder,
        pages_to_brf,
        pef,
        recovered_percent,
        to_unicode_braille,
        word_counts,
    )
    from converters.writers.braille.louis import choose_table, get_louis

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
    charset = builder.charset.summary()
    warnings = [warning] if warning else []
    if charset["replaced_characters"] or charset["dropped_characters"]:
        missing = len(builder.charset.replaced) + len(builder.charset.dropped)
        how = ("transliterated, or left out where nothing could stand for them" if charset["dropped_characters"]
               else "transliterated")
        warnings.append(f"Braille table {table.split(',')[-1]} has no cells for {missing} character(s) of this "
                        f"text ({charset['replaced']}{charset['dropped']}): they were {how}.")
    brf_path = folder.file(".brf")
    brf_path.write_bytes(brf.encode("ascii"))
    txt_path = folder.file("-braille.txt")
    txt_path.write_text("\n\f".join("\n".join(to_unicode_braille(ln.rstrip()) for ln in page)
                                    for page in pages) + "\n", encoding="utf-8")
    pef_path = folder.file(".pef")
    pef_path.write_text(pef(pages, options.braille_cells, options.braille_lines,
                            doc.metadata.title or folder.stem, language), encoding="utf-8")
    print_text = "\n".join(builder.print_text)
    print_words = word_counts(print_text)
    round_trip = recovered_percent(print_words, louis.back_translate(table, builder.braille(print_text)))
    meta: dict[str, Any] = {"table": table, "liblouis": louis.version, "pages": len(pages),
                            "cells": options.braille_cells, "lines": options.braille_lines,
                            "print_words": print_words, "table_round_trip_percent": round_trip, **charset,
                            "cells_left_out": builder.left_out, "warnings": warnings}
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


WRITER = WriterSpec(
    "brf", DOCUMENT, write_brf,
    description="Braille: BRF ready to emboss (liblouis; UEB grade 1/2 for English, any installed table by name), "
                "plus Unicode braille text and PEF.")
