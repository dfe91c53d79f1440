"""The "mp3" target: one MP3 of the whole document, 64 kbps mono by default, with ID3v2 title, author
and language and one ID3 chapter (CHAP, listed in a CTOC) per heading, so that players can jump
between sections. Long documents also get one MP3 per top-level section and an M3U playlist, zipped.

Reads the spoken book the ``speech`` step made (once per job, chapter by chapter); the chapter files
are MPEG frame streams, so the book is their concatenation and every chapter offset is exact.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from access.conversion import OutputFolder, WriterSpec
from access.models import ArtifactOut, ConvertOptions
from converters.speech.settings import SpeechSettings
from converters.transforms.speech import SPOKEN_BOOK

if TYPE_CHECKING:
    from access.context import Context
    from converters.speech.book import SpokenBook
    from converters.speech.script import Chapter

# ISO 639-1 → ISO 639-2/B, which the ID3 TLAN frame wants (a few dozen common ones; others pass as is)
ISO639_2 = {
    "af": "afr", "am": "amh", "ar": "ara", "bg": "bul", "bn": "ben", "ca": "cat", "cs": "cze", "cy": "wel",
    "da": "dan", "de": "ger", "el": "gre", "en": "eng", "es": "spa", "et": "est", "eu": "baq", "fa": "per",
    "fi": "fin", "fr": "fre", "ga": "gle", "gu": "guj", "ha": "hau", "he": "heb", "hi": "hin", "hr": "hrv",
    "hu": "hun", "hy": "arm", "id": "ind", "ig": "ibo", "is": "ice", "it": "ita", "ja": "jpn", "ka": "geo",
    "kk": "kaz", "km": "khm", "kn": "kan", "ko": "kor", "lt": "lit", "lv": "lav", "mk": "mac", "ml": "mal",
    "mr": "mar", "ms": "may", "mt": "mlt", "my": "bur", "nb": "nob", "ne": "nep", "nl": "dut", "no": "nor",
    "om": "orm", "pa": "pan", "pl": "pol", "pt": "por", "ro": "rum", "ru": "rus", "rw": "kin", "sk": "slo",
    "sl": "slv", "so": "som", "sq": "alb", "sr": "srp", "sv": "swe", "sw": "swa", "ta": "tam", "te": "tel",
    "th": "tha", "tn": "tsn", "tr": "tur", "uk": "ukr", "ur": "urd", "vi": "vie", "xh": "xho", "yo": "yor",
    "zh": "chi", "zu": "zul",
}
MEDIA_TYPE = "audio/mpeg"


def iso639_2(language: str) -> str:
    base = language.split("-")[0].lower()
    return ISO639_2.get(base, base if len(base) == 3 else "und")


def concatenate(paths: list[Path], target: Path) -> None:
    """Append the chapter files (MPEG frame streams) to ``target``, which may already hold the ID3 tag."""
    with target.open("ab") as out:
        for path in paths:
            with path.open("rb") as src:
                shutil.copyfileobj(src, out, 1024 * 1024)


MAX_TOC_ENTRIES = 255                 # an ID3 CTOC frame counts its children in one byte


@dataclass
class TocNode:
    """One CTOC frame: its title and its children, CHAP ids (strings) or further nodes."""

    element_id: str
    title: str
    children: list[str | TocNode]


def toc_tree(title: str, chapter_ids: list[str], titles: list[str], parts: list[int] | None = None) -> TocNode:
    """The CTOC hierarchy of a book: one top-level table listing the chapters when there are at most 255;
    else tables of whole top-level sections (``parts[i]`` is chapter i's section) packed up to 255
    chapters, a section of more than 255 cut into tables of 255, and tables grouped again while there
    are more than 255 of them."""
    if len(chapter_ids) <= MAX_TOC_ENTRIES:
        return TocNode("toc", title, list(chapter_ids))
    keys = parts if parts is not None and len(parts) == len(chapter_ids) else [0] * len(chapter_ids)
    sections: list[list[int]] = []
    for k, key in enumerate(keys):
        if sections and keys[sections[-1][0]] == key:
            sections[-1].append(k)
        else:
            sections.append([k])
    groups: list[list[int]] = []          # whole sections packed into tables; a long one cut at 255
    for section in sections:
        if groups and len(groups[-1]) + len(section) <= MAX_TOC_ENTRIES:
            groups[-1] += section
            continue
        groups += [section[i:i + MAX_TOC_ENTRIES] for i in range(0, len(section), MAX_TOC_ENTRIES)]
    counter = iter(range(1, 1_000_000))
    level: list[str | TocNode] = [TocNode(f"toc{next(counter)}", titles[g[0]], [chapter_ids[k] for k in g])
                                  for g in groups]
    while len(level) > MAX_TOC_ENTRIES:
        level = [TocNode(f"toc{next(counter)}", _first_title(level[i]), level[i:i + MAX_TOC_ENTRIES])
                 for i in range(0, len(level), MAX_TOC_ENTRIES)]
    return TocNode("toc", title, level)


def _first_title(node: str | TocNode) -> str:
    return node.title if isinstance(node, TocNode) else node


def _toc_frames(node: TocNode, top: bool) -> list[Any]:
    from mutagen.id3 import CTOC, TIT2, CTOCFlags

    flags = CTOCFlags.ORDERED | (CTOCFlags.TOP_LEVEL if top else 0)
    ids = [c.element_id if isinstance(c, TocNode) else c for c in node.children]
    frames = [CTOC(element_id=node.element_id, flags=flags, child_element_ids=ids,
                   sub_frames=[TIT2(encoding=3, text=node.title)])]
    for child in node.children:
        if isinstance(child, TocNode):
            frames += _toc_frames(child, False)
    return frames


def tag(path: Path, *, title: str, authors: list[str], language: str,
        chapters: list[tuple[str, float, float]], track: str | None = None, album: str | None = None,
        parts: list[int] | None = None) -> None:
    """Write a new file holding only the ID3v2.3 tag (title/author/language, a CHAP frame per (title, start s,
    end s) and the CTOC hierarchy of :func:`toc_tree`); the audio is appended after it, so a long book is
    never rewritten."""
    from mutagen.id3 import CHAP, ID3, TALB, TIT2, TLAN, TPE1, TRCK

    path.write_bytes(b"")
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    if authors:
        tags.add(TPE1(encoding=3, text=authors))
    tags.add(TLAN(encoding=3, text=iso639_2(language)))
    if album:
        tags.add(TALB(encoding=3, text=album))
    if track:
        tags.add(TRCK(encoding=3, text=track))
    ids = [f"chp{n}" for n in range(1, len(chapters) + 1)]
    if chapters:
        for frame in _toc_frames(toc_tree(title, ids, [c[0] for c in chapters], parts), True):
            tags.add(frame)
    for element_id, (name, start, end) in zip(ids, chapters, strict=True):
        tags.add(CHAP(element_id=element_id, start_time=round(start * 1000), end_time=round(end * 1000),
                      start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                      sub_frames=[TIT2(encoding=3, text=name)]))
    tags.save(path, v2_version=3)


def _chapter_marks(book: SpokenBook, chapters: list[Chapter]) -> list[tuple[str, float, float]]:
    marks, at = [], 0.0
    for chapter in chapters:
        duration = book.rendering.chapters[chapter.id].duration
        marks.append((chapter.title, at, at + duration))
        at += duration
    return marks


def write_sections(book: SpokenBook, archive: Path) -> ArtifactOut:
    """One MP3 per top-level section and an M3U playlist, zipped into ``archive``."""
    script = book.script
    playlist = ["#EXTM3U", f"#PLAYLIST:{script.title}"]
    names: list[str] = []
    sections: list[dict[str, Any]] = []
    parts = script.parts()
    with tempfile.TemporaryDirectory(prefix="access-sections-") as tmp:
        work = Path(tmp)
        for n, chapters in enumerate(parts, start=1):
            title = chapters[0].title
            slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower())[:40].strip("-") or "section"
            name = f"{n:02d}-{slug}.mp3"
            path = work / name
            marks = _chapter_marks(book, chapters)
            tag(path, title=title, authors=script.authors, language=script.language, chapters=marks,
                track=f"{n}/{len(parts)}", album=script.title)
            concatenate([book.rendering.chapters[c.id].path for c in chapters], path)
            duration = marks[-1][2]
            playlist += [f"#EXTINF:{round(duration)},{title}", name]
            names.append(name)
            sections.append({"file": name, "title": title, "duration": round(duration, 3)})
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("playlist.m3u", "\n".join(playlist) + "\n", compress_type=zipfile.ZIP_DEFLATED)
            for name in names:
                zf.write(work / name, name)
    return ArtifactOut(name=archive.name, media_type="application/zip", path=str(archive),
                       metadata={"kind": "mp3-sections", "sections": sections,
                                 "duration": round(book.rendering.duration, 3)})


def write_mp3(book: SpokenBook, folder: OutputFolder, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    ctx.check_cancelled()
    ctx.progress(10, "writing the MP3")
    t0 = time.perf_counter()
    script = book.script
    path = folder.file(".mp3")
    marks = _chapter_marks(book, script.chapters)
    tag(path, title=script.title or folder.stem, authors=script.authors, language=script.language,
        chapters=marks, parts=[c.part for c in script.chapters])
    concatenate([book.rendering.chapters[c.id].path for c in script.chapters], path)
    facts = book.facts()
    metadata: dict[str, Any] = {
        "kind": "mp3", "duration": facts["duration"],
        "chapters": [{"title": t, "start": round(s, 3), "end": round(e, 3)} for t, s, e in marks],
        "language": facts["language"], "voices": facts["voices"], "words": facts["words"], "rate": options.rate,
        "bitrate": book.bitrate, "warnings": facts["warnings"],
        "timings": {"script": round(book.script_seconds, 3),
                    **{k: round(v, 3) for k, v in book.rendering.timings.items()}},
    }
    artifacts = [ArtifactOut(name=path.name, media_type=MEDIA_TYPE, path=str(path), metadata=metadata)]
    if book.rendering.duration > ctx.plugin_settings(SpeechSettings).audio_split_seconds and len(script.parts()) > 1:
        ctx.progress(60, "writing one MP3 per section")
        artifacts.append(write_sections(book, folder.file("-sections.zip")))
    metadata["timings"]["packaging"] = round(time.perf_counter() - t0, 3)
    ctx.progress(100, "MP3 written")
    return artifacts


WRITER = WriterSpec("mp3", SPOKEN_BOOK, write_mp3, queue="media",
                    description="MP3 (64 kbps mono) with ID3 chapters per heading; long documents also one MP3 per "
                                "section and an M3U playlist, zipped.")
