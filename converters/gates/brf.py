"""The "brf" gate: every line within the cells of a line, every page within its lines, only Braille
ASCII characters, and liblouis's back-translation of the text recovers at least 95 % of the print
words the writer translated."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from access.conversion import GateCheck, GateResult, GateSpec

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions

MIN_RECOVERED_PERCENT = 95.0


def recovered_percent(source: Mapping[str, int], back_translated: str) -> float:
    """How many of the source words (with their counts) come back, in per cent."""
    from converters.writers.braille.brf import words_of

    back = Counter(words_of(back_translated))
    total = sum(source.values())
    if not total:
        return 100.0
    return round(100.0 * sum(min(n, back[w]) for w, n in source.items()) / total, 2)


def check_brf(brf: str, cells: int, lines: int, table: str | None = None,
              source_words: Mapping[str, int] | None = None, artifact: str = "") -> list[GateCheck]:
    """Formatting and round-trip checks of one BRF text."""
    from converters.writers.braille.brf import BRF_SET, body_text, brf_pages
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
        ok = percent >= MIN_RECOVERED_PERCENT
        checks.append(GateCheck.of("back_translation", ok,
                                   [] if ok else [f"back-translation recovers only {percent} % of the source words"],
                                   words_recovered_percent=percent, threshold=MIN_RECOVERED_PERCENT, **where))
    return checks


def check_brf_files(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
    checks: list[GateCheck] = []
    for art in artifacts:
        if art.name.endswith(".brf"):
            brf = Path(art.path).read_bytes().decode("ascii", errors="replace")
            checks += check_brf(brf, options.braille_cells, options.braille_lines, art.metadata.get("table"),
                                art.metadata.get("print_words"), art.name)
    if not checks:
        checks.append(GateCheck.of("brf written", False, ["no BRF file was written"]))
    return GateResult.of("brf", checks)


GATE = GateSpec("brf", check_brf_files, "page layout, Braille ASCII and a back-translation round trip")
