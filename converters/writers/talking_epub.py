"""EPUB 3 talking book with Media Overlays, written as ``<name>-talking.epub`` by the "daisy" target.

One XHTML content document per top-level section, one SMIL file per content document (the
``media-overlay`` of its manifest item), one MP3 per chapter. Every sentence (table cell, list entry,
page number) is a ``par``; where the engine gave word timings and the sentence is spoken as written,
the sentence becomes a ``seq`` of one ``par`` per word, so reading systems highlight word by word.
The package declares ``media:duration`` per overlay and in total, ``media:active-class`` (the CSS
class a reading system puts on the element being read) and the schema.org accessibility metadata,
with ``synchronizedAudioText``.

Packaging (OPF, nav, OCF zip) is ``converters.writers.epub.package_epub``, once. Audio is streamed into
the zip from the spoken chapter files, so memory stays bounded whatever the book's length.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from converters.speech.book import SpokenBook
from converters.speech.script import Chapter, Item, Segment
from converters.writers.daisy202 import clock
from converters.writers.epub import (
    ContentDoc,
    EpubMetadata,
    NavEntry,
    Resource,
    accessibility_metadata,
    nav_document,
    package_epub,
    stable_identifier,
    xhtml_page,
)
from converters.writers.talking_text import CSS, chapters_html, display_levels

ACTIVE_CLASS = "-epub-media-overlay-active"
SMIL_NS = "http://www.w3.org/ns/SMIL"
EPUB_NS = "http://www.idpf.org/2007/ops"
IMAGE_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}


def part_name(n: int) -> str:
    return f"part-{n:03d}.xhtml"


TimedWord = tuple[int, int, float, float]          # offset and length in the shown text, clip begin, end


def word_timings(book: SpokenBook, enabled: bool) -> Any:
    """For a segment: its words in the shown text with the clip that plays each, or None.

    Words are timed when the shown text is what was spoken, or its end (a list entry is spoken with its
    number first: the number's audio then joins the first word's clip). Clips cover the sentence without
    gaps: each word plays until the next begins."""
    clips = {sid: clip for audio in book.rendering.chapters.values() for sid, clip in audio.clips.items()}
    cache: dict[str, list[TimedWord] | None] = {}

    def timed(seg: Segment) -> list[TimedWord] | None:
        if seg.id in cache:
            return cache[seg.id]
        clip = clips.get(seg.id)
        result: list[TimedWord] | None = None
        if enabled and clip is not None and seg.text and seg.spoken.endswith(seg.text):
            shift = len(seg.spoken) - len(seg.text)
            kept = [w for w in clip.words if w[2] >= shift]
            if len(kept) >= 2:
                result = []
                for i, (start, _, offset, length) in enumerate(kept):
                    begin = clip.start if i == 0 else start
                    end = kept[i + 1][0] if i + 1 < len(kept) else clip.end
                    result.append((offset - shift, length, begin, min(max(end, begin), clip.end)))
        cache[seg.id] = result
        return result

    return timed


def smil_document(book: SpokenBook, chapters: list[Chapter], text_name: str, timed: Any) -> tuple[str, float]:
    """The overlay of one content document and its duration (the sum of its clips)."""
    pars: list[str] = []
    total = 0.0
    for chapter in chapters:
        audio = book.rendering.chapters[chapter.id]
        src = f"../audio/{chapter.id}.mp3"
        pages = {seg.id for item in chapter.items if item.kind == "page" for seg in item.segments}
        for seg in chapter.segments():
            clip = audio.clips.get(seg.id)
            if clip is None or not seg.target or clip.end <= clip.start:
                continue
            words = timed(seg) if seg.id not in pages else []
            if words:
                inner = []
                for n, (_, _, begin, end) in enumerate(words, start=1):
                    if end <= begin:
                        continue
                    inner.append(f'<par id="par-{seg.id}w{n}"><text src="../{text_name}#{seg.id}w{n}"/>'
                                 f'<audio src="{src}" clipBegin="{begin:.3f}s" clipEnd="{end:.3f}s"/></par>')
                    total += end - begin
                pars.append(f'<seq id="seq-{seg.id}" epub:textref="../{text_name}#{seg.id}">'
                            + "".join(inner) + "</seq>")
            else:
                kind = ' epub:type="pagebreak"' if seg.id in pages else ""     # a page number: skippable
                pars.append(f'<par id="par-{seg.id}"{kind}><text src="../{text_name}#{seg.target}"/>'
                            f'<audio src="{src}" clipBegin="{clip.start:.3f}s" clipEnd="{clip.end:.3f}s"/></par>')
                total += clip.end - clip.start
    body = "\n".join(pars)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<smil xmlns="{SMIL_NS}" xmlns:epub="{EPUB_NS}" '
            f'version="3.0">\n<body>\n{body}\n</body>\n</smil>\n'), total


def toc_entries(book: SpokenBook, files: dict[str, str], levels: dict[str, int]) -> list[NavEntry]:
    roots: list[NavEntry] = []
    stack: list[tuple[int, NavEntry]] = []
    first = book.script.chapters[0]
    if not first.level:
        roots.append(NavEntry(book.script.title or first.title, files[first.id]))
    for chapter, item in book.script.headings():
        level = levels[item.id]
        entry = NavEntry(chapter.title, f"{files[chapter.id]}#{item.id}")
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(entry)
        stack.append((level, entry))
    return roots


def write_talking_epub(book: SpokenBook, target: Path, word_sync: bool) -> dict[str, Any]:
    """Write the talking book at ``target``; returns the facts the gate checks."""
    doc = book.document
    script = book.script
    language = script.language
    levels = display_levels(script.chapters)
    timed = word_timings(book, word_sync)

    def words(seg: Segment) -> list[tuple[int, int]] | None:
        found = timed(seg)
        return [(offset, length) for offset, length, _, _ in found] if found else None
    resources: list[Resource] = []
    images: dict[str, str] = {}

    def image_src(item: Item) -> str | None:
        if not item.image or item.media_type not in IMAGE_EXT:
            return None
        if item.id not in images:
            name = f"images/{item.id}.{IMAGE_EXT[item.media_type]}"
            images[item.id] = name
            resources.append(Resource(name=name, data=item.image, media_type=item.media_type))
        return images[item.id]

    files: dict[str, str] = {}
    docs: list[ContentDoc] = []
    durations: list[tuple[str, float]] = []
    for n, chapters in enumerate(script.parts(), start=1):
        name = part_name(n)
        for chapter in chapters:
            files[chapter.id] = name
        body = chapters_html(chapters, language, xhtml5=True, image_src=image_src, levels=levels, words=words)
        title = chapters[0].title if chapters[0].level else script.title
        lead = "" if chapters[0].level else f"<h1>{escape(script.title)}</h1>\n" if n == 1 else ""
        xhtml = xhtml_page(title=title, language=language, body=(
            f'<section epub:type="chapter" role="doc-chapter" aria-label="{escape(title)}">\n'
            f"{lead}{body}\n</section>"), body_type="bodymatter" if n == 1 else None)
        smil, duration = smil_document(book, chapters, name, timed)
        overlay = f"mo-{n:03d}"
        resources.append(Resource(name=f"smil/part-{n:03d}.smil", data=smil.encode("utf-8"),
                                  media_type="application/smil+xml", id=overlay))
        docs.append(ContentDoc(name=name, xhtml=xhtml, media_overlay=overlay))
        durations.append((overlay, duration))
    resources += [Resource(name=f"audio/{c.id}.mp3", data=b"", media_type="audio/mpeg",
                           path=book.rendering.chapters[c.id].path) for c in script.chapters]
    pages = [NavEntry(label, f"{files[chapter.id]}#{item.segments[0].id}")
             for label, chapter, item in script.pages()]
    nav = nav_document(script.title, language, toc_entries(book, files, levels), pages,
                       [("bodymatter", "Start of content", docs[0].name)])
    a11y, _ = accessibility_metadata(doc, has_page_list=bool(pages), extra_modes=["auditory"],
                                     extra_features=["synchronizedAudioText"])
    a11y["schema:accessModeSufficient"] = [*a11y["schema:accessModeSufficient"], "auditory"]
    if not images:                   # figures are described in text and speech only: nothing visual inside
        a11y["schema:accessMode"] = [m for m in a11y["schema:accessMode"] if m != "visual"]
        a11y["schema:accessModeSufficient"] = list(dict.fromkeys(
            "textual" if m == "textual,visual" else m for m in a11y["schema:accessModeSufficient"]))
    a11y["schema:accessibilitySummary"] += (" Every sentence is narrated by synthetic speech "
                                            "and highlighted while it is read (EPUB Media Overlays).")
    total = sum(d for _, d in durations)
    narrator = ", ".join(v.name for v in book.rendering.voices) or "synthetic speech"
    extra = [("media:duration", clock(d, fraction=True), f"#{mo}") for mo, d in durations]
    extra += [("media:duration", clock(total, fraction=True), None), ("media:narrator", narrator, None),
              ("media:active-class", ACTIVE_CLASS, None)]
    metadata = EpubMetadata(title=script.title, language=language,
                            identifier=stable_identifier(doc.model_dump_json(), "talking", narrator),
                            authors=script.authors, source=doc.metadata.source_name, accessibility=a11y,
                            extra_meta=extra)
    package_epub(target, metadata=metadata, content_docs=docs, nav_xhtml=nav, resources=resources, css=CSS)
    facts = {"kind": "epub3-media-overlays", "overlay_duration": round(total, 3), "overlays": len(durations),
             "word_sync": bool(word_sync), "pages": len(pages), "headings": len(script.headings())}
    return facts
