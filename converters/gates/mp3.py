"""The "mp3" gate: every frame header walked (one unbroken stream, mono, the configured bit rate), the
measured duration equals the one reported, the speaking rate is plausible for the word count, and
the ID3 chapters (CHAP + CTOC) match the headings, in order, inside the audio; the per-section
archive of a long book plays and adds up to the whole."""

from __future__ import annotations

import itertools
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from access.conversion import GateCheck, GateResult, GateSpec

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions

TOLERANCE = 0.05                       # seconds
PLAUSIBLE_RATE = (0.3, 1.5)            # measured words per minute / asked rate


def check_mp3_file(path: Path, meta: dict[str, Any], options: ConvertOptions) -> list[GateCheck]:
    from mutagen.id3 import ID3, ID3NoHeaderError

    from converters.speech.audiofile import mp3_info

    info = mp3_info(path)
    checks = [GateCheck.of("mp3 frames", info.frames > 0 and info.trailing_bytes == 0 and info.mono
                           and info.bitrates == {meta.get("bitrate", 64)}, frames=info.frames,
                           bitrates=sorted(info.bitrates), mono=info.mono, trailing_bytes=info.trailing_bytes,
                           sample_rate=info.sample_rate)]
    duration = info.duration
    checks.append(GateCheck.of("duration matches", abs(duration - meta.get("duration", -1)) <= TOLERANCE,
                               measured=round(duration, 3), reported=meta.get("duration")))
    words = int(meta.get("words", 0))
    wpm = words / (duration / 60) if duration else 0.0
    low, high = (options.rate * PLAUSIBLE_RATE[0], options.rate * PLAUSIBLE_RATE[1])
    checks.append(GateCheck.of("duration plausible for the word count", low <= wpm <= high, words=words,
                               words_per_minute=round(wpm, 1), expected_between=[round(low), round(high)]))
    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        return [*checks, GateCheck.of("id3 tags", False, ["no ID3v2 tag"])]
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    listed, toc_facts = walk_tocs(tags.getall("CTOC"))
    expected = meta.get("chapters", [])
    titles = [str(c.sub_frames["TIT2"].text[0]) if "TIT2" in c.sub_frames else "" for c in chaps]
    starts = [c.start_time for c in chaps]
    ordered = all(a.end_time <= b.start_time + 1 for a, b in itertools.pairwise(chaps))
    inside = all(c.start_time < c.end_time <= duration * 1000 + TOLERANCE * 1000 for c in chaps)
    lists_all = listed == [c.element_id for c in chaps]
    checks.append(GateCheck.of("id3 chapters", titles == [c["title"] for c in expected] and ordered and inside
                               and lists_all and starts[:1] == [0], chapters=len(chaps), expected=len(expected),
                               ordered=ordered, inside_audio=inside, ctoc_lists_all=lists_all, **toc_facts))
    checks.append(GateCheck.of("id3 title and language", bool(tags.getall("TIT2")) and bool(tags.getall("TLAN"))))
    return checks


def walk_tocs(tocs: list[Any]) -> tuple[list[str], dict[str, Any]]:
    """The chapter ids a player reaches from the one top-level CTOC, depth first, and how the tables are
    laid out (a table of more than 255 entries cannot be written, so long books nest them)."""
    from mutagen.id3 import CTOCFlags

    by_id = {t.element_id: t for t in tocs}
    tops = [t for t in tocs if t.flags & CTOCFlags.TOP_LEVEL]
    reached: list[str] = []
    depth = 0

    def visit(toc: Any, level: int, seen: set[str]) -> None:
        nonlocal depth
        depth = max(depth, level)
        for child in toc.child_element_ids:
            if child in by_id and child not in seen:
                visit(by_id[child], level + 1, seen | {child})
            elif child not in by_id:
                reached.append(child)

    if len(tops) == 1:
        visit(tops[0], 1, {tops[0].element_id})
    return reached, {"tables": len(tocs), "top_level_tables": len(tops), "table_depth": depth,
                     "largest_table": max((len(t.child_element_ids) for t in tocs), default=0)}


def check_sections_zip(path: Path, meta: dict[str, Any]) -> list[GateCheck]:
    from converters.speech.audiofile import mp3_info_bytes

    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        playlist = zf.read("playlist.m3u").decode("utf-8") if "playlist.m3u" in names else ""
        listed = [line for line in playlist.splitlines() if line and not line.startswith("#")]
        total = 0.0
        broken = []
        for name in listed:
            if name not in names:
                broken.append(name)
                continue
            info = mp3_info_bytes(zf.read(name))
            if info.frames == 0 or info.trailing_bytes:
                broken.append(name)
            total += info.duration
    return [GateCheck.of("sections playlist", bool(listed) and not broken and playlist.startswith("#EXTM3U"),
                         files=len(listed), broken=broken),
            GateCheck.of("sections add up to the book", abs(total - meta.get("duration", 0)) <= TOLERANCE * len(listed),
                         measured=round(total, 3), reported=meta.get("duration"))]


def check_mp3(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
    checks: list[GateCheck] = []
    for art in artifacts:
        kind = art.metadata.get("kind")
        if kind == "mp3":
            checks += check_mp3_file(Path(art.path), art.metadata, options)
        elif kind == "mp3-sections":
            checks += check_sections_zip(Path(art.path), art.metadata)
    return GateResult.of("mp3", checks)


GATE = GateSpec("mp3", check_mp3, "frames, duration, speaking rate and ID3 chapters")
