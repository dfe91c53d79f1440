"""The text half of a talking book: a spoken script's chapters as XHTML whose every utterance has an id
that the SMIL files point at. Shared by the DAISY 2.02 and the EPUB 3 media-overlay writers.

Only text from the document is written, always escaped: no markup, script or style from an input can
reach the output.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from converters.speech.script import Chapter, Item, Segment

CSS = """body { font-family: Verdana, Arial, sans-serif; line-height: 1.6; margin: 1em auto; max-width: 42em;
  padding: 0 1em; color: #1a1a1a; background: #fff; }
.-epub-media-overlay-active, .sentence-active { background-color: #ffe066; color: #000; }
.page { color: #555; font-size: 0.9em; border-top: 1px solid #767676; margin: 1.5em 0 0.5em; }
.entries { list-style: none; padding-left: 0; }
.entries li { margin: 0.3em 0; }
.depth-1 { margin-left: 1.5em; } .depth-2 { margin-left: 3em; } .depth-3 { margin-left: 4.5em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #767676; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; }
blockquote { margin: 1em 2em; } pre { white-space: pre-wrap; }
"""

WordsFn = Callable[[Segment], list[tuple[int, int]] | None]


def page_class(item: Item) -> str:
    """DAISY 2.02 page kinds: arabic numbers are normal pages, roman numerals front matter, others special."""
    if item.label.isdigit():
        return "page-normal"
    return "page-front" if re.fullmatch(r"[ivxlcdm]+", item.label) else "page-special"


def _lang_attrs(lang: str, book_lang: str, xhtml5: bool) -> str:
    if not lang or lang.lower() == book_lang.lower():
        return ""
    return f' lang="{escape(lang)}" xml:lang="{escape(lang)}"' if xhtml5 else f' xml:lang="{escape(lang)}"'


def segment_html(seg: Segment, book_lang: str, xhtml5: bool, words: WordsFn | None = None) -> str:
    """``<span id=…>sentence</span>``, with one span per word inside when word timings are given."""
    if not seg.text:
        return ""
    attrs = f' id="{seg.id}"{_lang_attrs(seg.lang, book_lang, xhtml5)}'
    spans = words(seg) if words is not None else None
    if not spans:
        return f"<span{attrs}>{escape(seg.text)}</span>"
    out, at = [], 0
    for n, (offset, length) in enumerate(spans, start=1):
        out.append(escape(seg.text[at:offset]))
        out.append(f'<span id="{seg.id}w{n}">{escape(seg.text[offset:offset + length])}</span>')
        at = offset + length
    out.append(escape(seg.text[at:]))
    return f"<span{attrs}>{''.join(out)}</span>"


def _segments(segments: list[Segment], book_lang: str, xhtml5: bool, words: WordsFn | None) -> str:
    return " ".join(h for h in (segment_html(s, book_lang, xhtml5, words) for s in segments) if h)


def item_html(item: Item, book_lang: str, *, xhtml5: bool, image_src: Callable[[Item], str | None],
              words: WordsFn | None = None, level: int = 0) -> str:
    text = _segments(item.segments, book_lang, xhtml5, words)
    iid = f' id="{item.id}"'
    if item.kind == "heading":
        level = min(max(level or item.level, 1), 6)
        return f"<h{level}{iid}>{text}</h{level}>"
    if item.kind == "paragraph":
        inner = f"<p{iid}>{text}</p>"
        if item.style == "quote":
            return f"<blockquote>{inner}</blockquote>"
        if item.style == "footnote":
            return f'<div class="footnote">{inner}</div>'
        return inner if item.style != "notes" else f'<div class="notes">{inner}</div>'
    if item.kind == "code":
        return f"<pre{iid}><code>{text}</code></pre>"
    if item.kind == "page":
        seg = item.segments[0]
        if xhtml5:
            return (f'<div class="page"><span id="{seg.id}" role="doc-pagebreak" epub:type="pagebreak" '
                    f'aria-label="{escape(item.label)}">{escape(seg.text)}</span></div>')
        return f'<p class="page"><span class="{page_class(item)}" id="{seg.id}">{escape(item.label)}</span></p>'
    if item.kind == "list":
        lis = []
        for entry in item.entries:
            label = f"{escape(entry.label)} " if entry.label and entry.ordered else ("• " if entry.label else "")
            lis.append(f'<li class="depth-{min(entry.depth, 3)}">{label}'
                       f"{_segments(entry.segments, book_lang, xhtml5, words)}</li>")
        return f'<ul{iid} class="entries">{"".join(lis)}</ul>'
    if item.kind == "table":
        rows = []
        for row in item.rows:
            cells = []
            for cell in row:
                inner = segment_html(cell.segment, book_lang, xhtml5, words)
                if cell.header and cell.segment.text.strip():    # an empty header names nothing: a data cell
                    scope = "col" if all(x.header for x in row) else "row"
                    cells.append(f'<th scope="{scope}">{inner}</th>')
                else:
                    cells.append(f"<td>{inner}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        caption = (f"<caption>{segment_html(item.caption, book_lang, xhtml5, words)}</caption>"
                   if item.caption else "")
        return f"<table{iid}>{caption}{''.join(rows)}</table>"
    if item.kind == "figure":
        src = image_src(item) if item.alt else None
        if src:
            body = f'<img src="{escape(src)}" alt="{escape(item.alt)}"/>'
        else:
            spoken = " ".join(s.spoken for s in item.segments)
            body = f'<p class="figure-text">{escape(spoken)}</p>'
        caption = (f"<figcaption>{segment_html(item.caption, book_lang, xhtml5, words)}</figcaption>"
                   if item.caption else "")
        tag = "figure" if xhtml5 else "div"
        caption = caption if xhtml5 else caption.replace("figcaption>", "p>")
        return f'<{tag}{iid} class="figure">{body}{caption}</{tag}>'
    return ""


def display_levels(chapters: list[Chapter]) -> dict[str, int]:
    """Heading level per heading item, so that levels never skip (h1 → h3 becomes h1 → h2)."""
    levels: dict[str, int] = {}
    previous = 0
    for chapter in chapters:
        for item in chapter.items:
            if item.kind == "heading":
                previous = min(max(item.level, 1), previous + 1)
                levels[item.id] = previous
    return levels


def chapters_html(chapters: list[Chapter], book_lang: str, *, xhtml5: bool,
                  image_src: Callable[[Item], str | None], levels: dict[str, int],
                  words: WordsFn | None = None) -> str:
    """The body content of the chapters; heading levels from ``display_levels``."""
    out = [item_html(item, book_lang, xhtml5=xhtml5, image_src=image_src, words=words,
                     level=levels.get(item.id, item.level))
           for chapter in chapters for item in chapter.items]
    return "\n".join(h for h in out if h)
