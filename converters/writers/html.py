"""Accessible HTML writer: one self-contained file a screen-reader user can navigate.

``lang``, ``<title>``, a skip link, landmarks (header, nav, main, footer), one ``<h1>`` and a
heading hierarchy without gaps, a table of contents, lists, tables with ``<th scope>``, figures with
their text alternative (a missing one is marked for the reviewer, never invented), page-number
anchors with a page list, images inlined as data URIs, and display options (text size, contrast,
spacing) that work without script.
"""

from __future__ import annotations

from access.context import Context
from access.conversion import DOCUMENT, OutputFolder, WriterSpec
from access.document import Document, Heading
from access.models import ArtifactOut, ConvertOptions
from converters.writers.css import html_css
from converters.writers.markup import (
    Renderer,
    esc,
    figure_summary,
    plan_headings,
    quality_notice,
    title_of,
    toc_html,
)

TOC_MAX_LEVEL = 3


def write_html(doc: Document, folder: OutputFolder, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    ctx.progress(10, "writing html")
    page = render_html(doc)
    path = folder.file(".html")
    path.write_text(page, encoding="utf-8")
    ctx.progress(90, "html written")
    return [ArtifactOut(name=path.name, media_type="text/html", path=str(path),
                        metadata={"language": doc.metadata.language, "quality_warnings": len(doc.quality_warnings),
                                  **figure_summary(doc)})]


def title_is_first_heading(doc: Document) -> bool:
    """True when the document opens with a level-1 heading that can serve as the page's <h1>."""
    first = next((b for b in doc.blocks if getattr(b, "type", "") != "pagebreak"), None)
    return isinstance(first, Heading) and first.level == 1 and bool(first.text.strip())


def render_html(doc: Document) -> str:
    title = title_of(doc)
    own_h1 = title_is_first_heading(doc)
    plan = plan_headings(doc, base=2, first_is_title=own_h1)
    renderer = Renderer(plan)
    # The title (<h1>) stands in the header before the contents, as Pandoc places it: navigating by
    # headings meets the title first, and the skip link jumps over title and contents to the text.
    opening_end = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading)) + 1 if own_h1 else 0
    opening = renderer.blocks(doc.blocks[:opening_end])
    body = renderer.blocks(doc.blocks[opening_end:])
    notes = renderer.footnotes(doc, 2)
    lang = doc.metadata.language or "und"
    h1 = "" if own_h1 else f"<h1>{esc(title)}</h1>\n"
    toc = toc_html(plan, TOC_MAX_LEVEL, lambda p: f"#{p.id}")
    nav = (f'<nav class="toc" aria-labelledby="toc-heading">\n<h2 id="toc-heading">Contents</h2>\n{toc}\n'
           f"{_page_list(renderer.pages)}</nav>\n") if toc or renderer.pages else ""
    review = ""
    if renderer.missing_alt:
        n = len(renderer.missing_alt)
        review = (f'<p class="review-note" data-access-review="summary">{n} image{"s" if n != 1 else ""} '
                  "in this document had no text alternative in the source; each is marked below for a "
                  "reviewer to describe.</p>\n")
    source = esc(doc.metadata.source_name or "")
    notice = quality_notice(doc.quality_warnings)
    return f"""<!DOCTYPE html>
<html lang="{esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{html_css()}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header>
{notice}<p class="doc-source">{"Accessible version of " + source if source else "Accessible document"}</p>
{_display_options()}
{h1}{opening}
</header>
{nav}<main id="main" tabindex="-1">
{review}{body}
{notes}
</main>
<footer>
<p>Converted by access. Text size, contrast and spacing can be changed under “Display options”.</p>
</footer>
</body>
</html>
"""


def _page_list(pages: list[tuple[str, str]]) -> str:
    if not pages:
        return ""
    links = "\n".join(f'<li><a href="#{ident}">{esc(label)}</a></li>' for label, ident in pages)
    return (f'<details class="page-list">\n<summary>Go to a page of the original</summary>\n'
            f'<nav class="page-list" aria-label="Pages of the original">\n<ol>\n{links}\n</ol>\n</nav>\n'
            "</details>\n")


def _radio_group(name: str, legend: str, choices: list[tuple[str, str]]) -> str:
    inputs = []
    for k, (value, label) in enumerate(choices):
        checked = " checked" if k == 0 else ""
        ident = f"{name}-{value}"
        inputs.append(f'<input type="radio" name="{name}" id="{ident}" value="{value}"{checked}>'
                      f'<label for="{ident}">{label}</label>')
    return f"<fieldset>\n<legend>{legend}</legend>\n" + "\n".join(inputs) + "\n</fieldset>"


def _display_options() -> str:
    groups = [
        _radio_group("size", "Text size", [("normal", "Standard"), ("large", "Large"), ("larger", "Larger")]),
        _radio_group("contrast", "Colours", [("default", "Standard"), ("high", "High contrast"),
                                             ("dark", "Light on dark")]),
        _radio_group("spacing", "Spacing", [("normal", "Standard"), ("wide", "Dyslexia-friendly")]),
    ]
    return ('<details class="display-options">\n<summary>Display options</summary>\n'
            + "\n".join(groups) + "\n</details>")


WRITER = WriterSpec("html", DOCUMENT, write_html,
                    description="Accessible HTML: one self-contained page, checked by our auditor.")
