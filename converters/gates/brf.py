"""The "brf" gate: every line within the cells of a line, every page within its lines, only Braille
ASCII characters, and liblouis's back-translation of the text recovers at least 95 % of the print
words the writer translated (or, for a table that does not back-translate exactly, no fewer than
its own round trip without layout, less two points)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from access.conversion import GateCheck, GateResult, GateSpec

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions

MIN_RECOVERED_PERCENT = 95.0
LAYOUT_TOLERANCE = 2.0      # points of back-translation the page layout may cost beyond the table's own


def check_brf(brf: str, cells: int, lines: int, table: str | None = None,
              source_words: Mapping[str, int] | None = None, artifact: str = "",
              table_percent: float | None = None) -> list[GateCheck]:
    """``table_percent``: how many source words the table's own back-translation recovers from its
    forward translation, without any layout (contracted tables of many languages, Chinese or Ge'ez
    braille do not back-translate exactly); the layout may not lose more than that."""
    """Formatting and round-trip checks of one BRF text."""
    from converters.writers.braille.brf import BRF_SET, body_text, brf_pages, recovered_percent
    from converters.writers.braille.louis import get_louis

    pages = brf_pages(brf)
    long_lines = [(p + 1, i + 1) for p, page in enumerate(pages) for i, ln in enumerate(page) if len(ln) > cells]
    long_pages = [p + 1 for p, page in enumerate(pages) if len(page) > lines]
    bad_chars = sorted(set(brf) - BRF_SET - {"\r", "\n", "\f"})
    where = {"artifact": artifact} if artifact else {}
    checks = [
        GateCheck.of("line_length", not long_lines,
                     [f"{len(long_lines)} lines longer than {cells} cells (first: page/line {long_lines[0]})"]
                     if long_lines else [], max_cells=cells,
                     longest=max((len(ln) for page in pages for ln in page), default=0), **where),
        GateCheck.of("page_length", not long_pages,
                     [f"{len(long_pages)} pages longer than {lines} lines (first: page {long_pages[0]})"]
                     if long_pages else [], max_lines=lines,
                     longest=max((len(page) for page in pages), default=0), **where),
        GateCheck.of("brf_characters", not bad_chars,
                     [f"characters outside Braille ASCII: {''.join(bad_chars)[:20]!r}"] if bad_chars else [],
                     **where),
    ]
    if table and source_words is not None:
        percent = recovered_percent(source_words, get_louis().back_translate(table, body_text(pages)))
        threshold = MIN_RECOVERED_PERCENT if table_percent is None else \
            min(MIN_RECOVERED_PERCENT, table_percent - LAYOUT_TOLERANCE)
        ok = percent >= threshold
        checks.append(GateCheck.of("back_translation", ok,
                                   [] if ok else [f"back-translation recovers only {percent} % of the source words"],
                                   words_recovered_percent=percent, threshold=threshold,
                                   table_round_trip_percent=table_percent, **where))
    return checks


def check_brf_files(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
    checks: list[GateCheck] = []
    for art in artifacts:
        if art.name.endswith(".brf"):
            brf = Path(art.path).read_bytes().decode("ascii", errors="replace")
            checks += check_brf(brf, options.braille_cells, options.braille_lines, art.metadata.get("table"),
                                art.metadata.get("print_words"), art.name, art.metadata.get("table_round_trip_percent"))
    if not checks:
        checks.append(GateCheck.of("brf written", False, ["no BRF file was written"]))
    return GateResult.of("brf", checks)


GATE = GateSpec("brf", check_brf_files, "page layout, Braille ASCII and a back-translation round trip")
