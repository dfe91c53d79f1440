"""DAISY 2.02 talking book (full text and full audio), zipped (``<name>-daisy202.zip``):

- ``ncc.html`` — the navigation centre: every heading (h1–h6, the first one ``class="title"``) and
  every page (``span class="page-normal"``), each linking to the SMIL ``par`` that speaks it, plus the
  ``dc:``/``ncc:`` metadata DAISY 2.02 requires (totalTime, tocItems, pageNormal, depth, files …);
- ``content.html`` — the text, one ``span`` per sentence (or table cell, list entry, page number);
- one SMIL 1.0 file and one MP3 per chapter (heading): ``par`` = text reference + audio clip.

What DAISY players (and Thorium, which imports DAISY 2.02 books) read. The "daisy" target
(``daisy.py``) also writes the EPUB 3 media-overlay book (``talking_epub.py``).
"""

from __future__ import annotations

import shutil
import uuid
import zipfile
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from converters.speech.book import SpokenBook
from converters.speech.script import Chapter, Segment
from converters.writers.talking_text import CSS, chapters_html, display_levels, page_class

XHTML_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                 '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
SMIL_DOCTYPE = '<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">'
CONTENT = "content.html"


def clock(seconds: float, fraction: bool = False) -> str:
    """h:mm:ss (or h:mm:ss.sss) clock value."""
    millis = round(seconds * 1000)
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h}:{m:02d}:{s:02d}.{ms:03d}" if fraction else f"{h:02d}:{m:02d}:{s:02d}"


def first_par(segments: list[Segment], book: SpokenBook, chapter: Chapter) -> str | None:
    clips = book.rendering.chapters[chapter.id].clips
    return next((f"par_{s.id}" for s in segments if s.id in clips), None)


def content_html(book: SpokenBook, levels: dict[str, int]) -> str:
    script = book.script
    lang = escape(script.language)
    body = chapters_html(script.chapters, script.language, xhtml5=False, image_src=lambda item: None,
                         levels=levels)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{XHTML_DOCTYPE}\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{lang}" xml:lang="{lang}">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>\n'
            f"<title>{escape(script.title)}</title>\n"
            '<link rel="stylesheet" type="text/css" href="default.css"/>\n</head>\n'
            f'<body>\n<div role="main">\n{body}\n</div>\n</body>\n</html>\n')


def smil_file(book: SpokenBook, chapter: Chapter, identifier: str, elapsed: float) -> str:
    audio = book.rendering.chapters[chapter.id]
    pars = []
    for seg in chapter.segments():
        clip = audio.clips.get(seg.id)
        if clip is None or not seg.target:
            continue
        pars.append(f'<par endsync="last" id="par_{seg.id}">'
                    f'<text src="{CONTENT}#{seg.target}" id="txt_{seg.id}"/>'
                    f'<audio src="{chapter.id}.mp3" clip-begin="npt={clip.start:.3f}s" '
                    f'clip-end="npt={clip.end:.3f}s" id="aud_{seg.id}"/></par>')
    title = escape(book.script.title)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{SMIL_DOCTYPE}\n<smil>\n<head>\n'
            '<meta name="dc:format" content="Daisy 2.02"/>\n'
            f'<meta name="dc:title" content="{title}"/>\n'
            f'<meta name="dc:identifier" content="{identifier}"/>\n'
            '<meta name="ncc:generator" content="access"/>\n'
            f'<meta name="ncc:totalElapsedTime" content="{clock(elapsed)}"/>\n'
            f'<meta name="ncc:timeInThisSmil" content="{clock(audio.duration)}"/>\n'
            '<layout><region id="txtView"/></layout>\n</head>\n<body>\n'
            f'<seq dur="{audio.duration:.3f}s">\n' + "\n".join(pars) + "\n</seq>\n</body>\n</smil>\n")


def ncc_entries(book: SpokenBook, levels: dict[str, int]) -> tuple[list[str], dict[str, int]]:
    """NCC body lines (headings and pages in reading order) and counts for the metadata."""
    lines: list[str] = []
    counts = {"headings": 0, "page-normal": 0, "page-front": 0, "page-special": 0, "max_page": 0, "depth": 1}
    script = book.script
    for chapter in script.chapters:
        for item in chapter.items:
            if item.kind == "heading":
                target = first_par(item.segments, book, chapter)
                if target is None:
                    continue
                level = levels[item.id]
                title = escape(" ".join(s.text for s in item.segments if s.text))
                css = ' class="title"' if not lines else ""
                lines.append(f'<h{level}{css} id="ncc_{item.id}"><a href="{chapter.id}.smil#{target}">'
                             f"{title}</a></h{level}>")
                counts["headings"] += 1
                counts["depth"] = max(counts["depth"], level)
            elif item.kind == "page":
                target = first_par(item.segments, book, chapter)
                if target is None:
                    continue
                if not lines:            # the NCC must open with the title
                    lines.append(f'<h1 class="title" id="ncc_title"><a href="{chapter.id}.smil#{target}">'
                                 f"{escape(script.title)}</a></h1>")
                kind = page_class(item)
                counts[kind] += 1
                if kind == "page-normal":
                    counts["max_page"] = max(counts["max_page"], int(item.label))
                lines.append(f'<span class="{kind}" id="ncc_{item.id}"><a href="{chapter.id}.smil#{target}">'
                             f"{escape(item.label)}</a></span>")
            elif not lines:
                target = first_par(chapter.segments(), book, chapter)
                if target is not None:
                    lines.append(f'<h1 class="title" id="ncc_title"><a href="{chapter.id}.smil#{target}">'
                                 f"{escape(script.title)}</a></h1>")
    return lines, counts


def ncc_html(book: SpokenBook, lines: list[str], counts: dict[str, int], identifier: str, files: int,
             kbytes: int) -> str:
    script = book.script
    lang = escape(script.language)
    narrator = ", ".join(f"{v.name} ({v.engine})" for v in book.rendering.voices) or "synthetic speech"
    meta = {
        "dc:title": script.title, "dc:creator": ", ".join(script.authors) or "Unknown",
        "dc:date": datetime.now(UTC).strftime("%Y-%m-%d"), "dc:format": "Daisy 2.02",
        "dc:identifier": identifier, "dc:language": script.language, "dc:publisher": "access",
        "ncc:charset": "utf-8", "ncc:depth": str(counts["depth"]), "ncc:files": str(files),
        "ncc:footnotes": "0", "ncc:generator": "access (espeak-ng through libespeak-ng)",
        "ncc:kByteSize": str(kbytes), "ncc:maxPageNormal": str(counts["max_page"]),
        "ncc:multimediaType": "audioFullText", "ncc:narrator": narrator,
        "ncc:pageFront": str(counts["page-front"]), "ncc:pageNormal": str(counts["page-normal"]),
        "ncc:pageSpecial": str(counts["page-special"]), "ncc:prodNotes": "0", "ncc:setInfo": "1 of 1",
        "ncc:sidebars": "0", "ncc:tocItems": str(len(lines)),
        "ncc:totalTime": clock(book.rendering.duration),
    }
    metas = "\n".join(f'<meta name="{k}" content="{escape(v)}"/>' for k, v in meta.items())
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{XHTML_DOCTYPE}\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{lang}" xml:lang="{lang}">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>\n'
            f"<title>{escape(script.title)}</title>\n{metas}\n</head>\n<body>\n"
            + "\n".join(lines) + "\n</body>\n</html>\n")


def write_daisy202(book: SpokenBook, archive: Path) -> dict[str, Any]:
    """Write the book as a zip at ``archive``; returns the facts the gate checks."""
    script = book.script
    identifier = f"access-{uuid.uuid4()}"
    levels = display_levels(script.chapters)
    texts: dict[str, str] = {CONTENT: content_html(book, levels), "default.css": CSS}
    elapsed = 0.0
    for chapter in script.chapters:
        texts[f"{chapter.id}.smil"] = smil_file(book, chapter, identifier, elapsed)
        elapsed += book.rendering.chapters[chapter.id].duration
    lines, counts = ncc_entries(book, levels)
    audio = {f"{c.id}.mp3": book.rendering.chapters[c.id].path for c in script.chapters}
    size = sum(len(t.encode()) for t in texts.values()) + sum(p.stat().st_size for p in audio.values())
    texts["ncc.html"] = ncc_html(book, lines, counts, identifier, files=len(texts) + len(audio) + 1,
                                 kbytes=size // 1024)
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ["ncc.html", CONTENT, "default.css", *(f"{c.id}.smil" for c in script.chapters)]:
            zf.writestr(name, texts[name].encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
        for name, path in audio.items():
            with path.open("rb") as src, zf.open(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)),
                                                 "w") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
    facts = {"kind": "daisy202", "headings": len(script.headings()), "pages": len(script.pages()),
             "ncc_headings": counts["headings"], "duration": round(book.rendering.duration, 3),
             "smil_files": len(script.chapters)}
    return facts
