"""Document blocks → escaped, semantic (X)HTML: shared by the HTML and EPUB writers.

Every piece of text from the input goes through :func:`esc`; links keep only safe schemes; no
attribute or element name ever comes from the input. An input therefore cannot inject markup or
script, whatever it holds.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from access import document as model

SAFE_SCHEMES = ("http://", "https://", "mailto:")
INLINE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
MISSING_ALT = ("Image without a text alternative in the source document; a reviewer must describe it"
               " (not generated automatically).")
REVIEW_ATTR = "data-access-review"


def esc(text: str | None) -> str:
    return html.escape(model.strip_control_characters(text or ""), quote=True)


def safe_href(href: str | None) -> str | None:
    if not href:
        return None
    href = model.strip_control_characters(href).strip()
    if href.lower().startswith(SAFE_SCHEMES) or re.match(r"^#[A-Za-z][\w\-.:]*$", href):
        return href
    return None


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-")
    return s or "section"


@dataclass
class PlannedHeading:
    heading: model.Heading
    level: int                     # output level, no gaps
    id: str
    file: str = ""                 # EPUB: the content document holding it


@dataclass
class Plan:
    """Output heading levels (no gaps, starting at ``base``) and unique ids."""

    headings: list[PlannedHeading]
    by_obj: dict[int, PlannedHeading] = field(default_factory=dict)
    anchors: dict[str, PlannedHeading] = field(default_factory=dict)   # link fragment -> heading

    def target(self, fragment: str) -> PlannedHeading | None:
        """The heading an in-document link (``#install``, ``#use-it``) points to: by the heading's id in
        the source, its planned id, or the slug of its text as Markdown and HTML authors write it."""
        return self.anchors.get(fragment) or self.anchors.get(fragment.lower())


def plan_headings(doc: model.Document, base: int, *, first_is_title: bool = False) -> Plan:
    """``first_is_title``: the first heading is the page's only level-1 heading and every other
    heading is planned below it, starting at ``base`` (2)."""
    planned: list[PlannedHeading] = []
    stack: list[tuple[int, int]] = []          # (source level, output level)
    used: set[str] = set()
    for k, h in enumerate(doc.headings()):
        while stack and stack[-1][0] >= h.level:
            stack.pop()
        out = min(6, stack[-1][1] + 1 if stack else base)
        if first_is_title and k == 0:
            out = 1
            stack.clear()
            used.add(f"h-{slug(h.text)}")
            planned.append(PlannedHeading(h, 1, f"h-{slug(h.text)}"))
            continue
        stack.append((h.level, out))
        ident = f"h-{slug(h.text)}"
        n = 2
        while ident in used:
            ident = f"h-{slug(h.text)}-{n}"
            n += 1
        used.add(ident)
        planned.append(PlannedHeading(h, out, ident))
    anchors: dict[str, PlannedHeading] = {}
    for p in planned:
        for key in (p.id, p.heading.id, p.id.removeprefix("h-"), author_slug(p.heading.text)):
            if key:
                anchors.setdefault(key, p)
    return Plan(planned, {id(p.heading): p for p in planned}, anchors)


def author_slug(text: str) -> str:
    """The anchor Markdown processors give a heading (GitHub, pandoc): lower case, punctuation dropped,
    spaces as hyphens (``Use it!`` → ``use-it``)."""
    return re.sub(r"\s+", "-", re.sub(r"[^\w\s-]", "", text.strip().lower()))


@dataclass
class Renderer:
    """Renders blocks. ``image_src(figure, n)`` gives an img src (data URI or package path)."""

    plan: Plan
    xhtml: bool = False
    image_src: Callable[[model.Figure, int], str | None] = lambda fig, n: data_uri(fig)
    note_href: Callable[[str], str] = lambda note_id: f"#fn-{slug(note_id)}"
    figures: int = 0
    missing_alt: list[dict[str, Any]] = field(default_factory=list)
    pages: list[tuple[str, str]] = field(default_factory=list)      # (label, id)
    file: str = ""                 # EPUB: the content document being rendered (for back links)
    note_refs: dict[str, list[str]] = field(default_factory=dict)   # note id -> hrefs of its references

    # ---------------------------------------------------------------- inlines
    def link(self, href: str | None) -> str | None:
        """A safe link; one inside the document goes to the heading it names (in EPUB, in the content
        document that holds it), and is dropped when nothing in the document has that anchor."""
        href = safe_href(href)
        if not href or not href.startswith("#"):
            return href
        target = self.plan.target(href[1:])
        if target is None:
            return None
        return f"{target.file}#{target.id}" if self.xhtml and target.file else f"#{target.id}"

    def noteref(self, ref: model.NoteRef) -> str:
        """A link to the note, with an id of its own so the note can link back (a note may be
        referenced more than once: each reference gets its own id)."""
        refs = self.note_refs.setdefault(ref.id, [])
        ident = f"ref-{slug(ref.id)}" + (f"-{len(refs) + 1}" if refs else "")
        refs.append(f"{self.file}#{ident}")
        label = esc(ref.label or str(list(self.note_refs).index(ref.id) + 1))
        return (f'<a class="noteref" href="{esc(self.note_href(ref.id))}" id="{esc(ident)}" role="doc-noteref"'
                f'{self._epub_type("noteref")}><sup>{label}</sup></a>')

    def inlines(self, inlines: list[Any]) -> str:
        out = []
        for item in inlines:
            if isinstance(item, model.NoteRef):
                out.append(self.noteref(item))
                continue
            text = esc(item.text)
            if not text:
                continue
            if item.position == "super":
                text = f"<sup>{text}</sup>"
            elif item.position == "sub":
                text = f"<sub>{text}</sub>"
            if item.code:
                text = f"<code>{text}</code>"
            if item.emphasis:
                text = f"<em>{text}</em>"
            if item.strong:
                text = f"<strong>{text}</strong>"
            href = self.link(item.href)
            if href:
                text = f'<a href="{esc(href)}">{text}</a>'
            if item.lang and re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", item.lang):
                text = f'<span lang="{esc(item.lang)}"{self._xml_lang(item.lang)}>{text}</span>'
            out.append(text)
        return "".join(out)

    # ---------------------------------------------------------------- blocks
    def blocks(self, blocks: list[Any]) -> str:
        return "\n".join(s for s in (self.block(b) for b in blocks) if s)

    def block(self, b: Any) -> str:
        if isinstance(b, model.Heading):
            return self.heading(b)
        if isinstance(b, model.Paragraph):
            body = self.inlines(b.inlines)
            if not body.strip():
                return ""
            lang = f' lang="{esc(b.lang)}"{self._xml_lang(b.lang)}' if b.lang else ""
            return f"<p{lang}>{body}</p>"
        if isinstance(b, model.ListBlock):
            return self.list_block(b)
        if isinstance(b, model.Table):
            return self.table(b)
        if isinstance(b, model.Figure):
            return self.figure(b)
        if isinstance(b, model.PageBreak):
            return self.pagebreak(b)
        if isinstance(b, model.Math):
            return f'<p class="math">{esc(b.text)}</p>' if b.text else ""
        if isinstance(b, model.Quote):
            return f"<blockquote>\n{self.blocks(b.blocks)}\n</blockquote>"
        if isinstance(b, model.Code):
            return f"<pre><code>{esc(b.text)}</code></pre>"
        if isinstance(b, model.Notes):
            inner = self.blocks(b.blocks)
            return (f'<div class="speaker-notes" role="note">\n<p><strong>Speaker notes</strong></p>\n'
                    f"{inner}\n</div>") if inner else ""
        if isinstance(b, model.Section):
            cls = "slide" if b.kind == "slide" else b.kind
            return f'<section class="{esc(cls)}">\n{self.blocks(b.blocks)}\n</section>'
        return ""

    def heading(self, h: model.Heading) -> str:
        planned = self.plan.by_obj.get(id(h))
        text = self.inlines(h.inlines)
        if planned is None or not text.strip():
            return f"<p><strong>{text}</strong></p>" if text.strip() else ""
        return f'<h{planned.level} id="{planned.id}">{text}</h{planned.level}>'

    def list_block(self, b: model.ListBlock) -> str:
        tag = "ol" if b.ordered else "ul"
        start = f' start="{b.start}"' if b.ordered and b.start != 1 else ""
        items = []
        for item in b.items:
            inner = item.blocks
            if len(inner) >= 1 and isinstance(inner[0], model.Paragraph):
                first = self.inlines(inner[0].inlines)
                rest = self.blocks(inner[1:])
                items.append(f"<li>{first}{chr(10) + rest if rest else ''}</li>")
            else:
                items.append(f"<li>{self.blocks(inner)}</li>")
        return f"<{tag}{start}>\n" + "\n".join(items) + f"\n</{tag}>"

    def table(self, t: model.Table) -> str:
        if not t.rows:
            return ""
        parts = ["<table>"]
        if t.caption:
            parts.append(f"<caption>{esc(t.caption)}</caption>")
        head_rows = t.rows[: t.header_rows]
        body_rows = t.rows[t.header_rows:]
        if head_rows:
            parts.append("<thead>")
            parts.extend(self.row(r, in_head=True, header_cols=t.header_cols) for r in head_rows)
            parts.append("</thead>")
        if body_rows:
            parts.append("<tbody>")
            parts.extend(self.row(r, in_head=False, header_cols=t.header_cols) for r in body_rows)
            parts.append("</tbody>")
        parts.append("</table>")
        return "\n".join(parts)

    def row(self, row: Any, *, in_head: bool, header_cols: int) -> str:
        cells = []
        for k, cell in enumerate(row.cells):
            header = in_head or cell.header or k < header_cols
            tag = "th" if header else "td"
            attrs = ""
            if header:
                scope = "col" if in_head else (cell.scope or "row")
                attrs += f' scope="{scope}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            content = self.cell_content(cell.blocks)
            if header and not content.strip():
                tag, attrs = "td", attrs.replace(f' scope="{scope}"', "")   # an empty header names nothing
            cells.append(f"<{tag}{attrs}>{content}</{tag}>")
        return "<tr>" + "".join(cells) + "</tr>"

    def cell_content(self, blocks: list[Any]) -> str:
        if len(blocks) == 1 and isinstance(blocks[0], model.Paragraph):
            return self.inlines(blocks[0].inlines)
        return self.blocks(blocks)

    def figure(self, f: model.Figure) -> str:
        n = self.figures
        self.figures += 1
        src = self.image_src(f, n) if f.image else None
        caption = f"<figcaption>{esc(f.caption)}</figcaption>" if f.caption else ""
        slash = " /" if self.xhtml else ""
        if src is None:
            what = esc(f.alt or f.caption or "an image")
            note = (f'<p class="review-note" {REVIEW_ATTR}="image-not-converted">Image not converted '
                    f"({esc(f.media_type or 'unknown format')}): {what}.</p>")
            return f'<figure id="figure-{n + 1}">{note}{caption}</figure>'
        if f.decorative:
            return f'<figure id="figure-{n + 1}"><img src="{esc(src)}" alt=""{slash}>{caption}</figure>'
        if f.alt_missing:
            self.missing_alt.append({"figure": n + 1, "source_ref": f.source_ref})
            note = (f'<p class="review-note" {REVIEW_ATTR}="missing-alt">Reviewer: this image has no text '
                    "alternative in the source. Describe it before publishing.</p>")
            return (f'<figure id="figure-{n + 1}" {REVIEW_ATTR}="missing-alt">'
                    f'<img src="{esc(src)}" alt="{esc(MISSING_ALT)}"{slash}>{note}{caption}</figure>')
        return f'<figure id="figure-{n + 1}"><img src="{esc(src)}" alt="{esc(f.alt)}"{slash}>{caption}</figure>'

    def pagebreak(self, p: model.PageBreak) -> str:
        ident = f"page-{slug(p.label)}"
        used = {i for _, i in self.pages}
        k = 2
        while ident in used:
            ident = f"page-{slug(p.label)}-{k}"
            k += 1
        self.pages.append((p.label, ident))
        word = "Slide" if p.kind == "slide" else "Page"
        label = p.label if p.label.lower().startswith(word.lower()) else f"{word} {p.label}"
        # <hr role="doc-pagebreak"> carries the name for assistive technology (axe accepts the role
        # on <hr>, not on <div>); the visible number beside it is hidden from them to avoid repeats
        slash = " /" if self.xhtml else ""
        return (f'<hr class="pagebreak" id="{ident}" role="doc-pagebreak" aria-label="{esc(label)}"'
                f'{self._epub_type("pagebreak")}{slash}>\n<p class="pagenum" aria-hidden="true">{esc(label)}</p>')

    def footnotes(self, doc: model.Document, heading_level: int) -> str:
        if not doc.footnotes:
            return ""
        items = []
        for key, blocks in doc.footnotes.items():
            ident = f"fn-{slug(key)}"
            refs = self.note_refs.get(key, [])
            back = " ".join(
                f'<a href="{esc(href)}" role="doc-backlink">Back to the text'
                f'{f" ({k})" if len(refs) > 1 else ""}</a>' for k, href in enumerate(refs, start=1))
            backlinks = f'\n<p class="backlinks">{back}</p>' if back else ""
            items.append(f'<li id="{ident}"{self._epub_type("endnote")}>{self.blocks(blocks)}{backlinks}</li>')
        level = max(1, min(6, heading_level))
        return (f'<section class="notes" role="doc-endnotes" aria-labelledby="notes-heading"'
                f'{self._epub_type("endnotes")}>\n'
                f'<h{level} id="notes-heading">Notes</h{level}>\n<ol>\n' + "\n".join(items) + "\n</ol>\n</section>")

    # ---------------------------------------------------------------- helpers
    def _epub_type(self, kind: str) -> str:
        return f' epub:type="{kind}"' if self.xhtml else ""

    def _xml_lang(self, lang: str | None) -> str:
        return f' xml:lang="{esc(lang)}"' if self.xhtml and lang else ""


def quality_notice(warnings: list[str], *, xhtml: bool = False) -> str:
    """The visible warning at the top of an output whose text failed the document-quality gate."""
    if not warnings:
        return ""
    epub = ' epub:type="warning"' if xhtml else ""
    items = "\n".join(f"<li>{esc(w)}</li>" for w in warnings)
    return (f'<div class="quality-warning" role="note" aria-label="Conversion warning"{epub}>\n'
            "<p><strong>Warning: this version may not match the original.</strong> Automatic checks of the "
            "converted text found problems:</p>\n"
            f"<ul>\n{items}\n</ul>\n</div>\n")


def data_uri(fig: model.Figure) -> str | None:
    if not fig.image or fig.media_type not in INLINE_IMAGE_TYPES:
        return None
    return f"data:{fig.media_type};base64,{base64.b64encode(fig.image).decode('ascii')}"


def figure_summary(doc: model.Document) -> dict[str, int]:
    figs = doc.figures()
    return {"figures": len(figs), "missing_alt": sum(1 for f in figs if f.alt_missing)}


def toc_html(plan: Plan, max_level: int, href: Callable[[PlannedHeading], str]) -> str:
    """Nested <ol> of the headings up to max_level."""
    entries = [p for p in plan.headings if p.level <= max_level]
    if not entries:
        return ""
    out: list[str] = []
    depth = 0
    levels: list[int] = []
    for p in entries:
        if not levels:
            out.append("<ol>")
            levels.append(p.level)
            depth = 1
        elif p.level > levels[-1]:
            out.append("<ol>")
            levels.append(p.level)
            depth += 1
        else:
            out.append("</li>")
            while len(levels) > 1 and p.level < levels[-1]:
                levels.pop()
                out.append("</ol></li>")
                depth -= 1
        text = esc(" ".join(p.heading.text.split())) or "Untitled section"
        out.append(f'<li><a href="{esc(href(p))}">{text}</a>')
    out.append("</li>")
    while len(levels) > 1:
        levels.pop()
        out.append("</ol></li>")
    out.append("</ol>")
    return "\n".join(out)


def title_of(doc: model.Document) -> str:
    title = (doc.metadata.title or "").strip()
    if title:
        return title
    first = next(iter(doc.headings()), None)
    return first.text.strip() if first else "Untitled document"


def plain(block: Any) -> str:
    return model.block_text(block)
